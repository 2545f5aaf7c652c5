//! Hand-written: the operations our users asked for, one by one, through
//! the generated functions and the real client against the spec-driven mock
//! (`stripe-mock`). Each test checks the method and path the mock saw, the
//! form body of creates (exactly these keys), and a field of the decoded
//! response (the mock answers with Stripe's fixtures, the id taken from the
//! path).

use std::collections::BTreeMap;

use futures::TryStreamExt;
use stripe::climate::{CreateOrderBeneficiary, CreateOrderParams, Order, Product, Supplier};
use stripe::crypto::{
    CreateOnrampSessionDestinationCurrencies, CreateOnrampSessionParams, OnrampQuotes,
    OnrampSession, OnrampTransactionLimits, RetrieveOnrampQuotesDestinationCurrencies,
    RetrieveOnrampQuotesParams,
};
use stripe::forwarding::{CreateRequestParams, CreateRequestReplacements, Request};
use stripe::identity::{
    CreateVerificationSessionParams, CreateVerificationSessionType,
    UpdateVerificationSessionParams, VerificationReport, VerificationSession,
    VerificationSessionStatus,
};
use stripe::{
    CreateWebhookEndpointEnabledEvents, CreateWebhookEndpointParams, UpdateWebhookEndpointParams,
    WebhookEndpoint,
};
use stripe_mock::{MockServer, RecordedRequest};
use stripe_runtime::{Client, Unsettable};

fn client(server: &MockServer) -> Client {
    Client::builder("sk_test_user_operations")
        .all_to(server.url())
        .max_retries(0)
        .build()
}

/// The one request the mock received since the last call, checked to be
/// `method path` and answered with 200 by the operation `operation_id`.
fn only_request(
    server: &MockServer,
    method: &str,
    path: &str,
    operation_id: &str,
) -> RecordedRequest {
    let requests = server.requests();
    server.clear_requests();
    let [request] = &requests[..] else {
        panic!("expected one request, got {requests:#?}")
    };
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        (method, path)
    );
    assert_eq!(request.operation_id.as_deref(), Some(operation_id));
    assert_eq!(request.status, 200);
    request.clone()
}

/// The keys of a form body, sorted.
fn form_keys(request: &RecordedRequest) -> Vec<String> {
    let mut keys: Vec<String> = request
        .form_pairs()
        .into_iter()
        .map(|(key, _)| key)
        .collect();
    keys.sort();
    keys
}

fn form_value(request: &RecordedRequest, key: &str) -> Option<String> {
    request
        .form_pairs()
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, value)| value)
}

fn metadata() -> BTreeMap<String, String> {
    BTreeMap::from([("order_id".to_owned(), "6735".to_owned())])
}

#[tokio::test]
async fn verification_sessions() {
    let server = MockServer::start().await;
    let client = client(&server);

    let mut params = CreateVerificationSessionParams::new(CreateVerificationSessionType::Document);
    params.metadata = Some(metadata());
    params.return_url = Some("https://example.com/done".into());
    let session = VerificationSession::create(&client, &params).await.unwrap();
    assert_eq!(session.status, VerificationSessionStatus::Verified);
    let request = only_request(
        &server,
        "POST",
        "/v1/identity/verification_sessions",
        "PostIdentityVerificationSessions",
    );
    assert_eq!(
        form_keys(&request),
        ["metadata[order_id]", "return_url", "type"]
    );
    assert_eq!(form_value(&request, "type").as_deref(), Some("document"));

    let session = VerificationSession::retrieve(&client, "vs_mine", &Default::default())
        .await
        .unwrap();
    assert_eq!(session.id, "vs_mine");
    only_request(
        &server,
        "GET",
        "/v1/identity/verification_sessions/vs_mine",
        "GetIdentityVerificationSessionsSession",
    );

    let update = UpdateVerificationSessionParams {
        metadata: Some(metadata()),
        ..Default::default()
    };
    let session = VerificationSession::update(&client, "vs_mine", &update)
        .await
        .unwrap();
    assert_eq!(session.id, "vs_mine");
    let request = only_request(
        &server,
        "POST",
        "/v1/identity/verification_sessions/vs_mine",
        "PostIdentityVerificationSessionsSession",
    );
    assert_eq!(form_keys(&request), ["metadata[order_id]"]);

    let page = VerificationSession::list(&client, &Default::default())
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].id, "vs_1NnmXJGPxmnHQRkJVcb4sPQS");
    only_request(
        &server,
        "GET",
        "/v1/identity/verification_sessions",
        "GetIdentityVerificationSessions",
    );

    let session = VerificationSession::cancel(&client, "vs_mine", &Default::default())
        .await
        .unwrap();
    assert_eq!(session.id, "vs_mine");
    let request = only_request(
        &server,
        "POST",
        "/v1/identity/verification_sessions/vs_mine/cancel",
        "PostIdentityVerificationSessionsSessionCancel",
    );
    assert!(request.body.is_empty());

    let session = VerificationSession::redact(&client, "vs_mine", &Default::default())
        .await
        .unwrap();
    assert_eq!(session.id, "vs_mine");
    only_request(
        &server,
        "POST",
        "/v1/identity/verification_sessions/vs_mine/redact",
        "PostIdentityVerificationSessionsSessionRedact",
    );
}

