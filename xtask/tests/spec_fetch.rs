//! `cargo xtask spec fetch` and `spec excerpt` against a local HTTP server
//! standing in for GitHub's raw files: what is pinned is downloaded and
//! checked, a file is written only when its checksum matches, and what is
//! already there is not downloaded again; behind a proxy, through it.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

const BASE_SPEC: &str = "openapi: 3.0.0
info: {title: base, version: '2023-08-16'}
paths: {}
components:
  schemas:
    error: {type: object, properties: {message: {type: string}}}
";

const NEWER_SPEC: &str = "openapi: 3.0.0
info: {title: newer, version: 2026-09-30.endive}
paths:
  /v1/climate/orders:
    get:
      operationId: GetClimateOrders
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/climate.order'}}}}
        default: {description: error, content: {application/json: {schema: {$ref: '#/components/schemas/error'}}}}
  /v1/customers:
    get:
      operationId: GetCustomers
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/customer'}}}}
components:
  schemas:
    climate.order: {type: object, properties: {id: {type: string}}}
    customer: {type: object}
    error: {type: object, properties: {message: {type: string}}}
";

const FIXTURES: &str = r#"{"resources": {"customer": {"id": "cus_1"}}}"#;

/// Serves `files` (URL path -> body) until the test ends; counts requests.
struct Server {
    url: String,
    requests: Arc<AtomicUsize>,
}

fn serve(files: HashMap<String, Vec<u8>>) -> Server {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("a local port");
    let url = format!("http://{}/raw", server.server_addr());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            counter.fetch_add(1, Ordering::SeqCst);
            let response = match files.get(request.url()) {
                Some(body) => tiny_http::Response::from_data(body.clone()),
                None => {
                    tiny_http::Response::from_data(b"404: Not Found".to_vec()).with_status_code(404)
                }
            };
            let _ = request.respond(response);
        }
    });
    Server { url, requests }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-spec-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn xtask(args: &[&str], base_url: &str) -> Output {
    xtask_with(args, base_url, &[])
}

/// The proxy variables of the machine left out, `env` added.
fn xtask_with(args: &[&str], base_url: &str, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    for name in PROXY_VARIABLES {
        command.env_remove(name).env_remove(name.to_lowercase());
    }
    command
        .args(args)
        .env("STRIPE_OPENAPI_BASE_URL", base_url)
        .envs(env.iter().copied())
        .output()
        .expect("xtask runs")
}

const PROXY_VARIABLES: [&str; 4] = ["ALL_PROXY", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"];

/// A CONNECT proxy on 127.0.0.1: records each request line, then copies
/// bytes both ways. Its URL and what it saw.
fn connect_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let record = seen.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let record = record.clone();
            std::thread::spawn(move || tunnel(client, &record));
        }
    });
    (url, seen)
}

