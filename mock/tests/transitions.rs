//! The stateful mock's objects move as Stripe's do: the states a new object
//! starts in and what each action does, as `spec/mock.toml` says, and
//! metadata keys deleted by an empty value.

mod support;

use std::collections::BTreeMap;

use serde_json::json;
use stripe::climate::{CreateOrderParams, Order, OrderCancellationReason, OrderStatus};
use stripe::identity::{
    CreateVerificationSessionParams, CreateVerificationSessionType, VerificationSession,
    VerificationSessionStatus,
};
use stripe::{
    CreateCustomerParams, CreateInvoiceParams, CreatePaymentIntentCaptureMethod,
    CreatePaymentIntentParams, Customer, Invoice, InvoiceStatus, PaymentIntent,
    PaymentIntentStatus, Subscription, SubscriptionStatus, UpdateCustomerParams,
};
use stripe_mock::MockServer;
use stripe_runtime::encode::Unsettable;
use stripe_runtime::error::ApiError;
use stripe_runtime::{Client, Error};
use support::{client, events, get, post, stateful, types};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Within a minute of now: set by the call just made.
fn is_now(time: Option<stripe::Timestamp>) -> bool {
    time.is_some_and(|time| (now() - time.0).abs() < 60)
}

fn refused(result: Result<impl std::fmt::Debug, Error>) -> ApiError {
    match result {
        Err(Error::Api(error)) => {
            assert_eq!(error.status, 400, "{error:?}");
            error
        }
        other => panic!("expected Stripe's 400, got {other:?}"),
    }
}

async fn new_session(client: &Client) -> VerificationSession {
    let params = CreateVerificationSessionParams::new(CreateVerificationSessionType::Document);
    VerificationSession::create(client, &params).await.unwrap()
}

#[tokio::test]
async fn a_new_verification_session_requires_input() {
    let server = stateful().await;
    let session = new_session(&client(&server)).await;
    assert_eq!(session.status, VerificationSessionStatus::RequiresInput);
    assert!(
        session.last_verification_report.is_none(),
        "nothing verified yet"
    );
    assert!(session.redaction.is_none());
}

