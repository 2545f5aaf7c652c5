//! The report as text (a terminal), markdown (a pull-request comment or a CI
//! job summary) or JSON (other tools).
//!
//! The JSON shape is documented in `docs/diff.md`; it is [`super::Report`]
//! serialized, plus a `summary` of counts.

use std::fmt::Write;

use serde::Serialize;

use super::{Change, Layer, Report, Severity};

/// The output formats of `cargo xtask diff --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "text" => Some(Format::Text),
            "markdown" | "md" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Text => text(report),
        Format::Markdown => markdown(report),
        Format::Json => json(report),
    }
}

const SEVERITIES: [Severity; 3] = [Severity::Breaking, Severity::Warning, Severity::Info];

fn summary_line(report: &Report) -> String {
    let (breaking, warning, info) = report.counts();
    format!("{breaking} breaking, {warning} warning(s), {info} info")
}

/// Plain text: one line per change, grouped by severity.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} -> {}: {}",
        report.old.label(),
        report.new.label(),
        summary_line(report)
    );
    for severity in SEVERITIES {
        let changes: Vec<&Change> = report
            .changes
            .iter()
            .filter(|c| c.severity == severity)
            .collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{} ({}):",
            severity.as_str().to_uppercase(),
            changes.len()
        );
        for change in changes {
            // Rust-layer messages already name their item.
            let location = change.location.to_string();
            if change.message.contains(&location) {
                let _ = writeln!(out, "  {:<38} {}", change.kind.id(), change.message);
            } else {
                let _ = writeln!(
                    out,
                    "  {:<38} {location}: {}",
                    change.kind.id(),
                    change.message
                );
            }
        }
    }
    out
}

/// Markdown: a summary table, then one table per severity and layer.
/// Info is folded in a `<details>` block.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Stripe spec diff: `{}` → `{}`\n",
        report.old.api_version, report.new.api_version
    );
    let _ = writeln!(
        out,
        "Old: {}  \nNew: {}\n",
        report.old.label(),
        report.new.label()
    );
    let _ = writeln!(
        out,
        "| severity | spec | generated Rust |\n| --- | ---: | ---: |"
    );
    for severity in SEVERITIES {
        let count = |layer| {
            report
                .changes
                .iter()
                .filter(|c| c.severity == severity && c.layer == layer)
                .count()
        };
        let _ = writeln!(
            out,
            "| {} {severity} | {} | {} |",
            icon(severity),
            count(Layer::Spec),
            count(Layer::Rust)
        );
    }
    for severity in SEVERITIES {
        for layer in [Layer::Spec, Layer::Rust] {
            let changes: Vec<&Change> = report
                .changes
                .iter()
                .filter(|c| c.severity == severity && c.layer == layer)
                .collect();
            if changes.is_empty() {
                continue;
            }
            let title = format!(
                "{} {} ({}, {})",
                icon(severity),
                capitalized(severity.as_str()),
                match layer {
                    Layer::Spec => "spec",
                    Layer::Rust => "generated Rust",
                },
                changes.len()
            );
            let folded = severity == Severity::Info;
            if folded {
                let _ = writeln!(out, "\n<details><summary>{title}</summary>\n");
            } else {
                let _ = writeln!(out, "\n### {title}\n");
            }
            let _ = writeln!(out, "| rule | where | change |\n| --- | --- | --- |");
            for change in changes {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} |",
                    change.kind.id(),
                    cell(&change.location.to_string()),
                    cell(&change.message)
                );
            }
            if folded {
                let _ = writeln!(out, "\n</details>");
            }
        }
    }
    out
}

fn icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Breaking => "🔴",
        Severity::Warning => "🟡",
        Severity::Info => "🟢",
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Escapes what would end a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[derive(Serialize)]
struct JsonReport<'r> {
    old: &'r super::Version,
    new: &'r super::Version,
    summary: Summary,
    changes: &'r [Change],
}

#[derive(Serialize)]
struct Summary {
    breaking: usize,
    warning: usize,
    info: usize,
}

/// JSON, pretty-printed; the shape is documented in `docs/diff.md`.
pub fn json(report: &Report) -> String {
    let (breaking, warning, info) = report.counts();
    let document = JsonReport {
        old: &report.old,
        new: &report.new,
        summary: Summary {
            breaking,
            warning,
            info,
        },
        changes: &report.changes,
    };
    let mut text = serde_json::to_string_pretty(&document).expect("the report serializes");
    text.push('\n');
    text
}
