//! Sending a webhook delivery as Stripe sends one: the event's JSON POSTed
//! to an endpoint's URL, signed with the endpoint's secret in the
//! `Stripe-Signature` header ([`webhook::generate_test_header`]). What
//! `stripe listen --forward-to` and the mock's deliveries send, and what a
//! test can send its own receiver.
//!
//! One attempt per call: how often to try again is the caller's rule
//! (Stripe's retry schedule in the mock, network errors only in `listen`).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hyper::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use stripe_core::Method;

use crate::error::TransportError;
use crate::transport::{exchange, new_http, Http};
use crate::webhook;

/// What Stripe's deliveries say they are.
const DELIVERY_USER_AGENT: &str = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";
const CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// Sends signed webhook deliveries over one pooled connection per host.
///
/// Never through a proxy, whatever `HTTPS_PROXY` and `HTTP_PROXY` say: it
/// delivers to the user's own endpoint, usually on localhost, which a proxy
/// out of the network could not reach. Stripe CLI forwards directly too.
#[derive(Clone)]
pub struct Forwarder {
    http: Http,
    timeout: Duration,
}

/// How the endpoint answered a delivery.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub status: u16,
    pub body: Bytes,
}

impl Delivered {
    /// Whether Stripe would count the delivery as received: a 2xx.
    pub fn accepted(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

impl Default for Forwarder {
    fn default() -> Self {
        Forwarder::new()
    }
}

impl Forwarder {
    /// A forwarder that waits 30 s for an answer, as Stripe does before it
    /// counts a delivery as failed.
    pub fn new() -> Self {
        Forwarder {
            http: new_http(None),
            timeout: Duration::from_secs(30),
        }
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// POSTs `payload` to `url`, signed with `secret` now. `headers` are
    /// sent beside Stripe's (say, `stripe listen --headers`).
    pub async fn send(
        &self,
        url: &str,
        payload: &[u8],
        secret: &str,
        headers: &[(String, String)],
    ) -> Result<Delivered, ForwardError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let mut map = HeaderMap::new();
        map.insert(USER_AGENT, HeaderValue::from_static(DELIVERY_USER_AGENT));
        for (name, value) in headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                map.insert(name, value);
            }
        }
        let signature = webhook::generate_test_header(payload, secret, now);
        if let Ok(value) = HeaderValue::from_str(&signature) {
            map.insert("stripe-signature", value);
        }
        let body = Bytes::copy_from_slice(payload);
        let answer = exchange(
            &self.http,
            Method::Post,
            url,
            &map,
            Some(CONTENT_TYPE),
            body,
            self.timeout,
        )
        .await
        .map_err(|cause| ForwardError {
            url: url.to_owned(),
            cause,
        })?;
        Ok(Delivered {
            status: answer.status,
            body: answer.body,
        })
    }
}

/// A delivery that got no HTTP answer: the endpoint refused the
/// connection, broke it off, or did not answer within the timeout.
#[derive(Debug)]
pub struct ForwardError {
    pub url: String,
    cause: TransportError,
}

impl ForwardError {
    pub fn is_timeout(&self) -> bool {
        self.cause.is_timeout()
    }

    pub fn is_connect(&self) -> bool {
        self.cause.is_connect()
    }
}

impl fmt::Display for ForwardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.is_timeout() {
            "no answer in time"
        } else if self.is_connect() {
            "could not connect"
        } else {
            "the connection failed"
        };
        write!(f, "delivery to {}: {what}", self.url)?;
        if let Some(source) = std::error::Error::source(&self.cause) {
            write!(f, " ({source})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ForwardError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}
