//! Dispatches thin event notifications to the handlers registered for
//! their types, as Stripe's SDKs' `EventNotificationHandler` does: each
//! delivery is verified and parsed, then handed, with a client that acts
//! in the event's context, to its type's handler, or to the fallback.
//!
//! ```no_run
//! # use stripe_runtime::{Client, notification_handler::{EventNotificationHandler, Unhandled}};
//! # #[derive(Debug)] struct Note;
//! # impl stripe_runtime::Decode for Note { fn decode(_: &mut stripe_core::Decoder<'_>) -> Result<Self, stripe_core::Failure> { Ok(Note) } }
//! # impl stripe_core::EventNotificationKind for Note { const KNOWN_TYPES: &'static [&'static str] = &[]; fn event_type(&self) -> &str { "" } fn context(&self) -> Option<&str> { None } }
//! # async fn run(client: Client, body: &[u8], signature: &str) -> Result<(), Box<dyn std::error::Error>> {
//! // With the generated crate, `N` is `stripe::v2::core::EventNotification`.
//! let handler = EventNotificationHandler::<Note>::new(client, "whsec_...", |note, _client, unhandled: Unhandled| async move {
//!     eprintln!("no handler for {note:?} (known type: {})", unhandled.is_known_event_type);
//!     Ok(())
//! })
//! .on("v2.core.event_destination.ping", |note, client| async move {
//!     // `client` sends the event's `Stripe-Context`.
//!     Ok(())
//! })?;
//! handler.handle(body, signature).await?;
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use stripe_core::EventNotificationKind;

use crate::webhook::{Webhook, WebhookError};
use crate::Client;

/// What a handler may fail with.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;

type HandlerFuture = Pin<Box<dyn Future<Output = Result<(), HandlerError>> + Send>>;
type Callback<N> = Box<dyn Fn(N, Client) -> HandlerFuture + Send + Sync>;
type Fallback<N> = Box<dyn Fn(N, Client, Unhandled) -> HandlerFuture + Send + Sync>;

/// What the fallback is told of a notification no handler took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unhandled {
    /// Whether this client types the event's type (else it is one Stripe
    /// added after this version of the spec).
    pub is_known_event_type: bool,
}

/// Thin event notifications, verified, parsed and dispatched by type.
pub struct EventNotificationHandler<N> {
    webhook: Webhook,
    client: Client,
    handlers: BTreeMap<String, Callback<N>>,
    fallback: Fallback<N>,
}

impl<N: EventNotificationKind> EventNotificationHandler<N> {
    /// A handler for deliveries signed with `secret` (`whsec_...`); what no
    /// handler takes goes to `fallback`.
    pub fn new<F, Fut>(client: Client, secret: impl Into<String>, fallback: F) -> Self
    where
        F: Fn(N, Client, Unhandled) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
    {
        EventNotificationHandler {
            webhook: Webhook::new(secret),
            client,
            handlers: BTreeMap::new(),
            fallback: Box::new(move |note, client, unhandled| {
                Box::pin(fallback(note, client, unhandled))
            }),
        }
    }

    /// Verifies with this [`Webhook`] (its tolerance) instead.
    pub fn with_webhook(mut self, webhook: Webhook) -> Self {
        self.webhook = webhook;
        self
    }

    /// Registers `handler` for notifications of `event_type`
    /// (`v2.core.event_destination.ping`); a type registered twice is an
    /// error.
    pub fn on<F, Fut>(mut self, event_type: &str, handler: F) -> Result<Self, DuplicateHandler>
    where
        F: Fn(N, Client) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
    {
        if self.handlers.contains_key(event_type) {
            return Err(DuplicateHandler(event_type.to_owned()));
        }
        let callback: Callback<N> = Box::new(move |note, client| Box::pin(handler(note, client)));
        self.handlers.insert(event_type.to_owned(), callback);
        Ok(self)
    }

    /// The event types with a handler, sorted.
    pub fn registered_event_types(&self) -> Vec<&str> {
        self.handlers.keys().map(String::as_str).collect()
    }

    /// Verifies and parses one delivery (the raw body and its
    /// `Stripe-Signature` header), then awaits its type's handler, or the
    /// fallback, with a client that acts in the event's context.
    pub async fn handle(
        &self,
        payload: impl AsRef<[u8]>,
        signature_header: &str,
    ) -> Result<(), HandleError> {
        let note: N = self
            .webhook
            .parse_event_notification(payload, signature_header)
            .map_err(HandleError::Webhook)?;
        let client = match note.context().filter(|context| !context.is_empty()) {
            Some(context) => self.client.with_stripe_context(context),
            None => self.client.clone(),
        };
        let event_type = note.event_type().to_owned();
        let handled = match self.handlers.get(&event_type) {
            Some(handler) => handler(note, client).await,
            None => {
                let unhandled = Unhandled {
                    is_known_event_type: N::KNOWN_TYPES.binary_search(&event_type.as_str()).is_ok(),
                };
                (self.fallback)(note, client, unhandled).await
            }
        };
        handled.map_err(HandleError::Handler)
    }
}

impl<N> fmt::Debug for EventNotificationHandler<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventNotificationHandler")
            .field("webhook", &self.webhook)
            .field("event_types", &self.handlers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// An event type was given a second handler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateHandler(pub String);

impl fmt::Display for DuplicateHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a handler for `{}` is registered already", self.0)
    }
}

impl std::error::Error for DuplicateHandler {}

/// Why a delivery was not handled.
#[derive(Debug)]
#[non_exhaustive]
pub enum HandleError {
    /// Not authentic, or not a thin event notification.
    Webhook(WebhookError),
    /// The handler (or the fallback) failed.
    Handler(HandlerError),
}

impl fmt::Display for HandleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandleError::Webhook(error) => error.fmt(f),
            HandleError::Handler(error) => write!(f, "the event's handler failed: {error}"),
        }
    }
}

impl std::error::Error for HandleError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            HandleError::Webhook(error) => Some(error),
            HandleError::Handler(error) => Some(error.as_ref()),
        }
    }
}
