//! The clap commands, built for one command line at a time: the root, the
//! groups on the path its words take, and the one operation they name, with
//! a flag per top-level scalar parameter. Everything else stays a name.

use clap::{Arg, ArgAction, Command};
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter, CompletionCandidate};

use crate::help::{first_sentence, param_help};
use crate::params::strip;
use crate::resolve::{children, Child};
use crate::table::{Field, Method, Operation, Pagination, Ty, API_VERSION, ENUMS};

/// The commands that are not operations of the spec.
pub const BUILT_INS: &[(&str, &str)] = &[
    (
        "commands",
        "Every command, with its method and path (--json for a JSON array)",
    ),
    (
        "help",
        "The whole description of a command and of each of its parameters",
    ),
    (
        "get",
        "A GET request to any path: stripe get /v1/customers -d limit=3",
    ),
    ("post", "A POST request to any path"),
    ("delete", "A DELETE request to any path"),
    (
        "completion",
        "The completion script for a shell: bash, zsh, fish, powershell, elvish",
    ),
    (
        "listen",
        "Print the account's events as they happen; --forward-to a local endpoint, signed",
    ),
    (
        "trigger",
        "Make an event happen (runs a fixture): stripe trigger customer.created",
    ),
    (
        "fixtures",
        "Run a fixtures file: requests in order, each able to use earlier answers",
    ),
];

/// Flags every request command has; a parameter whose flag would be one of
/// these is set with `-d` instead.
const SHARED_FLAGS: &[&str] = &[
    "data",
    "json",
    "expand",
    "idempotency",
    "stripe-account",
    "stripe-context",
    "stripe-version",
    "api-key",
    "api-base",
    "project-name",
    "live",
    "confirm",
    "no-validate",
    "dry-run",
    "print",
    "format",
    "all",
    "max-items",
    "help",
];

/// The root command with the groups along `words` (the command line after
/// the program name) expanded, and the operation they name built whole.
pub fn tree(words: &[String]) -> Command {
    let mut root = Command::new("stripe")
        .version(env!("CARGO_PKG_VERSION"))
        .long_version(format!(
            "{} (Stripe API version {API_VERSION})",
            env!("CARGO_PKG_VERSION")
        ))
        .about("Stripe's API from the command line: stripe <resource> <operation> [args]")
        .after_help("Every operation of the spec is a command: `stripe commands` lists them. Set the key with --api-key, STRIPE_API_KEY, or Stripe CLI's config file.")
        .disable_help_subcommand(true)
        .subcommand_required(false)
        .max_term_width(100);
    for (name, about) in BUILT_INS {
        root = root.subcommand(built_in(name, about));
    }
    root.subcommands(group_children(&[], words))
}

/// The children of the group `path`, the one named by the next word of
/// `words` expanded.
fn group_children(path: &[String], words: &[String]) -> Vec<Command> {
    let next = words.get(path.len());
    children(path)
        .into_iter()
        .map(|child| {
            let expand = next.is_some_and(|word| word == child.word);
            let rest = words.get(path.len() + 1..).unwrap_or_default();
            match child.operation(rest) {
                Some(operation) if expand => leaf(operation, child.word),
                Some(operation) => Command::new(child.word)
                    .about(summary(operation))
                    .hide(child.hidden),
                None => group(path, &child, words, expand),
            }
        })
        .collect()
}

fn group(path: &[String], child: &Child, words: &[String], expand: bool) -> Command {
    let mut inner = path.to_vec();
    inner.push(child.word.to_owned());
    let below: Vec<&str> = children(&inner)
        .iter()
        .filter(|c| !c.hidden)
        .map(|c| c.word)
        .collect();
    let command = Command::new(child.word)
        .about(listing(&below))
        .subcommand_required(true)
        .arg_required_else_help(true);
    if !expand {
        return command;
    }
    command.subcommands(group_children(&inner, words))
}

/// What a group holds, in a line: its first commands and how many more.
pub fn listing(below: &[&str]) -> String {
    const SHOWN: usize = 6;
    match below.len() {
        0..=SHOWN => below.join(", "),
        n => format!("{}, and {} more", below[..SHOWN].join(", "), n - SHOWN),
    }
}

