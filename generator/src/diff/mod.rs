//! What changed between two versions of the spec, and what that breaks.
//!
//! Reviewing a spec upgrade by reading a 4 MB YAML diff misses what matters:
//! a removed enum value in a request, a response field that became nullable,
//! a Rust field whose type changed. This module compares two merged
//! [`Spec`]s at two layers and classifies every change by the rule that
//! applies to it ([`Kind`]), each rule with a fixed [`Severity`]:
//!
//! - [`spec`]: the wire contract. Severity depends on direction, as in
//!   oasdiff: what a caller sends may only widen, what a reader receives may
//!   only narrow.
//! - [`api`]: the generated Rust API, from the two [`crate::model::Model`]s: types,
//!   fields, variants, request constructors and endpoint functions added,
//!   removed or changed.
//!
//! [`render`] turns the [`Report`] into text, markdown or JSON. Like the rest
//! of the library this does no I/O.

pub mod api;
pub mod render;
pub mod spec;

use std::fmt;

use serde::Serialize;

use crate::model;
use crate::Spec;

/// How much a change matters to existing users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Existing callers or readers stop working (or stop compiling).
    Breaking,
    /// Nothing breaks today, but something deserves a look.
    Warning,
    /// An addition or a relaxation: nothing to do.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// `--fail-on` values.
    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "breaking" => Some(Severity::Breaking),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which layer a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    /// The OpenAPI documents: what goes over the wire.
    Spec,
    /// The generated Rust crate.
    Rust,
}

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $layer:ident, $severity:ident, $why:literal; )*) => {
        /// The rule a change falls under. Each rule has one severity; the
        /// table in `docs/diff.md` is [`Kind::rules_markdown`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind {
            $( $(#[$doc])* $variant, )*
        }

        impl Kind {
            /// Every rule, in the order of the table.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];

            /// The stable id used in the JSON output, e.g. `operation-removed`.
            pub fn id(self) -> &'static str {
                match self { $(Kind::$variant => $id,)* }
            }

            pub fn layer(self) -> Layer {
                match self { $(Kind::$variant => Layer::$layer,)* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Kind::$variant => Severity::$severity,)* }
            }

            /// Why the rule has its severity.
            pub fn rationale(self) -> &'static str {
                match self { $(Kind::$variant => $why,)* }
            }
        }
    };
}

