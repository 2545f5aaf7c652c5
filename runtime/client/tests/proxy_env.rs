//! The process environment: a client reads the proxy variables when it is
//! built, and the `Forwarder` never uses them. A binary of its own with one
//! test, since it sets the process's variables.

mod common;
#[path = "support/proxy.rs"]
mod proxy;

use common::{Reply, TestServer};
use proxy::{authority, TestProxy};
use serde_json::{json, Value};
use stripe_runtime::client::{Method, Request};
use stripe_runtime::Forwarder;

#[tokio::test]
async fn clients_read_the_environment_and_the_forwarder_goes_direct() {
    let server = TestServer::start(|_, _| Reply::json(200, json!({}))).await;
    let proxy = TestProxy::start().await;
    for name in ["NO_PROXY", "no_proxy", "REQUEST_METHOD"] {
        std::env::remove_var(name);
    }
    std::env::set_var("HTTP_PROXY", &proxy.url);
    std::env::set_var("HTTPS_PROXY", &proxy.url);
    let request = || Request::new(Method::Get, "/v1/balance");

    let _: Value = server.builder().build().execute(request()).await.unwrap();
    assert_eq!(proxy.targets(), vec![authority(&server.url)]);

    // A delivery to the user's endpoint on localhost: never proxied.
    let delivered = Forwarder::new()
        .send(&format!("{}/webhook", server.url), b"{}", "whsec_test", &[])
        .await
        .unwrap();
    assert!(delivered.accepted());
    assert_eq!(proxy.seen().len(), 1, "{:?}", proxy.seen());

    let direct = server.builder().no_proxy().build();
    let _: Value = direct.execute(request()).await.unwrap();
    std::env::set_var("NO_PROXY", "127.0.0.1");
    let _: Value = server.builder().build().execute(request()).await.unwrap();
    assert_eq!(proxy.seen().len(), 1, "{:?}", proxy.seen());
    assert_eq!(server.requests().len(), 4);
}
