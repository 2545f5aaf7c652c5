//! The API the mock serves: the merged spec, a route for every path of it,
//! and the fixtures its responses are made from, all as the manifest
//! (`spec/stripe.toml`) names them.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use openapiv3::{Operation, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::{json, Value};
use stripe_spec::parse::events::event_resources;
use stripe_spec::parse::policy::Policy;
use stripe_spec::{Files, Inputs, Spec};

use crate::policy::{MockPolicy, Rule};
use crate::validate::Validator;

/// Why the spec or the fixtures could not be loaded.
#[derive(Debug, Clone)]
pub struct LoadError(String);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

impl LoadError {
    pub(crate) fn new(message: String) -> LoadError {
        LoadError(message)
    }
}

/// One path of the spec, split for matching.
struct Route {
    /// The path as the spec writes it: `/v1/customers/{customer}`.
    template: String,
    segments: Vec<Segment>,
}

enum Segment {
    Literal(String),
    Param(String),
}

/// An operation of the spec that a request's method and path resolved to.
pub struct Matched<'a> {
    /// The path as the spec writes it.
    pub template: &'a str,
    pub operation: &'a Operation,
    /// The path parameters, percent-decoded, in path order.
    pub path_params: Vec<(&'a str, String)>,
}

/// The spec, its routes and fixtures. Loaded once per process by
/// [`Api::shared`]; every [`MockServer`](crate::MockServer) reads the same.
pub struct Api {
    spec: Spec,
    routes: Vec<Route>,
    fixtures: HashMap<String, Value>,
    /// The `object` of thin events (`v2.core.event`), whose objects the
    /// stateful mode records for the actions that answer with one.
    pub(crate) thin_event: Option<String>,
    /// What the stateful mode does that the spec does not say
    /// (`spec/mock.toml`).
    pub(crate) policy: MockPolicy,
    /// The generator's policy, which says how event types name the
    /// objects they carry; `None` for an API made by [`Api::new`].
    overrides: Option<Policy>,
    event_objects: OnceLock<Result<Vec<EventObject>, LoadError>>,
    /// Where the documents came from, for people.
    source: String,
}

/// A v1 event type of the spec and the `object` of the resource its
/// events carry, if the generator's rule finds one.
#[derive(Debug, Clone)]
pub(crate) struct EventObject {
    pub event_type: String,
    pub object: Option<String>,
}

impl fmt::Debug for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Api")
            .field("documents", &self.spec.documents)
            .field("api_version", &self.spec.api_version)
            .field("routes", &self.routes.len())
            .field("fixtures", &self.fixtures.len())
            .finish()
    }
}

/// The pinned files an installed mock carries (`mock/build.rs`).
#[cfg(bundled)]
fn project_inputs() -> Result<Inputs, String> {
    mod bundle {
        include!(concat!(env!("OUT_DIR"), "/bundle.rs"));
    }
    Inputs::bundled(
        bundle::FILES
            .iter()
            .map(|(name, bytes)| ((*name).to_owned(), *bytes)),
    )
}

#[cfg(not(bundled))]
fn project_inputs() -> Result<Inputs, String> {
    Inputs::project()
}

