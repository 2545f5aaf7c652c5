//! The parameters of one call as a JSON tree: Stripe CLI's `-d` bracket
//! syntax (`-d "metadata[order]=6735"`, `-d "line_items[0][price]=price_1"`),
//! the typed flags (`--email`), `-e/--expand` and a JSON body, merged with
//! the flags winning over the body.

use serde_json::{Map, Value};

use crate::table::{Ty, OBJECTS, UNIONS};

/// A `-d` argument that cannot be read, or two that set the same value.
#[derive(Debug, PartialEq, Eq)]
pub struct DataError(pub String);

/// One step of a bracketed key.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    /// `[]`: the next element of a list.
    Push,
}

/// Splits `line_items[0][price]=price_1` into its steps and value.
fn parse_data(argument: &str) -> Result<(Vec<Step>, String), DataError> {
    let malformed = |why: &str| {
        DataError(format!(
            "-d `{argument}`: {why}; write key=value, e.g. -d \"metadata[order]=6735\""
        ))
    };
    let (key, value) = argument
        .split_once('=')
        .ok_or_else(|| malformed("no `=`"))?;
    let (head, mut rest) = match key.find('[') {
        Some(at) => (&key[..at], &key[at..]),
        None => (key, ""),
    };
    if head.is_empty() {
        return Err(malformed("the key has no name"));
    }
    let mut steps = vec![Step::Key(head.to_owned())];
    while !rest.is_empty() {
        let inner = rest
            .strip_prefix('[')
            .ok_or_else(|| malformed("text after `]` that is not `[`"))?;
        let close = inner
            .find(']')
            .ok_or_else(|| malformed("a `[` is not closed"))?;
        let name = &inner[..close];
        if name.contains('[') {
            return Err(malformed("a `[` inside brackets"));
        }
        steps.push(if name.is_empty() {
            Step::Push
        } else {
            Step::Key(name.to_owned())
        });
        rest = &inner[close + 1..];
    }
    Ok((steps, value.to_owned()))
}

/// Sets `-d` arguments into `tree`. Where the table says a level is a list,
/// a numeric key is an index (`[0]`, then `[1]`, in order); elsewhere it is
/// a key. `shape` is the type of the operation's params, `None` for raw
/// requests.
pub fn apply_data(
    tree: &mut Map<String, Value>,
    arguments: &[String],
    shape: Option<Ty>,
) -> Result<(), DataError> {
    for argument in arguments {
        let (steps, value) = parse_data(argument)?;
        set(tree, &steps, Value::String(value), shape, argument)?;
    }
    Ok(())
}

/// Walks `steps` from `map`, making objects and lists as needed.
fn set(
    map: &mut Map<String, Value>,
    steps: &[Step],
    value: Value,
    shape: Option<Ty>,
    argument: &str,
) -> Result<(), DataError> {
    let (Step::Key(key), rest) = steps.split_first().expect("a key has a name") else {
        return Err(DataError(format!("-d `{argument}`: `[]` is not a key")));
    };
    let child = shape.and_then(|shape| member(shape, key));
    if rest.is_empty() {
        return match map.insert(key.clone(), value) {
            Some(_) => Err(DataError(format!(
                "-d `{argument}`: `{key}` is given twice"
            ))),
            None => Ok(()),
        };
    }
    let slot = map
        .entry(key.clone())
        .or_insert_with(|| container(&rest[0], child));
    set_in(slot, rest, value, child, argument)
}

fn set_in(
    slot: &mut Value,
    steps: &[Step],
    value: Value,
    shape: Option<Ty>,
    argument: &str,
) -> Result<(), DataError> {
    match slot {
        Value::Object(map) => set(map, steps, value, shape, argument),
        Value::Array(items) => {
            let index = match &steps[0] {
                Step::Push => items.len(),
                Step::Key(key) => key.parse::<usize>().map_err(|_| {
                    DataError(format!("-d `{argument}`: `{key}` is not a list index"))
                })?,
            };
            let item_shape = shape.and_then(element);
            if index > items.len() {
                return Err(DataError(format!(
                    "-d `{argument}`: index {index} comes before index {}",
                    items.len()
                )));
            }
            let rest = &steps[1..];
            match (rest.first(), index == items.len()) {
                (None, true) => {
                    items.push(value);
                    return Ok(());
                }
                (None, false) => {
                    return Err(DataError(format!(
                        "-d `{argument}`: index {index} is given twice"
                    )))
                }
                (Some(next), true) => items.push(container(next, item_shape)),
                (Some(_), false) => {}
            }
            set_in(&mut items[index], rest, value, item_shape, argument)
        }
        _ => Err(DataError(format!(
            "-d `{argument}`: a value is already set where this nests"
        ))),
    }
}

/// The empty container a step needs: a list for `[]` or where the table says
/// list, an object otherwise (a numeric key then names a key, `metadata[0]`).
fn container(next: &Step, shape: Option<Ty>) -> Value {
    let is_list = match shape.map(strip) {
        Some(Ty::List(_)) => true,
        Some(_) => false,
        None => matches!(next, Step::Key(key) if key.parse::<usize>().is_ok()),
    };
    if is_list || matches!(next, Step::Push) {
        Value::Array(Vec::new())
    } else {
        Value::Object(Map::new())
    }
}

