//! `Client::execute_bytes`: a body that is not JSON (the quote PDF), with the
//! same headers, retries and errors as `execute`.

mod common;

use common::{Reply, TestServer};
use serde_json::json;
use stripe_runtime::client::{Method, Request};
use stripe_runtime::error::ErrorType;
use stripe_runtime::Error;

const PDF: &str = "%PDF-1.4\n% quote\n%%EOF\n";

fn pdf(status: u16) -> Reply {
    Reply::raw(status, PDF).header("content-type", "application/pdf")
}

fn get_pdf() -> Request {
    Request::new(Method::Get, "/v1/quotes/qt_1/pdf").api_version("2023-08-16")
}

#[tokio::test]
async fn returns_the_body_undecoded_with_the_usual_headers() {
    let server = TestServer::scripted(vec![pdf(200)]).await;
    let body = server.client().execute_bytes(get_pdf()).await.unwrap();
    assert_eq!(&body[..], PDF.as_bytes());
    let [request] = &server.requests()[..] else {
        panic!("one request")
    };
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/v1/quotes/qt_1/pdf");
    assert_eq!(request.header("stripe-version"), Some("2023-08-16"));
    assert!(request
        .header("authorization")
        .unwrap()
        .starts_with("Bearer "));
}

#[tokio::test]
async fn retries_a_server_error_then_returns_the_body() {
    let server = TestServer::scripted(vec![
        Reply::raw(503, "unavailable"),
        Reply::raw(409, "conflict"),
        pdf(200),
    ])
    .await;
    let body = server.client().execute_bytes(get_pdf()).await.unwrap();
    assert_eq!(&body[..], PDF.as_bytes());
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_stripe_error_is_typed() {
    let server = TestServer::scripted(vec![Reply::json(
        404,
        json!({"error": {"type": "invalid_request_error", "message": "No such quote: 'qt_1'", "param": "quote"}}),
    )
    .header("request-id", "req_pdf")])
    .await;
    let error = server.client().execute_bytes(get_pdf()).await.unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status, 404);
    assert_eq!(api.error_type, ErrorType::InvalidRequestError);
    assert_eq!(api.param.as_deref(), Some("quote"));
    assert_eq!(error.request_id(), Some("req_pdf"));
}

#[tokio::test]
async fn an_error_that_is_not_json_is_a_status_error_after_the_retries() {
    let server = TestServer::start(|_, _| Reply::raw(500, "<html>down</html>")).await;
    let error = server
        .builder()
        .max_retries(1)
        .build()
        .execute_bytes(get_pdf())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Status { status: 500, body, .. } if body == "<html>down</html>"),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 2, "one retry");
}

#[tokio::test]
async fn an_encoding_error_sends_nothing() {
    let server = TestServer::scripted(vec![]).await;
    let request = get_pdf().query(&json!(["not", "an", "object"]));
    let error = server.client().execute_bytes(request).await.unwrap_err();
    assert!(matches!(error, Error::Encode(_)), "{error:?}");
    assert!(server.requests().is_empty());
}