#[tokio::test]
async fn verification_reports() {
    let server = MockServer::start().await;
    let client = client(&server);

    let report = VerificationReport::retrieve(&client, "vr_mine", &Default::default())
        .await
        .unwrap();
    assert_eq!(report.id, "vr_mine");
    only_request(
        &server,
        "GET",
        "/v1/identity/verification_reports/vr_mine",
        "GetIdentityVerificationReportsReport",
    );

    let page = VerificationReport::list(&client, &Default::default())
        .await
        .unwrap();
    assert_eq!(page.data[0].id, "vr_1NnmXJGPxmnHQRkJed0S7xeU");
    only_request(
        &server,
        "GET",
        "/v1/identity/verification_reports",
        "GetIdentityVerificationReports",
    );
}

#[tokio::test]
async fn climate_orders() {
    let server = MockServer::start().await;
    let client = client(&server);

    let mut params = CreateOrderParams::new("climsku_frontier_offtake_portfolio_2027");
    params.metric_tons = Some(stripe::Decimal::from(10));
    params.beneficiary = Some(CreateOrderBeneficiary::new("Jenny's Shop"));
    let order = Order::create(&client, &params).await.unwrap();
    assert_eq!(order.metric_tons, stripe::Decimal::from(10));
    let request = only_request(&server, "POST", "/v1/climate/orders", "PostClimateOrders");
    assert_eq!(
        form_keys(&request),
        ["beneficiary[public_name]", "metric_tons", "product"]
    );

    let order = Order::retrieve(&client, "climorder_mine", &Default::default())
        .await
        .unwrap();
    assert_eq!(order.id, "climorder_mine");
    only_request(
        &server,
        "GET",
        "/v1/climate/orders/climorder_mine",
        "GetClimateOrdersOrder",
    );

    let update = stripe::climate::UpdateOrderParams {
        metadata: Some(metadata()),
        ..Default::default()
    };
    let order = Order::update(&client, "climorder_mine", &update)
        .await
        .unwrap();
    assert_eq!(order.id, "climorder_mine");
    let request = only_request(
        &server,
        "POST",
        "/v1/climate/orders/climorder_mine",
        "PostClimateOrdersOrder",
    );
    assert_eq!(form_keys(&request), ["metadata[order_id]"]);

    let page = Order::list(&client, &Default::default()).await.unwrap();
    assert_eq!(page.data[0].id, "climorder_1Pgc73B7WZ01zgkWaebIwEZ7");
    only_request(&server, "GET", "/v1/climate/orders", "GetClimateOrders");

    let order = Order::cancel(&client, "climorder_mine", &Default::default())
        .await
        .unwrap();
    assert_eq!(order.id, "climorder_mine");
    only_request(
        &server,
        "POST",
        "/v1/climate/orders/climorder_mine/cancel",
        "PostClimateOrdersOrderCancel",
    );
}

#[tokio::test]
async fn climate_products_and_suppliers() {
    let server = MockServer::start().await;
    let client = client(&server);

    let product = Product::retrieve(&client, "climsku_mine", &Default::default())
        .await
        .unwrap();
    assert_eq!(product.id, "climsku_mine");
    assert_eq!(product.name, "Frontier's 2027 offtake portfolio");
    only_request(
        &server,
        "GET",
        "/v1/climate/products/climsku_mine",
        "GetClimateProductsProduct",
    );
    let page = Product::list(&client, &Default::default()).await.unwrap();
    assert_eq!(page.data[0].delivery_year, Some(2027));
    only_request(&server, "GET", "/v1/climate/products", "GetClimateProducts");

    let supplier = Supplier::retrieve(&client, "climsup_mine", &Default::default())
        .await
        .unwrap();
    assert_eq!(supplier.id, "climsup_mine");
    assert_eq!(supplier.name, "Charm Industrial");
    only_request(
        &server,
        "GET",
        "/v1/climate/suppliers/climsup_mine",
        "GetClimateSuppliersSupplier",
    );
    let page = Supplier::list(&client, &Default::default()).await.unwrap();
    assert_eq!(page.data[0].id, "climsup_charm_industrial");
    only_request(
        &server,
        "GET",
        "/v1/climate/suppliers",
        "GetClimateSuppliers",
    );
}

