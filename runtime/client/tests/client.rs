//! The HTTP client against an in-process server: headers, encoding on the
//! wire, retries, idempotency keys, typed errors.

mod common;

use std::time::{Duration, Instant};

use common::{Reply, TestServer, TEST_KEY};
use serde_json::json;
use stripe_core::decode::{required, Decoder, Failure};
use stripe_runtime::client::{path_segment, Host, Method, Multipart, Request};
use stripe_runtime::error::{ErrorType, TransportError};
use stripe_runtime::{Client, Decode, Error, List};

const VERSION: &str = "2023-08-16";

#[derive(Debug, PartialEq)]
struct Customer {
    id: String,
}

/// As the generator writes decoders: fields by key, others skipped.
impl Decode for Customer {
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        let mut id = None;
        let start = d.begin_object()?;
        while let Some(key) = d.next_field()? {
            match key {
                "id" => id = Some(d.value()?),
                _ => d.skip()?,
            }
        }
        Ok(Customer {
            id: required(id, start, "id")?,
        })
    }
}

fn ok_customer() -> Reply {
    Reply::json(200, json!({"id": "cus_1", "object": "customer"}))
}

fn get_customer() -> Request {
    Request::new(Method::Get, "/v1/customers/cus_1").api_version(VERSION)
}

fn post_customer() -> Request {
    Request::new(Method::Post, "/v1/customers").api_version(VERSION)
}

fn is_uuid_v4(key: &str) -> bool {
    let bytes = key.as_bytes();
    key.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| bytes[i] == b'-')
        && bytes[14] == b'4'
        && key
            .chars()
            .filter(|c| *c != '-')
            .all(|c| c.is_ascii_hexdigit())
}

#[tokio::test]
async fn get_sends_auth_version_and_user_agent_and_decodes() {
    let server = TestServer::scripted(vec![ok_customer()]).await;
    let customer: Customer = server.client().execute(get_customer()).await.unwrap();
    assert_eq!(customer, Customer { id: "cus_1".into() });

    let [request] = &server.requests()[..] else {
        panic!("one request")
    };
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/v1/customers/cus_1");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {TEST_KEY}").as_str())
    );
    assert_eq!(request.header("stripe-version"), Some(VERSION));
    assert!(request
        .header("user-agent")
        .unwrap()
        .starts_with("typed-stripe-runtime/"));
    // GETs carry no idempotency key, account or body type.
    assert_eq!(request.header("idempotency-key"), None);
    assert_eq!(request.header("stripe-account"), None);
    assert_eq!(request.header("content-type"), None);
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn stripe_version_and_account_per_client_and_per_handle() {
    let server = TestServer::start(|_, _| ok_customer()).await;
    let client = server
        .builder()
        .stripe_version("2022-11-15")
        .stripe_account("acct_client")
        .build();

    let _: Customer = client.execute(get_customer()).await.unwrap();
    let _: Customer = client
        .with_stripe_account("acct_handle")
        .with_stripe_version("2024-01-01")
        .execute(get_customer())
        .await
        .unwrap();
    // The handle did not change the client it came from.
    let _: Customer = client.execute(get_customer()).await.unwrap();
    // Without any override, the request's own version is sent.
    let _: Customer = server.client().execute(get_customer()).await.unwrap();
    let _: Customer = server
        .client()
        .with_stripe_account("acct_only")
        .execute(get_customer())
        .await
        .unwrap();

    let seen: Vec<_> = server
        .requests()
        .iter()
        .map(|r| {
            (
                r.header("stripe-version").map(str::to_owned),
                r.header("stripe-account").map(str::to_owned),
            )
        })
        .collect();
    let some = |v: &str| Some(v.to_owned());
    assert_eq!(
        seen,
        vec![
            (some("2022-11-15"), some("acct_client")),
            (some("2024-01-01"), some("acct_handle")),
            (some("2022-11-15"), some("acct_client")),
            (some(VERSION), None),
            (some(VERSION), some("acct_only")),
        ]
    );
}

#[tokio::test]
async fn post_without_params_still_sends_the_form_content_type() {
    let server = TestServer::scripted(vec![ok_customer()]).await;
    let _: Customer = server.client().execute(post_customer()).await.unwrap();

    let [request] = &server.requests()[..] else {
        panic!("one request")
    };
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(request.body.is_empty());
    assert_eq!(request.header("content-length"), Some("0"));
    assert!(is_uuid_v4(request.header("idempotency-key").unwrap()));
}

