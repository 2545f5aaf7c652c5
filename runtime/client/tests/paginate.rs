//! Auto-pagination of list and search endpoints against a scripted server.

mod common;

use common::{Recorded, Reply, TestServer};
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use stripe_core::decode::{Decoder, Failure};
use stripe_runtime::client::{Method, Request};
use stripe_runtime::{Decode, Error, Object};

#[derive(Clone, Debug, PartialEq)]
struct Item {
    id: Option<String>,
}

impl Decode for Item {
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        let mut id = None;
        d.begin_object()?;
        while let Some(key) = d.next_field()? {
            match key {
                "id" => id = d.value()?,
                _ => d.skip()?,
            }
        }
        Ok(Item { id })
    }
}

impl Object for Item {
    type Id = stripe_core::IdStr;

    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}

fn ids(items: &[Item]) -> Vec<&str> {
    items.iter().map(|i| i.id.as_deref().unwrap()).collect()
}

fn list(ids: &[&str], has_more: bool) -> Reply {
    let data: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
    Reply::json(
        200,
        json!({"object": "list", "data": data, "has_more": has_more, "url": "/v1/customers"}),
    )
}

/// How often a query parameter appears: a cursor must be replaced, never
/// sent twice.
fn count(request: &Recorded, name: &str) -> usize {
    request
        .query_pairs()
        .iter()
        .filter(|(k, _)| k == name)
        .count()
}

fn list_request() -> Request {
    Request::new(Method::Get, "/v1/customers")
        .api_version("2023-08-16")
        .query(&json!({"limit": 2, "expand": ["data.default_source"]}))
}

#[tokio::test]
async fn follows_starting_after_over_three_pages() {
    let server =
        TestServer::start(
            |request, _| match request.query_value("starting_after").as_deref() {
                None => list(&["cus_5", "cus_4"], true),
                Some("cus_4") => list(&["cus_3", "cus_2"], true),
                Some("cus_2") => list(&["cus_1"], false),
                Some(other) => Reply::raw(400, &format!("unexpected cursor {other}")),
            },
        )
        .await;
    let items: Vec<Item> = server
        .client()
        .paginate(list_request())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["cus_5", "cus_4", "cus_3", "cus_2", "cus_1"]);

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let cursors: Vec<_> = requests
        .iter()
        .map(|r| r.query_value("starting_after"))
        .collect();
    assert_eq!(cursors, [None, Some("cus_4".into()), Some("cus_2".into())]);
    for request in &requests {
        assert_eq!(request.path, "/v1/customers");
        // The caller's parameters are kept on every page.
        assert_eq!(request.query_value("limit").as_deref(), Some("2"));
        assert_eq!(
            request.query_value("expand[0]").as_deref(),
            Some("data.default_source")
        );
        assert!(count(request, "starting_after") <= 1);
        assert_eq!(count(request, "ending_before"), 0);
        assert_eq!(request.header("stripe-version"), Some("2023-08-16"));
    }
}

#[tokio::test]
async fn a_starting_after_from_the_caller_is_replaced_not_duplicated() {
    let server =
        TestServer::start(
            |request, _| match request.query_value("starting_after").as_deref() {
                Some("cus_9") => list(&["cus_8"], true),
                Some("cus_8") => list(&["cus_7"], false),
                _ => Reply::raw(400, "unexpected cursor"),
            },
        )
        .await;
    let request = list_request().query(&json!({"starting_after": "cus_9"}));
    let items: Vec<Item> = server
        .client()
        .paginate(request)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["cus_8", "cus_7"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| count(r, "starting_after") == 1));
}

#[tokio::test]
async fn ending_before_walks_backwards_from_the_first_item() {
    // Stripe returns each page newest first; walking backwards the next
    // cursor is the page's first (newest) item.
    let server =
        TestServer::start(
            |request, _| match request.query_value("ending_before").as_deref() {
                Some("cus_1") => list(&["cus_3", "cus_2"], true),
                Some("cus_3") => list(&["cus_5", "cus_4"], true),
                Some("cus_5") => list(&["cus_6"], false),
                _ => Reply::raw(400, "unexpected cursor"),
            },
        )
        .await;
    let request = list_request().query(&json!({"ending_before": "cus_1"}));
    let items: Vec<Item> = server
        .client()
        .paginate(request)
        .try_collect()
        .await
        .unwrap();
    // Items come out moving away from the cursor, as stripe-node yields them.
    assert_eq!(ids(&items), ["cus_2", "cus_3", "cus_4", "cus_5", "cus_6"]);

    let requests = server.requests();
    let cursors: Vec<_> = requests
        .iter()
        .map(|r| r.query_value("ending_before").unwrap())
        .collect();
    assert_eq!(cursors, ["cus_1", "cus_3", "cus_5"]);
    assert!(requests.iter().all(|r| count(r, "ending_before") == 1));
    assert!(requests.iter().all(|r| count(r, "starting_after") == 0));
}

