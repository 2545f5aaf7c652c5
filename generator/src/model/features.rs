//! Cargo features: what each one builds, computed from the model.
//!
//! A *unit* is a namespace with resources of its own (`identity`,
//! `issuing`, `v2_core`, ...) or a resource of the root namespace
//! (`customer`, `webhook_endpoint`; `deleted_customer` goes with
//! `customer`). Each unit has two features:
//!
//! - `__types_<unit>` (internal) builds the unit's types: the module of each
//!   of its files. It enables the types features of every unit those types
//!   refer to, so a type is never compiled without what it names.
//! - `<unit>` (public, for units with endpoints) builds the unit's endpoint
//!   functions and their params types, and enables the types features of the
//!   unit and of everything its endpoints refer to.
//!
//! Types used by units of different namespaces live in the crate's shared
//! module (or the shared module of a namespace that only holds others,
//! `v2`); each is compiled when the units it refers to are (an empty list:
//! always). Edges through shared types are followed, so the feature graph
//! only ever names units.
//!
//! The *base* units are the ones the others build on: the largest set of
//! units that all need each other (account, charge, customer, invoice, ...
//! in Stripe's spec) and everything their types and endpoints need. They
//! can go to a crate of their own below the rest, which never needs the
//! rest, so that neither crate's rustc holds the whole API at once.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::error::{Error, Result};
use crate::model::layout::{namespace, references, ROOT_RESOURCES, SHARED};
use crate::model::{Model, ModulePath, TypeId, TypeKind};
use crate::naming;

/// crates.io refuses a crate with more features than this.
pub const MAX_FEATURES: usize = 300;

#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Every unit, by its public feature name.
    pub units: BTreeMap<String, Unit>,
    /// Per type: when it is compiled.
    pub gates: Vec<Gate>,
    /// The unit each file module belongs to (shared modules belong to none).
    pub module_units: BTreeMap<ModulePath, String>,
    /// The unit of the `event` resource, whose types the webhook module
    /// needs whatever else is enabled.
    pub events_unit: Option<String>,
    /// The units the others build on (see the module docs); empty when no
    /// two units need each other.
    pub base_units: BTreeSet<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unit {
    /// `__types_<unit>`.
    pub types_feature: String,
    /// Whether the unit has endpoints (and so a public feature).
    pub has_endpoints: bool,
    /// Units whose types this unit's types refer to.
    pub type_deps: BTreeSet<String>,
    /// Units whose types this unit's endpoints refer to (its own included).
    pub endpoint_deps: BTreeSet<String>,
}

/// When a type is compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// With the module of its file, i.e. with its unit's types.
    Module,
    /// Only with the public feature of this unit: params types, the types
    /// only they use, the group types of paths that name no resource.
    Endpoints(String),
    /// A shared type: when the types of all these units are (none: always).
    Units(BTreeSet<String>),
}

/// Every feature type `id` is compiled under: its file's unit and its gate.
pub fn type_features(model: &Model, id: TypeId) -> Vec<&str> {
    let features = &model.features;
    let module_unit = features.module_units.get(&model.get(id).module);
    let mut out: Vec<&str> = module_unit
        .map(|unit| features.units[unit].types_feature.as_str())
        .into_iter()
        .collect();
    match &features.gates[id.0] {
        Gate::Module => {}
        Gate::Endpoints(unit) => out.push(unit),
        Gate::Units(units) => out.extend(
            units
                .iter()
                .map(|u| features.units[u].types_feature.as_str()),
        ),
    }
    out.sort_unstable();
    out.dedup();
    out
}

pub fn plan_features(model: &mut Model) -> Result<()> {
    let unit_of = unit_of_types(model);
    let from_resources = reachable_from_resources(model);
    let mut units: BTreeMap<String, Unit> = BTreeMap::new();
    for unit in unit_of.iter().flatten() {
        units.entry(unit.clone()).or_insert_with(|| Unit {
            types_feature: naming::types_feature_name(unit),
            ..Unit::default()
        });
    }
    let mut gates = Vec::with_capacity(model.types.len());
    for (index, unit) in unit_of.iter().enumerate() {
        let id = TypeId(index);
        let is_type_item = from_resources[index] && !matches!(model.get(id).kind, TypeKind::Unit);
        let gate = match unit {
            None => Gate::Units(units_referenced(model, &unit_of, references(model, id))),
            Some(unit) if is_type_item => {
                let deps = units_referenced(model, &unit_of, references(model, id));
                units.get_mut(unit).expect("listed").type_deps.extend(deps);
                Gate::Module
            }
            Some(unit) => {
                let deps = units_referenced(model, &unit_of, references(model, id));
                units
                    .get_mut(unit)
                    .expect("listed")
                    .endpoint_deps
                    .extend(deps);
                Gate::Endpoints(unit.clone())
            }
        };
        gates.push(gate);
    }
    for operation in &model.operations {
        let Some(unit) = &unit_of[operation.group.0] else {
            return Err(Error::at(
                &operation.pointer,
                "generator bug: an operation's group has no unit",
            ));
        };
        let deps = units_referenced(model, &unit_of, operation.named_types());
        let entry = units.get_mut(unit).expect("listed");
        entry.has_endpoints = true;
        entry.endpoint_deps.extend(deps);
        entry.endpoint_deps.insert(unit.clone());
    }
    for (name, unit) in &mut units {
        unit.type_deps.remove(name);
    }
    let count = units
        .values()
        .map(|u| 1 + usize::from(u.has_endpoints))
        .sum::<usize>()
        + 3;
    if count > MAX_FEATURES {
        return Err(Error::new(format!(
            "the spec would need {count} cargo features; crates.io allows {MAX_FEATURES}"
        )));
    }
    let module_units = model
        .types
        .iter()
        .zip(&unit_of)
        .filter_map(|(def, unit)| Some((def.module.clone(), unit.clone()?)))
        .collect();
    let events_unit = model
        .components
        .get("event")
        .and_then(|id| unit_of[id.0].clone());
    let base_units = base_units(&units);
    model.features = Features {
        units,
        gates,
        module_units,
        events_unit,
        base_units,
    };
    // `Resource` is every resource: a type that holds one (the event's
    // object) needs all units, so it cannot be below any of them.
    let base_holds_any_resource = (0..model.types.len())
        .map(TypeId)
        .any(|id| in_base(model, id) && model.get(id).kind.holds_any_resource());
    if base_holds_any_resource {
        model.features.base_units.clear();
    }
    Ok(())
}

