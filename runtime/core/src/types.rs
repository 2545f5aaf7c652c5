//! Wire types shared by every generated resource.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::decode::{Decode, Decoder, Failure, Kind};
use crate::encode::{Encode, Encoder};

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
    fn encode(&self, out: &mut Encoder) {
        self.0.encode(out)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

/// An instant as the v2 API sends it (`format: date-time`): RFC 3339 text,
/// `2024-10-01T15:27:22.000Z`. Read with any offset, kept in UTC, written
/// back in UTC as Stripe writes it: to the millisecond, or finer when it
/// is finer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(chrono::DateTime<chrono::Utc>);

impl DateTime {
    /// Parses RFC 3339 text (`2024-10-01T15:27:22Z`, `...22.5+02:00`).
    pub fn parse(text: &str) -> Result<DateTime, chrono::ParseError> {
        chrono::DateTime::parse_from_rfc3339(text).map(|time| DateTime(time.to_utc()))
    }

    /// The instant as `chrono` has it.
    pub fn as_chrono(&self) -> chrono::DateTime<chrono::Utc> {
        self.0
    }

    /// The same instant as a [`std::time::SystemTime`].
    pub fn to_system_time(self) -> std::time::SystemTime {
        self.0.into()
    }

    /// Whole seconds since the Unix epoch (what a v1 [`Timestamp`] holds).
    pub fn unix_seconds(self) -> i64 {
        self.0.timestamp()
    }

    /// RFC 3339 in UTC, `Z` for the offset, milliseconds at least
    /// (`2024-10-01T15:27:22.000Z`).
    pub fn to_rfc3339(self) -> String {
        use chrono::Timelike;
        let format = match self.0.nanosecond() % 1_000_000 {
            0 => chrono::SecondsFormat::Millis,
            _ => chrono::SecondsFormat::AutoSi,
        };
        self.0.to_rfc3339_opts(format, true)
    }
}

impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for DateTime {
    fn from(time: chrono::DateTime<Tz>) -> Self {
        DateTime(time.to_utc())
    }
}

impl From<std::time::SystemTime> for DateTime {
    fn from(time: std::time::SystemTime) -> Self {
        DateTime(time.into())
    }
}

impl From<Timestamp> for DateTime {
    fn from(time: Timestamp) -> Self {
        DateTime::from(time.to_system_time())
    }
}

impl std::str::FromStr for DateTime {
    type Err = chrono::ParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        DateTime::parse(text)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Decode for DateTime {
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        let offset = d.offset();
        let text = d.str()?;
        DateTime::parse(text).map_err(|_| Failure::expected(offset, "an RFC 3339 date-time"))
    }
}

impl Encode for DateTime {
    fn encode(&self, out: &mut Encoder) {
        out.string(&self.to_rfc3339())
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}

/// Decimal strings (`format: decimal`: `"12.5000"`) are exact decimals,
/// read and written back with the digits they came with.
impl Decode for rust_decimal::Decimal {
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        let offset = d.offset();
        let text = d.str()?;
        rust_decimal::Decimal::from_str_exact(text)
            .map_err(|_| Failure::expected(offset, "a decimal string"))
    }
}

impl Encode for rust_decimal::Decimal {
    fn encode(&self, out: &mut Encoder) {
        out.string(&self.to_string())
    }
}

/// A 64-bit integer the v2 API sends as a JSON string (`format: int64`):
/// `"12"`. Generated fields are plain `i64`; their decoders and encoders
/// go through this type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Int64String(pub i64);

impl Decode for Int64String {
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        let offset = d.offset();
        let text = d.str()?;
        // Digits with an optional minus, as Stripe writes them; no `+`,
        // no spaces, which `i64::from_str` would partly take.
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Failure::expected(offset, "a 64-bit integer as a string"));
        }
        text.parse()
            .map(Int64String)
            .map_err(|_| Failure::expected(offset, "a 64-bit integer as a string"))
    }
}

impl Encode for Int64String {
    fn encode(&self, out: &mut Encoder) {
        out.string(itoa::Buffer::new().format(self.0))
    }
}

impl Serialize for Int64String {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(itoa::Buffer::new().format(self.0))
    }
}

/// A Stripe object that has an `id`. Generated for every type with an `id`
/// field, so that an [`Expandable`] knows the type of its id half and list
/// pagination can find the cursor of the last item.
pub trait Object {
    /// The type of its id: `CustomerId` for a customer (and a deleted
    /// customer), [`IdStr`](crate::IdStr) for a union of resources of
    /// several kinds.
    type Id: Clone + fmt::Debug + PartialEq + AsRef<str> + Decode + Serialize;

    fn id(&self) -> Option<&str>;
}

/// A field that Stripe returns as an id, or as the whole object when the
/// request asked for it with `expand[]`.
pub enum Expandable<T: Object> {
    Id(T::Id),
    Object(Box<T>),
}

