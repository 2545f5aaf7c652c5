//! An in-process mock of the Stripe API, built from the same OpenAPI
//! documents as the generated client.
//!
//! Nothing in it is a hand-written route table: [`Api`] parses the
//! documents the project's manifest names (`spec/stripe.toml`, read by
//! `stripe-spec`, as codegen reads it) and serves every operation of them:
//!
//! - the method and path are matched against the spec's path templates
//!   (`/v1/customers/{customer}`); anything else is a 404 with Stripe's
//!   `Unrecognized request URL` error;
//! - a POST must have the content type of its operation's request body
//!   (`application/x-www-form-urlencoded`, `multipart/form-data` for
//!   `POST /v1/files`); one with neither body nor content type is one
//!   without parameters, as Stripe takes it;
//! - the query string and form body are rebuilt from their deepObject keys
//!   (`metadata[key]`, `items[0][price]`, `expand[]`) and checked against the
//!   operation's schema: unknown parameters, missing required ones, values
//!   that are not integers, numbers, booleans or decimals, strings over
//!   `maxLength`, values outside an `enum` (unless
//!   `x-stripeBypassValidation`), and `""` where the schema does not allow
//!   unsetting. Each is a 400 `invalid_request_error` naming the `param`;
//! - a valid request gets the fixture of its response's resource (by
//!   `x-resourceId`), in a list or search page when the response is one,
//!   with the id from the path;
//! - in the stateful mode ([`MockServerBuilder::stateful`]) what requests
//!   create is kept: later retrieves, updates, deletes, lists and searches
//!   see it, an unknown id is a 404 `resource_missing`, a repeated
//!   `Idempotency-Key` replays the first answer, and only test keys pass.
//!   New objects start, and actions (`redact`, `cancel`, `finalize`, ...)
//!   move them, as `spec/mock.toml` says Stripe does;
//! - also in the stateful mode, what Stripe announces records a v1 event
//!   (`customer.created`, `customer.updated` with `previous_attributes`,
//!   `invoice.paid`, ...), listed by `GET /v1/events` and delivered, signed
//!   with the endpoint's secret and retried by Stripe's rule, to the webhook
//!   endpoints created on the mock ([`MockServer::deliveries`]).
//!
//! The modules depend one way: `server` (HTTP) -> `state` (the store) ->
//! `events` (event types, Stripe's event, the list's filters) -> `answer`
//! (routing, checks, fixtures, errors) -> `api`, `validate`, `form`;
//! `deliveries` sends what the store recorded, for the server; `pages`,
//! `write` and `policy` serve the store.
//!
//! Every response has a `Request-Id` header, and every request is recorded:
//!
//! ```no_run
//! # async fn run() {
//! let server = stripe_mock::MockServer::start().await;
//! let response = reqwest::get(format!("{}/v1/customers/cus_123", server.url())).await.unwrap();
//! assert_eq!(server.requests()[0].operation_id.as_deref(), Some("GetCustomersCustomer"));
//! # }
//! ```

mod answer;
mod api;
mod deliveries;
mod events;
mod form;
mod pages;
mod policy;
mod server;
mod state;
mod validate;
mod write;

pub use answer::{respond, Answer, MockRequest};
pub use api::{Api, LoadError, Matched};
pub use deliveries::{DeliveryAttempt, DEFAULT_BACKOFF, RETRIES};
pub use server::{MockServer, MockServerBuilder, RecordedRequest, StartError};
pub use state::{Credentials, Store};
pub use validate::Invalid;

use std::sync::{Mutex, MutexGuard};

/// The guard, also after a panic elsewhere: every write under these locks
/// is one whole entry, so a poisoned lock holds nothing half-written.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
