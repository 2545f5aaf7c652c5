//! Operation names: which resource an operation is grouped under and its
//! method name, in the vocabulary of Stripe's SDKs, and the names of the
//! types an operation brings (params, inline responses).

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;

use super::{field_name, type_name};
use crate::parse::policy::OperationOverrides;

/// What an operation returns, as far as its name is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Returns {
    /// One object.
    Object,
    /// A cursor page (`object: list`).
    List,
    /// A search page (`object: search_result`).
    Search,
}

/// The facts about one operation that [`operation_name`] derives its group
/// and method name from. Nothing else (not the `operationId`) is used.
#[derive(Clone, Copy, Debug)]
pub struct OperationFacts<'a> {
    /// `GET`, `POST` or `DELETE`.
    pub method: &'a str,
    /// The path as the spec writes it: `/v1/customers/{customer}/sources`.
    pub path: &'a str,
    pub returns: Returns,
    /// A `GET` on the same path returns one object (so a `POST` there
    /// updates that object rather than creating one).
    pub get_returns_object: bool,
}

/// The resource an operation is grouped under.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// A resource of the spec, by its `x-resourceId`.
    Resource(String),
    /// No resource of the spec matches the path: a unit struct named after
    /// the path's collection (`/v1/linked_accounts` -> `linked_account`),
    /// in the path's namespace.
    Unit {
        namespace: Option<String>,
        name: String,
    },
}

/// The derived name of an operation: where it goes, and its method name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationName {
    pub group: Group,
    pub method: String,
}

/// Every name `spec/operations.toml` gives a method is the Rust name it
/// would be given: snake_case, not a keyword.
pub fn check_override_names(overrides: &OperationOverrides) -> crate::Result<()> {
    for (operation_id, entry) in &overrides.overrides {
        if let Some(name) = entry.name.as_deref().filter(|n| field_name(n) != *n) {
            return Err(crate::Error::new(format!(
                "[overrides.{operation_id}] name `{name}` is not a snake_case Rust identifier"
            ))
            .in_file(&overrides.file));
        }
    }
    Ok(())
}

