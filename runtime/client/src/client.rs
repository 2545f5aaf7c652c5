//! The async HTTP client the generated endpoint functions call.
//!
//! A generated function builds a [`Request`] (method, path with its ids
//! already escaped by [`path_segment`], parameters) and hands it to
//! [`Client::execute`], which adds authentication and Stripe's headers,
//! retries what is safe to retry, and decodes the answer:
//!
//! ```no_run
//! # use stripe_runtime::client::{Client, Method, Request, path_segment};
//! # async fn run() -> Result<(), stripe_runtime::Error> {
//! let client = Client::new("sk_test_...");
//! let customer: serde_json::Value = client
//!     .execute(
//!         Request::new(Method::Get, format!("/v1/customers/{}", path_segment("cus_123")))
//!             .api_version("2023-08-16")
//!             .query(&serde_json::json!({"expand": ["default_source"]})),
//!     )
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! Only [`ResponseFuture::poll`] and the page streams are compiled once per
//! response type; sending, retrying and reading a response are one
//! non-generic future.
//!
//! # Proxies
//!
//! A client reads the proxy variables when it is built, as curl and
//! reqwest do: `HTTPS_PROXY` for https URLs (Stripe's), `HTTP_PROXY` for
//! http ones (a local mock), `ALL_PROXY` for either when its own is unset,
//! each also in lower case; and `NO_PROXY`, the hosts that go direct
//! (`stripe.com` and its subdomains, `*`, an IP address or a range such as
//! `10.0.0.0/8`). `localhost` goes through the proxy unless `NO_PROXY`
//! lists it. A request goes through a CONNECT tunnel, so TLS runs from the
//! client to Stripe. [`ClientBuilder::proxy`] names the proxy instead,
//! [`ClientBuilder::no_proxy`] ignores the variables, and
//! [`ClientBuilder::proxy_env`] reads them from elsewhere than the process
//! environment.
//!
//! Only `http://` proxies are supported, with `user:password@` for basic
//! authentication. A value the client cannot use fails every request with
//! an [`Error::Transport`] that names the variable
//! and its value ([`TransportError::is_config`](crate::error::TransportError::is_config)),
//! rather than going around the proxy.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, RETRY_AFTER, USER_AGENT};
use percent_encoding::percent_decode_str;
use stripe_core::{encode, ApiMode, Decode, FromBody, Object};

pub use stripe_core::request::{path_segment, Body, Host, Method, Multipart, Request};
pub use stripe_core::Bytes;

use crate::error::{ApiError, EncodeError, Error};
use crate::error::{TransportError, TransportKind};
use crate::pages::{ListStream, SearchStream, V2ListStream};
use crate::proxy::{self, ProxyError, Vars};
use crate::telemetry::{AppInfo, Telemetry};
use crate::transport::{self, Http};

/// Where requests go unless the builder says otherwise.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";
/// The host of `POST /v1/files`, as the spec's server of that operation.
pub const DEFAULT_FILES_BASE: &str = "https://files.stripe.com";
/// The host of `POST /v2/billing/meter_event_stream`.
pub const DEFAULT_METER_EVENTS_BASE: &str = "https://meter-events.stripe.com";
/// Stripe's SDKs wait this long for a response.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(80);
/// Retries after the first attempt (so 3 attempts in all).
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// First backoff delay, doubled on each retry (as in stripe-node).
pub const DEFAULT_INITIAL_RETRY_DELAY: Duration = Duration::from_millis(500);
/// Cap of the backoff delay.
pub const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(5);
/// A `Retry-After` longer than this is not waited for (as in stripe-node).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// A Stripe API client. Cheap to clone: clones share one connection pool.
///
/// The `with_*` methods return a clone that carries an option for the
/// requests made through it, leaving the original untouched.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    options: Options,
}

