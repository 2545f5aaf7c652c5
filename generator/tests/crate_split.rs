//! The base crate: the units that need each other (and what they need) go
//! to `stripe-api-base`, below `stripe-api`, which holds the rest and
//! `Resource`; nothing in the base crate refers to the crate above it.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use stripe_codegen::emit::CrateLayout;
use stripe_codegen::model::features::in_base;
use stripe_codegen::model::Model;
use stripe_codegen::parse::policy::Policy;
use stripe_codegen::{build_model, generate, Config, Spec};

/// customer <-> charge need each other; customer's endpoints return
/// customer_balance_transaction; invoice and checkout.session need the
/// pair and nothing needs them; address is shared by customer and
/// checkout.session; webhook endpoints return events.
const SPEC: &str = "
openapi: 3.0.0
info: {title: split, version: '2024-01-01'}
paths:
  /v1/customers/{customer}:
    get:
      operationId: GetCustomersCustomer
      parameters: [{name: customer, in: path, required: true, schema: {type: string}}]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/customer'}}}}
  /v1/customers/{customer}/balance_transactions/{transaction}:
    get:
      operationId: GetCustomersCustomerBalanceTransactionsTransaction
      parameters:
        - {name: customer, in: path, required: true, schema: {type: string}}
        - {name: transaction, in: path, required: true, schema: {type: string}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/customer_balance_transaction'}}}}
  /v1/invoices/{invoice}:
    get:
      operationId: GetInvoicesInvoice
      parameters: [{name: invoice, in: path, required: true, schema: {type: string}}]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/invoice'}}}}
  /v1/checkout/sessions/{session}:
    get:
      operationId: GetCheckoutSessionsSession
      parameters: [{name: session, in: path, required: true, schema: {type: string}}]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/checkout.session'}}}}
  /v1/webhook_endpoints:
    post:
      operationId: PostWebhookEndpoints
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                enabled_events: {type: array, items: {type: string, enum: [customer.created]}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/event'}}}}
components:
  schemas:
    customer:
      type: object
      x-resourceId: customer
      properties:
        id: {type: string}
        last_charge: {$ref: '#/components/schemas/charge'}
        address: {$ref: '#/components/schemas/address'}
    charge:
      type: object
      x-resourceId: charge
      properties:
        id: {type: string}
        customer: {$ref: '#/components/schemas/customer'}
    customer_balance_transaction:
      type: object
      x-resourceId: customer_balance_transaction
      properties:
        id: {type: string}
        customer: {$ref: '#/components/schemas/customer'}
    invoice:
      type: object
      x-resourceId: invoice
      properties:
        id: {type: string}
        charge: {$ref: '#/components/schemas/charge'}
    checkout.session:
      type: object
      x-resourceId: checkout.session
      properties:
        id: {type: string}
        customer: {$ref: '#/components/schemas/customer'}
        shipping: {$ref: '#/components/schemas/address'}
    address:
      type: object
      properties:
        city: {type: string}
    event:
      type: object
      x-resourceId: event
      properties:
        id: {type: string}
        type: {type: string}
        data: {$ref: '#/components/schemas/notification_event_data'}
    notification_event_data:
      type: object
      properties:
        object: {type: object}
";

const EVENTS: &str = r#"
[events]
types_from = { method = "post", path = "/v1/webhook_endpoints", parameter = "enabled_events" }
type_field = "event.type"
object_field = "notification_event_data.object"
"#;

fn spec(text: &str) -> Spec {
    common::spec_of("split.yaml", text)
}

fn model(text: &str) -> Model {
    build_model(&spec(text), &Policy::default()).unwrap()
}

fn base_types(model: &Model) -> BTreeSet<&str> {
    (0..model.types.len())
        .map(stripe_codegen::model::TypeId)
        .filter(|&id| in_base(model, id))
        .map(|id| model.get(id).rust_name.as_str())
        .collect()
}

fn files(text: &str) -> Vec<PathBuf> {
    let config = Config {
        source_label: "split.yaml".into(),
        policy: Policy::default(),
        crates: CrateLayout {
            facade: None,
            ..CrateLayout::default()
        },
    };
    generate(&spec(text), &config)
        .unwrap()
        .files
        .into_keys()
        .collect()
}

#[test]
fn the_units_that_need_each_other_and_what_their_endpoints_return_are_the_base() {
    let model = model(SPEC);
    let base: Vec<&str> = model
        .features
        .base_units
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(base, ["charge", "customer", "customer_balance_transaction"]);
    let types = base_types(&model);
    for expected in [
        "Customer",
        "Charge",
        "CustomerBalanceTransaction",
        "Address",
    ] {
        assert!(types.contains(expected), "{expected} in {types:?}");
    }
    for above in ["Invoice", "Session", "Event"] {
        assert!(!types.contains(above), "{above} in {types:?}");
    }
}

#[test]
fn the_base_crate_has_its_own_files_and_the_api_crate_re_exports_it() {
    let files = files(SPEC);
    let has = |path: &str| files.contains(&PathBuf::from(path));
    for path in [
        "base/src/resources/customer.rs",
        "base/src/resources/charge.rs",
        "base/src/shared.rs",
        "base/Cargo.toml",
        "api/src/resources/invoice.rs",
        "api/src/checkout/session.rs",
        "api/src/resource.rs",
    ] {
        assert!(has(path), "{path} in {files:?}");
    }
    assert!(!has("api/src/resources/customer.rs"));
    assert!(
        !has("base/src/resource.rs"),
        "`Resource` is above every resource"
    );

    let config = Config {
        source_label: "split.yaml".into(),
        policy: Policy::default(),
        crates: CrateLayout {
            facade: None,
            ..CrateLayout::default()
        },
    };
    let generated = generate(&spec(SPEC), &config).unwrap().files;
    let api_manifest = &generated[&PathBuf::from("api/Cargo.toml")];
    assert!(
        api_manifest.contains("stripe-api-base = { package = \"typed-stripe-api-base\", version = \"0.1.0\", path = \"../base\", default-features = false }"),
        "the base crate by the name the code calls it, its package and the version publishing keeps: {api_manifest}"
    );
    let forwarded = "__types_customer = [\"__types_charge\", \"stripe-api-base/__types_customer\"]";
    assert!(api_manifest.contains(forwarded), "{api_manifest}");
    assert!(api_manifest.contains("customer = [\"__types_customer\", \"__types_customer_balance_transaction\", \"stripe-api-base/customer\"]"));
    let base_manifest = &generated[&PathBuf::from("base/Cargo.toml")];
    assert!(base_manifest.contains("customer = [\"__types_customer\", \"__types_customer_balance_transaction\", \"stripe-params/customer\"]"));
    assert!(
        !base_manifest.contains("__types_invoice"),
        "{base_manifest}"
    );
    assert!(generated[&PathBuf::from("api/src/lib.rs")].contains("pub use stripe_api_base::*;"));
}

#[test]
fn without_units_that_need_each_other_there_is_no_base() {
    let acyclic = SPEC.replace(
        "        last_charge: {$ref: '#/components/schemas/charge'}\n",
        "",
    );
    let model = model(&acyclic);
    assert!(model.features.base_units.is_empty());
    assert!(base_types(&model).is_empty());
    // The base crate is still there (the workspace names it), empty.
    let files = files(&acyclic);
    assert!(files.contains(&PathBuf::from("base/src/lib.rs")));
    assert!(files.contains(&PathBuf::from("api/src/resources/customer.rs")));
}

#[test]
fn a_base_that_would_hold_any_resource_is_no_base() {
    // The pair now needs the event, whose object is any resource: nothing
    // can be below `Resource`, so everything stays in the API crate.
    let needs_event = SPEC.replace(
        "        address: {$ref: '#/components/schemas/address'}\n    charge:",
        "        address: {$ref: '#/components/schemas/address'}\n        last_event: {$ref: '#/components/schemas/event'}\n    charge:",
    );
    let policy = Policy::parse("overrides.toml", EVENTS).unwrap();
    let with_events = build_model(&spec(&needs_event), &policy).unwrap();
    assert!(with_events.features.base_units.is_empty());
    // Without the events policy the object is plain JSON, and the split holds.
    let without = model(&needs_event);
    assert!(without.features.base_units.contains("event"));
}
