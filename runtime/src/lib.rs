//! The hand-written half of the Stripe client.
//!
//! The `stripe` crate under `generated/` is produced from Stripe's OpenAPI
//! spec and calls into this crate for everything that does not depend on the
//! spec: the wire types shared by every resource (ids that may be expanded,
//! timestamps, open enums, polymorphic objects), the HTTP client, form
//! encoding, pagination and webhook verification. Nothing here is touched by
//! `cargo xtask codegen`.

pub mod client;
pub mod encode;
pub mod error;
pub mod list;
pub mod types;
pub mod webhook;

pub use client::{Client, Host, Method, Multipart, Request};
pub use encode::Unsettable;
pub use error::Error;
pub use list::{List, SearchList};
pub use types::{Expandable, Object, Timestamp};
pub use webhook::{Webhook, WebhookError};