impl<T: Object + Clone> Clone for Expandable<T> {
    fn clone(&self) -> Self {
        match self {
            Expandable::Id(id) => Expandable::Id(id.clone()),
            Expandable::Object(object) => Expandable::Object(object.clone()),
        }
    }
}

impl<T: Object + fmt::Debug> fmt::Debug for Expandable<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expandable::Id(id) => f.debug_tuple("Id").field(id).finish(),
            Expandable::Object(object) => f.debug_tuple("Object").field(object).finish(),
        }
    }
}

impl<T: Object + PartialEq> PartialEq for Expandable<T> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Expandable::Id(a), Expandable::Id(b)) => a == b,
            (Expandable::Object(a), Expandable::Object(b)) => a == b,
            _ => false,
        }
    }
}

impl<T: Object> Expandable<T> {
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

    /// The id when the object was not expanded.
    pub fn as_id(&self) -> Option<&T::Id> {
        match self {
            Expandable::Id(id) => Some(id),
            Expandable::Object(_) => None,
        }
    }

    /// The id's text, whether or not the object was expanded.
    pub fn id(&self) -> &str {
        match self {
            Expandable::Id(id) => id.as_ref(),
            Expandable::Object(object) => object.id().unwrap_or_default(),
        }
    }
}

/// Decided by the first token: a string is the id, an object the expanded
/// object, so either is read in one pass.
impl<T: Object + Decode> Decode for Expandable<T> {
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        match d.kind()? {
            Kind::String => T::Id::decode(d).map(Expandable::Id),
            Kind::Object => T::decode(d).map(|object| Expandable::Object(Box::new(object))),
            _ => Err(Failure::expected(
                d.offset(),
                "an id string or an expanded object",
            )),
        }
    }
}

impl<T: Object + Serialize> Serialize for Expandable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Expandable::Id(id) => id.serialize(serializer),
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
        self.push_member(&format!("{key}:{value}"));
    }

    /// The fields as one JSON object's text.
    pub fn to_json(&self) -> String {
        format!("{{{}}}", self.members)
    }

    /// `member` is a key, its `:` and its value, as JSON text.
    pub(crate) fn push_member(&mut self, member: &str) {
        // Objects that have one undeclared field tend to have a few (a newer
        // API version adds them in groups): room for them in one allocation.
        const FIRST_CAPACITY: usize = 128;
        let needed = member.len() + 1;
        if self.members.capacity() == 0 {
            self.members.reserve(needed.max(FIRST_CAPACITY));
        } else {
            self.members.reserve(needed);
        }
        if !self.members.is_empty() {
            self.members.push(',');
        }
        self.members.push_str(member);
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
        type Id = crate::Id<Customer>;

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
        assert_eq!(id.as_id().map(|id| id.as_str()), Some("cus_1"));
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
    fn date_times_read_rfc_3339_and_write_utc() {
        let t: DateTime = from_slice(br#""2024-10-01T15:27:22.120Z""#).unwrap();
        assert_eq!(t.to_rfc3339(), "2024-10-01T15:27:22.120Z");
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#""2024-10-01T15:27:22.120Z""#
        );
        let offset: DateTime = from_slice(br#""2024-10-01T17:27:22+02:00""#).unwrap();
        assert_eq!(offset.to_string(), "2024-10-01T15:27:22.000Z");
        let fine: DateTime = from_slice(br#""2024-10-01T15:27:22.123456Z""#).unwrap();
        assert_eq!(fine.to_string(), "2024-10-01T15:27:22.123456Z");
        assert_eq!(offset.unix_seconds(), 1_727_796_442);
        for bad in [&br#""2024-10-01""#[..], br#""yesterday""#, b"1727796442"] {
            assert!(from_slice::<DateTime>(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn decimals_keep_their_digits() {
        for text in [
            "12.5000",
            "0.000000000001",
            "-3",
            "79228162514264337593543950335",
        ] {
            let value: rust_decimal::Decimal =
                from_slice(format!("\"{text}\"").as_bytes()).unwrap();
            assert_eq!(value.to_string(), text);
            assert_eq!(
                serde_json::to_string(&value).unwrap(),
                format!("\"{text}\"")
            );
        }
        for bad in [&br#""1e5""#[..], br#""""#, br#""12,5""#, b"12.5"] {
            assert!(from_slice::<rust_decimal::Decimal>(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn int64_strings_are_digits() {
        let value: Int64String = from_slice(br#""-9223372036854775808""#).unwrap();
        assert_eq!(value.0, i64::MIN);
        assert_eq!(serde_json::to_string(&Int64String(12)).unwrap(), r#""12""#);
        for bad in [
            &br#""+1""#[..],
            br#"" 1""#,
            br#""""#,
            br#""9223372036854775808""#,
            b"12",
        ] {
            assert!(from_slice::<Int64String>(bad).is_err(), "{bad:?}");
        }
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
