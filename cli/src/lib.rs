//! `stripe`, a command line for every operation of Stripe's API, run from
//! the table `cargo xtask codegen` writes (`src/generated/commands.rs`).
//!
//! `stripe identity verification_sessions redact vs_123` resolves its words
//! in the table (only that command is built), reads the flags with clap,
//! builds the parameters (`-d` brackets, typed flags, a JSON body), checks
//! them against the spec, and sends them through `stripe-runtime`, the
//! generated client's HTTP layer (same headers, retries, idempotency keys
//! and errors). [`run`] is the whole program, with its input and output
//! passed in, so tests run it in process.

pub mod args;
pub mod command;
pub mod fixtures;
pub mod help;
pub mod listen;
pub mod output;
pub mod params;
pub mod resolve;
pub mod rust;
pub mod send;
pub mod table;
pub mod validate;

// The table, generated; its types are `table`'s. Formatted by codegen, so
// `cargo fmt` leaves it alone (its `--check` would call it stale otherwise).
#[path = "generated/commands.rs"]
#[rustfmt::skip]
mod commands;
mod run;
mod webhooks;

pub use args::Io;
pub use run::run;
