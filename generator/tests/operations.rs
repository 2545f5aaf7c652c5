//! The operation naming rule against the real spec: a golden table of
//! Stripe operations and their `group::method`, uniqueness over all of
//! them, and the errors of the rule's exceptions file.
//!
//! Reads the spec documents where `cargo xtask codegen` does.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use common::spec_dir;

use stripe_codegen::model::{Model, TypeKind};
use stripe_codegen::parse::manifest::Manifest;
use stripe_codegen::parse::policy::OperationOverrides as Overrides;
use stripe_codegen::{build_model, SourceDocument, Spec};

/// The manifest that names the documents `cargo xtask codegen` reads.
const MANIFEST: &str = include_str!("../../spec/stripe.toml");
const OVERRIDES: &str = include_str!("../../spec/operations.toml");

/// The generator's policy with only these operation overrides.
fn policy(operations: Overrides) -> stripe_codegen::parse::policy::Policy {
    stripe_codegen::parse::policy::Policy {
        operations,
        ..Default::default()
    }
}

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let manifest = Manifest::parse("spec/stripe.toml", MANIFEST).unwrap();
        let documents: Vec<SourceDocument> = manifest
            .documents
            .iter()
            .map(|document| {
                let path = spec_dir().join(&document.file);
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e} (set STRIPE_SPEC_DIR)", path.display()));
                SourceDocument {
                    name: document.file.clone(),
                    text,
                    api_version: Some(manifest.api_version_of(&document.file).to_owned()),
                }
            })
            .collect();
        let spec = Spec::parse(&documents).unwrap();
        let overrides = Overrides::parse("spec/operations.toml", OVERRIDES).unwrap();
        build_model(&spec, &policy(overrides)).unwrap()
    })
}

/// `METHOD path` -> `group::method`, the group by its `x-resourceId` (or
/// `unit:name` for a unit group).
fn names(model: &Model) -> BTreeMap<String, String> {
    model
        .operations
        .iter()
        .map(|op| {
            let group = model.get(op.group);
            let group = match (&group.resource_id, &group.kind) {
                (Some(resource_id), _) => resource_id.clone(),
                (None, TypeKind::Unit) => format!("unit:{}", group.wire_name),
                (None, _) => panic!(
                    "{} is grouped under a type that is no resource",
                    op.operation_id
                ),
            };
            (
                format!("{} {}", op.method, op.path),
                format!("{group}::{}", op.rust_name),
            )
        })
        .collect()
}

