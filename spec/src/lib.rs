//! Finding and reading the spec documents a manifest names.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use stripe_codegen::parse::defaults::DefaultObjects;
use stripe_codegen::parse::manifest::{Manifest, ManifestDocument};
use stripe_codegen::parse::policy::{OperationOverrides, Policy};
use stripe_codegen::SourceDocument;

/// The workspace root (this crate's parent folder).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Where `cargo xtask spec fetch` writes by default, under the workspace.
pub const FETCHED_DIR: &str = "target/stripe-openapi";

/// Where spec documents are looked for, and why there.
#[derive(Debug, Clone)]
pub struct SpecDir {
    pub path: PathBuf,
    pub chosen_by: &'static str,
}

impl SpecDir {
    /// `--spec-dir`, else `$STRIPE_SPEC_DIR`, else what `spec fetch` wrote
    /// (`target/stripe-openapi`) when it exists, else `../shared/stripe-openapi`.
    pub fn resolve(flag: Option<PathBuf>) -> SpecDir {
        if let Some(path) = flag {
            return SpecDir {
                path,
                chosen_by: "--spec-dir",
            };
        }
        if let Some(path) = std::env::var_os("STRIPE_SPEC_DIR").filter(|p| !p.is_empty()) {
            return SpecDir {
                path: path.into(),
                chosen_by: "$STRIPE_SPEC_DIR",
            };
        }
        let fetched = workspace_root().join(FETCHED_DIR);
        if fetched.is_dir() {
            return SpecDir {
                path: fetched,
                chosen_by: "written by `cargo xtask spec fetch`",
            };
        }
        SpecDir {
            path: workspace_root().join("../shared/stripe-openapi"),
            chosen_by: "the default",
        }
    }
}

pub fn read_manifest(path: &Path) -> Result<Manifest, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the spec manifest: {e}", path.display()))?;
    Manifest::parse(&path.display().to_string(), &text).map_err(|e| e.to_string())
}

/// Reads the policy files the manifest names, beside it: the overrides and
/// the operation naming exceptions (a file not named means no policy of
/// that kind); and from `dir`, the fixtures files whose example objects say
/// what Stripe sends by default.
pub fn read_policy(
    manifest_path: &Path,
    manifest: &Manifest,
    dir: &SpecDir,
) -> Result<Policy, String> {
    let read = |file: &str| {
        let path = manifest_path.with_file_name(file);
        std::fs::read_to_string(&path)
            .map(|text| (path.display().to_string(), text))
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))
    };
    let mut policy = match &manifest.overrides {
        Some(file) => {
            let (name, text) = read(file)?;
            Policy::parse(&name, &text).map_err(|e| e.to_string())?
        }
        None => Policy::default(),
    };
    if let Some(file) = &manifest.operations {
        let (name, text) = read(file)?;
        policy.operations = OperationOverrides::parse(&name, &text).map_err(|e| e.to_string())?;
    }
    policy.default_objects = default_objects(&read_pinned(&manifest.fixtures, dir)?)?;
    Ok(policy)
}

/// The fields of the example objects of these fixtures files.
pub fn default_objects(fixtures: &[SourceDocument]) -> Result<DefaultObjects, String> {
    let mut defaults = DefaultObjects::default();
    for fixture in fixtures {
        defaults
            .add_fixtures(&fixture.name, &fixture.text)
            .map_err(|e| e.to_string())?;
    }
    Ok(defaults)
}

/// Reads every document of the manifest and checks its sha256.
pub fn read_documents(manifest: &Manifest, dir: &SpecDir) -> Result<Vec<SourceDocument>, String> {
    read_pinned(&manifest.documents, dir)
}

/// Reads these files of the manifest from `dir`, checking each sha256.
pub fn read_pinned(
    documents: &[ManifestDocument],
    dir: &SpecDir,
) -> Result<Vec<SourceDocument>, String> {
    documents
        .iter()
        .map(|document| {
            let path = dir.path.join(&document.file);
            let bytes = std::fs::read(&path).map_err(|e| {
                format!(
                    "spec file {} not found: looked in {} ({}): {e}.\n  Run `cargo xtask spec fetch` to download it from {} (sha256 {}),\n  or pass its folder with --spec-dir DIR or STRIPE_SPEC_DIR=DIR.",
                    document.file,
                    dir.path.display(),
                    dir.chosen_by,
                    document.origin(),
                    document.sha256
                )
            })?;
            let actual = checksum(document, &bytes)
                .map_err(|e| format!("spec file {}: {e}", path.display()))?;
            if !actual.eq_ignore_ascii_case(&document.sha256) {
                return Err(format!(
                    "spec file {} has sha256 {actual}, but the manifest expects {}.\n  It is not the document the project was generated from: get {} or update the manifest.",
                    path.display(),
                    document.sha256,
                    document.origin()
                ));
            }
            let text = String::from_utf8(bytes).map_err(|e| format!("{}: not UTF-8: {e}", path.display()))?;
            Ok(SourceDocument { name: document.file.clone(), text })
        })
        .collect()
}

/// The checksum the manifest pins for `document`: of its bytes, or for an
/// excerpt, of its canonical JSON.
pub fn checksum(document: &ManifestDocument, bytes: &[u8]) -> Result<String, String> {
    match document.excerpt {
        None => Ok(sha256_hex(bytes)),
        Some(_) => {
            let value: serde_json::Value =
                serde_yaml::from_slice(bytes).map_err(|e| format!("not a YAML document: {e}"))?;
            Ok(sha256_hex(canonical_json(&value).as_bytes()))
        }
    }
}

/// JSON with every object's keys sorted and no whitespace: the same text for
/// the same content, whatever the layout or key order it came in.
pub fn canonical_json(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let members: Vec<String> = entries
                .into_iter()
                .map(|(key, value)| {
                    format!("{}:{}", Value::from(key.as_str()), canonical_json(value))
                })
                .collect();
            format!("{{{}}}", members.join(","))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(canonical_json).collect();
            format!("[{}]", items.join(","))
        }
        scalar => scalar.to_string(),
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads one side of a comparison: a manifest (`.toml`) or a single spec
/// file, which is then read without a checksum.
pub fn read_side(path: &Path, dir: &SpecDir) -> Result<Vec<SourceDocument>, String> {
    if path.extension().is_some_and(|e| e == "toml") {
        let manifest = read_manifest(path)?;
        read_documents(&manifest, dir)
    } else {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        Ok(vec![SourceDocument { name, text }])
    }
}
