//! The two page shapes Stripe returns: cursor lists and search results.
//!
//! Both decode and re-encode to the same JSON, so a page can be cached or
//! forwarded unchanged. Walking every page is done by
//! [`Client::paginate`](crate::client::Client::paginate) and
//! [`Client::paginate_search`](crate::client::Client::paginate_search).

use serde::{Deserialize, Serialize};

/// One page of a list endpoint (`object: "list"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct List<T> {
    pub object: String,
    pub data: Vec<T>,
    pub has_more: bool,
    pub url: String,
}

impl<T> IntoIterator for List<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.data.into_iter()
    }
}

/// One page of a search endpoint (`object: "search_result"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchList<T> {
    pub object: String,
    pub data: Vec<T>,
    pub has_more: bool,
    /// The `page` parameter of the next page. Required but nullable, so
    /// `None` is written as `null`, not left out.
    pub next_page: Option<String>,
    pub url: String,
    /// Only present when the request asked for `expand[]=total_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
}

impl<T> IntoIterator for SearchList<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.data.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    struct Item {
        id: String,
    }

    fn round_trip<T: Serialize + serde::de::DeserializeOwned>(json: &str) {
        let value: T = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&value).unwrap(), json);
    }

    #[test]
    fn list_round_trips() {
        round_trip::<List<Item>>(
            r#"{"object":"list","data":[{"id":"a"},{"id":"b"}],"has_more":true,"url":"/v1/customers"}"#,
        );
    }

    #[test]
    fn search_list_keeps_null_next_page_and_omits_missing_total_count() {
        round_trip::<SearchList<Item>>(
            r#"{"object":"search_result","data":[],"has_more":false,"next_page":null,"url":"/v1/customers/search"}"#,
        );
        round_trip::<SearchList<Item>>(
            r#"{"object":"search_result","data":[{"id":"a"}],"has_more":true,"next_page":"pg_1","url":"/v1/customers/search","total_count":12}"#,
        );
    }
}
