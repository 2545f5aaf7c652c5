//! Which operation the words of a command line name, found in the table by
//! hand before clap sees anything, so only that command is ever built.

use crate::table::{Operation, OPERATIONS};

/// What the leading words of a command line name.
pub enum Resolved {
    /// An operation.
    Operation(&'static Operation),
    /// A namespace or resource: the words so far, and what can follow them.
    Group {
        words: Vec<String>,
        children: Vec<Child>,
    },
    /// A word that is no command here, with the closest ones that are.
    Unknown {
        words: Vec<String>,
        word: String,
        suggestions: Vec<String>,
    },
}

/// A word that can follow a group: a further group or an operation.
#[derive(Debug, Clone)]
pub struct Child {
    pub word: &'static str,
    /// The operations it runs, when it is a leaf: one, or several that
    /// take different numbers of path parameters.
    pub operations: Vec<&'static Operation>,
    /// An alias of an operation spelled otherwise, left out of listings.
    pub hidden: bool,
}

impl Child {
    /// The operation the leaf runs given `rest`, the arguments after its
    /// word: the one whose path parameters their positional ones fill.
    pub fn operation(&self, rest: &[String]) -> Option<&'static Operation> {
        let given = positionals(rest);
        self.operations
            .iter()
            .find(|op| op.path_params.len() == given)
            .or(self.operations.first())
            .copied()
    }
}

/// Resolves the command words at the start of `args` (which holds no
/// program name). Words stop at the first flag.
pub fn resolve(args: &[String]) -> Resolved {
    let mut words: Vec<String> = Vec::new();
    for (at, arg) in args.iter().enumerate() {
        if arg.starts_with('-') {
            break;
        }
        let candidates = children(&words);
        match candidates.iter().find(|c| c.word == arg) {
            Some(child) => match child.operation(&args[at + 1..]) {
                Some(operation) => return Resolved::Operation(operation),
                None => words.push(arg.clone()),
            },
            None => {
                let names: Vec<&str> = candidates
                    .iter()
                    .filter(|c| !c.hidden)
                    .map(|c| c.word)
                    .collect();
                return Resolved::Unknown {
                    words,
                    word: arg.clone(),
                    suggestions: suggest(arg, names),
                };
            }
        }
    }
    let children = children(&words);
    Resolved::Group { words, children }
}

/// What can follow `words`: the next word of every spelling that starts
/// with them, each once.
pub fn children(words: &[String]) -> Vec<Child> {
    let starts = |spelling: &[&str]| {
        spelling.len() > words.len() && spelling.iter().zip(words).all(|(a, b)| a == b)
    };
    let mut children: Vec<Child> = Vec::new();
    for op in OPERATIONS {
        for (spelling, alias) in op.spellings().filter(|(s, _)| starts(s)) {
            let word = spelling[words.len()];
            let leaf = spelling.len() == words.len() + 1;
            let at = match children.iter().position(|c| c.word == word) {
                Some(at) => at,
                None => {
                    children.push(Child {
                        word,
                        operations: Vec::new(),
                        hidden: true,
                    });
                    children.len() - 1
                }
            };
            let child = &mut children[at];
            child.hidden &= alias;
            if leaf && !child.operations.iter().any(|o| std::ptr::eq(*o, op)) {
                child.operations.push(op);
            }
        }
    }
    children.sort_by_key(|child| child.word);
    children
}

/// The operation `words` spell exactly, given `rest`, the arguments after
/// them.
pub fn operation(words: &[&str], rest: &[String]) -> Option<&'static Operation> {
    let (last, group) = words.split_last()?;
    let group: Vec<String> = group.iter().map(|w| (*w).to_owned()).collect();
    children(&group)
        .into_iter()
        .find(|child| child.word == *last)?
        .operation(rest)
}

/// Flags of every request command that take a value, long and short.
const VALUE_FLAGS: &[&str] = &[
    "--data",
    "-d",
    "--json",
    "--expand",
    "-e",
    "--idempotency",
    "-i",
    "--stripe-account",
    "--stripe-context",
    "--stripe-version",
    "-v",
    "--api-key",
    "--api-base",
    "--project-name",
    "-p",
    "--print",
    "--format",
    "--max-items",
    "--forward-to",
    "--forward-connect-to",
    "--forward-thin-to",
    "--events",
    "--thin-events",
    "--headers",
    "-H",
    "--interval",
    "--max-events",
    "--override",
    "--add",
    "--remove",
];

