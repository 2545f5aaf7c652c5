//! Typed ids: a customer's id is an [`Id<Customer>`](Id) (`CustomerId` in
//! the generated crates), so a price id passed where a customer id belongs
//! does not compile. String literals still go where an id is asked for:
//! endpoint functions take `impl Into<IdRef<'_, K>>`, which `&str`,
//! `&String` and `&Id<K>` all are.
//!
//! Ids are held in an [`IdStr`]: up to 30 bytes inline, longer ones on the
//! heap, 32 bytes either way. Stripe's ids are mostly a prefix and 24
//! random characters (27 to 33 bytes; `cus_` and a few others take 14, 17
//! to 21 bytes). Of the distinct ids in Stripe's fixtures, 30 bytes inline
//! holds 92%, the 24 of `compact_str` and `smol_str` 25 to 37%: decoding a
//! page of customers makes one allocation fewer per id.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::decode::{Decode, Decoder, Failure};
use crate::encode::{Encode, Encoder};

/// How many bytes an [`IdStr`] keeps inline.
const INLINE: usize = 30;

/// An id's text: inline when it is at most 30 bytes, else boxed. 32 bytes,
/// as `Option<IdStr>` is.
#[derive(Clone)]
pub struct IdStr(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: InlineLen, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

/// An inline length as an enum of its 31 values: the other 225 values of
/// the byte are what the compiler uses to tell `Heap` (and `None`) apart,
/// which keeps the type at 32 bytes.
macro_rules! inline_lengths {
    ($($variant:ident = $value:literal),* $(,)?) => {
        #[derive(Clone, Copy)]
        #[repr(u8)]
        enum InlineLen { $($variant = $value),* }
        const INLINE_LENGTHS: [InlineLen; INLINE + 1] = [$(InlineLen::$variant),*];
    };
}

inline_lengths!(
    L0 = 0,
    L1 = 1,
    L2 = 2,
    L3 = 3,
    L4 = 4,
    L5 = 5,
    L6 = 6,
    L7 = 7,
    L8 = 8,
    L9 = 9,
    L10 = 10,
    L11 = 11,
    L12 = 12,
    L13 = 13,
    L14 = 14,
    L15 = 15,
    L16 = 16,
    L17 = 17,
    L18 = 18,
    L19 = 19,
    L20 = 20,
    L21 = 21,
    L22 = 22,
    L23 = 23,
    L24 = 24,
    L25 = 25,
    L26 = 26,
    L27 = 27,
    L28 = 28,
    L29 = 29,
    L30 = 30,
);

impl IdStr {
    pub fn new(text: &str) -> IdStr {
        match INLINE_LENGTHS.get(text.len()) {
            Some(&len) => {
                let mut bytes = [0; INLINE];
                bytes[..text.len()].copy_from_slice(text.as_bytes());
                IdStr(Repr::Inline { len, bytes })
            }
            None => IdStr(Repr::Heap(text.into())),
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                let bytes = &bytes[..*len as usize];
                // SAFETY: `new` copies these bytes from a whole `&str`,
                // and nothing else writes them: they are UTF-8. Checking
                // again on every read would cost each comparison and print.
                unsafe { std::str::from_utf8_unchecked(bytes) }
            }
            Repr::Heap(text) => text,
        }
    }
}

impl From<&str> for IdStr {
    fn from(text: &str) -> Self {
        IdStr::new(text)
    }
}

impl From<String> for IdStr {
    /// Keeps the `String`'s buffer when the id is too long to go inline.
    fn from(text: String) -> Self {
        match text.len() <= INLINE {
            true => IdStr::new(&text),
            false => IdStr(Repr::Heap(text.into_boxed_str())),
        }
    }
}

impl From<&String> for IdStr {
    fn from(text: &String) -> Self {
        IdStr::new(text)
    }
}

