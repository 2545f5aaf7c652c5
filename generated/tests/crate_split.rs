//! On Stripe's spec, the resources that need each other (customers,
//! charges, invoices, ...) are `stripe-api-base`, and nothing there refers
//! to `stripe-api` above it: not a field, not an endpoint's response, not
//! `Resource`. (`every_feature.rs` builds each feature through both crates.)

mod common;

use stripe_codegen::model::codecs::Side;
use stripe_codegen::model::features::in_base;
use stripe_codegen::model::layout::references;
use stripe_codegen::model::{Model, TypeId};

/// Where a type the base crate names may be: there, or in the params crate.
fn below_the_api_crate(model: &Model, id: TypeId) -> bool {
    in_base(model, id) || model.codecs[id.0].side() == Side::Params
}

#[test]
fn nothing_in_the_base_crate_refers_to_the_crate_above_it() {
    let model = common::model();
    let base = &model.features.base_units;
    for unit in ["customer", "charge", "invoice", "subscription", "issuing"] {
        assert!(base.contains(unit), "{unit} in {base:?}");
    }
    for unit in [
        "event",
        "checkout",
        "identity",
        "webhook_endpoint",
        "treasury",
    ] {
        assert!(!base.contains(unit), "{unit} in {base:?}");
    }
    let mut wrong = Vec::new();
    let in_base_crate = (0..model.types.len())
        .map(TypeId)
        .filter(|&id| in_base(&model, id) && model.codecs[id.0].side() == Side::Api);
    for id in in_base_crate {
        let def = model.get(id);
        if def.kind.holds_any_resource() {
            wrong.push(format!("{} holds `Resource`", def.rust_name));
        }
        for target in references(&model, id) {
            if !below_the_api_crate(&model, target) {
                let target = &model.get(target).rust_name;
                wrong.push(format!("{} refers to {target}", def.rust_name));
            }
        }
    }
    for operation in model.operations.iter().filter(|o| in_base(&model, o.group)) {
        operation.response.visit_named(true, &mut |target, _| {
            if !below_the_api_crate(&model, target) {
                let target = &model.get(target).rust_name;
                wrong.push(format!("{} returns {target}", operation.pointer));
            }
        });
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
