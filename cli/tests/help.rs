//! `--help` for the seed operations, compared with the golden files under
//! `tests/golden/help/` (`UPDATE_GOLDEN=1 cargo test -p typed-stripe-cli` rewrites them),
//! `stripe help`, and shell completion from the same commands.

mod common;

use common::{golden, run};

const SEED_COMMANDS: &[&str] = &[
    "identity verification_sessions redact",
    "identity verification_reports list",
    "customers create",
    "climate orders cancel",
    "climate products list",
    "forwarding requests create",
    "webhook_endpoints create",
];

#[test]
fn help_of_the_seed_operations_matches_the_golden_files() {
    for line in SEED_COMMANDS {
        let mut args: Vec<&str> = line.split(' ').collect();
        args.push("--help");
        let output = run(&args);
        assert_eq!(output.code, 0, "{line}: {}", output.stderr);
        golden(
            &format!("help/{}.txt", line.replace(' ', "_")),
            &output.stdout,
        );
    }
}

#[test]
fn help_lists_type_enum_values_required_and_the_first_sentence() {
    let output = run(&["identity", "verification_sessions", "create", "--help"]);
    let type_line = output
        .stdout
        .lines()
        .find(|l| l.contains("--type <TYPE>"))
        .unwrap_or_default()
        .to_owned();
    assert!(
        type_line.contains("[enum, open: document | id_number, required]"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("--return-url <RETURN_URL>"),
        "{}",
        output.stdout
    );
}

#[test]
fn stripe_help_prints_the_whole_text_with_nested_parameters() {
    let output = run(&["help", "identity", "verification_sessions", "create"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(output.stdout.starts_with("stripe identity verification_sessions create\nPOST /v1/identity/verification_sessions\n"), "{}", output.stdout);
    assert!(
        output.stdout.contains("  options [object]"),
        "{}",
        output.stdout
    );
    assert!(output.stdout.contains("      options[document][allowed_types] [list of enum: driving_license | id_card | passport]"), "{}", output.stdout);
    let group = run(&["help", "identity"]);
    assert_eq!(
        group.stdout,
        "stripe identity <command>\n\n  verification_reports   list, retrieve\n  verification_sessions  cancel, create, list, redact, retrieve, update\n"
    );
    // The root: the built-in commands, then every resource with a line.
    let root = run(&["help"]);
    assert!(
        root.stdout.contains("Built-in commands:\n  commands "),
        "{}",
        root.stdout
    );
    assert!(
        root.stdout
            .lines()
            .any(|line| line.starts_with("  customers ")
                && line.contains("create")
                && line.contains("more")),
        "{}",
        root.stdout
    );
}

#[test]
fn the_root_and_the_groups_list_what_follows_them() {
    let root = run(&["--help"]);
    assert_eq!(root.code, 0);
    for line in [
        "  commands ",
        "  identity ",
        "  test_helpers ",
        "  climate ",
    ] {
        assert!(root.stdout.contains(line), "{line}: {}", root.stdout);
    }
    let group = run(&["identity", "verification_sessions"]);
    assert_eq!(group.code, 2, "a group alone is incomplete");
    assert!(
        group.stderr.contains("redact") && group.stderr.contains("Redact a VerificationSession"),
        "{}",
        group.stderr
    );
}

/// The candidates clap_complete offers for the last word of `line`.
fn complete(line: &str) -> Vec<String> {
    let words: Vec<String> = line.split(' ').map(str::to_owned).collect();
    let mut command = stripe_cli::command::tree(&words[1..]);
    let index = words.len() - 1;
    let args = words.iter().map(std::ffi::OsString::from).collect();
    clap_complete::engine::complete(&mut command, args, index, None)
        .unwrap()
        .into_iter()
        .map(|c| c.get_value().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn completion_covers_resources_operations_parameters_and_enum_values() {
    assert!(complete("stripe ident").contains(&"identity".to_owned()));
    assert_eq!(
        complete("stripe identity verification_sessions re"),
        ["redact", "retrieve"]
    );
    assert!(complete("stripe customers create --em").contains(&"--email".to_owned()));
    assert_eq!(
        complete("stripe identity verification_sessions create --type "),
        ["document", "id_number"]
    );
    assert!(
        complete("stripe identity verification_sessions create -d opt")
            .contains(&"options[".to_owned())
    );
    assert_eq!(
        complete("stripe identity verification_sessions create -d type="),
        ["type=document", "type=id_number"]
    );
}

#[test]
fn completion_scripts_for_each_shell_call_back_into_stripe() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = run(&["completion", shell]);
        assert_eq!(output.code, 0, "{shell}: {}", output.stderr);
        assert!(
            output.stdout.contains("COMPLETE") && output.stdout.contains("stripe"),
            "{shell}: {}",
            output.stdout
        );
    }
    assert_eq!(run(&["completion", "tcsh"]).code, 2);
}
