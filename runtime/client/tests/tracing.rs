//! With the `tracing` feature, each request is a span with its method,
//! path, status, request id and attempts; never the key.

mod common;

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use common::{Reply, TestServer, TEST_KEY};
use serde_json::json;
use stripe_runtime::Method;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Every span's name and fields, as recorded.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<(String, BTreeMap<String, String>)>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Spans {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut spans = self.0.lock().unwrap();
        let mut fields = BTreeMap::new();
        span.record(&mut Fields(&mut fields));
        spans.push((span.metadata().name().to_owned(), fields));
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.0.lock().unwrap();
        let (_, fields) = &mut spans[span.into_u64() as usize - 1];
        values.record(&mut Fields(fields));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn each_request_is_a_span_with_status_request_id_and_attempts() {
    let spans = Spans::default();
    let _guard = tracing::subscriber::set_default(spans.clone());
    let server = TestServer::scripted(vec![
        Reply::json(500, json!({"error": {"type": "api_error"}})),
        Reply::json(200, json!({"id": "cus_1"})).header("request-id", "req_traced"),
    ])
    .await;
    server
        .client()
        .raw_request(Method::Get, "/v1/customers/cus_1", &json!({}))
        .await
        .unwrap();
    let spans = spans.0.lock().unwrap().clone();
    let (name, fields) = spans
        .iter()
        .find(|(name, _)| name == "stripe.request")
        .expect("a request span");
    assert_eq!(name, "stripe.request");
    assert_eq!(fields["method"], "GET");
    assert_eq!(fields["path"], "/v1/customers/cus_1");
    assert_eq!(fields["status"], "200");
    assert_eq!(fields["request_id"], "req_traced");
    assert_eq!(fields["attempts"], "2");
    assert!(
        fields.values().all(|v| !v.contains(TEST_KEY)),
        "the key is in a span: {fields:?}"
    );
}
