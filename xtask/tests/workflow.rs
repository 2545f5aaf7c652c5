//! The CI workflows run only cargo commands that exist.
//!
//! A workflow is checked only when it runs, on GitHub; a typo in a flag or a
//! renamed xtask command would show up as a red pull request. This test reads
//! `.github/workflows/*.yml` as YAML, takes every `cargo` command out of the
//! `run:` scripts and checks it here: `cargo xtask <cmd>` against the
//! commands and options the xtask binary's usage lists, any other
//! `cargo <sub>` against `cargo <sub> --help`, and `-p`/`--package` against
//! the workspace members.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn workflows() -> Vec<(PathBuf, serde_yaml::Value)> {
    let dir = workspace_root().join(".github/workflows");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            let text = std::fs::read_to_string(&path).unwrap();
            let value = serde_yaml::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: not YAML: {e}", path.display()));
            out.push((path, value));
        }
    }
    assert!(!out.is_empty(), "no workflow in {}", dir.display());
    out
}

/// Every step's `run:` script, with the job and step it comes from.
fn scripts(workflow: &serde_yaml::Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (job, body) in workflow["jobs"].as_mapping().expect("a workflow has jobs") {
        for step in body["steps"].as_sequence().into_iter().flatten() {
            if let Some(run) = step["run"].as_str() {
                let name = step["name"].as_str().unwrap_or("(unnamed step)");
                out.push((format!("{}: {name}", job.as_str().unwrap()), run.to_owned()));
            }
        }
    }
    out
}

/// The `cargo ...` commands of a shell script, as words: line continuations
/// joined, split at `&&`, `||`, `;`, `|`, and cut at redirections.
fn cargo_commands(script: &str) -> Vec<Vec<String>> {
    let joined = script.replace("\\\n", " ");
    let mut out = Vec::new();
    for line in joined.lines() {
        let line = line.split(" #").next().unwrap_or_default();
        for part in line
            .split("&&")
            .flat_map(|p| p.split("||"))
            .flat_map(|p| p.split([';', '|']))
        {
            let words: Vec<String> = part
                .split_whitespace()
                .take_while(|w| !w.starts_with('>') && !w.starts_with("2>") && !w.starts_with('<'))
                .map(|w| w.trim_matches(|c| c == '"' || c == '\'').to_owned())
                .collect();
            if words.first().is_some_and(|w| w == "cargo") {
                out.push(words);
            }
        }
    }
    out
}

fn usage() -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("help")
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

/// The usage text of one xtask command: its line and the indented lines
/// under it, up to the next command.
fn usage_of<'u>(usage: &'u str, command: &str) -> Option<String> {
    let lines: Vec<&'u str> = usage
        .lines()
        .skip_while(|l| !l.starts_with("commands:"))
        .skip(1)
        .collect();
    // `command` may be two words (`spec fetch`): the line starts with them.
    let start = lines.iter().position(|l| {
        l.strip_prefix("  ").is_some_and(|rest| {
            let words: Vec<&str> = rest.split_whitespace().collect();
            let n = command.split(' ').count();
            !rest.starts_with(' ') && words.len() >= n && words[..n].join(" ") == command
        })
    })?;
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.starts_with("  ") && !l.starts_with("   "))
        .map_or(lines.len(), |i| start + 1 + i);
    Some(lines[start..end].join("\n"))
}

fn long_flags(words: &[String]) -> impl Iterator<Item = &str> {
    words
        .iter()
        .take_while(|w| *w != "--")
        .filter(|w| w.starts_with("--"))
        .map(|w| w.split('=').next().unwrap())
}