impl Api {
    /// The API of the project's manifest, loaded on first use: from the
    /// pinned files compiled into an installed mock, else (in the
    /// workspace) from where [`stripe_spec::SpecDir::resolve`] finds them.
    pub fn shared() -> Result<Arc<Api>, LoadError> {
        static SHARED: OnceLock<Result<Arc<Api>, LoadError>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                let inputs = project_inputs().map_err(LoadError)?;
                Api::load(&inputs).map(Arc::new)
            })
            .clone()
    }

    /// Where the documents were read from, for people.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Loads the documents, fixtures and policy `inputs` name.
    pub fn load(inputs: &Inputs) -> Result<Api, LoadError> {
        let spec = inputs.spec().map_err(LoadError)?;
        let fixtures = inputs.examples(&spec).map_err(LoadError)?;
        let mut api = Api::new(spec, fixtures.into_iter().collect());
        api.source = match &inputs.files {
            Files::Bundle(_) => "the pinned files built into this binary".to_owned(),
            Files::Disk(dir) => format!("{} ({})", dir.path.display(), dir.chosen_by),
        };
        let policy = inputs.policy().map_err(LoadError)?;
        api.thin_event = policy.thin_events.as_ref().map(|thin| thin.event.clone());
        api.overrides = Some(policy);
        if let Some((name, text)) = inputs.mock_policy().map_err(LoadError)? {
            api.policy = MockPolicy::parse(&name, &text).map_err(LoadError)?;
            api.check_policy()
                .map_err(|e| LoadError(format!("{name}: {e}")))?;
        }
        Ok(api)
    }

    /// Every v1 event type and the object its events carry, found by the
    /// rule the generator types events with (`[events]` of the overrides), and
    /// those the mock's policy adds, on first use: only the stateful mode
    /// records events.
    pub(crate) fn event_objects(&self) -> Result<&[EventObject], LoadError> {
        let found = self.event_objects.get_or_init(|| {
            let Some(overrides) = &self.overrides else {
                return Ok(Vec::new());
            };
            let Some(events) = &overrides.events else {
                return Ok(Vec::new());
            };
            let found = event_resources(&self.spec, events)
                .map_err(|e| LoadError(format!("typing the spec's events: {e}")))?;
            let listed = |event_type: &str| found.iter().any(|(listed, _)| listed == event_type);
            self.policy.check_events(&listed).map_err(LoadError)?;
            let spec_types = found.iter().map(|(event_type, object)| EventObject {
                event_type: event_type.clone(),
                object: object.clone(),
            });
            let policy_types =
                self.policy
                    .events
                    .types
                    .iter()
                    .map(|(event_type, object)| EventObject {
                        event_type: event_type.clone(),
                        object: Some(object.clone()),
                    });
            Ok(spec_types.chain(policy_types).collect())
        });
        found.as_deref().map_err(Clone::clone)
    }

    /// Every field the policy names is one of the object it is about, and
    /// every operation it names is one of the spec.
    fn check_policy(&self) -> Result<(), String> {
        for (object, rules) in &self.policy.created {
            let schema = self.resource_schema(object).ok_or_else(|| {
                format!("[created.\"{object}\"]: no resource of the spec is `{object}`")
            })?;
            self.check_rules(&format!("[created.\"{object}\"]"), schema, rules)?;
        }
        for (key, rules) in &self.policy.actions {
            let entry = format!("[actions.\"{key}\"]");
            let operation = key
                .split_once(' ')
                .and_then(|(method, template)| self.operation(template, method))
                .ok_or_else(|| {
                    format!("{entry}: no operation of the spec is `{key}` (METHOD /path/template)")
                })?;
            let schema = self
                .response_object(operation)
                .ok_or_else(|| format!("{entry}: the operation answers no object"))?;
            self.check_rules(&entry, schema, rules)?;
        }
        Ok(())
    }

    fn check_rules(&self, entry: &str, schema: &Schema, rules: &[Rule]) -> Result<(), String> {
        let unknown = rules
            .iter()
            .flat_map(Rule::fields)
            .find(|path| !self.has_field(schema, path));
        match unknown {
            Some(path) => Err(format!("{entry}: the object has no field `{path}`")),
            None => Ok(()),
        }
    }

    /// Whether `schema` has the field at a dotted path (through `$ref`s and
    /// the members of `anyOf`s).
    fn has_field(&self, schema: &Schema, path: &str) -> bool {
        let (first, rest) = match path.split_once('.') {
            Some((first, rest)) => (first, Some(rest)),
            None => (path, None),
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                object.properties.get(first).is_some_and(|property| {
                    rest.is_none_or(|rest| self.has_field(self.resolve_boxed(property), rest))
                })
            }
            SchemaKind::AnyOf { any_of: members } | SchemaKind::OneOf { one_of: members } => {
                members
                    .iter()
                    .any(|member| self.has_field(self.resolve(member), path))
            }
            _ => false,
        }
    }

    /// An API from a parsed spec and fixtures by resource id.
    pub fn new(spec: Spec, fixtures: HashMap<String, Value>) -> Api {
        let routes = spec
            .openapi
            .paths
            .paths
            .keys()
            .map(|template| Route {
                template: template.clone(),
                segments: template
                    .split('/')
                    .skip(1)
                    .map(|segment| {
                        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                            Some(name) => Segment::Param(name.to_owned()),
                            None => Segment::Literal(segment.to_owned()),
                        }
                    })
                    .collect(),
            })
            .collect();
        Api {
            spec,
            routes,
            fixtures,
            thin_event: None,
            policy: MockPolicy::default(),
            overrides: None,
            event_objects: OnceLock::new(),
            source: "documents given to `Api::new`".to_owned(),
        }
    }

    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// The fixture of a resource, by its id (`x-resourceId`, or a v2
    /// resource's `object`).
    pub fn fixture(&self, resource_id: &str) -> Option<&Value> {
        self.fixtures.get(resource_id)
    }

    /// Every operation of the spec as (method, path template), e.g.
    /// `("GET", "/v1/customers/{customer}")`.
    pub fn operations(&self) -> impl Iterator<Item = (&'static str, &str, &Operation)> {
        self.spec
            .openapi
            .paths
            .paths
            .iter()
            .flat_map(|(template, item)| {
                let item = item.as_item();
                [
                    ("GET", item.and_then(|i| i.get.as_ref())),
                    ("POST", item.and_then(|i| i.post.as_ref())),
                    ("DELETE", item.and_then(|i| i.delete.as_ref())),
                ]
                .into_iter()
                .filter_map(move |(method, operation)| {
                    Some((method, template.as_str(), operation?))
                })
            })
    }

    /// The operation for `method` and a request path (percent-encoded, no
    /// query). A literal segment wins over a parameter, so
    /// `/v1/customers/search` is the search, not the customer `search`.
    pub fn route(&self, method: &str, path: &str) -> Option<Matched<'_>> {
        let segments: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
        let mut best: Option<(Vec<bool>, &Route, &Operation)> = None;
        for route in &self.routes {
            if route.segments.len() != segments.len() {
                continue;
            }
            let fits =
                route
                    .segments
                    .iter()
                    .zip(&segments)
                    .all(|(pattern, segment)| match pattern {
                        Segment::Literal(literal) => literal == segment,
                        Segment::Param(_) => !segment.is_empty(),
                    });
            if !fits {
                continue;
            }
            let Some(operation) = self.operation(&route.template, method) else {
                continue;
            };
            let rank: Vec<bool> = route
                .segments
                .iter()
                .map(|s| matches!(s, Segment::Literal(_)))
                .collect();
            if best
                .as_ref()
                .is_none_or(|(best_rank, ..)| rank > *best_rank)
            {
                best = Some((rank, route, operation));
            }
        }
        let (_, route, operation) = best?;
        let path_params = route
            .segments
            .iter()
            .zip(&segments)
            .filter_map(|(pattern, segment)| match pattern {
                Segment::Param(name) => Some((
                    name.as_str(),
                    percent_encoding::percent_decode_str(segment)
                        .decode_utf8_lossy()
                        .into_owned(),
                )),
                Segment::Literal(_) => None,
            })
            .collect();
        Some(Matched {
            template: &route.template,
            operation,
            path_params,
        })
    }

    pub(crate) fn operation(&self, template: &str, method: &str) -> Option<&Operation> {
        let item = self.spec.openapi.paths.paths.get(template)?.as_item()?;
        match method {
            "GET" => item.get.as_ref(),
            "POST" => item.post.as_ref(),
            "DELETE" => item.delete.as_ref(),
            _ => None,
        }
    }

    /// The content types the operation's request body may have, in spec
    /// order (`application/x-www-form-urlencoded`, `multipart/form-data`
    /// for file uploads, `application/json` on v2, where a POST without
    /// parameters sends `{}` too).
    pub fn body_content_types<'a>(&self, template: &str, operation: &'a Operation) -> Vec<&'a str> {
        let declared: Vec<&str> = operation
            .request_body
            .as_ref()
            .and_then(ReferenceOr::as_item)
            .map(|body| body.content.keys().map(String::as_str).collect())
            .unwrap_or_default();
        match declared.is_empty() && is_v2(template) {
            true => vec!["application/json"],
            false => declared,
        }
    }

    /// Whether the operation's 200 response is a list page (`object:
    /// list`, or a v2 list).
    pub fn lists(&self, operation: &Operation) -> bool {
        let Some(schema) = self.json_response(operation).map(|s| self.resolve(s)) else {
            return false;
        };
        is_list_page(schema)
    }

    /// The schema of the 200 response's object (the items of a list page).
    pub(crate) fn response_object<'a>(&'a self, operation: &'a Operation) -> Option<&'a Schema> {
        let schema = self.resolve(self.json_response(operation)?);
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) if self.lists(operation) => {
                let items = match &object.properties.get("data")?.as_item()?.schema_kind {
                    SchemaKind::Type(Type::Array(array)) => array.items.as_ref()?,
                    _ => return None,
                };
                Some(self.resolve_boxed(items))
            }
            _ => Some(schema),
        }
    }

    /// The schema of the resource whose objects say `object: <object>`:
    /// the one of that `x-resourceId`, else (v2) the component of that name.
    pub fn resource_schema(&self, object: &str) -> Option<&Schema> {
        let schemas = self.spec.schemas();
        schemas
            .values()
            .filter_map(ReferenceOr::as_item)
            .find(|schema| {
                schema
                    .schema_data
                    .extensions
                    .get("x-resourceId")
                    .and_then(Value::as_str)
                    == Some(object)
            })
            .or_else(|| schemas.get(object).and_then(ReferenceOr::as_item))
    }

    /// The schema a reference names (itself when it is no reference).
    pub fn resolve<'a>(&'a self, schema: &'a ReferenceOr<Schema>) -> &'a Schema {
        self.validator().resolve(schema)
    }

    /// [`resolve`](Api::resolve) for a boxed schema (properties, items).
    pub fn resolve_boxed<'a>(&'a self, schema: &'a ReferenceOr<Box<Schema>>) -> &'a Schema {
        self.validator().resolve_boxed(schema)
    }

    /// Checks requests against this API's schemas.
    pub(crate) fn validator(&self) -> Validator<'_> {
        Validator {
            schemas: self.spec.schemas(),
        }
    }

    fn json_response<'a>(&self, operation: &'a Operation) -> Option<&'a ReferenceOr<Schema>> {
        let response = operation
            .responses
            .responses
            .get(&openapiv3::StatusCode::Code(200))?;
        response
            .as_item()?
            .content
            .get("application/json")?
            .schema
            .as_ref()
    }

    /// The 200 body of `matched` for a request to `path`: the fixture of the
    /// response's resource, in a list or search page when the response is
    /// one, with the id from the path. `None` when the response is not JSON
    /// (the quote PDF).
    pub fn example_response(&self, matched: &Matched<'_>, path: &str) -> Option<Value> {
        let schema = self.json_response(matched.operation)?;
        let mut body = self.example(schema, path).unwrap_or_else(|| json!({}));
        if let Some((_, id)) = matched.path_params.last() {
            if owns_last_param(matched.template, body.get("object").and_then(Value::as_str)) {
                if let Some(slot) = body.get_mut("id") {
                    *slot = Value::String(id.clone());
                }
            }
        }
        Some(body)
    }

    /// An example of `schema`: a fixture for a resource; for a list or search
    /// result, a page holding one example item; for a v2 list, its page.
    fn example(&self, schema: &ReferenceOr<Schema>, path: &str) -> Option<Value> {
        let component = match schema {
            ReferenceOr::Reference { reference } => reference.strip_prefix("#/components/schemas/"),
            ReferenceOr::Item(_) => None,
        };
        let schema = self.resolve(schema);
        let resource_id = schema
            .schema_data
            .extensions
            .get("x-resourceId")
            .and_then(Value::as_str)
            .or(component);
        if let Some(fixture) = resource_id.and_then(|id| self.fixtures.get(id)) {
            return Some(fixture.clone());
        }
        match &schema.schema_kind {
            SchemaKind::AnyOf { any_of } | SchemaKind::OneOf { one_of: any_of } => any_of
                .iter()
                .find_map(|variant| self.example(variant, path)),
            SchemaKind::Type(Type::Object(object)) if is_v2_list(schema) => {
                let item = self.example(&page_items(object)?, path)?;
                Some(json!({ "data": [item], "next_page_url": null, "previous_page_url": null }))
            }
            SchemaKind::Type(Type::Object(object)) => {
                let Some(page) = object_enum(schema) else {
                    // An object with no example of Stripe's (`v2.deleted_object`).
                    return Some(self.minimal(schema, 0));
                };
                let item = self.example(&page_items(object)?, path)?;
                let mut page_body =
                    json!({ "object": page, "data": [item], "has_more": false, "url": path });
                if page == "search_result" {
                    page_body["next_page"] = Value::Null;
                }
                Some(page_body)
            }
            _ => None,
        }
    }

    /// The smallest value `schema` accepts: its required fields, each the
    /// smallest value of its type (the first listed value of an enum).
    fn minimal(&self, schema: &Schema, depth: usize) -> Value {
        // Required fields do not nest deeper in Stripe's schemas.
        if depth > 16 {
            return Value::Null;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                let fields = object.required.iter().filter_map(|name| {
                    let property = self.resolve_boxed(object.properties.get(name)?);
                    Some((name.clone(), self.minimal(property, depth + 1)))
                });
                Value::Object(fields.collect())
            }
            SchemaKind::Type(Type::Array(_)) => json!([]),
            SchemaKind::Type(Type::Integer(_) | Type::Number(_)) => json!(0),
            SchemaKind::Type(Type::Boolean(_)) => json!(false),
            SchemaKind::Type(Type::String(string)) => {
                let first = string.enumeration.iter().flatten().next();
                match (first, &string.format) {
                    (Some(value), _) => json!(value),
                    (
                        None,
                        openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime),
                    ) => {
                        json!("2026-01-01T00:00:00.000Z")
                    }
                    (None, openapiv3::VariantOrUnknownOrEmpty::Unknown(format))
                        if format == "int64" || format == "decimal" =>
                    {
                        json!("0")
                    }
                    (None, _) => json!(""),
                }
            }
            SchemaKind::AnyOf { any_of: members } | SchemaKind::OneOf { one_of: members } => {
                members.first().map_or(Value::Null, |member| {
                    self.minimal(self.resolve(member), depth + 1)
                })
            }
            _ => json!({}),
        }
    }
}

