//! The client builds without a warning as a user's project builds it: in a
//! project of its own, outside the workspace's lock file, every dependency
//! at the newest version its requirement allows (`cargo update`), with
//! warnings denied, with each TLS provider. And with ring alone, the client
//! still offers X25519 first (`runtime/client/tests/tls.rs`; the workspace's
//! own tests run the default provider).
//!
//! Needs the crates.io index, as every fresh build does. Built in
//! `target/fresh-dependencies`, apart from the workspace's lock file's
//! builds; the ring test builds where `xtask/tests/package.rs` does.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A user's project: the facade by path, as a git dependency would give it,
/// with a few resources and every optional part, the provider chosen by
/// the project's own feature.
fn user_project(dir: &Path) {
    let facade = workspace().join("generated");
    let manifest = format!(
        r#"[package]
name = "fresh-user"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[features]
aws-lc-rs = ["stripe/rustls-aws-lc-rs"]
ring = ["stripe/rustls-ring"]

[dependencies]
stripe = {{ package = "typed-stripe", path = {facade:?}, default-features = false, features = ["customer", "identity", "webhook_endpoint", "serde", "blocking", "tracing"] }}
"#,
        facade = facade.display().to_string()
    );
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(
        dir.join("src/main.rs"),
        "fn main() {\n    let _client = stripe::Client::new(\"sk_test_123\");\n}\n",
    )
    .unwrap();
}

fn run(command: &mut Command) {
    let output = command.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "{command:?}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn cargo(dir: &Path, target: &Path) -> Command {
    let mut command = Command::new(env!("CARGO"));
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings");
    command
}

#[test]
fn the_client_builds_clean_on_the_newest_dependencies_with_either_tls_provider() {
    let dir = workspace().join("target/fresh-dependencies/project");
    let target = workspace().join("target/fresh-dependencies/target");
    let _ = std::fs::remove_dir_all(&dir);
    user_project(&dir);
    run(cargo(&dir, &target).arg("update"));
    for provider in ["ring", "aws-lc-rs"] {
        run(cargo(&dir, &target).args(["check", "--features", provider]));
    }

    // Inheriting RUSTFLAGS, as the other builds in that folder do.
    let runtime = workspace().join("runtime/client/Cargo.toml");
    run(Command::new(env!("CARGO"))
        .current_dir(workspace())
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target/minimal-features"),
        )
        .args([
            "test",
            "--manifest-path",
            runtime.to_str().unwrap(),
            "--no-default-features",
            "--features",
            "rustls-ring",
            "--test",
            "tls",
        ]));
}
