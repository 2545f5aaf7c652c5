//! The stateful mode: the mock remembers what a test created, and records
//! the events Stripe would announce.
//!
//! Each operation is read from the spec as Stripe's SDKs read it: a POST to
//! a collection that also has a list is a create, a GET, POST or DELETE on
//! `collection/{id}` a retrieve, update or delete, a GET returning a list
//! (or search result, or v2 list) pages through the collection. Objects are
//! kept by their collection's path (`/v1/customers`,
//! `/v1/customers/cus_1/tax_ids`), so nested resources stay apart. What a
//! new object starts with and what an action does to the object it acts on
//! (`/v1/invoices/{invoice}/pay`) is the mock's policy (`spec/mock.toml`),
//! which may refuse it too; an action that answers with a thin event
//! (`ping`) records the event, which the events list then has. Anything
//! else (singletons) is answered from the fixtures as in the stateless
//! mode, except that an action on an id nobody created is a 404.
//!
//! Every create, update (that changes something), delete and action that
//! Stripe announces records a v1 event (`events.rs` names its type), kept
//! for `GET /v1/events` and handed back with the webhook endpoints it goes
//! to: the server delivers it. The store itself does no I/O.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use bytes::Bytes;
use serde_json::{json, Map, Value};

use crate::answer::{check, error, example_answer, json_answer, Answer, Checked, MockRequest};
use crate::api::{is_v2, Api};
use crate::deliveries::{
    subscribes, takes_thin, Announcement, Destination, EVENT_DESTINATION, WEBHOOK_ENDPOINT,
};
use crate::events::{self, Catalog, Cause, Change, NewEvent, EVENT};
use crate::lock;
use crate::pages::{page, scalar_param, v2_page};
use crate::policy::{field, first_holding, Rule};
use crate::write::apply_request;

/// What the stateful mode remembers.
#[derive(Default)]
pub struct Store {
    kept: Mutex<Kept>,
    /// `Idempotency-Key` -> the request it was first sent with and the answer.
    idempotent: Mutex<HashMap<String, (String, Answer)>>,
    next_id: AtomicU64,
    /// Where things are kept, found in the spec once.
    places: OnceLock<Places>,
}

#[derive(Default)]
struct Kept {
    /// Collection path -> its objects, oldest first.
    collections: HashMap<String, Vec<Value>>,
    /// Webhook endpoint (or v2 event destination) id -> its signing
    /// secret, which Stripe answers on create only.
    secrets: HashMap<String, String>,
}

/// The collections the spec's paths say the store keeps, and the event
/// types it records.
struct Places {
    /// The path templates of the collections kept.
    creatable: HashSet<String>,
    /// Where thin events are listed (`/v2/core/events`).
    thin_events: Option<String>,
    /// Where v1 events are listed (`/v1/events`).
    events: Option<String>,
    /// Where webhook endpoints are kept (`/v1/webhook_endpoints`).
    webhook_endpoints: Option<String>,
    /// Where v2 event destinations are kept (`/v2/core/event_destinations`).
    event_destinations: Option<String>,
    catalog: Catalog,
}

impl Places {
    fn find(api: &Api) -> Places {
        let list_of = |object: &str| list_of(api, object);
        let thin_events = api.thin_event.as_deref().and_then(list_of);
        let events = list_of(EVENT);
        let mut creatable = creatable_collections(api);
        creatable.extend(thin_events.clone());
        creatable.extend(events.clone());
        // `MockServer` reports a spec whose events cannot be typed when it
        // starts; a `Store` used on its own records no events then.
        let event_objects = api.event_objects().unwrap_or_default();
        Places {
            creatable,
            thin_events,
            events,
            webhook_endpoints: list_of(WEBHOOK_ENDPOINT),
            event_destinations: list_of(EVENT_DESTINATION),
            catalog: Catalog::new(event_objects, &api.policy.events.past_tense),
        }
    }
}

/// The headers the stateful mode reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct Credentials<'a> {
    pub authorization: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
}

/// What the store answers, and the events it recorded on the way, with
/// where each goes.
pub(crate) struct Outcome {
    pub answer: Answer,
    pub announcements: Vec<Announcement>,
}

impl From<Answer> for Outcome {
    fn from(answer: Answer) -> Outcome {
        Outcome {
            answer,
            announcements: Vec::new(),
        }
    }
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

/// One request, as the store's handlers read it.
struct Call<'c> {
    api: &'c Api,
    checked: &'c Checked<'c>,
    method: &'c str,
    path: &'c str,
    cause: Cause<'c>,
    places: &'c Places,
    /// The stateless answer's body: the fixture, with the path's id.
    example: Value,
}

