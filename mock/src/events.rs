//! The v1 events of the stateful mode: which event type Stripe announces a
//! change with, the event it sends, and the filters of `GET /v1/events`.
//!
//! The event types and the object each carries are the spec's, found by
//! the rule the generator types events by (`stripe_spec::parse::events`),
//! read here the other way round: a change of a `subscription` is
//! announced by the type that carries subscriptions and ends with the
//! change's word (`customer.subscription.created`). A create is
//! `created`, an update `updated`, a delete `deleted`, an action the past
//! tense of its verb (`redact` -> `redacted`, irregular ones in `[events]
//! past_tense` of `spec/mock.toml`). A change no type of the object names
//! announces nothing, as at Stripe.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};

use crate::api::EventObject;
use crate::form::Node;

/// The `object` of a v1 event.
pub(crate) const EVENT: &str = "event";

/// What happened to an object.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Change<'a> {
    Created,
    Updated,
    Deleted,
    /// An action, by its verb (the path's last word: `redact`).
    Acted(&'a str),
}

/// The spec's event types by the object they carry.
#[derive(Debug, Default)]
pub(crate) struct Catalog {
    by_object: HashMap<String, Vec<String>>,
    past_tense: BTreeMap<String, String>,
}

impl Catalog {
    pub fn new(event_objects: &[EventObject], past_tense: &BTreeMap<String, String>) -> Catalog {
        let mut by_object: HashMap<String, Vec<String>> = HashMap::new();
        for event in event_objects {
            if let Some(object) = &event.object {
                by_object
                    .entry(object.clone())
                    .or_default()
                    .push(event.event_type.clone());
            }
        }
        Catalog {
            by_object,
            past_tense: past_tense.clone(),
        }
    }

    /// The types of the events Stripe announces `change` of an object of
    /// `object` with: those of the spec that carry such objects and end
    /// with the change's word. Mostly one; a refund's update is both
    /// `charge.refund.updated` and `refund.updated`, and Stripe sends both.
    pub fn announced(&self, object: &str, change: Change<'_>) -> Vec<&str> {
        let word = match change {
            Change::Created => "created".to_owned(),
            Change::Updated => "updated".to_owned(),
            Change::Deleted => "deleted".to_owned(),
            Change::Acted(verb) => self.past_tense_of(verb),
        };
        let carrying = self.by_object.get(object).map(Vec::as_slice);
        carrying
            .unwrap_or_default()
            .iter()
            .filter(|event_type| event_type.rsplit_once('.').map(|(_, last)| last) == Some(&word))
            .map(String::as_str)
            .collect()
    }

    /// `finalize` -> `finalized`, `mark_uncollectible` ->
    /// `marked_uncollectible`: the first word's past tense.
    fn past_tense_of(&self, verb: &str) -> String {
        let (first, rest) = verb.split_at(verb.find('_').unwrap_or(verb.len()));
        let past = match self.past_tense.get(first) {
            Some(irregular) => irregular.clone(),
            None if first.ends_with('e') => format!("{first}d"),
            None if first.ends_with('y') && !first.ends_with("ay") && !first.ends_with("ey") => {
                format!("{}ied", &first[..first.len() - 1])
            }
            None => format!("{first}ed"),
        };
        format!("{past}{rest}")
    }
}

/// What caused an event: the request, as the event's `request` names it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Cause<'a> {
    /// The mock's `Request-Id` of the call.
    pub request_id: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
}

/// A v1 event as Stripe sends it.
pub(crate) struct NewEvent<'a> {
    pub id: String,
    pub event_type: &'a str,
    pub object: Value,
    /// For an update: the old values of the fields that changed.
    pub previous_attributes: Option<Map<String, Value>>,
    pub api_version: &'a str,
    pub cause: Cause<'a>,
    /// How many endpoints it goes to.
    pub pending_webhooks: usize,
    /// Unix seconds.
    pub created: u64,
}

impl NewEvent<'_> {
    pub fn into_json(self) -> Value {
        let mut data = json!({ "object": self.object });
        if let Some(previous) = self.previous_attributes {
            data["previous_attributes"] = Value::Object(previous);
        }
        json!({
            "id": self.id,
            "object": EVENT,
            "api_version": self.api_version,
            "created": self.created,
            "data": data,
            "livemode": false,
            "pending_webhooks": self.pending_webhooks,
            "request": {
                "id": self.cause.request_id,
                "idempotency_key": self.cause.idempotency_key,
            },
            "type": self.event_type,
        })
    }
}

