//! The Rust layer: what a spec change does to the generated crate.
//!
//! The spec layer says what breaks on the wire; users of this crate also
//! care what stops compiling. A response enum value removed is harmless on
//! the wire but removes a variant someone may match on. This module compares
//! the two [`Model`]s the generator builds, item by item: types by module
//! path and name, struct fields by name and rendered type, enum and union
//! variants by name, and operations (methods) by group and name.

use std::collections::{BTreeMap, BTreeSet};

use super::{Change, Kind, Location};
use crate::ir::{Model, Operation, TypeDef, TypeKind, TypeRef};

/// Compares the generated API of two models.
pub fn diff_models(old: &Model, new: &Model) -> Vec<Change> {
    let mut changes = Vec::new();
    let old_types = index(old);
    let new_types = index(new);
    for (path, new_def) in &new_types {
        match old_types.get(path) {
            None => changes.push(Change::new(
                Kind::RustTypeAdded,
                at(new_def, path),
                format!("type `{path}` added"),
            )),
            Some(old_def) => compare_type(old, new, path, old_def, new_def, &mut changes),
        }
    }
    for (path, old_def) in &old_types {
        if !new_types.contains_key(path) {
            changes.push(Change::new(
                Kind::RustTypeRemoved,
                at(old_def, path),
                format!("type `{path}` removed"),
            ));
        }
    }
    diff_operations(old, new, &mut changes);
    changes
}

/// Types by their path in the crate: `issuing::card::Card`.
fn index(model: &Model) -> BTreeMap<String, &TypeDef> {
    model
        .types
        .iter()
        .map(|def| (type_path(def), def))
        .collect()
}

fn type_path(def: &TypeDef) -> String {
    def.module
        .iter()
        .map(String::as_str)
        .chain([def.rust_name.as_str()])
        .collect::<Vec<_>>()
        .join("::")
}

fn at(def: &TypeDef, rust: &str) -> Location {
    Location {
        operation: None,
        pointer: def.pointer.clone(),
        rust: Some(rust.to_owned()),
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "enum",
        TypeKind::Union(_) => "union enum",
        TypeKind::Alias(_) => "type alias",
        TypeKind::Unit => "unit struct",
    }
}

fn compare_type(
    old: &Model,
    new: &Model,
    path: &str,
    old_def: &TypeDef,
    new_def: &TypeDef,
    changes: &mut Vec<Change>,
) {
    let here = at(new_def, path);
    match (&old_def.kind, &new_def.kind) {
        (TypeKind::Struct(old_struct), TypeKind::Struct(new_struct)) => {
            let old_fields: BTreeMap<&str, String> = old_struct
                .fields
                .iter()
                .map(|f| (f.rust_name.as_str(), field_type(old, f)))
                .collect();
            for field in &new_struct.fields {
                let ty = field_type(new, field);
                let location = Location {
                    rust: Some(format!("{path}.{}", field.rust_name)),
                    ..here.clone()
                };
                match old_fields.get(field.rust_name.as_str()) {
                    None if field.optional() => changes.push(Change::new(
                        Kind::RustFieldAdded,
                        location,
                        format!("field `{path}.{}: {ty}` added", field.rust_name),
                    )),
                    None => changes.push(Change::new(
                        Kind::RustRequiredFieldAdded,
                        location,
                        format!("non-Option field `{path}.{}: {ty}` added", field.rust_name),
                    )),
                    Some(old_ty) if *old_ty != ty => changes.push(Change::new(
                        Kind::RustFieldTypeChanged,
                        location,
                        format!(
                            "field `{path}.{}` changed type from `{old_ty}` to `{ty}`",
                            field.rust_name
                        ),
                    )),
                    Some(_) => {}
                }
            }
            let new_names: BTreeSet<&str> = new_struct
                .fields
                .iter()
                .map(|f| f.rust_name.as_str())
                .collect();
            for (name, ty) in &old_fields {
                if !new_names.contains(name) {
                    let location = Location {
                        rust: Some(format!("{path}.{name}")),
                        ..here.clone()
                    };
                    changes.push(Change::new(
                        Kind::RustFieldRemoved,
                        location,
                        format!("field `{path}.{name}: {ty}` removed"),
                    ));
                }
            }
        }
        (TypeKind::Enum(old_values), TypeKind::Enum(new_values)) => {
            let names = |values: &[crate::ir::EnumValue]| -> BTreeSet<String> {
                values.iter().map(|v| v.rust_name.clone()).collect()
            };
            variants(path, &here, &names(old_values), &names(new_values), changes);
        }
        (TypeKind::Union(old_variants), TypeKind::Union(new_variants)) => {
            let names = |variants: &[crate::ir::UnionVariant]| -> BTreeSet<String> {
                variants.iter().map(|v| v.rust_name.clone()).collect()
            };
            variants(
                path,
                &here,
                &names(old_variants),
                &names(new_variants),
                changes,
            );
        }
        (TypeKind::Alias(old_ty), TypeKind::Alias(new_ty)) => {
            let (old_ty, new_ty) = (type_ref(old, old_ty), type_ref(new, new_ty));
            if old_ty != new_ty {
                changes.push(Change::new(
                    Kind::RustAliasChanged,
                    here,
                    format!("type alias `{path}` changed from `{old_ty}` to `{new_ty}`"),
                ));
            }
        }
        (TypeKind::Unit, TypeKind::Unit) => {}
        (old_kind, new_kind) => changes.push(Change::new(
            Kind::RustTypeKindChanged,
            here,
            format!(
                "`{path}` changed from a {} to a {}",
                kind_name(old_kind),
                kind_name(new_kind)
            ),
        )),
    }
}