/// The type without `Unsettable`.
pub fn strip(ty: Ty) -> Ty {
    match ty {
        Ty::Unsettable(inner) => strip(*inner),
        other => other,
    }
}

/// The type of `key` inside a value of type `ty`.
fn member(ty: Ty, key: &str) -> Option<Ty> {
    match strip(ty) {
        Ty::Object(index) => OBJECTS[index]
            .fields
            .iter()
            .find(|f| f.name == key)
            .map(|f| f.ty),
        Ty::Map(value) => Some(*value),
        Ty::Union(index) => UNIONS[index].members.iter().find_map(|m| member(*m, key)),
        _ => None,
    }
}

fn element(ty: Ty) -> Option<Ty> {
    match strip(ty) {
        Ty::List(item) => Some(*item),
        _ => None,
    }
}

/// The parameters as a v2 JSON body wants them: the command line's text
/// typed as the table says (`"5"` an integer, `"true"` a boolean, a number
/// given for an integer string as its text), and `""` where a value can be
/// cleared as `null`. What does not fit is left as it is, for validation
/// (or, with `--no-validate`, Stripe) to judge.
pub fn typed_json(value: Value, ty: Ty) -> Value {
    let text = value.as_str().map(str::to_owned);
    match (ty, value) {
        (Ty::Unsettable(_), Value::String(text)) if text.is_empty() => Value::Null,
        (Ty::Unsettable(inner), value) => typed_json(value, *inner),
        (Ty::Integer | Ty::Timestamp, value) => match text.and_then(|t| t.parse::<i64>().ok()) {
            Some(number) => Value::from(number),
            None => value,
        },
        (Ty::Number, value) => match text.and_then(|t| t.parse::<f64>().ok()) {
            Some(number) => serde_json::Number::from_f64(number).map_or(value, Value::Number),
            None => value,
        },
        (Ty::Boolean, value) => match text.as_deref() {
            Some("true") => Value::Bool(true),
            Some("false") => Value::Bool(false),
            _ => value,
        },
        (Ty::Int64String | Ty::Decimal, Value::Number(number)) => Value::String(number.to_string()),
        (Ty::Object(index), Value::Object(map)) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let field = OBJECTS[index].fields.iter().find(|f| f.name == key);
                    let value = match field {
                        Some(field) => typed_json(value, field.ty),
                        None => value,
                    };
                    (key, value)
                })
                .collect(),
        ),
        (Ty::Map(inner), Value::Object(map)) => Value::Object(
            map.into_iter()
                .map(|(key, value)| (key, typed_json(value, *inner)))
                .collect(),
        ),
        (Ty::List(item), Value::Array(items)) => Value::Array(
            items
                .into_iter()
                .map(|value| typed_json(value, *item))
                .collect(),
        ),
        (_, value) => value,
    }
}

/// Lays `top` over `base`: objects merge key by key, anything else in
/// `top` replaces what `base` has.
pub fn merge(base: &mut Map<String, Value>, top: Map<String, Value>) {
    for (key, value) in top {
        match (base.get_mut(&key), value) {
            (Some(Value::Object(inner)), Value::Object(value)) => merge(inner, value),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tree(arguments: &[&str]) -> Result<Value, DataError> {
        let mut map = Map::new();
        let arguments: Vec<String> = arguments.iter().map(|a| a.to_string()).collect();
        apply_data(&mut map, &arguments, None)?;
        Ok(Value::Object(map))
    }

    #[test]
    fn brackets_nest_as_stripe_reads_them() {
        assert_eq!(
            tree(&[
                "metadata[order]=6735",
                "line_items[0][price]=price_1",
                "line_items[0][quantity]=2",
                "line_items[1][price]=p2",
                "expand[]=customer",
                "expand[]=invoice",
                "email=a=b"
            ])
            .unwrap(),
            json!({
                "metadata": {"order": "6735"},
                "line_items": [{"price": "price_1", "quantity": "2"}, {"price": "p2"}],
                "expand": ["customer", "invoice"],
                "email": "a=b",
            })
        );
    }

    #[test]
    fn malformed_data_is_refused_with_the_argument() {
        for (argument, why) in [
            ("email", "no `=`"),
            ("=x", "no name"),
            ("metadata[order=1", "not closed"),
            ("metadata[a]b=1", "not `[`"),
            ("items[2][price]=x", "comes before"),
        ] {
            let error = tree(&[argument]).unwrap_err();
            assert!(
                error.0.contains(argument) && error.0.contains(why),
                "{argument}: {}",
                error.0
            );
        }
        assert!(tree(&["email=a", "email=b"])
            .unwrap_err()
            .0
            .contains("given twice"));
    }

    #[test]
    fn flags_override_the_json_body() {
        let mut base = json!({"email": "old", "metadata": {"a": "1", "b": "2"}})
            .as_object()
            .cloned()
            .unwrap();
        merge(
            &mut base,
            json!({"email": "new", "metadata": {"b": "3"}})
                .as_object()
                .cloned()
                .unwrap(),
        );
        assert_eq!(
            Value::Object(base),
            json!({"email": "new", "metadata": {"a": "1", "b": "3"}})
        );
    }
}