/// The old values of the fields that differ between `old` and `new`, as
/// Stripe's `previous_attributes` has them: a nested object by the keys that
/// changed in it (`{"metadata": {"tier": null}}` for a new metadata key),
/// `null` for a field that was not there.
pub(crate) fn previous_attributes(old: &Value, new: &Value) -> Map<String, Value> {
    let (Value::Object(old), Value::Object(new)) = (old, new) else {
        return Map::new();
    };
    let keys = old
        .keys()
        .chain(new.keys().filter(|k| !old.contains_key(*k)));
    let mut changed = Map::new();
    for key in keys {
        let (before, after) = (old.get(key), new.get(key));
        if before == after {
            continue;
        }
        let previous = match (before, after) {
            (Some(before @ Value::Object(_)), Some(after @ Value::Object(_))) => {
                Value::Object(previous_attributes(before, after))
            }
            (before, _) => before.cloned().unwrap_or(Value::Null),
        };
        changed.insert(key.clone(), previous);
    }
    changed
}

/// The events of `events` that `GET /v1/events`'s filters keep: `type`
/// (with `*` for any run of characters: `customer.*`), `types`,
/// `created` (a time or a range) and `delivery_success` (every delivery
/// done, or not). A filter the mock cannot read is an error.
pub(crate) fn filter(events: &[Value], params: &[(String, Node)]) -> Result<Vec<Value>, String> {
    let param = |name: &str| params.iter().find(|(key, _)| key == name).map(|(_, n)| n);
    let types = match (param("type"), param("types")) {
        (Some(_), Some(_)) => {
            return Err("You may pass either `type` or `types`, but not both.".into())
        }
        (Some(Node::Value(pattern)), None) => vec![pattern.as_str()],
        (None, Some(Node::Map(listed))) => listed_types(listed)?,
        _ => Vec::new(),
    };
    let created = param("created").map(time_range).transpose()?;
    let delivered = match param("delivery_success") {
        Some(Node::Value(flag)) => Some(flag == "true"),
        _ => None,
    };
    let kept = events.iter().filter(|event| {
        let event_type = event["type"].as_str().unwrap_or_default();
        let time = event["created"].as_i64().unwrap_or_default();
        let pending = event["pending_webhooks"].as_u64().unwrap_or_default();
        (types.is_empty() || types.iter().any(|t| glob_matches(t, event_type)))
            && created.as_ref().is_none_or(|range| range.contains(time))
            && delivered.is_none_or(|delivered| delivered == (pending == 0))
    });
    Ok(kept.cloned().collect())
}

/// The values of `types[]`, at most 20 as Stripe allows.
fn listed_types(listed: &[(String, Node)]) -> Result<Vec<&str>, String> {
    const MOST: usize = 20;
    if listed.len() > MOST {
        return Err(format!(
            "`types` takes at most {MOST} event types, not {}.",
            listed.len()
        ));
    }
    Ok(listed
        .iter()
        .filter_map(|(_, node)| match node {
            Node::Value(event_type) => Some(event_type.as_str()),
            Node::Map(_) => None,
        })
        .collect())
}

/// `created=N` or `created[gt|gte|lt|lte]=N`.
#[derive(Debug, Default)]
struct TimeRange {
    gt: Option<i64>,
    gte: Option<i64>,
    lt: Option<i64>,
    lte: Option<i64>,
}

impl TimeRange {
    fn contains(&self, time: i64) -> bool {
        self.gt.is_none_or(|bound| time > bound)
            && self.gte.is_none_or(|bound| time >= bound)
            && self.lt.is_none_or(|bound| time < bound)
            && self.lte.is_none_or(|bound| time <= bound)
    }
}

