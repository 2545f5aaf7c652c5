//! The v2 API end to end: the generated endpoints through the real client
//! against the mock (stateful where it keeps what was created), the JSON it
//! received, v2 lists over several pages, typed error codes, and thin
//! events verified, parsed and followed in their context.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use futures::TryStreamExt;
use serde_json::{json, Value};
use stripe::v2::billing::{CreateMeterEventParams, MeterEvent, MeterEventStream};
use stripe::v2::core::{
    CreateEventDestinationEventPayload, CreateEventDestinationParams, CreateEventDestinationType,
    CreateEventDestinationWebhookEndpoint, Event, EventDestination, EventDestinationStatus,
    EventNotification, ListEventDestinationParams, RetrieveEventDestinationErrorCode,
    UpdateEventDestinationParams,
};
use stripe::webhook::{self, generate_test_header, WebhookError};
use stripe::{Client, Unsettable};
use stripe_mock::{MockServer, RecordedRequest};

const SECRET: &str = "whsec_test_v2";

fn client(server: &MockServer) -> Client {
    Client::builder("sk_test_v2")
        .all_to(server.url())
        .max_retries(0)
        .build()
}

async fn stateful() -> MockServer {
    MockServer::builder().stateful().start().await.unwrap()
}

fn destination_params(name: &str) -> CreateEventDestinationParams {
    let mut params = CreateEventDestinationParams::new(
        vec!["v1.billing.meter.error_report_triggered".to_owned()],
        CreateEventDestinationEventPayload::Thin,
        name,
        CreateEventDestinationType::WebhookEndpoint,
    );
    params.webhook_endpoint = Some(CreateEventDestinationWebhookEndpoint::new(
        "https://example.com/hooks",
    ));
    params.metadata = Some(BTreeMap::from([("team".to_owned(), "billing".to_owned())]));
    params
}

/// The request the mock received to `path`, the last one.
fn received(server: &MockServer, method: &str, path: &str) -> RecordedRequest {
    server
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == method && r.path == path)
        .unwrap_or_else(|| panic!("no {method} {path} among {:?}", server.requests()))
}

#[tokio::test]
async fn a_json_body_goes_out_as_stripes_sdks_send_it() {
    let server = stateful().await;
    let client = client(&server).with_stripe_context("acct_1/acct_2");
    EventDestination::create(&client, &destination_params("orders"))
        .await
        .unwrap();
    let create = received(&server, "POST", "/v2/core/event_destinations");
    assert_eq!(
        std::str::from_utf8(&create.body).unwrap(),
        r#"{"enabled_events":["v1.billing.meter.error_report_triggered"],"event_payload":"thin","metadata":{"team":"billing"},"name":"orders","type":"webhook_endpoint","webhook_endpoint":{"url":"https://example.com/hooks"}}"#
    );
    assert_eq!(create.header("content-type"), Some("application/json"));
    // The version of the document v2 comes from, and the context asked for.
    assert_eq!(create.header("stripe-version"), Some("2026-09-30.endive"));
    assert_eq!(create.header("stripe-context"), Some("acct_1/acct_2"));
    assert!(create.header("idempotency-key").is_some());
}