fn tunnel(mut client: TcpStream, seen: &Mutex<Vec<String>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" {
            break;
        }
    }
    let line = line.trim_end().to_owned();
    seen.lock().unwrap().push(line.clone());
    let target = line.split(' ').nth(1).unwrap_or_default();
    let Ok(mut upstream) = TcpStream::connect(target) else {
        return client.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
    };
    client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
    let mut to_client = upstream.try_clone()?;
    // The reader, not the socket: it may hold bytes already read.
    let up = std::thread::spawn(move || std::io::copy(&mut reader, &mut upstream));
    std::io::copy(&mut to_client, &mut client)?;
    let _ = up.join();
    Ok(())
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A manifest of one plain document, one excerpt of the newer spec and one
/// fixtures file; `excerpt_sha` is the excerpt's canonical checksum.
fn manifest(dir: &Path, spec_sha: &str, excerpt_sha: &str) -> PathBuf {
    let path = dir.join("manifest.toml");
    let text = format!(
        "api_version = '2023-08-16'
[[document]]
file = 'spec3.yaml'
sha256 = '{spec_sha}'
source = {{ repository = 'stripe/openapi', commit = '{COMMIT}', path = 'openapi/spec3.yaml' }}

[[document]]
file = 'excerpt.climate.yaml'
sha256 = '{excerpt_sha}'
source = {{ repository = 'stripe/openapi', commit = '{COMMIT}', path = 'latest/openapi.spec3.yaml' }}
excerpt = {{ paths = ['/v1/climate/'], base = ['spec3.yaml'] }}

[[fixtures]]
file = 'fixtures3.json'
sha256 = '{}'
source = {{ repository = 'stripe/openapi', commit = '{COMMIT}', path = 'openapi/fixtures3.json' }}
",
        sha256_hex(FIXTURES.as_bytes())
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn files() -> HashMap<String, Vec<u8>> {
    HashMap::from([
        (
            format!("/raw/{COMMIT}/openapi/spec3.yaml"),
            BASE_SPEC.as_bytes().to_vec(),
        ),
        (
            format!("/raw/{COMMIT}/latest/openapi.spec3.yaml"),
            NEWER_SPEC.as_bytes().to_vec(),
        ),
        (
            format!("/raw/{COMMIT}/openapi/fixtures3.json"),
            FIXTURES.as_bytes().to_vec(),
        ),
    ])
}

/// The excerpt's canonical checksum, as `spec excerpt` reports it.
fn excerpt_checksum(dir: &Path) -> String {
    let (source, base) = (dir.join("newer.yaml"), dir.join("base.yaml"));
    std::fs::write(&source, NEWER_SPEC).unwrap();
    std::fs::write(&base, BASE_SPEC).unwrap();
    let out = dir.join("excerpt.yaml");
    let output = xtask(
        &[
            "spec",
            "excerpt",
            "--source",
            source.to_str().unwrap(),
            "--base",
            base.to_str().unwrap(),
            "--paths",
            "/v1/climate/",
            "--label",
            "stripe/openapi latest/openapi.spec3.yaml",
            "--out",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stderr(&output);
    let checksum = text.split("canonical sha256 ").nth(1).expect("a checksum");
    checksum.trim_end_matches([')', '\n']).to_owned()
}

#[test]
fn fetches_what_the_manifest_pins_then_finds_it_up_to_date() {
    let dir = temp_dir("fetch");
    let server = serve(files());
    let manifest = manifest(
        &dir,
        &sha256_hex(BASE_SPEC.as_bytes()),
        &excerpt_checksum(&dir),
    );
    let dest = dir.join("dest");
    let args = [
        "spec",
        "fetch",
        "--manifest",
        manifest.to_str().unwrap(),
        "--dest",
        dest.to_str().unwrap(),
    ];

    let output = xtask(&args, &server.url);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(dest.join("spec3.yaml")).unwrap(),
        BASE_SPEC
    );
    assert_eq!(
        std::fs::read_to_string(dest.join("fixtures3.json")).unwrap(),
        FIXTURES
    );
    let excerpt: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(dest.join("excerpt.climate.yaml")).unwrap())
            .unwrap();
    let paths: Vec<&str> = excerpt["paths"]
        .as_mapping()
        .unwrap()
        .keys()
        .filter_map(|k| k.as_str())
        .collect();
    assert_eq!(paths, ["/v1/climate/orders"]);
    let schemas: Vec<&str> = excerpt["components"]["schemas"]
        .as_mapping()
        .unwrap()
        .keys()
        .filter_map(|k| k.as_str())
        .collect();
    assert_eq!(schemas, ["climate.order"], "`error` is the base's");
    assert_eq!(
        excerpt["x-excerpt-of"],
        "stripe/openapi latest/openapi.spec3.yaml (API version 2026-09-30.endive)"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 3);

    let again = xtask(&args, &server.url);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("fixtures3.json is up to date"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        3,
        "nothing downloaded twice"
    );
}

#[test]
fn a_checksum_mismatch_names_file_url_and_both_sums_and_writes_nothing() {
    let dir = temp_dir("mismatch");
    let mut served = files();
    let tampered = BASE_SPEC.replace("base", "tampered");
    served.insert(
        format!("/raw/{COMMIT}/openapi/spec3.yaml"),
        tampered.clone().into_bytes(),
    );
    let server = serve(served);
    let expected = sha256_hex(BASE_SPEC.as_bytes());
    let manifest = manifest(&dir, &expected, &"0".repeat(64));
    let dest = dir.join("dest");
    std::fs::create_dir_all(&dest).unwrap();
    std::fs::write(dest.join("spec3.yaml"), "what the user had").unwrap();

    let output = xtask(
        &[
            "spec",
            "fetch",
            "--manifest",
            manifest.to_str().unwrap(),
            "--dest",
            dest.to_str().unwrap(),
        ],
        &server.url,
    );
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("spec3.yaml from"), "{message}");
    assert!(
        message.contains(&format!("{}/{COMMIT}/openapi/spec3.yaml", server.url)),
        "{message}"
    );
    assert!(message.contains(&expected), "{message}");
    assert!(
        message.contains(&sha256_hex(tampered.as_bytes())),
        "{message}"
    );
    assert_eq!(
        std::fs::read_to_string(dest.join("spec3.yaml")).unwrap(),
        "what the user had"
    );
    assert!(!dest.join("spec3.yaml.partial").exists());
}

#[test]
fn a_missing_file_names_the_url_and_status() {
    let dir = temp_dir("missing");
    let server = serve(HashMap::new());
    let manifest = manifest(&dir, &"0".repeat(64), &"0".repeat(64));
    let dest = dir.join("dest");
    let output = xtask(
        &[
            "spec",
            "fetch",
            "--manifest",
            manifest.to_str().unwrap(),
            "--dest",
            dest.to_str().unwrap(),
        ],
        &server.url,
    );
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains(&format!(
            "GET {}/{COMMIT}/openapi/spec3.yaml: HTTP 404",
            server.url
        )),
        "{message}"
    );
    assert!(!dest.join("spec3.yaml").exists());
}

