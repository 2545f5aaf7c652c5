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
    /// The documents are older than the shared operation naming exceptions,
    /// which follow the default manifest: exceptions for operations these
    /// documents lack name nothing here and are passed over, not an error.
    #[serde(default)]
    pub older_than_operations: bool,
    /// What the mock's stateful mode does that the spec does not say
    /// (beside the manifest).
    #[serde(default)]
    pub mock: Option<String>,
    #[serde(rename = "document")]
    pub documents: Vec<ManifestDocument>,
    /// Example objects that go with the documents (the mock and the tests
    /// read them; codegen does not).
    #[serde(default, rename = "fixtures")]
    pub fixtures: Vec<ManifestDocument>,
    /// The fixtures file (one of `fixtures`) whose objects `cargo xtask
    /// bench decode` builds its pages from.
    #[serde(default)]
    pub bench_fixtures: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestDocument {
    /// File name, looked up in the spec folder (or, for a `project_file`,
    /// beside the manifest).
    pub file: String,
    /// Lower-case hex sha256 of the file's bytes; for an excerpt, of its
    /// canonical JSON (see [`Excerpt`]).
    pub sha256: String,
    /// Where the file comes from: a file of a Git repository, or, for a
    /// document written for this project (`written_from`), the pages it was
    /// written from. Exactly one of the two.
    #[serde(default)]
    pub source: Option<Source>,
    #[serde(default)]
    pub written_from: Option<String>,
    /// Set when the file is a selection of `source`, not a copy of it.
    #[serde(default)]
    pub excerpt: Option<Excerpt>,
    /// The API version of this document's operations, when it is not the
    /// manifest's (`api_version`): each call sends the version of the
    /// document its operation comes from (the v2 API needs a version that
    /// has it).
    #[serde(default)]
    pub api_version: Option<String>,
    /// Fixtures: the documents whose resources this file has example
    /// objects of (each resource's example comes from the file that names
    /// the document defining it).
    #[serde(default)]
    pub examples_of: Vec<String>,
    /// The file is this project's own and committed beside the manifest
    /// (examples written for the tests), not in the spec folder.
    #[serde(default)]
    pub project_file: bool,
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

/// Where a document comes from (see [`ManifestDocument::origin`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin<'a> {
    /// Downloadable: a file at a commit.
    Git(&'a Source),
    /// Written for this project from these pages; nothing to download, the
    /// checksum pins the text.
    Written(&'a str),
}

impl ManifestDocument {
    /// Where the file comes from; [`Manifest::parse`] makes sure there is one.
    pub fn origin(&self) -> Origin<'_> {
        match (&self.source, &self.written_from) {
            (Some(source), _) => Origin::Git(source),
            (None, Some(pages)) => Origin::Written(pages),
            (None, None) => unreachable!("Manifest::parse refuses a document without an origin"),
        }
    }

    /// The Git source, when the file has one.
    pub fn git_source(&self) -> Option<&Source> {
        self.source.as_ref()
    }
}

impl std::fmt::Display for Origin<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Git(source) => source.fmt(f),
            Origin::Written(pages) => write!(f, "the project's own document, written from {pages}"),
        }
    }
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

/// Exactly one origin; a full commit; an excerpt selects from a Git source.
fn check_origin(document: &ManifestDocument) -> Result<()> {
    let file = &document.file;
    match (&document.source, &document.written_from) {
        (Some(_), Some(_)) => Err(Error::new(format!(
            "{file}: give either `source` or `written_from`, not both"
        ))),
        (None, None) => Err(Error::new(format!(
            "{file}: needs a `source` (repository, commit, path) or, for a document written for this project, `written_from`"
        ))),
        (None, Some(_)) if document.excerpt.is_some() => Err(Error::new(format!(
            "{file}: an excerpt selects from a `source`; a `written_from` document has none"
        ))),
        (Some(_), _) if document.project_file => Err(Error::new(format!(
            "{file}: a `project_file` is written for this project (`written_from`), not downloaded"
        ))),
        (Some(source), None)
            if source.commit.len() != 40 || !source.commit.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Err(Error::new(format!(
                "{file}: source.commit must be a full 40-digit commit, not `{}`",
                source.commit
            )))
        }
        _ => Ok(()),
    }
}

impl Manifest {
    pub fn parse(name: &str, text: &str) -> Result<Manifest> {
        let manifest: Manifest = toml::from_str(text)
            .map_err(|e| Error::new(format!("invalid spec manifest: {e}")).in_file(name))?;
        if manifest.documents.is_empty() {
            return Err(Error::new("the manifest lists no [[document]]").in_file(name));
        }
        for document in manifest.documents.iter().chain(&manifest.fixtures) {
            check_origin(document).map_err(|e| e.in_file(name))?;
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
            let unknown = document
                .examples_of
                .iter()
                .find(|file| manifest.document(file).is_none());
            if let Some(unknown) = unknown {
                return Err(Error::new(format!(
                    "{}: examples_of names `{unknown}`, which is no document of this manifest",
                    document.file
                ))
                .in_file(name));
            }
        }
        if let Some(unknown) = manifest
            .bench_fixtures
            .as_ref()
            .filter(|file| !manifest.fixtures.iter().any(|f| &&f.file == file))
        {
            return Err(Error::new(format!(
                "bench_fixtures names `{unknown}`, which is no [[fixtures]] file of this manifest"
            ))
            .in_file(name));
        }
        Ok(manifest)
    }

