//! Which resource an id names, by its prefix (`cus_` -> `customer`), and
//! the operation that retrieves it: read from the ids of Stripe's example
//! objects, so `stripe get cus_123` needs no table written by hand.

use std::collections::BTreeMap;

use crate::model::Model;
use crate::parse::defaults::DefaultObjects;

/// Id prefix -> the index in `model.operations` of the `retrieve` that
/// takes such an id alone (`GET /v1/customers/{customer}`), when one
/// resource of those whose example ids start with it has one.
pub fn retrieve_by_id_prefix(model: &Model, defaults: &DefaultObjects) -> BTreeMap<String, usize> {
    let mut found = BTreeMap::new();
    for (prefix, resources) in defaults.resources_by_id_prefix() {
        let retrieves: Vec<usize> = resources
            .iter()
            .filter_map(|resource| retrieve_of(model, resource))
            .collect();
        if let [index] = retrieves.as_slice() {
            found.insert(prefix.to_owned(), *index);
        }
    }
    found
}

/// The operation that retrieves one `resource` by its id alone.
fn retrieve_of(model: &Model, resource: &str) -> Option<usize> {
    let (_, group) = model.resources().find(|(id, _)| *id == resource)?;
    model.operations.iter().position(|op| {
        op.group == group
            && op.method == "GET"
            && op.rust_name == "retrieve"
            && op.path_params.len() == 1
            && op.path.ends_with('}')
    })
}
