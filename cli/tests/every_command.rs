//! Every operation of the spec has one command, and every command runs:
//! as a dry run, and against the in-repo mock, which checks each request
//! against the spec.

mod common;

use std::collections::BTreeSet;

use common::{mock, run_owned, valid_command, Setting};
use stripe_cli::table::OPERATIONS;

#[test]
fn the_table_has_exactly_the_operations_of_the_spec() {
    let (_, server) = mock();
    let spec: BTreeSet<(String, String)> = server
        .api()
        .operations()
        .map(|(method, path, _)| (method.to_uppercase(), path.to_owned()))
        .collect();
    let table: BTreeSet<(String, String)> = OPERATIONS
        .iter()
        .map(|op| (op.method.as_str().to_owned(), op.path.to_owned()))
        .collect();
    assert_eq!(
        table.len(),
        OPERATIONS.len(),
        "an operation is in the table twice"
    );
    assert_eq!(table, spec);
    let commands: BTreeSet<&[&str]> = OPERATIONS.iter().map(|op| op.command).collect();
    assert_eq!(
        commands.len(),
        OPERATIONS.len(),
        "two operations share a command"
    );
}

#[test]
fn every_command_runs_dry_and_against_the_mock() {
    let (_, server) = mock();
    let base = server.url();
    let setting = Setting::test_key();
    let mut failures = Vec::new();
    for operation in OPERATIONS {
        let mut args = valid_command(operation);
        args.push("--confirm".to_owned());
        let mut dry = args.clone();
        dry.push("--dry-run".to_owned());
        let output = run_owned(&dry, &setting);
        let expected_line = format!("{} ", operation.method.as_str());
        if output.code != 0 || !output.stdout.starts_with(&expected_line) {
            failures.push(format!(
                "--dry-run {}: {} {}",
                args.join(" "),
                output.code,
                output.stderr
            ));
            continue;
        }
        args.extend(["--api-base".to_owned(), base.clone()]);
        let output = run_owned(&args, &setting);
        if output.code != 0 {
            failures.push(format!(
                "{}: {} {}",
                args.join(" "),
                output.code,
                output.stderr
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} commands failed:\n{}",
        failures.len(),
        OPERATIONS.len(),
        failures.join("\n")
    );
    let answered: BTreeSet<String> = server
        .requests()
        .into_iter()
        .filter(|request| request.status == 200)
        .filter_map(|request| request.operation_id)
        .collect();
    assert_eq!(
        answered.len(),
        OPERATIONS.len(),
        "the mock answered {} distinct operations",
        answered.len()
    );
    println!(
        "{} commands ran as dry runs and against the mock",
        OPERATIONS.len()
    );
}

#[test]
fn commands_json_lists_every_command_with_method_and_path() {
    let output = common::run(&["commands", "--json"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let all: Vec<serde_json::Value> = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(all.len(), OPERATIONS.len());
    assert!(all.contains(&serde_json::json!({
        "command": ["identity", "verification_sessions", "redact"],
        "method": "POST",
        "path": "/v1/identity/verification_sessions/{session}/redact",
    })));
}
