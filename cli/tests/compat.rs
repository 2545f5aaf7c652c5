//! What Stripe CLI's users type works here too: shared flags anywhere on
//! the line, `--version`, `stripe get <id>`, `STRIPE_API_BASE`; and the
//! checks tell the truth: what the spec leaves open goes out with a note,
//! what its bounds refuse does not go out, suggestions come closest first.

mod common;

use common::{fresh_mock, run_with, Setting};

fn with_env(name: &'static str, value: String) -> Setting {
    let mut setting = Setting::test_key();
    setting.env.push((name, value));
    setting
}

#[test]
fn shared_flags_go_anywhere_on_the_line() {
    let server = fresh_mock();
    let base = server.url();
    let output = run_with(
        &[
            "--api-base",
            &base,
            "-e",
            "data.default_source",
            "customers",
            "list",
            "--limit",
            "2",
        ],
        &Setting::test_key(),
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let sent = &server.requests()[0];
    assert_eq!(sent.path, "/v1/customers");
    assert_eq!(
        sent.query_pairs(),
        [
            ("expand[0]".to_owned(), "data.default_source".to_owned()),
            ("limit".to_owned(), "2".to_owned())
        ]
    );
    // Between the words, and with `=`.
    let dry = run_with(
        &[
            "identity",
            "--api-key=sk_test_other",
            "verification_sessions",
            "redact",
            "vs_1",
            "--dry-run",
        ],
        &Setting::test_key(),
    );
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout
            .contains("/v1/identity/verification_sessions/vs_1/redact"),
        "{}",
        dry.stdout
    );
}

#[test]
fn the_version_is_the_binarys_and_the_apis() {
    let output = run_with(&["--version"], &Setting::test_key());
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(
        output.stdout.trim(),
        format!(
            "stripe {} (Stripe API version {})",
            env!("CARGO_PKG_VERSION"),
            stripe_cli::table::API_VERSION
        )
    );
}

#[test]
fn get_takes_an_id_and_finds_its_resource_by_prefix() {
    for (id, path) in [
        ("cus_123", "/v1/customers/cus_123"),
        ("pi_3Mt", "/v1/payment_intents/pi_3Mt"),
        ("sub_sched_1", "/v1/subscription_schedules/sub_sched_1"),
        ("sub_1", "/v1/subscriptions/sub_1"),
        ("cs_test_a1", "/v1/checkout/sessions/cs_test_a1"),
        ("vs_9", "/v1/identity/verification_sessions/vs_9"),
        ("climorder_1", "/v1/climate/orders/climorder_1"),
    ] {
        let output = run_with(&["get", id, "--dry-run"], &Setting::test_key());
        assert_eq!(output.code, 0, "{id}: {}", output.stderr);
        assert!(
            output
                .stdout
                .starts_with(&format!("GET https://api.stripe.com{path}\n")),
            "{id}: {}",
            output.stdout
        );
    }
    let unknown = run_with(&["get", "zzz_1", "--dry-run"], &Setting::test_key());
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("neither a path"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn the_api_base_comes_from_the_environment_unless_a_flag_says_otherwise() {
    let server = fresh_mock();
    let setting = with_env("STRIPE_API_BASE", server.url());
    let output = run_with(&["customers", "retrieve", "cus_1"], &setting);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(server.requests().len(), 1);
    let dry = run_with(
        &[
            "customers",
            "list",
            "--api-base",
            "http://127.0.0.1:1",
            "--dry-run",
        ],
        &setting,
    );
    assert!(
        dry.stdout
            .starts_with("GET http://127.0.0.1:1/v1/customers"),
        "{}",
        dry.stdout
    );
}

#[test]
fn a_value_beyond_an_open_enum_goes_out_with_a_note() {
    let server = fresh_mock();
    let base = server.url();
    let output = run_with(
        &[
            "webhook_endpoints",
            "create",
            "--url",
            "https://example.com/hook",
            "-d",
            "enabled_events[0]=charge.succeded",
            "--api-base",
            &base,
        ],
        &Setting::test_key(),
    );
    assert!(
        output.stderr.contains("note: `enabled_events[0]` is `charge.succeded`, not a value the spec lists; did you mean"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("`charge.succeeded`"),
        "{}",
        output.stderr
    );
    let sent = server.requests();
    assert_eq!(sent.len(), 1, "sent despite the note");
    assert!(sent[0]
        .form_pairs()
        .contains(&("enabled_events[0]".to_owned(), "charge.succeded".to_owned())));
}

#[test]
fn an_object_the_spec_leaves_open_takes_any_key_with_a_note() {
    let output = run_with(
        &[
            "crypto",
            "onramp_sessions",
            "create",
            "-d",
            "wallet_addresses[ethereum]=0xB00F0759DbeeF5E543Cc3E3B07A6442F5f3928a2",
            "--dry-run",
        ],
        &Setting::test_key(),
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("`wallet_addresses[ethereum]` is not a parameter the spec lists"),
        "{}",
        output.stderr
    );
    assert!(
        output
            .stdout
            .contains("wallet_addresses%5Bethereum%5D=0xB00F"),
        "{}",
        output.stdout
    );
    // A top-level parameter the spec does not list is still refused.
    let closed = run_with(
        &["customers", "create", "-d", "emali=x", "--dry-run"],
        &Setting::test_key(),
    );
    assert_eq!(closed.code, 2);
    assert!(
        closed
            .stderr
            .contains("unknown parameter `emali`; did you mean `email`?"),
        "{}",
        closed.stderr
    );
}

#[test]
fn bounds_are_checked_before_sending() {
    let too_many = run_with(
        &["customers", "list", "--limit", "1000", "--dry-run"],
        &Setting::test_key(),
    );
    assert_eq!(too_many.code, 2);
    assert!(
        too_many
            .stderr
            .contains("`limit` is 1000; at most 100 is allowed"),
        "{}",
        too_many.stderr
    );
    assert!(too_many.stdout.is_empty());
    let none = run_with(
        &["customers", "list", "--limit", "0", "--dry-run"],
        &Setting::test_key(),
    );
    assert!(
        none.stderr.contains("at least 1 is needed"),
        "{}",
        none.stderr
    );
    let long = "x".repeat(257);
    let too_long = run_with(
        &["customers", "create", "--name", &long, "--dry-run"],
        &Setting::test_key(),
    );
    assert_eq!(too_long.code, 2);
    assert!(
        too_long
            .stderr
            .contains("`name` is 257 characters long; at most 256 are allowed"),
        "{}",
        too_long.stderr
    );
    assert!(
        run_with(
            &["customers", "list", "--limit", "100", "--dry-run"],
            &Setting::test_key()
        )
        .code
            == 0
    );
}

#[test]
fn suggestions_come_closest_first_and_leave_out_the_aliases() {
    let output = run_with(&["customers", "lst"], &Setting::test_key());
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr.trim(),
        "error: `stripe customers` has no command `lst`; did you mean `list`?"
    );
    let root = run_with(&["custmers", "list"], &Setting::test_key());
    assert!(
        root.stderr.contains("did you mean `customers`?"),
        "{}",
        root.stderr
    );
}
