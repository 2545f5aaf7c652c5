//! Turns Stripe's OpenAPI documents into the Rust source of the generated
//! client crate.
//!
//! The pipeline, one module per step:
//! [`spec`] (parse, merge) -> [`lower`] and [`operations`] (resolve, build
//! the [`ir`] model of types and operations) ->
//! [`analysis`] (recursion) -> [`layout`] (modules, unique names; every name
//! comes from [`naming`]) -> [`render`], [`render_operations`],
//! [`render_tests`] and [`emit`] (tokens, templates) ->
//! [`format`] (prettyplease). The library does no I/O: [`generate`] returns
//! the files as a map, and `xtask` writes them.

pub mod analysis;
pub mod diff;
pub mod docs;
pub mod emit;
pub mod error;
pub mod events;
pub mod format;
pub mod ir;
pub mod layout;
pub mod lower;
pub mod manifest;
pub mod naming;
pub mod operations;
pub mod overrides;
pub mod render;
pub mod render_operations;
pub mod render_tests;
pub mod spec;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use error::{Error, Result};
pub use spec::{SourceDocument, Spec};

/// What the generator needs besides the spec.
#[derive(Debug, Clone)]
pub struct Config {
    /// How the header of each file names the input, e.g.
    /// `spec3.2023-08-16.yaml + excerpt.climate-forwarding.2026.yaml`.
    pub source_label: String,
    /// Policy from `spec/overrides.toml` and the operation naming
    /// exceptions of `spec/operations.toml`.
    pub overrides: overrides::Overrides,
}

/// The generated crate's files (paths relative to the crate root) and the
/// model they were made from.
#[derive(Debug)]
pub struct Generated {
    pub files: BTreeMap<PathBuf, String>,
    pub model: ir::Model,
}

/// Builds the model from a merged spec.
pub fn build_model(spec: &Spec, overrides: &overrides::Overrides) -> Result<ir::Model> {
    let mut lowerer = lower::Lowerer::new(spec, overrides);
    lowerer.lower_components().map_err(|e| spec.locate(e))?;
    operations::lower_operations(&mut lowerer, &overrides.operations)
        .map_err(|e| spec.locate(e))?;
    lowerer.check_overrides_used()?;
    let mut model = lowerer.model;
    if let Some(events) = &overrides.events {
        events::type_events(&mut model, spec, events)?;
    }
    analysis::box_recursive_fields(&mut model);
    layout::place_types(&mut model);
    Ok(model)
}

/// The whole pipeline: spec in, formatted files out.
pub fn generate(spec: &Spec, config: &Config) -> Result<Generated> {
    let model = build_model(spec, &config.overrides)?;
    let header = emit::Header {
        source: &config.source_label,
        api_version: &model.api_version,
    };
    let files = format::format_files(emit::emit(&model, &header)?)?;
    Ok(Generated { files, model })
}
