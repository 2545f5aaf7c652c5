//! `stripe listen`: the events of an account as they happen, from the
//! moment it starts, printed and forwarded to a local endpoint signed with
//! a local `whsec_` secret, as Stripe CLI's `listen` does, but without
//! Stripe's private websocket API: it follows `GET /v1/events` (and, for
//! thin events, `GET /v2/core/events`) every `--interval`.
//!
//! Nothing is printed twice or skipped when several events share a second:
//! each poll asks for what was created at or after the newest second seen,
//! and the ids already seen in that second are left out.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};
use stripe_core::{Method, Request};
use stripe_runtime::{Client, Forwarder};

use crate::output::exit;

/// What `stripe listen` was asked to do.
pub struct Options {
    pub forward_to: Option<String>,
    /// Where events of connected accounts go, else `forward_to`.
    pub forward_connect_to: Option<String>,
    /// The event types to print and forward; empty or `*` for all.
    pub events: Vec<String>,
    /// The thin event types to follow (`*` for all); none when empty.
    pub thin_events: Vec<String>,
    pub forward_thin_to: Option<String>,
    /// Sent with every forwarded event.
    pub headers: Vec<(String, String)>,
    /// Each event as one line of JSON instead of a summary line.
    pub json: bool,
    pub interval: Duration,
    /// Stop after this many events (for scripts and tests).
    pub max_events: Option<u64>,
    pub secret: String,
}

/// Where the listen loop writes.
pub struct Out<'a> {
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
}

/// Follows the events until Ctrl-C or `max_events`; the exit code.
pub async fn listen(client: &Client, options: &Options, out: &mut Out<'_>) -> i32 {
    // Deliveries go direct, whatever HTTPS_PROXY says: the endpoint is the
    // user's own (see `Forwarder`); the polls follow the proxy variables.
    let forwarder = Forwarder::new();
    let mut v1 = match Follower::start(client, Api::V1).await {
        Ok(follower) => follower,
        Err(error) => return report(out, &error),
    };
    let mut thin = None;
    if !options.thin_events.is_empty() {
        match Follower::start(client, Api::V2).await {
            Ok(follower) => thin = Some(follower),
            Err(error) => return report(out, &error),
        }
    }
    // Ctrl-C's handler is in place before "Ready!" says it can be used: a
    // first poll of its future installs it.
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    tokio::select! {
        biased;
        _ = &mut stop => return exit::OK,
        _ = std::future::ready(()) => {}
    }
    let _ = writeln!(
        out.stderr,
        "Ready! Your webhook signing secret is {} (^C to quit)",
        options.secret
    );
    let mut count = 0u64;
    loop {
        let mut fresh: Vec<(Api, Value)> = Vec::new();
        for follower in std::iter::once(&mut v1).chain(thin.as_mut()) {
            match follower.poll(client).await {
                Ok(events) => fresh.extend(events.into_iter().map(|e| (follower.api, e))),
                Err(error) if passes(&error) => {
                    let _ = writeln!(out.stderr, "{error}; trying again");
                }
                Err(error) => return report(out, &error),
            }
        }
        for (api, event) in fresh {
            let wanted = match api {
                Api::V1 => &options.events,
                Api::V2 => &options.thin_events,
            };
            if !matches_types(wanted, &event) {
                continue;
            }
            handle(&forwarder, options, api, &event, out).await;
            count += 1;
            if options.max_events.is_some_and(|max| count >= max) {
                return exit::OK;
            }
        }
        tokio::select! {
            _ = &mut stop => {
                let _ = writeln!(out.stderr, "stopped");
                return exit::OK;
            }
            _ = tokio::time::sleep(options.interval) => {}
        }
    }
}

/// Which list an event came from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Api {
    V1,
    V2,
}