/// What every handle shares.
struct Inner {
    http: Http,
    /// What the connector proxies, kept to show in `Debug`.
    proxies: Option<Arc<hyper_util::client::proxy::matcher::Matcher>>,
    /// A proxy setting that cannot be used: every request fails with it.
    proxy_error: Option<ProxyError>,
    /// `Bearer <key>`, marked sensitive so it is never printed.
    authorization: Result<HeaderValue, EncodeError>,
    /// Kept only to show its redacted form in `Debug`.
    secret_key: String,
    api_base: String,
    /// Where the requests of an operation with a server of its own go, by
    /// that server (without its trailing `/`); a server not listed is used
    /// as the spec gives it.
    server_bases: BTreeMap<String, String>,
    /// Sends the requests of every server to `api_base` (a mock, a proxy).
    all_to_api_base: bool,
    max_retries: u32,
    timeout: Duration,
    initial_retry_delay: Duration,
    max_retry_delay: Duration,
    telemetry: Telemetry,
}

/// What a handle may override.
#[derive(Clone, Debug, Default)]
struct Options {
    stripe_version: Option<String>,
    stripe_account: Option<String>,
    stripe_context: Option<String>,
    idempotency_key: Option<String>,
    max_retries: Option<u32>,
    timeout: Option<Duration>,
}

/// A 2xx response, before decoding.
pub(crate) struct RawResponse {
    pub meta: ResponseMeta,
    pub body: Bytes,
}

/// What the official SDKs keep as a response's `lastResponse`: how the
/// request was answered, to log or to quote to Stripe support
/// ([`ResponseFuture::with_meta`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseMeta {
    pub status: u16,
    /// The `Request-Id` response header.
    pub request_id: Option<String>,
    /// The `Idempotency-Key` the request was sent with (every POST has
    /// one): sent again with it, the request replays this answer.
    pub idempotency_key: Option<String>,
    /// How many attempts it took, retries included.
    pub attempts: u32,
}

/// A response on its way: sends, retries and reads in one boxed,
/// non-generic future, then decodes the body as `T`.
#[must_use = "a request is sent only when its future is awaited"]
pub struct ResponseFuture<T> {
    inner: Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send>>,
    _decodes: PhantomData<fn() -> T>,
}

impl<T: FromBody> Future for ResponseFuture<T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner
            .as_mut()
            .poll(cx)
            .map(|result| result.and_then(decode_body))
    }
}

impl<T> ResponseFuture<T> {
    /// The decoded response with its [`ResponseMeta`] (request id,
    /// idempotency key, attempts):
    /// `let (customer, meta) = Customer::create(&client, &params).with_meta().await?;`
    pub fn with_meta(self) -> WithMeta<T> {
        WithMeta { inner: self }
    }
}

impl<T> fmt::Debug for ResponseFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResponseFuture")
    }
}

/// A [`ResponseFuture`] that also yields the response's [`ResponseMeta`].
#[must_use = "a request is sent only when its future is awaited"]
#[derive(Debug)]
pub struct WithMeta<T> {
    inner: ResponseFuture<T>,
}

impl<T: FromBody> Future for WithMeta<T> {
    type Output = Result<(T, ResponseMeta), Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.inner.as_mut().poll(cx).map(|result| {
            let raw = result?;
            let meta = raw.meta.clone();
            decode_body(raw).map(|value| (value, meta))
        })
    }
}

/// Decodes a successful response, keeping status, request id, idempotency
/// key and the raw body in the error.
pub(crate) fn decode_body<T: FromBody>(raw: RawResponse) -> Result<T, Error> {
    T::from_body(raw.body.clone()).map_err(|error| {
        let ResponseMeta {
            status,
            request_id,
            idempotency_key,
            ..
        } = raw.meta;
        let mut error = error.in_response(status, request_id, &raw.body);
        error.idempotency_key = idempotency_key;
        Error::Decode(error)
    })
}

impl Client {
    /// A client with the defaults: api.stripe.com, 2 retries, 80 s timeout,
    /// and the API version each request was generated for.
    pub fn new(secret_key: impl Into<String>) -> Client {
        Client::builder(secret_key).build()
    }

