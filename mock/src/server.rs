//! The HTTP side: a hyper server on 127.0.0.1 that answers every request
//! with [`respond`] and records it.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::api::{Api, LoadError, Matched};
use crate::form::{multipart_pairs, Node};
use crate::state::{lock, Credentials, Store};
use crate::validate::Invalid;

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
    store: Option<Store>,
    requests: Mutex<Vec<RecordedRequest>>,
    next_request: AtomicU64,
}

/// Options of a [`MockServer`]: `MockServer::builder().stateful().start().await`.
#[derive(Debug, Default)]
pub struct MockServerBuilder {
    stateful: bool,
    api: Option<Arc<Api>>,
    addr: Option<SocketAddr>,
}

impl MockServerBuilder {
    /// Remembers what requests create: a create returns the fixture's shape
    /// with the values sent and a fresh id, and later retrieves, updates,
    /// deletes, lists and searches see it; an unknown id is Stripe's 404
    /// `resource_missing`. Requests need a test key (`sk_test_`/`rk_test_`),
    /// else Stripe's 401, and a repeated `Idempotency-Key` replays the first
    /// answer (with other parameters: Stripe's 400 `idempotency_error`).
    pub fn stateful(mut self) -> Self {
        self.stateful = true;
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
        let store = self.stateful.then(Store::default);
        MockServer::listen(api, store, addr)
            .await
            .map_err(StartError::Bind)
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
        store: Option<Store>,
        addr: SocketAddr,
    ) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            api,
            store,
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

