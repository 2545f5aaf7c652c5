//! From checked parameters to a request, and the request sent, printed as
//! it would be sent (`--dry-run`), or as a curl command.

use std::io::Write;
use std::path::PathBuf;

use serde_json::{Map, Value};
use stripe_core::{path_segment, ApiMode, Host, Method, Multipart, Request};
use stripe_runtime::{AppInfo, Client, Prepared};

use crate::params::typed_json;
use crate::table::{Body, Operation, Ty, ID_PREFIXES, OPERATIONS};

/// The request an operation makes with these path ids and parameters.
/// Files (`@path` values of file parameters) are read here.
pub fn operation_request(
    operation: &Operation,
    ids: &[String],
    params: &Map<String, Value>,
) -> Result<Request, String> {
    let mut path = operation.path.to_owned();
    for (name, id) in operation.path_params.iter().zip(ids) {
        path = path.replace(&format!("{{{name}}}"), &path_segment(id));
    }
    let mut request = Request::new(operation.method, path).api_version(operation.api_version);
    if let Some(server) = operation.server {
        request = request.host(Host::Server(server));
    }
    match operation.body {
        Body::Multipart => multipart(request, operation, params),
        Body::Query => Ok(with_params(request, Method::Get, params)),
        Body::Form => Ok(with_params(request, Method::Post, params)),
        // Values from the command line are text: JSON wants them typed.
        Body::Json => {
            let body = typed_json(Value::Object(params.clone()), Ty::Object(operation.params));
            Ok(request.json(&body))
        }
        Body::None => Ok(with_params(request, operation.method, params)),
    }
}

/// `stripe get|post|delete <path>`: parameters in the query for GET and
/// DELETE; for POST a form on v1 and JSON on a `/v2/` path.
pub fn raw_request(method: Method, path: &str, params: &Map<String, Value>) -> Request {
    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    with_params(Request::new(method, path), method, params)
}

/// The path of what `id` names, by its prefix (`cus_123` ->
/// `/v1/customers/cus_123`), as Stripe CLI resolves `stripe get cus_123`;
/// `None` for text that is not such an id.
pub fn path_of_id(id: &str) -> Option<String> {
    let (_, index) = ID_PREFIXES
        .iter()
        .filter(|(prefix, _)| {
            id.strip_prefix(prefix)
                .is_some_and(|rest| rest.len() > 1 && rest.starts_with('_'))
        })
        .max_by_key(|(prefix, _)| prefix.len())?;
    let operation = &OPERATIONS[*index];
    let name = operation.path_params.first()?;
    Some(
        operation
            .path
            .replace(&format!("{{{name}}}"), &path_segment(id)),
    )
}

fn with_params(request: Request, method: Method, params: &Map<String, Value>) -> Request {
    let json = request.mode() == ApiMode::V2 && method == Method::Post;
    if params.is_empty() && !json {
        return request;
    }
    let params = Value::Object(params.clone());
    match method {
        Method::Post if json => request.json(&params),
        Method::Post => request.form(&params),
        Method::Get | Method::Delete => request.query(&params),
    }
}

/// `POST /v1/files`: the file parameters as file parts, the rest as text.
fn multipart(
    request: Request,
    operation: &Operation,
    params: &Map<String, Value>,
) -> Result<Request, String> {
    let files: Vec<&str> = operation
        .params()
        .fields
        .iter()
        .filter(|f| matches!(f.ty, Ty::Binary))
        .map(|f| f.name)
        .collect();
    let mut text = params.clone();
    text.retain(|key, _| !files.contains(&key.as_str()));
    let mut form = Multipart::new().params(&Value::Object(text));
    for name in files {
        let Some(value) = params.get(name).and_then(Value::as_str) else {
            continue;
        };
        let path = PathBuf::from(value.strip_prefix('@').unwrap_or(value));
        let data = std::fs::read(&path)
            .map_err(|e| format!("reading {} for `{name}`: {e}", path.display()))?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| name.to_owned());
        form = form.file(name, file_name, None, data);
    }
    Ok(request.multipart(form))
}

