//! Which operation the words of a command line name, found in the table by
//! hand before clap sees anything, so only that command is ever built.

use std::collections::BTreeSet;

use crate::table::{Operation, OPERATIONS};

/// What the leading words of a command line name.
pub enum Resolved {
    /// An operation, and how many words its command took.
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
    /// The operation it runs, when it is a leaf.
    pub operation: Option<&'static Operation>,
}

/// Resolves the command words at the start of `args` (which holds no
/// program name). Words stop at the first flag.
pub fn resolve(args: &[String]) -> Resolved {
    let mut words: Vec<String> = Vec::new();
    for arg in args {
        if arg.starts_with('-') {
            break;
        }
        let candidates = children(&words);
        match candidates.iter().find(|c| c.word == arg) {
            Some(Child {
                operation: Some(operation),
                ..
            }) => return Resolved::Operation(operation),
            Some(_) => words.push(arg.clone()),
            None => {
                let names: Vec<&str> = candidates.iter().map(|c| c.word).collect();
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

/// What can follow `words`: the next word of every command that starts
/// with them, each once.
pub fn children(words: &[String]) -> Vec<Child> {
    let mut seen = BTreeSet::new();
    let mut children: Vec<Child> = OPERATIONS
        .iter()
        .filter(|op| {
            op.command.len() > words.len() && op.command.iter().zip(words).all(|(a, b)| a == b)
        })
        .filter_map(|op| {
            let word = op.command[words.len()];
            let leaf = op.command.len() == words.len() + 1;
            seen.insert(word).then_some(Child {
                word,
                operation: leaf.then_some(op),
            })
        })
        .collect();
    children.sort_by_key(|child| child.word);
    children
}

/// The operation whose command is exactly `words`.
pub fn operation(words: &[&str]) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.command == words)
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