impl<'c> Call<'c> {
    fn operation_id(&self) -> Option<String> {
        self.checked.operation_id.clone()
    }

    fn v2(&self) -> bool {
        is_v2(self.path)
    }

    fn object(&self, body: &Value) -> Answer {
        json_answer(200, self.operation_id(), body)
    }

    fn missing(&self, id: &str) -> Outcome {
        missing(&self.example, id, self.operation_id(), self.v2()).into()
    }

    /// A scalar parameter of the request (form or JSON body).
    fn param(&self, name: &str) -> Option<String> {
        match &self.checked.json {
            Some(body) => match &body[name] {
                Value::Null => None,
                Value::String(text) => Some(text.clone()),
                other => Some(other.to_string()),
            },
            None => scalar_param(&self.checked.params, name).map(str::to_owned),
        }
    }

    /// The rule of the mock's policy for this operation on `object`.
    fn action_rule(&self, object: &Value) -> Option<&'c Rule> {
        let rules = self
            .api
            .policy
            .action(self.method, self.checked.matched.template)?;
        first_holding(rules, object, &|name| self.param(name))
    }

    /// The event types Stripe announces `change` of `object` with: the
    /// rule's, else the one the naming rule finds.
    fn announced(&self, rule: Option<&Rule>, object: &Value, change: Change<'_>) -> Vec<String> {
        if let Some(listed) = rule.and_then(|rule| rule.announce.clone()) {
            return listed;
        }
        let kind = object["object"].as_str().unwrap_or_default();
        let found = self.places.catalog.announced(kind, change);
        found.into_iter().map(str::to_owned).collect()
    }
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
        self.respond_announcing(api, request, credentials, None)
            .answer
    }

    /// [`respond`](Store::respond), with the events recorded; they name
    /// `request_id` as the request that caused them. A replayed answer
    /// records nothing again.
    pub(crate) fn respond_announcing(
        &self,
        api: &Api,
        request: &MockRequest<'_>,
        credentials: Credentials<'_>,
        request_id: Option<&str>,
    ) -> Outcome {
        if let Err(answer) = authenticate(credentials.authorization) {
            return answer.into();
        }
        let key = credentials
            .idempotency_key
            .filter(|_| request.method == "POST");
        let cause = Cause {
            request_id,
            idempotency_key: key,
        };
        let Some(key) = key else {
            return self.answer(api, request, cause);
        };
        let fingerprint = fingerprint(request);
        if let Some((first, answer)) = lock(&self.idempotent).get(key) {
            return match *first == fingerprint {
                true => answer.clone().into(),
                false => idempotency_error(key, answer.operation_id.clone()).into(),
            };
        }
        let outcome = self.answer(api, request, cause);
        // A request the mock refused never ran, so its key stays free, as Stripe
        // does for a 400.
        if outcome.answer.status < 400 {
            let first = (fingerprint, outcome.answer.clone());
            lock(&self.idempotent).insert(key.to_owned(), first);
        }
        outcome
    }

    /// Keeps `object` in `collection` (`/v1/identity/verification_sessions`,
    /// `/v1/customers/cus_1/tax_ids`) as if a test had created it, without
    /// an event: a test can start from a state the API does not reach. A
    /// webhook endpoint's `secret` is kept apart, as for one created.
    pub fn insert(&self, api: &Api, collection: &str, mut object: Value) -> Result<(), String> {
        let places = self.places(api);
        let kept_here = api
            .route("GET", collection)
            .is_some_and(|matched| places.creatable.contains(matched.template));
        if !kept_here {
            return Err(format!(
                "`{collection}` is no collection the stateful mock keeps (one with a create and a list)"
            ));
        }
        let Some(id) = object["id"].as_str().map(str::to_owned) else {
            return Err("the object has no `id` string".to_owned());
        };
        let mut kept = lock(&self.kept);
        if let Some(Value::String(secret)) = object.as_object_mut().and_then(|o| o.remove("secret"))
        {
            kept.secrets.insert(id, secret);
        }
        let objects = kept.collections.entry(collection.to_owned()).or_default();
        objects.push(object);
        Ok(())
    }

    fn places(&self, api: &Api) -> &Places {
        self.places.get_or_init(|| Places::find(api))
    }

    fn answer(&self, api: &Api, request: &MockRequest<'_>, cause: Cause<'_>) -> Outcome {
        let checked = match check(api, request) {
            Ok(checked) => checked,
            Err(answer) => return answer.into(),
        };
        let stateless = example_answer(api, &checked, request.path);
        let Some(example) = serde_json::from_slice::<Value>(&stateless.body).ok() else {
            return stateless.into();
        };
        let places = self.places(api);
        let action = action(
            &places.creatable,
            &checked,
            request.method,
            request.path,
            &example,
        );
        let call = Call {
            api,
            checked: &checked,
            method: request.method,
            path: request.path,
            cause,
            places,
            example,
        };
        let mut kept = lock(&self.kept);
        match action {
            Action::Create { collection } => self.create(&mut kept, &call, collection),
            Action::Retrieve { collection, id } => {
                match find(&mut kept.collections, &collection, &id) {
                    Some(stored) => call.object(stored).into(),
                    None => call.missing(&id),
                }
            }
            Action::Update { collection, id } => self.update(&mut kept, &call, &collection, &id),
            Action::Delete { collection, id } => self.delete(&mut kept, &call, &collection, &id),
            Action::On { collection, id } => {
                let verb = call.checked.matched.template.rsplit('/').next();
                let change = Change::Acted(verb.unwrap_or_default());
                self.act(&mut kept, &call, &collection, &id, change)
            }
            Action::List { collection } => list(&kept, &call, &collection).into(),
            Action::Other => stateless.into(),
        }
    }

    /// A new object: the fixture's shape, a fresh id, what the request
    /// sent, and what the policy says a new one starts with.
    fn create(&self, kept: &mut Kept, call: &Call<'_>, collection: String) -> Outcome {
        let mut created = call.example.clone();
        self.fill_new(&mut created);
        apply_request(call.api, &mut created, call.checked);
        let kind = created["object"].as_str().unwrap_or_default().to_owned();
        let rule = call
            .api
            .policy
            .created
            .get(&kind)
            .and_then(|rules| first_holding(rules, &created, &|name| call.param(name)));
        if let Some(message) = rule.and_then(|rule| rule.refusal(&created)) {
            return refused(call, message);
        }
        if let Some(rule) = rule {
            rule.apply(&mut created, &now_like);
        }
        let mut body = created.clone();
        if let Some(secret) = self.issue_secret(kept, call, &created) {
            match kind == WEBHOOK_ENDPOINT {
                true => body["secret"] = Value::String(secret),
                false => body["webhook_endpoint"]["signing_secret"] = Value::String(secret),
            }
        }
        let types = call.announced(rule, &created, Change::Created);
        kept.collections
            .entry(collection)
            .or_default()
            .push(created.clone());
        Outcome {
            answer: call.object(&body),
            announcements: self.record(kept, call, &types, &created, None),
        }
    }

    /// A signing secret for a new webhook endpoint, or v2 event destination
    /// that is one; `Some` when the create answers it: always for v1, on
    /// `include: ["webhook_endpoint.signing_secret"]` for v2.
    fn issue_secret(&self, kept: &mut Kept, call: &Call<'_>, created: &Value) -> Option<String> {
        let v2_endpoint =
            created["object"] == EVENT_DESTINATION && created["type"] == WEBHOOK_ENDPOINT;
        if created["object"] != WEBHOOK_ENDPOINT && !v2_endpoint {
            return None;
        }
        let secret = self.new_secret();
        let id = created["id"].as_str().unwrap_or_default().to_owned();
        kept.secrets.insert(id, secret.clone());
        let included = || {
            let include = call.checked.json.as_ref().map(|body| &body["include"]);
            let asked = include.and_then(Value::as_array).map(Vec::as_slice);
            asked
                .unwrap_or_default()
                .iter()
                .any(|i| i == "webhook_endpoint.signing_secret")
        };
        (!v2_endpoint || included()).then_some(secret)
    }

    /// What the request sent, and what the policy says the update does
    /// (or its refusal); announced with the old values of what changed.
    fn update(&self, kept: &mut Kept, call: &Call<'_>, collection: &str, id: &str) -> Outcome {
        let Some(stored) = find(&mut kept.collections, collection, id) else {
            return call.missing(id);
        };
        let rule = call.action_rule(stored);
        if let Some(message) = rule.and_then(|rule| rule.refusal(stored)) {
            return refused(call, message);
        }
        let before = stored.clone();
        apply_request(call.api, stored, call.checked);
        if let Some(rule) = rule {
            rule.apply(stored, &now_like);
        }
        touch(stored);
        let updated = stored.clone();
        let previous = events::previous_attributes(&before, &updated);
        let announcements = match previous.is_empty() {
            // Stripe announces no update that changed nothing.
            true => Vec::new(),
            false => {
                let types = call.announced(rule, &updated, Change::Updated);
                self.record(kept, call, &types, &updated, Some(previous))
            }
        };
        Outcome {
            answer: call.object(&updated),
            announcements,
        }
    }

    /// Removes the object, unless the policy says the DELETE is an action
    /// (canceling a subscription keeps it).
    fn delete(&self, kept: &mut Kept, call: &Call<'_>, collection: &str, id: &str) -> Outcome {
        let template = call.checked.matched.template;
        if call.api.policy.action(call.method, template).is_some() {
            return self.act(kept, call, collection, id, Change::Deleted);
        }
        let objects = kept.collections.entry(collection.to_owned()).or_default();
        let Some(index) = objects.iter().position(|o| o["id"] == id) else {
            return call.missing(id);
        };
        let deleted = objects.remove(index);
        // v2 answers `v2.deleted_object`, naming what was deleted; v1 the
        // deleted object's fixture, with the id from the path.
        let answer = match call.v2() {
            true => call.object(&json!({ "id": id, "object": deleted["object"] })),
            false => call.object(&call.example),
        };
        let types = call.announced(None, &deleted, Change::Deleted);
        Outcome {
            answer,
            announcements: self.record(kept, call, &types, &deleted, None),
        }
    }

    /// An action on a kept object: what the policy says it does (or its
    /// refusal). One answering with a thin event (`ping`) records the
    /// thin event.
    fn act(
        &self,
        kept: &mut Kept,
        call: &Call<'_>,
        collection: &str,
        id: &str,
        change: Change<'_>,
    ) -> Outcome {
        let Some(stored) = find(&mut kept.collections, collection, id) else {
            return call.missing(id);
        };
        let rule = call.action_rule(stored);
        if let Some(message) = rule.and_then(|rule| rule.refusal(stored)) {
            return refused(call, message);
        }
        if let Some(rule) = rule {
            rule.apply(stored, &now_like);
            touch(stored);
        }
        let target = stored.clone();
        let types = call.announced(rule, &target, change);
        let mut announcements = self.record(kept, call, &types, &target, None);
        let answer = match self.thin_event(kept, call, &target, collection) {
            Some(event) => {
                announcements.extend(thin_announcement(kept, call.places, &event));
                call.object(&event)
            }
            None => call.object(&target),
        };
        Outcome {
            answer,
            announcements,
        }
    }

    /// Records a thin event of `target` when the action answers with one
    /// (`ping`): its type is the object's and the action's (the path's
    /// last word), it relates to the object.
    fn thin_event(
        &self,
        kept: &mut Kept,
        call: &Call<'_>,
        target: &Value,
        collection: &str,
    ) -> Option<Value> {
        let thin_event = call.api.thin_event.as_deref()?;
        let events = call.places.thin_events.as_ref()?;
        let answers_event = call.example["object"] == thin_event && target["object"] != thin_event;
        if !answers_event {
            return None;
        }
        let mut event = call.example.clone();
        self.fill_new(&mut event);
        let template = call.checked.matched.template;
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
        let kept_events = kept.collections.entry(events.clone()).or_default();
        kept_events.push(event.clone());
        Some(event)
    }

    /// Records an event of each type, carrying `object`, for the events
    /// list; each goes to the enabled webhook endpoints that subscribe to
    /// its type.
    fn record(
        &self,
        kept: &mut Kept,
        call: &Call<'_>,
        types: &[String],
        object: &Value,
        previous_attributes: Option<Map<String, Value>>,
    ) -> Vec<Announcement> {
        let Some(events) = &call.places.events else {
            return Vec::new();
        };
        let mut announcements = Vec::new();
        for event_type in types {
            let destinations = destinations(
                kept,
                call.places.webhook_endpoints.as_ref(),
                "url",
                &|endpoint| subscribes(endpoint, event_type),
            );
            let event = NewEvent {
                id: format!("evt_{}", self.next_serial()),
                event_type,
                object: object.clone(),
                previous_attributes: previous_attributes.clone(),
                api_version: &call.api.spec().api_version,
                cause: call.cause,
                pending_webhooks: destinations.len(),
                created: now_like(&json!(0)).as_u64().unwrap_or_default(),
            }
            .into_json();
            let payload = serde_json::to_vec_pretty(&event).expect("JSON values serialize");
            announcements.push(Announcement {
                event_id: event["id"].as_str().unwrap_or_default().to_owned(),
                event_type: event_type.clone(),
                payload: Bytes::from(payload),
                destinations,
            });
            kept.collections
                .entry(events.clone())
                .or_default()
                .push(event);
        }
        announcements
    }

    /// One delivery of the event `event_id` was taken: one webhook fewer
    /// pending, as Stripe counts them.
    pub(crate) fn delivered(&self, event_id: &str) {
        let Some(events) = self.places.get().and_then(|places| places.events.as_ref()) else {
            return;
        };
        let mut kept = lock(&self.kept);
        let event = kept.collections.get_mut(events).and_then(|events| {
            events
                .iter_mut()
                .rev()
                .find(|event| event["id"] == event_id)
        });
        if let Some(pending) = event.and_then(|event| event.get_mut("pending_webhooks")) {
            *pending = Value::from(pending.as_u64().unwrap_or_default().saturating_sub(1));
        }
    }

    /// A fresh id with the fixture's prefix (`cus_`), and `created` now
    /// (v2's `updated` too).
    fn fill_new(&self, object: &mut Value) {
        let serial = self.next_serial();
        let prefix = object["id"]
            .as_str()
            .and_then(|id| id.rfind('_').map(|i| id[..=i].to_owned()))
            .unwrap_or_default();
        object["id"] = Value::String(format!("{prefix}{serial}"));
        if object.get("created").is_some() {
            object["created"] = now_like(&object["created"]);
        }
        touch(object);
    }

    /// `mock0000000042`: unique in this store.
    fn next_serial(&self) -> String {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        format!("mock{n:010}")
    }

    /// `whsec_` and 32 hex digits no one can guess from the ids.
    fn new_secret(&self) -> String {
        let random = RandomState::new();
        let serial = self.next_id.load(Ordering::Relaxed);
        let (high, low) = (random.hash_one(serial), random.hash_one(!serial));
        format!("whsec_{high:016x}{low:016x}")
    }
}

