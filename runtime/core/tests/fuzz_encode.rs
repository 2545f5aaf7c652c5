//! The form encoder on random parameters: it never panics; it refuses what
//! Stripe would misread (keys with brackets, empty keys, a top level that
//! is not an object) and otherwise writes pairs that, unescaped and read
//! back by their brackets, give exactly the parameters.

#[path = "support/fuzz.rs"]
mod fuzz;

use proptest::prelude::*;
use serde_json::{Map, Value};
use stripe_core::encode::{pairs_to_form, to_pairs};

/// Keys Stripe reads as written: no brackets, not empty.
fn plain_key() -> impl Strategy<Value = String> {
    "[a-z_]{1,6}|[^\\[\\]]{1,6}"
}

/// Any key, brackets and empty ones included.
fn any_key() -> impl Strategy<Value = String> {
    prop_oneof![4 => plain_key(), 1 => "[\\[\\]a]{0,3}", 1 => Just(String::new())]
}

fn json(key: BoxedStrategy<String>) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..5)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn params(key: BoxedStrategy<String>) -> impl Strategy<Value = Value> {
    prop::collection::btree_map(key.clone(), json(key), 0..6)
        .prop_map(|map| Value::Object(map.into_iter().collect()))
}

/// What Stripe should read back: scalars as text, arrays as objects by
/// index, `null`s and empty containers gone.
fn as_stripe_reads(value: &Value) -> Option<Value> {
    let object = |entries: Vec<(String, Value)>| {
        (!entries.is_empty()).then(|| Value::Object(entries.into_iter().collect()))
    };
    match value {
        Value::Null => None,
        Value::Bool(b) => Some(Value::String(b.to_string())),
        Value::Number(n) => Some(Value::String(n.to_string())),
        Value::String(s) => Some(Value::String(s.clone())),
        Value::Array(items) => object(
            items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| Some((i.to_string(), as_stripe_reads(item)?)))
                .collect(),
        ),
        Value::Object(map) => object(
            map.iter()
                .filter_map(|(key, item)| Some((key.clone(), as_stripe_reads(item)?)))
                .collect(),
        ),
    }
}

/// Reads `a[b][0]=x` pairs back into nested objects.
fn read_back(pairs: &[(String, String)]) -> Value {
    let mut root = Map::new();
    for (key, value) in pairs {
        let (first, rest) = key.split_once('[').unwrap_or((key, ""));
        let mut segments = vec![first.to_owned()];
        if !rest.is_empty() {
            let inner = rest.strip_suffix(']').expect("a bracketed key ends in `]`");
            segments.extend(inner.split("][").map(str::to_owned));
        }
        let (last, parents) = segments.split_last().unwrap();
        let mut node = &mut root;
        for segment in parents {
            node = node
                .entry(segment.clone())
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("a key is either a value or a parent");
        }
        assert!(
            node.insert(last.clone(), Value::String(value.clone()))
                .is_none(),
            "`{key}` sent twice"
        );
    }
    Value::Object(root)
}

fn has_bad_key(value: &Value) -> bool {
    match value {
        Value::Object(map) => map
            .iter()
            .any(|(key, item)| key.is_empty() || key.contains(['[', ']']) || has_bad_key(item)),
        Value::Array(items) => items.iter().any(has_bad_key),
        _ => false,
    }
}

proptest! {
    #![proptest_config(fuzz::config(256))]

    #[test]
    fn plain_parameters_round_trip(params in params(plain_key().boxed())) {
        let pairs = to_pairs(&params).unwrap();
        let form = pairs_to_form(&pairs);
        let unescaped: Vec<(String, String)> =
            form_urlencoded::parse(form.as_bytes()).into_owned().collect();
        prop_assert_eq!(&unescaped, &pairs);
        let expected = as_stripe_reads(&params).unwrap_or(Value::Object(Map::new()));
        prop_assert_eq!(read_back(&pairs), expected);
    }

    #[test]
    fn a_key_stripe_would_misread_is_an_error_never_a_panic(params in params(any_key().boxed())) {
        let result = to_pairs(&params);
        prop_assert_eq!(result.is_err(), has_bad_key(&params), "{:?}", result);
    }

    #[test]
    fn a_top_level_that_is_not_an_object_is_an_error(value in json(plain_key().boxed())) {
        let result = to_pairs(&value);
        match &value {
            Value::Object(_) => {}
            Value::Null => prop_assert_eq!(result.unwrap(), vec![]),
            _ => prop_assert!(result.is_err(), "{:?}", result),
        }
    }
}