/// Prints one event and forwards it where it goes.
async fn handle(
    forwarder: &Forwarder,
    options: &Options,
    api: Api,
    event: &Value,
    out: &mut Out<'_>,
) {
    let text = |key: &str| {
        event
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (id, kind) = (text("id"), text("type"));
    if options.json {
        let _ = writeln!(out.stdout, "{event}");
    } else {
        let _ = writeln!(out.stdout, "{}   --> {kind} [{id}]", created(event));
    }
    let (target, payload) = match api {
        Api::V1 => {
            let connect = event.get("account").is_some_and(Value::is_string);
            let target = match connect {
                true => options
                    .forward_connect_to
                    .as_ref()
                    .or(options.forward_to.as_ref()),
                false => options.forward_to.as_ref(),
            };
            (target, event.to_string())
        }
        Api::V2 => (
            options.forward_thin_to.as_ref(),
            thin_payload(event).to_string(),
        ),
    };
    let Some(url) = target else {
        return;
    };
    let line = match deliver(forwarder, url, payload.as_bytes(), options).await {
        Ok(status) => format!("[{status}] POST {url} [{id}]"),
        Err(error) => format!("[ERROR] {error} [{id}]"),
    };
    let _ = writeln!(out.stdout, "{}  <--  {line}", created(event));
}

/// One delivery, tried again on network errors (not on the endpoint's
/// answer, whatever it is).
async fn deliver(
    forwarder: &Forwarder,
    url: &str,
    payload: &[u8],
    options: &Options,
) -> Result<u16, stripe_runtime::ForwardError> {
    let mut wait = Duration::from_millis(250);
    let mut attempt = 1;
    loop {
        match forwarder
            .send(url, payload, &options.secret, &options.headers)
            .await
        {
            Ok(delivered) => return Ok(delivered.status),
            Err(error) if attempt >= 3 => return Err(error),
            Err(_) => {
                tokio::time::sleep(wait).await;
                wait *= 2;
                attempt += 1;
            }
        }
    }
}

/// A thin event as an event destination receives it: the event without
/// its data.
fn thin_payload(event: &Value) -> Value {
    let mut thin = json!({});
    for key in [
        "id",
        "object",
        "type",
        "created",
        "livemode",
        "context",
        "related_object",
        "reason",
    ] {
        if let Some(value) = event.get(key) {
            thin[key] = value.clone();
        }
    }
    thin
}

/// When the event happened, as its `created` says (Unix seconds in v1,
/// RFC 3339 in v2).
fn created(event: &Value) -> String {
    match event.get("created") {
        Some(Value::Number(n)) => n
            .as_i64()
            .map(|secs| {
                stripe_core::DateTime::from(stripe_core::Timestamp::from(secs)).to_rfc3339()
            })
            .unwrap_or_default(),
        Some(Value::String(text)) => text.clone(),
        _ => String::new(),
    }
}

/// Whether `event`'s type is one of `wanted` (all when empty or `*`).
fn matches_types(wanted: &[String], event: &Value) -> bool {
    let kind = event
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    wanted.is_empty() || wanted.iter().any(|w| w == "*" || w == kind)
}

/// A failure the next poll may not meet (no answer, still rate limited,
/// Stripe failing), which a long listen rides out; a refused key or request,
/// or a proxy setting the client cannot use, would fail every poll alike, so
/// it ends the listen.
fn passes(error: &stripe_runtime::Error) -> bool {
    match error.status() {
        None => matches!(error, stripe_runtime::Error::Transport(e) if !e.is_config()),
        Some(status) => status == 429 || status >= 500,
    }
}

fn report(out: &mut Out<'_>, error: &stripe_runtime::Error) -> i32 {
    crate::output::report(out.stderr, error)
}

/// Follows one events list: what is new since the last poll, oldest first.
struct Follower {
    api: Api,
    /// The newest `created` seen, as the list filters by it.
    since: Since,
    /// The events of that newest second already seen.
    seen: Vec<String>,
}

#[derive(Clone, PartialEq, Debug)]
enum Since {
    Seconds(i64),
    RfcTime(String),
}

impl Follower {
    /// Starts after the events the account has now: the newest of them
    /// (Stripe's clock, not this machine's) and the others of its second
    /// count as seen.
    async fn start(client: &Client, api: Api) -> Result<Follower, stripe_runtime::Error> {
        let mut follower = Follower {
            api,
            since: match api {
                Api::V1 => Since::Seconds(0),
                Api::V2 => Since::RfcTime("1970-01-01T00:00:00.000Z".to_owned()),
            },
            seen: Vec::new(),
        };
        let newest = follower.page(client, None, 100).await?;
        follower.advance(&newest.0);
        Ok(follower)
    }

    /// The events created since the last poll, oldest first.
    async fn poll(&mut self, client: &Client) -> Result<Vec<Value>, stripe_runtime::Error> {
        let mut events = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let (page, more) = self.page(client, next.as_deref(), 100).await?;
            next = more;
            events.extend(page);
            if next.is_none() {
                break;
            }
        }
        events.retain(|event| !self.seen.contains(&id_of(event)));
        // Lists come newest first; within a second, their order is kept.
        events.reverse();
        events.sort_by_key(created_key);
        self.advance(&events);
        Ok(events)
    }

    /// One page at or after `since`, and what fetches the next one.
    async fn page(
        &self,
        client: &Client,
        next: Option<&str>,
        limit: u32,
    ) -> Result<(Vec<Value>, Option<String>), stripe_runtime::Error> {
        let request = match (self.api, next) {
            (Api::V2, Some(url)) => Request::new(Method::Get, "/v2/core/events").at_url(url),
            (Api::V2, None) => {
                let Since::RfcTime(since) = &self.since else {
                    unreachable!("a v2 follower keeps RFC 3339 times")
                };
                let query = json!({"limit": limit.min(20), "created": {"gte": since}});
                Request::new(Method::Get, "/v2/core/events").query(&query)
            }
            (Api::V1, after) => {
                let Since::Seconds(since) = self.since else {
                    unreachable!("a v1 follower keeps Unix seconds")
                };
                let mut query = json!({"limit": limit, "created": {"gte": since}});
                if let Some(after) = after {
                    query["starting_after"] = Value::from(after);
                }
                Request::new(Method::Get, "/v1/events").query(&query)
            }
        };
        let body = client.execute_bytes(request).await?;
        let page: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let data = page
            .get("data")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let next = match self.api {
            Api::V2 => page
                .get("next_page_url")
                .and_then(Value::as_str)
                .filter(|url| !url.is_empty())
                .map(str::to_owned),
            Api::V1 if page.get("has_more") == Some(&Value::Bool(true)) => {
                data.last().map(id_of).filter(|id| !id.is_empty())
            }
            Api::V1 => None,
        };
        Ok((data, next))
    }

    /// Moves `since` to the newest of `events` and remembers the ids of
    /// that second.
    fn advance(&mut self, events: &[Value]) {
        let Some(newest) = events.iter().max_by_key(|e| created_key(e)) else {
            return;
        };
        let since = match newest.get("created") {
            Some(Value::String(text)) => Since::RfcTime(text.clone()),
            Some(created) => Since::Seconds(created.as_i64().unwrap_or(0)),
            None => return,
        };
        if since != self.since {
            self.seen.clear();
            self.since = since;
        }
        let newest_key = created_key(newest);
        self.seen.extend(
            events
                .iter()
                .filter(|e| created_key(e) == newest_key)
                .map(id_of),
        );
    }
}

