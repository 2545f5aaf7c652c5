//! `cargo xtask codegen` as a user runs it: the committed crate is fresh,
//! output is deterministic, and bad input fails cleanly without touching
//! what was there.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(workspace())
        .output()
        .expect("xtask runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `dir`, with its text.
fn snapshot(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_committed_generated_crate_is_fresh() {
    let output = xtask(&["codegen", "--check"]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn generating_twice_gives_identical_bytes() {
    let (first, second) = (temp_dir("det-1"), temp_dir("det-2"));
    for dir in [&first, &second] {
        let output = xtask(&["codegen", "--out", dir.to_str().unwrap()]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let (a, b) = (snapshot(&first), snapshot(&second));
    assert!(a.len() > 100, "the default spec makes a file per resource");
    let strip = |files: Vec<(PathBuf, String)>, root: &Path| -> Vec<(PathBuf, String)> {
        files
            .into_iter()
            .map(|(p, t)| (p.strip_prefix(root).unwrap().to_path_buf(), t))
            .collect()
    };
    assert!(strip(a, &first) == strip(b, &second), "two runs differ");
}

#[test]
fn check_mode_lists_stale_files_and_the_command_to_run() {
    let dir = temp_dir("stale");
    assert!(xtask(&["codegen", "--out", dir.to_str().unwrap()])
        .status
        .success());
    std::fs::write(dir.join("src/lib.rs"), "// edited by hand\n").unwrap();
    std::fs::write(dir.join("src/leftover.rs"), "// no longer produced\n").unwrap();
    let output = xtask(&["codegen", "--check", "--out", dir.to_str().unwrap()]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("src/lib.rs") && message.contains("src/leftover.rs"),
        "{message}"
    );
    assert!(message.contains("cargo xtask codegen"), "{message}");
    assert_eq!(
        std::fs::read_to_string(dir.join("src/lib.rs")).unwrap(),
        "// edited by hand\n",
        "check writes nothing"
    );
}

#[test]
fn the_2022_spec_generates() {
    let dir = temp_dir("2022");
    let output = xtask(&[
        "codegen",
        "--manifest",
        "spec/stripe-2022-11-15.toml",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let lib = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
    assert!(lib.contains("API version 2022-11-15"), "{lib}");
}

/// A spec folder and manifest of our own, for failures.
fn bad_input(name: &str, spec_text: &str) -> (PathBuf, PathBuf) {
    let dir = temp_dir(name);
    std::fs::write(dir.join("spec.yaml"), spec_text).unwrap();
    let sha = sha256_hex(spec_text.as_bytes());
    let manifest = dir.join("manifest.toml");
    std::fs::write(
        &manifest,
        format!("api_version = 'x'\n[[document]]\nfile = 'spec.yaml'\nsha256 = '{sha}'\nsource = {{ repository = 'a/test', commit = '{}', path = 'spec.yaml' }}\n", "0".repeat(40)),
    )
    .unwrap();
    (dir, manifest)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs codegen into a folder that already holds a generated crate and
/// checks that the failure left it as it was.
fn fails_without_touching_output(name: &str, args: &[&str]) -> String {
    let out = temp_dir(&format!("{name}-out"));
    std::fs::create_dir_all(out.join("src")).unwrap();
    std::fs::write(out.join("src/lib.rs"), "// what the user had\n").unwrap();
    let before = snapshot(&out);
    let mut all: Vec<&str> = vec!["codegen", "--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let output = xtask(&all);
    assert!(!output.status.success(), "codegen should fail");
    assert_eq!(
        snapshot(&out),
        before,
        "a failed codegen must not touch the output"
    );
    stderr(&output)
}

#[test]
fn a_dangling_ref_names_the_file_and_pointer() {
    let (dir, manifest) = bad_input(
        "dangling",
        "openapi: 3.0.0\ninfo: {title: t, version: x}\npaths: {}\ncomponents:\n  schemas:\n    thing:\n      type: object\n      properties:\n        other: {$ref: '#/components/schemas/missing'}\n",
    );
    let message = fails_without_touching_output(
        "dangling",
        &[
            "--manifest",
            manifest.to_str().unwrap(),
            "--spec-dir",
            dir.to_str().unwrap(),
        ],
    );
    assert!(
        message.contains("spec.yaml#/components/schemas/thing/properties/other"),
        "{message}"
    );
    assert!(message.contains("dangling $ref"), "{message}");
}

#[test]
fn broken_yaml_names_the_file_and_line() {
    let (dir, manifest) = bad_input("broken", "openapi: 3.0.0\ninfo: {title: t\n");
    let message = fails_without_touching_output(
        "broken",
        &[
            "--manifest",
            manifest.to_str().unwrap(),
            "--spec-dir",
            dir.to_str().unwrap(),
        ],
    );
    assert!(
        message.contains("spec.yaml") && message.contains("line"),
        "{message}"
    );
}

#[test]
fn an_unsupported_construct_names_its_pointer() {
    let (dir, manifest) = bad_input(
        "oneof",
        "openapi: 3.0.0\ninfo: {title: t, version: x}\npaths: {}\ncomponents:\n  schemas:\n    thing:\n      type: object\n      properties:\n        either:\n          oneOf: [{type: string}, {type: integer}]\n",
    );
    let message = fails_without_touching_output(
        "oneof",
        &[
            "--manifest",
            manifest.to_str().unwrap(),
            "--spec-dir",
            dir.to_str().unwrap(),
        ],
    );
    assert!(
        message.contains("spec.yaml#/components/schemas/thing/properties/either"),
        "{message}"
    );
}

#[test]
fn a_missing_spec_file_says_where_it_looked_and_how_to_get_it() {
    let empty = temp_dir("empty-spec-dir");
    let message =
        fails_without_touching_output("missing", &["--spec-dir", empty.to_str().unwrap()]);
    let manifest = stripe_spec::read_manifest(&stripe_spec::project_manifest()).unwrap();
    let main_document = &manifest.documents[0].file;
    assert!(message.contains(main_document.as_str()), "{message}");
    assert!(message.contains(empty.to_str().unwrap()), "{message}");
    assert!(message.contains("stripe/openapi"), "{message}");
}

#[test]
fn a_changed_spec_file_fails_the_checksum() {
    let (dir, manifest) = bad_input(
        "checksum",
        "openapi: 3.0.0\ninfo: {title: t, version: x}\npaths: {}\n",
    );
    std::fs::write(
        dir.join("spec.yaml"),
        "openapi: 3.0.0\ninfo: {title: t, version: y}\npaths: {}\n",
    )
    .unwrap();
    let message = fails_without_touching_output(
        "checksum",
        &[
            "--manifest",
            manifest.to_str().unwrap(),
            "--spec-dir",
            dir.to_str().unwrap(),
        ],
    );
    assert!(message.contains("sha256"), "{message}");
}

#[test]
fn diff_of_two_plain_files_compares_both_layers_with_the_default_policy() {
    let dir = stripe_spec::SpecDir::resolve(None).path;
    let (old, new) = (
        dir.join("spec3.2022-11-15.yaml"),
        dir.join("spec3.2023-08-16.yaml"),
    );
    let output = xtask(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        report.contains("response-property-removed"),
        "the spec layer"
    );
    assert!(
        report.contains("rust-type-removed"),
        "the generated-API layer"
    );
    // The default overrides name two fields the 2022 spec does not have:
    // skipped for that side, and said so.
    let notes = stderr(&output);
    assert!(
        notes.contains("spec3.2022-11-15.yaml applies the policy of"),
        "{notes}"
    );
    assert!(
        notes.contains("[optional_fields] product.features"),
        "{notes}"
    );
}

#[test]
fn gitattributes_marks_every_file_codegen_writes_as_generated() {
    let dir = temp_dir("attributes");
    let output = xtask(&["codegen", "--out", dir.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let written: Vec<String> = snapshot(&dir)
        .into_iter()
        .map(|(path, _)| {
            // Where codegen writes each file without `--out`: the CLI's
            // table inside the CLI's package, the rest under generated/.
            match path.strip_prefix(&dir).unwrap().to_str().unwrap() {
                "cli/commands.rs" => "cli/src/generated/commands.rs".to_owned(),
                relative => format!("generated/{relative}"),
            }
        })
        .collect();
    // `git check-attr` reads the work tree's .gitattributes for any path,
    // committed or not.
    let attributes = Command::new("git")
        .args(["check-attr", "linguist-generated", "--"])
        .args(&written)
        .current_dir(workspace())
        .output()
        .expect("git runs");
    assert!(attributes.status.success(), "{}", stderr(&attributes));
    let report = String::from_utf8(attributes.stdout).unwrap();
    let unmarked: Vec<&str> = report
        .lines()
        .filter(|line| !line.ends_with(": linguist-generated: true"))
        .collect();
    assert!(
        unmarked.is_empty(),
        "not marked in .gitattributes: {unmarked:#?}"
    );
    assert_eq!(report.lines().count(), written.len());
}
