//! Fixtures, in the format of Stripe CLI's `stripe fixtures`: requests run
//! in order, each answer kept under the request's name so that later ones
//! refer to it (`"customer": "${customer:id}"`, `${prices:data.0.id}`,
//! `${.env:PRICE_ID}`). `stripe trigger <event>` runs one of the fixtures
//! this crate ships (`cli/fixtures/triggers/`), each making Stripe (or the
//! mock) emit its event.
//!
//! This module reads and rewrites fixtures; running them is `run.rs`'s.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::params::apply_data;

/// The fixture format version this reads, as Stripe CLI writes it.
const TEMPLATE_VERSION: u32 = 0;

/// A fixtures file.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// What the fixture does, in a sentence (this project's files say).
    pub description: Option<String>,
    pub steps: Vec<Step>,
    /// Values `${.env:NAME}` reads before the process environment.
    pub env: BTreeMap<String, String>,
}

/// One request of a fixture.
#[derive(Debug, Clone, Default)]
pub struct Step {
    pub name: String,
    /// `/v1/customers/${customer:id}`.
    pub path: String,
    /// `get`, `post` or `delete`.
    pub method: String,
    pub params: Map<String, Value>,
    /// The request is meant to fail with this Stripe error type
    /// (`invalid_request_error`), and the fixture goes on when it does.
    pub expected_error_type: Option<String>,
    pub idempotency_key: Option<String>,
    /// Sent as `Stripe-Context` (v2).
    pub context: Option<String>,
    pub headers: BTreeMap<String, String>,
}

impl Step {
    fn read(value: &Value) -> Result<Step, String> {
        let Value::Object(fields) = value else {
            return Err("not an object".to_owned());
        };
        let mut step = Step::default();
        for (key, value) in fields {
            let text = || {
                value
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("`{key}` is not a string"))
            };
            match key.as_str() {
                "name" => step.name = text()?,
                "path" => step.path = text()?,
                "method" => step.method = text()?.to_ascii_lowercase(),
                "params" => match value {
                    Value::Object(params) => step.params = params.clone(),
                    _ => return Err("`params` is not an object".to_owned()),
                },
                "expected_error_type" => step.expected_error_type = Some(text()?),
                "idempotency_key" => step.idempotency_key = Some(text()?),
                "context" => step.context = Some(text()?),
                "headers" => {
                    let Value::Object(headers) = value else {
                        return Err("`headers` is not an object".to_owned());
                    };
                    for (name, value) in headers {
                        let value = value
                            .as_str()
                            .ok_or_else(|| format!("headers.{name} is not a string"))?;
                        step.headers.insert(name.clone(), value.to_owned());
                    }
                }
                other => return Err(format!("unknown field `{other}`")),
            }
        }
        if step.name.is_empty() || step.path.is_empty() {
            return Err("a request needs a `name` and a `path`".to_owned());
        }
        if !matches!(step.method.as_str(), "get" | "post" | "delete") {
            return Err(format!(
                "`{}` has method `{}`; get, post or delete",
                step.name, step.method
            ));
        }
        Ok(step)
    }
}

/// A shipped fixture, by its event: `(event, the file's text)`.
macro_rules! trigger {
    ($event:literal) => {
        (
            $event,
            include_str!(concat!("../fixtures/triggers/", $event, ".json")),
        )
    };
}

