//! `bench build`: what adding the client costs a user, against async-stripe
//! built in the same run.
//!
//! Each case is a small crate of its own (under `target/bench-build/`) that
//! depends on one client as a user would; every build is cold, in a fresh
//! target folder, with the crates already fetched and `CARGO_INCREMENTAL=0`
//! for everyone (how cargo builds registry dependencies, so our path
//! dependencies get no handicap or favour). Cases alternate within each run,
//! so that a slower machine moment hits both sides. Every rustc runs under
//! GNU time (a `RUSTC_WRAPPER`), which gives the peak RSS of each crate's
//! compilation, not only of the whole build.
//!
//! Then: a cold release build of the whole clients, and the incremental
//! rebuild of a small binary that calls three endpoints after `main.rs` is
//! touched (incremental on, as for any workspace crate).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::median;
use crate::inputs;

/// The async-stripe release the issue names, and its 12 resource crates.
const PEER_VERSION: &str = "=1.0.0-rc.10";
const PEER_RESOURCE_CRATES: &[&str] = &[
    "billing", "checkout", "connect", "core", "fraud", "issuing", "misc", "payment", "product",
    "reserve", "terminal", "treasury",
];

/// One crate to build.
struct Case {
    key: &'static str,
    label: &'static str,
    /// The `[dependencies]` table.
    dependencies: String,
    /// `src/lib.rs` or, for a binary, `src/main.rs`.
    source: Option<&'static str>,
}

/// One cold build: wall time, and the peak RSS of each rustc.
struct Build {
    wall: Duration,
    peaks: Vec<(String, u64)>,
}

impl Build {
    fn peak(&self) -> (&str, u64) {
        self.peaks
            .iter()
            .max_by_key(|(_, kib)| *kib)
            .map(|(name, kib)| (name.as_str(), *kib))
            .unwrap_or(("-", 0))
    }
}

pub fn run(runs: usize, release_runs: usize) -> Result<(), String> {
    let root = inputs::workspace_root();
    let dir = root.join("target/bench-build");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let wrapper = write_rss_wrapper(&dir)?;
    let cases = cases(&root);
    for case in &cases {
        prepare(&dir, case)?;
    }

    let debug_order = ["a", "c", "b", "d", "e", "f"];
    let mut debug: BTreeMap<&str, Vec<Build>> = BTreeMap::new();
    let mut release: BTreeMap<&str, Vec<Build>> = BTreeMap::new();
    for run in 1..=runs {
        for key in debug_order {
            let case = find(&cases, key);
            let build = cold_build(&dir, case, &wrapper, false)?;
            eprintln!("run {run}: {key} debug {:.1} s", build.wall.as_secs_f64());
            debug.entry(key).or_default().push(build);
        }
        for key in ["a", "c"] {
            if run > release_runs {
                break;
            }
            let case = find(&cases, key);
            let build = cold_build(&dir, case, &wrapper, true)?;
            eprintln!("run {run}: {key} release {:.1} s", build.wall.as_secs_f64());
            release.entry(key).or_default().push(build);
        }
    }
    let rebuilds = incremental_rebuilds(&dir, find(&cases, "user"), runs.max(5))?;
    report(&cases, &debug, &release, &rebuilds);
    Ok(())
}

fn find<'c>(cases: &'c [Case], key: &str) -> &'c Case {
    cases
        .iter()
        .find(|case| case.key == key)
        .expect("a known case")
}

fn cases(root: &Path) -> Vec<Case> {
    let stripe = root.join("generated");
    // Ours on rustls with ring, as the peer below, unless a case names the
    // default provider (aws-lc-rs) to show what it costs.
    let with_provider = |features: &str, provider: &str| {
        format!(
            "stripe = {{ package = \"typed-stripe\", path = {:?}, default-features = false, features = [{features}, \"{provider}\"] }}\n",
            stripe.display().to_string()
        )
    };
    let ours = |features: &str| with_provider(features, "rustls-ring");
    // async-stripe on rustls with ring and Mozilla's roots, as ours: the
    // same TLS stack on both sides.
    let peer_client = format!(
        "async-stripe = {{ version = \"{PEER_VERSION}\", default-features = false, features = [\"rustls-tls-webpki-roots\", \"rustls-ring\"] }}\n"
    );
    let peer_full: String = PEER_RESOURCE_CRATES
        .iter()
        .map(|name| {
            format!(
                "async-stripe-{name} = {{ version = \"{PEER_VERSION}\", features = [\"full\"] }}\n"
            )
        })
        .collect();
    let peer_minimal = format!(
        "async-stripe-core = {{ version = \"{PEER_VERSION}\", features = [\"customer\"] }}\n\
         async-stripe-checkout = {{ version = \"{PEER_VERSION}\", features = [\"checkout_session\"] }}\n\
         async-stripe-misc = {{ version = \"{PEER_VERSION}\", features = [\"identity_verification_session\", \"identity_verification_report\"] }}\n\
         async-stripe-webhook = {{ version = \"{PEER_VERSION}\" }}\n"
    );
    vec![
        Case {
            key: "a",
            label: "ours, whole client, ring as the peer",
            dependencies: ours("\"full\""),
            source: None,
        },
        Case {
            key: "f",
            label: "ours, whole client, default features (aws-lc-rs: post-quantum TLS)",
            dependencies: with_provider("\"full\"", "rustls-aws-lc-rs"),
            source: None,
        },
        Case {
            key: "b",
            label: "ours, identity + webhook_endpoint",
            dependencies: ours("\"identity\", \"webhook_endpoint\""),
            source: None,
        },
        Case {
            key: "c",
            label: "async-stripe rc.10, client + 12 resource crates `full` + webhook `full`",
            dependencies: format!(
                "{peer_client}{peer_full}async-stripe-webhook = {{ version = \"{PEER_VERSION}\", features = [\"full\"] }}\n"
            ),
            source: None,
        },
        Case {
            key: "d",
            label: "async-stripe rc.10 minimal: customer, checkout_session, identity session + report, webhook",
            dependencies: format!("{peer_client}{peer_minimal}"),
            source: None,
        },
        Case {
            key: "e",
            label: "ours, the same resources as (d): customer, checkout, identity, webhook_endpoint",
            dependencies: ours("\"customer\", \"checkout\", \"identity\", \"webhook_endpoint\""),
            source: None,
        },
        Case {
            key: "user",
            label: "a small binary calling three endpoints",
            dependencies: format!(
                "{}tokio = {{ version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }}\nfutures = \"0.3\"\n",
                ours("\"full\"")
            ),
            source: Some(USER_MAIN),
        },
    ]
}

