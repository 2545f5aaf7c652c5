//! Verification of the webhook events Stripe sends to an endpoint.
//!
//! Stripe signs every delivery with the endpoint's signing secret
//! (`whsec_...`) and sends the result in the `Stripe-Signature` header:
//!
//! ```text
//! Stripe-Signature: t=1492774577,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd,v0=...
//! ```
//!
//! `t` is when Stripe signed, in Unix seconds, and each `v1` is the hex
//! HMAC-SHA256 of `"{t}.{raw request body}"` keyed with the secret. Several
//! `v1` are sent while a rolled secret and its successor are both live; any
//! one of them matching is enough. Other schemes (such as the legacy `v0`)
//! are ignored.
//!
//! Pass the raw request body, byte for byte: a body that a framework parsed
//! and re-serialized no longer matches its signature.
//!
//! ```
//! use stripe_runtime::webhook::{self, Webhook, WebhookError};
//!
//! let secret = "whsec_test_secret";
//! let payload = br#"{"id":"evt_1","type":"charge.succeeded"}"#;
//! let now = 1_700_000_000;
//! let header = webhook::generate_test_header(payload, secret, now);
//!
//! let endpoint = Webhook::new(secret);
//! endpoint.verify_at(payload, &header, now)?;
//! // In a handler, `construct_event` verifies against the system clock and
//! // decodes (into the generated `stripe::Event`, or any `Decode` type):
//! // let event: stripe::Event = endpoint.construct_event(body, signature_header)?;
//!
//! // A body changed in transit, or a wrong secret, does not verify.
//! let tampered = br#"{"id":"evt_2","type":"charge.succeeded"}"#;
//! assert!(matches!(
//!     endpoint.verify_at(tampered, &header, now),
//!     Err(WebhookError::NoMatchingSignature)
//! ));
//! # Ok::<(), WebhookError>(())
//! ```

use std::error::Error as StdError;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

// HMAC-SHA256 from the TLS provider's crate (the two share this API).
#[cfg(feature = "rustls-aws-lc-rs")]
use aws_lc_rs::hmac;
#[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc-rs")))]
use ring::hmac;
use stripe_core::decode::Decoder;
use stripe_core::{Decode, DecodeError, EventNotificationKind};

/// How far the signature's timestamp may be from the current time, in either
/// direction, before [`Webhook::verify`] rejects it. Stripe's own libraries use
/// the same five minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Length in bytes of an HMAC-SHA256 output: a `v1` signature is twice as many
/// hex digits.
const SIGNATURE_LEN: usize = 32;

