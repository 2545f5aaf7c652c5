//! Places every type in a module and makes its Rust name unique there.
//!
//! A resource (`x-resourceId`) gets a file of its own in its namespace's
//! module: `identity.verification_session` -> `identity/verification_session.rs`,
//! `charge` -> `resources/charge.rs`. Every other type goes with the one
//! resource that uses it; a type used by several resources of one namespace
//! goes to that namespace's `shared.rs`, and one used across namespaces to the
//! crate's `shared.rs`. So each namespace is a group of files that a cargo
//! feature can later leave out, and the root holds what every group needs.
//!
//! Operations go with the resource they are grouped under: their params
//! types (and inline response types) live in that resource's file, beside
//! the `impl` block of its endpoint functions. A unit group type (paths that
//! name no resource) gets a file of its own, like a resource.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::model::{Model, ModulePath, TypeId, TypeKind};
use crate::naming;

/// The module holding the root namespace's resources.
pub const ROOT_RESOURCES: &str = "resources";
/// The module holding types used by several resources.
pub const SHARED: &str = "shared";

/// The namespace of a type: `None` for the root.
pub fn namespace(module: &ModulePath) -> Option<&str> {
    match module.first().map(String::as_str) {
        Some(ROOT_RESOURCES) | Some(SHARED) | None => None,
        Some(namespace) => Some(namespace),
    }
}

/// The `[preview]` notes (by the spec's namespace name) by the namespace's
/// module name, as the emitter looks them up.
pub fn preview_notes(notes: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    notes
        .iter()
        .map(|(namespace, note)| (naming::namespace_module_name(namespace), note.clone()))
        .collect()
}

pub fn place_types(model: &mut Model) {
    let homes = resource_homes(model);
    let owners = owners(model);
    for (index, type_owners) in owners.iter().enumerate() {
        let module = match homes.get(&TypeId(index)) {
            Some(home) => home.clone(),
            None => {
                let owner_homes: BTreeSet<&ModulePath> =
                    type_owners.iter().map(|owner| &homes[owner]).collect();
                let namespaces: BTreeSet<Option<&str>> =
                    owner_homes.iter().map(|m| namespace(m)).collect();
                match (owner_homes.len(), namespaces.into_iter().next()) {
                    (1, _) => owner_homes.into_iter().next().unwrap().clone(),
                    (n, Some(Some(ns))) if n > 1 && owners_in_one_namespace(&owner_homes) => {
                        vec![ns.to_owned(), SHARED.to_owned()]
                    }
                    _ => vec![SHARED.to_owned()],
                }
            }
        };
        model.types[index].module = module;
    }
    deduplicate_names(model);
}

fn owners_in_one_namespace(homes: &BTreeSet<&ModulePath>) -> bool {
    let namespaces: BTreeSet<Option<&str>> = homes.iter().map(|m| namespace(m)).collect();
    namespaces.len() == 1
}

fn resource_homes(model: &Model) -> BTreeMap<TypeId, ModulePath> {
    let units = model
        .types
        .iter()
        .enumerate()
        .filter(|(_, def)| matches!(def.kind, TypeKind::Unit));
    let homes: Vec<(TypeId, Option<String>, String)> = model
        .resources()
        .chain(units.map(|(index, def)| (def.wire_name.as_str(), TypeId(index))))
        .map(|(resource_id, id)| {
            let (namespace, local) = naming::split_namespace(resource_id);
            (id, namespace.map(naming::namespace_module_name), local)
        })
        .collect();
    let namespaces: BTreeSet<String> = homes.iter().filter_map(|(_, ns, _)| ns.clone()).collect();
    homes
        .into_iter()
        .map(|(id, namespace, local)| {
            let file = naming::resource_module_name(&local, namespace.is_none(), &namespaces);
            let module = namespace.unwrap_or_else(|| ROOT_RESOURCES.to_owned());
            (id, vec![module, file])
        })
        .collect()
}

/// For each type, the resources that reach it without passing through
/// another resource.
fn owners(model: &Model) -> Vec<BTreeSet<TypeId>> {
    let mut owners = vec![BTreeSet::new(); model.types.len()];
    for (_, resource) in model.resources() {
        let mut queue = VecDeque::from([resource]);
        let mut seen = BTreeSet::from([resource]);
        while let Some(id) = queue.pop_front() {
            for next in references(model, id) {
                if model.get(next).resource_id.is_none() && seen.insert(next) {
                    owners[next.0].insert(resource);
                    queue.push_back(next);
                }
            }
        }
    }
    // Types that only operations reach belong to the operation's group.
    let reached_by_resources: Vec<bool> = owners.iter().map(|o| !o.is_empty()).collect();
    for operation in &model.operations {
        let mut queue: VecDeque<TypeId> = VecDeque::new();
        queue.push_back(operation.params);
        operation
            .response
            .visit_named(true, &mut |id, _| queue.push_back(id));
        let mut seen = BTreeSet::new();
        while let Some(id) = queue.pop_front() {
            let def = model.get(id);
            if def.resource_id.is_some() || reached_by_resources[id.0] || !seen.insert(id) {
                continue;
            }
            owners[id.0].insert(operation.group);
            queue.extend(references(model, id));
        }
    }
    owners
}

/// Every named type a type mentions directly.
pub fn references(model: &Model, id: TypeId) -> Vec<TypeId> {
    let mut out = Vec::new();
    match &model.get(id).kind {
        TypeKind::Struct(body) => {
            for field in &body.fields {
                field.ty.visit_named(true, &mut |id, _| out.push(id));
            }
        }
        TypeKind::Union(variants) => out.extend(variants.iter().map(|v| v.ty)),
        TypeKind::Alias(ty) => ty.visit_named(true, &mut |id, _| out.push(id)),
        TypeKind::Enum(_) | TypeKind::Unit => {}
    }
    out
}

/// Rust names must be unique in each namespace (the root namespace includes
/// the shared module). Earlier types keep their names: components come
/// before the inline types made from them.
fn deduplicate_names(model: &mut Model) {
    let mut scopes: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    for (index, def) in model.types.iter().enumerate() {
        scopes
            .entry(namespace(&def.module).map(str::to_owned))
            .or_default()
            .push(index);
    }
    for indices in scopes.values() {
        let mut names: Vec<String> = indices
            .iter()
            .map(|&i| model.types[i].rust_name.clone())
            .collect();
        naming::deduplicate(&mut names);
        for (&i, name) in indices.iter().zip(names) {
            model.types[i].rust_name = name;
        }
    }
}
