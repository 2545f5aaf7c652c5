//! The plumbing every command shares: reading clap's matches, a failure
//! with its exit code, the key and the client a command line asks for.

use std::io::{Read, Write};

use clap::ArgMatches;

use crate::output::exit;
use crate::send::{self, api_key, is_live_key, Connection};

/// Where a run reads and writes, and what it knows of its surroundings.
pub struct Io<'a> {
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    pub stdin: &'a mut dyn Read,
    /// Output goes to a terminal: pretty, coloured JSON.
    pub stdout_terminal: bool,
    /// Someone can answer a question: a DELETE asks for confirmation.
    pub stdin_terminal: bool,
    /// The environment (`STRIPE_API_KEY`, `NO_COLOR`, `XDG_CONFIG_HOME`,
    /// `HOME`, the proxy variables).
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

/// A failure before or instead of a request, with its exit code.
pub struct Failure {
    pub code: i32,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: exit::USAGE,
            message: message.into(),
        }
    }
    pub fn io(message: impl Into<String>) -> Failure {
        Failure {
            code: exit::IO,
            message: message.into(),
        }
    }

    /// Writing the output failed. A closed pipe (`stripe ... | head`) is
    /// the reader having had enough: stop quietly.
    pub fn output(error: std::io::Error) -> Failure {
        match error.kind() {
            std::io::ErrorKind::BrokenPipe => Failure {
                code: exit::OK,
                message: String::new(),
            },
            _ => Failure::io(format!("writing the output: {error}")),
        }
    }
}

pub type Outcome = Result<i32, Failure>;

/// A flag's value; `false` for a flag this command does not have (`--all`
/// exists only on list commands).
pub fn flag(matches: &ArgMatches, id: &str) -> bool {
    matches
        .try_get_one::<bool>(id)
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false)
}

pub fn text<'m>(matches: &'m ArgMatches, id: &str) -> Option<&'m String> {
    matches.try_get_one::<String>(id).ok().flatten()
}

pub fn texts<'m>(matches: &'m ArgMatches, id: &str) -> Option<impl Iterator<Item = &'m String>> {
    matches.try_get_many::<String>(id).ok().flatten()
}

/// The key of the command line (`--api-key`, `STRIPE_API_KEY`, the
/// profile's), refusing a live key without `--live`.
pub fn key(io: &Io<'_>, matches: &ArgMatches) -> Result<Option<String>, Failure> {
    let live = flag(matches, "live");
    let profile = text(matches, "project-name")
        .map(String::as_str)
        .unwrap_or("default");
    let key = api_key(
        text(matches, "api-key").map(String::as_str),
        io.env,
        profile,
        live,
    )
    .map_err(Failure::usage)?;
    if let Some(key) = key.as_deref().filter(|k| is_live_key(k) && !live) {
        return Err(Failure {
            code: exit::REFUSED,
            message: format!(
                "{} is a live-mode key; pass --live to use it",
                send::redact_key(key)
            ),
        });
    }
    Ok(key)
}

pub fn no_key() -> Failure {
    Failure::usage(
        "no API key: pass --api-key, set STRIPE_API_KEY, or log in with Stripe CLI (config.toml)",
    )
}

/// `STRIPE_API_BASE`, which `--api-base` overrides.
pub fn api_base_from_env(io: &Io<'_>) -> Option<String> {
    (io.env)("STRIPE_API_BASE").filter(|base| !base.is_empty())
}

/// The client settings of the command line; the proxy variables are read
/// from `env`.
pub fn connection<'a>(
    matches: &'a ArgMatches,
    key: Option<&'a str>,
    env_base: Option<&'a str>,
    env: &'a dyn Fn(&str) -> Option<String>,
) -> Connection<'a> {
    Connection {
        key: key.unwrap_or_default(),
        api_base: text(matches, "api-base").map(String::as_str).or(env_base),
        stripe_version: text(matches, "stripe-version").map(String::as_str),
        stripe_account: text(matches, "stripe-account").map(String::as_str),
        stripe_context: text(matches, "stripe-context").map(String::as_str),
        idempotency: text(matches, "idempotency").map(String::as_str),
        env,
    }
}
