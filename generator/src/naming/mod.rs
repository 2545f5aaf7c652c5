//! Every Rust name is made here, and only here: case conversion (heck),
//! keywords, leading digits and names that collide after conversion.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Strict and reserved keywords of Rust 2021 that cannot be identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Names every generated module uses unqualified, so that no type may take
/// them: the prelude's types, variants (`Some(..)`) and traits (`impl
/// From<&str>`, `impl Into<..>`, `Default::default()`), `Self`, and `C`, the
/// client type parameter of the endpoint functions (`-> C::Response<..>`).
const PRELUDE_TYPE_NAMES: &[&str] = &[
    "Option", "Result", "Box", "String", "Vec", "Some", "None", "Ok", "Err", "From", "Into",
    "Default", "Self", "C",
];

/// Type names the crate root has besides the generated types (the
/// runtime's, re-exported there): a root schema may not take them, a
/// namespaced one may (`forwarding::Request`).
const ROOT_TYPE_NAMES: &[&str] = &[
    "Value",
    "List",
    "SearchList",
    "Expandable",
    "Timestamp",
    "Unsettable",
    "Client",
    "Error",
    "Request",
    // The crate's own enums, beside the generated types in `resource.rs`.
    "Resource",
    "EventObject",
];

/// The namespace a Stripe name belongs to and its name inside it, the
/// name being its last dotted part:
/// `identity.verification_session` -> (`identity`, `verification_session`);
/// `v2.core.event_destination` -> (`v2.core`, `event_destination`);
/// `deleted_terminal.configuration` -> (`terminal`, `deleted_configuration`);
/// `charge` -> (none, `charge`).
pub fn split_namespace(wire: &str) -> (Option<&str>, String) {
    match wire.rsplit_once('.') {
        None => (None, wire.to_owned()),
        Some((prefix, rest)) => match prefix.strip_prefix("deleted_") {
            Some(namespace) => (Some(namespace), format!("deleted_{rest}")),
            None => (Some(prefix), rest.to_owned()),
        },
    }
}

/// The modules of a (dotted) namespace, outermost first: `v2.core` ->
/// `["v2", "core"]`. The outermost is a [`namespace_module_name`]; one
/// below it is only declared in its parent's module, where nothing names a
/// crate or glob-imports it, so it may take a crate's name (`core`), but
/// not that of the parent's `shared` file.
pub fn namespace_modules(namespace: &str) -> Vec<String> {
    // An empty part (`a..b`, a leading dot) names no module.
    let mut parts = namespace.split('.').filter(|part| !part.is_empty());
    let outer = parts.next().map(namespace_module_name);
    let inner = parts.map(|part| free_module_name(module_name(part), &["shared"]));
    outer.into_iter().chain(inner).collect()
}

/// The type of a component schema: [`type_name`] of its name inside its
/// namespace, where only the prelude's names are taken
/// (`forwarding.request` -> `Request`, but the root `request` -> `RequestObject`).
pub fn component_type_name(namespace: Option<&str>, local: &str) -> String {
    if namespace.is_none() {
        return type_name(local);
    }
    let name = ascii_words(&local.replace('.', "_")).to_upper_camel_case();
    let name = fix_leading_digit(
        if name.is_empty() {
            "Unnamed".to_owned()
        } else {
            name
        },
        "V",
    );
    if PRELUDE_TYPE_NAMES.contains(&name.as_str()) {
        format!("{name}Object")
    } else {
        name
    }
}

/// `verification_session` -> `VerificationSession`.
pub fn type_name(wire: &str) -> String {
    let name = ascii_words(&wire.replace('.', "_")).to_upper_camel_case();
    let name = if name.is_empty() {
        "Unnamed".to_owned()
    } else {
        name
    };
    let name = fix_leading_digit(name, "V");
    if PRELUDE_TYPE_NAMES.contains(&name.as_str()) || ROOT_TYPE_NAMES.contains(&name.as_str()) {
        format!("{name}Object")
    } else {
        name
    }
}

