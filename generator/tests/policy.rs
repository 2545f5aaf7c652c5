//! Policy that names nothing in a spec (Stripe removed the field, or the
//! operation): an error for codegen, a list for whoever moves to that spec.

use stripe_codegen::parse::policy::{OperationOverrides, Policy};
use stripe_codegen::{build_model, stale_policy, SourceDocument, Spec};

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
    Spec::parse(&[SourceDocument {
        name: "policy.yaml".into(),
        text: SPEC.into(),
        api_version: None,
    }])
    .unwrap()
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
    let spec = Spec::parse(&[SourceDocument {
        name: "preview.yaml".into(),
        text: SPEC.replace("x-resourceId: customer", "x-resourceId: crypto.customer"),
        api_version: None,
    }])
    .unwrap();
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
