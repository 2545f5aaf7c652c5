//! Decoding JSON into the generated types, without serde's derive.
//!
//! Every generated type implements [`Decode`] with a plain function that
//! reads its fields from a [`Decoder`], over the crate's pull reader: one
//! compiled copy per type, whatever the input, and no DOM in between. A
//! field the spec does not declare is kept as JSON.
//!
//! Decoders report a failure as a [`Failure`]: what went wrong and the byte
//! offset where. Only [`from_slice`] turns it into a [`DecodeError`] with
//! the JSON path (`data[1].amount`), by walking the document again up to
//! that offset, so the path costs nothing while decoding succeeds.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU16, Ordering::Relaxed};

use serde_json::Value;

pub use crate::reader::Key;
use crate::reader::{Reader, SyntaxError, Token};

/// Objects and arrays may nest up to one less than this, exactly as in
/// `serde_json` (so that a hostile body cannot overflow the stack).
pub const MAX_DEPTH: u16 = 128;

/// A type that can be read from JSON.
pub trait Decode: Sized {
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure>;
}

/// Decodes a whole JSON document (nothing but whitespace may follow it).
pub fn from_slice<T: Decode>(json: &[u8]) -> Result<T, DecodeError> {
    let mut d = Decoder::new(json);
    T::decode(&mut d)
        .and_then(|value| d.finish().map(|()| value))
        .map_err(|failure| failure.into_error(json))
}

/// What a JSON value is, as far as a decoder needs to know before reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    fn of(token: Token) -> Kind {
        match token {
            Token::Null => Kind::Null,
            Token::True | Token::False => Kind::Bool,
            Token::String => Kind::String,
            Token::Array => Kind::Array,
            Token::Object => Kind::Object,
            Token::Number => Kind::Number,
        }
    }

    fn article(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

/// A position in a JSON document and the calls that read what is there.
#[derive(Clone)]
pub struct Decoder<'a> {
    reader: Reader<'a>,
    depth: u16,
    /// The byte before the next key: `{` right after `begin_object` (the
    /// first key still to be read), else `,`.
    lead: u8,
}

impl<'a> Decoder<'a> {
    pub fn new(json: &'a [u8]) -> Self {
        Decoder {
            reader: Reader::new(json),
            depth: 0,
            lead: b',',
        }
    }

    /// The byte offset of the next value (after whitespace, once peeked).
    pub fn offset(&self) -> usize {
        self.reader.position()
    }

    /// What the next value is, without reading it.
    #[inline]
    pub fn kind(&mut self) -> Result<Kind, Failure> {
        Ok(Kind::of(self.reader.peek().map_err(Failure::syntax)?))
    }

    /// Reads any value: `T::decode`.
    pub fn value<T: Decode>(&mut self) -> Result<T, Failure> {
        T::decode(self)
    }

    /// Reads a field that may be absent or `null` into its slot. Out of
    /// line, and through a reference: a struct's fields then stay in memory
    /// while its keys are read, whereas as values they would be carried
    /// around the key loop, and copied at every key.
    #[inline(never)]
    pub fn optional_into<T: Decode>(&mut self, slot: &mut Option<T>) -> Result<(), Failure> {
        *slot = Option::<T>::decode(self)?;
        Ok(())
    }

    /// Reads a required field into its slot (`None` until then), as
    /// [`optional_into`](Self::optional_into) does.
    #[inline(never)]
    pub fn required_into<T: Decode>(&mut self, slot: &mut Option<T>) -> Result<(), Failure> {
        *slot = Some(T::decode(self)?);
        Ok(())
    }

    /// Reads the `object` of a type whose schema fixes it to `name`: the
    /// value must be that name. The type stores nothing for it (it is the
    /// type's `OBJECT`), so the slot only records that it was there.
    #[inline(never)]
    pub fn object_name_into(
        &mut self,
        slot: &mut Option<()>,
        name: &'static str,
    ) -> Result<(), Failure> {
        let offset = self.offset();
        if self.str()? != name {
            return Err(Failure::new(offset, FailureKind::ObjectName(name)));
        }
        *slot = Some(());
        Ok(())
    }

    /// Starts reading an object and returns its offset; [`next_field`]
    /// then yields its keys, each to be followed by reading its value.
    ///
    /// [`next_field`]: Decoder::next_field
    #[inline]
    pub fn begin_object(&mut self) -> Result<usize, Failure> {
        let start = self.expect(Kind::Object)?;
        self.enter(start)?;
        self.lead = b'{';
        Ok(start)
    }

    /// The next key of the object being read, or `None` at its end.
    /// `#[inline]`, not `always`: a debug build would copy it into each of
    /// the 800 decoders and push `stripe_api`'s rustc past 1 GB.
    #[inline]
    pub fn next_field(&mut self) -> Result<Option<&str>, Failure> {
        // The usual case: `,"key":` right after the value, or `{"key":`
        // for the first key.
        if let Some(key) = self.reader.object_next_plain(self.lead) {
            self.lead = b',';
            return Ok(Some(key));
        }
        self.next_field_otherwise()
    }

    /// [`next_field`](Self::next_field) for indented keys (Stripe's own
    /// responses), the end of the object, escapes and odd whitespace.
    #[inline(never)]
    fn next_field_otherwise(&mut self) -> Result<Option<&str>, Failure> {
        let lead = std::mem::replace(&mut self.lead, b',');
        // Two spaces a level: the document's root object is depth 1.
        let indent = 2 * usize::from(self.depth);
        if let Some(key) = self.reader.object_next_indented(lead, indent) {
            return Ok(Some(key));
        }
        let key = if lead == b'{' {
            self.reader.object_first()
        } else {
            self.reader.object_next()
        }
        .map_err(Failure::syntax)?;
        if key.is_none() {
            self.depth -= 1;
        }
        Ok(key)
    }

