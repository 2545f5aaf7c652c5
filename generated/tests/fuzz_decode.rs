//! Damaged responses: fixtures with bytes replaced, cut out, repeated or
//! cut off, decoded as the resource types and as `Resource`. The decoders
//! never panic or overflow; they refuse every body that is not JSON (as
//! `serde_json` reads it), and a refusal points inside the body with a path.

mod common;
#[path = "../../runtime/core/tests/support/fuzz.rs"]
mod fuzz;

use proptest::prelude::*;
use serde_json::Value;
use stripe::{
    Charge, Customer, DecodeError, Event, Invoice, PaymentIntent, Resource, Subscription,
};

/// Every fixtures file's object of each resource below, one body each
/// (read once): the newer files' carry more.
fn bodies() -> &'static [(&'static str, Vec<u8>)] {
    static BODIES: std::sync::OnceLock<Vec<(&'static str, Vec<u8>)>> = std::sync::OnceLock::new();
    BODIES.get_or_init(|| {
        let files = common::fixture_files();
        let names = [
            "customer",
            "charge",
            "invoice",
            "payment_intent",
            "subscription",
            "event",
        ];
        let bodies: Vec<(&'static str, Vec<u8>)> = names
            .into_iter()
            .flat_map(|name| {
                let objects = files
                    .values()
                    .filter_map(move |resources| resources.get(name));
                objects.map(move |object| (name, serde_json::to_vec_pretty(object).unwrap()))
            })
            .collect();
        for name in names {
            assert!(bodies.iter().any(|(n, _)| *n == name), "no {name} fixture");
        }
        bodies
    })
}

fn decode_as(name: &str, body: &[u8]) -> Vec<Result<(), DecodeError>> {
    fn run<T: stripe::Decode>(body: &[u8]) -> Result<(), DecodeError> {
        stripe::from_slice::<T>(body).map(drop)
    }
    let typed = match name {
        "customer" => run::<Customer>(body),
        "charge" => run::<Charge>(body),
        "invoice" => run::<Invoice>(body),
        "payment_intent" => run::<PaymentIntent>(body),
        "subscription" => run::<Subscription>(body),
        _ => run::<Event>(body),
    };
    vec![typed, run::<Resource>(body)]
}

#[derive(Clone, Debug)]
enum Damage {
    Replace(prop::sample::Index, u8),
    Remove(prop::sample::Index, usize),
    Repeat(prop::sample::Index, usize),
    CutOff(prop::sample::Index),
}

fn damage() -> impl Strategy<Value = Damage> {
    let bytes = prop::sample::select(b"\"{}[],:0-9.en\\ \xff\x00t".to_vec());
    prop_oneof![
        4 => (any::<prop::sample::Index>(), bytes).prop_map(|(at, b)| Damage::Replace(at, b)),
        2 => (any::<prop::sample::Index>(), 1usize..64).prop_map(|(at, n)| Damage::Remove(at, n)),
        2 => (any::<prop::sample::Index>(), 1usize..64).prop_map(|(at, n)| Damage::Repeat(at, n)),
        1 => any::<prop::sample::Index>().prop_map(Damage::CutOff),
    ]
}

fn apply(body: &mut Vec<u8>, damage: &Damage) {
    if body.is_empty() {
        return;
    }
    match damage {
        Damage::Replace(at, byte) => {
            let i = at.index(body.len());
            body[i] = *byte;
        }
        Damage::Remove(at, n) => {
            let i = at.index(body.len());
            body.drain(i..(i + n).min(body.len()));
        }
        Damage::Repeat(at, n) => {
            let i = at.index(body.len());
            let copy = body[i..(i + n).min(body.len())].to_vec();
            body.splice(i..i, copy);
        }
        Damage::CutOff(at) => body.truncate(at.index(body.len())),
    }
}

proptest! {
    #![proptest_config(fuzz::config(256))]

    #[test]
    fn damaged_bodies_are_refused_with_a_place_or_decoded_never_a_panic(
        which in 0usize..6,
        damages in prop::collection::vec(damage(), 1..4),
    ) {
        let (name, body) = &bodies()[which];
        let (name, mut body) = (*name, body.clone());
        for damage in &damages {
            apply(&mut body, damage);
        }
        let is_json = serde_json::from_slice::<Value>(&body).is_ok();
        for result in decode_as(name, &body) {
            match result {
                Ok(()) => prop_assert!(is_json, "{name}: accepted a body that is not JSON"),
                Err(error) => {
                    prop_assert!(error.offset <= body.len(), "{name}: {error}");
                    prop_assert!(!error.path.is_empty() && !error.message.is_empty());
                }
            }
        }
    }
}

#[test]
fn nesting_far_past_the_limit_is_refused_not_a_stack_overflow() {
    for open in [b'[', b'{'] {
        let mut body = Vec::new();
        for _ in 0..100_000 {
            body.extend_from_slice(if open == b'[' { b"[" } else { b"{\"a\":" });
        }
        for result in decode_as("customer", &body) {
            let error = result.unwrap_err();
            assert!(error.offset <= body.len(), "{error}");
        }
    }
}