    pub fn builder(secret_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            secret_key: secret_key.into(),
            api_base: DEFAULT_API_BASE.to_owned(),
            server_bases: BTreeMap::new(),
            all_to_api_base: false,
            options: Options::default(),
            max_retries: DEFAULT_MAX_RETRIES,
            timeout: DEFAULT_TIMEOUT,
            initial_retry_delay: DEFAULT_INITIAL_RETRY_DELAY,
            max_retry_delay: DEFAULT_MAX_RETRY_DELAY,
            app_info: None,
            telemetry: true,
            proxy: proxy::Setting::Env,
        }
    }

    /// Retries this many times after the first attempt, for the requests
    /// made through the returned handle (instead of the client's setting).
    pub fn with_max_retries(&self, retries: u32) -> Client {
        let mut client = self.clone();
        client.options.max_retries = Some(retries);
        client
    }

    /// Limits each attempt made through the returned handle to `timeout`.
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        let mut client = self.clone();
        client.options.timeout = Some(timeout);
        client
    }

    /// A request to any path, with parameters as JSON (query string for
    /// GET and DELETE; the body of a POST, form-encoded on v1 and JSON on a
    /// `/v2/` path) and the response as JSON: for endpoints this version of
    /// the spec does not have yet. Retries, headers and errors are those of
    /// every other request.
    ///
    /// ```no_run
    /// # async fn run(client: stripe_runtime::Client) -> Result<(), stripe_runtime::Error> {
    /// use stripe_runtime::client::Method;
    /// let quotes = client
    ///     .raw_request(Method::Get, "/v1/crypto/onramp_quotes", &serde_json::json!({"source_amount": "100"}))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn raw_request(
        &self,
        method: Method,
        path: &str,
        params: &serde_json::Value,
    ) -> ResponseFuture<serde_json::Value> {
        let request = Request::new(method, path);
        let request = match (method, request.mode()) {
            (Method::Post, ApiMode::V1) => request.form(params),
            (Method::Post, ApiMode::V2) => request.json(params),
            (Method::Get | Method::Delete, _) => request.query(params),
        };
        self.execute(request)
    }

    /// Acts on behalf of a connected account (`Stripe-Account` header).
    pub fn with_stripe_account(&self, account: impl Into<String>) -> Client {
        let mut client = self.clone();
        client.options.stripe_account = Some(account.into());
        client
    }

    /// Acts in this context (`Stripe-Context` header): an account, or a
    /// `/`-separated path of accounts below the key's, such as
    /// `acct_1/acct_2`. A request's own context (an event's, when fetching
    /// what it relates to) takes its place.
    pub fn with_stripe_context(&self, context: impl Into<String>) -> Client {
        let mut client = self.clone();
        client.options.stripe_context = Some(context.into());
        client
    }

    /// Sends this `Stripe-Version` instead of the client's or the request's.
    /// The response must still fit the generated types.
    pub fn with_stripe_version(&self, version: impl Into<String>) -> Client {
        let mut client = self.clone();
        client.options.stripe_version = Some(version.into());
        client
    }

    /// Sends this `Idempotency-Key` (instead of a generated one) with the
    /// POST and DELETE requests made through the returned handle. Meant for
    /// one logical request: Stripe replays the first result for a reused key.
    pub fn with_idempotency_key(&self, key: impl Into<String>) -> Client {
        let mut client = self.clone();
        client.options.idempotency_key = Some(key.into());
        client
    }

    /// Sends `request`, retrying as configured, and decodes the response as
    /// `T` (any [`Decode`] type, or [`Bytes`] for a body that is not JSON).
    pub fn execute<T: FromBody>(&self, request: Request) -> ResponseFuture<T> {
        let client = self.clone();
        ResponseFuture {
            inner: Box::pin(async move { client.send(&request).await }),
            _decodes: PhantomData,
        }
    }

    /// Sends `request` like [`execute`](Client::execute) and returns the
    /// body of the successful response undecoded: for endpoints that answer
    /// with another media type than JSON (`GET /v1/quotes/{quote}/pdf`).
    pub fn execute_bytes(&self, request: Request) -> ResponseFuture<Bytes> {
        self.execute(request)
    }

    /// Every item of a list endpoint, fetching pages as the stream is read.
    ///
    /// Follows `starting_after` with the id of each page's last item, or,
    /// when `request` has `ending_before`, walks backwards with the id of
    /// each page's first item (yielding each page's items in reverse, so the
    /// stream moves steadily away from the starting cursor, as stripe-node
    /// does). Stops after a page with `has_more: false`. The first error ends
    /// the stream.
    pub fn paginate<T: Decode + Object + Send + 'static>(&self, request: Request) -> ListStream<T> {
        ListStream::new(self.clone(), request)
    }

    /// Every item of a search endpoint, following `next_page` with the
    /// `page` parameter until a page has `has_more: false`.
    pub fn paginate_search<T: Decode + Send + 'static>(&self, request: Request) -> SearchStream<T> {
        SearchStream::new(self.clone(), request)
    }

    /// Every item of a v2 list endpoint: fetches each page's
    /// `next_page_url` as it is, with this handle's options, until a page
    /// has none (as Stripe's SDKs do; `previous_page_url` is never used).
    pub fn paginate_v2<T: Decode + Send + 'static>(&self, request: Request) -> V2ListStream<T> {
        V2ListStream::new(self.clone(), request)
    }

    /// What this client sends for `request`, without sending it: the URL,
    /// the headers of the first attempt (a POST's generated idempotency key
    /// is chosen anew on each call) and the body. For dry runs; the
    /// `Authorization` header holds the secret key.
    pub fn prepare(&self, request: &Request) -> Result<Prepared, Error> {
        if let Some(error) = request.encode_error() {
            return Err(Error::Encode(error.clone()));
        }
        let headers = self.headers(request)?;
        let url = self.url(request)?;
        let (content_type, body) = transport::body_bytes(request.method(), request.body());
        Ok(Prepared {
            method: request.method(),
            url,
            headers,
            content_type,
            body,
        })
    }

    /// Sends with retries and returns the successful response, or the error
    /// of the last attempt.
    pub(crate) async fn send(&self, request: &Request) -> Result<RawResponse, Error> {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument;
            let span = tracing::info_span!(
                "stripe.request",
                method = request.method().as_str(),
                path = request.path(),
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                attempts = tracing::field::Empty,
            );
            let result = self.attempts(request).instrument(span.clone()).await;
            let (status, request_id, attempts) = match &result {
                Ok((response, attempts)) => (
                    Some(response.meta.status),
                    response.meta.request_id.clone(),
                    *attempts,
                ),
                Err((error, attempts)) => (
                    error.status(),
                    error.request_id().map(str::to_owned),
                    *attempts,
                ),
            };
            if let Some(status) = status {
                span.record("status", status);
            }
            if let Some(request_id) = request_id {
                span.record("request_id", request_id.as_str());
            }
            span.record("attempts", attempts);
            result
                .map(|(response, _)| response)
                .map_err(|(error, _)| error)
        }
        #[cfg(not(feature = "tracing"))]
        {
            self.attempts(request)
                .await
                .map(|(response, _)| response)
                .map_err(|(error, _)| error)
        }
    }

    /// Every attempt of `request`: the response or the last error, and how
    /// many attempts were made.
    async fn attempts(&self, request: &Request) -> Result<(RawResponse, u32), (Error, u32)> {
        let prepared = self.prepare(request).map_err(|e| (e, 0))?;
        let max_retries = self.options.max_retries.unwrap_or(self.inner.max_retries);
        let timeout = self.options.timeout.unwrap_or(self.inner.timeout);
        let Prepared {
            url,
            headers,
            content_type,
            body,
            ..
        } = prepared;
        let idempotency_key = header_str(&headers, "idempotency-key").map(str::to_owned);
        if let Some(error) = &self.inner.proxy_error {
            let error = TransportError::new(TransportKind::Config, Some(Box::new(error.clone())))
                .after(0, idempotency_key);
            return Err((error.into(), 0));
        }

        let mut attempt = 0;
        loop {
            attempt += 1;
            let retries_left = attempt <= max_retries;
            let started = std::time::Instant::now();
            let exchange = transport::exchange(
                &self.inner.http,
                request.method(),
                &url,
                &headers,
                content_type.as_deref(),
                body.clone(),
                timeout,
            )
            .await;
            let exchange = match exchange {
                Ok(exchange) => exchange,
                Err(_) if retries_left => {
                    tokio::time::sleep(self.backoff(attempt, None)).await;
                    continue;
                }
                Err(error) => {
                    let error = error.after(attempt, idempotency_key);
                    return Err((error.into(), attempt));
                }
            };
            let status = exchange.status;
            let request_id = header_str(&exchange.headers, "request-id").map(str::to_owned);
            self.inner
                .telemetry
                .record(request_id.as_deref(), started.elapsed());
            if (200..300).contains(&status) {
                let meta = ResponseMeta {
                    status,
                    request_id,
                    idempotency_key,
                    attempts: attempt,
                };
                let response = RawResponse {
                    meta,
                    body: exchange.body,
                };
                return Ok((response, attempt));
            }
            if should_retry(status, &exchange.headers) && retries_left {
                let wait = self.backoff(attempt, retry_after(&exchange.headers));
                tokio::time::sleep(wait).await;
                continue;
            }
            let error = match ApiError::from_body(status, request_id.clone(), &exchange.body) {
                Some(api_error) => Error::Api(ApiError {
                    idempotency_key,
                    ..api_error
                }),
                None => Error::Status {
                    status,
                    request_id,
                    idempotency_key,
                    body: String::from_utf8_lossy(&exchange.body).into_owned(),
                },
            };
            return Err((error, attempt));
        }
    }

    /// The headers of every attempt of `request`. The idempotency key is
    /// chosen once here, so all retries share it.
    fn headers(&self, request: &Request) -> Result<HeaderMap, EncodeError> {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, self.inner.authorization.clone()?);
        let telemetry = &self.inner.telemetry;
        headers.insert(USER_AGENT, telemetry.user_agent.clone());
        if let Some(value) = &telemetry.client_user_agent {
            headers.insert("x-stripe-client-user-agent", value.clone());
        }
        if let Some(value) = telemetry.last_request_header() {
            headers.insert("x-stripe-client-telemetry", value);
        }
        let version = self.options.stripe_version.as_deref().or(request.version());
        if let Some(version) = version {
            headers.insert("stripe-version", header_value("Stripe-Version", version)?);
        }
        if let Some(account) = &self.options.stripe_account {
            headers.insert("stripe-account", header_value("Stripe-Account", account)?);
        }
        let context = request.context().or(self.options.stripe_context.as_deref());
        if let Some(context) = context.filter(|context| !context.is_empty()) {
            headers.insert("stripe-context", header_value("Stripe-Context", context)?);
        }
        // v1 keys a POST; v2 a DELETE too (as Stripe's SDKs do), which on v2
        // lets a retry finish what failed halfway.
        let keyed = match request.method() {
            Method::Post => true,
            Method::Delete => request.mode() == ApiMode::V2,
            Method::Get => false,
        };
        let idempotency_key = match (&self.options.idempotency_key, request.method()) {
            (Some(key), Method::Post | Method::Delete) => Some(key.clone()),
            (None, _) if keyed => Some(uuid::Uuid::new_v4().to_string()),
            _ => None,
        };
        if let Some(key) = idempotency_key {
            headers.insert("idempotency-key", header_value("Idempotency-Key", &key)?);
        }
        for (name, value) in request.extra_headers() {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| EncodeError::new(name, "is not a name HTTP allows for a header"))?;
            headers.insert(header, header_value(name, value)?);
        }
        Ok(headers)
    }

    fn url(&self, request: &Request) -> Result<String, EncodeError> {
        let path = request.path();
        // `.` and `..` segments (also as `%2E`) would be resolved away by a
        // URL normaliser on the way and send the request to another endpoint.
        let dot_segment = path.split('/').any(|segment| {
            let decoded = percent_decode_str(segment).decode_utf8_lossy();
            decoded == "." || decoded == ".."
        });
        if dot_segment || !path.starts_with('/') {
            return Err(EncodeError::new(
                "path",
                format!("`{path}` is not a valid endpoint path"),
            ));
        }
        let base = self.base_of(request.target_host());
        let mut url = format!("{}{path}", base.trim_end_matches('/'));
        if let Some(query) = request.raw_query() {
            url.push('?');
            url.push_str(query);
        } else if !request.query_pairs().is_empty() {
            url.push('?');
            url.push_str(&encode::pairs_to_form(request.query_pairs()));
        }
        Ok(url)
    }

    /// The base URL of a host: the API's, or the one configured for an
    /// operation's own server, else that server itself.
    fn base_of<'a>(&'a self, host: Host) -> &'a str {
        match host {
            Host::Api => &self.inner.api_base,
            Host::Server(_) if self.inner.all_to_api_base => &self.inner.api_base,
            Host::Server(server) => {
                let server = server.trim_end_matches('/');
                self.inner
                    .server_bases
                    .get(server)
                    .map_or(server, String::as_str)
            }
        }
    }

    /// Exponential backoff with jitter: the delay doubles from the initial
    /// delay up to the cap and is scaled by a random factor in [0.5, 1), so
    /// that clients that failed together do not retry in lockstep, the first
    /// retry too (stripe-node floors the delay at the initial one, which
    /// makes every first retry wait exactly that); a server's `Retry-After`
    /// of up to 60 s is honoured.
    fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let initial = self.inner.initial_retry_delay;
        let exponential = initial
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.inner.max_retry_delay);
        let delay = exponential.mul_f64(0.5 * (1.0 + fastrand::f64()));
        match retry_after {
            Some(wait) if wait <= MAX_RETRY_AFTER => delay.max(wait),
            _ => delay,
        }
    }
}

