//! What Stripe sends by default: the fields of each resource's example
//! object in Stripe's fixtures files (`fixtures3.json`, one object per
//! `x-resourceId`). A field the spec declares but the example leaves out is
//! one Stripe sends only when asked (`expand[]=sources`) or where it applies,
//! so the model can hold it more cheaply (see `model::sizes`).

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{pointer, Error, Result};

/// Resource id -> the fields of its example object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DefaultObjects {
    fields: BTreeMap<String, BTreeSet<String>>,
}

impl DefaultObjects {
    /// Reads a fixtures file: `{"resources": {"<resource id>": {...}}}`.
    /// A resource in several files has the fields of all its examples.
    pub fn add_fixtures(&mut self, file: &str, text: &str) -> Result<()> {
        let document: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::new(format!("invalid JSON: {e}")).in_file(file))?;
        let Some(resources) = document.get("resources").and_then(|r| r.as_object()) else {
            return Err(
                Error::at("#/resources", "expected an object of example objects").in_file(file),
            );
        };
        for (resource_id, example) in resources {
            let Some(example) = example.as_object() else {
                let at = pointer(["resources", resource_id.as_str()]);
                return Err(Error::at(at, "expected an example object").in_file(file));
            };
            self.fields
                .entry(resource_id.clone())
                .or_default()
                .extend(example.keys().cloned());
        }
        Ok(())
    }

    /// Whether Stripe's example of `resource_id` leaves `field` out. False
    /// when there is no example of the resource: nothing is known then.
    pub fn leaves_out(&self, resource_id: &str, field: &str) -> bool {
        self.fields
            .get(resource_id)
            .is_some_and(|fields| !fields.contains(field))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_absent_from_every_example_are_left_out() {
        let mut defaults = DefaultObjects::default();
        let old = r#"{"resources": {"customer": {"id": "cus_1", "address": null}}}"#;
        let new = r#"{"resources": {"customer": {"id": "cus_1", "email": null}}}"#;
        defaults.add_fixtures("old.json", old).unwrap();
        defaults.add_fixtures("new.json", new).unwrap();
        assert!(!defaults.leaves_out("customer", "address"));
        assert!(!defaults.leaves_out("customer", "email"));
        assert!(defaults.leaves_out("customer", "sources"));
        assert!(
            !defaults.leaves_out("charge", "refunds"),
            "no example, nothing known"
        );
    }

    #[test]
    fn a_malformed_file_names_the_file_and_node() {
        let mut defaults = DefaultObjects::default();
        let error = defaults
            .add_fixtures("f.json", r#"{"resources": {"customer": []}}"#)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "f.json#/resources/customer: expected an example object"
        );
        let error = defaults.add_fixtures("f.json", "[1]").unwrap_err();
        assert_eq!(
            error.to_string(),
            "f.json#/resources: expected an object of example objects"
        );
        assert!(defaults
            .add_fixtures("f.json", "{")
            .unwrap_err()
            .to_string()
            .starts_with("f.json: invalid JSON"));
    }
}
