//! The v2 API as the generated code has it: the requests its endpoints
//! describe (seen through a client that records them), its JSON bodies,
//! its types of date-times, int64 and decimal strings, v2 lists, and the
//! error codes of an operation.

use std::collections::BTreeMap;

use golden_v2::v2::billing::{
    CreateMeterEventErrorCode, CreateMeterEventParams, ListMeterEventParams, MeterEvent,
    MeterEventStatus, MeterEventStream, UpdateMeterEventParams,
};
use stripe_core::{
    Decimal, Decode, FromBody, Host, Method, Object, Request, StripeClient, Unsettable,
};

/// A client that answers each call with the request it describes.
struct Recorder;

impl StripeClient for Recorder {
    type Response<T: FromBody> = Request;
    type Pages<T: Decode + Object + Send + 'static> = Request;
    type SearchPages<T: Decode + Send + 'static> = Request;
    type V2Pages<T: Decode + Send + 'static> = (&'static str, Request);

    fn execute<T: FromBody>(&self, request: Request) -> Request {
        request
    }
    fn paginate<T: Decode + Object + Send + 'static>(&self, request: Request) -> Request {
        request
    }
    fn paginate_search<T: Decode + Send + 'static>(&self, request: Request) -> Request {
        request
    }
    fn paginate_v2<T: Decode + Send + 'static>(&self, request: Request) -> (&'static str, Request) {
        ("v2", request)
    }
}

fn json_body(request: &Request) -> &str {
    match request.body() {
        stripe_core::request::Body::Json(json) => json,
        other => panic!("not a JSON body: {other:?}"),
    }
}

#[test]
fn a_v2_create_describes_a_json_body_with_its_documents_version() {
    let mut params = CreateMeterEventParams::new(
        "api_calls",
        BTreeMap::from([("value".to_owned(), "3".to_owned())]),
    );
    params.value = Some("12.50".parse::<Decimal>().unwrap());
    params.timestamp = Some(stripe_core::DateTime::parse("2026-01-31T12:00:00+01:00").unwrap());
    let request = MeterEvent::create(&Recorder, &params);
    assert_eq!(request.method(), Method::Post);
    assert_eq!(request.path(), "/v2/billing/meter_events");
    assert_eq!(request.version(), Some("2026-09-30.endive"));
    assert_eq!(
        json_body(&request),
        r#"{"event_name":"api_calls","payload":{"value":"3"},"timestamp":"2026-01-31T11:00:00.000Z","value":"12.50"}"#
    );
}

#[test]
fn an_update_sends_null_to_clear_and_leaves_out_what_it_does_not_touch() {
    let params = UpdateMeterEventParams {
        description: Some(Unsettable::Unset),
        metadata: Some(BTreeMap::from([
            ("gone".to_owned(), Unsettable::Unset),
            ("kept".to_owned(), Unsettable::Set("v".to_owned())),
        ])),
    };
    let request = MeterEvent::update(&Recorder, "mev_1", &params);
    assert_eq!(request.path(), "/v2/billing/meter_events/mev_1");
    assert_eq!(
        json_body(&request),
        r#"{"description":null,"metadata":{"gone":null,"kept":"v"}}"#
    );
    // A POST without parameters still sends an object.
    let cancel = MeterEvent::cancel(&Recorder, "mev_1", &Default::default());
    assert_eq!(json_body(&cancel), "{}");
}

#[test]
fn a_v2_list_is_paged_by_next_page_url_and_filters_go_in_the_query() {
    let params = ListMeterEventParams {
        limit: Some(2),
        created: Some(golden_v2::v2::billing::ListMeterEventCreated {
            gt: Some(stripe_core::DateTime::parse("2026-01-01T00:00:00Z").unwrap()),
        }),
        ..Default::default()
    };
    let (kind, request) = MeterEvent::list_auto_paging(&Recorder, &params);
    assert_eq!(kind, "v2");
    assert_eq!(
        request.query_pairs(),
        [
            ("limit".to_owned(), "2".to_owned()),
            (
                "created[gt]".to_owned(),
                "2026-01-01T00:00:00.000Z".to_owned()
            )
        ]
    );
    let page: stripe_core::V2List<MeterEvent> = stripe_core::from_slice(
        br#"{"data":[{"id":"mev_1","object":"v2.billing.meter_event","created":"2026-01-31T12:00:00.123Z","count":"9007199254740993","total":"0.10","status":"settling"}],
            "next_page_url":"/v2/billing/meter_events?page=p2","previous_page_url":null}"#,
    )
    .unwrap();
    let event = &page.data[0];
    // An int64 beyond what a JSON number holds exactly, a decimal with its
    // digits, an open enum keeping a value the spec does not list.
    assert_eq!(event.count, 9_007_199_254_740_993);
    assert_eq!(event.total.unwrap().to_string(), "0.10");
    assert_eq!(
        event.status,
        Some(MeterEventStatus::Unknown("settling".into()))
    );
    assert_eq!(event.created.to_rfc3339(), "2026-01-31T12:00:00.123Z");
    assert_eq!(
        page.next_page_url.as_deref(),
        Some("/v2/billing/meter_events?page=p2")
    );
    let back = serde_json::to_value(event).unwrap();
    assert_eq!(back["count"], "9007199254740993");
    assert_eq!(back["total"], "0.10");
}

#[test]
fn an_operation_with_a_server_of_its_own_says_so() {
    let request = MeterEventStream::create(
        &Recorder,
        &golden_v2::v2::billing::CreateMeterEventStreamParams::new(Vec::new()),
    );
    assert_eq!(
        request.target_host(),
        Host::Server("https://meter-events.stripe.com/")
    );
    // v1's meter event is another type, in another module, on the API host.
    let v1 = golden_v2::billing::MeterEvent::create(
        &Recorder,
        &golden_v2::billing::CreateMeterEventParams::new("api_calls"),
    );
    assert_eq!(v1.target_host(), Host::Api);
    assert!(matches!(v1.body(), stripe_core::request::Body::Form(_)));
}

#[test]
fn an_operations_error_codes_are_an_open_enum_of_its_error_shapes() {
    assert_eq!(
        CreateMeterEventErrorCode::from("archived_meter"),
        CreateMeterEventErrorCode::ArchivedMeter
    );
    assert_eq!(CreateMeterEventErrorCode::NoMeter.as_str(), "no_meter");
    assert_eq!(
        CreateMeterEventErrorCode::from("rate_limited"),
        CreateMeterEventErrorCode::Unknown("rate_limited".into())
    );
}

#[test]
fn v1_and_v2_objects_of_one_name_decode_as_their_own_resources() {
    let v2: golden_v2::Resource = stripe_core::from_slice(
        br#"{"id":"mev_1","object":"v2.billing.meter_event","created":"2026-01-31T12:00:00Z","count":"1"}"#,
    )
    .unwrap();
    assert_eq!(v2.resource_id(), Some("v2.billing.meter_event"));
    let v1: golden_v2::Resource =
        stripe_core::from_slice(br#"{"id":"mev_1","object":"billing.meter_event"}"#).unwrap();
    assert_eq!(v1.resource_id(), Some("billing.meter_event"));
}