/// The name of a union of `members` (their Rust names) first used by the
/// field that would name an inline type `owner`. Small unions are named after
/// their members (`BankAccountOrCard`), larger ones after the field, unless
/// one member already has that name (`payment_method_options.card` is the
/// component `payment_intent_payment_method_options_card` or a client form):
/// then that member, `Or`, and the last word of each other member
/// (`PaymentIntentPaymentMethodOptionsCardOrClient`).
pub fn union_type_name(owner: &str, members: &[&str]) -> String {
    let joined = members.join("Or");
    if members.len() <= 3 && joined.len() <= 48 {
        return joined;
    }
    if !members.contains(&owner) {
        return owner.to_owned();
    }
    let others = members.iter().filter(|m| **m != owner).map(|m| {
        let snake = m.to_snake_case();
        snake
            .rsplit('_')
            .next()
            .unwrap_or_default()
            .to_upper_camel_case()
    });
    std::iter::once(owner.to_owned())
        .chain(others)
        .collect::<Vec<_>>()
        .join("Or")
}

/// A type named after where it is used: `Charge` + `outcome` -> `ChargeOutcome`.
pub fn nested_type_name(parent: &str, member: &str) -> String {
    // The member's words as they are: `request` in `CreateRequest` is not a
    // type of its own, so no reserved name applies to it alone.
    let words = ascii_words(&member.replace('.', "_")).to_upper_camel_case();
    type_name(&format!("{parent}{words}"))
}

/// A type name that is unique across namespaces: `identity` +
/// `VerificationSession` -> `IdentityVerificationSession`; `v2.core` +
/// `Event` -> `V2CoreEvent`.
pub fn qualified_type_name(namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(namespace) => format!(
            "{}{name}",
            ascii_words(&namespace.replace('.', "_")).to_upper_camel_case()
        ),
        None => name.to_owned(),
    }
}

