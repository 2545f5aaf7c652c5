//! The HTTP side: a hyper server on 127.0.0.1 that answers every request
//! with [`respond`] (or the stateful store) and records it, and in the
//! stateful mode hands the events the store recorded to the deliveries.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::answer::{body_pairs, respond, MockRequest};
use crate::api::{Api, LoadError};
use crate::deliveries::{Deliveries, DeliveryAttempt, Observer, DEFAULT_BACKOFF};
use crate::lock;
use crate::state::{Credentials, Outcome, Store};

/// A request as the mock received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// `GET`, `POST`, `DELETE`, ...
    pub method: String,
    /// The path, still percent-encoded, without the query.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// Every header, names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    /// The `operationId` the request was routed to, if any.
    pub operation_id: Option<String>,
    /// The status the mock answered with.
    pub status: u16,
    /// The `Request-Id` the mock answered with.
    pub request_id: String,
}

impl RecordedRequest {
    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The decoded `key=value` pairs of the query string.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect()
    }

    /// The decoded pairs of a form (or multipart) body.
    pub fn form_pairs(&self) -> Vec<(String, String)> {
        body_pairs(self.header("content-type"), &self.body).unwrap_or_default()
    }
}

/// A running mock of the Stripe API on `127.0.0.1`. Stops when dropped.
///
/// ```no_run
/// # async fn run() {
/// let server = stripe_mock::MockServer::start().await;
/// let base = server.url(); // http://127.0.0.1:PORT
/// // ... point a client at `base`, then:
/// assert!(server.requests().iter().all(|r| r.status == 200));
/// # }
/// ```
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

struct State {
    api: Arc<Api>,
    /// Set in the stateful mode.
    stateful: Option<Stateful>,
    requests: Mutex<Vec<RecordedRequest>>,
    next_request: AtomicU64,
}

/// The stateful mode's store, and the deliveries of the events it records.
struct Stateful {
    store: Arc<Store>,
    deliveries: Arc<Deliveries>,
}

/// A function told of every delivery attempt as it ends.
type OnDelivery = Arc<dyn Fn(&DeliveryAttempt) + Send + Sync>;

/// Options of a [`MockServer`]: `MockServer::builder().stateful().start().await`.
#[derive(Default)]
pub struct MockServerBuilder {
    stateful: bool,
    api: Option<Arc<Api>>,
    addr: Option<SocketAddr>,
    delivery_backoff: Option<Duration>,
    on_delivery: Option<OnDelivery>,
}

impl std::fmt::Debug for MockServerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServerBuilder")
            .field("stateful", &self.stateful)
            .field("api", &self.api)
            .field("addr", &self.addr)
            .field("delivery_backoff", &self.delivery_backoff)
            .field("on_delivery", &self.on_delivery.is_some())
            .finish()
    }
}

impl MockServerBuilder {
    /// Remembers what requests create: a create returns the fixture's shape
    /// with the values sent and a fresh id, and later retrieves, updates,
    /// deletes, lists and searches see it; an unknown id is Stripe's 404
    /// `resource_missing`. Requests need a test key (`sk_test_`/`rk_test_`),
    /// else Stripe's 401, and a repeated `Idempotency-Key` replays the first
    /// answer (with other parameters: Stripe's 400 `idempotency_error`).
    ///
    /// What Stripe announces records an event (`customer.created`, ...),
    /// listed by `GET /v1/events` and delivered, signed, to the webhook
    /// endpoints created on the mock that subscribe to its type
    /// ([`MockServer::deliveries`]).
    pub fn stateful(mut self) -> Self {
        self.stateful = true;
        self
    }

    /// The delay before a failed delivery's first retry; each later one
    /// doubles it, for Stripe's three retries in test mode (default
    /// [`DEFAULT_BACKOFF`](crate::DEFAULT_BACKOFF), one second; Stripe's
    /// own spread over hours).
    pub fn delivery_backoff(mut self, first: Duration) -> Self {
        self.delivery_backoff = Some(first);
        self
    }