/// The endpoints kept in `collection` that `wants` an event, with the
/// URL at the (dotted) field `url` and their secrets.
fn destinations(
    kept: &Kept,
    collection: Option<&String>,
    url: &str,
    wants: &dyn Fn(&Value) -> bool,
) -> Vec<Destination> {
    let endpoints = collection
        .and_then(|path| kept.collections.get(path))
        .map(Vec::as_slice)
        .unwrap_or_default();
    endpoints
        .iter()
        .filter(|endpoint| wants(endpoint))
        .filter_map(|endpoint| {
            let id = endpoint["id"].as_str()?;
            Some(Destination {
                endpoint_id: id.to_owned(),
                url: field(endpoint, url)?.as_str()?.to_owned(),
                secret: kept.secrets.get(id)?.clone(),
            })
        })
        .collect()
}

/// A thin event, as delivered to the v2 event destinations that take it.
fn thin_announcement(kept: &Kept, places: &Places, event: &Value) -> Option<Announcement> {
    let event_type = event["type"].as_str()?;
    let collection = places.event_destinations.as_ref();
    let wants = |destination: &Value| takes_thin(destination, event_type);
    let destinations = destinations(kept, collection, "webhook_endpoint.url", &wants);
    let payload = serde_json::to_vec_pretty(event).expect("JSON values serialize");
    Some(Announcement {
        event_id: event["id"].as_str()?.to_owned(),
        event_type: event_type.to_owned(),
        payload: Bytes::from(payload),
        destinations,
    })
}

