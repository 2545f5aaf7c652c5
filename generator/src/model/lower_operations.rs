//! Lowering of operations: every path and method of the spec becomes an
//! [`ir::Operation`](crate::model::Operation) with its group, method name, path
//! parameters, a params struct (query or form body) and a response type.
//!
//! Names come from [`naming::operation_name`] (the rule is documented
//! there); its exceptions are data in `spec/operations.toml`, parsed here as
//! [`OperationOverrides`]:
//!
//! ```toml
//! [overrides.GetAccount]            # the operationId
//! name = "retrieve_current"         # the Rust method name
//! group = "account"                 # the x-resourceId to group it under
//! # skip = "why"                    # do not generate it, and say why
//! ```
//!
//! Parameters of `GET` and `DELETE` operations (their `in: query`
//! parameters and any form body properties) are sent in the query string, as
//! Stripe's SDKs do; `POST` parameters in the form body, or as
//! `multipart/form-data` for `POST /v1/files`.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{pointer, pointer_in, Error, Result};
use crate::model::lower_types::{
    enum_values, list_kind, single_string_enum, ListKind, Lowerer, Owner,
};
use crate::model::shapes::error_members;
use crate::model::{
    ApiMode, BodyKind, Bounds, Field, Operation, Pagination, Param, SkippedOperation, Struct,
    TypeDef, TypeId, TypeKind, TypeRef, Usage,
};
use crate::naming::{self, Group, OperationFacts, Returns};
use crate::parse::policy::{OperationOverrides, Override};
use crate::parse::Spec;
use openapiv3::{
    Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody, Schema, SchemaKind,
    StatusCode, Type,
};

const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";
const JSON: &str = "application/json";

/// Where an operation sits in the spec.
struct Site<'s> {
    path: &'s str,
    item: &'s PathItem,
    /// `GET`, `POST` or `DELETE`.
    method: &'static str,
    operation: &'s openapiv3::Operation,
    /// JSON pointer of the operation.
    at: String,
    operation_id: String,
}

/// Lowers every operation of the spec into `lowerer.model.operations`, and
/// returns the overrides that name no operation of the spec.
///
/// Fails, pointing at the operation, on what it does not support and on two
/// operations of one group with the same name.
pub(crate) fn lower_operations(
    lowerer: &mut Lowerer<'_>,
    overrides: &OperationOverrides,
) -> Result<Vec<String>> {
    let mut names = Names::new(lowerer);
    let mut seen_ids: BTreeSet<String> = BTreeSet::new();
    for site in sites(lowerer.spec)? {
        seen_ids.insert(site.operation_id.clone());
        let entry = overrides
            .overrides
            .get(&site.operation_id)
            .cloned()
            .unwrap_or_default();
        if let Some(reason) = entry.skip {
            lowerer.model.skipped_operations.push(SkippedOperation {
                operation_id: site.operation_id,
                method: site.method.to_owned(),
                path: site.path.to_owned(),
                reason,
            });
            continue;
        }
        let response = success_schema(site.operation, &site.at)?;
        let (group, rust_name) = names.name(lowerer, &site, &entry, response)?;
        let mut operation = lower_operation(lowerer, &site, group, rust_name, response)?;
        operation.cli = naming::cli_spellings(
            entry.cli.as_deref().unwrap_or_default(),
            &lowerer.model.get(group).wire_name,
            &operation.rust_name,
            &operation.path,
        );
        lowerer.model.operations.push(operation);
    }
    check_cli_spellings(&lowerer.model.operations, &overrides.file)?;
    Ok(overrides
        .overrides
        .keys()
        .filter(|id| !seen_ids.contains(*id))
        .cloned()
        .collect())
}