/// The fixtures `stripe trigger` runs, by the event each makes happen.
/// Written for this project (not Stripe CLI's files): each says in its
/// `description` what it does.
pub static TRIGGERS: &[(&str, &str)] = &[
    trigger!("charge.captured"),
    trigger!("charge.refunded"),
    trigger!("charge.succeeded"),
    trigger!("checkout.session.expired"),
    trigger!("climate.order.canceled"),
    trigger!("climate.order.created"),
    trigger!("customer.created"),
    trigger!("customer.deleted"),
    trigger!("customer.subscription.created"),
    trigger!("customer.subscription.deleted"),
    trigger!("customer.updated"),
    trigger!("identity.verification_session.canceled"),
    trigger!("identity.verification_session.created"),
    trigger!("identity.verification_session.redacted"),
    trigger!("invoice.created"),
    trigger!("invoice.finalized"),
    trigger!("invoice.paid"),
    trigger!("invoice.voided"),
    trigger!("payment_intent.amount_capturable_updated"),
    trigger!("payment_intent.canceled"),
    trigger!("payment_intent.created"),
    trigger!("payment_intent.succeeded"),
    trigger!("price.created"),
    trigger!("product.created"),
];

/// The shipped fixture that makes `event` happen (`v1.customer.created` is
/// `customer.created`, as in Stripe CLI).
pub fn trigger_for(event: &str) -> Option<&'static str> {
    let event = event.strip_prefix("v1.").unwrap_or(event);
    TRIGGERS
        .iter()
        .find(|(name, _)| *name == event)
        .map(|(_, text)| *text)
}

impl Fixture {
    pub fn parse(text: &str, origin: &str) -> Result<Fixture, String> {
        let document: Value =
            serde_json::from_str(text).map_err(|e| format!("{origin}: not JSON: {e}"))?;
        let version = document
            .pointer("/_meta/template_version")
            .and_then(Value::as_u64);
        if version != Some(u64::from(TEMPLATE_VERSION)) {
            return Err(format!(
                "{origin}: `_meta.template_version` is {}, this reads {TEMPLATE_VERSION}",
                version.map_or("missing".to_owned(), |v| v.to_string())
            ));
        }
        let steps = match document.get("fixtures") {
            Some(Value::Array(steps)) if !steps.is_empty() => steps
                .iter()
                .enumerate()
                .map(|(at, step)| {
                    Step::read(step).map_err(|e| format!("{origin}: fixtures[{at}]: {e}"))
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ => return Err(format!("{origin}: `fixtures` lists no request")),
        };
        let env = match document.get("env") {
            None => BTreeMap::new(),
            Some(Value::Object(env)) => env
                .iter()
                .map(|(k, v)| {
                    Ok((
                        k.clone(),
                        v.as_str()
                            .ok_or_else(|| format!("{origin}: env.{k} is not a string"))?
                            .to_owned(),
                    ))
                })
                .collect::<Result<_, String>>()?,
            Some(_) => return Err(format!("{origin}: `env` is not an object")),
        };
        Ok(Fixture {
            description: document
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_owned),
            steps,
            env,
        })
    }

    /// Applies Stripe CLI's `--override`, `--add` and `--remove`, each
    /// `name:path.to.param=value` (`--remove` without the value).
    pub fn rewrite(
        &mut self,
        overrides: &[String],
        additions: &[String],
        removals: &[String],
    ) -> Result<(), String> {
        for change in overrides.iter().chain(additions) {
            let (target, value) = change.split_once('=').ok_or_else(|| {
                format!("`{change}`: write name:param=value, e.g. customer:email=jenny@example.com")
            })?;
            let (step, keys) = self.target(target)?;
            set_path(&mut step.params, &keys, Value::String(value.to_owned()));
        }
        for removal in removals {
            let (step, keys) = self.target(removal)?;
            remove_path(&mut step.params, &keys);
        }
        Ok(())
    }

    /// The step and parameter path that `name:path.to.param` names.
    fn target(&mut self, target: &str) -> Result<(&mut Step, Vec<String>), String> {
        let (name, path) = target
            .split_once(':')
            .ok_or_else(|| format!("`{target}`: name the request first, as in customer:email"))?;
        let names: Vec<String> = self.steps.iter().map(|s| s.name.clone()).collect();
        let step = self
            .steps
            .iter_mut()
            .find(|step| step.name == name)
            .ok_or_else(|| {
                format!(
                    "`{target}`: the fixture has no request `{name}` (it has {})",
                    names.join(", ")
                )
            })?;
        let keys: Vec<String> = path.split('.').map(str::to_owned).collect();
        if keys.iter().any(String::is_empty) {
            return Err(format!("`{target}`: an empty parameter name"));
        }
        Ok((step, keys))
    }
}

fn set_path(map: &mut Map<String, Value>, keys: &[String], value: Value) {
    let Some((last, parents)) = keys.split_last() else {
        return;
    };
    let mut map = map;
    for key in parents {
        let slot = map
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        map = slot.as_object_mut().expect("made an object just above");
    }
    map.insert(last.clone(), value);
}

fn remove_path(map: &mut Map<String, Value>, keys: &[String]) {
    let Some((last, parents)) = keys.split_last() else {
        return;
    };
    let mut map = map;
    for key in parents {
        match map.get_mut(key).and_then(Value::as_object_mut) {
            Some(inner) => map = inner,
            None => return,
        }
    }
    map.remove(last);
}

/// What earlier requests answered, by name, and the environment.
pub struct Answers<'a> {
    pub by_name: BTreeMap<String, Value>,
    pub env: &'a BTreeMap<String, String>,
    pub process_env: &'a dyn Fn(&str) -> Option<String>,
}