impl Deref for IdStr {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for IdStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for IdStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for IdStr {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for IdStr {}

impl PartialOrd for IdStr {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for IdStr {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// As the text hashes, so that `Borrow<str>` lookups find it.
impl Hash for IdStr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Debug for IdStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for IdStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for IdStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for IdStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Read straight from the input: no `String` in between.
impl Decode for IdStr {
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        d.str().map(IdStr::new)
    }
}

impl Encode for IdStr {
    fn encode(&self, out: &mut Encoder) {
        out.string(self.as_str())
    }
}

impl Serialize for IdStr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for IdStr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = IdStr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id string")
            }
            fn visit_str<E>(self, text: &str) -> Result<IdStr, E> {
                Ok(IdStr::new(text))
            }
            fn visit_string<E>(self, text: String) -> Result<IdStr, E> {
                Ok(IdStr::from(text))
            }
        }
        deserializer.deserialize_str(Text)
    }
}

/// The id of a resource of kind `K`: `CustomerId` is `Id<kinds::Customer>`.
/// Compares, hashes, prints and serializes as its text; reads as `&str`
/// through `Deref`.
#[repr(transparent)]
pub struct Id<K: ?Sized> {
    text: IdStr,
    // `fn() -> K`: an id owns no `K`, so it is `Send`, `Sync` and `Unpin`
    // whatever `K` is (the kinds are empty enums).
    kind: PhantomData<fn() -> K>,
}

impl<K: ?Sized> Id<K> {
    pub fn new(text: impl Into<IdStr>) -> Self {
        Id {
            text: text.into(),
            kind: PhantomData,
        }
    }

    pub fn as_str(&self) -> &str {
        self.text.as_str()
    }

    /// The id without its kind.
    pub fn into_untyped(self) -> IdStr {
        self.text
    }
}

impl<K: ?Sized> Clone for Id<K> {
    fn clone(&self) -> Self {
        Id::new(self.text.clone())
    }
}

impl<K: ?Sized> From<&str> for Id<K> {
    fn from(text: &str) -> Self {
        Id::new(text)
    }
}

impl<K: ?Sized> From<String> for Id<K> {
    fn from(text: String) -> Self {
        Id::new(text)
    }
}

impl<K: ?Sized> From<&String> for Id<K> {
    fn from(text: &String) -> Self {
        Id::new(text)
    }
}

impl<K: ?Sized> From<Id<K>> for String {
    fn from(id: Id<K>) -> Self {
        id.as_str().to_owned()
    }
}

impl<K: ?Sized> std::str::FromStr for Id<K> {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Id::new(text))
    }
}

impl<K: ?Sized> Deref for Id<K> {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl<K: ?Sized> AsRef<str> for Id<K> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl<K: ?Sized> Borrow<str> for Id<K> {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl<K: ?Sized> PartialEq for Id<K> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<K: ?Sized> Eq for Id<K> {}

impl<K: ?Sized> PartialOrd for Id<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<K: ?Sized> Ord for Id<K> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.text.cmp(&other.text)
    }
}

impl<K: ?Sized> Hash for Id<K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state)
    }
}

impl<K: ?Sized> PartialEq<str> for Id<K> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl<K: ?Sized> PartialEq<&str> for Id<K> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl<K: ?Sized> PartialEq<String> for Id<K> {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl<K: ?Sized> PartialEq<Id<K>> for str {
    fn eq(&self, other: &Id<K>) -> bool {
        self == other.as_str()
    }
}

impl<K: ?Sized> PartialEq<Id<K>> for &str {
    fn eq(&self, other: &Id<K>) -> bool {
        *self == other.as_str()
    }
}

impl<K: ?Sized> PartialEq<Id<K>> for String {
    fn eq(&self, other: &Id<K>) -> bool {
        self == other.as_str()
    }
}

impl<K: ?Sized> fmt::Debug for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

impl<K: ?Sized> fmt::Display for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<K: ?Sized> Decode for Id<K> {
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        IdStr::decode(d).map(Id::new)
    }
}

impl<K: ?Sized> Encode for Id<K> {
    fn encode(&self, out: &mut Encoder) {
        self.text.encode(out)
    }
}

impl<K: ?Sized> Serialize for Id<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.text.serialize(serializer)
    }
}

