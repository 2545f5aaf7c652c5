//! One command line, from arguments to exit code.

use std::io::{BufRead, BufReader};

use clap::ArgMatches;
use serde_json::{Map, Value};
use stripe_core::{Method, Request};

use crate::args::{
    api_base_from_env, connection, flag, key, no_key, text, texts, Failure, Io, Outcome,
};
use crate::command::{self, flag_name, has_flag, param_arg_id, path_arg_id};
use crate::help::long_help;
use crate::output::{exit, report, write_body, write_value, Format};
use crate::params::{apply_data, merge};
use crate::resolve::{operation, resolve, shared_flags_last, Resolved};
use crate::send::{self, Connection};
use crate::table::{Operation, Pagination, Ty, API_VERSION, OPERATIONS};
use crate::{rust, validate, webhooks};

/// Runs `stripe <args>` (`args` without the program name) and returns the
/// exit code (`output::exit`).
pub fn run(args: &[String], io: &mut Io<'_>) -> i32 {
    let built_ins: Vec<&str> = command::BUILT_INS.iter().map(|(name, _)| *name).collect();
    let args = &shared_flags_last(args, &built_ins)[..];
    if let Some(message) = unknown_command(args, &built_ins) {
        let _ = writeln!(io.stderr, "error: {message}");
        return exit::USAGE;
    }
    let argv = std::iter::once("stripe".to_owned()).chain(args.iter().cloned());
    let matches = match command::tree(args).try_get_matches_from(argv) {
        Ok(matches) => matches,
        Err(error) => {
            let text = error.render().to_string();
            let code = error.exit_code();
            let _ = if code == 0 {
                io.stdout.write_all(text.as_bytes())
            } else {
                io.stderr.write_all(text.as_bytes())
            };
            return code;
        }
    };
    let (words, leaf) = subcommand_path(&matches);
    let result = match words.first().map(String::as_str) {
        None => {
            let _ = write!(io.stdout, "{}", command::tree(&[]).render_help());
            Ok(exit::OK)
        }
        Some("commands") => list_commands(io, flag(leaf, "json")),
        Some("help") => help(io, leaf),
        Some("completion") => completion(io, leaf),
        Some("listen") => webhooks::listen(io, leaf),
        Some("trigger") => webhooks::trigger(io, leaf),
        Some("fixtures") => webhooks::fixtures(io, leaf),
        Some(name) => match command::raw_method(name) {
            Some(method) => raw(io, method, leaf),
            None => match operation(
                &words.iter().map(String::as_str).collect::<Vec<_>>(),
                args.get(words.len()..).unwrap_or_default(),
            ) {
                Some(op) => call(io, op, leaf),
                None => Err(Failure::usage(format!(
                    "`{}` is no command",
                    words.join(" ")
                ))),
            },
        },
    };
    result.unwrap_or_else(|failure| {
        if !failure.message.is_empty() {
            let _ = writeln!(io.stderr, "error: {}", failure.message);
        }
        failure.code
    })
}

/// The error for command words that name nothing, with the closest names
/// (clap's own suggestions would rank them less well).
fn unknown_command(args: &[String], built_ins: &[&str]) -> Option<String> {
    let first = args.first()?;
    if first.starts_with('-') || built_ins.contains(&first.as_str()) {
        return None;
    }
    let Resolved::Unknown {
        words,
        word,
        mut suggestions,
    } = resolve(args)
    else {
        return None;
    };
    if words.is_empty() {
        suggestions = crate::resolve::suggest(
            &word,
            built_ins
                .iter()
                .copied()
                .chain(crate::resolve::children(&[]).iter().map(|c| c.word)),
        );
    }
    let place = match words.is_empty() {
        true => "stripe".to_owned(),
        false => format!("stripe {}", words.join(" ")),
    };
    let hint = match suggestions.as_slice() {
        [] => format!("; `{place} --help` lists what there is"),
        [one] => format!("; did you mean `{one}`?"),
        many => format!(
            "; did you mean {}?",
            many.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    };
    Some(format!("`{place}` has no command `{word}`{hint}"))
}

/// The subcommand words clap matched, and the innermost matches.
fn subcommand_path(matches: &ArgMatches) -> (Vec<String>, &ArgMatches) {
    let mut words = Vec::new();
    let mut current = matches;
    while let Some((name, inner)) = current.subcommand() {
        words.push(name.to_owned());
        current = inner;
    }
    (words, current)
}

fn list_commands(io: &mut Io<'_>, json: bool) -> Outcome {
    let write = |io: &mut Io<'_>| -> std::io::Result<()> {
        if json {
            let all: Vec<Value> = OPERATIONS
                .iter()
                .map(|op| serde_json::json!({"command": op.command, "method": op.method.as_str(), "path": op.path}))
                .collect();
            serde_json::to_writer(&mut *io.stdout, &all)?;
            return writeln!(io.stdout);
        }
        writeln!(
            io.stdout,
            "API version {API_VERSION}, {} commands:",
            OPERATIONS.len()
        )?;
        for op in OPERATIONS {
            writeln!(
                io.stdout,
                "stripe {}    {} {}",
                op.command.join(" "),
                op.method.as_str(),
                op.path
            )?;
        }
        Ok(())
    };
    write(io).map(|_| exit::OK).map_err(Failure::output)
}

