//! What the mock answers, whatever its mode: a request routed to its
//! operation and checked against the spec ([`check`], [`Checked`]), the
//! stateless answer from the fixtures ([`respond`]), Stripe's error bodies
//! and the reading of form and multipart bodies.

use bytes::Bytes;
use serde_json::{json, Value};

use crate::api::{is_v2, Api, Matched};
use crate::form::{multipart_pairs, Node};
use crate::validate::Invalid;

/// The parts of a request [`respond`] looks at.
#[derive(Debug, Clone, Copy)]
pub struct MockRequest<'a> {
    pub method: &'a str,
    /// Percent-encoded, without the query.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
}

/// What the mock answers.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Bytes,
    pub operation_id: Option<String>,
}

/// Routes `request` to an operation of the spec, validates its parameters
/// and answers with the operation's fixture, or with Stripe's error.
pub fn respond(api: &Api, request: &MockRequest<'_>) -> Answer {
    match check(api, request) {
        Ok(checked) => example_answer(api, &checked, request.path),
        Err(answer) => answer,
    }
}

/// A request routed to its operation, with parameters the spec accepts.
pub(crate) struct Checked<'a> {
    pub matched: Matched<'a>,
    /// The query and form body parameters, rebuilt from their deepObject keys.
    pub params: Vec<(String, Node)>,
    /// A v2 POST's JSON body (`{}` when it sent none).
    pub json: Option<Value>,
    pub operation_id: Option<String>,
}

/// Routes and validates `request`; the error answer when that fails.
pub(crate) fn check<'a>(api: &'a Api, request: &MockRequest<'_>) -> Result<Checked<'a>, Answer> {
    let Some(matched) = api.route(request.method, request.path) else {
        let message = format!(
            "Unrecognized request URL ({}: {}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.",
            request.method, request.path
        );
        return Err(error(
            404,
            None,
            json!({ "type": "invalid_request_error", "message": message }),
        ));
    };
    let operation_id = matched.operation.operation_id.clone();
    let v2 = is_v2(request.path);
    let invalid = |message: String| {
        let mut body = json!({ "type": "invalid_request_error", "message": message });
        if v2 {
            body["code"] = Value::from("invalid_fields");
        }
        error(400, operation_id.clone(), body)
    };

    let mut pairs: Vec<(String, String)> =
        form_urlencoded::parse(request.query.unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    // Stripe takes a POST with neither body nor Content-Type (`curl -X
    // POST .../redact`) as one without parameters.
    let bare = request.body.is_empty() && request.content_type.is_none();
    if request.method == "POST" && !bare {
        let accepted = api.body_content_types(matched.template, matched.operation);
        let given = request.content_type.map(media_type);
        if !given.is_some_and(|given| {
            accepted
                .iter()
                .any(|accepted| accepted.eq_ignore_ascii_case(given))
        }) {
            return Err(invalid(format!(
                "Invalid request: unsupported Content-Type {}. This endpoint takes {}.",
                request.content_type.unwrap_or("(none)"),
                accepted.join(" or ")
            )));
        }
    }
    let json_body = request.method == "POST"
        && request.content_type.map(media_type) == Some("application/json");
    let json = match json_body || (v2 && request.method == "POST" && bare) {
        true => match request.body {
            b"" => Some(json!({})),
            body => match serde_json::from_slice::<Value>(body) {
                Ok(value @ Value::Object(_)) => Some(value),
                _ => {
                    return Err(invalid(
                        "Invalid request: the body is not a JSON object.".into(),
                    ))
                }
            },
        },
        false => None,
    };
    if request.method != "GET" && !request.body.is_empty() && json.is_none() {
        match body_pairs(request.content_type, request.body) {
            Some(body) => pairs.extend(body),
            None => {
                return Err(invalid(
                    "Invalid request: the body could not be read as its Content-Type says.".into(),
                ))
            }
        }
    }

    let params = match Node::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
        Ok(params) => params,
        Err(conflict) => {
            let message = format!("Invalid request: {conflict}");
            return Err(error(
                400,
                operation_id,
                json!({ "type": "invalid_request_error", "message": message, "param": conflict.key }),
            ));
        }
    };
    let validator = api.validator();
    let checked = validator
        .check_operation(matched.operation, &params)
        .and_then(|()| match &json {
            Some(body) => validator.check_json_body(matched.operation, body),
            None => Ok(()),
        });
    if let Err(Invalid {
        param,
        message,
        code,
    }) = checked
    {
        // v2's errors have a code and a message, no `param`.
        let mut body = match v2 {
            true => json!({ "type": "invalid_request_error", "message": message }),
            false => json!({ "type": "invalid_request_error", "message": message, "param": param }),
        };
        if let Some(code) = code.or(v2.then_some("invalid_fields")) {
            body["code"] = Value::from(code);
        }
        return Err(error(400, operation_id, body));
    }
    Ok(Checked {
        matched,
        params,
        json,
        operation_id,
    })
}

/// The stateless answer: the fixture of the response's resource.
pub(crate) fn example_answer(api: &Api, checked: &Checked<'_>, path: &str) -> Answer {
    let operation_id = checked.operation_id.clone();
    match api.example_response(&checked.matched, path) {
        Some(body) => json_answer(200, operation_id, &body),
        None => Answer {
            status: 200,
            content_type: "application/pdf",
            body: Bytes::from_static(b"%PDF-1.4\n% stripe-mock\n%%EOF\n"),
            operation_id,
        },
    }
}

/// `body` as pretty JSON.
pub(crate) fn json_answer(status: u16, operation_id: Option<String>, body: &Value) -> Answer {
    Answer {
        status,
        content_type: "application/json",
        body: Bytes::from(serde_json::to_vec_pretty(body).expect("JSON values serialize")),
        operation_id,
    }
}

/// Stripe's error body: `{"error": error}`.
pub(crate) fn error(status: u16, operation_id: Option<String>, error: Value) -> Answer {
    json_answer(status, operation_id, &json!({ "error": error }))
}

/// `application/x-www-form-urlencoded` of `application/x-www-form-urlencoded; charset=utf-8`.
fn media_type(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or("").trim()
}

/// The pairs of a form or multipart body; `None` for another content type
/// or a multipart body that does not parse.
pub(crate) fn body_pairs(content_type: Option<&str>, body: &[u8]) -> Option<Vec<(String, String)>> {
    let content_type = content_type?;
    match media_type(content_type).to_ascii_lowercase().as_str() {
        "application/x-www-form-urlencoded" => {
            Some(form_urlencoded::parse(body).into_owned().collect())
        }
        "multipart/form-data" => {
            let boundary = content_type.split(';').find_map(|param| {
                let (key, value) = param.split_once('=')?;
                (key.trim().eq_ignore_ascii_case("boundary"))
                    .then(|| value.trim().trim_matches('"'))
            })?;
            multipart_pairs(body, boundary)
        }
        _ => None,
    }
}