fn variants(
    path: &str,
    here: &Location,
    old: &BTreeSet<String>,
    new: &BTreeSet<String>,
    changes: &mut Vec<Change>,
) {
    for name in new.difference(old) {
        let location = Location {
            rust: Some(format!("{path}::{name}")),
            ..here.clone()
        };
        changes.push(Change::new(
            Kind::RustVariantAdded,
            location,
            format!("variant `{path}::{name}` added"),
        ));
    }
    for name in old.difference(new) {
        let location = Location {
            rust: Some(format!("{path}::{name}")),
            ..here.clone()
        };
        changes.push(Change::new(
            Kind::RustVariantRemoved,
            location,
            format!("variant `{path}::{name}` removed"),
        ));
    }
}

/// A field's type as written in the struct, with absolute paths so that
/// the same text means the same type in both models.
fn field_type(model: &Model, field: &crate::ir::Field) -> String {
    let mut ty = type_ref(model, &field.ty);
    if field.boxed {
        ty = format!("Box<{ty}>");
    }
    if field.optional() {
        ty = format!("Option<{ty}>");
    }
    ty
}

fn type_ref(model: &Model, ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Integer => "i64".into(),
        TypeRef::Number => "f64".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::Timestamp => "Timestamp".into(),
        TypeRef::Binary => "Vec<u8>".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::Named(id) => type_path(model.get(*id)),
        TypeRef::List(item) => format!("Vec<{}>", type_ref(model, item)),
        TypeRef::Map(value) => format!("BTreeMap<String, {}>", type_ref(model, value)),
        TypeRef::Expandable(target) => format!("Expandable<{}>", type_ref(model, target)),
        TypeRef::ApiList(item) => format!("List<{}>", type_ref(model, item)),
        TypeRef::SearchList(item) => format!("SearchList<{}>", type_ref(model, item)),
        TypeRef::Unsettable(inner) => format!("Unsettable<{}>", type_ref(model, inner)),
        TypeRef::AnyResource => "Resource".into(),
    }
}

/// A method's signature: `retrieve(id: String, params: Option<RetrieveChargeParams>) -> Charge`.
fn signature(model: &Model, operation: &Operation) -> String {
    let mut arguments: Vec<String> = operation
        .path_params
        .iter()
        .map(|p| format!("{}: {}", p.rust_name, type_ref(model, &p.ty)))
        .collect();
    if let Some(params) = operation.params {
        let params = type_path(model.get(params));
        arguments.push(if operation.params_required {
            format!("params: {params}")
        } else {
            format!("params: Option<{params}>")
        });
    }
    format!(
        "{}({}) -> {}",
        operation.rust_name,
        arguments.join(", "),
        type_ref(model, &operation.response)
    )
}

/// Methods, when the models have operations: by the type they are grouped
/// under and their name.
fn diff_operations(old: &Model, new: &Model, changes: &mut Vec<Change>) {
    let index = |model: &'_ Model| -> BTreeMap<(String, String), (String, Location)> {
        model
            .operations
            .iter()
            .map(|operation| {
                let group = type_path(model.get(operation.group));
                let location = Location {
                    operation: Some(format!(
                        "{} {}",
                        operation.method.to_uppercase(),
                        operation.path
                    )),
                    pointer: operation.pointer.clone(),
                    rust: Some(format!("{group}::{}", operation.rust_name)),
                };
                (
                    (group, operation.rust_name.clone()),
                    (signature(model, operation), location),
                )
            })
            .collect()
    };
    let (old_operations, new_operations) = (index(old), index(new));
    for (key, (signature, location)) in &new_operations {
        let group = &key.0;
        match old_operations.get(key) {
            None => changes.push(Change::new(
                Kind::RustFunctionAdded,
                location.clone(),
                format!("method `{group}::{signature}` added"),
            )),
            Some((old_signature, _)) if old_signature != signature => changes.push(Change::new(
                Kind::RustFunctionSignatureChanged,
                location.clone(),
                format!(
                    "method `{group}::{}` changed from `{old_signature}` to `{signature}`",
                    key.1
                ),
            )),
            Some(_) => {}
        }
    }
    for (key, (signature, location)) in &old_operations {
        if !new_operations.contains_key(key) {
            changes.push(Change::new(
                Kind::RustFunctionRemoved,
                location.clone(),
                format!("method `{}::{signature}` removed", key.0),
            ));
        }
    }
}
