//! Policy as data: `spec/overrides.toml`, parsed here (xtask reads it).

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    #[serde(default)]
    pub optional_fields: OptionalFields,
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
