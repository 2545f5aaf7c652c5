//! Step 1 of the pipeline: parse the spec documents (YAML or JSON) and merge
//! them into one OpenAPI document.
//!
//! The documents come in as text; reading them from disk is xtask's job.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, Paths, ReferenceOr, Schema};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::{pointer, Error, Result};
use crate::parse::duplicates;

/// One spec document as read from disk.
#[derive(Debug, Clone)]
pub struct SourceDocument {
    /// The file name, used in error messages.
    pub name: String,
    pub text: String,
    /// The API version of its operations when it is not the spec's
    /// (`info.version` of the first document), as the manifest says.
    pub api_version: Option<String>,
}

/// Several documents merged into one OpenAPI description.
#[derive(Debug, Clone)]
pub struct Spec {
    pub openapi: OpenAPI,
    /// `info.version` of the first document that has one: Stripe's API version.
    pub api_version: String,
    /// The document names, in the order they were merged.
    pub documents: Vec<String>,
    /// Per document, in the same order: the API version of its operations
    /// when it is not `api_version`.
    document_versions: Vec<Option<String>>,
    /// Which document defined each path and component schema, keyed by the
    /// JSON pointer of the node, so errors can name the file.
    origins: BTreeMap<String, usize>,
}

/// A document may be a fragment: an excerpt has paths and components but no
/// `openapi` or `info`.
#[derive(Deserialize, Default)]
struct Fragment {
    openapi: Option<String>,
    /// Only to refuse Swagger 2.0 documents by name.
    swagger: Option<serde_json::Value>,
    info: Option<openapiv3::Info>,
    #[serde(default)]
    servers: Vec<openapiv3::Server>,
    #[serde(default, deserialize_with = "every_path")]
    paths: Paths,
    components: Option<Components>,
    #[serde(default)]
    security: Option<Vec<openapiv3::SecurityRequirement>>,
}

/// The paths object with every key kept: openapiv3 drops, silently, a key
/// that starts with neither `/` nor `x-`, which then lowering refuses by
/// name. Extensions (`x-`) are skipped, as the generator reads none.
fn every_path<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Paths, D::Error> {
    struct PathsVisitor;
    impl<'de> serde::de::Visitor<'de> for PathsVisitor {
        type Value = Paths;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map of paths")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Paths, A::Error> {
            let mut paths = Paths::default();
            while let Some(key) = map.next_key::<String>()? {
                if key.starts_with("x-") {
                    map.next_value::<serde::de::IgnoredAny>()?;
                } else {
                    let item = map.next_value()?;
                    paths.paths.insert(key, item);
                }
            }
            Ok(paths)
        }
    }
    deserializer.deserialize_map(PathsVisitor)
}

impl Spec {
    /// Parses and merges `documents`, in order. A path or schema defined in
    /// two documents must be identical in both.
    pub fn parse(documents: &[SourceDocument]) -> Result<Spec> {
        let fragments = documents
            .iter()
            .map(|document| {
                parse_document::<Fragment>(document)
                    .map_err(|error| version_error(document).unwrap_or(error))
                    .and_then(check_version)
                    .map_err(|e| e.in_file(&document.name))
            })
            .collect::<Result<Vec<_>>>()?;
        Self::merge(documents, fragments)
    }

