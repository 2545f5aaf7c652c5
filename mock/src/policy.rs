//! The mock's own policy (`mock` in the manifest: `spec/mock.toml`), what
//! the stateful mode does that the spec does not say: the state a new
//! object starts in, what an action does to the object it acts on
//! (possibly depending on that object's fields), and the exceptions to the
//! rule that names an action's event. Data, not code per resource: a rule
//! sets, clears, copies or timestamps fields, or refuses.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

/// `spec/mock.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MockPolicy {
    /// By `object`: what a new object starts with, over its example's
    /// fields and the request's.
    #[serde(default)]
    pub created: BTreeMap<String, Vec<Rule>>,
    /// By operation (`POST /v1/invoices/{invoice}/pay`): what it does to
    /// the object it acts on. A DELETE listed here keeps its object.
    #[serde(default)]
    pub actions: BTreeMap<String, Vec<Rule>>,
    #[serde(default)]
    pub events: EventNaming,
    /// The file it was read from, which its errors name.
    #[serde(skip)]
    pub file: String,
}

/// The exceptions to the rule that names an event (`events.rs`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventNaming {
    /// An action's verb -> its past tense, where adding `d`/`ed` (`y` ->
    /// `ied`) is wrong.
    #[serde(default)]
    pub past_tense: BTreeMap<String, String>,
    /// Event types Stripe sends that the spec does not list -> the
    /// `object` of what they carry.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
}

/// One transition. Of an entry's rules, the first whose conditions hold
/// applies; none holding changes nothing.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Rule {
    /// The object's fields (dotted for nested ones: `redaction.status`)
    /// -> the value they have, or a list of the values they may have.
    #[serde(default)]
    pub when: BTreeMap<String, Value>,
    /// The request's parameters -> the value sent.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// Fields -> their new value; a table merges into the nested object.
    #[serde(default)]
    pub set: Map<String, Value>,
    /// Fields set to null (TOML has no null).
    #[serde(default)]
    pub clear: Vec<String>,
    /// Fields set to the time now.
    #[serde(default)]
    pub now: Vec<String>,
    /// Field -> the field whose value (before the rule) it takes.
    #[serde(default)]
    pub copy: BTreeMap<String, String>,
    /// Instead of a change, Stripe's 400 with this message; `{field}`
    /// names a field's current value.
    pub refuse: Option<String>,
    /// The event types recorded instead of the one the naming rule finds
    /// (`[]`: none).
    pub announce: Option<Vec<String>>,
}

impl MockPolicy {
    pub fn parse(name: &str, text: &str) -> Result<MockPolicy, String> {
        let mut policy: MockPolicy = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
        policy.file = name.to_owned();
        Ok(policy)
    }

    /// Every event type a rule announces or `[events] types` adds is one
    /// Stripe has: the spec's (`listed`) or one the spec lacks.
    pub fn check_events(&self, listed: &dyn Fn(&str) -> bool) -> Result<(), String> {
        let file = &self.file;
        if let Some(event_type) = self.events.types.keys().find(|t| listed(t)) {
            return Err(format!(
                "{file}: [events.types] \"{event_type}\" is in the spec's event types: drop it"
            ));
        }
        let known =
            |event_type: &str| listed(event_type) || self.events.types.contains_key(event_type);
        let announced = self
            .actions
            .iter()
            .chain(&self.created)
            .flat_map(|(key, rules)| {
                let listed = rules.iter().filter_map(|rule| rule.announce.as_ref());
                listed.flatten().map(move |event_type| (key, event_type))
            });
        for (key, event_type) in announced {
            if !known(event_type) {
                return Err(format!(
                    "{file}: \"{key}\" announces `{event_type}`, which is no event type of the spec nor of [events.types]"
                ));
            }
        }
        Ok(())
    }

    /// The rules of an operation, by its method and path template.
    pub fn action(&self, method: &str, template: &str) -> Option<&[Rule]> {
        self.actions
            .get(&format!("{method} {template}"))
            .map(Vec::as_slice)
    }
}

/// The first rule of `rules` whose conditions hold for `object` and the
/// request's parameters (`param` reads one).
pub(crate) fn first_holding<'r>(
    rules: &'r [Rule],
    object: &Value,
    param: &dyn Fn(&str) -> Option<String>,
) -> Option<&'r Rule> {
    rules.iter().find(|rule| rule.holds(object, param))
}

impl Rule {
    fn holds(&self, object: &Value, param: &dyn Fn(&str) -> Option<String>) -> bool {
        let field_holds = |(path, wanted): (&String, &Value)| {
            let current = field(object, path).unwrap_or(&Value::Null);
            match wanted {
                Value::Array(allowed) => allowed.contains(current),
                wanted => current == wanted,
            }
        };
        self.when.iter().all(field_holds)
            && self
                .params
                .iter()
                .all(|(name, wanted)| param(name).as_deref() == Some(wanted.as_str()))
    }