pub fn summary(operation: &Operation) -> String {
    let text = if operation.summary.is_empty() {
        first_sentence(operation.description)
    } else {
        operation.summary.to_owned()
    };
    format!("{text} ({} {})", operation.method.as_str(), operation.path)
}

/// One operation, under `word` (the last word of the spelling typed): its
/// path parameters as positional arguments, a flag per top-level scalar or
/// enum parameter, the shared request flags.
pub fn leaf(operation: &'static Operation, word: &'static str) -> Command {
    let mut command = Command::new(word)
        .about(summary(operation))
        .after_help(format!(
            "Nested parameters go in with -d (`-d \"metadata[key]=value\"`); `stripe help {}` describes every parameter.",
            operation.command.join(" ")
        ));
    for name in operation.path_params {
        command = command.arg(
            Arg::new(path_arg_id(name))
                .value_name(name.to_uppercase())
                .required(true)
                .help(format!("The `{name}` of the path")),
        );
    }
    for field in operation.params().fields.iter().filter(|f| has_flag(f)) {
        command = command.arg(param_flag(field));
    }
    command = request_flags(command, Some(operation));
    if operation.pagination != Pagination::None {
        command = command
            .arg(
                Arg::new("all")
                    .long("all")
                    .action(ArgAction::SetTrue)
                    .help("Every item of every page, one JSON object per line"),
            )
            .arg(
                Arg::new("max-items")
                    .long("max-items")
                    .value_name("N")
                    .value_parser(clap::value_parser!(u64))
                    .help("With --all: stop after N items"),
            );
    }
    command
}

pub fn path_arg_id(name: &str) -> String {
    format!("path:{name}")
}

pub fn param_arg_id(name: &str) -> String {
    format!("param:{name}")
}

/// `--payment-method` for `payment_method`.
pub fn flag_name(name: &str) -> String {
    name.replace('_', "-")
}

/// Top-level scalars and enums get a flag, unless it would shadow a shared one.
pub fn has_flag(field: &Field) -> bool {
    let scalar = matches!(
        strip(field.ty),
        Ty::String
            | Ty::Integer
            | Ty::Number
            | Ty::Boolean
            | Ty::Timestamp
            | Ty::DateTime
            | Ty::Decimal
            | Ty::Int64String
            | Ty::Enum(_)
            | Ty::Binary
    );
    scalar && !SHARED_FLAGS.contains(&flag_name(field.name).as_str())
}

fn param_flag(field: &'static Field) -> Arg {
    let long = flag_name(field.name);
    let mut arg = Arg::new(param_arg_id(field.name))
        .long(long.clone())
        .value_name(field.name.to_uppercase())
        .help(param_help(field));
    if long != field.name {
        arg = arg.alias(field.name);
    }
    match strip(field.ty) {
        Ty::Boolean => {
            arg.num_args(0..=1)
                .default_missing_value("true")
                .add(ArgValueCandidates::new(|| {
                    vec![
                        CompletionCandidate::new("true"),
                        CompletionCandidate::new("false"),
                    ]
                }))
        }
        Ty::Enum(index) => arg.add(ArgValueCandidates::new(move || {
            ENUMS[index]
                .values
                .iter()
                .map(|value| CompletionCandidate::new(*value))
                .collect()
        })),
        Ty::Binary => arg.value_hint(clap::ValueHint::FilePath),
        _ => arg,
    }
}