    fn merge(documents: &[SourceDocument], fragments: Vec<Fragment>) -> Result<Spec> {
        let mut openapi = OpenAPI {
            openapi: "3.0.0".into(),
            ..Default::default()
        };
        let mut info = None;
        let mut origins = BTreeMap::new();
        let mut schemas: IndexMap<String, ReferenceOr<Schema>> = IndexMap::new();
        let mut components = Components::default();

        for (index, fragment) in fragments.into_iter().enumerate() {
            if info.is_none() {
                if let Some(fragment_info) = fragment.info {
                    info = Some(fragment_info);
                    openapi.openapi = fragment.openapi.unwrap_or_else(|| "3.0.0".into());
                    openapi.servers = fragment.servers;
                    openapi.security = fragment.security;
                }
            }
            for (path, item) in fragment.paths.paths {
                let at = pointer(["paths", &path]);
                insert_once(
                    &mut openapi.paths.paths,
                    path,
                    item,
                    &at,
                    index,
                    &mut origins,
                    documents,
                )?;
            }
            if let Some(fragment_components) = fragment.components {
                for (name, schema) in fragment_components.schemas {
                    let at = pointer(["components", "schemas", &name]);
                    insert_once(
                        &mut schemas,
                        name,
                        schema,
                        &at,
                        index,
                        &mut origins,
                        documents,
                    )?;
                }
                // Stripe's documents keep everything else in components
                // (security schemes) identical; the first one wins.
                if components.security_schemes.is_empty() {
                    components.security_schemes = fragment_components.security_schemes;
                }
            }
        }

        let Some(info) = info else {
            let names: Vec<_> = documents.iter().map(|d| d.name.as_str()).collect();
            return Err(Error::at(
                "#/info",
                "no document has an `info` object with the API version",
            )
            .in_file(names.join(" + ")));
        };
        let api_version = info.version.clone();
        openapi.info = info;
        components.schemas = schemas;
        openapi.components = Some(components);
        Ok(Spec {
            openapi,
            api_version,
            documents: documents.iter().map(|d| d.name.clone()).collect(),
            document_versions: documents.iter().map(|d| d.api_version.clone()).collect(),
            origins,
        })
    }

    /// The document that holds the node at `pointer`, for error messages.
    pub fn document_of(&self, pointer: &str) -> Option<&str> {
        // Origins are recorded per path and per schema; a pointer below one of
        // them shares its prefix.
        let (prefix, index) = self.origins.range(..=pointer.to_owned()).next_back()?;
        let inside = pointer == prefix || pointer.starts_with(&format!("{prefix}/"));
        inside.then(|| self.documents[*index].as_str())
    }

    /// The API version of the operations at the node at `pointer` (a path):
    /// its document's own, else the spec's.
    pub fn api_version_at(&self, pointer: &str) -> &str {
        let index = self
            .documents
            .iter()
            .position(|name| Some(name.as_str()) == self.document_of(pointer));
        index
            .and_then(|index| self.document_versions[index].as_deref())
            .unwrap_or(&self.api_version)
    }

    /// Attaches the document name to an error that carries a pointer.
    pub fn locate(&self, error: Error) -> Error {
        let file = error
            .pointer
            .as_deref()
            .and_then(|p| self.document_of(p))
            .map(str::to_owned)
            .unwrap_or_else(|| self.documents.join(" + "));
        error.in_file(file)
    }

    pub fn schemas(&self) -> &IndexMap<String, ReferenceOr<Schema>> {
        &self
            .openapi
            .components
            .as_ref()
            .expect("merge always sets components")
            .schemas
    }

    /// The component schemas that carry a string `x-resourceId`, as
    /// (component name, resource id).
    pub fn resource_ids(&self) -> impl Iterator<Item = (&str, &str)> {
        self.schemas().iter().filter_map(|(name, schema)| {
            let id = schema
                .as_item()?
                .schema_data
                .extensions
                .get("x-resourceId")?;
            Some((name.as_str(), id.as_str()?))
        })
    }
}

fn insert_once<T: PartialEq>(
    map: &mut IndexMap<String, T>,
    key: String,
    value: T,
    at: &str,
    document: usize,
    origins: &mut BTreeMap<String, usize>,
    documents: &[SourceDocument],
) -> Result<()> {
    if let Some(existing) = map.get(&key) {
        if *existing != value {
            let first = &documents[origins[at]].name;
            let second = &documents[document].name;
            return Err(Error::at(
                at,
                format!("defined differently in {first} and {second}; a name may be defined twice only with identical content"),
            )
            .in_file(second));
        }
        return Ok(());
    }
    origins.insert(at.to_owned(), document);
    map.insert(key, value);
    Ok(())
}

