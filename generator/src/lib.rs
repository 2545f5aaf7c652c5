//! Turns Stripe's OpenAPI documents into the Rust source of the generated
//! client crate.
//!
//! The pipeline, one folder per step, arrows running one way:
//! [`parse`] (documents, manifest and policy: text in, values out) ->
//! [`model`] (resolve `$ref`s, lower schemas and operations into the IR,
//! then the analyses: recursion, layout) -> [`render`] (items as `quote!`
//! tokens) -> [`emit`] (file skeletons from the askama templates, then
//! prettyplease). Every name comes from [`naming`]; [`diff`] compares two
//! specs and the models built from them. The library does no I/O:
//! [`generate`] returns the files as a map, and `xtask` writes them.

pub mod diff;
pub mod emit;
pub mod error;
pub mod model;
pub mod naming;
pub mod parse;
pub mod render;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use error::{Error, Result};
pub use parse::{SourceDocument, Spec};

/// What the generator needs besides the spec.
#[derive(Debug, Clone)]
pub struct Config {
    /// How the header of each file names the input, e.g.
    /// `spec3.2023-08-16.yaml + excerpt.climate-forwarding.2026.yaml`.
    pub source_label: String,
    /// Policy from `spec/overrides.toml` and the operation naming
    /// exceptions of `spec/operations.toml`.
    pub policy: parse::policy::Policy,
    /// Package names and paths for the generated `Cargo.toml`s.
    pub crates: emit::CrateLayout,
}

/// The generated files (paths relative to the output folder, `generated/`)
/// and the model they were made from.
#[derive(Debug)]
pub struct Generated {
    pub files: BTreeMap<PathBuf, String>,
    pub model: model::Model,
}

/// Builds the model from a merged spec.
pub fn build_model(spec: &Spec, policy: &parse::policy::Policy) -> Result<model::Model> {
    let mut lowerer = model::lower_types::Lowerer::new(spec, policy);
    lowerer.lower_components().map_err(|e| spec.locate(e))?;
    model::lower_operations::lower_operations(&mut lowerer, &policy.operations)
        .map_err(|e| spec.locate(e))?;
    lowerer.check_overrides_used()?;
    let mut model = lowerer.model;
    if let Some(events) = &policy.events {
        model::events::type_events(&mut model, spec, events)?;
    }
    model::recursion::box_recursive_fields(&mut model);
    model::sizes::box_large_fields(&mut model);
    model::layout::place_types(&mut model);
    model::codecs::plan_codecs(&mut model);
    model::features::plan_features(&mut model)?;
    model::enums::share_enums(&mut model);
    Ok(model)
}

/// The whole pipeline: spec in, formatted files out.
pub fn generate(spec: &Spec, config: &Config) -> Result<Generated> {
    let model = build_model(spec, &config.policy)?;
    let header = emit::Header {
        source: &config.source_label,
        api_version: &model.api_version,
    };
    let files = emit::format::format_files(emit::emit(&model, &header, &config.crates)?)?;
    Ok(Generated { files, model })
}
