//! The HTTP client the generated endpoint functions call.
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

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub use bytes::Bytes;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{
    HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, USER_AGENT,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::encode::{self, EncodeError};
use crate::error::{ApiError, DecodeError, Error, TransportError};
use crate::list::{List, SearchList};
use crate::types::Object;

/// Where requests go unless the builder says otherwise.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";
/// The host of `POST /v1/files`.
pub const DEFAULT_FILES_BASE: &str = "https://files.stripe.com";
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

const USER_AGENT_VALUE: &str = concat!("stripe-runtime/", env!("CARGO_PKG_VERSION"), " (Rust)");
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Everything but the unreserved characters of RFC 3986, so an id can never
/// add a `/`, `?` or `#` to the path.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path parameter (an id) for use inside a path:
/// `format!("/v1/customers/{}", path_segment(id))`.
pub fn path_segment(value: &str) -> String {
    utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

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
    http: reqwest::Client,
    /// `Bearer <key>`, marked sensitive so reqwest never prints it.
    authorization: Result<HeaderValue, EncodeError>,
    /// Kept only to show its redacted form in `Debug`.
    secret_key: String,
    api_base: String,
    files_base: String,
    max_retries: u32,
    timeout: Duration,
    initial_retry_delay: Duration,
    max_retry_delay: Duration,
}

/// What a handle may override.
#[derive(Clone, Debug, Default)]
struct Options {
    stripe_version: Option<String>,
    stripe_account: Option<String>,
    idempotency_key: Option<String>,
}

impl Client {
    /// A client with the defaults: api.stripe.com, 2 retries, 80 s timeout,
    /// and the API version each request was generated for.
    ///
    /// # Panics
    /// Like `reqwest::Client::new`, if the TLS backend cannot be initialized.
    pub fn new(secret_key: impl Into<String>) -> Client {
        Client::builder(secret_key).build()
    }

    pub fn builder(secret_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            secret_key: secret_key.into(),
            api_base: DEFAULT_API_BASE.to_owned(),
            files_base: DEFAULT_FILES_BASE.to_owned(),
            options: Options::default(),
            max_retries: DEFAULT_MAX_RETRIES,
            timeout: DEFAULT_TIMEOUT,
            initial_retry_delay: DEFAULT_INITIAL_RETRY_DELAY,
            max_retry_delay: DEFAULT_MAX_RETRY_DELAY,
            http: None,
        }
    }

    /// Acts on behalf of a connected account (`Stripe-Account` header).
    pub fn with_stripe_account(&self, account: impl Into<String>) -> Client {
        let mut client = self.clone();
        client.options.stripe_account = Some(account.into());
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

    /// Sends `request`, retrying as configured, and decodes the response.
    pub async fn execute<T: DeserializeOwned>(&self, request: Request) -> Result<T, Error> {
        let response = self.send(&request).await?;
        Ok(DecodeError::decode(
            response.status,
            response.request_id,
            &response.body,
        )?)
    }

    /// Sends `request` like [`execute`](Client::execute), with the same
    /// headers, retries and errors, and returns the body of the successful
    /// response undecoded: for endpoints that answer with another media type
    /// than JSON (`GET /v1/quotes/{quote}/pdf`).
    pub async fn execute_bytes(&self, request: Request) -> Result<Bytes, Error> {
        Ok(self.send(&request).await?.body)
    }

    /// Every item of a list endpoint, fetching pages as the stream is read.
    ///
    /// Follows `starting_after` with the id of each page's last item, or,
    /// when `request` has `ending_before`, walks backwards with the id of
    /// each page's first item (yielding each page's items in reverse, so the
    /// stream moves steadily away from the starting cursor, as stripe-node
    /// does). Stops after a page with `has_more: false`. The first error ends
    /// the stream. The stream is not `Unpin`: use `std::pin::pin!` or
    /// `Box::pin` before `StreamExt::next`.
    pub fn paginate<T>(
        &self,
        request: Request,
    ) -> impl futures::Stream<Item = Result<T, Error>> + Send
    where
        T: DeserializeOwned + Object + Send + 'static,
    {
        let backwards = request.query_value("ending_before").is_some();
        let cursor = if backwards {
            "ending_before"
        } else {
            "starting_after"
        };
        let state = Pager {
            client: self.clone(),
            next: Next::Page(request),
            items: VecDeque::new(),
        };
        futures::stream::try_unfold(state, move |mut state| async move {
            loop {
                if let Some(item) = state.items.pop_front() {
                    return Ok(Some((item, state)));
                }
                let request = match std::mem::replace(&mut state.next, Next::Done) {
                    Next::Page(request) => request,
                    Next::Fail(error) => return Err(error),
                    Next::Done => return Ok(None),
                };
                let page: List<T> = state.client.execute(request.clone()).await?;
                if page.has_more && !page.data.is_empty() {
                    let (index, item) = if backwards {
                        (0, page.data.first())
                    } else {
                        (page.data.len() - 1, page.data.last())
                    };
                    state.next = match item.and_then(Object::id) {
                        Some(id) => Next::Page(request.replace_query(cursor, id)),
                        None => Next::Fail(missing_cursor(&request, index)),
                    };
                }
                state.items = page.data.into();
                if backwards {
                    state.items.make_contiguous().reverse();
                }
            }
        })
    }

    /// Every item of a search endpoint, following `next_page` with the
    /// `page` parameter until a page has `has_more: false`.
    pub fn paginate_search<T>(
        &self,
        request: Request,
    ) -> impl futures::Stream<Item = Result<T, Error>> + Send
    where
        T: DeserializeOwned + Send + 'static,
    {
        let state = Pager {
            client: self.clone(),
            next: Next::Page(request),
            items: VecDeque::new(),
        };
        futures::stream::try_unfold(state, |mut state| async move {
            loop {
                if let Some(item) = state.items.pop_front() {
                    return Ok(Some((item, state)));
                }
                let Next::Page(request) = std::mem::replace(&mut state.next, Next::Done) else {
                    return Ok(None);
                };
                let page: SearchList<T> = state.client.execute(request.clone()).await?;
                if let (true, Some(next_page)) = (page.has_more, &page.next_page) {
                    state.next = Next::Page(request.replace_query("page", next_page));
                }
                state.items = page.data.into();
            }
        })
    }

    /// Sends with retries and returns the successful response, or the error
    /// of the last attempt.
    async fn send(&self, request: &Request) -> Result<RawResponse, Error> {
        if let Some(error) = &request.error {
            return Err(Error::Encode(error.clone()));
        }
        let headers = self.headers(request)?;
        let url = self.url(request)?;

        let mut attempt = 0;
        loop {
            attempt += 1;
            let retries_left = attempt <= self.inner.max_retries;
            let mut builder = self
                .inner
                .http
                .request(request.method.as_reqwest(), url.as_str())
                .headers(headers.clone())
                .timeout(self.inner.timeout);
            builder = match &request.body {
                Body::Empty if request.method == Method::Post => {
                    builder.header(CONTENT_TYPE, FORM_CONTENT_TYPE)
                }
                Body::Empty => builder,
                Body::Form(pairs) => builder
                    .header(CONTENT_TYPE, FORM_CONTENT_TYPE)
                    .body(encode::pairs_to_form(pairs)),
                Body::Multipart(form) => builder.multipart(form.to_reqwest()?),
            };

            let response = match builder.send().await {
                Ok(response) => response,
                Err(error) if retries_left && !error.is_builder() => {
                    tokio::time::sleep(self.backoff(attempt, None)).await;
                    continue;
                }
                Err(error) => return Err(TransportError::new(error, attempt).into()),
            };

            let status = response.status().as_u16();
            let request_id = header_str(response.headers(), "request-id").map(str::to_owned);
            let should_retry = should_retry(status, response.headers());
            let retry_after = retry_after(response.headers());
            let body = match response.bytes().await {
                Ok(body) => body,
                // The connection broke mid-body: as retryable as a failed send.
                Err(_) if retries_left => {
                    tokio::time::sleep(self.backoff(attempt, None)).await;
                    continue;
                }
                Err(error) => return Err(TransportError::new(error, attempt).into()),
            };

            if (200..300).contains(&status) {
                return Ok(RawResponse {
                    status,
                    request_id,
                    body,
                });
            }
            if should_retry && retries_left {
                tokio::time::sleep(self.backoff(attempt, retry_after)).await;
                continue;
            }
            return Err(
                match ApiError::from_body(status, request_id.clone(), &body) {
                    Some(api_error) => Error::Api(api_error),
                    None => Error::Status {
                        status,
                        request_id,
                        body: String::from_utf8_lossy(&body).into_owned(),
                    },
                },
            );
        }
    }

    /// The headers of every attempt of `request`. The idempotency key is
    /// chosen once here, so all retries share it.
    fn headers(&self, request: &Request) -> Result<HeaderMap, EncodeError> {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, self.inner.authorization.clone()?);
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        let version = self
            .options
            .stripe_version
            .as_deref()
            .or(request.api_version);
        if let Some(version) = version {
            headers.insert("stripe-version", header_value("Stripe-Version", version)?);
        }
        if let Some(account) = &self.options.stripe_account {
            headers.insert("stripe-account", header_value("Stripe-Account", account)?);
        }
        let idempotency_key = match (&self.options.idempotency_key, request.method) {
            (Some(key), Method::Post | Method::Delete) => Some(key.clone()),
            (None, Method::Post) => Some(uuid::Uuid::new_v4().to_string()),
            _ => None,
        };
        if let Some(key) = idempotency_key {
            headers.insert("idempotency-key", header_value("Idempotency-Key", &key)?);
        }
        Ok(headers)
    }

    fn url(&self, request: &Request) -> Result<String, EncodeError> {
        // `.` and `..` segments (also as `%2E`) would be resolved away by the
        // URL parser and send the request to another endpoint.
        let dot_segment = request.path.split('/').any(|segment| {
            let decoded = percent_decode_str(segment).decode_utf8_lossy();
            decoded == "." || decoded == ".."
        });
        if dot_segment || !request.path.starts_with('/') {
            return Err(EncodeError::new(
                "path",
                format!("`{}` is not a valid endpoint path", request.path),
            ));
        }
        let base = match request.host {
            Host::Api => &self.inner.api_base,
            Host::Files => &self.inner.files_base,
        };
        let mut url = format!("{}{}", base.trim_end_matches('/'), request.path);
        if !request.query.is_empty() {
            url.push('?');
            url.push_str(&encode::pairs_to_form(&request.query));
        }
        Ok(url)
    }

    /// Exponential backoff with jitter, as stripe-node: the delay doubles
    /// from the initial delay up to the cap, is scaled by a random factor in
    /// [0.5, 1) so that clients do not retry in lockstep, never goes below the
    /// initial delay, and honours a server's `Retry-After` of up to 60 s.
    fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let initial = self.inner.initial_retry_delay;
        let exponential = initial
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.inner.max_retry_delay);
        let jittered = exponential.mul_f64(0.5 * (1.0 + fastrand::f64()));
        let delay = jittered.max(initial);
        match retry_after {
            Some(wait) if wait <= MAX_RETRY_AFTER => delay.max(wait),
            _ => delay,
        }
    }
}

