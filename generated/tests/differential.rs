//! The generated decoders against `serde_json::Value` and the model they
//! were generated from, on every fixture and on mutations of it.
//!
//! Each fixture object is walked alongside its type in the model (built
//! here from the spec and `spec/`'s policy, as codegen builds it), and at
//! every field a mutation is made whose outcome the model predicts:
//!
//! | mutation | expected |
//! | --- | --- |
//! | a required, non-nullable field removed, or set to `null` | rejected, at that field's path (`null` is kept where any JSON is) |
//! | in a member of a union, `object` or `deleted` changed | accepted: the union keeps what it cannot place as `Unknown` |
//! | a value of the wrong JSON type | rejected at its path; kept as `Unknown` where the type is a union |
//! | an enum value the spec does not list | accepted, kept |
//! | a field the spec does not declare | accepted, kept |
//! | a JSON field nested 200 deep | rejected, as `serde_json::Value` rejects it |
//!
//! An accepted document must come back, written with serde, as the same
//! JSON value (normalised as the fixture tests do); the unmutated fixtures
//! too. Coverage unions (told apart by fields) are not walked into: a
//! member that fails makes the union try the next, by design.

mod common;

use serde_json::{json, Value};
use stripe::Resource;
use stripe_codegen::model::{Model, TypeKind, TypeRef, UnionVariant};
use stripe_codegen::render::is_discriminated;

use common::{examples, first_difference, model, normalise};

/// What decoding a document should do.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Accept,
    /// Rejected, the error's path starting with this.
    Reject(String),
}

/// One change to a fixture: where (a JSON pointer into it), what, and the
/// expected outcome.
struct Mutation {
    pointer: Vec<Step>,
    change: Change,
    expect: Expect,
}

#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

enum Change {
    Remove,
    Set(Value),
    /// Adds a field to the object at the pointer.
    Insert(String, Value),
}

/// The path as `DecodeError::path` writes it.
fn display(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    if out.is_empty() {
        ".".to_owned()
    } else {
        out
    }
}

struct Walker<'m> {
    model: &'m Model,
    out: Vec<Mutation>,
}

