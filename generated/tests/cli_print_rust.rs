//! Hand-written: what `stripe <command> --print rust` prints compiles
//! against this crate and works. The calls are the CLI's golden file
//! (`cli/tests/print_rust.rs` keeps it equal to what the CLI prints); here
//! they run against the spec-driven mock, which checks each request.

// Kept as the CLI prints it (one call per line), not as rustfmt would.
#[rustfmt::skip]
#[path = "../../cli/tests/golden/print_rust.rs"]
mod print_rust;

use stripe_mock::MockServer;

#[tokio::test]
async fn the_calls_the_cli_prints_run_against_the_mock() {
    let server = MockServer::start().await;
    let client = stripe::Client::builder("sk_test_print_rust")
        .api_base(server.url())
        .max_retries(0)
        .build();
    if let Err(error) = print_rust::calls(&client).await {
        panic!("a printed call failed: {error}");
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 10, "one request per printed call");
    assert!(requests.iter().all(|r| r.status == 200), "{requests:#?}");
}
