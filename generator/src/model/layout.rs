//! Places every type in a module and makes its Rust name unique there.
//!
//! A resource (`x-resourceId`, or a v2 resource's `object`) gets a file of
//! its own in its namespace's module: `identity.verification_session` ->
//! `identity/verification_session.rs`, `v2.core.event` ->
//! `v2/core/event.rs`, `charge` -> `resources/charge.rs`. Every other type
//! goes with the one resource that uses it; a type used by several
//! resources of one namespace goes to that namespace's `shared.rs`, one
//! used by resources of namespaces below one namespace to that one's
//! (`v2/shared.rs`), and one used across namespaces to the crate's
//! `shared.rs`. So each namespace is a group of files that a cargo feature
//! can later leave out, and the root holds what every group needs.
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

/// The namespace of a type's module, as its modules (`["v2", "core"]`),
/// empty for the root.
pub fn namespace(module: &[String]) -> &[String] {
    match module.first().map(String::as_str) {
        Some(ROOT_RESOURCES) | Some(SHARED) | None => &[],
        Some(_) => &module[..module.len() - 1],
    }
}

/// The namespace as Rust writes its path: `v2::core`.
pub fn namespace_path(module: &[String]) -> String {
    namespace(module).join("::")
}

/// The `[preview]` notes (by the spec's namespace name) by the namespace's
/// module path (`v2::core`), as the emitter looks them up.
pub fn preview_notes(notes: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    notes
        .iter()
        .map(|(namespace, note)| {
            (
                naming::namespace_modules(namespace).join("::"),
                note.clone(),
            )
        })
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
                match owner_homes.len() {
                    1 => owner_homes.into_iter().next().unwrap().clone(),
                    _ => shared_module(&owner_homes),
                }
            }
        };
        model.types[index].module = module;
    }
    deduplicate_names(model);
}

/// The `shared` module of the innermost namespace that holds every one of
/// `homes` (the crate's own when none does).
fn shared_module(homes: &BTreeSet<&ModulePath>) -> ModulePath {
    let mut namespaces = homes.iter().map(|home| namespace(home));
    let first = namespaces.next().unwrap_or_default();
    let common = namespaces.fold(first.len(), |common, other| {
        first
            .iter()
            .zip(other)
            .take(common)
            .take_while(|(a, b)| a == b)
            .count()
    });
    let mut module = first[..common].to_vec();
    module.push(SHARED.to_owned());
    module
}

/// Each resource's and unit group's file: its namespace's modules, then
/// its own.
fn resource_homes(model: &Model) -> BTreeMap<TypeId, ModulePath> {
    let units = model
        .types
        .iter()
        .enumerate()
        .filter(|(_, def)| matches!(def.kind, TypeKind::Unit));
    let homes: Vec<(TypeId, Vec<String>, String)> = model
        .resources()
        .chain(units.map(|(index, def)| (def.wire_name.as_str(), TypeId(index))))
        .map(|(resource_id, id)| {
            let (namespace, local) = naming::split_namespace(resource_id);
            let modules = namespace.map(naming::namespace_modules).unwrap_or_default();
            (id, modules, local)
        })
        .collect();
    // The namespaces below each namespace (the root's: `[]`), which no
    // file beside them may take the name of.
    let mut children: BTreeMap<&[String], BTreeSet<String>> = BTreeMap::new();
    for (_, modules, _) in &homes {
        for depth in 0..modules.len() {
            children
                .entry(&modules[..depth])
                .or_default()
                .insert(modules[depth].clone());
        }
    }
    let none = BTreeSet::new();
    homes
        .iter()
        .map(|(id, modules, local)| {
            let beside = children.get(modules.as_slice()).unwrap_or(&none);
            let file = naming::resource_module_name(local, beside);
            let mut module = match modules.is_empty() {
                true => vec![ROOT_RESOURCES.to_owned()],
                false => modules.clone(),
            };
            module.push(file);
            (*id, module)
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
        let mut queue: VecDeque<TypeId> = operation.named_types().into();
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
    let mut scopes: BTreeMap<Vec<String>, Vec<usize>> = BTreeMap::new();
    for (index, def) in model.types.iter().enumerate() {
        scopes
            .entry(namespace(&def.module).to_vec())
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