fn id_of(event: &Value) -> String {
    event
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Orders events by creation: seconds, or RFC 3339 text (same format, so
/// text order is time order).
fn created_key(event: &Value) -> (i64, String) {
    match event.get("created") {
        Some(Value::String(text)) => (0, text.clone()),
        Some(created) => (created.as_i64().unwrap_or(0), String::new()),
        None => (0, String::new()),
    }
}

/// The local signing secret of `profile`: made once, kept in
/// `$XDG_CONFIG_HOME/stripe/listen.toml` (else `~/.config/...`) so that a
/// receiver configured with it keeps working across restarts.
pub fn secret(env: &dyn Fn(&str) -> Option<String>, profile: &str) -> Result<String, String> {
    let Some(path) = secrets_path(env) else {
        return Ok(new_secret());
    };
    let mut table: toml::Table = match std::fs::read_to_string(&path) {
        Ok(text) => text
            .parse()
            .map_err(|e| format!("{}: {e}", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => toml::Table::new(),
        Err(e) => return Err(format!("reading {}: {e}", path.display())),
    };
    let kept = table
        .get(profile)
        .and_then(|p| p.get("secret"))
        .and_then(|s| s.as_str());
    if let Some(secret) = kept {
        return Ok(secret.to_owned());
    }
    let secret = new_secret();
    let mut entry = toml::Table::new();
    entry.insert("secret".into(), toml::Value::String(secret.clone()));
    table.insert(profile.to_owned(), toml::Value::Table(entry));
    write_secrets(&path, &table)?;
    Ok(secret)
}

fn secrets_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let base = env("XDG_CONFIG_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(base.join("stripe").join("listen.toml"))
}

fn write_secrets(path: &PathBuf, table: &toml::Table) -> Result<(), String> {
    let failed = |e: std::io::Error| format!("writing {}: {e}", path.display());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let text = format!(
        "# The signing secrets of `stripe listen`, by profile.\n{}",
        toml::to_string(table).unwrap_or_default()
    );
    let staged = path.with_extension("toml.new");
    std::fs::write(&staged, text).map_err(failed)?;
    std::fs::rename(&staged, path).map_err(failed)
}

/// `whsec_` and 64 random hex digits, from the system's random source.
fn new_secret() -> String {
    let a = uuid::Uuid::new_v4().simple().to_string();
    let b = uuid::Uuid::new_v4().simple().to_string();
    format!("whsec_{a}{b}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profiles_secret_is_kept_across_runs_and_profiles_differ() {
        let dir = std::env::temp_dir().join(format!("stripe-listen-{}", std::process::id()));
        let home = dir.to_string_lossy().into_owned();
        let env = move |name: &str| (name == "XDG_CONFIG_HOME").then(|| home.clone());
        let first = secret(&env, "default").unwrap();
        assert!(
            first.starts_with("whsec_") && first.len() == 6 + 64,
            "{first}"
        );
        assert_eq!(secret(&env, "default").unwrap(), first);
        assert_ne!(secret(&env, "other").unwrap(), first);
        assert_eq!(secret(&env, "default").unwrap(), first);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_thin_payload_is_the_event_without_its_data() {
        let event = json!({"id": "evt_1", "object": "v2.core.event", "type": "v2.core.event_destination.ping",
            "created": "2026-01-31T12:00:00.000Z", "livemode": false, "data": {"x": 1},
            "related_object": {"id": "ed_1", "type": "v2.core.event_destination", "url": "/v2/core/event_destinations/ed_1"}});
        let thin = thin_payload(&event);
        assert!(thin.get("data").is_none());
        assert_eq!(thin["related_object"]["id"], "ed_1");
    }

    #[test]
    fn the_follower_moves_past_the_newest_second_and_keeps_its_ids() {
        let mut follower = Follower {
            api: Api::V1,
            since: Since::Seconds(0),
            seen: Vec::new(),
        };
        let e = |id: &str, created: i64| json!({"id": id, "created": created});
        follower.advance(&[e("a", 5), e("b", 7), e("c", 7)]);
        assert_eq!(follower.since, Since::Seconds(7));
        assert_eq!(follower.seen, ["b", "c"]);
        follower.advance(&[e("d", 7)]);
        assert_eq!(follower.seen, ["b", "c", "d"]);
        follower.advance(&[e("f", 9)]);
        assert_eq!(follower.seen, ["f"]);
    }
}
