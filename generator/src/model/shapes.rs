//! Facts about the spec's schemas that lowering needs before it starts:
//! which components are v2 resources (v2 schemas carry no `x-resourceId`)
//! and which only describe errors.

use std::collections::BTreeSet;

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, StatusCode, Type};

use crate::model::lower_types::{list_kind, single_string_enum};
use crate::model::ApiMode;
use crate::parse::Spec;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// The components a v2 path returns (an object, or the items of a v2 list)
/// whose `object` is their own name and that have no `x-resourceId`: the
/// v2 resources (`v2.core.event_destination`), known by their `object` and
/// their paths.
pub(crate) fn v2_resources(spec: &Spec) -> BTreeSet<String> {
    let mut returned = BTreeSet::new();
    for (path, item) in &spec.openapi.paths.paths {
        let Some(item) = item.as_item() else { continue };
        if ApiMode::of_path(path) != ApiMode::V2 {
            continue;
        }
        for operation in item.iter().map(|(_, operation)| operation) {
            let Some(ReferenceOr::Item(response)) =
                operation.responses.responses.get(&StatusCode::Code(200))
            else {
                continue;
            };
            for media in response.content.values() {
                returned.extend(media.schema.as_ref().and_then(returned_component));
            }
        }
    }
    returned
        .into_iter()
        .filter(|name| match spec.schemas().get(name) {
            Some(ReferenceOr::Item(schema)) => names_itself(schema, name),
            _ => false,
        })
        .collect()
}

/// The component a response returns: a `$ref`, or the `$ref` of the items
/// of a list page.
fn returned_component(schema: &ReferenceOr<Schema>) -> Option<String> {
    match schema {
        ReferenceOr::Reference { reference } => component(reference),
        ReferenceOr::Item(schema) => {
            let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
                return None;
            };
            list_kind(object)?;
            let Some(ReferenceOr::Item(data)) = object.properties.get("data") else {
                return None;
            };
            match &data.schema_kind {
                SchemaKind::Type(Type::Array(array)) => match array.items.as_ref()? {
                    ReferenceOr::Reference { reference } => component(reference),
                    ReferenceOr::Item(_) => None,
                },
                _ => None,
            }
        }
    }
}

/// No `x-resourceId`, and an `object` whose one value is the schema's name.
fn names_itself(schema: &Schema, name: &str) -> bool {
    if schema.schema_data.extensions.contains_key("x-resourceId") {
        return false;
    }
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return false;
    };
    match object.properties.get("object") {
        Some(ReferenceOr::Item(field)) => single_string_enum(field) == Some(name),
        _ => false,
    }
}

/// The components that only the `oneOf` of operations' `default` (error)
/// responses name (v2's `v2.error.*`): the error codes they fix become an
/// enum per operation, and no type is made of them.
pub(crate) fn error_shapes(spec: &Spec) -> BTreeSet<String> {
    let mut in_errors = BTreeSet::new();
    let mut elsewhere = BTreeSet::new();
    for item in spec.openapi.paths.paths.values() {
        let Some(item) = item.as_item() else { continue };
        for (_, operation) in item.iter() {
            for response in operation.responses.responses.values() {
                refs_of_response(response, &mut elsewhere);
            }
            let Some(default) = &operation.responses.default else {
                continue;
            };
            match error_members(default) {
                Some(members) => in_errors.extend(members),
                None => refs_of_response(default, &mut elsewhere),
            }
            for parameter in &operation.parameters {
                if let ReferenceOr::Item(parameter) = parameter {
                    if let openapiv3::ParameterSchemaOrContent::Schema(schema) =
                        &parameter.parameter_data_ref().format
                    {
                        collect_refs([schema], &mut elsewhere);
                    }
                }
            }
            if let Some(ReferenceOr::Item(body)) = &operation.request_body {
                let schemas = body.content.values().filter_map(|m| m.schema.as_ref());
                collect_refs(schemas, &mut elsewhere);
            }
        }
    }
    collect_refs(spec.schemas().values(), &mut elsewhere);
    in_errors.difference(&elsewhere).cloned().collect()
}

/// The components of an error response's `oneOf` (`None` when it is not
/// one of `$ref`s).
pub(crate) fn error_members(response: &ReferenceOr<openapiv3::Response>) -> Option<Vec<String>> {
    let ReferenceOr::Item(response) = response else {
        return None;
    };
    let media = response.content.values().next()?;
    let Some(ReferenceOr::Item(schema)) = &media.schema else {
        return None;
    };
    let SchemaKind::OneOf { one_of } = &schema.schema_kind else {
        return None;
    };
    one_of
        .iter()
        .map(|member| match member {
            ReferenceOr::Reference { reference } => component(reference),
            ReferenceOr::Item(_) => None,
        })
        .collect()
}

fn refs_of_response(response: &ReferenceOr<openapiv3::Response>, out: &mut BTreeSet<String>) {
    if let ReferenceOr::Item(response) = response {
        collect_refs(
            response.content.values().filter_map(|m| m.schema.as_ref()),
            out,
        );
    }
}

fn component(reference: &str) -> Option<String> {
    let token = reference.strip_prefix(SCHEMA_PREFIX)?;
    Some(token.replace("~1", "/").replace("~0", "~"))
}

/// Every component named by a `$ref` in `roots` or below them. Keeps its
/// own stack: a hostile spec's nesting costs memory, not the thread's stack.
fn collect_refs<'s>(
    roots: impl IntoIterator<Item = &'s ReferenceOr<Schema>>,
    out: &mut BTreeSet<String>,
) {
    let mut stack: Vec<&Schema> = Vec::new();
    for root in roots {
        push(root, &mut stack, out);
    }
    while let Some(schema) = stack.pop() {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                for property in object.properties.values() {
                    push(property, &mut stack, out);
                }
                if let Some(AdditionalProperties::Schema(values)) = &object.additional_properties {
                    push(values, &mut stack, out);
                }
            }
            SchemaKind::Type(Type::Array(array)) => {
                if let Some(items) = &array.items {
                    push(items, &mut stack, out);
                }
            }
            SchemaKind::OneOf { one_of: all }
            | SchemaKind::AnyOf { any_of: all }
            | SchemaKind::AllOf { all_of: all } => {
                for member in all {
                    push(member, &mut stack, out);
                }
            }
            SchemaKind::Not { not } => push(not, &mut stack, out),
            SchemaKind::Any(any) => {
                for property in any.properties.values() {
                    push(property, &mut stack, out);
                }
                if let Some(items) = &any.items {
                    push(items, &mut stack, out);
                }
                if let Some(AdditionalProperties::Schema(values)) = &any.additional_properties {
                    push(values, &mut stack, out);
                }
                for member in any.one_of.iter().chain(&any.any_of).chain(&any.all_of) {
                    push(member, &mut stack, out);
                }
                if let Some(not) = &any.not {
                    push(not, &mut stack, out);
                }
            }
            SchemaKind::Type(_) => {}
        }
    }
}

/// A `$ref`'s component into `out`, an inline schema onto the stack.
fn push<'s, T: std::borrow::Borrow<Schema>>(
    schema: &'s ReferenceOr<T>,
    stack: &mut Vec<&'s Schema>,
    out: &mut BTreeSet<String>,
) {
    match schema {
        ReferenceOr::Reference { reference } => out.extend(component(reference)),
        ReferenceOr::Item(schema) => stack.push(schema.borrow()),
    }
}
