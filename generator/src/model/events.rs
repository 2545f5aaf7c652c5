//! Typed webhook events. The spec types `event.type` as a plain string and
//! `data.object` as any object; `[events]` in the overrides says where the
//! spec lists every event type (the values a webhook endpoint can subscribe
//! to) and which two fields to type: the type becomes an open enum of those
//! values, the object becomes `Resource`, chosen by its `object` field.
//!
//! Each event type also gets the type of the object it carries, found by
//! [`object_of`]'s rule from the type's name and the spec's resources; the
//! rule's exceptions are `[events] objects` and `untyped`.

use openapiv3::{ReferenceOr, SchemaKind, Type};

use crate::error::{pointer, Error, Result};
use crate::model::lower_types::enum_values;
use crate::model::{
    EventFields, EventObject, Model, RelatedObject, Struct, ThinEventFields, ThinEventType,
    ThinEvents, TypeDef, TypeId, TypeKind, TypeRef,
};
use crate::naming;
use crate::parse::policy::{self, Events};
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
    let TypeKind::Enum(variants) = &model.get(event_type).kind else {
        unreachable!("pushed as an enum just above")
    };
    let variants: Vec<String> = variants.iter().map(|v| v.rust_name.clone()).collect();
    set_field_type(model, &events.type_field, TypeRef::Named(event_type))?;
    set_field_type(model, &events.object_field, TypeRef::AnyResource)?;
    model.event_objects = event_objects(model, &values, &variants, events)?;
    model.event_fields = event_fields(model, events);
    Ok(())
}

/// Where an event keeps its type and object: `type_field` must be a field
/// of the event, `object_field` one of a required struct field of it.
fn event_fields(model: &Model, events: &Events) -> Option<EventFields> {
    let (event_wire, type_wire) = events.type_field.rsplit_once('.')?;
    let (data_wire, object_wire) = events.object_field.rsplit_once('.')?;
    let struct_named = |wire: &str| {
        model
            .types
            .iter()
            .enumerate()
            .find_map(|(i, def)| match &def.kind {
                TypeKind::Struct(body) if def.wire_name == wire => Some((TypeId(i), body)),
                _ => None,
            })
    };
    let (event, event_body) = struct_named(event_wire)?;
    let (data, data_body) = struct_named(data_wire)?;
    let required_field = |body: &crate::model::Struct,
                          pick: &dyn Fn(&crate::model::Field) -> bool| {
        body.fields
            .iter()
            .find(|f| !f.optional() && !f.boxed && pick(f))
            .map(|f| f.rust_name.clone())
    };
    let type_field = required_field(event_body, &|f| f.wire_name == type_wire)?;
    let data_field = required_field(event_body, &|f| f.ty == TypeRef::Named(data))?;
    let object_field = required_field(data_body, &|f| f.wire_name == object_wire)?;
    Some(EventFields {
        event,
        type_path: vec![type_field],
        object_path: vec![data_field, object_field],
    })
}

/// Types thin events, when the spec has the thin event resource
/// (`[thin_events] event`) and a `GET` of it by id: each type of
/// `[thin_events] types` becomes a variant of `EventNotification`, whose
/// related object is the resource of that `object`, or JSON when the spec
/// has none. A thin event resource without the fields a notification is
/// read by is an error.
pub fn type_thin_events(model: &mut Model, spec: &Spec, thin: &policy::ThinEvents) -> Result<()> {
    let Some((_, event)) = model.resources().find(|(id, _)| *id == thin.event) else {
        return Ok(());
    };
    let def = model.get(event);
    let TypeKind::Struct(body) = &def.kind else {
        return Ok(());
    };
    let fields = thin_event_fields(model, body).map_err(|why| {
        Error::at(
            &def.pointer,
            format!("`{}` is no thin event: {why}", thin.event),
        )
    })?;
    let Some(retrieve) = model.operations.iter().find(|op| {
        op.group == event
            && op.method == "GET"
            && op.path_params.len() == 1
            && op.page_item().is_none()
    }) else {
        return Ok(());
    };
    let retrieve_path = retrieve.path.replace(
        &format!("{{{}}}", retrieve.path_params[0].wire_name),
        "{id}",
    );
    let api_version = retrieve.api_version.clone();
    let mut variants: Vec<String> = thin.types.keys().map(|t| naming::variant_name(t)).collect();
    naming::deduplicate(&mut variants);
    let types = thin
        .types
        .iter()
        .zip(variants)
        .map(|((event_type, object), variant)| ThinEventType {
            event_type: event_type.clone(),
            variant,
            related: related_object(model, spec, object),
        })
        .collect();
    model.thin_events = Some(ThinEvents {
        event,
        retrieve_path,
        api_version,
        fields,
        types,
    });
    Ok(())
}

/// What a thin event type relates to: the resource whose `object` is
/// `object`, else JSON; nothing for `""`.
fn related_object(model: &Model, spec: &Spec, object: &str) -> RelatedObject {
    if object.is_empty() {
        return RelatedObject::None;
    }
    let resource = model.resources().find(|(_, id)| {
        matches!(&model.get(*id).kind, TypeKind::Struct(body)
            if body.object_name.as_deref() == Some(object) && !body.deleted)
    });
    match resource {
        Some((_, ty)) => RelatedObject::Typed {
            ty,
            api_version: spec.api_version_at(&model.get(ty).pointer).to_owned(),
        },
        None => RelatedObject::Untyped(object.to_owned()),
    }
}