fn time_range(node: &Node) -> Result<TimeRange, String> {
    let time = |text: &str| {
        text.parse::<i64>()
            .map_err(|_| format!("Invalid integer: {text}"))
    };
    match node {
        Node::Value(exact) => {
            let exact = time(exact)?;
            Ok(TimeRange {
                gte: Some(exact),
                lte: Some(exact),
                ..TimeRange::default()
            })
        }
        Node::Map(bounds) => {
            let mut range = TimeRange::default();
            for (key, bound) in bounds {
                let Node::Value(text) = bound else {
                    return Err(format!("Invalid integer: created[{key}]"));
                };
                let slot = match key.as_str() {
                    "gt" => &mut range.gt,
                    "gte" => &mut range.gte,
                    "lt" => &mut range.lt,
                    "lte" => &mut range.lte,
                    other => return Err(format!("Received unknown parameter: created[{other}]")),
                };
                *slot = Some(time(text)?);
            }
            Ok(range)
        }
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any run of
/// characters (dots too: `customer.*` has `customer.subscription.created`).
fn glob_matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let mut parts: Vec<&str> = parts.collect();
    let Some(last) = parts.pop() else {
        return rest.is_empty();
    };
    for middle in parts {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        let event = |event_type: &str, object: &str| EventObject {
            event_type: event_type.to_owned(),
            object: Some(object.to_owned()),
        };
        Catalog::new(
            &[
                event("customer.created", "customer"),
                event("customer.subscription.created", "subscription"),
                event("customer.subscription.deleted", "subscription"),
                event("invoice.paid", "invoice"),
                event("invoice.marked_uncollectible", "invoice"),
                event("invoice.finalized", "invoice"),
                event("charge.dispute.created", "dispute"),
            ],
            &BTreeMap::from([("pay".to_owned(), "paid".to_owned())]),
        )
    }

    #[test]
    fn an_event_type_is_found_by_the_object_it_carries() {
        let catalog = catalog();
        let announced = |object, change| catalog.announced(object, change);
        let cases = [
            (
                "subscription",
                Change::Created,
                "customer.subscription.created",
            ),
            (
                "subscription",
                Change::Deleted,
                "customer.subscription.deleted",
            ),
            ("customer", Change::Created, "customer.created"),
            ("invoice", Change::Acted("pay"), "invoice.paid"),
            ("invoice", Change::Acted("finalize"), "invoice.finalized"),
            (
                "invoice",
                Change::Acted("mark_uncollectible"),
                "invoice.marked_uncollectible",
            ),
            ("dispute", Change::Created, "charge.dispute.created"),
        ];
        for (object, change, event_type) in cases {
            assert_eq!(
                announced(object, change),
                [event_type],
                "{object} {change:?}"
            );
        }
        assert!(
            announced("customer", Change::Updated).is_empty(),
            "not listed"
        );
        assert!(announced("invoice", Change::Acted("send")).is_empty());
        let refund = Catalog::new(
            &[
                EventObject {
                    event_type: "charge.refund.updated".into(),
                    object: Some("refund".into()),
                },
                EventObject {
                    event_type: "refund.updated".into(),
                    object: Some("refund".into()),
                },
            ],
            &BTreeMap::new(),
        );
        assert_eq!(
            refund.announced("refund", Change::Updated),
            ["charge.refund.updated", "refund.updated"],
            "Stripe sends both"
        );
    }

    #[test]
    fn past_tenses() {
        let catalog = catalog();
        let cases = [
            ("cancel", "canceled"),
            ("redact", "redacted"),
            ("void", "voided"),
            ("capture", "captured"),
            ("verify", "verified"),
            ("pay", "paid"),
            ("verify_microdeposits", "verified_microdeposits"),
        ];
        for (verb, past) in cases {
            assert_eq!(catalog.past_tense_of(verb), past);
        }
    }

    #[test]
    fn previous_attributes_hold_the_old_values_of_what_changed() {
        let old = json!({"email": "a@x", "name": "A", "metadata": {"order": "1", "gone": "x"}, "address": null});
        let new = json!({"email": "b@x", "name": "A", "metadata": {"order": "1", "tier": "gold"}, "address": {"city": "Paris"}});
        assert_eq!(
            Value::Object(previous_attributes(&old, &new)),
            json!({"email": "a@x", "metadata": {"gone": "x", "tier": null}, "address": null})
        );
        assert!(previous_attributes(&old, &old).is_empty());
    }

    #[test]
    fn type_patterns_take_a_wildcard() {
        assert!(glob_matches("customer.*", "customer.created"));
        assert!(glob_matches("customer.*", "customer.subscription.created"));
        assert!(!glob_matches("customer.*", "invoice.created"));
        assert!(glob_matches("*.created", "invoice.created"));
        assert!(glob_matches("*", "invoice.created"));
        assert!(glob_matches("invoice.paid", "invoice.paid"));
        assert!(!glob_matches("invoice.paid", "invoice.paid_out"));
        assert!(glob_matches(
            "customer.*.created",
            "customer.subscription.created"
        ));
        assert!(!glob_matches("a*a", "a"));
    }
}