/// The endpoint functions of the generated crate, called with a [`Client`],
/// return [`ResponseFuture`]s and page streams.
impl stripe_core::StripeClient for Client {
    type Response<T: FromBody> = ResponseFuture<T>;
    type Pages<T: Decode + Object + Send + 'static> = ListStream<T>;
    type SearchPages<T: Decode + Send + 'static> = SearchStream<T>;
    type V2Pages<T: Decode + Send + 'static> = V2ListStream<T>;

    fn execute<T: FromBody>(&self, request: Request) -> ResponseFuture<T> {
        Client::execute(self, request)
    }

    fn paginate<T: Decode + Object + Send + 'static>(&self, request: Request) -> ListStream<T> {
        Client::paginate(self, request)
    }

    fn paginate_search<T: Decode + Send + 'static>(&self, request: Request) -> SearchStream<T> {
        Client::paginate_search(self, request)
    }

    fn paginate_v2<T: Decode + Send + 'static>(&self, request: Request) -> V2ListStream<T> {
        Client::paginate_v2(self, request)
    }
}

impl fmt::Debug for Client {
    /// Never prints the secret key: only its `sk_test_`-style prefix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("secret_key", &RedactedKey(&self.inner.secret_key))
            .field("api_base", &self.inner.api_base)
            .field("server_bases", &self.inner.server_bases)
            .field("stripe_version", &self.options.stripe_version)
            .field("stripe_account", &self.options.stripe_account)
            .field("stripe_context", &self.options.stripe_context)
            .field("idempotency_key", &self.options.idempotency_key)
            .field("max_retries", &self.inner.max_retries)
            .field("timeout", &self.inner.timeout)
            .field("proxy", &self.inner.proxies)
            .finish_non_exhaustive()
    }
}