fn is_json(name: &str, text: &str) -> bool {
    name.ends_with(".json") || text.trim_start().starts_with('{')
}

/// Only OpenAPI 3.0 is read, and the API version must be there: a Swagger
/// document, another `openapi` or an empty `info.version` is refused, not
/// generated into an empty crate.
fn check_version(fragment: Fragment) -> Result<Fragment> {
    if let Some(swagger) = &fragment.swagger {
        return Err(Error::at(
            "#/swagger",
            format!("a Swagger {swagger} document: only OpenAPI 3.0 documents are read"),
        ));
    }
    if let Some(version) = &fragment.openapi {
        if !version.starts_with("3.0") {
            return Err(Error::at(
                "#/openapi",
                format!("`openapi: {version}`: only OpenAPI 3.0 documents are read"),
            ));
        }
    }
    if fragment
        .info
        .as_ref()
        .is_some_and(|info| info.version.trim().is_empty())
    {
        return Err(Error::at(
            "#/info/version",
            "is empty: it is the Stripe API version the client sends",
        ));
    }
    Ok(fragment)
}

/// On failure only: a document of another OpenAPI version fails on shapes
/// 3.0 does not have, and its version is the error worth reporting.
fn version_error(document: &SourceDocument) -> Option<Error> {
    // A map, not a struct: serde would read a struct from a list too.
    let mut header: BTreeMap<String, serde_json::Value> = parse_document(document).ok()?;
    let fragment = Fragment {
        openapi: header
            .remove("openapi")
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)),
        swagger: header.remove("swagger"),
        ..Fragment::default()
    };
    check_version(fragment).err()
}

/// Parses one document. The fast path deserializes directly; only when that
/// fails is the document parsed again, tracking the path, to say where.
pub fn parse_document<T: DeserializeOwned>(document: &SourceDocument) -> Result<T> {
    // A byte-order mark may start a file; it is not part of the document.
    let text = document
        .text
        .strip_prefix('\u{feff}')
        .unwrap_or(&document.text);
    let json = is_json(&document.name, text);
    if !json {
        refuse_non_finite_numbers(text)?;
    }
    refuse_duplicate_keys(text, json)?;
    parse_text(text, json).map_err(|error| match not_an_object(text, json) {
        Some(kind) => Error::at(
            "#",
            format!("the document is {kind}, not an OpenAPI object"),
        ),
        None => error,
    })
}

/// A key written twice in one object: the parsers would keep one of the two
/// nodes (or openapiv3 would panic), so the other would be lost unseen.
fn refuse_duplicate_keys(text: &str, json: bool) -> Result<()> {
    let found = match json {
        true => duplicates::find_duplicate(&mut serde_json::Deserializer::from_str(text)),
        false => duplicates::find_duplicate(serde_yaml::Deserializer::from_str(text)),
    };
    match found {
        Some(duplicate) => Err(Error::at(
            pointer(
                duplicate
                    .path
                    .iter()
                    .chain([&duplicate.key])
                    .map(String::as_str),
            ),
            "is written twice in one object; a parser would keep only one of the two",
        )),
        None => Ok(()),
    }
}

/// YAML's `.inf` and `.nan` are numbers no JSON value holds, and openapiv3
/// panics on them; refused at their pointer. Only a text that holds one of
/// their spellings is read twice, so Stripe's specs pay a scan, no parse.
fn refuse_non_finite_numbers(text: &str) -> Result<()> {
    const SPELLINGS: [&str; 6] = [".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"];
    if !SPELLINGS.iter().any(|spelling| text.contains(spelling)) {
        return Ok(());
    }
    let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(text) else {
        return Ok(()); // the parse proper reports the syntax error
    };
    let mut path = Vec::new();
    match non_finite_at(&value, &mut path) {
        true => Err(Error::at(
            pointer(path.iter().map(String::as_str)),
            "is not a finite number (`.inf` or `.nan`), which JSON cannot hold",
        )),
        false => Ok(()),
    }
}