rules! {
    OperationAdded = "operation-added", Spec, Info, "A new endpoint; existing calls are unaffected.";
    OperationRemoved = "operation-removed", Spec, Breaking, "Calls to it fail.";
    OperationDeprecated = "operation-deprecated", Spec, Warning, "Still served, but slated for removal.";
    OperationUndeprecated = "operation-undeprecated", Spec, Info, "No longer slated for removal.";
    ParameterAdded = "parameter-added", Spec, Info, "An optional parameter: callers may ignore it.";
    RequiredParameterAdded = "required-parameter-added", Spec, Breaking, "Existing calls do not send it.";
    ParameterRemoved = "parameter-removed", Spec, Breaking, "Stripe rejects parameters it does not know.";
    ParameterBecameRequired = "parameter-became-required", Spec, Breaking, "Calls that leave it out are rejected.";
    ParameterBecameOptional = "parameter-became-optional", Spec, Info, "Calls that send it still work.";
    RequestPropertyAdded = "request-property-added", Spec, Info, "An optional field of a request body or parameter.";
    RequiredRequestPropertyAdded = "required-request-property-added", Spec, Breaking, "Existing calls do not send it.";
    RequestPropertyRemoved = "request-property-removed", Spec, Breaking, "Stripe rejects parameters it does not know.";
    RequestPropertyBecameRequired = "request-property-became-required", Spec, Breaking, "Calls that leave it out are rejected.";
    RequestPropertyBecameOptional = "request-property-became-optional", Spec, Info, "Calls that send it still work.";
    RequestPropertyBecameNullable = "request-property-became-nullable", Spec, Info, "Accepts more than before.";
    RequestPropertyBecameNotNullable = "request-property-became-not-nullable", Spec, Warning, "Calls that send null would be rejected (Stripe's form bodies rarely send null).";
    RequestTypeWidened = "request-type-widened", Spec, Info, "Accepts more than before (integer to number, a new anyOf branch).";
    RequestTypeNarrowed = "request-type-narrowed", Spec, Breaking, "Values callers send today may be rejected.";
    RequestTypeChanged = "request-type-changed", Spec, Breaking, "Values callers send today may be rejected.";
    RequestEnumValueAdded = "request-enum-value-added", Spec, Info, "Accepts more than before.";
    RequestEnumValueRemoved = "request-enum-value-removed", Spec, Breaking, "Calls that send the value are rejected.";
    ResponsePropertyAdded = "response-property-added", Spec, Info, "Readers ignore fields they do not know.";
    ResponsePropertyRemoved = "response-property-removed", Spec, Breaking, "Readers that use it no longer get it.";
    ResponsePropertyBecameOptional = "response-property-became-optional", Spec, Breaking, "Readers that expect it may not get it.";
    ResponsePropertyBecameRequired = "response-property-became-required", Spec, Info, "Always sent now; readers lose nothing.";
    ResponsePropertyBecameNullable = "response-property-became-nullable", Spec, Breaking, "Readers that expect a value may get null.";
    ResponsePropertyBecameNotNullable = "response-property-became-not-nullable", Spec, Info, "Never null now; readers lose nothing.";
    ResponseTypeWidened = "response-type-widened", Spec, Breaking, "Readers may get values of a shape they do not expect.";
    ResponseTypeNarrowed = "response-type-narrowed", Spec, Info, "Readers get a subset of what they handled.";
    ResponseTypeChanged = "response-type-changed", Spec, Breaking, "Readers get values of another shape.";
    ResponseEnumValueAdded = "response-enum-value-added", Spec, Info, "Every generated string enum is open (#[non_exhaustive], with an Unknown(String) catch-all), so a new value decodes.";
    ResponseEnumValueRemoved = "response-enum-value-removed", Spec, Info, "Readers no longer see the value; the Rust variant's removal is reported as rust-variant-removed.";
    FieldBecameExpandable = "field-became-expandable", Spec, Warning, "Still an id unless expanded, but the field's Rust type changes.";
    FieldNoLongerExpandable = "field-no-longer-expandable", Spec, Breaking, "Calls that expand it are rejected; readers of the object lose it.";
    ExpansionTargetAdded = "expansion-target-added", Spec, Info, "Expanded, the field may hold a new type; generated unions are open (Unknown catch-all).";
    ExpansionTargetRemoved = "expansion-target-removed", Spec, Info, "Expanded, the field holds fewer types.";
    SchemaAdded = "schema-added", Spec, Info, "A new component schema.";
    SchemaRemoved = "schema-removed", Spec, Warning, "Where it was used, the change is reported at the use; its Rust type's removal is rust-type-removed.";
    RustTypeAdded = "rust-type-added", Rust, Info, "A new type.";
    RustTypeRemoved = "rust-type-removed", Rust, Breaking, "Code naming the type stops compiling.";
    RustTypeKindChanged = "rust-type-kind-changed", Rust, Breaking, "A struct became an enum (or similar): code using it stops compiling.";
    RustFieldAdded = "rust-field-added", Rust, Info, "An Option field. Structs are not #[non_exhaustive]: a struct literal without ..Default::default() needs it.";
    RustRequiredFieldAdded = "rust-required-field-added", Rust, Warning, "A non-Option field: struct literals must set it.";
    RustFieldRemoved = "rust-field-removed", Rust, Breaking, "Code reading or setting the field stops compiling.";
    RustFieldTypeChanged = "rust-field-type-changed", Rust, Breaking, "Code reading or setting the field stops compiling.";
    RustVariantAdded = "rust-variant-added", Rust, Info, "Enums and unions are #[non_exhaustive]: matches already have a wildcard arm.";
    RustVariantRemoved = "rust-variant-removed", Rust, Breaking, "Code naming the variant stops compiling.";
    RustAliasChanged = "rust-alias-changed", Rust, Breaking, "The alias names another type.";
    RustFunctionAdded = "rust-function-added", Rust, Info, "A new method.";
    RustFunctionRemoved = "rust-function-removed", Rust, Breaking, "Calls to it stop compiling.";
    RustFunctionSignatureChanged = "rust-function-signature-changed", Rust, Breaking, "Calls to it stop compiling. Also a request struct's constructor: new(required...), or Default::default() when nothing is required.";
}

