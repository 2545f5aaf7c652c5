//! The stateful mode: what a test creates, later requests see, with
//! Stripe's answers for unknown ids, idempotency keys and API keys.

use std::collections::BTreeMap;

use stripe::identity::{
    CreateVerificationSessionParams, CreateVerificationSessionType, VerificationSession,
};
use stripe::{
    CreateCustomerParams, Customer, CustomerOrDeletedCustomer, ListCustomerParams,
    SearchCustomerParams, UpdateCustomerParams,
};
use stripe_mock::MockServer;
use stripe_runtime::encode::Unsettable;
use stripe_runtime::error::{ApiError, ErrorType};
use stripe_runtime::{Client, Error};

/// `Customer::retrieve` answers a customer or a deleted one.
async fn retrieve(client: &Client, id: &str) -> Result<Customer, Error> {
    match Customer::retrieve(client, id, &Default::default()).await? {
        CustomerOrDeletedCustomer::Customer(customer) => Ok(*customer),
        other => panic!("{id}: not a customer: {other:?}"),
    }
}

async fn stateful() -> MockServer {
    MockServer::builder().stateful().start().await.unwrap()
}

fn client(server: &MockServer) -> Client {
    Client::builder("sk_test_stateful")
        .api_base(server.url())
        .max_retries(0)
        .build()
}

fn customer_params(email: &str) -> CreateCustomerParams {
    CreateCustomerParams {
        email: Some(email.into()),
        metadata: Some(Unsettable::Set(BTreeMap::from([(
            "order_id".to_owned(),
            "6735".to_owned(),
        )]))),
        balance: Some(2500),
        ..Default::default()
    }
}

