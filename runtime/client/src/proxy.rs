//! Proxies: which requests go through one, and the connector that reaches a
//! host directly or through a CONNECT tunnel.
//!
//! The environment is read as curl and reqwest read it: `HTTPS_PROXY` for
//! https URLs, `HTTP_PROXY` for http ones, `ALL_PROXY` for either when its
//! own is unset (each also in lower case), and `NO_PROXY`, the hosts that go
//! direct. hyper-util's `Matcher` applies the rules, so they are reqwest's;
//! its `Tunnel` sends the CONNECT request.
//!
//! Every proxied request goes through a tunnel, an http one too (as ureq
//! does): one way for both schemes, TLS end to end for https, and
//! `Proxy-Authorization` goes to the proxy only, in the CONNECT request.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use hyper::Uri;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::proxy::matcher::Matcher;
use tower_service::Service;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Where a client's proxy comes from.
#[derive(Clone)]
pub(crate) enum Setting {
    /// The process environment, read when the client is built.
    Env,
    /// The variables as a caller's lookup gave them.
    Vars(Vars),
    /// One proxy for every request.
    Url(String),
    /// No proxy.
    Direct,
}

/// The proxy of each scheme, with the variable it was read from, and
/// `NO_PROXY`.
#[derive(Clone, Default)]
pub(crate) struct Vars {
    http: Option<(&'static str, String)>,
    https: Option<(&'static str, String)>,
    no: String,
}

impl Vars {
    pub(crate) fn read(lookup: impl Fn(&str) -> Option<String>) -> Vars {
        // In a CGI program `HTTP_PROXY` can come from a request's `Proxy`
        // header ("httpoxy"); hyper-util's `Matcher::from_env` then ignores
        // every proxy variable, and so does this.
        if lookup("REQUEST_METHOD").is_some() {
            return Vars::default();
        }
        let first = |names: [&'static str; 2]| {
            names.into_iter().find_map(|name| {
                lookup(name)
                    .filter(|value| !value.trim().is_empty())
                    .map(|value| (name, value))
            })
        };
        let all = first(["ALL_PROXY", "all_proxy"]);
        Vars {
            https: first(["HTTPS_PROXY", "https_proxy"]).or_else(|| all.clone()),
            http: first(["HTTP_PROXY", "http_proxy"]).or(all),
            no: first(["NO_PROXY", "no_proxy"]).map_or_else(String::new, |(_, value)| value),
        }
    }
}

/// The proxies of `setting`: `None` when every request goes direct, an
/// error naming the variable when its value cannot be used.
pub(crate) fn matcher(setting: Setting) -> Result<Option<Arc<Matcher>>, ProxyError> {
    let vars = match setting {
        Setting::Direct => return Ok(None),
        Setting::Url(url) => {
            check("the proxy setting", &url)?;
            return Ok(Some(Arc::new(Matcher::builder().all(url).build())));
        }
        Setting::Env => Vars::read(|name| std::env::var(name).ok()),
        Setting::Vars(vars) => vars,
    };
    // curl's `*` is every host; hyper-util 0.1.21 matches it against host
    // names only, so `http://127.0.0.1` would still be proxied.
    let everything_direct = vars.no.split(',').any(|entry| entry.trim() == "*");
    if everything_direct || (vars.http.is_none() && vars.https.is_none()) {
        return Ok(None);
    }
    let mut builder = Matcher::builder().no(vars.no);
    if let Some((name, url)) = vars.http {
        check(name, &url)?;
        builder = builder.http(url);
    }
    if let Some((name, url)) = vars.https {
        check(name, &url)?;
        builder = builder.https(url);
    }
    Ok(Some(Arc::new(builder.build())))
}

/// `Matcher` drops a value it cannot parse without a word; this asks it
/// about one value alone, so that a typo is an error instead of a request
/// that quietly goes direct.
fn check(source: &'static str, url: &str) -> Result<(), ProxyError> {
    let error = |reason| ProxyError {
        source,
        url: redact(url),
        reason,
    };
    let probe = Matcher::builder().all(url).build();
    match probe.intercept(&Uri::from_static("https://api.stripe.com/")) {
        None => Err(error("not a proxy URL (http://host:port)")),
        // A TLS or SOCKS proxy would need a connector of its own.
        Some(proxy) if proxy.uri().scheme_str() != Some("http") => {
            Err(error("only http:// proxies are supported"))
        }
        Some(_) => Ok(()),
    }
}

/// `url` with the password of its `user:password@` replaced by `***`.
fn redact(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    let Some(at) = url[start..end].rfind('@').map(|i| start + i) else {
        return url.to_owned();
    };
    match url[start..at].find(':').map(|i| start + i) {
        Some(colon) => format!("{}:***{}", &url[..colon], &url[at..]),
        None => url.to_owned(),
    }
}

/// A proxy setting the client cannot use.
#[derive(Clone, Debug)]
pub(crate) struct ProxyError {
    /// The variable, or "the proxy setting" for `ClientBuilder::proxy`.
    source: &'static str,
    /// Its value, password redacted.
    url: String,
    reason: &'static str,
}

impl fmt::Display for ProxyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is `{}`: {}", self.source, self.url, self.reason)
    }
}

