//! A minimal webhook receiver: verifies each delivery's `Stripe-Signature`
//! and dispatches on the event type. Answers 400 to a delivery that does not
//! verify and 200 otherwise, as Stripe expects.
//!
//! ```sh
//! # Once: create the endpoint and keep the secret it prints.
//! STRIPE_API_KEY=sk_test_... cargo run -p typed-stripe --example webhook_receiver -- create-endpoint https://example.com/webhook
//! STRIPE_WEBHOOK_SECRET=whsec_... cargo run -p typed-stripe --example webhook_receiver
//! stripe listen --forward-to localhost:4242/webhook   # in another terminal
//! ```

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use stripe::webhook::Webhook;
use stripe::{
    Client, CreateWebhookEndpointEnabledEvents, CreateWebhookEndpointParams, Event, EventType,
    Resource, WebhookEndpoint,
};

/// Creates the endpoint that Stripe delivers to and returns its signing
/// secret (Stripe returns it on create only). The endpoint is pinned to the
/// API version this client was generated for: without it, its events would
/// follow the account's default version, whose objects these types may not
/// fit.
async fn create_endpoint(client: &Client, url: &str) -> Result<String, stripe::Error> {
    let params = CreateWebhookEndpointParams {
        api_version: Some(stripe::API_VERSION.into()),
        ..CreateWebhookEndpointParams::new(
            vec![
                CreateWebhookEndpointEnabledEvents::CustomerCreated,
                CreateWebhookEndpointEnabledEvents::IdentityVerificationSessionRedacted,
            ],
            url,
        )
    };
    let endpoint = WebhookEndpoint::create(client, &params).await?;
    Ok(endpoint.secret.unwrap_or_default())
}

/// What the receiver does with one delivery: the status to answer and a
/// line for the log.
fn handle(webhook: &Webhook, signature: Option<&str>, payload: &[u8]) -> (StatusCode, String) {
    let event: Event = match webhook.construct_event(payload, signature.unwrap_or_default()) {
        Ok(event) => event,
        Err(error) => return (StatusCode::BAD_REQUEST, format!("rejected: {error}")),
    };
    let note = match (&event.type_, &event.data.object) {
        (
            EventType::IdentityVerificationSessionRedacted,
            Resource::IdentityVerificationSession(session),
        ) => {
            format!("verification session {} is redacted", session.id)
        }
        (EventType::CustomerCreated, Resource::Customer(customer)) => {
            format!("new customer {}", customer.id)
        }
        (EventType::Unknown(name), _) => {
            format!("event type {name} is newer than this client; ignored")
        }
        (other, _) => format!("{other} not handled here"),
    };
    (StatusCode::OK, format!("{}: {note}", event.id))
}

async fn serve(
    webhook: Arc<Webhook>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if request.uri().path() != "/webhook" || request.method() != hyper::Method::POST {
        return Ok(answer(StatusCode::NOT_FOUND, "POST /webhook".into()));
    }
    let signature = request
        .headers()
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // The signature covers the raw bytes: read them untouched.
    let payload = match request.into_body().collect().await {
        Ok(body) => body.to_bytes(),
        Err(error) => {
            return Ok(answer(
                StatusCode::BAD_REQUEST,
                format!("unreadable body: {error}"),
            ))
        }
    };
    let (status, line) = handle(&webhook, signature.as_deref(), &payload);
    println!("{status} {line}");
    Ok(answer(status, line))
}

