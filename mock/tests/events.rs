//! The stateful mock records the v1 events Stripe would announce, in
//! Stripe's shape, and `GET /v1/events` lists and retrieves them.

mod support;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use stripe::identity::{
    CreateVerificationSessionParams, CreateVerificationSessionType, VerificationSession,
};
use stripe::{CreateCustomerParams, Customer, Event, EventType, ListEventParams, Resource};
use stripe_mock::MockServer;
use stripe_runtime::encode::Unsettable;
use support::{client, events, get, post, stateful, types};

fn metadata(pairs: &[(&str, &str)]) -> Option<Unsettable<BTreeMap<String, String>>> {
    let map = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()));
    Some(Unsettable::Set(map.collect()))
}

/// The `Request-Id` the mock answered the last request with.
fn last_request_id(server: &MockServer) -> String {
    server.requests().last().unwrap().request_id.clone()
}

#[tokio::test]
async fn a_create_is_announced_in_stripes_shape() {
    let server = stateful().await;
    let params = CreateCustomerParams {
        email: Some("jenny@example.com".into()),
        ..Default::default()
    };
    let customer = Customer::create(&client(&server), &params).await.unwrap();
    let request_id = last_request_id(&server);
    let sent = server.requests();
    // The client sends a key of its own with every POST.
    let idempotency_key = sent.last().unwrap().header("idempotency-key").unwrap();

    let listed = events(&server, "").await;
    assert_eq!(types(&listed), ["customer.created"]);
    let event = &listed[0];
    assert!(
        event["id"].as_str().unwrap().starts_with("evt_"),
        "{event:#}"
    );
    assert_eq!(event["object"], "event");
    assert_eq!(event["api_version"], "2023-08-16", "the spec's");
    assert_eq!(event["livemode"], false);
    assert_eq!(event["pending_webhooks"], 0, "no endpoint to go to");
    assert_eq!(
        event["request"],
        json!({"id": request_id, "idempotency_key": idempotency_key})
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let created = event["created"].as_u64().unwrap();
    assert!(now.abs_diff(created) < 60, "created now: {created}");
    assert_eq!(event["data"]["object"]["id"], customer.id.as_str());
    assert_eq!(event["data"]["object"]["email"], "jenny@example.com");
    assert!(event["data"].get("previous_attributes").is_none());

    // The generated client reads it as Stripe's: typed by its type.
    let typed = Event::list(&client(&server), &Default::default())
        .await
        .unwrap();
    let typed = &typed.data[0];
    assert_eq!(typed.type_, EventType::CustomerCreated);
    let Resource::Customer(object) = &typed.data.object else {
        panic!("not a customer: {:?}", typed.data.object);
    };
    assert_eq!(object.id, customer.id);
}

#[tokio::test]
async fn an_update_carries_the_old_values_of_what_changed_and_a_delete_the_object() {
    let server = stateful().await;
    let client = client(&server);
    let params = CreateCustomerParams {
        email: Some("jenny@example.com".into()),
        metadata: metadata(&[("order", "6735")]),
        ..Default::default()
    };
    let customer = Customer::create(&client, &params).await.unwrap();
    let update = stripe::UpdateCustomerParams {
        email: Some("jenny.rosen@example.com".into()),
        metadata: metadata(&[("tier", "gold")]),
        ..Default::default()
    };
    Customer::update(&client, &customer.id, &update)
        .await
        .unwrap();
    // The same values again: nothing changes, nothing is announced.
    Customer::update(&client, &customer.id, &update)
        .await
        .unwrap();
    Customer::delete(&client, &customer.id, &Default::default())
        .await
        .unwrap();

    let listed = events(&server, "").await;
    assert_eq!(
        types(&listed),
        ["customer.deleted", "customer.updated", "customer.created"],
        "newest first"
    );
    let updated = &listed[1]["data"];
    assert_eq!(updated["object"]["email"], "jenny.rosen@example.com");
    assert_eq!(
        updated["previous_attributes"],
        json!({"email": "jenny@example.com", "metadata": {"tier": null}})
    );
    let deleted = &listed[0]["data"]["object"];
    assert_eq!(
        (deleted["id"].as_str(), deleted["email"].as_str()),
        (Some(customer.id.as_str()), Some("jenny.rosen@example.com")),
        "the object as it was"
    );
}

#[tokio::test]
async fn a_subscription_is_announced_by_the_type_that_carries_subscriptions() {
    let server = stateful().await;
    let (_, customer) = post(&server, "/v1/customers", &[]).await;
    let customer = customer["id"].as_str().unwrap();
    let form = [("customer", customer), ("items[0][price]", "price_1")];
    let (status, subscription) = post(&server, "/v1/subscriptions", &form).await;
    assert_eq!(status, 200, "{subscription:#}");
    let path = format!("/v1/subscriptions/{}", subscription["id"].as_str().unwrap());
    let (status, canceled) = support::call(&server, reqwest::Method::DELETE, &path, &[]).await;
    assert_eq!(status, 200, "{canceled:#}");

    assert_eq!(
        types(&events(&server, "").await),
        [
            "customer.subscription.deleted",
            "customer.subscription.created",
            "customer.created"
        ]
    );
}

#[tokio::test]
async fn an_action_is_announced_by_the_past_tense_of_its_verb() {
    let server = stateful().await;
    let client = client(&server);
    let params = CreateVerificationSessionParams::new(CreateVerificationSessionType::Document);
    let session = VerificationSession::create(&client, &params).await.unwrap();
    VerificationSession::redact(&client, &session.id, &Default::default())
        .await
        .unwrap();

    let (_, order) = post(
        &server,
        "/v1/climate/orders",
        &[("product", "climsku_1"), ("metric_tons", "10")],
    )
    .await;
    let order = order["id"].as_str().unwrap();
    post(&server, &format!("/v1/climate/orders/{order}/cancel"), &[]).await;

    let (_, customer) = post(&server, "/v1/customers", &[]).await;
    let customer = customer["id"].as_str().unwrap();
    let mut invoice_ids = Vec::new();
    for _ in 0..2 {
        let (_, invoice) = post(&server, "/v1/invoices", &[("customer", customer)]).await;
        let id = invoice["id"].as_str().unwrap().to_owned();
        post(&server, &format!("/v1/invoices/{id}/finalize"), &[]).await;
        invoice_ids.push(id);
    }
    let (status, paid) = post(
        &server,
        &format!("/v1/invoices/{}/pay", invoice_ids[0]),
        &[],
    )
    .await;
    assert_eq!(status, 200, "{paid:#}");
    let (status, voided) = post(
        &server,
        &format!("/v1/invoices/{}/void", invoice_ids[1]),
        &[],
    )
    .await;
    assert_eq!(status, 200, "{voided:#}");

    let listed = events(&server, "").await;
    let mut oldest_first = types(&listed);
    oldest_first.reverse();
    assert_eq!(
        oldest_first,
        [
            "identity.verification_session.created",
            "identity.verification_session.redacted",
            "climate.order.created",
            "climate.order.canceled",
            "customer.created",
            "invoice.created",
            "invoice.finalized",
            "invoice.created",
            "invoice.finalized",
            "invoice.paid",
            "invoice.payment_succeeded",
            "invoice.voided",
        ]
    );
    let redacted = &listed[listed.len() - 2]["data"]["object"];
    assert_eq!(redacted["id"], session.id.as_str());
    assert_eq!(
        redacted["redaction"]["status"], "processing",
        "the object after the action"
    );
    assert_eq!(listed[2]["data"]["object"]["status"], "paid");
}

#[tokio::test]
async fn a_refused_action_or_a_replayed_request_records_nothing() {
    let server = stateful().await;
    let (_, customer) = post(&server, "/v1/customers", &[]).await;
    let (_, invoice) = post(
        &server,
        "/v1/invoices",
        &[("customer", customer["id"].as_str().unwrap())],
    )
    .await;
    let pay = format!("/v1/invoices/{}/pay", invoice["id"].as_str().unwrap());
    let (status, _) = post(&server, &pay, &[]).await;
    assert_eq!(status, 400, "a draft cannot be paid");

    let keyed = client(&server).with_idempotency_key("order-6735");
    let params = CreateCustomerParams::default();
    let first = Customer::create(&keyed, &params).await.unwrap();
    let again = Customer::create(&keyed, &params).await.unwrap();
    assert_eq!(first.id, again.id);

    let listed = events(&server, "").await;
    assert_eq!(
        types(&listed),
        ["customer.created", "invoice.created", "customer.created"]
    );
    assert_eq!(listed[0]["request"]["idempotency_key"], "order-6735");
}

#[tokio::test]
async fn the_events_list_filters_by_type_types_and_created() {
    let server = stateful().await;
    let (_, customer) = post(&server, "/v1/customers", &[]).await;
    let customer = customer["id"].as_str().unwrap().to_owned();
    post(
        &server,
        &format!("/v1/customers/{customer}"),
        &[("name", "Jenny")],
    )
    .await;
    let form = [
        ("customer", customer.as_str()),
        ("items[0][price]", "price_1"),
    ];
    post(&server, "/v1/subscriptions", &form).await;
    post(&server, "/v1/products", &[("name", "Gold")]).await;

    let listed = |query: &'static str| {
        let server = &server;
        async move { types(&events(server, query).await).join(" ") }
    };
    assert_eq!(listed("type=customer.updated").await, "customer.updated");
    assert_eq!(
        listed("type=customer.*").await,
        "customer.subscription.created customer.updated customer.created",
        "a wildcard, over dots too"
    );
    assert_eq!(
        listed("type=*.created").await,
        "product.created customer.subscription.created customer.created"
    );
    assert_eq!(
        listed("types[]=product.created&types[]=customer.created").await,
        "product.created customer.created"
    );
    assert_eq!(listed("type=invoice.paid").await, "");

    let all = events(&server, "").await;
    let created = all[0]["created"].as_u64().unwrap();
    let query = |q: String| {
        let server = &server;
        async move { events(server, &q).await.len() }
    };
    assert_eq!(query(format!("created[lte]={created}")).await, 4);
    assert_eq!(query(format!("created[gt]={created}")).await, 0);
    assert_eq!(query(format!("created[gte]={}", created - 3600)).await, 4);
    assert_eq!(query(format!("created[lt]={}", created - 3600)).await, 0);
    assert_eq!(query(format!("created={}", created + 3600)).await, 0);

    let (status, body) = get(&server, "/v1/events?type=a&types[]=b").await;
    assert_eq!(status, 400, "{body:#}");
    assert_eq!(body["error"]["type"], "invalid_request_error");
}

