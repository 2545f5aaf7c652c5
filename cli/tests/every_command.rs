//! Every operation of the spec has one command, and every command runs:
//! as a dry run, and against the in-repo mock, which checks each request
//! against the spec.

mod common;

use std::collections::BTreeSet;

use common::{mock, run_owned, valid_command, Setting};
use stripe_cli::resolve;
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
    // Every spelling, listed or not, runs its own operation: one spelling
    // names two only when they take different numbers of ids
    // (`accounts retrieve`, `accounts retrieve acct_1`).
    let mut wrong = Vec::new();
    for op in OPERATIONS {
        let ids: Vec<String> = op.path_params.iter().map(|p| format!("id_{p}")).collect();
        for (spelling, _) in op.spellings() {
            let found = resolve::operation(spelling, &ids);
            if !found.is_some_and(|found| std::ptr::eq(found, op)) {
                wrong.push(format!(
                    "`{}` runs {:?}, not {} {}",
                    spelling.join(" "),
                    found.map(|f| f.path),
                    op.method.as_str(),
                    op.path
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn stripe_clis_spellings_run_and_ours_still_do() {
    let setting = Setting::test_key();
    for (line, expected) in [
        (
            "tax_ids create cus_1 --type eu_vat --value DE123456789",
            "POST https://api.stripe.com/v1/customers/cus_1/tax_ids",
        ),
        (
            "customers create_tax_id cus_1 --type eu_vat --value DE123456789",
            "POST https://api.stripe.com/v1/customers/cus_1/tax_ids",
        ),
        ("accounts retrieve", "GET https://api.stripe.com/v1/account"),
        (
            "accounts retrieve acct_1",
            "GET https://api.stripe.com/v1/accounts/acct_1",
        ),
        (
            "customers test_helpers fund_cash_balance cus_1 --amount 100 --currency eur",
            "POST https://api.stripe.com/v1/test_helpers/customers/cus_1/fund_cash_balance",
        ),
        (
            "test_helpers customers fund_cash_balance cus_1 --amount 100 --currency eur",
            "POST https://api.stripe.com/v1/test_helpers/customers/cus_1/fund_cash_balance",
        ),
        (
            "invoices finalize_invoice in_1",
            "POST https://api.stripe.com/v1/invoices/in_1/finalize",
        ),
        (
            "persons list acct_1",
            "GET https://api.stripe.com/v1/accounts/acct_1/persons",
        ),
        (
            "accounts persons acct_1",
            "GET https://api.stripe.com/v1/accounts/acct_1/persons",
        ),
    ] {
        let mut args: Vec<String> = line.split(' ').map(str::to_owned).collect();
        args.push("--dry-run".to_owned());
        let output = run_owned(&args, &setting);
        assert_eq!(output.code, 0, "{line}: {}", output.stderr);
        assert!(
            output.stdout.starts_with(&format!("{expected}\n")),
            "{line}: {}",
            output.stdout
        );
    }
    // Listings show Stripe CLI's spellings, not the aliases.
    let help = run_owned(&["help".to_owned(), "customers".to_owned()], &setting);
    assert!(help.stdout.contains("test_helpers"), "{}", help.stdout);
    assert!(!help.stdout.contains("create_tax_id"), "{}", help.stdout);
    let root = run_owned(&["help".to_owned()], &setting);
    assert!(root.stdout.contains("  tax_ids "), "{}", root.stdout);
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