#[tokio::test]
async fn redact_starts_the_redaction_and_cancels_a_session_requiring_action() {
    let server = stateful().await;
    let client = client(&server);
    let session = new_session(&client).await;
    let redacted = VerificationSession::redact(&client, &session.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(
        redacted.redaction.map(|r| r.status.to_string()).as_deref(),
        Some("processing")
    );
    assert_eq!(redacted.status, VerificationSessionStatus::RequiresInput);

    // Stripe's reference names `requires_action`, which no call of the
    // API reaches: the test starts from it.
    let waiting = json!({
        "id": "vs_waiting", "object": "identity.verification_session", "client_secret": null,
        "created": 1, "last_error": null, "last_verification_report": null, "livemode": false,
        "metadata": {}, "options": {}, "redaction": null, "status": "requires_action",
        "type": "document", "url": null
    });
    server
        .insert("/v1/identity/verification_sessions", waiting)
        .unwrap();
    let path = "/v1/identity/verification_sessions/vs_waiting/redact";
    let (status, body) = post(&server, path, &[]).await;
    assert_eq!(status, 200, "{body:#}");
    assert_eq!(
        (&body["status"], &body["redaction"]),
        (&json!("canceled"), &json!({"status": "processing"}))
    );
    let (_, kept) = get(&server, "/v1/identity/verification_sessions/vs_waiting").await;
    assert_eq!(kept["status"], "canceled", "kept so");
    assert_eq!(
        types(&events(&server, "type=identity.*").await)[..2],
        [
            "identity.verification_session.redacted",
            "identity.verification_session.canceled"
        ]
    );

    // Neither `processing` nor `canceled` can be redacted.
    let error =
        refused(VerificationSession::redact(&client, "vs_waiting", &Default::default()).await);
    assert!(
        error.message.as_deref().unwrap().contains("`canceled`"),
        "{error:?}"
    );
}

#[tokio::test]
async fn only_a_session_requiring_input_is_canceled() {
    let server = stateful().await;
    let client = client(&server);
    let session = new_session(&client).await;
    let canceled = VerificationSession::cancel(&client, &session.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(canceled.status, VerificationSessionStatus::Canceled);
    refused(VerificationSession::cancel(&client, &session.id, &Default::default()).await);
    assert_eq!(
        types(&events(&server, "").await),
        [
            "identity.verification_session.canceled",
            "identity.verification_session.created"
        ]
    );
}

#[tokio::test]
async fn a_climate_order_is_canceled_with_its_time() {
    let server = stateful().await;
    let client = client(&server);
    let params = CreateOrderParams {
        metric_tons: Some("10".parse().unwrap()),
        ..CreateOrderParams::new("climsku_frontier_offtake_portfolio_2027")
    };
    let order = Order::create(&client, &params).await.unwrap();
    assert_eq!(order.status, OrderStatus::Open);
    assert_eq!(
        (order.canceled_at, order.delivered_at),
        (None, None),
        "not the fixture's times"
    );
    let canceled = Order::cancel(&client, &order.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(canceled.status, OrderStatus::Canceled);
    assert!(is_now(canceled.canceled_at), "{:?}", canceled.canceled_at);
    assert_eq!(
        canceled.cancellation_reason,
        Some(OrderCancellationReason::Requested)
    );
    refused(Order::cancel(&client, &order.id, &Default::default()).await);
}

#[tokio::test]
async fn an_invoice_goes_from_draft_to_open_to_paid_or_void() {
    let server = stateful().await;
    let client = client(&server);
    let customer = Customer::create(&client, &Default::default())
        .await
        .unwrap();
    let params = CreateInvoiceParams {
        customer: Some(customer.id.into()),
        ..Default::default()
    };
    let draft = Invoice::create(&client, &params).await.unwrap();
    assert_eq!(draft.status, Some(InvoiceStatus::Draft));
    let id = draft.id.clone().unwrap();
    refused(Invoice::pay(&client, &id, &Default::default()).await);

    let open = Invoice::finalize(&client, &id, &Default::default())
        .await
        .unwrap();
    assert_eq!(open.status, Some(InvoiceStatus::Open));
    assert!(is_now(open.status_transitions.finalized_at));
    refused(Invoice::finalize(&client, &id, &Default::default()).await);

    let paid = Invoice::pay(&client, &id, &Default::default())
        .await
        .unwrap();
    assert_eq!(paid.status, Some(InvoiceStatus::Paid));
    assert_eq!(
        (paid.amount_paid, paid.amount_remaining, paid.paid),
        (draft.amount_due, 0, Some(true))
    );
    assert!(is_now(paid.status_transitions.paid_at));
    refused(Invoice::void(&client, &id, &Default::default()).await);

    let other = Invoice::create(&client, &params).await.unwrap();
    let other = other.id.unwrap();
    Invoice::finalize(&client, &other, &Default::default())
        .await
        .unwrap();
    let void = Invoice::void(&client, &other, &Default::default())
        .await
        .unwrap();
    assert_eq!(void.status, Some(InvoiceStatus::Void));
    assert!(is_now(void.status_transitions.voided_at));
}

#[tokio::test]
async fn a_payment_intent_is_confirmed_and_captured() {
    let server = stateful().await;
    let client = client(&server);
    let manual = CreatePaymentIntentParams {
        capture_method: Some(CreatePaymentIntentCaptureMethod::Manual),
        ..CreatePaymentIntentParams::new(2000, "usd")
    };
    let intent = PaymentIntent::create(&client, &manual).await.unwrap();
    assert_eq!(intent.canceled_at, None);
    let confirmed = PaymentIntent::confirm(&client, &intent.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(
        (confirmed.status, confirmed.amount_capturable),
        (PaymentIntentStatus::RequiresCapture, Some(2000))
    );
    let captured = PaymentIntent::capture(&client, &intent.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(
        (
            captured.status,
            captured.amount_received,
            captured.amount_capturable
        ),
        (PaymentIntentStatus::Succeeded, Some(2000), Some(0))
    );
    let error = refused(PaymentIntent::capture(&client, &intent.id, &Default::default()).await);
    assert!(
        error.message.unwrap().contains("has a status of succeeded"),
        "Stripe's words"
    );

    let automatic = PaymentIntent::create(&client, &CreatePaymentIntentParams::new(500, "usd"))
        .await
        .unwrap();
    let succeeded = PaymentIntent::confirm(&client, &automatic.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(
        (succeeded.status, succeeded.amount_received),
        (PaymentIntentStatus::Succeeded, Some(500))
    );
    assert_eq!(
        types(&events(&server, "type=payment_intent.*").await),
        [
            "payment_intent.succeeded",
            "payment_intent.created",
            "payment_intent.succeeded",
            "payment_intent.amount_capturable_updated",
            "payment_intent.created"
        ]
    );
}

#[tokio::test]
async fn a_charge_succeeds_captured_or_held_and_is_captured_once() {
    let server = stateful().await;
    let card = [
        ("amount", "700"),
        ("currency", "usd"),
        ("source", "tok_visa"),
    ];
    let (_, captured) = post(&server, "/v1/charges", &card).await;
    assert_eq!(
        (
            &captured["status"],
            &captured["captured"],
            &captured["amount_captured"]
        ),
        (&json!("succeeded"), &json!(true), &json!(700))
    );
    let held = [&card[..], &[("capture", "false")]].concat();
    let (_, held) = post(&server, "/v1/charges", &held).await;
    assert_eq!(
        (&held["captured"], &held["amount_captured"]),
        (&json!(false), &json!(0))
    );
    let capture = format!("/v1/charges/{}/capture", held["id"].as_str().unwrap());
    let (status, now_captured) = post(&server, &capture, &[]).await;
    assert_eq!(status, 200, "{now_captured:#}");
    assert_eq!(
        (&now_captured["captured"], &now_captured["amount_captured"]),
        (&json!(true), &json!(700))
    );
    let (status, again) = post(&server, &capture, &[]).await;
    assert_eq!(status, 400, "{again:#}");
    assert!(
        again["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already been captured"),
        "{again:#}"
    );
    assert_eq!(
        types(&events(&server, "type=charge.*").await),
        ["charge.captured", "charge.succeeded", "charge.succeeded"]
    );
}

#[tokio::test]
async fn canceling_a_subscription_keeps_it_canceled() {
    let server = stateful().await;
    let client = client(&server);
    let customer = Customer::create(&client, &Default::default())
        .await
        .unwrap();
    let form = [
        ("customer", customer.id.as_str()),
        ("items[0][price]", "price_1"),
    ];
    let (_, created) = post(&server, "/v1/subscriptions", &form).await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(created["canceled_at"], json!(null));
    let canceled = Subscription::cancel(&client, id, &Default::default())
        .await
        .unwrap();
    assert_eq!(canceled.status, SubscriptionStatus::Canceled);
    assert!(is_now(canceled.canceled_at) && is_now(canceled.ended_at));
    let retrieved = Subscription::retrieve(&client, id, &Default::default())
        .await
        .unwrap();
    assert_eq!(
        retrieved.status,
        SubscriptionStatus::Canceled,
        "still there"
    );
}

#[tokio::test]
async fn an_empty_metadata_value_deletes_the_key() {
    let server = stateful().await;
    let client = client(&server);
    let metadata = |pairs: &[(&str, &str)]| {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Some(Unsettable::Set(map))
    };
    let params = CreateCustomerParams {
        metadata: metadata(&[("order", "6735"), ("tier", "gold")]),
        ..Default::default()
    };
    let customer = Customer::create(&client, &params).await.unwrap();
    let update = UpdateCustomerParams {
        metadata: metadata(&[("order", "")]),
        ..Default::default()
    };
    let updated = Customer::update(&client, &customer.id, &update)
        .await
        .unwrap();
    let sent = server.requests();
    assert!(sent
        .last()
        .unwrap()
        .form_pairs()
        .contains(&("metadata[order]".to_owned(), String::new())));
    assert_eq!(
        updated.metadata.unwrap(),
        BTreeMap::from([("tier".to_owned(), "gold".to_owned())])
    );
    let event = &events(&server, "type=customer.updated").await[0];
    assert_eq!(
        event["data"]["previous_attributes"],
        json!({"metadata": {"order": "6735"}})
    );
}

#[tokio::test]
async fn an_empty_metadata_value_deletes_the_key_of_a_json_body_too() {
    let server = stateful().await;
    let destinations = format!("{}/v2/core/event_destinations", server.url());
    let http = reqwest::Client::new();
    let send = |url: String, body: serde_json::Value| {
        http.post(url).bearer_auth(support::KEY).json(&body).send()
    };
    let created: serde_json::Value = send(
        destinations.clone(),
        json!({
            "name": "orders", "type": "webhook_endpoint", "event_payload": "thin",
            "enabled_events": ["v2.core.event_destination.ping"],
            "webhook_endpoint": {"url": "https://example.com/hooks"},
            "metadata": {"team": "billing", "owner": "jenny"}
        }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let url = format!("{destinations}/{}", created["id"].as_str().unwrap());
    let updated = send(url, json!({"metadata": {"team": "", "owner": null}}))
        .await
        .unwrap();
    assert_eq!(updated.status(), 200);
    let updated: serde_json::Value = updated.json().await.unwrap();
    assert_eq!(updated["metadata"], json!({}));
}

#[tokio::test]
async fn a_stateless_mock_keeps_nothing_to_insert_into() {
    let server = MockServer::start().await;
    let error = server
        .insert("/v1/customers", json!({"id": "cus_1"}))
        .unwrap_err();
    assert!(error.contains("stateful"), "{error}");
    let stateful = stateful().await;
    assert!(stateful.insert("/v1/balance", json!({"id": "x"})).is_err());
    assert!(stateful
        .insert("/v1/customers", json!({"email": "no id"}))
        .is_err());
}
