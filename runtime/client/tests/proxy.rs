//! Proxies: a client reaches its server through a local proxy named by the
//! builder or by the proxy variables (given through `proxy_env`, so no test
//! touches the process environment); `NO_PROXY` sends it direct; an https
//! URL goes through a CONNECT tunnel; a proxy the client cannot use is an
//! error that names it, and a proxy's refusal is one that names the proxy.

mod common;
#[path = "support/proxy.rs"]
mod proxy;

use std::time::Duration;

use common::{Reply, TestServer, TEST_KEY};
use proxy::{authority, TestProxy};
use serde_json::{json, Value};
use stripe_runtime::client::{Method, Request};
use stripe_runtime::{Client, Error};

/// An environment of these variables only.
fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    move |name| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

async fn ok_server() -> TestServer {
    TestServer::start(|_, _| Reply::json(200, json!({"id": "cus_1"}))).await
}

async fn get(client: &Client) -> Result<Value, Error> {
    client
        .execute(Request::new(Method::Get, "/v1/customers/cus_1"))
        .await
}

#[tokio::test]
async fn a_client_with_a_proxy_reaches_its_server_through_it() {
    let server = ok_server().await;
    let proxy = TestProxy::start().await;
    let client = server.builder().proxy(&proxy.url).build();
    assert_eq!(get(&client).await.unwrap()["id"], "cus_1");
    assert_eq!(server.requests().len(), 1);
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].method(), "CONNECT");
    assert_eq!(seen[0].target(), authority(&server.url));
    assert_eq!(seen[0].proxy_authorization, None);
}

#[tokio::test]
async fn the_proxy_urls_credentials_go_to_the_proxy_alone() {
    let server = ok_server().await;
    let proxy = TestProxy::requiring("Basic YW5uOnM6Y3JldA==").await;
    // `s%3Acret` is `s:cret`, percent-encoded as a URL's password must be.
    let url = format!("http://ann:s%3Acret@{}", proxy.authority());
    let client = server.builder().proxy(url).build();
    assert_eq!(get(&client).await.unwrap()["id"], "cus_1");
    assert_eq!(
        proxy.seen()[0].proxy_authorization.as_deref(),
        Some("Basic YW5uOnM6Y3JldA==")
    );
    assert_eq!(server.requests()[0].header("proxy-authorization"), None);
}

#[tokio::test]
async fn a_proxy_asking_for_credentials_is_an_error_naming_the_proxy() {
    let server = ok_server().await;
    let proxy = TestProxy::requiring("Basic YW5uOnM6Y3JldA==").await;
    let client = server.builder().proxy(&proxy.url).max_retries(0).build();
    let Err(Error::Transport(error)) = get(&client).await else {
        panic!("the proxy refused the tunnel");
    };
    assert!(error.is_connect());
    let message = error.to_string();
    assert!(
        message.contains(&format!("through the proxy {}", proxy.authority()))
            && message.contains("proxy authorization required"),
        "{message}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn http_proxy_carries_http_requests() {
    let server = ok_server().await;
    let proxy = TestProxy::start().await;
    for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY"] {
        let client = server
            .builder()
            .proxy_env(env(&[(name, &proxy.url)]))
            .build();
        get(&client).await.unwrap();
    }
    assert_eq!(proxy.targets(), vec![authority(&server.url); 3]);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn https_proxy_alone_leaves_an_http_server_direct() {
    let server = ok_server().await;
    let proxy = TestProxy::start().await;
    let client = server
        .builder()
        .proxy_env(env(&[("HTTPS_PROXY", &proxy.url)]))
        .build();
    get(&client).await.unwrap();
    assert!(proxy.seen().is_empty());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn no_proxy_matching_the_host_goes_direct() {
    let server = ok_server().await;
    let proxy = TestProxy::start().await;
    for no_proxy in ["127.0.0.1", "127.0.0.0/8", "*", "example.com, 127.0.0.1"] {
        let client = server
            .builder()
            .proxy_env(env(&[("HTTP_PROXY", &proxy.url), ("no_proxy", no_proxy)]))
            .build();
        get(&client).await.unwrap();
    }
    assert!(proxy.seen().is_empty(), "{:?}", proxy.seen());
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn localhost_is_proxied_unless_no_proxy_lists_it() {
    let server = ok_server().await;
    let proxy = TestProxy::start().await;
    let base = server.url.replace("127.0.0.1", "localhost");
    let client = |no_proxy: &str| {
        server
            .builder()
            .api_base(&base)
            .proxy_env(env(&[("HTTP_PROXY", &proxy.url), ("NO_PROXY", no_proxy)]))
            .build()
    };
    get(&client("example.com")).await.unwrap();
    assert_eq!(proxy.targets(), vec![authority(&base)]);
    get(&client("localhost")).await.unwrap();
    assert_eq!(proxy.seen().len(), 1, "{:?}", proxy.seen());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn no_proxy_on_the_builder_ignores_the_variables() {
    let server = ok_server().await;
    let proxy = TestProxy::start().await;
    let client = server
        .builder()
        .proxy_env(env(&[("HTTP_PROXY", &proxy.url)]))
        .no_proxy()
        .build();
    get(&client).await.unwrap();
    assert!(proxy.seen().is_empty());
}

#[tokio::test]
async fn an_https_url_goes_through_a_connect_tunnel() {
    // The test proxy reaches loopback only: it answers api.stripe.com's
    // CONNECT with a 502, and the client never looks the host up itself.
    let proxy = TestProxy::start().await;
    let builder = || {
        Client::builder(TEST_KEY)
            .max_retries(0)
            .timeout(Duration::from_secs(5))
    };
    let explicit = builder().proxy(&proxy.url).build();
    let from_env = builder()
        .proxy_env(env(&[("HTTPS_PROXY", &proxy.url)]))
        .build();
    for client in [explicit, from_env] {
        let Err(Error::Transport(error)) = get(&client).await else {
            panic!("the proxy refused the tunnel");
        };
        assert!(error.is_connect(), "{error}");
        let message = error.to_string();
        assert!(
            message.contains(&format!("through the proxy {}", proxy.authority())),
            "{message}"
        );
    }
    let seen = proxy.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    for request in seen {
        assert_eq!(request.line, "CONNECT api.stripe.com:443 HTTP/1.1");
    }
}

#[tokio::test]
async fn a_proxy_the_client_cannot_use_fails_each_request_naming_it() {
    let server = ok_server().await;
    let unusable = server
        .builder()
        .proxy_env(env(&[("HTTPS_PROXY", "socks5://me:hunter2@proxy:1080")]))
        .build();
    let Err(Error::Transport(error)) = get(&unusable).await else {
        panic!("an unusable proxy is an error");
    };
    assert!(error.is_config());
    assert_eq!(
        error.to_string(),
        "request to Stripe not sent: HTTPS_PROXY is `socks5://me:***@proxy:1080`: \
         only http:// proxies are supported"
    );
    let typo = server.builder().proxy("http://proxy:80:80").build();
    let message = get(&typo).await.unwrap_err().to_string();
    assert!(
        message.contains("the proxy setting is `http://proxy:80:80`: not a proxy URL"),
        "{message}"
    );
    assert!(server.requests().is_empty());
}