/// Shows `sk_test_[redacted]`: the kind and mode of a key, which help with
/// "wrong key" mistakes, and nothing of the secret.
struct RedactedKey<'a>(&'a str);

impl fmt::Debug for RedactedKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = self.0.splitn(3, '_');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(kind @ ("sk" | "rk" | "pk")), Some(mode @ ("test" | "live")), Some(_)) => {
                write!(f, "\"{kind}_{mode}_[redacted]\"")
            }
            _ => f.write_str("\"[redacted]\""),
        }
    }
}

/// A request as [`Client::prepare`] describes it.
#[derive(Clone, Debug)]
pub struct Prepared {
    method: Method,
    url: String,
    headers: HeaderMap,
    content_type: Option<String>,
    body: Bytes,
}

impl Prepared {
    pub fn method(&self) -> Method {
        self.method
    }

    /// The whole URL, query string included.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The headers the client sets, `Content-Type` last when there is a body
    /// type. hyper adds `Host` and `Content-Length` when sending.
    pub fn headers(&self) -> Vec<(String, String)> {
        let mut headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        if let Some(content_type) = &self.content_type {
            headers.push(("content-type".to_owned(), content_type.clone()));
        }
        headers
    }

    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

/// Configures a [`Client`]. Made by [`Client::builder`].
pub struct ClientBuilder {
    secret_key: String,
    api_base: String,
    server_bases: BTreeMap<String, String>,
    all_to_api_base: bool,
    options: Options,
    max_retries: u32,
    timeout: Duration,
    initial_retry_delay: Duration,
    max_retry_delay: Duration,
    app_info: Option<AppInfo>,
    telemetry: bool,
    proxy: proxy::Setting,
}

impl ClientBuilder {
    /// The application using the client, sent in `User-Agent` and
    /// `X-Stripe-Client-User-Agent` as Stripe's SDKs send it (for plugins and
    /// platforms: Stripe can then tell who to contact).
    pub fn app_info(mut self, app: AppInfo) -> Self {
        self.app_info = Some(app);
        self
    }

