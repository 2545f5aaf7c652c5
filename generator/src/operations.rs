//! Lowering of operations: every path and method of the spec becomes an
//! [`ir::Operation`](crate::ir::Operation) with its group, method name, path
//! parameters, a params struct (query or form body) and a response type.
//!
//! Names come from [`naming::operation_name`] (the rule is documented
//! there); its exceptions are data in `spec/operations.toml`, parsed here as
//! [`Overrides`]:
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

use openapiv3::{
    Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody, Schema, SchemaKind,
    StatusCode, Type,
};
use serde::Deserialize;

use crate::error::{pointer, Error, Result};
use crate::ir::{
    BodyKind, Field, Operation, Pagination, Param, SkippedOperation, Struct, TypeDef, TypeId,
    TypeKind, TypeRef, Usage,
};
use crate::lower::{single_string_enum, Lowerer, Owner};
use crate::naming::{self, Group, OperationFacts, Returns};

const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";
const JSON: &str = "application/json";

/// The exceptions to the naming rule: `spec/operations.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// By `operationId`.
    #[serde(default)]
    pub overrides: BTreeMap<String, Override>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The Rust method name, instead of the derived one.
    pub name: Option<String>,
    /// The `x-resourceId` of the resource to group the operation under.
    pub group: Option<String>,
    /// Do not generate the operation; the text says why.
    pub skip: Option<String>,
}

impl Overrides {
    pub fn parse(file: &str, text: &str) -> Result<Overrides> {
        let overrides: Overrides = toml::from_str(text)
            .map_err(|e| Error::new(format!("invalid operation overrides: {e}")).in_file(file))?;
        for (operation_id, entry) in &overrides.overrides {
            if let Some(name) = &entry.name {
                if naming::field_name(name) != *name {
                    return Err(Error::new(format!(
                        "[overrides.{operation_id}] name `{name}` is not a snake_case Rust identifier"
                    ))
                    .in_file(file));
                }
            }
        }
        Ok(overrides)
    }
}

