//! The Rust layer: what a spec change does to the generated crate.
//!
//! The spec layer says what breaks on the wire; users of this crate also
//! care what stops compiling. A response enum value removed is harmless on
//! the wire but removes a variant someone may match on. This module compares
//! the two [`Model`]s the generator builds, item by item: types by public
//! path (`Customer`, `issuing::Card`), struct fields by name and rendered
//! type, enum and union variants by name, the `new` constructor of request
//! structs, and operations (methods) by group and name, with the signature
//! the generated function has.
//!
//! Types are named by the path users write, not by the file they are in:
//! the generated crate re-exports every type of a namespace from its
//! resource files and `shared.rs` (`stripe::Customer`,
//! `stripe::issuing::Card`), so a type that moves between those files (used
//! by a second resource, it goes to `shared.rs`) is the same type, and
//! fields and methods naming it do not change.

use std::collections::{BTreeMap, BTreeSet};

use super::{Change, Kind, Location};
use crate::model::implements_object;
use crate::model::layout;
use crate::model::{
    Model, Operation, Pagination, Struct, TypeDef, TypeId, TypeKind, TypeRef, Usage,
};

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

/// Types by their public path: `issuing::Card`. Layout makes Rust names
/// unique per namespace, so the path names one type.
fn index(model: &Model) -> BTreeMap<String, &TypeDef> {
    model
        .types
        .iter()
        .map(|def| (type_path(def), def))
        .collect()
}

