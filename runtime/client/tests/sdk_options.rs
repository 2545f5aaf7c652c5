//! What the client has besides endpoints, as Stripe's SDKs have it: raw
//! requests, the telemetry headers (and their opt-out), per-request timeout
//! and retry count.

mod common;

use std::time::Duration;

use common::{Reply, TestServer};
use serde_json::json;
use stripe_runtime::{AppInfo, Error, Method};

fn ok(request_id: &str) -> Reply {
    Reply::json(200, json!({"id": "cus_1", "object": "customer"})).header("request-id", request_id)
}

#[tokio::test]
async fn raw_requests_reach_any_path_and_answer_json() {
    let server = TestServer::scripted(vec![ok("req_1"), ok("req_2")]).await;
    let client = server.client();
    let got = client
        .raw_request(
            Method::Get,
            "/v1/crypto/onramp_quotes",
            &json!({"source_amount": "100", "destination_currencies": ["eth"]}),
        )
        .await
        .unwrap();
    assert_eq!(got["id"], "cus_1");
    let created = client
        .raw_request(
            Method::Post,
            "/v1/customers",
            &json!({"metadata": {"order": "6735"}}),
        )
        .await
        .unwrap();
    assert_eq!(created["object"], "customer");
    let requests = server.requests();
    assert_eq!(requests[0].path, "/v1/crypto/onramp_quotes");
    let mut query = requests[0].query_pairs();
    query.sort();
    assert_eq!(
        query,
        [
            ("destination_currencies[0]".to_owned(), "eth".to_owned()),
            ("source_amount".to_owned(), "100".to_owned())
        ]
    );
    assert_eq!(
        (requests[1].method.as_str(), requests[1].body_str()),
        ("POST", "metadata%5Border%5D=6735")
    );
    assert!(requests[1].header("idempotency-key").is_some());
}

#[tokio::test]
async fn the_client_describes_itself_as_the_sdks_do() {
    let server = TestServer::scripted(vec![ok("req_first"), ok("req_second")]).await;
    let app = AppInfo::new("MyShop")
        .version("1.2.0")
        .url("https://myshop.example");
    let client = server.builder().app_info(app).build();
    let _ = client
        .raw_request(Method::Get, "/v1/customers/cus_1", &json!({}))
        .await
        .unwrap();
    let _ = client
        .raw_request(Method::Get, "/v1/customers/cus_1", &json!({}))
        .await
        .unwrap();
    let requests = server.requests();
    let user_agent = requests[0].header("user-agent").unwrap();
    assert!(
        user_agent.starts_with("typed-stripe-runtime/")
            && user_agent.ends_with(" MyShop/1.2.0 (https://myshop.example)"),
        "{user_agent}"
    );
    let client_agent: serde_json::Value =
        serde_json::from_str(requests[0].header("x-stripe-client-user-agent").unwrap()).unwrap();
    assert_eq!(client_agent["lang"], "rust");
    assert_eq!(
        client_agent["application"],
        json!({"name": "MyShop", "version": "1.2.0", "url": "https://myshop.example"})
    );
    assert!(client_agent["bindings_version"].is_string() && client_agent["uname"].is_string());
    assert!(
        requests[0].header("x-stripe-client-telemetry").is_none(),
        "nothing was timed before the first request"
    );
    let metrics: serde_json::Value =
        serde_json::from_str(requests[1].header("x-stripe-client-telemetry").unwrap()).unwrap();
    assert_eq!(metrics["last_request_metrics"]["request_id"], "req_first");
    assert!(metrics["last_request_metrics"]["request_duration_ms"].is_u64());
}

#[tokio::test]
async fn telemetry_can_be_turned_off() {
    let server = TestServer::scripted(vec![ok("req_1"), ok("req_2")]).await;
    let client = server.builder().telemetry(false).build();
    for _ in 0..2 {
        let _ = client
            .raw_request(Method::Get, "/v1/customers", &json!({}))
            .await
            .unwrap();
    }
    for request in server.requests() {
        assert!(request.header("x-stripe-client-user-agent").is_none());
        assert!(request.header("x-stripe-client-telemetry").is_none());
        assert!(request.header("user-agent").is_some());
    }
}

#[tokio::test]
async fn retries_and_timeout_can_be_set_per_request() {
    let failure = || {
        Reply::json(
            500,
            json!({"error": {"type": "api_error", "message": "boom"}}),
        )
    };
    let server = TestServer::scripted(vec![failure(), failure(), failure(), failure()]).await;
    let client = server.client();
    let error = client
        .with_max_retries(0)
        .raw_request(Method::Get, "/v1/customers", &json!({}))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert_eq!(server.requests().len(), 1, "no retry through the handle");
    let _ = client
        .raw_request(Method::Get, "/v1/customers", &json!({}))
        .await
        .unwrap_err();
    assert_eq!(
        server.requests().len(),
        4,
        "the client itself still retries twice"
    );

    let slow = TestServer::scripted(vec![ok("req_1").delay(Duration::from_millis(500))]).await;
    let error = slow
        .client()
        .with_max_retries(0)
        .with_timeout(Duration::from_millis(50))
        .raw_request(Method::Get, "/v1/customers", &json!({}))
        .await
        .unwrap_err();
    match error {
        Error::Transport(transport) => assert!(transport.is_timeout(), "{transport}"),
        other => panic!("expected a timeout, got {other}"),
    }
}