/// `--dry-run`: method and URL, the headers (the key redacted), the body.
pub fn write_dry_run(out: &mut dyn Write, prepared: &Prepared) -> std::io::Result<()> {
    writeln!(out, "{} {}", prepared.method().as_str(), prepared.url())?;
    for (name, value) in prepared.headers() {
        writeln!(out, "{name}: {}", redact_header(&name, &value))?;
    }
    let body = prepared.body();
    if !body.is_empty() {
        writeln!(out)?;
        match std::str::from_utf8(body) {
            Ok(text) => writeln!(out, "{text}")?,
            Err(_) => writeln!(out, "<{} bytes>", body.len())?,
        }
    }
    Ok(())
}

/// `--print curl`: the same request for curl, the key taken from
/// `$STRIPE_API_KEY` rather than printed.
pub fn write_curl(out: &mut dyn Write, prepared: &Prepared) -> std::io::Result<()> {
    let mut lines = vec![format!(
        "curl -X {} {}",
        prepared.method().as_str(),
        shell_quote(prepared.url())
    )];
    lines.push("  -u \"$STRIPE_API_KEY:\"".to_owned());
    for (name, value) in prepared.headers() {
        // The client's description of itself is not curl's to send.
        if matches!(
            name.as_str(),
            "authorization"
                | "user-agent"
                | "content-type"
                | "x-stripe-client-user-agent"
                | "x-stripe-client-telemetry"
        ) {
            continue;
        }
        lines.push(format!(
            "  -H {}",
            shell_quote(&format!("{}: {value}", header_case(&name)))
        ));
    }
    let body = prepared.body();
    let content_type = |prefix: &str| {
        prepared
            .headers()
            .iter()
            .any(|(n, v)| n == "content-type" && v.starts_with(prefix))
    };
    if content_type("application/json") {
        lines.push("  -H 'Content-Type: application/json'".to_owned());
        lines.push(format!(
            "  --data {}",
            shell_quote(&String::from_utf8_lossy(body))
        ));
    } else if content_type("application/x-www-form-urlencoded") {
        // curl escapes the value of each pair; the bracketed keys stay readable.
        for (key, value) in form_urlencoded::parse(body) {
            lines.push(format!(
                "  --data-urlencode {}",
                shell_quote(&format!("{key}={value}"))
            ));
        }
    } else if !body.is_empty() {
        lines.push("  # a multipart body: send files with -F name=@path".to_owned());
    }
    writeln!(out, "{}", lines.join(" \\\n"))
}

/// `Stripe-Version` for `stripe-version`.
fn header_case(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Single quotes for a POSIX shell; a quote inside is closed, escaped, reopened.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

fn redact_header(name: &str, value: &str) -> String {
    match value.strip_prefix("Bearer ") {
        Some(key) if name == "authorization" => format!("Bearer {}", redact_key(key)),
        _ => value.to_owned(),
    }
}

/// `sk_test_[redacted]`: the kind and mode of a key, nothing of the secret.
pub fn redact_key(key: &str) -> String {
    let mut parts = key.splitn(3, '_');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(kind @ ("sk" | "rk" | "pk")), Some(mode @ ("test" | "live")), Some(_)) => {
            format!("{kind}_{mode}_[redacted]")
        }
        _ => "[redacted]".to_owned(),
    }
}

/// Whether a key works on live data.
pub fn is_live_key(key: &str) -> bool {
    key.starts_with("sk_live_") || key.starts_with("rk_live_")
}

