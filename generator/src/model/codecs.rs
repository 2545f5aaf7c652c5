//! Which types are read from responses and which are written into
//! requests, so that a type gets a decoder or an encoder only when some
//! path of the API needs one. The two sets do not meet in Stripe's spec:
//! what only requests use goes to a crate of its own ([`Side::Params`]).

use std::collections::VecDeque;

use crate::model::layout::references;
use crate::model::{Model, TypeId, TypeKind, Usage};

/// What is generated for one type besides its definition.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Codecs {
    /// Read from JSON: reachable from a response.
    pub decode: bool,
    /// Written as form pairs: reachable from an operation's parameters.
    pub encode: bool,
}

/// The generated crate a type goes to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// `stripe-api`: what responses hold, the resources and their endpoints.
    #[default]
    Api,
    /// `stripe-params`: what only requests use, below `stripe-api`, so that
    /// both compile in their own rustc (each well under 1 GB).
    Params,
}

impl Codecs {
    pub fn side(self) -> Side {
        if self.encode && !self.decode {
            Side::Params
        } else {
            Side::Api
        }
    }

    /// [`side`](Self::side), when params have a crate of their own
    /// (`split`); else everything is in the API crate.
    pub fn crate_side(self, split: bool) -> Side {
        match split {
            true => self.side(),
            false => Side::Api,
        }
    }
}

pub fn plan_codecs(model: &mut Model) {
    let mut decode_roots: Vec<TypeId> = (0..model.types.len())
        .map(TypeId)
        .filter(|&id| match &model.get(id).kind {
            TypeKind::Struct(body) => body.usage == Usage::Response,
            TypeKind::Union(_) => true,
            _ => false,
        })
        .collect();
    for operation in &model.operations {
        operation
            .response
            .visit_named(true, &mut |id, _| decode_roots.push(id));
    }
    // `EventObject` decodes an event's object by the event's type.
    decode_roots.extend(model.event_objects.iter().filter_map(|e| e.object));
    let encode_roots: Vec<TypeId> = model.operations.iter().map(|o| o.params).collect();
    let decode = closure(model, decode_roots);
    let encode = closure(model, encode_roots);
    model.codecs = decode
        .into_iter()
        .zip(encode)
        .map(|(decode, encode)| Codecs { decode, encode })
        .collect();
}

/// Every type reachable from `roots`, as a flag per type.
fn closure(model: &Model, roots: Vec<TypeId>) -> Vec<bool> {
    let mut reached = vec![false; model.types.len()];
    let mut queue = VecDeque::from(roots);
    while let Some(id) = queue.pop_front() {
        if std::mem::replace(&mut reached[id.0], true) {
            continue;
        }
        queue.extend(references(model, id));
    }
    reached
}