    /// Serves until the task is cancelled (for the binary).
    pub async fn run_forever(self) {
        std::future::pending::<()>().await;
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
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
    let answer = match &state.store {
        None => respond(&state.api, &incoming),
        Some(store) => {
            let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
            let credentials = Credentials {
                authorization: header("authorization"),
                idempotency_key: header("idempotency-key"),
            };
            store.respond(&state.api, &incoming, credentials)
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

/// The parts of a request [`respond`] looks at.
#[derive(Debug, Clone, Copy)]
pub struct MockRequest<'a> {
    pub method: &'a str,
    /// Percent-encoded, without the query.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
}

/// What the mock answers.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Bytes,
    pub operation_id: Option<String>,
}

/// Routes `request` to an operation of the spec, validates its parameters
/// and answers with the operation's fixture, or with Stripe's error.
pub fn respond(api: &Api, request: &MockRequest<'_>) -> Answer {
    match check(api, request) {
        Ok(checked) => example_answer(api, &checked, request.path),
        Err(answer) => answer,
    }
}

/// A request routed to its operation, with parameters the spec accepts.
pub(crate) struct Checked<'a> {
    pub matched: Matched<'a>,
    /// The query and form body parameters, rebuilt from their deepObject keys.
    pub params: Vec<(String, Node)>,
    /// A v2 POST's JSON body (`{}` when it sent none).
    pub json: Option<Value>,
    pub operation_id: Option<String>,
}

/// Routes and validates `request`; the error answer when that fails.
pub(crate) fn check<'a>(api: &'a Api, request: &MockRequest<'_>) -> Result<Checked<'a>, Answer> {
    let Some(matched) = api.route(request.method, request.path) else {
        let message = format!(
            "Unrecognized request URL ({}: {}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.",
            request.method, request.path
        );
        return Err(error(
            404,
            None,
            json!({ "type": "invalid_request_error", "message": message }),
        ));
    };
    let operation_id = matched.operation.operation_id.clone();
    let v2 = is_v2(request.path);
    let invalid = |message: String| {
        let mut body = json!({ "type": "invalid_request_error", "message": message });
        if v2 {
            body["code"] = Value::from("invalid_fields");
        }
        error(400, operation_id.clone(), body)
    };

    let mut pairs: Vec<(String, String)> =
        form_urlencoded::parse(request.query.unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    // Stripe takes a POST with neither body nor Content-Type (`curl -X
    // POST .../redact`) as one without parameters.
    let bare = request.body.is_empty() && request.content_type.is_none();
    if request.method == "POST" && !bare {
        let accepted = api.body_content_types(matched.template, matched.operation);
        let given = request.content_type.map(media_type);
        if !given.is_some_and(|given| {
            accepted
                .iter()
                .any(|accepted| accepted.eq_ignore_ascii_case(given))
        }) {
            return Err(invalid(format!(
                "Invalid request: unsupported Content-Type {}. This endpoint takes {}.",
                request.content_type.unwrap_or("(none)"),
                accepted.join(" or ")
            )));
        }
    }
    let json_body = request.method == "POST"
        && request.content_type.map(media_type) == Some("application/json");
    let json = match json_body || (v2 && request.method == "POST" && bare) {
        true => match request.body {
            b"" => Some(json!({})),
            body => match serde_json::from_slice::<Value>(body) {
                Ok(value @ Value::Object(_)) => Some(value),
                _ => {
                    return Err(invalid(
                        "Invalid request: the body is not a JSON object.".into(),
                    ))
                }
            },
        },
        false => None,
    };
    if request.method != "GET" && !request.body.is_empty() && json.is_none() {
        match body_pairs(request.content_type, request.body) {
            Some(body) => pairs.extend(body),
            None => {
                return Err(invalid(
                    "Invalid request: the body could not be read as its Content-Type says.".into(),
                ))
            }
        }
    }

    let params = match Node::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
        Ok(params) => params,
        Err(conflict) => {
            let message = format!("Invalid request: {conflict}");
            return Err(error(
                400,
                operation_id,
                json!({ "type": "invalid_request_error", "message": message, "param": conflict.key }),
            ));
        }
    };
    let validator = api.validator();
    let checked = validator
        .check_operation(matched.operation, &params)
        .and_then(|()| match &json {
            Some(body) => validator.check_json_body(matched.operation, body),
            None => Ok(()),
        });
    if let Err(Invalid {
        param,
        message,
        code,
    }) = checked
    {
        // v2's errors have a code and a message, no `param`.
        let mut body = match v2 {
            true => json!({ "type": "invalid_request_error", "message": message }),
            false => json!({ "type": "invalid_request_error", "message": message, "param": param }),
        };
        if let Some(code) = code.or(v2.then_some("invalid_fields")) {
            body["code"] = Value::from(code);
        }
        return Err(error(400, operation_id, body));
    }
    Ok(Checked {
        matched,
        params,
        json,
        operation_id,
    })
}

/// A path of the v2 API.
pub(crate) fn is_v2(path: &str) -> bool {
    path.starts_with("/v2/")
}

/// The stateless answer: the fixture of the response's resource.
pub(crate) fn example_answer(api: &Api, checked: &Checked<'_>, path: &str) -> Answer {
    let operation_id = checked.operation_id.clone();
    match api.example_response(&checked.matched, path) {
        Some(body) => json_answer(200, operation_id, &body),
        None => Answer {
            status: 200,
            content_type: "application/pdf",
            body: Bytes::from_static(b"%PDF-1.4\n% stripe-mock\n%%EOF\n"),
            operation_id,
        },
    }
}

/// `body` as pretty JSON.
pub(crate) fn json_answer(status: u16, operation_id: Option<String>, body: &Value) -> Answer {
    Answer {
        status,
        content_type: "application/json",
        body: Bytes::from(serde_json::to_vec_pretty(body).expect("JSON values serialize")),
        operation_id,
    }
}

/// Stripe's error body: `{"error": error}`.
pub(crate) fn error(status: u16, operation_id: Option<String>, error: Value) -> Answer {
    json_answer(status, operation_id, &json!({ "error": error }))
}

/// `application/x-www-form-urlencoded` of `application/x-www-form-urlencoded; charset=utf-8`.
fn media_type(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or("").trim()
}

/// The pairs of a form or multipart body; `None` for another content type
/// or a multipart body that does not parse.
fn body_pairs(content_type: Option<&str>, body: &[u8]) -> Option<Vec<(String, String)>> {
    let content_type = content_type?;
    match media_type(content_type).to_ascii_lowercase().as_str() {
        "application/x-www-form-urlencoded" => {
            Some(form_urlencoded::parse(body).into_owned().collect())
        }
        "multipart/form-data" => {
            let boundary = content_type.split(';').find_map(|param| {
                let (key, value) = param.split_once('=')?;
                (key.trim().eq_ignore_ascii_case("boundary"))
                    .then(|| value.trim().trim_matches('"'))
            })?;
            multipart_pairs(body, boundary)
        }
        _ => None,
    }
}
