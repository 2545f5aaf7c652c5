//! Every operation of the spec, without the network: routing, and the
//! fixture each one answers with.

use serde_json::Value;
use stripe_mock::{respond, Api, MockRequest};

/// A request for every operation, with `{param}` filled in as `id_param`
/// and no other parameters, is routed to that operation, and answers either
/// a fixture or, when the operation has required parameters, the first one
/// missing.
#[test]
fn every_operation_is_routed_to_itself_and_answers_a_fixture() {
    let api = Api::shared().expect("the spec documents load");
    let mut answered = 0;
    let mut missing = 0;
    let mut total = 0;
    for (method, template, operation) in api.operations() {
        total += 1;
        let path: String = template
            .split('/')
            .map(
                |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => format!("id_{name}"),
                    None => segment.to_owned(),
                },
            )
            .collect::<Vec<_>>()
            .join("/");
        let content_type = api.body_content_types(template, operation).first().copied();
        let request = MockRequest {
            method,
            path: &path,
            query: None,
            content_type: if method == "POST" { content_type } else { None },
            body: b"",
        };
        let answer = respond(&api, &request);
        assert_eq!(
            answer.operation_id, operation.operation_id,
            "{method} {path} was routed elsewhere"
        );
        if answer.content_type == "application/pdf" {
            answered += 1;
            continue;
        }
        let body: Value = serde_json::from_slice(&answer.body).unwrap();
        let v2 = template.starts_with("/v2/");
        match answer.status {
            200 if v2 => {
                answered += 1;
                // A v2 list is `{data, next_page_url, previous_page_url}`,
                // an object of the spec's shape otherwise (the meter event
                // stream answers `{}`).
                if body.get("next_page_url").is_some() {
                    assert_eq!(
                        body["data"].as_array().map(Vec::len),
                        Some(1),
                        "{method} {path}: {body:#}"
                    );
                } else if template.ends_with('}') {
                    let last = path.rsplit('/').next().unwrap();
                    assert_eq!(body["id"], last, "{method} {path}");
                }
                assert!(body.is_object(), "{method} {path}: {body:#}");
            }
            200 => {
                answered += 1;
                // Every object names itself, except Crypto Onramp quotes,
                // whose documented shape has no `object` field.
                let Some(object) = body["object"].as_str() else {
                    assert_eq!(
                        template, "/v1/crypto/onramp_quotes",
                        "no `object` in {body:#}"
                    );
                    assert!(body["id"].is_string(), "{method} {path}: {body:#}");
                    continue;
                };
                if object == "list" || object == "search_result" {
                    assert_eq!(body["url"], path.as_str());
                    assert_eq!(
                        body["data"].as_array().map(Vec::len),
                        Some(1),
                        "{method} {path}: {body:#}"
                    );
                }
                // An id in the path that names the returned object is its id.
                if template.ends_with('}') && object != "list" {
                    let last = path.rsplit('/').next().unwrap();
                    assert_eq!(body["id"], last, "{method} {path}");
                }
            }
            400 => {
                missing += 1;
                // v2 words it as its own errors do.
                let (code, message) = match v2 {
                    true => ("invalid_fields", "Missing required field"),
                    false => ("parameter_missing", "Missing required param"),
                };
                assert_eq!(body["error"]["code"], code, "{method} {path}: {body:#}");
                let text = body["error"]["message"].as_str().unwrap_or_default();
                assert!(text.starts_with(message), "{method} {path}: {body:#}");
            }
            status => panic!("{method} {path}: {status} {body:#}"),
        }
    }
    println!("{total} operations: {answered} answered with a fixture, {missing} need parameters");
    // As many as the manifest's documents have, counted without the mock.
    let spec = stripe_spec::Inputs::project().unwrap().spec().unwrap();
    let in_spec: usize = spec
        .openapi
        .paths
        .iter()
        .filter_map(|(_, item)| item.as_item())
        .map(|item| item.iter().count())
        .sum();
    assert_eq!(total, in_spec);
    assert_eq!(answered + missing, total);
}
