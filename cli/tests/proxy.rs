//! `stripe` behind a proxy: the proxy variables of its environment carry
//! its requests to the mock, `NO_PROXY` leaves the mock direct, and a value
//! the client cannot use is refused with its name before anything is sent.
//! (`listen`'s polls and direct forwarding: tests/listen.rs.)

mod common;
#[path = "../../runtime/client/tests/support/proxy.rs"]
mod proxy;

use common::{fresh_mock, mock, run_with, Setting};
use proxy::{authority, TestProxy};

fn with_proxy(vars: &[(&'static str, &str)]) -> Setting {
    let mut setting = Setting::test_key();
    for (name, value) in vars {
        setting.env.push((name, value.to_string()));
    }
    setting
}

#[test]
fn customers_list_goes_through_the_proxy_of_the_environment() {
    let server = fresh_mock();
    let proxy = mock().0.block_on(TestProxy::start());
    let setting = with_proxy(&[("HTTPS_PROXY", &proxy.url), ("HTTP_PROXY", &proxy.url)]);
    let output = run_with(
        &["customers", "list", "--api-base", &server.url()],
        &setting,
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(output.stdout.contains("\"object\""), "{}", output.stdout);
    assert_eq!(proxy.targets(), vec![authority(&server.url())]);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn no_proxy_leaves_the_mock_direct() {
    let server = fresh_mock();
    let proxy = mock().0.block_on(TestProxy::start());
    let setting = with_proxy(&[
        ("HTTP_PROXY", &proxy.url),
        ("NO_PROXY", "localhost,127.0.0.1"),
    ]);
    let output = run_with(
        &["customers", "list", "--api-base", &server.url()],
        &setting,
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(proxy.seen().is_empty(), "{:?}", proxy.seen());
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_proxy_the_client_cannot_use_is_refused_naming_it() {
    let server = fresh_mock();
    let setting = with_proxy(&[("http_proxy", "socks5://me:hunter2@proxy:1080")]);
    let output = run_with(
        &["customers", "list", "--api-base", &server.url()],
        &setting,
    );
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("http_proxy is `socks5://me:***@proxy:1080`: only http:// proxies"),
        "{}",
        output.stderr
    );
    assert!(!output.stderr.contains("hunter2"));
    assert!(server.requests().is_empty());
}
