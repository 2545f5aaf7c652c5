//! What can go wrong with a request, typed so that callers can match on it.

use std::fmt;

use serde_json::Value;

pub use stripe_core::{DecodeError, EncodeError};

/// Every failure of [`Client::execute`](crate::client::Client::execute) and of
/// the pagination streams.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Stripe answered with an error object (`{"error": {...}}`).
    Api(ApiError),
    /// Stripe answered with a non-2xx status whose body is not a Stripe error,
    /// e.g. an HTML page from a proxy in between.
    Status {
        status: u16,
        request_id: Option<String>,
        /// The `Idempotency-Key` the request was sent with.
        idempotency_key: Option<String>,
        body: String,
    },
    /// A 2xx response whose body does not fit the expected type.
    Decode(DecodeError),
    /// The request never got an HTTP answer: connection refused or reset,
    /// TLS failure, timeout. Already retried as configured.
    Transport(TransportError),
    /// The request parameters could not be encoded; nothing was sent.
    Encode(EncodeError),
}

impl Error {
    /// The `Request-Id` Stripe gave the response, to quote to Stripe support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Status { request_id, .. } => request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            Error::Transport(e) => e.request_id(),
            Error::Encode(_) => None,
        }
    }

    /// The `Idempotency-Key` the request was sent with (every POST has one,
    /// generated unless the caller chose it), to log, or to send the request
    /// again later without acting twice: Stripe replays the first answer.
    /// `None` for a GET, or when nothing was sent.
    pub fn idempotency_key(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.idempotency_key.as_deref(),
            Error::Status {
                idempotency_key, ..
            } => idempotency_key.as_deref(),
            Error::Decode(e) => e.idempotency_key.as_deref(),
            Error::Transport(e) => e.idempotency_key(),
            Error::Encode(_) => None,
        }
    }

    /// The HTTP status of the response, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Status { status, .. } => Some(*status),
            Error::Decode(e) => e.status,
            Error::Transport(e) => e.status(),
            Error::Encode(_) => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Status {
                status,
                request_id,
                body,
                ..
            } => {
                write!(f, "HTTP {status} with a body that is not a Stripe error")?;
                if !body.is_empty() {
                    write!(f, ": {}", snippet(body))?;
                }
                write_request_id(f, request_id.as_deref())
            }
            Error::Decode(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Encode(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Api(e) => Some(e),
            Error::Status { .. } => None,
            Error::Decode(e) => Some(e),
            Error::Transport(e) => Some(e),
            Error::Encode(e) => Some(e),
        }
    }
}

impl From<EncodeError> for Error {
    fn from(e: EncodeError) -> Self {
        Error::Encode(e)
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(e)
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::Decode(e)
    }
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        Error::Transport(e)
    }
}

/// The `type` of a Stripe error. Open: a type Stripe adds later is kept in
/// `Unknown` rather than failing to decode.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ErrorType {
    ApiError,
    CardError,
    IdempotencyError,
    InvalidRequestError,
    /// Sent by older API versions for HTTP 429.
    RateLimitError,
    /// v2: too many requests.
    RateLimit,
    /// v2: the meter event stream's session token has expired; make a new
    /// session.
    TemporarySessionExpired,
    Unknown(String),
}

