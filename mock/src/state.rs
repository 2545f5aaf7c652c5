//! The stateful mode: the mock remembers what a test created.
//!
//! Each operation is read from the spec as Stripe's SDKs read it: a POST to
//! a collection that also has a list is a create, a GET, POST or DELETE on
//! `collection/{id}` a retrieve, update or delete, a GET returning a list
//! (or search result, or v2 list) pages through the collection. Objects are
//! kept by their collection's path (`/v1/customers`,
//! `/v1/customers/cus_1/tax_ids`), so nested resources stay apart. An action
//! on a kept object (`/v2/core/event_destinations/{id}/enable`) sets what
//! the mock's policy says it sets, and one that answers with a thin event
//! (`ping`) records the event, which the events list then has. Anything
//! else (singletons) is answered from the fixtures as in the stateless
//! mode, except that an action on an id nobody created is a 404.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};
use serde_json::{json, Map, Value};

use crate::api::Api;
use crate::form::Node;
use crate::answer::{
    check, error, example_answer, is_v2, json_answer, Answer, Checked, MockRequest,
};

/// What the stateful mode remembers.
#[derive(Default)]
pub struct Store {
    /// Collection path -> its objects, oldest first.
    collections: Mutex<HashMap<String, Vec<Value>>>,
    /// `Idempotency-Key` -> the request it was first sent with and the answer.
    idempotent: Mutex<HashMap<String, (String, Answer)>>,
    next_id: AtomicU64,
    /// The path templates of the collections kept, found once.
    creatable: OnceLock<HashSet<String>>,
    /// Where the thin events the mock records are listed
    /// (`/v2/core/events`), found once.
    thin_events: OnceLock<Option<String>>,
}

/// The headers the stateful mode reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct Credentials<'a> {
    pub authorization: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
}

/// How an operation acts on a collection of objects a test can create.
enum Action {
    Create {
        collection: String,
    },
    Retrieve {
        collection: String,
        id: String,
    },
    Update {
        collection: String,
        id: String,
    },
    Delete {
        collection: String,
        id: String,
    },
    List {
        collection: String,
    },
    /// Another operation on the object `id` of `collection` (an action).
    On {
        collection: String,
        id: String,
    },
    /// Not about such a collection: answered from the fixtures.
    Other,
}

impl Store {
    /// Answers `request` as Stripe would, given what was created before.
    /// The answer of a request with an `Idempotency-Key` already seen is the
    /// first one again (or an `idempotency_error` if the parameters differ).
    pub fn respond(
        &self,
        api: &Api,
        request: &MockRequest<'_>,
        credentials: Credentials<'_>,
    ) -> Answer {
        if let Err(answer) = authenticate(credentials.authorization) {
            return answer;
        }
        let Some(key) = credentials
            .idempotency_key
            .filter(|_| request.method == "POST")
        else {
            return self.answer(api, request);
        };
        let fingerprint = fingerprint(request);
        if let Some((first, answer)) = lock(&self.idempotent).get(key) {
            return if *first == fingerprint {
                answer.clone()
            } else {
                idempotency_error(key, answer.operation_id.clone())
            };
        }
        let answer = self.answer(api, request);
        // A request the mock refused never ran, so its key stays free, as Stripe
        // does for a 400.
        if answer.status < 400 {
            lock(&self.idempotent).insert(key.to_owned(), (fingerprint, answer.clone()));
        }
        answer
    }

