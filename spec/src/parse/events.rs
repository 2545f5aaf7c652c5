//! Webhook event types as the spec and `[events]` of the overrides give
//! them: every type a webhook endpoint can subscribe to, and the rule that
//! finds the object each one carries. The generator types events with it
//! and the mock announces them with it, so both read one rule.

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, SchemaKind, Type};

use crate::error::{Error, Result};
use crate::parse::policy::Events;
use crate::parse::Spec;

/// The value a webhook endpoint subscribes with to mean "every event".
const ALL_EVENTS: &str = "*";

/// How [`object_of`] looks up what an event type names: a resource by its
/// `x-resourceId`, and a component schema by its name.
pub trait Objects {
    type Object;
    fn resource(&self, resource_id: &str) -> Option<Self::Object>;
    fn component(&self, name: &str) -> Option<Self::Object>;
}

/// The object an event of `event_type` carries; `None` for the types
/// `[events] untyped` lists.
///
/// The rule, on the part of the type before its action (`customer.subscription`
/// of `customer.subscription.updated`): the resource of that id; else, for
/// one word, the resource of a namespace's (`issuing_card` -> `issuing.card`);
/// else its words joined by `_` (`source.transaction` -> `source_transaction`);
/// else its last word (`customer.subscription` -> `subscription`). An
/// exception in `[events]` that the type starts with comes first.
pub fn object_of<O: Objects>(
    objects: &O,
    event_type: &str,
    events: &Events,
) -> std::result::Result<Option<O::Object>, String> {
    if exception_for(event_type, events.untyped.iter()).is_some() {
        return Ok(None);
    }
    if let Some(key) = exception_for(event_type, events.objects.keys()) {
        let target = &events.objects[key];
        let named = objects
            .resource(target)
            .or_else(|| objects.component(target));
        return named.map(Some).ok_or_else(|| {
            format!("[events] objects.\"{key}\" names `{target}`, which is no resource or schema of the spec")
        });
    }
    let subject = event_type
        .rsplit_once('.')
        .map(|(subject, _action)| subject)
        .unwrap_or(event_type);
    let resource = |id: &str| objects.resource(id);
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

/// The spec's own answer to [`Objects`]: the `x-resourceId` of what an
/// event type names, `None` for a component schema that is no resource.
/// (v2 resources, which carry no `x-resourceId`, have no v1 events.)
pub struct ResourceIds<'s> {
    spec: &'s Spec,
    /// Resource id -> component name, read once.
    components: BTreeMap<&'s str, &'s str>,
}

impl<'s> ResourceIds<'s> {
    pub fn of(spec: &'s Spec) -> ResourceIds<'s> {
        let components = spec.resource_ids().map(|(name, id)| (id, name)).collect();
        ResourceIds { spec, components }
    }
}

impl Objects for ResourceIds<'_> {
    type Object = Option<String>;

    fn resource(&self, resource_id: &str) -> Option<Option<String>> {
        self.components
            .contains_key(resource_id)
            .then(|| Some(resource_id.to_owned()))
    }

    fn component(&self, name: &str) -> Option<Option<String>> {
        self.spec.schemas().get(name)?;
        let id = self
            .components
            .iter()
            .find(|(_, component)| **component == name);
        Some(id.map(|(id, _)| (*id).to_owned()))
    }
}

/// Every event type and the resource id of the object it carries, by the
/// spec alone: what the mock announces.
pub fn event_resources(spec: &Spec, events: &Events) -> Result<Vec<(String, Option<String>)>> {
    let objects = ResourceIds::of(spec);
    event_types(spec, events)?
        .into_iter()
        .map(|event_type| {
            let object = object_of(&objects, &event_type, events)
                .map_err(Error::new)?
                .flatten();
            Ok((event_type, object))
        })
        .collect()
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

/// Every event type a webhook endpoint can subscribe to (`[events]
/// types_from`), in the spec's order, without `*`.
pub fn event_types(spec: &Spec, events: &Events) -> Result<Vec<String>> {
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
