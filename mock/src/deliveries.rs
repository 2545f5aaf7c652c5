//! Webhook deliveries: each event the store records goes to every webhook
//! endpoint created on the mock that subscribes to its type, POSTed and
//! signed with the endpoint's secret as Stripe sends it
//! ([`stripe_runtime::Forwarder`]), on a task of its own. A delivery that
//! gets no 2xx is tried again by Stripe's rule for test mode ("Retry
//! behavior", docs.stripe.com/webhooks: "In a sandbox, Stripe retries
//! three times over a few hours"), with exponential backoff from a first
//! delay the server is given. Every attempt is logged.
//!
//! The store picks the destinations when it records an event (it needs
//! their count for `pending_webhooks`); this module does the I/O.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;
use stripe_runtime::Forwarder;
use tokio::sync::watch;
use tokio::task::AbortHandle;

use crate::lock;

/// The `object` of a v1 webhook endpoint.
pub(crate) const WEBHOOK_ENDPOINT: &str = "webhook_endpoint";

/// The `object` of a v2 event destination, which gets thin events when it
/// is a webhook endpoint.
pub(crate) const EVENT_DESTINATION: &str = "v2.core.event_destination";

/// How often Stripe tries a delivery again after the first attempt, in
/// test mode.
pub const RETRIES: u32 = 3;

/// The delay before the first retry when the server is given none; each
/// later one doubles it.
pub const DEFAULT_BACKOFF: Duration = Duration::from_secs(1);

/// `enabled_events` value that subscribes to every event type.
const EVERY_EVENT: &str = "*";

/// Where an event goes: an endpoint created on the mock.
#[derive(Debug, Clone)]
pub(crate) struct Destination {
    pub endpoint_id: String,
    pub url: String,
    pub secret: String,
}

/// Whether an endpoint whose `enabled_events` and `status` are these gets
/// events of `event_type`.
pub(crate) fn subscribes(endpoint: &Value, event_type: &str) -> bool {
    let enabled = endpoint["enabled_events"].as_array();
    let listed = enabled.is_some_and(|types| {
        types
            .iter()
            .any(|t| t == EVERY_EVENT || t.as_str() == Some(event_type))
    });
    listed && endpoint["status"] != "disabled"
}

/// Whether a v2 event destination gets thin events of `event_type`: a
/// webhook endpoint for thin events that subscribes to it.
pub(crate) fn takes_thin(destination: &Value, event_type: &str) -> bool {
    destination["type"] == WEBHOOK_ENDPOINT
        && destination["event_payload"] == "thin"
        && subscribes(destination, event_type)
}

/// An event the store recorded, as it is sent, with where it goes.
#[derive(Debug, Clone)]
pub(crate) struct Announcement {
    pub event_id: String,
    pub event_type: String,
    pub payload: Bytes,
    pub destinations: Vec<Destination>,
}

/// One attempt to deliver an event to an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryAttempt {
    pub event_id: String,
    pub event_type: String,
    pub endpoint_id: String,
    pub url: String,
    /// 1 for the first, up to `1 + RETRIES`.
    pub attempt: u32,
    /// The endpoint's status, or why there was none (no connection, no
    /// answer in time).
    pub outcome: Result<u16, String>,
}

impl DeliveryAttempt {
    /// Whether Stripe counts it delivered: a 2xx.
    pub fn delivered(&self) -> bool {
        matches!(self.outcome, Ok(status) if (200..300).contains(&status))
    }
}

impl fmt::Display for DeliveryAttempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} -> {} {} (attempt {}): ",
            self.event_id, self.event_type, self.endpoint_id, self.url, self.attempt
        )?;
        match &self.outcome {
            Ok(status) => write!(f, "{status}"),
            Err(error) => f.write_str(error),
        }
    }
}

/// What is told of every attempt, as it ends.
pub(crate) type Observer = Box<dyn Fn(&DeliveryAttempt) + Send + Sync>;

/// The deliveries of one server: the log, and the count of those not done
/// yet, which [`Deliveries::settled`] waits on.
pub(crate) struct Deliveries {
    forwarder: Forwarder,
    backoff: Duration,
    log: Mutex<Vec<DeliveryAttempt>>,
    unfinished: watch::Sender<usize>,
    tasks: Mutex<Vec<AbortHandle>>,
    observer: Observer,
}