/// The binary of the incremental-rebuild case.
const USER_MAIN: &str = r#"use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), stripe::Error> {
    let client = stripe::Client::new(std::env::var("STRIPE_SECRET_KEY").unwrap_or_default());
    let customer = stripe::Customer::create(&client, &stripe::CreateCustomerParams::default()).await?;
    println!("{}", customer.id);
    let session = stripe::identity::VerificationSession::redact(
        &client,
        "vs_123",
        &Default::default(),
    )
    .await?;
    println!("{}", session.id);
    let mut products = std::pin::pin!(stripe::climate::Product::list_auto_paging(
        &client,
        &Default::default(),
    ));
    while let Some(product) = products.next().await {
        println!("{}", product?.name);
    }
    Ok(())
}
"#;

fn case_dir(dir: &Path, case: &Case) -> PathBuf {
    dir.join(format!("case-{}", case.key))
}

/// Writes the case's crate and fetches what it needs, so that builds do
/// not download.
fn prepare(dir: &Path, case: &Case) -> Result<(), String> {
    let crate_dir = case_dir(dir, case);
    let src = crate_dir.join("src");
    std::fs::create_dir_all(&src).map_err(|e| e.to_string())?;
    let (target_kind, file, text) = match case.source {
        Some(main) => (
            "[[bin]]\nname = \"user\"\npath = \"src/main.rs\"\n",
            "main.rs",
            main,
        ),
        None => ("[lib]\npath = \"src/lib.rs\"\n", "lib.rs", ""),
    };
    let manifest = format!(
        "[package]\nname = \"bench-{}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n{target_kind}\n[dependencies]\n{}\n# Not part of the project's workspace.\n[workspace]\n",
        case.key, case.dependencies
    );
    std::fs::write(crate_dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(src.join(file), text).map_err(|e| e.to_string())?;
    let status = Command::new(env!("CARGO"))
        .args(["fetch", "--quiet"])
        .current_dir(&crate_dir)
        .status()
        .map_err(|e| format!("cargo fetch: {e}"))?;
    if !status.success() {
        return Err(format!("cargo fetch failed for case {}", case.key));
    }
    Ok(())
}

/// Appends `crate peak-KiB` for every rustc it runs to
/// `$STRIPE_BENCH_RSS_LOG`; cargo runs it as `wrapper rustc args...`.
fn write_rss_wrapper(dir: &Path) -> Result<PathBuf, String> {
    let path = dir.join("rss-wrapper.sh");
    let script = r#"#!/bin/sh
name=probe
previous=
for argument in "$@"; do
  if [ "$previous" = "--crate-name" ]; then name=$argument; fi
  previous=$argument
done
report=$(mktemp)
/usr/bin/time -f %M -o "$report" "$@"
status=$?
echo "$name $(tail -n 1 "$report")" >> "$STRIPE_BENCH_RSS_LOG"
rm -f "$report"
exit $status
"#;
    std::fs::write(&path, script).map_err(|e| e.to_string())?;
    let status = Command::new("chmod")
        .arg("+x")
        .arg(&path)
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("chmod failed".into());
    }
    if !Path::new("/usr/bin/time").exists() {
        return Err("bench build needs GNU time at /usr/bin/time".into());
    }
    Ok(path)
}