#[tokio::test]
async fn form_body_and_query_string_are_deep_object_encoded() {
    let server = TestServer::start(|_, _| ok_customer()).await;
    let client = server.client();
    let _: Customer = client
        .execute(post_customer().form(&json!({
            "email": "a+b@example.com",
            "metadata": {"order": "6735"},
            "tax_exempt": null,
        })))
        .await
        .unwrap();
    let _: Customer = client
        .execute(get_customer().query(&json!({"expand": ["default_source", "tax"]})))
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(
        requests[0].body_str(),
        "email=a%2Bb%40example.com&metadata%5Border%5D=6735"
    );
    assert_eq!(
        requests[1].query.as_deref(),
        Some("expand%5B0%5D=default_source&expand%5B1%5D=tax")
    );
    assert_eq!(requests[1].body_str(), "");
}

#[tokio::test]
async fn a_500_then_success_reuses_the_idempotency_key() {
    let server = TestServer::scripted(vec![
        Reply::json(
            500,
            json!({"error": {"type": "api_error", "message": "boom"}}),
        ),
        ok_customer(),
        ok_customer(),
    ])
    .await;
    let client = server.client();
    let _: Customer = client
        .execute(post_customer().form(&json!({"email": "x@example.com"})))
        .await
        .unwrap();
    let _: Customer = client.execute(post_customer()).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let keys: Vec<_> = requests
        .iter()
        .map(|r| r.header("idempotency-key").unwrap())
        .collect();
    assert_eq!(keys[0], keys[1], "a retry must send the same key");
    assert_ne!(keys[1], keys[2], "a new request gets a new key");
    assert!(keys.iter().all(|k| is_uuid_v4(k)));
    // The retried request is the same request.
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(requests[1].body_str(), "email=x%40example.com");
}

#[tokio::test]
async fn a_given_idempotency_key_is_sent_on_every_attempt() {
    let server = TestServer::scripted(vec![
        Reply::raw(503, "unavailable"),
        ok_customer(),
        ok_customer(),
    ])
    .await;
    let client = server.client();
    let handle = client.with_idempotency_key("order-6735");
    let _: Customer = handle.execute(post_customer()).await.unwrap();
    let _: Customer = client.execute(post_customer()).await.unwrap();

    let keys: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("idempotency-key").unwrap().to_owned())
        .collect();
    assert_eq!(keys[0], "order-6735");
    assert_eq!(keys[1], "order-6735");
    assert!(
        is_uuid_v4(&keys[2]),
        "the original client still generates keys"
    );
}

#[tokio::test]
async fn stripe_should_retry_false_stops_after_one_attempt_even_for_a_500() {
    let server = TestServer::scripted(vec![Reply::json(
        500,
        json!({"error": {"type": "api_error", "message": "Something went wrong"}}),
    )
    .header("stripe-should-retry", "false")
    .header("request-id", "req_500")])
    .await;
    let error = server
        .client()
        .execute::<Customer>(post_customer())
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1);
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status, 500);
    assert_eq!(api.error_type, ErrorType::ApiError);
    assert_eq!(error.request_id(), Some("req_500"));
}

#[tokio::test]
async fn a_409_conflict_is_retried() {
    let conflict = Reply::json(
        409,
        json!({"error": {"type": "invalid_request_error", "code": "lock_timeout", "message": "busy"}}),
    );
    let server = TestServer::scripted(vec![conflict, ok_customer()]).await;
    let customer: Customer = server.client().execute(post_customer()).await.unwrap();
    assert_eq!(customer.id, "cus_1");
    assert_eq!(server.requests().len(), 2);
}

fn rate_limited() -> Reply {
    Reply::json(
        429,
        json!({"error": {
            "type": "invalid_request_error",
            "code": "rate_limit",
            "message": "Too many requests hit the API too quickly.",
            "doc_url": "https://stripe.com/docs/error-codes/rate-limit"
        }}),
    )
    .header("request-id", "req_429")
}

#[tokio::test]
async fn a_429_is_not_retried_without_the_header_and_decodes_into_an_api_error() {
    let server = TestServer::scripted(vec![rate_limited(), ok_customer()]).await;
    let error = server
        .client()
        .execute::<Customer>(get_customer())
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1);
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert!(api.is_rate_limit());
    assert_eq!(api.status, 429);
    assert_eq!(api.error_type, ErrorType::InvalidRequestError);
    assert_eq!(api.code.as_deref(), Some("rate_limit"));
    assert_eq!(
        api.doc_url.as_deref(),
        Some("https://stripe.com/docs/error-codes/rate-limit")
    );
    assert_eq!(api.request_id.as_deref(), Some("req_429"));
    assert_eq!(
        error.to_string(),
        "HTTP 429 invalid_request_error (rate_limit): Too many requests hit the API too quickly. [request req_429]"
    );
}

