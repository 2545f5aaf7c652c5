//! What the stateful tests share: a stateful mock with a short delivery
//! backoff, the generated client and raw HTTP pointed at it, and a local
//! webhook receiver that answers as a test scripts it.

#![allow(dead_code)] // Each test file uses its part.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use stripe_mock::MockServer;
use stripe_runtime::Client;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub const KEY: &str = "sk_test_events";

/// A stateful mock whose failed deliveries are retried after 2, 4 and 8 ms.
pub async fn stateful() -> MockServer {
    MockServer::builder()
        .stateful()
        .delivery_backoff(Duration::from_millis(2))
        .start()
        .await
        .unwrap()
}

pub fn client(server: &MockServer) -> Client {
    Client::builder(KEY)
        .api_base(server.url())
        .max_retries(0)
        .build()
}

/// A raw request to the mock with the test key: the status and the JSON body.
pub async fn call(
    server: &MockServer,
    method: reqwest::Method,
    path_and_query: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path_and_query}", server.url()))
        .bearer_auth(KEY);
    if !form.is_empty() {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        request = request
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

pub async fn get(server: &MockServer, path_and_query: &str) -> (u16, Value) {
    call(server, reqwest::Method::GET, path_and_query, &[]).await
}

pub async fn post(server: &MockServer, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
    call(server, reqwest::Method::POST, path, form).await
}

/// The recorded events, newest first, as `GET /v1/events` lists them.
pub async fn events(server: &MockServer, query: &str) -> Vec<Value> {
    let (status, page) = get(server, &format!("/v1/events?limit=100&{query}")).await;
    assert_eq!(status, 200, "{page:#}");
    page["data"].as_array().unwrap().clone()
}

/// The `type`s of events, in their order.
pub fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

/// A webhook endpoint created on the mock: its id and secret.
pub async fn endpoint(server: &MockServer, url: &str, enabled_events: &[&str]) -> (String, String) {
    let mut form = vec![("url", url)];
    form.extend(enabled_events.iter().map(|t| ("enabled_events[]", *t)));
    let (status, endpoint) = post(server, "/v1/webhook_endpoints", &form).await;
    assert_eq!(status, 200, "{endpoint:#}");
    let text = |field: &str| endpoint[field].as_str().unwrap().to_owned();
    (text("id"), text("secret"))
}

/// One delivery as the receiver got it.
#[derive(Debug, Clone)]
pub struct Received {
    pub signature: Option<String>,
    pub body: Bytes,
}

/// A local webhook endpoint: answers its deliveries with the statuses it
/// was given, in order, the last one again after that.
pub struct Receiver {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    task: JoinHandle<()>,
}

impl Receiver {
    pub async fn start(statuses: &[u16]) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/webhook", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let statuses = Arc::new(statuses.to_vec());
        let log = Arc::clone(&received);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (log, statuses) = (Arc::clone(&log), Arc::clone(&statuses));
                let service = service_fn(move |request| {
                    answer(Arc::clone(&log), Arc::clone(&statuses), request)
                });
                tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
            }
        });
        Receiver {
            url,
            received,
            task,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    log: Arc<Mutex<Vec<Received>>>,
    statuses: Arc<Vec<u16>>,
    request: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let signature = request
        .headers()
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = request.into_body().collect().await.unwrap().to_bytes();
    let status = {
        let mut log = log.lock().unwrap();
        log.push(Received { signature, body });
        statuses[(log.len() - 1).min(statuses.len() - 1)]
    };
    let mut response = hyper::Response::new(Full::new(Bytes::new()));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
    Ok(response)
}
