//! Faults on the wire. A raw TCP server misbehaves on each attempt as a
//! script says (resets before and during the body, 5xx with JSON, HTML or
//! nothing, 409, 429 with and without `Stripe-Should-Retry`, answers past
//! the timeout, truncated and non-JSON 200s); every script of two faults is
//! run against a model of the documented retry rules: how many attempts,
//! one `Idempotency-Key` for all of them, the typed final error, no hang.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use stripe_runtime::{Client, Error, Method, Request};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

const TEST_KEY: &str = "sk_test_faults";
/// The client's timeout in the matrix, which `Fault::TooSlow` overruns; long
/// enough that no other answer takes as long on a loaded 2-core machine.
const TIMEOUT: Duration = Duration::from_secs(1);
/// Scripts run at once.
const IN_FLIGHT: usize = 24;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    Answer200,
    /// The connection is reset after the request is read, before any answer.
    ResetBeforeAnswer,
    /// Status line and headers arrive, then a reset in the middle of the body.
    ResetInBody,
    /// A 200 whose body ends (FIN) before its `Content-Length`.
    Truncated200,
    NotJson200,
    ApiError500,
    /// A proxy's HTML page.
    Html502,
    Empty503,
    Conflict409,
    RateLimited429,
    RateLimited429ShouldRetry,
    ApiError500ShouldNotRetry,
    /// Answers only after the client's timeout.
    TooSlow,
}

const ALL: [Fault; 13] = [
    Fault::Answer200,
    Fault::ResetBeforeAnswer,
    Fault::ResetInBody,
    Fault::Truncated200,
    Fault::NotJson200,
    Fault::ApiError500,
    Fault::Html502,
    Fault::Empty503,
    Fault::Conflict409,
    Fault::RateLimited429,
    Fault::RateLimited429ShouldRetry,
    Fault::ApiError500ShouldNotRetry,
    Fault::TooSlow,
];

impl Fault {
    /// The documented rules: no answer, or a broken one, is retried (with
    /// the same idempotency key, so that is safe for a POST);
    /// `Stripe-Should-Retry` decides when present; otherwise 409 and 5xx
    /// are retried, a 429 is not. A 2xx is never retried, even when its
    /// body does not decode: Stripe has acted on it.
    fn is_retried(self) -> bool {
        match self {
            Fault::Answer200
            | Fault::NotJson200
            | Fault::RateLimited429
            | Fault::ApiError500ShouldNotRetry => false,
            Fault::ResetBeforeAnswer
            | Fault::ResetInBody
            | Fault::Truncated200
            | Fault::ApiError500
            | Fault::Html502
            | Fault::Empty503
            | Fault::Conflict409
            | Fault::RateLimited429ShouldRetry
            | Fault::TooSlow => true,
        }
    }

    /// Checks that `result` is what a last attempt meeting this fault gives.
    fn check_final(self, result: &Result<Value, Error>, key: Option<&str>) {
        let error = match (self, result) {
            (Fault::Answer200, Ok(customer)) => {
                assert_eq!(customer["id"], "cus_ok");
                return;
            }
            (_, Err(error)) => error,
            (_, Ok(value)) => panic!("{self:?} gave {value}"),
        };
        assert_eq!(error.idempotency_key(), key, "{self:?}: {error}");
        let status = error.status();
        match (self, error) {
            (Fault::ResetBeforeAnswer, Error::Transport(e)) => {
                assert_eq!(e.status(), None, "{e}");
            }
            (Fault::ResetInBody | Fault::Truncated200, Error::Transport(e)) => {
                assert_eq!(e.status(), Some(200), "{e}");
                assert_eq!(e.request_id(), Some("req_fault"), "{e}");
            }
            (Fault::TooSlow, Error::Transport(e)) => assert!(e.is_timeout(), "{e}"),
            (Fault::NotJson200, Error::Decode(e)) => {
                assert_eq!(e.body, "<html>ok</html>", "the body is kept");
                assert_eq!(e.status, Some(200));
            }
            (Fault::ApiError500 | Fault::ApiError500ShouldNotRetry, Error::Api(e)) => {
                assert_eq!((e.status, e.message.as_deref()), (500, Some("boom")));
            }
            (Fault::Html502, Error::Status { body, .. }) => {
                assert!(body.starts_with("<html>"), "{body}");
                assert_eq!(status, Some(502));
            }
            (Fault::Empty503, Error::Status { body, .. }) => {
                assert_eq!((status, body.as_str()), (Some(503), ""));
            }
            (Fault::Conflict409, Error::Api(e)) => assert_eq!(e.status, 409),
            (Fault::RateLimited429 | Fault::RateLimited429ShouldRetry, Error::Api(e)) => {
                assert!(e.is_rate_limit(), "{e}");
            }
            (fault, error) => panic!("{fault:?} ended in {error:?}"),
        }
        assert!(!error.to_string().is_empty());
    }
}