/// Where the key comes from, first found wins: `--api-key`, then
/// `STRIPE_API_KEY`, then the profile of Stripe CLI's config file
/// (`$XDG_CONFIG_HOME/stripe/config.toml`, else `~/.config/stripe/config.toml`):
/// `test_mode_api_key`, or `live_mode_api_key` with `--live`.
pub fn api_key(
    flag: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    profile: &str,
    live: bool,
) -> Result<Option<String>, String> {
    if let Some(key) = flag {
        return Ok(Some(key.to_owned()));
    }
    if let Some(key) = env("STRIPE_API_KEY").filter(|k| !k.is_empty()) {
        return Ok(Some(key));
    }
    let Some(path) = config_path(env) else {
        return Ok(None);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("reading {}: {e}", path.display())),
    };
    let config: toml::Table = text
        .parse()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let name = if live {
        "live_mode_api_key"
    } else {
        "test_mode_api_key"
    };
    Ok(config
        .get(profile)
        .and_then(|table| table.get(name))
        .and_then(|key| key.as_str())
        .map(str::to_owned))
}

fn config_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let base = env("XDG_CONFIG_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(base.join("stripe").join("config.toml"))
}

/// The client for one command line.
pub struct Connection<'a> {
    pub key: &'a str,
    pub api_base: Option<&'a str>,
    pub stripe_version: Option<&'a str>,
    pub stripe_account: Option<&'a str>,
    pub stripe_context: Option<&'a str>,
    pub idempotency: Option<&'a str>,
    /// Where the proxy variables are read (`HTTPS_PROXY`, `NO_PROXY`, ...).
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

impl Connection<'_> {
    pub fn client(&self) -> Client {
        let app = AppInfo::new("stripe-cli").version(env!("CARGO_PKG_VERSION"));
        let mut builder = Client::builder(self.key).app_info(app).proxy_env(self.env);
        if let Some(base) = self.api_base {
            builder = builder.all_to(base);
        }
        if let Some(version) = self.stripe_version {
            builder = builder.stripe_version(version);
        }
        if let Some(account) = self.stripe_account {
            builder = builder.stripe_account(account);
        }
        if let Some(context) = self.stripe_context {
            builder = builder.stripe_context(context);
        }
        let client = builder.build();
        match self.idempotency {
            Some(key) => client.with_idempotency_key(key),
            None => client,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_redacted_to_their_kind_and_mode() {
        assert_eq!(redact_key("sk_test_123abc"), "sk_test_[redacted]");
        assert_eq!(redact_key("rk_live_123"), "rk_live_[redacted]");
        assert_eq!(redact_key("whatever"), "[redacted]");
    }

    #[test]
    fn shell_quoting_survives_quotes() {
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }

    #[test]
    fn the_flag_wins_over_the_environment_and_the_environment_over_the_config() {
        let dir = std::env::temp_dir().join(format!("stripe-cli-config-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("stripe")).unwrap();
        std::fs::write(dir.join("stripe/config.toml"), "[default]\ntest_mode_api_key = \"sk_test_config\"\n[other]\ntest_mode_api_key = \"sk_test_other\"\n").unwrap();
        let config_dir = dir.to_string_lossy().into_owned();
        let with_env = |name: &str| match name {
            "STRIPE_API_KEY" => Some("sk_test_env".to_owned()),
            "XDG_CONFIG_HOME" => Some(config_dir.clone()),
            _ => None,
        };
        let without_env = |name: &str| (name == "XDG_CONFIG_HOME").then(|| config_dir.clone());
        assert_eq!(
            api_key(Some("sk_test_flag"), &with_env, "default", false)
                .unwrap()
                .as_deref(),
            Some("sk_test_flag")
        );
        assert_eq!(
            api_key(None, &with_env, "default", false)
                .unwrap()
                .as_deref(),
            Some("sk_test_env")
        );
        assert_eq!(
            api_key(None, &without_env, "default", false)
                .unwrap()
                .as_deref(),
            Some("sk_test_config")
        );
        assert_eq!(
            api_key(None, &without_env, "other", false)
                .unwrap()
                .as_deref(),
            Some("sk_test_other")
        );
        assert_eq!(api_key(None, &without_env, "missing", false).unwrap(), None);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
