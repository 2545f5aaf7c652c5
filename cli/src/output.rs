//! What the CLI writes: response bodies as JSON (pretty and coloured on a
//! terminal, compact when piped), JSON lines or YAML; Stripe's errors on
//! stderr with type, code, param, message and request id.

use std::io::{self, Write};

use serde_json::ser::{Formatter, PrettyFormatter};
use serde_json::Value;
use stripe_runtime::Error;

/// `--format`, or what suits where stdout goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pretty { color: bool },
    Compact,
    JsonLines,
    Yaml,
}

impl Format {
    /// `--format json` is pretty on a terminal, compact otherwise.
    pub fn choose(flag: Option<&str>, terminal: bool, no_color: bool) -> Format {
        match flag {
            Some("jsonl") => Format::JsonLines,
            Some("yaml") => Format::Yaml,
            _ if terminal => Format::Pretty { color: !no_color },
            _ => Format::Compact,
        }
    }
}

pub fn write_value(out: &mut dyn Write, value: &Value, format: Format) -> io::Result<()> {
    match format {
        Format::Pretty { color } => {
            let formatter = Colored {
                inner: PrettyFormatter::new(),
                color,
                in_key: false,
            };
            let mut serializer = serde_json::Serializer::with_formatter(&mut *out, formatter);
            serde::Serialize::serialize(value, &mut serializer)?;
            writeln!(out)
        }
        Format::Compact | Format::JsonLines => {
            serde_json::to_writer(&mut *out, value)?;
            writeln!(out)
        }
        Format::Yaml => {
            let text = serde_yaml::to_string(value).map_err(io::Error::other)?;
            out.write_all(text.as_bytes())
        }
    }
}

/// A response body: JSON as `format` says, anything else (a PDF) as it is.
pub fn write_body(out: &mut dyn Write, body: &[u8], format: Format) -> io::Result<()> {
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => write_value(out, &value, format),
        Err(_) => out.write_all(body),
    }
}

const KEY: &[u8] = b"\x1b[1;34m";
const STRING: &[u8] = b"\x1b[32m";
const LITERAL: &[u8] = b"\x1b[35m";
const NUMBER: &[u8] = b"\x1b[36m";
const RESET: &[u8] = b"\x1b[0m";

/// serde_json's pretty printer with ANSI colours around keys and values.
struct Colored {
    inner: PrettyFormatter<'static>,
    color: bool,
    in_key: bool,
}

impl Colored {
    fn paint<W: ?Sized + Write>(&self, writer: &mut W, code: &[u8], text: &[u8]) -> io::Result<()> {
        if self.color {
            writer.write_all(code)?;
            writer.write_all(text)?;
            writer.write_all(RESET)
        } else {
            writer.write_all(text)
        }
    }
}

impl Formatter for Colored {
    fn write_null<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.paint(writer, LITERAL, b"null")
    }
    fn write_bool<W: ?Sized + Write>(&mut self, writer: &mut W, value: bool) -> io::Result<()> {
        self.paint(writer, LITERAL, if value { b"true" } else { b"false" })
    }
    fn write_i64<W: ?Sized + Write>(&mut self, writer: &mut W, value: i64) -> io::Result<()> {
        self.paint(writer, NUMBER, itoa::Buffer::new().format(value).as_bytes())
    }
    fn write_u64<W: ?Sized + Write>(&mut self, writer: &mut W, value: u64) -> io::Result<()> {
        self.paint(writer, NUMBER, itoa::Buffer::new().format(value).as_bytes())
    }
    fn write_f64<W: ?Sized + Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        let text = serde_json::Number::from_f64(value)
            .map(|n| n.to_string())
            .unwrap_or_else(|| "null".to_owned());
        self.paint(writer, NUMBER, text.as_bytes())
    }
    fn begin_string<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        if self.color {
            writer.write_all(if self.in_key { KEY } else { STRING })?;
        }
        writer.write_all(b"\"")
    }
    fn end_string<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b"\"")?;
        if self.color {
            writer.write_all(RESET)?;
        }
        Ok(())
    }
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.inner.begin_array(writer)
    }
    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.inner.end_array(writer)
    }
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.inner.begin_array_value(writer, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.inner.end_array_value(writer)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.inner.begin_object(writer)
    }
    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.inner.end_object(writer)
    }
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.in_key = true;
        self.inner.begin_object_key(writer, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.in_key = false;
        self.inner.end_object_key(writer)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.inner.begin_object_value(writer)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.inner.end_object_value(writer)
    }
}

/// Exit codes, one per class of failure (cli/README.md, "Exit codes").
pub mod exit {
    pub const OK: i32 = 0;
    /// Reading a file or stdin, writing the output.
    pub const IO: i32 = 1;
    /// The command line: unknown command or flag, a parameter the spec
    /// refuses, malformed `-d`, no API key, a proxy variable the client
    /// cannot use. Nothing was sent.
    pub const USAGE: i32 = 2;
    /// Refused for safety: a live key without --live, a DELETE not confirmed.
    pub const REFUSED: i32 = 3;
    /// Stripe refused the request (HTTP 4xx other than below).
    pub const REQUEST: i32 = 4;
    /// The key is wrong or lacks permission (HTTP 401, 403).
    pub const AUTHENTICATION: i32 = 5;
    /// Still rate limited after the retries (HTTP 429).
    pub const RATE_LIMITED: i32 = 6;
    /// Stripe failed (HTTP 5xx), or answered with a body that is no Stripe JSON.
    pub const SERVER: i32 = 7;
    /// No answer: the connection failed or timed out, after the retries.
    pub const NETWORK: i32 = 8;
}

/// Writes a failed request to stderr and returns its exit code.
pub fn report(err: &mut dyn Write, error: &Error) -> i32 {
    let _ = match error {
        Error::Api(api) => {
            let _ = writeln!(
                err,
                "error: {} ({})",
                api.message
                    .as_deref()
                    .unwrap_or("Stripe refused the request"),
                api.error_type
            );
            let lines = [
                ("status", Some(api.status.to_string())),
                ("type", Some(api.error_type.to_string())),
                ("code", api.code.clone()),
                ("decline code", api.decline_code.clone()),
                ("param", api.param.clone()),
                ("request id", api.request_id.clone()),
                ("docs", api.doc_url.clone()),
            ];
            for (name, value) in lines {
                if let Some(value) = value {
                    let _ = writeln!(err, "  {name}: {value}");
                }
            }
            Ok(())
        }
        other => writeln!(err, "error: {other}"),
    };
    match (error, error.status()) {
        // A proxy variable the client cannot use: set up like the key.
        (Error::Transport(transport), _) if transport.is_config() => exit::USAGE,
        (Error::Transport(_), _) => exit::NETWORK,
        (Error::Encode(_), _) => exit::USAGE,
        (_, Some(401 | 403)) => exit::AUTHENTICATION,
        (_, Some(429)) => exit::RATE_LIMITED,
        (_, Some(status)) if (400..500).contains(&status) => exit::REQUEST,
        _ => exit::SERVER,
    }
}
