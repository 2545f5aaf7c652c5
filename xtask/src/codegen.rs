//! `cargo xtask codegen`: spec documents -> generator -> writer.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use stripe_codegen::parse::manifest::Manifest;
use stripe_codegen::parse::policy::Policy;
use stripe_codegen::{Config, SourceDocument, Spec};

use crate::format_cache::DiskCache;
use crate::inputs::{self, SpecDir};
use crate::writer::{self, Mode};

pub const GENERATED_CRATE: &str = "generated";

pub struct Options {
    pub mode: Mode,
    pub spec_dir: SpecDir,
    pub manifest: PathBuf,
    /// The crate folder to write into (default: the workspace's `generated/`).
    pub out: PathBuf,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut args = args.to_vec();
        let mode = if crate::take_flag(&mut args, "--check") {
            Mode::Check
        } else {
            Mode::Write
        };
        let spec_dir =
            SpecDir::resolve(crate::take_value(&mut args, "--spec-dir")?.map(PathBuf::from));
        let manifest = crate::take_value(&mut args, "--manifest")?
            .map(PathBuf::from)
            .unwrap_or_else(|| inputs::workspace_root().join("spec/stripe.toml"));
        let out = crate::take_value(&mut args, "--out")?
            .map(PathBuf::from)
            .unwrap_or_else(|| inputs::workspace_root().join(GENERATED_CRATE));
        if let Some(extra) = args.first() {
            return Err(format!("unexpected argument `{extra}`"));
        }
        Ok(Options {
            mode,
            spec_dir,
            manifest,
            out,
        })
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = Options::parse(args)?;
    let started = Instant::now();
    let report = codegen(&options)?;
    match options.mode {
        Mode::Check if !report.stale.is_empty() => {
            let list: Vec<String> = report
                .stale
                .iter()
                .map(|p| format!("  {}", options.out.join(p).display()))
                .collect();
            Err(format!(
                "the generated crate is stale; {} file(s) differ from what the spec produces:\n{}\nRun `cargo xtask codegen` and commit the result.",
                report.stale.len(),
                list.join("\n")
            ))
        }
        Mode::Check => {
            eprintln!("generated crate is fresh ({:.2?})", started.elapsed());
            Ok(())
        }
        Mode::Write => {
            eprintln!(
                "wrote {} file(s), removed {} in {} ({:.2?})",
                report.written.len(),
                report.removed.len(),
                options.out.display(),
                started.elapsed()
            );
            Ok(())
        }
    }
}

/// Generates everything in memory first: if any step fails, nothing is
/// written and the committed tree stays as it was.
pub fn codegen(options: &Options) -> Result<writer::Report, String> {
    let manifest = inputs::read_manifest(&options.manifest)?;
    let spec_dir = fetch_if_missing(&manifest, &options.spec_dir)?;
    let documents = inputs::read_documents(&options.manifest, &manifest, &spec_dir)?;
    let policy = inputs::read_policy(&options.manifest, &manifest, &spec_dir)?;
    let files = generate(&manifest, &documents, policy)?;
    writer::sync(&options.out, &files, options.mode)
        .map_err(|e| format!("writing {}: {e}", options.out.display()))
}

/// Where the pinned files are, fetched first when some are missing, so that
/// on a fresh machine `cargo xtask codegen` is the whole set-up: into the
/// folder named (`--spec-dir`, `STRIPE_SPEC_DIR`), else into the one `spec
/// fetch` writes (Stripe's files beside the workspace are not ours to
/// write).
fn fetch_if_missing(manifest: &Manifest, dir: &SpecDir) -> Result<SpecDir, String> {
    let pins = manifest.documents.iter().chain(&manifest.fixtures);
    let mut missing = pins.filter(|pin| !pin.project_file && !dir.path.join(&pin.file).is_file());
    let Some(first) = missing.next() else {
        return Ok(dir.clone());
    };
    let dest = match dir.is_default() {
        true => inputs::workspace_root().join(inputs::FETCHED_DIR),
        false => dir.path.clone(),
    };
    eprintln!(
        "{} is not in {} ({}): fetching the pinned files into {}",
        first.file,
        dir.path.display(),
        dir.chosen_by,
        dest.display()
    );
    crate::spec::fetch::fetch_pins(manifest, &dest)?;
    Ok(SpecDir {
        path: dest,
        chosen_by: "fetched by codegen",
    })
}

/// The generated files, in memory, of these documents under this policy.
pub fn generate(
    manifest: &Manifest,
    documents: &[SourceDocument],
    policy: Policy,
) -> Result<BTreeMap<PathBuf, String>, String> {
    let spec = Spec::parse(documents).map_err(|e| e.to_string())?;
    let config = Config {
        source_label: manifest.label(),
        policy,
        crates: Default::default(),
    };
    let generated = match DiskCache::open() {
        Some(cache) => stripe_codegen::generate_cached(&spec, &config, &cache),
        None => stripe_codegen::generate(&spec, &config),
    };
    Ok(generated.map_err(|e| e.to_string())?.files)
}
