//! `cargo xtask bench`: speed figures that the README quotes. Benchmarks,
//! not timed tests: they print medians and never fail on a number.
//!
//! - `bench codegen [--runs N]`: each step of `cargo xtask codegen` in
//!   process, N times; the YAML parse is the floor the rest is compared to.
//!   Run it from a release build: `cargo run --release -p xtask -- bench codegen`.
//! - `bench build`: a cold debug build of the generated crate, in a fresh
//!   target folder, with wall time and peak memory (GNU time). The runtime
//!   and the other dependencies are built first, so the second figure is the
//!   generated crate's own cost.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use stripe_codegen::emit::{self, format};
use stripe_codegen::{build_model, Config, Spec};

use crate::inputs::{self, SpecDir};

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let runs: usize = crate::take_value(&mut args, "--runs")?
        .map_or(Ok(10), |r| r.parse().map_err(|e| format!("--runs: {e}")))?;
    match args.first().map(String::as_str) {
        Some("codegen") => codegen(runs),
        Some("build") => build(),
        _ => Err("usage: cargo xtask bench codegen [--runs N] | bench build".into()),
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn codegen(runs: usize) -> Result<(), String> {
    if cfg!(debug_assertions) {
        eprintln!("note: this is a debug build; for the README's figures run `cargo run --release -p xtask -- bench codegen`");
    }
    let manifest_path = inputs::workspace_root().join("spec/stripe.toml");
    let manifest = inputs::read_manifest(&manifest_path)?;
    let policy = inputs::read_policy(&manifest_path, &manifest)?;
    let config = Config {
        source_label: manifest.label(),
        policy,
        crates: Default::default(),
    };
    let dir = SpecDir::resolve(None);
    let mut steps: [(&str, Vec<Duration>); 6] = [
        ("read + sha256", vec![]),
        ("parse (serde_yaml, baseline)", vec![]),
        ("model", vec![]),
        ("render", vec![]),
        ("format (prettyplease)", vec![]),
        ("total", vec![]),
    ];
    let mut lines = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let documents = inputs::read_documents(&manifest, &dir)?;
        let read = start.elapsed();
        let spec = Spec::parse(&documents).map_err(|e| e.to_string())?;
        let parsed = start.elapsed();
        let model = build_model(&spec, &config.policy).map_err(|e| e.to_string())?;
        let modelled = start.elapsed();
        let header = emit::Header {
            source: &config.source_label,
            api_version: &model.api_version,
        };
        let files = emit::emit(&model, &header, &config.crates).map_err(|e| e.to_string())?;
        let rendered = start.elapsed();
        let files = format::format_files(files).map_err(|e| e.to_string())?;
        let formatted = start.elapsed();
        lines = files.values().map(|text| text.lines().count()).sum();
        for (i, t) in [
            read,
            parsed - read,
            modelled - parsed,
            rendered - modelled,
            formatted - rendered,
            formatted,
        ]
        .into_iter()
        .enumerate()
        {
            steps[i].1.push(t);
        }
    }
    println!(
        "cargo xtask codegen, in process, default input, {runs} runs, {lines} lines generated:"
    );
    for (name, samples) in steps {
        println!(
            "  {name:<30} median {:>8.1} ms",
            median(samples).as_secs_f64() * 1e3
        );
    }
    Ok(())
}

fn build() -> Result<(), String> {
    let target = std::env::temp_dir().join(format!("stripe-bench-build-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&target);
    let root = inputs::workspace_root();
    let dependencies = timed_cargo(&root, &target, &["build", "-p", "stripe-runtime"])?;
    let generated = timed_cargo(&root, &target, &["build", "-p", "stripe"])?;
    let _ = std::fs::remove_dir_all(&target);
    println!("cold debug build, fresh target folder:");
    println!(
        "  dependencies + runtime   {:>7.1} s   peak {:>6} MiB",
        dependencies.0,
        dependencies.1 / 1024
    );
    println!(
        "  generated crate alone    {:>7.1} s   peak {:>6} MiB",
        generated.0,
        generated.1 / 1024
    );
    Ok(())
}

/// Wall seconds and peak resident KiB of one cargo command.
fn timed_cargo(root: &Path, target: &Path, args: &[&str]) -> Result<(f64, u64), String> {
    let report = target.with_extension("time");
    let status = Command::new("/usr/bin/time")
        .arg("-v")
        .arg("-o")
        .arg(&report)
        .arg(env!("CARGO"))
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run /usr/bin/time (GNU time): {e}"))?;
    if !status.success() {
        return Err(format!("cargo {} failed", args.join(" ")));
    }
    let text = std::fs::read_to_string(&report).map_err(|e| e.to_string())?;
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .map(str::trim)
    };
    let wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss):")
        .ok_or("no wall time in GNU time's report")?;
    let seconds = wall.split(':').fold(0.0, |acc, part| {
        acc * 60.0 + part.parse::<f64>().unwrap_or(0.0)
    });
    let peak = field("Maximum resident set size (kbytes):")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Ok((seconds, peak))
}