impl Walker<'_> {
    fn walk(&mut self, ty: &TypeRef, value: &Value, at: &[Step]) {
        match ty {
            TypeRef::Named(id) => self.walk_named(*id, value, at, false),
            TypeRef::List(item) => {
                if let Some(first) = value.as_array().and_then(|items| items.first()) {
                    self.walk(item, first, &push(at, Step::Index(0)));
                }
            }
            TypeRef::Map(item) => {
                if let Some((key, first)) = value.as_object().and_then(|map| map.iter().next()) {
                    self.walk(item, first, &push(at, Step::Key(key.clone())));
                }
            }
            TypeRef::Expandable(target) if value.is_object() => self.walk(target, value, at),
            TypeRef::ApiList(item) | TypeRef::SearchList(item) | TypeRef::V2List(item) => {
                let data = push(at, Step::Key("data".into()));
                if let Some(first) = value["data"].as_array().and_then(|items| items.first()) {
                    self.walk(item, first, &push(&data, Step::Index(0)));
                }
            }
            TypeRef::Json => self.out.push(Mutation {
                pointer: at.to_vec(),
                change: Change::Set(nested(200)),
                expect: Expect::Reject(display(at)),
            }),
            _ => {}
        }
    }

    /// `in_member`: the object is a member of a union told apart by
    /// `object` and `deleted`.
    fn walk_named(
        &mut self,
        id: stripe_codegen::model::TypeId,
        value: &Value,
        at: &[Step],
        in_member: bool,
    ) {
        let def = self.model.get(id);
        match &def.kind {
            TypeKind::Struct(body) => {
                let Some(object) = value.as_object() else {
                    return;
                };
                self.out.push(Mutation {
                    pointer: at.to_vec(),
                    change: Change::Insert("zz_undeclared".into(), json!({"kept": [1, "two"]})),
                    expect: Expect::Accept,
                });
                for field in &body.fields {
                    let here = push(at, Step::Key(field.wire_name.clone()));
                    // Changing what tells a union's members apart makes it
                    // another member, or `Unknown`: accepted either way.
                    let decides =
                        in_member && ["object", "deleted"].contains(&field.wire_name.as_str());
                    let outcome = |expect: Expect| if decides { Expect::Accept } else { expect };
                    if !field.optional() {
                        let missing = Expect::Reject(display(&here));
                        self.out.push(Mutation {
                            pointer: here.clone(),
                            change: Change::Remove,
                            expect: outcome(missing.clone()),
                        });
                        let null = match self.takes_any_json(&field.ty) {
                            true => Expect::Accept,
                            false => missing,
                        };
                        self.out.push(Mutation {
                            pointer: here.clone(),
                            change: Change::Set(Value::Null),
                            expect: outcome(null),
                        });
                    }
                    let Some(present) = object.get(&field.wire_name).filter(|v| !v.is_null())
                    else {
                        continue;
                    };
                    if let Some((wrong, expect)) = self.wrong_type(&field.ty, &here) {
                        self.out.push(Mutation {
                            pointer: here.clone(),
                            change: Change::Set(wrong),
                            expect: outcome(expect),
                        });
                    }
                    self.walk(&field.ty, present, &here);
                }
            }
            TypeKind::Enum(_) if value.is_string() => self.out.push(Mutation {
                pointer: at.to_vec(),
                change: Change::Set(json!("zz_a_value_stripe_added_later")),
                expect: Expect::Accept,
            }),
            TypeKind::Union(variants) if is_discriminated(variants) => {
                if let Some(variant) = by_object(variants, value) {
                    self.walk_named(variant.ty, value, at, true);
                }
            }
            TypeKind::Alias(ty) => self.walk(ty, value, at),
            _ => {}
        }
    }

    /// Whether `ty` keeps any JSON value, `null` included: a union (as
    /// `Unknown`), any resource, any JSON.
    fn takes_any_json(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Json | TypeRef::AnyResource => true,
            TypeRef::Named(id) => match &self.model.get(*id).kind {
                TypeKind::Union(_) => true,
                TypeKind::Alias(inner) => self.takes_any_json(inner),
                _ => false,
            },
            _ => false,
        }
    }

    /// A value of another JSON type than `ty` takes, and what decoding it does.
    fn wrong_type(&self, ty: &TypeRef, at: &[Step]) -> Option<(Value, Expect)> {
        let reject = |wrong: Value| Some((wrong, Expect::Reject(display(at))));
        match ty {
            TypeRef::String | TypeRef::Id(_) => reject(json!(12345)),
            // A fixed `object` is checked: another object's name is refused.
            TypeRef::ObjectName => reject(json!("not_this_object")),
            TypeRef::Integer | TypeRef::Number | TypeRef::Boolean | TypeRef::Timestamp => {
                reject(json!("not the right type"))
            }
            TypeRef::List(_)
            | TypeRef::Map(_)
            | TypeRef::ApiList(_)
            | TypeRef::SearchList(_)
            | TypeRef::V2List(_) => reject(json!("not the right type")),
            // Strings of a format: a string out of it is as wrong as a number.
            TypeRef::DateTime | TypeRef::Decimal | TypeRef::Int64String => {
                reject(json!("not the right format"))
            }
            // An id string or an object: a number is neither.
            TypeRef::Expandable(_) => reject(json!(12345)),
            // Anything that is not a known object is kept as JSON.
            TypeRef::AnyResource => Some((json!("kept"), Expect::Accept)),
            TypeRef::Named(id) => match &self.model.get(*id).kind {
                TypeKind::Struct(_) => reject(json!("not the right type")),
                TypeKind::Enum(_) => reject(json!(12345)),
                TypeKind::Union(_) => Some((json!("kept"), Expect::Accept)),
                TypeKind::Alias(inner) => self.wrong_type(inner, at),
                TypeKind::Unit => None,
            },
            TypeRef::Json | TypeRef::Binary | TypeRef::Unsettable(_) | TypeRef::RawBody => None,
        }
    }
}

fn push(at: &[Step], step: Step) -> Vec<Step> {
    let mut path = at.to_vec();
    path.push(step);
    path
}

fn by_object<'v>(variants: &'v [UnionVariant], value: &Value) -> Option<&'v UnionVariant> {
    let object = value.get("object")?.as_str()?;
    let deleted = value.get("deleted").and_then(Value::as_bool) == Some(true);
    variants
        .iter()
        .find(|v| v.object.as_deref() == Some(object) && v.deleted == deleted)
}

/// `[[[...]]]`, `depth` arrays deep.
fn nested(depth: usize) -> Value {
    (0..depth).fold(json!([]), |inner, _| json!([inner]))
}

