//! `cargo xtask spec`: getting the spec documents the manifest pins.
//!
//! - `spec fetch [--manifest M] [--dest DIR]` downloads every document and
//!   fixtures file of the manifest from its pinned source, checking each
//!   checksum before anything is written.
//! - `spec excerpt --source FILE --paths P,... [--base FILE,...] [--out FILE]`
//!   selects paths and the schemas they reach from a full spec file.
//! - `spec update --commit SHA | --file PATH` moves the manifest to a newer
//!   spec: new pins, regenerated crate, and the diff against the old pins.
//! - `spec bundle [--manifest M] [--spec-dir DIR] [--out DIR]` writes the
//!   files an installed mock carries into `mock/bundle/`, before packaging.

mod bundle;
mod excerpt;
pub mod fetch;
mod update;

pub use excerpt::{excerpt, Selection};

pub fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("fetch") => fetch::run(&args[1..]),
        Some("excerpt") => excerpt::run(&args[1..]),
        Some("update") => update::run(&args[1..]),
        Some("bundle") => bundle::run(&args[1..]),
        Some(other) => Err(format!(
            "unknown spec command `{other}`: fetch, excerpt, update or bundle"
        )),
        None => Err("spec needs a command: fetch, excerpt, update or bundle".into()),
    }
}
