//! The README's program: create a customer and redact a verification
//! session, against Stripe or the mock (`tests/readme.rs` keeps the two
//! the same).
//!
//! ```sh
//! STRIPE_SECRET_KEY=sk_test_... cargo run -p typed-stripe --example quickstart
//! # or against the project's mock server:
//! cargo run -p typed-stripe-mock -- --stateful &
//! STRIPE_SECRET_KEY=sk_test_123 STRIPE_API_BASE=http://127.0.0.1:12111 cargo run -p typed-stripe --example quickstart
//! ```

use stripe::identity::VerificationSession;
use stripe::{Client, CreateCustomerParams, Customer};

#[tokio::main]
async fn main() -> Result<(), stripe::Error> {
    let key = std::env::var("STRIPE_SECRET_KEY").expect("STRIPE_SECRET_KEY");
    let client = match std::env::var("STRIPE_API_BASE") {
        Ok(base) => Client::builder(key).api_base(base).build(), // the mock, say
        Err(_) => Client::new(key),
    };

    let params = CreateCustomerParams {
        email: Some("jenny.rosen@example.com".into()),
        ..Default::default()
    };
    let customer = Customer::create(&client, &params).await?;
    println!("created {}", customer.id);

    let session = VerificationSession::redact(&client, "vs_123", &Default::default()).await?;
    println!(
        "{}: redaction {:?}",
        session.id,
        session.redaction.map(|r| r.status)
    );
    Ok(())
}