impl std::error::Error for ProxyError {}

/// Connects to a URL's host, directly or, when the matcher names a proxy
/// for it, through a CONNECT tunnel. Below hyper-rustls, which then runs
/// TLS over whichever it got.
#[derive(Clone)]
pub(crate) struct Connector {
    direct: HttpConnector,
    proxies: Option<Arc<Matcher>>,
}

impl Connector {
    pub(crate) fn new(proxies: Option<Arc<Matcher>>) -> Connector {
        let mut direct = HttpConnector::new();
        // hyper-rustls checks the scheme (its own builder does the same).
        direct.enforce_http(false);
        Connector { direct, proxies }
    }
}

impl Service<Uri> for Connector {
    type Response = <HttpConnector as Service<Uri>>::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        // `HttpConnector` is always ready; a tunnel only wraps it.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let proxy = self.proxies.as_ref().and_then(|m| m.intercept(&dst));
        let Some(proxy) = proxy else {
            let connecting = self.direct.call(dst);
            return Box::pin(async move { Ok(connecting.await?) });
        };
        let mut tunnel = Tunnel::new(proxy.uri().clone(), self.direct.clone());
        if let Some(auth) = proxy.basic_auth() {
            tunnel = tunnel.with_auth(auth.clone());
        }
        let via = proxy
            .uri()
            .authority()
            .map_or_else(String::new, ToString::to_string);
        let connecting = tunnel.call(with_port(dst));
        Box::pin(async move {
            connecting.await.map_err(|cause| {
                Box::new(ThroughProxy {
                    proxy: via,
                    cause: Box::new(cause),
                }) as BoxError
            })
        })
    }
}

/// `Tunnel` asks for port 443 when the URL names none; an http URL's is 80.
fn with_port(dst: Uri) -> Uri {
    if dst.port().is_some() || dst.scheme_str() != Some("http") {
        return dst;
    }
    let Some(host) = dst.host() else {
        return dst;
    };
    Uri::builder()
        .scheme("http")
        .authority(format!("{host}:80"))
        .path_and_query("/")
        .build()
        .unwrap_or(dst)
}

/// A tunnel that failed, with the proxy's address (never its credentials:
/// the matcher keeps them apart from the URI).
#[derive(Debug)]
struct ThroughProxy {
    proxy: String,
    cause: BoxError,
}

impl fmt::Display for ThroughProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "through the proxy {}", self.proxy)
    }
}