/// The fields a notification is read by: required `id` and `type`
/// strings, an optional `context` string, an optional `related_object`
/// with a required `url` string.
fn thin_event_fields(model: &Model, body: &Struct) -> std::result::Result<ThinEventFields, String> {
    let field = |wire: &str| {
        body.fields
            .iter()
            .find(|f| f.wire_name == wire)
            .ok_or_else(|| format!("it has no `{wire}`"))
    };
    let string = |wire: &str, required: bool| {
        let found = field(wire)?;
        match found.ty == TypeRef::String && (!required || !found.optional()) {
            true => Ok(found.rust_name.clone()),
            false => Err(format!(
                "its `{wire}` is not a{} string",
                if required { " required" } else { "" }
            )),
        }
    };
    let related = field("related_object")?;
    let TypeRef::Named(related_type) = related.ty else {
        return Err("its `related_object` is not an object".to_owned());
    };
    let TypeKind::Struct(related_body) = &model.get(related_type).kind else {
        return Err("its `related_object` is not an object".to_owned());
    };
    let url = related_body
        .fields
        .iter()
        .find(|f| f.wire_name == "url" && f.ty == TypeRef::String && !f.optional())
        .ok_or("its `related_object` has no required `url` string")?;
    Ok(ThinEventFields {
        id: string("id", true)?,
        type_: string("type", true)?,
        context: string("context", false)?,
        related_object: related.rust_name.clone(),
        url: url.rust_name.clone(),
    })
}

/// The object of every event type, in the spec's order.
fn event_objects(
    model: &Model,
    values: &[String],
    variants: &[String],
    events: &Events,
) -> Result<Vec<EventObject>> {
    values
        .iter()
        .zip(variants)
        .map(|(event_type, variant)| {
            let object = object_of(model, event_type, events).map_err(Error::new)?;
            Ok(EventObject {
                event_type: event_type.clone(),
                variant: variant.clone(),
                object,
            })
        })
        .collect()
}

/// The type of the object an event of `event_type` carries; `None` for
/// the types `[events] untyped` lists.
///
/// The rule, on the part of the type before its action (`customer.subscription`
/// of `customer.subscription.updated`): the resource of that id; else, for
/// one word, the resource of a namespace's (`issuing_card` -> `issuing.card`);
/// else its words joined by `_` (`source.transaction` -> `source_transaction`);
/// else its last word (`customer.subscription` -> `subscription`). An
/// exception in `[events]` that the type starts with comes first.
pub fn object_of(
    model: &Model,
    event_type: &str,
    events: &Events,
) -> std::result::Result<Option<TypeId>, String> {
    if exception_for(event_type, events.untyped.iter()).is_some() {
        return Ok(None);
    }
    if let Some(key) = exception_for(event_type, events.objects.keys()) {
        let target = &events.objects[key];
        return type_named(model, target).map(Some).ok_or_else(|| {
            format!("[events] objects.\"{key}\" names `{target}`, which is no resource or schema of the spec")
        });
    }
    let subject = event_type
        .rsplit_once('.')
        .map(|(subject, _action)| subject)
        .unwrap_or(event_type);
    let resource = |id: &str| model.resources().find(|(r, _)| *r == id).map(|(_, t)| t);
    let namespaced = || {
        (!subject.contains('.'))
            .then(|| subject.match_indices('_'))
            .into_iter()
            .flatten()
            .find_map(|(at, _)| resource(&format!("{}.{}", &subject[..at], &subject[at + 1..])))
    };
    resource(subject)
        .or_else(namespaced)
        .or_else(|| resource(&subject.replace('.', "_")))
        .or_else(|| subject.rsplit('.').next().and_then(resource))
        .map(Some)
        .ok_or_else(|| {
            format!(
                "no resource of the spec matches event type `{event_type}`: name its object in [events] objects, or list it in [events] untyped"
            )
        })
}

/// The longest key that is `event_type` or a dotted prefix of it.
fn exception_for<'k>(
    event_type: &str,
    keys: impl Iterator<Item = &'k String>,
) -> Option<&'k String> {
    keys.filter(|key| {
        event_type == key.as_str()
            || event_type
                .strip_prefix(key.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
    })
    .max_by_key(|key| key.len())
}

/// A resource by `x-resourceId`, or else a component schema by name.
fn type_named(model: &Model, name: &str) -> Option<TypeId> {
    model
        .resources()
        .find(|(resource_id, _)| *resource_id == name)
        .map(|(_, id)| id)
        .or_else(|| model.components.get(name).copied())
}

/// Entries of `[events] objects` and `untyped` that no event type of the
/// spec starts with.
pub fn stale_exceptions(spec: &Spec, events: &Events) -> Result<Vec<String>> {
    let values = event_types(spec, events)?;
    let unused = |key: &&String| {
        !values
            .iter()
            .any(|value| exception_for(value, std::iter::once(*key)).is_some())
    };
    Ok(events
        .objects
        .keys()
        .chain(&events.untyped)
        .filter(unused)
        .cloned()
        .collect())
}

fn event_types(spec: &Spec, events: &Events) -> Result<Vec<String>> {
    let source = &events.types_from;
    let not_found = |what: &str| {
        Error::new(format!(
            "[events] types_from (`{} {}`, `{}`): {what}",
            source.method, source.path, source.parameter
        ))
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
