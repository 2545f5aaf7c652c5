//! How response structs hold their fields: a large struct through a `Box`,
//! and a struct or list that Stripe's example object leaves out (sent only
//! when expanded) through a `Box` whatever its size.

mod common;

use common::field_of as field;
use stripe_codegen::build_model;
use stripe_codegen::model::Model;
use stripe_codegen::parse::policy::Policy;

/// A customer with a small address, a small tax object and a list of
/// sources, and a large object (`big`) nobody's example mentions.
const SPEC: &str = "
openapi: 3.0.0
info: {title: sizes, version: '2024-01-01'}
paths: {}
components:
  schemas:
    customer:
      type: object
      x-resourceId: customer
      required: [id, object, tax_summary]
      properties:
        id: {type: string}
        object: {type: string, enum: [customer]}
        address: {nullable: true, anyOf: [{$ref: '#/components/schemas/address'}]}
        tax: {$ref: '#/components/schemas/customer_tax'}
        tax_summary: {$ref: '#/components/schemas/customer_tax'}
        email: {type: string, nullable: true}
        sources:
          type: object
          required: [data, has_more, object, url]
          properties:
            data: {type: array, items: {$ref: '#/components/schemas/address'}}
            has_more: {type: boolean}
            object: {type: string, enum: [list]}
            url: {type: string}
    address:
      type: object
      properties:
        city: {type: string, nullable: true}
        line1: {type: string, nullable: true}
    customer_tax:
      type: object
      properties:
        ip_address: {type: string, nullable: true}
";

fn model(fixtures: Option<&str>) -> Model {
    let spec = common::spec_of("sizes.yaml", SPEC);
    let mut policy = Policy::default();
    if let Some(fixtures) = fixtures {
        policy
            .default_objects
            .add_fixtures("fixtures.json", fixtures)
            .unwrap();
    }
    build_model(&spec, &policy).unwrap()
}

#[test]
fn fields_the_example_object_leaves_out_are_boxed() {
    let fixtures = r#"{"resources": {"customer": {"id": "cus_1", "object": "customer",
        "address": null, "email": null, "tax_summary": {"ip_address": null}}}}"#;
    let model = model(Some(fixtures));
    let boxed = |name: &str| field(&model, "customer", name).boxed;
    // Left out, and a box is smaller than the value: boxed.
    assert!(
        boxed("tax"),
        "an optional object Stripe sends only on request"
    );
    assert!(boxed("sources"), "an expandable list");
    // In the example: held inline, as before.
    assert!(!boxed("address"));
    // A string is no larger boxed; a required field is always there.
    assert!(!boxed("email") && !boxed("id") && !boxed("tax_summary"));
}

#[test]
fn without_an_example_object_only_size_decides() {
    let model = model(None);
    for name in ["tax", "sources", "address"] {
        assert!(!field(&model, "customer", name).boxed, "{name}");
    }
    // An example of another resource says nothing about the customer.
    let model = self::model(Some(r#"{"resources": {"charge": {"id": "ch_1"}}}"#));
    assert!(!field(&model, "customer", "sources").boxed);
}