#[tokio::test]
async fn event_destinations_live_their_whole_life_on_the_mock() {
    let server = stateful().await;
    let client = client(&server);
    let created = EventDestination::create(&client, &destination_params("orders"))
        .await
        .unwrap();
    assert_eq!(created.name, "orders");
    assert!(created.id.starts_with("ed_"), "{}", created.id);
    // Now, to the millisecond, as Stripe writes v2 times.
    let stamp = created.created.to_rfc3339();
    assert_eq!(stamp.len(), "2026-01-31T12:00:00.000Z".len(), "{stamp}");
    assert_eq!(created.metadata.as_ref().unwrap()["team"], "billing");

    // An update clears what it sends as null (a metadata key) and sets
    // the rest; a body-less action sends `{}`.
    let mut update = UpdateEventDestinationParams {
        name: Some("orders v2".into()),
        ..Default::default()
    };
    update.metadata = Some(BTreeMap::from([
        ("team".to_owned(), Unsettable::Unset),
        ("owner".to_owned(), Unsettable::Set("ana".to_owned())),
    ]));
    let updated = EventDestination::update(&client, &created.id, &update)
        .await
        .unwrap();
    let path = format!("/v2/core/event_destinations/{}", created.id);
    assert_eq!(
        std::str::from_utf8(&received(&server, "POST", &path).body).unwrap(),
        r#"{"metadata":{"owner":"ana","team":null},"name":"orders v2"}"#
    );
    assert_eq!(updated.name, "orders v2");
    assert_eq!(
        updated.metadata.unwrap(),
        BTreeMap::from([("owner".to_owned(), "ana".to_owned())])
    );

    let disabled = EventDestination::disable(&client, &created.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(disabled.status, EventDestinationStatus::Disabled);
    let disable = received(&server, "POST", &format!("{path}/disable"));
    assert_eq!(&disable.body[..], b"{}");
    let enabled = EventDestination::enable(&client, &created.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(enabled.status, EventDestinationStatus::Enabled);
    let fetched = EventDestination::retrieve(&client, &created.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(fetched.status, EventDestinationStatus::Enabled);

    // A ping records a thin event, which the events list then has.
    let ping = EventDestination::ping(&client, &created.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(ping.type_, "v2.core.event_destination.ping");
    assert_eq!(ping.related_object.as_ref().unwrap().url, path);
    let events: Vec<Event> = Event::list_auto_paging(&client, &Default::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(events.iter().map(|e| &e.id).collect::<Vec<_>>(), [&ping.id]);
    let again = Event::retrieve(&client, &ping.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(again.type_, ping.type_);

    let deleted = EventDestination::delete(&client, &created.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(deleted.id, created.id);
    assert_eq!(deleted.object.as_deref(), Some("v2.core.event_destination"));
    let delete = received(&server, "DELETE", &path);
    assert!(
        delete.header("idempotency-key").is_some(),
        "v2 keys a DELETE too"
    );

    // Gone: a 404 whose code is one the operation lists.
    let error = EventDestination::retrieve(&client, &created.id, &Default::default())
        .await
        .unwrap_err();
    let stripe::Error::Api(error) = error else {
        panic!("{error}")
    };
    assert_eq!(error.status, 404);
    assert_eq!(
        error.code_as::<RetrieveEventDestinationErrorCode>(),
        Some(RetrieveEventDestinationErrorCode::NotFound)
    );
    assert!(error.request_id.is_some());
}

#[tokio::test]
async fn a_v2_list_is_followed_page_by_page_through_next_page_url() {
    let server = stateful().await;
    let client = client(&server);
    let mut ids = Vec::new();
    for n in 0..5 {
        let created = EventDestination::create(&client, &destination_params(&format!("d{n}")))
            .await
            .unwrap();
        ids.push(created.id);
    }
    let params = ListEventDestinationParams {
        limit: Some(2),
        ..Default::default()
    };
    let first = EventDestination::list(&client, &params).await.unwrap();
    assert_eq!(first.data.len(), 2);
    let next = first.next_page_url.clone().expect("more pages");
    assert!(next.starts_with("/v2/core/event_destinations?"), "{next}");

    server.clear_requests();
    let all: Vec<EventDestination> = EventDestination::list_auto_paging(&client, &params)
        .try_collect()
        .await
        .unwrap();
    ids.reverse(); // newest first
    assert_eq!(
        all.iter().map(|d| &d.id).collect::<Vec<_>>(),
        ids.iter().collect::<Vec<_>>()
    );
    // Three pages, each the URL the one before gave, as it gave it.
    let pages: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{}?{}", r.path, r.query.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert_eq!(pages[1], next);

    // The blocking client's iterator walks the same pages (on a thread of
    // its own: the mock runs on this test's runtime).
    let blocking_ids = tokio::task::spawn_blocking({
        let url = server.url();
        move || {
            let client = stripe::blocking::Client::try_from_async(
                Client::builder("sk_test_v2").all_to(url).build(),
            )
            .unwrap();
            EventDestination::list_auto_paging(&client, &params)
                .map(|d| d.map(|d| d.id))
                .collect::<Result<Vec<_>, _>>()
        }
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(blocking_ids, ids);
}

/// v2 query strings are v1's: indexed arrays and bracketed filters, as
/// Stripe's SDKs have sent them since 2025-11-17 (they sent repeated keys
/// before); dates in RFC 3339.
#[tokio::test]
async fn v2_query_parameters_are_encoded_as_the_sdks_encode_them() {
    let server = MockServer::start().await;
    let client = client(&server);
    let params = stripe::v2::core::ListEventParams {
        types: Some(vec![
            "v1.billing.meter.error_report_triggered".into(),
            "v1.billing.meter.no_meter_found".into(),
        ]),
        created: Some(stripe::v2::core::ListEventCreated {
            gte: Some(stripe::DateTime::parse("2026-01-31T12:00:00Z").unwrap()),
            ..Default::default()
        }),
        limit: Some(3),
        ..Default::default()
    };
    Event::list(&client, &params).await.unwrap();
    let sent = received(&server, "GET", "/v2/core/events");
    assert_eq!(
        sent.query_pairs(),
        [
            ("created[gte]", "2026-01-31T12:00:00.000Z"),
            ("limit", "3"),
            ("types[0]", "v1.billing.meter.error_report_triggered"),
            ("types[1]", "v1.billing.meter.no_meter_found"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    let include = ListEventDestinationParams {
        include: Some(vec![
            stripe::v2::core::ListEventDestinationInclude::WebhookEndpointUrl,
        ]),
        ..Default::default()
    };
    EventDestination::list(&client, &include).await.unwrap();
    let sent = received(&server, "GET", "/v2/core/event_destinations");
    assert_eq!(
        sent.query.as_deref(),
        Some("include%5B0%5D=webhook_endpoint.url")
    );
    assert!(sent.body.is_empty() && sent.header("content-type").is_none());
}

#[tokio::test]
async fn a_body_the_spec_refuses_is_answered_with_a_v2_error() {
    let server = MockServer::start().await;
    let client = client(&server);
    // A required field missing (sent anyway, past the types, as JSON).
    let error = client
        .raw_request(
            stripe::Method::Post,
            "/v2/core/event_destinations",
            &json!({"name": "x", "enabled_events": [], "type": "webhook_endpoint"}),
        )
        .await
        .unwrap_err();
    let stripe::Error::Api(error) = error else {
        panic!("{error}")
    };
    assert_eq!(
        (error.status, error.code.as_deref()),
        (400, Some("invalid_fields"))
    );
    assert!(
        error.message.as_deref().unwrap().contains("event_payload"),
        "{error}"
    );
    let wrong_type = client
        .raw_request(
            stripe::Method::Post,
            "/v2/billing/meter_events",
            &json!({"event_name": "x", "payload": {"value": 12}}),
        )
        .await
        .unwrap_err();
    assert!(
        wrong_type.to_string().contains("payload[value]"),
        "{wrong_type}"
    );
    // raw_request sent those as JSON: the path is v2's.
    let sent = received(&server, "POST", "/v2/billing/meter_events");
    assert_eq!(sent.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn the_meter_event_stream_goes_to_its_own_host() {
    let api = MockServer::start().await;
    let meter_events = MockServer::start().await;
    let client = Client::builder("sk_test_v2")
        .api_base(api.url())
        .meter_events_base(meter_events.url())
        .max_retries(0)
        .build();
    let mut params = stripe::v2::billing::CreateMeterEventStreamParams::new(vec![
        stripe::v2::billing::CreateMeterEventStreamEvents::new(
            "api_calls",
            BTreeMap::from([("stripe_customer_id".to_owned(), "cus_1".to_owned())]),
        ),
    ]);
    params.events[0].timestamp = Some(stripe::DateTime::parse("2026-01-31T12:00:00Z").unwrap());
    MeterEventStream::create(&client, &params).await.unwrap();
    let sent = received(&meter_events, "POST", "/v2/billing/meter_event_stream");
    assert_eq!(
        std::str::from_utf8(&sent.body).unwrap(),
        r#"{"events":[{"event_name":"api_calls","payload":{"stripe_customer_id":"cus_1"},"timestamp":"2026-01-31T12:00:00.000Z"}]}"#
    );
    assert!(api.requests().is_empty());
    // The synchronous endpoint is on the API host.
    MeterEvent::create(
        &client,
        &CreateMeterEventParams::new(
            "api_calls",
            BTreeMap::from([("value".to_owned(), "1".to_owned())]),
        ),
    )
    .await
    .unwrap();
    assert_eq!(api.requests().len(), 1);
}

/// A thin event as an event destination receives it, signed just now.
fn notification(event: &Value) -> (String, String) {
    let payload = event.to_string();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let header = generate_test_header(&payload, SECRET, now);
    (payload, header)
}

#[tokio::test]
async fn a_thin_event_is_verified_parsed_and_followed_in_its_context() {
    let server = stateful().await;
    let client = client(&server);
    let destination = EventDestination::create(&client, &destination_params("orders"))
        .await
        .unwrap();
    let ping = EventDestination::ping(&client, &destination.id, &Default::default())
        .await
        .unwrap();
    // As delivered: the event without data, in an account's context.
    let delivered = json!({
        "id": ping.id, "object": "v2.core.event", "type": "v2.core.event_destination.ping",
        "created": "2026-01-31T12:00:00.000Z", "livemode": false, "context": "acct_123",
        "related_object": ping.related_object.as_ref().map(|r| json!({"id": r.id, "type": r.type_, "url": r.url})),
    });
    let (payload, header) = notification(&delivered);
    let note = webhook::parse_event_notification(&payload, &header, SECRET).unwrap();
    let EventNotification::V2CoreEventDestinationPing(ping_note) = &note else {
        panic!("{note:?}")
    };
    assert_eq!(ping_note.context.as_deref(), Some("acct_123"));
    server.clear_requests();
    let related: EventDestination = ping_note
        .fetch_related_object(&client)
        .expect("a ping relates to its destination")
        .await
        .unwrap();
    assert_eq!(related.id, destination.id);
    let event = note.fetch_event(&client).await.unwrap();
    assert_eq!(event.id, ping.id);
    for request in server.requests() {
        assert_eq!(
            request.header("stripe-context"),
            Some("acct_123"),
            "{}",
            request.path
        );
        let trigger = format!("event={}", ping.id);
        assert_eq!(
            request.header("stripe-request-trigger"),
            Some(trigger.as_str())
        );
    }
    assert_eq!(
        server
            .requests()
            .iter()
            .map(|r| r.path.clone())
            .collect::<Vec<_>>(),
        [
            format!("/v2/core/event_destinations/{}", destination.id),
            format!("/v2/core/events/{}", ping.id)
        ]
    );

    // A type this client does not know is kept, and still followed as JSON.
    let mut newer = delivered.clone();
    newer["type"] = json!("v2.core.something_new.happened");
    let (payload, header) = notification(&newer);
    let note = webhook::parse_event_notification(&payload, &header, SECRET).unwrap();
    assert!(matches!(note, EventNotification::Unknown(_)), "{note:?}");
    let object = note
        .fetch_related_object_json(&client)
        .unwrap()
        .await
        .unwrap();
    assert_eq!(object["id"], destination.id.as_str());
}

#[test]
fn each_parser_refuses_the_others_payload_by_name() {
    let snapshot = json!({"id": "evt_1", "object": "event", "type": "customer.created",
        "api_version": "2023-08-16", "created": 1, "livemode": false, "pending_webhooks": 0,
        "request": {"id": null, "idempotency_key": null}, "data": {"object": {"object": "customer", "id": "cus_1"}}});
    let (payload, header) = notification(&snapshot);
    let error = webhook::parse_event_notification(&payload, &header, SECRET).unwrap_err();
    assert!(matches!(error, WebhookError::SnapshotEvent), "{error}");
    assert!(error.to_string().contains("construct_event"), "{error}");

    let thin = json!({"id": "evt_2", "object": "v2.core.event", "type": "v1.billing.meter.no_meter_found",
        "created": "2026-01-31T12:00:00.000Z", "livemode": false});
    let (payload, header) = notification(&thin);
    let error = webhook::construct_event(&payload, &header, SECRET).unwrap_err();
    assert!(
        matches!(error, WebhookError::ThinEventNotification),
        "{error}"
    );
    assert!(
        error.to_string().contains("parse_event_notification"),
        "{error}"
    );
    // ... and parses where it belongs: it relates to nothing.
    let note = webhook::parse_event_notification(&payload, &header, SECRET).unwrap();
    assert!(matches!(
        note,
        EventNotification::V1BillingMeterNoMeterFound(_)
    ));
    assert!(note
        .fetch_related_object_json(&Client::new("sk_test_x"))
        .is_none());

    // A forged signature is refused before anything is read.
    let error = webhook::parse_event_notification(&payload, &header, "whsec_other").unwrap_err();
    assert!(
        matches!(error, WebhookError::NoMatchingSignature),
        "{error}"
    );
}

#[tokio::test]
async fn the_handler_dispatches_by_type_with_a_client_in_the_events_context() {
    use std::sync::{Arc, Mutex};
    let server = stateful().await;
    let client = client(&server);
    let destination = EventDestination::create(&client, &destination_params("orders"))
        .await
        .unwrap();
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let handler = handler_for(&client, &seen);
    assert_eq!(
        handler.registered_event_types(),
        ["v2.core.event_destination.ping"]
    );
    let twice =
        handler_for(&client, &seen).on("v2.core.event_destination.ping", |_, _| async { Ok(()) });
    assert!(twice.is_err_and(|e| e.0 == "v2.core.event_destination.ping"));
    let url = format!("/v2/core/event_destinations/{}", destination.id);
    for (event_type, context) in [
        ("v2.core.event_destination.ping", Some("acct_9")),
        ("v2.core.account.created", None),
        ("v2.brand.new", None),
    ] {
        let delivered = json!({"id": "evt_h", "object": "v2.core.event", "type": event_type,
            "created": "2026-01-31T12:00:00.000Z", "livemode": false, "context": context,
            "related_object": {"id": destination.id, "type": "v2.core.event_destination", "url": url}});
        let (payload, header) = notification(&delivered);
        handler.handle(&payload, &header).await.unwrap();
    }
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "ping orders",
            "fallback v2.core.account.created known=true",
            "fallback v2.brand.new known=false"
        ]
    );
    let fetch = received(&server, "GET", &url);
    assert_eq!(fetch.header("stripe-context"), Some("acct_9"));
}

/// The handler under test: pings to a closure that fetches the destination
/// with the client it is given, the rest to the fallback.
fn handler_for(
    client: &Client,
    seen: &std::sync::Arc<std::sync::Mutex<Vec<String>>>,
) -> webhook::EventNotificationHandler {
    let (on_ping, fallback) = (std::sync::Arc::clone(seen), std::sync::Arc::clone(seen));
    webhook::EventNotificationHandler::new(
        client.clone(),
        SECRET,
        move |note: EventNotification, _client, unhandled: webhook::Unhandled| {
            let seen = std::sync::Arc::clone(&fallback);
            async move {
                seen.lock().unwrap().push(format!(
                    "fallback {} known={}",
                    note.event().type_,
                    unhandled.is_known_event_type
                ));
                Ok(())
            }
        },
    )
    .on("v2.core.event_destination.ping", move |note, client| {
        let seen = std::sync::Arc::clone(&on_ping);
        async move {
            let EventNotification::V2CoreEventDestinationPing(ping) = note else {
                return Err("not a ping".into());
            };
            let destination = ping.fetch_related_object(&client).unwrap().await?;
            seen.lock()
                .unwrap()
                .push(format!("ping {}", destination.name));
            Ok(())
        }
    })
    .unwrap()
}
