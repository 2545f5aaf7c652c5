//! The HTTP half of the Stripe client, written by hand.
//!
//! The generated crate describes each call as a [`Request`] and is generic
//! over [`StripeClient`]; [`Client`] implements that trait with hyper on
//! rustls: authentication and Stripe's headers, retries with the same
//! idempotency key, typed [`Error`]s, pagination streams. [`webhook`]
//! verifies the signatures of webhook deliveries. The wire layer (decoding,
//! encoding, the shared types) is `stripe-core`, re-exported here. Nothing
//! here is touched by `cargo xtask codegen`.

#[cfg(feature = "blocking")]
pub mod blocking;
pub mod client;
pub mod error;
pub mod forward;
pub mod notification_handler;
pub mod pages;
mod proxy;
pub mod telemetry;
mod transport;
pub mod webhook;

pub use client::{Client, ClientBuilder, Prepared, ResponseFuture, ResponseMeta, WithMeta};
pub use error::Error;
pub use forward::{Delivered, ForwardError, Forwarder};
pub use notification_handler::EventNotificationHandler;
pub use pages::{ListStream, SearchStream, V2ListStream};
pub use stripe_core::{
    encode, list, path_segment, types, ApiMode, Bytes, DateTime, Decimal, Decode, Encode,
    Expandable, FromBody, Host, List, Method, Multipart, Object, Request, SearchList, StripeClient,
    Timestamp, Unsettable, V2List,
};
pub use telemetry::AppInfo;
pub use webhook::{Webhook, WebhookError};
