//! The shape of the generated operation table (`src/generated/commands.rs`,
//! written by `cargo xtask codegen`, a module of this crate beside this
//! one): what the CLI knows of each operation and parameter. Static data
//! only, so adding operations costs the build almost nothing.

pub use stripe_core::Method;

/// One operation of the spec and the command that runs it.
#[derive(Debug)]
pub struct Operation {
    /// `["identity", "verification_sessions", "redact"]`: Stripe CLI's
    /// spelling.
    pub command: &'static [&'static str],
    /// Stripe CLI's other spellings, listed beside it: a test helper under
    /// its resource (`customers test_helpers fund_cash_balance`), a second
    /// resource (`accounts persons` beside `persons list`).
    pub also: &'static [&'static [&'static str]],
    /// The generator's rule where Stripe CLI spells it otherwise
    /// (`customers create_tax_id` for `tax_ids create`): runs it, left out
    /// of listings.
    pub aliases: &'static [&'static [&'static str]],
    pub method: Method,
    /// As the spec writes it: `/v1/identity/verification_sessions/{session}/redact`.
    pub path: &'static str,
    /// In path order; the command's positional arguments.
    pub path_params: &'static [&'static str],
    /// The params object (empty when the operation takes none), an index
    /// into `OBJECTS`.
    pub params: usize,
    pub body: Body,
    pub pagination: Pagination,
    /// The operation's own server, when the spec gives one
    /// (`https://files.stripe.com/`).
    pub server: Option<&'static str>,
    /// The API version of the document the operation comes from, sent as
    /// `Stripe-Version`.
    pub api_version: &'static str,
    pub summary: &'static str,
    /// Markdown.
    pub description: &'static str,
    /// The endpoint function in the generated client: `identity::VerificationSession::redact`.
    pub rust: &'static str,
    pub deprecated: bool,
}

/// How an operation's parameters travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    None,
    Query,
    Form,
    /// A v2 body: JSON, typed as the table says.
    Json,
    Multipart,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pagination {
    None,
    List,
    Search,
    /// A v2 list: follows `next_page_url`.
    V2List,
}

/// A request object: a params struct or one nested in it.
#[derive(Debug)]
pub struct Object {
    /// Its type below the `stripe` crate.
    pub rust: &'static str,
    /// It has required fields, so the Rust type is built with `new`, not `Default`.
    pub has_required: bool,
    /// The spec allows no fields but these (`additionalProperties: false`);
    /// one it leaves open may carry others.
    pub closed: bool,
    pub fields: &'static [Field],
}

#[derive(Debug)]
pub struct Field {
    /// As sent: `metadata`, `type`.
    pub name: &'static str,
    /// The Rust field: `metadata`, `type_`.
    pub rust: &'static str,
    pub ty: Ty,
    pub required: bool,
    /// Boxed in the Rust type (a recursive field).
    pub boxed: bool,
    pub bounds: Bounds,
    /// Markdown.
    pub doc: &'static str,
}

/// The limits the spec sets on a value: a string's length, a number's
/// range.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
}

impl Bounds {
    pub const NONE: Bounds = Bounds {
        min_length: None,
        max_length: None,
        minimum: None,
        maximum: None,
    };
}

/// A parameter's type.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    String,
    Integer,
    Number,
    Boolean,
    /// Unix seconds.
    Timestamp,
    /// RFC 3339 text (`2026-01-31T12:00:00Z`).
    DateTime,
    /// A decimal number as text (`12.5`).
    Decimal,
    /// A 64-bit integer sent as a string (v2).
    Int64String,
    /// File content (multipart upload), given as `@path`.
    Binary,
    /// Any value: the spec allows several shapes.
    Json,
    Enum(usize),
    Object(usize),
    Union(usize),
    List(&'static Ty),
    /// String keys (`metadata[key]=value`).
    Map(&'static Ty),
    /// The value, or `""` to clear the field.
    Unsettable(&'static Ty),
}

#[derive(Debug)]
pub struct Enum {
    pub rust: &'static str,
    /// Wire values, with their Rust variant names at the same index.
    pub values: &'static [&'static str],
    pub variants: &'static [&'static str],
    /// The spec says Stripe accepts other values too (`x-stripeBypassValidation`).
    pub open: bool,
}

/// One of several objects.
#[derive(Debug)]
pub struct Union {
    pub rust: &'static str,
    pub variants: &'static [&'static str],
    pub members: &'static [Ty],
}

pub use crate::commands::{API_VERSION, ENUMS, ID_PREFIXES, OBJECTS, OPERATIONS, UNIONS};

impl Operation {
    pub fn params(&self) -> &'static Object {
        &OBJECTS[self.params]
    }

    /// Every spelling of its command, [`command`](Self::command) first, and
    /// whether it is a hidden alias.
    pub fn spellings(&self) -> impl Iterator<Item = (&'static [&'static str], bool)> {
        std::iter::once(self.command)
            .chain(self.also.iter().copied())
            .map(|words| (words, false))
            .chain(self.aliases.iter().map(|words| (*words, true)))
    }
}
