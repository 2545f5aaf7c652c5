//! `Forwarder`: a delivery as Stripe sends one, verified by the receiver
//! with the endpoint's secret; the endpoint's answer as it came; no answer
//! is an error that names the URL.

mod common;

use std::time::Duration;

use common::{Reply, TestServer};
use serde_json::json;
use stripe_runtime::webhook::Webhook;
use stripe_runtime::Forwarder;

const SECRET: &str = "whsec_forward_test";

#[tokio::test]
async fn a_delivery_is_signed_json_the_receiver_verifies() {
    let server = TestServer::scripted(vec![Reply::raw(200, "ok")]).await;
    let payload = json!({"id": "evt_1", "object": "event", "type": "customer.created"}).to_string();
    let headers = [("x-extra".to_owned(), "1".to_owned())];
    let delivered = Forwarder::new()
        .send(
            &format!("{}/webhook", server.url),
            payload.as_bytes(),
            SECRET,
            &headers,
        )
        .await
        .unwrap();
    assert!(delivered.accepted());
    assert_eq!(&delivered.body[..], b"ok");

    let received = &server.requests()[0];
    assert_eq!(
        (received.method.as_str(), received.path.as_str()),
        ("POST", "/webhook")
    );
    assert_eq!(received.body, payload.as_bytes());
    assert_eq!(
        received.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert!(received
        .header("user-agent")
        .unwrap()
        .starts_with("Stripe/1.0"));
    assert_eq!(received.header("x-extra"), Some("1"));
    let signature = received.header("stripe-signature").unwrap();
    Webhook::new(SECRET)
        .verify(&received.body, signature)
        .expect("signed with the endpoint's secret, now");
    assert!(Webhook::new("whsec_other")
        .verify(&received.body, signature)
        .is_err());
}

#[tokio::test]
async fn the_endpoints_refusal_is_its_answer_not_an_error() {
    let server = TestServer::scripted(vec![Reply::raw(400, "bad signature")]).await;
    let delivered = Forwarder::new()
        .send(&server.url, b"{}", SECRET, &[])
        .await
        .unwrap();
    assert_eq!(delivered.status, 400);
    assert!(!delivered.accepted());
}

#[tokio::test]
async fn no_answer_is_an_error_naming_the_url() {
    // A port nothing listens on: bind one, then let it go.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/webhook", listener.local_addr().unwrap());
    drop(listener);
    let error = Forwarder::new()
        .send(&url, b"{}", SECRET, &[])
        .await
        .unwrap_err();
    assert!(error.is_connect(), "{error}");
    assert!(error.to_string().contains(&url), "{error}");

    let slow =
        TestServer::scripted(vec![Reply::raw(200, "late").delay(Duration::from_secs(2))]).await;
    let error = Forwarder::new()
        .timeout(Duration::from_millis(100))
        .send(&slow.url, b"{}", SECRET, &[])
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
}
