//! Policy as data: `spec/overrides.toml`, parsed here (xtask reads it).

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    #[serde(default)]
    pub optional_fields: OptionalFields,
    /// How to type webhook events; none means events stay untyped JSON.
    pub events: Option<Events>,
    /// The exceptions to the operation naming rule, from their own file
    /// (`spec/operations.toml`), which the manifest names beside this one.
    #[serde(skip)]
    pub operations: crate::operations::Overrides,
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

/// Required fields to generate as `Option`, as `schema.field` wire paths
/// (`discount.coupon`; an inline object is named by its path,
/// `charge.outcome.rule`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionalFields {
    pub fields: BTreeSet<String>,
}

impl Overrides {
    pub fn parse(name: &str, text: &str) -> Result<Overrides> {
        toml::from_str(text)
            .map_err(|e| Error::new(format!("invalid overrides: {e}")).in_file(name))
    }
}
