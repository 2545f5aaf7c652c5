//! What the CLI refuses before anything is sent, each with a clear message
//! and its exit code; and that `--no-validate` sends anyway. Requests go to
//! the mock, which records them, so "nothing was sent" is checked.

mod common;

use common::{fresh_mock, run, run_with, Output, Setting};

/// Runs against the mock and returns the output and how many requests the
/// mock received meanwhile.
fn against_mock(args: &[&str], setting: &Setting) -> (Output, usize) {
    let server = fresh_mock();
    let mut args: Vec<&str> = args.to_vec();
    let base = server.url();
    args.extend(["--api-base", base.as_str()]);
    let output = run_with(&args, setting);
    (output, server.requests().len())
}

/// Refused with `code`, a message containing every one of `says`, nothing sent.
fn refused(args: &[&str], code: i32, says: &[&str]) {
    let (output, sent) = against_mock(args, &Setting::test_key());
    assert_eq!(output.code, code, "{args:?}: {output:?}");
    for text in says {
        assert!(
            output.stderr.contains(text),
            "{args:?}: stderr lacks `{text}`:\n{}",
            output.stderr
        );
    }
    assert_eq!(sent, 0, "{args:?} sent a request");
}

#[test]
fn an_unknown_parameter_is_refused_with_a_suggestion() {
    refused(
        &["customers", "create", "-d", "emial=a@b.c"],
        2,
        &["unknown parameter `emial`", "did you mean `email`?"],
    );
    refused(
        &["customers", "create", "-d", "address[cty]=Paris"],
        2,
        &["unknown parameter `address[cty]`", "`city`"],
    );
    refused(
        &["customers", "create", "--emial", "a@b.c"],
        2,
        &["--emial", "--email"],
    );
}

#[test]
fn an_unknown_resource_or_operation_is_refused_with_a_suggestion() {
    refused(&["custmers", "list"], 2, &["custmers", "customers"]);
    refused(
        &["identity", "verification_sessions", "redcat", "vs_1"],
        2,
        &["redcat", "redact"],
    );
    let help = run(&["help", "identity", "verification_sesions"]);
    assert_eq!(help.code, 2);
    assert!(
        help.stderr.contains("did you mean `verification_sessions`"),
        "{}",
        help.stderr
    );
}

#[test]
fn a_value_of_the_wrong_type_is_refused() {
    refused(
        &["customers", "create", "-d", "balance=ten"],
        2,
        &["`balance` must be an integer, not `ten`"],
    );
    refused(
        &[
            "payment_intents",
            "create",
            "--amount",
            "2000",
            "--currency",
            "usd",
            "-d",
            "confirm=maybe",
        ],
        2,
        &["`confirm` must be true or false, not `maybe`"],
    );
    refused(
        &["customers", "create", "-d", "metadata=flat"],
        2,
        &["`metadata` must be"],
    );
}

#[test]
fn a_value_outside_a_closed_enum_is_refused_and_an_open_one_is_sent() {
    refused(
        &[
            "identity",
            "verification_sessions",
            "create",
            "--type",
            "document",
            "-d",
            "options[document][allowed_types][0]=passprt",
        ],
        2,
        &[
            "must be one of driving_license, id_card, passport, not `passprt`",
            "did you mean `passport`?",
        ],
    );
    // `type` is marked x-stripeBypassValidation: Stripe may accept values the spec does not list.
    let (output, sent) = against_mock(
        &[
            "identity",
            "verification_sessions",
            "create",
            "--type",
            "document",
            "--dry-run",
        ],
        &Setting::test_key(),
    );
    assert_eq!((output.code, sent), (0, 0), "{output:?}");
    let open = run(&[
        "identity",
        "verification_sessions",
        "create",
        "--type",
        "selfie_only",
        "--dry-run",
    ]);
    assert_eq!(open.code, 0, "{}", open.stderr);
    assert!(open.stdout.contains("type=selfie_only"), "{}", open.stdout);
}