impl Kind {
    /// The rules as a markdown table: rule, layer, severity, why.
    pub fn rules_markdown() -> String {
        let mut out =
            String::from("| rule | layer | severity | why |\n| --- | --- | --- | --- |\n");
        for kind in Kind::ALL {
            let layer = match kind.layer() {
                Layer::Spec => "spec",
                Layer::Rust => "rust",
            };
            out.push_str(&format!(
                "| `{}` | {layer} | {} | {} |\n",
                kind.id(),
                kind.severity(),
                kind.rationale()
            ));
        }
        out
    }
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// Where a change is. `pointer` names the node in the new document, or in
/// the old one for something removed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// `METHOD /path`, for changes inside an operation.
    pub operation: Option<String>,
    /// JSON pointer of the node, e.g. `#/components/schemas/charge/properties/amount`.
    pub pointer: String,
    /// The Rust item, for changes to the generated API, by the path users
    /// write below the crate root: `issuing::Card.status`, `Customer::retrieve`.
    pub rust: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.operation, &self.rust) {
            (Some(operation), _) => f.write_str(operation),
            (None, Some(rust)) => f.write_str(rust),
            (None, None) => f.write_str(&self.pointer),
        }
    }
}

/// One change, classified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: Kind,
    pub severity: Severity,
    pub layer: Layer,
    pub location: Location,
    /// One line for a human: ``request property `metadata` removed``.
    pub message: String,
}

impl Change {
    pub fn new(kind: Kind, location: Location, message: impl Into<String>) -> Change {
        Change {
            kind,
            severity: kind.severity(),
            layer: kind.layer(),
            location,
            message: message.into(),
        }
    }
}

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Version {
    pub api_version: String,
    pub documents: Vec<String>,
}

impl Version {
    fn of(spec: &Spec) -> Version {
        Version {
            api_version: spec.api_version.clone(),
            documents: spec.documents.clone(),
        }
    }

    /// `2023-08-16 (spec3.2023-08-16.yaml)`.
    pub fn label(&self) -> String {
        format!("{} ({})", self.api_version, self.documents.join(" + "))
    }
}

/// Every change between two specs, most severe first.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub old: Version,
    pub new: Version,
    pub changes: Vec<Change>,
}

impl Report {
    /// How many changes have each severity: (breaking, warning, info).
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |s| self.changes.iter().filter(|c| c.severity == s).count();
        (
            count(Severity::Breaking),
            count(Severity::Warning),
            count(Severity::Info),
        )
    }

    /// The most severe change, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.changes.iter().map(|c| c.severity).min()
    }

    /// Whether `--fail-on threshold` should fail: some change is at least that severe.
    pub fn fails(&self, threshold: Severity) -> bool {
        self.worst().is_some_and(|worst| worst <= threshold)
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.kind == kind)
    }

    fn sort(&mut self) {
        self.changes.sort_by(|a, b| {
            (a.severity, a.layer, &a.location, a.kind, &a.message).cmp(&(
                b.severity,
                b.layer,
                &b.location,
                b.kind,
                &b.message,
            ))
        });
    }
}

/// Both layers: the spec diff, then the Rust API diff of the two models the
/// caller built from the same specs (with `crate::build_model`, so that the
/// caller chooses the overrides).
pub fn diff(old: &Spec, new: &Spec, old_model: &model::Model, new_model: &model::Model) -> Report {
    let mut report = Report {
        old: Version::of(old),
        new: Version::of(new),
        changes: spec::diff(old, new),
    };
    report
        .changes
        .extend(api::diff_models(old_model, new_model));
    report.sort();
    report
}

/// The spec layer only: no model is built.
pub fn diff_spec(old: &Spec, new: &Spec) -> Report {
    let mut report = Report {
        old: Version::of(old),
        new: Version::of(new),
        changes: spec::diff(old, new),
    };
    report.sort();
    report
}
