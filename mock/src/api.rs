//! The API the mock serves: the merged spec, a route for every path of it,
//! and the fixtures its responses are made from.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use openapiv3::{Operation, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::{json, Value};
use stripe_codegen::{SourceDocument, Spec};

use crate::validate::Validator;

/// The spec documents of the default input, merged in this order (as
/// `spec/stripe.toml` lists them for the generator).
pub const SPEC_DOCUMENTS: [&str; 4] = [
    "spec3.2023-08-16.yaml",
    "excerpt.climate-forwarding.2026.yaml",
    "excerpt.crypto-onramp.2026-preview.yaml",
    "crypto-onramp-quotes.api-reference.yaml",
];
/// Example objects of the 2023-08-16 spec, keyed by `x-resourceId`.
pub const FIXTURES: &str = "fixtures3.2023-08-16.json";
/// Example objects of a 2026 spec: the only source for the resources of the
/// excerpt ([`is_2026_resource`]).
pub const FIXTURES_2026: &str = "fixtures3.2026-07-29.json";

/// Example objects of the Crypto Onramp documents (`crypto.*`), the only
/// source of them.
pub const FIXTURES_CRYPTO: &str = "fixtures.crypto-onramp.json";
/// Every fixtures file of the default input.
pub const FIXTURES_FILES: [&str; 3] = [FIXTURES, FIXTURES_2026, FIXTURES_CRYPTO];

/// The fixtures file a resource's example object is taken from: the one of
/// the document that defines it. The 2026 file has newer objects of most
/// 2023 resources too, but only its Climate and Forwarding ones fit the
/// default input's schemas.
pub fn fixtures_file_of(resource_id: &str) -> &'static str {
    if resource_id.starts_with("crypto.") {
        FIXTURES_CRYPTO
    } else if resource_id.starts_with("climate.") || resource_id == "forwarding.request" {
        FIXTURES_2026
    } else {
        FIXTURES
    }
}

/// The folder of the spec documents, looked up as `cargo xtask codegen`
/// does: `$STRIPE_SPEC_DIR`, else `target/stripe-openapi` of the workspace
/// (where `cargo xtask spec fetch` writes) when it exists, else
/// `../shared/stripe-openapi` beside the workspace.
pub fn spec_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("STRIPE_SPEC_DIR").filter(|dir| !dir.is_empty()) {
        return dir.into();
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let fetched = workspace.join("target/stripe-openapi");
    if fetched.is_dir() {
        fetched
    } else {
        workspace.join("../shared/stripe-openapi")
    }
}

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

impl Api {
    /// The API of the default input, loaded from [`spec_dir`] on first use.
    pub fn shared() -> Result<Arc<Api>, LoadError> {
        static SHARED: OnceLock<Result<Arc<Api>, LoadError>> = OnceLock::new();
        SHARED
            .get_or_init(|| Api::load(&spec_dir()).map(Arc::new))
            .clone()
    }

    /// Loads [`SPEC_DOCUMENTS`] and [`FIXTURES_FILES`] from `dir`.
    pub fn load(dir: &Path) -> Result<Api, LoadError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|e| {
                LoadError(format!(
                    "cannot read {}: {e} (set STRIPE_SPEC_DIR to the folder of the Stripe OpenAPI documents)",
                    path.display()
                ))
            })
        };
        let documents = SPEC_DOCUMENTS
            .iter()
            .map(|name| {
                Ok(SourceDocument {
                    name: (*name).to_owned(),
                    text: read(name)?,
                })
            })
            .collect::<Result<Vec<_>, LoadError>>()?;
        let spec = Spec::parse(&documents).map_err(|e| LoadError(e.to_string()))?;
        let resources = |name: &str| -> Result<serde_json::Map<String, Value>, LoadError> {
            let mut file: Value = serde_json::from_str(&read(name)?)
                .map_err(|e| LoadError(format!("{name}: {e}")))?;
            match file.get_mut("resources").map(Value::take) {
                Some(Value::Object(resources)) => Ok(resources),
                _ => Err(LoadError(format!("{name}: no `resources` object"))),
            }
        };
        let mut fixtures: HashMap<String, Value> = HashMap::new();
        for file in FIXTURES_FILES {
            fixtures.extend(
                resources(file)?
                    .into_iter()
                    .filter(|(id, _)| fixtures_file_of(id) == file),
            );
        }
        Ok(Api::new(spec, fixtures))
    }

    /// An API from a parsed spec and fixtures by `x-resourceId`.
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
        }
    }

    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// The fixture of a resource, by `x-resourceId`.
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

    fn operation(&self, template: &str, method: &str) -> Option<&Operation> {
        let item = self.spec.openapi.paths.paths.get(template)?.as_item()?;
        match method {
            "GET" => item.get.as_ref(),
            "POST" => item.post.as_ref(),
            "DELETE" => item.delete.as_ref(),
            _ => None,
        }
    }

    /// The content types the operation's request body may have, in spec
    /// order (`application/x-www-form-urlencoded`, or `multipart/form-data`
    /// for file uploads).
    pub fn body_content_types<'a>(&self, operation: &'a Operation) -> Vec<&'a str> {
        operation
            .request_body
            .as_ref()
            .and_then(ReferenceOr::as_item)
            .map(|body| body.content.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// Whether the operation's 200 response is a list page (`object: list`).
    pub fn lists(&self, operation: &Operation) -> bool {
        self.json_response(operation)
            .map(|schema| self.resolve(schema))
            .and_then(object_enum)
            == Some("list")
    }

    /// The schema of the resource whose objects say `object: <object>`.
    pub fn resource_schema(&self, object: &str) -> Option<&Schema> {
        self.spec
            .schemas()
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
    /// result, a page holding one example item.
    fn example(&self, schema: &ReferenceOr<Schema>, path: &str) -> Option<Value> {
        let schema = self.resolve(schema);
        if let Some(fixture) = schema
            .schema_data
            .extensions
            .get("x-resourceId")
            .and_then(Value::as_str)
            .and_then(|id| self.fixtures.get(id))
        {
            return Some(fixture.clone());
        }
        match &schema.schema_kind {
            SchemaKind::AnyOf { any_of } | SchemaKind::OneOf { one_of: any_of } => any_of
                .iter()
                .find_map(|variant| self.example(variant, path)),
            SchemaKind::Type(Type::Object(object)) => {
                let page = object_enum(schema)?;
                let items = match object.properties.get("data")?.as_item()?.schema_kind {
                    SchemaKind::Type(Type::Array(ref array)) => {
                        array.items.as_ref()?.clone().unbox()
                    }
                    _ => return None,
                };
                let item = self.example(&items, path)?;
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
