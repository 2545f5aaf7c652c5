//! Wire types shared by every generated resource.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::decode::{Decode, Decoder, Failure, Kind};
use crate::encode::{Encode, Form};

/// Seconds since the Unix epoch, as Stripe sends every `format: unix-time` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

impl Decode for Timestamp {
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        d.i64().map(Timestamp)
    }
}

impl Encode for Timestamp {
    fn encode(&self, form: &mut Form) {
        self.0.encode(form)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
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

/// Decided by the first token: a string is the id, an object the expanded
/// object, so either is read in one pass.
impl<T: Decode> Decode for Expandable<T> {
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        match d.kind()? {
            Kind::String => d.string().map(Expandable::Id),
            Kind::Object => T::decode(d).map(|object| Expandable::Object(Box::new(object))),
            _ => Err(Failure::expected(
                d.offset(),
                "an id string or an expanded object",
            )),
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

/// Fields an object carried that this version of the spec does not
/// declare, kept as sent so that nothing is lost on the way back out.
///
/// Kept as their JSON text, one string per object (none when there are
/// none), and read on demand: decoding stays one allocation per object
/// whatever Stripe adds.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ExtraFields {
    /// `"key":value` members, comma-separated, as they came.
    members: String,
}

impl ExtraFields {
    pub fn new() -> Self {
        ExtraFields::default()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The fields, as JSON values (a key given twice keeps its last value).
    pub fn to_map(&self) -> serde_json::Map<String, serde_json::Value> {
        if self.members.is_empty() {
            return serde_json::Map::new();
        }
        // Only ever filled from checked JSON, or by `insert`.
        serde_json::from_str(&self.to_json()).unwrap_or_default()
    }

    /// One field's value.
    pub fn get(&self, key: &str) -> Option<serde_json::Value> {
        self.to_map().remove(key)
    }

    /// Adds (or, read back, overrides) a field.
    pub fn insert(&mut self, key: &str, value: &serde_json::Value) {
        let key = serde_json::Value::from(key).to_string();
        self.push_raw(&key, &value.to_string());
    }

    /// The fields as one JSON object's text.
    pub fn to_json(&self) -> String {
        format!("{{{}}}", self.members)
    }

    /// `key` is the quoted key as it came, `value` its JSON text.
    pub(crate) fn push_raw(&mut self, key: &str, value: &str) {
        // Objects that have one undeclared field tend to have a few (a newer
        // API version adds them in groups): room for them in one allocation.
        const FIRST_CAPACITY: usize = 128;
        let needed = key.len() + value.len() + 2;
        if self.members.capacity() == 0 {
            self.members.reserve(needed.max(FIRST_CAPACITY));
        } else {
            self.members.reserve(needed);
        }
        if !self.members.is_empty() {
            self.members.push(',');
        }
        self.members.push_str(key);
        self.members.push(':');
        self.members.push_str(value);
    }
}

impl fmt::Debug for ExtraFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_map(), f)
    }
}

impl Serialize for ExtraFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_map().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{from_slice, required};

    #[derive(Debug, PartialEq)]
    struct Customer {
        id: String,
    }

    impl Object for Customer {
        fn id(&self) -> Option<&str> {
            Some(&self.id)
        }
    }

    impl Decode for Customer {
        fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
            let mut id = None;
            let start = d.begin_object()?;
            while let Some(key) = d.next_field()? {
                match key {
                    "id" => id = Some(d.string()?),
                    _ => d.skip()?,
                }
            }
            Ok(Customer {
                id: required(id, start, "id")?,
            })
        }
    }

    #[test]
    fn expandable_decodes_an_id_or_an_object() {
        let id: Expandable<Customer> = from_slice(br#""cus_1""#).unwrap();
        assert_eq!(id, Expandable::Id("cus_1".into()));
        assert_eq!(id.id(), "cus_1");
        let object: Expandable<Customer> = from_slice(br#"{"id":"cus_2","name":"Jenny"}"#).unwrap();
        assert_eq!(object.id(), "cus_2");
        assert!(object.is_object());
    }

    #[test]
    fn expandable_rejects_other_shapes() {
        let error = from_slice::<Expandable<Customer>>(b"42").unwrap_err();
        assert!(
            error
                .message
                .starts_with("expected an id string or an expanded object"),
            "{error}"
        );
    }

    #[test]
    fn timestamps_convert_to_system_time() {
        let t: Timestamp = from_slice(b"1695680120").unwrap();
        let since_epoch = t
            .to_system_time()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap();
        assert_eq!(since_epoch.as_secs(), 1_695_680_120);
        assert_eq!(serde_json::to_string(&t).unwrap(), "1695680120");
    }
}