/// The items' schema of a page's `data`.
fn page_items(object: &openapiv3::ObjectType) -> Option<ReferenceOr<Schema>> {
    match &object.properties.get("data")?.as_item()?.schema_kind {
        SchemaKind::Type(Type::Array(array)) => Some(array.items.as_ref()?.clone().unbox()),
        _ => None,
    }
}

/// A path of the v2 API.
pub(crate) fn is_v2(path: &str) -> bool {
    path.starts_with("/v2/")
}

/// A list page: `object: list`, or a v2 list.
pub(crate) fn is_list_page(schema: &Schema) -> bool {
    object_enum(schema) == Some("list") || is_v2_list(schema)
}

/// A v2 list page: `data` beside `next_page_url`, as Stripe's SDKs tell one.
pub(crate) fn is_v2_list(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::Object(object))
        if object.properties.contains_key("data") && object.properties.contains_key("next_page_url"))
}

/// The single value of an inline schema's `object` property (`list`, `search_result`).
fn object_enum(schema: &Schema) -> Option<&str> {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    let object_schema = object.properties.get("object")?.as_item()?;
    let SchemaKind::Type(Type::String(string)) = &object_schema.schema_kind else {
        return None;
    };
    match string.enumeration.as_slice() {
        [Some(value)] => Some(value),
        _ => None,
    }
}

