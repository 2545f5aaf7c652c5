//! `cargo xtask spec`: getting the spec documents the manifest pins.
//!
//! - `spec fetch [--manifest M] [--dest DIR]` downloads every document and
//!   fixtures file of the manifest from its pinned source, checking each
//!   checksum before anything is written.
//! - `spec excerpt --source FILE --paths P,... [--base FILE,...] [--out FILE]`
//!   selects paths and the schemas they reach from a full spec file.

mod excerpt;
mod fetch;

pub use excerpt::{excerpt, Selection};

pub fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("fetch") => fetch::run(&args[1..]),
        Some("excerpt") => excerpt::run(&args[1..]),
        Some(other) => Err(format!("unknown spec command `{other}`: fetch or excerpt")),
        None => Err("spec needs a command: fetch or excerpt".into()),
    }
}
