//! A service that verifies its users' identity with Stripe Identity and
//! receives Stripe's webhooks, built with only the features it needs:
//!
//! ```toml
//! stripe = { path = "../../generated", default-features = false, features = ["identity", "webhook_endpoint"] }
//! ```
//!
//! Resources outside those features are not built at all:
//!
//! ```compile_fail,E0433
//! # fn f(client: &stripe::Client) {
//! let _ = stripe::Customer::retrieve(client, "cus_123", &Default::default());
//! # }
//! ```
//!
//! while the enabled ones are there, with their parameters:
//!
//! ```
//! # fn f(client: &stripe::Client) {
//! let _ = stripe::identity::VerificationSession::retrieve(client, "vs_123", &Default::default());
//! let _ = stripe::CreateWebhookEndpointParams::new(Vec::new(), "https://example.com/hooks");
//! # }
//! ```

use stripe::identity::VerificationSession;
use stripe::identity::{CreateVerificationSessionParams, CreateVerificationSessionType};
use stripe::webhook::WebhookError;
use stripe::{
    Client, CreateWebhookEndpointEnabledEvents, CreateWebhookEndpointParams, Resource,
    WebhookEndpoint,
};

/// Starts a document check that sends the user back to `return_url`.
pub async fn start_document_check(
    client: &Client,
    return_url: &str,
) -> Result<VerificationSession, stripe::Error> {
    let mut params = CreateVerificationSessionParams::new(CreateVerificationSessionType::Document);
    params.return_url = Some(return_url.to_owned());
    VerificationSession::create(client, &params).await
}

/// Asks Stripe to send this service the events of identity checks.
pub async fn subscribe(client: &Client, url: &str) -> Result<WebhookEndpoint, stripe::Error> {
    let events = [
        CreateWebhookEndpointEnabledEvents::IdentityVerificationSessionVerified,
        CreateWebhookEndpointEnabledEvents::IdentityVerificationSessionRequiresInput,
    ];
    WebhookEndpoint::create(client, &CreateWebhookEndpointParams::new(events, url)).await
}

/// What a webhook delivery means to this service.
#[derive(Debug)]
pub enum Delivery {
    /// An event about one of its verification sessions.
    Session {
        event_type: String,
        session: Box<VerificationSession>,
    },
    /// Any other event. Its object is `Resource::Unknown`, the JSON as
    /// sent, when this build does not include the object's resource.
    Other {
        event_type: String,
        object: Resource,
    },
}

/// Verifies a delivery's signature and tells sessions from other objects.
pub fn receive(payload: &[u8], signature: &str, secret: &str) -> Result<Delivery, WebhookError> {
    let event = stripe::webhook::construct_event(payload, signature, secret)?;
    let event_type = event.type_.as_str().to_owned();
    Ok(match event.data.object {
        Resource::IdentityVerificationSession(session) => Delivery::Session {
            event_type,
            session,
        },
        object => Delivery::Other { event_type, object },
    })
}