impl std::error::Error for ThroughProxy {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.cause)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vars {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Vars::read(move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    fn proxy_of(vars: Vars, url: &str) -> Option<String> {
        let matcher = matcher(Setting::Vars(vars)).unwrap()?;
        let intercept = matcher.intercept(&url.parse().unwrap())?;
        Some(intercept.uri().to_string())
    }

    #[test]
    fn each_scheme_has_its_variable_and_all_proxy_is_the_fallback() {
        let env = [
            ("HTTPS_PROXY", "http://secure:1"),
            ("http_proxy", "plain:2"),
        ];
        assert_eq!(
            proxy_of(vars(&env), "https://api.stripe.com/v1").as_deref(),
            Some("http://secure:1/")
        );
        // No scheme: http, as curl assumes.
        assert_eq!(
            proxy_of(vars(&env), "http://localhost:12111/v1").as_deref(),
            Some("http://plain:2/")
        );
        let all = [("ALL_PROXY", "http://all:3"), ("HTTP_PROXY", "http://h:4")];
        assert_eq!(
            proxy_of(vars(&all), "https://api.stripe.com/").as_deref(),
            Some("http://all:3/")
        );
        assert_eq!(
            proxy_of(vars(&all), "http://api.stripe.com/").as_deref(),
            Some("http://h:4/")
        );
        assert_eq!(proxy_of(vars(&[]), "https://api.stripe.com/"), None);
    }

    #[test]
    fn no_proxy_takes_hosts_domains_ips_ranges_and_a_star() {
        let with = |no: &str, url: &str| {
            proxy_of(
                vars(&[("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", no)]),
                url,
            )
        };
        assert_eq!(with("stripe.com", "https://api.stripe.com/"), None);
        assert_eq!(with(".stripe.com", "https://api.stripe.com/"), None);
        assert!(with("stripe.com", "https://notstripe.com/").is_some());
        assert_eq!(with("10.0.0.0/8, example.org", "https://10.1.2.3/"), None);
        assert_eq!(with("*", "https://api.stripe.com/"), None);
        assert_eq!(with("example.org, *", "https://10.1.2.3/"), None);
        // localhost is proxied unless listed (curl's and reqwest's rule).
        assert!(with("example.org", "https://localhost/").is_some());
        assert_eq!(with("localhost", "https://localhost:8443/"), None);
    }

    #[test]
    fn a_cgi_program_ignores_the_proxy_variables() {
        let env = [("HTTPS_PROXY", "http://p:1"), ("REQUEST_METHOD", "GET")];
        assert_eq!(proxy_of(vars(&env), "https://api.stripe.com/"), None);
    }

    #[test]
    fn an_unusable_proxy_names_its_variable_and_hides_the_password() {
        let error = |env: &[(&str, &str)]| {
            matcher(Setting::Vars(vars(env)))
                .expect_err("refused")
                .to_string()
        };
        assert_eq!(
            error(&[("https_proxy", "socks5://me:secret@p:1080")]),
            "https_proxy is `socks5://me:***@p:1080`: only http:// proxies are supported"
        );
        assert_eq!(
            error(&[("HTTP_PROXY", "http://[::1")]),
            "HTTP_PROXY is `http://[::1`: not a proxy URL (http://host:port)"
        );
        let explicit = matcher(Setting::Url("https://p:443".into())).unwrap_err();
        assert_eq!(
            explicit.to_string(),
            "the proxy setting is `https://p:443`: only http:// proxies are supported"
        );
        // ALL_PROXY is not read when both schemes have their own.
        let env = [
            ("ALL_PROXY", "socks5://p:1080"),
            ("HTTP_PROXY", "http://p:1"),
            ("HTTPS_PROXY", "http://p:1"),
        ];
        assert!(matcher(Setting::Vars(vars(&env))).is_ok());
    }

    #[test]
    fn redaction_keeps_the_user_and_the_host() {
        assert_eq!(redact("http://u:p@h:1"), "http://u:***@h:1");
        assert_eq!(redact("u:p%40x@h:1/path@x"), "u:***@h:1/path@x");
        assert_eq!(redact("http://u@h"), "http://u@h");
        assert_eq!(redact("http://h:1"), "http://h:1");
    }

    #[test]
    fn a_tunnel_to_an_http_url_names_port_80() {
        let uri = with_port("http://example.com/x".parse().unwrap());
        assert_eq!(uri.authority().unwrap().as_str(), "example.com:80");
        let uri = with_port("https://example.com/x".parse().unwrap());
        assert_eq!(uri.port_u16(), None);
    }
}
