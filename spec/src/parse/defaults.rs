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
    /// Resource id -> the prefixes of its examples' ids (`cus` of
    /// `cus_NffrFeUfNV2Hib`).
    id_prefixes: BTreeMap<String, BTreeSet<String>>,
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
            let id = example.get("id").and_then(|id| id.as_str());
            let prefixes = id.map(id_prefixes).unwrap_or_default();
            if !prefixes.is_empty() {
                self.id_prefixes
                    .entry(resource_id.clone())
                    .or_default()
                    .extend(prefixes.into_iter().map(str::to_owned));
            }
        }
        Ok(())
    }

    /// Id prefix -> the resources whose examples' ids start with it (`cus`
    /// -> `customer`). A deleted object's id is its live twin's, and of
    /// resources that share a short prefix only those with no longer one
    /// keep it (`sub` is a subscription's, `sub_sched` a schedule's).
    pub fn resources_by_id_prefix(&self) -> BTreeMap<&str, Vec<&str>> {
        let mut owners: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        let live = |resource: &&String| {
            resource
                .strip_prefix("deleted_")
                .is_none_or(|live| !self.id_prefixes.contains_key(live))
        };
        let longest = |resource: &str| {
            self.id_prefixes[resource]
                .iter()
                .max_by_key(|prefix| prefix.len())
                .map(String::as_str)
        };
        for (resource, prefixes) in self.id_prefixes.iter().filter(|(r, _)| live(r)) {
            for prefix in prefixes {
                owners.entry(prefix).or_default().insert(resource);
            }
        }
        owners
            .into_iter()
            .map(|(prefix, resources)| {
                let own = resources
                    .iter()
                    .filter(|resource| resources.len() == 1 || longest(resource) == Some(prefix))
                    .copied()
                    .collect();
                (prefix, own)
            })
            .collect()
    }

    /// Whether Stripe's example of `resource_id` leaves `field` out. False
    /// when there is no example of the resource: nothing is known then.
    pub fn leaves_out(&self, resource_id: &str, field: &str) -> bool {
        self.fields
            .get(resource_id)
            .is_some_and(|fields| !fields.contains(field))
    }
}

/// What an id may start with before its random part: its first word
/// (`cus` of `cus_NffrFeUfNV2Hib`, `cs` of `cs_test_a1b2`), and its first
/// two when it has three or more and the second names no mode
/// (`sub_sched` of `sub_sched_1Mr3`).
fn id_prefixes(id: &str) -> Vec<&str> {
    let words: Vec<&str> = id.split('_').collect();
    let mut prefixes = Vec::new();
    if words.len() >= 2 && !words[0].is_empty() {
        prefixes.push(words[0]);
    }
    if words.len() >= 3 && !words[1].is_empty() && !matches!(words[1], "test" | "live") {
        prefixes.push(&id[..words[0].len() + 1 + words[1].len()]);
    }
    prefixes
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

    #[test]
    fn ids_name_their_resource_by_prefix() {
        assert_eq!(id_prefixes("cus_NffrFeUfNV2Hib"), ["cus"]);
        assert_eq!(id_prefixes("sub_sched_1Mr3"), ["sub", "sub_sched"]);
        assert_eq!(id_prefixes("cs_test_a1b2"), ["cs"]);
        assert!(id_prefixes("nounderscore").is_empty());
        let mut defaults = DefaultObjects::default();
        let examples = r#"{"resources": {
            "customer": {"id": "cus_1"}, "deleted_customer": {"id": "cus_2"},
            "subscription": {"id": "sub_1"}, "subscription_schedule": {"id": "sub_sched_1"},
            "card": {"id": "card_1"}, "issuing.card": {"id": "card_2"}}}"#;
        defaults.add_fixtures("f.json", examples).unwrap();
        let owners = defaults.resources_by_id_prefix();
        assert_eq!(owners["cus"], ["customer"]);
        assert_eq!(owners["sub"], ["subscription"]);
        assert_eq!(owners["sub_sched"], ["subscription_schedule"]);
        assert_eq!(owners["card"], ["card", "issuing.card"]);
    }
}