/// Whether `value` holds a non-finite number; `path` then leads to it.
fn non_finite_at(value: &serde_yaml::Value, path: &mut Vec<String>) -> bool {
    use serde_yaml::Value;
    let mut descend = |key: String, child: &Value| {
        path.push(key);
        let found = non_finite_at(child, path);
        if !found {
            path.pop();
        }
        found
    };
    match value {
        Value::Number(number) => number.as_f64().is_some_and(|f| !f.is_finite()),
        Value::Sequence(items) => items
            .iter()
            .enumerate()
            .any(|(i, item)| descend(i.to_string(), item)),
        Value::Mapping(map) => map.iter().any(|(key, item)| {
            let key = key
                .as_str()
                .map_or_else(|| format!("{key:?}"), str::to_owned);
            descend(key, item)
        }),
        Value::Tagged(tagged) => non_finite_at(&tagged.value, path),
        _ => false,
    }
}

/// On failure only: what the document is, when it is not an object at all.
fn not_an_object(text: &str, json: bool) -> Option<&'static str> {
    let kind = |is_object: bool, is_list: bool| match (is_object, is_list) {
        (true, _) => None,
        (false, true) => Some("a list"),
        (false, false) => Some("a single value"),
    };
    if json {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        kind(value.is_object(), value.is_array())
    } else {
        let value: serde_yaml::Value = serde_yaml::from_str(text).ok()?;
        kind(value.is_mapping(), value.is_sequence())
    }
}

/// openapiv3 panics ("somehow this parsed successfully the second time")
/// on a node that fails to deserialize from the document but succeeds as
/// JSON. The one cause known, a key written twice, is refused before this
/// by [`refuse_duplicate_keys`]; any other is caught here and reported.
fn parse_text<T: DeserializeOwned>(text: &str, json: bool) -> Result<T> {
    let parse = std::panic::AssertUnwindSafe(|| parse_text_once(text, json));
    std::panic::catch_unwind(parse).unwrap_or_else(|_| {
        Err(Error::new(
            "the OpenAPI parser failed on a node it read differently as JSON",
        ))
    })
}

fn parse_text_once<T: DeserializeOwned>(text: &str, json: bool) -> Result<T> {
    if json {
        match serde_json::from_str(text) {
            Ok(value) => Ok(value),
            Err(error) if error.is_syntax() || error.is_eof() => Err(Error::new(format!(
                "invalid JSON at line {}, column {}: {error}",
                error.line(),
                error.column()
            ))),
            Err(_) => {
                let mut deserializer = serde_json::Deserializer::from_str(text);
                Err(path_error(
                    serde_path_to_error::deserialize::<_, T>(&mut deserializer).err(),
                ))
            }
        }
    } else {
        let invalid_yaml = |error: serde_yaml::Error| {
            Error::new(match error.location() {
                Some(at) => format!(
                    "invalid YAML at line {}, column {}: {error}",
                    at.line(),
                    at.column()
                ),
                None => format!("invalid YAML: {error}"),
            })
        };
        match serde_yaml::from_str(text) {
            Ok(value) => Ok(value),
            Err(first) => {
                // Broken YAML is not a wrong node, wherever the parse was.
                if let Err(syntax) = serde_yaml::from_str::<serde::de::IgnoredAny>(text) {
                    return Err(invalid_yaml(syntax));
                }
                let traced = serde_path_to_error::deserialize::<_, T>(
                    serde_yaml::Deserializer::from_str(text),
                );
                match traced {
                    Err(error)
                        if !error.path().to_string().is_empty()
                            && error.path().to_string() != "." =>
                    {
                        Err(path_error(Some(error)))
                    }
                    _ => Err(invalid_yaml(first)),
                }
            }
        }
    }
}

