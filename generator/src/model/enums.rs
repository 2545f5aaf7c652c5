//! String enums with the same values in one unit (a namespace, or a root
//! resource with its files) share one definition: the first of them, in
//! model order (so a response enum before the params enums that repeat it),
//! and the others are aliases of it. `ListVerificationReportType` is
//! `VerificationReportType`; the value lists of an issuing merchant category
//! are written once instead of eighteen times. Their names do not change,
//! and an enum is never shared across units or crates, so no feature or
//! crate depends on another because of it.

use std::collections::BTreeMap;

use crate::model::codecs::Side;
use crate::model::features::Gate;
use crate::model::{Model, TypeId, TypeKind};

/// Enums that may share one type: same crate, same feature unit, same values.
type EnumGroup<'a> = (Side, Option<&'a str>, Vec<&'a str>);

pub fn share_enums(model: &mut Model) {
    // The enums of each group, in model order.
    let mut groups: BTreeMap<EnumGroup, Vec<TypeId>> = BTreeMap::new();
    for (index, def) in model.types.iter().enumerate() {
        let TypeKind::Enum(values) = &def.kind else {
            continue;
        };
        let unit = model
            .features
            .module_units
            .get(&def.module)
            .map(String::as_str);
        let wires = values.iter().map(|v| v.wire.as_str()).collect();
        let side = model.codecs[index].side();
        groups
            .entry((side, unit, wires))
            .or_default()
            .push(TypeId(index));
    }
    let mut shared_with = vec![None; model.types.len()];
    for members in groups.values().filter(|members| members.len() > 1) {
        // Built whenever any member is: the unit's types, if one is a type.
        let canonical = members
            .iter()
            .copied()
            .find(|id| model.features.gates[id.0] == Gate::Module)
            .unwrap_or(members[0]);
        for &member in members.iter().filter(|&&m| m != canonical) {
            shared_with[member.0] = Some(canonical);
            let codecs = model.codecs[member.0];
            let target = &mut model.codecs[canonical.0];
            target.decode |= codecs.decode;
            target.encode |= codecs.encode;
        }
    }
    model.shared_enums = shared_with;
}