/// Whether type `id` goes to the crate of the base units: a type of one of
/// them, or a shared type that refers to theirs alone (or to no unit).
pub fn in_base(model: &Model, id: TypeId) -> bool {
    let features = &model.features;
    if let Some(unit) = features.module_units.get(&model.get(id).module) {
        return features.base_units.contains(unit);
    }
    match &features.gates[id.0] {
        Gate::Units(units) => {
            !features.base_units.is_empty() && units.is_subset(&features.base_units)
        }
        Gate::Module | Gate::Endpoints(_) => false,
    }
}

/// The largest group of units that all reach each other through their
/// types, and what their types and endpoints reach (ties: the first by
/// name); none when no two units reach each other.
fn base_units(units: &BTreeMap<String, Unit>) -> BTreeSet<String> {
    let reach = |start: &str, with_endpoints: bool| {
        let mut seen = BTreeSet::from([start.to_owned()]);
        let mut queue = VecDeque::from([start.to_owned()]);
        while let Some(name) = queue.pop_front() {
            let unit = &units[&name];
            let endpoint_deps = unit.endpoint_deps.iter().filter(|_| with_endpoints);
            for next in unit.type_deps.iter().chain(endpoint_deps) {
                if seen.insert(next.clone()) {
                    queue.push_back(next.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&str, BTreeSet<String>> = units
        .keys()
        .map(|name| (name.as_str(), reach(name, false)))
        .collect();
    // `max_by_key` keeps the last of equals: walk backwards for the first.
    let largest_cycle = units
        .keys()
        .rev()
        .map(|name| {
            reached[name.as_str()]
                .iter()
                .filter(|other| reached[other.as_str()].contains(name))
                .cloned()
                .collect::<BTreeSet<String>>()
        })
        .max_by_key(|cycle| cycle.len())
        .unwrap_or_default();
    if largest_cycle.len() < 2 {
        return BTreeSet::new();
    }
    largest_cycle
        .iter()
        .flat_map(|name| reach(name, true))
        .collect()
}

/// The unit of each type, from the module layout placed it in: none for a
/// shared module of the root or of a namespace with no resources of its
/// own (`v2`, which only holds `v2.core`, `v2.billing`, ...).
fn unit_of_types(model: &Model) -> Vec<Option<String>> {
    let root_files: BTreeSet<&str> = model
        .types
        .iter()
        .filter_map(|def| match def.module.as_slice() {
            [namespace, file] if namespace == ROOT_RESOURCES => Some(file.as_str()),
            _ => None,
        })
        .collect();
    let with_resources: BTreeSet<&[String]> = model
        .types
        .iter()
        .filter(|def| def.module.last().is_some_and(|file| file != SHARED))
        .map(|def| namespace(&def.module))
        .collect();
    model
        .types
        .iter()
        .map(|def| match def.module.as_slice() {
            [shared] if shared == SHARED => None,
            [namespace, file] if namespace == ROOT_RESOURCES => {
                // A deleted object goes with the object: `deleted_customer` with `customer`.
                let owner = file
                    .strip_prefix("deleted_")
                    .filter(|object| root_files.contains(object))
                    .unwrap_or(file);
                Some(naming::feature_name(owner))
            }
            [] => None,
            module => {
                let namespace = namespace(module);
                with_resources
                    .contains(namespace)
                    .then(|| naming::namespace_feature_name(namespace))
            }
        })
        .collect()
}

/// Types that some resource's type reaches: the ones a response can hold.
fn reachable_from_resources(model: &Model) -> Vec<bool> {
    let mut reached = vec![false; model.types.len()];
    let mut queue: VecDeque<TypeId> = model.resources().map(|(_, id)| id).collect();
    while let Some(id) = queue.pop_front() {
        if std::mem::replace(&mut reached[id.0], true) {
            continue;
        }
        queue.extend(references(model, id));
    }
    reached
}

/// The units whose types `start` refers to, looking through shared types.
fn units_referenced(
    model: &Model,
    unit_of: &[Option<String>],
    start: Vec<TypeId>,
) -> BTreeSet<String> {
    let mut units = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from(start);
    while let Some(id) = queue.pop_front() {
        if !seen.insert(id) {
            continue;
        }
        match &unit_of[id.0] {
            Some(unit) => {
                units.insert(unit.clone());
            }
            None => queue.extend(references(model, id)),
        }
    }
    units
}
