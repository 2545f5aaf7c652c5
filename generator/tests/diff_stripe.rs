//! The diff on the real pair: Stripe's `2022-11-15` spec to `2023-08-16`.
//!
//! The specific changes asserted here were found by reading the two
//! documents (with python and yaml), not by running the diff; the added and
//! removed operations are checked against a count made here by walking the
//! documents' `paths` directly, without `Spec` or the diff code.

mod common;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use common::spec_dir;

use stripe_codegen::diff::{self, Change, Kind, Report, Severity};
use stripe_codegen::{SourceDocument, Spec};

const OLD: &str = "spec3.2022-11-15.yaml";
const NEW: &str = "spec3.2023-08-16.yaml";

fn read(file: &str) -> String {
    let path = spec_dir().join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}). These tests need Stripe's spec documents: set STRIPE_SPEC_DIR to the folder \
             holding {OLD} and {NEW} (see spec/*.toml for where to get them).",
            path.display()
        )
    })
}

struct Real {
    old_text: String,
    new_text: String,
    report: Report,
}

/// Parsed and diffed once for all tests.
fn real() -> &'static Real {
    static REAL: OnceLock<Real> = OnceLock::new();
    REAL.get_or_init(|| {
        let (old_text, new_text) = (read(OLD), read(NEW));
        let parse = |name: &str, text: &str| {
            Spec::parse(&[SourceDocument {
                name: name.into(),
                text: text.into(),
                api_version: None,
            }])
            .unwrap_or_else(|e| panic!("{e}"))
        };
        let (old, new) = (parse(OLD, &old_text), parse(NEW, &new_text));
        // Both sides are built with the project's operation naming
        // exceptions, as `cargo xtask diff` does for a manifest side.
        let operations_toml = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/operations.toml");
        let operations = stripe_codegen::parse::policy::OperationOverrides::parse(
            operations_toml,
            &std::fs::read_to_string(operations_toml).unwrap(),
        )
        .unwrap();
        let policy = stripe_codegen::parse::policy::Policy {
            operations,
            ..Default::default()
        };
        // Less the entries that name nothing in a side (the v2 operations'
        // spellings), as `cargo xtask diff` applies a borrowed policy.
        let model = |spec: &Spec| {
            let stale = stripe_codegen::stale_policy(spec, &policy).unwrap();
            stripe_codegen::build_model(spec, &stale.remove_from(&policy))
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let report = diff::diff(&old, &new, &model(&old), &model(&new));
        Real {
            old_text,
            new_text,
            report,
        }
    })
}

/// `at` is the exact `METHOD /path`, the exact pointer, or the end of the
/// Rust path (`DisputeStatus::ChargeRefunded`).
fn located_at(change: &Change, at: &str) -> bool {
    let location = &change.location;
    location.operation.as_deref() == Some(at)
        || location.pointer == at
        || location
            .rust
            .as_deref()
            .is_some_and(|rust| rust == at || rust.ends_with(&format!("::{at}")))
}

/// The one change of `kind` whose location and message contain the needles.
fn find(kind: Kind, at: &str, message: &str) -> &'static Change {
    let report = &real().report;
    let found: Vec<&Change> = report
        .of_kind(kind)
        .filter(|c| located_at(c, at))
        .filter(|c| c.message.contains(message))
        .collect();
    match found.as_slice() {
        [one] => one,
        [] => panic!(
            "no {} at `{at}` with `{message}`; changes of that kind:\n{}",
            kind.id(),
            report
                .of_kind(kind)
                .map(|c| format!("  {}: {}", c.location, c.message))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        many => panic!(
            "{} changes match {} at `{at}` with `{message}`: {many:#?}",
            many.len(),
            kind.id()
        ),
    }
}

#[test]
fn endpoints_added_in_2023() {
    let change = find(
        Kind::OperationAdded,
        "POST /v1/account_sessions",
        "PostAccountSessions",
    );
    assert_eq!(change.severity, Severity::Info);
    find(
        Kind::OperationAdded,
        "POST /v1/payment_method_domains/{payment_method_domain}/validate",
        "",
    );
    find(
        Kind::OperationAdded,
        "POST /v1/test_helpers/issuing/authorizations/{authorization}/capture",
        "",
    );
}

#[test]
fn terminal_readers_gained_the_serial_number_filter() {
    let change = find(
        Kind::ParameterAdded,
        "GET /v1/terminal/readers",
        "query parameter `serial_number`",
    );
    assert_eq!(change.severity, Severity::Info);
}