    /// The document named `file`.
    pub fn document(&self, file: &str) -> Option<&ManifestDocument> {
        self.documents.iter().find(|d| d.file == file)
    }

    /// The API version of `file`'s operations: its own, else the manifest's.
    pub fn api_version_of(&self, file: &str) -> &str {
        self.document(file)
            .and_then(|d| d.api_version.as_deref())
            .unwrap_or(&self.api_version)
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
        let source = base.git_source().unwrap();
        assert_eq!(source.repository, "stripe/openapi");
        assert_eq!(source.path, "openapi/spec3.yaml");
        let excerpt = manifest.documents[1].excerpt.as_ref().unwrap();
        assert_eq!(excerpt.base, ["spec3.2023-08-16.yaml"]);
        let fixtures: Vec<&str> = manifest.fixtures.iter().map(|f| f.file.as_str()).collect();
        assert_eq!(
            fixtures,
            [
                "fixtures3.2023-08-16.json",
                "fixtures3.2026-07-29.json",
                "fixtures.crypto-onramp.json",
                "fixtures.v2.json"
            ]
        );
        let v2_examples = manifest.fixtures.last().unwrap();
        assert!(v2_examples.project_file);
        assert_eq!(v2_examples.examples_of, ["excerpt.v2.2026-09-30.yaml"]);
        assert_eq!(
            manifest.label(),
            "spec3.2023-08-16.yaml + excerpt.climate-forwarding.2026.yaml + \
             excerpt.crypto-onramp.2026-preview.yaml + crypto-onramp-quotes.api-reference.yaml + \
             excerpt.v2.2026-09-30.yaml"
        );
        // v2 operations send the version of the spec they come from.
        assert_eq!(
            manifest.api_version_of("excerpt.v2.2026-09-30.yaml"),
            "2026-09-30.endive"
        );
        assert_eq!(
            manifest.api_version_of("spec3.2023-08-16.yaml"),
            "2023-08-16"
        );
        assert_eq!(
            manifest.bench_fixtures.as_deref(),
            Some("fixtures3.2026-07-29.json")
        );
        let quotes = &manifest.documents[3];
        assert!(quotes.git_source().is_none());
        assert!(
            matches!(quotes.origin(), Origin::Written(pages) if pages.starts_with("https://docs.stripe.com/"))
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
    fn the_bench_fixtures_are_one_of_the_fixtures_files() {
        let manifest = |bench: &str| {
            format!(
                "api_version = 'x'\nbench_fixtures = '{bench}'\n\
                 [[document]]\nfile = 'a.yaml'\nsha256 = '0'\nwritten_from = 'w'\n\
                 [[fixtures]]\nfile = 'f.json'\nsha256 = '0'\nwritten_from = 'w'\n"
            )
        };
        assert!(Manifest::parse("m.toml", &manifest("f.json")).is_ok());
        let error = Manifest::parse("m.toml", &manifest("a.yaml")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "m.toml: bench_fixtures names `a.yaml`, which is no [[fixtures]] file of this manifest"
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

    #[test]
    fn a_document_has_exactly_one_origin_and_only_git_sources_are_excerpted() {
        let parse = |origin: &str| {
            Manifest::parse(
                "m.toml",
                &format!(
                    "api_version = 'x'\n[[document]]\nfile = 'a.yaml'\nsha256 = '0'\n{origin}\n"
                ),
            )
        };
        let git = format!(
            "source = {{ repository = 'r/s', commit = '{}', path = 'p' }}",
            "a".repeat(40)
        );
        let written = "written_from = 'https://docs.stripe.com/x'";
        let written_doc = parse(written).unwrap();
        assert_eq!(
            written_doc.documents[0].origin().to_string(),
            "the project's own document, written from https://docs.stripe.com/x"
        );
        let cases = [
            (format!("{git}\n{written}"), "not both"),
            (String::new(), "needs a `source`"),
            (
                format!("{written}\nexcerpt = {{ paths = ['/v1/x'] }}"),
                "an excerpt selects from a `source`",
            ),
        ];
        for (origin, message) in cases {
            let error = parse(&origin).unwrap_err().to_string();
            assert!(
                error.starts_with("m.toml: a.yaml: ") && error.contains(message),
                "{error}"
            );
        }
    }
}