#[test]
fn a_missing_required_parameter_is_refused() {
    refused(
        &["identity", "verification_sessions", "create"],
        2,
        &["missing required parameter `type`"],
    );
    refused(
        &[
            "checkout",
            "sessions",
            "create",
            "--mode",
            "payment",
            "-d",
            "line_items[0][price]=price_1",
            "-d",
            "line_items[0][adjustable_quantity][maximum]=5",
        ],
        2,
        &[
            "missing required parameter `success_url`",
            "missing required parameter `line_items[0][adjustable_quantity][enabled]`",
        ],
    );
    refused(
        &["identity", "verification_sessions", "redact"],
        2,
        &["<SESSION>"],
    );
}

#[test]
fn malformed_data_is_refused() {
    refused(
        &["customers", "create", "-d", "email"],
        2,
        &["-d `email`: no `=`"],
    );
    refused(
        &["customers", "create", "-d", "metadata[order=1"],
        2,
        &["is not closed"],
    );
    refused(
        &["customers", "create", "-d", "email=a", "--email", "b"],
        2,
        &["given both as --email and with -d"],
    );
    refused(
        &["customers", "create", "--json", "{not json"],
        2,
        &["--json: not JSON"],
    );
    refused(
        &["customers", "create", "--json", "[1]"],
        2,
        &["must be an object"],
    );
}

#[test]
fn no_validate_sends_what_the_spec_refuses() {
    let (output, sent) = against_mock(
        &["customers", "create", "-d", "emial=a@b.c", "--no-validate"],
        &Setting::test_key(),
    );
    assert_eq!(sent, 1);
    // The mock is as strict as Stripe: the answer is Stripe's error, on stderr.
    assert_eq!(output.code, 4, "{output:?}");
    assert!(
        output.stderr.contains("invalid_request_error") && output.stderr.contains("param: emial"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("request id: req_"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_live_key_needs_live() {
    let live = Setting {
        env: vec![("STRIPE_API_KEY", "sk_live_123".to_owned())],
        ..Setting::default()
    };
    for key in ["sk_live_123", "rk_live_123"] {
        let (output, sent) = against_mock(
            &["customers", "list", "--api-key", key],
            &Setting::default(),
        );
        assert_eq!((output.code, sent), (3, 0), "{output:?}");
        assert!(output.stderr.contains("pass --live"), "{}", output.stderr);
        assert!(!output.stderr.contains(key), "the key is printed");
    }
    let (output, sent) = against_mock(&["customers", "list", "--live"], &live);
    assert_eq!((output.code, sent), (0, 1), "{output:?}");
}

#[test]
fn no_key_is_a_clear_error() {
    let (output, sent) = against_mock(
        &["customers", "list"],
        &Setting {
            env: vec![("HOME", "/nonexistent".to_owned())],
            ..Setting::default()
        },
    );
    assert_eq!((output.code, sent), (2, 0));
    assert!(output.stderr.contains("no API key"), "{}", output.stderr);
}

#[test]
fn delete_asks_on_a_terminal_unless_confirmed() {
    let terminal = |answer: &str| Setting {
        stdin: answer.to_owned(),
        stdin_terminal: true,
        ..Setting::test_key()
    };
    let (output, sent) = against_mock(&["customers", "delete", "cus_1"], &terminal("n\n"));
    assert_eq!((output.code, sent), (3, 0), "{output:?}");
    assert!(
        output
            .stderr
            .contains("DELETE /v1/customers/cus_1: are you sure?"),
        "{}",
        output.stderr
    );
    let (output, sent) = against_mock(&["customers", "delete", "cus_1"], &terminal("y\n"));
    assert_eq!((output.code, sent), (0, 1), "{output:?}");
    let (output, sent) = against_mock(&["customers", "delete", "cus_1", "-c"], &terminal(""));
    assert_eq!((output.code, sent), (0, 1), "{output:?}");
    assert!(!output.stderr.contains("are you sure"));
    // Piped, nobody can answer: it is sent, as in scripts.
    let (output, sent) = against_mock(&["customers", "delete", "cus_1"], &Setting::test_key());
    assert_eq!((output.code, sent), (0, 1), "{output:?}");
}
