//! Stripe's request encoding: `application/x-www-form-urlencoded` with
//! deepObject brackets.
//!
//! A parameter struct is flattened into key/value pairs by a small serde
//! [`Serializer`](serde::Serializer): nested objects become `a[b][c]=x`,
//! arrays are indexed (`line_items[0][price]=p`, `expand[0]=customer`), maps
//! such as `metadata` become `metadata[key]=v`, booleans are `true`/`false`
//! and `None` (or JSON `null`) is omitted. Escaping is left to
//! [`form_urlencoded`], the WHATWG serializer, so brackets travel as `%5B`
//! and `%5D` (what stripe-python and stripe-ruby send; Stripe decodes keys
//! before it reads the brackets).
//!
//! `serde_qs` was not used: it cannot express [`Unsettable`]-style empty
//! values alongside omitted `None`s the way Stripe needs, and owning the
//! flattening keeps the key format in one place that is tested exactly.

use std::fmt::{self, Display};

use serde::ser::{self, Impossible, Serialize};

/// Encodes `params` as the exact body (or query string) Stripe expects.
///
/// `params` must serialize as a struct or a map (or as nothing: `()` and
/// `None` give the empty string).
///
/// ```
/// # use serde::Serialize;
/// #[derive(Serialize)]
/// struct Params { expand: Vec<&'static str>, capture: bool }
/// let form = stripe_runtime::encode::to_form(&Params { expand: vec!["customer"], capture: true }).unwrap();
/// assert_eq!(form, "expand%5B0%5D=customer&capture=true");
/// ```
pub fn to_form<P: Serialize + ?Sized>(params: &P) -> Result<String, EncodeError> {
    let mut out = form_urlencoded::Serializer::new(String::new());
    params.serialize(ValueSerializer {
        key: &mut String::new(),
        sink: &mut out,
    })?;
    Ok(out.finish())
}

/// Flattens `params` into unescaped `(key, value)` pairs, in field order.
///
/// The client keeps requests in this form so that pagination can replace a
/// cursor parameter before the pairs are escaped.
pub fn to_pairs<P: Serialize + ?Sized>(params: &P) -> Result<Vec<(String, String)>, EncodeError> {
    let mut out = Vec::new();
    params.serialize(ValueSerializer {
        key: &mut String::new(),
        sink: &mut out,
    })?;
    Ok(out)
}

/// Escapes pairs produced by [`to_pairs`] into a form-urlencoded string.
pub fn pairs_to_form(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// A request field that Stripe lets you unset by sending the empty string
/// (in the spec: `anyOf: [..., {type: string, enum: [""]}]`).
///
/// Wrap it in an `Option` for the usual three states: `None` leaves the field
/// alone, `Some(Unsettable::Set(v))` sets it, `Some(Unsettable::Unset)` sends
/// `field=` and clears it.
#[derive(Clone, Debug, PartialEq)]
pub enum Unsettable<T> {
    Set(T),
    Unset,
}

impl<T> From<T> for Unsettable<T> {
    fn from(value: T) -> Self {
        Unsettable::Set(value)
    }
}

impl<T: Serialize> Serialize for Unsettable<T> {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Unsettable::Set(value) => value.serialize(serializer),
            Unsettable::Unset => serializer.serialize_str(""),
        }
    }
}

/// Parameters could not be form-encoded: a shape Stripe has no encoding for
/// (a top-level scalar or array, bytes, a map key that is not a string, a
/// non-finite float) or an error raised by a `Serialize` impl.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeError {
    /// The deepObject key being written when it failed (`line_items[0][price]`),
    /// empty at the top level.
    pub key: String,
    pub message: String,
}

impl EncodeError {
    pub(crate) fn new(key: &str, message: impl Into<String>) -> Self {
        EncodeError {
            key: key.to_owned(),
            message: message.into(),
        }
    }
}

impl Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "could not encode request parameters: {}", self.message)
        } else {
            write!(
                f,
                "could not encode request parameter `{}`: {}",
                self.key, self.message
            )
        }
    }
}

impl std::error::Error for EncodeError {}

impl ser::Error for EncodeError {
    fn custom<M: Display>(msg: M) -> Self {
        // The key is filled in by the serializer that sees the error pass by
        // (see `with_key`), since `custom` has no access to it.
        EncodeError::new("", msg.to_string())
    }
}

/// Where flattened pairs go: straight into the escaper for [`to_form`], or
/// into a vector for requests that are edited later.
trait Sink {
    fn pair(&mut self, key: &str, value: &str);
}

impl Sink for form_urlencoded::Serializer<'_, String> {
    fn pair(&mut self, key: &str, value: &str) {
        self.append_pair(key, value);
    }
}

impl Sink for Vec<(String, String)> {
    fn pair(&mut self, key: &str, value: &str) {
        self.push((key.to_owned(), value.to_owned()));
    }
}

/// Serializes one value whose full key is in `key`. Compound values push a
/// segment onto the shared key buffer for each child and truncate it again,
/// so the whole walk allocates one key string.
struct ValueSerializer<'a, S> {
    key: &'a mut String,
    sink: &'a mut S,
}

