//! `bench codegen [--runs N]`: each step of `cargo xtask codegen` in
//! process, N times; the YAML parse is the floor the rest is compared to.
//! Run it from a release build: `cargo run --release -p xtask -- bench codegen`.

use std::time::{Duration, Instant};

use super::median;

use stripe_codegen::emit::{self, format};
use stripe_codegen::{build_model, Config, Spec};

use crate::inputs::{self, SpecDir};

/// Each step of `cargo xtask codegen`, `runs` times, medians.
pub fn run(runs: usize) -> Result<(), String> {
    if cfg!(debug_assertions) {
        eprintln!("note: this is a debug build; for the figures of docs/benchmarks.md run `cargo run --release -p xtask -- bench codegen`");
    }
    let manifest_path = inputs::workspace_root().join("spec/stripe.toml");
    let manifest = inputs::read_manifest(&manifest_path)?;
    let dir = SpecDir::resolve(None);
    let policy = inputs::read_policy(&manifest_path, &manifest, &dir)?;
    let config = Config {
        source_label: manifest.label(),
        policy,
        crates: Default::default(),
    };
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
        let documents = inputs::read_documents(&manifest_path, &manifest, &dir)?;
        let read = start.elapsed();
        let spec = Spec::parse(&documents).map_err(|e| e.to_string())?;
        let parsed = start.elapsed();
        let model = build_model(&spec, &config.policy).map_err(|e| e.to_string())?;
        let modelled = start.elapsed();
        let header = emit::Header::new(&config.source_label, &model.api_version);
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
