//! The hostile-spec corpus: every file of `tests/hostile/` is a small spec
//! that tries one way to break the generator (one class per file), and its
//! leading comment lines say what must happen:
//!
//! ```yaml
//! # class: what the spec tries
//! # expect: error
//! # error: spec-file.yaml#/json/pointer: the message (a substring of the error)
//! ```
//!
//! or `# expect: generates`, with optional `# contains: PATH: TEXT` lines
//! (that generated file holds TEXT) and `# absent: TEXT` lines (no file
//! does). Each case runs on a thread of its own with the default stack and
//! a deadline: a panic, a stack overflow or a hang fails the case by name.
//! Every case that generates is also compiled (`cargo check`, warnings
//! denied), with the golden specs, each as the project's crates are laid
//! out (API, base and params crates, the `stripe` facade and the CLI's
//! table), all in one workspace, by `the_generated_cases_compile`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use stripe_codegen::emit::CrateLayout;
use stripe_codegen::{generate, Config, SourceDocument, Spec};

const DEADLINE: Duration = Duration::from_secs(60);

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

#[derive(Debug, Default)]
struct Expectation {
    class: String,
    /// `Some(substring)` for an error; `None` for output.
    error: Option<String>,
    contains: Vec<(String, String)>,
    absent: Vec<String>,
}

struct Case {
    name: String,
    text: String,
    expect: Expectation,
}

fn cases() -> Vec<Case> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/hostile exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8(bytes).unwrap_or_else(|_| panic!("{name}: not UTF-8"));
            let expect = expectation(&name, &text);
            Case { name, text, expect }
        })
        .collect()
}

/// The `# key: value` lines the file starts with.
fn expectation(name: &str, text: &str) -> Expectation {
    let mut expect = Expectation::default();
    let mut kind = None;
    let header = text.trim_start_matches('\u{feff}').lines();
    for line in header.take_while(|line| line.starts_with('#')) {
        let Some((key, value)) = line.trim_start_matches('#').trim().split_once(": ") else {
            continue;
        };
        let value = value.trim().to_owned();
        match key {
            "class" => expect.class = value,
            "expect" => kind = Some(value),
            "error" => expect.error = Some(value),
            "contains" => {
                let (path, text) = value
                    .split_once(": ")
                    .unwrap_or_else(|| panic!("{name}: `contains: PATH: TEXT`"));
                expect.contains.push((path.to_owned(), text.to_owned()));
            }
            "absent" => expect.absent.push(value),
            other => panic!("{name}: unknown header `{other}`"),
        }
    }
    assert!(!expect.class.is_empty(), "{name}: no `# class:` line");
    match kind.as_deref() {
        Some("error") => assert!(expect.error.is_some(), "{name}: no `# error:` line"),
        Some("generates") => assert!(expect.error.is_none(), "{name}: an error and output"),
        other => panic!("{name}: `# expect:` must be `error` or `generates`, not {other:?}"),
    }
    expect
}

/// Each case's own crate, named after it, beside `stripe-core`.
/// The project's layout of crates, each package named after the case.
fn layout(name: &str) -> CrateLayout {
    let runtime = |path: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../runtime")
            .join(path);
        path.canonicalize().unwrap().display().to_string()
    };
    let package = package_name(name);
    CrateLayout {
        api_package: format!("{package}-api"),
        params_package: Some(format!("{package}-params")),
        base_package: Some(format!("{package}-base")),
        core_path: runtime("core"),
        publish: false,
        facade: Some(stripe_codegen::emit::Facade {
            package,
            core_path: runtime("core"),
            runtime_path: runtime("client"),
            runtime_package: "typed-stripe-runtime".to_owned(),
        }),
        ..CrateLayout::default()
    }
}

fn package_name(case: &str) -> String {
    let stem = case.trim_end_matches(".yaml");
    format!(
        "hostile-{}",
        stem.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    )
}

type Outcome = Result<std::collections::BTreeMap<PathBuf, String>, String>;

