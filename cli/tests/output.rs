//! What a successful call prints, how `--all` follows pages, and what
//! `--dry-run` and `--print curl` show.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use common::{fresh_mock, run_with, Setting};

fn against(server: &stripe_mock::MockServer, args: &[&str], setting: &Setting) -> common::Output {
    let base = server.url();
    let mut args: Vec<&str> = args.to_vec();
    args.extend(["--api-base", base.as_str()]);
    run_with(&args, setting)
}

#[test]
fn json_is_pretty_and_coloured_on_a_terminal_and_compact_when_piped() {
    let server = fresh_mock();
    let args = ["customers", "retrieve", "cus_1"];
    let terminal = Setting {
        stdout_terminal: true,
        ..Setting::test_key()
    };
    let coloured = against(&server, &args, &terminal);
    assert_eq!(coloured.code, 0, "{}", coloured.stderr);
    assert!(
        coloured
            .stdout
            .contains("\x1b[1;34m\"id\"\x1b[0m: \x1b[32m\"cus_1\"\x1b[0m"),
        "{}",
        coloured.stdout
    );
    let mut no_color = terminal.clone();
    no_color.env.push(("NO_COLOR", "1".to_owned()));
    let plain = against(&server, &args, &no_color);
    assert!(
        !plain.stdout.contains('\x1b') && plain.stdout.contains("\n  \"id\": \"cus_1\""),
        "{}",
        plain.stdout
    );
    let piped = against(&server, &args, &Setting::test_key());
    assert_eq!(piped.stdout.lines().count(), 1);
    let value: serde_json::Value = serde_json::from_str(&piped.stdout).unwrap();
    assert_eq!(value["id"], "cus_1");
    let yaml = against(
        &server,
        &["customers", "retrieve", "cus_1", "--format", "yaml"],
        &terminal,
    );
    assert!(
        yaml.stdout.contains("id: cus_1\n") && yaml.stdout.contains("object: customer\n"),
        "{}",
        yaml.stdout
    );
}

