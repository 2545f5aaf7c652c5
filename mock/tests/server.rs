//! The mock over real HTTP: raw requests with exact bodies, through reqwest.

use reqwest::header::CONTENT_TYPE;
use reqwest::{Client, Response};
use serde_json::Value;
use stripe_mock::MockServer;

const FORM: &str = "application/x-www-form-urlencoded";

async fn post(server: &MockServer, path: &str, body: &'static str) -> Response {
    Client::new()
        .post(format!("{}{path}", server.url()))
        .header(CONTENT_TYPE, FORM)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn get(server: &MockServer, path_and_query: &str) -> Response {
    Client::new()
        .get(format!("{}{path_and_query}", server.url()))
        .send()
        .await
        .unwrap()
}

/// The status, the `Request-Id` header and the JSON body.
async fn read(response: Response) -> (u16, String, Value) {
    let status = response.status().as_u16();
    let request_id = response
        .headers()
        .get("request-id")
        .expect("every response has a Request-Id")
        .to_str()
        .unwrap()
        .to_owned();
    let body = response.json().await.unwrap();
    (status, request_id, body)
}

/// The `error` object of a 400, checking Stripe's shape on the way.
async fn invalid(response: Response) -> Value {
    let (status, _, body) = read(response).await;
    assert_eq!(status, 400, "{body:#}");
    let error = body["error"].clone();
    assert_eq!(error["type"], "invalid_request_error", "{body:#}");
    assert!(error["message"].is_string(), "{body:#}");
    error
}

#[tokio::test]
async fn an_unknown_path_is_a_404_in_stripes_shape() {
    let server = MockServer::start().await;
    let (status, request_id, body) = read(get(&server, "/v1/nope").await).await;
    assert_eq!(status, 404);
    assert!(request_id.starts_with("req_"), "{request_id}");
    assert_eq!(body["error"]["type"], "invalid_request_error");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("Unrecognized request URL (GET: /v1/nope)"),
        "{message}"
    );
    assert!(body["error"].get("param").is_none());
}

#[tokio::test]
async fn a_known_path_with_an_unknown_method_is_a_404() {
    let server = MockServer::start().await;
    // /v1/customers/search has only GET; /v1/events/{id} has only GET.
    let response = Client::new()
        .delete(format!("{}/v1/events/evt_1", server.url()))
        .send()
        .await
        .unwrap();
    let (status, _, body) = read(response).await;
    assert_eq!(status, 404);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("(DELETE: /v1/events/evt_1)"));
}

#[tokio::test]
async fn an_unknown_parameter_is_a_400_naming_it() {
    let server = MockServer::start().await;
    let error = invalid(post(&server, "/v1/customers", "name=Jenny&nickname=J").await).await;
    assert_eq!(error["param"], "nickname");
    assert_eq!(error["code"], "parameter_unknown");
    assert_eq!(error["message"], "Received unknown parameter: nickname");

    // Inside a nested object, the whole deepObject name is reported.
    let error = invalid(
        post(
            &server,
            "/v1/customers",
            "address[line1]=1+Main&address[planet]=Mars",
        )
        .await,
    )
    .await;
    assert_eq!(error["param"], "address[planet]");

    // And in a query string.
    let error = invalid(get(&server, "/v1/customers?limit=3&colour=red").await).await;
    assert_eq!(error["param"], "colour");
}

#[tokio::test]
async fn a_value_of_the_wrong_type_is_a_400() {
    let server = MockServer::start().await;
    let error =
        invalid(post(&server, "/v1/payment_intents", "amount=abc&currency=usd").await).await;
    assert_eq!(error["param"], "amount");
    assert_eq!(error["code"], "parameter_invalid_integer");
    assert_eq!(error["message"], "Invalid integer: abc");

    // Booleans are `true` or `false`, nothing else.
    let error = invalid(
        post(
            &server,
            "/v1/payment_intents",
            "amount=100&currency=usd&confirm=yes",
        )
        .await,
    )
    .await;
    assert_eq!(error["param"], "confirm");
    assert_eq!(error["message"], "Invalid boolean: yes");

    // An enum the spec does not open with x-stripeBypassValidation.
    let error = invalid(
        post(
            &server,
            "/v1/payment_intents",
            "amount=100&currency=usd&capture_method=later",
        )
        .await,
    )
    .await;
    assert_eq!(error["param"], "capture_method");
    assert!(
        error["message"].as_str().unwrap().contains("`automatic`"),
        "{error:#}"
    );

    // Integers in a query, deep in an object (`created[gte]`).
    let error = invalid(get(&server, "/v1/customers?created[gte]=yesterday").await).await;
    assert_eq!(error["param"], "created[gte]");

    // maxLength.
    let long = "x".repeat(5001);
    let error = invalid(get(&server, &format!("/v1/customers?starting_after={long}")).await).await;
    assert_eq!(error["param"], "starting_after");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .ends_with("must be at most 5000 characters"),
        "{error:#}"
    );

    // A hash where a string goes, and a string where a hash goes.
    let error = invalid(post(&server, "/v1/customers", "email[x]=a").await).await;
    assert_eq!(error["param"], "email");
    let error = invalid(post(&server, "/v1/customers", "address=Main+Street").await).await;
    assert_eq!(error["param"], "address");
}

