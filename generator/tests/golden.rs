//! Golden tests: each folder under `tests/golden/` holds a small spec that
//! exercises one construct, and the API crate the generator makes from it
//! (its `Cargo.toml`, with the feature graph, and `src/`). The crate is a
//! workspace member, so `cargo test` also proves it compiles.
//! `UPDATE_GOLDEN=1 cargo test -p stripe-codegen --test golden` rewrites the
//! expected files after an intended change; review the diff.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use stripe_codegen::emit::{CrateLayout, API_CRATE};
use stripe_codegen::{generate, Config, SourceDocument, Spec};

fn golden_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn expected_files(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    out.insert(
        PathBuf::from("Cargo.toml"),
        std::fs::read_to_string(dir.join("Cargo.toml")).unwrap(),
    );
    let mut stack = vec![dir.join("src")];
    while let Some(current) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_path_buf();
                out.insert(relative, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    out
}

fn check_case(name: &str) {
    let dir = golden_root().join(name);
    let text = std::fs::read_to_string(dir.join("spec.yaml")).unwrap();
    let spec = Spec::parse(&[SourceDocument {
        name: "spec.yaml".into(),
        text,
        api_version: None,
    }])
    .unwrap();
    let config = Config {
        source_label: "spec.yaml".into(),
        policy: Default::default(),
        crates: CrateLayout {
            api_package: format!("golden-{name}"),
            params_package: None,
            base_package: None,
            core_path: "../../../../runtime/core".into(),
            publish: false,
            facade: None,
            ..CrateLayout::default()
        },
    };
    let generated = generate(&spec, &config).unwrap_or_else(|e| panic!("{name}: {e}"));
    let generated: BTreeMap<PathBuf, String> = generated
        .files
        .into_iter()
        .map(|(path, text)| (path.strip_prefix(API_CRATE).unwrap().to_path_buf(), text))
        .collect();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(dir.join("src"));
        for (path, text) in &generated {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        return;
    }
    let expected = expected_files(&dir);
    assert_eq!(
        expected.keys().collect::<Vec<_>>(),
        generated.keys().collect::<Vec<_>>(),
        "{name}: the set of files differs (UPDATE_GOLDEN=1 to accept)"
    );
    for (path, text) in &generated {
        assert!(
            expected[path] == *text,
            "{name}/{}: differs from the expected output (UPDATE_GOLDEN=1 to accept)",
            path.display()
        );
    }
}

#[test]
fn enums() {
    check_case("enums");
}

#[test]
fn objects() {
    check_case("objects");
}

#[test]
fn v2() {
    check_case("v2");
}

#[test]
fn polymorphic() {
    check_case("polymorphic");
}
