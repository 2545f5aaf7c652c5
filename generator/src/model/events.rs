//! Typed webhook events. The spec types `event.type` as a plain string and
//! `data.object` as any object; `[events]` in the overrides says where the
//! spec lists every event type (the values a webhook endpoint can subscribe
//! to) and which two fields to type: the type becomes an open enum of those
//! values, the object becomes `Resource`, chosen by its `object` field.

use openapiv3::{ReferenceOr, SchemaKind, Type};

use crate::error::{pointer, Error, Result};
use crate::model::lower_types::enum_values;
use crate::model::{Model, TypeDef, TypeId, TypeKind, TypeRef};
use crate::naming;
use crate::parse::policy::Events;
use crate::parse::Spec;

/// The value a webhook endpoint subscribes with to mean "every event".
const ALL_EVENTS: &str = "*";

pub fn type_events(model: &mut Model, spec: &Spec, events: &Events) -> Result<()> {
    let values = event_types(spec, events)?;
    let event_type = TypeId(model.types.len());
    model.types.push(TypeDef {
        wire_name: "event_type".to_owned(),
        pointer: events.pointer(),
        rust_name: naming::type_name("event_type"),
        module: Vec::new(),
        doc: Some(format!(
            "The type of an event: every value that `{} {}` accepts in `{}`, plus `Unknown` for types added since.",
            events.types_from.method.to_uppercase(),
            events.types_from.path,
            events.types_from.parameter
        )),
        resource_id: None,
        kind: TypeKind::Enum(enum_values(values.iter())),
    });
    set_field_type(model, &events.type_field, TypeRef::Named(event_type))?;
    set_field_type(model, &events.object_field, TypeRef::AnyResource)
}

fn event_types(spec: &Spec, events: &Events) -> Result<Vec<String>> {
    let source = &events.types_from;
    let at = events.pointer();
    let not_found = |what: &str| {
        Error::at(at.clone(), format!("[events] types_from: {what}")).in_file("spec/overrides.toml")
    };
    let item = match spec.openapi.paths.paths.get(&source.path) {
        Some(ReferenceOr::Item(item)) => item,
        _ => return Err(not_found("no such path")),
    };
    let operation = match source.method.as_str() {
        "post" => item.post.as_ref(),
        "get" => item.get.as_ref(),
        "delete" => item.delete.as_ref(),
        _ => None,
    }
    .ok_or_else(|| not_found("no such operation"))?;
    let Some(ReferenceOr::Item(body)) = &operation.request_body else {
        return Err(not_found("no request body"));
    };
    let schema = body
        .content
        .get("application/x-www-form-urlencoded")
        .and_then(|media| media.schema.as_ref())
        .ok_or_else(|| not_found("no form schema"))?;
    let ReferenceOr::Item(schema) = schema else {
        return Err(not_found("the form schema is a $ref"));
    };
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Err(not_found("the form is not an object"));
    };
    let Some(ReferenceOr::Item(parameter)) = object.properties.get(&source.parameter) else {
        return Err(not_found("no such parameter"));
    };
    let SchemaKind::Type(Type::Array(array)) = &parameter.schema_kind else {
        return Err(not_found("the parameter is not an array"));
    };
    let Some(ReferenceOr::Item(items)) = &array.items else {
        return Err(not_found("the array has no inline items"));
    };
    let SchemaKind::Type(Type::String(string)) = &items.schema_kind else {
        return Err(not_found("the items are not strings"));
    };
    let values: Vec<String> = string
        .enumeration
        .iter()
        .flatten()
        .filter(|v| *v != ALL_EVENTS)
        .cloned()
        .collect();
    if values.is_empty() {
        return Err(not_found("the items list no event types"));
    }
    Ok(values)
}

/// `schema.field` (wire names) -> that field gets `ty`.
fn set_field_type(model: &mut Model, path: &str, ty: TypeRef) -> Result<()> {
    let missing = || {
        Error::new(format!(
            "[events] names `{path}`, which is not a field of the spec"
        ))
        .in_file("spec/overrides.toml")
    };
    let (type_wire, field_wire) = path.rsplit_once('.').ok_or_else(missing)?;
    let def = model
        .types
        .iter_mut()
        .find(|def| def.wire_name == type_wire)
        .ok_or_else(missing)?;
    let TypeKind::Struct(body) = &mut def.kind else {
        return Err(missing());
    };
    let field = body
        .fields
        .iter_mut()
        .find(|f| f.wire_name == field_wire)
        .ok_or_else(missing)?;
    field.ty = ty;
    Ok(())
}

impl Events {
    fn pointer(&self) -> String {
        pointer(["paths", &self.types_from.path, &self.types_from.method])
    }
}
