//! The wire layer of the generated Stripe client, written by hand.
//!
//! The generated crates depend on this crate alone: JSON decoding without
//! serde's derive ([`decode`], over a small pull reader), form encoding
//! ([`encode`]), the wire types every resource shares ([`Timestamp`],
//! [`Expandable`], [`List`], [`SearchList`], the typed ids [`Id`]), the
//! description of a request ([`Request`]) and the trait a client implements
//! to send it
//! ([`StripeClient`]). No HTTP stack and no proc macro is compiled here, so
//! the generated types build while the HTTP client (`stripe-runtime`) does.
//! Nothing here is touched by `cargo xtask codegen`.

pub mod client;
pub mod decode;
pub mod encode;
pub mod event;
pub mod id;
pub mod list;
mod path;
mod reader;
pub mod request;
pub mod serde_shim;
pub mod types;

pub use bytes::Bytes;
pub use chrono;
pub use client::{FromBody, StripeClient};
pub use decode::{from_slice, Decode, DecodeError, Decoder, Failure, Undecodable};
pub use encode::{Encode, EncodeError, Encoder, Unsettable};
pub use event::{EventNotificationKind, NoRelatedObject, Notification, ThinEvent};
pub use id::{Id, IdRef, IdStr};
pub use list::{List, SearchList, V2List};
pub use request::{path_id, path_segment, ApiMode, Host, Method, Multipart, Request};
/// The decimal type of `format: decimal` fields, and its crate.
pub use rust_decimal::{self, Decimal};
pub use types::{DateTime, Expandable, ExtraFields, Int64String, Object, Timestamp};