#[tokio::test]
async fn a_429_is_retried_when_stripe_should_retry_is_true() {
    let server = TestServer::scripted(vec![
        rate_limited().header("stripe-should-retry", "true"),
        ok_customer(),
    ])
    .await;
    let customer: Customer = server.client().execute(get_customer()).await.unwrap();
    assert_eq!(customer.id, "cus_1");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retries_stop_after_max_retries_with_the_last_error() {
    let server = TestServer::start(|_, n| {
        Reply::json(
            502,
            json!({"error": {"type": "api_error", "message": format!("attempt {n}")}}),
        )
    })
    .await;
    let error = server
        .client()
        .execute::<Customer>(get_customer())
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 3, "default: 2 retries, 3 attempts");
    let Error::Api(api) = error else { panic!() };
    assert_eq!(api.message.as_deref(), Some("attempt 2"));

    let no_retries = server.builder().max_retries(0).build();
    no_retries
        .execute::<Customer>(get_customer())
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn retries_back_off_exponentially() {
    let server = TestServer::start(|_, _| Reply::raw(500, "")).await;
    let client = server
        .builder()
        .retry_delays(Duration::from_millis(60), Duration::from_millis(100))
        .build();
    let started = Instant::now();
    client
        .execute::<Customer>(get_customer())
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    // The first delay is 60 ms jittered to [30, 60), the second 100 ms
    // (capped) jittered to [50, 100).
    assert!(elapsed >= Duration::from_millis(80), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_card_error_decodes_every_field() {
    let server = TestServer::scripted(vec![Reply::json(
        402,
        json!({"error": {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "insufficient_funds",
            "param": "payment_method",
            "message": "Your card has insufficient funds.",
            "doc_url": "https://stripe.com/docs/error-codes/card-declined",
            "payment_intent": {"id": "pi_1", "object": "payment_intent"}
        }}),
    )
    .header("request-id", "req_123")])
    .await;
    let error = server
        .client()
        .execute::<Customer>(post_customer())
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1, "a 402 is not retried");
    assert_eq!(error.status(), Some(402));
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status, 402);
    assert_eq!(api.error_type, ErrorType::CardError);
    assert_eq!(api.code.as_deref(), Some("card_declined"));
    assert_eq!(api.decline_code.as_deref(), Some("insufficient_funds"));
    assert_eq!(api.param.as_deref(), Some("payment_method"));
    assert_eq!(
        api.message.as_deref(),
        Some("Your card has insufficient funds.")
    );
    assert_eq!(
        api.doc_url.as_deref(),
        Some("https://stripe.com/docs/error-codes/card-declined")
    );
    assert_eq!(api.request_id.as_deref(), Some("req_123"));
    assert_eq!(api.raw["payment_intent"]["id"], "pi_1");
    assert_eq!(
        error.to_string(),
        "HTTP 402 card_error (card_declined, decline_code insufficient_funds): \
         Your card has insufficient funds. [param payment_method] [request req_123]"
    );
}

#[tokio::test]
async fn an_unknown_error_type_is_kept() {
    let server = TestServer::scripted(vec![Reply::json(
        400,
        json!({"error": {"type": "brand_new_error", "message": "Card was declined."}}),
    )])
    .await;
    let error = server
        .client()
        .execute::<Customer>(get_customer())
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.error_type, ErrorType::Unknown("brand_new_error".into()));
    assert_eq!(
        error.to_string(),
        "HTTP 400 brand_new_error: Card was declined."
    );
}

#[tokio::test]
async fn a_body_that_does_not_fit_gives_the_json_path_and_the_raw_body() {
    #[derive(Debug)]
    struct Charge {
        _amount: i64,
    }
    impl Decode for Charge {
        fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
            let mut amount = None;
            let start = d.begin_object()?;
            while let Some(key) = d.next_field()? {
                match key {
                    "amount" => amount = Some(d.value()?),
                    _ => d.skip()?,
                }
            }
            Ok(Charge {
                _amount: required(amount, start, "amount")?,
            })
        }
    }
    let body = r#"{"object":"list","data":[{"id":"ch_1","amount":100},{"id":"ch_2","amount":"lots"}],"has_more":false,"url":"/v1/charges"}"#;
    let server = TestServer::scripted(vec![
        Reply::raw(200, body).header("request-id", "req_decode")
    ])
    .await;
    let error = server
        .client()
        .execute::<List<Charge>>(Request::new(Method::Get, "/v1/charges"))
        .await
        .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.path, "data[1].amount");
    assert_eq!(decode.body, body);
    assert_eq!(decode.status, Some(200));
    assert_eq!(decode.request_id.as_deref(), Some("req_decode"));
    assert!(
        decode
            .message
            .starts_with("expected an integer, found a string at line 1, column"),
        "{}",
        decode.message
    );
    let text = error.to_string();
    assert!(
        text.starts_with(
            "HTTP 200 response did not decode at `data[1].amount`: expected an integer"
        ),
        "{text}"
    );
    assert!(text.ends_with("[request req_decode]"), "{text}");
}

