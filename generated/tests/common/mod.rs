//! Stripe's fixture files, as the tests read them.

#![allow(dead_code)] // each test file uses a different part

use std::path::PathBuf;

use serde_json::Value;

/// `$STRIPE_SPEC_DIR`, else `../shared/stripe-openapi` beside the workspace.
pub fn spec_dir() -> PathBuf {
    match std::env::var_os("STRIPE_SPEC_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/stripe-openapi"),
    }
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
