//! Checks the parameters of a call against the table before anything is
//! sent: unknown names (with the closest known ones), wrong types, values
//! outside a closed enum or past the spec's bounds, missing required
//! parameters. Every problem is reported, each at its bracketed path
//! (`line_items[0][price]`). What the spec allows but does not list (a
//! value of an open enum, a key of an open object that is no typo of a
//! listed one) goes out, with a note.

use serde_json::{Map, Value};

use crate::resolve::suggest;
use crate::table::{Bounds, Object, Ty, ENUMS, OBJECTS, UNIONS};

/// What the checks found: problems stop the call, notes do not.
#[derive(Debug, Default)]
pub struct Findings {
    pub problems: Vec<String>,
    pub notes: Vec<String>,
}

/// What is wrong with the parameters, and what is unusual about them.
pub fn check(params: &Map<String, Value>, object: &Object) -> Findings {
    let mut findings = Findings::default();
    check_object(params, object, "", &mut findings);
    findings
}

/// The findings of `value` as a `ty` at `path`.
pub fn check_value(value: &Value, ty: Ty, path: &str, findings: &mut Findings) {
    let mut wrong = |expected: &str| {
        findings
            .problems
            .push(format!("`{path}` must be {expected}, not {}", shown(value)));
    };
    match ty {
        Ty::Unsettable(_) if value.as_str() == Some("") => {}
        Ty::Unsettable(inner) => check_value(value, *inner, path, findings),
        Ty::String => {
            if !value.is_string() {
                wrong("a string")
            }
        }
        Ty::Integer | Ty::Timestamp if !is_integer(value) => {
            wrong(if matches!(ty, Ty::Timestamp) {
                "a Unix timestamp (whole seconds)"
            } else {
                "an integer"
            })
        }
        Ty::Number if !is_number(value) => wrong("a number"),
        Ty::Boolean
            if !matches!(value, Value::Bool(_))
                && !matches!(value.as_str(), Some("true" | "false")) =>
        {
            wrong("true or false")
        }
        Ty::Int64String if !is_integer(value) => wrong("an integer"),
        Ty::Decimal if !is_decimal(value) => wrong("a decimal number (`12.5`)"),
        Ty::DateTime
            if value
                .as_str()
                .is_none_or(|text| stripe_core::DateTime::parse(text).is_err()) =>
        {
            wrong("an RFC 3339 date-time (`2026-01-31T12:00:00Z`)")
        }
        Ty::Integer
        | Ty::Timestamp
        | Ty::Number
        | Ty::Boolean
        | Ty::Json
        | Ty::Int64String
        | Ty::Decimal
        | Ty::DateTime => {}
        Ty::Binary if !value.as_str().is_some_and(|v| v.starts_with('@')) => {
            wrong("a file, as @path")
        }
        Ty::Binary => {}
        Ty::Enum(index) => check_enum(value, index, path, findings),
        Ty::Object(index) => match value {
            Value::Object(map) => check_object(map, &OBJECTS[index], path, findings),
            _ => wrong("an object (`key[field]=value`)"),
        },
        Ty::Map(inner) => match value {
            Value::Object(map) => {
                for (key, value) in map {
                    check_value(value, *inner, &join(path, key), findings);
                }
            }
            _ => wrong("a map (`key[name]=value`)"),
        },
        Ty::List(item) => match value {
            Value::Array(items) => {
                for (index, value) in items.iter().enumerate() {
                    check_value(value, *item, &format!("{path}[{index}]"), findings);
                }
            }
            _ => wrong("a list (`key[0]=value`)"),
        },
        Ty::Union(index) => check_union(value, index, path, findings),
    }
}

fn check_object(map: &Map<String, Value>, object: &Object, path: &str, findings: &mut Findings) {
    for (key, value) in map {
        let at = join(path, key);
        match object.fields.iter().find(|f| f.name == key) {
            Some(field) => {
                check_value(value, field.ty, &at, findings);
                check_bounds(value, &field.bounds, &at, findings);
            }
            None => {
                let hint = did_you_mean(key, object.fields.iter().map(|f| f.name));
                // In an object the spec leaves open, a key close to a listed
                // one is a typo; another is a key the spec does not list
                // (`wallet_addresses[ethereum]`), sent with a note.
                match object.closed || !hint.is_empty() {
                    true => findings
                        .problems
                        .push(format!("unknown parameter `{at}`{hint}")),
                    false => findings.notes.push(format!(
                        "`{at}` is not a parameter the spec lists; sent as given (the spec leaves the object open)"
                    )),
                }
            }
        }
    }
    for field in object.fields.iter().filter(|f| f.required) {
        if !map.contains_key(field.name) {
            findings.problems.push(format!(
                "missing required parameter `{}`",
                join(path, field.name)
            ));
        }
    }
}

