//! Pages of a kept collection, newest first, as Stripe pages lists: v1's
//! `limit`, `starting_after` and `ending_before`, v2's `limit` and `page`
//! token with the next page's URL.

use serde_json::Value;

use crate::form::Node;

/// A v2 page of `stored`, newest first: `limit` items after the `page`
/// token (the id of the previous page's last item), and the URL of the
/// next page, with the request's other filters, when there are more.
pub(crate) fn v2_page(
    stored: &[Value],
    params: &[(String, Node)],
    path: &str,
    mut example: Value,
) -> Result<Value, String> {
    let limit = page_limit(params)?.max(1);
    let newest_first: Vec<&Value> = stored.iter().rev().collect();
    let start = match scalar_param(params, "page") {
        Some(token) => {
            newest_first
                .iter()
                .position(|o| o["id"] == token)
                .ok_or_else(|| format!("Invalid page token: {token}"))?
                + 1
        }
        None => 0,
    };
    let window: Vec<Value> = newest_first
        .iter()
        .skip(start)
        .take(limit)
        .map(|o| (*o).clone())
        .collect();
    let more = newest_first.len() > start + window.len();
    let next = window
        .last()
        .filter(|_| more)
        .and_then(|last| last["id"].as_str())
        .map(|last| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            query.append_pair("limit", &limit.to_string());
            for (key, node) in params {
                if let (Node::Value(value), false) = (node, key == "page" || key == "limit") {
                    query.append_pair(key, value);
                }
            }
            query.append_pair("page", last);
            format!("{path}?{}", query.finish())
        });
    example["data"] = Value::Array(window);
    example["next_page_url"] = next.map_or(Value::Null, Value::String);
    example["previous_page_url"] = Value::Null;
    Ok(example)
}

/// The value of the top-level parameter `name`, when it is a scalar.
pub(crate) fn scalar_param<'a>(params: &'a [(String, Node)], name: &str) -> Option<&'a str> {
    params.iter().find_map(|(key, node)| match node {
        Node::Value(value) if key == name => Some(value.as_str()),
        _ => None,
    })
}

/// The page size asked for, Stripe's default 10 without one.
fn page_limit(params: &[(String, Node)]) -> Result<usize, String> {
    scalar_param(params, "limit")
        .map_or(Ok(10), str::parse::<usize>)
        .map_err(|_| "Invalid integer: limit".to_owned())
}

/// A page of `stored`, newest first, as `limit`, `starting_after` and
/// `ending_before` ask.
pub(crate) fn page(
    stored: &[Value],
    params: &[(String, Node)],
    mut example: Value,
) -> Result<Value, String> {
    let value = |name: &str| scalar_param(params, name);
    let limit = page_limit(params)?;
    let newest_first: Vec<&Value> = stored.iter().rev().collect();
    let position = |id: &str| {
        newest_first
            .iter()
            .position(|o| o["id"] == id)
            .ok_or_else(|| format!("No such object: '{id}'"))
    };
    let (window, has_more) = match (value("starting_after"), value("ending_before")) {
        (Some(after), _) => {
            let rest = &newest_first[position(after)? + 1..];
            (
                rest.iter().take(limit).collect::<Vec<_>>(),
                rest.len() > limit,
            )
        }
        (None, Some(before)) => {
            let earlier = &newest_first[..position(before)?];
            let start = earlier.len().saturating_sub(limit);
            (earlier[start..].iter().collect(), start > 0)
        }
        (None, None) => (
            newest_first.iter().take(limit).collect(),
            newest_first.len() > limit,
        ),
    };
    example["data"] = Value::Array(window.into_iter().map(|o| (*o).clone()).collect());
    example["has_more"] = Value::Bool(has_more);
    Ok(example)
}
