//! Documents that are not what the generator reads are refused with the
//! file and the JSON pointer of the reason, not generated into an empty or
//! wrong crate; a byte-order mark and escaped `$ref`s are read as they mean.

use stripe_codegen::{build_model, SourceDocument, Spec};

fn parse(name: &str, text: &str) -> Result<Spec, String> {
    Spec::parse(&[SourceDocument { name: name.into(), text: text.into() }]).map_err(|e| e.to_string())
}

const VALID: &str = "openapi: 3.0.0
info: {title: t, version: '2024-01-01'}
paths: {}
components:
  schemas:
    a/b: {type: object, properties: {x: {type: string}}}
    holder:
      type: object
      properties:
        slash: {$ref: '#/components/schemas/a~1b'}
";

#[test]
fn other_document_kinds_are_refused_by_name() {
    let cases = [
        ("swagger.yaml", "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n", "swagger.yaml#/swagger: a Swagger \"2.0\" document"),
        ("banana.yaml", "openapi: banana\ninfo: {title: t, version: '1'}\npaths: {}\n", "banana.yaml#/openapi: `openapi: banana`"),
        ("v31.json", r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#, "v31.json#/openapi: `openapi: 3.1.0`"),
        ("empty-version.yaml", "openapi: 3.0.0\ninfo: {title: t, version: ''}\npaths: {}\n", "empty-version.yaml#/info/version: is empty"),
        ("scalar.yaml", "just a string\n", "scalar.yaml#: the document is a single value, not an OpenAPI object"),
        ("list.yaml", "- openapi: 3.0.0\n- paths: {}\n", "list.yaml#: the document is a list, not an OpenAPI object"),
        ("list.json", "[1, 2]", "list.json#: the document is a list"),
    ];
    for (name, text, expected) in cases {
        let error = parse(name, text).map(|_| ()).unwrap_err();
        assert!(error.starts_with(expected), "{name}: {error}");
    }
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_document() {
    for (name, text) in [("bom.yaml", format!("\u{feff}{VALID}")), ("bom.json", format!("\u{feff}{{\"openapi\": \"3.0.0\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \"paths\": {{}}}}"))] {
        let spec = parse(name, &text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!spec.api_version.is_empty());
    }
}

#[test]
fn escaped_refs_point_at_the_schema_they_name() {
    let spec = parse("escaped.yaml", VALID).unwrap();
    let model = build_model(&spec, &Default::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(model.components.contains_key("a/b"));
}