/// A cold build of the case in a fresh target folder.
fn cold_build(dir: &Path, case: &Case, wrapper: &Path, release: bool) -> Result<Build, String> {
    let crate_dir = case_dir(dir, case);
    let target = crate_dir.join("target");
    let _ = std::fs::remove_dir_all(&target);
    let log = crate_dir.join("rss.log");
    let _ = std::fs::remove_file(&log);
    let mut command = Command::new(env!("CARGO"));
    command.args(["build", "--quiet", "--offline"]);
    if release {
        command.arg("--release");
    }
    let started = Instant::now();
    let status = command
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_INCREMENTAL", "0")
        .env("RUSTC_WRAPPER", wrapper)
        .env("STRIPE_BENCH_RSS_LOG", &log)
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    let wall = started.elapsed();
    if !status.success() {
        return Err(format!("the build of case {} failed", case.key));
    }
    let peaks = read_peaks(&log)?;
    let _ = std::fs::remove_dir_all(&target);
    Ok(Build { wall, peaks })
}

fn read_peaks(log: &Path) -> Result<Vec<(String, u64)>, String> {
    let text = std::fs::read_to_string(log).map_err(|e| format!("{}: {e}", log.display()))?;
    Ok(text
        .lines()
        .filter_map(|line| {
            let (name, kib) = line.rsplit_once(' ')?;
            Some((name.to_owned(), kib.trim().parse().ok()?))
        })
        .filter(|(name, _)| name != "probe")
        .collect())
}

/// Builds the user binary once, then touches `main.rs` and rebuilds,
/// `runs` times.
fn incremental_rebuilds(dir: &Path, case: &Case, runs: usize) -> Result<Vec<Duration>, String> {
    let crate_dir = case_dir(dir, case);
    let target = crate_dir.join("target");
    let _ = std::fs::remove_dir_all(&target);
    let build = || {
        Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--offline"])
            .current_dir(&crate_dir)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("CARGO_INCREMENTAL")
            .status()
            .map_err(|e| format!("cargo build: {e}"))
            .and_then(|s| {
                s.success()
                    .then_some(())
                    .ok_or("the user binary did not build".into())
            })
    };
    build()?;
    let main = crate_dir.join("src/main.rs");
    let mut samples = Vec::new();
    for run in 0..runs {
        // A real edit, so that rustc has something to redo.
        let text = format!("{USER_MAIN}\n// edit {run}\n");
        std::fs::write(&main, text).map_err(|e| e.to_string())?;
        let started = Instant::now();
        build()?;
        samples.push(started.elapsed());
    }
    std::fs::write(&main, USER_MAIN).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&target);
    Ok(samples)
}

fn report(
    cases: &[Case],
    debug: &BTreeMap<&str, Vec<Build>>,
    release: &BTreeMap<&str, Vec<Build>>,
    rebuilds: &[Duration],
) {
    let wall = |builds: &[Build]| median(builds.iter().map(|b| b.wall).collect()).as_secs_f64();
    println!(
        "cold debug builds (CARGO_INCREMENTAL=0, fresh target folder, {} run(s), medians):",
        debug["a"].len()
    );
    println!("| case | build | wall | peak rustc (crate) |");
    println!("| --- | --- | --- | --- |");
    for (key, builds) in debug {
        let label = find(cases, key).label;
        let (crate_name, kib) = builds
            .iter()
            .map(Build::peak)
            .max_by_key(|(_, kib)| *kib)
            .unwrap_or(("-", 0));
        println!(
            "| ({key}) | {label} | {:.1} s | {:.2} GB ({crate_name}) |",
            wall(builds),
            kib as f64 * 1024.0 / 1e9
        );
    }
    println!(
        "\nratios of medians: a/c = {:.2}, b/d = {:.2}, e/d = {:.2}, f/c = {:.2}",
        wall(&debug["a"]) / wall(&debug["c"]),
        wall(&debug["b"]) / wall(&debug["d"]),
        wall(&debug["e"]) / wall(&debug["d"]),
        wall(&debug["f"]) / wall(&debug["c"])
    );
    println!("\nrustc processes of (a) above 1 GB peak RSS:");
    let mut over: Vec<(&str, u64)> = debug["a"]
        .iter()
        .flat_map(|b| b.peaks.iter().map(|(n, k)| (n.as_str(), *k)))
        .filter(|(_, kib)| *kib > 1_000_000_000 / 1024)
        .collect();
    over.sort();
    over.dedup_by_key(|(name, _)| *name);
    if over.is_empty() {
        println!("  none");
    }
    for (name, kib) in over {
        println!("  {name}: {:.2} GB", kib as f64 * 1024.0 / 1e9);
    }
    if let (Some(ours), Some(theirs)) = (release.get("a"), release.get("c")) {
        println!(
            "\ncold release builds ({} run(s), medians): (a) {:.1} s, (c) {:.1} s, a/c = {:.2}",
            ours.len(),
            wall(ours),
            wall(theirs),
            wall(ours) / wall(theirs)
        );
    }
    println!(
        "\nincremental rebuild of the small binary after editing main.rs: median {:.2} s of {}",
        median(rebuilds.to_vec()).as_secs_f64(),
        rebuilds.len()
    );
}
