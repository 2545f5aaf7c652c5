//! Documents that are not what the generator reads are refused with the
//! file and the JSON pointer of the reason, not generated into an empty or
//! wrong crate; a byte-order mark and escaped `$ref`s are read as they mean.

use stripe_codegen::{build_model, SourceDocument, Spec};

fn parse(name: &str, text: &str) -> Result<Spec, String> {
    Spec::parse(&[SourceDocument {
        name: name.into(),
        text: text.into(),
        api_version: None,
    }])
    .map_err(|e| e.to_string())
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
        (
            "swagger.yaml",
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "swagger.yaml#/swagger: a Swagger \"2.0\" document",
        ),
        (
            "banana.yaml",
            "openapi: banana\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "banana.yaml#/openapi: `openapi: banana`",
        ),
        (
            "v31.json",
            r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#,
            "v31.json#/openapi: `openapi: 3.1.0`",
        ),
        (
            "empty-version.yaml",
            "openapi: 3.0.0\ninfo: {title: t, version: ''}\npaths: {}\n",
            "empty-version.yaml#/info/version: is empty",
        ),
        (
            "scalar.yaml",
            "just a string\n",
            "scalar.yaml#: the document is a single value, not an OpenAPI object",
        ),
        (
            "list.yaml",
            "- openapi: 3.0.0\n- paths: {}\n",
            "list.yaml#: the document is a list, not an OpenAPI object",
        ),
        ("list.json", "[1, 2]", "list.json#: the document is a list"),
    ];
    for (name, text, expected) in cases {
        let error = parse(name, text).map(|_| ()).unwrap_err();
        assert!(error.starts_with(expected), "{name}: {error}");
    }
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_document() {
    for (name, text) in [("bom.yaml", format!("\u{feff}{VALID}")), ("bom.json", "\u{feff}{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}}".to_owned())] {
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

#[test]
fn an_unknown_type_is_an_error_at_its_pointer() {
    let spec = parse(
        "typo.yaml",
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    thing: {type: object, properties: {name: {type: strin}}}\n",
    )
    .unwrap();
    let error = build_model(&spec, &Default::default())
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("typo.yaml#/components/schemas/thing/properties/name/type: `strin` is not an OpenAPI type"), "{error}");
}

#[test]
fn path_parameters_never_take_the_functions_own_argument_names_or_each_others() {
    let text = "openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  /v1/things/{client}/{params}/{fooBar}/{foo_bar}:
    get:
      operationId: GetThing
      parameters:
        - {name: client, in: path, required: true, schema: {type: string}}
        - {name: params, in: path, required: true, schema: {type: string}}
        - {name: fooBar, in: path, required: true, schema: {type: string}}
        - {name: foo_bar, in: path, required: true, schema: {type: string}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/thing'}}}}
components:
  schemas:
    thing: {type: object, x-resourceId: thing, properties: {id: {type: string}}}
";
    let spec = parse("args.yaml", text).unwrap();
    let model = build_model(&spec, &Default::default()).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = model.operations[0]
        .path_params
        .iter()
        .map(|p| p.rust_name.as_str())
        .collect();
    assert_eq!(names, ["client_", "params_", "foo_bar", "foo_bar2"]);
    // And the function they make compiles as Rust.
    let config = stripe_codegen::Config {
        source_label: "args.yaml".into(),
        policy: Default::default(),
        crates: Default::default(),
    };
    let files = stripe_codegen::generate(&spec, &config).unwrap().files;
    let thing = files
        .iter()
        .find(|(p, _)| p.ends_with("thing.rs") && p.starts_with("api"))
        .expect("thing.rs")
        .1;
    let file = syn::parse_file(thing).unwrap();
    let text = quote::ToTokens::to_token_stream(&file).to_string();
    assert!(
        text.contains("(client : & C , client_ : & str , params_ : & str , foo_bar : & str , foo_bar2 : & str , params : & crate :: RetrieveThingParams ,)"),
        "{text}"
    );
}
