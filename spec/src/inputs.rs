//! The inputs a manifest (`spec/stripe.toml`) names: where they are, and
//! reading them, each checked against its pin. Codegen (xtask), the mock
//! and the tests all read them here, so that no reader names a spec file:
//! which files make the input is the manifest's fact alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::pointer;
use crate::parse::defaults::DefaultObjects;
use crate::parse::manifest::{Manifest, ManifestDocument};
use crate::parse::policy::{OperationOverrides, Policy};
use crate::parse::{SourceDocument, Spec};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The workspace root (this crate's parent folder).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("spec/ lives in the workspace")
        .to_path_buf()
}

/// The project's manifest: `spec/stripe.toml`.
pub fn project_manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("stripe.toml")
}

/// A manifest, where its files are read from, and what reading them gives.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub manifest_path: PathBuf,
    pub manifest: Manifest,
    pub files: Files,
}

/// Where [`Inputs`] reads the files its manifest names.
#[derive(Debug, Clone)]
pub enum Files {
    /// Stripe's documents from a folder; the project's own files beside
    /// the manifest.
    Disk(SpecDir),
    /// Every file in memory, by the name the manifest gives it: what an
    /// installed mock carries (`cargo xtask spec bundle`).
    Bundle(Arc<BTreeMap<String, &'static [u8]>>),
}

/// The name of the manifest in a bundle.
pub const BUNDLE_MANIFEST: &str = "stripe.toml";

impl Inputs {
    /// The project's manifest, its documents looked up as [`SpecDir::resolve`] says.
    pub fn project() -> Result<Inputs, String> {
        Inputs::open(&project_manifest(), SpecDir::resolve(None))
    }

    pub fn open(manifest_path: &Path, dir: SpecDir) -> Result<Inputs, String> {
        Ok(Inputs {
            manifest_path: manifest_path.to_path_buf(),
            manifest: read_manifest(manifest_path)?,
            files: Files::Disk(dir),
        })
    }

