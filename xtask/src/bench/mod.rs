//! `cargo xtask bench`: the speed figures the README quotes. Benchmarks,
//! not timed tests: they print medians and never fail on a number.
//!
//! - `bench codegen [--runs N]`: each step of codegen, in process.
//! - `bench build [--runs N]`: cold builds of the client against
//!   async-stripe, per-rustc peak memory, a release build, and the
//!   incremental rebuild of a small binary ([`build`]).
//! - `bench decode`: decoding list pages and encoding params, against
//!   async-stripe in the same binary ([`decode`]).

mod build;
mod codegen;
mod decode;

use std::time::Duration;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let runs: Option<usize> = crate::take_value(&mut args, "--runs")?
        .map(|r| r.parse().map_err(|e| format!("--runs: {e}")))
        .transpose()?;
    match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(runs.unwrap_or(10)),
        Some("build") => build::run(runs.unwrap_or(3)),
        Some("decode") => decode::run(),
        _ => Err("usage: cargo xtask bench codegen [--runs N] | build [--runs N] | decode".into()),
    }
}

pub(crate) fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}
