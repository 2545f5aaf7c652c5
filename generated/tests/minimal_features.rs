//! `default-features = false, features = ["identity", "webhook_endpoint"]`
//! builds and works: `examples/minimal` is a crate outside the workspace
//! (a member would get the workspace's unified, full features) whose tests
//! call those endpoints through the mock, decode webhooks, and check that
//! a resource outside its features is not built.

use std::path::Path;
use std::process::Command;

#[test]
fn the_identity_and_webhook_endpoint_build_works_on_its_own() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let manifest = root.join("examples/minimal/Cargo.toml");
    // Its own target directory: the workspace's is locked by this very
    // `cargo test`, and its feature sets differ anyway.
    let target = root.join("target/minimal-features");
    let output = Command::new(env!("CARGO"))
        .args(["test", "--locked", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "`cargo test --manifest-path {}` failed (a stale lock file: \
         `cargo update --workspace --manifest-path examples/minimal/Cargo.toml`)\n{stdout}\n{stderr}",
        manifest.display()
    );
    // Guards against a run that passed by testing nothing.
    for test in [
        "a_document_check_is_created",
        "an_event_about_a_resource_not_built_is_kept_as_json",
        "compile fail ... ok",
    ] {
        assert!(stdout.contains(test), "{test} did not run:\n{stdout}");
    }
}
