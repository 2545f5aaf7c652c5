//! The blocking client (feature `blocking`): calls and pagination from a
//! plain thread, with the async client's retries and errors.

mod common;

use common::{Reply, TestServer};
use serde_json::json;
use stripe_core::{Method, Request, StripeClient};
use stripe_runtime::{blocking, Error};

/// A runtime that serves the test server while the test thread blocks.
fn serve(replies: Vec<Reply>) -> (tokio::runtime::Runtime, TestServer) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(TestServer::scripted(replies));
    (runtime, server)
}

#[test]
fn calls_return_their_result_with_retries_and_errors() {
    let (_runtime, server) = serve(vec![
        Reply::json(
            500,
            json!({"error": {"type": "api_error", "message": "boom"}}),
        ),
        Reply::json(200, json!({"id": "cus_1", "object": "customer"})),
        Reply::json(
            404,
            json!({"error": {"type": "invalid_request_error", "code": "resource_missing"}}),
        ),
    ]);
    let client = blocking::Client::try_from_async(server.client()).unwrap();
    let customer: serde_json::Value = client
        .execute(Request::new(Method::Get, "/v1/customers/cus_1"))
        .unwrap();
    assert_eq!(customer["id"], "cus_1");
    assert_eq!(server.requests().len(), 2, "the 500 was retried");
    match client.raw_request(Method::Get, "/v1/customers/cus_2", &json!({})) {
        Err(Error::Api(error)) => assert_eq!(error.code.as_deref(), Some("resource_missing")),
        other => panic!("expected Stripe's 404, got {other:?}"),
    }
}

#[test]
fn lists_are_iterators_that_fetch_pages_as_they_go() {
    let (_runtime, server) = serve(vec![
        Reply::json(
            200,
            json!({"object": "list", "url": "/v1/customers", "has_more": true, "data": [{"id": "cus_1"}, {"id": "cus_2"}]}),
        ),
        Reply::json(
            200,
            json!({"object": "list", "url": "/v1/customers", "has_more": false, "data": [{"id": "cus_3"}]}),
        ),
    ]);
    let client = blocking::Client::try_from_async(server.client()).unwrap();
    let pages = client.paginate::<Customer>(Request::new(Method::Get, "/v1/customers"));
    let ids: Vec<String> = pages.map(|c| c.unwrap().id).collect();
    assert_eq!(ids, ["cus_1", "cus_2", "cus_3"]);
    assert_eq!(
        server.requests()[1]
            .query_value("starting_after")
            .as_deref(),
        Some("cus_2")
    );
}

/// The smallest list item: an id.
struct Customer {
    id: String,
}

impl stripe_core::Decode for Customer {
    fn decode(decoder: &mut stripe_core::Decoder<'_>) -> Result<Self, stripe_core::Failure> {
        let value: serde_json::Value = stripe_core::Decode::decode(decoder)?;
        Ok(Customer {
            id: value["id"].as_str().unwrap_or_default().to_owned(),
        })
    }
}

impl stripe_core::Object for Customer {
    type Id = stripe_core::IdStr;

    fn id(&self) -> Option<&str> {
        Some(&self.id)
    }
}