fn api_error(error: Error) -> ApiError {
    match error {
        Error::Api(error) => error,
        other => panic!("expected a Stripe error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_created_customer_is_retrieved_updated_listed_searched_and_deleted() {
    let server = stateful().await;
    let client = client(&server);

    let created = Customer::create(&client, &customer_params("jenny@example.com"))
        .await
        .unwrap();
    assert!(created.id.starts_with("cus_"), "{}", created.id);
    assert_eq!(created.email.as_deref(), Some("jenny@example.com"));
    assert_eq!(
        created.balance,
        Some(2500),
        "typed as the schema says: an integer"
    );
    assert_eq!(created.metadata.as_ref().unwrap()["order_id"], "6735");

    let retrieved = retrieve(&client, &created.id).await.unwrap();
    assert_eq!(retrieved.email, created.email);

    let update = UpdateCustomerParams {
        email: Some("jenny.rosen@example.com".into()),
        metadata: Some(Unsettable::Set(BTreeMap::from([(
            "tier".to_owned(),
            "gold".to_owned(),
        )]))),
        ..Default::default()
    };
    let updated = Customer::update(&client, &created.id, &update)
        .await
        .unwrap();
    assert_eq!(updated.email.as_deref(), Some("jenny.rosen@example.com"));
    let metadata = updated.metadata.unwrap();
    assert_eq!(
        (metadata["order_id"].as_str(), metadata["tier"].as_str()),
        ("6735", "gold"),
        "metadata merges"
    );
    let retrieved = retrieve(&client, &created.id).await.unwrap();
    assert_eq!(retrieved.email.as_deref(), Some("jenny.rosen@example.com"));

    let second = Customer::create(&client, &customer_params("second@example.com"))
        .await
        .unwrap();
    let page = Customer::list(&client, &Default::default()).await.unwrap();
    let ids: Vec<&str> = page.data.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [second.id.as_str(), created.id.as_str()],
        "newest first"
    );
    let found = Customer::search(
        &client,
        &SearchCustomerParams::new("email:'second@example.com'"),
    )
    .await
    .unwrap();
    assert_eq!(found.data.len(), 2, "search returns what was created");

    let deleted = Customer::delete(&client, &created.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(deleted.id, created.id);
    let error = api_error(
        Customer::retrieve(&client, &created.id, &Default::default())
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (error.status, error.code.as_deref()),
        (404, Some("resource_missing"))
    );
    assert_eq!(
        error.message.as_deref(),
        Some(format!("No such customer: '{}'", created.id).as_str())
    );
    let page = Customer::list(&client, &Default::default()).await.unwrap();
    assert_eq!(page.data.len(), 1);
}

#[tokio::test]
async fn lists_honour_limit_starting_after_and_ending_before() {
    let server = stateful().await;
    let client = client(&server);
    let mut ids = Vec::new();
    for n in 0..5 {
        let customer = Customer::create(&client, &customer_params(&format!("c{n}@example.com")))
            .await
            .unwrap();
        ids.push(customer.id);
    }
    ids.reverse(); // newest first, as lists are
    let list = |params: ListCustomerParams| {
        let client = client.clone();
        async move {
            let page = Customer::list(&client, &params).await.unwrap();
            (
                page.data.into_iter().map(|c| c.id).collect::<Vec<_>>(),
                page.has_more,
            )
        }
    };
    assert_eq!(
        list(ListCustomerParams {
            limit: Some(2),
            ..Default::default()
        })
        .await,
        (ids[..2].to_vec(), true)
    );
    let after = ListCustomerParams {
        limit: Some(2),
        starting_after: Some(ids[1].to_string()),
        ..Default::default()
    };
    assert_eq!(list(after).await, (ids[2..4].to_vec(), true));
    let after_last = ListCustomerParams {
        starting_after: Some(ids[3].to_string()),
        ..Default::default()
    };
    assert_eq!(list(after_last).await, (ids[4..].to_vec(), false));
    let before = ListCustomerParams {
        limit: Some(2),
        ending_before: Some(ids[4].to_string()),
        ..Default::default()
    };
    assert_eq!(list(before).await, (ids[2..4].to_vec(), true));
}

#[tokio::test]
async fn an_unknown_id_is_a_404_for_retrieve_update_delete_and_actions() {
    let server = stateful().await;
    let client = client(&server);
    let retrieve = Customer::retrieve(&client, "cus_nobody", &Default::default()).await;
    let update = Customer::update(&client, "cus_nobody", &Default::default()).await;
    let delete = Customer::delete(&client, "cus_nobody", &Default::default()).await;
    let redact = VerificationSession::redact(&client, "vs_nobody", &Default::default()).await;
    for error in [
        retrieve.map(|_| ()),
        update.map(|_| ()),
        delete.map(|_| ()),
        redact.map(|_| ()),
    ] {
        let error = api_error(error.unwrap_err());
        assert_eq!(
            (error.status, error.code.as_deref(), error.error_type),
            (
                404,
                Some("resource_missing"),
                ErrorType::InvalidRequestError
            )
        );
    }
}

#[tokio::test]
async fn a_repeated_idempotency_key_replays_and_other_parameters_are_refused() {
    let server = stateful().await;
    let keyed = client(&server).with_idempotency_key("order-6735");
    let first = Customer::create(&keyed, &customer_params("jenny@example.com"))
        .await
        .unwrap();
    let again = Customer::create(&keyed, &customer_params("jenny@example.com"))
        .await
        .unwrap();
    assert_eq!(again.id, first.id, "the first answer, replayed");
    let page = Customer::list(&client(&server), &Default::default())
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1, "created once");

    let error = api_error(
        Customer::create(&keyed, &customer_params("other@example.com"))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (error.status, error.error_type),
        (400, ErrorType::IdempotencyError)
    );
    assert!(error.message.unwrap().contains("'order-6735'"));
}

#[tokio::test]
async fn only_test_keys_are_accepted() {
    let server = stateful().await;
    let http = reqwest::Client::new();
    let get = |key: Option<&'static str>| {
        let request = http.get(format!("{}/v1/customers", server.url()));
        let request = match key {
            Some(key) => request.bearer_auth(key),
            None => request,
        };
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap();
            (
                status,
                body["error"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        }
    };
    let (status, message) = get(None).await;
    assert_eq!(status, 401);
    assert!(
        message.starts_with("You did not provide an API key."),
        "{message}"
    );
    let (status, message) = get(Some("sk_live_abcdefgh1234")).await;
    assert_eq!(
        (status, message.as_str()),
        (401, "Invalid API Key provided: sk_live_****1234")
    );
    assert_eq!(get(Some("rk_test_restricted")).await.0, 200);
    // Basic auth with the key as user name, as `curl -u sk_test_...:` sends it.
    let response = http
        .get(format!("{}/v1/customers", server.url()))
        .basic_auth("sk_test_basic", Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_post_without_body_or_content_type_is_accepted() {
    // `curl -X POST .../redact -u sk_test_...:` sends neither.
    for server in [MockServer::start().await, stateful().await] {
        let client = client(&server);
        let params = CreateVerificationSessionParams::new(CreateVerificationSessionType::Document);
        let session = VerificationSession::create(&client, &params).await.unwrap();
        let response = reqwest::Client::new()
            .post(format!(
                "{}/v1/identity/verification_sessions/{}/redact",
                server.url(),
                session.id
            ))
            .bearer_auth("sk_test_curl")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }
}

#[tokio::test]
async fn the_stateless_default_remembers_nothing() {
    let server = MockServer::start().await;
    let client = client(&server);
    let created = Customer::create(&client, &customer_params("jenny@example.com"))
        .await
        .unwrap();
    let retrieved = retrieve(&client, "cus_other").await.unwrap();
    assert_eq!(retrieved.id, "cus_other", "any id is the fixture");
    assert_ne!(
        created.email.as_deref(),
        Some("jenny@example.com"),
        "the fixture, not what was sent"
    );
}