/// No spelling of the command line names two operations, unless they take
/// different numbers of path parameters (`stripe accounts retrieve` is
/// `GET /v1/account`, `stripe accounts retrieve acct_1` is
/// `GET /v1/accounts/{account}`, as in Stripe CLI).
fn check_cli_spellings(operations: &[Operation], policy_file: &str) -> Result<()> {
    let mut taken: BTreeMap<(&[String], usize), &Operation> = BTreeMap::new();
    for operation in operations {
        for spelling in operation.cli.all() {
            let key = (spelling.as_slice(), operation.path_params.len());
            if let Some(other) = taken.insert(key, operation) {
                return Err(Error::at(
                    &operation.pointer,
                    format!(
                        "`stripe {}` would run both {} and {} with the same arguments; give one a `cli` spelling in {policy_file}",
                        spelling.join(" "),
                        other.operation_id,
                        operation.operation_id
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Every operation of the spec, in path order, then GET, POST, DELETE.
fn sites(spec: &Spec) -> Result<Vec<Site<'_>>> {
    let mut sites = Vec::new();
    let mut operation_ids: BTreeMap<&str, String> = BTreeMap::new();
    for (path, item) in &spec.openapi.paths.paths {
        let path_pointer = pointer(["paths", path]);
        check_path(path, &path_pointer)?;
        let ReferenceOr::Item(item) = item else {
            return Err(Error::at(
                path_pointer,
                "a path item that is a $ref is not supported",
            ));
        };
        if item.put.is_some()
            || item.patch.is_some()
            || item.head.is_some()
            || item.options.is_some()
            || item.trace.is_some()
        {
            return Err(Error::at(
                path_pointer,
                "only get, post and delete operations are supported",
            ));
        }
        for (method, operation) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("DELETE", &item.delete),
        ] {
            let Some(operation) = operation else { continue };
            let at = pointer(["paths", path, &method.to_ascii_lowercase()]);
            let Some(operation_id) = operation.operation_id.as_deref() else {
                return Err(Error::at(
                    &at,
                    "an operation without an operationId is not supported",
                ));
            };
            if let Some(first) = operation_ids.insert(operation_id, at.clone()) {
                return Err(Error::at(
                    &at,
                    format!("operationId `{operation_id}` is also the id of {first}"),
                ));
            }
            let operation_id = operation_id.to_owned();
            sites.push(Site {
                path,
                item,
                method,
                operation,
                at,
                operation_id,
            });
        }
    }
    Ok(sites)
}

/// A path is a template the runtime fills in and sends as it is: it starts
/// with `/`, has no `.` or `..` segment (also escaped, which a URL
/// normaliser would resolve to another endpoint), no query or fragment, no
/// whitespace or other character a request line cannot carry, and its
/// braces enclose parameter names.
fn check_path(path: &str, at: &str) -> Result<()> {
    let refuse = |why: &str| Err(Error::at(at, format!("the path {path:?} {why}")));
    if !path.starts_with('/') {
        return refuse("does not start with `/`");
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "/_-.~{}:%".contains(c);
    if let Some(c) = path.chars().find(|c| !allowed(*c)) {
        return refuse(&format!("holds {c:?}, which a path of a request cannot"));
    }
    for segment in path.split('/') {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        if decoded == "." || decoded == ".." {
            return refuse("has a `.` or `..` segment");
        }
        let mut rest = segment;
        while let Some(open) = rest.find(['{', '}']) {
            let tail = &rest[open..];
            let close = tail.find('}').filter(|_| tail.starts_with('{'));
            let name = close.map(|close| &tail[1..close]);
            if !name.is_some_and(|name| !name.is_empty() && !name.contains('{')) {
                return refuse("has a brace that encloses no parameter name");
            }
            rest = &tail[close.unwrap_or_default() + 1..];
        }
    }
    Ok(())
}

/// Gives operations their group and method name, and checks that no two
/// share both.
struct Names {
    resources: BTreeMap<String, TypeId>,
    resource_ids: BTreeSet<String>,
    units: BTreeMap<Group, TypeId>,
    /// (group, method name) -> the pointer of the operation that has it.
    taken: BTreeMap<(TypeId, String), String>,
}

impl Names {
    fn new(lowerer: &Lowerer<'_>) -> Names {
        let resources: BTreeMap<String, TypeId> = lowerer
            .model
            .resources()
            .map(|(resource_id, id)| (resource_id.to_owned(), id))
            .collect();
        Names {
            resource_ids: resources.keys().cloned().collect(),
            resources,
            units: BTreeMap::new(),
            taken: BTreeMap::new(),
        }
    }

    /// The group and method name: derived by [`naming::operation_name`],
    /// unless `spec/operations.toml` says otherwise.
    fn name(
        &mut self,
        lowerer: &mut Lowerer<'_>,
        site: &Site<'_>,
        entry: &Override,
        response: (&str, &ReferenceOr<Schema>),
    ) -> Result<(TypeId, String)> {
        let facts = OperationFacts {
            method: site.method,
            path: site.path,
            returns: returns(lowerer, response, &site.at)?,
            get_returns_object: site.method == "POST"
                && get_returns_object(lowerer, site.item, site.path)?,
        };
        let derived = naming::operation_name(&facts, &self.resource_ids);
        let group = match &entry.group {
            Some(resource_id) => Group::Resource(resource_id.clone()),
            None => derived.group,
        };
        let rust_name = entry.name.clone().unwrap_or(derived.method);
        let group = self.group_id(lowerer, site, &group)?;
        let paged = facts.returns != Returns::Object && site.method == "GET";
        self.claim(lowerer, site, group, rust_name.clone())?;
        if paged {
            self.claim(lowerer, site, group, naming::auto_paging_name(&rust_name))?;
        }
        Ok((group, rust_name))
    }

    fn group_id(
        &mut self,
        lowerer: &mut Lowerer<'_>,
        site: &Site<'_>,
        group: &Group,
    ) -> Result<TypeId> {
        match group {
            Group::Resource(resource_id) => {
                self.resources.get(resource_id).copied().ok_or_else(|| {
                    Error::at(
                        &site.at,
                        format!(
                            "override group `{resource_id}` of {} is no x-resourceId of the spec",
                            site.operation_id
                        ),
                    )
                })
            }
            Group::Unit { namespace, name } => Ok(*self
                .units
                .entry(group.clone())
                .or_insert_with(|| push_unit(lowerer, namespace.as_deref(), name, site.path))),
        }
    }

    fn claim(
        &mut self,
        lowerer: &Lowerer<'_>,
        site: &Site<'_>,
        group: TypeId,
        name: String,
    ) -> Result<()> {
        let Some(other) = self.taken.insert((group, name.clone()), site.at.clone()) else {
            return Ok(());
        };
        let group_name = &lowerer.model.get(group).wire_name;
        Err(Error::at(
            &site.at,
            format!(
                "{} and the operation at {other} would both be `{group_name}::{name}`; add an override for one of them to spec/operations.toml",
                site.operation_id
            ),
        ))
    }
}

fn push_unit(lowerer: &mut Lowerer<'_>, namespace: Option<&str>, name: &str, path: &str) -> TypeId {
    let wire_name = match namespace {
        Some(namespace) => format!("{namespace}.{name}"),
        None => name.to_owned(),
    };
    lowerer.push(TypeDef {
        wire_name,
        pointer: pointer(["paths", path]),
        rust_name: naming::unit_group_type_name(name),
        module: Vec::new(),
        doc: Some(format!(
            "The endpoints under `{}`, whose path names no resource of the spec: a type with no data that groups them.",
            path.split("/{").next().unwrap_or(path)
        )),
        resource_id: None,
        kind: TypeKind::Unit,
    })
}

/// The schema of the `200` response.
fn success_schema<'s>(
    operation: &'s openapiv3::Operation,
    at: &str,
) -> Result<(&'s str, &'s ReferenceOr<Schema>)> {
    let response = operation
        .responses
        .responses
        .get(&StatusCode::Code(200))
        .ok_or_else(|| {
            Error::at(
                format!("{at}/responses"),
                "an operation without a 200 response is not supported",
            )
        })?;
    let ReferenceOr::Item(response) = response else {
        return Err(Error::at(
            format!("{at}/responses/200"),
            "a response that is a $ref is not supported",
        ));
    };
    let (content_type, media) = response.content.iter().next().ok_or_else(|| {
        Error::at(
            format!("{at}/responses/200"),
            "a 200 response without content is not supported",
        )
    })?;
    let schema = media.schema.as_ref().ok_or_else(|| {
        Error::at(
            pointer_in(at, &["responses", "200", "content", content_type]),
            "a response without a schema is not supported",
        )
    })?;
    Ok((content_type, schema))
}

/// Whether a response is one object, a list page or a search page.
fn returns(
    lowerer: &Lowerer<'_>,
    (content_type, schema): (&str, &ReferenceOr<Schema>),
    at: &str,
) -> Result<Returns> {
    if content_type != JSON {
        return Ok(Returns::Object);
    }
    let schema = lowerer.resolve(schema, at)?;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Ok(Returns::Object);
    };
    Ok(match list_kind(object) {
        Some(ListKind::Search) => Returns::Search,
        Some(ListKind::Api | ListKind::V2) => Returns::List,
        None => Returns::Object,
    })
}

fn get_returns_object(lowerer: &Lowerer<'_>, item: &PathItem, path: &str) -> Result<bool> {
    let Some(get) = &item.get else {
        return Ok(false);
    };
    let at = pointer(["paths", path, "get"]);
    let schema = success_schema(get, &at)?;
    Ok(returns(lowerer, schema, &at)? == Returns::Object)
}

/// One operation, named: its parameters, body and response.
fn lower_operation(
    lowerer: &mut Lowerer<'_>,
    site: &Site<'_>,
    group: TypeId,
    rust_name: String,
    response: (&str, &ReferenceOr<Schema>),
) -> Result<Operation> {
    let stem = naming::operation_type_stem(&rust_name, &lowerer.model.get(group).rust_name);
    let owner = Owner {
        rust_name: stem.clone(),
        wire_name: site.operation_id.clone(),
        usage: Usage::Request,
        json: false,
    };
    let mode = ApiMode::of_path(site.path);
    let (path_params, mut fields) = lower_parameters(lowerer, site, &owner)?;
    let path_params = in_path_order(site, path_params)?;
    let mut body = lower_request_body(lowerer, site, &owner, &mut fields)?;
    let params_required = fields.iter().any(|f| !f.optional());
    // A v2 POST sends its JSON object, `{}` at least, as Stripe's SDKs do.
    if fields.is_empty() && !matches!(body, BodyKind::Multipart | BodyKind::Json) {
        body = BodyKind::None;
    }
    if mode == ApiMode::V2 && site.method == "POST" && body == BodyKind::None {
        body = BodyKind::Json;
    }
    let params = push_params(lowerer, site, &stem, fields);
    let response = lower_response(lowerer, site, &stem, response)?;
    let pagination = match (&response, site.method) {
        (TypeRef::ApiList(_), "GET") => Pagination::List,
        (TypeRef::SearchList(_), "GET") => Pagination::Search,
        (TypeRef::V2List(_), "GET") => Pagination::V2List,
        _ => Pagination::None,
    };
    if matches!(pagination, Pagination::List | Pagination::Search) {
        bound_list_limit(lowerer, params);
    }
    let error_codes = lower_error_codes(lowerer, site, &stem)?;
    let path_pointer = pointer(["paths", site.path]);
    Ok(Operation {
        operation_id: site.operation_id.clone(),
        method: site.method.to_owned(),
        path: site.path.to_owned(),
        mode,
        api_version: lowerer.spec.api_version_at(&path_pointer).to_owned(),
        server: server(site)?,
        error_codes,
        pointer: site.at.clone(),
        doc: site.operation.description.clone(),
        summary: site.operation.summary.clone(),
        deprecated: site.operation.deprecated,
        group,
        rust_name,
        cli: Default::default(),
        path_params,
        params,
        params_required,
        body,
        response,
        pagination,
    })
}

/// The `parameters` of an operation: path parameters, and the query
/// parameters of GET and DELETE as fields of the params struct.
fn lower_parameters(
    lowerer: &mut Lowerer<'_>,
    site: &Site<'_>,
    owner: &Owner,
) -> Result<(Vec<Param>, Vec<Field>)> {
    if !site.item.parameters.is_empty() {
        return Err(Error::at(
            pointer(["paths", site.path, "parameters"]),
            "path-level parameters are not supported",
        ));
    }
    let mut path_params = Vec::new();
    let mut fields = Vec::new();
    for (index, parameter) in site.operation.parameters.iter().enumerate() {
        let param_at = format!("{}/parameters/{index}", site.at);
        let ReferenceOr::Item(parameter) = parameter else {
            return Err(Error::at(
                param_at,
                "a parameter that is a $ref is not supported",
            ));
        };
        let data = parameter.parameter_data_ref();
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return Err(Error::at(
                param_at,
                "a parameter with `content` instead of `schema` is not supported",
            ));
        };
        let schema_at = format!("{param_at}/schema");
        match parameter {
            Parameter::Path { .. } => {
                let lowered =
                    lowerer.lower_schema(schema, &schema_at, &owner.member(&data.name))?;
                if lowered.ty != TypeRef::String {
                    return Err(Error::at(schema_at, "a path parameter must be a string"));
                }
                path_params.push(Param {
                    wire_name: data.name.clone(),
                    rust_name: naming::field_name(&data.name),
                    doc: data.description.clone(),
                    ty: lowered.ty,
                });
            }
            Parameter::Query { .. } if site.method != "POST" => {
                let lowered =
                    lowerer.lower_schema(schema, &schema_at, &owner.member(&data.name))?;
                if lowered.ty.holds_binary() {
                    return Err(Error::at(param_at, crate::model::BINARY_ONLY_IN_MULTIPART));
                }
                fields.push(Field {
                    wire_name: data.name.clone(),
                    rust_name: naming::field_name(&data.name),
                    doc: data.description.clone(),
                    ty: lowered.ty,
                    required: data.required,
                    nullable: lowered.nullable,
                    bounds: Bounds::of(lowerer.resolve(schema, &schema_at)?),
                    boxed: false,
                });
            }
            _ => {
                return Err(Error::at(
                    param_at,
                    "only path parameters, and query parameters of GET and DELETE, are supported",
                ))
            }
        }
    }
    let mut names: Vec<String> = path_params
        .iter()
        .map(|p: &Param| naming::argument_name(&p.rust_name))
        .collect();
    naming::deduplicate(&mut names);
    for (param, name) in path_params.iter_mut().zip(names) {
        param.rust_name = name;
    }
    Ok((path_params, fields))
}

/// Path parameters in the order the path names them; each must appear.
fn in_path_order(site: &Site<'_>, mut path_params: Vec<Param>) -> Result<Vec<Param>> {
    let mut ordered = Vec::new();
    for name in path_placeholders(site.path) {
        let index = path_params
            .iter()
            .position(|p| p.wire_name == name)
            .ok_or_else(|| {
                Error::at(
                    &site.at,
                    format!(
                        "the path names {{{name}}} but the operation has no such path parameter"
                    ),
                )
            })?;
        ordered.push(path_params.remove(index));
    }
    match path_params.first() {
        Some(extra) => Err(Error::at(
            &site.at,
            format!(
                "path parameter `{}` does not appear in the path",
                extra.wire_name
            ),
        )),
        None => Ok(ordered),
    }
}

/// Adds the properties of the request body to `fields` and says how they
/// travel: in the query (GET, DELETE), as a form (POST) or as multipart.
fn lower_request_body(
    lowerer: &mut Lowerer<'_>,
    site: &Site<'_>,
    owner: &Owner,
    fields: &mut Vec<Field>,
) -> Result<BodyKind> {
    let mut body = if site.method == "POST" {
        BodyKind::Form
    } else {
        BodyKind::Query
    };
    let Some(request_body) = &site.operation.request_body else {
        return Ok(body);
    };
    let body_at = format!("{}/requestBody", site.at);
    let ReferenceOr::Item(RequestBody { content, .. }) = request_body else {
        return Err(Error::at(
            body_at,
            "a request body that is a $ref is not supported",
        ));
    };
    let (media_type, media) = match content.iter().next() {
        Some(entry) if content.len() == 1 => entry,
        _ => {
            return Err(Error::at(
                body_at,
                "a request body must have exactly one content type",
            ))
        }
    };
    let schema_at = pointer_in(&body_at, &["content", media_type, "schema"]);
    match media_type.as_str() {
        FORM => {}
        MULTIPART if site.method == "POST" => body = BodyKind::Multipart,
        JSON if site.method == "POST" => body = BodyKind::Json,
        other => {
            return Err(Error::at(
                schema_at,
                format!("request content type {other} is not supported"),
            ))
        }
    }
    let owner = &Owner {
        json: body == BodyKind::Json,
        ..owner.clone()
    };
    let Some(schema) = &media.schema else {
        return Ok(body);
    };
    let resolved = lowerer.resolve(schema, &schema_at)?;
    if !matches!(resolved.schema_kind, SchemaKind::Type(Type::Object(_))) {
        return Err(Error::at(
            &schema_at,
            "a request body must be an object: its properties are the parameters",
        ));
    }
    let lowered: Struct = lowerer.lower_struct(resolved, &schema_at, owner)?;
    for field in lowered.fields {
        if fields.iter().any(|f| f.wire_name == field.wire_name) {
            return Err(Error::at(
                &schema_at,
                format!("`{}` is both a query and a body parameter", field.wire_name),
            ));
        }
        let sendable =
            field.ty == TypeRef::Binary && body == BodyKind::Multipart && !field.optional();
        if field.ty.holds_binary() && !sendable {
            return Err(Error::at(
                pointer_in(&schema_at, &["properties", &field.wire_name]),
                crate::model::BINARY_ONLY_IN_MULTIPART,
            ));
        }
        fields.push(field);
    }
    Ok(body)
}

/// The params struct of an operation, with unique field names.
/// A v1 list's `limit` gets the policy's bounds where the spec gives none.
fn bound_list_limit(lowerer: &mut Lowerer<'_>, params: TypeId) {
    let Some(limit) = lowerer.overrides.list_limit else {
        return;
    };
    let TypeKind::Struct(body) = &mut lowerer.model.types[params.0].kind else {
        return;
    };
    if let Some(field) = body
        .fields
        .iter_mut()
        .find(|f| f.wire_name == "limit" && f.bounds.is_none())
    {
        field.bounds.minimum = Some(limit.minimum as f64);
        field.bounds.maximum = Some(limit.maximum as f64);
    }
}

fn push_params(
    lowerer: &mut Lowerer<'_>,
    site: &Site<'_>,
    stem: &str,
    mut fields: Vec<Field>,
) -> TypeId {
    let mut names: Vec<String> = fields.iter().map(|f| f.rust_name.clone()).collect();
    naming::deduplicate(&mut names);
    for (field, name) in fields.iter_mut().zip(names) {
        field.rust_name = name;
    }
    lowerer.push(TypeDef {
        wire_name: format!("{}.params", site.operation_id),
        pointer: site.at.clone(),
        rust_name: naming::params_type_name(stem),
        module: Vec::new(),
        doc: Some(if fields.is_empty() {
            format!(
                "Parameters of `{} {}`: none yet. Taken anyway, so that a parameter Stripe adds is no breaking change.",
                site.method, site.path
            )
        } else {
            format!("Parameters of `{} {}`.", site.method, site.path)
        }),
        resource_id: None,
        kind: TypeKind::Struct(Struct {
            fields,
            object_name: None,
            deleted: false,
            usage: Usage::Request,
            extra: None,
            // Stripe takes no top-level parameter it does not list.
            closed: true,
        }),
    })
}

/// The type of the `200` response: JSON, or raw bytes for a binary body.
fn lower_response(
    lowerer: &mut Lowerer<'_>,
    site: &Site<'_>,
    stem: &str,
    (content_type, schema): (&str, &ReferenceOr<Schema>),
) -> Result<TypeRef> {
    let at = pointer_in(
        &site.at,
        &["responses", "200", "content", content_type, "schema"],
    );
    if content_type == JSON {
        let owner = Owner {
            rust_name: naming::response_type_name(stem),
            wire_name: format!("{}.response", site.operation_id),
            usage: Usage::Response,
            json: false,
        };
        return Ok(lowerer.lower_schema(schema, &at, &owner)?.ty);
    }
    if is_binary_string(lowerer.resolve(schema, &at)?) {
        // `application/pdf` and the like: the bytes, undecoded.
        return Ok(TypeRef::RawBody);
    }
    Err(Error::at(
        at,
        format!("a {content_type} response is supported only as `type: string, format: binary`"),
    ))
}

/// The codes of the errors an operation's `default` response lists (each a
/// `oneOf` member that fixes `error.code`), as an open enum, `{stem}ErrorCode`.
fn lower_error_codes(
    lowerer: &mut Lowerer<'_>,
    site: &Site<'_>,
    stem: &str,
) -> Result<Option<TypeId>> {
    let Some(default) = &site.operation.responses.default else {
        return Ok(None);
    };
    let Some(members) = error_members(default) else {
        return Ok(None);
    };
    let mut codes: Vec<String> = Vec::new();
    for member in &members {
        let Some(ReferenceOr::Item(schema)) = lowerer.spec.schemas().get(member) else {
            continue;
        };
        if let Some(code) = fixed_error_code(schema) {
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
    }
    if codes.is_empty() {
        return Ok(None);
    }
    let id = lowerer.push(TypeDef {
        wire_name: format!("{}.error_code", site.operation_id),
        pointer: format!("{}/responses/default", site.at),
        rust_name: naming::error_code_type_name(stem),
        module: Vec::new(),
        doc: Some(format!(
            "The error codes Stripe's spec lists for `{} {}`: `ApiError::code_as` reads an error's code as one of them (a code it does not list as `Unknown`).",
            site.method, site.path
        )),
        resource_id: None,
        kind: TypeKind::Enum(enum_values(codes.iter())),
    });
    lowerer.model.open_enums.insert(id);
    Ok(Some(id))
}

/// The one `code` an error shape fixes: `{error: {code: {enum: [x]}}}`.
fn fixed_error_code(schema: &Schema) -> Option<String> {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    let Some(ReferenceOr::Item(error)) = object.properties.get("error") else {
        return None;
    };
    let SchemaKind::Type(Type::Object(error)) = &error.schema_kind else {
        return None;
    };
    match error.properties.get("code") {
        Some(ReferenceOr::Item(code)) => single_string_enum(code).map(str::to_owned),
        _ => None,
    }
}

/// The operation's own server (`servers` of the operation), when it has
/// one: an `https` origin of Stripe's (`files.stripe.com`,
/// `meter-events.stripe.com`), where the client sends its requests, and
/// with them the secret key; a spec cannot send them anywhere else.
fn server(site: &Site<'_>) -> Result<Option<String>> {
    let Some(server) = site.operation.servers.first() else {
        return Ok(None);
    };
    let url = server.url.as_str();
    let host = url
        .strip_prefix("https://")
        .map(|rest| rest.trim_end_matches('/'));
    let valid = host.is_some_and(|host| {
        host.strip_suffix(".stripe.com")
            .is_some_and(|name| !name.is_empty())
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    });
    if !valid {
        return Err(Error::at(
            format!("{}/servers/0/url", site.at),
            format!("the server {url:?} is not an https origin of Stripe's (`https://<name>.stripe.com/`)"),
        ));
    }
    Ok(Some(url.to_owned()))
}

/// `type: string, format: binary`: a body of bytes.
fn is_binary_string(schema: &Schema) -> bool {
    matches!(
        &schema.schema_kind,
        SchemaKind::Type(Type::String(string))
            if string.format == openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)
    )
}

/// `{name}` placeholders of a path, in order.
pub fn path_placeholders(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}
