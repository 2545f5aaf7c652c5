//! `cargo xtask codegen`: spec documents -> generator -> writer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use stripe_codegen::parse::manifest::Manifest;
use stripe_codegen::parse::policy::Policy;
use stripe_codegen::{Config, SourceDocument, Spec};

use crate::format_cache::DiskCache;
use crate::inputs::{self, SpecDir};
use crate::writer::{self, Mode};

pub const GENERATED_CRATE: &str = "generated";

/// Where the CLI's operation table goes by default: inside the CLI's
/// package, since a published crate ships only its own folder.
pub const CLI_TABLE_DIR: &str = "cli/src/generated";

pub struct Options {
    pub mode: Mode,
    pub spec_dir: SpecDir,
    pub manifest: PathBuf,
    /// The crate folder to write into (default: the workspace's `generated/`).
    pub out: PathBuf,
    /// Where the CLI's table goes: [`CLI_TABLE_DIR`] by default; with
    /// `--out`, `None`, beside the rest.
    pub cli_table_dir: Option<PathBuf>,
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
        let (out, cli_table_dir) = destinations(crate::take_value(&mut args, "--out")?);
        if let Some(extra) = args.first() {
            return Err(format!("unexpected argument `{extra}`"));
        }
        Ok(Options {
            mode,
            spec_dir,
            manifest,
            out,
            cli_table_dir,
        })
    }
}

/// The output folder and the CLI table's: the workspace's, or all in `out`.
pub fn destinations(out: Option<String>) -> (PathBuf, Option<PathBuf>) {
    let root = inputs::workspace_root();
    match out {
        Some(out) => (PathBuf::from(out), None),
        None => (root.join(GENERATED_CRATE), Some(root.join(CLI_TABLE_DIR))),
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
    let spec_dir = crate::spec::fetch::fetch_if_missing(&manifest, &options.spec_dir)?;
    let documents = inputs::read_documents(&options.manifest, &manifest, &spec_dir)?;
    let policy = inputs::read_policy(&options.manifest, &manifest, &spec_dir)?;
    let files = generate(&manifest, &documents, policy)?;
    write(
        &options.out,
        options.cli_table_dir.as_deref(),
        files,
        options.mode,
    )
}

/// Writes (or checks) the generated files: the CLI's table into
/// `cli_table_dir` when there is one, the rest into `out`. The report's
/// paths are relative to `out`, or absolute for the table.
pub fn write(
    out: &Path,
    cli_table_dir: Option<&Path>,
    mut files: BTreeMap<PathBuf, String>,
    mode: Mode,
) -> Result<writer::Report, String> {
    let table = cli_table_dir.and_then(|dir| {
        let text = files.remove(Path::new(stripe_codegen::emit::CLI_TABLE))?;
        Some((dir, text))
    });
    let mut report = writer::sync(out, &files, mode).map_err(|e| failed(out, e))?;
    if let Some((dir, text)) = table {
        let name = PathBuf::from("commands.rs");
        let table =
            writer::sync(dir, &BTreeMap::from([(name, text)]), mode).map_err(|e| failed(dir, e))?;
        let absolute = |paths: Vec<PathBuf>| paths.into_iter().map(|p| dir.join(p));
        report.written.extend(absolute(table.written));
        report.removed.extend(absolute(table.removed));
        report.stale.extend(absolute(table.stale));
    }
    Ok(report)
}

fn failed(dir: &Path, error: std::io::Error) -> String {
    format!("writing {}: {error}", dir.display())
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
