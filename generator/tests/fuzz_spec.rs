//! Mutated specs: a valid spec with a few of its nodes removed, replaced by
//! hostile values, renamed or wrapped, or its text cut and spliced. The
//! generator never panics, hangs or overflows its stack: it either refuses
//! the spec with an error naming the file, or writes files that parse.

#[path = "../../runtime/core/tests/support/fuzz.rs"]
mod fuzz;

use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use serde_json::Value;
use stripe_codegen::{generate, Config, SourceDocument, Spec};

const DEADLINE: Duration = Duration::from_secs(60);

/// A little of everything the generator reads: a resource with an
/// expandable field, a union, a nullable enum, a map, a list endpoint, a
/// form body with nested and unsettable parameters, a path parameter.
const VALID: &str = r##"
openapi: 3.0.0
info: {title: fuzz, version: '2024-01-01'}
paths:
  /v1/things:
    get:
      operationId: GetThings
      parameters:
        - {name: limit, in: query, required: false, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [data, has_more, object, url]
                properties:
                  data: {type: array, items: {$ref: '#/components/schemas/thing'}}
                  has_more: {type: boolean}
                  object: {type: string, enum: [list]}
                  url: {type: string}
    post:
      operationId: PostThings
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                name: {type: string, maxLength: 100}
                metadata: {anyOf: [{type: object, additionalProperties: {type: string}}, {type: string, enum: ['']}]}
                shape: {type: object, properties: {kind: {type: string, enum: [round, square]}}}
                tags: {type: array, items: {type: string}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/thing'}}}}
  /v1/things/{thing}:
    get:
      operationId: GetThingsThing
      parameters:
        - {name: thing, in: path, required: true, schema: {type: string, maxLength: 5000}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/thing'}}}}
components:
  schemas:
    thing:
      description: A <strong>thing</strong> &amp; more.
      type: object
      x-resourceId: thing
      required: [id, object, created]
      properties:
        id: {type: string}
        object: {type: string, enum: [thing]}
        created: {type: integer, format: unix-time}
        status: {type: string, nullable: true, enum: [active, inactive]}
        owner:
          anyOf: [{maxLength: 5000, type: string}, {$ref: '#/components/schemas/owner'}]
          nullable: true
          x-expansionResources: {oneOf: [{$ref: '#/components/schemas/owner'}]}
        part: {anyOf: [{$ref: '#/components/schemas/owner'}, {$ref: '#/components/schemas/thing_part'}]}
        metadata: {type: object, additionalProperties: {type: string}}
    owner:
      type: object
      x-resourceId: owner
      required: [id, object]
      properties:
        id: {type: string}
        object: {type: string, enum: [owner]}
    thing_part:
      type: object
      required: [object]
      properties:
        object: {type: string, enum: [thing_part]}
        size: {type: number}
"##;

#[derive(Clone, Debug)]
enum Mutation {
    Remove,
    Replace(Value),
    Rename(String),
    WrapInArray,
}

/// Values an attacker would put anywhere.
fn hostile_value() -> impl Strategy<Value = Value> {
    let texts = [
        "",
        "😀",
        "\r",
        "a\u{202e}b",
        "\"; pub fn injected() {} //",
        "*/ fn x() {} /*",
        "#/components/schemas/missing",
        "#/components/schemas/thing",
        "string",
        "object",
        "array",
        "integer",
        "strin",
        "type",
        "self",
        "Self",
        "crate",
        "3.1.0",
        "2.0",
        "application/json",
        "{thing}",
        "../..",
        "x-resourceId",
        "resource.thing",
    ];
    prop_oneof![
        prop::sample::select(texts.to_vec()).prop_map(Value::from),
        ".{0,8}".prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
        Just(serde_json::json!({})),
        Just(serde_json::json!([])),
        Just(serde_json::json!({"$ref": "#/components/schemas/thing"})),
        Just(serde_json::json!({"$ref": "#/components/schemas/nowhere"})),
        Just(serde_json::json!({"type": "array", "items": {"type": "array"}})),
        Just(serde_json::json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => Just(Mutation::Remove),
        4 => hostile_value().prop_map(Mutation::Replace),
        2 => prop::sample::select(vec!["", "😀", "type", "object", "id", "$ref", "a/b", "Thing"])
            .prop_map(|key| Mutation::Rename(key.to_owned())),
        1 => Just(Mutation::WrapInArray),
    ]
}

/// Applies `mutation` to the `target`-th node (pre-order, modulo the node
/// count) below `value`; `true` once applied.
fn mutate(value: &mut Value, target: &mut usize, mutation: &Mutation) -> bool {
    let children: Vec<String> = match value {
        Value::Object(map) => map.keys().cloned().collect(),
        Value::Array(items) => (0..items.len()).map(|i| i.to_string()).collect(),
        _ => return false,
    };
    for key in children {
        if *target == 0 {
            apply(value, &key, mutation);
            return true;
        }
        *target -= 1;
        let child = match value {
            Value::Object(map) => map.get_mut(&key),
            Value::Array(items) => items.get_mut(key.parse::<usize>().unwrap()),
            _ => None,
        };
        if mutate(child.unwrap(), target, mutation) {
            return true;
        }
    }
    false
}

fn apply(parent: &mut Value, key: &str, mutation: &Mutation) {
    match (parent, mutation) {
        (Value::Object(map), Mutation::Remove) => {
            map.remove(key);
        }
        (Value::Array(items), Mutation::Remove) => {
            items.remove(key.parse().unwrap());
        }
        (Value::Object(map), Mutation::Rename(new)) => {
            if let Some(child) = map.remove(key) {
                map.insert(new.clone(), child);
            }
        }
        (parent, Mutation::Replace(new)) => *slot(parent, key) = new.clone(),
        (parent, Mutation::WrapInArray) => {
            let child = slot(parent, key);
            *child = Value::Array(vec![child.take()]);
        }
        // Only containers have children; an array's elements have no names.
        (_, Mutation::Remove | Mutation::Rename(_)) => {}
    }
}

fn slot<'v>(parent: &'v mut Value, key: &str) -> &'v mut Value {
    match parent {
        Value::Object(map) => map.get_mut(key).unwrap(),
        Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
        _ => unreachable!("only containers have children"),
    }
}

fn count_nodes(value: &Value) -> usize {
    match value {
        Value::Object(map) => map.values().map(|v| 1 + count_nodes(v)).sum(),
        Value::Array(items) => items.iter().map(|v| 1 + count_nodes(v)).sum(),
        _ => 0,
    }
}

/// Generates `text` on a thread of the default size, within the deadline:
/// `Err` describes a panic, a hang, or output that does not parse.
fn generates_or_refuses(text: String) -> Result<(), String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(|| -> Result<(), String> {
            let document = SourceDocument {
                name: "fuzz.yaml".into(),
                text,
                api_version: None,
            };
            let spec = match Spec::parse(&[document]) {
                Ok(spec) => spec,
                Err(error) => return refused(&error.to_string()),
            };
            let config = Config {
                source_label: "fuzz.yaml".into(),
                policy: Default::default(),
                crates: Default::default(),
            };
            match generate(&spec, &config) {
                Ok(generated) => parses(&generated.files),
                Err(error) => refused(&error.to_string()),
            }
        });
        let _ = sender.send(outcome);
    });
    match receiver.recv_timeout(DEADLINE) {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err("panicked".into()),
        Err(_) => Err(format!("no answer within {DEADLINE:?}")),
    }
}

