//! `cargo xtask spec update --commit` against a local HTTP server: the new
//! pins, the regenerated crate and the diff, all or nothing; policy that
//! names what the new spec dropped is listed, and deleted when asked.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

const OLD_COMMIT: &str = "1111111111111111111111111111111111111111";
const NEW_COMMIT: &str = "2222222222222222222222222222222222222222";

fn spec(version: &str, customer_fields: &str) -> String {
    format!(
        "openapi: 3.0.0
info: {{title: update, version: '{version}'}}
paths:
  /v1/customers:
    get:
      operationId: GetCustomers
      responses:
        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/customer'}}}}}}}}
components:
  schemas:
    customer:
      type: object
      x-resourceId: customer
      required: [id, email]
      properties:
        id: {{type: string}}
        email: {{type: string}}
{customer_fields}"
    )
}

fn old_spec() -> String {
    spec("2024-01-01", "        nickname: {type: string}\n")
}

fn new_spec() -> String {
    spec("2024-06-01", "")
}

const OVERRIDES: &str = "# Why: Stripe omits these.
[optional_fields]
fields = [
    \"customer.email\",
    \"customer.nickname\",
]
";

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

struct Case {
    dir: PathBuf,
    url: String,
}

impl Case {
    fn new(name: &str) -> Case {
        Case::serving(name, Vec::new())
    }