/// `billing_details` -> `billing_details`; `type` -> `type_`; `3d_secure` -> `_3d_secure`.
pub fn field_name(wire: &str) -> String {
    let name = ascii_words(&wire.replace('.', "_")).to_snake_case();
    let name = if name.is_empty() {
        "field".to_owned()
    } else {
        name
    };
    let name = fix_leading_digit(name, "_");
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// A snake_case name as a word of a command line, where keywords need no
/// escape: `return_` -> `return`; other names are returned as they are.
pub fn unescaped_keyword(name: &str) -> &str {
    match name.strip_suffix('_') {
        Some(word) if KEYWORDS.contains(&word) => word,
        _ => name,
    }
}

/// The names the generated crates depend on each other by (the keys of
/// their `[dependencies]`), whatever their packages are called: generated
/// code names `stripe_params::`, `stripe_api_base::`, `stripe_api::`.
/// The Rust name of a resource's id type: `Customer` -> `CustomerId`.
pub fn id_type_name(resource: &str) -> String {
    format!("{resource}Id")
}

/// The module of the id types in every generated crate, below the crate
/// root (`crate::ids::CustomerId`); their kinds are in its `kinds`.
pub const IDS_MODULE: &str = "ids";

pub const API_DEPENDENCY: &str = "stripe-api";
pub const PARAMS_DEPENDENCY: &str = "stripe-params";
pub const BASE_DEPENDENCY: &str = "stripe-api-base";
/// ... and the runtime's crates: `stripe_core::`, `stripe_runtime::`.
pub const CORE_DEPENDENCY: &str = "stripe-core";
pub const RUNTIME_DEPENDENCY: &str = "stripe-runtime";

/// The name a package is known by in Rust code: `stripe-api-base` ->
/// `stripe_api_base`, as cargo makes it.
pub fn crate_name(package: &str) -> String {
    package.replace('-', "_")
}

/// A path parameter as an argument of an endpoint function, beside the
/// function's own `client` and `params`: `{client}` -> `client_`.
pub fn argument_name(field_name: &str) -> String {
    match field_name {
        "client" | "params" => format!("{field_name}_"),
        _ => field_name.to_owned(),
    }
}

/// Crates the generated code names by path (`serde_json::Value`): a module
/// of that name would shadow the crate where it is in scope.
const CRATE_NAMES: &[&str] = &[
    "std",
    "core",
    "alloc",
    "serde",
    "serde_json",
    "stripe_core",
    "stripe_runtime",
    "stripe_api",
    "stripe_params",
    "stripe_api_base",
];

/// The generated crates' own modules at the root, and `lib` (a `lib/mod.rs`
/// beside `lib.rs` does not compile); `shared` is also each namespace's.
const ROOT_MODULE_NAMES: &[&str] = &[
    "lib",
    "resource",
    "resources",
    "shared",
    "front_page",
    "webhook",
    "blocking",
];

/// `name`, or `name_` when it is `taken`.
fn free_module_name(name: String, taken: &[&str]) -> String {
    if taken.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// A namespace's module, at the root of the generated crates beside the
/// crates' own modules and the crates their code names: `identity` ->
/// `identity`, `resource` -> `resource_`.
pub fn namespace_module_name(wire: &str) -> String {
    let name = free_module_name(module_name(wire), CRATE_NAMES);
    free_module_name(name, ROOT_MODULE_NAMES)
}

/// The module of a resource (or endpoint group) file in its namespace's
/// module, `local` its name there: never a crate's or the root's own
/// module's (`shared` is beside it), nor that of a namespace `beside` it
/// (a root resource's module is re-exported at the root): `identity`
/// beside `identity.session` -> `identity_`.
pub fn resource_module_name(local: &str, beside: &BTreeSet<String>) -> String {
    let name = namespace_module_name(local);
    if beside.contains(&name) {
        format!("{name}_")
    } else {
        name
    }
}

/// The longest module name: its file (`name.rs`) or folder stays far
/// below the 255 bytes a file name may have.
const MAX_MODULE_NAME: usize = 64;

/// A module name for a namespace or resource file. A longer name is cut and
/// ends in a digest of the whole, so that cut names stay distinct.
pub fn module_name(wire: &str) -> String {
    use sha2::Digest;
    let name = field_name(wire);
    if name.len() <= MAX_MODULE_NAME {
        return name;
    }
    let digest = sha2::Sha256::digest(name.as_bytes());
    let suffix: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    // ASCII (field_name makes it so): any byte index is a char boundary.
    let kept = name[..MAX_MODULE_NAME - 9].trim_end_matches('_');
    format!("{kept}_{suffix}")
}

/// An enum variant for a wire value: `requires_input` -> `RequiresInput`,
/// `""` -> `Empty`, `3ds` -> `V3ds`, `*` -> `Other`.
pub fn variant_name(wire: &str) -> String {
    if wire.is_empty() {
        return "Empty".to_owned();
    }
    let name = ascii_words(wire).to_upper_camel_case();
    if name.is_empty() {
        return "Other".to_owned();
    }
    let name = fix_leading_digit(name, "V");
    // `Unknown` is the catch-all variant of every open enum.
    not_taken(name, &[UNKNOWN, "Self"])
}

/// The catch-all variant of every open enum and union: what the spec does
/// not list, kept as sent.
const UNKNOWN: &str = "Unknown";
/// The `Resource` enum's variant for an object that does not fit its type.
const UNDECODABLE: &str = "Undecodable";

/// `name`, or `name` + `Value` when it is one of the `taken` variants.
fn not_taken(name: String, taken: &[&str]) -> String {
    if taken.contains(&name.as_str()) {
        format!("{name}Value")
    } else {
        name
    }
}

/// A union's variant for a member type: the type's name, unless that is
/// the union's own `Unknown` (`Unknown` -> `UnknownValue`).
pub fn union_variant_name(member: &str) -> String {
    not_taken(member.to_owned(), &[UNKNOWN])
}

/// The `Resource` enum's variant of each resource, given as its namespace
/// module and type name: the two joined (`identity` + `VerificationSession`
/// -> `IdentityVerificationSession`), never the enum's own `Unknown` or
/// `Undecodable` (-> `UnknownValue`), and unique: a root resource keeps its
/// type's name, a namespaced one that would take it (`identity.thing`
/// beside `identity_thing`) is numbered.
pub fn resource_variant_names(resources: &[(Option<&str>, &str)]) -> Vec<String> {
    // Root resources first, as `deduplicate` numbers the later names.
    let mut order: Vec<usize> = (0..resources.len()).collect();
    order.sort_by_key(|&i| resources[i].0.is_some());
    let mut names: Vec<String> = order
        .iter()
        .map(|&i| qualified_type_name(resources[i].0, resources[i].1))
        .map(|name| not_taken(name, &[UNKNOWN, UNDECODABLE]))
        .collect();
    deduplicate(&mut names);
    let mut in_order = vec![String::new(); resources.len()];
    for (i, name) in order.into_iter().zip(names) {
        in_order[i] = name;
    }
    in_order
}

/// The enum of thin event notifications, typed by their type.
pub const EVENT_NOTIFICATION: &str = "EventNotification";

/// The field of a response struct that keeps what the spec does not
/// declare: `extra`, unless the spec already has a field of that name.
pub fn extra_fields_name(taken: &[&str]) -> String {
    fresh_name("extra", taken)
}

/// `base`, or `base_2`, `base_3`, ... : the first that is not `taken`.
pub fn fresh_name(base: &str, taken: &[&str]) -> String {
    if !taken.contains(&base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|name| !taken.contains(&name.as_str()))
        .expect("some number is free")
}

/// The cargo feature of a namespace: its modules joined, `v2.core` ->
/// `v2_core` (see [`feature_name`]).
pub fn namespace_feature_name(modules: &[String]) -> String {
    feature_name(&modules.join("_"))
}

/// A cargo feature for a namespace or a root resource: its module name,
/// unless that is one of the features every generated crate has.
pub fn feature_name(module: &str) -> String {
    match module {
        "default" | "full" | "serde" | "blocking" | "tracing" => format!("{module}_resource"),
        _ => module.to_owned(),
    }
}

/// The internal feature that builds a unit's types without its endpoints.
pub fn types_feature_name(feature: &str) -> String {
    format!("__types_{feature}")
}

/// Every non-ASCII character as a word of its own, `u` and its code point
/// (`😀` -> ` u1f600 `): Rust names and file names stay ASCII (a module
/// file with a non-ASCII name does not compile), and different names stay
/// different.
fn ascii_words(wire: &str) -> std::borrow::Cow<'_, str> {
    if wire.is_ascii() {
        return wire.into();
    }
    wire.chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_string()
            } else {
                format!("_u{:x}_", c as u32)
            }
        })
        .collect::<String>()
        .into()
}