fn answer(status: StatusCode, text: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(text)));
    *response.status_mut() = status;
    response
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [command, url] = args.as_slice() {
        if command == "create-endpoint" {
            let key = std::env::var("STRIPE_API_KEY").map_err(|_| "set STRIPE_API_KEY")?;
            let secret = create_endpoint(&Client::new(key), url).await?;
            println!("STRIPE_WEBHOOK_SECRET={secret}");
            return Ok(());
        }
    }
    let secret = std::env::var("STRIPE_WEBHOOK_SECRET")
        .map_err(|_| "set STRIPE_WEBHOOK_SECRET to the endpoint's whsec_ secret")?;
    let webhook = Arc::new(Webhook::new(secret));
    let address = SocketAddr::from(([127, 0, 0, 1], 4242));
    let listener = tokio::net::TcpListener::bind(address).await?;
    println!("listening on http://{address}/webhook");
    loop {
        let (stream, _) = listener.accept().await?;
        let webhook = webhook.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| serve(webhook.clone(), request));
            if let Err(error) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                eprintln!("connection: {error}");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stripe::webhook::generate_test_header;

    const SECRET: &str = "whsec_example";

    fn now() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
    }

    fn payload(event_type: &str, object: serde_json::Value) -> String {
        serde_json::json!({
            "id": "evt_1", "object": "event", "created": 1, "livemode": false, "pending_webhooks": 0,
            "data": {"object": object}, "type": event_type
        })
        .to_string()
    }

    #[test]
    fn a_verified_redaction_event_is_dispatched() {
        let body = payload(
            "identity.verification_session.redacted",
            serde_json::json!({
                "id": "vs_1", "object": "identity.verification_session", "client_secret": null, "created": 1,
                "last_error": null, "last_verification_report": null, "livemode": false, "metadata": {},
                "options": {}, "redaction": {"status": "redacted"}, "status": "canceled", "type": "document", "url": null
            }),
        );
        let header = generate_test_header(&body, SECRET, now());
        let (status, line) = handle(&Webhook::new(SECRET), Some(&header), body.as_bytes());
        assert_eq!(status, StatusCode::OK, "{line}");
        assert_eq!(line, "evt_1: verification session vs_1 is redacted");
    }

    #[test]
    fn a_bad_or_missing_signature_is_answered_with_400() {
        let body = payload(
            "customer.created",
            serde_json::json!({"object": "customer", "id": "cus_1"}),
        );
        let forged = generate_test_header(&body, "whsec_someone_else", now());
        assert_eq!(
            handle(&Webhook::new(SECRET), Some(&forged), body.as_bytes()).0,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            handle(&Webhook::new(SECRET), None, body.as_bytes()).0,
            StatusCode::BAD_REQUEST
        );
    }

    #[tokio::test]
    async fn the_endpoint_is_created_pinned_to_the_clients_api_version() {
        let server = stripe_mock::MockServer::start().await;
        let client = Client::builder("sk_test_123")
            .api_base(server.url())
            .build();
        create_endpoint(&client, "https://example.com/webhook")
            .await
            .unwrap();
        let sent = server.requests();
        let form = sent.last().unwrap().form_pairs();
        let value = |key: &str| form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        assert_eq!(value("api_version"), Some(stripe::API_VERSION));
        assert_eq!(value("url"), Some("https://example.com/webhook"));
        assert_eq!(value("enabled_events[0]"), Some("customer.created"));
    }

    /// Serves `webhook` on `listener` as `main` does, keeping each answer's
    /// status and log line.
    fn serve_logged(
        listener: tokio::net::TcpListener,
        webhook: Arc<Webhook>,
    ) -> Arc<std::sync::Mutex<Vec<(StatusCode, String)>>> {
        let answered = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = answered.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (webhook, log) = (webhook.clone(), log.clone());
                let service = service_fn(move |request| {
                    let (webhook, log) = (webhook.clone(), log.clone());
                    async move {
                        let (parts, body) = serve(webhook, request).await?.into_parts();
                        let text = body.collect().await?.to_bytes();
                        let line = String::from_utf8_lossy(&text).into_owned();
                        log.lock().unwrap().push((parts.status, line));
                        Ok::<_, Infallible>(Response::from_parts(parts, Full::new(text)))
                    }
                });
                tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
            }
        });
        answered
    }

    #[tokio::test]
    async fn the_stateful_mock_delivers_a_new_customer_to_this_receiver() {
        let server = stripe_mock::MockServer::builder()
            .stateful()
            .delivery_backoff(std::time::Duration::from_millis(5))
            .start()
            .await
            .unwrap();
        let client = Client::builder("sk_test_123")
            .api_base(server.url())
            .build();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/webhook", listener.local_addr().unwrap());
        let secret = create_endpoint(&client, &url).await.unwrap();
        let answered = serve_logged(listener, Arc::new(Webhook::new(secret)));

        let customer = stripe::Customer::create(&client, &Default::default())
            .await
            .unwrap();
        server.deliveries_settled().await;

        let answered = answered.lock().unwrap().clone();
        assert_eq!(answered.len(), 1, "{answered:?}");
        let (status, line) = &answered[0];
        assert_eq!(*status, StatusCode::OK, "{line}");
        assert!(
            line.ends_with(&format!(": new customer {}", customer.id)),
            "{line}"
        );
        let deliveries = server.deliveries();
        assert_eq!(deliveries.len(), 1, "{deliveries:?}");
        assert_eq!(deliveries[0].event_type, "customer.created");
        assert_eq!(
            (deliveries[0].url.as_str(), &deliveries[0].outcome),
            (url.as_str(), &Ok(200))
        );
    }

    #[test]
    fn newer_event_types_are_acknowledged() {
        let body = payload(
            "climate.order.delayed",
            serde_json::json!({"object": "climate.brand_new_object", "id": "x"}),
        );
        let header = generate_test_header(&body, SECRET, now());
        let (status, line) = handle(&Webhook::new(SECRET), Some(&header), body.as_bytes());
        assert_eq!(status, StatusCode::OK);
        assert!(line.contains("newer than this client"), "{line}");
    }
}