fn apply(document: &Value, mutation: &Mutation) -> Value {
    let mut document = document.clone();
    let (last, parents) = match (&mutation.change, mutation.pointer.split_last()) {
        (Change::Insert(..), _) | (_, None) => (None, &mutation.pointer[..]),
        (_, Some((last, parents))) => (Some(last), parents),
    };
    let parent = parents
        .iter()
        .fold(&mut document, |value, step| match step {
            Step::Key(key) => &mut value[key.as_str()],
            Step::Index(index) => &mut value[*index],
        });
    match (&mutation.change, last) {
        (Change::Insert(key, value), _) => {
            parent
                .as_object_mut()
                .expect("inserting into an object")
                .insert(key.clone(), value.clone());
        }
        (Change::Remove, Some(Step::Key(key))) => {
            parent.as_object_mut().expect("an object").remove(key);
        }
        (Change::Set(value), Some(Step::Key(key))) => parent[key.as_str()] = value.clone(),
        (Change::Set(value), Some(Step::Index(index))) => parent[*index] = value.clone(),
        (Change::Set(value), None) => *parent = value.clone(),
        (Change::Remove, _) => unreachable!("only fields are removed"),
    }
    document
}

/// Decodes `document` as `resource_id` and checks the outcome; `None` when
/// it is as expected.
/// [`check_json`] on the document compact and as Stripe's API sends it,
/// indented (the decoders read keys by a different path then).
fn check(resource_id: &str, document: &Value, expect: &Expect) -> Option<String> {
    let compact = serde_json::to_vec(document).unwrap();
    let indented = serde_json::to_vec_pretty(document).unwrap();
    check_json(resource_id, document, &compact, expect).or_else(|| {
        check_json(resource_id, document, &indented, expect)
            .map(|failure| format!("indented: {failure}"))
    })
}

fn check_json(resource_id: &str, document: &Value, json: &[u8], expect: &Expect) -> Option<String> {
    let reference = serde_json::from_slice::<Value>(json);
    let ours = Resource::decode_as(resource_id, json).expect("a built resource");
    match (expect, ours) {
        (Expect::Accept, Ok(resource)) => {
            if reference.is_err() {
                return Some("accepted what serde_json::Value rejects".into());
            }
            let back = serde_json::to_value(&resource).unwrap();
            first_difference("$", &normalise(document), &normalise(&back))
                .map(|diff| format!("accepted, but comes back different at {diff}"))
        }
        (Expect::Accept, Err(error)) => Some(format!("rejected: {error}")),
        (Expect::Reject(path), Err(error)) if error.path.starts_with(path.as_str()) => None,
        (Expect::Reject(path), Err(error)) => Some(format!(
            "rejected at `{}` instead of `{path}`: {}",
            error.path, error.message
        )),
        (Expect::Reject(path), Ok(_)) => {
            Some(format!("accepted, expected a rejection at `{path}`"))
        }
    }
}

#[test]
fn decoders_agree_with_the_model_on_every_fixture_and_mutation() {
    let model = model();
    let resources: std::collections::BTreeMap<&str, stripe_codegen::model::TypeId> =
        model.resources().collect();
    let objects = examples();
    let (mut checked, mut rejections) = (0, 0);
    let mut failures = Vec::new();
    for (resource_id, object) in &objects {
        let id = resources[resource_id.as_str()];
        if let Some(failure) = check(resource_id, object, &Expect::Accept) {
            failures.push(format!("{resource_id} as is: {failure}"));
        }
        let mut walker = Walker {
            model: &model,
            out: Vec::new(),
        };
        walker.walk_named(id, object, &[], false);
        for mutation in &walker.out {
            let document = apply(object, mutation);
            checked += 1;
            rejections += usize::from(mutation.expect != Expect::Accept);
            if let Some(failure) = check(resource_id, &document, &mutation.expect) {
                failures.push(format!(
                    "{resource_id} at {}: {failure}",
                    display(&mutation.pointer)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} mutations:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
    // Every resource was walked, and the walk reached deep enough to matter.
    assert!(checked > 5_000, "only {checked} mutations");
    assert!(rejections > 1_000, "only {rejections} expected rejections");
}

#[test]
fn nesting_deeper_than_serde_json_allows_is_rejected_like_it() {
    // Written as text: a value this deep would overflow the stack of the
    // code that builds or drops it.
    for depth in [100, 125, 126, 127, 128, 5_000] {
        let json = format!(
            "{{\"id\":\"evt_1\",\"data\":{{\"object\":{}{}}}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let reference = serde_json::from_str::<Value>(&json).is_ok();
        let ours = stripe::from_slice::<Value>(json.as_bytes());
        assert_eq!(ours.is_ok(), reference, "depth {depth}");
        if let Err(error) = ours {
            assert!(error.path.starts_with("data.object[0]"), "{}", error.path);
            assert!(
                error.message.starts_with("nested deeper than 127 levels"),
                "{error}"
            );
        }
    }
}