fn help(io: &mut Io<'_>, matches: &ArgMatches) -> Outcome {
    let words: Vec<String> = texts(matches, "words")
        .map(|w| w.cloned().collect())
        .unwrap_or_default();
    let text = match resolve(&words) {
        Resolved::Operation(op) => long_help(op),
        Resolved::Group { words, children } => group_help(&words, &children),
        Resolved::Unknown {
            words,
            word,
            suggestions,
        } => {
            let hint = match suggestions.first() {
                Some(best) => format!("; did you mean `{best}`?"),
                None => String::new(),
            };
            return Err(Failure::usage(format!(
                "`{}` has no command `{word}`{hint}",
                ["stripe".to_owned()]
                    .into_iter()
                    .chain(words)
                    .collect::<Vec<_>>()
                    .join(" ")
            )));
        }
    };
    io.stdout
        .write_all(text.as_bytes())
        .map_err(Failure::output)?;
    Ok(exit::OK)
}

/// A group's commands, one line each with what it does; at the root, the
/// built-in commands too.
fn group_help(words: &[String], children: &[crate::resolve::Child]) -> String {
    let shown: Vec<&crate::resolve::Child> = children.iter().filter(|c| !c.hidden).collect();
    let width = shown
        .iter()
        .map(|c| c.word.len())
        .chain(command::BUILT_INS.iter().map(|(name, _)| name.len()))
        .max()
        .unwrap_or(0);
    let mut text = match words.is_empty() {
        true => "stripe <resource> <operation> [args], or a built-in command\n".to_owned(),
        false => format!("stripe {} <command>\n", words.join(" ")),
    };
    if words.is_empty() {
        text.push_str("\nBuilt-in commands:\n");
        for (name, about) in command::BUILT_INS {
            text.push_str(&format!("  {name:width$}  {about}\n"));
        }
        text.push_str("\nResources and namespaces:\n");
    } else {
        text.push('\n');
    }
    for child in shown {
        let about = match child.operations.first() {
            Some(operation) => command::summary(operation),
            None => {
                let mut inner = words.to_vec();
                inner.push(child.word.to_owned());
                let below: Vec<&str> = crate::resolve::children(&inner)
                    .iter()
                    .filter(|c| !c.hidden)
                    .map(|c| c.word)
                    .collect();
                command::listing(&below)
            }
        };
        text.push_str(&format!("  {:width$}  {about}\n", child.word));
    }
    text
}

fn completion(io: &mut Io<'_>, matches: &ArgMatches) -> Outcome {
    let shell = text(matches, "shell")
        .map(String::as_str)
        .unwrap_or_default();
    let shells = clap_complete::env::Shells::builtins();
    let completer = shells
        .completer(shell)
        .ok_or_else(|| Failure::usage(format!("no completion for `{shell}`")))?;
    let program = std::env::current_exe()
        .ok()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|| "stripe".to_owned());
    completer
        .write_registration("COMPLETE", "stripe", "stripe", &program, io.stdout)
        .map_err(Failure::output)?;
    Ok(exit::OK)
}

