//! The generated types against Stripe's own example objects.
//!
//! Round trips compare JSON values after [`common::normalise`].

mod common;

use serde_json::Value;
use stripe::identity::{
    VerificationReport, VerificationSession, VerificationSessionRedactionStatus,
};
use stripe::Resource;

use common::{decode, first_difference, fixtures, normalise};

/// Decodes each fixture as the type of its resource; returns the failures.
fn decode_all(
    resources: &serde_json::Map<String, Value>,
    round_trip: bool,
) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut decoded = 0;
    for (resource_id, object) in resources {
        let json = serde_json::to_vec(object).unwrap();
        let Some(result) = Resource::decode_as(resource_id, &json) else {
            continue;
        };
        match result {
            Err(e) => failures.push(format!("{resource_id}: does not decode: {e}")),
            Ok(resource) => {
                decoded += 1;
                assert_eq!(resource.resource_id(), Some(resource_id.as_str()));
                if round_trip {
                    let back = serde_json::to_value(&resource).expect("serializes");
                    if let Some(diff) = first_difference("$", &normalise(object), &normalise(&back))
                    {
                        failures.push(format!("{resource_id}: round trip differs at {diff}"));
                    }
                }
            }
        }
    }
    (decoded, failures)
}

#[test]
fn every_2023_fixture_decodes_into_its_resource_type_and_round_trips() {
    let resources = fixtures("fixtures3.2023-08-16.json");
    let (decoded, failures) = decode_all(&resources, true);
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        resources.len(),
        failures.join("\n")
    );
    assert_eq!(
        decoded,
        resources.len(),
        "every 2023 fixture has a generated resource type"
    );
}

#[test]
fn climate_and_forwarding_fixtures_of_2026_round_trip() {
    let all = fixtures("fixtures3.2026-07-29.json");
    let wanted = [
        "climate.order",
        "climate.product",
        "climate.supplier",
        "forwarding.request",
    ];
    let resources: serde_json::Map<String, Value> = all
        .into_iter()
        .filter(|(id, _)| wanted.contains(&id.as_str()))
        .collect();
    assert_eq!(resources.len(), wanted.len());
    let (decoded, failures) = decode_all(&resources, true);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(decoded, wanted.len());
}

#[test]
fn crypto_onramp_fixtures_decode_into_their_types_and_round_trip() {
    let resources = fixtures(stripe_mock::FIXTURES_CRYPTO);
    let (decoded, failures) = decode_all(&resources, true);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(decoded, 3, "onramp session, quotes and transaction limits");
    let quotes: stripe::crypto::OnrampQuotes =
        serde_json::from_value(resources["crypto.onramp_quotes"].clone()).unwrap();
    let on_polygon = &quotes.destination_network_quotes["polygon"];
    assert_eq!(on_polygon[0].destination_currency, "usdc");
    assert_eq!(on_polygon[0].fees.transaction_fee_monetary, "2.39");
    assert_eq!(quotes.source_amount, "200.00");
}

#[test]
fn newer_2026_fixtures_decode_into_the_2023_types_and_round_trip() {
    // Newer objects carry fields and enum values the 2023 spec does not know:
    // undeclared fields are kept in `extra` and open enums keep the new
    // values, so writing the object back loses nothing.
    let resources = fixtures("fixtures3.2026-07-29.json");
    let (decoded, failures) = decode_all(&resources, true);
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        decoded >= 130,
        "only {decoded} of the 2026 fixtures have a resource in the default input"
    );
}

#[test]
fn decoding_by_object_picks_the_variant() {
    for (resource_id, object) in fixtures("fixtures3.2023-08-16.json") {
        let resource: Resource = decode(&object).unwrap();
        // The polymorphic resources (`external_account`, ...) hold one of the
        // other resources, so their fixtures decode as that one.
        if let Some(decoded_as) = resource.resource_id() {
            assert!(
                decoded_as == resource_id
                    || [
                        "external_account",
                        "payment_source",
                        "deleted_external_account",
                        "deleted_payment_source"
                    ]
                    .contains(&resource_id.as_str()),
                "{resource_id} decoded as {decoded_as}"
            );
        }
    }
    let unknown: Resource =
        decode(&serde_json::json!({"object": "brand_new_thing", "id": "x"})).unwrap();
    assert!(matches!(unknown, Resource::Unknown(_)));
}

/// Replaces every string in `value` by `"[redacted]"`, as Stripe does with
/// personal data once a verification session is redacted.
fn redact(value: &mut Value) {
    match value {
        Value::String(s) => *s = "[redacted]".to_owned(),
        Value::Array(items) => items.iter_mut().for_each(redact),
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if key != "object" {
                    redact(item);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn a_redacted_verification_session_decodes_with_a_typed_redaction_status() {
    let mut session =
        fixtures("fixtures3.2026-07-29.json")["identity.verification_session"].clone();
    redact(&mut session);
    session["redaction"] = serde_json::json!({"status": "redacted"});
    let session: VerificationSession = decode(&session).unwrap();
    assert_eq!(
        session.redaction.unwrap().status,
        VerificationSessionRedactionStatus::Redacted
    );
    assert_eq!(session.id, "[redacted]");

    // The redact endpoint's documented response, while redaction is under way.
    let documented = serde_json::json!({
        "id": "vs_1NuN3kLkdIwHu7ixk5OvTq3b", "object": "identity.verification_session",
        "client_secret": null, "created": 1695680120, "last_error": null,
        "last_verification_report": null, "livemode": false, "metadata": {},
        "options": {"document": {"require_matching_selfie": true}},
        "redaction": {"status": "processing"}, "status": "canceled", "type": "document", "url": null
    });
    let session: VerificationSession = decode(&documented).unwrap();
    assert_eq!(
        session.redaction.unwrap().status,
        VerificationSessionRedactionStatus::Processing
    );
}

#[test]
fn a_redacted_verification_report_decodes() {
    for file in ["fixtures3.2023-08-16.json", "fixtures3.2026-07-29.json"] {
        let mut report = fixtures(file)["identity.verification_report"].clone();
        redact(&mut report);
        let report: VerificationReport =
            decode(&report).unwrap_or_else(|e| panic!("{file}: redacted report: {e}"));
        let document = report.document.expect("the fixture has a document check");
        assert_eq!(document.first_name.as_deref(), Some("[redacted]"));
    }
}