    fn answer(&self, api: &Api, request: &MockRequest<'_>) -> Answer {
        let checked = match check(api, request) {
            Ok(checked) => checked,
            Err(answer) => return answer,
        };
        let stateless = example_answer(api, &checked, request.path);
        let Some(example) = serde_json::from_slice::<Value>(&stateless.body).ok() else {
            return stateless;
        };
        let operation_id = checked.operation_id.clone();
        let object = |body: Value| json_answer(200, operation_id.clone(), &body);
        let mut collections = lock(&self.collections);
        let thin_events = self.thin_events.get_or_init(|| thin_event_collection(api));
        let creatable = self.creatable.get_or_init(|| {
            let mut kept = creatable_collections(api);
            kept.extend(thin_events.clone());
            kept
        });
        let v2 = is_v2(request.path);
        match action(creatable, &checked, request.method, request.path, &example) {
            Action::Create { collection } => {
                let mut created = example;
                self.fill_new(&mut created);
                apply_request(api, &mut created, &checked);
                let body = created.clone();
                collections.entry(collection).or_default().push(created);
                object(body)
            }
            Action::Retrieve { collection, id } => match find(&mut collections, &collection, &id) {
                Some(stored) => object(stored.clone()),
                None => missing(&example, &id, operation_id, v2),
            },
            Action::On { collection, id } => {
                let template = checked.matched.template;
                let Some(stored) = find(&mut collections, &collection, &id) else {
                    return missing(&example, &id, operation_id, v2);
                };
                if let Some(fields) = api.actions.get(template) {
                    set_fields(stored, fields);
                }
                let target = stored.clone();
                let answers_event = api.thin_event.is_some()
                    && example["object"] == api.thin_event.as_deref().unwrap_or_default()
                    && target["object"] != example["object"];
                match (answers_event, thin_events) {
                    (true, Some(events)) => {
                        let event = self.thin_event(example, &target, &collection, template);
                        collections
                            .entry(events.clone())
                            .or_default()
                            .push(event.clone());
                        object(event)
                    }
                    _ => object(target),
                }
            }
            Action::Update { collection, id } => match find(&mut collections, &collection, &id) {
                Some(stored) => {
                    apply_request(api, stored, &checked);
                    touch(stored);
                    object(stored.clone())
                }
                None => missing(&example, &id, operation_id, v2),
            },
            Action::Delete { collection, id } => {
                let objects = collections.entry(collection).or_default();
                match objects.iter().position(|o| o["id"] == id.as_str()) {
                    Some(index) => {
                        let deleted = objects.remove(index);
                        // v2 answers `v2.deleted_object`, naming what was
                        // deleted; v1 the deleted object's fixture, with
                        // the id from the path.
                        if v2 {
                            object(json!({ "id": id, "object": deleted["object"] }))
                        } else {
                            object(example)
                        }
                    }
                    None => missing(&example, &id, operation_id, v2),
                }
            }
            Action::List { collection } => {
                let stored = collections
                    .get(&collection)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let listed = match v2 {
                    true => v2_page(stored, &checked.params, request.path, example),
                    false => page(stored, &checked.params, example),
                };
                match listed {
                    Ok(body) => object(body),
                    Err(message) => error(
                        400,
                        operation_id,
                        json!({ "type": "invalid_request_error", "message": message }),
                    ),
                }
            }
            Action::Other => stateless,
        }
    }

    /// A thin event of `target` (what an action such as `ping` answers
    /// with): its type is the object's and the action's (the path's last
    /// word), it relates to the object.
    fn thin_event(
        &self,
        mut event: Value,
        target: &Value,
        collection: &str,
        template: &str,
    ) -> Value {
        self.fill_new(&mut event);
        let verb = template.rsplit('/').next().unwrap_or_default();
        let object = target["object"].as_str().unwrap_or_default();
        let id = target["id"].as_str().unwrap_or_default();
        event["type"] = Value::String(format!("{object}.{verb}"));
        event["related_object"] = json!({
            "id": id,
            "type": object,
            "url": format!("{collection}/{id}"),
        });
        if let Value::Object(fields) = &mut event {
            for dropped in ["context", "data", "changes", "reason", "snapshot_event"] {
                fields.remove(dropped);
            }
        }
        event
    }

    /// A fresh id with the fixture's prefix (`cus_`), and `created` now
    /// (v2's `updated` too).
    fn fill_new(&self, object: &mut Value) {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let prefix = object["id"]
            .as_str()
            .and_then(|id| id.rfind('_').map(|i| id[..=i].to_owned()))
            .unwrap_or_default();
        object["id"] = Value::String(format!("{prefix}mock{n:010}"));
        if object.get("created").is_some() {
            object["created"] = now_like(&object["created"]);
        }
        touch(object);
    }
}

/// The time now, as `like` writes it: Unix seconds (v1) or RFC 3339 to
/// the millisecond, as Stripe writes v2 times.
fn now_like(like: &Value) -> Value {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    match like {
        Value::String(_) => {
            let millis = std::time::Duration::from_millis(since_epoch.as_millis() as u64);
            let now = stripe_core::DateTime::from(std::time::UNIX_EPOCH + millis);
            Value::String(now.to_rfc3339())
        }
        _ => Value::from(since_epoch.as_secs()),
    }
}

/// v2's `updated`, when the object has it: now.
fn touch(object: &mut Value) {
    if object.get("updated").is_some_and(Value::is_string) {
        object["updated"] = now_like(&object["updated"]);
    }
}

/// Sets `fields` on `object` (what an action does, as the mock's policy
/// says).
fn set_fields(object: &mut Value, fields: &Map<String, Value>) {
    if let Value::Object(object) = object {
        for (key, value) in fields {
            object.insert(key.clone(), value.clone());
        }
    }
}