/// Lowers every operation of the spec into `lowerer.model.operations`.
///
/// Fails, pointing at the operation, on what it does not support, on an
/// override for an operation the spec does not have, and on two operations
/// of one group with the same name.
pub(crate) fn lower_operations(lowerer: &mut Lowerer<'_>, overrides: &Overrides) -> Result<()> {
    let resources: BTreeMap<String, TypeId> = lowerer
        .model
        .resources()
        .map(|(resource_id, id)| (resource_id.to_owned(), id))
        .collect();
    let resource_ids: BTreeSet<String> = resources.keys().cloned().collect();
    let mut units: BTreeMap<Group, TypeId> = BTreeMap::new();
    // (group, method name) -> the pointer of the operation that has it.
    let mut taken: BTreeMap<(TypeId, String), String> = BTreeMap::new();
    let mut seen_ids: BTreeSet<String> = BTreeSet::new();

    let spec = lowerer.spec;
    for (path, item) in &spec.openapi.paths.paths {
        let path_pointer = pointer(["paths", path]);
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
            let operation_id = operation.operation_id.clone().ok_or_else(|| {
                Error::at(&at, "an operation without an operationId is not supported")
            })?;
            seen_ids.insert(operation_id.clone());
            let entry = overrides
                .overrides
                .get(&operation_id)
                .cloned()
                .unwrap_or_default();
            if let Some(reason) = entry.skip {
                lowerer.model.skipped_operations.push(SkippedOperation {
                    operation_id,
                    method: method.to_owned(),
                    path: path.clone(),
                    reason,
                });
                continue;
            }

            let response_schema = success_schema(operation, &at)?;
            let facts = OperationFacts {
                method,
                path,
                returns: returns(lowerer, response_schema, &at)?,
                get_returns_object: method == "POST" && get_returns_object(lowerer, item, path)?,
            };
            let derived = naming::operation_name(&facts, &resource_ids);
            let group = match &entry.group {
                Some(resource_id) => Group::Resource(resource_id.clone()),
                None => derived.group,
            };
            let rust_name = entry.name.unwrap_or(derived.method);
            let group_id = match &group {
                Group::Resource(resource_id) => *resources.get(resource_id).ok_or_else(|| {
                    Error::at(&at, format!("override group `{resource_id}` of {operation_id} is no x-resourceId of the spec"))
                })?,
                Group::Unit { namespace, name } => *units
                    .entry(group.clone())
                    .or_insert_with(|| push_unit(lowerer, namespace.as_deref(), name, path)),
            };
            for name in [
                Some(rust_name.clone()),
                (facts.returns != Returns::Object && method == "GET")
                    .then(|| naming::auto_paging_name(&rust_name)),
            ]
            .into_iter()
            .flatten()
            {
                if let Some(other) = taken.insert((group_id, name.clone()), at.clone()) {
                    let group_name = &lowerer.model.get(group_id).wire_name;
                    return Err(Error::at(
                        &at,
                        format!(
                            "{operation_id} and the operation at {other} would both be `{group_name}::{name}`; add an override for one of them to spec/operations.toml"
                        ),
                    ));
                }
            }

            let stem =
                naming::operation_type_stem(&rust_name, &lowerer.model.get(group_id).rust_name);
            let lowered = lower_operation(
                lowerer,
                item,
                operation,
                method,
                path,
                &at,
                &operation_id,
                &stem,
                response_schema,
            )?;
            lowerer.model.operations.push(Operation {
                operation_id,
                method: method.to_owned(),
                path: path.clone(),
                pointer: at,
                doc: operation.description.clone(),
                summary: operation.summary.clone(),
                deprecated: operation.deprecated,
                group: group_id,
                rust_name,
                ..lowered
            });
        }
    }
    if let Some(unknown) = overrides
        .overrides
        .keys()
        .find(|id| !seen_ids.contains(*id))
    {
        return Err(Error::new(format!(
            "spec/operations.toml overrides `{unknown}`, which is no operationId of the spec"
        )));
    }
    Ok(())
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