    /// The inputs a bundle holds: its manifest ([`BUNDLE_MANIFEST`]), the
    /// files that names, each still checked against its pin when read.
    pub fn bundled(
        files: impl IntoIterator<Item = (String, &'static [u8])>,
    ) -> Result<Inputs, String> {
        let files: BTreeMap<String, &'static [u8]> = files.into_iter().collect();
        let text = files
            .get(BUNDLE_MANIFEST)
            .ok_or_else(|| format!("the bundle has no {BUNDLE_MANIFEST}"))?;
        let text = std::str::from_utf8(text)
            .map_err(|e| format!("bundled {BUNDLE_MANIFEST}: not UTF-8: {e}"))?;
        let manifest = Manifest::parse(&format!("bundled {BUNDLE_MANIFEST}"), text)
            .map_err(|e| e.to_string())?;
        Ok(Inputs {
            manifest_path: PathBuf::from(BUNDLE_MANIFEST),
            manifest,
            files: Files::Bundle(Arc::new(files)),
        })
    }

    /// Every document, checked, with the API version of each.
    pub fn documents(&self) -> Result<Vec<SourceDocument>, String> {
        let mut documents = self.read_pinned(&self.manifest.documents)?;
        for document in &mut documents {
            document.api_version = Some(self.manifest.api_version_of(&document.name).to_owned());
        }
        Ok(documents)
    }

    /// The documents, merged.
    pub fn spec(&self) -> Result<Spec, String> {
        Spec::parse(&self.documents()?).map_err(|e| e.to_string())
    }

    /// The policy files the manifest names, beside it (a file not named
    /// means no policy of that kind), and what its fixtures say Stripe
    /// sends by default.
    pub fn policy(&self) -> Result<Policy, String> {
        let mut policy = match &self.manifest.overrides {
            Some(file) => {
                let (name, text) = self.read_text(file, true)?;
                Policy::parse(&name, &text).map_err(|e| e.to_string())?
            }
            None => Policy::default(),
        };
        if let Some(file) = &self.manifest.operations {
            let (name, text) = self.read_text(file, true)?;
            policy.operations =
                OperationOverrides::parse(&name, &text).map_err(|e| e.to_string())?;
            policy.operations.may_name_newer_operations = self.manifest.older_than_operations;
        }
        policy.default_objects = default_objects(&self.fixtures()?)?;
        Ok(policy)
    }

    /// The mock's policy file (`mock` in the manifest), beside the
    /// manifest: its path and text, or `None` when the manifest names none.
    pub fn mock_policy(&self) -> Result<Option<(String, String)>, String> {
        match &self.manifest.mock {
            Some(file) => self.read_text(file, true).map(Some),
            None => Ok(None),
        }
    }

    /// Every fixtures file, checked.
    pub fn fixtures(&self) -> Result<Vec<SourceDocument>, String> {
        self.read_pinned(&self.manifest.fixtures)
    }

    /// The example object of every resource of `spec` that a fixtures file
    /// has, by resource id: each from the file that names the document
    /// defining the resource (`examples_of`).
    pub fn examples(&self, spec: &Spec) -> Result<BTreeMap<String, Value>, String> {
        let mut examples = BTreeMap::new();
        let files = self.manifest.fixtures.iter().zip(self.fixtures()?);
        for (pin, file) in files {
            for (resource_id, example) in fixture_resources(&file)? {
                let defined_in = resource_document(spec, &resource_id);
                if defined_in.is_some_and(|doc| pin.examples_of.iter().any(|d| d == doc)) {
                    examples.insert(resource_id, example);
                }
            }
        }
        Ok(examples)
    }

    /// Every file a bundle of these inputs holds, by name, checked: the
    /// manifest, the policy files and the pinned documents.
    pub fn bundle_files(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        let manifest = std::fs::read(&self.manifest_path)
            .map_err(|e| format!("{}: cannot read: {e}", self.manifest_path.display()))?;
        let mut files = vec![(BUNDLE_MANIFEST.to_owned(), manifest)];
        let policy_files = [
            &self.manifest.overrides,
            &self.manifest.operations,
            &self.manifest.mock,
        ];
        for file in policy_files.into_iter().flatten() {
            files.push((file.clone(), self.read_bytes(file, true)?.1));
        }
        let pins = self
            .manifest
            .documents
            .iter()
            .chain(&self.manifest.fixtures);
        for pin in pins {
            files.push((pin.file.clone(), self.read_checked(pin)?));
        }
        Ok(files)
    }

    fn read_pinned(&self, pins: &[ManifestDocument]) -> Result<Vec<SourceDocument>, String> {
        pins.iter()
            .map(|pin| {
                let bytes = self.read_checked(pin)?;
                let text = String::from_utf8(bytes)
                    .map_err(|e| format!("spec file {}: not UTF-8: {e}", pin.file))?;
                Ok(SourceDocument {
                    name: pin.file.clone(),
                    text,
                    api_version: None,
                })
            })
            .collect()
    }

    /// The bytes of a pinned file, whose checksum must be the pin's.
    fn read_checked(&self, pin: &ManifestDocument) -> Result<Vec<u8>, String> {
        let (shown, bytes) = self.read_bytes(&pin.file, pin.project_file).map_err(|e| {
            format!(
                "{e}.\n  Run `cargo xtask spec fetch` to download it from {} (sha256 {}),\n  or pass its folder with --spec-dir DIR or STRIPE_SPEC_DIR=DIR.",
                pin.origin(),
                pin.sha256
            )
        })?;
        let actual = checksum(pin, &bytes).map_err(|e| format!("spec file {shown}: {e}"))?;
        if !actual.eq_ignore_ascii_case(&pin.sha256) {
            return Err(format!(
                "spec file {shown} has sha256 {actual}, but the manifest expects {}.\n  It is not the document the project was generated from: get {} or update the manifest.",
                pin.sha256,
                pin.origin()
            ));
        }
        Ok(bytes)
    }

    fn read_text(&self, file: &str, project_file: bool) -> Result<(String, String), String> {
        let (shown, bytes) = self.read_bytes(file, project_file)?;
        let text = String::from_utf8(bytes).map_err(|e| format!("{shown}: not UTF-8: {e}"))?;
        Ok((shown, text))
    }

    /// A file the manifest names, and how errors name it: from the bundle,
    /// or from disk, beside the manifest for the project's own files.
    fn read_bytes(&self, file: &str, project_file: bool) -> Result<(String, Vec<u8>), String> {
        match &self.files {
            Files::Bundle(files) => files
                .get(file)
                .map(|bytes| (format!("bundled {file}"), bytes.to_vec()))
                .ok_or_else(|| format!("spec file {file} is not in the bundle")),
            Files::Disk(dir) => {
                let path = match project_file {
                    true => self.manifest_path.with_file_name(file),
                    false => dir.path.join(file),
                };
                let bytes = std::fs::read(&path).map_err(|e| match project_file {
                    true => format!("{}: cannot read: {e}", path.display()),
                    false => format!(
                        "spec file {file} not found: looked in {} ({}): {e}",
                        dir.path.display(),
                        dir.chosen_by
                    ),
                })?;
                Ok((path.display().to_string(), bytes))
            }
        }
    }
}

/// The `resources` object of a fixtures file: one example object per
/// resource, keyed by resource id.
pub fn fixture_resources(file: &SourceDocument) -> Result<serde_json::Map<String, Value>, String> {
    let mut all: Value =
        serde_json::from_str(&file.text).map_err(|e| format!("{}: {e}", file.name))?;
    match all.get_mut("resources").map(Value::take) {
        Some(Value::Object(resources)) => Ok(resources),
        _ => Err(format!("{}: no `resources` object", file.name)),
    }
}

/// The document that defines a resource: that of the component whose
/// `x-resourceId` it is, or (v2) of the component of its name.
fn resource_document<'s>(spec: &'s Spec, resource_id: &str) -> Option<&'s str> {
    let named = spec.resource_ids().find(|(_, id)| *id == resource_id);
    let name = match named {
        Some((name, _)) => name,
        None if spec.schemas().contains_key(resource_id) => resource_id,
        None => return None,
    };
    spec.document_of(&pointer(["components", "schemas", name]))
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
    /// The one rule every reader of the spec folder follows.
    pub fn resolve(flag: Option<PathBuf>) -> SpecDir {
        if let Some(path) = flag {
            return SpecDir {
                path,
                chosen_by: "--spec-dir",
            };
        }
        let fetched = workspace_root().join(FETCHED_DIR);
        match SpecDir::named_by_env() {
            Some(dir) => dir,
            None if fetched.is_dir() => SpecDir {
                path: fetched,
                chosen_by: "written by `cargo xtask spec fetch`",
            },
            None => SpecDir::beside_workspace(),
        }
    }

