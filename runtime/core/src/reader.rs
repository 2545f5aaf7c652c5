//! The JSON tokenizer under every decoder: a pull reader over text already
//! checked to be UTF-8, that hands out keys and strings as slices of the
//! input (or of one reused buffer when they have escapes).
//!
//! Written for this crate rather than taken from one, because the pull
//! parsers measured fell short on what a Stripe object is made of: short
//! keys, then a small value. jiter spent about 105 instructions per object
//! key (44 % of decoding a page of customers; `cargo xtask bench decode`
//! and docs/benchmarks.md have the figures), serde_json has no pull interface
//! (its derive is what made the client slow to build), and simd-json's tape
//! did not read faster than serde_json here. It follows RFC 8259 as
//! `serde_json` reads it, which tests hold it to: the same documents are
//! accepted and rejected (`tests/reader.rs` compares the two on generated
//! and hand-picked documents), numbers are read by `str::parse` and
//! `serde_json::Number`'s own parser.

use std::fmt;

/// What went wrong, at a byte offset of the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub offset: usize,
    pub message: &'static str,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

type Result<T> = std::result::Result<T, SyntaxError>;

/// The first byte of a value, once whitespace is skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Token {
    Null,
    True,
    False,
    Number,
    String,
    Array,
    Object,
}

#[derive(Clone)]
pub(crate) struct Reader<'a> {
    text: &'a str,
    position: usize,
    /// The input was not UTF-8 from this offset: every read fails there.
    invalid_from: Option<usize>,
    /// Where strings with escapes are decoded; reused.
    scratch: String,
    /// Where the last key read starts: its opening quote.
    key_start: usize,
}