#[tokio::test]
async fn a_non_stripe_error_body_is_a_status_error() {
    let server = TestServer::scripted(vec![
        Reply::raw(502, "<html>Bad Gateway</html>").header("stripe-should-retry", "false")
    ])
    .await;
    let error = server
        .client()
        .execute::<Customer>(get_customer())
        .await
        .unwrap_err();
    let Error::Status { status, body, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(*status, 502);
    assert_eq!(body, "<html>Bad Gateway</html>");
    assert_eq!(
        error.to_string(),
        "HTTP 502 with a body that is not a Stripe error: <html>Bad Gateway</html>"
    );
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let server = TestServer::start_dropping(1, |_, _| ok_customer()).await;
    let customer: Customer = server.client().execute(post_customer()).await.unwrap();
    assert_eq!(customer.id, "cus_1");
    assert_eq!(server.dropped(), 1);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_timeout_is_retried_and_finally_reported_as_transport() {
    let server = TestServer::start(|_, n| {
        if n == 0 {
            ok_customer().delay(Duration::from_secs(3))
        } else {
            ok_customer()
        }
    })
    .await;
    let client = server.builder().timeout(Duration::from_millis(200)).build();
    let customer: Customer = client.execute(get_customer()).await.unwrap();
    assert_eq!(customer.id, "cus_1");
    assert_eq!(server.requests().len(), 2);

    let slow = TestServer::start(|_, _| ok_customer().delay(Duration::from_secs(3))).await;
    let client = slow
        .builder()
        .timeout(Duration::from_millis(100))
        .max_retries(1)
        .build();
    let error = client
        .execute::<Customer>(get_customer())
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert!(transport.is_timeout());
    assert_eq!(transport.attempts, 2);
    assert_eq!(slow.requests().len(), 2);
    assert!(
        error
            .to_string()
            .starts_with("request to Stripe timed out after 2 attempts"),
        "{error}"
    );
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_after_retries() {
    // Bind, note the port, close: nothing listens there any more.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::builder(TEST_KEY)
        .api_base(url)
        .retry_delays(Duration::from_millis(1), Duration::from_millis(2))
        .build();
    let error = client
        .execute::<Customer>(get_customer())
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    let transport: &TransportError = transport;
    assert!(transport.is_connect(), "{error}");
    assert_eq!(transport.attempts, 3);
    assert!(!error.to_string().contains("SecretPart"));
}

#[tokio::test]
async fn encoding_errors_come_back_from_execute_without_a_request() {
    let server = TestServer::scripted(vec![ok_customer()]).await;
    let request = Request::new(Method::Post, "/v1/customers").form(&"not an object");
    let error = server
        .client()
        .execute::<Customer>(request)
        .await
        .unwrap_err();
    let Error::Encode(encode) = &error else {
        panic!("{error:?}")
    };
    assert!(encode.message.contains("struct or a map"), "{encode}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn ids_are_escaped_and_dot_segments_refused() {
    assert_eq!(path_segment("cus_123"), "cus_123");
    assert_eq!(path_segment("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
    assert_eq!(path_segment("ünï.~-_"), "%C3%BCn%C3%AF.~-_");

    let server = TestServer::start(|_, _| ok_customer()).await;
    let client = server.client();
    let id = "cus/../../v1/charges";
    let _: Customer = client
        .execute(Request::new(
            Method::Get,
            format!("/v1/customers/{}", path_segment(id)),
        ))
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].path,
        "/v1/customers/cus%2F..%2F..%2Fv1%2Fcharges"
    );

    for path in [
        format!("/v1/customers/{}", path_segment("..")),
        "/v1/customers/%2e%2E".to_owned(),
        "v1/customers".to_owned(),
    ] {
        let error = client
            .execute::<Customer>(Request::new(Method::Delete, path.clone()))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Encode(_)), "{path}: {error:?}");
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn file_uploads_are_multipart_and_go_to_the_files_host() {
    let api = TestServer::start(|_, _| Reply::raw(418, "wrong host")).await;
    let files = TestServer::scripted(vec![Reply::json(
        200,
        json!({"id": "file_1", "object": "file"}),
    )])
    .await;
    let client = Client::builder(TEST_KEY)
        .api_base(&api.url)
        .files_base(&files.url)
        .build();
    let form = Multipart::new()
        .text("purpose", "dispute_evidence")
        .params(&json!({"file_link_data": {"create": true}}))
        .file(
            "file",
            "receipt.png",
            Some("image/png"),
            b"\x89PNG fake".to_vec(),
        );
    let request = Request::new(Method::Post, "/v1/files")
        .host(Host::Server("https://files.stripe.com/"))
        .api_version(VERSION)
        .multipart(form);
    let uploaded: Customer = client.execute(request.clone()).await.unwrap();
    assert_eq!(uploaded.id, "file_1");
    assert!(api.requests().is_empty());

    let [upload] = &files.requests()[..] else {
        panic!("one upload")
    };
    assert_eq!(upload.path, "/v1/files");
    let content_type = upload.header("content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("{content_type}"));
    assert_eq!(
        upload.header("authorization"),
        Some(format!("Bearer {TEST_KEY}").as_str())
    );
    assert!(upload.header("idempotency-key").is_some());
    let body = String::from_utf8_lossy(&upload.body);
    assert!(body.contains(boundary));
    assert!(
        body.contains("name=\"purpose\"\r\n\r\ndispute_evidence\r\n"),
        "{body}"
    );
    assert!(
        body.contains("name=\"file_link_data[create]\"\r\n\r\ntrue\r\n"),
        "{body}"
    );
    assert!(body.contains("name=\"file\"; filename=\"receipt.png\"\r\nContent-Type: image/png\r\n\r\n\u{FFFD}PNG fake\r\n"), "{body}");
}

#[tokio::test]
async fn debug_output_never_contains_the_key() {
    let client = Client::builder(TEST_KEY)
        .stripe_account("acct_1")
        .build()
        .with_idempotency_key("k");
    let debug = format!("{client:?}");
    assert!(!debug.contains("SecretPart"), "{debug}");
    assert!(!debug.contains(TEST_KEY), "{debug}");
    assert!(debug.contains("sk_test_[redacted]"), "{debug}");
    assert!(debug.contains("acct_1"), "{debug}");
    let pretty = format!("{client:#?}");
    assert!(!pretty.contains("SecretPart"));

    let builder = Client::builder("rk_live_AnotherSecret");
    let debug = format!("{builder:?}");
    assert!(!debug.contains("AnotherSecret"), "{debug}");
    assert!(debug.contains("rk_live_[redacted]"), "{debug}");

    let odd = format!("{:?}", Client::new("whsec_notakey_hidden"));
    assert!(!odd.contains("hidden") && !odd.contains("notakey"), "{odd}");

    // Nor in a request's Debug on the way out: the Request type never holds it.
    let request = Request::new(Method::Get, "/v1/balance");
    assert!(!format!("{request:?}").contains("SecretPart"));
}

#[tokio::test]
async fn a_key_that_cannot_be_a_header_is_an_error_not_a_panic() {
    let server = TestServer::scripted(vec![ok_customer()]).await;
    let client = Client::builder("sk_test_bad\nkey")
        .api_base(&server.url)
        .build();
    let error = client
        .execute::<Customer>(get_customer())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Encode(_)), "{error:?}");
    assert!(!error.to_string().contains("bad\nkey"));
    assert!(server.requests().is_empty());
}

/// A server that answers every connection with a status line, headers that
/// promise 100 bytes, 8 of them, and then closes: a body cut off by a reset.
async fn cut_off_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request).await;
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\nRequest-Id: req_cut\r\n\r\n{\"id\": \"";
            let _ = stream.write_all(head.as_bytes()).await;
            drop(stream);
        }
    });
    (url, connections)
}

#[tokio::test]
async fn a_body_cut_off_is_a_transport_error_with_the_status_that_arrived() {
    let (url, connections) = cut_off_server().await;
    let client = Client::builder(TEST_KEY)
        .api_base(&url)
        .max_retries(1)
        .retry_delays(Duration::from_millis(1), Duration::from_millis(2))
        .build();
    let error = client
        .execute::<Customer>(get_customer())
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(transport.attempts, 2, "a broken body is retried");
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 2);
    assert_eq!(error.status(), Some(200));
    assert_eq!(error.request_id(), Some("req_cut"));
    let message = error.to_string();
    assert!(
        message.contains("broke off while reading the response body"),
        "{message}"
    );
    assert!(
        message.contains("HTTP 200") && message.contains("req_cut"),
        "{message}"
    );
}
