//! What the generator's tests share.

use std::path::PathBuf;

/// Where the spec documents are, looked up as `cargo xtask codegen` does
/// ([`stripe_spec::SpecDir::resolve`]).
pub fn spec_dir() -> PathBuf {
    stripe_spec::SpecDir::resolve(None).path
}