    /// Calls `observer` with every delivery attempt as it ends (the binary
    /// prints them); [`MockServer::deliveries`] keeps them all anyway.
    pub fn on_delivery(
        mut self,
        observer: impl Fn(&DeliveryAttempt) + Send + Sync + 'static,
    ) -> Self {
        self.on_delivery = Some(Arc::new(observer));
        self
    }

    /// Serves this API instead of the default input's ([`Api::shared`]).
    pub fn api(mut self, api: Arc<Api>) -> Self {
        self.api = Some(api);
        self
    }

    /// Listens on `addr` instead of an ephemeral port of 127.0.0.1.
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = Some(addr);
        self
    }

    pub async fn start(self) -> Result<MockServer, StartError> {
        let api = match self.api {
            Some(api) => api,
            None => tokio::task::spawn_blocking(Api::shared)
                .await
                .map_err(|e| LoadError::new(format!("loading the spec panicked: {e}")))??,
        };
        let addr = self.addr.unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0)));
        let stateful = match self.stateful {
            true => {
                // Typing the spec's events takes a moment, once per API:
                // before the first request, and a failure is the start's.
                let typing = Arc::clone(&api);
                tokio::task::spawn_blocking(move || typing.event_objects().map(|_| ()))
                    .await
                    .map_err(|e| LoadError::new(format!("typing the events panicked: {e}")))??;
                let backoff = self.delivery_backoff.unwrap_or(DEFAULT_BACKOFF);
                Some(Stateful::new(backoff, self.on_delivery))
            }
            false => None,
        };
        MockServer::listen(api, stateful, addr)
            .await
            .map_err(StartError::Bind)
    }
}

impl Stateful {
    /// A store whose events' deliveries, once taken, count down its
    /// events' `pending_webhooks`.
    fn new(backoff: Duration, on_delivery: Option<OnDelivery>) -> Stateful {
        let store = Arc::new(Store::default());
        let counted = Arc::clone(&store);
        let observer: Observer = Box::new(move |attempt| {
            if attempt.delivered() {
                counted.delivered(&attempt.event_id);
            }
            if let Some(on_delivery) = &on_delivery {
                on_delivery(attempt);
            }
        });
        Stateful {
            store,
            deliveries: Arc::new(Deliveries::new(backoff, observer)),
        }
    }
}

impl MockServer {
    /// Starts a server on an ephemeral port, with the API of the default
    /// input ([`Api::shared`]).
    ///
    /// # Panics
    /// If the spec documents cannot be loaded or no port can be bound: this
    /// is for tests. [`MockServer::try_start`] returns the error instead.
    pub async fn start() -> MockServer {
        match MockServer::try_start().await {
            Ok(server) => server,
            Err(error) => panic!("stripe-mock cannot start: {error}"),
        }
    }

    /// Like [`start`](MockServer::start), returning what went wrong.
    pub async fn try_start() -> Result<MockServer, StartError> {
        MockServer::builder().start().await
    }

    /// The stateless server of [`start`](MockServer::start), or with the
    /// options set on the builder (a stateful one, another API or address).
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// Serves `api` statelessly on `addr` (port 0 for an ephemeral one).
    pub async fn serve(api: Arc<Api>, addr: SocketAddr) -> std::io::Result<MockServer> {
        MockServer::listen(api, None, addr).await
    }

