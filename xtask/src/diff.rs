//! `cargo xtask diff` and `cargo xtask bench-diff`: read two sides, hand
//! them to `stripe_codegen::diff`, print the report, set the exit code.
//!
//! A side is a spec file (YAML or JSON) or a spec manifest (`spec/*.toml`),
//! whose documents are merged into one and whose overrides apply to the
//! side's generated API, exactly as `cargo xtask codegen` would apply them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use stripe_codegen::diff::render::{self, Format};
use stripe_codegen::diff::{self, Report, Severity};
use stripe_codegen::model::Model;
use stripe_codegen::parse::policy::Policy;
use stripe_codegen::{SourceDocument, Spec};

use crate::inputs::{self, SpecDir};

/// One side, read from disk.
pub struct Side {
    pub documents: Vec<SourceDocument>,
    pub policy: Policy,
    /// For a plain file: the manifest whose policy it borrows, which may
    /// name what this spec does not have.
    pub policy_from: Option<PathBuf>,
}

/// Reads a manifest (with its documents and overrides) or one spec file,
/// which gets the policy of `policy_manifest` (by default the project's
/// `spec/stripe.toml`), as codegen would generate it with that policy.
pub fn read_side(path: &Path, dir: &SpecDir, policy_manifest: &Path) -> Result<Side, String> {
    let documents = inputs::read_side(path, dir)?;
    let is_manifest = path.extension().is_some_and(|e| e == "toml");
    let manifest = if is_manifest { path } else { policy_manifest };
    let policy = inputs::read_policy(manifest, &inputs::read_manifest(manifest)?, dir)?;
    let policy_from = (!is_manifest).then(|| manifest.to_path_buf());
    Ok(Side {
        documents,
        policy,
        policy_from,
    })
}

/// The manifest whose policy files apply to a side that is a plain file.
pub fn default_policy_manifest() -> PathBuf {
    inputs::workspace_root().join("spec/stripe.toml")
}

/// The entries, as a reader would look for them in the policy files.
pub fn describe(stale: &stripe_codegen::StalePolicy) -> String {
    let optional = stale
        .optional_fields
        .iter()
        .map(|f| format!("[optional_fields] {f}"));
    let decimal = stale
        .decimal_fields
        .iter()
        .map(|f| format!("[decimal_fields] {f}"));
    let operations = stale.operations.iter().map(|o| format!("[overrides.{o}]"));
    let preview = stale.preview.iter().map(|n| format!("[preview] {n}"));
    let events = stale.events.iter().map(|e| format!("[events] {e}"));
    optional
        .chain(decimal)
        .chain(operations)
        .chain(preview)
        .chain(events)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Side {
    fn label(&self) -> String {
        let names: Vec<&str> = self.documents.iter().map(|d| d.name.as_str()).collect();
        names.join(" + ")
    }

    pub fn parse(&self) -> Result<Spec, String> {
        Spec::parse(&self.documents).map_err(|e| e.to_string())
    }

    /// The side's generated API. A plain file's borrowed policy is applied
    /// without the entries that name nothing in it, which are listed on stderr.
    pub fn model(&self, spec: &Spec) -> Result<Model, String> {
        let mut policy = std::borrow::Cow::Borrowed(&self.policy);
        if let Some(manifest) = &self.policy_from {
            let stale =
                stripe_codegen::stale_policy(spec, &self.policy).map_err(|e| e.to_string())?;
            if !stale.is_empty() {
                eprintln!(
                    "note: {} applies the policy of {}, less what names nothing in it: {}",
                    self.label(),
                    manifest.display(),
                    describe(&stale)
                );
                policy = std::borrow::Cow::Owned(stale.remove_from(&self.policy));
            }
        }
        stripe_codegen::build_model(spec, &policy).map_err(|e| {
            format!("{e}\n  (the generated-API comparison needs the model; pass --spec-only to compare the specs alone)")
        })
    }
}

/// Takes `--format` and `--fail-on` out of `args`: how to print a diff
/// report and when it fails the command.
pub fn report_options(args: &mut Vec<String>) -> Result<(Format, Option<Severity>), String> {
    let format = match crate::take_value(args, "--format")? {
        None => Format::Text,
        Some(value) => Format::parse(&value)
            .ok_or_else(|| format!("--format must be text, markdown or json, not `{value}`"))?,
    };
    let fail_on = match crate::take_value(args, "--fail-on")? {
        None => None,
        Some(value) => Some(
            Severity::parse(&value)
                .filter(|s| *s != Severity::Info)
                .ok_or_else(|| format!("--fail-on must be breaking or warning, not `{value}`"))?,
        ),
    };
    Ok((format, fail_on))
}

struct Options {
    old: PathBuf,
    new: PathBuf,
    format: Format,
    fail_on: Option<Severity>,
    spec_only: bool,
    spec_dir: SpecDir,
    policy: PathBuf,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut args = args.to_vec();
        let (format, fail_on) = report_options(&mut args)?;
        let spec_only = crate::take_flag(&mut args, "--spec-only");
        let spec_dir =
            SpecDir::resolve(crate::take_value(&mut args, "--spec-dir")?.map(PathBuf::from));
        let policy = crate::take_value(&mut args, "--policy")?
            .map_or_else(default_policy_manifest, PathBuf::from);
        if let Some(flag) = args.iter().find(|a| a.starts_with("--")) {
            return Err(format!("unknown option `{flag}`"));
        }
        let [old, new] = <[String; 2]>::try_from(args)
            .map_err(|args| format!("diff takes two sides, <old> and <new>; got {}", args.len()))?;
        Ok(Options {
            old: old.into(),
            new: new.into(),
            format,
            fail_on,
            spec_only,
            spec_dir,
            policy,
        })
    }
}