/// One request as the fault server read it.
#[derive(Clone, Debug)]
struct Attempt {
    at: Instant,
    idempotency_key: Option<String>,
    body: Vec<u8>,
}

/// A server that meets attempt `n` with `script[n]` (the last fault of the
/// script for any attempt past its end), one connection per attempt.
struct FaultServer {
    url: String,
    attempts: Arc<Mutex<Vec<Attempt>>>,
}

impl FaultServer {
    async fn start(script: Vec<Fault>) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let attempts: Arc<Mutex<Vec<Attempt>>> = Arc::default();
        let recorded = attempts.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let recorded = recorded.clone();
                let script = script.clone();
                tokio::spawn(async move {
                    let Some(attempt) = read_request(&stream).await else {
                        return;
                    };
                    let n = {
                        let mut attempts = recorded.lock().unwrap();
                        attempts.push(attempt);
                        attempts.len() - 1
                    };
                    let fault = script[n.min(script.len() - 1)];
                    misbehave(stream, fault).await;
                });
            }
        });
        FaultServer { url, attempts }
    }

    fn attempts(&self) -> Vec<Attempt> {
        self.attempts.lock().unwrap().clone()
    }
}

/// Reads a request's head and its `Content-Length` body.
async fn read_request(stream: &TcpStream) -> Option<Attempt> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        read_more(stream, &mut buffer, &mut chunk).await?;
    };
    let at = Instant::now();
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let header = |name: &str| {
        head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    let length: usize = header("content-length").map_or(0, |v| v.parse().unwrap());
    while buffer.len() < head_end + length {
        read_more(stream, &mut buffer, &mut chunk).await?;
    }
    Some(Attempt {
        at,
        idempotency_key: header("idempotency-key"),
        body: buffer[head_end..].to_vec(),
    })
}