impl<'a, S: Sink> ValueSerializer<'a, S> {
    fn scalar(self, value: &str) -> Result<(), EncodeError> {
        if self.key.is_empty() {
            return Err(EncodeError::new(
                "",
                "parameters must be a struct or a map, not a single value",
            ));
        }
        self.sink.pair(self.key, value);
        Ok(())
    }

    fn display(self, value: impl Display) -> Result<(), EncodeError> {
        // Numbers and chars are short: one small allocation is cheaper than
        // threading a reusable buffer through every serializer.
        self.scalar(&value.to_string())
    }

    fn compound(self) -> Compound<'a, S> {
        let base = self.key.len();
        Compound {
            key: self.key,
            sink: self.sink,
            base,
            index: 0,
        }
    }
}

/// Adds the current key to an error raised below it, unless a deeper level
/// already did.
fn with_key(key: &str, mut error: EncodeError) -> EncodeError {
    if error.key.is_empty() {
        error.key = key.to_owned();
    }
    error
}

/// Appends `[segment]`, or `segment` alone at the top level.
fn push_segment(key: &mut String, segment: &str) {
    if key.is_empty() {
        key.push_str(segment);
    } else {
        key.push('[');
        key.push_str(segment);
        key.push(']');
    }
}

impl<'a, S: Sink> ser::Serializer for ValueSerializer<'a, S> {
    type Ok = ();
    type Error = EncodeError;
    type SerializeSeq = Compound<'a, S>;
    type SerializeTuple = Compound<'a, S>;
    type SerializeTupleStruct = Compound<'a, S>;
    type SerializeTupleVariant = Compound<'a, S>;
    type SerializeMap = Compound<'a, S>;
    type SerializeStruct = Compound<'a, S>;
    type SerializeStructVariant = Compound<'a, S>;

    fn serialize_bool(self, v: bool) -> Result<(), EncodeError> {
        self.scalar(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), EncodeError> {
        self.display(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), EncodeError> {
        self.display(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), EncodeError> {
        self.display(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), EncodeError> {
        self.display(v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), EncodeError> {
        self.display(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), EncodeError> {
        self.display(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), EncodeError> {
        self.display(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), EncodeError> {
        self.display(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), EncodeError> {
        self.display(v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), EncodeError> {
        self.display(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), EncodeError> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), EncodeError> {
        if !v.is_finite() {
            let key = self.key.clone();
            return Err(EncodeError::new(
                &key,
                format!("{v} is not a number Stripe accepts"),
            ));
        }
        // Rust's shortest round-trip formatting: `1.5`, `2` for 2.0, never an
        // exponent, which is the plain decimal Stripe parses.
        self.display(v)
    }
    fn serialize_char(self, v: char) -> Result<(), EncodeError> {
        self.scalar(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), EncodeError> {
        self.scalar(v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), EncodeError> {
        let key = self.key.clone();
        Err(EncodeError::new(
            &key,
            "bytes cannot be form-encoded (files go through Multipart)",
        ))
    }
    fn serialize_none(self) -> Result<(), EncodeError> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), EncodeError> {
        value.serialize(self)
    }
    /// `()` and JSON `null` are omitted, like `None`.
    fn serialize_unit(self) -> Result<(), EncodeError> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), EncodeError> {
        Ok(())
    }
    /// A fieldless enum variant is its (renamed) wire string.
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), EncodeError> {
        self.scalar(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        value.serialize(self)
    }
    /// Externally tagged, as serde_json would write it: `key[variant]=...`.
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        let base = self.key.len();
        push_segment(self.key, variant);
        let result = value.serialize(ValueSerializer {
            key: &mut *self.key,
            sink: &mut *self.sink,
        });
        self.key.truncate(base);
        result
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a, S>, EncodeError> {
        if self.key.is_empty() {
            return Err(EncodeError::new(
                "",
                "parameters must be a struct or a map, not a sequence",
            ));
        }
        Ok(self.compound())
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, S>, EncodeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Compound<'a, S>, EncodeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a, S>, EncodeError> {
        push_segment(self.key, variant);
        Ok(self.compound())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a, S>, EncodeError> {
        Ok(self.compound())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a, S>, EncodeError> {
        Ok(self.compound())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a, S>, EncodeError> {
        push_segment(self.key, variant);
        Ok(self.compound())
    }
}

/// The children of one object, array or map.
///
/// `base` is the key length of this value (for variants it includes the
/// `[variant]` segment); each child is written after it and cut off again.
/// The parent cuts off this value's own segment.
struct Compound<'a, S> {
    key: &'a mut String,
    sink: &'a mut S,
    base: usize,
    index: usize,
}

impl<S: Sink> Compound<'_, S> {
    fn child<T: Serialize + ?Sized>(
        &mut self,
        segment: &str,
        value: &T,
    ) -> Result<(), EncodeError> {
        push_segment(self.key, segment);
        let result = value
            .serialize(ValueSerializer {
                key: &mut *self.key,
                sink: &mut *self.sink,
            })
            .map_err(|e| with_key(self.key, e));
        self.key.truncate(self.base);
        result
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        let mut buffer = [0; 20];
        let segment = format_index(&mut buffer, self.index);
        self.index += 1;
        self.child(segment, value)
    }

    fn end(self) -> Result<(), EncodeError> {
        Ok(())
    }
}

/// Formats an array index without allocating (encoding runs per element of
/// every array, e.g. `line_items`).
fn format_index(buffer: &mut [u8; 20], mut index: usize) -> &str {
    let mut at = buffer.len();
    loop {
        at -= 1;
        buffer[at] = b'0' + (index % 10) as u8;
        index /= 10;
        if index == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    std::str::from_utf8(&buffer[at..]).expect("ASCII digits")
}

impl<S: Sink> ser::SerializeSeq for Compound<'_, S> {
    type Ok = ();
    type Error = EncodeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        self.element(value)
    }
    fn end(self) -> Result<(), EncodeError> {
        Compound::end(self)
    }
}

impl<S: Sink> ser::SerializeTuple for Compound<'_, S> {
    type Ok = ();
    type Error = EncodeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        self.element(value)
    }
    fn end(self) -> Result<(), EncodeError> {
        Compound::end(self)
    }
}

impl<S: Sink> ser::SerializeTupleStruct for Compound<'_, S> {
    type Ok = ();
    type Error = EncodeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        self.element(value)
    }
    fn end(self) -> Result<(), EncodeError> {
        Compound::end(self)
    }
}

impl<S: Sink> ser::SerializeTupleVariant for Compound<'_, S> {
    type Ok = ();
    type Error = EncodeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        self.element(value)
    }
    fn end(self) -> Result<(), EncodeError> {
        Compound::end(self)
    }
}

impl<S: Sink> ser::SerializeStruct for Compound<'_, S> {
    type Ok = ();
    type Error = EncodeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        self.child(name, value)
    }
    fn end(self) -> Result<(), EncodeError> {
        Compound::end(self)
    }
}

impl<S: Sink> ser::SerializeStructVariant for Compound<'_, S> {
    type Ok = ();
    type Error = EncodeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        self.child(name, value)
    }
    fn end(self) -> Result<(), EncodeError> {
        Compound::end(self)
    }
}