    /// A case whose server also has these files (path below `/raw/`).
    fn serving(name: &str, extra: Vec<(String, String)>) -> Case {
        let dir = std::env::temp_dir().join(format!("xtask-update-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("specs")).unwrap();
        std::fs::write(dir.join("specs/spec3.2024-01-01.yaml"), old_spec()).unwrap();
        std::fs::write(dir.join("overrides.toml"), OVERRIDES).unwrap();
        std::fs::write(
            dir.join("manifest.toml"),
            format!(
                "# The input.
api_version = \"2024-01-01\"
overrides = \"overrides.toml\"

[[document]]
file = \"spec3.2024-01-01.yaml\"
sha256 = \"{}\"
source = {{ repository = \"stripe/openapi\", commit = \"{OLD_COMMIT}\", path = \"openapi/spec3.yaml\" }}
",
                sha256_hex(old_spec().as_bytes())
            ),
        )
        .unwrap();
        let mut files =
            HashMap::from([(format!("/raw/{NEW_COMMIT}/openapi/spec3.yaml"), new_spec())]);
        files.extend(
            extra
                .into_iter()
                .map(|(path, body)| (format!("/raw/{path}"), body)),
        );
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let url = format!("http://{}/raw", server.server_addr());
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let response = match files.get(request.url()) {
                    Some(body) => tiny_http::Response::from_string(body.clone()),
                    None => tiny_http::Response::from_string("404").with_status_code(404),
                };
                let _ = request.respond(response);
            }
        });
        Case { dir, url }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn update(&self, extra: &[&str]) -> Output {
        let path = |name: &str| self.path(name).display().to_string();
        let mut args = vec![
            "spec".to_owned(),
            "update".into(),
            "--commit".into(),
            NEW_COMMIT.into(),
            "--manifest".into(),
            path("manifest.toml"),
            "--spec-dir".into(),
            path("specs"),
            "--dest".into(),
            path("dest"),
            "--out".into(),
            path("out"),
        ];
        args.extend(extra.iter().map(|a| a.to_string()));
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(&args)
            .env("STRIPE_OPENAPI_BASE_URL", &self.url)
            .output()
            .unwrap()
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn stale_policy_is_listed_and_nothing_changes_unless_pruning_is_asked() {
    let case = Case::new("stale");
    let manifest_before = read(&case.path("manifest.toml"));
    let output = case.update(&[]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("[optional_fields] customer.nickname"),
        "{message}"
    );
    assert!(message.contains("--prune-policy"), "{message}");
    assert_eq!(read(&case.path("manifest.toml")), manifest_before);
    assert_eq!(read(&case.path("overrides.toml")), OVERRIDES);
    assert!(!case.path("out").exists() && !case.path("dest").exists());
}

#[test]
fn the_update_repins_prunes_regenerates_and_reports_what_breaks() {
    let case = Case::new("apply");
    let output = case.update(&["--prune-policy", "--fail-on", "breaking"]);
    // Breaking (a response field removed): written, but the exit says so.
    assert!(!output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("the update was written"),
        "{}",
        stderr(&output)
    );
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        report.contains("response property `nickname` removed"),
        "{report}"
    );

    let manifest = read(&case.path("manifest.toml"));
    assert!(
        manifest.starts_with("# The input.\napi_version = \"2024-06-01\""),
        "{manifest}"
    );
    assert!(
        manifest.contains("file = \"spec3.2024-06-01.yaml\""),
        "{manifest}"
    );
    assert!(
        manifest.contains(&sha256_hex(new_spec().as_bytes())),
        "{manifest}"
    );
    assert!(manifest.contains(NEW_COMMIT), "{manifest}");
    assert_eq!(read(&case.path("dest/spec3.2024-06-01.yaml")), new_spec());

    let overrides = read(&case.path("overrides.toml"));
    assert!(
        overrides.starts_with("# Why: Stripe omits these."),
        "{overrides}"
    );
    assert!(
        overrides.contains("customer.email") && !overrides.contains("customer.nickname"),
        "{overrides}"
    );

    // What was written is what codegen makes of the new pins.
    let check = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--check", "--manifest"])
        .arg(case.path("manifest.toml"))
        .arg("--spec-dir")
        .arg(case.path("dest"))
        .arg("--out")
        .arg(case.path("out"))
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn updating_to_the_pinned_spec_changes_nothing() {
    let case = Case::new("same");
    let manifest = read(&case.path("manifest.toml"));
    let same = case.path("specs/same.yaml");
    std::fs::write(&same, old_spec()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["spec", "update", "--file"])
        .arg(&same)
        .arg("--manifest")
        .arg(case.path("manifest.toml"))
        .arg("--spec-dir")
        .arg(case.path("specs"))
        .arg("--out")
        .arg(case.path("out"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("already the pinned document"),
        "{}",
        stderr(&output)
    );
    assert_eq!(read(&case.path("manifest.toml")), manifest);
    assert!(!case.path("out").exists());
}

/// The checksum codegen finds for `file` in `specs/` (read off its refusal
/// of a wrong pin): the canonical one, for an excerpt.
fn actual_checksum(case: &Case, manifest: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--check", "--manifest"])
        .arg(manifest)
        .arg("--spec-dir")
        .arg(case.path("specs"))
        .arg("--out")
        .arg(case.path("probe"))
        .output()
        .unwrap();
    let message = stderr(&output);
    let after = message
        .split(" has sha256 ")
        .nth(1)
        .unwrap_or_else(|| panic!("{message}"));
    after.split(',').next().unwrap().to_owned()
}

#[test]
fn an_excerpt_whose_paths_the_new_spec_has_is_dropped() {
    let case = Case::new("excerpt");
    let excerpt = "paths:\n  /v1/customers:\n    get:\n      operationId: GetCustomers\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/customer'}}}}\n";
    std::fs::write(case.path("specs/excerpt.yaml"), excerpt).unwrap();
    // The base without the path the excerpt adds.
    let base = old_spec()
        .replace("  /v1/customers:", "  /v1/other:")
        .replace("GetCustomers", "GetOther");
    std::fs::write(case.path("specs/spec3.2024-01-01.yaml"), &base).unwrap();
    let manifest = read(&case.path("manifest.toml")).replace(
        &sha256_hex(old_spec().as_bytes()),
        &sha256_hex(base.as_bytes()),
    );
    let with_excerpt = |sha: &str| {
        format!("{manifest}\n[[document]]\nfile = \"excerpt.yaml\"\nsha256 = \"{sha}\"\nsource = {{ repository = \"stripe/openapi\", commit = \"{OLD_COMMIT}\", path = \"latest/openapi.spec3.yaml\" }}\nexcerpt = {{ paths = [\"/v1/customers\"], base = [\"spec3.2024-01-01.yaml\"] }}\n")
    };
    std::fs::write(case.path("manifest.toml"), with_excerpt(&"0".repeat(64))).unwrap();
    let sha = actual_checksum(&case, &case.path("manifest.toml"));
    std::fs::write(case.path("manifest.toml"), with_excerpt(&sha)).unwrap();

    let output = case.update(&["--prune-policy"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("excerpt.yaml: every path it adds is in spec3.2024-06-01.yaml now"),
        "{}",
        stderr(&output)
    );
    let manifest = read(&case.path("manifest.toml"));
    assert!(!manifest.contains("excerpt.yaml"), "{manifest}");
    assert!(manifest.contains("spec3.2024-06-01.yaml"), "{manifest}");
}

/// A v2 path and its resource, as Stripe's current spec has them.
const V2_PATH: &str = "  /v2/core/widgets:
    get:
      operationId: GetV2CoreWidgets
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/v2.core.widget'}}}}
";
const V2_SCHEMA: &str = "    v2.core.widget:
      type: object
      required: [id, object]
      properties:
        id: {type: string}
        object: {type: string, enum: [v2.core.widget]}
";

#[test]
fn moving_to_the_spec_with_v1_and_v2_drops_the_v2_excerpt_and_keeps_its_examples() {
    // Stripe's current file: v1, then v2, in one document.
    let combined =
        new_spec().replace("components:\n", &format!("{V2_PATH}components:\n")) + V2_SCHEMA;
    let case = Case::serving(
        "v1-and-v2",
        vec![(format!("{NEW_COMMIT}/latest/openapi.spec3.yaml"), combined)],
    );
    let excerpt = format!("paths:\n{V2_PATH}components:\n  schemas:\n{V2_SCHEMA}");
    std::fs::write(case.path("specs/excerpt.v2.yaml"), &excerpt).unwrap();
    let examples =
        r#"{"resources": {"v2.core.widget": {"id": "wd_1", "object": "v2.core.widget"}}}"#;
    std::fs::write(case.path("specs/fixtures.v2.json"), examples).unwrap();
    let manifest = read(&case.path("manifest.toml"));
    let with_excerpt = |sha: &str| {
        format!("{manifest}\n[[document]]\nfile = \"excerpt.v2.yaml\"\nsha256 = \"{sha}\"\nsource = {{ repository = \"stripe/openapi\", commit = \"{OLD_COMMIT}\", path = \"latest/openapi.spec3.yaml\" }}\nexcerpt = {{ paths = [\"/v2/\"], base = [\"spec3.2024-01-01.yaml\"] }}\napi_version = \"2026-09-30.endive\"\n\n[[fixtures]]\nfile = \"fixtures.v2.json\"\nsha256 = \"{}\"\nwritten_from = \"a test\"\nexamples_of = [\"excerpt.v2.yaml\"]\n", sha256_hex(examples.as_bytes()))
    };
    std::fs::write(case.path("manifest.toml"), with_excerpt(&"0".repeat(64))).unwrap();
    let sha = actual_checksum(&case, &case.path("manifest.toml"));
    std::fs::write(case.path("manifest.toml"), with_excerpt(&sha)).unwrap();

    let output = case.update(&["--path", "latest/openapi.spec3.yaml", "--prune-policy"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let manifest = read(&case.path("manifest.toml"));
    assert!(
        manifest.contains("path = \"latest/openapi.spec3.yaml\""),
        "{manifest}"
    );
    assert!(
        !manifest.contains("file = \"excerpt.v2.yaml\""),
        "{manifest}"
    );
    // The v2 examples are now of the document that has v2.
    assert!(
        manifest.contains("examples_of = [\"spec3.2024-06-01.yaml\"]"),
        "{manifest}"
    );
    // One document, v1 and v2: the v2 resource is generated from it.
    let widget = read(&case.path("out/api/src/v2/core/widget.rs"));
    assert!(widget.contains("pub struct Widget"), "{widget}");
}
