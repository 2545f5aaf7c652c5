//! What the client does differently on a `/v2/` path, against a scripted
//! server: JSON bodies, idempotency keys on DELETE kept across retries,
//! `Stripe-Context` (client, handle, request), v2 error bodies, and v2
//! lists followed only on Stripe's host.

mod common;

use std::collections::BTreeMap;

use common::{Reply, TestServer};
use futures::TryStreamExt;
use serde_json::{json, Value};
use stripe_runtime::client::{Method, Request};
use stripe_runtime::error::ErrorType;
use stripe_runtime::{Error, V2List};

/// An error code enum as the generator makes one per v2 operation.
#[derive(Debug, PartialEq)]
enum MeterEventErrorCode {
    ArchivedMeter,
    NoMeter,
    Unknown(String),
}

impl From<&str> for MeterEventErrorCode {
    fn from(code: &str) -> Self {
        match code {
            "archived_meter" => Self::ArchivedMeter,
            "no_meter" => Self::NoMeter,
            other => Self::Unknown(other.to_owned()),
        }
    }
}

#[tokio::test]
async fn a_v2_error_is_read_with_its_code_type_and_messages() {
    let server = TestServer::scripted(vec![
        Reply::json(400, json!({"error": {"code": "no_meter", "message": "A meter must exist to submit events.",
            "user_message": "Set up billing first.", "doc_url": "https://docs.stripe.com/error-codes/no-meter"}}))
        .header("request-id", "req_v2"),
        Reply::json(401, json!({"error": {"type": "temporary_session_expired", "code": "billing_meter_event_session_expired",
            "message": "The temporary session token has expired.", "doc_url": "https://docs.stripe.com/api/v2/billing/meter-event-session"}})),
        Reply::json(400, json!({"error": {"code": "payload_invalid_value", "message": "The value must be a positive integer."}})),
    ])
    .await;
    let client = server.client();
    let send = || {
        client.execute::<Value>(
            Request::new(Method::Post, "/v2/billing/meter_events")
                .json(&json!({"event_name": "x"})),
        )
    };
    let Err(Error::Api(error)) = send().await else {
        panic!("an API error")
    };
    assert_eq!(
        (error.status, error.request_id.as_deref()),
        (400, Some("req_v2"))
    );
    assert_eq!(
        error.code_as::<MeterEventErrorCode>(),
        Some(MeterEventErrorCode::NoMeter)
    );
    assert_eq!(
        error.message.as_deref(),
        Some("A meter must exist to submit events.")
    );
    assert_eq!(error.user_message.as_deref(), Some("Set up billing first."));
    assert_eq!(
        error.doc_url.as_deref(),
        Some("https://docs.stripe.com/error-codes/no-meter")
    );
    assert_eq!(error.error_type, ErrorType::Unknown(String::new()));
    assert_eq!(
        error.to_string(),
        "HTTP 400 error (no_meter): A meter must exist to submit events. [request req_v2]"
    );

    let Err(Error::Api(error)) = send().await else {
        panic!("an API error")
    };
    assert_eq!(error.error_type, ErrorType::TemporarySessionExpired);
    assert_eq!(error.status, 401);
    // A code the operation does not list is kept.
    let Err(Error::Api(error)) = send().await else {
        panic!("an API error")
    };
    assert_eq!(
        error.code_as::<MeterEventErrorCode>(),
        Some(MeterEventErrorCode::Unknown(
            "payload_invalid_value".to_owned()
        ))
    );
}

#[tokio::test]
async fn a_v2_delete_has_an_idempotency_key_and_keeps_it_across_retries() {
    let server = TestServer::scripted(vec![
        Reply::json(
            500,
            json!({"error": {"code": "internal", "message": "try again"}}),
        ),
        Reply::json(
            200,
            json!({"id": "ed_1", "object": "v2.core.event_destination"}),
        ),
        Reply::json(
            200,
            json!({"id": "cus_1", "object": "customer", "deleted": true}),
        ),
    ])
    .await;
    let client = server.client();
    let _: Value = client
        .execute(Request::new(
            Method::Delete,
            "/v2/core/event_destinations/ed_1",
        ))
        .await
        .unwrap();
    let requests = server.requests();
    let keys: Vec<Option<&str>> = requests
        .iter()
        .map(|r| r.header("idempotency-key"))
        .collect();
    assert!(keys[0].is_some());
    assert_eq!(keys[0], keys[1], "the retry sends the same key");
    // v1 keys no DELETE.
    let _: Value = client
        .execute(Request::new(Method::Delete, "/v1/customers/cus_1"))
        .await
        .unwrap();
    assert_eq!(server.requests()[2].header("idempotency-key"), None);
}