impl<S: Sink> ser::SerializeMap for Compound<'_, S> {
    type Ok = ();
    type Error = EncodeError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), EncodeError> {
        // The value is written in `serialize_value`; remember the segment by
        // appending it now, and truncate after the value.
        let segment = key
            .serialize(KeySerializer)
            .map_err(|e| with_key(self.key, e))?;
        push_segment(self.key, &segment);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        let result = value
            .serialize(ValueSerializer {
                key: &mut *self.key,
                sink: &mut *self.sink,
            })
            .map_err(|e| with_key(self.key, e));
        self.key.truncate(self.base);
        result
    }
    fn end(self) -> Result<(), EncodeError> {
        Compound::end(self)
    }
}

/// Turns a map key into the text between brackets. Stripe's maps
/// (`metadata`, ...) are keyed by strings; numbers, booleans, chars and
/// fieldless enum variants are accepted as their text.
struct KeySerializer;

fn key_error(what: &str) -> EncodeError {
    EncodeError::new("", format!("a map key must be a string, not {what}"))
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = EncodeError;
    type SerializeSeq = Impossible<String, EncodeError>;
    type SerializeTuple = Impossible<String, EncodeError>;
    type SerializeTupleStruct = Impossible<String, EncodeError>;
    type SerializeTupleVariant = Impossible<String, EncodeError>;
    type SerializeMap = Impossible<String, EncodeError>;
    type SerializeStruct = Impossible<String, EncodeError>;
    type SerializeStructVariant = Impossible<String, EncodeError>;

    fn serialize_bool(self, v: bool) -> Result<String, EncodeError> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, EncodeError> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, EncodeError> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, EncodeError> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, EncodeError> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, EncodeError> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, EncodeError> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, EncodeError> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, EncodeError> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _: f32) -> Result<String, EncodeError> {
        Err(key_error("a float"))
    }
    fn serialize_f64(self, _: f64) -> Result<String, EncodeError> {
        Err(key_error("a float"))
    }
    fn serialize_char(self, v: char) -> Result<String, EncodeError> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<String, EncodeError> {
        Ok(v.to_owned())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, EncodeError> {
        Err(key_error("bytes"))
    }
    fn serialize_none(self) -> Result<String, EncodeError> {
        Err(key_error("None"))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, EncodeError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, EncodeError> {
        Err(key_error("()"))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, EncodeError> {
        Err(key_error("a unit struct"))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, EncodeError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, EncodeError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, EncodeError> {
        Err(key_error("an enum variant with data"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, EncodeError> {
        Err(key_error("a sequence"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, EncodeError> {
        Err(key_error("a tuple"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, EncodeError> {
        Err(key_error("a tuple struct"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, EncodeError> {
        Err(key_error("an enum variant with data"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, EncodeError> {
        Err(key_error("a map"))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, EncodeError> {
        Err(key_error("a struct"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, EncodeError> {
        Err(key_error("an enum variant with data"))
    }
}