    async fn listen(
        api: Arc<Api>,
        stateful: Option<Stateful>,
        addr: SocketAddr,
    ) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            api,
            stateful,
            requests: Mutex::new(Vec::new()),
            next_request: AtomicU64::new(1),
        });
        let task = tokio::spawn(accept(listener, Arc::clone(&state)));
        Ok(MockServer { addr, state, task })
    }

    /// `http://127.0.0.1:PORT`, for a client's API and files bases.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn api(&self) -> &Api {
        &self.state.api
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.requests().clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.state.requests().clear();
    }

    /// Every webhook delivery attempt so far, in the order they ended
    /// (empty unless stateful).
    pub fn deliveries(&self) -> Vec<DeliveryAttempt> {
        match &self.state.stateful {
            Some(stateful) => stateful.deliveries.log(),
            None => Vec::new(),
        }
    }

    /// Resolves once no delivery is under way: every event recorded so far
    /// was taken by its endpoints or ran out of retries. With a short
    /// [`delivery_backoff`](MockServerBuilder::delivery_backoff), a test
    /// waits on this rather than on a clock.
    pub async fn deliveries_settled(&self) {
        if let Some(stateful) = &self.state.stateful {
            stateful.deliveries.settled().await;
        }
    }

    /// Keeps `object` in the stateful store's `collection` (its list's
    /// path: `/v1/identity/verification_sessions`), as if created, without
    /// an event: to start a test from a state the API does not reach
    /// (`"status": "requires_action"`). An error on a stateless server or
    /// a path that is no kept collection.
    pub fn insert(&self, collection: &str, object: Value) -> Result<(), String> {
        match &self.state.stateful {
            Some(stateful) => stateful.store.insert(&self.state.api, collection, object),
            None => Err(
                "a stateless mock keeps nothing: start it with `MockServer::builder().stateful()`"
                    .to_owned(),
            ),
        }
    }

    /// Serves until the task is cancelled (for the binary).
    pub async fn run_forever(self) {
        std::future::pending::<()>().await;
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
        if let Some(stateful) = &self.state.stateful {
            stateful.deliveries.stop();
        }
    }
}

impl State {
    fn requests(&self) -> MutexGuard<'_, Vec<RecordedRequest>> {
        lock(&self.requests)
    }
}

/// Why [`MockServer::try_start`] failed.
#[derive(Debug)]
pub enum StartError {
    Load(LoadError),
    Bind(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Load(error) => write!(f, "loading the spec: {error}"),
            StartError::Bind(error) => write!(f, "binding 127.0.0.1: {error}"),
        }
    }
}

impl std::error::Error for StartError {}

impl From<LoadError> for StartError {
    fn from(error: LoadError) -> Self {
        StartError::Load(error)
    }
}

async fn accept(listener: TcpListener, state: Arc<State>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let service = service_fn(move |request| handle(Arc::clone(&state), request));
            // A client that hangs up mid-request is not the mock's error.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn handle(
    state: Arc<State>,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default();
    let request_id = format!(
        "req_mock{:012}",
        state.next_request.fetch_add(1, Ordering::Relaxed)
    );
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let incoming = MockRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        content_type: parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        body: &body,
    };
    let answer = match &state.stateful {
        None => respond(&state.api, &incoming),
        Some(stateful) => {
            let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
            let credentials = Credentials {
                authorization: header("authorization"),
                idempotency_key: header("idempotency-key"),
            };
            let Outcome {
                answer,
                announcements,
            } = stateful.store.respond_announcing(
                &state.api,
                &incoming,
                credentials,
                Some(&request_id),
            );
            stateful.deliveries.start(announcements);
            answer
        }
    };

    state.requests().push(RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers,
        body: body.clone(),
        operation_id: answer.operation_id.clone(),
        status: answer.status,
        request_id: request_id.clone(),
    });

    let mut response = hyper::Response::new(Full::new(answer.body));
    *response.status_mut() = hyper::StatusCode::from_u16(answer.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let response_headers = response.headers_mut();
    response_headers.insert(CONTENT_TYPE, HeaderValue::from_static(answer.content_type));
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response_headers.insert("request-id", value);
    }
    let version = parts.headers.get("stripe-version").cloned();
    let version = version.or_else(|| HeaderValue::from_str(&state.api.spec().api_version).ok());
    if let Some(version) = version {
        response_headers.insert("stripe-version", version);
    }
    Ok(response)
}