/// The parameters of a command line: the JSON body under `-d`, the typed
/// flags and `-e`.
fn gather(
    io: &mut Io<'_>,
    matches: &ArgMatches,
    operation: Option<&Operation>,
) -> Result<Map<String, Value>, Failure> {
    let mut params = match text(matches, "json") {
        Some(source) => json_body(io, source)?,
        None => Map::new(),
    };
    let mut flags = Map::new();
    let data: Vec<String> = texts(matches, "data")
        .map(|d| d.cloned().collect())
        .unwrap_or_default();
    apply_data(&mut flags, &data, operation.map(|op| Ty::Object(op.params)))
        .map_err(|e| Failure::usage(e.0))?;
    if let Some(object) = operation.map(Operation::params) {
        for field in object.fields.iter().filter(|f| has_flag(f)) {
            let Some(value) = text(matches, &param_arg_id(field.name)) else {
                continue;
            };
            if flags
                .insert(field.name.to_owned(), Value::String(value.clone()))
                .is_some()
            {
                return Err(Failure::usage(format!(
                    "`{}` is given both as --{} and with -d",
                    field.name,
                    flag_name(field.name)
                )));
            }
        }
    }
    if let Some(expand) = texts(matches, "expand") {
        let list = flags
            .entry("expand")
            .or_insert_with(|| Value::Array(Vec::new()));
        match list {
            Value::Array(items) => items.extend(expand.map(|e| Value::String(e.clone()))),
            _ => {
                return Err(Failure::usage(
                    "`expand` is given both with -e and as a value",
                ))
            }
        }
    }
    merge(&mut params, flags);
    Ok(params)
}

/// `--json`: inline, `@file` or `-` (stdin); an object.
fn json_body(io: &mut Io<'_>, source: &str) -> Result<Map<String, Value>, Failure> {
    let (text, origin) = match source {
        "-" => {
            let mut text = String::new();
            io.stdin
                .read_to_string(&mut text)
                .map_err(|e| Failure::io(format!("reading stdin: {e}")))?;
            (text, "stdin".to_owned())
        }
        _ => match source.strip_prefix('@') {
            Some(path) => (
                std::fs::read_to_string(path)
                    .map_err(|e| Failure::io(format!("reading {path}: {e}")))?,
                path.to_owned(),
            ),
            None => (source.to_owned(), "--json".to_owned()),
        },
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Failure::usage(format!(
            "{origin}: the JSON body must be an object"
        ))),
        Err(e) => Err(Failure::usage(format!("{origin}: not JSON: {e}"))),
    }
}

fn call(io: &mut Io<'_>, operation: &'static Operation, matches: &ArgMatches) -> Outcome {
    let ids: Vec<String> = operation
        .path_params
        .iter()
        .filter_map(|name| text(matches, &path_arg_id(name)).cloned())
        .collect();
    let params = gather(io, matches, Some(operation))?;
    if !flag(matches, "no-validate") {
        let findings = validate::check(&params, operation.params());
        if !findings.problems.is_empty() {
            let message = findings.problems.join("\nerror: ");
            return Err(Failure::usage(format!(
                "{message}\n(nothing was sent; --no-validate sends anyway)"
            )));
        }
        for note in &findings.notes {
            let _ = writeln!(io.stderr, "note: {note}");
        }
    }
    if text(matches, "print").map(String::as_str) == Some("rust") {
        let text = rust::call(operation, &ids, &params);
        writeln!(io.stdout, "{text}").map_err(Failure::output)?;
        return Ok(exit::OK);
    }
    let request = send::operation_request(operation, &ids, &params).map_err(Failure::io)?;
    let pages = (flag(matches, "all") && operation.pagination != Pagination::None)
        .then_some(operation.pagination);
    execute(io, matches, request, pages)
}

fn raw(io: &mut Io<'_>, method: Method, matches: &ArgMatches) -> Outcome {
    let path = text(matches, "path").cloned().unwrap_or_default();
    // `stripe get cus_123`: an id instead of a path, found by its prefix.
    let path = match path.starts_with('/') || path.contains('/') {
        true => path,
        false => send::path_of_id(&path).ok_or_else(|| {
            Failure::usage(format!(
                "`{path}` is neither a path (/v1/...) nor an id whose prefix names a resource (cus_, pi_, in_, ...)"
            ))
        })?,
    };
    let params = gather(io, matches, None)?;
    if text(matches, "print").map(String::as_str) == Some("rust") {
        return Err(Failure::usage(
            "--print rust needs an operation of the spec, not a raw path",
        ));
    }
    execute(io, matches, send::raw_request(method, &path, &params), None)
}