/// `cargo xtask diff <old> <new> [--format F] [--fail-on S] [--spec-only] [--spec-dir DIR]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let options = Options::parse(args)?;
    let old = read_side(&options.old, &options.spec_dir, &options.policy)?;
    let new = read_side(&options.new, &options.spec_dir, &options.policy)?;
    let (old_spec, new_spec) = (old.parse()?, new.parse()?);
    let report = if options.spec_only {
        diff::diff_spec(&old_spec, &new_spec)
    } else {
        diff::diff(
            &old_spec,
            &new_spec,
            &old.model(&old_spec)?,
            &new.model(&new_spec)?,
        )
    };
    // A reader that stops early (`| head`) is not an error.
    let text = render::render(&report, options.format);
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(format!("writing the report: {e}"))
        }
        _ => {}
    }
    match options.fail_on {
        Some(threshold) if report.fails(threshold) => Err(failure(&report, threshold)),
        _ => Ok(()),
    }
}

fn failure(report: &Report, threshold: Severity) -> String {
    let (breaking, warning, _) = report.counts();
    let count = if threshold == Severity::Breaking {
        breaking
    } else {
        breaking + warning
    };
    format!("{count} change(s) at or above `{threshold}` (--fail-on {threshold})")
}

/// `cargo xtask bench-diff [--runs N] [<old> <new>]`: times the diff of two
/// full specs, parsing measured separately as the baseline.
pub fn bench(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let runs: usize = match crate::take_value(&mut args, "--runs")? {
        Some(n) => n
            .parse()
            .map_err(|_| format!("--runs takes a number, not `{n}`"))?,
        None => 10,
    };
    let spec_dir = SpecDir::resolve(crate::take_value(&mut args, "--spec-dir")?.map(PathBuf::from));
    let (old_path, new_path) = match args.as_slice() {
        [] => (
            inputs::workspace_root().join("spec/stripe-2022-11-15.toml"),
            inputs::workspace_root().join("spec/stripe.toml"),
        ),
        [old, new] => (PathBuf::from(old), PathBuf::from(new)),
        _ => return Err("bench-diff takes no sides or two: <old> <new>".into()),
    };
    if cfg!(debug_assertions) {
        eprintln!("note: a debug build; for real figures run `cargo run --release -p xtask -- bench-diff`");
    }
    let old = read_side(&old_path, &spec_dir, &default_policy_manifest())?;
    let new = read_side(&new_path, &spec_dir, &default_policy_manifest())?;

    let parse = median(runs, || {
        let _ = (old.parse(), new.parse());
    });
    let (old_spec, new_spec) = (old.parse()?, new.parse()?);
    let spec_layer = median(runs, || {
        let _ = diff::diff_spec(&old_spec, &new_spec);
    });
    let models = median(runs, || {
        let _ = (old.model(&old_spec), new.model(&new_spec));
    });
    let (old_model, new_model) = (old.model(&old_spec)?, new.model(&new_spec)?);
    let both = median(runs, || {
        let _ = diff::diff(&old_spec, &new_spec, &old_model, &new_model);
    });
    let report = diff::diff(&old_spec, &new_spec, &old_model, &new_model);
    let render = median(runs, || {
        let _ = render::render(&report, Format::Markdown);
    });
    println!(
        "median of {runs} runs, {} -> {}:",
        report.old.label(),
        report.new.label()
    );
    println!("  parse both sides (baseline)        {parse:>10.2?}");
    println!("  spec-layer diff                    {spec_layer:>10.2?}");
    println!("  build both models                  {models:>10.2?}");
    println!("  diff, both layers (models built)   {both:>10.2?}");
    println!("  render markdown                    {render:>10.2?}");
    println!(
        "  diff end to end, parse excluded    {:>10.2?}",
        models + both + render
    );
    println!("  ({} changes)", report.changes.len());
    Ok(())
}

fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}