/// Flags that take no value.
const SWITCHES: &[&str] = &[
    "--live",
    "--confirm",
    "-c",
    "--no-validate",
    "--dry-run",
    "--all",
    "--help",
    "-h",
    "--print-secret",
];

/// How many positional arguments `args` holds: those that are neither a
/// flag nor a flag's value (a parameter flag takes one, as shared flags
/// do, switches and `--flag=value` excepted).
pub fn positionals(args: &[String]) -> usize {
    let mut count = 0;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            return count + args.count();
        }
        if !arg.starts_with('-') || arg == "-" {
            count += 1;
        } else if !arg.contains('=') && !SWITCHES.contains(&arg.as_str()) {
            args.next();
        }
    }
    count
}

/// `args` with the shared flags written before or among the command words
/// moved after them (`stripe --api-key sk_test_x customers list`), as
/// Stripe CLI takes them anywhere on the line. The words end at the
/// operation they name, or at the first word or flag that continues no
/// command.
pub fn shared_flags_last(args: &[String], built_ins: &[&str]) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut moved: Vec<String> = Vec::new();
    let mut at = 0;
    while let Some(arg) = args.get(at) {
        if arg.starts_with('-') && arg != "-" && arg != "--" {
            let name = arg.split('=').next().unwrap_or_default();
            if !VALUE_FLAGS.contains(&name) && !SWITCHES.contains(&name) {
                break;
            }
            moved.push(arg.clone());
            if VALUE_FLAGS.contains(&name) && !arg.contains('=') {
                moved.extend(args.get(at + 1).cloned());
                at += 1;
            }
            at += 1;
            continue;
        }
        // A built-in (`get`, `listen`) is a whole command.
        if words.is_empty() && built_ins.contains(&arg.as_str()) {
            words.push(arg.clone());
            at += 1;
            break;
        }
        match children(&words).into_iter().find(|c| c.word == arg) {
            Some(child) => {
                words.push(arg.clone());
                at += 1;
                if !child.operations.is_empty() {
                    break;
                }
            }
            None => break,
        }
    }
    words.extend(args[at.min(args.len())..].iter().cloned());
    words.extend(moved);
    words
}

/// The names closest to `word`, best first: typos (edit distance of at most
/// a third of the word) and names that contain it.
pub fn suggest<'a>(word: &str, names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let limit = (word.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = names
        .into_iter()
        .filter_map(|name| {
            let distance = strsim::damerau_levenshtein(word, name);
            let close = distance <= limit || (word.len() >= 3 && name.contains(word));
            close.then_some((distance, name))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(3)
        .map(|(_, name)| name.to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn seed_commands_resolve_to_their_operation() {
        for (line, path) in [
            (
                "identity verification_sessions redact vs_123",
                "/v1/identity/verification_sessions/{session}/redact",
            ),
            ("customers create --email a@b.c", "/v1/customers"),
            (
                "climate orders cancel order_1",
                "/v1/climate/orders/{order}/cancel",
            ),
            ("forwarding requests create", "/v1/forwarding/requests"),
        ] {
            match resolve(&words(line)) {
                Resolved::Operation(op) => assert_eq!(op.path, path, "{line}"),
                _ => panic!("`{line}` names no operation"),
            }
        }
    }

    #[test]
    fn a_misspelt_word_gets_suggestions() {
        let Resolved::Unknown {
            word,
            suggestions,
            words,
        } = resolve(&words("identity verification_sesions list"))
        else {
            panic!("resolved a misspelt command");
        };
        assert_eq!(word, "verification_sesions");
        assert_eq!(words, ["identity"]);
        assert_eq!(
            suggestions.first().map(String::as_str),
            Some("verification_sessions")
        );
    }

    #[test]
    fn a_group_lists_what_follows_it() {
        let Resolved::Group { children, .. } = resolve(&words("identity")) else {
            panic!("`identity` is a namespace");
        };
        let names: Vec<&str> = children.iter().map(|c| c.word).collect();
        assert_eq!(names, ["verification_reports", "verification_sessions"]);
    }
}