/// Names an operation in the vocabulary of Stripe's SDKs.
///
/// The rule, applied to the path after `/v1/`:
///
/// 1. **Test helpers.** A leading `test_helpers` segment that is not itself
///    a namespace of the next segment (`test_helpers.test_clock` is) is
///    dropped, and the method name gets the prefix `test_helpers_`
///    (stripe-ruby's `Refund::TestHelpers.expire` -> `Refund::test_helpers_expire`).
/// 2. **Group.** The first segment is a namespace when some resource id
///    starts with `segment.`; the next segment is then the collection. The
///    collection's singular (`verification_sessions` -> `verification_session`,
///    `capabilities` -> `capability`), or the segment as written (`tax.settings`),
///    prefixed with the namespace, must be an `x-resourceId`. Without a
///    namespace, `a/b` may also name the resource `a_b` (`apple_pay/domains`
///    -> `apple_pay_domain`) or, when `a` is no resource, `b`
///    (`sigma/scheduled_query_runs` -> `scheduled_query_run`). When nothing
///    matches, the group is a unit struct named after the collection.
/// 3. **Words.** The literal segments after the collection are the words of
///    the name; a word followed by a path parameter is made singular
///    (`/customers/{customer}/sources/{id}/verify` -> `source`, `verify`).
/// 4. **Verb.**
///    - path ends with a parameter: `GET` -> `retrieve`, `POST` -> `update`,
///      `DELETE` -> `delete`, then the words (`retrieve_source`);
///    - no words (the collection itself): `GET` -> `list` for a list, else
///      `retrieve`; `POST` -> `update` when a `GET` there returns one object
///      (`/v1/tax/settings`), else `create`; `DELETE` -> `delete`;
///    - otherwise, `GET` -> `list_` + words for a list, `search` for a search
///      page, else `retrieve_` + words (`retrieve_cash_balance`); `DELETE` ->
///      `delete_` + words; `POST` -> `update_` + words when a `GET` there
///      returns one object, `create_` + words with the last one singular when
///      the last word is plural (`create_source`, `create_login_link`), else
///      the last word is an action verb and comes first: `cancel`, `redact`,
///      `verify_source`, `close_dispute`.
///
/// Exceptions are data, in `spec/operations.toml` (see
/// [`crate::parse::policy::OperationOverrides`]).
pub fn operation_name(facts: &OperationFacts<'_>, resources: &BTreeSet<String>) -> OperationName {
    let is_resource = |r: &str| resources.contains(r);
    let is_param = |s: &str| s.starts_with('{');
    let trimmed = facts.path.trim_start_matches('/');
    let mut segments: Vec<&str> = trimmed.split('/').filter(|s| !s.is_empty()).collect();
    // v2 resources are named in a `v2.` namespace of their own
    // (`v2.core.event_destination`).
    let api = match segments.first() {
        Some(&"v2") => Api::V2,
        _ => Api::V1,
    };
    if matches!(segments.first(), Some(&"v1" | &"v2")) {
        segments.remove(0);
    }
    let is_namespace = |s: &str, next: Option<&&str>| {
        next.is_some_and(|next| {
            !is_param(next)
                && resource_candidates(api, Some(s), next)
                    .iter()
                    .any(|c| is_resource(c))
        })
    };

    let mut test_helpers = false;
    if segments.first() == Some(&"test_helpers") && !is_namespace("test_helpers", segments.get(1)) {
        test_helpers = true;
        segments.remove(0);
    }

    let (group, consumed) = resolve_group(api, &segments, resources);
    let rest = segments.get(consumed..).unwrap_or_default();

    let mut words: Vec<String> = Vec::new();
    for (i, segment) in rest.iter().enumerate() {
        if is_param(segment) {
            continue;
        }
        let followed_by_param = rest.get(i + 1).is_some_and(|next| is_param(next));
        words.push(if followed_by_param {
            singular(segment)
        } else {
            (*segment).to_owned()
        });
    }
    let ends_with_param = rest.last().is_some_and(|s| is_param(s));

    let join = |verb: &str, words: &[String]| {
        let mut parts = vec![verb.to_owned()];
        parts.extend(words.iter().cloned());
        parts.join("_")
    };
    let method = if ends_with_param || words.is_empty() {
        match (facts.method, ends_with_param) {
            ("GET", false) if facts.returns == Returns::List => join("list", &words),
            ("GET", _) => join("retrieve", &words),
            ("POST", false) if !facts.get_returns_object => join("create", &words),
            ("POST", _) => join("update", &words),
            _ => join("delete", &words),
        }
    } else {
        let (last, prefix) = words.split_last().expect("words is not empty");
        match facts.method {
            "GET" => match facts.returns {
                Returns::List => join("list", &words),
                Returns::Search if last == "search" => join("search", prefix),
                Returns::Search => join("search", &words),
                Returns::Object => join("retrieve", &words),
            },
            "POST" if facts.get_returns_object => join("update", &words),
            "POST" if is_plural(last) => {
                let mut words = prefix.to_vec();
                words.push(singular(last));
                join("create", &words)
            }
            "POST" => join(last, prefix),
            _ => join("delete", &words),
        }
    };
    let method = field_name(&method);
    let method = if test_helpers {
        format!("test_helpers_{method}")
    } else {
        method
    };
    OperationName { group, method }
}

/// Which API a path is in, as far as names go: v2 names are in `v2.`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Api {
    V1,
    V2,
}

impl Api {
    /// The namespace of a name in this API: `core` -> `v2.core` on v2; the
    /// root (`None`) is `v2` there.
    fn namespace(self, namespace: Option<&str>) -> Option<String> {
        match (self, namespace) {
            (Api::V1, namespace) => namespace.map(str::to_owned),
            (Api::V2, Some(namespace)) => Some(format!("v2.{namespace}")),
            (Api::V2, None) => Some("v2".to_owned()),
        }
    }
}

/// The group of a path (version and test-helper prefix removed) and how
/// many segments name it.
fn resolve_group(api: Api, segments: &[&str], resources: &BTreeSet<String>) -> (Group, usize) {
    let is_param = |s: &str| s.starts_with('{');
    let is_resource = |r: &str| resources.contains(r);
    let find = |namespace: Option<&str>, collection: &str| {
        resource_candidates(api, namespace, collection)
            .into_iter()
            .find(|c| is_resource(c))
    };
    let first = segments.first().copied().unwrap_or_default();
    let second = segments.get(1).copied().filter(|s| !is_param(s));
    let third = segments.get(2).copied().filter(|s| !is_param(s));
    if let Some(second) = second {
        if let Some(found) = find(Some(first), second) {
            return (Group::Resource(found), 2);
        }
        // In a namespace, `a/b` may name the resource `a_b`
        // (`commerce/product_catalog/imports` -> `product_catalog_import`).
        if let Some(found) = third.and_then(|third| find(Some(first), &format!("{second}_{third}")))
        {
            return (Group::Resource(found), 3);
        }
    }
    if let Some(found) = find(None, first) {
        return (Group::Resource(found), 1);
    }
    if let Some(second) = second {
        if let Some(found) = find(None, &format!("{first}_{second}")).or_else(|| find(None, second))
        {
            return (Group::Resource(found), 2);
        }
    }
    let namespace = api.namespace(Some(first)).unwrap_or_default();
    let namespace_prefix = format!("{namespace}.");
    match second {
        Some(second) if resources.iter().any(|r| r.starts_with(&namespace_prefix)) => (
            Group::Unit {
                namespace: Some(namespace),
                name: singular(second),
            },
            2,
        ),
        _ => (
            Group::Unit {
                namespace: api.namespace(None),
                name: singular(first),
            },
            1,
        ),
    }
}

