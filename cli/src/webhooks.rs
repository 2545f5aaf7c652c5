//! The Stripe Shell's other half: `stripe listen` (follow and forward the
//! account's events, [`crate::listen`]), `stripe trigger <event>` and
//! `stripe fixtures FILE` (run requests that make events happen,
//! [`crate::fixtures`]).

use std::collections::BTreeMap;

use std::time::Duration;

use clap::ArgMatches;
use serde_json::Value;
use stripe_core::Method;

use crate::args::{
    api_base_from_env, connection, flag, key, no_key, text, texts, Failure, Io, Outcome,
};
use crate::fixtures::{trigger_for, Answers, Fixture, TRIGGERS};
use crate::listen::{self, Options, Out};
use crate::output::exit;
use crate::send;

pub fn listen(io: &mut Io<'_>, matches: &ArgMatches) -> Outcome {
    let profile = text(matches, "project-name")
        .map(String::as_str)
        .unwrap_or("default");
    let secret = listen::secret(io.env, profile).map_err(Failure::io)?;
    if flag(matches, "print-secret") {
        writeln!(io.stdout, "{secret}").map_err(Failure::output)?;
        return Ok(exit::OK);
    }
    let key = key(io, matches)?.ok_or_else(no_key)?;
    let env_base = api_base_from_env(io);
    let client = connection(matches, Some(&key), env_base.as_deref(), io.env).client();
    let list = |id: &str| -> Vec<String> {
        texts(matches, id)
            .map(|values| {
                values
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let headers = list("headers")
        .iter()
        .map(|header| {
            header
                .split_once(':')
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .ok_or_else(|| Failure::usage(format!("--headers `{header}`: write Key:Value")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let options = Options {
        forward_to: text(matches, "forward-to").map(|url| with_scheme(url)),
        forward_connect_to: text(matches, "forward-connect-to").map(|url| with_scheme(url)),
        events: list("events"),
        thin_events: list("thin-events"),
        forward_thin_to: text(matches, "forward-thin-to").map(|url| with_scheme(url)),
        headers,
        json: text(matches, "format").is_some(),
        interval: Duration::from_millis(number(matches, "interval").unwrap_or(2000)),
        max_events: number(matches, "max-events"),
        secret,
    };
    if options.forward_thin_to.is_some() && options.thin_events.is_empty() {
        return Err(Failure::usage(
            "--forward-thin-to needs --thin-events (the types to follow, or *)",
        ));
    }
    let runtime = runtime()?;
    let mut out = Out {
        stdout: io.stdout,
        stderr: io.stderr,
    };
    Ok(runtime.block_on(listen::listen(&client, &options, &mut out)))
}

/// `localhost:4242/webhook` is `http://localhost:4242/webhook`, as Stripe
/// CLI takes it.
fn with_scheme(url: &str) -> String {
    match url.contains("://") {
        true => url.to_owned(),
        false => format!("http://{url}"),
    }
}

fn number(matches: &ArgMatches, id: &str) -> Option<u64> {
    matches.try_get_one::<u64>(id).ok().flatten().copied()
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::io(format!("starting the async runtime: {e}")))
}

pub fn trigger(io: &mut Io<'_>, matches: &ArgMatches) -> Outcome {
    let Some(event) = text(matches, "event") else {
        writeln!(io.stdout, "stripe trigger <event>, one of:").map_err(Failure::output)?;
        for (event, text) in TRIGGERS {
            let about = Fixture::parse(text, event)
                .ok()
                .and_then(|f| f.description)
                .unwrap_or_default();
            writeln!(io.stdout, "  {event:45} {about}").map_err(Failure::output)?;
        }
        return Ok(exit::OK);
    };
    let text = trigger_for(event).ok_or_else(|| {
        let names = TRIGGERS.iter().map(|(name, _)| *name);
        let hint = match crate::resolve::suggest(event, names).first() {
            Some(best) => format!("; did you mean `{best}`?"),
            None => "; `stripe trigger` lists them".to_owned(),
        };
        Failure::usage(format!(
            "there is no fixture for `{event}`{hint} (`stripe fixtures FILE` runs your own)"
        ))
    })?;
    let fixture = Fixture::parse(text, event).map_err(Failure::usage)?;
    run_fixture(io, matches, fixture)?;
    writeln!(io.stdout, "Trigger succeeded: {event} is on its way").map_err(Failure::output)?;
    Ok(exit::OK)
}

pub fn fixtures(io: &mut Io<'_>, matches: &ArgMatches) -> Outcome {
    let file = text(matches, "file").cloned().unwrap_or_default();
    let text = match file.as_str() {
        "-" => {
            let mut text = String::new();
            io.stdin
                .read_to_string(&mut text)
                .map_err(|e| Failure::io(format!("reading stdin: {e}")))?;
            text
        }
        path => std::fs::read_to_string(path)
            .map_err(|e| Failure::io(format!("reading {path}: {e}")))?,
    };
    let fixture = Fixture::parse(&text, &file).map_err(Failure::usage)?;
    run_fixture(io, matches, fixture)?;
    Ok(exit::OK)
}

/// Rewrites the fixture as the flags say, then sends its requests in
/// order, each with the answers of those before it.
fn run_fixture(io: &mut Io<'_>, matches: &ArgMatches, mut fixture: Fixture) -> Result<(), Failure> {
    let all = |id: &str| -> Vec<String> {
        texts(matches, id)
            .map(|v| v.cloned().collect())
            .unwrap_or_default()
    };
    fixture
        .rewrite(&all("override"), &all("add"), &all("remove"))
        .map_err(Failure::usage)?;
    let key = key(io, matches)?.ok_or_else(no_key)?;
    let env_base = api_base_from_env(io);
    let client = connection(matches, Some(&key), env_base.as_deref(), io.env).client();
    let runtime = runtime()?;
    let mut answers = Answers {
        by_name: BTreeMap::new(),
        env: &fixture.env,
        process_env: io.env,
    };
    for step in &fixture.steps {
        let path = answers.fill(&step.path).map_err(Failure::usage)?;
        let params = answers.params(step).map_err(Failure::usage)?;
        let method = match step.method.to_ascii_lowercase().as_str() {
            "get" => Method::Get,
            "delete" => Method::Delete,
            _ => Method::Post,
        };
        let mut request = send::raw_request(method, &path, &params);
        if let Some(context) = &step.context {
            request = request.stripe_context(context.clone());
        }
        for (name, value) in &step.headers {
            request = request.header(name.clone(), value.clone());
        }
        let mut client = client.clone();
        if let Some(key) = &step.idempotency_key {
            client = client.with_idempotency_key(key.clone());
        }
        let answer = match runtime.block_on(client.execute_bytes(request)) {
            Ok(body) => serde_json::from_slice(&body).unwrap_or(Value::Null),
            Err(stripe_runtime::Error::Api(error))
                if step.expected_error_type.as_deref() == Some(error.error_type.as_str()) =>
            {
                serde_json::json!({"error": {"type": error.error_type.as_str(), "message": error.message}})
            }
            Err(error) => {
                let _ = writeln!(
                    io.stderr,
                    "fixture request `{}` ({} {path}) failed:",
                    step.name,
                    method.as_str()
                );
                return Err(Failure {
                    code: crate::output::report(io.stderr, &error),
                    message: String::new(),
                });
            }
        };
        let id = answer.get("id").and_then(Value::as_str).unwrap_or("-");
        writeln!(
            io.stdout,
            "{:16} {} {path} -> {id}",
            step.name,
            method.as_str()
        )
        .map_err(Failure::output)?;
        answers.by_name.insert(step.name.clone(), answer);
    }
    Ok(())
}
