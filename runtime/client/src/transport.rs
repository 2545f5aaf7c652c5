//! One HTTP exchange over hyper, and the bodies Stripe's requests carry.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderMap, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use hyper_rustls::HttpsConnector;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioExecutor;
use stripe_core::request::{Body, Part};
use stripe_core::{encode, Method};

use crate::error::{TransportError, TransportKind};
use crate::proxy::Connector;

pub(crate) type Http = hyper_util::client::legacy::Client<HttpsConnector<Connector>, Full<Bytes>>;

pub(crate) const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json";

/// A pooled HTTP/1.1 client for https (and http, for a local mock), on
/// rustls with the provider the features chose ([`tls_provider`]) and
/// Mozilla's root certificates, direct or through the proxies `proxies`
/// names (`crate::proxy`). The provider is passed in rather than installed
/// process-wide, so another rustls user in the same program is not affected.
pub(crate) fn new_http(proxies: Option<Arc<Matcher>>) -> Http {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(tls_provider())
        .expect("both providers support rustls's default protocol versions")
        .https_or_http()
        .enable_http1()
        .wrap_connector(Connector::new(proxies));
    hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build(connector)
}

/// aws-lc-rs, rustls's default: post-quantum key exchange (X25519MLKEM768)
/// offered first, so traffic recorded today stays private from a future
/// quantum computer.
#[cfg(feature = "rustls-aws-lc-rs")]
pub(crate) fn tls_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::aws_lc_rs::default_provider()
}

/// ring, when chosen alone: classical key exchange, X25519 first (rustls
/// 0.23.48 put P-384 first). rustls deprecates this provider for having no
/// post-quantum group; the feature is the user's explicit choice of a
/// faster build over that.
#[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc-rs")))]
pub(crate) fn tls_provider() -> rustls::crypto::CryptoProvider {
    use rustls::crypto::ring::kx_group::{SECP256R1, SECP384R1, X25519};
    #[allow(deprecated)]
    let mut provider = rustls::crypto::ring::default_provider();
    provider.kx_groups = vec![X25519, SECP256R1, SECP384R1];
    provider
}

#[cfg(not(any(feature = "rustls-aws-lc-rs", feature = "rustls-ring")))]
compile_error!(
    "typed-stripe-runtime needs a TLS provider: enable the feature `rustls-aws-lc-rs` (the default) or `rustls-ring`"
);

/// A response as it came: status, headers, the whole body.
pub(crate) struct Exchange {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// The content type and bytes of a request body.
pub(crate) fn body_bytes(method: Method, body: &Body) -> (Option<String>, Bytes) {
    match body {
        Body::Empty if method == Method::Post => (Some(FORM_CONTENT_TYPE.to_owned()), Bytes::new()),
        Body::Empty => (None, Bytes::new()),
        Body::Form(pairs) => (
            Some(FORM_CONTENT_TYPE.to_owned()),
            Bytes::from(encode::pairs_to_form(pairs)),
        ),
        Body::Json(json) => (
            Some(JSON_CONTENT_TYPE.to_owned()),
            Bytes::from(json.clone()),
        ),
        Body::Multipart(form) => {
            let boundary = format!(
                "stripe-rust-{:016x}{:016x}",
                fastrand::u64(..),
                fastrand::u64(..)
            );
            let body = multipart_body(form.parts(), &boundary);
            (
                Some(format!("multipart/form-data; boundary={boundary}")),
                body,
            )
        }
    }
}

/// `multipart/form-data` (RFC 7578). Names and file names are escaped as
/// the HTML standard says browsers do: `"`, CR and LF percent-encoded.
fn multipart_body(parts: &[(String, Part)], boundary: &str) -> Bytes {
    let mut out = Vec::new();
    for (name, part) in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let name = escape_quoted(name);
        match part {
            Part::Text(value) => {
                out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                );
                out.extend_from_slice(value.as_bytes());
            }
            Part::File {
                file_name,
                content_type,
                data,
            } => {
                let file_name = escape_quoted(file_name);
                out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n")
                        .as_bytes(),
                );
                let content_type = content_type
                    .as_deref()
                    .unwrap_or("application/octet-stream");
                out.extend_from_slice(format!("Content-Type: {content_type}\r\n\r\n").as_bytes());
                out.extend_from_slice(data);
            }
        }
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Bytes::from(out)
}

fn escape_quoted(value: &str) -> String {
    value
        .replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Sends one attempt and reads the whole body, within `timeout`.
pub(crate) async fn exchange(
    http: &Http,
    method: Method,
    url: &str,
    headers: &HeaderMap,
    content_type: Option<&str>,
    body: Bytes,
    timeout: Duration,
) -> Result<Exchange, TransportError> {
    let mut builder = hyper::Request::builder().method(method.as_str()).uri(url);
    if let Some(map) = builder.headers_mut() {
        map.extend(headers.iter().map(|(k, v)| (k.clone(), v.clone())));
        if let Some(content_type) = content_type {
            if let Ok(value) = HeaderValue::from_str(content_type) {
                map.insert(CONTENT_TYPE, value);
            }
        }
        // hyper leaves the length of an empty body out; Stripe's SDKs send a
        // POST without parameters with `Content-Length: 0`.
        if method == Method::Post && body.is_empty() {
            map.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
        }
    }
    let request = builder
        .body(Full::new(body))
        .map_err(|e| TransportError::new(TransportKind::Other, Some(Box::new(e))))?;
    let attempt = async {
        let response = http.request(request).await.map_err(|e| {
            let kind = if e.is_connect() {
                TransportKind::Connect
            } else {
                TransportKind::Other
            };
            TransportError::new(kind, Some(Box::new(e)))
        })?;
        let (parts, incoming) = response.into_parts();
        let body = incoming.collect().await.map_err(|e| {
            let request_id = parts
                .headers
                .get("request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            TransportError::new(TransportKind::Body, Some(Box::new(e)))
                .in_body_of(parts.status.as_u16(), request_id)
        })?;
        let body = body.to_bytes();
        Ok(Exchange {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        })
    };
    match tokio::time::timeout(timeout, attempt).await {
        Ok(result) => result,
        Err(_) => Err(TransportError::new(TransportKind::Timeout, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_bodies_frame_each_part() {
        let parts = vec![
            (
                "purpose".to_owned(),
                Part::Text("dispute_evidence".to_owned()),
            ),
            (
                "file".to_owned(),
                Part::File {
                    file_name: "a\"b.png".to_owned(),
                    content_type: Some("image/png".to_owned()),
                    data: Bytes::from_static(b"\x89PNG"),
                },
            ),
        ];
        let body = multipart_body(&parts, "XX");
        assert_eq!(
            &body[..],
            b"--XX\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\ndispute_evidence\r\n\
--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a%22b.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\
--XX--\r\n"
        );
    }
}