impl<'a> Reader<'a> {
    pub fn new(json: &'a [u8]) -> Reader<'a> {
        let (text, invalid_from) = match std::str::from_utf8(json) {
            Ok(text) => (text, None),
            // Read the valid prefix; fail where it ends.
            Err(error) => {
                let valid = error.valid_up_to();
                let text = std::str::from_utf8(&json[..valid]).unwrap_or_default();
                (text, Some(valid))
            }
        };
        Reader {
            text,
            position: 0,
            invalid_from,
            scratch: String::new(),
            key_start: 0,
        }
    }

    pub fn position(&self) -> usize {
        self.position
    }

    /// The document (its valid UTF-8 part), to locate a failure in.
    pub fn document(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn error(&self, message: &'static str) -> SyntaxError {
        SyntaxError {
            offset: self.position,
            message,
        }
    }

    /// At the end of the (valid part of the) text.
    fn eof(&self, message: &'static str) -> SyntaxError {
        match self.invalid_from {
            Some(offset) => SyntaxError {
                offset,
                message: "invalid UTF-8",
            },
            None => self.error(message),
        }
    }

    #[inline]
    fn skip_whitespace(&mut self) {
        self.position = skip_whitespace_from(self.bytes(), self.position);
    }

    /// The next value's kind, its first byte not consumed.
    #[inline]
    pub fn peek(&mut self) -> Result<Token> {
        self.skip_whitespace();
        match self.bytes().get(self.position) {
            None => Err(self.eof("EOF while parsing a value")),
            Some(b'{') => Ok(Token::Object),
            Some(b'[') => Ok(Token::Array),
            Some(b'"') => Ok(Token::String),
            Some(b'n') => Ok(Token::Null),
            Some(b't') => Ok(Token::True),
            Some(b'f') => Ok(Token::False),
            Some(b'-' | b'0'..=b'9') => Ok(Token::Number),
            Some(_) => Err(self.error("expected value")),
        }
    }

    /// Whether the next byte, with no whitespace before it, is `byte`.
    #[inline]
    pub fn at(&self, byte: u8) -> bool {
        self.bytes().get(self.position) == Some(&byte)
    }

    /// Whether a value that does not start like `null` is right here, with
    /// no whitespace before it.
    #[inline]
    pub fn at_other_than_null(&self) -> bool {
        !matches!(
            self.bytes().get(self.position),
            None | Some(b' ' | b'\n' | b'\r' | b'\t' | b'n')
        )
    }

    /// Consumes `null` if it is right here, with no whitespace before it.
    #[inline]
    pub fn at_null(&mut self) -> bool {
        let here = self.bytes().get(self.position..self.position + 4);
        let found = here == Some(b"null".as_slice());
        if found {
            self.position += 4;
        }
        found
    }

    /// After [`peek`](Self::peek) said `Object`: consumes `{` and returns
    /// the first key, or `None` for `{}`.
    pub fn object_first(&mut self) -> Result<Option<&str>> {
        self.position += 1;
        self.skip_whitespace();
        match self.bytes().get(self.position) {
            Some(b'}') => {
                self.position += 1;
                Ok(None)
            }
            Some(b'"') => self.key().map(Some),
            Some(_) => Err(self.error("key must be a string")),
            None => Err(self.eof("EOF while parsing an object")),
        }
    }

    /// The usual case alone: `lead` (`,` after a value, `{` before the
    /// first key) and `"key":` right there, the key without escapes. `None`
    /// (having moved nowhere) for anything else, which
    /// [`object_first`](Self::object_first) or [`object_next`](Self::object_next) then reads.
    #[inline(always)]
    pub fn object_next_plain(&mut self, lead: u8) -> Option<&'a str> {
        let bytes = self.bytes();
        let quote = self.position + 1;
        if bytes.get(self.position) != Some(&lead) || bytes.get(quote) != Some(&b'"') {
            return None;
        }
        let end = find_special(bytes, quote + 1);
        if bytes.get(end) != Some(&b'"') || bytes.get(end + 1) != Some(&b':') {
            return None;
        }
        Some(self.plain_key(quote, end, end + 2))
    }

    /// [`object_next_plain`](Self::object_next_plain) for JSON as Stripe
    /// sends it, indented: whitespace after `lead`, around the `:` and
    /// before the value (skipped, so that the value's own fast path finds
    /// it right there). `None` (having moved nowhere) for anything else.
    /// Kept out of `object_next_plain`, whose inlined code every decoder's
    /// key loop holds: a call there made compact JSON 15 % slower to read.
    ///
    /// `indent` is the indentation the key is expected at (two spaces a
    /// level, as Stripe and `serde_json` write). Where the text has it, the
    /// key's quote and its value are at offsets known before their bytes
    /// are read, so the processor reads them ahead instead of waiting for
    /// the scan of the whitespace (measured: a page of customers 12 %
    /// faster); elsewhere the whitespace is read as it comes.
    #[inline]
    pub fn object_next_indented(&mut self, lead: u8, indent: usize) -> Option<&'a str> {
        let bytes = self.bytes();
        if bytes.get(self.position) != Some(&lead) {
            return None;
        }
        let quote = if at_indented_quote(bytes, self.position + 1, indent) {
            self.position + 2 + indent
        } else {
            let quote = skip_indentation_from(bytes, self.position + 1);
            if bytes.get(quote) != Some(&b'"') {
                return None;
            }
            quote
        };
        let end = find_special(bytes, quote + 1);
        if bytes.get(end) != Some(&b'"') {
            return None;
        }
        // `": "`, as both write it.
        if bytes.get(end + 1..end + 3) == Some(b": ".as_slice()) {
            return Some(self.plain_key(quote, end, end + 3));
        }
        let colon = skip_whitespace_from(bytes, end + 1);
        if bytes.get(colon) != Some(&b':') {
            return None;
        }
        Some(self.plain_key(quote, end, skip_whitespace_from(bytes, colon + 1)))
    }

    /// Where the next key's opening quote is, when it is where a decoder
    /// looks first: `lead`, then `"` right there (compact) or on a new line
    /// indented by `indent` spaces (as Stripe writes). Reads nothing.
    #[inline(always)]
    pub fn key_quote(&self, lead: u8, indent: usize) -> Option<usize> {
        let bytes = self.bytes();
        let position = self.position;
        if bytes.get(position) != Some(&lead) {
            return None;
        }
        if bytes.get(position + 1) == Some(&b'"') {
            Some(position + 1)
        } else if at_indented_quote(bytes, position + 1, indent) {
            Some(position + 2 + indent)
        } else {
            None
        }
    }

    /// Moves past the `}` of the object being read, when it comes right
    /// after its last value, or on a new line indented by `indent` spaces
    /// (as Stripe writes; those of the object's keys less two).
    #[inline]
    pub fn object_end(&mut self, indent: usize) -> bool {
        let bytes = self.bytes();
        let position = self.position;
        if bytes.get(position) == Some(&b'}') {
            self.position = position + 1;
            return true;
        }
        let Some(indent) = indent.checked_sub(2) else {
            return false;
        };
        if at_indented(bytes, position, indent, b'}') {
            self.position = position + indent + 2;
            return true;
        }
        false
    }

