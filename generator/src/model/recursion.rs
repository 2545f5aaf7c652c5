//! Analyses over the model that rendering relies on.

use crate::model::{Model, TypeId, TypeKind};

/// Marks the struct fields that must be `Box`ed: those that hold, by value,
/// a type from which the field's own struct can be reached again by value.
/// Unions box every variant, so only struct fields can close a cycle.
pub fn box_recursive_fields(model: &mut Model) {
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

/// Tarjan's algorithm; returns the component number of every node. A node
/// with a self-edge is in its own component, which counts as a cycle.
fn strongly_connected_components(edges: &[Vec<TypeId>]) -> Vec<usize> {
    struct State<'e> {
        edges: &'e [Vec<TypeId>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next_index: usize,
        component: Vec<usize>,
        next_component: usize,
    }

    fn visit(s: &mut State<'_>, v: usize) {
        s.index[v] = Some(s.next_index);
        s.low[v] = s.next_index;
        s.next_index += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for w in s.edges[v].iter().map(|id| id.0) {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(w_index) if s.on_stack[w] => s.low[v] = s.low[v].min(w_index),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            loop {
                let w = s.stack.pop().expect("v is on the stack");
                s.on_stack[w] = false;
                s.component[w] = s.next_component;
                if w == v {
                    break;
                }
            }
            s.next_component += 1;
        }
    }

    let n = edges.len();
    let mut state = State {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next_index: 0,
        component: vec![0; n],
        next_component: 0,
    };
    for v in 0..n {
        if state.index[v].is_none() {
            visit(&mut state, v);
        }
    }
    state.component
}

#[cfg(test)]
mod tests {
    use super::*;

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