    /// Whether to send `X-Stripe-Client-User-Agent` (language, platform,
    /// application) and `X-Stripe-Client-Telemetry` (the previous request's
    /// id and duration), as Stripe's SDKs do by default. Default `true`.
    pub fn telemetry(mut self, enabled: bool) -> Self {
        self.telemetry = enabled;
        self
    }

    /// Base URL of the API, default `https://api.stripe.com` (e.g. a
    /// stripe-mock or a test server).
    pub fn api_base(mut self, url: impl Into<String>) -> Self {
        self.api_base = url.into();
        self
    }

    /// Base URL of file uploads, default `https://files.stripe.com`.
    pub fn files_base(self, url: impl Into<String>) -> Self {
        self.server_base(DEFAULT_FILES_BASE, url)
    }

    /// Base URL of the v2 meter event stream, default
    /// `https://meter-events.stripe.com`.
    pub fn meter_events_base(self, url: impl Into<String>) -> Self {
        self.server_base(DEFAULT_METER_EVENTS_BASE, url)
    }

    /// Sends the requests of the operations whose spec names `server` (such
    /// as `https://files.stripe.com`) to `url` instead.
    pub fn server_base(mut self, server: &str, url: impl Into<String>) -> Self {
        self.server_bases
            .insert(server.trim_end_matches('/').to_owned(), url.into());
        self
    }

