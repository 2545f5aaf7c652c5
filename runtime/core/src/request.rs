//! One API call as the generated endpoint functions describe it: method,
//! host, path (ids already escaped by [`path_segment`]), API version and
//! parameters, before any client sends it.

use std::borrow::Cow;

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::encode::{self, Encode, EncodeError};

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

/// [`path_segment`] of an id an endpoint takes as
/// `impl Into<IdRef<'_, K>>`: `format!("/v1/customers/{}", path_id(customer))`.
pub fn path_id<'a, K: ?Sized>(id: impl Into<crate::IdRef<'a, K>>) -> String {
    path_segment(id.into().as_str())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// Which Stripe host serves an endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Host {
    /// `api.stripe.com`, or the base the client is configured with.
    #[default]
    Api,
    /// An operation's own server, as its spec gives it
    /// (`https://files.stripe.com/` for `POST /v1/files`,
    /// `https://meter-events.stripe.com/` for the v2 meter event stream):
    /// the client sends it there unless configured to send that server's
    /// requests elsewhere.
    Server(&'static str),
}

/// Which of Stripe's two APIs a path belongs to: `/v2/...` is v2 (JSON
/// bodies, `v2` errors, `next_page_url` lists), anything else v1, as
/// Stripe's SDKs decide it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApiMode {
    V1,
    V2,
}

impl ApiMode {
    pub fn of_path(path: &str) -> ApiMode {
        if path == "/v2" || path.starts_with("/v2/") {
            ApiMode::V2
        } else {
            ApiMode::V1
        }
    }
}

/// One API call. Encoding errors from [`query`](Request::query) and
/// [`form`](Request::form) are kept and returned by the client that sends
/// it, so building a request never fails.
#[derive(Clone, Debug)]
pub struct Request {
    method: Method,
    host: Host,
    path: String,
    api_version: Option<&'static str>,
    /// Unescaped, so pagination can replace a cursor.
    query: Vec<(String, String)>,
    /// A query string to send as it is, instead of `query`: a v2 list's
    /// `next_page_url` is followed verbatim.
    raw_query: Option<String>,
    body: Body,
    /// `Stripe-Context` for this request, over the client's.
    stripe_context: Option<String>,
    /// Headers this request adds (`Stripe-Request-Trigger`).
    headers: Vec<(Cow<'static, str>, String)>,
    error: Option<EncodeError>,
}

/// What a request sends after its headers.
#[derive(Clone, Debug)]
pub enum Body {
    Empty,
    /// Unescaped pairs, escaped when sent.
    Form(Vec<(String, String)>),
    /// A v2 body: JSON text.
    Json(String),
    Multipart(Multipart),
}

impl Request {
    /// `path` starts with `/v1/` or `/v2/` and has its parameters filled
    /// in, each escaped with [`path_segment`].
    pub fn new(method: Method, path: impl Into<String>) -> Request {
        Request {
            method,
            host: Host::Api,
            path: path.into(),
            api_version: None,
            query: Vec::new(),
            raw_query: None,
            body: Body::Empty,
            stripe_context: None,
            headers: Vec::new(),
            error: None,
        }
    }

    /// A GET of a URL Stripe gave (a v2 list's `next_page_url`, an event's
    /// `related_object.url`): see [`at_url`](Self::at_url).
    pub fn get_url(url: &str) -> Request {
        Request::new(Method::Get, "/").at_url(url)
    }

