//! v2 commands as Stripe CLI spells them (`stripe v2 core event_destinations
//! create`): typed JSON bodies from flags, `-d` and `--json`, checked
//! against the spec before anything is sent, `--stripe-context`, the dry
//! run, and `--all` over `next_page_url`, against the mock.

mod common;

use common::{mock, run_with, Setting};
use serde_json::Value;

fn stateful() -> stripe_mock::MockServer {
    let (runtime, _) = mock();
    runtime
        .block_on(stripe_mock::MockServer::builder().stateful().start())
        .unwrap()
}

fn against(server: &stripe_mock::MockServer, args: &[&str]) -> common::Output {
    let base = server.url();
    let mut args: Vec<&str> = args.to_vec();
    args.extend(["--api-base", base.as_str()]);
    run_with(&args, &Setting::test_key())
}

const CREATE: [&str; 14] = [
    "v2",
    "core",
    "event_destinations",
    "create",
    "--name",
    "orders",
    "--type",
    "webhook_endpoint",
    "--event-payload",
    "thin",
    "-d",
    "enabled_events[0]=v1.billing.meter.error_report_triggered",
    "-d",
    "webhook_endpoint[url]=https://example.com/hooks",
];

#[test]
fn a_v2_create_sends_typed_json_and_its_context_in_a_dry_run() {
    let mut args = CREATE.to_vec();
    args.extend([
        "--stripe-context",
        "acct_1/acct_2",
        "-i",
        "key-1",
        "--dry-run",
    ]);
    let output = run_with(&args, &Setting::test_key());
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output
            .stdout
            .starts_with("POST https://api.stripe.com/v2/core/event_destinations\n"),
        "{}",
        output.stdout
    );
    for line in [
        "stripe-version: 2026-09-30.endive\n",
        "stripe-context: acct_1/acct_2\n",
        "idempotency-key: key-1\n",
        "content-type: application/json\n",
    ] {
        assert!(
            output.stdout.contains(line),
            "lacks {line:?}:\n{}",
            output.stdout
        );
    }
    let body = output.stdout.rsplit("\n\n").next().unwrap().trim();
    let body: Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "name": "orders", "type": "webhook_endpoint", "event_payload": "thin",
            "enabled_events": ["v1.billing.meter.error_report_triggered"],
            "webhook_endpoint": {"url": "https://example.com/hooks"},
        })
    );
}

#[test]
fn v2_commands_run_against_the_mock_with_typed_values() {
    let server = stateful();
    let created = against(&server, &CREATE);
    assert_eq!(created.code, 0, "{}", created.stderr);
    let destination: Value = serde_json::from_str(&created.stdout).unwrap();
    let id = destination["id"].as_str().unwrap().to_owned();

    // `-d` text becomes JSON of the spec's types: `""` clears a value that
    // may be null, a map value here.
    let updated = against(
        &server,
        &[
            "v2",
            "core",
            "event_destinations",
            "update",
            &id,
            "-d",
            "metadata[team]=billing",
        ],
    );
    assert_eq!(updated.code, 0, "{}", updated.stderr);
    let cleared = against(
        &server,
        &[
            "v2",
            "core",
            "event_destinations",
            "update",
            &id,
            "-d",
            "metadata[team]=",
        ],
    );
    assert_eq!(cleared.code, 0, "{}", cleared.stderr);
    let cleared: Value = serde_json::from_str(&cleared.stdout).unwrap();
    assert_eq!(cleared["metadata"], serde_json::json!({}));
    let sent = server.requests();
    let update = sent
        .iter()
        .rev()
        .find(|r| r.method == "POST" && r.path.ends_with(&id))
        .unwrap();
    assert_eq!(&update.body[..], br#"{"metadata":{"team":null}}"#);

    let disabled = against(
        &server,
        &["v2", "core", "event_destinations", "disable", &id],
    );
    assert_eq!(disabled.code, 0, "{}", disabled.stderr);
    assert!(
        disabled.stdout.contains("\"disabled\""),
        "{}",
        disabled.stdout
    );

    // Three more, then every one with `--all`, two a page.
    for _ in 0..3 {
        assert_eq!(against(&server, &CREATE).code, 0);
    }
    let all = against(
        &server,
        &[
            "v2",
            "core",
            "event_destinations",
            "list",
            "--limit",
            "2",
            "--all",
        ],
    );
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert_eq!(all.stdout.lines().count(), 4, "{}", all.stdout);
    let pages = server
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == "/v2/core/event_destinations")
        .count();
    assert_eq!(pages, 2);
}

#[test]
fn a_v2_body_the_spec_refuses_is_not_sent() {
    // `--limit` is an integer; `event_payload` a listed value.
    let output = run_with(
        &[
            "v2",
            "core",
            "event_destinations",
            "create",
            "--name",
            "x",
            "--type",
            "webhook_endpoint",
            "--event-payload",
            "thick",
            "-d",
            "enabled_events[0]=a",
            "--dry-run",
        ],
        &Setting::test_key(),
    );
    assert_ne!(output.code, 0);
    assert!(output.stderr.contains("event_payload"), "{}", output.stderr);
    assert!(output.stdout.is_empty(), "{}", output.stdout);
    // The JSON body from `--json` is checked too.
    let output = run_with(
        &[
            "v2",
            "billing",
            "meter_events",
            "create",
            "--json",
            r#"{"event_name": "api_calls", "payload": {"value": "1"}, "timestamp": "yesterday"}"#,
            "--dry-run",
        ],
        &Setting::test_key(),
    );
    assert_ne!(output.code, 0);
    assert!(output.stderr.contains("RFC 3339"), "{}", output.stderr);
}
