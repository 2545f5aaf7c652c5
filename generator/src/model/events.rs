//! Typed webhook events. The spec types `event.type` as a plain string and
//! `data.object` as any object; `[events]` in the overrides says where the
//! spec lists every event type (the values a webhook endpoint can subscribe
//! to) and which two fields to type: the type becomes an open enum of those
//! values, the object becomes `Resource`, chosen by its `object` field.
//!
//! Each event type also gets the type of the object it carries, found by
//! [`object_of`]'s rule from the type's name and the spec's resources; the
//! rule's exceptions are `[events] objects` and `untyped`.

use crate::error::{pointer, Error, Result};
use crate::model::lower_types::enum_values;
use crate::model::{
    EventFields, EventObject, Model, RelatedObject, Struct, ThinEventFields, ThinEventType,
    ThinEvents, TypeDef, TypeId, TypeKind, TypeRef,
};
use crate::naming;
use crate::parse::events::{event_types, object_of, Objects};
use crate::parse::policy::{self, Events};
use crate::parse::Spec;

pub fn type_events(model: &mut Model, spec: &Spec, events: &Events) -> Result<()> {
    let values = event_types(spec, events)?;
    let event_type = TypeId(model.types.len());
    model.types.push(TypeDef {
        wire_name: "event_type".to_owned(),
        pointer: pointer(["paths", &events.types_from.path, &events.types_from.method]),
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
            let object = object_of(&ModelObjects(model), event_type, events).map_err(Error::new)?;
            Ok(EventObject {
                event_type: event_type.clone(),
                variant: variant.clone(),
                object,
            })
        })
        .collect()
}

/// What an event type names, as a type of the model: a resource by
/// `x-resourceId` (or a v2 resource by name), a component schema by name.
struct ModelObjects<'m>(&'m Model);

impl Objects for ModelObjects<'_> {
    type Object = TypeId;

    fn resource(&self, resource_id: &str) -> Option<TypeId> {
        let mut resources = self.0.resources();
        resources.find(|(r, _)| *r == resource_id).map(|(_, id)| id)
    }

    fn component(&self, name: &str) -> Option<TypeId> {
        self.0.components.get(name).copied()
    }
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