    /// Changes `object` as the rule says; `now` gives the time in the
    /// form of the value it replaces.
    pub fn apply(&self, object: &mut Value, now: &dyn Fn(&Value) -> Value) {
        let copied: Vec<(&String, Value)> = self
            .copy
            .iter()
            .map(|(to, from)| (to, field(object, from).cloned().unwrap_or(Value::Null)))
            .collect();
        for (to, value) in copied {
            set_field(object, to, value);
        }
        merge(object, &self.set);
        for path in &self.clear {
            set_field(object, path, Value::Null);
        }
        for path in &self.now {
            let stamp = now(field(object, path).unwrap_or(&Value::Null));
            set_field(object, path, stamp);
        }
    }

    /// The refusal's message, its `{field}`s filled from `object`.
    pub fn refusal(&self, object: &Value) -> Option<String> {
        let template = self.refuse.as_deref()?;
        let mut message = String::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|i| open + i) else {
                break;
            };
            message.push_str(&rest[..open]);
            match field(object, &rest[open + 1..close]) {
                Some(Value::String(text)) => message.push_str(text),
                Some(value) => message.push_str(&value.to_string()),
                None => message.push_str("null"),
            }
            rest = &rest[close + 1..];
        }
        message.push_str(rest);
        Some(message)
    }

    /// Every field the rule reads or writes, dotted.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.when
            .keys()
            .chain(self.set.keys())
            .chain(&self.clear)
            .chain(&self.now)
            .chain(self.copy.keys())
            .chain(self.copy.values())
            .map(String::as_str)
    }
}

/// The value at a dotted path of `object`.
pub(crate) fn field<'v>(object: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.')
        .try_fold(object, |value, key| value.get(key))
}

/// Sets the value at a dotted path, making objects of the nulls and
/// absences on the way.
fn set_field(object: &mut Value, path: &str, value: Value) {
    let mut slot = object;
    for key in path.split('.') {
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        let Value::Object(fields) = slot else {
            return;
        };
        slot = fields.entry(key.to_owned()).or_insert(Value::Null);
    }
    *slot = value;
}

/// `fields` into `object`: a table into the object already there.
fn merge(object: &mut Value, fields: &Map<String, Value>) {
    for (key, value) in fields {
        match (object.get_mut(key), value) {
            (Some(existing @ Value::Object(_)), Value::Object(nested)) => merge(existing, nested),
            _ => set_field(object, key, value.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules(toml: &str) -> Vec<Rule> {
        #[derive(Deserialize)]
        struct Entry {
            rule: Vec<Rule>,
        }
        toml::from_str::<Entry>(toml).unwrap().rule
    }

    #[test]
    fn the_first_rule_whose_conditions_hold_applies() {
        let rules = rules(
            r#"
            [[rule]]
            when = { status = "requires_action" }
            set = { status = "canceled", redaction = { status = "processing" } }
            [[rule]]
            when = { status = ["requires_input", "verified"] }
            set = { redaction = { status = "processing" } }
            [[rule]]
            refuse = "Cannot redact a session in {status}."
            "#,
        );
        let no_params = |_: &str| None;
        let mut object = json!({"status": "requires_action", "redaction": null});
        let rule = first_holding(&rules, &object, &no_params).unwrap();
        rule.apply(&mut object, &|_| json!(0));
        assert_eq!(
            object,
            json!({"status": "canceled", "redaction": {"status": "processing"}})
        );
        let verified = json!({"status": "verified"});
        let rule = first_holding(&rules, &verified, &no_params).unwrap();
        assert!(rule.refuse.is_none() && rule.set.contains_key("redaction"));
        let processing = json!({"status": "processing"});
        let rule = first_holding(&rules, &processing, &no_params).unwrap();
        assert_eq!(
            rule.refusal(&processing).as_deref(),
            Some("Cannot redact a session in processing.")
        );
    }

    #[test]
    fn copies_clear_and_timestamps_see_the_object_before_the_rule() {
        let rules = rules(
            r#"
            [[rule]]
            params = { disabled = "true" }
            copy = { amount_received = "amount_capturable" }
            set = { amount_capturable = 0, status_transitions = { paid_at = 1 } }
            clear = ["canceled_at"]
            now = ["status_transitions.finalized_at"]
            "#,
        );
        let mut object = json!({"amount_capturable": 500, "canceled_at": 12, "status_transitions": {"voided_at": null}});
        assert!(first_holding(&rules, &object, &|_| None).is_none());
        let param = |name: &str| (name == "disabled").then(|| "true".to_owned());
        first_holding(&rules, &object, &param)
            .unwrap()
            .apply(&mut object, &|_| json!(99));
        assert_eq!(
            object,
            json!({
                "amount_received": 500, "amount_capturable": 0, "canceled_at": null,
                "status_transitions": {"voided_at": null, "paid_at": 1, "finalized_at": 99}
            })
        );
    }
}