impl Answers<'_> {
    /// `text` with every `${name:path}` replaced by what it names.
    pub fn fill(&self, text: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let end = rest[start..]
                .find('}')
                .ok_or_else(|| format!("`{text}`: a `${{` without its `}}`"))?;
            let reference = &rest[start + 2..start + end];
            out.push_str(&self.lookup(reference)?);
            rest = &rest[start + end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// `customer:id`, `prices:data.0.id` or `.env:NAME`, as text.
    fn lookup(&self, reference: &str) -> Result<String, String> {
        let (name, path) = reference
            .split_once(':')
            .ok_or_else(|| format!("`${{{reference}}}`: write ${{name:path}}"))?;
        if name == ".env" {
            return self
                .env
                .get(path)
                .cloned()
                .or_else(|| (self.process_env)(path))
                .ok_or_else(|| format!("`${{{reference}}}`: no such variable"));
        }
        let answer = self
            .by_name
            .get(name)
            .ok_or_else(|| format!("`${{{reference}}}`: no earlier request is named `{name}`"))?;
        let value = path
            .split('.')
            .try_fold(answer, |value, key| match value {
                Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
                Value::Object(map) => map.get(key),
                _ => None,
            })
            .ok_or_else(|| format!("`${{{reference}}}`: the answer of `{name}` has no `{path}`"))?;
        Ok(match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
    }

    /// The parameters of `step`, references filled in and bracketed keys
    /// (`recurring[interval]`) made nested, as `-d` reads them.
    pub fn params(&self, step: &Step) -> Result<Map<String, Value>, String> {
        let mut params = Map::new();
        let mut bracketed = Vec::new();
        for (key, value) in &step.params {
            let value = self.fill_value(value)?;
            match (key.contains('['), &value) {
                (true, Value::String(text)) => bracketed.push(format!("{key}={text}")),
                (true, other) => bracketed.push(format!("{key}={other}")),
                (false, _) => {
                    params.insert(key.clone(), value);
                }
            }
        }
        apply_data(&mut params, &bracketed, None).map_err(|e| e.0)?;
        Ok(params)
    }

    fn fill_value(&self, value: &Value) -> Result<Value, String> {
        Ok(match value {
            Value::String(text) => Value::String(self.fill(text)?),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.fill_value(item))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.fill_value(v)?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => other.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn every_shipped_trigger_is_a_fixture_named_after_its_event() {
        for (event, text) in TRIGGERS {
            let fixture = Fixture::parse(text, event).unwrap_or_else(|e| panic!("{e}"));
            assert!(!fixture.steps.is_empty(), "{event}");
        }
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/triggers");
        let files = std::fs::read_dir(dir).unwrap().count();
        assert_eq!(
            files,
            TRIGGERS.len(),
            "a file in {dir} that TRIGGERS leaves out"
        );
        assert!(trigger_for("v1.customer.created").is_some());
        assert!(trigger_for("customer.nonsense").is_none());
    }

    #[test]
    fn references_read_earlier_answers_and_the_environment() {
        let env = BTreeMap::from([("PLAN".to_owned(), "gold".to_owned())]);
        let answers = Answers {
            by_name: BTreeMap::from([
                ("customer".to_owned(), json!({"id": "cus_1"})),
                (
                    "prices".to_owned(),
                    json!({"data": [{"id": "price_1", "unit_amount": 5}]}),
                ),
            ]),
            env: &env,
            process_env: &no_env,
        };
        assert_eq!(
            answers.fill("/v1/customers/${customer:id}").unwrap(),
            "/v1/customers/cus_1"
        );
        assert_eq!(answers.fill("${prices:data.0.unit_amount}").unwrap(), "5");
        assert_eq!(
            answers.fill("${.env:PLAN}-${customer:id}").unwrap(),
            "gold-cus_1"
        );
        for (bad, says) in [
            ("${nobody:id}", "no earlier request is named `nobody`"),
            ("${customer:email}", "has no `email`"),
            ("${customer:id", "without its"),
            ("${.env:MISSING}", "no such variable"),
        ] {
            let error = answers.fill(bad).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn bracketed_keys_become_nested_parameters() {
        let step = Step::read(&json!({
            "name": "price", "path": "/v1/prices", "method": "post",
            "params": {"recurring[interval]": "month", "unit_amount": 1500, "product": "${product:id}"}
        }))
        .unwrap();
        let env = BTreeMap::new();
        let answers = Answers {
            by_name: BTreeMap::from([("product".to_owned(), json!({"id": "prod_1"}))]),
            env: &env,
            process_env: &no_env,
        };
        assert_eq!(
            Value::Object(answers.params(&step).unwrap()),
            json!({"recurring": {"interval": "month"}, "unit_amount": 1500, "product": "prod_1"})
        );
    }

    #[test]
    fn override_add_and_remove_rewrite_a_named_request() {
        let mut fixture = Fixture::parse(trigger_for("customer.created").unwrap(), "t").unwrap();
        fixture
            .rewrite(
                &["customer:email=jenny@example.com".to_owned()],
                &["customer:metadata.order=6735".to_owned()],
                &["customer:description".to_owned()],
            )
            .unwrap();
        let params = &fixture.steps[0].params;
        assert_eq!(params["email"], "jenny@example.com");
        assert_eq!(params["metadata"], json!({"order": "6735"}));
        assert!(!params.contains_key("description"));
        for (bad, says) in [
            ("nobody:email=x", "has no request `nobody`"),
            ("customer:email", "write name:param=value"),
            ("email=x", "name the request first"),
        ] {
            let error = fixture.rewrite(&[bad.to_owned()], &[], &[]).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn a_fixture_of_another_version_or_shape_is_refused() {
        for (text, says) in [
            (
                r#"{"_meta": {"template_version": 1}, "fixtures": [{"name": "a", "path": "/v1/x", "method": "post"}]}"#,
                "template_version` is 1",
            ),
            (
                r#"{"_meta": {"template_version": 0}, "fixtures": []}"#,
                "lists no request",
            ),
            (
                r#"{"_meta": {"template_version": 0}, "fixtures": [{"name": "a", "path": "/v1/x", "method": "put"}]}"#,
                "get, post or delete",
            ),
            (
                r#"{"_meta": {"template_version": 0}, "fixtures": [{"name": "a", "path": "/v1/x", "method": "post", "parms": {}}]}"#,
                "unknown field `parms`",
            ),
        ] {
            let error = Fixture::parse(text, "f.json").unwrap_err();
            assert!(error.contains(says), "{text}: {error}");
        }
    }
}
