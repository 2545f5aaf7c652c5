//! The page shapes Stripe returns: v1 cursor lists and search results, and
//! v2 lists, which link to their next page.
//!
//! Both decode and re-encode to the same JSON, so a page can be cached or
//! forwarded unchanged. Walking every page is the client's job
//! ([`StripeClient::paginate`](crate::client::StripeClient::paginate)).

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::decode::{required, Decode, Decoder, Failure};

/// One page of a list endpoint (`object: "list"`: checked when decoded,
/// written when serialized, not stored).
#[derive(Clone, Debug, PartialEq)]
pub struct List<T> {
    pub data: Vec<T>,
    pub has_more: bool,
    pub url: String,
}

impl<T> List<T> {
    /// The `object` of every list page.
    pub const OBJECT: &'static str = "list";
}

impl<T> IntoIterator for List<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.data.into_iter()
    }
}

impl<T: Decode> Decode for List<T> {
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        let (mut object, mut data, mut has_more, mut url) = (None, None, None, None);
        let start = d.begin_object()?;
        while let Some(key) = d.next_field()? {
            match key {
                "object" => d.object_name_into(&mut object, List::<T>::OBJECT)?,
                "data" => data = Some(d.page_items()?),
                "has_more" => has_more = Some(d.bool()?),
                "url" => url = Some(d.string()?),
                _ => d.skip()?,
            }
        }
        required(object, start, "object")?;
        Ok(List {
            data: required(data, start, "data")?,
            has_more: required(has_more, start, "has_more")?,
            url: required(url, start, "url")?,
        })
    }
}

impl<T: Serialize> Serialize for List<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut page = serializer.serialize_struct("List", 4)?;
        page.serialize_field("object", Self::OBJECT)?;
        page.serialize_field("data", &self.data)?;
        page.serialize_field("has_more", &self.has_more)?;
        page.serialize_field("url", &self.url)?;
        page.end()
    }
}

/// One page of a search endpoint (`object: "search_result"`: checked when
/// decoded, written when serialized, not stored).
#[derive(Clone, Debug, PartialEq)]
pub struct SearchList<T> {
    pub data: Vec<T>,
    pub has_more: bool,
    /// The `page` parameter of the next page. Required but nullable, so
    /// `None` is written as `null`, not left out.
    pub next_page: Option<String>,
    pub url: String,
    /// Only present when the request asked for `expand[]=total_count`.
    pub total_count: Option<u64>,
}

impl<T> SearchList<T> {
    /// The `object` of every search page.
    pub const OBJECT: &'static str = "search_result";
}

impl<T> IntoIterator for SearchList<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.data.into_iter()
    }
}

impl<T: Decode> Decode for SearchList<T> {
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        let (mut object, mut data, mut has_more, mut url) = (None, None, None, None);
        let (mut next_page, mut total_count) = (None, None);
        let start = d.begin_object()?;
        while let Some(key) = d.next_field()? {
            match key {
                "object" => d.object_name_into(&mut object, SearchList::<T>::OBJECT)?,
                "data" => data = Some(d.page_items()?),
                "has_more" => has_more = Some(d.bool()?),
                "next_page" => next_page = d.value()?,
                "url" => url = Some(d.string()?),
                "total_count" => total_count = d.value()?,
                _ => d.skip()?,
            }
        }
        required(object, start, "object")?;
        Ok(SearchList {
            data: required(data, start, "data")?,
            has_more: required(has_more, start, "has_more")?,
            next_page,
            url: required(url, start, "url")?,
            total_count,
        })
    }
}

impl<T: Serialize> Serialize for SearchList<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = 5 + usize::from(self.total_count.is_some());
        let mut page = serializer.serialize_struct("SearchList", fields)?;
        page.serialize_field("object", Self::OBJECT)?;
        page.serialize_field("data", &self.data)?;
        page.serialize_field("has_more", &self.has_more)?;
        page.serialize_field("next_page", &self.next_page)?;
        page.serialize_field("url", &self.url)?;
        if let Some(total_count) = &self.total_count {
            page.serialize_field("total_count", total_count)?;
        }
        page.end()
    }
}

/// One page of a v2 list endpoint: its items and the URLs of the pages
/// around it (relative, with the filters and the page token in their query).
#[derive(Clone, Debug, PartialEq)]
pub struct V2List<T> {
    pub data: Vec<T>,
    /// The next page, `None` on the last. Required but nullable, so `None`
    /// is written as `null`.
    pub next_page_url: Option<String>,
    pub previous_page_url: Option<String>,
}

