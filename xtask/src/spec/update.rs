//! `cargo xtask spec update`: moves a manifest to a newer spec document.
//!
//! Everything is done in memory first: the new document (downloaded at
//! `--commit` from the document's own repository and path, or from
//! `--path` there: `--path latest/openapi.spec3.yaml` moves from Stripe's
//! legacy v1-only file to the one with v1 and v2; or read from `--file`), the fixtures of the same snapshot, the new pins, the policy
//! without the entries that name nothing in the new spec (with
//! `--prune-policy`; without it they are listed and nothing changes), the
//! generated crate and the diff against the old pins. Only when all of that
//! succeeded are files written: the new spec files, the generated crate,
//! the policy files and, last, the manifest.

use std::path::{Path, PathBuf};

use stripe_codegen::diff::render::{self, Format};
use stripe_codegen::diff::{self, Severity};
use stripe_codegen::parse::manifest::{Manifest, ManifestDocument};
use stripe_codegen::{SourceDocument, Spec, StalePolicy};
use toml_edit::DocumentMut;

use crate::codegen;
use crate::inputs::{self, SpecDir};
use crate::spec::fetch::{download, source_url, write_whole};
use crate::writer::Mode;

enum NewSpec {
    Commit(String),
    File(PathBuf),
}

struct Options {
    new: NewSpec,
    /// Another path of the source repository to take the document from.
    path: Option<String>,
    manifest: PathBuf,
    document: Option<String>,
    spec_dir: SpecDir,
    dest: PathBuf,
    out: PathBuf,
    cli_table_dir: Option<PathBuf>,
    format: Format,
    fail_on: Option<Severity>,
    prune_policy: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut args = args.to_vec();
        let root = inputs::workspace_root();
        let commit = crate::take_value(&mut args, "--commit")?;
        let file = crate::take_value(&mut args, "--file")?;
        let new = match (commit, file) {
            (Some(commit), None) => NewSpec::Commit(commit),
            (None, Some(file)) => NewSpec::File(file.into()),
            _ => return Err("spec update takes one of --commit SHA or --file PATH".into()),
        };
        let path = |value: Option<String>, default: PathBuf| value.map_or(default, PathBuf::from);
        let (format, fail_on) = crate::diff::report_options(&mut args)?;
        let (out, cli_table_dir) = codegen::destinations(crate::take_value(&mut args, "--out")?);
        let options = Options {
            new,
            path: crate::take_value(&mut args, "--path")?,
            manifest: path(
                crate::take_value(&mut args, "--manifest")?,
                root.join("spec/stripe.toml"),
            ),
            document: crate::take_value(&mut args, "--document")?,
            spec_dir: SpecDir::resolve(
                crate::take_value(&mut args, "--spec-dir")?.map(PathBuf::from),
            ),
            dest: path(
                crate::take_value(&mut args, "--dest")?,
                root.join(inputs::FETCHED_DIR),
            ),
            out,
            cli_table_dir,
            format,
            fail_on,
            prune_policy: crate::take_flag(&mut args, "--prune-policy"),
        };
        match args.first() {
            Some(extra) => Err(format!("unexpected argument `{extra}`")),
            None => Ok(options),
        }
    }
}

/// A file to be written into the spec folder, with the pin it gets.
#[derive(Clone)]
struct NewFile {
    old_file: String,
    file: String,
    bytes: Vec<u8>,
    commit: Option<String>,
    /// The source path, when it moves.
    path: Option<String>,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = Options::parse(args)?;
    let manifest_text = read(&options.manifest)?;
    let manifest = inputs::read_manifest(&options.manifest)?;
    let old_documents = inputs::read_documents(&options.manifest, &manifest, &options.spec_dir)?;
    let old_policy = inputs::read_policy(&options.manifest, &manifest, &options.spec_dir)?;
    let target = target_document(&manifest, options.document.as_deref())?;

    let new_files = new_files(&options, &manifest, target)?;
    if inputs::sha256_hex(&new_files[0].bytes) == target.sha256 {
        eprintln!(
            "{} is already the pinned document: nothing to update",
            target.file
        );
        return Ok(());
    }
    let new_document = SourceDocument {
        name: new_files[0].file.clone(),
        text: String::from_utf8(new_files[0].bytes.clone())
            .map_err(|e| format!("{}: not UTF-8: {e}", new_files[0].file))?,
        api_version: None,
    };
    let redundant = redundant_excerpts(&manifest, &old_documents, target, &new_document)?;
    let new_documents: Vec<SourceDocument> = old_documents
        .iter()
        .filter(|d| !redundant.contains(&d.name))
        .map(|d| {
            if d.name == target.file {
                new_document.clone()
            } else {
                d.clone()
            }
        })
        .collect();
    let new_spec = Spec::parse(&new_documents).map_err(|e| e.to_string())?;
    let new_manifest_text = drop_documents(
        &repin(&manifest_text, &new_spec.api_version, &new_files)?,
        &redundant,
        &new_files[0].file,
    )?;
    for excerpt in &redundant {
        eprintln!(
            "{excerpt}: every path it adds is in {} now; dropped from the manifest",
            new_document.name
        );
    }
    let new_manifest = Manifest::parse(&options.manifest.display().to_string(), &new_manifest_text)
        .map_err(|e| e.to_string())?;