/// Parses and generates on a thread of the default size, within the deadline.
fn run(name: &str, text: &str) -> Result<Outcome, String> {
    let (sender, receiver) = mpsc::channel();
    let (name_owned, text) = (name.to_owned(), text.to_owned());
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let outcome = std::panic::catch_unwind(|| {
                let document = SourceDocument {
                    name: name_owned.clone(),
                    text,
                    api_version: None,
                };
                let spec = Spec::parse(&[document]).map_err(|e| e.to_string())?;
                let config = Config {
                    source_label: name_owned.clone(),
                    policy: Default::default(),
                    crates: layout(&name_owned),
                };
                generate(&spec, &config)
                    .map(|generated| generated.files)
                    .map_err(|e| e.to_string())
            });
            let _ = sender.send(outcome);
        })
        .unwrap();
    match receiver.recv_timeout(DEADLINE) {
        Ok(Ok(outcome)) => Ok(outcome),
        Ok(Err(_)) => Err("panicked".to_owned()),
        // The thread died without sending: a stack overflow aborts the whole
        // process, so this is a hang past the deadline.
        Err(_) => Err(format!("no answer within {DEADLINE:?}")),
    }
}

/// What is wrong with a case's outcome, if anything.
fn check(case: &Case, outcome: Result<Outcome, String>) -> Option<String> {
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(failure) => return Some(failure),
    };
    match (&case.expect.error, outcome) {
        (Some(expected), Err(error)) if error.contains(expected.as_str()) => None,
        (Some(expected), Err(error)) => Some(format!("error `{error}`, expected `{expected}`")),
        (Some(expected), Ok(_)) => Some(format!("generated, expected the error `{expected}`")),
        (None, Err(error)) => Some(format!("error `{error}`, expected output")),
        (None, Ok(files)) => check_files(&case.expect, &files),
    }
}

fn check_files(
    expect: &Expectation,
    files: &std::collections::BTreeMap<PathBuf, String>,
) -> Option<String> {
    for (path, text) in files {
        if path.extension().is_some_and(|e| e == "rs") {
            if let Err(error) = syn::parse_file(text) {
                return Some(format!("{} does not parse: {error}", path.display()));
            }
        }
        if let Some(absent) = expect.absent.iter().find(|a| text.contains(a.as_str())) {
            return Some(format!("{} holds `{absent}`", path.display()));
        }
        if let Some(name) = path.file_name().map(|n| n.len()).filter(|n| *n > 255) {
            return Some(format!("a file name of {name} bytes: {}", path.display()));
        }
    }
    for (path, text) in &expect.contains {
        match files.get(Path::new(path)) {
            Some(file) if file.contains(text.as_str()) => {}
            Some(_) => return Some(format!("{path} does not hold `{text}`")),
            None => {
                let paths: Vec<_> = files.keys().map(|p| p.display().to_string()).collect();
                return Some(format!("no file {path} among {paths:?}"));
            }
        }
    }
    None
}