#[tokio::test]
async fn forwarding_requests() {
    let server = MockServer::start().await;
    let client = client(&server);

    let params = CreateRequestParams::new(
        "pm_456",
        vec![CreateRequestReplacements::CardNumber],
        "https://endpoint-url/v1/payments",
    );
    let forwarded = Request::create(&client.with_idempotency_key("fwd-6735"), &params)
        .await
        .unwrap();
    assert_eq!(forwarded.payment_method, "pm_456");
    let request = only_request(
        &server,
        "POST",
        "/v1/forwarding/requests",
        "PostForwardingRequests",
    );
    assert_eq!(request.header("idempotency-key"), Some("fwd-6735"));
    assert_eq!(
        form_keys(&request),
        ["payment_method", "replacements[0]", "url"]
    );
    assert_eq!(
        form_value(&request, "replacements[0]").as_deref(),
        Some("card_number")
    );

    let forwarded = Request::retrieve(&client, "fwdreq_mine", &Default::default())
        .await
        .unwrap();
    assert_eq!(forwarded.id, "fwdreq_mine");
    let request = only_request(
        &server,
        "GET",
        "/v1/forwarding/requests/fwdreq_mine",
        "GetForwardingRequestsId",
    );
    assert_eq!(request.header("idempotency-key"), None);

    let page = Request::list(&client, &Default::default()).await.unwrap();
    assert_eq!(page.data[0].id, "fwdreq_123");
    only_request(
        &server,
        "GET",
        "/v1/forwarding/requests",
        "GetForwardingRequests",
    );
}

#[tokio::test]
async fn crypto_onramp_sessions_quotes_and_limits() {
    let server = MockServer::start().await;
    let client = client(&server);

    let params = CreateOnrampSessionParams {
        customer_ip_address: Some("203.0.113.7".into()),
        destination_currencies: Some(vec![CreateOnrampSessionDestinationCurrencies::Usdc]),
        metadata: Some(metadata()),
        ..Default::default()
    };
    let session = OnrampSession::create(&client, &params).await.unwrap();
    assert_eq!(session.id, "cos_test_xxx");
    let request = only_request(
        &server,
        "POST",
        "/v1/crypto/onramp_sessions",
        "PostCryptoOnrampSessions",
    );
    assert_eq!(
        form_keys(&request),
        [
            "customer_ip_address",
            "destination_currencies[0]",
            "metadata[order_id]"
        ]
    );
    assert_eq!(
        form_value(&request, "destination_currencies[0]").as_deref(),
        Some("usdc")
    );

    let session = OnrampSession::retrieve(&client, "cos_mine", &Default::default())
        .await
        .unwrap();
    assert_eq!(session.id, "cos_mine");
    only_request(
        &server,
        "GET",
        "/v1/crypto/onramp_sessions/cos_mine",
        "GetCryptoOnrampSessionsId",
    );

    let page = OnrampSession::list(&client, &Default::default())
        .await
        .unwrap();
    assert!(!page.data.is_empty());
    only_request(
        &server,
        "GET",
        "/v1/crypto/onramp_sessions",
        "GetCryptoOnrampSessions",
    );

    OnrampSession::checkout(&client, "cos_mine", &Default::default())
        .await
        .unwrap();
    only_request(
        &server,
        "POST",
        "/v1/crypto/onramp_sessions/cos_mine/checkout",
        "PostCryptoOnrampSessionsIdCheckout",
    );
    OnrampSession::quote(&client, "cos_mine", &Default::default())
        .await
        .unwrap();
    only_request(
        &server,
        "POST",
        "/v1/crypto/onramp_sessions/cos_mine/quote",
        "PostCryptoOnrampSessionsIdQuote",
    );

    let params = RetrieveOnrampQuotesParams {
        source_amount: Some("200.00".into()),
        destination_currencies: Some(vec![RetrieveOnrampQuotesDestinationCurrencies::Usdc]),
        ..Default::default()
    };
    let quotes = OnrampQuotes::retrieve(&client, &params).await.unwrap();
    assert_eq!(quotes.source_amount, "200.00");
    assert_eq!(
        quotes.destination_network_quotes["polygon"][0].destination_currency,
        "usdc"
    );
    let request = only_request(
        &server,
        "GET",
        "/v1/crypto/onramp_quotes",
        "GetCryptoOnrampQuotes",
    );
    assert_eq!(
        request.query_pairs(),
        [
            ("destination_currencies[0]".to_owned(), "usdc".to_owned()),
            ("source_amount".to_owned(), "200.00".to_owned()),
        ]
    );

    // Decoding checks the `object`; the type stores none.
    OnrampTransactionLimits::retrieve(&client, &Default::default())
        .await
        .unwrap();
    only_request(
        &server,
        "GET",
        "/v1/crypto/onramp_transaction_limits",
        "GetCryptoOnrampTransactionLimits",
    );
}

