//! Stripe's two request encodings, from one `Encode` impl per type:
//! `application/x-www-form-urlencoded` with deepObject brackets (v1
//! bodies and every query string), and JSON (v2 bodies).
//!
//! Every generated params type implements [`Encode`] with a plain function
//! that opens an object, hands each field to the [`Encoder`] and closes it.
//! As a form, nested objects become `a[b][c]=x`, arrays are indexed
//! (`line_items[0][price]=p`, `expand[0]=customer`), maps such as
//! `metadata` become `metadata[key]=v`, booleans are `true`/`false`, `None`
//! (or JSON `null`) is left out and [`Unsettable::Unset`] is `field=`. As
//! JSON, the same calls write `{"a":{"b":{"c":"x"}}}`, `None` is left out,
//! `Unset` is `null`, and an empty object is `{}`. Values are passed as
//! `&dyn Encode`, so nothing here is compiled once per type. Form escaping is
//! left to [`form_urlencoded`], the WHATWG serializer, so brackets travel
//! as `%5B` and `%5D` (what stripe-python and stripe-ruby send; Stripe
//! decodes keys before it reads the brackets); JSON strings to `serde_json`.

use std::collections::BTreeMap;
use std::fmt::{self, Display};

use serde_json::Value;

/// A value that can be written as request parameters at the encoder's
/// current position.
pub trait Encode {
    fn encode(&self, out: &mut Encoder);
}

/// Encodes `params` as the exact form body (or query string) Stripe expects.
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
    let mut out = Encoder::new(Format::Form);
    params.encode(&mut out);
    out.finish_form()
}

/// Encodes `params` as the JSON body of a v2 request: a JSON object, `{}`
/// when there is nothing to send (what Stripe's SDKs send for a v2 POST
/// without parameters).
///
/// ```
/// let params = serde_json::json!({"name": "orders", "metadata": {"a": null}});
/// let body = stripe_core::encode::to_json(&params).unwrap();
/// assert_eq!(body, r#"{"metadata":{"a":null},"name":"orders"}"#);
/// ```
pub fn to_json(params: &dyn Encode) -> Result<String, EncodeError> {
    let mut out = Encoder::new(Format::Json);
    params.encode(&mut out);
    out.finish_json()
}