#[tokio::test]
async fn enums_open_to_other_values_accept_them() {
    let server = MockServer::start().await;
    // payment_method_types items are plain strings, and
    // `payment_method_options[card][request_three_d_secure]` is an enum
    // with x-stripeBypassValidation in this spec.
    let body = "amount=100&currency=usd&payment_method_options[card][request_three_d_secure]=challenge_only";
    let (status, _, body) = read(post(&server, "/v1/payment_intents", body).await).await;
    assert_eq!(status, 200, "{body:#}");
}

#[tokio::test]
async fn a_missing_required_parameter_is_a_400() {
    let server = MockServer::start().await;
    let error = invalid(post(&server, "/v1/payment_intents", "amount=100").await).await;
    assert_eq!(error["param"], "currency");
    assert_eq!(error["code"], "parameter_missing");
    assert_eq!(error["message"], "Missing required param: currency.");

    // Required fields of a nested object (an invoice item needs a price or
    // price_data; price_data needs a currency).
    let body = "customer=cus_1&items[0][price_data][product]=prod_1&items[0][price_data][unit_amount]=5&items[0][price_data][recurring][interval]=month";
    let error = invalid(post(&server, "/v1/subscriptions", body).await).await;
    assert_eq!(error["param"], "items[0][price_data][currency]");

    // Required query parameters of a GET.
    let error = invalid(get(&server, "/v1/customers/search").await).await;
    assert_eq!(error["param"], "query");
}

#[tokio::test]
async fn an_empty_string_only_unsets_what_can_be_unset() {
    let server = MockServer::start().await;
    // metadata is `anyOf: [object, enum: [""]]`: unsettable.
    let (status, _, body) = read(post(&server, "/v1/customers/cus_1", "metadata=").await).await;
    assert_eq!(status, 200, "{body:#}");
    // amount is a plain integer.
    let error = invalid(post(&server, "/v1/payment_intents", "amount=&currency=usd").await).await;
    assert_eq!(error["param"], "amount");
    assert_eq!(error["code"], "parameter_invalid_empty");
}

#[tokio::test]
async fn a_post_needs_the_content_type_of_its_operation() {
    let server = MockServer::start().await;
    let url = format!("{}/v1/customers", server.url());
    let response = Client::new()
        .post(&url)
        .header(CONTENT_TYPE, "application/json")
        .body(r#"{"name":"Jenny"}"#)
        .send()
        .await
        .unwrap();
    let error = invalid(response).await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("application/json"),
        "{error:#}"
    );

    // A body needs it, even one that looks like a form.
    let error = invalid(
        Client::new()
            .post(&url)
            .body("name=J")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        error["message"].as_str().unwrap().contains("(none)"),
        "{error:#}"
    );
    // Neither body nor Content-Type is a POST without parameters, as
    // Stripe takes `curl -X POST`.
    let response = Client::new().post(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);

    // A charset parameter is fine.
    let response = Client::new()
        .post(&url)
        .header(
            CONTENT_TYPE,
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body("name=J")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    // Files take multipart, and only multipart.
    let files = format!("{}/v1/files", server.url());
    let error = invalid(
        Client::new()
            .post(&files)
            .header(CONTENT_TYPE, FORM)
            .body("purpose=dispute_evidence")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("multipart/form-data"),
        "{error:#}"
    );
}

#[tokio::test]
async fn a_file_upload_is_validated_as_multipart() {
    let server = MockServer::start().await;
    let url = format!("{}/v1/files", server.url());
    let form = reqwest::multipart::Form::new()
        .text("purpose", "dispute_evidence")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"%PDF".to_vec()).file_name("evidence.pdf"),
        );
    let (status, _, body) = read(
        Client::new()
            .post(&url)
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body:#}");
    assert_eq!(body["object"], "file");

    // `purpose` sets x-stripeBypassValidation, so any value passes; the file
    // itself is required, and nested fields are typed as in a form.
    let form = reqwest::multipart::Form::new().text("purpose", "selfies");
    let error = invalid(
        Client::new()
            .post(&url)
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(error["param"], "file");
    assert_eq!(error["code"], "parameter_missing");
    let form = reqwest::multipart::Form::new()
        .text("purpose", "dispute_evidence")
        .text("file_link_data[create]", "maybe")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"%PDF".to_vec()).file_name("evidence.pdf"),
        );
    let error = invalid(
        Client::new()
            .post(&url)
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(error["param"], "file_link_data[create]");
}

