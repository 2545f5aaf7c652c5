//! What the generator's tests share.

use std::path::PathBuf;

/// Where the spec documents are, looked up as `cargo xtask codegen` does:
/// `$STRIPE_SPEC_DIR`, else `target/stripe-openapi` (what `cargo xtask spec
/// fetch` wrote) when it exists, else `../shared/stripe-openapi` beside the
/// workspace.
pub fn spec_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("STRIPE_SPEC_DIR").filter(|p| !p.is_empty()) {
        return dir.into();
    }
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let fetched = workspace.join("target/stripe-openapi");
    if fetched.is_dir() {
        fetched
    } else {
        workspace.join("../shared/stripe-openapi")
    }
}
