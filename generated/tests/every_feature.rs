//! Every feature builds on its own, without warnings: a feature's items
//! refer only to what its feature graph enables. `cargo check` of the
//! `stripe` crate once per feature of the generated `Cargo.toml`, with
//! `default-features = false` (outside this `cargo test`'s target folder,
//! which it holds locked).

use std::path::Path;
use std::process::Command;

/// The public features of `generated/Cargo.toml`: its `[features]` table
/// without `default`, `full`, `serde` and the TLS providers (each check
/// takes ring, the cheaper; the workspace's tests build the default).
fn public_features(manifest: &str) -> Vec<&str> {
    let table = manifest
        .split("\n[features]\n")
        .nth(1)
        .expect("a [features] table");
    table
        .lines()
        .take_while(|line| !line.starts_with('['))
        .filter_map(|line| line.split_once(" = [").map(|(name, _)| name))
        .filter(|name| {
            !["default", "full", "serde", TLS_PROVIDER, "rustls-aws-lc-rs"].contains(name)
        })
        .collect()
}

const TLS_PROVIDER: &str = "rustls-ring";

#[test]
fn each_feature_alone_builds_without_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let features = public_features(&manifest);
    assert!(
        features.contains(&"identity") && features.contains(&"webhook_endpoint"),
        "{features:?}"
    );
    let target = root.join("../target/feature-check");
    let mut failed = Vec::new();
    for feature in &features {
        let output = Command::new(env!("CARGO"))
            .args([
                "check",
                "--quiet",
                "-p",
                "typed-stripe",
                "--no-default-features",
            ])
            .args(["--features", &format!("{feature},{TLS_PROVIDER}")])
            .env("CARGO_TARGET_DIR", &target)
            .env("RUSTFLAGS", "-D warnings")
            .current_dir(root)
            .output()
            .expect("cargo runs");
        if !output.status.success() {
            failed.push(format!(
                "--features {feature}:\n{}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    eprintln!("{} features checked one by one", features.len());
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
