//! The README's example: create a customer, redact a verification session,
//! and list every Climate product with auto-pagination.
//!
//! ```sh
//! STRIPE_SECRET_KEY=sk_test_... cargo run -p stripe --example quickstart -- vs_123
//! # or against the project's mock server:
//! cargo run -p stripe-mock -- --port 12111 &
//! STRIPE_SECRET_KEY=sk_test_x STRIPE_API_BASE=http://127.0.0.1:12111 cargo run -p stripe --example quickstart -- vs_123
//! ```

use std::collections::BTreeMap;

use futures::StreamExt;
use stripe::climate::{ListProductParams, Product};
use stripe::identity::{RedactVerificationSessionParams, VerificationSession};
use stripe::{Client, CreateCustomerParams, Customer};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("STRIPE_SECRET_KEY")?;
    let client = match std::env::var("STRIPE_API_BASE") {
        Ok(base) => Client::builder(key).api_base(base).build(),
        Err(_) => Client::new(key),
    };

    let customer = Customer::create(
        &client,
        &CreateCustomerParams {
            email: Some("jenny.rosen@example.com".into()),
            metadata: Some(BTreeMap::from([("order_id".to_owned(), "6735".to_owned())]).into()),
            ..Default::default()
        },
    )
    .await?;
    println!("created customer {}", customer.id);

    let session_id = std::env::args().nth(1).unwrap_or_else(|| "vs_123".into());
    let session = VerificationSession::redact(
        &client,
        &session_id,
        &RedactVerificationSessionParams::default(),
    )
    .await?;
    println!(
        "verification session {}: redaction {:?}",
        session.id,
        session.redaction.map(|r| r.status)
    );

    let mut products = std::pin::pin!(Product::list_auto_paging(
        &client,
        &ListProductParams::default()
    ));
    while let Some(product) = products.next().await {
        let product = product?;
        println!("climate product {}: {}", product.id, product.name);
    }
    Ok(())
}
