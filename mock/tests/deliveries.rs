//! The stateful mock delivers its events to the webhook endpoints created
//! on it, signed with their secrets, retried by Stripe's rule, each
//! attempt logged. The tests wait for the deliveries to settle, never on a
//! clock.

mod support;

use std::sync::Arc;

use stripe::{
    CreateCustomerParams, CreateWebhookEndpointEnabledEvents, CreateWebhookEndpointParams,
    Customer, Event, EventType, Resource, WebhookEndpoint,
};
use stripe_mock::{DeliveryAttempt, RETRIES};
use stripe_runtime::webhook::{construct_event, Webhook};
use support::{client, endpoint, events, post, stateful, Receiver};

/// `(endpoint id, attempt, outcome)` of each attempt, in order.
fn attempts(log: &[DeliveryAttempt]) -> Vec<(&str, u32, Result<u16, String>)> {
    log.iter()
        .map(|a| (a.endpoint_id.as_str(), a.attempt, a.outcome.clone()))
        .collect()
}

#[tokio::test]
async fn an_endpoints_secret_is_answered_on_create_only() {
    let server = stateful().await;
    let client = client(&server);
    let params = CreateWebhookEndpointParams::new(
        vec![CreateWebhookEndpointEnabledEvents::CustomerCreated],
        "https://example.com/webhook",
    );
    let created = WebhookEndpoint::create(&client, &params).await.unwrap();
    let secret = created.secret.expect("a secret on create");
    assert!(
        secret.starts_with("whsec_") && secret.len() > 20,
        "{secret}"
    );

    let retrieved = WebhookEndpoint::retrieve(&client, &created.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(retrieved.secret, None);
    let listed = WebhookEndpoint::list(&client, &Default::default())
        .await
        .unwrap();
    assert_eq!(listed.data[0].id, created.id);
    assert_eq!(listed.data[0].secret, None);

    let other = WebhookEndpoint::create(&client, &params).await.unwrap();
    assert_ne!(other.secret.as_deref(), Some(secret.as_str()));
}

#[tokio::test]
async fn an_event_is_delivered_signed_with_the_endpoints_secret() {
    let server = stateful().await;
    let receiver = Receiver::start(&[200]).await;
    let (endpoint_id, secret) = endpoint(&server, &receiver.url, &["customer.created"]).await;
    let customer = Customer::create(&client(&server), &CreateCustomerParams::default())
        .await
        .unwrap();
    server.deliveries_settled().await;

    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let delivery = &received[0];
    let signature = delivery.signature.as_deref().expect("Stripe-Signature");
    Webhook::new(&secret)
        .verify(&delivery.body, signature)
        .unwrap();
    assert!(Webhook::new("whsec_other")
        .verify(&delivery.body, signature)
        .is_err());
    let event: Event = construct_event(&delivery.body, signature, &secret).unwrap();
    assert_eq!(event.type_, EventType::CustomerCreated);
    assert_eq!(event.pending_webhooks, 1, "as sent: one endpoint to go");
    let Resource::Customer(object) = &event.data.object else {
        panic!("not a customer: {:?}", event.data.object);
    };
    assert_eq!(object.id, customer.id);

    let log = server.deliveries();
    assert_eq!(attempts(&log), [(endpoint_id.as_str(), 1, Ok(200))]);
    assert_eq!(
        (log[0].event_id.as_str(), log[0].event_type.as_str()),
        (event.id.as_str(), "customer.created")
    );
    assert_eq!(log[0].url, receiver.url);
    let kept = events(&server, "").await;
    assert_eq!(kept[0]["pending_webhooks"], 0, "delivered: none pending");
}

#[tokio::test]
async fn only_enabled_endpoints_subscribed_to_the_type_get_it() {
    let server = stateful().await;
    let receiver = Receiver::start(&[200]).await;
    let (listing, _) = endpoint(&server, &receiver.url, &["customer.created"]).await;
    let (every, _) = endpoint(&server, &receiver.url, &["*"]).await;
    let (other_type, _) = endpoint(&server, &receiver.url, &["invoice.paid"]).await;
    let (disabled, _) = endpoint(&server, &receiver.url, &["*"]).await;
    let path = format!("/v1/webhook_endpoints/{disabled}");
    let (_, updated) = post(&server, &path, &[("disabled", "true")]).await;
    assert_eq!(updated["status"], "disabled");

    post(&server, "/v1/customers", &[]).await;
    server.deliveries_settled().await;

    let mut got: Vec<String> = server
        .deliveries()
        .into_iter()
        .map(|a| a.endpoint_id)
        .collect();
    got.sort();
    let mut wanted = vec![listing, every];
    wanted.sort();
    assert_eq!(got, wanted, "not {other_type} nor the disabled {disabled}");
    assert_eq!(events(&server, "").await[0]["pending_webhooks"], 0);
}

#[tokio::test]
async fn a_failed_delivery_is_retried_until_the_endpoint_takes_it() {
    let server = stateful().await;
    let receiver = Receiver::start(&[500, 503, 200]).await;
    let (endpoint_id, _) = endpoint(&server, &receiver.url, &["product.created"]).await;
    post(&server, "/v1/products", &[("name", "Gold")]).await;
    server.deliveries_settled().await;

    let id = endpoint_id.as_str();
    assert_eq!(
        attempts(&server.deliveries()),
        [(id, 1, Ok(500)), (id, 2, Ok(503)), (id, 3, Ok(200))]
    );
    let bodies: Vec<_> = receiver.received().into_iter().map(|r| r.body).collect();
    assert!(
        bodies.windows(2).all(|pair| pair[0] == pair[1]),
        "the same event each time"
    );
    assert_eq!(events(&server, "delivery_success=true").await.len(), 1);
    assert!(events(&server, "delivery_success=false").await.is_empty());
}

#[tokio::test]
async fn retries_stop_after_stripes_three() {
    let server = stateful().await;
    let failing = Receiver::start(&[500]).await;
    let (endpoint_id, _) = endpoint(&server, &failing.url, &["product.created"]).await;
    post(&server, "/v1/products", &[("name", "Gold")]).await;
    server.deliveries_settled().await;

    let log = server.deliveries();
    let numbers: Vec<u32> = log.iter().map(|a| a.attempt).collect();
    assert_eq!(numbers, (1..=1 + RETRIES).collect::<Vec<_>>());
    assert_eq!(RETRIES, 3, "Stripe's in test mode");
    assert!(log
        .iter()
        .all(|a| a.endpoint_id == endpoint_id && a.outcome == Ok(500)));
    assert_eq!(failing.received().len(), 4);
    let pending = events(&server, "delivery_success=false").await;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["pending_webhooks"], 1, "never taken");
}