fn fix_leading_digit(name: String, prefix: &str) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{prefix}{name}")
    } else {
        name
    }
}

/// Makes names unique within one scope by numbering the later ones:
/// `FooBar`, `FooBar2`, ... Deterministic given the order of `names`.
pub fn deduplicate(names: &mut [String]) {
    let mut taken = BTreeSet::new();
    // Per name, the number to try next: numbers only ever get taken, so the
    // search resumes there, and 20,000 colliding names take linear time.
    let mut next_number: BTreeMap<String, usize> = BTreeMap::new();
    for name in names.iter_mut() {
        if !taken.insert(name.clone()) {
            let n = next_number.entry(name.clone()).or_insert(2);
            while taken.contains(&format!("{name}{n}")) {
                *n += 1;
            }
            let numbered = format!("{name}{n}");
            *n += 1;
            *name = numbered;
            taken.insert(name.clone());
        }
    }
}

mod operations;

pub use operations::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_union_named_like_its_member_says_what_else_it_can_be() {
        let card = "PaymentIntentPaymentMethodOptionsCard";
        let client = "PaymentIntentTypeSpecificPaymentMethodOptionsClient";
        assert_eq!(
            union_type_name(card, &[card, client]),
            "PaymentIntentPaymentMethodOptionsCardOrClient"
        );
        assert_eq!(
            union_type_name("SourceField", &["BankAccount", "Card"]),
            "BankAccountOrCard"
        );
        let long = [
            "AVeryLongMemberNameNumberOne",
            "AVeryLongMemberNameNumberTwo",
        ];
        assert_eq!(union_type_name("OwnerField", &long), "OwnerField");
    }

    #[test]
    fn reserved_names_are_taken_only_where_they_clash() {
        assert_eq!(
            component_type_name(Some("forwarding"), "request"),
            "Request"
        );
        assert_eq!(component_type_name(None, "request"), "RequestObject");
        assert_eq!(component_type_name(None, "client"), "ClientObject");
        assert_eq!(
            component_type_name(Some("billing"), "option"),
            "OptionObject"
        );
        assert_eq!(
            component_type_name(Some("identity"), "verification_session"),
            "VerificationSession"
        );
    }

    #[test]
    fn namespaces_split_as_stripe_sdks_group_them() {
        let table = [
            (
                "identity.verification_session",
                (Some("identity"), "verification_session"),
            ),
            (
                "deleted_terminal.configuration",
                (Some("terminal"), "deleted_configuration"),
            ),
            (
                "test_helpers.test_clock",
                (Some("test_helpers"), "test_clock"),
            ),
            ("charge", (None, "charge")),
            (
                "treasury.financial_account_features",
                (Some("treasury"), "financial_account_features"),
            ),
        ];
        for (wire, (namespace, local)) in table {
            assert_eq!(
                split_namespace(wire),
                (namespace, local.to_owned()),
                "{wire}"
            );
        }
    }

    #[test]
    fn awkward_stripe_names() {
        let types = [
            ("verification_session", "VerificationSession"),
            ("3d_secure_details", "V3dSecureDetails"),
            (
                "gelato_session_id_number_options",
                "GelatoSessionIdNumberOptions",
            ),
            ("option", "OptionObject"),
            ("list", "ListObject"),
            ("climate.order", "ClimateOrder"),
        ];
        for (wire, rust) in types {
            assert_eq!(type_name(wire), rust, "{wire}");
        }
        let fields = [
            ("type", "type_"),
            ("ref", "ref_"),
            ("self", "self_"),
            ("3d_secure", "_3d_secure"),
            ("three_d_secure", "three_d_secure"),
            ("billingDetails", "billing_details"),
            ("eps", "eps"),
        ];
        for (wire, rust) in fields {
            assert_eq!(field_name(wire), rust, "{wire}");
        }
        let variants = [
            ("requires_input", "RequiresInput"),
            ("", "Empty"),
            ("3ds", "V3ds"),
            ("*", "Other"),
            ("unknown", "UnknownValue"),
            ("es-419", "Es419"),
            (
                "identity.verification_session.redacted",
                "IdentityVerificationSessionRedacted",
            ),
        ];
        for (wire, rust) in variants {
            assert_eq!(variant_name(wire), rust, "{wire}");
        }
    }

    #[test]
    fn long_module_names_are_cut_and_stay_distinct() {
        assert_eq!(module_name("verification_session"), "verification_session");
        let (a, b) = ("x".repeat(300), format!("{}y", "x".repeat(299)));
        let (cut_a, cut_b) = (module_name(&a), module_name(&b));
        assert_ne!(cut_a, cut_b);
        for cut in [&cut_a, &cut_b] {
            assert_eq!(cut.len(), MAX_MODULE_NAME, "{cut}");
            assert!(cut.starts_with("xxxx"), "{cut}");
            assert_eq!(field_name(cut), *cut, "a valid module name");
        }
        assert_eq!(module_name(&a), cut_a, "deterministic");
        assert_eq!(namespace_module_name(&a), cut_a);
    }

    #[test]
    fn types_never_take_names_the_generated_code_uses_unqualified() {
        for (wire, rust) in [
            ("some", "SomeObject"),
            ("none", "NoneObject"),
            ("ok", "OkObject"),
            ("err", "ErrObject"),
            ("from", "FromObject"),
            ("into", "IntoObject"),
            ("default", "DefaultObject"),
            ("c", "CObject"),
        ] {
            assert_eq!(component_type_name(Some("billing"), wire), rust);
            assert_eq!(type_name(wire), rust);
        }
        // The crate's own enums are at the root only.
        assert_eq!(type_name("resource"), "ResourceObject");
        assert_eq!(type_name("event_object"), "EventObjectObject");
        assert_eq!(component_type_name(Some("billing"), "resource"), "Resource");
    }

    #[test]
    fn variants_never_take_the_catch_all_ones() {
        assert_eq!(union_variant_name("Unknown"), "UnknownValue");
        assert_eq!(union_variant_name("Undecodable"), "Undecodable");
        assert_eq!(union_variant_name("Card"), "Card");
        let resources = [
            (None, "Unknown"),
            (None, "Undecodable"),
            (Some("identity"), "Unknown"),
        ];
        assert_eq!(
            resource_variant_names(&resources),
            ["UnknownValue", "UndecodableValue", "IdentityUnknown"]
        );
    }

    #[test]
    fn resource_variants_are_unique_and_root_resources_keep_their_names() {
        // `identity.thing` sorts before `identity_thing`, yet the root one,
        // whose variant is its type's own name, keeps it.
        let resources = [
            (Some("identity"), "Thing"),
            (None, "IdentityThing"),
            (Some("identity"), "VerificationSession"),
        ];
        assert_eq!(
            resource_variant_names(&resources),
            [
                "IdentityThing2",
                "IdentityThing",
                "IdentityVerificationSession"
            ]
        );
    }

    #[test]
    fn resource_modules_never_shadow_crates_or_the_roots_modules() {
        let namespaces: BTreeSet<String> = ["identity".to_owned()].into();
        let none = BTreeSet::new();
        let module = |local, root| match root {
            true => resource_module_name(local, &namespaces),
            false => resource_module_name(local, &none),
        };
        assert_eq!(module("customer", true), "customer");
        assert_eq!(module("serde_json", false), "serde_json_");
        assert_eq!(module("stripe_core", true), "stripe_core_");
        assert_eq!(module("shared", false), "shared_");
        assert_eq!(module("resource", true), "resource_");
        // Re-exported at the root beside the `identity` namespace.
        assert_eq!(module("identity", true), "identity_");
        assert_eq!(module("identity", false), "identity");
    }

    #[test]
    fn collisions_after_case_conversion_are_numbered() {
        let mut names: Vec<String> = ["foo-bar", "foo_bar", "FooBar", "baz"]
            .iter()
            .map(|w| variant_name(w))
            .collect();
        deduplicate(&mut names);
        assert_eq!(names, ["FooBar", "FooBar2", "FooBar3", "Baz"]);
    }

    #[test]
    fn numbering_resumes_where_it_stopped_and_keeps_taken_names() {
        let mut names: Vec<String> = ["A", "A2", "A", "A", "B"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        deduplicate(&mut names);
        assert_eq!(names, ["A", "A2", "A3", "A4", "B"]);
        // 20,000 names that collide: all distinct, in linear time (the old
        // search from 2 for each took minutes).
        let mut many = vec!["Same".to_owned(); 20_000];
        deduplicate(&mut many);
        assert_eq!(many.iter().collect::<BTreeSet<_>>().len(), 20_000);
        assert_eq!(many[19_999], "Same20000");
    }

    #[test]
    fn names_without_ascii_letters_become_ascii_identifiers() {
        assert_eq!(type_name("😀"), "U1f600");
        assert_eq!(type_name(""), "Unnamed");
        assert_eq!(type_name("café"), "CafUe9");
        assert_eq!(field_name("😀"), "u1f600");
        assert_eq!(field_name(""), "field");
        assert_eq!(module_name("naïve"), "na_uef_ve");
        assert_eq!(variant_name("ü"), "Ufc");
        assert_eq!(variant_name("*"), "Other");
        for name in [type_name("😀"), field_name("é"), variant_name("日本")] {
            assert!(name.is_ascii() && !name.is_empty(), "{name}");
        }
    }

    #[test]
    fn nested_namespaces_keep_their_names() {
        assert_eq!(namespace_modules("v2.core"), ["v2", "core"]);
        assert_eq!(namespace_modules("core.shared"), ["core_", "shared_"]);
        assert_eq!(namespace_modules("identity"), ["identity"]);
    }

    #[test]
    fn namespaces_never_take_the_crates_own_module_names() {
        assert_eq!(namespace_module_name("identity"), "identity");
        assert_eq!(namespace_module_name("resource"), "resource_");
        assert_eq!(namespace_module_name("shared"), "shared_");
        assert_eq!(namespace_module_name("std"), "std_");
        assert_eq!(namespace_module_name("self"), "self_");
        assert_eq!(namespace_module_name("serde_json"), "serde_json_");
        assert_eq!(namespace_module_name("lib"), "lib_");
        assert_eq!(namespace_module_name("front_page"), "front_page_");
    }
}
