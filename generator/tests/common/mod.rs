//! What the generator's tests share. Each test binary uses some of it.
#![allow(dead_code)]

use std::path::PathBuf;

use stripe_codegen::model::{Field, Model, TypeKind};
use stripe_codegen::{SourceDocument, Spec};

/// Where the spec documents are, looked up as `cargo xtask codegen` does
/// ([`stripe_spec::SpecDir::resolve`]).
pub fn spec_dir() -> PathBuf {
    stripe_spec::SpecDir::resolve(None).path
}

/// A spec of one document written for a test, `name` for its errors.
pub fn spec_of(name: &str, text: &str) -> Spec {
    Spec::parse(&[SourceDocument {
        name: name.into(),
        text: text.into(),
        api_version: None,
    }])
    .unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// The field `field` of the struct whose wire name is `type_name`.
pub fn field_of<'m>(model: &'m Model, type_name: &str, field: &str) -> &'m Field {
    let def = model
        .types
        .iter()
        .find(|t| t.wire_name == type_name)
        .unwrap_or_else(|| panic!("no type {type_name}"));
    let TypeKind::Struct(body) = &def.kind else {
        panic!("{type_name} is not a struct")
    };
    body.fields
        .iter()
        .find(|f| f.wire_name == field)
        .unwrap_or_else(|| panic!("{type_name} has no field {field}"))
}