    /// Sends every request to `url`, whatever host its operation names
    /// (files, meter events): for a mock such as `stripe-mock`, or a proxy.
    pub fn all_to(mut self, url: impl Into<String>) -> Self {
        self.api_base = url.into();
        self.all_to_api_base = true;
        self
    }

    /// Pins `Stripe-Version` for every request, instead of the version each
    /// request was generated for.
    pub fn stripe_version(mut self, version: impl Into<String>) -> Self {
        self.options.stripe_version = Some(version.into());
        self
    }

    /// Sends `Stripe-Account` with every request.
    pub fn stripe_account(mut self, account: impl Into<String>) -> Self {
        self.options.stripe_account = Some(account.into());
        self
    }

    /// Sends `Stripe-Context` with every request (see
    /// [`Client::with_stripe_context`]).
    pub fn stripe_context(mut self, context: impl Into<String>) -> Self {
        self.options.stripe_context = Some(context.into());
        self
    }

    /// Retries after the first attempt; 0 disables retries. Default 2.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Time limit of one attempt, from connecting to the end of the body.
    /// Default 80 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The first backoff delay and its cap. Defaults 0.5 s and 5 s.
    pub fn retry_delays(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_retry_delay = initial;
        self.max_retry_delay = max.max(initial);
        self
    }

    /// Sends every request through the HTTP proxy at `url`
    /// (`http://host:port`, with `user:password@` for basic
    /// `Proxy-Authorization`), in a CONNECT tunnel. The proxy variables,
    /// `NO_PROXY` too, are then not read. A URL the client cannot use fails
    /// each request with an error that quotes it (password hidden).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = proxy::Setting::Url(url.into());
        self
    }

