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
    /// Example objects that go with the documents (the mock and the tests
    /// read them; codegen does not).
    #[serde(default, rename = "fixtures")]
    pub fixtures: Vec<ManifestDocument>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestDocument {
    /// File name, looked up in the spec folder.
    pub file: String,
    /// Lower-case hex sha256 of the file's bytes; for an excerpt, of its
    /// canonical JSON (see [`Excerpt`]).
    pub sha256: String,
    /// Where the file comes from.
    pub source: Source,
    /// Set when the file is a selection of `source`, not a copy of it.
    #[serde(default)]
    pub excerpt: Option<Excerpt>,
}

/// A file at a commit of a Git repository.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// `owner/name` on GitHub, e.g. `stripe/openapi`.
    pub repository: String,
    /// The full 40-digit commit.
    pub commit: String,
    /// The file's path in the repository, e.g. `openapi/spec3.yaml`.
    pub path: String,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}, {} at commit {}",
            self.repository, self.path, self.commit
        )
    }
}

/// What an excerpt selects from its source: the paths that start with one of
/// `paths`, and the schemas they reach (through `$ref`, transitively) that
/// none of the `base` documents has. Its layout is not fixed, only its
/// content, so its checksum is taken over its canonical JSON (keys sorted,
/// no whitespace).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Excerpt {
    pub paths: Vec<String>,
    /// Files of this manifest whose schemas the excerpt leaves out.
    #[serde(default)]
    pub base: Vec<String>,
}

impl Manifest {
    pub fn parse(name: &str, text: &str) -> Result<Manifest> {
        let manifest: Manifest = toml::from_str(text)
            .map_err(|e| Error::new(format!("invalid spec manifest: {e}")).in_file(name))?;
        if manifest.documents.is_empty() {
            return Err(Error::new("the manifest lists no [[document]]").in_file(name));
        }
        for document in manifest.documents.iter().chain(&manifest.fixtures) {
            let commit = &document.source.commit;
            if commit.len() != 40 || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Error::new(format!(
                    "{}: source.commit must be a full 40-digit commit, not `{commit}`",
                    document.file
                ))
                .in_file(name));
            }
            let bases = document.excerpt.iter().flat_map(|e| &e.base);
            if let Some(unknown) = bases.into_iter().find(|base| {
                !manifest
                    .documents
                    .iter()
                    .any(|d| &d.file == *base && d.excerpt.is_none())
            }) {
                return Err(Error::new(format!(
                    "{}: excerpt.base names `{unknown}`, which is no plain document of this manifest",
                    document.file
                ))
                .in_file(name));
            }
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
        let base = &manifest.documents[0];
        assert_eq!(base.source.repository, "stripe/openapi");
        assert_eq!(base.source.path, "openapi/spec3.yaml");
        let excerpt = manifest.documents[1].excerpt.as_ref().unwrap();
        assert_eq!(excerpt.base, ["spec3.2023-08-16.yaml"]);
        let fixtures: Vec<&str> = manifest.fixtures.iter().map(|f| f.file.as_str()).collect();
        assert_eq!(
            fixtures,
            ["fixtures3.2023-08-16.json", "fixtures3.2026-07-29.json"]
        );
        assert_eq!(
            manifest.label(),
            "spec3.2023-08-16.yaml + excerpt.climate-forwarding.2026.yaml"
        );
    }

    #[test]
    fn unknown_keys_are_errors() {
        let error = Manifest::parse(
            "m.toml",
            "api_version = 'x'\nfoo = 1\n[[document]]\nfile='a'\nsha256='b'\nsource={repository='r',commit='c',path='p'}\n",
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("m.toml: invalid spec manifest"),
            "{error}"
        );
    }

    #[test]
    fn commits_are_full_and_excerpt_bases_are_documents() {
        let manifest = |commit: &str, base: &str| {
            format!(
                "api_version = 'x'\n[[document]]\nfile = 'a.yaml'\nsha256 = '0'\n\
                 source = {{ repository = 'r/s', commit = '{commit}', path = 'p' }}\n\
                 [[document]]\nfile = 'b.yaml'\nsha256 = '0'\n\
                 source = {{ repository = 'r/s', commit = '{commit}', path = 'q' }}\n\
                 excerpt = {{ paths = ['/v1/x'], base = ['{base}'] }}\n"
            )
        };
        let full = "a".repeat(40);
        assert!(Manifest::parse("m.toml", &manifest(&full, "a.yaml")).is_ok());
        let error = Manifest::parse("m.toml", &manifest("abc123", "a.yaml")).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("full 40-digit commit, not `abc123`"),
            "{error}"
        );
        let error = Manifest::parse("m.toml", &manifest(&full, "c.yaml")).unwrap_err();
        assert!(
            error.to_string().contains("excerpt.base names `c.yaml`"),
            "{error}"
        );
        let error = Manifest::parse("m.toml", &manifest(&full, "b.yaml")).unwrap_err();
        assert!(
            error.to_string().contains("excerpt.base names `b.yaml`"),
            "{error}"
        );
    }
}