impl Deliveries {
    pub fn new(backoff: Duration, observer: Observer) -> Deliveries {
        Deliveries {
            forwarder: Forwarder::new(),
            backoff,
            log: Mutex::new(Vec::new()),
            unfinished: watch::Sender::new(0),
            tasks: Mutex::new(Vec::new()),
            observer,
        }
    }

    /// Starts delivering each announcement to each of its destinations,
    /// each on its own task: the caller does not wait.
    pub fn start(self: &Arc<Self>, announcements: Vec<Announcement>) {
        for announcement in announcements {
            let announcement = Arc::new(announcement);
            for destination in &announcement.destinations {
                self.unfinished.send_modify(|n| *n += 1);
                let task = tokio::spawn(
                    Arc::clone(self).deliver(Arc::clone(&announcement), destination.clone()),
                );
                let mut tasks = lock(&self.tasks);
                tasks.retain(|task| !task.is_finished());
                tasks.push(task.abort_handle());
            }
        }
    }

    /// Tries until the endpoint takes it or the retries are spent.
    async fn deliver(self: Arc<Self>, announcement: Arc<Announcement>, destination: Destination) {
        for attempt in 1..=1 + RETRIES {
            if attempt > 1 {
                tokio::time::sleep(self.delay_before(attempt)).await;
            }
            let outcome = self
                .forwarder
                .send(
                    &destination.url,
                    &announcement.payload,
                    &destination.secret,
                    &[],
                )
                .await
                .map(|answer| answer.status)
                .map_err(|error| error.to_string());
            let logged = DeliveryAttempt {
                event_id: announcement.event_id.clone(),
                event_type: announcement.event_type.clone(),
                endpoint_id: destination.endpoint_id.clone(),
                url: destination.url.clone(),
                attempt,
                outcome,
            };
            let delivered = logged.delivered();
            (self.observer)(&logged);
            lock(&self.log).push(logged);
            if delivered {
                break;
            }
        }
        self.unfinished.send_modify(|n| *n -= 1);
    }

    /// Exponential: the backoff before the second attempt, twice it before
    /// the third, and so on.
    fn delay_before(&self, attempt: u32) -> Duration {
        self.backoff * 2u32.pow(attempt.saturating_sub(2))
    }

    /// Every attempt so far, in the order they ended.
    pub fn log(&self) -> Vec<DeliveryAttempt> {
        lock(&self.log).clone()
    }

    /// Stops the deliveries under way (the server is going away).
    pub fn stop(&self) {
        for task in lock(&self.tasks).drain(..) {
            task.abort();
        }
    }

    /// Resolves once no delivery is under way: each was taken or ran out
    /// of retries.
    pub async fn settled(&self) {
        let mut unfinished = self.unfinished.subscribe();
        // The sender lives as long as `self`, so this cannot fail.
        let _ = unfinished.wait_for(|n| *n == 0).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_enabled_endpoint_gets_the_types_it_lists_or_all() {
        let listing = json!({"enabled_events": ["customer.created"], "status": "enabled"});
        assert!(subscribes(&listing, "customer.created"));
        assert!(!subscribes(&listing, "customer.updated"));
        let every = json!({"enabled_events": ["*"], "status": "enabled"});
        assert!(subscribes(&every, "invoice.paid"));
        let disabled = json!({"enabled_events": ["*"], "status": "disabled"});
        assert!(!subscribes(&disabled, "invoice.paid"));
    }

    #[test]
    fn thin_events_go_to_webhook_destinations_of_thin_events() {
        let ping = "v2.core.event_destination.ping";
        let thin = json!({"type": "webhook_endpoint", "event_payload": "thin", "enabled_events": [ping], "status": "enabled"});
        assert!(takes_thin(&thin, ping));
        let mut snapshot = thin.clone();
        snapshot["event_payload"] = json!("snapshot");
        assert!(!takes_thin(&snapshot, ping));
        let mut bridge = thin.clone();
        bridge["type"] = json!("amazon_eventbridge");
        assert!(!takes_thin(&bridge, ping));
        let mut disabled = thin;
        disabled["status"] = json!("disabled");
        assert!(!takes_thin(&disabled, ping));
    }

    #[test]
    fn retries_back_off_exponentially() {
        let deliveries = Deliveries::new(Duration::from_millis(10), Box::new(|_| ()));
        let delays: Vec<Duration> = (2..=1 + RETRIES)
            .map(|attempt| deliveries.delay_before(attempt))
            .collect();
        assert_eq!(
            delays,
            [10, 20, 40].map(Duration::from_millis),
            "three retries, each twice the last"
        );
    }
}
