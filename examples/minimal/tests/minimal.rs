//! The minimal build against the mock: the endpoints it enables send
//! requests the spec accepts, and webhooks decode what the build includes.

use serde_json::json;
use stripe::webhook::generate_test_header;
use stripe::{Client, Resource};
use stripe_example_minimal::{receive, start_document_check, subscribe, Delivery};
use stripe_mock::MockServer;

const SECRET: &str = "whsec_minimal";

fn client(server: &MockServer) -> Client {
    Client::builder("sk_test_minimal")
        .api_base(server.url())
        .max_retries(0)
        .build()
}

#[tokio::test]
async fn a_document_check_is_created() {
    let server = MockServer::start().await;
    let session = start_document_check(&client(&server), "https://example.com/done")
        .await
        .unwrap();
    assert!(session.id.starts_with("vs_"), "{}", session.id);
    let request = &server.requests()[0];
    assert_eq!(
        request.operation_id.as_deref(),
        Some("PostIdentityVerificationSessions")
    );
    let pairs = request.form_pairs();
    assert!(
        pairs.contains(&("type".into(), "document".into())),
        "{pairs:?}"
    );
    assert!(
        pairs.contains(&("return_url".into(), "https://example.com/done".into())),
        "{pairs:?}"
    );
}

#[tokio::test]
async fn a_webhook_endpoint_is_subscribed_to_identity_events() {
    let server = MockServer::start().await;
    let endpoint = subscribe(&client(&server), "https://example.com/hooks")
        .await
        .unwrap();
    assert!(endpoint.id.starts_with("we_"), "{}", endpoint.id);
    let pairs = server.requests()[0].form_pairs();
    assert!(
        pairs.contains(&(
            "enabled_events[0]".into(),
            "identity.verification_session.verified".into()
        )),
        "{pairs:?}"
    );
}

/// The fixture Stripe publishes for `resource_id`, in a signed event.
fn delivery(event_type: &str, resource_id: &str) -> (String, String) {
    // The mock's own fixtures, from where it reads them.
    let api = stripe_mock::Api::shared().unwrap_or_else(|e| panic!("{e} (set STRIPE_SPEC_DIR)"));
    let object = api.fixture(resource_id).cloned().unwrap_or_default();
    assert!(object.is_object(), "no {resource_id} fixture");
    let payload = json!({
        "id": "evt_1", "object": "event", "api_version": "2023-08-16",
        "created": 1_700_000_000, "livemode": false, "pending_webhooks": 1,
        "request": {"id": null, "idempotency_key": null},
        "type": event_type, "data": {"object": object},
    })
    .to_string();
    let signature = generate_test_header(&payload, SECRET, now());
    (payload, signature)
}

fn now() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    since_epoch.as_secs() as i64
}

#[test]
fn a_session_event_decodes_into_the_session() {
    let (payload, signature) = delivery(
        "identity.verification_session.verified",
        "identity.verification_session",
    );
    match receive(payload.as_bytes(), &signature, SECRET).unwrap() {
        Delivery::Session {
            event_type,
            session,
        } => {
            assert_eq!(event_type, "identity.verification_session.verified");
            assert!(session.id.starts_with("vs_"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_event_about_a_resource_not_built_is_kept_as_json() {
    let (payload, signature) = delivery("customer.created", "customer");
    match receive(payload.as_bytes(), &signature, SECRET).unwrap() {
        Delivery::Other {
            event_type,
            object: Resource::Unknown(json),
        } => {
            assert_eq!(event_type, "customer.created");
            assert_eq!(json["object"], "customer");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_forged_delivery_is_refused() {
    let (payload, _) = delivery("customer.created", "customer");
    let forged = generate_test_header(&payload, "whsec_someone_else", now());
    assert!(receive(payload.as_bytes(), &forged, SECRET).is_err());
}