    /// Whether `key` follows the quote at `quote` (see [`Key`]).
    #[inline(always)]
    pub fn is_key_at(&self, quote: usize, key: &Key) -> bool {
        key.is_at(self.bytes(), quote + 1)
    }

    /// Moves past `key`, which [`is_key_at`](Self::is_key_at) found at
    /// `quote`, to its value.
    #[inline(always)]
    pub fn take_key(&mut self, quote: usize, key: &Key) {
        let after_colon = quote + 1 + key.pattern_len;
        // `": "` as Stripe writes it, `":` compact.
        self.position = after_colon + usize::from(self.bytes().get(after_colon) == Some(&b' '));
        self.key_start = quote;
    }

    /// The key without escapes between the quotes at `quote` and `end`,
    /// recorded for [`key_start`](Self::key_start), the reader moved to
    /// `next` (its value).
    #[inline(always)]
    fn plain_key(&mut self, quote: usize, end: usize, next: usize) -> &'a str {
        self.position = next;
        self.key_start = quote;
        &self.text[quote + 1..end]
    }

    /// After a value in an object: the next key, or `None` at `}`.
    #[inline]
    pub fn object_next(&mut self) -> Result<Option<&str>> {
        let bytes = self.bytes();
        // The usual case first: `,"` right after the value.
        if bytes.get(self.position) == Some(&b',') && bytes.get(self.position + 1) == Some(&b'"') {
            self.position += 1;
            return self.key().map(Some);
        }
        self.skip_whitespace();
        match bytes.get(self.position) {
            Some(b',') => {
                self.position += 1;
                self.skip_whitespace();
                match bytes.get(self.position) {
                    Some(b'"') => self.key().map(Some),
                    Some(b'}') => Err(self.error("trailing comma")),
                    Some(_) => Err(self.error("key must be a string")),
                    None => Err(self.eof("EOF while parsing an object")),
                }
            }
            Some(b'}') => {
                self.position += 1;
                Ok(None)
            }
            Some(_) => Err(self.error("expected `,` or `}`")),
            None => Err(self.eof("EOF while parsing an object")),
        }
    }

    /// The text of `start..end`, e.g. of a value just skipped.
    pub fn slice(&self, start: usize, end: usize) -> &'a str {
        &self.text[start..end]
    }

    /// Where the last key read starts (its opening quote).
    pub fn key_start(&self) -> usize {
        self.key_start
    }

    /// A key and its `:`, from the key's opening quote.
    #[inline(always)]
    fn key(&mut self) -> Result<&str> {
        let bytes = self.bytes();
        let quote = self.position;
        let end = find_special(bytes, quote + 1);
        // A key without escapes, and its `:` right after: most of them.
        if bytes.get(end) == Some(&b'"') && bytes.get(end + 1) == Some(&b':') {
            return Ok(self.plain_key(quote, end, end + 2));
        }
        self.key_with_escapes_or_space()
    }

    /// [`key`](Self::key) for the rest: escapes, or space before the `:`.
    /// Out of line, so that the usual case inlines small.
    #[inline(never)]
    fn key_with_escapes_or_space(&mut self) -> Result<&str> {
        let bytes = self.bytes();
        let quote = self.position;
        let (start, end, escaped) = self.scan_string()?;
        self.key_start = quote;
        self.skip_whitespace();
        match bytes.get(self.position) {
            Some(b':') => self.position += 1,
            Some(_) => return Err(self.error("expected `:`")),
            None => return Err(self.eof("EOF while parsing an object")),
        }
        Ok(self.string_at(start, end, escaped))
    }

    /// After `peek` said `Array`: consumes `[`; true when an element follows.
    pub fn array_first(&mut self) -> Result<bool> {
        self.position += 1;
        self.skip_whitespace();
        match self.bytes().get(self.position) {
            Some(b']') => {
                self.position += 1;
                Ok(false)
            }
            Some(_) => Ok(true),
            None => Err(self.eof("EOF while parsing a list")),
        }
    }

    /// After an element: true when another follows, false at `]`.
    pub fn array_next(&mut self) -> Result<bool> {
        self.skip_whitespace();
        match self.bytes().get(self.position) {
            Some(b',') => {
                self.position += 1;
                self.skip_whitespace();
                match self.bytes().get(self.position) {
                    Some(b']') => Err(self.error("trailing comma")),
                    Some(_) => Ok(true),
                    None => Err(self.eof("EOF while parsing a list")),
                }
            }
            Some(b']') => {
                self.position += 1;
                Ok(false)
            }
            Some(_) => Err(self.error("expected `,` or `]`")),
            None => Err(self.eof("EOF while parsing a list")),
        }
    }

    /// After `peek` said `String`: the string, unescaped.
    #[inline]
    pub fn string(&mut self) -> Result<&str> {
        let bytes = self.bytes();
        let start = self.position + 1;
        let end = find_special(bytes, start);
        if bytes.get(end) == Some(&b'"') {
            self.position = end + 1;
            return Ok(&self.text[start..end]);
        }
        let (start, end, escaped) = self.scan_string()?;
        Ok(self.string_at(start, end, escaped))
    }

    /// The text between the quotes at `start..end`: the input itself, or
    /// (with escapes) the scratch buffer, already filled by `scan_string`.
    fn string_at(&self, start: usize, end: usize, escaped: bool) -> &str {
        if escaped {
            &self.scratch
        } else {
            &self.text[start..end]
        }
    }

    /// Reads a string from its opening quote. Returns the span of its raw
    /// text and whether it had escapes (then decoded into `scratch`).
    #[inline(never)]
    fn scan_string(&mut self) -> Result<(usize, usize, bool)> {
        let bytes = self.bytes();
        self.position += 1;
        let start = self.position;
        // The fast path: no escape, so the string is a slice of the input.
        self.position = find_special(bytes, self.position);
        match bytes.get(self.position) {
            Some(b'"') => {
                let end = self.position;
                self.position += 1;
                return Ok((start, end, false));
            }
            Some(b'\\') => {}
            Some(_) => {
                return Err(
                    self.error("control character (\\u0000-\\u001F) found while parsing a string")
                )
            }
            None => return Err(self.eof("EOF while parsing a string")),
        }
        self.scratch.clear();
        self.scratch.push_str(&self.text[start..self.position]);
        loop {
            let run = self.position;
            self.position = find_special(bytes, self.position);
            match bytes.get(self.position) {
                Some(b'"' | b'\\') => {}
                Some(_) => {
                    return Err(self
                        .error("control character (\\u0000-\\u001F) found while parsing a string"))
                }
                None => return Err(self.eof("EOF while parsing a string")),
            }
            let (text, position) = (self.text, self.position);
            self.scratch.push_str(&text[run..position]);
            if bytes[self.position] == b'"' {
                let end = self.position;
                self.position += 1;
                return Ok((start, end, true));
            }
            self.position += 1;
            self.escape()?;
        }
    }

    /// One escape, after its backslash, appended to `scratch`.
    fn escape(&mut self) -> Result<()> {
        let Some(&byte) = self.bytes().get(self.position) else {
            return Err(self.eof("EOF while parsing a string"));
        };
        self.position += 1;
        let decoded = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(),
            _ => {
                self.position -= 1;
                return Err(self.error("invalid escape"));
            }
        };
        self.scratch.push(decoded);
        Ok(())
    }

    /// `\uXXXX`, with a surrogate pair as one character.
    fn unicode_escape(&mut self) -> Result<()> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.bytes().get(self.position..self.position + 2) != Some(b"\\u") {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                self.position += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error("lone trailing surrogate in hex escape")),
            other => u32::from(other),
        };
        let character =
            char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))?;
        self.scratch.push(character);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u16> {
        let digits = self
            .bytes()
            .get(self.position..self.position + 4)
            .ok_or_else(|| self.eof("EOF while parsing a string"))?;
        let mut value = 0u16;
        for &digit in digits {
            let nibble = (digit as char)
                .to_digit(16)
                .ok_or_else(|| self.error("invalid escape"))?;
            value = value * 16 + nibble as u16;
        }
        self.position += 4;
        Ok(value)
    }

    /// After `peek` said `Number`: an integer of up to 18 digits read
    /// directly (most Stripe numbers: amounts, timestamps, counts); `None`,
    /// having moved nowhere, for anything else, which [`number`](Self::number)
    /// then reads.
    #[inline]
    pub fn small_integer(&mut self) -> Option<i64> {
        let bytes = self.bytes();
        let negative = bytes.get(self.position) == Some(&b'-');
        let first = self.position + usize::from(negative);
        let mut position = first;
        let mut value: i64 = 0;
        while let Some(&digit) = bytes.get(position) {
            if !digit.is_ascii_digit() || position - first == 18 {
                break;
            }
            value = value * 10 + i64::from(digit - b'0');
            position += 1;
        }
        let digits = position - first;
        let plain_end = !matches!(bytes.get(position), Some(b'.' | b'e' | b'E' | b'0'..=b'9'));
        // No digits, a leading zero (`01`), or more to read: the slow path.
        if digits == 0 || (digits > 1 && bytes[first] == b'0') || !plain_end {
            return None;
        }
        self.position = position;
        Some(if negative { -value } else { value })
    }

    /// After `peek` said `Number`: the number's text, checked against the
    /// JSON grammar (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
    pub fn number(&mut self) -> Result<&'a str> {
        let bytes = self.bytes();
        let start = self.position;
        let digits = |position: &mut usize| {
            let from = *position;
            while bytes.get(*position).is_some_and(u8::is_ascii_digit) {
                *position += 1;
            }
            *position - from
        };
        let mut position = start;
        if bytes.get(position) == Some(&b'-') {
            position += 1;
        }
        match bytes.get(position) {
            Some(b'0') => {
                position += 1;
                if bytes.get(position).is_some_and(u8::is_ascii_digit) {
                    self.position = position;
                    return Err(self.error("invalid number"));
                }
            }
            Some(b'1'..=b'9') => {
                digits(&mut position);
            }
            _ => {
                self.position = position;
                return Err(self.error("invalid number"));
            }
        }
        if bytes.get(position) == Some(&b'.') {
            position += 1;
            if digits(&mut position) == 0 {
                self.position = position;
                return Err(self.error("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = bytes.get(position) {
            position += 1;
            if let Some(b'+' | b'-') = bytes.get(position) {
                position += 1;
            }
            if digits(&mut position) == 0 {
                self.position = position;
                return Err(self.error("invalid number"));
            }
        }
        self.position = position;
        Ok(&self.text[start..position])
    }

    /// After `peek` said `Null`, `True` or `False`: consumes the word.
    pub fn literal(&mut self, token: Token) -> Result<()> {
        let word: &[u8] = match token {
            Token::Null => b"null",
            Token::True => b"true",
            _ => b"false",
        };
        match self.bytes().get(self.position..self.position + word.len()) {
            Some(found) if found == word => {
                self.position += word.len();
                Ok(())
            }
            Some(_) => Err(self.error("expected ident")),
            None => Err(self.eof("EOF while parsing a value")),
        }
    }

    /// Reads past the next value, checking it, `depth` containers deep.
    pub fn skip(&mut self, depth: u16, max_depth: u16) -> Result<()> {
        match self.peek()? {
            Token::Object => {
                if depth + 1 >= max_depth {
                    return Err(self.error("recursion limit exceeded"));
                }
                let mut key = self.object_first()?.is_some();
                while key {
                    self.skip(depth + 1, max_depth)?;
                    key = self.object_next()?.is_some();
                }
                Ok(())
            }
            Token::Array => {
                if depth + 1 >= max_depth {
                    return Err(self.error("recursion limit exceeded"));
                }
                let mut more = self.array_first()?;
                while more {
                    self.skip(depth + 1, max_depth)?;
                    more = self.array_next()?;
                }
                Ok(())
            }
            Token::String => self.scan_string().map(drop),
            Token::Number => self.number().map(drop),
            literal => self.literal(literal),
        }
    }

    /// Fails unless only whitespace is left.
    pub fn finish(&mut self) -> Result<()> {
        self.skip_whitespace();
        if self.position < self.text.len() {
            return Err(self.error("trailing characters"));
        }
        match self.invalid_from {
            Some(offset) => Err(SyntaxError {
                offset,
                message: "invalid UTF-8",
            }),
            None => Ok(()),
        }
    }
}

/// The first position from `from` on that is not JSON whitespace.
#[inline(always)]
fn skip_whitespace_from(bytes: &[u8], from: usize) -> usize {
    let mut position = from;
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(position) {
        position += 1;
    }
    position
}

/// [`skip_whitespace_from`] for indentation (a newline, then two spaces a
/// level): runs of spaces are counted eight bytes at a time, where byte by
/// byte the loop's end, at another place for each depth, was mispredicted.
#[inline(always)]
fn skip_indentation_from(bytes: &[u8], from: usize) -> usize {
    const SPACES: u64 = 0x2020_2020_2020_2020;
    let mut position = from;
    loop {
        while let Some(chunk) = bytes.get(position..position + 8) {
            // Zero bytes are spaces; the lowest other one ends the run.
            let others = u64::from_le_bytes(chunk.try_into().expect("eight bytes")) ^ SPACES;
            if others != 0 {
                position += (others.trailing_zeros() / 8) as usize;
                break;
            }
            position += 8;
        }
        match bytes.get(position) {
            Some(b' ' | b'\n' | b'\r' | b'\t') => position += 1,
            _ => return position,
        }
    }
}

/// Whether `from` starts a newline, `indent` spaces and a `"`, compared
/// as one 16-byte word with [`INDENTED_KEYS`]' pattern for `indent` (false
/// past 14 spaces, or near the end of the text).
#[inline(always)]
fn at_indented_quote(bytes: &[u8], from: usize, indent: usize) -> bool {
    at_indented(bytes, from, indent, b'"')
}

/// [`at_indented_quote`] with `last` in place of the `"`.
#[inline(always)]
fn at_indented(bytes: &[u8], from: usize, indent: usize, last: u8) -> bool {
    let (Some(chunk), Some(&(pattern, compared))) =
        (bytes.get(from..from + 16), INDENTED_KEYS.get(indent))
    else {
        return false;
    };
    let word = u128::from_le_bytes(chunk.try_into().expect("sixteen bytes"));
    let last = u128::from(b'"' ^ last) << (8 * (indent + 1));
    (word ^ pattern ^ last) & compared == 0
}

/// For each indentation of up to 14 spaces: the bytes a key's line starts
/// with (a newline, the spaces, the key's quote) as a little-endian word,
/// and the mask of the bytes that count. A table, because computing them
/// at each key took more time than it saved.
const INDENTED_KEYS: [(u128, u128); 15] = {
    let mut table = [(0, 0); 15];
    let mut indent = 0;
    while indent < 15 {
        let mut bytes = [0u8; 16];
        bytes[0] = b'\n';
        let mut space = 1;
        while space <= indent {
            bytes[space] = b' ';
            space += 1;
        }
        bytes[indent + 1] = b'"';
        table[indent] = (u128::from_le_bytes(bytes), u128::MAX >> (8 * (14 - indent)));
        indent += 1;
    }
    table
};

/// A key a decoder expects: its name, and the bytes it is written as in
/// JSON without escapes (the name, its closing quote and `:`), made at
/// compile time, so that [`Decoder::next_key`](crate::Decoder::next_key)
/// recognises it by comparing one or two 16-byte words, without scanning for
/// its end.
#[derive(Clone, Copy, Debug)]
pub struct Key {
    name: &'static str,
    /// The pattern's first 16 bytes (zero-padded), little-endian.
    head: u128,
    /// The bytes of `head` that are the pattern's.
    compared: u128,
    /// The pattern's last 16 bytes, when it is longer than 16.
    tail: u128,
    /// The pattern's length: the name's, plus 2. `usize::MAX` for a name
    /// JSON would escape (a quote, a backslash, a control character),
    /// which is then never recognised by its bytes, only read as any key.
    pattern_len: usize,
}

impl Key {
    pub const fn new(name: &'static str) -> Key {
        let bytes = name.as_bytes();
        let len = bytes.len() + 2;
        let (mut head, mut tail) = ([0u8; 16], [0u8; 16]);
        let mut plain = true;
        let mut index = 0;
        while index < len {
            let byte = if index < bytes.len() {
                bytes[index]
            } else if index == bytes.len() {
                b'"'
            } else {
                b':'
            };
            if index < bytes.len() && (byte == b'"' || byte == b'\\' || byte < 0x20) {
                plain = false;
            }
            if index < 16 {
                head[index] = byte;
            }
            if len > 16 && index >= len - 16 {
                tail[index + 16 - len] = byte;
            }
            index += 1;
        }
        let compared = if len >= 16 {
            u128::MAX
        } else {
            u128::MAX >> (8 * (16 - len))
        };
        Key {
            name,
            head: u128::from_le_bytes(head),
            compared: if plain { compared } else { 0 },
            tail: u128::from_le_bytes(tail),
            pattern_len: if plain { len } else { usize::MAX },
        }
    }

    /// Whether the text at `from` is this key's pattern.
    #[inline(always)]
    fn is_at(&self, bytes: &[u8], from: usize) -> bool {
        let Some(head) = word_at(bytes, from) else {
            return false;
        };
        if (head ^ self.head) & self.compared != 0 {
            return false;
        }
        match self.pattern_len {
            ..=16 => true,
            // The last 16 bytes overlap the first where it is under 32.
            17..=32 => word_at(bytes, from + self.pattern_len - 16) == Some(self.tail),
            _ => self.long_is_at(bytes, from),
        }
    }

    /// [`is_at`](Self::is_at) for a pattern of more than 32 bytes (rare),
    /// or none.
    #[inline(never)]
    fn long_is_at(&self, bytes: &[u8], from: usize) -> bool {
        let name = self.name.as_bytes();
        match bytes.get(from..from.saturating_add(self.pattern_len)) {
            Some(text) => text[..name.len()] == *name && text[name.len()..] == *b"\":",
            None => false,
        }
    }
}

/// The 16 bytes at `from`, as a little-endian word (`None` near the end).
#[inline(always)]
fn word_at(bytes: &[u8], from: usize) -> Option<u128> {
    let chunk = bytes.get(from..from.checked_add(16)?)?;
    Some(u128::from_le_bytes(
        chunk.try_into().expect("sixteen bytes"),
    ))
}

/// The first position from `from` on of a byte that ends the plain run of
/// a string: `"`, `\\` or a control character (`bytes.len()` if none).
/// Eight bytes at a time (the classic SWAR zero-byte tests): strings are
/// most of what a Stripe object is, and keys are scanned once each.
#[inline]
fn find_special(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut position = from;
    while let Some(chunk) = bytes.get(position..position + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        // A byte is zero in `x` when `x - 1` borrows into its high bit and
        // `x` had none; below 0x20 likewise against 0x20. Only the lowest
        // hit is exact, which is the one wanted.
        let hits = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (word.wrapping_sub(ONES * 0x20) & !word);
        let hits = hits & HIGHS;
        if hits != 0 {
            return position + (hits.trailing_zeros() / 8) as usize;
        }
        position += 8;
    }
    while let Some(&byte) = bytes.get(position) {
        if byte == b'"' || byte == b'\\' || byte < 0x20 {
            break;
        }
        position += 1;
    }
    position
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indentation_is_skipped_as_any_whitespace_is() {
        // Runs shorter and longer than a word, tabs and newlines inside
        // them, other bytes after them, and the end of the text.
        let mut texts = Vec::new();
        for spaces in 0..20 {
            for tail in ["\"k\"", "\t \"k\"", "\n  }", "\u{1}", "x", ""] {
                texts.push(format!("\n{}{tail}", " ".repeat(spaces)));
                texts.push(format!("{}\r\n{tail}", " ".repeat(spaces)));
            }
        }
        for text in &texts {
            let bytes = text.as_bytes();
            for from in 0..=bytes.len() {
                assert_eq!(
                    skip_indentation_from(bytes, from),
                    skip_whitespace_from(bytes, from),
                    "{text:?} from {from}"
                );
            }
        }
    }

    #[test]
    fn the_expected_indentation_is_recognised_exactly() {
        let mut texts = Vec::new();
        for spaces in 0..18 {
            for head in ["\n", "\r\n", " \n", ""] {
                for tail in ["\"key\": 1, \"more\": 2", "\"", "x\"", " \"", "\t\""] {
                    texts.push(format!("{head}{}{tail}", " ".repeat(spaces)));
                }
            }
        }
        for text in &texts {
            let bytes = text.as_bytes();
            for indent in 0..20 {
                let expected = bytes.get(..indent + 2).is_some_and(|run| {
                    run[0] == b'\n'
                        && run[1..=indent].iter().all(|&b| b == b' ')
                        && run[indent + 1] == b'"'
                });
                let fits = indent <= 14 && bytes.len() >= 16;
                assert_eq!(
                    at_indented_quote(bytes, 0, indent),
                    expected && fits,
                    "{text:?} at {indent}"
                );
            }
        }
    }

    #[test]
    fn a_key_is_recognised_by_its_bytes_exactly() {
        // Names short and long (patterns up to 16 bytes, up to 32, more),
        // and ones JSON escapes, which are never recognised by their bytes.
        let names: Vec<String> = (0..40)
            .map(|len| {
                (0..len)
                    .map(|i| char::from(b'a' + (i % 26) as u8))
                    .collect()
            })
            .chain(["a\"b", "a\\b", "tab\t"].map(String::from))
            .collect();
        for name in &names {
            let key = Key::new(Box::leak(name.clone().into_boxed_str()));
            let plain = !name.contains(['"', '\\', '\t']);
            // Right, one byte off at each place, cut short, and followed by
            // a space before the colon.
            let mut texts = vec![
                format!("{name}\":1"),
                format!("{name}\":"),
                format!("{name}\" :1"),
            ];
            texts.push(format!("{name}x\":1"));
            texts.extend((0..name.len()).map(|at| {
                let mut text = name.clone().into_bytes();
                text[at] ^= 1;
                String::from_utf8(text).unwrap() + "\":1"
            }));
            for text in &texts {
                let bytes = text.as_bytes();
                let expected = plain && bytes.starts_with(format!("{name}\":").as_bytes());
                // Words are not read past the text: near its end, a key is
                // left to the general path.
                let fits = bytes.len() >= 16.max(name.len() + 2);
                assert_eq!(
                    key.is_at(bytes, 0),
                    expected && fits,
                    "{name:?} in {text:?}"
                );
                let padded = format!("{text}{}", " ".repeat(40));
                assert_eq!(
                    key.is_at(padded.as_bytes(), 0),
                    expected,
                    "{name:?} in {padded:?}"
                );
            }
        }
    }

    #[test]
    fn an_object_ends_right_after_its_last_value_or_where_stripe_puts_it() {
        for (text, indent, ends, after) in [
            ("}", 2, true, 1),
            ("},\"k\": 1", 4, true, 1),
            ("\n}                ", 2, true, 2),
            // Too near the end for a word: left to the general path.
            ("\n}", 2, false, 0),
            ("\n  }\n}                ", 4, true, 4),
            ("\n  }                ", 2, false, 0),
            ("\n }                ", 4, false, 0),
            ("\n  \"k\": 1            ", 4, false, 0),
            (" }", 2, false, 0),
            ("\n  }", 0, false, 0),
        ] {
            let mut reader = Reader::new(text.as_bytes());
            assert_eq!(reader.object_end(indent), ends, "{text:?} at {indent}");
            assert_eq!(reader.position(), after, "{text:?} at {indent}");
        }
    }

    #[test]
    fn strings_without_escapes_are_slices_and_escapes_are_decoded() {
        let mut reader = Reader::new(br#"["plain", "a\"b\\c\/\n\u00e9\ud83d\ude00"]"#);
        assert_eq!(reader.peek().unwrap(), Token::Array);
        assert!(reader.array_first().unwrap());
        assert_eq!(reader.peek().unwrap(), Token::String);
        assert_eq!(reader.string().unwrap(), "plain");
        assert!(reader.array_next().unwrap());
        reader.peek().unwrap();
        assert_eq!(reader.string().unwrap(), "a\"b\\c/\n\u{e9}\u{1F600}");
        assert!(!reader.array_next().unwrap());
        reader.finish().unwrap();
    }

    #[test]
    fn the_word_scan_stops_at_the_first_quote_backslash_or_control_character() {
        for text in [
            "",
            "a",
            "abcdefgh\"",
            "abcdefghijklmnop\\",
            "abcdefg\u{1}",
            "é中文😀abcdef\"xyz",
            "\"",
            "1234567\"",
            "12345678\"",
            "123456789\"",
            "\u{7f}\u{80}\u{1f}",
        ] {
            let bytes = text.as_bytes();
            let expected = bytes
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(bytes.len());
            for from in 0..=expected {
                assert_eq!(find_special(bytes, from), expected, "{text:?} from {from}");
            }
        }
    }

    #[test]
    fn numbers_follow_the_grammar() {
        for (text, ok) in [
            ("0", true),
            ("-0", true),
            ("12.5e-3", true),
            ("1E+9", true),
            ("01", false),
            ("-", false),
            ("1.", false),
            ("1e", false),
            (".5", false),
            ("+1", false),
        ] {
            let mut reader = Reader::new(text.as_bytes());
            let read = reader
                .peek()
                .and_then(|_| reader.number().map(drop))
                .and_then(|()| reader.finish());
            assert_eq!(read.is_ok(), ok, "{text}");
        }
    }

    #[test]
    fn bad_documents_fail_where_they_go_wrong() {
        for (text, offset) in [
            (&b"{\"a\" 1}"[..], 5),
            (b"[1,]", 3),
            (b"{\"a\":1,}", 7),
            (b"\"\x01\"", 1),
            (b"\"\\x\"", 2),
            (b"\"\\ud800\"", 7),
            (b"[1 2]", 3),
            (b"nul", 0),
            (b"\"\xff\"", 1),
        ] {
            let mut reader = Reader::new(text);
            let error = reader
                .skip(0, 128)
                .and_then(|()| reader.finish())
                .unwrap_err();
            assert_eq!(
                error.offset,
                offset,
                "{:?}: {error}",
                String::from_utf8_lossy(text)
            );
        }
    }
}