fn path_error<E: std::fmt::Display>(error: Option<serde_path_to_error::Error<E>>) -> Error {
    let Some(error) = error else {
        return Error::new("the document failed to parse, then parsed on a second reading");
    };
    let tokens: Vec<String> = error
        .path()
        .iter()
        .map(|segment| match segment {
            serde_path_to_error::Segment::Seq { index } => index.to_string(),
            serde_path_to_error::Segment::Map { key } => key.clone(),
            serde_path_to_error::Segment::Enum { variant } => variant.clone(),
            serde_path_to_error::Segment::Unknown => "?".to_owned(),
        })
        .collect();
    Error::at(
        pointer(tokens.iter().map(String::as_str)),
        format!("not a valid OpenAPI node: {}", error.inner()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str, text: &str) -> SourceDocument {
        SourceDocument {
            name: name.into(),
            text: text.into(),
            api_version: None,
        }
    }

    const BASE: &str = "openapi: 3.0.0\ninfo: {title: t, version: '2023-08-16'}\npaths: {}\ncomponents:\n  schemas:\n    a: {type: string}\n";

    #[test]
    fn merges_documents_and_remembers_origins() {
        let excerpt = doc(
            "excerpt.json",
            r#"{"paths": {"/v1/x": {}}, "components": {"schemas": {"b": {"type": "integer"}}}}"#,
        );
        let spec = Spec::parse(&[doc("base.yaml", BASE), excerpt]).unwrap();
        assert_eq!(spec.api_version, "2023-08-16");
        assert_eq!(spec.schemas().keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(
            spec.document_of("#/components/schemas/b/properties/x"),
            Some("excerpt.json")
        );
        assert_eq!(
            spec.document_of("#/components/schemas/a"),
            Some("base.yaml")
        );
        assert_eq!(
            spec.document_of("#/paths/~1v1~1x/get"),
            Some("excerpt.json")
        );
    }

    #[test]
    fn a_name_defined_twice_differently_names_both_files() {
        let other = doc(
            "other.yaml",
            "components:\n  schemas:\n    a: {type: integer}\n",
        );
        let error = Spec::parse(&[doc("base.yaml", BASE), other]).unwrap_err();
        assert_eq!(error.file.as_deref(), Some("other.yaml"));
        assert_eq!(error.pointer.as_deref(), Some("#/components/schemas/a"));
        assert!(
            error.message.contains("base.yaml") && error.message.contains("other.yaml"),
            "{error}"
        );
    }

    #[test]
    fn identical_duplicates_are_accepted() {
        let same = doc(
            "same.yaml",
            "components:\n  schemas:\n    a: {type: string}\n",
        );
        assert!(Spec::parse(&[doc("base.yaml", BASE), same]).is_ok());
    }

    #[test]
    fn broken_yaml_names_file_and_line() {
        let error =
            Spec::parse(&[doc("bad.yaml", "openapi: 3.0.0\ninfo: [unclosed\n")]).unwrap_err();
        assert_eq!(error.file.as_deref(), Some("bad.yaml"));
        assert!(error.message.contains("line"), "{error}");
    }

    #[test]
    fn broken_json_names_file_and_line() {
        let error = Spec::parse(&[doc("bad.json", "{\"openapi\": ")]).unwrap_err();
        assert_eq!(error.file.as_deref(), Some("bad.json"));
        assert!(error.message.contains("line 1"), "{error}");
    }

    #[test]
    fn a_node_of_the_wrong_shape_gets_its_pointer() {
        let text = "openapi: 3.0.0\ninfo: {title: t, version: v}\npaths: {}\ncomponents:\n  schemas:\n    a:\n      type: object\n      properties: 7\n";
        let error = Spec::parse(&[doc("shape.yaml", text)]).unwrap_err();
        assert_eq!(error.file.as_deref(), Some("shape.yaml"));
        assert!(
            error
                .pointer
                .as_deref()
                .unwrap()
                .starts_with("#/components/schemas/a"),
            "{error}"
        );
    }
}