/// Safety checks, then the request printed or sent.
fn execute(
    io: &mut Io<'_>,
    matches: &ArgMatches,
    request: Request,
    pages: Option<Pagination>,
) -> Outcome {
    let key = key(io, matches)?;
    let printing = flag(matches, "dry-run") || text(matches, "print").is_some();
    let env_base = api_base_from_env(io);
    let connection = connection(matches, key.as_deref(), env_base.as_deref(), io.env);
    if printing {
        return print_request(io, matches, &connection, &request);
    }
    if key.is_none() {
        return Err(no_key());
    }
    if request.method() == Method::Delete
        && !flag(matches, "confirm")
        && io.stdin_terminal
        && !confirmed(io, &request)?
    {
        return Err(Failure {
            code: exit::REFUSED,
            message: "not confirmed; nothing was sent".to_owned(),
        });
    }
    let format = Format::choose(
        text(matches, "format").map(String::as_str),
        io.stdout_terminal,
        (io.env)("NO_COLOR").is_some_and(|v| !v.is_empty()),
    );
    let max_items = matches
        .try_get_one::<u64>("max-items")
        .ok()
        .flatten()
        .copied();
    let client = connection.client();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::io(format!("starting the async runtime: {e}")))?;
    runtime.block_on(async {
        match pages {
            Some(kind) => all_pages(io, &client, request, kind, max_items, format).await,
            None => match client.execute_bytes(request).await {
                Ok(body) => write_body(io.stdout, &body, format)
                    .map(|_| exit::OK)
                    .map_err(Failure::output),
                Err(error) => Ok(report(io.stderr, &error)),
            },
        }
    })
}

fn print_request(
    io: &mut Io<'_>,
    matches: &ArgMatches,
    connection: &Connection<'_>,
    request: &Request,
) -> Outcome {
    let prepared = match connection.client().prepare(request) {
        Ok(prepared) => prepared,
        Err(error) => return Ok(report(io.stderr, &error)),
    };
    let written = match text(matches, "print").map(String::as_str) {
        Some("curl") => send::write_curl(io.stdout, &prepared),
        _ => send::write_dry_run(io.stdout, &prepared),
    };
    written.map(|_| exit::OK).map_err(Failure::output)
}

/// Asks on stderr, reads the answer from stdin.
fn confirmed(io: &mut Io<'_>, request: &Request) -> Result<bool, Failure> {
    let _ = write!(io.stderr, "DELETE {}: are you sure? [y/N] ", request.path());
    let _ = io.stderr.flush();
    let mut answer = String::new();
    BufReader::new(&mut *io.stdin)
        .read_line(&mut answer)
        .map_err(|e| Failure::io(e.to_string()))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// `--all`: every item of every page, one per line, following
/// `starting_after` (`ending_before` when given), a search's `next_page` or
/// a v2 list's `next_page_url`.
async fn all_pages(
    io: &mut Io<'_>,
    client: &stripe_runtime::Client,
    mut request: Request,
    kind: Pagination,
    max_items: Option<u64>,
    format: Format,
) -> Outcome {
    let backwards = request.query_value("ending_before").is_some();
    let item_format = if format == Format::Yaml {
        Format::Yaml
    } else {
        Format::JsonLines
    };
    let mut written = 0u64;
    loop {
        let body = match client.execute_bytes(request.clone()).await {
            Ok(body) => body,
            Err(error) => return Ok(report(io.stderr, &error)),
        };
        let page: Value = serde_json::from_slice(&body).map_err(|e| Failure {
            code: exit::SERVER,
            message: format!("a page that is not JSON: {e}"),
        })?;
        let items = page
            .get("data")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for item in &items {
            if max_items.is_some_and(|max| written >= max) {
                return Ok(exit::OK);
            }
            if item_format == Format::Yaml {
                let _ = writeln!(io.stdout, "---");
            }
            write_value(io.stdout, item, item_format).map_err(Failure::output)?;
            written += 1;
        }
        if kind == Pagination::V2List {
            match page.get("next_page_url").and_then(Value::as_str) {
                Some(next) if !next.is_empty() => {
                    request = request.at_url(next);
                    continue;
                }
                _ => return Ok(exit::OK),
            }
        }
        if page.get("has_more") != Some(&Value::Bool(true)) {
            return Ok(exit::OK);
        }
        let cursor = match kind {
            Pagination::Search => page
                .get("next_page")
                .and_then(Value::as_str)
                .map(|next| ("page", next.to_owned())),
            _ => {
                let edge = if backwards {
                    items.first()
                } else {
                    items.last()
                };
                let name = if backwards {
                    "ending_before"
                } else {
                    "starting_after"
                };
                edge.and_then(|item| item.get("id"))
                    .and_then(Value::as_str)
                    .map(|id| (name, id.to_owned()))
            }
        };
        match cursor {
            Some((name, value)) => request = request.replace_query(name, &value),
            None => return Ok(exit::OK),
        }
    }
}