/// The path users write below the crate root: the namespace module (none
/// for the root namespace) and the name. The resource files and `shared.rs`
/// are private modules whose items are re-exported.
fn type_path(def: &TypeDef) -> String {
    match layout::namespace_path(&def.module).as_str() {
        "" => def.rust_name.clone(),
        namespace => format!("{namespace}::{}", def.rust_name),
    }
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
            compare_constructors(old, new, path, &here, old_struct, new_struct, changes);
        }
        (TypeKind::Enum(old_values), TypeKind::Enum(new_values)) => {
            let names = |values: &[crate::model::EnumValue]| -> BTreeSet<String> {
                values.iter().map(|v| v.rust_name.clone()).collect()
            };
            variants(path, &here, &names(old_values), &names(new_values), changes);
        }
        (TypeKind::Union(old_variants), TypeKind::Union(new_variants)) => {
            let names = |variants: &[crate::model::UnionVariant]| -> BTreeSet<String> {
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

/// A request struct is built with `new(required...)` when it has required
/// fields, else with `Default::default()` (it derives `Default` only then).
/// A change to which fields are required (added, removed, became required
/// or optional, reordered) changes how every caller builds it; a required
/// field's type change is already `rust-field-type-changed` on the field.
fn compare_constructors(
    old: &Model,
    new: &Model,
    path: &str,
    here: &Location,
    old_struct: &Struct,
    new_struct: &Struct,
    changes: &mut Vec<Change>,
) {
    if old_struct.usage != Usage::Request || new_struct.usage != Usage::Request {
        return;
    }
    let required = |body: &Struct| -> Vec<String> {
        body.fields
            .iter()
            .filter(|f| !f.optional())
            .map(|f| f.rust_name.clone())
            .collect()
    };
    if required(old_struct) == required(new_struct) {
        return;
    }
    let constructor = |model: &Model, body: &Struct| -> String {
        let arguments: Vec<String> = body
            .fields
            .iter()
            .filter(|f| !f.optional())
            .map(|f| format!("{}: impl Into<{}>", f.rust_name, field_type(model, f)))
            .collect();
        if arguments.is_empty() {
            "Default::default()".to_owned()
        } else {
            format!("new({})", arguments.join(", "))
        }
    };
    changes.push(Change::new(
        Kind::RustFunctionSignatureChanged,
        Location {
            rust: Some(format!("{path}::new")),
            ..here.clone()
        },
        format!(
            "constructor of `{path}` changed from `{}` to `{}`",
            constructor(old, old_struct),
            constructor(new, new_struct)
        ),
    ));
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
fn field_type(model: &Model, field: &crate::model::Field) -> String {
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
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Decimal => "Decimal".into(),
        TypeRef::Int64String => "i64".into(),
        TypeRef::Binary => "Vec<u8>".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::Named(id) => type_path(model.get(*id)),
        TypeRef::List(item) => format!("Vec<{}>", type_ref(model, item)),
        TypeRef::Map(value) => format!("BTreeMap<String, {}>", type_ref(model, value)),
        TypeRef::Expandable(target) => format!("Expandable<{}>", type_ref(model, target)),
        TypeRef::ApiList(item) => format!("List<{}>", type_ref(model, item)),
        TypeRef::SearchList(item) => format!("SearchList<{}>", type_ref(model, item)),
        TypeRef::V2List(item) => format!("V2List<{}>", type_ref(model, item)),
        TypeRef::Unsettable(inner) => format!("Unsettable<{}>", type_ref(model, inner)),
        TypeRef::AnyResource => "Resource".into(),
        TypeRef::RawBody => "Bytes".into(),
        TypeRef::Id(kind) => id_path(model, *kind),
        TypeRef::ObjectName => "const OBJECT".into(),
    }
}

/// An id type as users write it: `CustomerId`, `identity::VerificationSessionId`.
fn id_path(model: &Model, kind: TypeId) -> String {
    let def = model.get(kind);
    let mut path = layout::namespace(&def.module).to_vec();
    path.push(crate::naming::id_type_name(&def.rust_name));
    path.join("::")
}

/// The functions an operation generates, by name, with their signatures as
/// `render_operations` writes them (without the leading `client` argument
/// and with the `Result<_, Error>` left out): `retrieve(customer: &str,
/// params: &RetrieveCustomerParams) -> Customer`, and for a list or search
/// operation whose items can be paged through, `list_auto_paging(...) ->
/// Stream<Customer>`.
fn functions(model: &Model, operation: &Operation) -> Vec<(String, String)> {
    let mut arguments: Vec<String> = operation
        .path_params
        .iter()
        .map(|p| match p.ty {
            TypeRef::Id(kind) => format!(
                "{}: impl Into<IdRef<{}>>",
                p.rust_name,
                id_path(model, kind)
            ),
            _ => format!("{}: &str", p.rust_name),
        })
        .collect();
    arguments.push(format!(
        "params: &{}",
        type_path(model.get(operation.params))
    ));
    let arguments = arguments.join(", ");
    let mut out = vec![(
        operation.rust_name.clone(),
        format!(
            "{}({arguments}) -> {}",
            operation.rust_name,
            type_ref(model, &operation.response)
        ),
    )];
    let pages = match (operation.pagination, operation.page_item()) {
        (Pagination::List, Some(item)) => implements_object(model, item).then_some(item),
        (Pagination::Search, Some(item)) => Some(item),
        _ => None,
    };
    if let Some(item) = pages {
        let name = crate::naming::auto_paging_name(&operation.rust_name);
        let signature = format!("{name}({arguments}) -> Stream<{}>", type_ref(model, item));
        out.push((name, signature));
    }
    out
}

/// Methods: by the type they are grouped under and their name.
fn diff_operations(old: &Model, new: &Model, changes: &mut Vec<Change>) {
    let index = |model: &'_ Model| -> BTreeMap<(String, String), (String, Location)> {
        model
            .operations
            .iter()
            .flat_map(|operation| {
                let group = type_path(model.get(operation.group));
                functions(model, operation)
                    .into_iter()
                    .map(move |(name, signature)| {
                        let location = Location {
                            operation: Some(format!(
                                "{} {}",
                                operation.method.to_uppercase(),
                                operation.path
                            )),
                            pointer: operation.pointer.clone(),
                            rust: Some(format!("{group}::{name}")),
                        };
                        ((group.clone(), name), (signature, location))
                    })
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