fn pointer_in(at: &str, tokens: &[&str]) -> String {
    let tail = pointer(tokens.iter().copied());
    format!("{at}{}", &tail[1..])
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
    let kind = match object.properties.get("object") {
        Some(ReferenceOr::Item(object_field)) => single_string_enum(object_field),
        _ => None,
    };
    Ok(match kind {
        Some("list") => Returns::List,
        Some("search_result") => Returns::Search,
        _ => Returns::Object,
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

/// The parts of an [`Operation`] that come from its parameters and response.
#[allow(clippy::too_many_arguments)]
fn lower_operation(
    lowerer: &mut Lowerer<'_>,
    item: &PathItem,
    operation: &openapiv3::Operation,
    method: &str,
    path: &str,
    at: &str,
    operation_id: &str,
    stem: &str,
    (content_type, response_schema): (&str, &ReferenceOr<Schema>),
) -> Result<Operation> {
    let owner = Owner {
        rust_name: stem.to_owned(),
        wire_name: operation_id.to_owned(),
        usage: Usage::Request,
    };
    let mut path_params = Vec::new();
    let mut fields = Vec::new();
    if !item.parameters.is_empty() {
        return Err(Error::at(
            pointer(["paths", path, "parameters"]),
            "path-level parameters are not supported",
        ));
    }
    for (index, parameter) in operation.parameters.iter().enumerate() {
        let param_at = format!("{at}/parameters/{index}");
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
            Parameter::Query { .. } if method != "POST" => {
                let resolved_doc = data.description.clone();
                let lowered =
                    lowerer.lower_schema(schema, &schema_at, &owner.member(&data.name))?;
                fields.push(Field {
                    wire_name: data.name.clone(),
                    rust_name: naming::field_name(&data.name),
                    doc: resolved_doc,
                    ty: lowered.ty,
                    required: data.required,
                    nullable: lowered.nullable,
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
    // Path parameters in the order the path names them.
    let mut ordered = Vec::new();
    for name in path_placeholders(path) {
        let index = path_params
            .iter()
            .position(|p: &Param| p.wire_name == name)
            .ok_or_else(|| {
                Error::at(
                    at,
                    format!(
                        "the path names {{{name}}} but the operation has no such path parameter"
                    ),
                )
            })?;
        ordered.push(path_params.remove(index));
    }
    if let Some(extra) = path_params.first() {
        return Err(Error::at(
            at,
            format!(
                "path parameter `{}` does not appear in the path",
                extra.wire_name
            ),
        ));
    }

    let mut body = if method == "POST" {
        BodyKind::Form
    } else {
        BodyKind::Query
    };
    if let Some(request_body) = &operation.request_body {
        let body_at = format!("{at}/requestBody");
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
            MULTIPART if method == "POST" => body = BodyKind::Multipart,
            other => {
                return Err(Error::at(
                    schema_at,
                    format!("request content type {other} is not supported"),
                ))
            }
        }
        if let Some(schema) = &media.schema {
            let resolved = lowerer.resolve(schema, &schema_at)?;
            let lowered: Struct = lowerer.lower_struct(resolved, &schema_at, &owner)?;
            for field in lowered.fields {
                if fields
                    .iter()
                    .any(|f: &Field| f.wire_name == field.wire_name)
                {
                    return Err(Error::at(
                        &schema_at,
                        format!("`{}` is both a query and a body parameter", field.wire_name),
                    ));
                }
                if field.ty == TypeRef::Binary && (body != BodyKind::Multipart || field.optional())
                {
                    return Err(Error::at(
                        &schema_at,
                        format!("binary field `{}` is supported only as a required field of a multipart body", field.wire_name),
                    ));
                }
                fields.push(field);
            }
        }
    }

    let params_required = fields.iter().any(|f| !f.optional());
    let params = if fields.is_empty() {
        if body != BodyKind::Multipart {
            body = BodyKind::None;
        }
        None
    } else {
        let mut names: Vec<String> = fields.iter().map(|f| f.rust_name.clone()).collect();
        naming::deduplicate(&mut names);
        for (field, name) in fields.iter_mut().zip(names) {
            field.rust_name = name;
        }
        Some(lowerer.push(TypeDef {
            wire_name: format!("{operation_id}.params"),
            pointer: at.to_owned(),
            rust_name: naming::params_type_name(stem),
            module: Vec::new(),
            doc: Some(format!("Parameters of `{method} {path}`.")),
            resource_id: None,
            kind: TypeKind::Struct(Struct {
                fields,
                object_name: None,
                deleted: false,
                usage: Usage::Request,
            }),
        }))
    };

    let response_at = pointer_in(at, &["responses", "200", "content", content_type, "schema"]);
    let response = if content_type == JSON {
        let response_owner = Owner {
            rust_name: naming::response_type_name(stem),
            wire_name: format!("{operation_id}.response"),
            usage: Usage::Response,
        };
        lowerer
            .lower_schema(response_schema, &response_at, &response_owner)?
            .ty
    } else if is_binary_string(lowerer.resolve(response_schema, &response_at)?) {
        // `application/pdf` and the like: the bytes, undecoded.
        TypeRef::RawBody
    } else {
        return Err(Error::at(
            response_at,
            format!(
                "a {content_type} response is supported only as `type: string, format: binary`"
            ),
        ));
    };
    let pagination = match (&response, method) {
        (TypeRef::ApiList(_), "GET") => Pagination::List,
        (TypeRef::SearchList(_), "GET") => Pagination::Search,
        _ => Pagination::None,
    };
    Ok(Operation {
        operation_id: operation_id.to_owned(),
        method: method.to_owned(),
        path: path.to_owned(),
        pointer: at.to_owned(),
        doc: None,
        summary: None,
        deprecated: false,
        group: TypeId(0),
        rust_name: String::new(),
        path_params: ordered,
        params,
        params_required,
        body,
        response,
        pagination,
    })
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
