//! One small spec pair per diff rule, under `tests/diff/<rule>.yaml`: each
//! file holds `old`, `new` and the rules the pair must trigger (`expect`),
//! and nothing else may fire. Also: every rule has its file, the rules table
//! in `docs/diff.md` matches the code, and the renderers and `--fail-on`
//! threshold behave.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use stripe_codegen::diff::render::{self, Format};
use stripe_codegen::diff::{self, Kind, Report, Severity};
use stripe_codegen::model::{
    ApiMode, BodyKind, Model, Operation, Pagination, Param, Struct, TypeDef, TypeId, TypeKind,
    TypeRef, Usage,
};
use stripe_codegen::{SourceDocument, Spec};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff")
}

struct Fixture {
    old: Spec,
    new: Spec,
    expect: BTreeSet<String>,
}

fn load(rule: &str) -> Fixture {
    let path = fixtures_dir().join(format!("{rule}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let side = |key: &str| {
        let document = SourceDocument {
            name: format!("{rule}.yaml#{key}"),
            text: serde_yaml::to_string(&value[key]).unwrap(),
            api_version: None,
        };
        Spec::parse(&[document]).unwrap_or_else(|e| panic!("{rule}: {e}"))
    };
    let expect = value["expect"]
        .as_sequence()
        .unwrap_or_else(|| panic!("{rule}: no `expect` list"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    Fixture {
        old: side("old"),
        new: side("new"),
        expect,
    }
}

fn model(spec: &Spec) -> Model {
    stripe_codegen::build_model(spec, &Default::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn report(fixture: &Fixture) -> Report {
    diff::diff(
        &fixture.old,
        &fixture.new,
        &model(&fixture.old),
        &model(&fixture.new),
    )
}

fn check(rule: &str) {
    let fixture = load(rule);
    let report = report(&fixture);
    let fired: BTreeSet<String> = report
        .changes
        .iter()
        .map(|c| c.kind.id().to_owned())
        .collect();
    assert_eq!(
        fired,
        fixture.expect,
        "{rule}: rules fired vs expected\n{}",
        render::text(&report)
    );
    let change = report.changes.iter().find(|c| c.kind.id() == rule).unwrap();
    assert_eq!(change.severity, change.kind.severity());
    assert!(
        change.location.pointer.starts_with("#/"),
        "{rule}: {:?}",
        change.location
    );
}

/// Each fixture fires exactly its expected rules, and every rule is expected
/// by some fixture (the Rust rules mostly ride along with spec rules:
/// `schema-added` also adds a Rust type, `operation-added` a method).
#[test]
fn every_rule_has_a_fixture_that_triggers_it() {
    let mut failures = Vec::new();
    let mut covered = BTreeSet::new();
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        let rule = path.file_stem().unwrap().to_str().unwrap().to_owned();
        covered.extend(load(&rule).expect);
        if let Err(panic) = std::panic::catch_unwind(|| check(&rule)) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(message);
        }
    }
    for kind in Kind::ALL {
        if !covered.contains(kind.id()) {
            failures.push(format!(
                "{}: no fixture under tests/diff/ expects it",
                kind.id()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_fixture_names_a_rule() {
    let ids: BTreeSet<&str> = Kind::ALL.iter().map(|k| k.id()).collect();
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
        assert!(
            ids.contains(stem.as_str()),
            "{}: not a rule id",
            path.display()
        );
    }
}

#[test]
fn operations_carry_method_and_path() {
    let fixture = load("operation-removed");
    let report = report(&fixture);
    let change = report.of_kind(Kind::OperationRemoved).next().unwrap();
    assert_eq!(change.location.operation.as_deref(), Some("GET /v1/other"));
    assert_eq!(change.location.pointer, "#/paths/~1v1~1other/get");
    assert_eq!(change.severity, Severity::Breaking);
}

#[test]
fn nested_request_properties_are_named_by_path() {
    let report = report(&load("request-property-removed"));
    let change = report.of_kind(Kind::RequestPropertyRemoved).next().unwrap();
    assert_eq!(
        change.location.operation.as_deref(),
        Some("POST /v1/things")
    );
    assert!(change.message.contains("`a.y`"), "{}", change.message);
    assert!(
        change.location.pointer.ends_with("/requestBody/content/application~1x-www-form-urlencoded/schema/properties/a/properties/y"),
        "{}",
        change.location.pointer
    );
}

#[test]
fn response_enum_additions_are_info_because_enums_are_open() {
    let report = report(&load("response-enum-value-added"));
    assert!(
        report.changes.iter().all(|c| c.severity == Severity::Info),
        "{}",
        render::text(&report)
    );
    assert!(Kind::ResponseEnumValueAdded
        .rationale()
        .contains("Unknown(String)"));
}

#[test]
fn identical_specs_have_no_changes() {
    let fixture = load("schema-added");
    let report = diff::diff(
        &fixture.new,
        &fixture.new,
        &model(&fixture.new),
        &model(&fixture.new),
    );
    assert!(report.changes.is_empty(), "{}", render::text(&report));
}

#[test]
fn fail_on_thresholds() {
    let breaking = report(&load("operation-removed"));
    assert!(breaking.fails(Severity::Breaking) && breaking.fails(Severity::Warning));
    let warning = report(&load("operation-deprecated"));
    assert!(!warning.fails(Severity::Breaking) && warning.fails(Severity::Warning));
    let info = report(&load("operation-added"));
    assert!(!info.fails(Severity::Breaking) && !info.fails(Severity::Warning));
}

#[test]
fn json_has_the_documented_shape() {
    let report = report(&load("request-enum-value-removed"));
    let json: serde_json::Value =
        serde_json::from_str(&render::render(&report, Format::Json)).unwrap();
    assert_eq!(json["old"]["api_version"], "v");
    // The spec change, and the Rust variant it removes.
    assert_eq!(json["summary"]["breaking"], 2);
    let change = &json["changes"][0];
    assert_eq!(change["kind"], "request-enum-value-removed");
    assert_eq!(change["severity"], "breaking");
    assert_eq!(change["layer"], "spec");
    assert_eq!(change["location"]["operation"], "GET /v1/things");
    assert_eq!(
        change["location"]["pointer"],
        "#/paths/~1v1~1things/get/parameters/0/schema"
    );
    assert!(change["location"]["rust"].is_null());
    assert!(change["message"].as_str().unwrap().contains("`void`"));
}

#[test]
fn markdown_has_a_summary_and_folds_info() {
    let fixture = load("response-property-removed");
    let markdown = render::markdown(&report(&fixture));
    assert!(
        markdown.contains("| severity | spec | generated Rust |"),
        "{markdown}"
    );
    assert!(markdown.contains("### 🔴 Breaking (spec, 1)"), "{markdown}");
    let info = render::markdown(&report(&load("operation-added")));
    assert!(
        info.contains("<details><summary>🟢 Info (spec, 1)</summary>"),
        "{info}"
    );
}

#[test]
fn the_rules_table_in_docs_matches_the_code() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/diff.md");
    let text = std::fs::read_to_string(&docs).unwrap();
    assert!(
        text.contains(&Kind::rules_markdown()),
        "docs/diff.md does not contain the rules table; paste this in:\n\n{}",
        Kind::rules_markdown()
    );
}

/// A method's signature is what callers write: path parameters (`&str`),
/// `params: &Params` (every operation has one), and the response
/// type; a list operation whose items have ids also has `_auto_paging`.
#[test]
fn list_operations_bring_their_auto_paging_function() {
    let report = report(&load("rust-function-added"));
    let added: Vec<&str> = report
        .of_kind(Kind::RustFunctionAdded)
        .map(|c| c.message.as_str())
        .collect();
    assert_eq!(
        added,
        [
            "method `Thing::list(params: &ListThingParams) -> List<Thing>` added",
            "method `Thing::list_auto_paging(params: &ListThingParams) -> Stream<Thing>` added",
        ],
        "{}",
        render::text(&report)
    );
    let change = report.of_kind(Kind::RustFunctionAdded).next().unwrap();
    assert_eq!(change.location.operation.as_deref(), Some("GET /v1/things"));
    assert_eq!(change.location.rust.as_deref(), Some("Thing::list"));

    let report = report_of("rust-function-signature-changed");
    let changed = report
        .of_kind(Kind::RustFunctionSignatureChanged)
        .next()
        .unwrap();
    assert_eq!(
        changed.message,
        // Its path no longer retrieves a `Thing`: `{thing}` is no longer a
        // `ThingId` but any string.
        "method `Thing::retrieve` changed from `retrieve(thing: impl Into<IdRef<ThingId>>, params: &RetrieveThingParams) -> Thing` to `retrieve(thing: &str, params: &RetrieveThingParams) -> Widget`"
    );
}

fn report_of(rule: &str) -> Report {
    report(&load(rule))
}

/// A request struct is built with `new(required...)`, or with
/// `Default::default()` when nothing is required: a property that became
/// required changes how callers build it.
#[test]
fn required_request_fields_change_the_constructor() {
    let report = report_of("request-property-became-required");
    let change = report
        .of_kind(Kind::RustFunctionSignatureChanged)
        .next()
        .unwrap();
    assert_eq!(
        change.message,
        "constructor of `CreateThingParams` changed from `Default::default()` to `new(a: impl Into<String>)`"
    );
    assert_eq!(
        change.location.rust.as_deref(),
        Some("CreateThingParams::new")
    );
    // The method itself still takes `params: &CreateThingParams`.
    assert_eq!(report.changes.len(), 3, "{}", render::text(&report));
}

/// A type that moves between files (from a resource's file to `shared.rs`,
/// once a second resource uses it) keeps its public path: nothing changes
/// for fields or methods that name it.
#[test]
fn types_are_compared_by_public_path() {
    let report = report_of("field-became-expandable");
    assert!(
        report
            .changes
            .iter()
            .all(|c| !matches!(c.kind, Kind::RustTypeAdded | Kind::RustTypeRemoved)),
        "{}",
        render::text(&report)
    );
    let change = report.of_kind(Kind::RustFieldTypeChanged).next().unwrap();
    assert_eq!(change.location.rust.as_deref(), Some("Thing.customer"));
}

/// The function rules on hand-made operations over a fixture's model.
#[test]
fn functions_added_removed_and_changed() {
    let fixture = load("schema-added");
    let mut old_model = model(&fixture.old);
    let group = old_model.components["thing"];
    let params = empty_params(&mut old_model);
    let operation = |name: &str, response: TypeRef| Operation {
        operation_id: format!("Get{name}"),
        method: "GET".into(),
        path: format!("/v1/things/{{{name}}}"),
        mode: ApiMode::V1,
        api_version: "2023-08-16".into(),
        server: None,
        error_codes: None,
        pointer: format!("#/paths/~1v1~1things~1{{{name}}}/get"),
        doc: None,
        summary: None,
        deprecated: false,
        group,
        rust_name: name.into(),
        cli: Default::default(),
        path_params: vec![Param {
            wire_name: "id".into(),
            rust_name: "id".into(),
            doc: None,
            ty: TypeRef::String,
        }],
        params,
        params_required: false,
        body: BodyKind::None,
        response,
        pagination: Pagination::None,
    };
    let mut old = old_model.clone();
    old.operations = vec![
        operation("retrieve", TypeRef::Named(group)),
        operation("remove", TypeRef::Named(group)),
    ];
    let mut new = old_model;
    new.operations = vec![
        operation("retrieve", TypeRef::Json),
        operation("fetch", TypeRef::Named(group)),
    ];
    let report = diff::diff(&fixture.old, &fixture.old, &old, &new);
    let kinds: Vec<Kind> = report.changes.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            Kind::RustFunctionRemoved,
            Kind::RustFunctionSignatureChanged,
            Kind::RustFunctionAdded
        ],
        "{}",
        render::text(&report)
    );
    let changed = report
        .of_kind(Kind::RustFunctionSignatureChanged)
        .next()
        .unwrap();
    assert_eq!(
        changed.message,
        "method `Thing::retrieve` changed from `retrieve(id: &str, params: &GetThingParams) -> Thing` to `retrieve(id: &str, params: &GetThingParams) -> serde_json::Value`"
    );
    assert_eq!(
        changed.location.operation.as_deref(),
        Some("GET /v1/things/{retrieve}")
    );
}

/// An empty params struct, as every operation without parameters has.
fn empty_params(model: &mut Model) -> TypeId {
    model.types.push(TypeDef {
        wire_name: "GetThing.params".into(),
        pointer: "#/paths/~1v1~1things/get".into(),
        rust_name: "GetThingParams".into(),
        module: Vec::new(),
        doc: None,
        resource_id: None,
        kind: TypeKind::Struct(Struct {
            usage: Usage::Request,
            ..Struct::default()
        }),
    });
    model.codecs.push(Default::default());
    model.shared_enums.push(None);
    TypeId(model.types.len() - 1)
}

/// v2 operations are diffed as v1's are: a JSON body's fields classified
/// as a form's, an operation added on a v2 path, and both in the Rust API.
#[test]
fn v2_json_bodies_and_operations_are_diffed_like_v1s() {
    let spec = |extra_path: &str, body_properties: &str| {
        let text = format!(
            "openapi: 3.0.0
info: {{title: v2, version: '2026-09-30.endive'}}
paths:
  /v2/core/widgets:
    post:
      operationId: PostV2CoreWidgets
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties: {{{body_properties}}}
      responses:
        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/v2.core.widget'}}}}}}}}
{extra_path}components:
  schemas:
    v2.core.widget:
      type: object
      required: [id, object]
      properties:
        id: {{type: string}}
        object: {{type: string, enum: [v2.core.widget]}}
"
        );
        let document = SourceDocument {
            name: "v2.yaml".into(),
            text,
            api_version: None,
        };
        Spec::parse(&[document]).unwrap_or_else(|e| panic!("{e}"))
    };
    let old = spec("", "name: {type: string}, color: {type: string}");
    let retrieve = "  /v2/core/widgets/{id}:
    get:
      operationId: GetV2CoreWidgetsId
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/v2.core.widget'}}}}
";
    let new = spec(retrieve, "name: {type: string}, size: {type: integer}");
    let report = diff::diff(&old, &new, &model(&old), &model(&new));
    let fired: BTreeSet<(&str, String)> = report
        .changes
        .iter()
        .map(|c| (c.kind.id(), c.location.pointer.clone()))
        .collect();
    let body = "#/paths/~1v2~1core~1widgets/post/requestBody/content/application~1json/schema";
    for expected in [
        (
            "request-property-removed",
            format!("{body}/properties/color"),
        ),
        ("request-property-added", format!("{body}/properties/size")),
        (
            "operation-added",
            "#/paths/~1v2~1core~1widgets~1{id}/get".to_owned(),
        ),
    ] {
        assert!(
            fired.contains(&(expected.0, expected.1.clone())),
            "{expected:?} not among:\n{}",
            render::text(&report)
        );
    }
    let text = render::text(&report);
    assert!(text.contains("v2::core::Widget::retrieve"), "{text}");
    assert!(
        report.fails(Severity::Breaking),
        "a removed body field breaks"
    );
}
