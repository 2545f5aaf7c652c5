//! `cargo doc` of the client crates succeeds without a warning, and the
//! pages lead a reader to the resources: the crate root lists the resources
//! and the client, each root resource's module its helper and params types,
//! a namespace's page its resources, with Stripe's preview note where the
//! API is in preview. Built outside this
//! `cargo test`'s target folder, which it holds locked (beside the
//! per-feature checks, whose dependency builds it shares).

use std::path::Path;
use std::process::Command;

#[test]
fn cargo_doc_is_clean_and_namespace_pages_list_their_resources() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = root.join("../target/feature-check");
    let output = Command::new(env!("CARGO"))
        .args(["doc", "--quiet", "--no-deps"])
        .args([
            "-p",
            "typed-stripe",
            "-p",
            "typed-stripe-api",
            "-p",
            "typed-stripe-api-base",
        ])
        .args(["-p", "typed-stripe-params"])
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTDOCFLAGS", "-D warnings")
        .current_dir(root)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let page = |path: &str| {
        std::fs::read_to_string(target.join("doc").join(path))
            .unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let crypto = page("typed_stripe_api/crypto/index.html");
    assert!(
        crypto.contains("is in preview at Stripe"),
        "the preview note"
    );
    for resource in ["OnrampSession", "OnrampQuotes", "OnrampTransactionLimits"] {
        assert!(
            crypto.contains(&format!("struct.{resource}.html")),
            "{resource} is listed and linked"
        );
    }
    let identity = page("typed_stripe_api/identity/index.html");
    assert!(identity.contains("A VerificationSession guides you"));
    let front = page("stripe/index.html");
    assert!(front.contains("Quick start"));
    for listed in [
        "struct.Customer.html",
        "struct.Client.html",
        "customer/index.html",
        "identity/index.html",
        // A namespace of the base crate, at the same path.
        "issuing/index.html",
        "enum.EventObject.html",
    ] {
        assert!(front.contains(listed), "the root page lists {listed}");
    }
    // A helper type is in its resource's module, one click from it.
    for helper in [
        "struct.CustomerTax.html",
        "struct.CreateCustomerParams.html",
    ] {
        assert!(
            !front.contains(&format!("href=\"{helper}\"")),
            "{helper} is not at the root"
        );
        assert!(
            page("stripe/customer/index.html").contains(helper),
            "{helper} is in stripe::customer"
        );
    }
    assert!(page("stripe/struct.Customer.html").contains("customer/struct.CustomerTax.html"));
    let listed = front.matches("class=\"struct\"").count();
    assert!(listed < 150, "{listed} structs at the root");
}
