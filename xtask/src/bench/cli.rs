//! `cargo xtask bench cli`: what the `stripe` command line costs. A cold
//! release build of `stripe-cli` with its dependencies (own target folder),
//! the rebuild after the generated table changes, the binary's size, and
//! the wall time of `stripe --help` and of a dry run (medians of `runs`
//! processes each).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::inputs::workspace_root;

pub fn run(runs: usize) -> Result<(), String> {
    let root = workspace_root();
    let target = root.join("target/bench-cli");
    let _ = std::fs::remove_dir_all(&target);
    let cold = build(&root, &target)?;
    let table = root.join(crate::codegen::CLI_TABLE_DIR).join("commands.rs");
    touch(&table)?;
    let table_only = build(&root, &target)?;
    let binary = target.join("release/stripe");
    let size = std::fs::metadata(&binary)
        .map_err(|e| format!("{}: {e}", binary.display()))?
        .len();
    let help = timed(&binary, &["--help"], runs)?;
    let dry_run = timed(
        &binary,
        &[
            "customers",
            "create",
            "--email",
            "jenny@example.com",
            "-d",
            "metadata[order]=6735",
            "--api-key",
            "sk_test_bench",
            "--dry-run",
        ],
        runs,
    )?;
    let deep = timed(
        &binary,
        &[
            "test_helpers",
            "treasury",
            "outbound_payments",
            "return",
            "obp_1",
            "--api-key",
            "sk_test_bench",
            "--dry-run",
        ],
        runs,
    )?;
    println!("stripe-cli, release, on this machine:");
    println!(
        "  cold build with dependencies: {:.1} s",
        cold.as_secs_f64()
    );
    println!(
        "  rebuild after the table changes: {:.1} s",
        table_only.as_secs_f64()
    );
    println!("  binary: {:.1} MB", size as f64 / 1e6);
    println!("  stripe --help: {:.1} ms (median of {runs})", ms(help));
    println!(
        "  stripe customers create ... --dry-run: {:.1} ms",
        ms(dry_run)
    );
    println!(
        "  stripe test_helpers treasury outbound_payments return ... --dry-run: {:.1} ms",
        ms(deep)
    );
    Ok(())
}

fn build(root: &Path, target: &Path) -> Result<Duration, String> {
    let started = Instant::now();
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "--release",
            "-p",
            "typed-stripe-cli",
            "--bin",
            "stripe",
        ])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build -p typed-stripe-cli failed: {status}"));
    }
    Ok(started.elapsed())
}

/// Makes cargo see the file as changed, without changing it.
fn touch(path: &Path) -> Result<(), String> {
    let file = std::fs::File::options()
        .append(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    file.set_modified(std::time::SystemTime::now())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The median wall time of `runs` runs of `binary args`, each checked to succeed.
fn timed(binary: &Path, args: &[&str], runs: usize) -> Result<Duration, String> {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let status = Command::new(binary)
            .args(args)
            .env_remove("STRIPE_API_KEY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("{}: {e}", binary.display()))?;
        samples.push(started.elapsed());
        if !status.success() {
            return Err(format!("stripe {} failed: {status}", args.join(" ")));
        }
    }
    Ok(super::median(samples))
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}