    let stale = stripe_codegen::stale_policy(&new_spec, &old_policy).map_err(|e| e.to_string())?;
    let pruned = prune_policy_files(&options.manifest, &manifest, &stale)?;
    if !stale.is_empty() && !options.prune_policy {
        return Err(format!(
            "the policy names what {} does not have: {}.\n  Rerun with --prune-policy to delete these entries; nothing was changed.",
            new_document.name,
            crate::diff::describe(&stale)
        ));
    }
    let mut new_policy = stale.remove_from(&old_policy);
    new_policy.default_objects =
        new_default_objects(&options.manifest, &manifest, &options.spec_dir, &new_files)?;
    let files = codegen::generate(&new_manifest, &new_documents, new_policy.clone())?;
    let old_spec = Spec::parse(&old_documents).map_err(|e| e.to_string())?;
    let model = |spec, policy| stripe_codegen::build_model(spec, policy).map_err(|e| e.to_string());
    let report = diff::diff(
        &old_spec,
        &new_spec,
        &model(&old_spec, &old_policy)?,
        &model(&new_spec, &new_policy)?,
    );

    write_spec_files(&options, &manifest, &new_files)?;
    let written = codegen::write(
        &options.out,
        options.cli_table_dir.as_deref(),
        files,
        Mode::Write,
    )?;
    for (path, text) in &pruned {
        write_whole(path, text.as_bytes())?;
    }
    write_whole(&options.manifest, new_manifest_text.as_bytes())?;
    eprintln!(
        "{}: {} -> {} ({}); regenerated {} file(s) in {}",
        options.manifest.display(),
        target.file,
        new_document.name,
        new_spec.api_version,
        written.written.len() + written.removed.len(),
        options.out.display()
    );
    print!("{}", render::render(&report, options.format));
    match options.fail_on {
        Some(threshold) if report.fails(threshold) => Err(format!(
            "the new spec has changes at or above `{threshold}` (--fail-on {threshold}); the update was written"
        )),
        _ => Ok(()),
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The excerpts over `target` whose paths the new document has, all of
/// them: Stripe has published what they added, so they go.
fn redundant_excerpts(
    manifest: &Manifest,
    documents: &[SourceDocument],
    target: &ManifestDocument,
    new_document: &SourceDocument,
) -> Result<Vec<String>, String> {
    let paths = |document: &SourceDocument| -> Result<Vec<String>, String> {
        let value: serde_yaml::Value = serde_yaml::from_str(&document.text)
            .map_err(|e| format!("{}: not a YAML document: {e}", document.name))?;
        let keys = value
            .get("paths")
            .and_then(|p| p.as_mapping())
            .into_iter()
            .flatten();
        Ok(keys
            .filter_map(|(k, _)| k.as_str().map(str::to_owned))
            .collect())
    };
    let new_paths = paths(new_document)?;
    let mut redundant = Vec::new();
    for excerpt in manifest.documents.iter().filter(|d| {
        d.excerpt
            .as_ref()
            .is_some_and(|e| e.base.contains(&target.file))
    }) {
        let Some(document) = documents.iter().find(|d| d.name == excerpt.file) else {
            continue;
        };
        let excerpt_paths = paths(document)?;
        if !excerpt_paths.is_empty() && excerpt_paths.iter().all(|p| new_paths.contains(p)) {
            redundant.push(excerpt.file.clone());
        }
    }
    Ok(redundant)
}

/// The manifest's text without the `[[document]]`s of these files; the
/// fixtures that gave examples of one give them of `into` (the document
/// that now has its paths).
fn drop_documents(text: &str, files: &[String], into: &str) -> Result<String, String> {
    if files.is_empty() {
        return Ok(text.to_owned());
    }
    let mut document: DocumentMut = text.parse().map_err(|e| format!("the manifest: {e}"))?;
    rename_in_arrays(&mut document, "fixtures", "examples_of", &|name| {
        files.iter().any(|f| f == name).then(|| into.to_owned())
    });
    if let Some(tables) = document
        .get_mut("document")
        .and_then(|t| t.as_array_of_tables_mut())
    {
        tables.retain(|table| {
            !table
                .get("file")
                .and_then(|f| f.as_str())
                .is_some_and(|f| files.iter().any(|x| x == f))
        });
    }
    Ok(document.to_string())
}

/// `--document`, or the first document that is not an excerpt.
fn target_document<'m>(
    manifest: &'m Manifest,
    name: Option<&str>,
) -> Result<&'m ManifestDocument, String> {
    let plain = manifest.documents.iter().filter(|d| d.excerpt.is_none());
    let mut plain = plain.filter(|d| name.is_none_or(|n| d.file == n));
    plain.next().ok_or_else(|| match name {
        Some(name) => {
            format!("--document {name}: no plain document of the manifest has that file name")
        }
        None => "the manifest has no plain document to update".into(),
    })
}