/// A page of the collection; the events list filtered first.
fn list(kept: &Kept, call: &Call<'_>, collection: &str) -> Answer {
    let stored = kept
        .collections
        .get(collection)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let params = &call.checked.params;
    let example = call.example.clone();
    let listed = match call.v2() {
        true => v2_page(stored, params, call.path, example),
        false if call.places.events.as_deref() == Some(collection) => {
            events::filter(stored, params).and_then(|kept| page(&kept, params, example))
        }
        false => page(stored, params, example),
    };
    match listed {
        Ok(body) => call.object(&body),
        Err(message) => invalid_request(call, message),
    }
}

/// Stripe's 400 for an action the object's state does not allow.
fn refused(call: &Call<'_>, message: String) -> Outcome {
    invalid_request(call, message).into()
}

fn invalid_request(call: &Call<'_>, message: String) -> Answer {
    let mut body = json!({ "type": "invalid_request_error", "message": message });
    if call.v2() {
        body["code"] = Value::from("invalid_fields");
    }
    error(400, call.operation_id(), body)
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

/// The path of the list whose items are the resource of `object`.
fn list_of(api: &Api, object: &str) -> Option<String> {
    let resource = api.resource_schema(object)?;
    api.operations()
        .filter(|(method, _, operation)| *method == "GET" && api.lists(operation))
        .find(|(_, _, operation)| api.response_object(operation) == Some(resource))
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