#[test]
fn flags_headers_and_a_json_body_reach_stripe() {
    let server = fresh_mock();
    let setting = Setting {
        stdin: r#"{"email": "old@example.com", "metadata": {"from": "stdin"}}"#.to_owned(),
        ..Setting::test_key()
    };
    let output = against(
        &server,
        &[
            "customers",
            "create",
            "--json",
            "-",
            "--email",
            "new@example.com",
            "-d",
            "metadata[order]=6735",
            "-e",
            "test_clock",
            "-i",
            "key-1",
            "--stripe-account",
            "acct_1",
            "-v",
            "2024-06-20",
        ],
        &setting,
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let request = server.requests().pop().expect("a request");
    let mut pairs = request.form_pairs();
    pairs.sort();
    assert_eq!(
        pairs,
        [
            ("email", "new@example.com"),
            ("expand[0]", "test_clock"),
            ("metadata[from]", "stdin"),
            ("metadata[order]", "6735")
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    assert_eq!(request.header("idempotency-key"), Some("key-1"));
    assert_eq!(request.header("stripe-account"), Some("acct_1"));
    assert_eq!(request.header("stripe-version"), Some("2024-06-20"));
    assert_eq!(request.header("authorization"), Some("Bearer sk_test_123"));
}

#[test]
fn a_dry_run_prints_the_request_with_the_key_redacted() {
    let output = run_with(
        &[
            "identity",
            "verification_sessions",
            "redact",
            "vs_123",
            "-i",
            "key-1",
            "-e",
            "last_verification_report",
            "--dry-run",
        ],
        &Setting::test_key(),
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let expected = "POST https://api.stripe.com/v1/identity/verification_sessions/vs_123/redact\n\
                    authorization: Bearer sk_test_[redacted]\n";
    assert!(output.stdout.starts_with(expected), "{}", output.stdout);
    for line in [
        "stripe-version: 2023-08-16\n",
        "idempotency-key: key-1\n",
        "content-type: application/x-www-form-urlencoded\n",
        "\nexpand%5B0%5D=last_verification_report\n",
    ] {
        assert!(
            output.stdout.contains(line),
            "lacks {line:?}:\n{}",
            output.stdout
        );
    }
    assert!(!output.stdout.contains("sk_test_123"));
}

#[test]
fn print_curl_writes_a_command_that_sends_the_same_request() {
    let output = run_with(
        &[
            "customers",
            "create",
            "--email",
            "a&b@example.com",
            "-i",
            "key-1",
            "--print",
            "curl",
        ],
        &Setting::test_key(),
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(
        output.stdout,
        "curl -X POST 'https://api.stripe.com/v1/customers' \\\n  -u \"$STRIPE_API_KEY:\" \\\n  -H 'Stripe-Version: 2023-08-16' \\\n  -H 'Idempotency-Key: key-1' \\\n  --data-urlencode 'email=a&b@example.com'\n"
    );
    let get = run_with(
        &["customers", "list", "--limit", "3", "--print", "curl"],
        &Setting::test_key(),
    );
    assert!(
        get.stdout
            .starts_with("curl -X GET 'https://api.stripe.com/v1/customers?limit=3'"),
        "{}",
        get.stdout
    );
}

#[test]
fn raw_requests_go_to_any_path() {
    let server = fresh_mock();
    let output = against(
        &server,
        &["get", "/v1/customers", "-d", "limit=2"],
        &Setting::test_key(),
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let request = server.requests().pop().unwrap();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", "/v1/customers")
    );
    assert_eq!(
        request.query_pairs(),
        [("limit".to_owned(), "2".to_owned())]
    );
}

/// Serves `pages` of a list, one per request, each chosen by the request's
/// `starting_after` (none: the first), and records each request line.
fn page_server(
    pages: Vec<(Option<&'static str>, &'static str)>,
) -> (String, std::thread::JoinHandle<Vec<String>>) {
    cursor_server("starting_after", pages)
}

/// [`page_server`] with pages chosen by the query parameter `cursor`.
fn cursor_server(
    cursor: &'static str,
    pages: Vec<(Option<&'static str>, &'static str)>,
) -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for _ in 0..pages.len() {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).unwrap();
                if header == "\r\n" || header.is_empty() {
                    break;
                }
            }
            let cursor = line
                .split_once(&format!("{cursor}="))
                .map(|(_, rest)| rest.split([' ', '&']).next().unwrap_or_default().to_owned());
            let body = pages
                .iter()
                .find(|(after, _)| after.map(str::to_owned) == cursor)
                .map(|(_, body)| *body)
                .unwrap_or("{}");
            let mut stream = reader.into_inner();
            write!(stream, "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len()).unwrap();
            seen.push(line.trim().to_owned());
        }
        seen
    });
    (url, handle)
}

#[test]
fn all_follows_every_page_and_max_items_stops_early() {
    let pages = vec![
        (
            None,
            r#"{"object":"list","has_more":true,"data":[{"id":"cus_1"},{"id":"cus_2"}]}"#,
        ),
        (
            Some("cus_2"),
            r#"{"object":"list","has_more":false,"data":[{"id":"cus_3"}]}"#,
        ),
    ];
    let (url, server) = page_server(pages);
    let output = run_with(
        &[
            "customers",
            "list",
            "--all",
            "--limit",
            "2",
            "--api-base",
            &url,
        ],
        &Setting::test_key(),
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(
        output.stdout,
        "{\"id\":\"cus_1\"}\n{\"id\":\"cus_2\"}\n{\"id\":\"cus_3\"}\n"
    );
    let requests = server.join().unwrap();
    assert_eq!(
        requests,
        [
            "GET /v1/customers?limit=2 HTTP/1.1",
            "GET /v1/customers?limit=2&starting_after=cus_2 HTTP/1.1"
        ]
    );

    let (url, server) = page_server(vec![(
        None,
        r#"{"object":"list","has_more":true,"data":[{"id":"cus_1"},{"id":"cus_2"}]}"#,
    )]);
    let output = run_with(
        &[
            "customers",
            "list",
            "--all",
            "--max-items",
            "1",
            "--api-base",
            &url,
        ],
        &Setting::test_key(),
    );
    assert_eq!(output.stdout, "{\"id\":\"cus_1\"}\n");
    assert_eq!(server.join().unwrap().len(), 1);
}

#[test]
fn all_walks_backwards_from_ending_before_and_follows_search_pages() {
    let pages = vec![
        (
            Some("cus_9"),
            r#"{"object":"list","has_more":true,"data":[{"id":"cus_7"},{"id":"cus_8"}]}"#,
        ),
        (
            Some("cus_7"),
            r#"{"object":"list","has_more":false,"data":[{"id":"cus_6"}]}"#,
        ),
    ];
    let (url, server) = cursor_server("ending_before", pages);
    let output = run_with(
        &[
            "customers",
            "list",
            "--all",
            "--ending-before",
            "cus_9",
            "--api-base",
            &url,
        ],
        &Setting::test_key(),
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(
        output.stdout,
        "{\"id\":\"cus_7\"}\n{\"id\":\"cus_8\"}\n{\"id\":\"cus_6\"}\n"
    );
    assert_eq!(
        server.join().unwrap()[1],
        "GET /v1/customers?ending_before=cus_7 HTTP/1.1"
    );

    let pages = vec![
        (
            None,
            r#"{"object":"search_result","has_more":true,"next_page":"p2","data":[{"id":"cus_1"}]}"#,
        ),
        (
            Some("p2"),
            r#"{"object":"search_result","has_more":false,"next_page":null,"data":[{"id":"cus_2"}]}"#,
        ),
    ];
    let (url, server) = cursor_server("page", pages);
    let output = run_with(
        &[
            "customers",
            "search",
            "--query",
            "email:'a@b.c'",
            "--all",
            "--api-base",
            &url,
        ],
        &Setting::test_key(),
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(output.stdout, "{\"id\":\"cus_1\"}\n{\"id\":\"cus_2\"}\n");
    assert!(server.join().unwrap()[1].contains("&page=p2"));
}
