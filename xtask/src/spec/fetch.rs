//! `cargo xtask spec fetch`: downloads what the manifest pins, checking each
//! checksum before writing. A file whose checksum matches is written (whole,
//! by a rename); one that does not is never written.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_yaml::Value;
use stripe_codegen::parse::manifest::{Manifest, ManifestDocument, Origin, Source};

use crate::inputs::{self, SpecDir};
use crate::spec::{excerpt, Selection};

/// Full specs are about 8 MB; far above that is not a spec.
const MAX_DOWNLOAD: u64 = 256 * 1024 * 1024;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let root = inputs::workspace_root();
    let manifest_path = crate::take_value(&mut args, "--manifest")?
        .map_or_else(|| root.join("spec/stripe.toml"), PathBuf::from);
    let dest = crate::take_value(&mut args, "--dest")?
        .map_or_else(|| root.join(inputs::FETCHED_DIR), PathBuf::from);
    if let Some(extra) = args.first() {
        return Err(format!("unexpected argument `{extra}`"));
    }
    fetch_pins(&inputs::read_manifest(&manifest_path)?, &dest)
}

/// Downloads into `dest` every file `manifest` pins that is not there
/// already with its checksum, saying what it fetches on stderr.
pub fn fetch_pins(manifest: &Manifest, dest: &Path) -> Result<(), String> {
    let base_url = std::env::var("STRIPE_OPENAPI_BASE_URL")
        .ok()
        .filter(|b| !b.is_empty());
    std::fs::create_dir_all(dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    let fetcher = Fetcher {
        dest,
        base_url: base_url.as_deref(),
        agent: agent(),
    };
    // Excerpts last: they leave out what their (already checked) bases have.
    let plain = manifest.documents.iter().filter(|d| d.excerpt.is_none());
    for document in plain.chain(&manifest.fixtures) {
        fetcher.fetch(document)?;
    }
    for document in manifest.documents.iter().filter(|d| d.excerpt.is_some()) {
        fetcher.fetch(document)?;
    }
    Ok(())
}

/// Where the pinned files are, fetched first when some are missing, so that
/// on a fresh machine `cargo xtask codegen` is the whole set-up: into the
/// folder named (`--spec-dir`, `STRIPE_SPEC_DIR`), else into the one `spec
/// fetch` writes (Stripe's files beside the workspace are not ours to
/// write).
pub fn fetch_if_missing(manifest: &Manifest, dir: &SpecDir) -> Result<SpecDir, String> {
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
    fetch_pins(manifest, &dest)?;
    Ok(SpecDir {
        path: dest,
        chosen_by: "fetched by codegen",
    })
}

/// The agent of every download. Behind a proxy it tunnels (CONNECT)
/// through the one `ALL_PROXY`, `HTTPS_PROXY` or `HTTP_PROXY` names, the
/// first set, for every URL, except to the hosts `NO_PROXY` lists (exactly,
/// or `.domain` for its subdomains; no IP ranges). A value ureq cannot read
/// is skipped. That is ureq's default; written here so that it stays.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(600)))
        .proxy(ureq::Proxy::try_from_env())
        .build()
        .into()
}

struct Fetcher<'a> {
    dest: &'a Path,
    base_url: Option<&'a str>,
    agent: ureq::Agent,
}

