//! Help text from the spec's descriptions: the first sentence of each for
//! `--help`, the whole text for `stripe help <command>`.

use std::fmt::Write;

use crate::params::strip;
use crate::table::{Field, Operation, Ty, OBJECTS, UNIONS};
use crate::validate::describe;

/// The first sentence of a Markdown description, on one line.
pub fn first_sentence(text: &str) -> String {
    let paragraph = text.split("\n\n").next().unwrap_or_default();
    let line = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    let end = line
        .match_indices(". ")
        .map(|(at, _)| at + 1)
        .find(|&at| !line[..at].ends_with("e.g.") && !line[..at].ends_with("i.e."))
        .unwrap_or(line.len());
    line[..end].to_owned()
}

/// A parameter's line in `--help`: type, enum values, required, first sentence.
pub fn param_help(field: &Field) -> String {
    let required = if field.required { ", required" } else { "" };
    let mut help = format!("[{}{required}]", describe(field.ty));
    let sentence = first_sentence(field.doc);
    if !sentence.is_empty() {
        help.push(' ');
        help.push_str(&sentence);
    }
    help
}

/// `stripe help <command>`: the operation's whole description, then every
/// parameter, nested ones indented, each with its whole description.
pub fn long_help(operation: &Operation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "stripe {}", operation.command.join(" "));
    let _ = writeln!(out, "{} {}", operation.method.as_str(), operation.path);
    if operation.deprecated {
        out.push_str("Deprecated.\n");
    }
    let _ = writeln!(out, "\n{}\n", as_terminal_text(operation.description));
    if !operation.path_params.is_empty() {
        let names: Vec<String> = operation
            .path_params
            .iter()
            .map(|p| p.to_uppercase())
            .collect();
        let _ = writeln!(out, "Arguments: {}\n", names.join(" "));
    }
    let fields = operation.params().fields;
    if fields.is_empty() {
        out.push_str("No parameters.\n");
    } else {
        out.push_str("Parameters:\n");
        for field in fields {
            write_field(&mut out, field, field.name, 1, &mut Vec::new());
        }
    }
    out
}

/// One parameter and, below it, the fields of the object it holds. `seen`
/// holds the objects on the way down, so a recursive type is shown once.
fn write_field(out: &mut String, field: &Field, path: &str, depth: usize, seen: &mut Vec<usize>) {
    let indent = "  ".repeat(depth);
    let required = if field.required { ", required" } else { "" };
    let _ = writeln!(out, "{indent}{path} [{}{required}]", describe(field.ty));
    for line in as_terminal_text(field.doc)
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let _ = writeln!(out, "{indent}    {}", line.trim());
    }
    for (index, child_path) in nested_objects(field.ty, path) {
        if seen.contains(&index) {
            continue;
        }
        seen.push(index);
        for child in OBJECTS[index].fields {
            write_field(
                out,
                child,
                &format!("{child_path}[{}]", child.name),
                depth + 1,
                seen,
            );
        }
        seen.pop();
    }
}

/// A description as a terminal shows it: the HTML line breaks some of
/// Stripe's descriptions hold become line breaks; Markdown stays as written.
fn as_terminal_text(description: &str) -> String {
    ["<br />", "<br/>", "<br>"]
        .iter()
        .fold(description.trim().to_owned(), |text, tag| {
            text.replace(tag, "\n")
        })
}

/// The objects a parameter's value holds, with the bracketed path of their fields.
fn nested_objects(ty: Ty, path: &str) -> Vec<(usize, String)> {
    match strip(ty) {
        Ty::Object(index) => vec![(index, path.to_owned())],
        Ty::List(item) => nested_objects(*item, &format!("{path}[0]")),
        Ty::Map(value) => nested_objects(*value, &format!("{path}[key]")),
        Ty::Union(index) => UNIONS[index]
            .members
            .iter()
            .flat_map(|m| nested_objects(*m, path))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_sentence_ends_at_a_full_stop() {
        assert_eq!(
            first_sentence("Redacts a session. Then more.\n\nOther."),
            "Redacts a session."
        );
        assert_eq!(
            first_sentence("Set e.g. an email. More"),
            "Set e.g. an email."
        );
        assert_eq!(first_sentence("No stop"), "No stop");
        assert_eq!(first_sentence(""), "");
    }

    #[test]
    fn html_line_breaks_become_line_breaks() {
        assert_eq!(
            as_terminal_text(
                " Creation. <br><br>By default, a [link](https://stripe.com).<br/>End<br />"
            ),
            "Creation. \n\nBy default, a [link](https://stripe.com).\nEnd\n"
        );
    }

    #[test]
    fn long_help_shows_no_html_tags() {
        let operation = crate::table::OPERATIONS
            .iter()
            .find(|o| o.command == ["accounts", "create"])
            .expect("accounts create");
        let help = long_help(operation);
        assert!(help.contains("external_account"), "{help}");
        assert!(!help.contains("<br>"), "{help}");
    }
}
