//! `cargo xtask`: the project's commands. The only place that touches files.
//!
//! - `cargo xtask codegen [--check] [--spec-dir DIR] [--manifest FILE] [--out DIR]`
//!   regenerates `generated/src` from the spec (or checks that it is fresh).
//! - `cargo xtask diff <old> <new>` reports what changed between two specs.
//! - `cargo xtask spec fetch` downloads the pinned spec documents.
//! - `cargo xtask fuzz` runs the property tests longer than CI does.

mod bench;
mod codegen;
mod diff;
mod format_cache;
mod fuzz;
mod inputs;
pub(crate) mod spec;
mod writer;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("diff") => diff::run(&args[1..]),
        Some("spec") => spec::run(&args[1..]),
        Some("bench-diff") => diff::bench(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("help") | Some("--help") | Some("-h") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: cargo xtask <command>

commands:
  bench codegen [--runs N] | bench build [--runs N] [--release-runs M] | bench decode
      Speed figures: each step of codegen in process (run from a release
      build); cold builds of the client against async-stripe, with the peak
      memory of each rustc; decoding and encoding against async-stripe.
  codegen [--check] [--spec-dir DIR] [--manifest FILE] [--out DIR]
      Generate generated/src (or DIR/src) from the spec documents named by the manifest
      (default spec/stripe.toml), looked up in DIR, $STRIPE_SPEC_DIR,
      target/stripe-openapi (when it exists) or ../shared/stripe-openapi.
      --check writes nothing and fails when the committed files are stale.
  spec fetch [--manifest FILE] [--dest DIR]
      Download every document and fixtures file of the manifest from its
      pinned source ($STRIPE_OPENAPI_BASE_URL/{commit}/{path}, by default
      GitHub's raw files) into DIR (default target/stripe-openapi), each
      written only when its sha256 matches the manifest.
  spec update (--commit SHA [--path PATH] | --file PATH) [--prune-policy] [--fail-on breaking|warning]
       [--format text|markdown|json] [--manifest FILE] [--document FILE]
       [--spec-dir DIR] [--dest DIR] [--out DIR]
      Move the manifest's first plain document (or --document) to the spec at
      that commit of its repository (and the fixtures of the same commit),
      from PATH there when given (`--path latest/openapi.spec3.yaml`: v1 and
      v2 in one file; excerpts whose paths it has are dropped), or to a local
      file; regenerate and print the diff against the old pins.
      Policy that names what the new spec lacks is listed, and with
      --prune-policy deleted. Nothing is written unless every step succeeds.
  spec excerpt --source FILE --paths PREFIX,... [--base FILE,...] [--label TEXT] [--out FILE]
      Select from a full spec the paths with those prefixes and the schemas
      they reach that the base documents lack; print its canonical sha256.
  diff <old> <new> [--format text|markdown|json] [--fail-on breaking|warning]
       [--spec-only] [--spec-dir DIR] [--policy MANIFEST]
      What changed between two specs and what it breaks, on the wire and in
      the generated Rust API. A side is a spec file (YAML or JSON) or a spec
      manifest (spec/*.toml); a plain file gets the policy of --policy
      (default spec/stripe.toml), less what names nothing in it. --fail-on exits non-zero when a change is at
      least that severe. Rules: docs/diff.md.
  fuzz [--cases N] [--seed S|random]
      The property tests (mutated specs, the form encoder, damaged
      responses, webhook headers), optimised, N cases each (default 20000)
      from seed S (default random; a failure prints its seed). CI runs them
      with a fixed seed and a few hundred cases.
  bench load [--requests N] [--concurrency C]
      Requests through the client against the mock binary (stateful):
      failures, requests per second, latency percentiles, peak memory.
  bench-diff [--runs N] [<old> <new>]
      Times the diff (default: spec/stripe-2022-11-15.toml to
      spec/stripe.toml), with parsing measured apart. Run it in release:
      cargo run --release -p xtask -- bench-diff";

/// Takes `--name VALUE` out of `args`.
pub fn take_value(args: &mut Vec<String>, name: &str) -> Result<Option<String>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) if i + 1 < args.len() => {
            let value = args.remove(i + 1);
            args.remove(i);
            Ok(Some(value))
        }
        Some(_) => Err(format!("{name} needs a value")),
    }
}

/// Takes a `--flag` out of `args`.
pub fn take_flag(args: &mut Vec<String>, name: &str) -> bool {
    let before = args.len();
    args.retain(|a| a != name);
    args.len() != before
}