/// Resource ids a collection segment may name: its singular, then as written.
fn resource_candidates(api: Api, namespace: Option<&str>, collection: &str) -> Vec<String> {
    let namespace = api.namespace(namespace);
    let qualify = |name: &str| match &namespace {
        Some(namespace) => format!("{namespace}.{name}"),
        None => name.to_owned(),
    };
    vec![qualify(&singular(collection)), qualify(collection)]
}

fn is_plural(word: &str) -> bool {
    word.ends_with('s') && !word.ends_with("ss")
}

/// The singular of an English plural as Stripe's paths use them:
/// `sessions` -> `session`, `capabilities` -> `capability`, `tax_ids` -> `tax_id`.
/// Words that are not plural are returned as they are.
pub fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if is_plural(word) {
        word[..word.len() - 1].to_owned()
    } else {
        word.to_owned()
    }
}

/// The stem that an operation's types are named after: the method's verb,
/// the group, then the method's other words. `redact` on
/// `VerificationSession` -> `RedactVerificationSession` (so
/// `RedactVerificationSessionParams`); `list_sources` on `Customer` ->
/// `ListCustomerSources`; `test_helpers_expire` on `Refund` ->
/// `TestHelpersExpireRefund`.
pub fn operation_type_stem(method: &str, group_type: &str) -> String {
    let (prefix, method) = match method.strip_prefix("test_helpers_") {
        Some(rest) => ("TestHelpers", rest),
        None => ("", method),
    };
    let (verb, rest) = method.split_once('_').unwrap_or((method, ""));
    format!(
        "{prefix}{}{group_type}{}",
        verb.to_upper_camel_case(),
        rest.to_upper_camel_case()
    )
}

/// The params struct of an operation: `CreateCustomer` -> `CreateCustomerParams`.
pub fn params_type_name(stem: &str) -> String {
    format!("{stem}Params")
}

/// The error codes of an operation: `CreateEventDestination` ->
/// `CreateEventDestinationErrorCode`.
pub fn error_code_type_name(stem: &str) -> String {
    format!("{stem}ErrorCode")
}

/// An inline response type of an operation: `CreateCustomer` -> `CreateCustomerResponse`.
pub fn response_type_name(stem: &str) -> String {
    format!("{stem}Response")
}

/// The Rust type of a unit group: `linked_account` -> `LinkedAccount`.
pub fn unit_group_type_name(name: &str) -> String {
    type_name(name)
}

/// The auto-paging companion of a list or search method.
pub fn auto_paging_name(method: &str) -> String {
    format!("{method}_auto_paging")
}

/// The `stripe` command of an operation, as Stripe CLI spells it: the
/// namespace, the resource's plural, the method. `redact` on
/// `identity.verification_session` at
/// `/v1/identity/verification_sessions/{session}/redact` ->
/// `identity verification_sessions redact`; test helpers go under
/// `test_helpers` (`test_helpers_expire` on `refund` -> `test_helpers refunds
/// expire`). The plural is the path's segment that names the resource
/// (`tax/settings` -> `settings`, `balance` -> `balance`), else the name
/// with an `s` (`apple_pay/domains` on `apple_pay_domain` ->
/// `apple_pay_domains`).
pub fn cli_command(group_wire: &str, method: &str, path: &str) -> Vec<String> {
    let (namespace, name) = super::split_namespace(group_wire);
    let mut command = Vec::new();
    let method = match method.strip_prefix("test_helpers_") {
        Some(rest) => {
            command.push("test_helpers".to_owned());
            rest
        }
        None => method,
    };
    if let Some(namespace) = namespace.filter(|ns| command.first().map(String::as_str) != Some(ns))
    {
        command.extend(namespace.split('.').map(str::to_owned));
    }
    command.extend(collection_words(&name, path));
    command.push(super::unescaped_keyword(method).to_owned());
    command
}

