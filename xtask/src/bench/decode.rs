//! `bench decode`: runs the peer benchmark crate (`xtask/peer-bench`),
//! which links our client and async-stripe into one binary and times both
//! on the same bytes. It is not a workspace member, so `cargo test` never
//! builds async-stripe.

use std::process::Command;

use crate::inputs;

pub fn run() -> Result<(), String> {
    let manifest = inputs::workspace_root().join("xtask/peer-bench/Cargo.toml");
    let status = Command::new(env!("CARGO"))
        .args(["run", "--release", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .status()
        .map_err(|e| format!("cargo run: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} failed", manifest.display()))
    }
}
