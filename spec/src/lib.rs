//! The inputs a manifest (`spec/stripe.toml`) names: where they are, and
//! reading them, each checked against its pin. Codegen (xtask), the mock
//! and the tests all read them here, so that no reader names a spec file:
//! which files make the input is the manifest's fact alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};
use stripe_codegen::parse::defaults::DefaultObjects;
use stripe_codegen::parse::manifest::{Manifest, ManifestDocument};
use stripe_codegen::parse::policy::{OperationOverrides, Policy};
use stripe_codegen::{SourceDocument, Spec};

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

/// A manifest, the folder its documents are read from, and what reading
/// them gives.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub manifest_path: PathBuf,
    pub manifest: Manifest,
    pub dir: SpecDir,
}

impl Inputs {
    /// The project's manifest, its documents looked up as [`SpecDir::resolve`] says.
    pub fn project() -> Result<Inputs, String> {
        Inputs::open(&project_manifest(), SpecDir::resolve(None))
    }

    pub fn open(manifest_path: &Path, dir: SpecDir) -> Result<Inputs, String> {
        Ok(Inputs {
            manifest_path: manifest_path.to_path_buf(),
            manifest: read_manifest(manifest_path)?,
            dir,
        })
    }

    /// Every document, checked, with the API version of each.
    pub fn documents(&self) -> Result<Vec<SourceDocument>, String> {
        let mut documents = self.read(&self.manifest.documents)?;
        for document in &mut documents {
            document.api_version = Some(self.manifest.api_version_of(&document.name).to_owned());
        }
        Ok(documents)
    }

    /// The documents, merged.
    pub fn spec(&self) -> Result<Spec, String> {
        Spec::parse(&self.documents()?).map_err(|e| e.to_string())
    }

    /// The policy files the manifest names, and what its fixtures say
    /// Stripe sends by default.
    pub fn policy(&self) -> Result<Policy, String> {
        read_policy(&self.manifest_path, &self.manifest, &self.dir)
    }

    /// The mock's policy file (`mock` in the manifest), beside the
    /// manifest: its path and text, or `None` when the manifest names none.
    pub fn mock_policy(&self) -> Result<Option<(String, String)>, String> {
        let Some(file) = &self.manifest.mock else {
            return Ok(None);
        };
        let path = self.manifest_path.with_file_name(file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        Ok(Some((path.display().to_string(), text)))
    }

    /// Every fixtures file, checked.
    pub fn fixtures(&self) -> Result<Vec<SourceDocument>, String> {
        self.read(&self.manifest.fixtures)
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

    fn read(&self, pins: &[ManifestDocument]) -> Result<Vec<SourceDocument>, String> {
        read_pinned_beside(pins, &self.dir, &self.manifest_path)
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
    let named = spec.schemas().iter().find(|(_, schema)| {
        let id = schema
            .as_item()
            .and_then(|s| s.schema_data.extensions.get("x-resourceId"))
            .and_then(Value::as_str);
        id == Some(resource_id)
    });
    let name = match named {
        Some((name, _)) => name.as_str(),
        None if spec.schemas().contains_key(resource_id) => resource_id,
        None => return None,
    };
    let pointer = format!(
        "#/components/schemas/{}",
        name.replace('~', "~0").replace('/', "~1")
    );
    spec.document_of(&pointer)
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
        policy.operations.may_name_newer_operations = manifest.older_than_operations;
    }
    let fixtures = read_pinned_beside(&manifest.fixtures, dir, manifest_path)?;
    policy.default_objects = default_objects(&fixtures)?;
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

/// Reads every document of the manifest at `manifest_path` and checks its
/// sha256; each carries the API version of its operations.
pub fn read_documents(
    manifest_path: &Path,
    manifest: &Manifest,
    dir: &SpecDir,
) -> Result<Vec<SourceDocument>, String> {
    let inputs = Inputs {
        manifest_path: manifest_path.to_path_buf(),
        manifest: manifest.clone(),
        dir: dir.clone(),
    };
    inputs.documents()
}

/// Reads these files of the manifest at `manifest_path`, checking each
/// sha256: from `dir`, or, for the project's own files, beside the manifest.
pub fn read_pinned_beside(
    documents: &[ManifestDocument],
    dir: &SpecDir,
    manifest_path: &Path,
) -> Result<Vec<SourceDocument>, String> {
    let project_dir = manifest_path.parent().unwrap_or(Path::new("."));
    documents
        .iter()
        .map(|document| {
            let path = match document.project_file {
                true => project_dir.join(&document.file),
                false => dir.path.join(&document.file),
            };
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
            Ok(SourceDocument { name: document.file.clone(), text, api_version: None })
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
