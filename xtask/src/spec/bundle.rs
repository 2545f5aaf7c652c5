//! `cargo xtask spec bundle`: the files an installed mock carries, written
//! into `mock/bundle/` before the mock is packaged. `mock/build.rs` compiles
//! every file there into the binary, so `cargo install typed-stripe-mock`
//! serves the pinned spec with nothing else on disk.
//!
//! The bundle is the manifest, its policy files and the pinned documents,
//! each checked against its pin, and Stripe's licence for their files. It is
//! never committed (`.gitignore`): Stripe's files travel only inside the
//! package that needs them.

use std::path::{Path, PathBuf};

use stripe_codegen::parse::manifest::{Origin, Source};

use crate::inputs::{self, Inputs, SpecDir};
use crate::spec::fetch;

/// Where the mock's build script looks for the bundle.
pub const BUNDLE_DIR: &str = "mock/bundle";

/// The name Stripe's licence has in the bundle, and the file it is in
/// Stripe's repository and in a spec folder.
const LICENSE: &str = "LICENSE-stripe-openapi";
const SOURCE_LICENSE: &str = "LICENSE";

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let root = inputs::workspace_root();
    let manifest_path = crate::take_value(&mut args, "--manifest")?
        .map_or_else(inputs::project_manifest, PathBuf::from);
    let dir = SpecDir::resolve(crate::take_value(&mut args, "--spec-dir")?.map(PathBuf::from));
    let out =
        crate::take_value(&mut args, "--out")?.map_or_else(|| root.join(BUNDLE_DIR), PathBuf::from);
    if let Some(extra) = args.first() {
        return Err(format!("unexpected argument `{extra}`"));
    }
    let manifest = inputs::read_manifest(&manifest_path)?;
    let dir = fetch::fetch_if_missing(&manifest, &dir)?;
    let inputs = Inputs::open(&manifest_path, dir)?;
    let mut files = inputs.bundle_files()?;
    files.push((LICENSE.to_owned(), stripe_license(&inputs)?));
    write_bundle(&out, &files)?;
    let bytes: usize = files.iter().map(|(_, bytes)| bytes.len()).sum();
    eprintln!(
        "wrote {} files ({bytes} bytes) into {}",
        files.len(),
        out.display()
    );
    Ok(())
}

/// The MIT licence of Stripe's documents: from the spec folder, else from
/// the repository at the commit of the first pinned document.
fn stripe_license(inputs: &Inputs) -> Result<Vec<u8>, String> {
    if let inputs::Files::Disk(dir) = &inputs.files {
        if let Ok(text) = std::fs::read(dir.path.join(SOURCE_LICENSE)) {
            return Ok(text);
        }
    }
    let source = inputs
        .manifest
        .documents
        .iter()
        .find_map(|pin| match pin.origin() {
            Origin::Git(source) => Some(source.clone()),
            Origin::Written(_) => None,
        })
        .ok_or("no pinned document comes from Stripe's repository, whose licence to bundle")?;
    let base = std::env::var("STRIPE_OPENAPI_BASE_URL").ok();
    let url = fetch::source_url(
        base.as_deref().filter(|b| !b.is_empty()),
        &Source {
            path: SOURCE_LICENSE.to_owned(),
            ..source
        },
    );
    eprintln!("fetching Stripe's licence from {url}");
    fetch::download(&fetch::agent(), &url)
}

/// Replaces the folder's files with these, so nothing of an older bundle
/// is left to be compiled in.
fn write_bundle(out: &Path, files: &[(String, Vec<u8>)]) -> Result<(), String> {
    let failed = |e: std::io::Error| format!("writing {}: {e}", out.display());
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(failed)?;
    }
    std::fs::create_dir_all(out).map_err(failed)?;
    for (name, bytes) in files {
        std::fs::write(out.join(name), bytes).map_err(failed)?;
    }
    Ok(())
}
