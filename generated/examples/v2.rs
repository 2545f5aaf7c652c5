//! The v2 example of `docs/v2.md`: create an event destination that
//! delivers thin events, ping it, and list the events that made, page by
//! page (`next_page_url`).
//!
//! ```sh
//! STRIPE_SECRET_KEY=sk_test_... cargo run -p typed-stripe --example v2
//! # or against the project's mock server, which keeps what is created:
//! cargo run -p typed-stripe-mock -- --port 12111 --stateful &
//! STRIPE_SECRET_KEY=sk_test_x STRIPE_API_BASE=http://127.0.0.1:12111 cargo run -p typed-stripe --example v2
//! ```

use futures::TryStreamExt;
use stripe::v2::core::{
    CreateEventDestinationEventPayload, CreateEventDestinationParams, CreateEventDestinationType,
    CreateEventDestinationWebhookEndpoint, Event, EventDestination,
};
use stripe::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("STRIPE_SECRET_KEY")?;
    let client = match std::env::var("STRIPE_API_BASE") {
        Ok(base) => Client::builder(key).all_to(base).build(),
        Err(_) => Client::new(key),
    };

    let mut params = CreateEventDestinationParams::new(
        vec!["v1.billing.meter.error_report_triggered".to_owned()],
        CreateEventDestinationEventPayload::Thin,
        "orders",
        CreateEventDestinationType::WebhookEndpoint,
    );
    params.webhook_endpoint = Some(CreateEventDestinationWebhookEndpoint::new(
        "https://example.com/hooks",
    ));
    let destination = EventDestination::create(&client, &params).await?;
    println!("created {} ({:?})", destination.id, destination.status);

    let ping = EventDestination::ping(&client, &destination.id, &Default::default()).await?;
    println!("pinged: event {} ({})", ping.id, ping.type_);

    let events: Vec<Event> = Event::list_auto_paging(&client, &Default::default())
        .try_collect()
        .await?;
    for event in events {
        println!("{} {} at {}", event.id, event.type_, event.created);
    }
    Ok(())
}
