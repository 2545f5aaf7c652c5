//! Every crate the workspace publishes packages and builds from its package
//! alone: `cargo package` of all of them at once verifies each against the
//! others' packages (a local registry), not against the source tree. Built
//! outside this `cargo test`'s target folder, which it holds locked, in the
//! one `generated/tests/minimal_features.rs` builds in (the same
//! dependencies, built once).

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn cargo(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO"))
        .args(args)
        .current_dir(workspace())
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target/minimal-features"),
        )
        .output()
        .expect("cargo runs")
}

/// The workspace's packages that may be published (no `publish = false`).
fn published() -> Vec<String> {
    let output = cargo(&[
        "metadata",
        "--no-deps",
        "--format-version",
        "1",
        "--offline",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|package| package["publish"].is_null())
        .map(|package| package["name"].as_str().unwrap().to_owned())
        .collect()
}

fn listed(package: &str) -> Vec<String> {
    let output = cargo(&[
        "package",
        "--list",
        "--allow-dirty",
        "--offline",
        "-p",
        package,
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_published_crates_package_and_build_from_their_packages() {
    let packages = published();
    for expected in [
        "typed-stripe",
        "typed-stripe-core",
        "typed-stripe-runtime",
        "typed-stripe-cli",
    ] {
        assert!(
            packages.iter().any(|p| p == expected),
            "{expected} is published: {packages:?}"
        );
    }
    for unpublished in ["xtask", "stripe-codegen", "stripe-spec"] {
        assert!(
            !packages.iter().any(|p| p == unpublished),
            "{unpublished} says publish = false"
        );
    }

    let mut args = vec!["package", "--allow-dirty", "--offline"];
    for package in &packages {
        args.extend(["-p", package]);
    }
    let output = cargo(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // The CLI carries its table; the facade carries no CLI table.
    assert!(listed("typed-stripe-cli")
        .iter()
        .any(|f| f == "src/generated/commands.rs"));
    let facade = listed("typed-stripe");
    assert!(
        !facade.iter().any(|f| f.contains("commands.rs")),
        "{facade:?}"
    );
    assert!(
        facade.iter().any(|f| f == "README.md"),
        "the README is the crate's page"
    );
}
