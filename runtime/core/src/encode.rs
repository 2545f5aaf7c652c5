//! Stripe's request encoding: `application/x-www-form-urlencoded` with
//! deepObject brackets.
//!
//! Every generated params type implements [`Encode`] with a plain function
//! that hands each field to a [`Form`]: nested objects become `a[b][c]=x`,
//! arrays are indexed (`line_items[0][price]=p`, `expand[0]=customer`), maps
//! such as `metadata` become `metadata[key]=v`, booleans are `true`/`false`
//! and `None` (or JSON `null`) is left out. Values are passed as
//! `&dyn Encode`, so nothing here is compiled once per type. Escaping is
//! left to [`form_urlencoded`], the WHATWG serializer, so brackets travel
//! as `%5B` and `%5D` (what stripe-python and stripe-ruby send; Stripe
//! decodes keys before it reads the brackets).

use std::collections::BTreeMap;
use std::fmt::{self, Display};

use serde_json::Value;

/// A value that can be written as form pairs under the current key.
pub trait Encode {
    fn encode(&self, form: &mut Form);
}

/// Encodes `params` as the exact body (or query string) Stripe expects.
///
/// `params` must be a struct or a map (or nothing: `None` gives the empty
/// string).
///
/// ```
/// let params = serde_json::json!({"expand": ["customer"], "capture": true});
/// let form = stripe_core::encode::to_form(&params).unwrap();
/// assert_eq!(form, "capture=true&expand%5B0%5D=customer");
/// ```
pub fn to_form(params: &dyn Encode) -> Result<String, EncodeError> {
    Ok(pairs_to_form(&to_pairs(params)?))
}

/// Flattens `params` into unescaped `(key, value)` pairs, in field order.
///
/// Requests keep this form so that pagination can replace a cursor
/// parameter before the pairs are escaped.
pub fn to_pairs(params: &dyn Encode) -> Result<Vec<(String, String)>, EncodeError> {
    let mut form = Form::default();
    params.encode(&mut form);
    form.finish()
}

/// Escapes pairs produced by [`to_pairs`] into a form-urlencoded string.
pub fn pairs_to_form(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The pairs being written, the key of the value being written, and the
/// first error met.
#[derive(Debug, Default)]
pub struct Form {
    key: String,
    pairs: Vec<(String, String)>,
    error: Option<EncodeError>,
}

impl Form {
    /// Writes `value` under `[name]` (a struct field or a map key), or as
    /// the top-level parameter `name`.
    pub fn field(&mut self, name: &str, value: &dyn Encode) {
        // Stripe reads brackets as nesting and `[]` as an array element, so
        // such a key (a metadata key, say) would set something else.
        if name.is_empty() || name.contains(['[', ']']) {
            return self.fail(format!(
                "the key `{name}` cannot be sent: a key must not be empty or contain `[` or `]`"
            ));
        }
        let base = self.key.len();
        push_segment(&mut self.key, name);
        value.encode(self);
        self.key.truncate(base);
    }

    /// Writes the elements of an array under `[0]`, `[1]`, ...
    pub fn elements(&mut self, items: &mut dyn Iterator<Item = &dyn Encode>) {
        if self.key.is_empty() {
            return self.fail("parameters must be a struct or a map, not a sequence");
        }
        let mut buffer = itoa::Buffer::new();
        for (index, item) in items.enumerate() {
            self.field(buffer.format(index), item);
        }
    }

    /// Writes one value at the current key.
    pub fn value(&mut self, text: &str) {
        if self.key.is_empty() {
            return self.fail("parameters must be a struct or a map, not a single value");
        }
        self.pairs.push((self.key.clone(), text.to_owned()));
    }

    /// Records that the value at the current key cannot be encoded; the
    /// first failure is the one reported.
    pub fn fail(&mut self, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(EncodeError::new(&self.key, message));
        }
    }

    /// The pairs, or the first error.
    pub fn finish(self) -> Result<Vec<(String, String)>, EncodeError> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.pairs),
        }
    }
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

impl<T: Encode> Encode for Unsettable<T> {
    fn encode(&self, form: &mut Form) {
        match self {
            Unsettable::Set(value) => value.encode(form),
            Unsettable::Unset => form.value(""),
        }
    }
}

impl<T: serde::Serialize> serde::Serialize for Unsettable<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Unsettable::Set(value) => value.serialize(serializer),
            Unsettable::Unset => serializer.serialize_str(""),
        }
    }
}

/// Parameters could not be form-encoded: a shape Stripe has no encoding for
/// (a top-level scalar or array, a non-finite float).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeError {
    /// The deepObject key being written when it failed (`line_items[0][price]`),
    /// empty at the top level.
    pub key: String,
    pub message: String,
}