impl<T> IntoIterator for V2List<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.data.into_iter()
    }
}

impl<T: Decode> Decode for V2List<T> {
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        let mut data = None;
        let (mut next_page_url, mut previous_page_url) = (None, None);
        let start = d.begin_object()?;
        while let Some(key) = d.next_field()? {
            match key {
                "data" => data = Some(d.page_items()?),
                "next_page_url" => next_page_url = d.value()?,
                "previous_page_url" => previous_page_url = d.value()?,
                _ => d.skip()?,
            }
        }
        Ok(V2List {
            data: required(data, start, "data")?,
            next_page_url,
            previous_page_url,
        })
    }
}

impl<T: Serialize> Serialize for V2List<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut page = serializer.serialize_struct("V2List", 3)?;
        page.serialize_field("data", &self.data)?;
        page.serialize_field("next_page_url", &self.next_page_url)?;
        page.serialize_field("previous_page_url", &self.previous_page_url)?;
        page.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::from_slice;

    fn round_trip<T: Decode + Serialize>(json: &str) {
        let value: T = from_slice(json.as_bytes()).unwrap();
        assert_eq!(serde_json::to_string(&value).unwrap(), json);
    }

    #[test]
    fn list_round_trips() {
        round_trip::<List<String>>(
            r#"{"object":"list","data":["a","b"],"has_more":true,"url":"/v1/customers"}"#,
        );
    }

    #[test]
    fn search_list_keeps_null_next_page_and_omits_missing_total_count() {
        round_trip::<SearchList<String>>(
            r#"{"object":"search_result","data":[],"has_more":false,"next_page":null,"url":"/v1/customers/search"}"#,
        );
        round_trip::<SearchList<String>>(
            r#"{"object":"search_result","data":["a"],"has_more":true,"next_page":"pg_1","url":"/v1/customers/search","total_count":12}"#,
        );
    }

    #[test]
    fn a_page_makes_room_for_its_items_once_and_never_for_more_than_a_page() {
        let items: Vec<String> = (0..100).map(|i| format!("\"item_{i:03}\"")).collect();
        let page = format!(
            r#"{{"object":"list","data":[{}],"has_more":false,"url":"/v1/x"}}"#,
            items.join(", ")
        );
        let list: List<String> = from_slice(page.as_bytes()).unwrap();
        assert_eq!(list.data.len(), 100);
        assert_eq!(list.data[99], "item_099");
        assert_eq!(list.data.capacity(), 100, "one reservation");
        // A short first item and a long tail: still no more than a page.
        let padded = format!(
            r#"{{"data":["a"],"has_more":false,"object":"list","url":"/","pad":"{}"}}"#,
            "x".repeat(10_000)
        );
        let list: List<String> = from_slice(padded.as_bytes()).unwrap();
        assert_eq!(list.data, ["a"]);
        assert!(list.data.capacity() <= 100);
        // A list inside an object grows as any Vec.
        let nested: Vec<List<String>> = from_slice(format!("[{page}]").as_bytes()).unwrap();
        assert_eq!(nested[0].data.len(), 100);
    }

    #[test]
    fn v2_list_round_trips_with_null_page_urls() {
        round_trip::<V2List<String>>(
            r#"{"data":["a"],"next_page_url":"/v2/core/events?page=p_2","previous_page_url":null}"#,
        );
        let page: V2List<String> =
            from_slice(br#"{"data":[],"next_page_url":null,"previous_page_url":null,"extra":1}"#)
                .unwrap();
        assert_eq!(page.next_page_url, None);
    }

    #[test]
    fn a_page_of_another_object_is_refused_where_it_says_so() {
        let error = from_slice::<List<String>>(
            br#"{"object":"search_result","data":[],"has_more":false,"url":"/"}"#,
        )
        .unwrap_err();
        assert_eq!(error.path, "object");
        assert!(
            error
                .message
                .starts_with(r#"expected the object name "list""#),
            "{error}"
        );
        let error = from_slice::<SearchList<String>>(
            br#"{"data":[],"has_more":false,"next_page":null,"url":"/"}"#,
        )
        .unwrap_err();
        assert!(
            error.message.starts_with("missing field `object`"),
            "{error}"
        );
    }

    #[test]
    fn a_page_without_data_names_the_field() {
        let error = from_slice::<List<String>>(br#"{"object":"list","has_more":false,"url":"/"}"#)
            .unwrap_err();
        assert_eq!(error.path, "data");
    }
}