#[tokio::test]
async fn webhook_endpoints() {
    let server = MockServer::start().await;
    let client = client(&server);

    let params = CreateWebhookEndpointParams::new(
        vec![
            CreateWebhookEndpointEnabledEvents::ChargeFailed,
            CreateWebhookEndpointEnabledEvents::ChargeSucceeded,
        ],
        "https://example.com/my/webhook/endpoint",
    );
    let endpoint = WebhookEndpoint::create(&client, &params).await.unwrap();
    assert_eq!(endpoint.url, "https://example.com/my/webhook/endpoint");
    let request = only_request(
        &server,
        "POST",
        "/v1/webhook_endpoints",
        "PostWebhookEndpoints",
    );
    assert_eq!(
        form_keys(&request),
        ["enabled_events[0]", "enabled_events[1]", "url"]
    );
    assert_eq!(
        form_value(&request, "enabled_events[1]").as_deref(),
        Some("charge.succeeded")
    );

    let endpoint = WebhookEndpoint::retrieve(&client, "we_mine", &Default::default())
        .await
        .unwrap();
    assert_eq!(endpoint.id, "we_mine");
    only_request(
        &server,
        "GET",
        "/v1/webhook_endpoints/we_mine",
        "GetWebhookEndpointsWebhookEndpoint",
    );

    let update = UpdateWebhookEndpointParams {
        disabled: Some(true),
        metadata: Some(Unsettable::Unset),
        ..Default::default()
    };
    let endpoint = WebhookEndpoint::update(&client, "we_mine", &update)
        .await
        .unwrap();
    assert_eq!(endpoint.id, "we_mine");
    let request = only_request(
        &server,
        "POST",
        "/v1/webhook_endpoints/we_mine",
        "PostWebhookEndpointsWebhookEndpoint",
    );
    assert_eq!(form_keys(&request), ["disabled", "metadata"]);
    assert_eq!(form_value(&request, "metadata").as_deref(), Some(""));

    let page = WebhookEndpoint::list(&client, &Default::default())
        .await
        .unwrap();
    assert_eq!(page.data[0].id, "we_1NnmXEGPxmnHQRkJC9CzLgki");
    only_request(
        &server,
        "GET",
        "/v1/webhook_endpoints",
        "GetWebhookEndpoints",
    );

    let deleted = WebhookEndpoint::delete(&client, "we_mine", &Default::default())
        .await
        .unwrap();
    assert_eq!(deleted.id, "we_mine");
    assert!(deleted.deleted);
    only_request(
        &server,
        "DELETE",
        "/v1/webhook_endpoints/we_mine",
        "DeleteWebhookEndpointsWebhookEndpoint",
    );
}

/// `list_auto_paging` through the mock: one page (`has_more: false`), so the
/// stream yields the fixture and ends after a single request.
#[tokio::test]
async fn auto_paging_yields_the_fixture() {
    let server = MockServer::start().await;
    let client = client(&server);
    let endpoints: Vec<WebhookEndpoint> =
        WebhookEndpoint::list_auto_paging(&client, &Default::default())
            .try_collect()
            .await
            .unwrap();
    let ids: Vec<&str> = endpoints.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["we_1NnmXEGPxmnHQRkJC9CzLgki"]);
    only_request(
        &server,
        "GET",
        "/v1/webhook_endpoints",
        "GetWebhookEndpoints",
    );

    let orders: Vec<Order> = Order::list_auto_paging(&client, &Default::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].metric_tons, stripe::Decimal::from(10));
}