impl EncodeError {
    pub fn new(key: &str, message: impl Into<String>) -> Self {
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

impl Encode for str {
    fn encode(&self, form: &mut Form) {
        form.value(self)
    }
}

impl Encode for String {
    fn encode(&self, form: &mut Form) {
        form.value(self)
    }
}

impl<T: Encode + ?Sized> Encode for &T {
    fn encode(&self, form: &mut Form) {
        (**self).encode(form)
    }
}

impl Encode for bool {
    fn encode(&self, form: &mut Form) {
        form.value(if *self { "true" } else { "false" })
    }
}

macro_rules! encode_integers {
    ($($t:ty),*) => {$(
        impl Encode for $t {
            fn encode(&self, form: &mut Form) {
                form.value(itoa::Buffer::new().format(*self))
            }
        }
    )*};
}

encode_integers!(i8, i16, i32, i64, u8, u16, u32, u64, usize);

impl Encode for f64 {
    /// Rust's shortest round-trip formatting: `1.5`, `2` for 2.0, never an
    /// exponent, which is the plain decimal Stripe parses.
    fn encode(&self, form: &mut Form) {
        if self.is_finite() {
            form.value(&self.to_string())
        } else {
            form.fail(format!("{self} is not a number Stripe accepts"))
        }
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self, form: &mut Form) {
        if let Some(value) = self {
            value.encode(form)
        }
    }
}

impl<T: Encode + ?Sized> Encode for Box<T> {
    fn encode(&self, form: &mut Form) {
        (**self).encode(form)
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self, form: &mut Form) {
        self.as_slice().encode(form)
    }
}

impl<T: Encode> Encode for [T] {
    fn encode(&self, form: &mut Form) {
        form.elements(&mut self.iter().map(|item| item as &dyn Encode))
    }
}

impl<T: Encode> Encode for BTreeMap<String, T> {
    fn encode(&self, form: &mut Form) {
        for (key, value) in self {
            form.field(key, value);
        }
    }
}

/// Any JSON: objects and arrays nest as deepObject keys, `null` is left
/// out (parameters of mixed shapes, and requests written by hand).
impl Encode for Value {
    fn encode(&self, form: &mut Form) {
        match self {
            Value::Null => {}
            Value::Bool(value) => value.encode(form),
            Value::Number(number) => encode_number(number, form),
            Value::String(text) => form.value(text),
            Value::Array(items) => items.encode(form),
            Value::Object(map) => {
                for (key, value) in map {
                    form.field(key, value);
                }
            }
        }
    }
}

fn encode_number(number: &serde_json::Number, form: &mut Form) {
    if let Some(value) = number.as_u64() {
        value.encode(form)
    } else if let Some(value) = number.as_i64() {
        value.encode(form)
    } else if let Some(value) = number.as_f64() {
        value.encode(form)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_key_stripe_would_read_as_nesting_is_refused() {
        for key in ["a]b", "a[b", "[]", ""] {
            let params = json!({"metadata": {key: "x"}});
            let error = to_form(&params).unwrap_err();
            assert!(
                error.to_string().contains("must not be empty or contain"),
                "{key}: {error}"
            );
        }
        assert_eq!(
            to_form(&json!({"metadata": {"a.b c": "x"}})).unwrap(),
            "metadata%5Ba.b+c%5D=x"
        );
    }

    #[test]
    fn nested_values_become_bracketed_keys() {
        let params = json!({
            "metadata": {"order_id": "6735", "note": "a b&c=d"},
            "items": [{"price": "p1", "quantity": 2}, {"price": "p2"}],
            "off": null,
            "confirm": false,
            "amount": -1.5,
        });
        assert_eq!(
            to_pairs(&params).unwrap(),
            [
                ("amount", "-1.5"),
                ("confirm", "false"),
                ("items[0][price]", "p1"),
                ("items[0][quantity]", "2"),
                ("items[1][price]", "p2"),
                ("metadata[note]", "a b&c=d"),
                ("metadata[order_id]", "6735"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert_eq!(
            to_form(&params).unwrap(),
            "amount=-1.5&confirm=false&items%5B0%5D%5Bprice%5D=p1&items%5B0%5D%5Bquantity%5D=2\
             &items%5B1%5D%5Bprice%5D=p2&metadata%5Bnote%5D=a+b%26c%3Dd&metadata%5Border_id%5D=6735"
        );
    }

    #[test]
    fn top_level_scalars_and_sequences_are_errors() {
        let error = to_form(&"not an object").unwrap_err();
        assert_eq!(error.key, "");
        assert!(error.message.contains("not a single value"));
        let error = to_form(&json!([1, 2])).unwrap_err();
        assert!(error.message.contains("not a sequence"));
        assert_eq!(to_form(&json!(null)).unwrap(), "");
    }

    #[test]
    fn non_finite_floats_name_their_key() {
        let mut form = Form::default();
        form.field("a", &BTreeMap::from([("b".to_owned(), vec![f64::NAN])]));
        let error = form.finish().unwrap_err();
        assert_eq!(error.key, "a[b][0]");
        assert_eq!(error.message, "NaN is not a number Stripe accepts");
    }

    #[test]
    fn unset_sends_an_empty_value() {
        let mut form = Form::default();
        form.field("address", &Some(Unsettable::<String>::Unset));
        form.field("email", &Some(Unsettable::Set("a@b.c".to_owned())));
        form.field("phone", &None::<Unsettable<String>>);
        assert_eq!(
            form.finish().unwrap(),
            [
                ("address".to_owned(), String::new()),
                ("email".to_owned(), "a@b.c".to_owned())
            ]
        );
    }

    #[test]
    fn long_arrays_index_past_nine() {
        let items: Vec<i64> = (0..12).collect();
        let mut form = Form::default();
        form.field("expand", &items);
        let pairs = form.finish().unwrap();
        assert_eq!(pairs[11], ("expand[11]".to_owned(), "11".to_owned()));
    }
}