/// The spellings of an operation's command on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CliSpellings {
    /// Stripe CLI's command: policy's first spelling, else the rule's.
    pub command: Vec<String>,
    /// Stripe CLI's other spellings, listed beside the command.
    pub also: Vec<Vec<String>>,
    /// The rule's spelling where Stripe CLI's differs: still runs the
    /// operation, left out of listings.
    pub aliases: Vec<Vec<String>>,
}

impl CliSpellings {
    pub fn all(&self) -> impl Iterator<Item = &Vec<String>> {
        std::iter::once(&self.command)
            .chain(&self.also)
            .chain(&self.aliases)
    }
}

/// An operation's spellings: Stripe CLI's where policy names them
/// (`stripe_cli`), the rule's ([`cli_command`]) otherwise or beside them;
/// and for a test helper both orders Stripe CLI registers,
/// `test_helpers customers fund_cash_balance` and `customers test_helpers
/// fund_cash_balance`.
pub fn cli_spellings(
    stripe_cli: &[String],
    group_wire: &str,
    method: &str,
    path: &str,
) -> CliSpellings {
    let derived = cli_command(group_wire, method, path);
    let mut stripe: Vec<Vec<String>> = stripe_cli
        .iter()
        .map(|spelling| spelling.split(' ').map(str::to_owned).collect())
        .collect();
    let mut ours = Vec::new();
    match stripe.is_empty() {
        true => stripe.push(derived),
        false if !stripe.contains(&derived) => ours.push(derived),
        false => {}
    }
    let stripe = with_helper_orders(stripe);
    let mut aliases = with_helper_orders(ours);
    aliases.retain(|words| !stripe.contains(words));
    let mut stripe = stripe.into_iter();
    CliSpellings {
        command: stripe.next().unwrap_or_default(),
        also: stripe.collect(),
        aliases,
    }
}

/// `spellings`, each test helper's followed by its other order (`customers
/// test_helpers fund_cash_balance`), each once.
fn with_helper_orders(spellings: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for words in spellings {
        let other = (words.len() > 2 && words[0] == "test_helpers").then(|| {
            let (last, middle) = words[1..].split_last().expect("more than two words");
            let mut moved = middle.to_vec();
            moved.push("test_helpers".to_owned());
            moved.push(last.clone());
            moved
        });
        for spelling in std::iter::once(words).chain(other) {
            if !out.contains(&spelling) {
                out.push(spelling);
            }
        }
    }
    out
}

/// The words that name a resource's collection on the command line, as
/// Stripe CLI spells them: the path's segment that names it
/// (`tax/settings` -> `settings`), else the name with an `s`
/// (`apple_pay/domains` on `apple_pay_domain` -> `apple_pay_domains`,
/// `product_catalog/imports` on `product_catalog_import` ->
/// `product_catalog_imports`).
fn collection_words(name: &str, path: &str) -> Vec<String> {
    let segment = path
        .split('/')
        .find(|segment| *segment == name || singular(segment) == name);
    vec![segment.map_or_else(|| plural(name), str::to_owned)]
}

