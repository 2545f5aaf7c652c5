//! `cargo xtask bench`: the figures docs/benchmarks.md quotes. Benchmarks,
//! not timed tests: they print medians and never fail on a number.
//!
//! - `bench codegen [--runs N]`: each step of codegen, in process.
//! - `bench build [--runs N] [--release-runs M]`: cold builds of the client
//!   against async-stripe, per-rustc peak memory, a release build (`M` runs,
//!   default `N`: each is about twelve minutes on 2 cores), and the
//!   incremental rebuild of a small binary ([`build`]).
//! - `bench decode`: decoding list pages and encoding params, against
//!   async-stripe in the same binary ([`decode`]).
//! - `bench cli [--runs N]`: the `stripe` binary's cold build, size and
//!   start-up ([`cli`]).
//! - `bench load [--requests N] [--concurrency C]`: requests through the
//!   client against the mock binary (`mock/benches/load.rs`).

mod build;
mod cli;
mod codegen;
mod decode;

use std::time::Duration;

const USAGE: &str = "usage: cargo xtask bench codegen [--runs N] | build [--runs N] [--release-runs M] | decode | cli [--runs N] | load [--requests N] [--concurrency C]";

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let runs = count(&mut args, "--runs")?;
    let release_runs = count(&mut args, "--release-runs")?;
    // A benchmark runs for minutes: anything it would ignore (`--help`, a
    // misspelt option) stops it before it starts.
    if args.first().map(String::as_str) != Some("load") && args.len() > 1 {
        return Err(format!("unexpected {}\n{USAGE}", args[1..].join(" ")));
    }
    match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(runs.unwrap_or(10)),
        Some("build") => {
            let runs = runs.unwrap_or(3).max(1);
            build::run(runs, release_runs.unwrap_or(runs))
        }
        Some("decode") => decode::run(),
        Some("cli") => cli::run(runs.unwrap_or(20)),
        Some("load") => load(&args[1..]),
        _ => Err(USAGE.into()),
    }
}

/// The load benchmark: a `cargo bench` target of the mock, so that mock and
/// client are optimised builds, not debug ones.
fn load(options: &[String]) -> Result<(), String> {
    let status = std::process::Command::new(env!("CARGO"))
        .args([
            "bench",
            "--quiet",
            "-p",
            "typed-stripe-mock",
            "--bench",
            "load",
            "--",
        ])
        .args(options)
        .current_dir(crate::inputs::workspace_root())
        .status()
        .map_err(|e| format!("cargo bench: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("the load benchmark failed".into())
    }
}

/// The number after `name`, taken out of `args`.
fn count(args: &mut Vec<String>, name: &str) -> Result<Option<usize>, String> {
    crate::take_value(args, name)?
        .map(|r| r.parse().map_err(|e| format!("{name}: {e}")))
        .transpose()
}

pub(crate) fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}
