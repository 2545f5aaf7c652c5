//! The generated client against the mock: real endpoint functions through
//! the real runtime client, so the client's encoding meets the spec's
//! validation and the fixtures meet the generated types.

use std::collections::BTreeMap;

use stripe::climate::Product;
use stripe::identity::VerificationSession;
use stripe::{
    CreateCustomerAddress, CreateCustomerParams, CreateFileParams, CreateFilePurpose, Customer,
    CustomerOrDeletedCustomer, File,
};
use stripe_mock::MockServer;
use stripe_runtime::encode::Unsettable;
use stripe_runtime::Client;

fn client(server: &MockServer) -> Client {
    Client::builder("sk_test_mock")
        .all_to(server.url())
        .max_retries(0)
        .build()
}

#[tokio::test]
async fn create_a_customer_with_metadata_and_an_address() {
    let server = MockServer::start().await;
    let params = CreateCustomerParams {
        name: Some("Jenny Rosen".into()),
        metadata: Some(Unsettable::Set(BTreeMap::from([(
            "order_id".to_owned(),
            "6735".to_owned(),
        )]))),
        address: Some(Unsettable::Set(CreateCustomerAddress {
            line1: Some("510 Townsend St".into()),
            country: Some("US".into()),
            ..Default::default()
        })),
        expand: Some(vec!["default_source".into()]),
        ..Default::default()
    };
    let customer = Customer::create(&client(&server), &params).await.unwrap();
    assert!(customer.id.starts_with("cus_"));

    let request = &server.requests()[0];
    assert_eq!(request.operation_id.as_deref(), Some("PostCustomers"));
    assert_eq!(request.header("authorization"), Some("Bearer sk_test_mock"));
    assert_eq!(request.header("stripe-version"), Some("2023-08-16"));
    let pairs = request.form_pairs();
    for expected in [
        ("metadata[order_id]", "6735"),
        ("address[line1]", "510 Townsend St"),
        ("name", "Jenny Rosen"),
    ] {
        assert!(
            pairs.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{pairs:?}"
        );
    }
}

#[tokio::test]
async fn unset_metadata_is_accepted() {
    let server = MockServer::start().await;
    let params = stripe::UpdateCustomerParams {
        metadata: Some(Unsettable::Unset),
        ..Default::default()
    };
    let customer = Customer::update(&client(&server), "cus_Mine", &params)
        .await
        .unwrap();
    assert_eq!(customer.id, "cus_Mine");
    assert_eq!(
        server.requests()[0].form_pairs(),
        [("metadata".to_owned(), String::new())]
    );
}

#[tokio::test]
async fn retrieve_a_customer_union_with_its_id() {
    let server = MockServer::start().await;
    let customer = Customer::retrieve(&client(&server), "cus_Mine", &Default::default())
        .await
        .unwrap();
    let CustomerOrDeletedCustomer::Customer(customer) = customer else {
        panic!("{customer:?}")
    };
    assert_eq!(customer.id, "cus_Mine");
}

#[tokio::test]
async fn list_verification_sessions() {
    let server = MockServer::start().await;
    let page = VerificationSession::list(&client(&server), &Default::default())
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert!(!page.has_more);
}

#[tokio::test]
async fn retrieve_a_climate_product_from_the_2026_fixtures() {
    let server = MockServer::start().await;
    let product = Product::retrieve(&client(&server), "climsku_mine", &Default::default())
        .await
        .unwrap();
    assert_eq!(product.id, "climsku_mine");
    assert_eq!(product.delivery_year, Some(2027));
}

#[tokio::test]
async fn upload_a_file_as_multipart() {
    let server = MockServer::start().await;
    let params = CreateFileParams::new(b"%PDF-1.4".to_vec(), CreateFilePurpose::DisputeEvidence);
    let file = File::create(&client(&server), &params).await.unwrap();
    assert!(file.id.starts_with("file_"), "{}", file.id);
    let request = &server.requests()[0];
    assert!(request
        .header("content-type")
        .unwrap()
        .starts_with("multipart/form-data"));
    assert!(request
        .form_pairs()
        .contains(&("purpose".to_owned(), "dispute_evidence".to_owned())));
}