impl fmt::Debug for Client {
    /// Never prints the secret key: only its `sk_test_`-style prefix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("secret_key", &RedactedKey(&self.inner.secret_key))
            .field("api_base", &self.inner.api_base)
            .field("files_base", &self.inner.files_base)
            .field("stripe_version", &self.options.stripe_version)
            .field("stripe_account", &self.options.stripe_account)
            .field("idempotency_key", &self.options.idempotency_key)
            .field("max_retries", &self.inner.max_retries)
            .field("timeout", &self.inner.timeout)
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

/// Configures a [`Client`]. Made by [`Client::builder`].
pub struct ClientBuilder {
    secret_key: String,
    api_base: String,
    files_base: String,
    options: Options,
    max_retries: u32,
    timeout: Duration,
    initial_retry_delay: Duration,
    max_retry_delay: Duration,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// Base URL of the API, default `https://api.stripe.com` (e.g. a
    /// stripe-mock or a test server).
    pub fn api_base(mut self, url: impl Into<String>) -> Self {
        self.api_base = url.into();
        self
    }

    /// Base URL of file uploads, default `https://files.stripe.com`.
    pub fn files_base(mut self, url: impl Into<String>) -> Self {
        self.files_base = url.into();
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

    /// Uses this reqwest client (proxy, custom TLS roots, ...) instead of a
    /// new one. Timeout, headers and retries still come from this builder.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// # Panics
    /// Like `reqwest::Client::new`, if the TLS backend cannot be initialized.
    pub fn build(self) -> Client {
        let http = self.http.unwrap_or_else(|| {
            reqwest::Client::builder()
                .build()
                .expect("the TLS backend could not be initialized")
        });
        // An invalid key is reported by the first request rather than here,
        // so that `Client::new` stays infallible.
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
        Client {
            inner: Arc::new(Inner {
                http,
                authorization,
                secret_key: self.secret_key,
                api_base: self.api_base,
                files_base: self.files_base,
                max_retries: self.max_retries,
                timeout: self.timeout,
                initial_retry_delay: self.initial_retry_delay,
                max_retry_delay: self.max_retry_delay,
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
            .field("files_base", &self.files_base)
            .field("stripe_version", &self.options.stripe_version)
            .field("stripe_account", &self.options.stripe_account)
            .field("max_retries", &self.max_retries)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    fn as_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Delete => reqwest::Method::DELETE,
        }
    }
}

/// Which Stripe host serves an endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Host {
    #[default]
    Api,
    /// `files.stripe.com`, for `POST /v1/files`.
    Files,
}

/// One API call, as built by a generated endpoint function.
///
/// Encoding errors from [`query`](Request::query) and
/// [`form`](Request::form) are kept and returned by
/// [`Client::execute`], so building a request never fails.
#[derive(Clone, Debug)]
pub struct Request {
    method: Method,
    host: Host,
    path: String,
    api_version: Option<&'static str>,
    /// Unescaped, so pagination can replace a cursor.
    query: Vec<(String, String)>,
    body: Body,
    error: Option<EncodeError>,
}

#[derive(Clone, Debug)]
enum Body {
    Empty,
    /// Unescaped pairs, escaped when sent.
    Form(Vec<(String, String)>),
    Multipart(Multipart),
}

impl Request {
    /// `path` starts with `/v1/` and has its parameters filled in, each
    /// escaped with [`path_segment`].
    pub fn new(method: Method, path: impl Into<String>) -> Request {
        Request {
            method,
            host: Host::Api,
            path: path.into(),
            api_version: None,
            query: Vec::new(),
            body: Body::Empty,
            error: None,
        }
    }

    pub fn host(mut self, host: Host) -> Request {
        self.host = host;
        self
    }

    /// The API version the generated types were made from, sent as
    /// `Stripe-Version` unless the client or a handle overrides it.
    pub fn api_version(mut self, version: &'static str) -> Request {
        self.api_version = Some(version);
        self
    }

    /// Adds query parameters (GET and DELETE), deepObject-encoded.
    pub fn query<P: Serialize + ?Sized>(mut self, params: &P) -> Request {
        match encode::to_pairs(params) {
            Ok(pairs) => self.query.extend(pairs),
            Err(error) => self.fail(error),
        }
        self
    }

    /// Sets the form body (POST), deepObject-encoded. Sent as
    /// `application/x-www-form-urlencoded`; a POST without `form` sends the
    /// same content type with an empty body.
    pub fn form<P: Serialize + ?Sized>(mut self, params: &P) -> Request {
        match encode::to_pairs(params) {
            Ok(pairs) => match &mut self.body {
                Body::Form(existing) => existing.extend(pairs),
                body => *body = Body::Form(pairs),
            },
            Err(error) => self.fail(error),
        }
        self
    }

    /// Sets a `multipart/form-data` body (`POST /v1/files`).
    pub fn multipart(mut self, form: Multipart) -> Request {
        if let Some(error) = form.error.clone() {
            self.fail(error);
        }
        self.body = Body::Multipart(form);
        self
    }

    pub fn method(&self) -> Method {
        self.method
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query parameters, unescaped, in order.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The first value of a query parameter.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Sets a query parameter, replacing every earlier value of it.
    pub fn replace_query(mut self, name: &str, value: &str) -> Request {
        self.query.retain(|(key, _)| key != name);
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Keeps the first error: it is the one the caller wrote first.
    fn fail(&mut self, error: EncodeError) {
        self.error.get_or_insert(error);
    }
}

/// A `multipart/form-data` body. Cloneable (file contents are shared
/// `Bytes`), so a failed upload can be retried.
#[derive(Clone, Debug, Default)]
pub struct Multipart {
    parts: Vec<(String, Part)>,
    error: Option<EncodeError>,
}

#[derive(Clone, Debug)]
enum Part {
    Text(String),
    File {
        file_name: String,
        content_type: Option<String>,
        data: Bytes,
    },
}

impl Multipart {
    pub fn new() -> Multipart {
        Multipart::default()
    }

    /// A text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Multipart {
        self.parts.push((name.into(), Part::Text(value.into())));
        self
    }

    /// Text fields for every parameter of `params`, with deepObject names
    /// (`file_link_data[create]=true`).
    pub fn params<P: Serialize + ?Sized>(mut self, params: &P) -> Multipart {
        match encode::to_pairs(params) {
            Ok(pairs) => self.parts.extend(
                pairs
                    .into_iter()
                    .map(|(name, value)| (name, Part::Text(value))),
            ),
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
        self
    }

    /// A file field. `content_type` is e.g. `image/png`; without one the part
    /// is sent without a type and Stripe looks at the contents.
    pub fn file(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: Option<&str>,
        data: impl Into<Bytes>,
    ) -> Multipart {
        self.parts.push((
            name.into(),
            Part::File {
                file_name: file_name.into(),
                content_type: content_type.map(str::to_owned),
                data: data.into(),
            },
        ));
        self
    }

    fn to_reqwest(&self) -> Result<reqwest::multipart::Form, EncodeError> {
        let mut form = reqwest::multipart::Form::new();
        for (name, part) in &self.parts {
            form = match part {
                Part::Text(value) => form.text(name.clone(), value.clone()),
                Part::File {
                    file_name,
                    content_type,
                    data,
                } => {
                    let length = data.len() as u64;
                    let mut file =
                        reqwest::multipart::Part::stream_with_length(data.clone(), length)
                            .file_name(file_name.clone());
                    if let Some(content_type) = content_type {
                        file = file.mime_str(content_type).map_err(|_| {
                            EncodeError::new(name, format!("`{content_type}` is not a MIME type"))
                        })?;
                    }
                    form.part(name.clone(), file)
                }
            };
        }
        Ok(form)
    }
}

/// A 2xx response, before decoding.
struct RawResponse {
    status: u16,
    request_id: Option<String>,
    body: Bytes,
}

/// The state of a pagination stream between items.
struct Pager<T> {
    client: Client,
    next: Next,
    items: VecDeque<T>,
}

enum Next {
    Page(Request),
    /// Reported after the items already fetched.
    Fail(Error),
    Done,
}

fn missing_cursor(request: &Request, index: usize) -> Error {
    Error::Decode(DecodeError {
        path: format!("data[{index}].id"),
        message: format!(
            "the list at {} has more items but this one has no id to continue from",
            request.path
        ),
        status: 200,
        request_id: None,
        body: String::new(),
    })
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
            // [max(0.5 * d, initial), d) for d = 500, 1000, 2000, 4000, 5000 (capped).
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
                    delay >= (full / 2).max(500) && delay <= full,
                    "attempt {attempt}: {delay}"
                );
            }
        }
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

    #[test]
    fn replace_query_keeps_one_value() {
        let request = Request::new(Method::Get, "/v1/x")
            .query(&serde_json::json!({"limit": 3, "starting_after": "a"}))
            .replace_query("starting_after", "b")
            .replace_query("starting_after", "c");
        assert_eq!(
            request.query_pairs(),
            [
                ("limit".to_owned(), "3".to_owned()),
                ("starting_after".to_owned(), "c".to_owned())
            ]
        );
    }
}