#[test]
fn every_hostile_spec_has_its_expected_outcome() {
    let cases = cases();
    assert!(cases.len() >= 60, "the corpus has {} specs", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let problem = check(case, run(&case.name, &case.text))?;
            Some(format!("{} ({}): {problem}", case.name, case.expect.class))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_corpus_tries_both_outcomes_and_each_class_once() {
    let cases = cases();
    let errors = cases.iter().filter(|c| c.expect.error.is_some()).count();
    assert!(
        errors >= 20 && cases.len() - errors >= 20,
        "{errors} errors"
    );
    let mut classes: Vec<&str> = cases.iter().map(|c| c.expect.class.as_str()).collect();
    classes.sort();
    let before = classes.len();
    classes.dedup();
    assert_eq!(classes.len(), before, "two files of one class");
}

/// Every case that generates, and every golden spec, written with the
/// project's layout of crates into one workspace under
/// `target/hostile-corpus` and checked by rustc, warnings denied: the API,
/// base and params crates, the facade (without its tests and examples,
/// which are the project's), and the CLI's table with the CLI's types.
#[test]
fn the_generated_cases_compile() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let workspace = root.join("target/hostile-corpus");
    let _ = std::fs::remove_dir_all(&workspace);
    let mut members = Vec::new();
    let golden = golden_specs();
    let corpus = cases();
    let generating = corpus.iter().filter(|c| c.expect.error.is_none());
    let specs = generating
        .map(|c| (c.name.clone(), c.text.clone()))
        .chain(golden);
    for (name, text) in specs {
        let Ok(Ok(files)) = run(&name, &text) else {
            continue; // reported by every_hostile_spec_has_its_expected_outcome
        };
        let member = package_name(&name);
        members.extend(write_case(&workspace.join(&member), &member, files));
    }
    assert!(members.len() >= 100, "{members:?}");
    // The project's package fields, which the generated crates inherit.
    let project = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let fields = project
        .split("\n[workspace.package]\n")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("the workspace's [workspace.package]");
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = {members:?}\n\
         [workspace.package]\n{fields}\n"
    );
    std::fs::write(workspace.join("Cargo.toml"), manifest).unwrap();
    // The project's lock file: the same dependency versions, no resolution.
    std::fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock")).unwrap();
    let output = Command::new(env!("CARGO"))
        .args([
            "check",
            "--workspace",
            "--all-features",
            "--tests",
            "--quiet",
            "--offline",
        ])
        .current_dir(&workspace)
        // Shared with the generated crate's feature checks (the same flags):
        // the runtime and its dependencies are built once.
        .env("CARGO_TARGET_DIR", root.join("target/feature-check"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The golden specs, by a name of their own.
fn golden_specs() -> Vec<(String, String)> {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut specs: Vec<(String, String)> = std::fs::read_dir(&golden)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter_map(|dir| {
            let text = std::fs::read_to_string(dir.join("spec.yaml")).ok()?;
            let name = format!("golden-{}.yaml", dir.file_name()?.to_string_lossy());
            Some((name, text))
        })
        .collect();
    specs.sort();
    specs
}

/// Writes one case's crates under `dir` and returns their folders, as
/// members of the workspace: `api`, `base`, `params`, the facade at the
/// top, and a crate of the CLI's table beside them.
fn write_case(
    dir: &Path,
    member: &str,
    files: std::collections::BTreeMap<PathBuf, String>,
) -> Vec<String> {
    let mut members = Vec::new();
    for (path, mut text) in files {
        let top = path
            .iter()
            .next()
            .and_then(|p| p.to_str())
            .unwrap_or_default();
        match top {
            "api" | "base" | "params" if path.ends_with("Cargo.toml") => {
                members.push(format!("{member}/{top}"))
            }
            // The facade's own tests and examples are the project's.
            "tests" | "examples" => continue,
            "Cargo.toml" => {
                members.push(member.to_owned());
                text = without_dev_dependencies(&text);
            }
            _ => {}
        }
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    if dir.join("cli/commands.rs").exists() {
        members.push(format!("{member}/cli"));
        write_table_crate(&dir.join("cli"), member);
    }
    members
}

/// The facade's manifest without the project's test dependencies and
/// examples.
fn without_dev_dependencies(manifest: &str) -> String {
    manifest
        .split("\n[dev-dependencies]")
        .next()
        .unwrap_or(manifest)
        .to_owned()
}

/// A crate of the generated table (`commands.rs`) with the CLI's types
/// (`cli/src/table.rs`), as the CLI compiles them.
fn write_table_crate(dir: &Path, member: &str) {
    let table = Path::new(env!("CARGO_MANIFEST_DIR")).join("../cli/src/table.rs");
    let table = table.canonicalize().unwrap();
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/core");
    let core = core.canonicalize().unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{member}-cli\"\nversion = \"0.0.0\"\nedition.workspace = true\npublish = false\n\
             [lib]\npath = \"lib.rs\"\n[dependencies]\nstripe-core = {{ package = \"typed-stripe-core\", path = {core:?} }}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("lib.rs"),
        format!(
            "#[path = {table:?}]\npub mod table;\n#[path = \"commands.rs\"]\npub mod commands;\n"
        ),
    )
    .unwrap();
}
