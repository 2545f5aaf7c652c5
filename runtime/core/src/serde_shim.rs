//! `serde::Deserialize` for types that decode with [`Decode`]: the value is
//! read as `serde_json::Value`, written back to JSON and decoded, so that
//! serde users get exactly the decoding the client does (open enums,
//! expandable fields, unions, kept unknown fields). Slower than
//! [`from_slice`], and compiled only for the deserializers it is used with.

use serde::de::{Deserialize, Deserializer, Error};

use crate::decode::{from_slice, Decode};

/// The body of a generated `Deserialize` impl.
pub fn deserialize<'de, D: Deserializer<'de>, T: Decode>(deserializer: D) -> Result<T, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    let json = serde_json::to_vec(&value).map_err(D::Error::custom)?;
    from_slice(&json).map_err(D::Error::custom)
}

impl<'de> Deserialize<'de> for crate::Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        i64::deserialize(deserializer).map(crate::Timestamp)
    }
}

impl<'de> Deserialize<'de> for crate::DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        crate::DateTime::parse(&text).map_err(D::Error::custom)
    }
}

/// `serialize_with` of a generated `i64` field that v2 sends as a string
/// (`format: int64`), so serde writes it back as Stripe sent it.
pub fn int64_string<S: serde::Serializer>(value: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&crate::Int64String(*value), serializer)
}

/// [`int64_string`] of an optional field.
pub fn option_int64_string<S: serde::Serializer>(
    value: &Option<i64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&value.map(crate::Int64String), serializer)
}

impl<'de, T: crate::Object + Decode> Deserialize<'de> for crate::Expandable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize(deserializer)
    }
}

impl<'de, T: Decode> Deserialize<'de> for crate::List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize(deserializer)
    }
}

impl<'de, T: Decode> Deserialize<'de> for crate::SearchList<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize(deserializer)
    }
}

impl<'de, T: Decode> Deserialize<'de> for crate::V2List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize(deserializer)
    }
}

#[cfg(test)]
mod tests {
    #[derive(Debug, PartialEq)]
    struct Customer;

    impl crate::Object for Customer {
        type Id = crate::IdStr;

        fn id(&self) -> Option<&str> {
            None
        }
    }

    impl crate::Decode for Customer {
        fn decode(d: &mut crate::Decoder<'_>) -> Result<Self, crate::Failure> {
            d.skip().map(|_| Customer)
        }
    }

    #[test]
    fn serde_users_get_the_same_decoding() {
        let page: crate::List<crate::Expandable<Customer>> = serde_json::from_value(
            serde_json::json!({"object": "list", "data": ["cus_1"], "has_more": false, "url": "/v1/x"}),
        )
        .unwrap();
        assert_eq!(page.data, [crate::Expandable::Id("cus_1".into())]);
        let error = serde_json::from_str::<crate::List<i64>>(r#"{"object": "list"}"#).unwrap_err();
        assert!(
            error.to_string().contains("missing field `data`"),
            "{error}"
        );
    }
}