/// Verifies webhook deliveries for one endpoint.
///
/// Holds the endpoint's signing secret, which `Debug` never prints, and the
/// timestamp tolerance.
#[derive(Clone)]
pub struct Webhook {
    secret: String,
    tolerance: Duration,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secret lets anyone forge events, so it must not reach logs.
        f.debug_struct("Webhook")
            .field("secret", &format_args!("<redacted>"))
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl Webhook {
    /// A verifier for the endpoint whose signing secret (`whsec_...`) is
    /// `secret`, with the [`DEFAULT_TOLERANCE`] of 300 seconds.
    pub fn new(secret: impl Into<String>) -> Self {
        Webhook {
            secret: secret.into(),
            tolerance: DEFAULT_TOLERANCE,
        }
    }

    /// Sets how far the signature's timestamp may be from now, into the past
    /// or the future. [`Duration::ZERO`] turns the age check off, which also
    /// turns off the protection against replayed requests.
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The timestamp tolerance; zero when the age check is off.
    pub fn tolerance(&self) -> Duration {
        self.tolerance
    }

    /// Checks that `payload`, the raw request body, was signed by Stripe with
    /// this endpoint's secret, and that the signature's timestamp is within
    /// the tolerance of the system clock.
    pub fn verify(
        &self,
        payload: impl AsRef<[u8]>,
        signature_header: &str,
    ) -> Result<(), WebhookError> {
        verify(
            &self.secret,
            self.tolerance,
            payload.as_ref(),
            signature_header,
            unix_now(),
        )
    }

    /// [`verify`](Self::verify) with `now` (Unix seconds) standing in for the
    /// system clock, for tests and for callers with their own clock.
    pub fn verify_at(
        &self,
        payload: impl AsRef<[u8]>,
        signature_header: &str,
        now: i64,
    ) -> Result<(), WebhookError> {
        verify(
            &self.secret,
            self.tolerance,
            payload.as_ref(),
            signature_header,
            now,
        )
    }

    /// [`verify`](Self::verify)s the payload, then decodes it as JSON into the
    /// event type `E` (the generated `stripe::Event`, or any [`Decode`] type).
    /// A thin event notification is refused ([`WebhookError::ThinEventNotification`]).
    pub fn construct_event<E: Decode>(
        &self,
        payload: impl AsRef<[u8]>,
        signature_header: &str,
    ) -> Result<E, WebhookError> {
        let payload = payload.as_ref();
        self.verify(payload, signature_header)?;
        decode_event(payload)
    }

    /// [`verify`](Self::verify)s a thin event notification (what an event
    /// destination of `event_payload: thin` receives), then decodes it,
    /// typed by its event type (the generated
    /// `stripe::v2::core::EventNotification`). A snapshot event is refused
    /// ([`WebhookError::SnapshotEvent`]).
    pub fn parse_event_notification<N: EventNotificationKind>(
        &self,
        payload: impl AsRef<[u8]>,
        signature_header: &str,
    ) -> Result<N, WebhookError> {
        let payload = payload.as_ref();
        self.verify(payload, signature_header)?;
        decode_notification(payload)
    }
}

/// Verifies `payload` against `signature_header` with the endpoint `secret`
/// and the [`DEFAULT_TOLERANCE`], then decodes it into the event type `E`.
///
/// The same as `Webhook::new(secret).construct_event(payload, signature_header)`.
/// A thin event notification is refused ([`WebhookError::ThinEventNotification`]).
pub fn construct_event<E: Decode>(
    payload: impl AsRef<[u8]>,
    signature_header: &str,
    secret: &str,
) -> Result<E, WebhookError> {
    let payload = payload.as_ref();
    verify(
        secret,
        DEFAULT_TOLERANCE,
        payload,
        signature_header,
        unix_now(),
    )?;
    decode_event(payload)
}

/// Verifies a thin event notification against `signature_header` with the
/// endpoint `secret` and the [`DEFAULT_TOLERANCE`], then decodes it, typed
/// by its event type.
///
/// The same as `Webhook::new(secret).parse_event_notification(payload, signature_header)`.
pub fn parse_event_notification<N: EventNotificationKind>(
    payload: impl AsRef<[u8]>,
    signature_header: &str,
    secret: &str,
) -> Result<N, WebhookError> {
    Webhook::new(secret).parse_event_notification(payload, signature_header)
}

/// Builds the `Stripe-Signature` header Stripe would send for `payload`
/// signed with `secret` at `timestamp` (Unix seconds): `t={timestamp},v1={hex}`.
///
/// Meant for tests of webhook handlers. A negative `timestamp` gives a header
/// that verification rejects as malformed, as Stripe never sends one.
pub fn generate_test_header(payload: impl AsRef<[u8]>, secret: &str, timestamp: i64) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let signature = hmac::sign(&key, &signed_payload(timestamp, payload.as_ref()));
    format!("t={timestamp},v1={}", hex::encode(signature.as_ref()))
}