impl Fetcher<'_> {
    fn fetch(&self, document: &ManifestDocument) -> Result<(), String> {
        if document.project_file {
            // Committed beside the manifest: nothing to fetch.
            return Ok(());
        }
        let target = self.dest.join(&document.file);
        if self.is_current(document, &target) {
            eprintln!("{} is up to date", target.display());
            return Ok(());
        }
        let (bytes, url) = match document.origin() {
            Origin::Git(source) => {
                let url = source_url(self.base_url, source);
                (self.download_selection(document, source, &url)?, url)
            }
            Origin::Written(pages) => self.copy_written(document, pages)?,
        };
        let actual = inputs::checksum(document, &bytes)
            .map_err(|e| format!("{} from {url}: {e}", document.file))?;
        if !actual.eq_ignore_ascii_case(&document.sha256) {
            return Err(format!(
                "{} from {url}: sha256 {actual}, but the manifest expects {}; nothing was written",
                document.file, document.sha256
            ));
        }
        write_whole(&target, &bytes)?;
        eprintln!(
            "fetched {} ({} bytes) from {url}",
            target.display(),
            bytes.len()
        );
        Ok(())
    }

    /// The source's bytes, or the excerpt's selection from them.
    fn download_selection(
        &self,
        document: &ManifestDocument,
        source: &Source,
        url: &str,
    ) -> Result<Vec<u8>, String> {
        let downloaded = self.download(url)?;
        let Some(selection) = &document.excerpt else {
            return Ok(downloaded);
        };
        let source_yaml: Value = serde_yaml::from_slice(&downloaded)
            .map_err(|e| format!("{url}: not a YAML document: {e}"))?;
        let bases = selection
            .base
            .iter()
            .map(|base| read_yaml(&self.dest.join(base)))
            .collect::<Result<Vec<_>, _>>()?;
        let label = format!("{} {}", source.repository, source.path);
        let selection = Selection {
            source_label: &label,
            path_prefixes: &selection.paths,
            bases: &bases,
        };
        excerpt(&source_yaml, &selection)
            .map(String::into_bytes)
            .map_err(|e| format!("{}: excerpt of {url}: {e}", document.file))
    }

    /// A document written for this project has no download: it is copied
    /// from the folder that supplies it (`$STRIPE_SPEC_DIR`, else
    /// `../shared/stripe-openapi`), and its checksum checked as any other.
    fn copy_written(
        &self,
        document: &ManifestDocument,
        pages: &str,
    ) -> Result<(Vec<u8>, String), String> {
        let path = SpecDir::supplier().path.join(&document.file);
        let bytes = std::fs::read(&path).map_err(|e| {
            format!(
                "{} is the project's own document (written from {pages}), not downloadable, and {} cannot be read: {e}.\n  Put the file (sha256 {}) there or name its folder with STRIPE_SPEC_DIR=DIR.",
                document.file,
                path.display(),
                document.sha256
            )
        })?;
        Ok((bytes, path.display().to_string()))
    }

    /// Already there with the pinned checksum: nothing to download.
    fn is_current(&self, document: &ManifestDocument, target: &Path) -> bool {
        std::fs::read(target)
            .ok()
            .and_then(|bytes| inputs::checksum(document, &bytes).ok())
            .is_some_and(|actual| actual.eq_ignore_ascii_case(&document.sha256))
    }

    fn download(&self, url: &str) -> Result<Vec<u8>, String> {
        download(&self.agent, url)
    }
}

/// The body of `GET url`; an HTTP error status is an error naming it.
pub fn download(agent: &ureq::Agent, url: &str) -> Result<Vec<u8>, String> {
    let mut response = agent.get(url).call().map_err(|e| match e {
        ureq::Error::StatusCode(status) => format!("GET {url}: HTTP {status}"),
        other => format!("GET {url}: {other}"),
    })?;
    response
        .body_mut()
        .with_config()
        .limit(MAX_DOWNLOAD)
        .read_to_vec()
        .map_err(|e| format!("GET {url}: reading the body: {e}"))
}

/// `{base}/{commit}/{path}`; `base` is `$STRIPE_OPENAPI_BASE_URL`, by default
/// GitHub's raw files of the source's repository.
pub fn source_url(base: Option<&str>, source: &Source) -> String {
    let base = base.map_or_else(
        || format!("https://raw.githubusercontent.com/{}", source.repository),
        str::to_owned,
    );
    format!(
        "{}/{}/{}",
        base.trim_end_matches('/'),
        source.commit,
        source.path
    )
}

fn read_yaml(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_yaml::from_str(&text).map_err(|e| format!("{}: not a YAML document: {e}", path.display()))
}

/// Writes beside the target, then renames: a reader never sees half a file.
pub fn write_whole(target: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut partial = target.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, bytes)
        .and_then(|()| std::fs::rename(&partial, target))
        .map_err(|e| format!("{}: {e}", target.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_base_commit_path() {
        let source = Source {
            repository: "stripe/openapi".into(),
            commit: "63a674638635c68de26b9f3add13e58198f4df44".into(),
            path: "openapi/spec3.yaml".into(),
        };
        assert_eq!(
            source_url(None, &source),
            "https://raw.githubusercontent.com/stripe/openapi/63a674638635c68de26b9f3add13e58198f4df44/openapi/spec3.yaml"
        );
        assert_eq!(
            source_url(Some("http://127.0.0.1:9/raw/"), &source),
            "http://127.0.0.1:9/raw/63a674638635c68de26b9f3add13e58198f4df44/openapi/spec3.yaml"
        );
    }
}
