//! What a request writes into a kept object: its form parameters or JSON
//! body, typed as the resource's schema types each field; `metadata`
//! merges, and an empty value (`null` in JSON) deletes a key of it.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};
use serde_json::{json, Map, Value};

use crate::answer::Checked;
use crate::api::{is_list_page, Api};
use crate::form::Node;

/// Sets the fields of `object` that the request names: its form parameters,
/// or its JSON body.
pub(crate) fn apply_request(api: &Api, object: &mut Value, checked: &Checked<'_>) {
    match &checked.json {
        Some(body) => apply_json(api, object, body),
        None => apply_params(api, object, &checked.params),
    }
}

/// Sets the fields of `object` that a JSON body names and the resource
/// has: `metadata` merges, a `null` or `""` there deletes the key, and a
/// `null` elsewhere clears the field.
fn apply_json(api: &Api, object: &mut Value, body: &Value) {
    let Some(schema) = object["object"]
        .as_str()
        .and_then(|o| api.resource_schema(o))
    else {
        return;
    };
    let SchemaKind::Type(Type::Object(shape)) = &schema.schema_kind else {
        return;
    };
    let (Value::Object(fields), Value::Object(body)) = (object, body) else {
        return;
    };
    for (key, value) in body {
        if !shape.properties.contains_key(key) {
            continue;
        }
        match (key.as_str(), value) {
            ("metadata", Value::Object(entries)) => {
                let metadata = fields.entry("metadata").or_insert_with(|| json!({}));
                if let Value::Object(metadata) = metadata {
                    for (key, value) in entries {
                        match value {
                            Value::Null => metadata.remove(key),
                            Value::String(text) if text.is_empty() => metadata.remove(key),
                            value => metadata.insert(key.clone(), value.clone()),
                        };
                    }
                }
            }
            (_, Value::Null) => {
                fields.remove(key);
            }
            (_, value) => {
                fields.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Sets the fields of `object` that the request's parameters name, typed
/// as the resource's schema types them; `metadata` merges, `""` unsets.
fn apply_params(api: &Api, object: &mut Value, params: &[(String, Node)]) {
    let Some(schema) = object["object"]
        .as_str()
        .and_then(|o| api.resource_schema(o))
    else {
        return;
    };
    let SchemaKind::Type(Type::Object(shape)) = &schema.schema_kind else {
        return;
    };
    let Value::Object(fields) = object else {
        return;
    };
    for (key, node) in params {
        let Some(property) = shape.properties.get(key) else {
            continue;
        };
        let property = api.resolve_boxed(property);
        if key == "metadata" {
            merge_metadata(fields, node);
        } else if is_list_page(property) {
            // Stripe makes a list (a subscription's `items`) of what the
            // request describes; the example's list keeps the shape.
            continue;
        } else {
            fields.insert(key.clone(), to_json(api, node, property));
        }
    }
}

fn merge_metadata(fields: &mut Map<String, Value>, node: &Node) {
    let Node::Map(entries) = node else {
        fields.insert("metadata".into(), json!({}));
        return;
    };
    let metadata = fields.entry("metadata").or_insert_with(|| json!({}));
    if !metadata.is_object() {
        *metadata = json!({});
    }
    let Value::Object(metadata) = metadata else {
        return;
    };
    for (key, value) in entries {
        match value {
            Node::Value(v) if v.is_empty() => {
                metadata.remove(key);
            }
            Node::Value(v) => {
                metadata.insert(key.clone(), Value::String(v.clone()));
            }
            Node::Map(_) => {}
        }
    }
}

/// A form value as JSON of the schema's type: `"1000"` as a number where
/// the schema says integer, `items[0][..]` as an array, and so on.
fn to_json(api: &Api, node: &Node, schema: &Schema) -> Value {
    match (node, &schema.schema_kind) {
        (Node::Value(v), _) if v.is_empty() => Value::Null,
        (_, SchemaKind::AnyOf { any_of: members } | SchemaKind::OneOf { one_of: members }) => {
            let fits = |member: &&ReferenceOr<Schema>| {
                let kind = &api.resolve(member).schema_kind;
                matches!(node, Node::Map(_))
                    == matches!(kind, SchemaKind::Type(Type::Object(_) | Type::Array(_)))
            };
            match members.iter().find(fits) {
                Some(member) => to_json(api, node, api.resolve(member)),
                None => plain(node),
            }
        }
        (Node::Value(v), SchemaKind::Type(Type::Integer(_))) => v
            .parse::<i64>()
            .map_or_else(|_| Value::String(v.clone()), Value::from),
        (Node::Value(v), SchemaKind::Type(Type::Number(_))) => v
            .parse::<f64>()
            .map_or_else(|_| Value::String(v.clone()), Value::from),
        (Node::Value(v), SchemaKind::Type(Type::Boolean(_))) => Value::Bool(v == "true"),
        (Node::Map(entries), SchemaKind::Type(Type::Array(array))) => {
            let mut items: Vec<(usize, &Node)> = entries
                .iter()
                .filter_map(|(k, n)| Some((k.parse().ok()?, n)))
                .collect();
            items.sort_by_key(|(i, _)| *i);
            let item_schema = array.items.as_ref().map(|s| api.resolve_boxed(s));
            Value::Array(
                items
                    .into_iter()
                    .map(|(_, n)| item_schema.map_or_else(|| plain(n), |s| to_json(api, n, s)))
                    .collect(),
            )
        }
        (Node::Map(entries), SchemaKind::Type(Type::Object(shape))) => Value::Object(
            entries
                .iter()
                .map(|(key, n)| {
                    let value = match shape.properties.get(key) {
                        Some(p) => to_json(api, n, api.resolve_boxed(p)),
                        None => plain(n),
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        _ => plain(node),
    }
}

/// A form value as strings and objects, where the schema says nothing more.
fn plain(node: &Node) -> Value {
    match node {
        Node::Value(v) => Value::String(v.clone()),
        Node::Map(entries) => {
            Value::Object(entries.iter().map(|(k, n)| (k.clone(), plain(n))).collect())
        }
    }
}