/// The flags of every request: parameters, keys and headers, safety, output.
pub fn request_flags(command: Command, operation: Option<&'static Operation>) -> Command {
    let data = Arg::new("data")
        .short('d')
        .long("data")
        .value_name("KEY=VALUE")
        .action(ArgAction::Append)
        .help("A parameter, with Stripe's bracket syntax: -d \"metadata[order]=6735\", -d \"items[0][price]=price_1\"");
    let data = match operation {
        Some(operation) => data.add(ArgValueCompleter::new(move |current: &std::ffi::OsStr| {
            data_candidates(operation, current)
        })),
        None => data,
    };
    command
        .arg(data)
        .arg(Arg::new("json").long("json").value_name("JSON|@FILE|-").help("Parameters as a JSON object, inline, from a file (@body.json) or stdin (-); flags and -d win over it"))
        .arg(Arg::new("expand").short('e').long("expand").value_name("PATH").action(ArgAction::Append).help("A field to expand in the response (-e customer -e invoice.subscription)"))
        .arg(Arg::new("idempotency").short('i').long("idempotency").value_name("KEY").help("The Idempotency-Key header (a POST gets a fresh one otherwise)"))
        .arg(Arg::new("stripe-account").long("stripe-account").value_name("ACCOUNT").help("Act for a connected account (Stripe-Account header)"))
        .arg(Arg::new("stripe-context").long("stripe-context").value_name("CONTEXT").help("Act in this context: an account, or accounts joined by / (Stripe-Context header)"))
        .arg(Arg::new("stripe-version").short('v').long("stripe-version").value_name("VERSION").help("The Stripe-Version header (default: the spec's, shown by `stripe commands`)"))
        .arg(Arg::new("api-key").long("api-key").value_name("KEY").help("The secret key; else STRIPE_API_KEY, else the profile in Stripe CLI's config.toml"))
        .arg(Arg::new("api-base").long("api-base").value_name("URL").help("Send to another server, every host's requests (files, meter events) too, e.g. a local mock: --api-base http://127.0.0.1:12111 [env: STRIPE_API_BASE]"))
        .arg(Arg::new("project-name").short('p').long("project-name").value_name("PROFILE").help("The profile of the config file to read the key from [default: default]"))
        .arg(Arg::new("live").long("live").action(ArgAction::SetTrue).help("Allow a live-mode key (sk_live_, rk_live_)"))
        .arg(Arg::new("confirm").short('c').long("confirm").action(ArgAction::SetTrue).help("Do not ask before a DELETE"))
        .arg(Arg::new("no-validate").long("no-validate").action(ArgAction::SetTrue).help("Send even what the spec says Stripe will refuse"))
        .arg(Arg::new("dry-run").long("dry-run").action(ArgAction::SetTrue).help("Print the request (key redacted) instead of sending it"))
        .arg(Arg::new("print").long("print").value_name("FORM").value_parser(["curl", "rust"]).help("Print the request as a curl command or as the call in the Rust client, and send nothing"))
        .arg(Arg::new("format").long("format").value_name("FORMAT").value_parser(["json", "jsonl", "yaml"]).help("Output format [default: pretty JSON on a terminal, compact JSON otherwise]"))
}

/// Completions for `-d`: parameter names, then enum values after `name=`.
fn data_candidates(operation: &Operation, current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
    let object = operation.params();
    let current = current.to_string_lossy();
    if let Some((name, _)) = current.split_once('=') {
        let field = object.fields.iter().find(|f| f.name == name);
        return match field.map(|f| strip(f.ty)) {
            Some(Ty::Enum(index)) => ENUMS[index]
                .values
                .iter()
                .map(|v| CompletionCandidate::new(format!("{name}={v}")))
                .collect(),
            _ => Vec::new(),
        };
    }
    object
        .fields
        .iter()
        .filter(|f| f.name.starts_with(current.as_ref()))
        .map(|f| {
            let suffix = if matches!(
                strip(f.ty),
                Ty::Object(_) | Ty::Map(_) | Ty::List(_) | Ty::Union(_)
            ) {
                "["
            } else {
                "="
            };
            CompletionCandidate::new(format!("{}{suffix}", f.name))
                .help(Some(first_sentence(f.doc).into()))
        })
        .collect()
}

fn built_in(name: &'static str, about: &'static str) -> Command {
    let command = Command::new(name).about(about);
    match name {
        "commands" => command.arg(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .help("A JSON array of {command, method, path}"),
        ),
        "help" => command.arg(
            Arg::new("words")
                .num_args(0..)
                .value_name("COMMAND")
                .help("The command to describe, e.g. identity verification_sessions redact"),
        ),
        "listen" => connection_flags(listen_flags(command)),
        "trigger" => {
            connection_flags(rewrite_flags(command.arg(
                Arg::new("event").value_name("EVENT").help(
                    "The event to make happen; without one, the events there are fixtures for",
                ),
            )))
        }
        "fixtures" => connection_flags(rewrite_flags(
            command.arg(
                Arg::new("file")
                    .required(true)
                    .value_name("FILE")
                    .help("A fixtures file, in Stripe CLI's format (- for stdin)"),
            ),
        )),
        "completion" => command.arg(Arg::new("shell").required(true).value_parser([
            "bash",
            "zsh",
            "fish",
            "powershell",
            "elvish",
        ])),
        _ => request_flags(
            command.arg(
                Arg::new("path")
                    .required(true)
                    .value_name("PATH")
                    .help("The path, e.g. /v1/customers/cus_123"),
            ),
            None,
        ),
    }
}