/// A manifest of one document written for the project: nothing to download.
fn written_manifest(dir: &Path, sha: &str) -> PathBuf {
    let path = dir.join("manifest.toml");
    let text = format!(
        "api_version = '2023-08-16'
[[document]]
file = 'quotes.yaml'
sha256 = '{sha}'
written_from = 'https://docs.stripe.com/crypto/onramp/quotes-api'
"
    );
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_written_document_is_copied_from_the_spec_folder_never_downloaded() {
    let server = serve(HashMap::new());
    let dir = temp_dir("written");
    let supplied = dir.join("supplied");
    let dest = dir.join("dest");
    std::fs::create_dir_all(&supplied).unwrap();
    std::fs::write(supplied.join("quotes.yaml"), BASE_SPEC).unwrap();
    let fetch = |manifest: &Path| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["spec", "fetch", "--manifest"])
            .arg(manifest)
            .arg("--dest")
            .arg(&dest)
            .env("STRIPE_OPENAPI_BASE_URL", &server.url)
            .env("STRIPE_SPEC_DIR", &supplied)
            .output()
            .expect("xtask runs")
    };

    let pinned = written_manifest(&dir, &sha256_hex(BASE_SPEC.as_bytes()));
    let output = fetch(&pinned);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(dest.join("quotes.yaml")).unwrap(),
        BASE_SPEC
    );
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        0,
        "nothing downloaded"
    );

    // Another text under the pinned name is refused, and nothing is written.
    std::fs::remove_file(dest.join("quotes.yaml")).unwrap();
    std::fs::write(supplied.join("quotes.yaml"), NEWER_SPEC).unwrap();
    let output = fetch(&pinned);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("but the manifest expects"),
        "{}",
        stderr(&output)
    );
    assert!(!dest.join("quotes.yaml").exists());

    // Not supplied at all: the message says why it cannot be downloaded.
    std::fs::remove_file(supplied.join("quotes.yaml")).unwrap();
    let output = fetch(&pinned);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("quotes.yaml is the project's own document (written from https://docs.stripe.com/crypto/onramp/quotes-api), not downloadable"),
        "{message}"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 0);
}

#[test]
fn codegen_fetches_the_pins_it_lacks_then_generates() {
    let dir = temp_dir("codegen-fetch");
    let server = serve(files());
    let manifest = manifest(
        &dir,
        &sha256_hex(BASE_SPEC.as_bytes()),
        &excerpt_checksum(&dir),
    );
    let (specs, out) = (dir.join("specs"), dir.join("out"));
    std::fs::create_dir_all(&specs).unwrap();
    let codegen = || {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["codegen", "--manifest", manifest.to_str().unwrap()])
            .args(["--out", out.to_str().unwrap()])
            .env("STRIPE_SPEC_DIR", &specs)
            .env("STRIPE_OPENAPI_BASE_URL", &server.url)
            .output()
            .expect("xtask runs")
    };

    let output = codegen();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("spec3.yaml is not in"),
        "it says why it downloads: {}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("fetched "), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(specs.join("spec3.yaml")).unwrap(),
        BASE_SPEC
    );
    assert!(
        out.join("api/src/lib.rs").is_file(),
        "the crate is generated"
    );

    let again = codegen();
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        3,
        "once there, nothing is downloaded again"
    );
}

#[test]
fn fetch_goes_through_the_proxy_the_environment_names() {
    let dir = temp_dir("proxy");
    let server = serve(files());
    let (proxy, seen) = connect_proxy();
    let manifest = manifest(
        &dir,
        &sha256_hex(BASE_SPEC.as_bytes()),
        &excerpt_checksum(&dir),
    );
    let dest = dir.join("dest");
    let args = [
        "spec",
        "fetch",
        "--manifest",
        manifest.to_str().unwrap(),
        "--dest",
        dest.to_str().unwrap(),
    ];
    let output = xtask_with(&args, &server.url, &[("HTTPS_PROXY", &proxy)]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(server.requests.load(Ordering::SeqCst), 3);
    let server_authority = server
        .url
        .trim_start_matches("http://")
        .trim_end_matches("/raw");
    let lines = seen.lock().unwrap().clone();
    assert!(!lines.is_empty(), "the downloads went around the proxy");
    for line in &lines {
        assert_eq!(*line, format!("CONNECT {server_authority} HTTP/1.1"));
    }

    // NO_PROXY lists the server: direct.
    std::fs::remove_dir_all(&dest).unwrap();
    let env = [("HTTP_PROXY", proxy.as_str()), ("NO_PROXY", "127.0.0.1")];
    let output = xtask_with(&args, &server.url, &env);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(server.requests.load(Ordering::SeqCst), 6);
    assert_eq!(seen.lock().unwrap().len(), lines.len());
}