impl ErrorType {
    pub fn from_wire(value: &str) -> Self {
        match value {
            "api_error" => ErrorType::ApiError,
            "card_error" => ErrorType::CardError,
            "idempotency_error" => ErrorType::IdempotencyError,
            "invalid_request_error" => ErrorType::InvalidRequestError,
            "rate_limit_error" => ErrorType::RateLimitError,
            "rate_limit" => ErrorType::RateLimit,
            "temporary_session_expired" => ErrorType::TemporarySessionExpired,
            other => ErrorType::Unknown(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ErrorType::ApiError => "api_error",
            ErrorType::CardError => "card_error",
            ErrorType::IdempotencyError => "idempotency_error",
            ErrorType::InvalidRequestError => "invalid_request_error",
            ErrorType::RateLimitError => "rate_limit_error",
            ErrorType::RateLimit => "rate_limit",
            ErrorType::TemporarySessionExpired => "temporary_session_expired",
            ErrorType::Unknown(other) => other,
        }
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error object returned by Stripe, v1 or v2 (`{"error": {...}}`), with
/// the HTTP status and request id of the response that carried it.
///
/// A v2 operation's possible codes are a generated enum of its own
/// (`CreateEventDestinationErrorCode`, say), which [`code_as`](Self::code_as)
/// reads: `match error.code_as::<CreateEventDestinationErrorCode>() { .. }`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    pub status: u16,
    /// v1 always sends one; a v2 error may have none
    /// (`ErrorType::Unknown("")`).
    pub error_type: ErrorType,
    /// A short string such as `card_declined` or `resource_missing`.
    pub code: Option<String>,
    /// For declined cards: the issuer's reason, e.g. `insufficient_funds`.
    pub decline_code: Option<String>,
    /// The request parameter the error is about.
    pub param: Option<String>,
    pub message: Option<String>,
    /// v2: a message meant for the end user, when Stripe has one.
    pub user_message: Option<String>,
    pub doc_url: Option<String>,
    pub request_log_url: Option<String>,
    /// The `Request-Id` response header.
    pub request_id: Option<String>,
    /// The `Idempotency-Key` the request was sent with.
    pub idempotency_key: Option<String>,
    /// The whole error object, for the fields not lifted out above
    /// (`payment_intent`, `charge`, `setup_intent`, ...).
    pub raw: serde_json::Value,
}

impl ApiError {
    /// Reads `{"error": {...}}`. `None` when the body is not a Stripe error.
    pub(crate) fn from_body(status: u16, request_id: Option<String>, body: &[u8]) -> Option<Self> {
        let mut envelope: Value = serde_json::from_slice(body).ok()?;
        let error = envelope.get_mut("error")?.take();
        let text = |name: &str| -> Option<Option<String>> {
            match error.get(name) {
                None | Some(Value::Null) => Some(None),
                Some(Value::String(text)) => Some(Some(text.clone())),
                Some(_) => None,
            }
        };
        Some(ApiError {
            status,
            error_type: ErrorType::from_wire(text("type")?.as_deref().unwrap_or_default()),
            code: text("code")?,
            decline_code: text("decline_code")?,
            param: text("param")?,
            message: text("message")?,
            user_message: text("user_message")?,
            doc_url: text("doc_url")?,
            request_log_url: text("request_log_url")?,
            request_id,
            idempotency_key: None,
            raw: error,
        })
    }

    /// Whether Stripe rejected the request for going too fast (HTTP 429).
    pub fn is_rate_limit(&self) -> bool {
        self.status == 429
    }

    /// The code as one of a typed set of codes (the generated error-code
    /// enum of a v2 operation, which keeps a code it does not list as
    /// `Unknown`); `None` when the error has no code.
    pub fn code_as<C: for<'a> From<&'a str>>(&self) -> Option<C> {
        self.code.as_deref().map(C::from)
    }
}

impl fmt::Display for ApiError {
    /// `HTTP 402 card_error (card_declined): Your card was declined. [request req_123]`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A v2 error may come without a type.
        let kind = match self.error_type.as_str() {
            "" => "error",
            kind => kind,
        };
        write!(f, "HTTP {} {kind}", self.status)?;
        match (&self.code, &self.decline_code) {
            (Some(code), Some(decline)) => write!(f, " ({code}, decline_code {decline})")?,
            (Some(code), None) => write!(f, " ({code})")?,
            (None, Some(decline)) => write!(f, " (decline_code {decline})")?,
            (None, None) => {}
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(param) = &self.param {
            write!(f, " [param {param}]")?;
        }
        write_request_id(f, self.request_id.as_deref())
    }
}

impl std::error::Error for ApiError {}

/// No HTTP response: the connection failed or timed out.
#[derive(Debug)]
pub struct TransportError {
    /// How many attempts were made, retries included.
    pub attempts: u32,
    /// The status and `Request-Id` of a response whose body broke off: the
    /// status line and headers had arrived.
    response: Option<(u16, Option<String>)>,
    idempotency_key: Option<String>,
    kind: TransportKind,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TransportKind {
    Connect,
    Timeout,
    /// The connection broke while the body was being read.
    Body,
    /// The client's setting (a proxy URL) cannot be used: nothing was sent.
    Config,
    Other,
}

impl TransportError {
    pub(crate) fn new(
        kind: TransportKind,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        TransportError {
            attempts: 1,
            response: None,
            idempotency_key: None,
            kind,
            source,
        }
    }

    /// The body of a response with this status and request id broke off.
    pub(crate) fn in_body_of(mut self, status: u16, request_id: Option<String>) -> Self {
        self.response = Some((status, request_id));
        self
    }

    /// The HTTP status, when the status line arrived before the failure.
    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().map(|(status, _)| *status)
    }

    /// The `Request-Id` of the response, when its headers arrived.
    pub fn request_id(&self) -> Option<&str> {
        self.response.as_ref().and_then(|(_, id)| id.as_deref())
    }

    /// The `Idempotency-Key` every attempt was sent with: sending the
    /// request again with it cannot act twice, whether or not an attempt
    /// reached Stripe.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }

    /// The error of the last of `attempts`, all sent with `idempotency_key`.
    pub(crate) fn after(mut self, attempts: u32, idempotency_key: Option<String>) -> Self {
        self.attempts = attempts;
        self.idempotency_key = idempotency_key;
        self
    }

    pub fn is_timeout(&self) -> bool {
        self.kind == TransportKind::Timeout
    }

    pub fn is_connect(&self) -> bool {
        self.kind == TransportKind::Connect
    }

    /// The client's proxy setting cannot be used (the message names the
    /// variable and its value): nothing was sent, and sending again fails
    /// alike.
    pub fn is_config(&self) -> bool {
        self.kind == TransportKind::Config
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportKind::Timeout => "timed out",
            TransportKind::Connect => "could not connect",
            TransportKind::Body => "broke off while reading the response body",
            TransportKind::Config => "not sent",
            TransportKind::Other => "failed",
        };
        write!(f, "request to Stripe {what}")?;
        if self.kind != TransportKind::Config {
            write!(f, " after {} attempt", self.attempts)?;
            if self.attempts != 1 {
                f.write_str("s")?;
            }
        }
        if let Some(status) = self.status() {
            write!(f, " (HTTP {status})")?;
        }
        write_request_id(f, self.request_id())?;
        // The whole chain: hyper's own text is only "client error
        // (Connect)"; the cause (DNS, TLS, refused, the proxy's answer) is
        // below it. None of it holds the headers, so never the key.
        let mut next = self
            .source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static));
        let mut shown = String::new();
        while let Some(error) = next {
            let text = error.to_string();
            // Some errors repeat their source's text in their own.
            if !shown.contains(&text) {
                write!(f, ": {text}")?;
            }
            shown = text;
            next = error.source();
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

fn write_request_id(f: &mut fmt::Formatter<'_>, request_id: Option<&str>) -> fmt::Result {
    match request_id {
        Some(id) => write!(f, " [request {id}]"),
        None => Ok(()),
    }
}

/// The start of a body, for messages; bodies can be whole HTML pages.
fn snippet(body: &str) -> &str {
    const MAX: usize = 200;
    if body.len() <= MAX {
        return body.trim();
    }
    let mut end = MAX;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    body[..end].trim()
}
