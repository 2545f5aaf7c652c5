//! Keeps response structs small enough to move cheaply: a field that holds
//! a struct estimated at more than [`LARGE`] bytes is `Box`ed.
//!
//! Stripe's objects are mostly empty optional sub-objects: a `Charge` held
//! every payment method's details inline, 7.7 kB per charge, copied on each
//! move while decoding a page. Boxed, an absent one costs 8 bytes and a
//! present one an allocation. Request structs are left as they are: users
//! build those, and they are written once.
//!
//! A resource's struct or list field that Stripe's example object leaves
//! out (`Customer::sources`, `tax`, `cash_balance`: sent only when expanded)
//! is boxed whatever its size: absent from most responses, it costs 8 bytes
//! where it took 80 to 170, and a page of customers moves 40 % fewer bytes.

use crate::model::{Model, TypeId, TypeKind, TypeRef, Usage};
use crate::parse::defaults::DefaultObjects;

/// Structs estimated above this many bytes are held through a `Box`.
pub const LARGE: usize = 256;

pub fn box_large_fields(model: &mut Model, defaults: &DefaultObjects) {
    box_left_out_fields(model, defaults);
    let mut sizes = Sizes {
        known: vec![None; model.types.len()],
        visiting: vec![false; model.types.len()],
    };
    // Held types first, so that `size_of` finds them known and never
    // recurses deeper than one level, however long a chain the spec has.
    for id in held_first(model) {
        sizes.size_of(model, id);
    }
}

/// Every type after the types it holds by value (a post-order of the
/// by-value references), found without recursion.
fn held_first(model: &Model) -> Vec<TypeId> {
    let held = |id: TypeId| {
        let mut out = Vec::new();
        let mut push = |target: TypeId, by_value: bool| {
            if by_value {
                out.push(target)
            }
        };
        match &model.get(id).kind {
            TypeKind::Struct(body) => body
                .fields
                .iter()
                .filter(|f| !f.boxed)
                .for_each(|f| f.ty.visit_named(true, &mut push)),
            TypeKind::Alias(ty) => ty.visit_named(true, &mut push),
            _ => {}
        }
        out
    };
    let mut seen = vec![false; model.types.len()];
    let mut order = Vec::with_capacity(model.types.len());
    for root in (0..model.types.len()).map(TypeId) {
        if std::mem::replace(&mut seen[root.0], true) {
            continue;
        }
        let mut path = vec![(root, held(root), 0)];
        while let Some((id, targets, next)) = path.last_mut() {
            match targets.get(*next).copied() {
                Some(target) => {
                    *next += 1;
                    if !std::mem::replace(&mut seen[target.0], true) {
                        path.push((target, held(target), 0));
                    }
                }
                None => {
                    order.push(*id);
                    path.pop();
                }
            }
        }
    }
    order
}

/// Boxes the fields of resources that Stripe's examples leave out, where a
/// box is smaller than the value (a struct or a list).
fn box_left_out_fields(model: &mut Model, defaults: &DefaultObjects) {
    let is_struct: Vec<bool> = model
        .types
        .iter()
        .map(|def| matches!(def.kind, TypeKind::Struct(_)))
        .collect();
    for def in &mut model.types {
        let (Some(resource_id), TypeKind::Struct(body)) = (&def.resource_id, &mut def.kind) else {
            continue;
        };
        if body.usage != Usage::Response {
            continue;
        }
        for field in &mut body.fields {
            let boxable = match &field.ty {
                TypeRef::Named(target) => is_struct[target.0],
                TypeRef::ApiList(_) | TypeRef::SearchList(_) => true,
                _ => false,
            };
            if boxable && field.optional() && defaults.leaves_out(resource_id, &field.wire_name) {
                field.boxed = true;
            }
        }
    }
}

struct Sizes {
    known: Vec<Option<usize>>,
    visiting: Vec<bool>,
}

impl Sizes {
    /// The estimated inline size of a type, deciding along the way which
    /// fields of its struct (and of those it holds) are boxed.
    fn size_of(&mut self, model: &mut Model, id: TypeId) -> usize {
        if let Some(size) = self.known[id.0] {
            return size;
        }
        if self.visiting[id.0] {
            // Reached again by value only through a recursion `Box`.
            return 8;
        }
        self.visiting[id.0] = true;
        let size = match &model.get(id).kind {
            TypeKind::Struct(_) => self.struct_size(model, id),
            TypeKind::Enum(_) => 24,
            // A boxed member, or `Unknown(serde_json::Value)`.
            TypeKind::Union(_) => 40,
            TypeKind::Alias(ty) => {
                let ty = ty.clone();
                self.ref_size(model, &ty)
            }
            TypeKind::Unit => 0,
        };
        self.visiting[id.0] = false;
        self.known[id.0] = Some(size);
        size
    }

    fn struct_size(&mut self, model: &mut Model, id: TypeId) -> usize {
        let TypeKind::Struct(body) = &model.get(id).kind else {
            return 0;
        };
        let response = body.usage == Usage::Response;
        let fields: Vec<(usize, TypeRef, bool, bool)> = body
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| (i, f.ty.clone(), f.boxed, f.optional()))
            .collect();
        let mut total = if body.extra.is_some() { 24 } else { 0 };
        for (index, ty, boxed, optional) in fields {
            let inline = match boxed {
                true => 8,
                false => self.ref_size(model, &ty),
            };
            let large_struct = matches!(&ty, TypeRef::Named(target)
                if matches!(model.get(*target).kind, TypeKind::Struct(_)) && inline > LARGE);
            let size = if response && !boxed && large_struct {
                if let TypeKind::Struct(body) = &mut model.types[id.0].kind {
                    body.fields[index].boxed = true;
                }
                8
            } else {
                inline
            };
            total += size + if optional { 8 } else { 0 };
        }
        total
    }

    fn ref_size(&mut self, model: &mut Model, ty: &TypeRef) -> usize {
        match ty {
            TypeRef::Boolean => 1,
            TypeRef::Integer | TypeRef::Number | TypeRef::Timestamp | TypeRef::Int64String => 8,
            TypeRef::DateTime => 12,
            // Not stored: the type's `OBJECT` constant.
            TypeRef::ObjectName => 0,
            TypeRef::Decimal => 16,
            TypeRef::String | TypeRef::Binary | TypeRef::List(_) | TypeRef::Map(_) => 24,
            TypeRef::Expandable(_) => 24,
            TypeRef::Json | TypeRef::RawBody | TypeRef::Id(_) => 32,
            TypeRef::AnyResource => 40,
            TypeRef::ApiList(_) => 80,
            TypeRef::SearchList(_) => 128,
            TypeRef::V2List(_) => 72,
            TypeRef::Unsettable(inner) => self.ref_size(model, inner) + 8,
            TypeRef::Named(id) => self.size_of(model, *id),
        }
    }
}