#[test]
fn webhook_endpoints_no_longer_accept_invoiceitem_updated() {
    for operation in [
        "POST /v1/webhook_endpoints",
        "POST /v1/webhook_endpoints/{webhook_endpoint}",
    ] {
        let change = find(
            Kind::RequestEnumValueRemoved,
            operation,
            "`invoiceitem.updated`",
        );
        assert_eq!(change.severity, Severity::Breaking);
        assert!(
            change.message.contains("enabled_events[]"),
            "{}",
            change.message
        );
    }
    // ... and accept the new API version.
    find(
        Kind::RequestEnumValueAdded,
        "POST /v1/webhook_endpoints",
        "`2023-08-16` added to enum `api_version`",
    );
}

#[test]
fn blik_mandate_options_were_removed_from_requests() {
    let change = find(
        Kind::RequestPropertyRemoved,
        "POST /v1/setup_intents",
        "`payment_method_options.blik` removed",
    );
    assert_eq!(change.severity, Severity::Breaking);
    assert!(change
        .location
        .pointer
        .ends_with("/properties/payment_method_options/properties/blik"));
    find(
        Kind::RequestPropertyRemoved,
        "POST /v1/payment_intents",
        "`payment_method_options.blik.mandate_options`",
    );
}

#[test]
fn mandate_data_can_now_be_unset() {
    // `mandate_data` was an object; it became anyOf [object, ""].
    let change = find(
        Kind::RequestTypeWidened,
        "POST /v1/payment_intents",
        "`mandate_data`",
    );
    assert_eq!(change.severity, Severity::Info);
    assert!(change.message.contains("\"\""), "{}", change.message);
}

#[test]
fn request_additions() {
    find(
        Kind::RequestPropertyAdded,
        "POST /v1/products",
        "request property `features` added",
    );
    find(
        Kind::RequestPropertyAdded,
        "POST /v1/tax/transactions/create_reversal",
        "`flat_amount`",
    );
    find(
        Kind::RequestEnumValueAdded,
        "POST /v1/reporting/report_runs",
        "`obligation` added to enum `parameters.reporting_category`",
    );
    find(
        Kind::RequestEnumValueAdded,
        "POST /v1/payment_methods",
        "`n26` added to enum `ideal.bank`",
    );
}

#[test]
fn blik_fields_were_removed_from_responses() {
    let change = find(
        Kind::ResponsePropertyRemoved,
        "#/components/schemas/mandate_payment_method_details/properties/blik",
        "",
    );
    assert_eq!(change.severity, Severity::Breaking);
    find(
        Kind::ResponsePropertyRemoved,
        "#/components/schemas/setup_intent_payment_method_options/properties/blik",
        "",
    );
    find(
        Kind::RustFieldRemoved,
        "MandatePaymentMethodDetails.blik",
        "",
    );
    find(
        Kind::RustTypeRemoved,
        "MandateBlik",
        "type `MandateBlik` removed",
    );
}

#[test]
fn dispute_status_lost_charge_refunded() {
    // Harmless on the wire, breaking in Rust: the variant is gone.
    let wire = find(
        Kind::ResponseEnumValueRemoved,
        "#/components/schemas/dispute/properties/status",
        "`charge_refunded`",
    );
    assert_eq!(wire.severity, Severity::Info);
    let rust = find(
        Kind::RustVariantRemoved,
        "DisputeStatus::ChargeRefunded",
        "",
    );
    assert_eq!(rust.severity, Severity::Breaking);
}

#[test]
fn response_enum_additions_are_info() {
    let change = find(
        Kind::ResponseEnumValueAdded,
        "#/components/schemas/balance_transaction/properties/type",
        "`obligation_payout`",
    );
    assert_eq!(change.severity, Severity::Info);
    find(
        Kind::ResponseEnumValueAdded,
        "#/components/schemas/account_requirements_error/properties/code",
        "`verification_missing_directors`",
    );
    find(
        Kind::RustVariantAdded,
        "BalanceTransactionType::ObligationPayout",
        "",
    );
}

#[test]
fn balance_transaction_source_expands_to_cash_balance_transactions() {
    let change = find(
        Kind::ExpansionTargetAdded,
        "#/components/schemas/balance_transaction/properties/source",
        "`customer_cash_balance_transaction`",
    );
    assert_eq!(change.severity, Severity::Info);
}

#[test]
fn response_properties_added() {
    find(
        Kind::ResponsePropertyAdded,
        "#/components/schemas/product/properties/features",
        "required response property `features`",
    );
    find(
        Kind::ResponsePropertyAdded,
        "#/components/schemas/dispute/properties/payment_method_details",
        "",
    );
    find(
        Kind::ResponsePropertyAdded,
        "#/components/schemas/payment_link/properties/application",
        "",
    );
    find(Kind::RustFieldAdded, "Dispute.payment_method_details", "");
}