/// Escapes pairs produced by [`to_pairs`] into a form-urlencoded string.
pub fn pairs_to_form(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Which encoding an [`Encoder`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// deepObject pairs: a form body or a query string.
    Form,
    /// A JSON document.
    Json,
}

/// What an [`Encode`] impl writes into: the pairs (or JSON text) so far, the
/// key of the value being written, and the first error met.
#[derive(Debug)]
pub struct Encoder {
    format: Format,
    /// The deepObject key of the value being written (`a[b][0]`), in both
    /// formats: errors name it.
    key: String,
    pairs: Vec<(String, String)>,
    json: Vec<u8>,
    /// JSON: the containers open around the current position, innermost
    /// last, each with whether it has a member yet.
    open: Vec<Container>,
    error: Option<EncodeError>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Container {
    Object { has_member: bool },
    Array { has_member: bool },
}

impl Encoder {
    pub fn new(format: Format) -> Encoder {
        Encoder {
            format,
            key: String::new(),
            pairs: Vec::new(),
            json: Vec::new(),
            open: Vec::new(),
            error: None,
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// Starts the object whose fields follow (a struct or a map).
    pub fn begin_object(&mut self) {
        if self.format == Format::Json {
            self.json.push(b'{');
            self.open.push(Container::Object { has_member: false });
        }
    }

    /// Ends the object [`begin_object`](Self::begin_object) started.
    pub fn end_object(&mut self) {
        if self.format == Format::Json {
            self.open.pop();
            self.json.push(b'}');
        }
    }

    /// Writes `value` as the member `name` of the current object (a struct
    /// field or a map key). A value that writes nothing (`None`) leaves the
    /// member out.
    pub fn field(&mut self, name: &str, value: &dyn Encode) {
        // Stripe reads form keys' brackets as nesting and `[]` as an array
        // element, so such a key (a metadata key, say) would set something
        // else; JSON keys are sent as they are.
        let form = self.format == Format::Form;
        if name.is_empty() || (form && name.contains(['[', ']'])) {
            return self.fail(format!(
                "the key `{name}` cannot be sent: a key must not be empty or contain `[` or `]`"
            ));
        }
        let base = self.key.len();
        push_segment(&mut self.key, name);
        if form {
            value.encode(self);
        } else {
            self.json_member(
                |out| {
                    // A string always serializes.
                    let _ = serde_json::to_writer(&mut out.json, name);
                    out.json.push(b':');
                },
                value,
            );
        }
        self.key.truncate(base);
    }

    /// Writes the elements of an array: `[0]`, `[1]`, ... as a form, a JSON
    /// array as JSON.
    pub fn elements(&mut self, items: &mut dyn Iterator<Item = &dyn Encode>) {
        if self.at_top_level() {
            return self.fail("parameters must be a struct or a map, not a sequence");
        }
        let mut buffer = itoa::Buffer::new();
        if self.format == Format::Json {
            self.json.push(b'[');
            self.open.push(Container::Array { has_member: false });
        }
        for (index, item) in items.enumerate() {
            let base = self.key.len();
            push_segment(&mut self.key, buffer.format(index));
            match self.format {
                Format::Form => item.encode(self),
                // An element that writes nothing keeps its place as `null`.
                Format::Json => {
                    if !self.json_member(|_| {}, item) {
                        self.write_json_element(b"null");
                    }
                }
            }
            self.key.truncate(base);
        }
        if self.format == Format::Json {
            self.open.pop();
            self.json.push(b']');
        }
    }

    /// Writes a string.
    pub fn string(&mut self, text: &str) {
        match self.format {
            Format::Form => self.pair(text),
            Format::Json => {
                if self.check_not_top_level() {
                    let _ = serde_json::to_writer(&mut self.json, text);
                }
            }
        }
    }

    /// Writes a number, already formatted (`12`, `-1.5`): a JSON number, or
    /// its text in a form.
    pub fn number(&mut self, text: &str) {
        match self.format {
            Format::Form => self.pair(text),
            Format::Json => {
                if self.check_not_top_level() {
                    self.json.extend_from_slice(text.as_bytes());
                }
            }
        }
    }

    /// Writes `true` or `false`.
    pub fn boolean(&mut self, value: bool) {
        let text = if value { "true" } else { "false" };
        match self.format {
            Format::Form => self.pair(text),
            Format::Json => {
                if self.check_not_top_level() {
                    self.json.extend_from_slice(text.as_bytes());
                }
            }
        }
    }

    /// Writes JSON `null`; a form has no null and leaves the key out.
    pub fn null(&mut self) {
        if self.format == Format::Json && self.check_not_top_level() {
            self.json.extend_from_slice(b"null");
        }
    }

    /// Clears the field: `field=` in a form, `null` in JSON.
    pub fn unset(&mut self) {
        match self.format {
            Format::Form => self.pair(""),
            Format::Json => self.null(),
        }
    }

    /// Records that the value at the current key cannot be encoded; the
    /// first failure is the one reported.
    pub fn fail(&mut self, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(EncodeError::new(&self.key, message));
        }
    }

    /// The pairs of a form, or the first error.
    fn finish_form(self) -> Result<Vec<(String, String)>, EncodeError> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.pairs),
        }
    }

    /// The JSON text (`{}` for nothing at all), or the first error.
    fn finish_json(self) -> Result<String, EncodeError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if self.json.is_empty() {
            return Ok("{}".to_owned());
        }
        Ok(String::from_utf8(self.json).expect("serde_json and ASCII write UTF-8"))
    }

    /// A form pair at the current key.
    fn pair(&mut self, text: &str) {
        if self.key.is_empty() {
            return self.fail("parameters must be a struct or a map, not a single value");
        }
        self.pairs.push((self.key.clone(), text.to_owned()));
    }

    fn at_top_level(&self) -> bool {
        match self.format {
            Format::Form => self.key.is_empty(),
            Format::Json => self.open.is_empty(),
        }
    }

    /// JSON: a scalar needs a container around it.
    fn check_not_top_level(&mut self) -> bool {
        if self.open.is_empty() {
            self.fail("parameters must be a struct or a map, not a single value");
            return false;
        }
        true
    }

    /// Writes one member of the innermost JSON container: its separator,
    /// `prefix` (an object's key), then `value`; takes it all back when the
    /// value writes nothing. Whether something was written.
    fn json_member(&mut self, prefix: impl FnOnce(&mut Encoder), value: &dyn Encode) -> bool {
        let Some(container) = self.open.last().copied() else {
            self.fail("a field outside an object");
            return false;
        };
        let mark = self.json.len();
        if container.has_member() {
            self.json.push(b',');
        }
        prefix(self);
        let before_value = self.json.len();
        value.encode(self);
        if self.json.len() == before_value {
            self.json.truncate(mark);
            return false;
        }
        if let Some(last) = self.open.last_mut() {
            last.set_has_member();
        }
        true
    }

    /// A literal element of the innermost JSON array.
    fn write_json_element(&mut self, literal: &[u8]) {
        if let Some(last) = self.open.last_mut() {
            if last.has_member() {
                self.json.push(b',');
            }
            last.set_has_member();
        }
        self.json.extend_from_slice(literal);
    }
}

