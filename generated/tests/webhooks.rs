//! Webhook deliveries as a receiver sees them: signed payloads verified and
//! decoded into the generated `Event`, with `data.object` typed.

mod common;

use serde_json::{json, Value};
use stripe::identity::VerificationSessionRedactionStatus;
use stripe::webhook::{construct_event, generate_test_header, Webhook, WebhookError};
use stripe::{Event, EventType, Resource};

const SECRET: &str = "whsec_test_secret";

fn fixtures() -> serde_json::Map<String, Value> {
    common::fixtures("fixtures3.2023-08-16.json")
}

/// An event as Stripe delivers it, around `object`.
fn event_json(event_type: &str, object: Value) -> String {
    json!({
        "id": "evt_1", "object": "event", "api_version": "2023-08-16", "created": 1_700_000_000,
        "data": {"object": object}, "livemode": false, "pending_webhooks": 1,
        "request": {"id": null, "idempotency_key": null}, "type": event_type
    })
    .to_string()
}

/// Signs `payload` as Stripe would, just now.
fn deliver(payload: &str) -> Result<Event, WebhookError> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    construct_event(payload, &generate_test_header(payload, SECRET, now), SECRET)
}

#[test]
fn every_resource_fixture_in_an_event_decodes_into_its_variant() {
    // The polymorphic resources hold one of the other resources: their
    // fixture decodes as the resource it is.
    let polymorphic = [
        "external_account",
        "payment_source",
        "deleted_external_account",
        "deleted_payment_source",
    ];
    let mut checked = 0;
    for (resource_id, object) in fixtures() {
        let event = deliver(&event_json(&format!("{resource_id}.updated"), object))
            .unwrap_or_else(|e| panic!("{resource_id}: {e}"));
        let decoded_as = event.data.object.resource_id();
        if !polymorphic.contains(&resource_id.as_str()) {
            assert_eq!(decoded_as, Some(resource_id.as_str()), "{resource_id}");
            checked += 1;
        } else {
            assert!(decoded_as.is_some(), "{resource_id} decoded as no resource");
        }
    }
    assert!(checked >= 125, "only {checked} fixtures checked");
}

#[test]
fn a_redacted_verification_session_event_decodes() {
    let mut session = fixtures()["identity.verification_session"].clone();
    for (key, value) in session.as_object_mut().unwrap() {
        if value.is_string() && key != "object" && key != "status" && key != "type" {
            *value = json!("[redacted]");
        }
    }
    session["metadata"] = json!({});
    session["redaction"] = json!({"status": "redacted"});
    let event = deliver(&event_json(
        "identity.verification_session.redacted",
        session,
    ))
    .unwrap();
    assert_eq!(event.type_, EventType::IdentityVerificationSessionRedacted);
    let Resource::IdentityVerificationSession(session) = event.data.object else {
        panic!("decoded as {:?}", event.data.object.resource_id())
    };
    assert_eq!(
        session.redaction.unwrap().status,
        VerificationSessionRedactionStatus::Redacted
    );
    assert_eq!(session.id, "[redacted]");
}

#[test]
fn event_types_and_objects_the_spec_does_not_know_are_kept() {
    let payload = event_json(
        "climate.order.delayed",
        json!({"object": "climate.brand_new", "id": "x"}),
    );
    let event = deliver(&payload).unwrap();
    assert_eq!(
        event.type_,
        EventType::Unknown("climate.order.delayed".into())
    );
    assert_eq!(event.type_.as_str(), "climate.order.delayed");
    assert!(
        matches!(event.data.object, Resource::Unknown(ref v) if v["object"] == "climate.brand_new")
    );
}

#[test]
fn a_bad_signature_or_a_payload_that_is_not_an_event_is_an_error() {
    let payload = event_json("customer.created", fixtures()["customer"].clone());
    let header = generate_test_header(&payload, "whsec_other", 1_700_000_000);
    let webhook = Webhook::new(SECRET).with_tolerance(std::time::Duration::ZERO);
    assert!(matches!(
        webhook.construct_event::<Event>(&payload, &header),
        Err(WebhookError::NoMatchingSignature)
    ));

    let not_an_event = r#"{"object": "event"}"#;
    let header = generate_test_header(not_an_event, SECRET, 1_700_000_000);
    assert!(matches!(
        webhook.construct_event::<Event>(not_an_event, &header),
        Err(WebhookError::InvalidPayload { .. })
    ));
}