/// The example objects of the fixtures after the update: the new snapshot's
/// in place of the files they replace, the others as they are.
fn new_default_objects(
    manifest_path: &Path,
    manifest: &Manifest,
    dir: &inputs::SpecDir,
    new_files: &[NewFile],
) -> Result<stripe_codegen::parse::defaults::DefaultObjects, String> {
    let kept: Vec<_> = manifest
        .fixtures
        .iter()
        .filter(|f| !new_files.iter().any(|new| new.old_file == f.file))
        .cloned()
        .collect();
    let mut fixtures = inputs::read_pinned_beside(&kept, manifest, dir, manifest_path)?;
    for new in new_files
        .iter()
        .filter(|new| manifest.fixtures.iter().any(|f| f.file == new.old_file))
    {
        fixtures.push(SourceDocument {
            name: new.file.clone(),
            text: String::from_utf8(new.bytes.clone())
                .map_err(|e| format!("{}: not UTF-8: {e}", new.file))?,
            api_version: None,
        });
    }
    inputs::default_objects(&fixtures)
}

/// The new document first, then the fixtures of the same snapshot (same
/// repository and commit), downloaded at the new commit.
fn new_files(
    options: &Options,
    manifest: &Manifest,
    target: &ManifestDocument,
) -> Result<Vec<NewFile>, String> {
    let base_url = std::env::var("STRIPE_OPENAPI_BASE_URL")
        .ok()
        .filter(|b| !b.is_empty());
    let agent = crate::spec::fetch::agent();
    let commit = match &options.new {
        NewSpec::File(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let file = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if file == target.file {
                return Err(format!(
                    "{file} is already the pinned document's name; give the new one another"
                ));
            }
            return Ok(vec![NewFile {
                old_file: target.file.clone(),
                file,
                bytes,
                commit: None,
                path: None,
            }]);
        }
        NewSpec::Commit(commit) => commit,
    };
    let pinned = |document: &ManifestDocument| {
        document.git_source().cloned().ok_or_else(|| {
            format!(
                "{} has no Git source to move to another commit ({})",
                document.file,
                document.origin()
            )
        })
    };
    let fetch = |document: &ManifestDocument, path: Option<&String>| -> Result<NewFile, String> {
        let mut source = stripe_codegen::parse::manifest::Source {
            commit: commit.clone(),
            ..pinned(document)?
        };
        if let Some(path) = path {
            source.path = path.clone();
        }
        let bytes = download(&agent, &source_url(base_url.as_deref(), &source))?;
        Ok(NewFile {
            old_file: document.file.clone(),
            file: String::new(),
            bytes,
            commit: Some(commit.clone()),
            path: path.cloned(),
        })
    };
    let mut files = vec![fetch(target, options.path.as_ref())?];
    let version = Spec::parse(&[SourceDocument {
        name: target.file.clone(),
        text: String::from_utf8_lossy(&files[0].bytes).into_owned(),
        api_version: None,
    }])
    .map_err(|e| e.to_string())?
    .api_version;
    let target_source = pinned(target)?;
    let same_snapshot = |f: &&ManifestDocument| {
        f.git_source().is_some_and(|s| {
            s.repository == target_source.repository && s.commit == target_source.commit
        })
    };
    for fixture in manifest.fixtures.iter().filter(same_snapshot) {
        files.push(fetch(fixture, None)?);
    }
    for file in &mut files {
        file.file = renamed(&file.old_file, &manifest.api_version, &version, commit);
    }
    Ok(files)
}

