//! Analyses over the model that rendering relies on.

use crate::model::{Model, TypeId, TypeKind, TypeRef};

/// Marks the struct fields that must be `Box`ed: those that hold, by value,
/// a type from which the field's own struct can be reached again by value.
/// Unions box every variant, so only struct fields can close a cycle (once
/// `untie_recursive_aliases` has opened those of aliases).
pub fn box_recursive_fields(model: &mut Model) {
    untie_recursive_aliases(model);
    let edges: Vec<Vec<TypeId>> = model
        .types
        .iter()
        .map(|def| {
            let mut out = Vec::new();
            if let TypeKind::Struct(body) = &def.kind {
                for field in &body.fields {
                    field.ty.visit_named(true, &mut |id, by_value| {
                        if by_value {
                            out.push(id)
                        }
                    });
                }
            }
            out
        })
        .collect();
    let component = strongly_connected_components(&edges);
    for (index, def) in model.types.iter_mut().enumerate() {
        let TypeKind::Struct(body) = &mut def.kind else {
            continue;
        };
        for field in &mut body.fields {
            let mut in_cycle = false;
            field.ty.visit_named(true, &mut |id, by_value| {
                in_cycle |= by_value && component[id.0] == component[index];
            });
            field.boxed = in_cycle;
        }
    }
}

/// An alias that reaches itself through aliases alone (`tree`, a map of
/// `tree`) is a cycle rustc rejects whatever the indirection: `type Tree =
/// BTreeMap<String, Tree>` expands forever, and no `Box` helps. The
/// references that close such a cycle become any JSON (`type Tree =
/// BTreeMap<String, serde_json::Value>`), which holds every value the
/// spec's type allows; a newtype would need codecs of its own for a shape
/// that Stripe's spec never has.
fn untie_recursive_aliases(model: &mut Model) {
    let alias: Vec<bool> = model
        .types
        .iter()
        .map(|def| matches!(def.kind, TypeKind::Alias(_)))
        .collect();
    let edges: Vec<Vec<TypeId>> = model
        .types
        .iter()
        .map(|def| {
            let mut out = Vec::new();
            if let TypeKind::Alias(ty) = &def.kind {
                ty.visit_named(true, &mut |id, _| out.extend(alias[id.0].then_some(id)));
            }
            out
        })
        .collect();
    let component = strongly_connected_components(&edges);
    for (index, def) in model.types.iter_mut().enumerate() {
        if let TypeKind::Alias(ty) = &mut def.kind {
            json_for(ty, &|id| alias[id.0] && component[id.0] == component[index]);
        }
    }
}

/// Replaces the named types in `ty` that `closes_cycle` picks by any JSON.
fn json_for(ty: &mut TypeRef, closes_cycle: &dyn Fn(TypeId) -> bool) {
    match ty {
        TypeRef::Named(id) if closes_cycle(*id) => *ty = TypeRef::Json,
        TypeRef::List(inner)
        | TypeRef::Map(inner)
        | TypeRef::Expandable(inner)
        | TypeRef::ApiList(inner)
        | TypeRef::SearchList(inner)
        | TypeRef::Unsettable(inner) => json_for(inner, closes_cycle),
        _ => {}
    }
}

/// Tarjan's algorithm; returns the component number of every node. A node
/// with a self-edge is in its own component, which counts as a cycle. The
/// depth-first walk keeps its own stack of (node, next edge), so a spec's
/// longest chain of types costs memory, never the thread's stack.
fn strongly_connected_components(edges: &[Vec<TypeId>]) -> Vec<usize> {
    let n = edges.len();
    let mut index: Vec<Option<usize>> = vec![None; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![0; n];
    let (mut next_index, mut next_component) = (0, 0);
    for root in 0..n {
        if index[root].is_some() {
            continue;
        }
        let mut walk = vec![(root, 0)];
        while let Some(&mut (v, ref mut next_edge)) = walk.last_mut() {
            if *next_edge == 0 && index[v].is_none() {
                index[v] = Some(next_index);
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(w) = edges[v].get(*next_edge).map(|id| id.0) {
                *next_edge += 1;
                match index[w] {
                    None => walk.push((w, 0)),
                    Some(w_index) if on_stack[w] => low[v] = low[v].min(w_index),
                    Some(_) => {}
                }
                continue;
            }
            walk.pop();
            if let Some(&(parent, _)) = walk.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if Some(low[v]) == index[v] {
                loop {
                    let w = stack.pop().expect("v is on the stack");
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(name: &str, ty: TypeRef) -> crate::model::TypeDef {
        crate::model::TypeDef {
            wire_name: name.to_owned(),
            pointer: String::new(),
            rust_name: name.to_owned(),
            module: Vec::new(),
            doc: None,
            resource_id: None,
            kind: TypeKind::Alias(ty),
        }
    }

    #[test]
    fn aliases_that_reach_themselves_hold_json_there() {
        let map_of = |id| TypeRef::Map(Box::new(TypeRef::Named(TypeId(id))));
        // tree -> tree; a -> b -> a; c -> a (no cycle of its own)
        let mut model = Model {
            types: vec![
                alias("Tree", map_of(0)),
                alias("A", map_of(2)),
                alias("B", TypeRef::List(Box::new(map_of(1)))),
                alias("C", map_of(1)),
            ],
            ..Model::default()
        };
        box_recursive_fields(&mut model);
        let kinds: Vec<&TypeKind> = model.types.iter().map(|def| &def.kind).collect();
        let json = TypeRef::Map(Box::new(TypeRef::Json));
        assert_eq!(kinds[0], &TypeKind::Alias(json.clone()));
        assert_eq!(kinds[1], &TypeKind::Alias(json.clone()));
        assert_eq!(kinds[2], &TypeKind::Alias(TypeRef::List(Box::new(json))));
        assert_eq!(kinds[3], &TypeKind::Alias(map_of(1)));
    }

    #[test]
    fn components_group_cycles() {
        // 0 -> 1 -> 0, 2 -> 2, 3 -> 0
        let edges = vec![
            vec![TypeId(1)],
            vec![TypeId(0)],
            vec![TypeId(2)],
            vec![TypeId(0)],
        ];
        let c = strongly_connected_components(&edges);
        assert_eq!(c[0], c[1]);
        assert_ne!(c[0], c[2]);
        assert_ne!(c[3], c[0]);
    }
}