/// The plural of a resource name whose path does not spell it.
fn plural(name: &str) -> String {
    match name.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{stem}ies"),
        _ if name.ends_with('s') || name.ends_with('x') || name.ends_with("ch") => {
            format!("{name}es")
        }
        _ => format!("{name}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripe_clis_spelling_leads_and_ours_stays_a_hidden_alias() {
        let words = |line: &str| line.split(' ').map(str::to_owned).collect::<Vec<_>>();
        let spelled = cli_spellings(
            &["tax_ids create".to_owned()],
            "customer",
            "create_tax_id",
            "/v1/customers/{customer}/tax_ids",
        );
        assert_eq!(spelled.command, words("tax_ids create"));
        assert!(spelled.also.is_empty());
        assert_eq!(spelled.aliases, [words("customers create_tax_id")]);

        // A test helper: both of Stripe CLI's orders are listed.
        let helper = cli_spellings(
            &[],
            "customer",
            "test_helpers_fund_cash_balance",
            "/v1/test_helpers/customers/{customer}/fund_cash_balance",
        );
        assert_eq!(
            helper.command,
            words("test_helpers customers fund_cash_balance")
        );
        assert_eq!(
            helper.also,
            [words("customers test_helpers fund_cash_balance")]
        );
        assert!(helper.aliases.is_empty());

        // Stripe CLI's own name for a helper, ours hidden in both orders.
        let renamed = cli_spellings(
            &["test_helpers treasury inbound_transfers return_inbound_transfer".to_owned()],
            "treasury.inbound_transfer",
            "test_helpers_return",
            "/v1/test_helpers/treasury/inbound_transfers/{id}/return",
        );
        assert_eq!(
            renamed.also,
            [words(
                "treasury inbound_transfers test_helpers return_inbound_transfer"
            )]
        );
        assert_eq!(
            renamed.aliases,
            [
                words("test_helpers treasury inbound_transfers return"),
                words("treasury inbound_transfers test_helpers return")
            ]
        );
    }

    #[test]
    fn cli_commands_follow_stripe_cli() {
        for (group, method, path, command) in [
            (
                "identity.verification_session",
                "redact",
                "/v1/identity/verification_sessions/{session}/redact",
                "identity verification_sessions redact",
            ),
            ("customer", "create", "/v1/customers", "customers create"),
            (
                "customer",
                "list_sources",
                "/v1/customers/{customer}/sources",
                "customers list_sources",
            ),
            (
                "refund",
                "test_helpers_expire",
                "/v1/test_helpers/refunds/{refund}/expire",
                "test_helpers refunds expire",
            ),
            (
                "test_helpers.test_clock",
                "create",
                "/v1/test_helpers/test_clocks",
                "test_helpers test_clocks create",
            ),
            (
                "issuing.card",
                "test_helpers_deliver_card",
                "/v1/test_helpers/issuing/cards/{card}/shipping/deliver",
                "test_helpers issuing cards deliver_card",
            ),
            ("balance", "retrieve", "/v1/balance", "balance retrieve"),
            (
                "tax.settings",
                "update",
                "/v1/tax/settings",
                "tax settings update",
            ),
            (
                "apple_pay_domain",
                "list",
                "/v1/apple_pay/domains",
                "apple_pay_domains list",
            ),
            (
                "climate.order",
                "cancel",
                "/v1/climate/orders/{order}/cancel",
                "climate orders cancel",
            ),
            (
                "treasury.outbound_payment",
                "test_helpers_return_",
                "/v1/test_helpers/treasury/outbound_payments/{id}/return",
                "test_helpers treasury outbound_payments return",
            ),
            (
                "v2.core.event_destination",
                "create",
                "/v2/core/event_destinations",
                "v2 core event_destinations create",
            ),
            (
                "v2.commerce.product_catalog_import",
                "retrieve",
                "/v2/commerce/product_catalog/imports/{id}",
                "v2 commerce product_catalog_imports retrieve",
            ),
            (
                "v2.billing.meter_event_stream",
                "create",
                "/v2/billing/meter_event_stream",
                "v2 billing meter_event_stream create",
            ),
        ] {
            assert_eq!(
                cli_command(group, method, path).join(" "),
                command,
                "{path}"
            );
        }
    }

    #[test]
    fn singulars() {
        for (plural, one) in [
            ("verification_sessions", "verification_session"),
            ("capabilities", "capability"),
            ("entries", "entry"),
            ("tax_ids", "tax_id"),
            ("address", "address"),
            ("people", "people"),
            ("balance", "balance"),
        ] {
            assert_eq!(singular(plural), one, "{plural}");
        }
    }

    /// `group::method` of an operation, a unit's group as `unit:ns.name`.
    fn described(
        method: &str,
        path: &str,
        returns: Returns,
        get_returns_object: bool,
        resources: &BTreeSet<String>,
    ) -> String {
        let facts = OperationFacts {
            method,
            path,
            returns,
            get_returns_object,
        };
        let n = operation_name(&facts, resources);
        let group = match n.group {
            Group::Resource(r) => r,
            Group::Unit {
                namespace: None,
                name,
            } => format!("unit:{name}"),
            Group::Unit {
                namespace: Some(namespace),
                name,
            } => format!("unit:{namespace}.{name}"),
        };
        format!("{group}::{}", n.method)
    }

    #[test]
    fn operation_names_from_synthetic_facts() {
        let resources: BTreeSet<String> = [
            "customer",
            "identity.verification_session",
            "tax.settings",
            "scheduled_query_run",
        ]
        .map(String::from)
        .into();
        let name = |method, path, returns, get_returns_object| {
            described(method, path, returns, get_returns_object, &resources)
        };
        use Returns::*;
        assert_eq!(name("GET", "/v1/customers", List, false), "customer::list");
        assert_eq!(
            name("POST", "/v1/customers/{customer}/sources", Object, false),
            "customer::create_source"
        );
        assert_eq!(
            name(
                "POST",
                "/v1/customers/{c}/sources/{id}/verify",
                Object,
                false
            ),
            "customer::verify_source"
        );
        assert_eq!(
            name("GET", "/v1/customers/search", Search, false),
            "customer::search"
        );
        assert_eq!(
            name("POST", "/v1/tax/settings", Object, true),
            "tax.settings::update"
        );
        assert_eq!(
            name("GET", "/v1/sigma/scheduled_query_runs", List, false),
            "scheduled_query_run::list"
        );
        assert_eq!(
            name("GET", "/v1/linked_accounts/{account}", Object, false),
            "unit:linked_account::retrieve"
        );
        assert_eq!(
            name(
                "POST",
                "/v1/identity/verification_sessions/{session}/redact",
                Object,
                false
            ),
            "identity.verification_session::redact"
        );
        assert_eq!(
            name(
                "POST",
                "/v1/test_helpers/customers/{c}/fund_cash_balance",
                Object,
                false
            ),
            "customer::test_helpers_fund_cash_balance"
        );
    }

    #[test]
    fn v2_operations_are_named_as_the_sdks_name_them() {
        let resources: BTreeSet<String> = [
            "billing.meter_event",
            "v2.billing.meter_event",
            "v2.billing.meter_event_session",
            "v2.core.event",
            "v2.core.event_destination",
            "v2.commerce.product_catalog_import",
        ]
        .map(String::from)
        .into();
        let name = |method, path, returns, get_returns_object| {
            described(method, path, returns, get_returns_object, &resources)
        };
        use Returns::*;
        for (method, path, returns, get_object, expected) in [
            (
                "GET",
                "/v2/core/event_destinations",
                List,
                false,
                "v2.core.event_destination::list",
            ),
            (
                "POST",
                "/v2/core/event_destinations",
                Object,
                false,
                "v2.core.event_destination::create",
            ),
            (
                "GET",
                "/v2/core/event_destinations/{id}",
                Object,
                false,
                "v2.core.event_destination::retrieve",
            ),
            (
                "POST",
                "/v2/core/event_destinations/{id}",
                Object,
                true,
                "v2.core.event_destination::update",
            ),
            (
                "DELETE",
                "/v2/core/event_destinations/{id}",
                Object,
                true,
                "v2.core.event_destination::delete",
            ),
            (
                "POST",
                "/v2/core/event_destinations/{id}/enable",
                Object,
                false,
                "v2.core.event_destination::enable",
            ),
            (
                "POST",
                "/v2/core/event_destinations/{id}/ping",
                Object,
                false,
                "v2.core.event_destination::ping",
            ),
            ("GET", "/v2/core/events", List, false, "v2.core.event::list"),
            (
                "POST",
                "/v2/billing/meter_events",
                Object,
                false,
                "v2.billing.meter_event::create",
            ),
            (
                "POST",
                "/v2/billing/meter_event_session",
                Object,
                false,
                "v2.billing.meter_event_session::create",
            ),
            (
                "POST",
                "/v2/billing/meter_event_stream",
                Object,
                false,
                "unit:v2.billing.meter_event_stream::create",
            ),
            (
                "GET",
                "/v2/commerce/product_catalog/imports",
                List,
                false,
                "v2.commerce.product_catalog_import::list",
            ),
            (
                "GET",
                "/v2/commerce/product_catalog/imports/{id}",
                Object,
                false,
                "v2.commerce.product_catalog_import::retrieve",
            ),
            // v1's meter events stay v1's.
            (
                "POST",
                "/v1/billing/meter_events",
                Object,
                false,
                "billing.meter_event::create",
            ),
        ] {
            assert_eq!(
                name(method, path, returns, get_object),
                expected,
                "{method} {path}"
            );
        }
    }

    #[test]
    fn operation_type_stems() {
        assert_eq!(
            operation_type_stem("redact", "VerificationSession"),
            "RedactVerificationSession"
        );
        assert_eq!(
            operation_type_stem("list_sources", "Customer"),
            "ListCustomerSources"
        );
        assert_eq!(
            operation_type_stem("test_helpers_expire", "Refund"),
            "TestHelpersExpireRefund"
        );
    }
}