    /// This request sent to a URL Stripe gave, as it is: a path on the API
    /// host whose query string goes out unchanged (a v2 list's
    /// `next_page_url` holds the filters and the page token). Anything but
    /// such a path (another host, a scheme) is kept as an error, so that no
    /// key is ever sent elsewhere.
    pub fn at_url(mut self, url: &str) -> Request {
        let (path, query) = match url.split_once('?') {
            Some((path, query)) => (path, Some(query.to_owned())),
            None => (url, None),
        };
        self.path = path.to_owned();
        self.query.clear();
        self.raw_query = query;
        if !path.starts_with('/') || path.starts_with("//") {
            self.fail(EncodeError::new(
                "url",
                format!("`{url}` is not a path on Stripe's API host"),
            ));
        }
        self
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
    pub fn query(mut self, params: &dyn Encode) -> Request {
        match encode::to_pairs(params) {
            Ok(pairs) => self.query.extend(pairs),
            Err(error) => self.fail(error),
        }
        self
    }

    /// Sets the form body (POST), deepObject-encoded. Sent as
    /// `application/x-www-form-urlencoded`; a POST without `form` sends the
    /// same content type with an empty body.
    pub fn form(mut self, params: &dyn Encode) -> Request {
        match encode::to_pairs(params) {
            Ok(pairs) => match &mut self.body {
                Body::Form(existing) => existing.extend(pairs),
                body => *body = Body::Form(pairs),
            },
            Err(error) => self.fail(error),
        }
        self
    }

    /// Sets a JSON body (a v2 POST): `{}` when `params` has nothing to send.
    pub fn json(mut self, params: &dyn Encode) -> Request {
        match encode::to_json(params) {
            Ok(json) => self.body = Body::Json(json),
            Err(error) => self.fail(error),
        }
        self
    }

    /// Sends `Stripe-Context` (the account, or `/`-separated path of
    /// accounts, the request acts in) with this request, over the client's.
    pub fn stripe_context(mut self, context: impl Into<String>) -> Request {
        self.stripe_context = Some(context.into());
        self
    }

    /// Adds a header to this request (`Stripe-Request-Trigger`, say). A
    /// name HTTP does not allow is an encoding error when it is sent.
    pub fn header(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) -> Request {
        self.headers.push((name.into(), value.into()));
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

    pub fn target_host(&self) -> Host {
        self.host
    }

    pub fn version(&self) -> Option<&'static str> {
        self.api_version
    }

    /// v1 or v2, by the path.
    pub fn mode(&self) -> ApiMode {
        ApiMode::of_path(&self.path)
    }

    /// The request's own `Stripe-Context`, if it has one.
    pub fn context(&self) -> Option<&str> {
        self.stripe_context.as_deref()
    }

    /// The headers the request adds.
    pub fn extra_headers(&self) -> &[(Cow<'static, str>, String)] {
        &self.headers
    }

    /// The query string to send as it is, when the request has one.
    pub fn raw_query(&self) -> Option<&str> {
        self.raw_query.as_deref()
    }

    pub fn body(&self) -> &Body {
        &self.body
    }

    /// The first encoding error, if building the request met one.
    pub fn encode_error(&self) -> Option<&EncodeError> {
        self.error.as_ref()
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

/// One part of a [`Multipart`] body.
#[derive(Clone, Debug)]
pub enum Part {
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
    pub fn params(mut self, params: &dyn Encode) -> Multipart {
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
        let name = name.into();
        if let Some(content_type) = content_type {
            if !is_media_type(content_type) {
                self.error.get_or_insert(EncodeError::new(
                    &name,
                    format!("`{content_type}` is not a MIME type"),
                ));
            }
        }
        self.parts.push((
            name,
            Part::File {
                file_name: file_name.into(),
                content_type: content_type.map(str::to_owned),
                data: data.into(),
            },
        ));
        self
    }

    pub fn parts(&self) -> &[(String, Part)] {
        &self.parts
    }
}

/// `type/subtype` made of RFC 7230 token characters (parameters allowed
/// after `;`): what can go into a part's `Content-Type` header unchanged.
fn is_media_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim();
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    let parameters_ok = !value.contains(['\r', '\n']);
    matches!(essence.split_once('/'), Some((kind, subtype)) if token(kind) && token(subtype))
        && parameters_ok
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn urls_stripe_gives_are_followed_only_on_its_host() {
        let next = Request::new(Method::Get, "/v2/core/events")
            .query(&serde_json::json!({"limit": 3}))
            .stripe_context("acct_1")
            .at_url("/v2/core/events?limit=3&page=p%5B2%5D");
        assert_eq!(next.path(), "/v2/core/events");
        assert_eq!(next.raw_query(), Some("limit=3&page=p%5B2%5D"));
        assert!(next.query_pairs().is_empty());
        assert_eq!(next.context(), Some("acct_1"));
        assert!(next.encode_error().is_none());
        for elsewhere in ["https://evil.example/v2", "//evil.example/v2", "v2/core"] {
            let error = Request::get_url(elsewhere).encode_error().cloned();
            assert_eq!(error.map(|e| e.key), Some("url".to_owned()), "{elsewhere}");
        }
    }

    #[test]
    fn path_segments_cannot_add_path_syntax() {
        assert_eq!(path_segment("cus_1/../x?y#z"), "cus_1%2F..%2Fx%3Fy%23z");
    }

    #[test]
    fn media_types_are_checked() {
        assert!(is_media_type("image/png"));
        assert!(is_media_type("text/plain; charset=utf-8"));
        assert!(!is_media_type("not a type"));
        assert!(!is_media_type("image/png\r\nX-Evil: 1"));
        let form = Multipart::new().file("file", "a.png", Some("bad"), vec![1u8]);
        assert!(form.error.is_some());
    }
}