fn listen_flags(command: Command) -> Command {
    let list = |id: &'static str, help: &'static str| {
        Arg::new(id)
            .long(id)
            .value_name("TYPES")
            .value_delimiter(',')
            .action(ArgAction::Append)
            .help(help)
    };
    let url =
        |id: &'static str, help: &'static str| Arg::new(id).long(id).value_name("URL").help(help);
    command
        .arg(url(
            "forward-to",
            "POST each event, signed, to this URL (e.g. localhost:4242/webhook)",
        ))
        .arg(url(
            "forward-connect-to",
            "Where events of connected accounts go [default: --forward-to]",
        ))
        .arg(list(
            "events",
            "Only these event types (comma-separated) [default: all]",
        ))
        .arg(list(
            "thin-events",
            "Also follow these thin (v2) event types, or * for all",
        ))
        .arg(url(
            "forward-thin-to",
            "POST each thin event, signed, to this URL",
        ))
        .arg(
            Arg::new("headers")
                .short('H')
                .long("headers")
                .value_name("KEY:VALUE")
                .action(ArgAction::Append)
                .help("A header sent with every forwarded event"),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("FORMAT")
                .value_parser(["JSON", "json"])
                .help("Each event as a line of JSON"),
        )
        .arg(
            Arg::new("print-secret")
                .long("print-secret")
                .action(ArgAction::SetTrue)
                .help("Print the signing secret the forwarded events are signed with, and exit"),
        )
        .arg(
            Arg::new("interval")
                .long("interval")
                .value_name("MS")
                .value_parser(clap::value_parser!(u64).range(10..))
                .help("How often to ask Stripe for new events, in milliseconds [default: 2000]"),
        )
        .arg(
            Arg::new("max-events")
                .long("max-events")
                .value_name("N")
                .value_parser(clap::value_parser!(u64).range(1..))
                .help("Stop after N events"),
        )
}

/// Stripe CLI's rewrites of a fixture: `--override customer:email=x`.
fn rewrite_flags(command: Command) -> Command {
    let rewrite = |id: &'static str, help: &'static str| {
        Arg::new(id)
            .long(id)
            .value_name("NAME:PARAM=VALUE")
            .action(ArgAction::Append)
            .help(help)
    };
    command
        .arg(rewrite(
            "override",
            "Set a parameter of a request of the fixture: customer:email=jenny@example.com",
        ))
        .arg(rewrite(
            "add",
            "Add a parameter: customer:metadata.order=6735",
        ))
        .arg(
            Arg::new("remove")
                .long("remove")
                .value_name("NAME:PARAM")
                .action(ArgAction::Append)
                .help("Remove a parameter: customer:description"),
        )
}

/// The flags that say which account and server to talk to.
fn connection_flags(command: Command) -> Command {
    command
        .arg(Arg::new("api-key").long("api-key").value_name("KEY").help("The secret key; else STRIPE_API_KEY, else the profile in Stripe CLI's config.toml"))
        .arg(Arg::new("api-base").long("api-base").value_name("URL").help("Another server, e.g. the mock: --api-base http://127.0.0.1:12111 [env: STRIPE_API_BASE]"))
        .arg(Arg::new("project-name").short('p').long("project-name").value_name("PROFILE").help("The profile of the config file to read the key from [default: default]"))
        .arg(Arg::new("live").long("live").action(ArgAction::SetTrue).help("Allow a live-mode key (sk_live_, rk_live_)"))
        .arg(Arg::new("stripe-account").long("stripe-account").value_name("ACCOUNT").help("Act for a connected account (Stripe-Account header)"))
        .arg(Arg::new("stripe-version").short('v').long("stripe-version").value_name("VERSION").help("The Stripe-Version header"))
}

/// The method of a raw request command.
pub fn raw_method(name: &str) -> Option<Method> {
    match name {
        "get" => Some(Method::Get),
        "post" => Some(Method::Post),
        "delete" => Some(Method::Delete),
        _ => None,
    }
}