    /// The next field of the object being read, as the index of its key in
    /// `keys` (a key not among them has an index past them), or `None` at
    /// the object's end.
    ///
    /// The key is predicted from `order`, the order this type's keys came
    /// in before, and `last`, the index of the last key read (`keys.len()`
    /// before the first): one that comes as predicted is recognised by its
    /// bytes alone, without a scan for its end or comparisons with the
    /// fields' names. Any other is read as keys are, `index_of` gives its
    /// index, and `order` learns it.
    // Inlined into each decoder's key loop when optimising (a call there
    // cost a tenth of decoding a page); a hint only in unoptimised builds,
    // where copies of it in 800 decoders took rustc a third longer.
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub fn next_key(
        &mut self,
        keys: &[Key],
        order: &[AtomicU16],
        last: &mut usize,
        index_of: fn(&str) -> usize,
    ) -> Result<Option<usize>, Failure> {
        let predicted = order
            .get(*last)
            .map_or(usize::MAX, |next| usize::from(next.load(Relaxed)));
        // Two spaces a level: the document's root object is depth 1.
        let indent = 2 * usize::from(self.depth);
        match keys.get(predicted) {
            Some(key) => {
                if let Some(quote) = self.reader.key_quote(self.lead, indent) {
                    if self.reader.is_key_at(quote, key) {
                        self.reader.take_key(quote, key);
                        self.lead = b',';
                        *last = predicted;
                        return Ok(Some(predicted));
                    }
                }
            }
            // The end predicted.
            None => {
                if self.object_end(indent) {
                    return Ok(None);
                }
            }
        }
        self.next_key_otherwise(keys, order, last, index_of)
    }

    /// [`next_key`](Self::next_key) when the key is not the predicted one,
    /// or at the object's end.
    #[inline(never)]
    fn next_key_otherwise(
        &mut self,
        keys: &[Key],
        order: &[AtomicU16],
        last: &mut usize,
        index_of: fn(&str) -> usize,
    ) -> Result<Option<usize>, Failure> {
        let indent = 2 * usize::from(self.depth);
        let name = if self.object_end(indent) {
            None
        } else {
            self.next_field()?
        };
        let Some(name) = name else {
            learn(order, *last, keys.len());
            return Ok(None);
        };
        let index = index_of(name);
        // After an undeclared key, the next declared one is still predicted
        // from the last declared one.
        if index < keys.len() {
            learn(order, *last, index);
            *last = index;
        }
        Ok(Some(index))
    }

    /// Leaves the object being read when its `}` comes right after its last
    /// value, or where Stripe puts it (see [`Reader::object_end`]).
    #[inline(always)]
    fn object_end(&mut self, indent: usize) -> bool {
        let end = self.lead == b',' && self.reader.object_end(indent);
        if end {
            self.depth -= 1;
        }
        end
    }

    /// The items of a list page: a `Vec`, with room for every item made once
    /// the first is read when the page is the document itself (a response of
    /// up to 100 alike objects), so that large items are not copied again at
    /// each doubling. A page nested in an object grows as any `Vec` does.
    pub fn page_items<T: Decode>(&mut self) -> Result<Vec<T>, Failure> {
        /// Stripe's largest page.
        const MAX_PAGE: usize = 100;
        let top_level = self.depth == 1;
        let mut items = Vec::new();
        let start = self.offset();
        let mut more = self.begin_array()?;
        if more {
            items.push(T::decode(self)?);
            let first = self.offset().saturating_sub(start).max(1);
            let left = self.reader.document().len().saturating_sub(self.offset());
            if top_level {
                items.reserve((left / first).min(MAX_PAGE - 1));
            }
            more = self.next_element()?;
        }
        while more {
            items.push(T::decode(self)?);
            more = self.next_element()?;
        }
        Ok(items)
    }

    /// Starts reading an array; true when it has a first element.
    #[inline]
    pub fn begin_array(&mut self) -> Result<bool, Failure> {
        let start = self.expect(Kind::Array)?;
        self.enter(start)?;
        let more = self.reader.array_first().map_err(Failure::syntax)?;
        if !more {
            self.depth -= 1;
        }
        Ok(more)
    }

    /// After an element: true when another one follows.
    #[inline]
    pub fn next_element(&mut self) -> Result<bool, Failure> {
        let more = self.reader.array_next().map_err(Failure::syntax)?;
        if !more {
            self.depth -= 1;
        }
        Ok(more)
    }

    /// A string, borrowed from the document (or from the unescaping buffer).
    #[inline]
    pub fn str(&mut self) -> Result<&str, Failure> {
        // Most strings follow their `:` or `,` directly.
        if !self.reader.at(b'"') {
            self.expect(Kind::String)?;
        }
        self.reader.string().map_err(Failure::syntax)
    }

    #[inline]
    pub fn string(&mut self) -> Result<String, Failure> {
        self.str().map(str::to_owned)
    }

    #[inline]
    pub fn bool(&mut self) -> Result<bool, Failure> {
        let token = self.reader.peek().map_err(Failure::syntax)?;
        match token {
            Token::True | Token::False => {
                self.reader.literal(token).map_err(Failure::syntax)?;
                Ok(token == Token::True)
            }
            other => Err(Failure::wrong_kind(
                self.offset(),
                "a boolean",
                Kind::of(other),
            )),
        }
    }

    #[inline]
    pub fn i64(&mut self) -> Result<i64, Failure> {
        if let Some(value) = self.reader.small_integer() {
            return Ok(value);
        }
        self.i64_otherwise()
    }