/// Why a webhook delivery was rejected.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookError {
    /// The endpoint secret is empty. Anyone can compute a signature with an
    /// empty key, so this is refused rather than checked; it usually means an
    /// unset environment variable.
    EmptySecret,
    /// The `Stripe-Signature` header is empty (or only whitespace): the
    /// request did not come from Stripe, or the header was not passed on.
    MissingHeader,
    /// The `Stripe-Signature` header is not `t=<unix>,v1=<hex>,...`.
    MalformedHeader { reason: MalformedReason },
    /// The header is well formed but carries no `v1` signature.
    NoV1Signature,
    /// No `v1` signature matches the payload: wrong secret, a payload that
    /// was changed, or a request not from Stripe.
    NoMatchingSignature,
    /// The signature matches, but its timestamp is further than the tolerance
    /// from now, in the past (a replay, or a delivery held up) or the future
    /// (a clock that is off).
    TimestampOutsideTolerance {
        /// The header's `t`, Unix seconds.
        timestamp: i64,
        /// The time it was checked against, Unix seconds.
        now: i64,
        tolerance_secs: u64,
    },
    /// A thin event notification (`object: v2.core.event`) was given to
    /// [`construct_event`], which takes snapshot events: use
    /// [`parse_event_notification`].
    ThinEventNotification,
    /// A snapshot event (`object: event`) was given to
    /// [`parse_event_notification`], which takes thin event notifications:
    /// use [`construct_event`].
    SnapshotEvent,
    /// The payload is authentic but is an object of another kind than an
    /// event notification (`object` names it).
    NotAnEventNotification { object: String },
    /// The payload is authentic but does not decode into the event type.
    InvalidPayload {
        /// Where decoding failed, such as `data.object.amount` (`.` for the
        /// top level).
        path: String,
        source: DecodeError,
    },
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::EmptySecret => f.write_str(
                "the webhook endpoint secret is empty; set it to the endpoint's signing secret \
                 (whsec_...) from the Stripe dashboard or `stripe listen`",
            ),
            WebhookError::MissingHeader => f.write_str(
                "the Stripe-Signature header is missing or empty; pass its value from the request \
                 (requests that do not come from Stripe have none)",
            ),
            WebhookError::MalformedHeader { reason } => write!(
                f,
                "malformed Stripe-Signature header: {reason}; expected `t=<unix time>,v1=<hex>`"
            ),
            WebhookError::NoV1Signature => f.write_str(
                "the Stripe-Signature header has no v1 signature (only v1 is verified); \
                 check that the header is the one Stripe sent",
            ),
            WebhookError::NoMatchingSignature => f.write_str(
                "no v1 signature in Stripe-Signature matches the payload; check the endpoint \
                 secret (whsec_...) and that the raw request body was passed unmodified",
            ),
            WebhookError::TimestampOutsideTolerance {
                timestamp,
                now,
                tolerance_secs,
            } => {
                let direction = if timestamp > now {
                    "in the future"
                } else {
                    "old"
                };
                write!(
                    f,
                    "the Stripe-Signature timestamp {timestamp} is {}s {direction} (now is {now}), \
                     beyond the tolerance of {tolerance_secs}s; the request may be replayed or \
                     this machine's clock may be off",
                    now.abs_diff(*timestamp),
                )
            }
            WebhookError::ThinEventNotification => f.write_str(
                "the payload is a thin event notification (`object: v2.core.event`), not a \
                 snapshot event: parse it with `webhook::parse_event_notification`",
            ),
            WebhookError::SnapshotEvent => f.write_str(
                "the payload is a snapshot event (`object: event`), not a thin event \
                 notification: parse it with `webhook::construct_event`",
            ),
            WebhookError::NotAnEventNotification { object } => write!(
                f,
                "the payload is a `{object}`, not a thin event notification (`v2.core.event`)"
            ),
            WebhookError::InvalidPayload { path, source } => write!(
                f,
                "the webhook payload is authentic but is not a valid event at `{path}`: {}",
                source.message
            ),
        }
    }
}

impl StdError for WebhookError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            WebhookError::InvalidPayload { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// What is wrong with a malformed `Stripe-Signature` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedReason {
    /// An element between commas is not `key=value`; empty elements (`,,`,
    /// a trailing comma) count.
    NotKeyValue,
    /// An element has nothing before its `=`.
    EmptyKey,
    /// There is no `t=` element.
    MissingTimestamp,
    /// `t=` appears more than once, so which time was signed is ambiguous.
    DuplicateTimestamp,
    /// `t` is not decimal Unix seconds that fit in an `i64`.
    InvalidTimestamp,
    /// A `v1` value has a character that is not a hex digit.
    InvalidSignatureHex,
    /// A `v1` value is hex but not the 64 digits of an HMAC-SHA256.
    InvalidSignatureLength { digits: usize },
}

impl fmt::Display for MalformedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MalformedReason::NotKeyValue => {
                f.write_str("an element is not `key=value` (empty elements count)")
            }
            MalformedReason::EmptyKey => f.write_str("an element has an empty key"),
            MalformedReason::MissingTimestamp => f.write_str("there is no `t=` timestamp"),
            MalformedReason::DuplicateTimestamp => f.write_str("`t=` appears more than once"),
            MalformedReason::InvalidTimestamp => {
                f.write_str("`t` is not a Unix timestamp in whole seconds")
            }
            MalformedReason::InvalidSignatureHex => {
                f.write_str("a v1 signature has a character that is not a hex digit")
            }
            MalformedReason::InvalidSignatureLength { digits } => write!(
                f,
                "a v1 signature has {digits} hex digits, expected {}",
                SIGNATURE_LEN * 2
            ),
        }
    }
}

/// The parts of a `Stripe-Signature` header that verification uses.
struct SignatureHeader {
    timestamp: i64,
    /// The decoded `v1` signatures, in header order.
    signatures: Vec<[u8; SIGNATURE_LEN]>,
}

