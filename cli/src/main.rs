//! The `stripe` binary: shell completion (`COMPLETE=bash stripe`), else
//! [`stripe_cli::run`] on the process's arguments and streams.

use std::io::{IsTerminal, Write};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The shell asks for completions by calling the binary with `COMPLETE`
    // set; only the groups on the typed words' path are built.
    clap_complete::CompleteEnv::with_factory(completion_tree).complete();
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let mut stdin = std::io::stdin().lock();
    let env = |name: &str| std::env::var(name).ok();
    let mut io = stripe_cli::Io {
        stdout_terminal: std::io::stdout().is_terminal(),
        stdin_terminal: std::io::stdin().is_terminal(),
        stdout: &mut stdout,
        stderr: &mut stderr,
        stdin: &mut stdin,
        env: &env,
    };
    let code = stripe_cli::run(&args, &mut io);
    // `exit` runs no destructors: what is buffered goes out first.
    let _ = stdout.flush();
    std::process::exit(code);
}

/// The command tree for the words being completed (after `--` in the
/// completion call's arguments).
fn completion_tree() -> clap::Command {
    let words: Vec<String> = std::env::args()
        .skip_while(|arg| arg != "--")
        .skip(2)
        .collect();
    stripe_cli::command::tree(&words)
}
