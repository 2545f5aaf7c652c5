//! The seed and budget of the property tests, shared by path (`#[path]`) by
//! every crate that has them: CI runs a fixed seed and a small number of
//! cases; `cargo xtask fuzz` sets `STRIPE_FUZZ_CASES` (and
//! `STRIPE_FUZZ_SEED`, a number or `random`) for a longer run. A failure
//! prints the seed, so that it can be run again.

use proptest::test_runner::{Config, RngSeed};

/// The seed CI runs with.
pub const CI_SEED: u64 = 0x5712_1be5;

/// A config running `ci_cases` cases unless the environment says otherwise.
pub fn config(ci_cases: u32) -> Config {
    let seed = match std::env::var("STRIPE_FUZZ_SEED").as_deref() {
        Err(_) => CI_SEED,
        Ok("random") => {
            use std::hash::{BuildHasher, RandomState};
            RandomState::new().hash_one(std::process::id())
        }
        Ok(value) => value
            .parse()
            .expect("STRIPE_FUZZ_SEED: a number or `random`"),
    };
    let cases = std::env::var("STRIPE_FUZZ_CASES")
        .map(|value| value.parse().expect("STRIPE_FUZZ_CASES: a number"))
        .unwrap_or(ci_cases);
    eprintln!("STRIPE_FUZZ_SEED={seed} STRIPE_FUZZ_CASES={cases}");
    Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    }
}
