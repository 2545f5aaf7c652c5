//! Hand-written: the generated endpoints called with the blocking client
//! (feature `blocking`) against the spec-driven mock, from a plain thread.

use stripe::identity::VerificationSession;
use stripe::{CreateCustomerParams, Customer};

/// The mock on a runtime of its own; the test thread blocks on the client.
fn mock() -> (tokio::runtime::Runtime, stripe_mock::MockServer) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(stripe_mock::MockServer::start());
    (runtime, server)
}

#[test]
fn endpoints_return_results_and_lists_iterate() {
    let (_runtime, server) = mock();
    let client = stripe::blocking::Client::try_from_async(
        stripe::Client::builder("sk_test_blocking")
            .api_base(server.url())
            .build(),
    )
    .unwrap();
    let params = CreateCustomerParams {
        email: Some("jenny@example.com".into()),
        ..Default::default()
    };
    let customer = Customer::create(&client, &params).unwrap();
    assert!(customer.id.starts_with("cus_"), "{}", customer.id);
    let session = VerificationSession::redact(&client, "vs_123", &Default::default()).unwrap();
    assert_eq!(session.id, "vs_123");
    let first = Customer::list_auto_paging(&client, &Default::default())
        .next()
        .expect("the mock's list has an item")
        .unwrap();
    assert!(!first.id.is_empty());
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        requests[0].form_pairs(),
        [("email".to_owned(), "jenny@example.com".to_owned())]
    );
}
