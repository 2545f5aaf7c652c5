//! What can go wrong with a request, typed so that callers can match on it.

use std::fmt;

use serde::Deserialize;

pub use crate::encode::EncodeError;

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
            Error::Transport(_) | Error::Encode(_) => None,
        }
    }

    /// The HTTP status of the response, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Status { status, .. } => Some(*status),
            Error::Decode(e) => Some(e.status),
            Error::Transport(_) | Error::Encode(_) => None,
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
            ErrorType::Unknown(other) => other,
        }
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error object returned by Stripe, with the HTTP status and request id
/// of the response that carried it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    pub status: u16,
    pub error_type: ErrorType,
    /// A short string such as `card_declined` or `resource_missing`.
    pub code: Option<String>,
    /// For declined cards: the issuer's reason, e.g. `insufficient_funds`.
    pub decline_code: Option<String>,
    /// The request parameter the error is about.
    pub param: Option<String>,
    pub message: Option<String>,
    pub doc_url: Option<String>,
    pub request_log_url: Option<String>,
    /// The `Request-Id` response header.
    pub request_id: Option<String>,
    /// The whole error object, for the fields not lifted out above
    /// (`payment_intent`, `charge`, `setup_intent`, ...).
    pub raw: serde_json::Value,
}

impl ApiError {
    /// Reads `{"error": {...}}`. `None` when the body is not a Stripe error.
    pub(crate) fn from_body(status: u16, request_id: Option<String>, body: &[u8]) -> Option<Self> {
        #[derive(Deserialize)]
        struct Envelope {
            error: serde_json::Value,
        }
        #[derive(Deserialize)]
        struct Fields {
            #[serde(rename = "type")]
            error_type: Option<String>,
            code: Option<String>,
            decline_code: Option<String>,
            param: Option<String>,
            message: Option<String>,
            doc_url: Option<String>,
            request_log_url: Option<String>,
        }

        let Envelope { error } = serde_json::from_slice(body).ok()?;
        let fields = Fields::deserialize(&error).ok()?;
        Some(ApiError {
            status,
            error_type: ErrorType::from_wire(fields.error_type.as_deref().unwrap_or_default()),
            code: fields.code,
            decline_code: fields.decline_code,
            param: fields.param,
            message: fields.message,
            doc_url: fields.doc_url,
            request_log_url: fields.request_log_url,
            request_id,
            raw: error,
        })
    }

    /// Whether Stripe rejected the request for going too fast (HTTP 429).
    pub fn is_rate_limit(&self) -> bool {
        self.status == 429
    }
}

impl fmt::Display for ApiError {
    /// `HTTP 402 card_error (card_declined): Your card was declined. [request req_123]`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {} {}", self.status, self.error_type)?;
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

/// A successful response whose body did not decode into the expected type.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeError {
    /// JSON path of the value that failed, e.g. `data[1].amount` (`.` for the
    /// root).
    pub path: String,
    /// serde_json's message, with line and column.
    pub message: String,
    pub status: u16,
    pub request_id: Option<String>,
    /// The raw body, so that the mismatch can be reported or replayed.
    pub body: String,
}

impl DecodeError {
    /// Decodes `body` as `T`, naming the failing field on error.
    pub(crate) fn decode<T: serde::de::DeserializeOwned>(
        status: u16,
        request_id: Option<String>,
        body: &[u8],
    ) -> Result<T, DecodeError> {
        let fail = |path: String, message: String| DecodeError {
            path,
            message,
            status,
            request_id: request_id.clone(),
            body: String::from_utf8_lossy(body).into_owned(),
        };
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let value = serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|e| fail(e.path().to_string(), e.inner().to_string()))?;
        // Trailing data means the body is not the JSON we think it is.
        deserializer
            .end()
            .map_err(|e| fail(".".to_owned(), e.to_string()))?;
        Ok(value)
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HTTP {} response did not decode at `{}`: {}",
            self.status, self.path, self.message
        )?;
        write_request_id(f, self.request_id.as_deref())
    }
}

impl std::error::Error for DecodeError {}

/// No HTTP response: the connection failed or timed out.
#[derive(Debug)]
pub struct TransportError {
    /// How many attempts were made, retries included.
    pub attempts: u32,
    source: reqwest::Error,
}

impl TransportError {
    pub(crate) fn new(source: reqwest::Error, attempts: u32) -> Self {
        TransportError { attempts, source }
    }

    pub fn is_timeout(&self) -> bool {
        self.source.is_timeout()
    }

    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.is_timeout() {
            "timed out"
        } else if self.is_connect() {
            "could not connect"
        } else {
            "failed"
        };
        write!(
            f,
            "request to Stripe {what} after {} attempt",
            self.attempts
        )?;
        if self.attempts != 1 {
            f.write_str("s")?;
        }
        // reqwest's own text names the URL (never the headers, so never the
        // key); its causes (DNS, TLS, refused) are in `source()`.
        write!(f, ": {}", self.source)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
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
