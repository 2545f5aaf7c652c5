//! Running the CLI in process, and a valid command line for any operation.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use stripe_cli::table::{Object, Operation, Ty, ENUMS, OBJECTS, UNIONS};

/// What one run printed and returned.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// How a run sees its surroundings.
#[derive(Clone, Default)]
pub struct Setting {
    pub stdin: String,
    pub stdout_terminal: bool,
    pub stdin_terminal: bool,
    pub env: Vec<(&'static str, String)>,
}

impl Setting {
    /// A test key in `STRIPE_API_KEY`, nothing else.
    pub fn test_key() -> Setting {
        Setting {
            env: vec![("STRIPE_API_KEY", "sk_test_123".to_owned())],
            ..Setting::default()
        }
    }
}

pub fn run(args: &[&str]) -> Output {
    run_with(args, &Setting::test_key())
}

pub fn run_with(args: &[&str], setting: &Setting) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    run_owned(&args, setting)
}

pub fn run_owned(args: &[String], setting: &Setting) -> Output {
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let mut stdin = setting.stdin.as_bytes();
    let env = |name: &str| {
        setting
            .env
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    let mut io = stripe_cli::Io {
        stdout: &mut stdout,
        stderr: &mut stderr,
        stdin: &mut stdin,
        stdout_terminal: setting.stdout_terminal,
        stdin_terminal: setting.stdin_terminal,
        env: &env,
    };
    let code = stripe_cli::run(args, &mut io);
    Output {
        code,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// The mock, on a runtime of its own that outlives the test's calls.
pub fn mock() -> &'static (tokio::runtime::Runtime, stripe_mock::MockServer) {
    static MOCK: OnceLock<(tokio::runtime::Runtime, stripe_mock::MockServer)> = OnceLock::new();
    MOCK.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(stripe_mock::MockServer::start());
        (runtime, server)
    })
}

/// A mock of its own (for counting the requests one test sends), served
/// on the shared mock's runtime.
pub fn fresh_mock() -> stripe_mock::MockServer {
    let (runtime, _) = mock();
    runtime.block_on(stripe_mock::MockServer::start())
}

/// A file to upload, for `files create`.
pub fn upload() -> String {
    let path = std::env::temp_dir().join(format!("stripe-cli-upload-{}.pdf", std::process::id()));
    std::fs::write(&path, b"%PDF-1.4\n").unwrap();
    format!("@{}", path.display())
}

/// The command words, an id per path parameter and `-d` for every
/// required parameter, with values the spec accepts.
pub fn valid_command(operation: &Operation) -> Vec<String> {
    let mut args: Vec<String> = operation.command.iter().map(|w| w.to_string()).collect();
    args.extend(operation.path_params.iter().map(|_| "id_123".to_owned()));
    let mut data = Vec::new();
    required_fields(operation.params(), "", false, &mut data);
    for pair in data {
        args.push("-d".to_owned());
        args.push(pair);
    }
    args
}

/// `-d` pairs for the required fields of `object` at `path`; the first
/// field when `non_empty` and none is required, so the object is sent.
fn required_fields(object: &Object, path: &str, non_empty: bool, out: &mut Vec<String>) {
    let mut required = object.fields.iter().filter(|f| f.required).peekable();
    if required.peek().is_none() && non_empty {
        if let Some(first) = object.fields.first() {
            value(first.ty, &key(path, first.name), out);
        }
        return;
    }
    for field in required {
        value(field.ty, &key(path, field.name), out);
    }
}

fn value(ty: Ty, path: &str, out: &mut Vec<String>) {
    match ty {
        Ty::String | Ty::Json => out.push(format!("{path}=1")),
        Ty::Integer | Ty::Timestamp | Ty::Number | Ty::Decimal | Ty::Int64String => {
            out.push(format!("{path}=1"))
        }
        Ty::DateTime => out.push(format!("{path}=2026-01-31T12:00:00Z")),
        Ty::Boolean => out.push(format!("{path}=true")),
        Ty::Binary => out.push(format!("{path}={}", upload())),
        Ty::Enum(index) => out.push(format!("{path}={}", ENUMS[index].values[0])),
        Ty::Object(index) => required_fields(&OBJECTS[index], path, true, out),
        Ty::Union(index) => value(UNIONS[index].members[0], path, out),
        Ty::List(item) => value(*item, &format!("{path}[0]"), out),
        Ty::Map(inner) => value(*inner, &format!("{path}[key]"), out),
        Ty::Unsettable(inner) => value(*inner, path, out),
    }
}

fn key(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}[{name}]")
    }
}

/// Compares `actual` with the golden file `name`, or writes it with `UPDATE_GOLDEN=1`.
pub fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
    assert!(
        expected == actual,
        "{} differs (UPDATE_GOLDEN=1 rewrites it); got:\n{actual}",
        path.display()
    );
}