#[test]
fn golden_table_of_stripe_operation_names() {
    let table = [
        // Identity: what our users asked for.
        (
            "POST /v1/identity/verification_sessions",
            "identity.verification_session::create",
        ),
        (
            "GET /v1/identity/verification_sessions/{session}",
            "identity.verification_session::retrieve",
        ),
        (
            "POST /v1/identity/verification_sessions/{session}",
            "identity.verification_session::update",
        ),
        (
            "GET /v1/identity/verification_sessions",
            "identity.verification_session::list",
        ),
        (
            "POST /v1/identity/verification_sessions/{session}/cancel",
            "identity.verification_session::cancel",
        ),
        (
            "POST /v1/identity/verification_sessions/{session}/redact",
            "identity.verification_session::redact",
        ),
        (
            "GET /v1/identity/verification_reports/{report}",
            "identity.verification_report::retrieve",
        ),
        (
            "GET /v1/identity/verification_reports",
            "identity.verification_report::list",
        ),
        // Climate and forwarding (the 2026 excerpt).
        ("POST /v1/climate/orders", "climate.order::create"),
        ("GET /v1/climate/orders/{order}", "climate.order::retrieve"),
        ("POST /v1/climate/orders/{order}", "climate.order::update"),
        ("GET /v1/climate/orders", "climate.order::list"),
        (
            "POST /v1/climate/orders/{order}/cancel",
            "climate.order::cancel",
        ),
        (
            "GET /v1/climate/products/{product}",
            "climate.product::retrieve",
        ),
        ("GET /v1/climate/products", "climate.product::list"),
        (
            "GET /v1/climate/suppliers/{supplier}",
            "climate.supplier::retrieve",
        ),
        ("GET /v1/climate/suppliers", "climate.supplier::list"),
        ("POST /v1/forwarding/requests", "forwarding.request::create"),
        (
            "GET /v1/forwarding/requests/{id}",
            "forwarding.request::retrieve",
        ),
        ("GET /v1/forwarding/requests", "forwarding.request::list"),
        // Webhook endpoints.
        ("POST /v1/webhook_endpoints", "webhook_endpoint::create"),
        (
            "GET /v1/webhook_endpoints/{webhook_endpoint}",
            "webhook_endpoint::retrieve",
        ),
        (
            "POST /v1/webhook_endpoints/{webhook_endpoint}",
            "webhook_endpoint::update",
        ),
        ("GET /v1/webhook_endpoints", "webhook_endpoint::list"),
        (
            "DELETE /v1/webhook_endpoints/{webhook_endpoint}",
            "webhook_endpoint::delete",
        ),
        // Nested collections, as stripe-node names them.
        (
            "GET /v1/customers/{customer}/sources",
            "customer::list_sources",
        ),
        (
            "POST /v1/customers/{customer}/sources",
            "customer::create_source",
        ),
        (
            "GET /v1/customers/{customer}/sources/{id}",
            "customer::retrieve_source",
        ),
        (
            "POST /v1/customers/{customer}/sources/{id}",
            "customer::update_source",
        ),
        (
            "DELETE /v1/customers/{customer}/sources/{id}",
            "customer::delete_source",
        ),
        (
            "POST /v1/customers/{customer}/sources/{id}/verify",
            "customer::verify_source",
        ),
        (
            "GET /v1/accounts/{account}/persons",
            "account::list_persons",
        ),
        (
            "GET /v1/accounts/{account}/capabilities/{capability}",
            "account::retrieve_capability",
        ),
        (
            "POST /v1/accounts/{account}/login_links",
            "account::create_login_link",
        ),
        (
            "POST /v1/charges/{charge}/dispute/close",
            "charge::close_dispute",
        ),
        (
            "DELETE /v1/customers/{customer}/discount",
            "customer::delete_discount",
        ),
        (
            "POST /v1/customers/{customer}/cash_balance",
            "customer::update_cash_balance",
        ),
        (
            "GET /v1/transfers/{id}/reversals",
            "transfer::list_reversals",
        ),
        // Searches, actions, singletons, namespaces.
        ("GET /v1/customers/search", "customer::search"),
        (
            "POST /v1/payment_intents/{intent}/confirm",
            "payment_intent::confirm",
        ),
        (
            "POST /v1/payment_intents/{intent}/capture",
            "payment_intent::capture",
        ),
        (
            "POST /v1/invoices/{invoice}/mark_uncollectible",
            "invoice::mark_uncollectible",
        ),
        ("GET /v1/invoices/upcoming", "invoice::retrieve_upcoming"),
        ("GET /v1/balance", "balance::retrieve"),
        ("POST /v1/tax/settings", "tax.settings::update"),
        (
            "POST /v1/tax/transactions/create_from_calculation",
            "tax.transaction::create_from_calculation",
        ),
        (
            "POST /v1/terminal/readers/{reader}/process_payment_intent",
            "terminal.reader::process_payment_intent",
        ),
        ("GET /v1/apple_pay/domains", "apple_pay_domain::list"),
        (
            "GET /v1/sigma/scheduled_query_runs",
            "scheduled_query_run::list",
        ),
        (
            "POST /v1/test_helpers/test_clocks/{test_clock}/advance",
            "test_helpers.test_clock::advance",
        ),
        (
            "POST /v1/test_helpers/refunds/{refund}/expire",
            "refund::test_helpers_expire",
        ),
        ("POST /v1/files", "file::create"),
        ("GET /v1/linked_accounts", "unit:linked_account::list"),
        // Crypto Onramp, named as the preview spec's `x-stripeOperations` (which
        // Stripe's SDKs are generated from) name them.
        (
            "GET /v1/crypto/onramp_sessions",
            "crypto.onramp_session::list",
        ),
        (
            "POST /v1/crypto/onramp_sessions",
            "crypto.onramp_session::create",
        ),
        (
            "GET /v1/crypto/onramp_sessions/{id}",
            "crypto.onramp_session::retrieve",
        ),
        (
            "POST /v1/crypto/onramp_sessions/{id}/checkout",
            "crypto.onramp_session::checkout",
        ),
        (
            "POST /v1/crypto/onramp_sessions/{id}/quote",
            "crypto.onramp_session::quote",
        ),
        (
            "GET /v1/crypto/onramp_quotes",
            "crypto.onramp_quotes::retrieve",
        ),
        (
            "GET /v1/crypto/onramp_transaction_limits",
            "crypto.onramp_transaction_limits::retrieve",
        ),
        // Overrides (spec/operations.toml).
        ("GET /v1/account", "account::retrieve_current"),
        (
            "GET /v1/balance/history",
            "balance_transaction::list_history",
        ),
        (
            "POST /v1/payment_intents/{intent}/verify_microdeposits",
            "payment_intent::verify_microdeposits",
        ),
        (
            "DELETE /v1/subscriptions/{subscription_exposed_id}",
            "subscription::cancel",
        ),
    ];
    let names = names(model());
    let mut wrong = Vec::new();
    for (operation, expected) in table {
        let actual = names
            .get(operation)
            .map(String::as_str)
            .unwrap_or("<missing>");
        if actual != expected {
            wrong.push(format!("{operation}: expected {expected}, got {actual}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_operation_has_a_unique_name_in_its_group() {
    let model = model();
    // 468 of spec3.2023-08-16, 12 Climate and Forwarding, 7 Crypto Onramp,
    // 17 of v2.
    assert_eq!(model.operations.len(), 504);
    assert!(model.skipped_operations.is_empty());
    let pdf = model
        .operations
        .iter()
        .find(|op| op.operation_id == "GetQuotesQuotePdf")
        .unwrap();
    assert_eq!(pdf.response, stripe_codegen::model::TypeRef::RawBody);
    let mut seen = BTreeSet::new();
    for op in &model.operations {
        assert!(
            seen.insert((op.group, op.rust_name.clone())),
            "{} is not unique in its group",
            op.operation_id
        );
    }
}

#[test]
fn operations_use_the_runtime_shapes() {
    let model = model();
    let by_id = |id: &str| {
        model
            .operations
            .iter()
            .find(|op| op.operation_id == id)
            .unwrap()
    };
    let files = by_id("PostFiles");
    assert_eq!(files.body, stripe_codegen::model::BodyKind::Multipart);
    let redact = by_id("PostIdentityVerificationSessionsSessionRedact");
    assert_eq!(
        redact
            .path_params
            .iter()
            .map(|p| p.wire_name.as_str())
            .collect::<Vec<_>>(),
        ["session"]
    );
    assert_eq!(
        redact.pointer,
        "#/paths/~1v1~1identity~1verification_sessions~1{session}~1redact/post"
    );
    assert_eq!(
        model.get(redact.params).rust_name,
        "RedactVerificationSessionParams"
    );
    let list = by_id("GetCustomers");
    assert_eq!(list.pagination, stripe_codegen::model::Pagination::List);
    assert_eq!(
        by_id("GetCustomersSearch").pagination,
        stripe_codegen::model::Pagination::Search
    );
    let create = by_id("PostCustomers");
    assert_eq!(model.get(create.params).rust_name, "CreateCustomerParams");
    assert_eq!(model.get(create.params).module, ["resources", "customer"]);
}

const TINY: &str = r#"
openapi: 3.0.0
info: {title: t, version: '2023-08-16'}
paths:
  /v1/customers/{customer}:
    get:
      operationId: GetCustomersCustomer
      parameters: [{name: customer, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/customer'}}}}}
  /v1/customers/{id}:
    get:
      operationId: GetCustomersId
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/customer'}}}}}
components:
  schemas:
    customer:
      type: object
      x-resourceId: customer
      properties: {id: {type: string}, object: {type: string, enum: [customer]}}
"#;

fn tiny() -> Spec {
    common::spec_of("tiny.yaml", TINY)
}

#[test]
fn a_name_collision_names_both_operations_and_the_fix() {
    let error = build_model(&tiny(), &policy(Overrides::default())).unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with("tiny.yaml#/paths/~1v1~1customers~1{id}/get: GetCustomersId"),
        "{text}"
    );
    assert!(
        text.contains("#/paths/~1v1~1customers~1{customer}/get")
            && text.contains("customer::retrieve"),
        "{text}"
    );
    assert!(text.contains("spec/operations.toml"), "{text}");

    let overrides = Overrides::parse(
        "o.toml",
        "[overrides.GetCustomersId]\nname = \"retrieve_by_id\"\n",
    )
    .unwrap();
    let model = build_model(&tiny(), &policy(overrides)).unwrap();
    let names: Vec<&str> = model
        .operations
        .iter()
        .map(|op| op.rust_name.as_str())
        .collect();
    assert_eq!(names, ["retrieve", "retrieve_by_id"]);
}

#[test]
fn bad_overrides_are_errors() {
    let unknown = Overrides::parse(
        "o.toml",
        "[overrides.GetCustomersId]\nname = \"retrieve_by_id\"\n[overrides.NoSuchOperation]\nname = \"x\"\n",
    )
    .unwrap();
    let error = build_model(&tiny(), &policy(unknown)).unwrap_err();
    assert!(error.to_string().contains("NoSuchOperation"), "{error}");

    let error =
        Overrides::parse("o.toml", "[overrides.GetCustomersId]\nnmae = \"x\"\n").unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("o.toml: invalid operation overrides"),
        "{error}"
    );

    // A name that is not what naming would make of it: refused when the
    // model is built (the parse step knows no Rust names).
    for bad in ["Retrieve", "type"] {
        let overrides = Overrides::parse(
            "o.toml",
            &format!("[overrides.GetCustomersId]\nname = \"{bad}\"\n"),
        )
        .unwrap();
        let error = build_model(&tiny(), &policy(overrides)).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("o.toml: [overrides.GetCustomersId] name")
                && error.to_string().contains("snake_case"),
            "{error}"
        );
    }

    let group = Overrides::parse(
        "o.toml",
        "[overrides.GetCustomersId]\ngroup = \"nope\"\nname = \"x\"\n",
    )
    .unwrap();
    let error = build_model(&tiny(), &policy(group)).unwrap_err();
    assert!(error.to_string().contains("`nope`"), "{error}");
}

#[test]
fn generation_is_deterministic_and_renders_functions() {
    let config = stripe_codegen::Config {
        source_label: "tiny.yaml".into(),
        policy: policy(
            Overrides::parse(
                "o.toml",
                "[overrides.GetCustomersId]\nname = \"retrieve_by_id\"\n",
            )
            .unwrap(),
        ),
        crates: Default::default(),
    };
    let first = stripe_codegen::generate(&tiny(), &config).unwrap().files;
    let second = stripe_codegen::generate(&tiny(), &config).unwrap().files;
    assert_eq!(first, second);
    let customer = &first[std::path::Path::new("api/src/resources/customer.rs")];
    assert!(customer.contains("impl Customer {"), "{customer}");
    assert!(
        customer.contains("/// `GET /v1/customers/{id}`"),
        "{customer}"
    );
    assert!(
        customer.contains("pub fn retrieve_by_id<'id, C: stripe_core::StripeClient>("),
        "{customer}"
    );
    // `{id}` retrieves a customer: it takes a customer's id, or any text.
    assert!(
        customer.contains("id: impl Into<stripe_core::IdRef<'id, crate::ids::kinds::Customer>>"),
        "{customer}"
    );
    assert!(customer.contains("stripe_core::path_id(id)"), "{customer}");
}

#[test]
fn every_list_operation_gets_auto_paging() {
    let model = model();
    let missing: Vec<&str> = model
        .operations
        .iter()
        .filter(|op| op.pagination == stripe_codegen::model::Pagination::List)
        .filter(|op| !stripe_codegen::model::implements_object(model, op.page_item().unwrap()))
        .map(|op| op.operation_id.as_str())
        .collect();
    // Cursor pagination needs an id on every item (`stripe_runtime::Object`).
    assert!(missing.is_empty(), "list items without an id: {missing:?}");
    let searches = model
        .operations
        .iter()
        .filter(|op| op.pagination == stripe_codegen::model::Pagination::Search)
        .count();
    let lists = model
        .operations
        .iter()
        .filter(|op| op.pagination == stripe_codegen::model::Pagination::List)
        .count();
    assert_eq!((lists, searches), (107, 7));
}

#[test]
fn every_component_schema_and_resource_becomes_a_type() {
    let model = model();
    // 819 schemas in spec3.2023-08-16.yaml, 12 in the Climate and Forwarding
    // excerpt, 6 in the Crypto Onramp excerpt, 3 in the quotes document and
    // the 7 of the v2 excerpt that are not `v2.error.*` error shapes.
    assert_eq!(model.components.len(), 847);
    assert_eq!(
        model.resources().count(),
        144,
        "every x-resourceId, 131 + climate.*, forwarding.request and crypto.*, and the 6 v2 resources"
    );
    for (name, id) in &model.components {
        let def = model.get(*id);
        assert_eq!(&def.wire_name, name);
        assert!(!def.module.is_empty(), "{name} is placed in a module");
    }
    // Inline objects and enums become types of their own, named after their parent.
    let inline = model.types.len() - model.components.len();
    assert!(inline > 1000, "only {inline} inline types");
    let status = model
        .types
        .iter()
        .find(|t| t.wire_name == "identity.verification_session.status")
        .unwrap();
    assert_eq!(status.rust_name, "VerificationSessionStatus");
    assert!(matches!(status.kind, TypeKind::Enum(_)));
}

/// No type of the default input is told apart by a number (`Card2`): the
/// naming rules say what differs (a union named like one of its members, two
/// operations that inline the same object) and numbering is the last resort.
#[test]
fn no_type_of_the_default_input_is_numbered() {
    let numbered: Vec<&str> = model()
        .types
        .iter()
        .map(|t| t.rust_name.as_str())
        .filter(|name| {
            let mut chars = name.chars().rev();
            chars.next().is_some_and(|c| c.is_ascii_digit())
                && chars
                    .find(|c| !c.is_ascii_digit())
                    .is_some_and(|c| c.is_ascii_lowercase())
        })
        .collect();
    assert!(numbered.is_empty(), "numbered type names: {numbered:?}");
}

/// `update` and `update_features` of a financial account inline the same
/// `features` objects: one Rust type serves both.
#[test]
fn operations_that_inline_the_same_object_share_its_type() {
    let model = model();
    let params_of = |path: &str, method: &str| {
        let operation = model
            .operations
            .iter()
            .find(|o| o.path == path && o.method == method)
            .unwrap_or_else(|| panic!("{method} {path}"));
        let TypeKind::Struct(body) = &model.get(operation.params).kind else {
            panic!("params of {path} is not a struct")
        };
        body.fields.clone()
    };
    let field_type = |fields: &[stripe_codegen::model::Field], name: &str| {
        fields
            .iter()
            .find(|f| f.wire_name == name)
            .map(|f| f.ty.clone())
            .unwrap()
    };
    let features = params_of(
        "/v1/treasury/financial_accounts/{financial_account}/features",
        "POST",
    );
    let update = params_of(
        "/v1/treasury/financial_accounts/{financial_account}",
        "POST",
    );
    let stripe_codegen::model::TypeRef::Named(nested) = field_type(&update, "features") else {
        panic!("features is an object")
    };
    let TypeKind::Struct(nested) = &model.get(nested).kind else {
        panic!()
    };
    assert_eq!(
        field_type(&nested.fields, "card_issuing"),
        field_type(&features, "card_issuing")
    );
}
