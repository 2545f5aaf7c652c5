//! Thin events: what Stripe delivers to an event destination for a v2
//! event is the event without its data (`v2.core.event`: id, type, the
//! context it happened in, the object it relates to), which a client then
//! fetches, with the event's `Stripe-Context`, as Stripe's SDKs do.
//!
//! The generated crate types each notification by its event type (an enum
//! of [`Notification`]s, one variant per type Stripe's SDKs know); this
//! module is what those variants share.

use std::marker::PhantomData;

use crate::client::{FromBody, StripeClient};
use crate::decode::Decode;
use crate::request::{path_segment, Method, Request};

/// What the client reads of a thin event: implemented by the generated
/// `v2::core::Event`.
pub trait ThinEvent {
    fn id(&self) -> &str;
    /// `v2.core.event_destination.ping`, say.
    fn event_type(&self) -> &str;
    /// The account (or `/`-separated path of accounts) the event happened
    /// in, sent back as `Stripe-Context` to fetch it.
    fn context(&self) -> Option<&str>;
    /// Where the object the event relates to is: a path on the API host.
    fn related_object_url(&self) -> Option<&str>;
}

/// An event type that relates to no object (`v1.billing.meter.no_meter_found`):
/// its notification has no related object to fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoRelatedObject {}

/// A thin event of one type, whose related object is an `R` (a generated
/// resource; JSON when it is not one; [`NoRelatedObject`] when there is
/// none). Derefs to the event.
#[derive(Clone, Debug)]
pub struct Notification<E, R> {
    event: E,
    /// The API version the related object is fetched with: that of the
    /// spec document that describes it.
    related_api_version: &'static str,
    related: PhantomData<fn() -> R>,
}

impl<E, R> Notification<E, R> {
    pub fn new(event: E, related_api_version: &'static str) -> Self {
        Notification {
            event,
            related_api_version,
            related: PhantomData,
        }
    }

    pub fn event(&self) -> &E {
        &self.event
    }

    pub fn into_event(self) -> E {
        self.event
    }
}

impl<E, R> std::ops::Deref for Notification<E, R> {
    type Target = E;

    fn deref(&self) -> &E {
        &self.event
    }
}

impl<E: ThinEvent, R> Notification<E, R> {
    /// `request` as one made on the event's behalf: with its
    /// `Stripe-Context` (when it has one; else the client's applies) and
    /// `Stripe-Request-Trigger: event=<id>`.
    pub fn on_behalf(&self, request: Request) -> Request {
        on_behalf(&self.event, request)
    }

    /// The request that fetches the related object: its URL as Stripe
    /// gave it, on the event's behalf. `None` when there is none.
    pub fn related_object_request(&self) -> Option<Request> {
        let url = self.event.related_object_url()?;
        let request = Request::get_url(url).api_version(self.related_api_version);
        Some(self.on_behalf(request))
    }

    /// Fetches the object the event relates to, decoded as an `R`.
    pub fn fetch_related_object<C: StripeClient>(&self, client: &C) -> Option<C::Response<R>>
    where
        R: FromBody,
    {
        self.related_object_request()
            .map(|request| client.execute(request))
    }
}

/// `request` made on behalf of `event` (see [`Notification::on_behalf`]).
pub fn on_behalf(event: &impl ThinEvent, request: Request) -> Request {
    let request = request.header("stripe-request-trigger", format!("event={}", event.id()));
    match event.context().filter(|context| !context.is_empty()) {
        Some(context) => request.stripe_context(context),
        None => request,
    }
}

/// The request that fetches an event by id (`path` is the retrieve path
/// with `{id}` in it), on the event's own behalf.
pub fn event_request(event: &impl ThinEvent, path: &str, api_version: &'static str) -> Request {
    let path = path.replace("{id}", &path_segment(event.id()));
    on_behalf(
        event,
        Request::new(Method::Get, path).api_version(api_version),
    )
}

/// A notification typed by its event type: the generated enum, which the
/// webhook parser and the notification handler work with.
pub trait EventNotificationKind: Decode + Send + 'static {
    /// The event types this client types, sorted.
    const KNOWN_TYPES: &'static [&'static str];

    fn event_type(&self) -> &str;

    fn context(&self) -> Option<&str>;
}
