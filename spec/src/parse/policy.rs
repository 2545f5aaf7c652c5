//! Policy as data: `spec/overrides.toml` and `spec/operations.toml`, parsed
//! here (xtask reads the files).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    #[serde(default)]
    pub optional_fields: FieldPaths,
    /// String fields without `format: decimal` that hold decimals: typed
    /// as the spec's decimal fields are.
    #[serde(default)]
    pub decimal_fields: FieldPaths,
    /// How to type webhook events; none means events stay untyped JSON.
    pub events: Option<Events>,
    /// The thin event (v2 event notification) types to type; none means
    /// notifications are not typed.
    pub thin_events: Option<ThinEvents>,
    /// Namespaces whose API is in preview at Stripe -> the note their module
    /// docs open with.
    #[serde(default)]
    pub preview: BTreeMap<String, String>,
    /// The bounds of the `limit` of a v1 list or search, which the spec
    /// states only in its descriptions.
    pub list_limit: Option<ListLimit>,
    /// The exceptions to the operation naming rule, from their own file
    /// (`spec/operations.toml`), which the manifest names beside this one.
    #[serde(skip)]
    pub operations: OperationOverrides,
    /// The file this policy was read from, which its errors name.
    #[serde(skip)]
    pub file: String,
    /// The fields of Stripe's example objects (the manifest's fixtures
    /// files), which say what a response holds by default.
    #[serde(skip)]
    pub default_objects: super::defaults::DefaultObjects,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListLimit {
    pub minimum: i64,
    pub maximum: i64,
}

/// Where the spec lists the event types, and the fields to type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Events {
    pub types_from: EventTypesSource,
    /// `schema.field` holding the event type (`event.type`).
    pub type_field: String,
    /// `schema.field` holding the event's object (`notification_event_data.object`).
    pub object_field: String,
    /// The exceptions to the rule that finds the object an event type
    /// carries (`model::events`): an event type, or the part of it before
    /// the action (`customer.source`), -> the `x-resourceId` or component
    /// schema of its object.
    #[serde(default)]
    pub objects: BTreeMap<String, String>,
    /// Event types (or their part before the action) whose object no type
    /// of the spec describes: they stay untyped.
    #[serde(default)]
    pub untyped: BTreeSet<String>,
}

/// Thin events: the public spec describes the event (`v2.core.event`) but
/// lists neither its types nor the object each relates to; Stripe's SDKs
/// do, and this says it as they do.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThinEvents {
    /// The resource a thin event is: `v2.core.event`.
    pub event: String,
    /// Event type -> the `object` of the resource it relates to, `""` for
    /// none.
    pub types: BTreeMap<String, String>,
}

/// A request parameter whose array items enumerate the event types.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventTypesSource {
    /// Lower case, as the spec's path item keys: `post`.
    pub method: String,
    pub path: String,
    pub parameter: String,
}

/// Fields a policy applies to, as `schema.field` wire paths
/// (`discount.coupon`; an inline object is named by its path,
/// `charge.outcome.rule`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldPaths {
    pub fields: BTreeSet<String>,
}

impl Policy {
    pub fn parse(name: &str, text: &str) -> Result<Policy> {
        let policy: Policy = toml::from_str(text)
            .map_err(|e| Error::new(format!("invalid overrides: {e}")).in_file(name))?;
        Ok(Policy {
            file: name.to_owned(),
            ..policy
        })
    }
}

/// The exceptions to the naming rule: `spec/operations.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationOverrides {
    /// By `operationId`.
    #[serde(default)]
    pub overrides: BTreeMap<String, Override>,
    /// The file these were read from, which their errors name.
    #[serde(skip)]
    pub file: String,
    /// Set from the manifest when its documents are older than this file:
    /// an exception for an operation they lack is passed over.
    #[serde(skip)]
    pub may_name_newer_operations: bool,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The Rust method name, instead of the derived one.
    pub name: Option<String>,
    /// The `x-resourceId` of the resource to group the operation under.
    pub group: Option<String>,
    /// Do not generate the operation; the text says why.
    pub skip: Option<String>,
    /// Stripe CLI's spellings of the operation's command (`"tax_ids
    /// create"`), the first its command; the rule's spelling stays an alias.
    pub cli: Option<Vec<String>>,
}

impl OperationOverrides {
    pub fn parse(file: &str, text: &str) -> Result<OperationOverrides> {
        let mut overrides: OperationOverrides = toml::from_str(text)
            .map_err(|e| Error::new(format!("invalid operation overrides: {e}")).in_file(file))?;
        for (operation_id, entry) in &overrides.overrides {
            for spelling in entry.cli.iter().flatten() {
                let word = |w: &str| {
                    !w.is_empty()
                        && w.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                };
                if !spelling.split(' ').all(word) {
                    return Err(Error::new(format!(
                        "[overrides.{operation_id}] cli `{spelling}` is not snake_case words separated by single spaces"
                    ))
                    .in_file(file));
                }
            }
        }
        overrides.file = file.to_owned();
        Ok(overrides)
    }
}
