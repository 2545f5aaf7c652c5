//! Where each type goes besides its module (which `layout` decides): the
//! crate (from what reads and writes it, `codecs`, and the base units,
//! `features`) and the features it is compiled under. One fact per type,
//! asked of here by emit and render, which decide none of it.

use crate::model::codecs::Side;
use crate::model::features::{in_base, Gate};
use crate::model::{Model, TypeId};

/// The generated crates a type can go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Crate {
    /// `stripe-api-base`: the units the others build on.
    Base,
    /// `stripe-api`: the rest of what responses hold, and `Resource`.
    Api,
    /// `stripe-params`: what only requests use.
    Params,
}

impl Crate {
    /// How the crate's types are rendered: the base crate's as the API
    /// crate's.
    pub fn side(self) -> Side {
        match self {
            Crate::Params => Side::Params,
            Crate::Base | Crate::Api => Side::Api,
        }
    }
}

/// Which crates a layout has beside the API crate: without one, its types
/// go to the API crate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Split {
    pub params: bool,
    pub base: bool,
}

/// The crate type `id` goes to in a layout of crates split as `split`.
pub fn crate_of(model: &Model, id: TypeId, split: Split) -> Crate {
    match model.codecs[id.0].crate_side(split.params) {
        Side::Params => Crate::Params,
        Side::Api if split.base && in_base(model, id) => Crate::Base,
        Side::Api => Crate::Api,
    }
}

/// The features an item of type `id` is compiled under beside its module's
/// (see [`module_feature`]): none, its unit's (params and the types only
/// endpoints use), or the types features of the units a shared type needs.
pub fn gate_features(model: &Model, id: TypeId) -> Vec<&str> {
    let features = &model.features;
    match &features.gates[id.0] {
        Gate::Module => Vec::new(),
        Gate::Endpoints(unit) => vec![unit.as_str()],
        Gate::Units(units) => units
            .iter()
            .map(|unit| features.units[unit].types_feature.as_str())
            .collect(),
    }
}

/// The feature a module is compiled under, a file's (`[identity,
/// verification_session]`) or a namespace's (`[identity]`): its unit's
/// types feature; on the params side, the unit's own (its endpoints').
/// `None` for a module of no unit (a shared module, a namespace that only
/// holds others).
pub fn module_feature<'m>(model: &'m Model, side: Side, module: &[String]) -> Option<&'m str> {
    let units = &model.features.module_units;
    let unit = units.get(module).or_else(|| {
        units
            .iter()
            .find(|(path, _)| crate::model::layout::namespace(path) == module)
            .map(|(_, unit)| unit)
    })?;
    Some(match side {
        Side::Api => model.features.units[unit].types_feature.as_str(),
        Side::Params => unit.as_str(),
    })
}