/// `spec3.2023-08-16.yaml` becomes `spec3.2024-04-10.yaml`; with the same
/// version, the commit tells them apart: `spec3.2023-08-16.0123abc.yaml`.
fn renamed(file: &str, old_version: &str, new_version: &str, commit: &str) -> String {
    let renamed = file.replace(old_version, new_version);
    if renamed != file {
        return renamed;
    }
    let short = &commit[..commit.len().min(7)];
    match file.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}.{short}.{extension}"),
        None => format!("{file}.{short}"),
    }
}

/// The manifest's text with the new pins; comments and layout kept.
fn repin(text: &str, api_version: &str, files: &[NewFile]) -> Result<String, String> {
    let mut document: DocumentMut = text.parse().map_err(|e| format!("the manifest: {e}"))?;
    document["api_version"] = toml_edit::value(api_version);
    for key in ["document", "fixtures"] {
        let Some(tables) = document
            .get_mut(key)
            .and_then(|t| t.as_array_of_tables_mut())
        else {
            continue;
        };
        for table in tables.iter_mut() {
            let Some(file) = files
                .iter()
                .find(|f| table.get("file").and_then(|v| v.as_str()) == Some(f.old_file.as_str()))
            else {
                continue;
            };
            table["file"] = toml_edit::value(file.file.as_str());
            table["sha256"] = toml_edit::value(inputs::sha256_hex(&file.bytes));
            if let Some(commit) = &file.commit {
                table["source"]["commit"] = toml_edit::value(commit.as_str());
            }
            if let Some(path) = &file.path {
                table["source"]["path"] = toml_edit::value(path.as_str());
            }
        }
    }
    // Fixtures name the documents they give examples of: follow the renames.
    rename_in_arrays(&mut document, "fixtures", "examples_of", &|name| {
        files
            .iter()
            .find(|f| f.old_file == name)
            .map(|f| f.file.clone())
    });
    // An excerpt's base names a document by file: follow the renames.
    if let Some(tables) = document
        .get_mut("document")
        .and_then(|t| t.as_array_of_tables_mut())
    {
        for table in tables.iter_mut() {
            let bases = table
                .get_mut("excerpt")
                .and_then(|e| e.get_mut("base"))
                .and_then(|b| b.as_array_mut());
            for base in bases.into_iter().flat_map(|b| b.iter_mut()) {
                if let Some(file) = files
                    .iter()
                    .find(|f| base.as_str() == Some(f.old_file.as_str()))
                {
                    *base = file.file.as_str().into();
                }
            }
        }
    }
    Ok(document.to_string())
}

/// In each `[[tables]]` entry, the strings of its array `key` that
/// `rename` renames, renamed; a name twice is kept once.
fn rename_in_arrays(
    document: &mut DocumentMut,
    tables: &str,
    key: &str,
    rename: &dyn Fn(&str) -> Option<String>,
) {
    let Some(tables) = document
        .get_mut(tables)
        .and_then(|t| t.as_array_of_tables_mut())
    else {
        return;
    };
    for table in tables.iter_mut() {
        let Some(array) = table.get_mut(key).and_then(|a| a.as_array_mut()) else {
            continue;
        };
        let mut names: Vec<String> = Vec::new();
        for value in array.iter() {
            let Some(name) = value.as_str() else { continue };
            let name = rename(name).unwrap_or_else(|| name.to_owned());
            if !names.contains(&name) {
                names.push(name);
            }
        }
        *array = names.iter().map(String::as_str).collect();
    }
}

/// The policy files' new text, without the stale entries (only the files
/// that change).
fn prune_policy_files(
    manifest_path: &Path,
    manifest: &Manifest,
    stale: &StalePolicy,
) -> Result<Vec<(PathBuf, String)>, String> {
    let mut out = Vec::new();
    let mut edit =
        |file: &Option<String>, prune: &dyn Fn(&mut DocumentMut)| -> Result<(), String> {
            let Some(file) = file else { return Ok(()) };
            let path = manifest_path.with_file_name(file);
            let mut document: DocumentMut = read(&path)?
                .parse()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            prune(&mut document);
            out.push((path, document.to_string()));
            Ok(())
        };
    let overrides_stale = !stale.optional_fields.is_empty()
        || !stale.decimal_fields.is_empty()
        || !stale.preview.is_empty()
        || !stale.events.is_empty();
    if overrides_stale {
        edit(&manifest.overrides, &|document| {
            for (list, entries) in [
                ("optional_fields", &stale.optional_fields),
                ("decimal_fields", &stale.decimal_fields),
            ] {
                if let Some(fields) = document
                    .get_mut(list)
                    .and_then(|t| t.get_mut("fields"))
                    .and_then(|f| f.as_array_mut())
                {
                    fields.retain(|v| !v.as_str().is_some_and(|f| entries.iter().any(|s| s == f)));
                }
            }
            if let Some(preview) = document
                .get_mut("preview")
                .and_then(|t| t.as_table_like_mut())
            {
                for namespace in &stale.preview {
                    preview.remove(namespace);
                }
            }
            if let Some(events) = document.get_mut("events") {
                if let Some(objects) = events
                    .get_mut("objects")
                    .and_then(|t| t.as_table_like_mut())
                {
                    for key in &stale.events {
                        objects.remove(key);
                    }
                }
                if let Some(untyped) = events.get_mut("untyped").and_then(|a| a.as_array_mut()) {
                    untyped.retain(|v| {
                        !v.as_str()
                            .is_some_and(|e| stale.events.iter().any(|s| s == e))
                    });
                }
            }
        })?;
    }
    if !stale.operations.is_empty() {
        edit(&manifest.operations, &|document| {
            if let Some(overrides) = document
                .get_mut("overrides")
                .and_then(|t| t.as_table_like_mut())
            {
                for operation in &stale.operations {
                    overrides.remove(operation);
                }
            }
        })?;
    }
    Ok(out)
}