/// Appends what the stream has to `buffer`; `None` once the peer closed
/// or the connection failed.
async fn read_more(stream: &TcpStream, buffer: &mut Vec<u8>, chunk: &mut [u8]) -> Option<()> {
    loop {
        stream.readable().await.ok()?;
        match stream.try_read(chunk) {
            Ok(0) => return None,
            Ok(n) => {
                buffer.extend_from_slice(&chunk[..n]);
                return Some(());
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(_) => return None,
        }
    }
}

async fn misbehave(mut stream: TcpStream, fault: Fault) {
    let api_error = |kind: &str, message: &str| {
        serde_json::json!({"error": {"type": kind, "message": message}}).to_string()
    };
    let (status, extra, body) = match fault {
        Fault::Answer200 => (
            200,
            "",
            r#"{"id": "cus_ok", "object": "customer"}"#.to_owned(),
        ),
        Fault::ResetBeforeAnswer => {
            // SO_LINGER 0: closing sends a reset, not a FIN.
            let _ = stream.set_zero_linger();
            return;
        }
        Fault::ResetInBody | Fault::Truncated200 => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\nRequest-Id: req_fault\r\n\r\n{\"id\": \"cus_";
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.flush().await;
            if fault == Fault::ResetInBody {
                let _ = stream.set_zero_linger();
            }
            return;
        }
        Fault::NotJson200 => (200, "", "<html>ok</html>".to_owned()),
        Fault::ApiError500 => (500, "", api_error("api_error", "boom")),
        Fault::Html502 => (502, "", "<html><body>Bad Gateway</body></html>".to_owned()),
        Fault::Empty503 => (503, "", String::new()),
        Fault::Conflict409 => (409, "", api_error("invalid_request_error", "conflict")),
        Fault::RateLimited429 => (429, "", api_error("invalid_request_error", "slow down")),
        Fault::RateLimited429ShouldRetry => (
            429,
            "Stripe-Should-Retry: true\r\n",
            api_error("invalid_request_error", "slow down"),
        ),
        Fault::ApiError500ShouldNotRetry => (
            500,
            "Stripe-Should-Retry: false\r\n",
            api_error("api_error", "boom"),
        ),
        Fault::TooSlow => {
            tokio::time::sleep(TIMEOUT * 3).await;
            (200, "", r#"{"id": "cus_late"}"#.to_owned())
        }
    };
    let response = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nRequest-Id: req_fault\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn client(url: &str, max_retries: u32) -> Client {
    Client::builder(TEST_KEY)
        .api_base(url)
        .max_retries(max_retries)
        .timeout(TIMEOUT)
        .retry_delays(Duration::from_millis(1), Duration::from_millis(4))
        .build()
}

fn create_customer() -> Request {
    Request::new(Method::Post, "/v1/customers")
        .form(&serde_json::json!({"email": "jenny@example.com"}))
}

/// Runs `script` with `max_retries` and checks it against the rules.
async fn run_script(method: Method, script: Vec<Fault>, max_retries: u32) {
    let server = FaultServer::start(script.clone()).await;
    let request = match method {
        Method::Post => create_customer(),
        _ => Request::new(Method::Get, "/v1/customers/cus_ok"),
    };
    let result = tokio::time::timeout(
        Duration::from_secs(10),
        client(&server.url, max_retries).execute::<Value>(request),
    )
    .await
    .unwrap_or_else(|_| panic!("{script:?} hung"));

    let limit = 1 + max_retries as usize;
    let expected = script
        .iter()
        .chain(std::iter::repeat(script.last().unwrap()))
        .take(limit)
        .position(|fault| !fault.is_retried())
        .map_or(limit, |i| i + 1);
    let attempts = server.attempts();
    assert_eq!(
        attempts.len(),
        expected,
        "{method:?} {script:?}: {result:?}"
    );
    if let Err(Error::Transport(e)) = &result {
        assert_eq!(e.attempts as usize, expected, "{script:?}");
    }

    let keys: Vec<Option<&str>> = attempts
        .iter()
        .map(|a| a.idempotency_key.as_deref())
        .collect();
    let key = keys[0];
    assert!(keys.iter().all(|k| *k == key), "{script:?}: {keys:?}");
    assert_eq!(key.is_some(), method == Method::Post, "{keys:?}");
    assert!(attempts.iter().all(|a| a.body == attempts[0].body));

    let last = script[(expected - 1).min(script.len() - 1)];
    last.check_final(&result, key);
}

/// Runs the scripts, `IN_FLIGHT` at a time; how many ran.
async fn run_all(scripts: Vec<(Method, Vec<Fault>, u32)>) -> usize {
    let mut runs = tokio::task::JoinSet::new();
    let mut ran = 0;
    for (method, script, retries) in scripts {
        if runs.len() == IN_FLIGHT {
            finish(runs.join_next().await.unwrap());
            ran += 1;
        }
        runs.spawn(run_script(method, script, retries));
    }
    while let Some(run) = runs.join_next().await {
        finish(run);
        ran += 1;
    }
    ran
}

fn finish(run: Result<(), tokio::task::JoinError>) {
    if let Err(failure) = run {
        std::panic::resume_unwind(failure.into_panic());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_pair_of_faults_follows_the_retry_rules() {
    let mut scripts = Vec::new();
    for first in ALL {
        for second in ALL {
            for method in [Method::Post, Method::Get] {
                scripts.push((method, vec![first, second], 1));
            }
        }
    }
    assert_eq!(run_all(scripts).await, ALL.len() * ALL.len() * 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fault_that_persists_costs_one_plus_max_retries_attempts_and_no_more() {
    let scripts = ALL
        .into_iter()
        .flat_map(|fault| [0, 3].map(|retries| (Method::Post, vec![fault], retries)));
    assert_eq!(run_all(scripts.collect()).await, ALL.len() * 2);
}

#[tokio::test]
async fn the_gaps_between_attempts_stay_within_the_backoff_bounds() {
    let server = FaultServer::start(vec![Fault::Empty503]).await;
    let (initial, cap) = (Duration::from_millis(40), Duration::from_millis(100));
    let client = Client::builder(TEST_KEY)
        .api_base(&server.url)
        .max_retries(4)
        .retry_delays(initial, cap)
        .build();
    let error = client
        .execute::<Value>(create_customer())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));

    let attempts = server.attempts();
    assert_eq!(attempts.len(), 5);
    for (retry, pair) in attempts.windows(2).enumerate() {
        let gap = pair[1].at - pair[0].at;
        let full = (initial * 2u32.pow(retry as u32)).min(cap);
        // Jitter scales the delay into [full / 2, full); the rest of the gap
        // is a new connection on the loopback.
        assert!(gap >= full / 2, "retry {retry}: {gap:?} < {:?}", full / 2);
        assert!(
            gap < full + Duration::from_millis(250),
            "retry {retry}: {gap:?}"
        );
    }
}

#[tokio::test]
async fn the_idempotency_key_is_on_the_response_and_on_every_error() {
    let server = FaultServer::start(vec![Fault::ApiError500, Fault::Answer200]).await;
    let (customer, meta) = client(&server.url, 2)
        .execute::<Value>(create_customer())
        .with_meta()
        .await
        .unwrap();
    assert_eq!(customer["id"], "cus_ok");
    let sent = server.attempts()[1].idempotency_key.clone();
    assert!(sent.is_some());
    assert_eq!(meta.idempotency_key, sent);
    assert_eq!((meta.status, meta.attempts), (200, 2));
    assert_eq!(meta.request_id.as_deref(), Some("req_fault"));

    // A key the caller chose comes back as sent, on an error too, ready to
    // send the request again later without charging twice.
    let server = FaultServer::start(vec![Fault::ResetBeforeAnswer]).await;
    let error = client(&server.url, 1)
        .with_idempotency_key("order-6735")
        .execute::<Value>(create_customer())
        .await
        .unwrap_err();
    assert_eq!(error.idempotency_key(), Some("order-6735"));

    // A GET has none.
    let server = FaultServer::start(vec![Fault::RateLimited429]).await;
    let error = client(&server.url, 1)
        .execute::<Value>(Request::new(Method::Get, "/v1/customers"))
        .await
        .unwrap_err();
    assert_eq!(error.idempotency_key(), None);
}

#[tokio::test]
async fn a_transport_error_never_shows_the_query_string_or_the_key() {
    let server = FaultServer::start(vec![Fault::ResetBeforeAnswer]).await;
    let request = Request::new(Method::Get, "/v1/customers")
        .query(&serde_json::json!({"email": "jenny.rosen@example.com"}));
    let error = client(&server.url, 0)
        .execute::<Value>(request)
        .await
        .unwrap_err();
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains("jenny"), "{shown}");
        assert!(!shown.contains(TEST_KEY), "{shown}");
    }
}
