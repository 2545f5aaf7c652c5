//! `cargo xtask fuzz [--cases N] [--seed S|random]`: the property tests
//! that CI runs with a fixed seed and a few hundred cases (mutated specs,
//! the form encoder, damaged responses, webhook headers), run longer:
//! optimised, with `N` cases each (default 20,000) and the seed given.

use std::process::Command;

/// Each package and the test target that holds its property tests.
const TARGETS: [(&str, &str); 4] = [
    ("stripe-codegen", "fuzz_spec"),
    ("typed-stripe-core", "fuzz_encode"),
    ("typed-stripe", "fuzz_decode"),
    ("typed-stripe-runtime", "webhook"),
];

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let cases = crate::take_value(&mut args, "--cases")?.unwrap_or_else(|| "20000".into());
    let seed = crate::take_value(&mut args, "--seed")?.unwrap_or_else(|| "random".into());
    if let Some(extra) = args.first() {
        return Err(format!("fuzz: unexpected `{extra}`"));
    }
    cases
        .parse::<u32>()
        .map_err(|e| format!("--cases {cases}: {e}"))?;
    for (package, test) in TARGETS {
        println!("fuzz: {package} --test {test}, {cases} cases, seed {seed}");
        let status = Command::new(env!("CARGO"))
            .args([
                "test",
                "--release",
                "-p",
                package,
                "--test",
                test,
                "--",
                "--nocapture",
            ])
            .env("STRIPE_FUZZ_CASES", &cases)
            .env("STRIPE_FUZZ_SEED", &seed)
            .current_dir(crate::inputs::workspace_root())
            .status()
            .map_err(|e| format!("cargo test: {e}"))?;
        if !status.success() {
            return Err(format!(
                "{package} --test {test} failed; its output above names the seed"
            ));
        }
    }
    Ok(())
}