#[test]
fn invoice_settings_moved_to_a_new_schema() {
    let change = find(
        Kind::ResponseTypeChanged,
        "#/components/schemas/subscription_schedule_phase_configuration/properties/invoice_settings",
        "`invoice_setting_phase_setting` to `invoice_setting_subscription_schedule_phase_setting`",
    );
    assert_eq!(change.severity, Severity::Breaking);
}

#[test]
fn schemas_added_and_removed() {
    let schemas = |kind| -> BTreeSet<String> {
        real()
            .report
            .of_kind(kind)
            .map(|c| {
                c.location
                    .pointer
                    .trim_start_matches("#/components/schemas/")
                    .to_owned()
            })
            .collect()
    };
    let added = schemas(Kind::SchemaAdded);
    for name in [
        "account_session",
        "payment_method_domain",
        "product_feature",
        "dispute_payment_method_details",
    ] {
        assert!(added.contains(name), "{name} not in {added:?}");
    }
    assert_eq!(added.len(), 12, "{added:?}");
    let removed = schemas(Kind::SchemaRemoved);
    assert!(
        removed.contains("mandate_blik") && removed.contains("invoice_setting_phase_setting"),
        "{removed:?}"
    );
    assert_eq!(removed.len(), 7, "{removed:?}");
}

/// `METHOD /path` of every operation, from the YAML text alone.
fn operations_by_walking(text: &str) -> BTreeSet<String> {
    let document: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
    let mut out = BTreeSet::new();
    for (path, item) in document["paths"].as_mapping().expect("paths is a mapping") {
        for (method, _) in item.as_mapping().expect("a path item is a mapping") {
            let method = method.as_str().unwrap();
            if [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ]
            .contains(&method)
            {
                out.insert(format!(
                    "{} {}",
                    method.to_uppercase(),
                    path.as_str().unwrap()
                ));
            }
        }
    }
    out
}

#[test]
fn added_and_removed_operations_agree_with_an_independent_count() {
    let real = real();
    let old = operations_by_walking(&real.old_text);
    let new = operations_by_walking(&real.new_text);
    // The counts Stripe's README gives for these documents.
    assert_eq!((old.len(), new.len()), (454, 468));
    let expected_added: BTreeSet<String> = new.difference(&old).cloned().collect();
    let expected_removed: BTreeSet<String> = old.difference(&new).cloned().collect();
    let reported = |kind| -> BTreeSet<String> {
        real.report
            .of_kind(kind)
            .map(|c| {
                c.location
                    .operation
                    .clone()
                    .expect("operations have a location")
            })
            .collect()
    };
    assert_eq!(reported(Kind::OperationAdded), expected_added);
    assert_eq!(reported(Kind::OperationRemoved), expected_removed);
    assert_eq!(expected_added.len(), 14);
}

#[test]
fn every_change_has_a_location_and_the_rules_severity() {
    let report = &real().report;
    assert!(report.changes.len() > 100, "{}", report.changes.len());
    for change in &report.changes {
        assert!(change.location.pointer.starts_with("#/"), "{change:?}");
        assert_eq!(change.severity, change.kind.severity(), "{change:?}");
    }
    assert!(report.fails(Severity::Breaking));
}

/// Each added endpoint adds its method (list endpoints also their
/// `_auto_paging` stream); no endpoint was removed, so no method is.
#[test]
fn added_endpoints_add_their_methods() {
    let report = &real().report;
    let operations = |kind| -> BTreeSet<String> {
        report
            .of_kind(kind)
            .map(|c| c.location.operation.clone().expect("an operation"))
            .collect()
    };
    assert_eq!(
        operations(Kind::RustFunctionAdded),
        operations(Kind::OperationAdded)
    );
    assert_eq!(report.of_kind(Kind::RustFunctionRemoved).count(), 0);
    let change = find(
        Kind::RustFunctionAdded,
        "AccountSession::create",
        "`AccountSession::create(params: &CreateAccountSessionParams) -> AccountSession`",
    );
    assert_eq!(change.severity, Severity::Info);
    find(
        Kind::RustFunctionAdded,
        "PaymentMethodDomain::list_auto_paging",
        "-> Stream<PaymentMethodDomain>",
    );
    find(
        Kind::RustFunctionAdded,
        "issuing::Authorization::test_helpers_capture",
        "(authorization: impl Into<IdRef<issuing::AuthorizationId>>, params: &issuing::TestHelpersCaptureAuthorizationParams)",
    );
}