impl SignatureHeader {
    fn parse(header: &str) -> Result<Self, WebhookError> {
        let malformed = |reason| WebhookError::MalformedHeader { reason };

        // Lenient about whitespace around the header and its parts, which
        // Stripe does not send but a proxy or a hand-written test may add.
        let header = header.trim();
        if header.is_empty() {
            return Err(WebhookError::MissingHeader);
        }

        let mut timestamp = None;
        let mut signatures = Vec::new();
        for element in header.split(',') {
            let (key, value) = element
                .split_once('=')
                .ok_or(malformed(MalformedReason::NotKeyValue))?;
            match (key.trim(), value.trim()) {
                ("", _) => return Err(malformed(MalformedReason::EmptyKey)),
                ("t", value) => match timestamp {
                    Some(_) => return Err(malformed(MalformedReason::DuplicateTimestamp)),
                    None => timestamp = Some(parse_timestamp(value)?),
                },
                ("v1", value) => signatures.push(parse_signature(value)?),
                // `v0` and any scheme added later are not ours to check.
                _ => {}
            }
        }

        let timestamp = timestamp.ok_or(malformed(MalformedReason::MissingTimestamp))?;
        if signatures.is_empty() {
            return Err(WebhookError::NoV1Signature);
        }
        Ok(SignatureHeader {
            timestamp,
            signatures,
        })
    }
}

fn parse_timestamp(value: &str) -> Result<i64, WebhookError> {
    // Digits only: `i64::from_str` would also take a sign, and Stripe's
    // timestamps are never negative.
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WebhookError::MalformedHeader {
            reason: MalformedReason::InvalidTimestamp,
        });
    }
    value.parse().map_err(|_| WebhookError::MalformedHeader {
        reason: MalformedReason::InvalidTimestamp,
    })
}

fn parse_signature(value: &str) -> Result<[u8; SIGNATURE_LEN], WebhookError> {
    // Stricter than stripe-go, which skips an undecodable `v1`: Stripe never
    // sends one, and naming the problem beats a bare "no match".
    if !value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(WebhookError::MalformedHeader {
            reason: MalformedReason::InvalidSignatureHex,
        });
    }
    let mut signature = [0; SIGNATURE_LEN];
    // Only the length can be wrong now; `value` is ASCII, so its length is the digit count.
    hex::decode_to_slice(value, &mut signature).map_err(|_| WebhookError::MalformedHeader {
        reason: MalformedReason::InvalidSignatureLength {
            digits: value.len(),
        },
    })?;
    Ok(signature)
}

fn verify(
    secret: &str,
    tolerance: Duration,
    payload: &[u8],
    signature_header: &str,
    now: i64,
) -> Result<(), WebhookError> {
    if secret.is_empty() {
        return Err(WebhookError::EmptySecret);
    }
    let header = SignatureHeader::parse(signature_header)?;

    // `hmac::verify` compares in constant time. The signature is checked
    // before the age, as in stripe-node, so that an age error means the
    // delivery is authentic but stale (a replay or a skewed clock).
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let signed = signed_payload(header.timestamp, payload);
    let matches = header
        .signatures
        .iter()
        .any(|signature| hmac::verify(&key, &signed, signature).is_ok());
    if !matches {
        return Err(WebhookError::NoMatchingSignature);
    }

    if !tolerance.is_zero() && Duration::from_secs(now.abs_diff(header.timestamp)) > tolerance {
        return Err(WebhookError::TimestampOutsideTolerance {
            timestamp: header.timestamp,
            now,
            tolerance_secs: tolerance.as_secs(),
        });
    }
    Ok(())
}

/// What Stripe signs: `"{timestamp}.{payload}"`.
fn signed_payload(timestamp: i64, payload: &[u8]) -> Vec<u8> {
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(payload);
    signed
}

/// The object a payload says it is, read ahead (`None` without one, or
/// for a payload that is not a JSON object: decoding reports that).
fn payload_object(payload: &[u8]) -> Option<String> {
    let discriminator = Decoder::new(payload).discriminator().ok()??;
    Some(discriminator.key().0.to_owned())
}

const THIN_EVENT_OBJECT: &str = "v2.core.event";

fn decode_event<E: Decode>(payload: &[u8]) -> Result<E, WebhookError> {
    if payload_object(payload).as_deref() == Some(THIN_EVENT_OBJECT) {
        return Err(WebhookError::ThinEventNotification);
    }
    decode_payload(payload)
}

/// A thin event notification, or why the payload is not one.
pub(crate) fn decode_notification<N: Decode>(payload: &[u8]) -> Result<N, WebhookError> {
    match payload_object(payload).as_deref() {
        Some("event") => return Err(WebhookError::SnapshotEvent),
        Some(object) if object != THIN_EVENT_OBJECT => {
            return Err(WebhookError::NotAnEventNotification {
                object: object.to_owned(),
            })
        }
        _ => {}
    }
    decode_payload(payload)
}

fn decode_payload<T: Decode>(payload: &[u8]) -> Result<T, WebhookError> {
    stripe_core::from_slice(payload).map_err(|source| WebhookError::InvalidPayload {
        path: source.path.clone(),
        source,
    })
}

/// The system clock in Unix seconds, saturating rather than panicking on a
/// clock set before 1970 or absurdly far ahead.
fn unix_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |secs| -secs),
    }
}
