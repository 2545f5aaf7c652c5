//! Wire types shared by every generated resource.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Seconds since the Unix epoch, as Stripe sends every `format: unix-time` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub const fn from_secs(secs: i64) -> Self {
        Timestamp(secs)
    }

    pub const fn as_secs(self) -> i64 {
        self.0
    }

    /// The same instant as a [`std::time::SystemTime`].
    pub fn to_system_time(self) -> std::time::SystemTime {
        let magnitude = std::time::Duration::from_secs(self.0.unsigned_abs());
        if self.0 >= 0 {
            std::time::UNIX_EPOCH + magnitude
        } else {
            std::time::UNIX_EPOCH - magnitude
        }
    }
}

impl From<i64> for Timestamp {
    fn from(secs: i64) -> Self {
        Timestamp(secs)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A Stripe object that has an `id`. Generated for every type with an `id`
/// field, so that an [`Expandable`] can always answer with the id and list
/// pagination can find the cursor of the last item.
pub trait Object {
    fn id(&self) -> Option<&str>;
}

/// A field that Stripe returns as an id, or as the whole object when the
/// request asked for it with `expand[]`.
#[derive(Clone, Debug, PartialEq)]
pub enum Expandable<T> {
    Id(String),
    Object(Box<T>),
}

impl<T> Expandable<T> {
    pub fn is_object(&self) -> bool {
        matches!(self, Expandable::Object(_))
    }

    pub fn as_object(&self) -> Option<&T> {
        match self {
            Expandable::Object(object) => Some(object),
            Expandable::Id(_) => None,
        }
    }

    pub fn into_object(self) -> Option<T> {
        match self {
            Expandable::Object(object) => Some(*object),
            Expandable::Id(_) => None,
        }
    }
}

impl<T: Object> Expandable<T> {
    /// The id, whether or not the object was expanded.
    pub fn id(&self) -> &str {
        match self {
            Expandable::Id(id) => id,
            Expandable::Object(object) => object.id().unwrap_or_default(),
        }
    }
}

impl<T: Serialize> Serialize for Expandable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Expandable::Id(id) => serializer.serialize_str(id),
            Expandable::Object(object) => object.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Expandable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Decided by the first token, so the object is decoded in one pass
        // without buffering (unlike `#[serde(untagged)]`).
        struct ExpandableVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ExpandableVisitor<T> {
            type Value = Expandable<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id string or an expanded object")
            }

            fn visit_str<E: de::Error>(self, id: &str) -> Result<Self::Value, E> {
                Ok(Expandable::Id(id.to_owned()))
            }

            fn visit_string<E: de::Error>(self, id: String) -> Result<Self::Value, E> {
                Ok(Expandable::Id(id))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|object| Expandable::Object(Box::new(object)))
            }
        }

        deserializer.deserialize_any(ExpandableVisitor(PhantomData))
    }
}

/// Deserializes a string and hands it to `from_wire`. Every generated string
/// enum decodes through here, so that a value the spec does not list becomes
/// the enum's `Unknown` variant instead of an error.
pub fn deserialize_str_with<'de, D, T>(
    deserializer: D,
    from_wire: fn(&str) -> T,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct StrVisitor<T>(fn(&str) -> T);

    impl<T> Visitor<'_> for StrVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            Ok((self.0)(value))
        }
    }

    deserializer.deserialize_str(StrVisitor(from_wire))
}

/// How a polymorphic value says what it is: its `object` field, and whether
/// it is the `deleted: true` form of that object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Discriminator<'a> {
    pub object: Option<&'a str>,
    pub deleted: bool,
}

impl<'a> Discriminator<'a> {
    pub fn of(value: &'a serde_json::Value) -> Self {
        Discriminator {
            object: value.get("object").and_then(serde_json::Value::as_str),
            deleted: value.get("deleted").and_then(serde_json::Value::as_bool) == Some(true),
        }
    }
}

/// Decodes one variant of a polymorphic value that was buffered as JSON.
pub fn from_buffered<T: DeserializeOwned, E: de::Error>(value: serde_json::Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

/// The order in which to try the members of a union that `object` cannot
/// decide, given each member's declared fields: first the members that
/// declare every field present (in spec order), then the rest by how many
/// of the present fields they declare.
pub fn untagged_order(value: &serde_json::Value, members: &[&[&str]]) -> Vec<usize> {
    let present: Vec<&str> = value
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let mut order: Vec<(usize, usize)> = members
        .iter()
        .enumerate()
        .map(|(index, fields)| {
            let unknown = present.iter().filter(|key| !fields.contains(key)).count();
            (unknown, index)
        })
        .collect();
    order.sort();
    order.into_iter().map(|(_, index)| index).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Customer {
        id: String,
        name: Option<String>,
    }

    impl Object for Customer {
        fn id(&self) -> Option<&str> {
            Some(&self.id)
        }
    }

    #[test]
    fn expandable_decodes_an_id_or_an_object() {
        let id: Expandable<Customer> = serde_json::from_str(r#""cus_1""#).unwrap();
        assert_eq!(id, Expandable::Id("cus_1".into()));
        assert_eq!(id.id(), "cus_1");

        let object: Expandable<Customer> =
            serde_json::from_str(r#"{"id":"cus_2","name":"Jenny"}"#).unwrap();
        assert_eq!(object.id(), "cus_2");
        assert_eq!(object.as_object().unwrap().name.as_deref(), Some("Jenny"));
        assert_eq!(
            serde_json::to_string(&object).unwrap(),
            r#"{"id":"cus_2","name":"Jenny"}"#
        );
    }

    #[test]
    fn expandable_rejects_other_shapes() {
        let error = serde_json::from_str::<Expandable<Customer>>("42").unwrap_err();
        assert!(error
            .to_string()
            .contains("an id string or an expanded object"));
    }

    #[test]
    fn discriminator_reads_object_and_deleted() {
        let value = serde_json::json!({"object": "customer", "deleted": true});
        assert_eq!(
            Discriminator::of(&value),
            Discriminator {
                object: Some("customer"),
                deleted: true
            }
        );
        let value = serde_json::json!({"id": "x"});
        assert_eq!(
            Discriminator::of(&value),
            Discriminator {
                object: None,
                deleted: false
            }
        );
    }

    #[test]
    fn untagged_members_are_tried_by_field_coverage() {
        let value = serde_json::json!({"capture_method": "manual", "installments": null});
        let members: &[&[&str]] = &[&["setup_future_usage"], &["capture_method", "installments"]];
        assert_eq!(untagged_order(&value, members), [1, 0]);
        let value = serde_json::json!({"setup_future_usage": "none"});
        assert_eq!(untagged_order(&value, members), [0, 1]);
    }

    #[test]
    fn timestamps_convert_to_system_time() {
        let t = Timestamp::from_secs(1_695_680_120);
        let since_epoch = t
            .to_system_time()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap();
        assert_eq!(since_epoch.as_secs(), 1_695_680_120);
        assert_eq!(serde_json::to_string(&t).unwrap(), "1695680120");
    }
}
