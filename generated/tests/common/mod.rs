//! Stripe's fixture files, as the tests read them.

#![allow(dead_code)] // each test file uses a different part

use std::collections::BTreeMap;

use serde_json::Value;
use stripe_codegen::model::Model;
use stripe_codegen::{build_model, Spec};
use stripe_spec::Inputs;

/// The inputs of the project's manifest, found as codegen finds them.
pub fn inputs() -> Inputs {
    Inputs::project().unwrap_or_else(|e| {
        panic!("{e} (set STRIPE_SPEC_DIR to the folder of Stripe's spec files)")
    })
}

/// The merged spec of the default input.
pub fn spec() -> Spec {
    inputs().spec().expect("the default input parses")
}

/// The example object of every resource of the input, by resource id, each
/// from the fixtures file the manifest gives it from (`examples_of`).
pub fn examples() -> serde_json::Map<String, Value> {
    inputs()
        .examples(&spec())
        .expect("the fixtures are readable")
        .into_iter()
        .collect()
}

/// Every fixtures file of the manifest, by name: its `resources`, one
/// example per resource (a newer file has newer objects of older resources).
pub fn fixture_files() -> BTreeMap<String, serde_json::Map<String, Value>> {
    inputs()
        .fixtures()
        .expect("the fixtures are readable")
        .iter()
        .map(|file| {
            let resources = stripe_spec::fixture_resources(file).expect("a fixtures file");
            (file.name.clone(), resources)
        })
        .collect()
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
    let inputs = inputs();
    let spec = inputs.spec().expect("the default input parses");
    let policy = inputs.policy().expect("the policy files parse");
    build_model(&spec, &policy).expect("the default input builds")
}
