//! Policy that names nothing in a spec (Stripe removed the field, or the
//! operation): an error for codegen, a list for whoever moves to that spec.

mod common;

use stripe_codegen::parse::policy::{OperationOverrides, Policy};
use stripe_codegen::{build_model, stale_policy, Spec};

const SPEC: &str = "
openapi: 3.0.0
info: {title: policy, version: '2024-01-01'}
paths:
  /v1/customers:
    get:
      operationId: GetCustomers
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/customer'}}}}
components:
  schemas:
    customer:
      type: object
      x-resourceId: customer
      required: [id, email]
      properties:
        id: {type: string}
        email: {type: string}
";

fn spec() -> Spec {
    common::spec_of("policy.yaml", SPEC)
}

fn policy() -> Policy {
    let mut policy = Policy::parse(
        "spec/overrides-old.toml",
        "[optional_fields]\nfields = ['customer.email', 'customer.removed_field']\n",
    )
    .unwrap();
    policy.operations = OperationOverrides::parse(
        "spec/operations-old.toml",
        "[overrides.GetCustomers]\nname = 'list_all'\n[overrides.GetRemovedThing]\nname = 'gone'\n",
    )
    .unwrap();
    policy
}

#[test]
fn stale_entries_are_listed_and_removable() {
    let (spec, policy) = (spec(), policy());
    let stale = stale_policy(&spec, &policy).unwrap();
    assert_eq!(stale.optional_fields, ["customer.removed_field"]);
    assert_eq!(stale.operations, ["GetRemovedThing"]);

    let error = build_model(&spec, &policy).unwrap_err().to_string();
    assert_eq!(
        error,
        "spec/operations-old.toml: overrides `GetRemovedThing`, which is no operationId of the spec"
    );

    let pruned = stale.remove_from(&policy);
    assert!(stale_policy(&spec, &pruned).unwrap().is_empty());
    let model = build_model(&spec, &pruned).unwrap();
    // What was not stale still applies: the name, and the optional field.
    assert_eq!(model.operations[0].rust_name, "list_all");
    assert!(pruned.optional_fields.fields.contains("customer.email"));
}

#[test]
fn a_stale_optional_field_alone_names_the_file_and_the_field() {
    let mut policy = policy();
    policy.operations = OperationOverrides::default();
    let error = build_model(&spec(), &policy).unwrap_err().to_string();
    assert!(error.starts_with("spec/overrides-old.toml: "), "{error}");
    assert!(error.contains("customer.removed_field"), "{error}");
}

#[test]
fn a_preview_note_applies_to_its_namespace_and_is_stale_without_it() {
    let spec = common::spec_of(
        "preview.yaml",
        &SPEC.replace("x-resourceId: customer", "x-resourceId: crypto.customer"),
    );
    let mut policy = Policy::parse(
        "spec/overrides.toml",
        "[preview]\ncrypto = 'In preview.'\nretired = 'Gone.'\n",
    )
    .unwrap();
    let stale = stale_policy(&spec, &policy).unwrap();
    assert_eq!(stale.preview, ["retired"]);
    let error = build_model(&spec, &policy).unwrap_err().to_string();
    assert_eq!(
        error,
        "spec/overrides.toml: [preview] names `retired`, which is no namespace of the spec"
    );

    policy = stale.remove_from(&policy);
    let model = build_model(&spec, &policy).unwrap();
    assert_eq!(model.preview["crypto"], "In preview.");
}

/// The type of `customer.<field>` in the model built with `overrides`.
fn customer_field(spec: &Spec, overrides: &str, field: &str) -> stripe_codegen::model::TypeRef {
    let policy = Policy::parse("spec/overrides.toml", overrides).unwrap();
    let model = build_model(spec, &policy).unwrap();
    common::field_of(&model, "customer", field).ty.clone()
}

#[test]
fn a_decimal_field_entry_types_a_string_field_as_a_decimal() {
    use stripe_codegen::model::TypeRef;
    let spec = common::spec_of(
        "decimal.yaml",
        &SPEC.replace(
            "email: {type: string}",
            "email: {type: string}\n        rate_decimal: {type: string}\n        count: {type: integer}",
        ),
    );
    assert_eq!(customer_field(&spec, "", "rate_decimal"), TypeRef::String);
    let listed = "[decimal_fields]\nfields = ['customer.rate_decimal']\n";
    assert_eq!(
        customer_field(&spec, listed, "rate_decimal"),
        TypeRef::Decimal
    );

    let not_a_string = Policy::parse(
        "spec/overrides.toml",
        "[decimal_fields]\nfields = ['customer.count']\n",
    )
    .unwrap();
    let error = build_model(&spec, &not_a_string).unwrap_err().to_string();
    assert_eq!(
        error,
        "decimal.yaml#/components/schemas/customer/properties/count: [decimal_fields] names a field that is not a string"
    );

    let stale = Policy::parse(
        "spec/overrides.toml",
        "[decimal_fields]\nfields = ['customer.rate_decimal', 'customer.gone_decimal']\n",
    )
    .unwrap();
    assert_eq!(
        stale_policy(&spec, &stale).unwrap().decimal_fields,
        ["customer.gone_decimal"]
    );
    let error = build_model(&spec, &stale).unwrap_err().to_string();
    assert_eq!(
        error,
        "spec/overrides.toml: [decimal_fields] names fields the spec does not have: customer.gone_decimal"
    );
}