fn workspace_members() -> Vec<String> {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(workspace_root())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

fn check_xtask(words: &[String], usage: &str) -> Result<(), String> {
    let command = words.get(2).ok_or("`cargo xtask` with no command")?;
    // A command with subcommands (`spec fetch`) has a usage entry for each.
    let with_sub = words.get(3).map(|sub| format!("{command} {sub}"));
    let text = with_sub
        .as_deref()
        .and_then(|two| usage_of(usage, two))
        .or_else(|| usage_of(usage, command))
        .ok_or_else(|| format!("`{command}` is not an xtask command"))?;
    for flag in long_flags(&words[3..]) {
        if !text.contains(flag) {
            return Err(format!("`cargo xtask {command}` has no option `{flag}`"));
        }
    }
    Ok(())
}

fn check_cargo(words: &[String], members: &[String]) -> Result<(), String> {
    let sub = words.get(1).ok_or("`cargo` with no subcommand")?;
    let output = Command::new(env!("CARGO"))
        .args([sub.as_str(), "--help"])
        .output()
        .unwrap();
    if !output.status.success() {
        return Err(format!("`cargo {sub}` is not a cargo command"));
    }
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in long_flags(&words[2..]) {
        if !help.contains(&format!("{flag} "))
            && !help.contains(&format!("{flag}\n"))
            && !help.contains(&format!("{flag}="))
            && !help.contains(&format!("{flag},"))
            && !help.contains(&format!("{flag} <"))
        {
            return Err(format!("`cargo {sub}` has no option `{flag}`"));
        }
    }
    let packages = words
        .windows(2)
        .filter(|w| w[0] == "-p" || w[0] == "--package")
        .map(|w| &w[1]);
    for package in packages {
        if !members.contains(package) {
            return Err(format!(
                "`{package}` is not a workspace member ({})",
                members.join(", ")
            ));
        }
    }
    Ok(())
}

fn check(words: &[String], usage: &str, members: &[String]) -> Result<(), String> {
    match words.get(1).map(String::as_str) {
        Some("xtask") => check_xtask(words, usage),
        _ => check_cargo(words, members),
    }
}

#[test]
fn every_cargo_command_in_the_workflows_exists() {
    let usage = usage();
    let members = workspace_members();
    let mut seen = Vec::new();
    let mut failures = Vec::new();
    for (path, workflow) in workflows() {
        for (step, script) in scripts(&workflow) {
            for words in cargo_commands(&script) {
                if let Err(why) = check(&words, &usage, &members) {
                    failures.push(format!(
                        "{} ({step}): `{}`: {why}",
                        path.display(),
                        words.join(" ")
                    ));
                }
                seen.push(words.join(" "));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The pull-request workflow runs the tests, the freshness check and the diff.
    // The weekly workflow fetches, updates and opens a pull request.
    for expected in [
        "cargo test",
        "cargo xtask codegen --check",
        "cargo xtask diff",
        "cargo xtask spec fetch",
        "cargo xtask spec update",
    ] {
        assert!(
            seen.iter().any(|c| c.starts_with(expected)),
            "no `{expected}` in the workflows: {seen:#?}"
        );
    }
}

#[test]
fn the_diff_report_goes_to_the_job_summary_on_pull_requests() {
    let (_, workflow) = workflows()
        .into_iter()
        .find(|(p, _)| p.ends_with("ci.yml"))
        .expect("ci.yml");
    assert!(
        workflow["on"]["pull_request"].is_null() || workflow["on"]["pull_request"].is_mapping()
    );
    assert!(workflow["on"]
        .as_mapping()
        .unwrap()
        .contains_key("pull_request"));
    let diff = scripts(&workflow)
        .into_iter()
        .find(|(_, s)| s.contains("cargo xtask diff"))
        .expect("a diff step");
    assert!(
        diff.1.contains("--format markdown") && diff.1.contains("$GITHUB_STEP_SUMMARY"),
        "{}",
        diff.1
    );
}

/// The checker itself: it must reject what does not exist.
#[test]
fn the_checker_rejects_unknown_commands_and_flags() {
    let usage = usage();
    let members = workspace_members();
    let words = |text: &str| cargo_commands(text).remove(0);
    assert!(check(&words("cargo xtask codegen --check"), &usage, &members).is_ok());
    assert!(check(
        &words("cargo xtask diff a b --format markdown --fail-on breaking"),
        &usage,
        &members
    )
    .is_ok());
    assert!(check(&words("cargo xtask generate"), &usage, &members).is_err());
    assert!(check(
        &words("cargo xtask spec update --commit x --prune-policy"),
        &usage,
        &members
    )
    .is_ok());
    // `--dest` is an option of `spec fetch`, `--prune-policy` is not.
    assert!(check(&words("cargo xtask spec fetch --dest d"), &usage, &members).is_ok());
    assert!(check(
        &words("cargo xtask spec fetch --prune-policy"),
        &usage,
        &members
    )
    .is_err());
    assert!(check(&words("cargo xtask codegen --chek"), &usage, &members).is_err());
    assert!(check(&words("cargo test --workspace --locked"), &usage, &members).is_ok());
    assert!(check(&words("cargo test --workspce"), &usage, &members).is_err());
    assert!(check(&words("cargo test -p stripe-codegen"), &usage, &members).is_ok());
    assert!(check(&words("cargo test -p nope"), &usage, &members).is_err());
    assert!(check(&words("cargo tset"), &usage, &members).is_err());
    assert_eq!(
        cargo_commands("a && cargo xtask diff x y --format json > out.json \\\n  ; cargo test"),
        [
            vec!["cargo", "xtask", "diff", "x", "y", "--format", "json"],
            vec!["cargo", "test"]
        ]
    );
}