impl Container {
    fn has_member(self) -> bool {
        match self {
            Container::Object { has_member } | Container::Array { has_member } => has_member,
        }
    }

    fn set_has_member(&mut self) {
        match self {
            Container::Object { has_member } | Container::Array { has_member } => {
                *has_member = true
            }
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

/// A request field that Stripe lets you clear: in a form by sending the
/// empty string (in the spec: `anyOf: [..., {type: string, enum: [""]}]`),
/// in a v2 JSON body by sending `null` (`nullable: true`).
///
/// Wrap it in an `Option` for the usual three states: `None` leaves the field
/// alone, `Some(Unsettable::Set(v))` sets it, `Some(Unsettable::Unset)`
/// clears it (`field=`, or `"field":null`).
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
    fn encode(&self, out: &mut Encoder) {
        match self {
            Unsettable::Set(value) => value.encode(out),
            Unsettable::Unset => out.unset(),
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

/// Parameters could not be encoded: a shape Stripe has no encoding for
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
    fn encode(&self, out: &mut Encoder) {
        out.string(self)
    }
}

impl Encode for String {
    fn encode(&self, out: &mut Encoder) {
        out.string(self)
    }
}

impl<T: Encode + ?Sized> Encode for &T {
    fn encode(&self, out: &mut Encoder) {
        (**self).encode(out)
    }
}

impl Encode for bool {
    fn encode(&self, out: &mut Encoder) {
        out.boolean(*self)
    }
}

macro_rules! encode_integers {
    ($($t:ty),*) => {$(
        impl Encode for $t {
            fn encode(&self, out: &mut Encoder) {
                out.number(itoa::Buffer::new().format(*self))
            }
        }
    )*};
}

encode_integers!(i8, i16, i32, i64, u8, u16, u32, u64, usize);

impl Encode for f64 {
    /// Rust's shortest round-trip formatting: `1.5`, `2` for 2.0, never an
    /// exponent, which is the plain decimal Stripe parses.
    fn encode(&self, out: &mut Encoder) {
        if self.is_finite() {
            out.number(&self.to_string())
        } else {
            out.fail(format!("{self} is not a number Stripe accepts"))
        }
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self, out: &mut Encoder) {
        if let Some(value) = self {
            value.encode(out)
        }
    }
}

impl<T: Encode + ?Sized> Encode for Box<T> {
    fn encode(&self, out: &mut Encoder) {
        (**self).encode(out)
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self, out: &mut Encoder) {
        self.as_slice().encode(out)
    }
}

impl<T: Encode> Encode for [T] {
    fn encode(&self, out: &mut Encoder) {
        out.elements(&mut self.iter().map(|item| item as &dyn Encode))
    }
}

impl<T: Encode> Encode for BTreeMap<String, T> {
    fn encode(&self, out: &mut Encoder) {
        out.begin_object();
        for (key, value) in self {
            out.field(key, value);
        }
        out.end_object();
    }
}

/// Any JSON: objects and arrays nest (as deepObject keys in a form), `null`
/// is left out of a form and kept in JSON (parameters of mixed shapes, and
/// requests written by hand).
impl Encode for Value {
    fn encode(&self, out: &mut Encoder) {
        match self {
            Value::Null => out.null(),
            Value::Bool(value) => value.encode(out),
            Value::Number(number) => encode_number(number, out),
            Value::String(text) => out.string(text),
            Value::Array(items) => items.encode(out),
            Value::Object(map) => {
                out.begin_object();
                for (key, value) in map {
                    out.field(key, value);
                }
                out.end_object();
            }
        }
    }
}

fn encode_number(number: &serde_json::Number, out: &mut Encoder) {
    if let Some(value) = number.as_u64() {
        value.encode(out)
    } else if let Some(value) = number.as_i64() {
        value.encode(out)
    } else if let Some(value) = number.as_f64() {
        value.encode(out)
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
        let mut form = Encoder::new(Format::Form);
        form.field("a", &BTreeMap::from([("b".to_owned(), vec![f64::NAN])]));
        let error = form.finish_form().unwrap_err();
        assert_eq!(error.key, "a[b][0]");
        assert_eq!(error.message, "NaN is not a number Stripe accepts");
    }

    #[test]
    fn unset_sends_an_empty_value() {
        let mut form = Encoder::new(Format::Form);
        form.field("address", &Some(Unsettable::<String>::Unset));
        form.field("email", &Some(Unsettable::Set("a@b.c".to_owned())));
        form.field("phone", &None::<Unsettable<String>>);
        assert_eq!(
            form.finish_form().unwrap(),
            [
                ("address".to_owned(), String::new()),
                ("email".to_owned(), "a@b.c".to_owned())
            ]
        );
    }

    #[test]
    fn long_arrays_index_past_nine() {
        let items: Vec<i64> = (0..12).collect();
        let mut form = Encoder::new(Format::Form);
        form.field("expand", &items);
        let pairs = form.finish_form().unwrap();
        assert_eq!(pairs[11], ("expand[11]".to_owned(), "11".to_owned()));
    }

    struct Destination {
        name: String,
        description: Option<Unsettable<String>>,
        enabled_events: Vec<String>,
        webhook_endpoint: Option<Endpoint>,
        metadata: BTreeMap<String, Unsettable<String>>,
        limit: Option<i64>,
    }

    struct Endpoint {
        url: Option<String>,
    }

    impl Encode for Endpoint {
        fn encode(&self, out: &mut Encoder) {
            out.begin_object();
            out.field("url", &self.url);
            out.end_object();
        }
    }

    impl Encode for Destination {
        fn encode(&self, out: &mut Encoder) {
            out.begin_object();
            out.field("name", &self.name);
            out.field("description", &self.description);
            out.field("enabled_events", &self.enabled_events);
            out.field("webhook_endpoint", &self.webhook_endpoint);
            out.field("metadata", &self.metadata);
            out.field("limit", &self.limit);
            out.end_object();
        }
    }

    #[test]
    fn json_bodies_leave_out_none_and_write_unset_as_null() {
        let params = Destination {
            name: "a \"b\"\n".to_owned(),
            description: Some(Unsettable::Unset),
            enabled_events: vec![
                "v1.billing.meter.error_report_triggered".to_owned(),
                "x".to_owned(),
            ],
            webhook_endpoint: Some(Endpoint { url: None }),
            metadata: BTreeMap::from([
                ("gone".to_owned(), Unsettable::Unset),
                ("k[0]".to_owned(), Unsettable::Set("v".to_owned())),
            ]),
            limit: None,
        };
        assert_eq!(
            to_json(&params).unwrap(),
            r#"{"name":"a \"b\"\n","description":null,"enabled_events":["v1.billing.meter.error_report_triggered","x"],"webhook_endpoint":{},"metadata":{"gone":null,"k[0]":"v"}}"#
        );
        // The same value as a form: brackets in a key are refused there only.
        let error = to_form(&params).unwrap_err();
        assert_eq!(error.key, "metadata");
    }

    #[test]
    fn an_empty_json_body_is_an_empty_object() {
        struct Empty;
        impl Encode for Empty {
            fn encode(&self, out: &mut Encoder) {
                out.begin_object();
                out.end_object();
            }
        }
        assert_eq!(to_json(&Empty).unwrap(), "{}");
        assert_eq!(
            to_json(&json!(null)).unwrap_err().message,
            "parameters must be a struct or a map, not a single value"
        );
        assert_eq!(to_json(&json!({})).unwrap(), "{}");
    }

    #[test]
    fn json_keeps_what_a_form_cannot_say() {
        let params = json!({"a": null, "b": [1, null, {"c": true}], "d": 2.5, "e": {}});
        assert_eq!(
            to_json(&params).unwrap(),
            r#"{"a":null,"b":[1,null,{"c":true}],"d":2.5,"e":{}}"#
        );
        // A form has no null, empty object or empty array.
        assert_eq!(
            to_pairs(&params).unwrap(),
            [("b[0]", "1"), ("b[2][c]", "true"), ("d", "2.5")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }

    #[test]
    fn json_refuses_what_is_not_an_object_and_names_the_key() {
        assert!(to_json(&json!([1]))
            .unwrap_err()
            .message
            .contains("not a sequence"));
        assert!(to_json(&json!("x"))
            .unwrap_err()
            .message
            .contains("not a single value"));
        let mut out = Encoder::new(Format::Json);
        out.begin_object();
        out.field("a", &vec![f64::INFINITY]);
        out.end_object();
        assert_eq!(out.finish_json().unwrap_err().key, "a[0]");
    }
}