#[tokio::test]
async fn stripe_context_is_the_requests_then_the_handles_then_the_clients() {
    let server = TestServer::start(|_, _| Reply::json(200, json!({}))).await;
    let client = server.builder().stripe_context("acct_client").build();
    let get = || Request::new(Method::Get, "/v2/core/events");
    let _: Value = client.execute(get()).await.unwrap();
    let _: Value = client
        .with_stripe_context("acct_handle")
        .execute(get())
        .await
        .unwrap();
    let _: Value = client
        .with_stripe_context("acct_handle")
        .execute(get().stripe_context("acct_event/acct_sub"))
        .await
        .unwrap();
    let contexts: Vec<Option<String>> = server
        .requests()
        .iter()
        .map(|r| r.header("stripe-context").map(str::to_owned))
        .collect();
    assert_eq!(
        contexts,
        [
            Some("acct_client"),
            Some("acct_handle"),
            Some("acct_event/acct_sub")
        ]
        .map(|c| c.map(str::to_owned))
    );
    // Printed as sent, for a dry run.
    let prepared = server
        .client()
        .with_stripe_context("acct_1")
        .prepare(&get())
        .unwrap();
    assert!(prepared
        .headers()
        .contains(&("stripe-context".to_owned(), "acct_1".to_owned())));
}

#[tokio::test]
async fn a_body_less_v2_post_sends_an_empty_object_and_raw_requests_send_json() {
    let server = TestServer::start(|_, _| Reply::json(200, json!({"id": "x"}))).await;
    let client = server.client();
    let _: Value = client
        .execute(
            Request::new(Method::Post, "/v2/core/event_destinations/ed_1/enable")
                .json(&BTreeMap::<String, String>::new()),
        )
        .await
        .unwrap();
    client
        .raw_request(
            Method::Post,
            "/v2/billing/meter_events",
            &json!({"event_name": "e", "payload": {"value": "1"}}),
        )
        .await
        .unwrap();
    client
        .raw_request(Method::Post, "/v1/customers", &json!({"email": "a@b.c"}))
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].body_str(), "{}");
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    assert_eq!(
        requests[1].body_str(),
        r#"{"event_name":"e","payload":{"value":"1"}}"#
    );
    assert_eq!(requests[2].body_str(), "email=a%40b.c");
}

#[derive(Debug)]
struct Item {
    id: String,
}

impl stripe_runtime::Decode for Item {
    fn decode(d: &mut stripe_core::Decoder<'_>) -> Result<Self, stripe_core::Failure> {
        let mut id = None;
        let start = d.begin_object()?;
        while let Some(key) = d.next_field()? {
            match key {
                "id" => id = Some(d.string()?),
                _ => d.skip()?,
            }
        }
        Ok(Item {
            id: stripe_core::decode::required(id, start, "id")?,
        })
    }
}

fn page(ids: &[&str], next: Option<&str>) -> Reply {
    let data: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
    Reply::json(
        200,
        json!({"data": data, "next_page_url": next, "previous_page_url": null}),
    )
}

#[tokio::test]
async fn a_v2_list_follows_next_page_url_as_given_with_the_same_headers() {
    let server = TestServer::scripted(vec![
        page(&["a", "b"], Some("/v2/core/events?limit=2&page=p%5B2%5D")),
        page(&[], Some("/v2/core/events?limit=2&page=p3")),
        page(&["c"], None),
    ])
    .await;
    let client = server.client();
    let request = Request::new(Method::Get, "/v2/core/events")
        .query(&json!({"limit": 2, "types": ["a.b", "c.d"]}))
        .stripe_context("acct_1");
    let items: Vec<Item> = client.paginate_v2(request).try_collect().await.unwrap();
    assert_eq!(
        items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["a", "b", "c"]
    );
    let requests = server.requests();
    // The first with the caller's filters, indexed as Stripe's SDKs send
    // them; then each URL as it came, with the request's context.
    assert_eq!(
        requests[0].query.as_deref(),
        Some("limit=2&types%5B0%5D=a.b&types%5B1%5D=c.d")
    );
    assert_eq!(requests[1].query.as_deref(), Some("limit=2&page=p%5B2%5D"));
    assert_eq!(requests[2].query.as_deref(), Some("limit=2&page=p3"));
    assert!(requests
        .iter()
        .all(|r| r.header("stripe-context") == Some("acct_1")));
}

#[tokio::test]
async fn a_next_page_on_another_host_is_never_followed() {
    let server = TestServer::scripted(vec![page(
        &["a"],
        Some("https://evil.example/v2/core/events?page=2"),
    )])
    .await;
    let stream = server
        .client()
        .paginate_v2::<Item>(Request::new(Method::Get, "/v2/core/events"));
    let results: Vec<Result<Item, Error>> = futures::StreamExt::collect(stream).await;
    assert_eq!(results.len(), 2, "the first page's item, then the error");
    let Err(Error::Encode(error)) = &results[1] else {
        panic!("{results:?}")
    };
    assert_eq!(error.key, "url");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_v2_list_decodes_and_writes_back_its_page_urls() {
    let page: V2List<Value> = stripe_core::from_slice(
        br#"{"data":[{"id":"a"}],"next_page_url":"/v2/x?page=2","previous_page_url":null}"#,
    )
    .unwrap();
    assert_eq!(page.next_page_url.as_deref(), Some("/v2/x?page=2"));
    assert_eq!(
        serde_json::to_value(&page).unwrap(),
        json!({"data": [{"id": "a"}], "next_page_url": "/v2/x?page=2", "previous_page_url": null})
    );
}