    /// Connects directly, whatever the proxy variables say.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = proxy::Setting::Direct;
        self
    }

    /// Reads `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (and
    /// their lower-case forms) through `lookup` rather than from the process
    /// environment: for a program that keeps its environment elsewhere, as
    /// the `stripe` command line does for its tests. Read now, once.
    pub fn proxy_env(mut self, lookup: impl Fn(&str) -> Option<String>) -> Self {
        self.proxy = proxy::Setting::Vars(Vars::read(lookup));
        self
    }

    /// The client. The proxy variables are read here unless
    /// [`proxy`](Self::proxy), [`no_proxy`](Self::no_proxy) or
    /// [`proxy_env`](Self::proxy_env) said otherwise.
    pub fn build(self) -> Client {
        // An invalid key or proxy is reported by the first request rather
        // than here, so that `Client::new` stays infallible.
        let authorization = header_value("Authorization", &format!("Bearer {}", self.secret_key))
            .map(|mut value| {
                value.set_sensitive(true);
                value
            })
            .map_err(|_| {
                EncodeError::new(
                    "Authorization",
                    "the secret key contains characters not allowed in an HTTP header",
                )
            });
        let (proxies, proxy_error) = match proxy::matcher(self.proxy) {
            Ok(proxies) => (proxies, None),
            Err(error) => (None, Some(error)),
        };
        Client {
            inner: Arc::new(Inner {
                http: transport::new_http(proxies.clone()),
                proxies,
                proxy_error,
                authorization,
                secret_key: self.secret_key,
                api_base: self.api_base,
                server_bases: self.server_bases,
                all_to_api_base: self.all_to_api_base,
                max_retries: self.max_retries,
                timeout: self.timeout,
                initial_retry_delay: self.initial_retry_delay,
                max_retry_delay: self.max_retry_delay,
                telemetry: Telemetry::new(self.app_info.as_ref(), self.telemetry),
            }),
            options: self.options,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("secret_key", &RedactedKey(&self.secret_key))
            .field("api_base", &self.api_base)
            .field("server_bases", &self.server_bases)
            .field("stripe_version", &self.options.stripe_version)
            .field("stripe_account", &self.options.stripe_account)
            .field("stripe_context", &self.options.stripe_context)
            .field("max_retries", &self.max_retries)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Stripe's retry policy (as stripe-node): `Stripe-Should-Retry` decides
/// when present; otherwise conflicts (409) and server errors (5xx) are
/// retried. A 429 is only retried when the header says so.
fn should_retry(status: u16, headers: &HeaderMap) -> bool {
    match header_str(headers, "stripe-should-retry") {
        Some("true") => true,
        Some("false") => false,
        _ => status == 409 || status >= 500,
    }
}

/// `Retry-After` in seconds (the only form Stripe sends).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    header_str(headers, RETRY_AFTER.as_str())?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
        .map(Duration::from_secs_f64)
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok()
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, EncodeError> {
    HeaderValue::from_str(value).map_err(|_| {
        EncodeError::new(
            name,
            "contains characters not allowed in an HTTP header value",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(initial_ms: u64, max_ms: u64) -> Client {
        Client::builder("sk_test_x")
            .retry_delays(
                Duration::from_millis(initial_ms),
                Duration::from_millis(max_ms),
            )
            .build()
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let client = client(500, 5_000);
        for _ in 0..200 {
            // [0.5 * d, d) for d = 500, 1000, 2000, 4000, 5000 (capped).
            for (attempt, full) in [
                (1, 500),
                (2, 1_000),
                (3, 2_000),
                (4, 4_000),
                (5, 5_000),
                (9, 5_000),
            ] {
                let delay = client.backoff(attempt, None).as_millis() as u64;
                assert!(
                    delay >= full / 2 && delay <= full,
                    "attempt {attempt}: {delay}"
                );
            }
        }
    }

    #[test]
    fn the_first_retry_is_jittered_too() {
        let client = client(500, 5_000);
        let delays: std::collections::BTreeSet<Duration> =
            (0..50).map(|_| client.backoff(1, None)).collect();
        // 50 draws from [250 ms, 500 ms): all alike only if not jittered.
        assert!(delays.len() > 10, "{delays:?}");
    }

    #[test]
    fn backoff_honours_a_reasonable_retry_after() {
        let client = client(1, 2);
        assert_eq!(
            client.backoff(1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        // Beyond 60 s the server's hint is ignored.
        assert!(client.backoff(1, Some(Duration::from_secs(600))) <= Duration::from_millis(2));
    }

    #[test]
    fn retry_policy_follows_the_header_first() {
        let mut headers = HeaderMap::new();
        for status in [409, 500, 502, 503] {
            assert!(should_retry(status, &headers), "{status}");
        }
        for status in [400, 401, 402, 404, 429] {
            assert!(!should_retry(status, &headers), "{status}");
        }
        headers.insert("stripe-should-retry", HeaderValue::from_static("false"));
        assert!(!should_retry(500, &headers));
        assert!(!should_retry(409, &headers));
        headers.insert("stripe-should-retry", HeaderValue::from_static("true"));
        assert!(should_retry(429, &headers));
        assert!(should_retry(400, &headers));
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("2"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), None);
    }
}
