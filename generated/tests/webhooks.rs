//! Webhook deliveries as a receiver sees them: signed payloads verified and
//! decoded into the generated `Event`, with `data.object` typed.

mod common;

use serde_json::{json, Value};
use stripe::identity::VerificationSessionRedactionStatus;
use stripe::webhook::{construct_event, generate_test_header, Webhook, WebhookError};
use stripe::{Event, EventObject, EventType, ExternalAccount, PaymentSource, Resource};

const SECRET: &str = "whsec_test_secret";

fn fixtures() -> serde_json::Map<String, Value> {
    common::examples()
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
        // Crypto Onramp quotes are the one shape without `object`.
        if object.get("object").is_none() {
            continue;
        }
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

/// The object of an event, typed by its type, for the event types whose
/// object the name alone does not tell (Stripe's "Types of events" list).
#[test]
fn an_event_object_is_typed_by_the_event_type() {
    let fixtures = fixtures();
    let typed = |event_type: &str, object: Value| {
        deliver(&event_json(event_type, object))
            .unwrap_or_else(|e| panic!("{event_type}: {e}"))
            .into_object()
    };
    let session = fixtures["identity.verification_session"].clone();
    let EventObject::IdentityVerificationSessionRedacted(redacted) =
        typed("identity.verification_session.redacted", session.clone())
    else {
        panic!("not a verification session")
    };
    assert_eq!(redacted.id, session["id"].as_str().unwrap());
    assert!(matches!(
        typed("customer.subscription.updated", fixtures["subscription"].clone()),
        EventObject::CustomerSubscriptionUpdated(s) if *s.id == fixtures["subscription"]["id"]
    ));
    assert!(matches!(
        typed("customer.source.created", fixtures["card"].clone()),
        EventObject::CustomerSourceCreated(source) if matches!(*source, PaymentSource::Card(_))
    ));
    assert!(matches!(
        typed("account.external_account.updated", fixtures["bank_account"].clone()),
        EventObject::AccountExternalAccountUpdated(account)
            if matches!(*account, ExternalAccount::BankAccount(_))
    ));
    assert!(matches!(
        typed(
            "application_fee.refund.updated",
            fixtures["fee_refund"].clone()
        ),
        EventObject::ApplicationFeeRefundUpdated(_)
    ));
    assert!(matches!(
        typed(
            "issuing_authorization.request",
            fixtures["issuing.authorization"].clone()
        ),
        EventObject::IssuingAuthorizationRequest(_)
    ));
    assert!(matches!(
        typed(
            "source.transaction.created",
            fixtures["source_transaction"].clone()
        ),
        EventObject::SourceTransactionCreated(_)
    ));
    // An application is no resource: `Resource` keeps it as JSON, and the
    // event type decodes it.
    let application = json!({"id": "ca_1", "object": "application", "name": "Shop"});
    let EventObject::AccountApplicationAuthorized(application) =
        typed("account.application.authorized", application)
    else {
        panic!("not an application")
    };
    assert_eq!(application.name.as_deref(), Some("Shop"));
}

#[test]
fn unknown_types_mismatched_objects_and_retired_resources_fall_back_to_the_resource() {
    let fixtures = fixtures();
    let customer = fixtures["customer"].clone();
    // A type this version does not know keeps the object as decoded.
    let event = deliver(&event_json("customer.brand_new_event", customer.clone())).unwrap();
    assert!(matches!(
        event.object(),
        EventObject::Other(Resource::Customer(_))
    ));
    // An object that is not what the type promises is not forced into it.
    let event = deliver(&event_json("customer.subscription.updated", customer)).unwrap();
    assert!(matches!(
        event.object(),
        EventObject::Other(Resource::Customer(_))
    ));
    // `[events] untyped`: Orders v1 has no schema in this spec.
    let order = json!({"id": "or_1", "object": "order"});
    let event = deliver(&event_json("order.created", order)).unwrap();
    assert!(matches!(
        event.into_object(),
        EventObject::Other(Resource::Unknown(json)) if json["id"] == "or_1"
    ));
}

/// Every event type of the spec that is typed accepts a real object: the
/// fixture of some resource gives its variant, not `Other`.
#[test]
fn every_typed_event_type_accepts_some_fixture() {
    let model = common::model();
    let fixtures = fixtures();
    let resources: Vec<Resource> = fixtures
        .values()
        .map(|object| common::decode::<Resource>(object).unwrap())
        .collect();
    let mut typed = 0;
    for event in &model.event_objects {
        let event_type = common::decode::<EventType>(&json!(event.event_type)).unwrap();
        let accepted = resources
            .iter()
            .filter(|resource| {
                !matches!(
                    EventObject::new(&event_type, (*resource).clone()),
                    EventObject::Other(_)
                )
            })
            .count();
        match event.object {
            Some(_) if event.event_type.starts_with("account.application.") => {}
            Some(_) => {
                assert!(
                    accepted > 0,
                    "no fixture gives `{}` its variant",
                    event.event_type
                );
                typed += 1;
            }
            None => assert_eq!(accepted, 0, "`{}` is untyped", event.event_type),
        }
    }
    assert!(typed >= 200, "only {typed} event types typed");
}

/// A delivery from a newer API version whose object no longer fits this
/// version's type still yields the event: the object as JSON, with why it
/// did not decode, where the webhook endpoint can log it.
#[test]
fn an_object_that_no_longer_fits_its_type_is_kept_with_the_reason() {
    let mut customer = fixtures()["customer"].clone();
    customer["created"] = json!("2026-07-29T00:00:00Z");
    let event = deliver(&event_json("customer.updated", customer)).unwrap();
    assert_eq!(event.type_, EventType::CustomerUpdated);
    let Resource::Undecodable(undecodable) = &event.data.object else {
        panic!("decoded as {:?}", event.data.object.resource_id())
    };
    assert_eq!(undecodable.json["created"], "2026-07-29T00:00:00Z");
    assert_eq!(undecodable.error.path, "data.object.created");
    assert!(
        undecodable
            .error
            .message
            .starts_with("expected an integer, found a string"),
        "{}",
        undecodable.error.message
    );
    assert!(matches!(
        event.object(),
        EventObject::Other(Resource::Undecodable(_))
    ));

    // A required field gone: the same.
    let mut session = fixtures()["identity.verification_session"].clone();
    session.as_object_mut().unwrap().remove("livemode");
    let event = deliver(&event_json(
        "identity.verification_session.verified",
        session,
    ))
    .unwrap();
    let Resource::Undecodable(undecodable) = event.data.object else {
        panic!("a session without `livemode` decoded")
    };
    assert_eq!(undecodable.error.path, "data.object.livemode");

    // Broken JSON is still refused.
    let broken = event_json("customer.updated", json!({"object": "customer"}))
        .replace(r#""object":"customer""#, r#""object":"customer","#);
    assert!(
        matches!(deliver(&broken), Err(WebhookError::InvalidPayload { .. })),
        "{broken}"
    );
}