    /// Where the files nobody can download (`written_from` documents) are
    /// copied from: `$STRIPE_SPEC_DIR`, else `../shared/stripe-openapi`.
    pub fn supplier() -> SpecDir {
        SpecDir::named_by_env().unwrap_or_else(SpecDir::beside_workspace)
    }

    fn named_by_env() -> Option<SpecDir> {
        let path = std::env::var_os("STRIPE_SPEC_DIR").filter(|p| !p.is_empty())?;
        Some(SpecDir {
            path: path.into(),
            chosen_by: "$STRIPE_SPEC_DIR",
        })
    }

    fn beside_workspace() -> SpecDir {
        SpecDir {
            path: workspace_root().join("../shared/stripe-openapi"),
            chosen_by: DEFAULT_CHOICE,
        }
    }

    /// Whether nothing chose the folder: the files beside the workspace.
    pub fn is_default(&self) -> bool {
        self.chosen_by == DEFAULT_CHOICE
    }
}

const DEFAULT_CHOICE: &str = "the default";

pub fn read_manifest(path: &Path) -> Result<Manifest, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the spec manifest: {e}", path.display()))?;
    Manifest::parse(&path.display().to_string(), &text).map_err(|e| e.to_string())
}

/// [`Inputs::policy`] of the manifest at `manifest_path`, its documents
/// from `dir`.
pub fn read_policy(
    manifest_path: &Path,
    manifest: &Manifest,
    dir: &SpecDir,
) -> Result<Policy, String> {
    on_disk(manifest_path, manifest, dir).policy()
}

fn on_disk(manifest_path: &Path, manifest: &Manifest, dir: &SpecDir) -> Inputs {
    Inputs {
        manifest_path: manifest_path.to_path_buf(),
        manifest: manifest.clone(),
        files: Files::Disk(dir.clone()),
    }
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

/// Reads every document of the manifest at `manifest_path` and checks its
/// sha256; each carries the API version of its operations.
pub fn read_documents(
    manifest_path: &Path,
    manifest: &Manifest,
    dir: &SpecDir,
) -> Result<Vec<SourceDocument>, String> {
    on_disk(manifest_path, manifest, dir).documents()
}

/// Reads these files of the manifest at `manifest_path`, checking each
/// sha256: from `dir`, or, for the project's own files, beside the manifest.
pub fn read_pinned_beside(
    documents: &[ManifestDocument],
    manifest: &Manifest,
    dir: &SpecDir,
    manifest_path: &Path,
) -> Result<Vec<SourceDocument>, String> {
    on_disk(manifest_path, manifest, dir).read_pinned(documents)
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
        read_documents(path, &manifest, dir)
    } else {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        Ok(vec![SourceDocument {
            name,
            text,
            api_version: None,
        }])
    }
}
