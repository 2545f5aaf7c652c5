//! The `stripe` binary itself: exit codes as a shell sees them, and
//! completion as a shell asks for it (`COMPLETE=<shell> stripe -- <words>`).

use std::process::Command;

fn stripe() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stripe"));
    command
        .env_remove("STRIPE_API_KEY")
        .env("HOME", "/nonexistent")
        .env_remove("XDG_CONFIG_HOME");
    command
}

#[test]
fn exit_codes_reach_the_shell() {
    let help = stripe().arg("--help").output().unwrap();
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("identity"));
    let unknown = stripe().args(["custmers", "list"]).output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    let live = stripe()
        .args(["customers", "list", "--api-key", "sk_live_1"])
        .output()
        .unwrap();
    assert_eq!(live.status.code(), Some(3));
    let dry = stripe()
        .args(["customers", "list", "--api-key", "sk_test_1", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(dry.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&dry.stdout)
        .starts_with("GET https://api.stripe.com/v1/customers\n"));
}

#[test]
fn the_shell_gets_completions_from_the_binary() {
    let output = stripe()
        .env("COMPLETE", "fish")
        .args(["--", "stripe", "identity", "verification_sessions", "re"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let candidates: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(candidates, ["redact", "retrieve"]);
    let registration = stripe().env("COMPLETE", "bash").output().unwrap();
    assert!(
        String::from_utf8_lossy(&registration.stdout).contains("complete"),
        "no bash registration"
    );
}

#[test]
fn ctrl_c_ends_listen_cleanly() {
    use std::io::{BufRead, BufReader};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime
        .block_on(stripe_mock::MockServer::builder().stateful().start())
        .unwrap();
    let config = std::env::temp_dir().join(format!("stripe-cli-ctrl-c-{}", std::process::id()));
    let mut child = stripe()
        .args([
            "listen",
            "--api-key",
            "sk_test_1",
            "--api-base",
            &server.url(),
            "--interval",
            "50",
        ])
        .env("XDG_CONFIG_HOME", &config)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut ready = String::new();
    stderr.read_line(&mut ready).unwrap();
    assert!(
        ready.starts_with("Ready! Your webhook signing secret is whsec_"),
        "{ready}"
    );
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert_eq!(status.code(), Some(0), "{rest}");
    assert!(rest.contains("stopped"), "{rest}");
}