/// A string's length and a number's range, where the spec sets them.
fn check_bounds(value: &Value, bounds: &Bounds, path: &str, findings: &mut Findings) {
    let mut out_of = |what: String| findings.problems.push(format!("`{path}` {what}"));
    if let Some(text) = value.as_str() {
        let length = text.chars().count();
        if let Some(max) = bounds.max_length.filter(|max| length > *max) {
            out_of(format!(
                "is {length} characters long; at most {max} are allowed"
            ));
        }
        if let Some(min) = bounds.min_length.filter(|min| length < *min && length > 0) {
            out_of(format!(
                "is {length} characters long; at least {min} are needed"
            ));
        }
    }
    let number = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(text) => text.parse::<f64>().ok(),
        _ => None,
    };
    if let Some(number) = number {
        if let Some(max) = bounds.maximum.filter(|max| number > *max) {
            out_of(format!("is {number}; at most {max} is allowed"));
        }
        if let Some(min) = bounds.minimum.filter(|min| number < *min) {
            out_of(format!("is {number}; at least {min} is needed"));
        }
    }
}

fn check_enum(value: &Value, index: usize, path: &str, findings: &mut Findings) {
    let definition = &ENUMS[index];
    let listed = || match definition.values.len() {
        0..=12 => definition.values.join(", "),
        n => format!("{n} values (`stripe help` lists them)"),
    };
    match value.as_str() {
        Some(text) if definition.values.contains(&text) => {}
        Some(text) if definition.open => findings.notes.push(format!(
            "`{path}` is `{text}`, not a value the spec lists{}; sent as given (Stripe accepts values beyond the list here)",
            did_you_mean(text, definition.values.iter().copied())
        )),
        Some(text) => findings.problems.push(format!(
            "`{path}` must be one of {}, not `{text}`{}",
            listed(),
            did_you_mean(text, definition.values.iter().copied())
        )),
        None => findings
            .problems
            .push(format!("`{path}` must be one of {}", listed())),
    }
}

/// A union accepts a value one of its members accepts; otherwise the
/// problems against the member that comes closest are reported.
fn check_union(value: &Value, index: usize, path: &str, findings: &mut Findings) {
    let attempts: Vec<Findings> = UNIONS[index]
        .members
        .iter()
        .map(|member| {
            let mut found = Findings::default();
            check_value(value, *member, path, &mut found);
            found
        })
        .collect();
    let best = attempts
        .into_iter()
        .min_by_key(|found| (found.problems.len(), found.notes.len()));
    if let Some(best) = best {
        findings.problems.extend(best.problems);
        findings.notes.extend(best.notes);
    }
}

/// Whether a value (a string from the command line, or JSON) is an integer.
fn is_integer(value: &Value) -> bool {
    match value {
        Value::Number(number) => number.is_i64() || number.is_u64(),
        Value::String(text) => text.parse::<i64>().is_ok(),
        _ => false,
    }
}

/// Text (or a JSON number) that is a decimal Stripe reads exactly.
fn is_decimal(value: &Value) -> bool {
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        _ => return false,
    };
    stripe_core::Decimal::from_str_exact(&text).is_ok()
}

fn is_number(value: &Value) -> bool {
    match value {
        Value::Number(_) => true,
        Value::String(text) => text.parse::<f64>().is_ok_and(f64::is_finite),
        _ => false,
    }
}

/// Whether `value` fits `ty` without a problem.
pub fn fits(value: &Value, ty: Ty) -> bool {
    let mut findings = Findings::default();
    check_value(value, ty, "", &mut findings);
    findings.problems.is_empty()
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}[{key}]")
    }
}

fn did_you_mean<'a>(word: &str, names: impl IntoIterator<Item = &'a str>) -> String {
    match suggest(word, names).as_slice() {
        [] => String::new(),
        [one] => format!("; did you mean `{one}`?"),
        many => format!(
            "; did you mean one of {}?",
            many.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => format!("`{text}`"),
        Value::Object(_) => "an object".to_owned(),
        Value::Array(_) => "a list".to_owned(),
        other => format!("`{other}`"),
    }
}

/// `"" | exempt | none`: the empty value (which clears a field) shown as `""`.
fn enum_values(index: usize) -> String {
    let shown: Vec<&str> = ENUMS[index]
        .values
        .iter()
        .map(|v| if v.is_empty() { "\"\"" } else { v })
        .collect();
    shown.join(" | ")
}

/// The type a value is checked as, once `Unsettable` is stripped: for help.
pub fn describe(ty: Ty) -> String {
    match ty {
        Ty::String => "string".to_owned(),
        Ty::Integer => "integer".to_owned(),
        Ty::Number => "number".to_owned(),
        Ty::Boolean => "boolean".to_owned(),
        Ty::Timestamp => "timestamp".to_owned(),
        Ty::DateTime => "date-time (RFC 3339)".to_owned(),
        Ty::Decimal => "decimal".to_owned(),
        Ty::Int64String => "integer".to_owned(),
        Ty::Binary => "file (@path)".to_owned(),
        Ty::Json => "any".to_owned(),
        Ty::Enum(index) if ENUMS[index].open => format!("enum, open: {}", enum_values(index)),
        Ty::Enum(index) => format!("enum: {}", enum_values(index)),
        Ty::Object(_) => "object".to_owned(),
        Ty::Union(_) => "object (one of several)".to_owned(),
        Ty::List(item) => format!("list of {}", describe(*item)),
        Ty::Map(value) => format!("map of {}", describe(*value)),
        Ty::Unsettable(inner) => describe(*inner),
    }
}
