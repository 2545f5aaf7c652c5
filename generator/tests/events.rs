//! The object each webhook event type carries: found by the rule from the
//! type's name, with `[events] objects` and `untyped` as exceptions.

mod common;

use stripe_codegen::model::Model;
use stripe_codegen::parse::policy::Policy;
use stripe_codegen::{build_model, stale_policy, Spec};

const SPEC: &str = "
openapi: 3.0.0
info: {title: events, version: '2024-01-01'}
paths:
  /v1/webhook_endpoints:
    post:
      operationId: PostWebhookEndpoints
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                enabled_events:
                  type: array
                  items:
                    type: string
                    enum: ['*', customer.created, customer.subscription.updated, issuing_card.created,
                           source.transaction.created, application_fee.refund.updated, widget.created]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/event'}}}}
components:
  schemas:
    event:
      type: object
      x-resourceId: event
      required: [id, type, data]
      properties:
        id: {type: string}
        type: {type: string}
        data: {$ref: '#/components/schemas/notification_event_data'}
    notification_event_data:
      type: object
      required: [object]
      properties:
        object: {type: object}
    customer: {type: object, x-resourceId: customer, properties: {id: {type: string}}}
    subscription: {type: object, x-resourceId: subscription, properties: {id: {type: string}}}
    issuing.card: {type: object, x-resourceId: issuing.card, properties: {id: {type: string}}}
    source_transaction: {type: object, x-resourceId: source_transaction, properties: {id: {type: string}}}
    refund: {type: object, x-resourceId: refund, properties: {id: {type: string}}}
    fee_refund: {type: object, x-resourceId: fee_refund, properties: {id: {type: string}}}
";

const EVENTS: &str = r#"
[events]
types_from = { method = "post", path = "/v1/webhook_endpoints", parameter = "enabled_events" }
type_field = "event.type"
object_field = "notification_event_data.object"
"#;

fn spec() -> Spec {
    common::spec_of("events.yaml", SPEC)
}

fn policy(exceptions: &str) -> Policy {
    Policy::parse("overrides.toml", &format!("{EVENTS}{exceptions}")).unwrap()
}

/// `event type -> x-resourceId` (or `-` when untyped).
fn objects(model: &Model) -> Vec<(String, String)> {
    model
        .event_objects
        .iter()
        .map(|e| {
            let object = e.object.map(|id| model.get(id).wire_name.clone());
            (e.event_type.clone(), object.unwrap_or_else(|| "-".into()))
        })
        .collect()
}

#[test]
fn the_rule_finds_each_object_and_the_exceptions_override_it() {
    let exceptions =
        "objects = { \"application_fee.refund\" = \"fee_refund\" }\nuntyped = [\"widget\"]\n";
    let model = build_model(&spec(), &policy(exceptions)).unwrap();
    let expected = [
        ("customer.created", "customer"),
        ("customer.subscription.updated", "subscription"),
        ("issuing_card.created", "issuing.card"),
        ("source.transaction.created", "source_transaction"),
        ("application_fee.refund.updated", "fee_refund"),
        ("widget.created", "-"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(t, o)| (t.to_string(), o.to_string()))
        .collect();
    assert_eq!(objects(&model), expected);
    let variants: Vec<&str> = model
        .event_objects
        .iter()
        .map(|e| e.variant.as_str())
        .collect();
    assert_eq!(variants[1], "CustomerSubscriptionUpdated");
    assert!(
        model.event_fields.is_some(),
        "`type` and `data.object` are found"
    );
}

#[test]
fn an_event_type_no_resource_matches_is_an_error_that_names_it() {
    let exceptions = "objects = { \"application_fee.refund\" = \"fee_refund\" }\n";
    let error = build_model(&spec(), &policy(exceptions))
        .unwrap_err()
        .to_string();
    assert!(error.contains("event type `widget.created`"), "{error}");
    assert!(error.contains("[events] untyped"), "{error}");
    assert!(error.contains("overrides.toml"), "{error}");
}

#[test]
fn an_exception_naming_no_type_of_the_spec_is_an_error() {
    let exceptions = "objects = { \"application_fee.refund\" = \"application_fee_refund\" }\nuntyped = [\"widget\"]\n";
    let error = build_model(&spec(), &policy(exceptions))
        .unwrap_err()
        .to_string();
    assert!(error.contains("`application_fee_refund`"), "{error}");
}

#[test]
fn exceptions_no_event_type_starts_with_are_stale() {
    // `widget.create` is not a dotted prefix of `widget.created`.
    let exceptions = "objects = { \"application_fee.refund\" = \"fee_refund\", \"gadget\" = \"customer\" }\nuntyped = [\"widget\", \"widget.create\"]\n";
    let (spec, policy) = (spec(), policy(exceptions));
    let stale = stale_policy(&spec, &policy).unwrap();
    assert_eq!(stale.events, ["gadget", "widget.create"]);
    let error = build_model(&spec, &policy).unwrap_err().to_string();
    assert!(error.contains("[events] names `gadget`"), "{error}");
    let pruned = stale.remove_from(&policy);
    assert!(build_model(&spec, &pruned).is_ok());
}