/// Writes the new files into `--dest`, beside the manifest's other files
/// (copied there from the folder they were read from, so that codegen finds
/// the whole input in one folder).
fn write_spec_files(
    options: &Options,
    manifest: &Manifest,
    files: &[NewFile],
) -> Result<(), String> {
    std::fs::create_dir_all(&options.dest)
        .map_err(|e| format!("{}: {e}", options.dest.display()))?;
    for document in manifest.documents.iter().chain(&manifest.fixtures) {
        let (from, to) = (
            options.spec_dir.path.join(&document.file),
            options.dest.join(&document.file),
        );
        if from != to && from.exists() && !to.exists() {
            std::fs::copy(&from, &to).map_err(|e| format!("{}: {e}", to.display()))?;
        }
    }
    for file in files {
        write_whole(&options.dest.join(&file.file), &file.bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_files_are_named_by_version_or_else_by_commit() {
        let commit = "0123abcdef0123abcdef0123abcdef0123abcdef";
        assert_eq!(
            renamed("spec3.2023-08-16.yaml", "2023-08-16", "2024-04-10", commit),
            "spec3.2024-04-10.yaml"
        );
        assert_eq!(
            renamed("spec3.2023-08-16.yaml", "2023-08-16", "2023-08-16", commit),
            "spec3.2023-08-16.0123abc.yaml"
        );
        assert_eq!(
            renamed(
                "fixtures3.2023-08-16.json",
                "2023-08-16",
                "2024-04-10",
                commit
            ),
            "fixtures3.2024-04-10.json"
        );
    }

    #[test]
    fn repinning_keeps_comments_and_changes_only_the_pins() {
        let text = "# The input.\napi_version = \"1\"\n\n# Base.\n[[document]]\nfile = \"a.1.yaml\"\nsha256 = \"00\"\nsource = { repository = \"r/s\", commit = \"c1\", path = \"a.yaml\" }\n";
        let files = [NewFile {
            old_file: "a.1.yaml".into(),
            file: "a.2.yaml".into(),
            bytes: b"x".to_vec(),
            commit: Some("c2".into()),
            path: None,
        }];
        let out = repin(text, "2", &files).unwrap();
        assert!(
            out.starts_with("# The input.\napi_version = \"2\"\n\n# Base.\n[[document]]\n"),
            "{out}"
        );
        assert!(out.contains("file = \"a.2.yaml\""), "{out}");
        assert!(
            out.contains(&format!("sha256 = \"{}\"", inputs::sha256_hex(b"x"))),
            "{out}"
        );
        assert!(out.contains("commit = \"c2\""), "{out}");

        let with_excerpt = format!("{text}\n[[document]]\nfile = \"x.yaml\"\nsha256 = \"00\"\nsource = {{ repository = \"r/s\", commit = \"c1\", path = \"b.yaml\" }}\nexcerpt = {{ paths = [\"/v1/x\"], base = [\"a.1.yaml\"] }}\n");
        let out = repin(&with_excerpt, "2", &files).unwrap();
        assert!(
            out.contains("base = [\"a.2.yaml\"]"),
            "the excerpt follows its base: {out}"
        );

        // `--path`: the document moves to another file of its repository.
        let moved = [NewFile {
            path: Some("latest/openapi.spec3.yaml".into()),
            ..files[0].clone()
        }];
        let out = repin(text, "2", &moved).unwrap();
        assert!(
            out.contains("path = \"latest/openapi.spec3.yaml\""),
            "{out}"
        );
        assert!(!out.contains("path = \"a.yaml\""), "{out}");
    }
}
