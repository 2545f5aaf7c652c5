//! The generated types against Stripe's own example objects (and, for v2,
//! which Stripe's fixtures files have none of, the project's own, written
//! from Stripe's API reference: `spec/fixtures.v2.json`).
//!
//! Round trips compare JSON values after [`common::normalise`].

mod common;

use serde_json::Value;
use stripe::identity::{
    VerificationReport, VerificationSession, VerificationSessionRedactionStatus,
};
use stripe::Resource;

use common::{decode, examples, first_difference, fixture_files, normalise};

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
fn every_example_of_the_input_decodes_into_its_resource_type_and_round_trips() {
    let resources = examples();
    let (decoded, failures) = decode_all(&resources, true);
    assert!(
        failures.is_empty(),
        "{} of {} examples failed:\n{}",
        failures.len(),
        resources.len(),
        failures.join("\n")
    );
    assert_eq!(
        decoded,
        resources.len(),
        "every example has a generated resource type"
    );
    // Climate, Forwarding, Crypto Onramp and v2 have theirs from files of
    // their own (the manifest's `examples_of`).
    for resource_id in [
        "customer",
        "climate.order",
        "forwarding.request",
        "crypto.onramp_quotes",
        "v2.core.event_destination",
        "v2.commerce.product_catalog_import",
    ] {
        assert!(
            resources.contains_key(resource_id),
            "no example of {resource_id}"
        );
    }
}

#[test]
fn crypto_onramp_quotes_decode_with_their_nested_maps() {
    let quotes: stripe::crypto::OnrampQuotes =
        serde_json::from_value(examples()["crypto.onramp_quotes"].clone()).unwrap();
    let on_polygon = &quotes.destination_network_quotes["polygon"];
    assert_eq!(on_polygon[0].destination_currency, "usdc");
    assert_eq!(on_polygon[0].fees.transaction_fee_monetary, "2.39");
    assert_eq!(quotes.source_amount, "200.00");
}

#[test]
fn v2_objects_decode_typed_and_round_trip_as_stripe_writes_them() {
    let resources = examples();
    let import: stripe::v2::commerce::ProductCatalogImport =
        serde_json::from_value(resources["v2.commerce.product_catalog_import"].clone()).unwrap();
    let details = import
        .status_details
        .unwrap()
        .succeeded_with_errors
        .unwrap();
    // `format: int64` strings are `i64`s, written back as strings.
    assert_eq!((details.error_count, details.success_count), (2, 9998));
    assert_eq!(details.samples[1].row, 42);
    let back = serde_json::to_value(&details).unwrap();
    assert_eq!(back["error_file"]["size"], "4096");
    // `format: date-time` is a timestamp, written back in RFC 3339.
    let destination: stripe::v2::core::EventDestination =
        serde_json::from_value(resources["v2.core.event_destination"].clone()).unwrap();
    assert_eq!(destination.created.unix_seconds(), 1_729_614_009);
    assert_eq!(
        serde_json::to_value(destination.created).unwrap(),
        "2024-10-22T16:20:09.931Z"
    );
    assert_eq!(
        destination.event_payload,
        stripe::v2::core::EventDestinationEventPayload::Thin
    );
    // An int64 that is not a number string is refused where it is.
    let mut broken = resources["v2.commerce.product_catalog_import"].clone();
    broken["status_details"]["succeeded_with_errors"]["error_count"] = Value::from(2);
    let error = decode::<stripe::v2::commerce::ProductCatalogImport>(&broken).unwrap_err();
    assert_eq!(
        error.path,
        "status_details.succeeded_with_errors.error_count"
    );
}

#[test]
fn every_object_of_every_fixtures_file_decodes_into_the_inputs_types() {
    // A newer file has newer objects of the input's resources: fields and
    // enum values the input's spec does not know are kept in `extra` and in
    // the open enums, so writing the object back loses nothing.
    let mut decoded = 0;
    for (file, resources) in fixture_files() {
        let (count, failures) = decode_all(&resources, true);
        assert!(
            failures.is_empty(),
            "{file}: {} failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
        decoded += count;
    }
    assert!(
        decoded > examples().len() + 100,
        "only {decoded} objects of the fixtures files have a resource in the default input"
    );
}

#[test]
fn decoding_by_object_picks_the_variant() {
    for (resource_id, object) in examples() {
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
    let mut session = examples()["identity.verification_session"].clone();
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
    for (file, resources) in fixture_files() {
        let Some(report) = resources.get("identity.verification_report") else {
            continue;
        };
        let mut report = report.clone();
        redact(&mut report);
        let report: VerificationReport =
            decode(&report).unwrap_or_else(|e| panic!("{file}: redacted report: {e}"));
        let document = report.document.expect("the fixture has a document check");
        assert_eq!(document.first_name.as_deref(), Some("[redacted]"));
    }
}
