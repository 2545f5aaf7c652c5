//! `--print rust` writes the call in the generated client. The calls of the
//! seed command lines are kept in `tests/golden/print_rust.rs`, which
//! `generated/tests/cli_print_rust.rs` compiles and runs against the mock:
//! what the CLI prints is code that builds and works.

mod common;

use common::{golden, run};

const LINES: &[&str] = &[
    "identity verification_sessions redact vs_123",
    "identity verification_sessions create --type document -d options[document][allowed_types][0]=passport -d options[document][require_matching_selfie]=true -d metadata[order]=6735",
    "customers create --email jenny@example.com -d metadata[order]=6735 -d balance=-100",
    "customers update cus_123 -d metadata[order]=shipped -d invoice_settings[custom_fields]=",
    "customers list --limit 3 -d created[gte]=1700000000",
    "checkout sessions create --mode payment --success-url https://example.com/done -d line_items[0][price]=price_1 -d line_items[0][quantity]=2",
    "payment_intents create --amount 2000 --currency usd -d payment_method_types[0]=card -d confirm=true",
    "climate orders cancel order_123",
    "test_helpers test_clocks create --frozen-time 1700000000",
    "webhook_endpoints create --url https://example.com/hook -d enabled_events[0]=charge.succeeded",
];

fn printed(line: &str) -> String {
    let mut args: Vec<&str> = line.split(' ').collect();
    args.extend(["--print", "rust"]);
    let output = run(&args);
    assert_eq!(output.code, 0, "{line}: {}", output.stderr);
    output.stdout.trim_end().to_owned()
}

#[test]
fn printed_calls_match_the_golden_file() {
    let mut file = String::from(
        "// The calls `stripe <command> --print rust` prints for the command lines\n\
         // of cli/tests/print_rust.rs (`UPDATE_GOLDEN=1 cargo test -p typed-stripe-cli` rewrites\n\
         // this file); generated/tests/cli_print_rust.rs runs them.\n\n\
         pub async fn calls(client: &stripe::Client) -> Result<(), Box<dyn std::error::Error>> {\n    let client = client.clone();\n",
    );
    for line in LINES {
        file.push_str(&format!(
            "    // stripe {line}\n    let _ = {};\n",
            printed(line)
        ));
    }
    file.push_str("    Ok(())\n}\n");
    golden("print_rust.rs", &file);
}

#[test]
fn text_from_the_command_line_stays_inside_string_literals() {
    let text = printed("customers create --email \"});std::process::exit(1);//");
    assert!(
        text.contains(r#"email: Some(String::from("\"});std::process::exit(1);//"))"#),
        "{text}"
    );
    let number = printed("customers create -d balance=1);panic!() --no-validate");
    assert!(
        number.contains("todo!(") && !number.contains("panic!()"),
        "{number}"
    );
}