/// An error must say where: the file, and for a node a pointer into it.
fn refused(error: &str) -> Result<(), String> {
    if error.starts_with("fuzz.yaml") {
        Ok(())
    } else {
        Err(format!("an error that names no file: {error}"))
    }
}

fn parses(files: &std::collections::BTreeMap<std::path::PathBuf, String>) -> Result<(), String> {
    for (path, text) in files {
        if path.extension().is_some_and(|e| e == "rs") {
            syn::parse_file(text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

fn valid() -> Value {
    serde_yaml::from_str(VALID).unwrap()
}

#[test]
fn the_unmutated_spec_generates() {
    assert_eq!(generates_or_refuses(VALID.to_owned()), Ok(()));
}

proptest! {
    #![proptest_config(fuzz::config(48))]

    #[test]
    fn mutated_nodes_give_an_error_or_output_that_parses(
        mutations in prop::collection::vec((any::<usize>(), mutation()), 1..4),
    ) {
        let mut spec = valid();
        for (target, mutation) in &mutations {
            let mut target = target % count_nodes(&spec).max(1);
            mutate(&mut spec, &mut target, mutation);
        }
        let text = serde_json::to_string_pretty(&spec).unwrap();
        prop_assert_eq!(generates_or_refuses(text), Ok(()));
    }

    #[test]
    fn cut_and_spliced_text_gives_an_error_or_output_that_parses(
        cut in any::<prop::sample::Index>(),
        length in 0usize..40,
        splice in prop::sample::select(vec!["", "\u{feff}", "\t", ": ", "- ", "{", "]", "&a", "*a", "!!binary ", "~", "\r\n", "😀"]),
    ) {
        let start = cut.index(VALID.len());
        let start = (0..=start).rev().find(|i| VALID.is_char_boundary(*i)).unwrap();
        let end = (start + length).min(VALID.len());
        let end = (end..=VALID.len()).find(|i| VALID.is_char_boundary(*i)).unwrap();
        let text = format!("{}{splice}{}", &VALID[..start], &VALID[end..]);
        prop_assert_eq!(generates_or_refuses(text), Ok(()));
    }
}