/// Where the thin events are listed: the path of the list whose items are
/// the thin event resource.
fn thin_event_collection(api: &Api) -> Option<String> {
    let thin_event = api.thin_event.as_deref()?;
    api.operations()
        .filter(|(method, _, operation)| *method == "GET" && api.lists(operation))
        .find(|(_, _, operation)| {
            api.response_object(operation)
                .is_some_and(|schema| api.resource_schema(thin_event) == Some(schema))
        })
        .map(|(_, template, _)| template.to_owned())
}

/// Stripe's 401 for a missing key, or one that is not a test key.
fn authenticate(authorization: Option<&str>) -> Result<(), Answer> {
    let key = authorization.and_then(|value| {
        let (scheme, credentials) = value.trim().split_once(' ')?;
        if scheme.eq_ignore_ascii_case("bearer") {
            return Some(credentials.trim().to_owned());
        }
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        use base64::Engine;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(credentials.trim())
            .ok()?;
        let user = String::from_utf8(decoded).ok()?;
        Some(user.split(':').next().unwrap_or_default().to_owned())
    });
    let message = match key.as_deref() {
        None | Some("") => "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.".to_owned(),
        Some(key) if key.starts_with("sk_test_") || key.starts_with("rk_test_") => return Ok(()),
        Some(key) => format!("Invalid API Key provided: {}", redacted(key)),
    };
    Err(error(
        401,
        None,
        json!({ "type": "invalid_request_error", "message": message }),
    ))
}

/// `sk_live_****1234`, as Stripe prints a key.
fn redacted(key: &str) -> String {
    let prefix = key.rfind('_').map_or("", |i| &key[..=i]);
    let tail: String = key
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{prefix}****{tail}")
}

fn idempotency_error(key: &str, operation_id: Option<String>) -> Answer {
    let message = format!(
        "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."
    );
    error(
        400,
        operation_id,
        json!({ "type": "idempotency_error", "message": message }),
    )
}

/// What makes two requests the same for an idempotency key.
fn fingerprint(request: &MockRequest<'_>) -> String {
    format!(
        "{} {}?{}\n{}",
        request.method,
        request.path,
        request.query.unwrap_or(""),
        String::from_utf8_lossy(request.body)
    )
}

/// How the operation acts, from its method and path template. Only
/// collections with a create and a list are kept; the rest (events, balance
/// transactions, singletons) is answered from the fixtures.
fn action(
    creatable: &HashSet<String>,
    checked: &Checked<'_>,
    method: &str,
    path: &str,
    example: &Value,
) -> Action {
    let template: Vec<&str> = checked.matched.template.split('/').collect();
    // The route matched segment by segment, so the path has as many.
    let path: Vec<&str> = path.split('/').collect();
    let creatable = |end: usize| creatable.contains(&template[..end].join("/"));
    let collection = |end: usize| path[..end].join("/");
    let n = template.len();
    let page = matches!(example["object"].as_str(), Some("list" | "search_result"))
        || (example.get("data").is_some() && example.get("next_page_url").is_some());
    if page {
        let end = if template[n - 1] == "search" {
            n - 1
        } else {
            n
        };
        return match creatable(end) {
            true => Action::List {
                collection: collection(end),
            },
            false => Action::Other,
        };
    }
    if template[n - 1].starts_with('{') && creatable(n - 1) {
        let (collection, id) = (collection(n - 1), path[n - 1].to_owned());
        return match method {
            "GET" => Action::Retrieve { collection, id },
            "POST" => Action::Update { collection, id },
            "DELETE" => Action::Delete { collection, id },
            _ => Action::Other,
        };
    }
    if method == "POST" && creatable(n) {
        return Action::Create {
            collection: collection(n),
        };
    }
    // `/v1/identity/verification_sessions/{session}/redact`: an action on
    // the object whose id is the segment before the last.
    if n >= 3 && template[n - 2].starts_with('{') && creatable(n - 2) {
        return Action::On {
            collection: collection(n - 2),
            id: path[n - 2].to_owned(),
        };
    }
    Action::Other
}

/// The collections a test can create objects in: path templates with a
/// POST and a GET that lists.
fn creatable_collections(api: &Api) -> HashSet<String> {
    let (mut posts, mut lists) = (HashSet::new(), HashSet::new());
    for (method, template, operation) in api.operations() {
        match method {
            "POST" => posts.insert(template),
            "GET" if api.lists(operation) => lists.insert(template),
            _ => false,
        };
    }
    posts
        .intersection(&lists)
        .map(|t| (*t).to_owned())
        .collect()
}

fn find<'s>(
    collections: &'s mut HashMap<String, Vec<Value>>,
    collection: &str,
    id: &str,
) -> Option<&'s mut Value> {
    collections
        .get_mut(collection)?
        .iter_mut()
        .find(|o| o["id"] == id)
}