impl<'de, K: ?Sized> Deserialize<'de> for Id<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IdStr::deserialize(deserializer).map(Id::new)
    }
}

/// An id of kind `K` lent to an endpoint function for its path: made from
/// a `&Id<K>`, or from any text (`"cus_123"`, a `&String`, an untyped
/// `&IdStr`), but never from an id of another kind.
pub struct IdRef<'a, K: ?Sized> {
    text: &'a str,
    kind: PhantomData<fn() -> K>,
}

impl<'a, K: ?Sized> IdRef<'a, K> {
    pub fn as_str(&self) -> &'a str {
        self.text
    }

    fn new(text: &'a str) -> Self {
        IdRef {
            text,
            kind: PhantomData,
        }
    }
}

impl<K: ?Sized> Clone for IdRef<'_, K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: ?Sized> Copy for IdRef<'_, K> {}

impl<K: ?Sized> fmt::Debug for IdRef<'_, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.text, f)
    }
}

impl<'a, K: ?Sized> From<&'a Id<K>> for IdRef<'a, K> {
    fn from(id: &'a Id<K>) -> Self {
        IdRef::new(id.as_str())
    }
}

impl<'a, K: ?Sized> From<&'a str> for IdRef<'a, K> {
    fn from(text: &'a str) -> Self {
        IdRef::new(text)
    }
}

impl<'a, K: ?Sized> From<&'a String> for IdRef<'a, K> {
    fn from(text: &'a String) -> Self {
        IdRef::new(text)
    }
}

impl<'a, K: ?Sized> From<&'a IdStr> for IdRef<'a, K> {
    fn from(text: &'a IdStr) -> Self {
        IdRef::new(text.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::from_slice;

    enum Customer {}

    #[test]
    fn an_id_is_32_bytes_and_so_is_an_optional_one() {
        assert_eq!(std::mem::size_of::<IdStr>(), 32);
        assert_eq!(std::mem::size_of::<Option<IdStr>>(), 32);
        assert_eq!(std::mem::size_of::<Option<Id<Customer>>>(), 32);
    }

    #[test]
    fn ids_of_every_length_read_back_as_they_came() {
        for len in [0, 1, 14, 29, 30, 31, 66, 300] {
            let text: String = "cus_"
                .chars()
                .chain(std::iter::repeat('é'))
                .take(len)
                .collect();
            for id in [IdStr::new(&text), IdStr::from(text.clone())] {
                assert_eq!(id.as_str(), text);
                assert_eq!(id.clone(), id);
            }
        }
    }

    #[test]
    fn ids_decode_encode_and_serialize_as_strings() {
        let id: Id<Customer> = from_slice(br#""cus_NffrFeUfNV2Hib""#).unwrap();
        assert_eq!(id, "cus_NffrFeUfNV2Hib");
        assert_eq!(
            format!("{id} {id:?}"),
            r#"cus_NffrFeUfNV2Hib "cus_NffrFeUfNV2Hib""#
        );
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            r#""cus_NffrFeUfNV2Hib""#
        );
        let back: Id<Customer> = serde_json::from_str(r#""cus_NffrFeUfNV2Hib""#).unwrap();
        assert_eq!(back, id);
        let long = format!("\"cs_test_{}\"", "a".repeat(58));
        let id: Id<Customer> = from_slice(long.as_bytes()).unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), long);
        assert!(from_slice::<Id<Customer>>(b"12").is_err());
    }

    #[test]
    fn ids_hash_as_their_text() {
        let mut ids = std::collections::HashSet::new();
        ids.insert(Id::<Customer>::from("cus_1"));
        assert!(ids.contains("cus_1"));
    }

    #[test]
    fn text_and_same_kind_ids_lend_as_path_ids() {
        let owned = String::from("cus_2");
        let id = Id::<Customer>::from("cus_3");
        let lent: [IdRef<'_, Customer>; 3] = ["cus_1".into(), (&owned).into(), (&id).into()];
        let texts: Vec<&str> = lent.iter().map(IdRef::as_str).collect();
        assert_eq!(texts, ["cus_1", "cus_2", "cus_3"]);
    }
}