    #[inline(never)]
    fn i64_otherwise(&mut self) -> Result<i64, Failure> {
        let start = self.expect_number("an integer")?;
        let text = self.reader.number().map_err(Failure::syntax)?;
        if text.contains(['.', 'e', 'E']) {
            return Err(Failure::new(start, FailureKind::Expected("an integer")));
        }
        text.parse()
            .map_err(|_| Failure::new(start, FailureKind::Expected("an integer that fits 64 bits")))
    }

    pub fn f64(&mut self) -> Result<f64, Failure> {
        let start = self.expect_number("a number")?;
        let text = self.reader.number().map_err(Failure::syntax)?;
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(value),
            _ => Err(Failure::new(
                start,
                FailureKind::Expected("a number that fits 64 bits"),
            )),
        }
    }

    /// Reads `null`; false (reading nothing) when the next value is not null.
    #[inline]
    pub fn null(&mut self) -> Result<bool, Failure> {
        // Most values follow their `:` or `,` directly.
        if self.reader.at_null() {
            return Ok(true);
        }
        // A value right here that cannot be `null` (nor a broken one).
        if self.reader.at_other_than_null() {
            return Ok(false);
        }
        self.null_after_whitespace()
    }

    #[inline(never)]
    fn null_after_whitespace(&mut self) -> Result<bool, Failure> {
        if self.reader.peek().map_err(Failure::syntax)? == Token::Null {
            self.reader.literal(Token::Null).map_err(Failure::syntax)?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Reads past the next value, whatever it is (checking it is JSON).
    pub fn skip(&mut self) -> Result<(), Failure> {
        self.reader
            .skip(self.depth, MAX_DEPTH)
            .map_err(Failure::syntax)
    }

    /// After [`next_key`](Self::next_key) or [`next_field`](Self::next_field)
    /// gave a key the type does not declare: keeps the key and its value, as
    /// they came, in `extra`.
    pub fn extra_field(&mut self, extra: &mut crate::ExtraFields) -> Result<(), Failure> {
        // The key's offset first: skipping the value reads the keys inside it.
        let member = self.reader.key_start();
        self.skip()?;
        // `"key": value` as it came, copied at once.
        extra.push_member(self.reader.slice(member, self.offset()));
        Ok(())
    }

    /// The next value as `T`; when it is JSON that `T` does not accept (an
    /// object a newer API version changed), the value as JSON instead, with
    /// why `T` did not take it. Broken JSON still fails.
    pub fn value_or_json<T: Decode>(&mut self) -> Result<Result<T, Undecodable>, Failure> {
        self.or_json(T::decode)
    }

    /// [`value_or_json`](Self::value_or_json) with `decode` for the value.
    pub fn or_json<T>(
        &mut self,
        decode: impl FnOnce(&mut Self) -> Result<T, Failure>,
    ) -> Result<Result<T, Undecodable>, Failure> {
        let start = self.clone();
        match decode(self) {
            Ok(value) => Ok(Ok(value)),
            Err(failure) => {
                *self = start;
                let json = self.json()?;
                let error = failure.into_error(self.reader.document());
                Ok(Err(Undecodable { json, error }))
            }
        }
    }

    /// The next value as `serde_json::Value`.
    pub fn json(&mut self) -> Result<Value, Failure> {
        Ok(match self.kind()? {
            Kind::Null => {
                self.null()?;
                Value::Null
            }
            Kind::Bool => Value::Bool(self.bool()?),
            Kind::String => Value::String(self.string()?),
            Kind::Number => Value::Number(self.number()?),
            Kind::Array => {
                let mut items = Vec::new();
                let mut more = self.begin_array()?;
                while more {
                    items.push(self.json()?);
                    more = self.next_element()?;
                }
                Value::Array(items)
            }
            Kind::Object => Value::Object(self.json_fields()?),
        })
    }

    /// The fields of the next object, all as JSON.
    pub fn json_fields(&mut self) -> Result<serde_json::Map<String, Value>, Failure> {
        let mut map = serde_json::Map::new();
        self.begin_object()?;
        while let Some(key) = self.next_field()? {
            let key = key.to_owned();
            let value = self.json()?;
            map.insert(key, value);
        }
        Ok(map)
    }

    /// A number exactly as `serde_json` reads it (integers stay integers,
    /// `u64` included; others are `f64`), with its own parser.
    fn number(&mut self) -> Result<serde_json::Number, Failure> {
        let start = self.expect_number("a number")?;
        let text = self.reader.number().map_err(Failure::syntax)?;
        text.parse()
            .map_err(|_| Failure::new(start, FailureKind::Expected("a number that fits 64 bits")))
    }

    /// For a union told apart by `object` (and `deleted: true`): those two
    /// of the next value, read ahead without moving. `None` when the value
    /// is not an object or has no string `object`.
    pub fn discriminator(&mut self) -> Result<Option<Discriminator>, Failure> {
        if self.kind()? != Kind::Object {
            return Ok(None);
        }
        let mut ahead = self.clone();
        let mut object: Option<String> = None;
        let mut deleted = false;
        ahead.begin_object()?;
        while let Some(key) = ahead.next_field()? {
            // As `serde_json::Value::get` would read them: a non-string
            // `object` or a non-boolean `deleted` counts as absent.
            let (is_object, is_deleted) = (key == "object", key == "deleted");
            let kind = ahead.kind()?;
            match (is_object, is_deleted, kind) {
                (true, _, Kind::String) => object = Some(ahead.string()?),
                (_, true, Kind::Bool) => deleted = ahead.bool()?,
                (object_key, deleted_key, _) => {
                    if object_key {
                        object = None;
                    }
                    if deleted_key {
                        deleted = false;
                    }
                    ahead.skip()?;
                }
            }
        }
        Ok(object.map(|object| Discriminator { object, deleted }))
    }

    /// For a union that `object` cannot decide: the order in which to try
    /// its members, given each member's declared fields. First the members
    /// that declare every key present (in the given order), then the rest by
    /// how many present keys they do not declare.
    pub fn coverage_order(&mut self, members: &[&[&str]]) -> Result<Vec<usize>, Failure> {
        let mut unknown = vec![0usize; members.len()];
        if self.kind()? == Kind::Object {
            let mut ahead = self.clone();
            ahead.begin_object()?;
            while let Some(key) = ahead.next_field()? {
                for (count, fields) in unknown.iter_mut().zip(members) {
                    if !fields.contains(&key) {
                        *count += 1;
                    }
                }
                ahead.skip()?;
            }
        }
        let mut order: Vec<usize> = (0..members.len()).collect();
        order.sort_by_key(|&index| (unknown[index], index));
        Ok(order)
    }

    /// Tries `decoders` in `order` on the next value and keeps the first
    /// that succeeds (moving past the value); `None`, having moved nowhere,
    /// when none does.
    pub fn first_decoding<T>(
        &mut self,
        order: &[usize],
        decoders: &[fn(&mut Decoder<'_>) -> Result<T, Failure>],
    ) -> Result<Option<T>, Failure> {
        for &index in order {
            let Some(decode) = decoders.get(index) else {
                continue;
            };
            let mut attempt = self.clone();
            if let Ok(value) = decode(&mut attempt) {
                *self = attempt;
                return Ok(Some(value));
            }
        }
        Ok(None)
    }

    /// Fails unless only whitespace is left.
    pub fn finish(&mut self) -> Result<(), Failure> {
        self.reader.finish().map_err(Failure::syntax)
    }

    /// Checks that the next value is a number and returns its offset.
    fn expect_number(&mut self, expected: &'static str) -> Result<usize, Failure> {
        let token = self.reader.peek().map_err(Failure::syntax)?;
        let start = self.offset();
        match token {
            Token::Number => Ok(start),
            other => Err(Failure::wrong_kind(start, expected, Kind::of(other))),
        }
    }

    /// Checks the kind of the next value and returns its offset.
    #[inline]
    fn expect(&mut self, wanted: Kind) -> Result<usize, Failure> {
        let found = self.kind()?;
        let start = self.offset();
        if found == wanted {
            Ok(start)
        } else {
            Err(Failure::wrong_kind(start, wanted.article(), found))
        }
    }

    #[inline]
    fn enter(&mut self, start: usize) -> Result<(), Failure> {
        if self.depth + 1 >= MAX_DEPTH {
            return Err(Failure::new(start, FailureKind::TooDeep));
        }
        self.depth += 1;
        Ok(())
    }
}

/// What tells the members of a polymorphic value apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discriminator {
    /// The `object` field.
    pub object: String,
    /// `deleted: true` is present.
    pub deleted: bool,
}

impl Discriminator {
    /// `(object, deleted)`, to match on.
    pub fn key(&self) -> (&str, bool) {
        (&self.object, self.deleted)
    }
}

/// A value that did not decode into the type it claims to be (its `object`
/// names a resource of this version), kept as JSON with the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct Undecodable {
    pub json: Value,
    /// Why the type did not accept it; its path is from the document's root
    /// (`data.object.created`).
    pub error: DecodeError,
}

/// The initial order of a type's keys for [`Decoder::next_key`], one slot
/// per key and one for the object's start: each key followed by the next
/// in `keys`' order (Stripe's), the last by the end. A `static` per type,
/// so that what one object teaches serves the next (a page holds up to a
/// hundred alike); shared by threads, and only ever a guess.
pub const fn key_order<const SLOTS: usize>() -> [AtomicU16; SLOTS] {
    let mut order = [const { AtomicU16::new(0) }; SLOTS];
    let mut index = 0;
    while index + 1 < SLOTS {
        order[index] = AtomicU16::new((index + 1) as u16);
        index += 1;
    }
    order
}

/// Records that the key at `next` (`keys.len()`: the end) followed the key
/// at `last`; written only when it changes, so that threads reading objects
/// of the same shape only read the shared order.
fn learn(order: &[AtomicU16], last: usize, next: usize) {
    if let (Some(slot), Ok(next)) = (order.get(last), u16::try_from(next)) {
        if slot.load(Relaxed) != next {
            slot.store(next, Relaxed);
        }
    }
}

/// A required field's value, or a failure naming it at its object's offset.
pub fn required<T>(value: Option<T>, object: usize, field: &'static str) -> Result<T, Failure> {
    value.ok_or_else(|| Failure::new(object, FailureKind::Missing(field)))
}

/// Why a decoder stopped and where: the offset into the document.
/// [`from_slice`] turns it into a [`DecodeError`] with a JSON path.
pub struct Failure(Box<FailureAt>);

struct FailureAt {
    offset: usize,
    kind: FailureKind,
}

enum FailureKind {
    Syntax(&'static str),
    Missing(&'static str),
    Expected(&'static str),
    /// The `object` of a type whose schema fixes it to this name.
    ObjectName(&'static str),
    WrongKind {
        expected: &'static str,
        found: Kind,
    },
    TooDeep,
}

impl Failure {
    fn new(offset: usize, kind: FailureKind) -> Self {
        Failure(Box::new(FailureAt { offset, kind }))
    }

    #[cold]
    fn syntax(error: SyntaxError) -> Self {
        Failure::new(error.offset, FailureKind::Syntax(error.message))
    }

    #[cold]
    fn wrong_kind(offset: usize, expected: &'static str, found: Kind) -> Self {
        Failure::new(offset, FailureKind::WrongKind { expected, found })
    }

    /// The value at `offset` is not what the decoder expected: `expected`
    /// says what it wanted, e.g. `"an id string or an expanded object"`.
    #[cold]
    pub fn expected(offset: usize, expected: &'static str) -> Self {
        Failure::new(offset, FailureKind::Expected(expected))
    }

    /// The error for the document `json` this failure came from.
    #[cold]
    pub fn into_error(self, json: &[u8]) -> DecodeError {
        let FailureAt { offset, kind } = *self.0;
        let mut path = crate::path::path_at(json, offset);
        let message = match kind {
            FailureKind::Syntax(message) => message.to_owned(),
            FailureKind::Missing(field) => {
                path.push(crate::path::Segment::Key(field.to_owned()));
                format!("missing field `{field}`")
            }
            FailureKind::Expected(what) => format!("expected {what}"),
            FailureKind::ObjectName(name) => format!("expected the object name \"{name}\""),
            FailureKind::WrongKind { expected, found } => {
                format!("expected {expected}, found {}", found.article())
            }
            FailureKind::TooDeep => format!("nested deeper than {} levels", MAX_DEPTH - 1),
        };
        let (line, column) = line_and_column(json, offset);
        DecodeError {
            path: crate::path::display(&path),
            message: format!("{message} at line {line}, column {column}"),
            offset,
            status: None,
            request_id: None,
            idempotency_key: None,
            body: String::new(),
        }
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.0.kind {
            FailureKind::Syntax(message) => message.to_string(),
            FailureKind::Missing(field) => format!("missing field `{field}`"),
            FailureKind::Expected(what) => format!("expected {what}"),
            FailureKind::ObjectName(name) => format!("expected the object name \"{name}\""),
            FailureKind::WrongKind { expected, found } => {
                format!("expected {expected}, found {}", found.article())
            }
            FailureKind::TooDeep => "too deep".to_owned(),
        };
        write!(f, "Failure({kind} at offset {})", self.0.offset)
    }
}

/// 1-based line and column (in bytes) of `offset`.
fn line_and_column(json: &[u8], offset: usize) -> (usize, usize) {
    let before = &json[..offset.min(json.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

/// A JSON body that did not decode into the expected type.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeError {
    /// JSON path of the value that failed, e.g. `data[1].amount` (`.` for
    /// the root).
    pub path: String,
    /// What was wrong, with line and column.
    pub message: String,
    /// Byte offset of the failure in the body.
    pub offset: usize,
    /// The HTTP status of the response, when the body came from one.
    pub status: Option<u16>,
    pub request_id: Option<String>,
    /// The `Idempotency-Key` the request was sent with: sent again, Stripe
    /// replays this response rather than acting twice.
    pub idempotency_key: Option<String>,
    /// The raw body, so that the mismatch can be reported or replayed
    /// (filled in by the HTTP client).
    pub body: String,
}

impl DecodeError {
    /// This error, for the body of a response.
    pub fn in_response(mut self, status: u16, request_id: Option<String>, body: &[u8]) -> Self {
        self.status = Some(status);
        self.request_id = request_id;
        self.body = String::from_utf8_lossy(body).into_owned();
        self
    }

    /// An error that is not about one value (`path` `.`).
    pub fn new(message: impl Into<String>) -> Self {
        DecodeError {
            path: ".".to_owned(),
            message: message.into(),
            offset: 0,
            status: None,
            request_id: None,
            idempotency_key: None,
            body: String::new(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(status) => write!(f, "HTTP {status} response did not decode")?,
            None => f.write_str("JSON did not decode")?,
        }
        write!(f, " at `{}`: {}", self.path, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

impl Decode for String {
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        d.string()
    }
}

impl Decode for bool {
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        d.bool()
    }
}

impl Decode for i64 {
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        d.i64()
    }
}

impl Decode for u64 {
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        let start = d.offset();
        u64::try_from(d.i64()?).map_err(|_| Failure::expected(start, "a non-negative integer"))
    }
}

impl Decode for f64 {
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        d.f64()
    }
}

impl Decode for Value {
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        d.json()
    }
}

impl Decode for serde_json::Map<String, Value> {
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        d.json_fields()
    }
}

/// `null` (or, for a field, no value) is `None`.
impl<T: Decode> Decode for Option<T> {
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        if d.null()? {
            Ok(None)
        } else {
            T::decode(d).map(Some)
        }
    }
}

impl<T: Decode> Decode for Box<T> {
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        T::decode(d).map(Box::new)
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        let mut items = Vec::new();
        let mut more = d.begin_array()?;
        while more {
            items.push(T::decode(d)?);
            more = d.next_element()?;
        }
        Ok(items)
    }
}

/// A map with string keys (`metadata`, ...). A key given twice keeps its
/// last value, as in `serde_json::Value`.
impl<T: Decode> Decode for BTreeMap<String, T> {
    fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
        let mut map = BTreeMap::new();
        d.begin_object()?;
        while let Some(key) = d.next_field()? {
            let key = key.to_owned();
            map.insert(key, T::decode(d)?);
        }
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Point {
        x: i64,
        label: Option<String>,
        extra: crate::ExtraFields,
    }

    impl Decode for Point {
        fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
            let mut x = None;
            let mut label = None;
            let mut extra = crate::ExtraFields::new();
            let start = d.begin_object()?;
            while let Some(key) = d.next_field()? {
                match key {
                    "x" => d.required_into(&mut x)?,
                    "label" => d.optional_into(&mut label)?,
                    _ => d.extra_field(&mut extra)?,
                }
            }
            Ok(Point {
                x: required(x, start, "x")?,
                label,
                extra,
            })
        }
    }

    #[test]
    fn first_keys_are_read_however_they_are_written() {
        let point = |json: &str| from_slice::<Point>(json.as_bytes()).map_err(|e| e.to_string());
        for json in [
            r#"{"x":1,"label":"a"}"#,
            r#"{ "x" : 1 , "label" : "a" }"#,
            "{\n\t\"x\":1,\"label\":\"a\"}",
            r#"{"\u0078":1,"label":"a"}"#,
            r#"{"label":"a","x":1}"#,
        ] {
            let point = point(json).unwrap_or_else(|e| panic!("{json}: {e}"));
            assert_eq!((point.x, point.label.as_deref()), (1, Some("a")), "{json}");
        }
        // The first key of a nested object, right after `{`, is its own.
        let nested = point(r#"{"x":1,"n":{"x":2},"m":{},"label":null}"#).unwrap();
        assert_eq!(nested.x, 1);
        assert_eq!(
            Value::Object(nested.extra.to_map()),
            serde_json::json!({"n": {"x": 2}, "m": {}})
        );
        for broken in [
            r#"{,"x":1}"#,
            r#"{"x":1,}"#,
            r#"{"x":1"label":null}"#,
            r#"{"x"1}"#,
        ] {
            assert!(point(broken).is_err(), "{broken}");
        }
        assert!(point("{}")
            .unwrap_err()
            .to_string()
            .contains("missing field `x`"));
    }

    /// A type decoded as the generator writes decoders: keys predicted.
    #[derive(Debug, Default)]
    struct Keyed {
        a: Option<i64>,
        long: Option<i64>,
        child: Option<Box<Keyed>>,
        label: Option<String>,
        quoted: Option<i64>,
        longer: Option<i64>,
        extra: crate::ExtraFields,
    }

    /// Declared keys, by their bytes: patterns of up to 16 bytes, of up to
    /// 32 and longer, and a name JSON escapes.
    const KEYED: [&str; 6] = [
        "a",
        "a_key_of_more_than_thirty_two_bytes",
        "child",
        "label",
        "quote\"d",
        "sixteen_bytes_and_more",
    ];

    impl Decode for Keyed {
        fn decode(d: &mut Decoder<'_>) -> Result<Self, Failure> {
            const KEYS: &[Key] = &[
                Key::new(KEYED[0]),
                Key::new(KEYED[1]),
                Key::new(KEYED[2]),
                Key::new(KEYED[3]),
                Key::new(KEYED[4]),
                Key::new(KEYED[5]),
            ];
            static ORDER: [AtomicU16; 7] = key_order();
            fn index_of(key: &str) -> usize {
                KEYED
                    .iter()
                    .position(|name| *name == key)
                    .unwrap_or(KEYED.len())
            }
            let mut keyed = Keyed::default();
            let mut last = KEYS.len();
            d.begin_object()?;
            while let Some(key) = d.next_key(KEYS, &ORDER, &mut last, index_of)? {
                match key {
                    0 => d.optional_into(&mut keyed.a)?,
                    1 => d.optional_into(&mut keyed.longer)?,
                    2 => d.optional_into(&mut keyed.child)?,
                    3 => d.optional_into(&mut keyed.label)?,
                    4 => d.optional_into(&mut keyed.quoted)?,
                    5 => d.optional_into(&mut keyed.long)?,
                    _ => d.extra_field(&mut keyed.extra)?,
                }
            }
            Ok(keyed)
        }
    }

    impl Keyed {
        /// As `serde_json` reads the same text (a key given twice keeps its
        /// last value, in fields and in `extra` alike).
        fn as_json(&self) -> Value {
            let mut object = self.extra.to_map();
            let fields = [
                self.a.map(Value::from),
                self.longer.map(Value::from),
                self.child.as_ref().map(|child| child.as_json()),
                self.label.clone().map(Value::from),
                self.quoted.map(Value::from),
                self.long.map(Value::from),
            ];
            for (name, value) in KEYED.iter().zip(fields) {
                object.extend(value.map(|value| (name.to_string(), value)));
            }
            Value::Object(object)
        }
    }

    /// `members` (key as JSON, value as JSON) as one object's text: compact,
    /// indented by two spaces a level from `depth` (as Stripe writes), or
    /// with odd whitespace.
    fn object_text(members: &[(String, String)], layout: usize, depth: usize) -> String {
        let pad = |depth: usize| "  ".repeat(depth);
        let joined: Vec<String> = members
            .iter()
            .map(|(key, value)| match layout {
                0 => format!("{key}:{value}"),
                1 => format!("\n{}{key}: {value}", pad(depth + 1)),
                _ => format!(" \t{key} :\n{value} "),
            })
            .collect();
        match (layout, members.is_empty()) {
            (1, false) => format!("{{{}\n{}}}", joined.join(","), pad(depth)),
            _ => format!("{{{}}}", joined.join(",")),
        }
    }

    #[test]
    fn predicted_keys_are_read_as_any_key_is() {
        let key = |name: &str| Value::from(name).to_string();
        let one = |name: &str, value: &str| (key(name), value.to_owned());
        // Every declared key in order, reversed, some left out, undeclared
        // ones around them (prefixes and extensions of declared names among
        // them), keys given twice, and keys written with escapes.
        let all: Vec<(String, String)> = KEYED
            .iter()
            .map(|name| match *name {
                "label" => one(name, "\"text\""),
                "child" => one(name, "{}"),
                _ => one(name, "1"),
            })
            .collect();
        let mut shapes = vec![all.clone(), all.iter().rev().cloned().collect()];
        shapes.push(all.iter().step_by(2).cloned().collect());
        shapes.push(all.iter().skip(1).step_by(2).cloned().collect());
        shapes.push(vec![]);
        let mut undeclared = all.clone();
        for (at, name) in [
            (0, "zz"),
            (2, "lab"),
            (4, "labelx"),
            (6, "sixteen_bytes_and_mor"),
        ] {
            undeclared.insert(at, one(name, "[1, {\"a\": 2}]"));
        }
        undeclared.push(one("sixteen_bytes_and_moreover", "{}"));
        shapes.push(undeclared);
        shapes.push(vec![
            one("a", "1"),
            one("label", "\"x\""),
            one("a", "2"),
            one("zz", "1"),
            one("zz", "2"),
        ]);
        shapes.push(vec![
            (r#""\u0061""#.into(), "3".into()),
            (r#""quote\"d""#.into(), "4".into()),
            (r#""lab\u0065l""#.into(), "\"y\"".into()),
        ]);
        for layout in 0..3 {
            let mut texts = Vec::new();
            for shape in &shapes {
                texts.push(object_text(shape, layout, 0));
                // Nested, so that indentation depends on the depth, and the
                // child reads its keys in another order than its parent.
                let inner: Vec<_> = shapes[1].clone();
                let mut middle = shape.clone();
                middle.retain(|(key, _)| key != "\"child\"");
                middle.push(one("child", &object_text(&inner, layout, 2)));
                let mut outer = all.clone();
                outer.retain(|(key, _)| key != "\"child\"");
                outer.insert(2, one("child", &object_text(&middle, layout, 1)));
                texts.push(object_text(&outer, layout, 0));
            }
            // Twice: the second time the order learned from the first
            // predicts (or mispredicts) each key.
            for text in texts.iter().chain(&texts) {
                let keyed =
                    from_slice::<Keyed>(text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e}"));
                let expected: Value = serde_json::from_str(text).unwrap();
                assert_eq!(keyed.as_json(), expected, "{text}");
            }
        }
    }

    #[test]
    fn a_predicted_key_in_broken_json_is_refused() {
        for broken in [
            r#"{"a":1"#,
            r#"{"a":1,}"#,
            r#"{"a":1 "label":"x"}"#,
            r#"{"a":1,"label""x"}"#,
            r#"{"a":1,"label":}"#,
            "{\n  \"a\": 1,\n  \"label\": \"x\",\n}",
            "{\n  \"a\": 1\n  \"label\": \"x\"\n}",
        ] {
            // After a well-formed object has taught the order.
            from_slice::<Keyed>(br#"{"a":1,"label":"x"}"#).unwrap();
            assert!(from_slice::<Keyed>(broken.as_bytes()).is_err(), "{broken}");
            assert!(serde_json::from_str::<Value>(broken).is_err(), "{broken}");
        }
    }

    #[test]
    fn the_order_of_keys_is_learned_as_they_come() {
        let order: [AtomicU16; 4] = key_order();
        let slots = |order: &[AtomicU16]| {
            order
                .iter()
                .map(|slot| slot.load(Relaxed))
                .collect::<Vec<_>>()
        };
        // At first: the start, then each key, then the end (index 3).
        assert_eq!(slots(&order), [1, 2, 3, 0]);
        learn(&order, 3, 2);
        learn(&order, 2, 0);
        learn(&order, 0, 3);
        assert_eq!(slots(&order), [3, 2, 0, 2]);
        // Out of range: ignored.
        learn(&order, 9, 1);
        learn(&order, 1, usize::from(u16::MAX) + 1);
        assert_eq!(slots(&order), [3, 2, 0, 2]);
    }

    #[test]
    fn indented_keys_are_read_as_stripe_sends_them() {
        let point = |json: &str| from_slice::<Point>(json.as_bytes()).map_err(|e| e.to_string());
        for json in [
            "{\n  \"x\": 1,\n  \"label\": \"a\"\n}",
            "{\r\n\t\"x\" :\t1 ,\r\n\t\"label\"\n:\n\"a\"\r\n}",
            "{\n  \"\\u0078\": 1,\n  \"label\": \"a\"\n}",
            "{\n  \"label\": \"a\",\n  \"x\":1}",
        ] {
            let point = point(json).unwrap_or_else(|e| panic!("{json:?}: {e}"));
            assert_eq!(
                (point.x, point.label.as_deref()),
                (1, Some("a")),
                "{json:?}"
            );
        }
        // Undeclared keys keep their key as it came, their value as it is.
        let kept =
            point("{\n  \"x\": 1,\n  \"n\": {\n    \"x\": 2\n  },\n  \"m\": { }\n}").unwrap();
        assert_eq!(
            Value::Object(kept.extra.to_map()),
            serde_json::json!({"n": {"x": 2}, "m": {}})
        );
        for broken in [
            "{\n  \"x\" 1\n}",
            "{\n  \"x\": 1,\n}",
            "{\n  \"x\": 1\n  \"label\": null\n}",
            "{\n\u{1}\"x\": 1\n}",
            "{\n  \"x\":\u{1}1\n}",
            "{\n  x: 1\n}",
            "{\n  \"x\": 1,\n  ",
        ] {
            assert!(point(broken).is_err(), "{broken:?}");
        }
        // A failure is still placed where the document breaks.
        let error = point("{\n  \"x\": 1,\n  \"label\": 2\n}").unwrap_err();
        assert!(
            error.contains("label") && error.contains("line 3"),
            "{error}"
        );
    }

    #[test]
    fn decodes_fields_and_keeps_undeclared_ones() {
        let point: Point =
            from_slice(br#"{"x": 1, "label": null, "z": [1, {"a": 2.5}], "w\u00e9": "s"}"#)
                .unwrap();
        assert_eq!(point.x, 1);
        assert_eq!(point.label, None);
        assert_eq!(
            Value::Object(point.extra.to_map()),
            serde_json::json!({"z": [1, {"a": 2.5}], "wé": "s"})
        );
        assert_eq!(
            point.extra.get("z"),
            Some(serde_json::json!([1, {"a": 2.5}]))
        );
        assert_eq!(serde_json::to_value(&point.extra).unwrap()["wé"], "s");
    }

    #[test]
    fn null_is_read_with_or_without_whitespace_and_only_whole() {
        for (json, expected) in [("null", None), (" \n null ", None), ("\"a\"", Some("a"))] {
            let value: Option<String> = from_slice(json.as_bytes()).unwrap();
            assert_eq!(value.as_deref(), expected, "{json:?}");
        }
        for json in ["nul", "nullx", "nulL", " nil"] {
            assert!(
                from_slice::<Option<String>>(json.as_bytes()).is_err(),
                "{json:?}"
            );
        }
    }

    #[test]
    fn failures_name_the_path_line_and_column() {
        let error = from_slice::<Vec<Point>>(b"[{\"x\": 1},\n {\"x\": \"2\"}]").unwrap_err();
        assert_eq!(error.path, "[1].x");
        assert_eq!(
            error.message,
            "expected an integer, found a string at line 2, column 8"
        );
        assert_eq!(error.offset, 18);

        let error = from_slice::<BTreeMap<String, Point>>(br#"{"a": {"label": "l"}}"#).unwrap_err();
        assert_eq!(error.path, "a.x");
        assert!(error.message.starts_with("missing field `x`"), "{error}");

        let error = from_slice::<Point>(br#"{"x": 1} trailing"#).unwrap_err();
        assert_eq!(error.path, ".");
        assert!(error.message.starts_with("trailing characters"), "{error}");

        let error = from_slice::<Vec<i64>>(b"[1, 2.5]").unwrap_err();
        assert_eq!(error.path, "[1]");
    }

    #[test]
    fn a_value_the_type_refuses_is_kept_as_json_with_the_reason() {
        let json = br#"[{"x": "one", "label": "l"}, {"x": 2}]"#;
        let mut d = Decoder::new(json);
        assert!(d.begin_array().unwrap());
        let refused = d.value_or_json::<Point>().unwrap().unwrap_err();
        assert_eq!(refused.json, serde_json::json!({"x": "one", "label": "l"}));
        assert_eq!(refused.error.path, "[0].x");
        assert!(
            d.next_element().unwrap(),
            "the decoder moved past the value"
        );
        assert_eq!(d.value_or_json::<Point>().unwrap().unwrap().x, 2);
        // Broken JSON is no value to keep.
        let mut d = Decoder::new(br#"{"x": 1,}"#);
        assert!(d.value_or_json::<Point>().is_err());
    }

    #[test]
    fn integers_read_directly_or_not_agree_with_serde_json() {
        for text in [
            "0",
            "7",
            "-123",
            "1700000000",
            "999999999999999999",
            "-999999999999999999",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775808",
            "1.5",
            "1e3",
            "1E3",
            "01",
            "-01",
            "-",
            "",
            " 5",
            "5 ",
            "[5]",
            "\"5\"",
            "12345678901234567890",
        ] {
            let ours = from_slice::<i64>(text.as_bytes()).ok();
            let theirs = serde_json::from_str::<i64>(text).ok();
            assert_eq!(ours, theirs, "{text:?}");
        }
        // serde_json reads `-0` as a float; an integer field takes it as 0.
        assert_eq!(from_slice::<i64>(b"-0").unwrap(), 0);
        let list: Vec<i64> = from_slice(b"[1,-2,30,0]").unwrap();
        assert_eq!(list, [1, -2, 30, 0]);
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let error = from_slice::<Value>(deep.as_bytes()).unwrap_err();
        assert!(
            error.message.starts_with("nested deeper than 127"),
            "{error}"
        );
        let fine = format!("{}{}", "[".repeat(127), "]".repeat(127));
        assert!(from_slice::<Value>(fine.as_bytes()).is_ok());
        let too_deep = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert!(from_slice::<Value>(too_deep.as_bytes()).is_err());
    }

    #[test]
    fn json_values_keep_numbers_as_serde_json_reads_them() {
        let text =
            r#"{"big": 18446744073709551615, "neg": -3, "f": 0.1, "e": 1e300, "s": "\u00e9\n"}"#;
        let ours: Value = from_slice(text.as_bytes()).unwrap();
        let theirs: Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn discriminators_are_read_ahead_without_moving() {
        let json = br#"[{"id": "x", "deleted": true, "object": "card"}, {"object": 3}, "id"]"#;
        let key = |d: &mut Decoder<'_>| {
            d.discriminator()
                .unwrap()
                .map(|t| (t.object.clone(), t.deleted))
        };
        let mut d = Decoder::new(json);
        assert!(d.begin_array().unwrap());
        assert_eq!(key(&mut d), Some(("card".to_owned(), true)));
        assert_eq!(d.json().unwrap()["id"], "x");
        assert!(d.next_element().unwrap());
        assert_eq!(key(&mut d), None);
        d.skip().unwrap();
        assert!(d.next_element().unwrap());
        assert_eq!(key(&mut d), None);
        assert_eq!(d.string().unwrap(), "id");
    }

    #[test]
    fn members_are_tried_by_field_coverage() {
        let members: &[&[&str]] = &[&["setup_future_usage"], &["capture_method", "installments"]];
        let mut d = Decoder::new(br#"{"capture_method": "manual", "installments": null}"#);
        assert_eq!(d.coverage_order(members).unwrap(), [1, 0]);
        let mut d = Decoder::new(br#"{"setup_future_usage": "none"}"#);
        assert_eq!(d.coverage_order(members).unwrap(), [0, 1]);

        fn as_int(d: &mut Decoder<'_>) -> Result<String, Failure> {
            d.i64().map(|i| i.to_string())
        }
        fn as_str(d: &mut Decoder<'_>) -> Result<String, Failure> {
            d.string()
        }
        let mut d = Decoder::new(br#"["a", true]"#);
        d.begin_array().unwrap();
        let decoders = [as_int, as_str];
        assert_eq!(
            d.first_decoding(&[0, 1], &decoders).unwrap().as_deref(),
            Some("a")
        );
        d.next_element().unwrap();
        assert_eq!(d.first_decoding(&[0, 1], &decoders).unwrap(), None);
        assert!(d.bool().unwrap(), "a failed attempt moves nothing");
    }
}
