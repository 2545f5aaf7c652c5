//! `--print rust`: the same call in the generated Rust client, e.g.
//! `stripe::identity::VerificationSession::redact(&client, "vs_123", &Default::default()).await?`.
//! Values are written as Rust literals (`{:?}` of a string is a valid,
//! escaped literal), so nothing a user typed becomes code.

use serde_json::{Map, Value};

use crate::table::{Object, Operation, Ty, ENUMS, OBJECTS, UNIONS};
use crate::validate::fits;

pub fn call(operation: &Operation, ids: &[String], params: &Map<String, Value>) -> String {
    let mut args = vec!["&client".to_owned()];
    args.extend(ids.iter().map(|id| format!("{id:?}")));
    let object = operation.params();
    let value = if params.is_empty() && !object.has_required {
        "Default::default()".to_owned()
    } else {
        object_value(object, params)
    };
    args.push(format!("&{value}"));
    format!("stripe::{}({}).await?", operation.rust, args.join(", "))
}

/// A struct literal: the given fields set, the rest from `Default` or from
/// `new` with the required ones.
fn object_value(object: &Object, map: &Map<String, Value>) -> String {
    let path = format!("stripe::{}", object.rust);
    let optional: Vec<String> = object
        .fields
        .iter()
        .filter(|f| !f.required)
        .filter_map(|f| map.get(f.name).map(|v| (f, v)))
        .map(|(f, v)| {
            let inner = value(v, f.ty);
            let inner = if f.boxed {
                format!("Box::new({inner})")
            } else {
                inner
            };
            format!("{}: Some({inner})", f.rust)
        })
        .collect();
    let base = if object.has_required {
        let required: Vec<String> = object
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| {
                map.get(f.name)
                    .map(|v| value(v, f.ty))
                    .unwrap_or_else(not_valid)
            })
            .collect();
        format!("{path}::new({})", required.join(", "))
    } else {
        "Default::default()".to_owned()
    };
    match (optional.is_empty(), object.has_required) {
        (true, true) => base,
        (true, false) => format!("{path}::default()"),
        (false, _) => format!("{path} {{ {}, ..{base} }}", optional.join(", ")),
    }
}

fn value(value: &Value, ty: Ty) -> String {
    match ty {
        Ty::Unsettable(_) if value.as_str() == Some("") => "stripe::Unsettable::Unset".to_owned(),
        Ty::Unsettable(inner) => format!("stripe::Unsettable::Set({})", self::value(value, *inner)),
        Ty::String => format!("String::from({:?})", text(value)),
        Ty::Integer => parsed::<i64>(value)
            .map(|n| format!("{n}i64"))
            .unwrap_or_else(not_valid),
        Ty::Number => parsed::<f64>(value)
            .map(|n| format!("{n:?}f64"))
            .unwrap_or_else(not_valid),
        Ty::Boolean => parsed::<bool>(value)
            .map(|b| b.to_string())
            .unwrap_or_else(not_valid),
        Ty::Timestamp => parsed::<i64>(value)
            .map(|n| format!("stripe::Timestamp::from_secs({n})"))
            .unwrap_or_else(not_valid),
        Ty::Int64String => parsed::<i64>(value)
            .map(|n| format!("{n}i64"))
            .unwrap_or_else(not_valid),
        Ty::DateTime => format!("{:?}.parse::<stripe::DateTime>()?", text(value)),
        Ty::Decimal => format!("{:?}.parse::<stripe::Decimal>()?", text(value)),
        Ty::Binary => format!("std::fs::read({:?})?", text(value).trim_start_matches('@')),
        Ty::Json => format!("serde_json::json!({})", json_literal(value)),
        Ty::Enum(index) => enum_value(index, &text(value)),
        Ty::Object(index) => match value {
            Value::Object(map) => object_value(&OBJECTS[index], map),
            _ => not_valid(),
        },
        Ty::List(item) => match value {
            Value::Array(items) => format!(
                "vec![{}]",
                items
                    .iter()
                    .map(|v| self::value(v, *item))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => not_valid(),
        },
        Ty::Map(inner) => match value {
            Value::Object(map) => {
                let entries: Vec<String> = map
                    .iter()
                    .map(|(k, v)| format!("(String::from({k:?}), {})", self::value(v, *inner)))
                    .collect();
                format!("std::collections::BTreeMap::from([{}])", entries.join(", "))
            }
            _ => not_valid(),
        },
        Ty::Union(index) => {
            let union = &UNIONS[index];
            let member = union
                .members
                .iter()
                .position(|m| fits(value, *m))
                .unwrap_or_default();
            match (union.variants.get(member), union.members.get(member)) {
                (Some(variant), Some(ty)) => format!(
                    "stripe::{}::{variant}(Box::new({}))",
                    union.rust,
                    self::value(value, *ty)
                ),
                _ => not_valid(),
            }
        }
    }
}

fn enum_value(index: usize, wire: &str) -> String {
    let definition = &ENUMS[index];
    match definition.values.iter().position(|v| *v == wire) {
        Some(at) => format!("stripe::{}::{}", definition.rust, definition.variants[at]),
        None => format!("stripe::{}::from({wire:?})", definition.rust),
    }
}

/// A JSON value as the tokens of `serde_json::json!`: strings and keys as
/// Rust string literals, numbers as JSON writes them (valid Rust literals).
fn json_literal(value: &Value) -> String {
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) => value.to_string(),
        Value::String(text) => format!("{text:?}"),
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(json_literal)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Object(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k:?}: {}", json_literal(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
    }
}

/// A scalar parsed from the command line's text or from JSON.
fn parsed<T: std::str::FromStr>(value: &Value) -> Option<T> {
    text(value).parse().ok()
}

/// What stands for a value that does not fit its type (sent with --no-validate).
fn not_valid() -> String {
    "todo!(\"a value of another type\")".to_owned()
}

/// A scalar as the command line gave it (a string) or as JSON wrote it.
fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