#[tokio::test]
async fn the_events_list_pages_newest_first() {
    let server = stateful().await;
    for n in 0..5 {
        post(&server, "/v1/products", &[("name", &format!("p{n}"))]).await;
    }
    let all: Vec<String> = events(&server, "")
        .await
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(all.len(), 5);
    let client = client(&server);
    let page = |params: ListEventParams| {
        let client = client.clone();
        async move {
            let page = Event::list(&client, &params).await.unwrap();
            let ids: Vec<String> = page.data.into_iter().map(|e| e.id.into()).collect();
            (ids, page.has_more)
        }
    };
    let first = ListEventParams {
        limit: Some(2),
        ..Default::default()
    };
    assert_eq!(page(first).await, (all[..2].to_vec(), true));
    let after = ListEventParams {
        limit: Some(2),
        starting_after: Some(all[1].clone()),
        ..Default::default()
    };
    assert_eq!(page(after).await, (all[2..4].to_vec(), true));
    let before = ListEventParams {
        ending_before: Some(all[4].clone()),
        limit: Some(2),
        ..Default::default()
    };
    assert_eq!(page(before).await, (all[2..4].to_vec(), true));
}

#[tokio::test]
async fn an_event_is_retrieved_by_its_id() {
    let server = stateful().await;
    post(&server, "/v1/products", &[("name", "Gold")]).await;
    let listed: Value = events(&server, "").await.remove(0);
    let id = listed["id"].as_str().unwrap();
    let event = Event::retrieve(&client(&server), id, &Default::default())
        .await
        .unwrap();
    assert_eq!(
        (event.id.as_str(), event.type_),
        (id, EventType::ProductCreated)
    );

    let (status, body) = get(&server, "/v1/events/evt_nobody").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "resource_missing");
    assert_eq!(body["error"]["message"], "No such event: 'evt_nobody'");
}
