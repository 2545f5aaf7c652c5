//! Ids. Which fields and path parameters hold the id of which resource,
//! so that each resource's id is a type of its own (`CustomerId`); and
//! which resource an id names by its prefix (`cus_` -> `customer`), with
//! the operation that retrieves it, read from the ids of Stripe's example
//! objects so that `stripe get cus_123` needs no table written by hand.

use std::collections::BTreeMap;

use crate::model::{id_field, Model, Struct, TypeId, TypeKind, TypeRef, Usage};
use crate::parse::defaults::DefaultObjects;

/// Types the ids the spec lets us tell apart:
///
/// - a resource's own `id`, and its deleted form's, by the `object` both
///   carry (`customer`): the live resource (`x-resourceId`, not `deleted`)
///   is the id's kind;
/// - a path parameter, when the `GET` of the path up to it returns a
///   resource of a typed kind: `{customer}` in
///   `/v1/customers/{customer}/sources` is a customer's id, as it is in
///   `/v1/test_helpers/customers/{customer}/fund_cash_balance`.
///
/// Other string fields are left as they are: a field named `customer` is
/// usually a customer's id, but not always (a connection token's
/// `location`, placeholders), and a wrong type would refuse real data.
pub fn type_ids(model: &mut Model) {
    let kinds = live_resources(model);
    for def in &mut model.types {
        let TypeKind::Struct(body) = &mut def.kind else {
            continue;
        };
        let kind = body.object_name.as_ref().and_then(|name| kinds.get(name));
        if let (Some(&kind), Usage::Response) = (kind, body.usage) {
            if let Some(field) = body.fields.iter_mut().find(|f| is_id(f)) {
                field.ty = TypeRef::Id(kind);
            }
        }
    }
    type_path_ids(model);
    model.id_kinds = kinds.into_values().collect();
}

fn is_id(field: &crate::model::Field) -> bool {
    field.wire_name == "id" && field.ty == TypeRef::String
}

/// `object` -> the live resource with that `object` (no two share one:
/// `Model::check_distinct_resources`).
fn live_resources(model: &Model) -> BTreeMap<String, TypeId> {
    model
        .types
        .iter()
        .enumerate()
        .filter_map(|(index, def)| match &def.kind {
            TypeKind::Struct(body) if def.resource_id.is_some() && is_live_with_id(body) => {
                Some((body.object_name.clone()?, TypeId(index)))
            }
            _ => None,
        })
        .collect()
}

fn is_live_with_id(body: &Struct) -> bool {
    body.usage == Usage::Response && !body.deleted && body.fields.iter().any(is_id)
}

/// Path parameters by the `GET` of the path up to them.
fn type_path_ids(model: &mut Model) {
    let retrieved: BTreeMap<String, TypeId> = model
        .operations
        .iter()
        .filter(|op| op.method == "GET")
        .filter_map(|op| Some((op.path.clone(), id_kind_of(model, &op.response)?)))
        .collect();
    for op in &mut model.operations {
        let path = op.path.replacen("/test_helpers/", "/", 1);
        for param in &mut op.path_params {
            let placeholder = format!("{{{}}}", param.wire_name);
            let Some(end) = path.find(&placeholder) else {
                continue;
            };
            let up_to = &path[..end + placeholder.len()];
            if let (Some(&kind), TypeRef::String) = (retrieved.get(up_to), &param.ty) {
                param.ty = TypeRef::Id(kind);
            }
        }
    }
}

/// The kind of a response's id: a resource (or its deleted form) whose id
/// is typed, or a union of forms of one such resource.
fn id_kind_of(model: &Model, response: &TypeRef) -> Option<TypeId> {
    let TypeRef::Named(id) = response else {
        return None;
    };
    id_kind_of_type(model, *id)
}

/// The kind of the ids of type `id`: its id field's, or for a union the
/// one kind of all its members.
pub fn id_kind_of_type(model: &Model, id: TypeId) -> Option<TypeId> {
    match &model.get(id).kind {
        TypeKind::Struct(body) => struct_id_kind(body),
        TypeKind::Union(variants) => {
            let mut kinds = variants.iter().map(|v| match &model.get(v.ty).kind {
                TypeKind::Struct(body) => struct_id_kind(body),
                _ => None,
            });
            let first = kinds.next()??;
            kinds.all(|kind| kind == Some(first)).then_some(first)
        }
        _ => None,
    }
}

fn struct_id_kind(body: &Struct) -> Option<TypeId> {
    match id_field(body)?.ty {
        TypeRef::Id(kind) => Some(kind),
        _ => None,
    }
}

/// Id prefix -> the index in `model.operations` of the `retrieve` that
/// takes such an id alone (`GET /v1/customers/{customer}`), when one
/// resource of those whose example ids start with it has one.
pub fn retrieve_by_id_prefix(model: &Model, defaults: &DefaultObjects) -> BTreeMap<String, usize> {
    let mut found = BTreeMap::new();
    for (prefix, resources) in defaults.resources_by_id_prefix() {
        let retrieves: Vec<usize> = resources
            .iter()
            .filter_map(|resource| retrieve_of(model, resource))
            .collect();
        if let [index] = retrieves.as_slice() {
            found.insert(prefix.to_owned(), *index);
        }
    }
    found
}

/// The operation that retrieves one `resource` by its id alone.
fn retrieve_of(model: &Model, resource: &str) -> Option<usize> {
    let (_, group) = model.resources().find(|(id, _)| *id == resource)?;
    model.operations.iter().position(|op| {
        op.group == group
            && op.method == "GET"
            && op.rust_name == "retrieve"
            && op.path_params.len() == 1
            && op.path.ends_with('}')
    })
}