#[tokio::test]
async fn a_valid_customer_create_gets_the_customer_fixture() {
    let server = MockServer::start().await;
    let body = "name=Jenny+Rosen&email=jenny%40example.com&metadata[order_id]=6735&metadata[note]=vip\
                &address[line1]=510+Townsend+St&address[city]=San+Francisco&address[country]=US\
                &preferred_locales[0]=en&preferred_locales[1]=fr&expand[]=default_source&tax_exempt=none";
    let (status, request_id, customer) = read(post(&server, "/v1/customers", body).await).await;
    assert_eq!(status, 200, "{customer:#}");
    assert!(request_id.starts_with("req_"));
    assert_eq!(customer["object"], "customer");
    assert!(
        customer["id"].as_str().unwrap().starts_with("cus_"),
        "{customer:#}"
    );

    // The request was recorded as sent.
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let recorded = &requests[0];
    assert_eq!(recorded.method, "POST");
    assert_eq!(recorded.path, "/v1/customers");
    assert_eq!(recorded.operation_id.as_deref(), Some("PostCustomers"));
    assert_eq!(recorded.status, 200);
    assert_eq!(recorded.request_id, request_id);
    assert_eq!(recorded.header("content-type"), Some(FORM));
    assert_eq!(recorded.body.as_ref(), body.as_bytes());
    let pairs = recorded.form_pairs();
    assert!(pairs.contains(&("metadata[order_id]".to_owned(), "6735".to_owned())));
    assert!(pairs.contains(&("email".to_owned(), "jenny@example.com".to_owned())));
}

#[tokio::test]
async fn a_retrieve_gets_the_fixture_with_the_requested_id() {
    let server = MockServer::start().await;
    let (status, _, customer) = read(
        get(
            &server,
            "/v1/customers/cus_Requested?expand[0]=default_source",
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{customer:#}");
    assert_eq!(customer["object"], "customer");
    assert_eq!(customer["id"], "cus_Requested");

    // A literal segment wins over a path parameter.
    let (status, _, page) =
        read(get(&server, "/v1/customers/search?query=email%3A%27a%40b.c%27").await).await;
    assert_eq!(status, 200, "{page:#}");
    assert_eq!(page["object"], "search_result");
    assert_eq!(page["data"][0]["object"], "customer");
    assert_eq!(page["has_more"], false);
    assert!(page["next_page"].is_null());

    // An action on a resource returns it with its id.
    let (status, _, intent) =
        read(post(&server, "/v1/payment_intents/pi_Mine/cancel", "").await).await;
    assert_eq!(status, 200, "{intent:#}");
    assert_eq!(intent["id"], "pi_Mine");

    assert_eq!(
        server.requests()[0].query_pairs(),
        [("expand[0]".to_owned(), "default_source".to_owned())]
    );
}

#[tokio::test]
async fn a_list_is_wrapped_in_a_list_object() {
    let server = MockServer::start().await;
    let (status, _, page) = read(
        get(
            &server,
            "/v1/identity/verification_sessions?limit=2&status=verified",
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{page:#}");
    assert_eq!(page["object"], "list");
    assert_eq!(page["url"], "/v1/identity/verification_sessions");
    assert_eq!(page["has_more"], false);
    let data = page["data"].as_array().unwrap();
    assert_eq!(data.len(), 1);
    assert_eq!(data[0]["object"], "identity.verification_session");
}

#[tokio::test]
async fn a_climate_product_comes_from_the_2026_fixtures_with_the_requested_id() {
    let server = MockServer::start().await;
    let (status, _, product) = read(get(&server, "/v1/climate/products/climsku_mine").await).await;
    assert_eq!(status, 200, "{product:#}");
    assert_eq!(product["object"], "climate.product");
    assert_eq!(product["id"], "climsku_mine");
    // From fixtures3.2026-07-29.json: the 2023 fixtures have no climate.*.
    assert_eq!(product["name"], "Frontier's 2027 offtake portfolio");
    assert_eq!(product["delivery_year"], 2027);

    // A path parameter is percent-decoded before it is substituted.
    let (_, _, product) = read(get(&server, "/v1/climate/products/a%20b").await).await;
    assert_eq!(product["id"], "a b");
}

#[tokio::test]
async fn a_delete_reads_its_parameters_from_the_query() {
    let server = MockServer::start().await;
    let url = format!(
        "{}/v1/subscriptions/sub_1?invoice_now=true&prorate=false",
        server.url()
    );
    let (status, _, subscription) = read(Client::new().delete(&url).send().await.unwrap()).await;
    assert_eq!(status, 200, "{subscription:#}");
    assert_eq!(subscription["id"], "sub_1");

    let url = format!("{}/v1/subscriptions/sub_1?invoice_now=maybe", server.url());
    let error = invalid(Client::new().delete(&url).send().await.unwrap()).await;
    assert_eq!(error["param"], "invoice_now");
}

#[tokio::test]
async fn the_quote_pdf_is_a_pdf() {
    let server = MockServer::start().await;
    let response = get(&server, "/v1/quotes/qt_1/pdf").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/pdf");
    assert!(response.bytes().await.unwrap().starts_with(b"%PDF"));
}
