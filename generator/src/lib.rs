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
pub mod model;
pub mod naming;
pub mod render;

// The parse step is its own crate, which the mock shares without the rest.
pub use stripe_spec::{error, parse};

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

/// Builds the model from a merged spec. Policy that names nothing in the
/// spec is an error (see [`stale_policy`] to list it instead).
pub fn build_model(spec: &Spec, policy: &parse::policy::Policy) -> Result<model::Model> {
    naming::check_override_names(&policy.operations)?;
    let (lowerer, stale) = lower(spec, policy)?;
    stale.check(policy)?;
    let mut model = lowerer.model;
    if let Some(events) = &policy.events {
        model::events::type_events(&mut model, spec, events)
            .map_err(|e| e.in_file(&policy.file))?;
    }
    if let Some(thin_events) = &policy.thin_events {
        model::events::type_thin_events(&mut model, spec, thin_events)
            .map_err(|e| spec.locate(e))?;
    }
    model::ids::type_ids(&mut model);
    model::recursion::box_recursive_fields(&mut model);
    model::sizes::box_large_fields(&mut model, &policy.default_objects);
    model::layout::place_types(&mut model);
    model.preview = model::layout::preview_notes(&policy.preview);
    model::codecs::plan_codecs(&mut model);
    model::features::plan_features(&mut model).map_err(|e| spec.locate(e))?;
    model::enums::share_enums(&mut model);
    model.retrieve_by_id_prefix =
        model::ids::retrieve_by_id_prefix(&model, &policy.default_objects);
    Ok(model)
}

/// The entries of `policy` that name nothing in `spec` (say, fields Stripe
/// removed), found as [`build_model`] finds them.
pub fn stale_policy(spec: &Spec, policy: &parse::policy::Policy) -> Result<StalePolicy> {
    lower(spec, policy).map(|(_, stale)| stale)
}

fn lower<'a>(
    spec: &'a Spec,
    policy: &'a parse::policy::Policy,
) -> Result<(model::lower_types::Lowerer<'a>, StalePolicy)> {
    let mut lowerer = model::lower_types::Lowerer::new(spec, policy);
    lowerer.lower_components().map_err(|e| spec.locate(e))?;
    lowerer
        .model
        .check_distinct_resources()
        .map_err(|e| spec.locate(e))?;
    let operations = model::lower_operations::lower_operations(&mut lowerer, &policy.operations)
        .map_err(|e| spec.locate(e))?;
    lowerer
        .model
        .check_binary_fields()
        .map_err(|e| spec.locate(e))?;
    let optional_fields = lowerer.unused_fields(&policy.optional_fields);
    let decimal_fields = lowerer.unused_fields(&policy.decimal_fields);
    let namespaces: std::collections::BTreeSet<&str> = lowerer
        .model
        .resources()
        .filter_map(|(resource_id, _)| naming::split_namespace(resource_id).0)
        .collect();
    let preview = policy
        .preview
        .keys()
        .filter(|namespace| !namespaces.contains(namespace.as_str()))
        .cloned()
        .collect();
    let events = match &policy.events {
        Some(events) => {
            parse::events::stale_exceptions(spec, events).map_err(|e| e.in_file(&policy.file))?
        }
        None => Vec::new(),
    };
    Ok((
        lowerer,
        StalePolicy {
            optional_fields,
            decimal_fields,
            operations,
            preview,
            events,
        },
    ))
}

/// Policy entries that name nothing in a spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StalePolicy {
    /// `[optional_fields]` entries of `spec/overrides.toml`.
    pub optional_fields: Vec<String>,
    /// `[decimal_fields]` entries of `spec/overrides.toml`.
    pub decimal_fields: Vec<String>,
    /// operationIds overridden in `spec/operations.toml`.
    pub operations: Vec<String>,
    /// `[preview]` namespaces of `spec/overrides.toml`.
    pub preview: Vec<String>,
    /// Keys of `[events] objects` and entries of `[events] untyped` that
    /// no event type starts with.
    pub events: Vec<String>,
}

impl StalePolicy {
    pub fn is_empty(&self) -> bool {
        self.optional_fields.is_empty()
            && self.decimal_fields.is_empty()
            && self.operations.is_empty()
            && self.preview.is_empty()
            && self.events.is_empty()
    }

    /// `policy` without these entries.
    pub fn remove_from(&self, policy: &parse::policy::Policy) -> parse::policy::Policy {
        let mut policy = policy.clone();
        for field in &self.optional_fields {
            policy.optional_fields.fields.remove(field);
        }
        for field in &self.decimal_fields {
            policy.decimal_fields.fields.remove(field);
        }
        for operation in &self.operations {
            policy.operations.overrides.remove(operation);
        }
        for namespace in &self.preview {
            policy.preview.remove(namespace);
        }
        if let Some(events) = &mut policy.events {
            for key in &self.events {
                events.objects.remove(key);
                events.untyped.remove(key);
            }
        }
        policy
    }

    /// An error naming the first stale entry, in the file that holds it.
    fn check(&self, policy: &parse::policy::Policy) -> Result<()> {
        let operations_must_exist = !policy.operations.may_name_newer_operations;
        if let Some(unknown) = self.operations.first().filter(|_| operations_must_exist) {
            return Err(Error::new(format!(
                "overrides `{unknown}`, which is no operationId of the spec"
            ))
            .in_file(&policy.operations.file));
        }
        let message = if let Some(namespace) = self.preview.first() {
            format!("[preview] names `{namespace}`, which is no namespace of the spec")
        } else if let Some(key) = self.events.first() {
            format!("[events] names `{key}`, which starts no event type of the spec")
        } else if !self.optional_fields.is_empty() {
            format!(
                "[optional_fields] names fields the spec does not have: {}",
                self.optional_fields.join(", ")
            )
        } else if !self.decimal_fields.is_empty() {
            format!(
                "[decimal_fields] names fields the spec does not have: {}",
                self.decimal_fields.join(", ")
            )
        } else {
            return Ok(());
        };
        Err(Error::new(message).in_file(&policy.file))
    }
}

/// The whole pipeline: spec in, formatted files out.
pub fn generate(spec: &Spec, config: &Config) -> Result<Generated> {
    generate_cached(spec, config, &emit::format::NoCache)
}

/// [`generate`], with the formatting of files whose text did not change
/// since an earlier run taken from `cache`.
pub fn generate_cached(
    spec: &Spec,
    config: &Config,
    cache: &dyn emit::format::FormatCache,
) -> Result<Generated> {
    let model = build_model(spec, &config.policy)?;
    let header = emit::Header::new(&config.source_label, &model.api_version);
    let unformatted = emit::emit(&model, &header, &config.crates).map_err(|e| spec.locate(e))?;
    let files = emit::format::format_files_cached(unformatted, cache)?;
    Ok(Generated { files, model })
}