#[tokio::test]
async fn an_endpoint_that_does_not_answer_is_logged_with_the_error() {
    let server = stateful().await;
    // A port nothing listens on once the listener is gone.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/webhook", listener.local_addr().unwrap());
    drop(listener);
    endpoint(&server, &url, &["product.created"]).await;
    post(&server, "/v1/products", &[("name", "Gold")]).await;
    server.deliveries_settled().await;

    let log = server.deliveries();
    assert_eq!(log.len(), 1 + RETRIES as usize);
    for attempt in &log {
        let error = attempt.outcome.as_ref().unwrap_err();
        assert!(error.contains(&url), "{error}");
        assert!(attempt.to_string().contains(error.as_str()), "{attempt}");
    }
}

#[tokio::test]
async fn a_delivery_does_not_hold_up_the_request_that_caused_it() {
    let server = stateful().await;
    // An endpoint that answers only once the test has its customer: were
    // the create waiting for its delivery, it would never return.
    let release = Arc::new(tokio::sync::Notify::new());
    let gate = Arc::clone(&release);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        gate.notified().await;
        drop(stream);
    });
    endpoint(&server, &url, &["customer.created"]).await;
    let created = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        Customer::create(&client(&server), &CreateCustomerParams::default()),
    )
    .await
    .expect("the create answers while its delivery waits");
    assert!(created.is_ok());
    release.notify_one();
}

#[tokio::test]
async fn a_thin_event_goes_to_the_v2_destinations_that_take_it() {
    use stripe::v2::core::EventNotification;
    let server = stateful().await;
    let receiver = Receiver::start(&[200]).await;
    let ping = "v2.core.event_destination.ping";
    let create = |enabled: &'static str, include: bool| {
        let mut body = serde_json::json!({
            "name": "orders", "type": "webhook_endpoint", "event_payload": "thin",
            "enabled_events": [enabled], "webhook_endpoint": {"url": receiver.url},
        });
        if include {
            body["include"] = serde_json::json!(["webhook_endpoint.signing_secret"]);
        }
        let request = reqwest::Client::new()
            .post(format!("{}/v2/core/event_destinations", server.url()))
            .bearer_auth(support::KEY)
            .json(&body);
        async move {
            let created: serde_json::Value = request.send().await.unwrap().json().await.unwrap();
            created
        }
    };
    let taking = create(ping, true).await;
    let secret = taking["webhook_endpoint"]["signing_secret"]
        .as_str()
        .expect("answered when included")
        .to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let quiet = create("v1.billing.meter.no_meter_found", false).await;
    assert!(
        quiet["webhook_endpoint"].get("signing_secret").is_none(),
        "only when included"
    );
    let taking_id = taking["id"].as_str().unwrap();
    let path = format!("/v2/core/event_destinations/{taking_id}/ping");
    let (status, event) = post(&server, &path, &[]).await;
    assert_eq!(status, 200, "{event:#}");
    server.deliveries_settled().await;

    let log = server.deliveries();
    assert_eq!(
        attempts(&log),
        [(taking_id, 1, Ok(200))],
        "not to {}",
        quiet["id"]
    );
    let delivery = &receiver.received()[0];
    let signature = delivery.signature.as_deref().unwrap();
    let note: EventNotification =
        stripe_runtime::webhook::parse_event_notification(&delivery.body, signature, &secret)
            .unwrap();
    let EventNotification::V2CoreEventDestinationPing(note) = note else {
        panic!("{note:?}")
    };
    assert_eq!(note.id, event["id"].as_str().unwrap());
}
