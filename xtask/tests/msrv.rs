//! The `rust-version` the published crates declare (1.85) is checked in CI
//! as far as the one toolchain there allows: clippy's `incompatible_msrv`
//! refuses any standard-library item our hand-written crates use that is
//! newer than the declared version (language features it does not see; a
//! full build on 1.85 is in docs/testing.md). Checked where
//! `xtask/tests/package.rs` builds, as this `cargo test` holds its own
//! target folder locked.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn the_hand_written_crates_use_nothing_newer_than_their_rust_version() {
    let output = Command::new(env!("CARGO"))
        .current_dir(workspace())
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target/minimal-features"),
        )
        .args([
            "clippy",
            "--offline",
            "-p",
            "typed-stripe-core",
            "-p",
            "typed-stripe-runtime",
            "-p",
            "typed-stripe-spec",
            "-p",
            "typed-stripe-mock",
            "--",
            "-A",
            "clippy::all",
            "-D",
            "clippy::incompatible_msrv",
        ])
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo clippy (a rustup component of the toolchain) refused:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
