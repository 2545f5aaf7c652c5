//! The spec manifest under `spec/`: which documents make up the input, with
//! their API version and sha256. Parsed here; read from disk by xtask.

use serde::Deserialize;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub api_version: String,
    /// The overrides file (beside the manifest) that goes with these documents.
    #[serde(default)]
    pub overrides: Option<String>,
    /// The operation naming exceptions (beside the manifest) for these documents.
    #[serde(default)]
    pub operations: Option<String>,
    #[serde(rename = "document")]
    pub documents: Vec<ManifestDocument>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestDocument {
    /// File name, looked up in the spec folder.
    pub file: String,
    /// Lower-case hex sha256 of the file's bytes.
    pub sha256: String,
    /// Where to get the file.
    pub source: String,
}

impl Manifest {
    pub fn parse(name: &str, text: &str) -> Result<Manifest> {
        let manifest: Manifest = toml::from_str(text)
            .map_err(|e| Error::new(format!("invalid spec manifest: {e}")).in_file(name))?;
        if manifest.documents.is_empty() {
            return Err(Error::new("the manifest lists no [[document]]").in_file(name));
        }
        Ok(manifest)
    }

    /// How file headers name the input: `a.yaml + b.yaml`.
    pub fn label(&self) -> String {
        self.documents
            .iter()
            .map(|d| d.file.as_str())
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_project_manifest() {
        let manifest =
            Manifest::parse("stripe.toml", include_str!("../../../spec/stripe.toml")).unwrap();
        assert_eq!(manifest.api_version, "2023-08-16");
        assert_eq!(
            manifest.label(),
            "spec3.2023-08-16.yaml + excerpt.climate-forwarding.2026.yaml"
        );
    }

    #[test]
    fn unknown_keys_are_errors() {
        let error = Manifest::parse(
            "m.toml",
            "api_version = 'x'\nfoo = 1\n[[document]]\nfile='a'\nsha256='b'\nsource='c'\n",
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("m.toml: invalid spec manifest"),
            "{error}"
        );
    }
}