/// Whether the last path parameter of `template` is the id of the returned
/// object: the path ends with it (`/v1/customers/{customer}`), or names the
/// object's collection just before it (`/v1/payment_intents/{intent}/confirm`
/// returning a `payment_intent`).
fn owns_last_param(template: &str, object: Option<&str>) -> bool {
    let segments: Vec<&str> = template.split('/').collect();
    let Some(last_param) = segments.iter().rposition(|s| s.starts_with('{')) else {
        return false;
    };
    if last_param == segments.len() - 1 {
        return true;
    }
    let (Some(object), Some(collection)) = (object, last_param.checked_sub(1).map(|i| segments[i]))
    else {
        return false;
    };
    let object = object.rsplit('.').next().unwrap_or(object);
    collection.strip_suffix('s') == Some(object) || collection.strip_suffix("es") == Some(object)
}

#[cfg(test)]
mod tests {
    use super::owns_last_param;

    #[test]
    fn the_last_path_parameter_is_the_object_id_when_it_names_it() {
        assert!(owns_last_param(
            "/v1/customers/{customer}",
            Some("customer")
        ));
        assert!(owns_last_param(
            "/v1/payment_intents/{intent}/confirm",
            Some("payment_intent")
        ));
        assert!(owns_last_param(
            "/v1/climate/orders/{order}/cancel",
            Some("climate.order")
        ));
        assert!(!owns_last_param(
            "/v1/customers/{customer}/discount",
            Some("discount")
        ));
        assert!(!owns_last_param("/v1/customers", Some("customer")));
    }
}
