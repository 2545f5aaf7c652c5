//! What the client tells Stripe about itself, as Stripe's SDKs do: the
//! `User-Agent` (with the application's name, version and URL when set),
//! `X-Stripe-Client-User-Agent` (a JSON object: bindings version, language,
//! platform, application) and `X-Stripe-Client-Telemetry` (the request id
//! and duration of the previous request). `ClientBuilder::telemetry(false)`
//! leaves out the last two.

use std::sync::Mutex;
use std::time::Duration;

use hyper::header::HeaderValue;

/// The library's version, as the `bindings_version` Stripe sees.
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The package, as `User-Agent` names it: `typed-stripe-runtime`.
const PACKAGE: &str = env!("CARGO_PKG_NAME");

/// The application that uses the client, shown to Stripe (as stripe-node's
/// `appInfo`): `MyShop/1.2.0 (https://myshop.example)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppInfo {
    pub name: String,
    pub version: Option<String>,
    pub url: Option<String>,
}

impl AppInfo {
    pub fn new(name: impl Into<String>) -> AppInfo {
        AppInfo {
            name: name.into(),
            version: None,
            url: None,
        }
    }

    pub fn version(mut self, version: impl Into<String>) -> AppInfo {
        self.version = Some(version.into());
        self
    }

    pub fn url(mut self, url: impl Into<String>) -> AppInfo {
        self.url = Some(url.into());
        self
    }

    /// `Name/1.2.0 (https://...)`, as the SDKs append it to the user agent.
    fn user_agent_part(&self) -> String {
        let mut text = self.name.clone();
        if let Some(version) = &self.version {
            text.push('/');
            text.push_str(version);
        }
        if let Some(url) = &self.url {
            text.push_str(&format!(" ({url})"));
        }
        text
    }
}

/// The headers that describe the client, made once per client.
#[derive(Debug)]
pub(crate) struct Telemetry {
    pub user_agent: HeaderValue,
    /// `None` when telemetry is off.
    pub client_user_agent: Option<HeaderValue>,
    /// The previous response's request id and duration, sent with the next
    /// request; `None` when telemetry is off.
    last_request: Option<Mutex<Option<(String, u128)>>>,
}

impl Telemetry {
    pub fn new(app: Option<&AppInfo>, enabled: bool) -> Telemetry {
        let mut user_agent = format!("{PACKAGE}/{VERSION} (Rust)");
        if let Some(app) = app {
            user_agent.push(' ');
            user_agent.push_str(&app.user_agent_part());
        }
        Telemetry {
            user_agent: header(&user_agent),
            client_user_agent: enabled.then(|| header(&client_user_agent(app).to_string())),
            last_request: enabled.then(|| Mutex::new(None)),
        }
    }

    /// `X-Stripe-Client-Telemetry` for the next request, if one was timed.
    pub fn last_request_header(&self) -> Option<HeaderValue> {
        let slot = self.last_request.as_ref()?;
        let (request_id, duration) = slot.lock().ok()?.clone()?;
        let value = serde_json::json!({
            "last_request_metrics": {"request_id": request_id, "request_duration_ms": duration},
        });
        HeaderValue::from_str(&value.to_string()).ok()
    }

    pub fn record(&self, request_id: Option<&str>, duration: Duration) {
        let (Some(slot), Some(request_id)) = (&self.last_request, request_id) else {
            return;
        };
        if let Ok(mut last) = slot.lock() {
            *last = Some((request_id.to_owned(), duration.as_millis()));
        }
    }
}

/// The JSON of `X-Stripe-Client-User-Agent`, in the fields stripe-node sends.
fn client_user_agent(app: Option<&AppInfo>) -> serde_json::Value {
    let mut value = serde_json::json!({
        "bindings_version": VERSION,
        "lang": "rust",
        "publisher": "stripe-codegen",
        "uname": format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
    });
    if let Some(app) = app {
        value["application"] =
            serde_json::json!({"name": app.name, "version": app.version, "url": app.url});
    }
    value
}

/// A header value from text that may hold characters a header cannot: those
/// become `?`, so a strange application name never fails a request.
fn header(text: &str) -> HeaderValue {
    let clean: String = text
        .chars()
        .map(|c| if (' '..='~').contains(&c) { c } else { '?' })
        .collect();
    HeaderValue::from_str(&clean).unwrap_or_else(|_| HeaderValue::from_static(PACKAGE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_agent_carries_the_application() {
        let app = AppInfo::new("MyShop")
            .version("1.2.0")
            .url("https://myshop.example");
        let telemetry = Telemetry::new(Some(&app), true);
        assert_eq!(
            telemetry.user_agent.to_str().unwrap(),
            format!("typed-stripe-runtime/{VERSION} (Rust) MyShop/1.2.0 (https://myshop.example)")
        );
        let json: serde_json::Value =
            serde_json::from_str(telemetry.client_user_agent.unwrap().to_str().unwrap()).unwrap();
        assert_eq!(json["lang"], "rust");
        assert_eq!(json["application"]["name"], "MyShop");
    }

    #[test]
    fn a_name_with_line_breaks_cannot_add_a_header() {
        let telemetry = Telemetry::new(Some(&AppInfo::new("Shop\r\nX-Evil: 1")), true);
        assert!(!telemetry.user_agent.to_str().unwrap().contains('\n'));
    }

    #[test]
    fn off_means_no_client_user_agent_and_no_metrics() {
        let telemetry = Telemetry::new(None, false);
        telemetry.record(Some("req_1"), Duration::from_millis(5));
        assert!(telemetry.client_user_agent.is_none());
        assert!(telemetry.last_request_header().is_none());
    }
}
