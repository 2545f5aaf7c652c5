//! Stripe's fixture files, as the tests read them.

#![allow(dead_code)] // each test file uses a different part

use std::path::{Path, PathBuf};

use serde_json::Value;
use stripe_codegen::model::Model;
use stripe_codegen::parse::policy::{OperationOverrides, Policy};
use stripe_codegen::{build_model, SourceDocument, Spec};

/// Where the spec documents and fixtures are, looked up as codegen does.
pub fn spec_dir() -> PathBuf {
    stripe_mock::spec_dir()
}

/// The `resources` object of a fixtures file: one example object per
/// resource, keyed by `x-resourceId`.
pub fn fixtures(file: &str) -> serde_json::Map<String, Value> {
    let path = spec_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (set STRIPE_SPEC_DIR to the folder of Stripe's spec files)",
            path.display()
        )
    });
    let mut all: Value = serde_json::from_str(&text).expect("fixtures are JSON");
    match all["resources"].take() {
        Value::Object(resources) => resources,
        _ => panic!("{file} has no `resources` object"),
    }
}

/// Decodes a JSON value with the client's own decoder, as a response body.
pub fn decode<T: stripe::Decode>(value: &Value) -> Result<T, stripe::DecodeError> {
    stripe::from_slice(&serde_json::to_vec(value).expect("JSON values serialize"))
}

/// A JSON value as round trips compare it: a key whose value is `null`
/// counts as absent (the generated types leave out a field that may be
/// absent when it is `None`, and write a required nullable field as `null`,
/// so `"x": null` for an optional field comes back without `x`), and numbers
/// compare by value (`1` and `1.0` are equal).
pub fn normalise(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), normalise(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalise).collect()),
        Value::Number(n) => serde_json::json!(n.as_f64()),
        other => other.clone(),
    }
}

/// The first place where two values differ, as a JSON path.
pub fn first_difference(path: &str, expected: &Value, actual: &Value) -> Option<String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for key in e.keys().chain(a.keys()) {
                let (ev, av) = (
                    e.get(key).unwrap_or(&Value::Null),
                    a.get(key).unwrap_or(&Value::Null),
                );
                if let Some(diff) = first_difference(&format!("{path}.{key}"), ev, av) {
                    return Some(diff);
                }
            }
            None
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => e
            .iter()
            .zip(a)
            .enumerate()
            .find_map(|(i, (ev, av))| first_difference(&format!("{path}[{i}]"), ev, av)),
        _ if expected == actual => None,
        _ => Some(format!("{path}: expected {expected}, got {actual}")),
    }
}

/// The model of the default input, as `cargo xtask codegen` builds it.
pub fn model() -> Model {
    let documents: Vec<SourceDocument> = stripe_mock::SPEC_DOCUMENTS
        .iter()
        .map(|name| SourceDocument {
            name: name.to_string(),
            text: std::fs::read_to_string(spec_dir().join(name)).expect("spec document"),
        })
        .collect();
    let spec = Spec::parse(&documents).expect("the default input parses");
    let policy_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let read = |name: &str| std::fs::read_to_string(policy_dir.join(name)).expect("policy file");
    let mut policy = Policy::parse("overrides.toml", &read("overrides.toml")).unwrap();
    policy.operations =
        OperationOverrides::parse("operations.toml", &read("operations.toml")).unwrap();
    build_model(&spec, &policy).expect("the default input builds")
}
