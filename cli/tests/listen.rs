//! `stripe listen`, `trigger` and `fixtures` against the stateful mock: the
//! events as they happen, each once, forwarded signed with the printed
//! secret; a trigger's event seen by listen; a fixture file's references,
//! rewrites and expected errors.

mod common;
#[path = "../../runtime/client/tests/support/proxy.rs"]
mod proxy;

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{mock, run_owned, run_with, Output, Setting};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::service::service_fn;
use proxy::{authority, TestProxy};
use stripe_mock::MockServer;
use stripe_runtime::webhook::Webhook;

/// A delivery as the endpoint received it: body and signature.
type Received = Arc<Mutex<Vec<(Vec<u8>, String)>>>;

/// A local endpoint answering 200 to every POST, on the mock's runtime.
fn endpoint() -> (String, Received) {
    let received: Received = Arc::default();
    let store = Arc::clone(&received);
    let url = serve(move |_, signature, body| {
        store.lock().unwrap().push((body, signature.to_owned()));
        (200, "ok".to_owned())
    });
    (format!("{url}/webhook"), received)
}

/// A local HTTP server on the mock's runtime; `respond` gets the path, the
/// `Stripe-Signature` and the body of each request, and says the status
/// and body of the answer.
fn serve(respond: impl Fn(&str, &str, Vec<u8>) -> (u16, String) + Send + Sync + 'static) -> String {
    let (runtime, _) = mock();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let respond = Arc::new(respond);
    runtime.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let respond = Arc::clone(&respond);
            tokio::spawn(async move {
                let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let respond = Arc::clone(&respond);
                    async move {
                        let header = |name: &str| {
                            let value = request.headers().get(name);
                            value
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or_default()
                                .to_owned()
                        };
                        let (path, signature) =
                            (request.uri().path().to_owned(), header("stripe-signature"));
                        let body = request.into_body().collect().await.unwrap().to_bytes();
                        let (status, answer) = respond(&path, &signature, body.to_vec());
                        let mut response = hyper::Response::new(Full::new(Bytes::from(answer)));
                        *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
                        Ok::<_, Infallible>(response)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    url
}

fn stateful_mock() -> MockServer {
    let (runtime, _) = mock();
    runtime
        .block_on(MockServer::builder().stateful().start())
        .unwrap()
}

/// A test key and a config folder of this test's own (listen keeps its
/// secret there), pointed at `server`.
fn setting(api_base: &str, name: &str) -> Setting {
    let config =
        std::env::temp_dir().join(format!("stripe-cli-listen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&config);
    let mut setting = Setting::test_key();
    setting
        .env
        .push(("XDG_CONFIG_HOME", config.to_string_lossy().into_owned()));
    setting.env.push(("STRIPE_API_BASE", api_base.to_owned()));
    setting
}

/// Runs `args` on a thread; [`join`] waits for its output.
fn in_background(args: &[&str], setting: &Setting) -> std::thread::JoinHandle<Output> {
    let (args, setting) = (
        args.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
        setting.clone(),
    );
    std::thread::spawn(move || run_owned(&args, &setting))
}

fn join(handle: std::thread::JoinHandle<Output>, limit: Duration) -> Output {
    let start = Instant::now();
    while !handle.is_finished() {
        assert!(
            start.elapsed() < limit,
            "stripe listen did not end within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    handle.join().unwrap()
}

/// Waits until `server` has answered `n` requests for the events list:
/// listen has started following it.
fn wait_for_polls(server: &MockServer, n: usize) {
    let start = Instant::now();
    while server
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/events")
        .count()
        < n
    {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "listen never polled"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn create_customer(server: &MockServer, n: usize) {
    let output = run_with(
        &[
            "customers",
            "create",
            "--email",
            &format!("c{n}@example.com"),
            "--api-base",
            &server.url(),
        ],
        &Setting::test_key(),
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
}

#[test]
fn listen_forwards_every_event_once_signed_with_its_secret() {
    let server = stateful_mock();
    let setting = setting(&server.url(), "forward");
    let (url, received) = endpoint();
    // What happened before listen started is not its business.
    create_customer(&server, 0);
    let secret = run_with(&["listen", "--print-secret"], &setting)
        .stdout
        .trim()
        .to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");

    let args = [
        "listen",
        "--forward-to",
        &url,
        "--interval",
        "40",
        "--max-events",
        "12",
    ];
    let listening = in_background(&args, &setting);
    wait_for_polls(&server, 1);
    // Three bursts of four: several events share a second, and some
    // arrive while a poll is under way.
    for burst in 0..3 {
        for n in 0..4 {
            create_customer(&server, 1 + burst * 4 + n);
        }
        std::thread::sleep(Duration::from_millis(60));
    }
    let output = join(listening, Duration::from_secs(30));
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(output.stderr.contains(&secret), "{}", output.stderr);

    let deliveries = received.lock().unwrap().clone();
    assert_eq!(deliveries.len(), 12, "{}", output.stdout);
    let webhook = Webhook::new(secret);
    let mut ids = BTreeSet::new();
    let mut emails = BTreeSet::new();
    for (body, signature) in &deliveries {
        webhook
            .verify(body, signature)
            .expect("signed with the printed secret");
        let event: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(event["type"], "customer.created");
        ids.insert(event["id"].as_str().unwrap().to_owned());
        emails.insert(
            event["data"]["object"]["email"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(ids.len(), 12, "an event forwarded twice");
    let expected: BTreeSet<String> = (1..=12).map(|n| format!("c{n}@example.com")).collect();
    assert_eq!(
        emails, expected,
        "one missed, or the one from before listen started"
    );
    assert_eq!(
        output.stdout.matches("--> customer.created").count(),
        12,
        "{}",
        output.stdout
    );
    assert_eq!(
        output
            .stdout
            .matches(&format!("<--  [200] POST {url}"))
            .count(),
        12,
        "{}",
        output.stdout
    );
}

#[test]
fn behind_a_proxy_listen_polls_through_it_and_forwards_directly() {
    let server = stateful_mock();
    let proxy = mock().0.block_on(TestProxy::start());
    let mut setting = setting(&server.url(), "proxy");
    setting.env.push(("HTTP_PROXY", proxy.url.clone()));
    setting.env.push(("HTTPS_PROXY", proxy.url.clone()));
    let (url, received) = endpoint();
    let args = [
        "listen",
        "--forward-to",
        &url,
        "--interval",
        "40",
        "--max-events",
        "1",
    ];
    let listening = in_background(&args, &setting);
    wait_for_polls(&server, 1);
    create_customer(&server, 1);
    let output = join(listening, Duration::from_secs(30));
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(received.lock().unwrap().len(), 1, "{}", output.stdout);
    // The endpoint (on 127.0.0.1 too) was never asked of the proxy.
    let targets = proxy.targets();
    assert!(!targets.is_empty(), "the polls went around the proxy");
    assert!(
        targets
            .iter()
            .all(|target| *target == authority(&server.url())),
        "{targets:?}"
    );
}

#[test]
fn a_triggered_event_is_what_listen_sees() {
    let server = stateful_mock();
    let setting = setting(&server.url(), "trigger");
    let args = [
        "listen",
        "--events",
        "identity.verification_session.redacted",
        "--interval",
        "40",
        "--max-events",
        "1",
        "--format",
        "JSON",
    ];
    let listening = in_background(&args, &setting);
    wait_for_polls(&server, 1);
    let trigger = run_with(
        &["trigger", "identity.verification_session.redacted"],
        &setting,
    );
    assert_eq!(trigger.code, 0, "{}", trigger.stderr);
    assert!(
        trigger
            .stdout
            .contains("redacted         POST /v1/identity/verification_sessions/vs_"),
        "{}",
        trigger.stdout
    );
    let output = join(listening, Duration::from_secs(30));
    assert_eq!(output.code, 0, "{}", output.stderr);
    // Only the type asked for: the session's `created` event is left out.
    let event: serde_json::Value = serde_json::from_str(output.stdout.trim()).unwrap();
    assert_eq!(event["type"], "identity.verification_session.redacted");
    assert_eq!(event["data"]["object"]["redaction"]["status"], "processing");
}

#[test]
fn thin_events_are_forwarded_without_their_data() {
    let server = stateful_mock();
    let setting = setting(&server.url(), "thin");
    let (url, received) = endpoint();
    let created = run_with(
        &[
            "v2",
            "core",
            "event_destinations",
            "create",
            "--name",
            "d",
            "--type",
            "webhook_endpoint",
            "--event-payload",
            "thin",
            "-d",
            "enabled_events[0]=v2.core.event_destination.ping",
            "-d",
            "webhook_endpoint[url]=https://example.com/h",
        ],
        &setting,
    );
    assert_eq!(created.code, 0, "{}", created.stderr);
    let id = serde_json::from_str::<serde_json::Value>(&created.stdout).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let args = [
        "listen",
        "--thin-events",
        "*",
        "--forward-thin-to",
        &url,
        "--events",
        "none.such",
        "--interval",
        "40",
        "--max-events",
        "1",
    ];
    let listening = in_background(&args, &setting);
    wait_for_polls(&server, 1);
    let ping = run_with(&["v2", "core", "event_destinations", "ping", &id], &setting);
    assert_eq!(ping.code, 0, "{}", ping.stderr);
    let output = join(listening, Duration::from_secs(30));
    assert_eq!(output.code, 0, "{}", output.stderr);
    let deliveries = received.lock().unwrap().clone();
    assert_eq!(deliveries.len(), 1, "{}", output.stdout);
    let thin: serde_json::Value = serde_json::from_slice(&deliveries[0].0).unwrap();
    assert_eq!(thin["type"], "v2.core.event_destination.ping");
    assert_eq!(thin["related_object"]["id"], id.as_str());
    assert!(thin.get("data").is_none(), "{thin}");
}

#[test]
fn a_fixture_file_runs_with_references_rewrites_and_expected_errors() {
    let server = stateful_mock();
    let setting = setting(&server.url(), "fixtures");
    let file = std::env::temp_dir().join(format!("stripe-cli-fixture-{}.json", std::process::id()));
    std::fs::write(&file, r#"{
      "_meta": {"template_version": 0},
      "env": {"TIER": "gold"},
      "fixtures": [
        {"name": "customer", "path": "/v1/customers", "method": "post",
         "params": {"email": "before@example.com", "description": "gone", "metadata": {"tier": "${.env:TIER}"}}},
        {"name": "again", "path": "/v1/customers/${customer:id}", "method": "get"},
        {"name": "missing", "path": "/v1/customers/cus_nobody", "method": "get",
         "expected_error_type": "invalid_request_error"}
      ]
    }"#).unwrap();
    let output = run_with(
        &[
            "fixtures",
            file.to_str().unwrap(),
            "--override",
            "customer:email=after@example.com",
            "--remove",
            "customer:description",
        ],
        &setting,
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output
            .stdout
            .contains("again            GET /v1/customers/cus_"),
        "{}",
        output.stdout
    );
    let create = server
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    let form = create.form_pairs();
    assert!(
        form.contains(&("email".to_owned(), "after@example.com".to_owned())),
        "{form:?}"
    );
    assert!(
        form.contains(&("metadata[tier]".to_owned(), "gold".to_owned())),
        "{form:?}"
    );
    assert!(!form.iter().any(|(k, _)| k == "description"), "{form:?}");

    // An error not expected stops the fixture, with Stripe's error.
    std::fs::write(
        &file,
        r#"{"_meta": {"template_version": 0}, "fixtures": [
        {"name": "missing", "path": "/v1/customers/cus_nobody", "method": "get"},
        {"name": "never", "path": "/v1/customers", "method": "post"}]}"#,
    )
    .unwrap();
    let before = server.requests().len();
    let failed = run_with(&["fixtures", file.to_str().unwrap()], &setting);
    assert_eq!(failed.code, 4, "{}", failed.stderr);
    assert!(
        failed
            .stderr
            .contains("fixture request `missing` (GET /v1/customers/cus_nobody) failed"),
        "{}",
        failed.stderr
    );
    assert_eq!(
        server.requests().len(),
        before + 1,
        "the request after the failure was sent"
    );
}

#[test]
fn trigger_lists_its_events_and_suggests_the_closest() {
    let listing = run_with(&["trigger"], &Setting::test_key());
    assert_eq!(listing.code, 0);
    assert!(
        listing
            .stdout
            .contains("identity.verification_session.redacted"),
        "{}",
        listing.stdout
    );
    let typo = run_with(&["trigger", "customer.creatd"], &Setting::test_key());
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr.contains("did you mean `customer.created`?"),
        "{}",
        typo.stderr
    );
}

#[test]
fn every_shipped_trigger_makes_its_event_on_the_mock() {
    let server = stateful_mock();
    let setting = setting(&server.url(), "every-trigger");
    for (event, _) in stripe_cli::fixtures::TRIGGERS {
        let output = run_with(&["trigger", event], &setting);
        assert_eq!(output.code, 0, "{event}: {}", output.stderr);
        let listed = run_with(
            &["events", "list", "--type", event, "--limit", "1"],
            &setting,
        );
        let page: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
        assert_eq!(
            page["data"][0]["type"], *event,
            "{event}: {}",
            output.stdout
        );
    }
}

#[test]
fn listen_rides_out_a_failing_poll_and_stops_on_a_refused_key() {
    // The baseline poll finds nothing; the next poll and its two retries
    // meet a failing Stripe; then an event is there.
    let polls = Arc::new(Mutex::new(0));
    let count = Arc::clone(&polls);
    let url = serve(move |_, _, _| {
        let n = {
            let mut polls = count.lock().unwrap();
            *polls += 1;
            *polls
        };
        let event = r#"{"id": "evt_1", "object": "event", "type": "customer.created", "created": 1700000000, "data": {"object": {}}}"#;
        match n {
            1 => (
                200,
                r#"{"object": "list", "data": [], "has_more": false}"#.to_owned(),
            ),
            2..=4 => (
                503,
                r#"{"error": {"type": "api_error", "message": "down"}}"#.to_owned(),
            ),
            _ => (
                200,
                format!(r#"{{"object": "list", "data": [{event}], "has_more": false}}"#),
            ),
        }
    });
    let failing = setting(&url, "failing");
    let output = join(
        in_background(
            &["listen", "--interval", "10", "--max-events", "1"],
            &failing,
        ),
        Duration::from_secs(30),
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(output.stderr.contains("trying again"), "{}", output.stderr);
    assert!(
        output.stdout.contains("customer.created [evt_1]"),
        "{}",
        output.stdout
    );

    let url = serve(|_, _, _| {
        (401, r#"{"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}}"#.to_owned())
    });
    let refused = setting(&url, "refused");
    let output = join(
        in_background(&["listen"], &refused),
        Duration::from_secs(30),
    );
    assert_eq!(output.code, 5, "{}", output.stderr);
    assert!(
        output.stderr.contains("Invalid API Key"),
        "{}",
        output.stderr
    );
}