#[tokio::test]
async fn search_follows_next_page() {
    let server = TestServer::start(|request, _| {
        let page = |ids: &[&str], next: Option<&str>| {
            let data: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
            Reply::json(
                200,
                json!({
                    "object": "search_result",
                    "data": data,
                    "has_more": next.is_some(),
                    "next_page": next,
                    "url": "/v1/customers/search",
                }),
            )
        };
        match request.query_value("page").as_deref() {
            None => page(&["cus_a", "cus_b"], Some("pg_2")),
            Some("pg_2") => page(&["cus_c"], Some("pg_3")),
            Some("pg_3") => page(&["cus_d"], None),
            Some(other) => Reply::raw(400, &format!("unexpected page {other}")),
        }
    })
    .await;
    let request = Request::new(Method::Get, "/v1/customers/search")
        .query(&json!({"query": "email:'jenny@example.com'"}));
    let items: Vec<Item> = server
        .client()
        .paginate_search(request)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["cus_a", "cus_b", "cus_c", "cus_d"]);

    let requests = server.requests();
    let pages: Vec<_> = requests.iter().map(|r| r.query_value("page")).collect();
    assert_eq!(pages, [None, Some("pg_2".into()), Some("pg_3".into())]);
    assert!(requests.iter().all(|r| count(r, "page") <= 1));
    assert!(requests
        .iter()
        .all(|r| r.query_value("query").as_deref() == Some("email:'jenny@example.com'")));
}

#[tokio::test]
async fn an_error_ends_the_stream_after_the_items_already_read() {
    let server = TestServer::scripted(vec![
        list(&["cus_2", "cus_1"], true),
        Reply::json(
            400,
            json!({"error": {"type": "invalid_request_error", "message": "bad cursor"}}),
        ),
    ])
    .await;
    let stream = server.client().paginate::<Item>(list_request());
    let results: Vec<Result<Item, Error>> = stream.collect().await;
    assert_eq!(results.len(), 3);
    assert_eq!(results[1].as_ref().unwrap().id.as_deref(), Some("cus_1"));
    let Err(Error::Api(api)) = &results[2] else {
        panic!("{:?}", results[2])
    };
    assert_eq!(api.message.as_deref(), Some("bad cursor"));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_item_without_an_id_cannot_be_a_cursor() {
    let server = TestServer::scripted(vec![Reply::json(
        200,
        json!({"object": "list", "data": [{"id": "x_1"}, {}], "has_more": true, "url": "/v1/x"}),
    )])
    .await;
    let results: Vec<Result<Item, Error>> =
        server.client().paginate(list_request()).collect().await;
    assert_eq!(results.len(), 3, "both items, then the error");
    let Err(Error::Decode(decode)) = &results[2] else {
        panic!("{:?}", results[2])
    };
    assert_eq!(decode.path, "data[1].id");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_empty_page_ends_the_stream_even_if_has_more_says_otherwise() {
    let server = TestServer::scripted(vec![list(&[], true)]).await;
    let items: Vec<Item> = server
        .client()
        .paginate(list_request())
        .try_collect()
        .await
        .unwrap();
    assert!(items.is_empty());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn pages_are_fetched_only_as_the_stream_is_read() {
    let server =
        TestServer::start(
            |request, _| match request.query_value("starting_after").as_deref() {
                None => list(&["cus_3", "cus_2"], true),
                _ => list(&["cus_1"], false),
            },
        )
        .await;
    let stream = server.client().paginate::<Item>(list_request());
    let mut stream = std::pin::pin!(stream);
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.id.as_deref(), Some("cus_3"));
    let second = stream.next().await.unwrap().unwrap();
    assert_eq!(second.id.as_deref(), Some("cus_2"));
    assert_eq!(
        server.requests().len(),
        1,
        "the second page is not fetched yet"
    );
    assert_eq!(
        stream.next().await.unwrap().unwrap().id.as_deref(),
        Some("cus_1")
    );
    assert!(stream.next().await.is_none());
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn requests_and_pagination_streams_can_be_spawned() {
    // `tokio::spawn` needs `Send + 'static`: the streams own a client handle
    // and do not borrow the client they came from.
    fn assert_spawnable<S: Send + 'static>(_: S) {}
    fn assert_sync<S: Send + Sync>() {}
    assert_sync::<stripe_runtime::Client>();
    let client = stripe_runtime::Client::new("sk_test_x");
    assert_spawnable(client.paginate::<Item>(list_request()));
    assert_spawnable(client.paginate_search::<Item>(list_request()));
    let handle = client.clone();
    assert_spawnable(async move { handle.execute::<Item>(list_request()).await });
}