/// Stripe's 404 for an id nobody created: v1's `resource_missing`, v2's
/// `not_found`.
fn missing(example: &Value, id: &str, operation_id: Option<String>, v2: bool) -> Answer {
    let object = example["object"].as_str().unwrap_or("object");
    let object = object.rsplit('.').next().unwrap_or(object);
    let body = match v2 {
        true => json!({
            "type": "invalid_request_error",
            "code": "not_found",
            "message": format!("The resource wasn't found: no such {object}: '{id}'"),
        }),
        false => json!({
            "type": "invalid_request_error",
            "code": "resource_missing",
            "doc_url": "https://stripe.com/docs/error-codes/resource-missing",
            "message": format!("No such {object}: '{id}'"),
            "param": "id",
        }),
    };
    error(404, operation_id, body)
}

/// A v2 page of `stored`, newest first: `limit` items after the `page`
/// token (the id of the previous page's last item), and the URL of the
/// next page, with the request's other filters, when there are more.
fn v2_page(
    stored: &[Value],
    params: &[(String, Node)],
    path: &str,
    mut example: Value,
) -> Result<Value, String> {
    let limit = page_limit(params)?.max(1);
    let newest_first: Vec<&Value> = stored.iter().rev().collect();
    let start = match scalar_param(params, "page") {
        Some(token) => {
            newest_first
                .iter()
                .position(|o| o["id"] == token)
                .ok_or_else(|| format!("Invalid page token: {token}"))?
                + 1
        }
        None => 0,
    };
    let window: Vec<Value> = newest_first
        .iter()
        .skip(start)
        .take(limit)
        .map(|o| (*o).clone())
        .collect();
    let more = newest_first.len() > start + window.len();
    let next = window
        .last()
        .filter(|_| more)
        .and_then(|last| last["id"].as_str())
        .map(|last| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            query.append_pair("limit", &limit.to_string());
            for (key, node) in params {
                if let (Node::Value(value), false) = (node, key == "page" || key == "limit") {
                    query.append_pair(key, value);
                }
            }
            query.append_pair("page", last);
            format!("{path}?{}", query.finish())
        });
    example["data"] = Value::Array(window);
    example["next_page_url"] = next.map_or(Value::Null, Value::String);
    example["previous_page_url"] = Value::Null;
    Ok(example)
}

/// The value of the top-level parameter `name`, when it is a scalar.
fn scalar_param<'a>(params: &'a [(String, Node)], name: &str) -> Option<&'a str> {
    params.iter().find_map(|(key, node)| match node {
        Node::Value(value) if key == name => Some(value.as_str()),
        _ => None,
    })
}

/// The page size asked for, Stripe's default 10 without one.
fn page_limit(params: &[(String, Node)]) -> Result<usize, String> {
    scalar_param(params, "limit")
        .map_or(Ok(10), str::parse::<usize>)
        .map_err(|_| "Invalid integer: limit".to_owned())
}

/// A page of `stored`, newest first, as `limit`, `starting_after` and
/// `ending_before` ask.
fn page(stored: &[Value], params: &[(String, Node)], mut example: Value) -> Result<Value, String> {
    let value = |name: &str| scalar_param(params, name);
    let limit = page_limit(params)?;
    let newest_first: Vec<&Value> = stored.iter().rev().collect();
    let position = |id: &str| {
        newest_first
            .iter()
            .position(|o| o["id"] == id)
            .ok_or_else(|| format!("No such object: '{id}'"))
    };
    let (window, has_more) = match (value("starting_after"), value("ending_before")) {
        (Some(after), _) => {
            let rest = &newest_first[position(after)? + 1..];
            (
                rest.iter().take(limit).collect::<Vec<_>>(),
                rest.len() > limit,
            )
        }
        (None, Some(before)) => {
            let earlier = &newest_first[..position(before)?];
            let start = earlier.len().saturating_sub(limit);
            (earlier[start..].iter().collect(), start > 0)
        }
        (None, None) => (
            newest_first.iter().take(limit).collect(),
            newest_first.len() > limit,
        ),
    };
    example["data"] = Value::Array(window.into_iter().map(|o| (*o).clone()).collect());
    example["has_more"] = Value::Bool(has_more);
    Ok(example)
}

/// Sets the fields of `object` that the request names: its form parameters,
/// or its JSON body.
fn apply_request(api: &Api, object: &mut Value, checked: &Checked<'_>) {
    match &checked.json {
        Some(body) => apply_json(api, object, body),
        None => apply_params(api, object, &checked.params),
    }
}

/// Sets the fields of `object` that a JSON body names and the resource
/// has: `metadata` merges, a `null` there deletes the key, and a `null`
/// elsewhere clears the field.
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

/// The guard, also after a panic elsewhere: every write under these locks
/// is one whole entry, so a poisoned lock holds nothing half-written.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
