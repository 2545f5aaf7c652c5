//! The spec layer: operations, parameters, request bodies, responses and
//! component schemas, compared node by node.
//!
//! Severity depends on direction. A schema is read on the request side (what
//! callers send: parameters, request bodies) or the response side (what
//! readers receive). `$ref`s are not followed inside operations: each
//! component schema is compared once, at its own pointer, on the side(s) its
//! uses put it, so a change to `charge` is one change, not one per endpoint
//! that returns a charge.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{
    Operation, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type,
};

use super::{Change, Kind, Location};
use crate::error::escape_pointer_token;
use crate::Spec;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Compares two merged specs.
pub fn diff(old: &Spec, new: &Spec) -> Vec<Change> {
    let mut differ = Differ {
        changes: Vec::new(),
    };
    differ.operations(old, new);
    differ.components(old, new);
    differ.changes
}

/// Which way data flows through a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
    /// A component used in both: each change takes the worse of the two rules.
    Both,
}

impl Side {
    fn pick(self, request: Kind, response: Kind) -> Kind {
        match self {
            Side::Request => request,
            Side::Response => response,
            // Severity orders Breaking first; ties go to the response rule.
            Side::Both if request.severity() < response.severity() => request,
            Side::Both => response,
        }
    }
}

/// A schema position: `$ref` or inline.
#[derive(Clone, Copy)]
enum Node<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

fn node<T: Borrow<Schema>>(schema: &ReferenceOr<T>) -> Node<'_> {
    match schema {
        ReferenceOr::Reference { reference } => {
            Node::Ref(reference.strip_prefix(SCHEMA_PREFIX).unwrap_or(reference))
        }
        ReferenceOr::Item(schema) => Node::Inline(schema.borrow()),
    }
}

impl<'a> Node<'a> {
    fn nullable(self) -> bool {
        matches!(self, Node::Inline(schema) if schema.schema_data.nullable)
    }

    /// `anyOf: [X]` (how Stripe makes a `$ref` nullable) reads as `X`.
    fn unwrapped(self) -> Node<'a> {
        match self {
            Node::Inline(Schema {
                schema_kind: SchemaKind::AnyOf { any_of } | SchemaKind::OneOf { one_of: any_of },
                ..
            }) if any_of.len() == 1 => node(&any_of[0]).unwrapped(),
            other => other,
        }
    }

    /// The value schema of a map (`additionalProperties`).
    fn map_values(self) -> Option<&'a ReferenceOr<Schema>> {
        let Node::Inline(schema) = self else {
            return None;
        };
        let extra = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => object.additional_properties.as_ref(),
            SchemaKind::Any(any) => any.additional_properties.as_ref(),
            _ => None,
        };
        match extra? {
            openapiv3::AdditionalProperties::Schema(values) => Some(values),
            openapiv3::AdditionalProperties::Any(_) => None,
        }
    }

    /// The targets of an expandable field (`x-expansionResources`).
    fn expansion(self) -> Option<BTreeSet<&'a str>> {
        let Node::Inline(schema) = self else {
            return None;
        };
        let resources = schema.schema_data.extensions.get("x-expansionResources")?;
        let targets = resources.get("oneOf")?.as_array()?;
        Some(
            targets
                .iter()
                .filter_map(|t| t.get("$ref")?.as_str())
                .map(|r| r.strip_prefix(SCHEMA_PREFIX).unwrap_or(r))
                .collect(),
        )
    }

    fn shape(self) -> Shape<'a> {
        let schema = match self {
            Node::Ref(name) => return Shape::Ref(name),
            Node::Inline(schema) => schema,
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => Shape::String(&string.enumeration),
            SchemaKind::Type(Type::Integer(_)) => Shape::Integer,
            SchemaKind::Type(Type::Number(_)) => Shape::Number,
            SchemaKind::Type(Type::Boolean(_)) => Shape::Boolean,
            SchemaKind::Type(Type::Object(object)) => {
                Shape::Object(&object.properties, &object.required)
            }
            SchemaKind::Type(Type::Array(array)) => Shape::Array(array.items.as_ref()),
            SchemaKind::AnyOf {
                any_of: alternatives,
            }
            | SchemaKind::OneOf {
                one_of: alternatives,
            } => Shape::Alternatives(alternatives),
            SchemaKind::Any(any)
                if !any.properties.is_empty() || any.typ.as_deref() == Some("object") =>
            {
                Shape::Object(&any.properties, &any.required)
            }
            _ => Shape::Other,
        }
    }

    /// A short name for messages: `string`, `integer`, `` `charge` ``, `anyOf [object, ""]`.
    fn describe(self) -> String {
        match self.shape() {
            Shape::Ref(name) => format!("`{name}`"),
            Shape::String(values) if !values.is_empty() => "string enum".into(),
            Shape::String(_) => "string".into(),
            Shape::Integer => "integer".into(),
            Shape::Number => "number".into(),
            Shape::Boolean => "boolean".into(),
            Shape::Object(..) => "object".into(),
            Shape::Array(Some(items)) => format!("array of {}", node(items).describe()),
            Shape::Array(None) => "array".into(),
            Shape::Alternatives(alternatives) => {
                let names: Vec<String> = alternatives.iter().map(|a| branch_key(node(a))).collect();
                format!("anyOf [{}]", names.join(", "))
            }
            Shape::Other => "any".into(),
        }
    }
}

type Properties = IndexMap<String, ReferenceOr<Box<Schema>>>;

/// What a schema is, as far as compatibility goes.
enum Shape<'a> {
    Ref(&'a str),
    String(&'a [Option<String>]),
    Integer,
    Number,
    Boolean,
    Object(&'a Properties, &'a [String]),
    Array(Option<&'a ReferenceOr<Box<Schema>>>),
    Alternatives(&'a [ReferenceOr<Schema>]),
    Other,
}

/// How an anyOf branch is matched with its counterpart on the other side.
fn branch_key(node: Node) -> String {
    let title = |node: Node| match node {
        Node::Inline(schema) => schema.schema_data.title.clone(),
        Node::Ref(_) => None,
    };
    match node.shape() {
        Shape::Ref(name) => format!("`{name}`"),
        Shape::String(values) if values.len() == 1 && values[0].as_deref() == Some("") => {
            "\"\"".into()
        }
        Shape::String(values) if !values.is_empty() => "string enum".into(),
        Shape::Object(..) => match title(node) {
            Some(title) => format!("object {title}"),
            None => "object".into(),
        },
        _ => node.describe(),
    }
}

/// Where the differ is, and how to name it in messages.
#[derive(Clone)]
struct Cx<'c> {
    side: Side,
    operation: Option<&'c str>,
    pointer: String,
    /// The property path for messages: `payment_method_options.blik`, `items[]`.
    name: String,
}

impl Cx<'_> {
    fn at(&self) -> Location {
        Location {
            operation: self.operation.map(str::to_owned),
            pointer: self.pointer.clone(),
            rust: None,
        }
    }

    fn child(&self, pointer: &str, name: String) -> Self {
        Cx {
            side: self.side,
            operation: self.operation,
            pointer: format!("{}/{pointer}", self.pointer),
            name,
        }
    }

    fn property(&self, property: &str) -> Self {
        let name = if self.name.is_empty() {
            property.to_owned()
        } else {
            format!("{}.{property}", self.name)
        };
        self.child(
            &format!("properties/{}", escape_pointer_token(property)),
            name,
        )
    }

    /// The subject of a message: ``request property `a.b` `` or, at the root, `request body`.
    fn subject(&self) -> String {
        let side = match self.side {
            Side::Request => "request",
            Side::Response => "response",
            Side::Both => "request/response",
        };
        if self.name.is_empty() {
            format!("{side} schema")
        } else {
            format!("{side} property `{}`", self.name)
        }
    }
}

/// Whether a type change accepts more, fewer or different values.
enum TypeChange {
    Widened,
    Narrowed,
    Changed,
}

struct Differ {
    changes: Vec<Change>,
}

impl Differ {
    fn push(&mut self, kind: Kind, at: Location, message: String) {
        self.changes.push(Change::new(kind, at, message));
    }

    fn operations(&mut self, old: &Spec, new: &Spec) {
        let old_operations = operations(old);
        let new_operations = operations(new);
        for (key, new_op) in &new_operations {
            let label = key.label();
            let Some(old_op) = old_operations.get(key) else {
                self.push(
                    Kind::OperationAdded,
                    key.location(),
                    format!("operation `{}` added", new_op.id()),
                );
                continue;
            };
            match (old_op.operation.deprecated, new_op.operation.deprecated) {
                (false, true) => self.push(
                    Kind::OperationDeprecated,
                    key.location(),
                    "operation deprecated".into(),
                ),
                (true, false) => self.push(
                    Kind::OperationUndeprecated,
                    key.location(),
                    "operation no longer deprecated".into(),
                ),
                _ => {}
            }
            self.parameters(&label, key, old_op, new_op);
            self.request_body(&label, key, old_op, new_op);
            self.responses(&label, key, old_op, new_op);
        }
        for (key, old_op) in &old_operations {
            if !new_operations.contains_key(key) {
                self.push(
                    Kind::OperationRemoved,
                    key.location(),
                    format!("operation `{}` removed", old_op.id()),
                );
            }
        }
    }

    fn parameters(&mut self, label: &str, key: &OperationKey, old: &Op, new: &Op) {
        let old_parameters = old.parameters();
        let new_parameters = new.parameters();
        for (id, (index, new_parameter)) in &new_parameters {
            let pointer = format!("{}/parameters/{index}", key.pointer());
            let at = Location {
                operation: Some(label.to_owned()),
                pointer: pointer.clone(),
                rust: None,
            };
            let what = format!("{} parameter `{}`", id.0, id.1);
            let Some((_, old_parameter)) = old_parameters.get(id) else {
                let kind = if new_parameter.required {
                    Kind::RequiredParameterAdded
                } else {
                    Kind::ParameterAdded
                };
                let required = if new_parameter.required {
                    "required "
                } else {
                    ""
                };
                self.push(kind, at, format!("{required}{what} added"));
                continue;
            };
            match (old_parameter.required, new_parameter.required) {
                (false, true) => self.push(
                    Kind::ParameterBecameRequired,
                    at,
                    format!("{what} became required"),
                ),
                (true, false) => self.push(
                    Kind::ParameterBecameOptional,
                    at,
                    format!("{what} became optional"),
                ),
                _ => {}
            }
            if let (Some(old_schema), Some(new_schema)) =
                (old_parameter.schema, new_parameter.schema)
            {
                let cx = Cx {
                    side: Side::Request,
                    operation: Some(label),
                    pointer: format!("{pointer}/schema"),
                    name: id.1.clone(),
                };
                self.schema(&cx, node(old_schema), node(new_schema));
            }
        }
        for (id, (index, _)) in &old_parameters {
            if !new_parameters.contains_key(id) {
                let pointer = format!("{}/parameters/{index}", key.pointer());
                let at = Location {
                    operation: Some(label.to_owned()),
                    pointer,
                    rust: None,
                };
                self.push(
                    Kind::ParameterRemoved,
                    at,
                    format!("{} parameter `{}` removed", id.0, id.1),
                );
            }
        }
    }

    /// A missing body compares as an empty object, so a body that appears
    /// reports each of its properties as added.
    fn request_body(&mut self, label: &str, key: &OperationKey, old: &Op, new: &Op) {
        let empty = empty_object();
        let (old_type, old_schema) = old.body().unwrap_or(("", &empty));
        let (new_type, new_schema) = new.body().unwrap_or((old_type, &empty));
        let content_type = if new_type.is_empty() {
            old_type
        } else {
            new_type
        };
        let pointer = format!(
            "{}/requestBody/content/{}/schema",
            key.pointer(),
            escape_pointer_token(content_type)
        );
        let cx = Cx {
            side: Side::Request,
            operation: Some(label),
            pointer,
            name: String::new(),
        };
        self.schema(&cx, node(old_schema), node(new_schema));
    }

    fn responses(&mut self, label: &str, key: &OperationKey, old: &Op, new: &Op) {
        let old_responses = old.responses();
        for (status, new_schema) in new.responses() {
            let Some(old_schema) = old_responses.get(&status) else {
                continue;
            };
            let pointer = format!(
                "{}/responses/{status}/content/application~1json/schema",
                key.pointer()
            );
            let cx = Cx {
                side: Side::Response,
                operation: Some(label),
                pointer,
                name: String::new(),
            };
            self.schema(&cx, node(old_schema), node(new_schema));
        }
    }

    fn components(&mut self, old: &Spec, new: &Spec) {
        let sides = component_sides(new);
        let old_schemas = old.schemas();
        let new_schemas = new.schemas();
        for (name, new_schema) in new_schemas {
            let pointer = format!("{SCHEMA_PREFIX}{}", escape_pointer_token(name));
            let at = Location {
                operation: None,
                pointer: pointer.clone(),
                rust: None,
            };
            let Some(old_schema) = old_schemas.get(name) else {
                self.push(Kind::SchemaAdded, at, format!("schema `{name}` added"));
                continue;
            };
            let side = sides.get(name.as_str()).copied().unwrap_or(Side::Response);
            let cx = Cx {
                side,
                operation: None,
                pointer,
                name: String::new(),
            };
            self.schema(&cx, node(old_schema), node(new_schema));
        }
        for name in old_schemas.keys() {
            if !new_schemas.contains_key(name) {
                let pointer = format!("{SCHEMA_PREFIX}{}", escape_pointer_token(name));
                let at = Location {
                    operation: None,
                    pointer,
                    rust: None,
                };
                self.push(Kind::SchemaRemoved, at, format!("schema `{name}` removed"));
            }
        }
    }

    /// Compares two schemas at the same position.
    fn schema(&mut self, cx: &Cx, old: Node, new: Node) {
        if !cx.name.is_empty() {
            match (old.nullable(), new.nullable()) {
                (false, true) => self.push(
                    cx.side.pick(
                        Kind::RequestPropertyBecameNullable,
                        Kind::ResponsePropertyBecameNullable,
                    ),
                    cx.at(),
                    format!("{} became nullable", cx.subject()),
                ),
                (true, false) => self.push(
                    cx.side.pick(
                        Kind::RequestPropertyBecameNotNullable,
                        Kind::ResponsePropertyBecameNotNullable,
                    ),
                    cx.at(),
                    format!("{} is no longer nullable", cx.subject()),
                ),
                _ => {}
            }
        }
        if cx.side != Side::Request && self.expansion(cx, old, new) {
            return;
        }
        let (old, new) = (old.unwrapped(), new.unwrapped());
        match (old.shape(), new.shape()) {
            (Shape::Ref(a), Shape::Ref(b)) if a == b => {}
            (
                Shape::Object(old_properties, old_required),
                Shape::Object(new_properties, new_required),
            ) => {
                self.properties(
                    cx,
                    (old_properties, old_required),
                    (new_properties, new_required),
                );
                if let (Some(a), Some(b)) = (old.map_values(), new.map_values()) {
                    let cx = cx.child("additionalProperties", format!("{}{{}}", cx.name));
                    self.schema(&cx, node(a), node(b));
                }
            }
            (Shape::Array(Some(a)), Shape::Array(Some(b))) => {
                let cx = cx.child("items", format!("{}[]", cx.name));
                self.schema(&cx, node(a), node(b));
            }
            (Shape::Array(_), Shape::Array(_)) => {}
            (Shape::String(a), Shape::String(b)) => self.enums(cx, a, b),
            (Shape::Integer, Shape::Integer)
            | (Shape::Number, Shape::Number)
            | (Shape::Boolean, Shape::Boolean) => {}
            (Shape::Other, Shape::Other) => {}
            (Shape::Integer, Shape::Number) => {
                self.type_change(cx, TypeChange::Widened, old.describe(), new.describe())
            }
            (Shape::Number, Shape::Integer) => {
                self.type_change(cx, TypeChange::Narrowed, old.describe(), new.describe())
            }
            (Shape::Alternatives(a), Shape::Alternatives(b)) => {
                self.alternatives(cx, a, b, old, new)
            }
            (_, Shape::Alternatives(b)) => match find_branch(b, branch_key(old)) {
                Some(index) => {
                    self.type_change(cx, TypeChange::Widened, old.describe(), new.describe());
                    self.schema(
                        &cx.child(&format!("anyOf/{index}"), cx.name.clone()),
                        old,
                        node(&b[index]),
                    );
                }
                None => self.type_change(cx, TypeChange::Changed, old.describe(), new.describe()),
            },
            (Shape::Alternatives(a), _) => match find_branch(a, branch_key(new)) {
                Some(index) => {
                    self.type_change(cx, TypeChange::Narrowed, old.describe(), new.describe());
                    self.schema(cx, node(&a[index]), new);
                }
                None => self.type_change(cx, TypeChange::Changed, old.describe(), new.describe()),
            },
            _ => self.type_change(cx, TypeChange::Changed, old.describe(), new.describe()),
        }
    }

    /// Reports changes to expandable fields; true when it has said all
    /// there is to say about the field's type.
    fn expansion(&mut self, cx: &Cx, old: Node, new: Node) -> bool {
        let subject = || format!("field `{}`", cx.name);
        match (old.expansion(), new.expansion()) {
            (None, None) => false,
            (None, Some(targets)) => {
                let targets: Vec<String> = targets.iter().map(|t| format!("`{t}`")).collect();
                self.push(
                    Kind::FieldBecameExpandable,
                    cx.at(),
                    format!(
                        "{} became expandable (to {})",
                        subject(),
                        targets.join(", ")
                    ),
                );
                true
            }
            (Some(_), None) => {
                self.push(
                    Kind::FieldNoLongerExpandable,
                    cx.at(),
                    format!("{} is no longer expandable", subject()),
                );
                true
            }
            (Some(old_targets), Some(new_targets)) => {
                for target in new_targets.difference(&old_targets) {
                    self.push(
                        Kind::ExpansionTargetAdded,
                        cx.at(),
                        format!("{} can now expand to `{target}`", subject()),
                    );
                }
                for target in old_targets.difference(&new_targets) {
                    self.push(
                        Kind::ExpansionTargetRemoved,
                        cx.at(),
                        format!("{} no longer expands to `{target}`", subject()),
                    );
                }
                true
            }
        }
    }

    fn properties(
        &mut self,
        cx: &Cx,
        old: (&Properties, &[String]),
        new: (&Properties, &[String]),
    ) {
        let required = |list: &[String], name: &str| list.iter().any(|r| r == name);
        for (name, new_schema) in new.0 {
            let child = cx.property(name);
            let is_required = required(new.1, name);
            let Some(old_schema) = old.0.get(name) else {
                let kind = match (cx.side, is_required) {
                    (Side::Response, _) => Kind::ResponsePropertyAdded,
                    (_, true) => Kind::RequiredRequestPropertyAdded,
                    (_, false) => Kind::RequestPropertyAdded,
                };
                let required = if is_required { "required " } else { "" };
                self.push(
                    kind,
                    child.at(),
                    format!("{required}{} added", child.subject()),
                );
                continue;
            };
            match (required(old.1, name), is_required) {
                (false, true) => self.push(
                    cx.side.pick(
                        Kind::RequestPropertyBecameRequired,
                        Kind::ResponsePropertyBecameRequired,
                    ),
                    child.at(),
                    format!("{} became required", child.subject()),
                ),
                (true, false) => self.push(
                    cx.side.pick(
                        Kind::RequestPropertyBecameOptional,
                        Kind::ResponsePropertyBecameOptional,
                    ),
                    child.at(),
                    format!("{} became optional", child.subject()),
                ),
                _ => {}
            }
            self.schema(&child, node(old_schema), node(new_schema));
        }
        for name in old.0.keys() {
            if !new.0.contains_key(name) {
                let child = cx.property(name);
                let kind = cx
                    .side
                    .pick(Kind::RequestPropertyRemoved, Kind::ResponsePropertyRemoved);
                self.push(kind, child.at(), format!("{} removed", child.subject()));
            }
        }
    }

    fn enums(&mut self, cx: &Cx, old: &[Option<String>], new: &[Option<String>]) {
        match (old.is_empty(), new.is_empty()) {
            (true, true) => {}
            // A free string became an enum: fewer values are accepted.
            (true, false) => self.type_change(
                cx,
                TypeChange::Narrowed,
                "string".into(),
                "string enum".into(),
            ),
            (false, true) => self.type_change(
                cx,
                TypeChange::Widened,
                "string enum".into(),
                "string".into(),
            ),
            (false, false) => {
                let values = |list: &[Option<String>]| -> BTreeSet<String> {
                    list.iter().flatten().cloned().collect()
                };
                let (old_values, new_values) = (values(old), values(new));
                let what = if cx.name.is_empty() {
                    "enum".to_owned()
                } else {
                    format!("enum `{}`", cx.name)
                };
                for value in new_values.difference(&old_values) {
                    let kind = cx
                        .side
                        .pick(Kind::RequestEnumValueAdded, Kind::ResponseEnumValueAdded);
                    self.push(
                        kind,
                        cx.at(),
                        format!("{} value `{value}` added to {what}", side_word(cx.side)),
                    );
                }
                for value in old_values.difference(&new_values) {
                    let kind = cx.side.pick(
                        Kind::RequestEnumValueRemoved,
                        Kind::ResponseEnumValueRemoved,
                    );
                    self.push(
                        kind,
                        cx.at(),
                        format!("{} value `{value}` removed from {what}", side_word(cx.side)),
                    );
                }
            }
        }
    }

    /// anyOf to anyOf: branches are matched by `$ref` name, title or type.
    fn alternatives(
        &mut self,
        cx: &Cx,
        old: &[ReferenceOr<Schema>],
        new: &[ReferenceOr<Schema>],
        old_node: Node,
        new_node: Node,
    ) {
        let keys = |list: &[ReferenceOr<Schema>]| -> BTreeMap<String, usize> {
            list.iter()
                .enumerate()
                .map(|(i, s)| (branch_key(node(s)), i))
                .collect()
        };
        let (old_keys, new_keys) = (keys(old), keys(new));
        let added = new_keys.keys().any(|k| !old_keys.contains_key(k));
        let removed = old_keys.keys().any(|k| !new_keys.contains_key(k));
        match (added, removed) {
            (true, true) => self.type_change(
                cx,
                TypeChange::Changed,
                old_node.describe(),
                new_node.describe(),
            ),
            (true, false) => self.type_change(
                cx,
                TypeChange::Widened,
                old_node.describe(),
                new_node.describe(),
            ),
            (false, true) => self.type_change(
                cx,
                TypeChange::Narrowed,
                old_node.describe(),
                new_node.describe(),
            ),
            (false, false) => {}
        }
        for (key, &new_index) in &new_keys {
            if let Some(&old_index) = old_keys.get(key) {
                let child = cx.child(&format!("anyOf/{new_index}"), cx.name.clone());
                self.schema(&child, node(&old[old_index]), node(&new[new_index]));
            }
        }
    }

    fn type_change(&mut self, cx: &Cx, change: TypeChange, from: String, to: String) {
        let kind = match change {
            TypeChange::Widened => cx
                .side
                .pick(Kind::RequestTypeWidened, Kind::ResponseTypeWidened),
            TypeChange::Narrowed => cx
                .side
                .pick(Kind::RequestTypeNarrowed, Kind::ResponseTypeNarrowed),
            TypeChange::Changed => cx
                .side
                .pick(Kind::RequestTypeChanged, Kind::ResponseTypeChanged),
        };
        let how = match change {
            TypeChange::Widened => "widened",
            TypeChange::Narrowed => "narrowed",
            TypeChange::Changed => "changed",
        };
        self.push(
            kind,
            cx.at(),
            format!("type of {} {how} from {from} to {to}", cx.subject()),
        );
    }
}

fn side_word(side: Side) -> &'static str {
    match side {
        Side::Request => "request",
        Side::Response => "response",
        Side::Both => "request/response",
    }
}

fn find_branch(alternatives: &[ReferenceOr<Schema>], key: String) -> Option<usize> {
    alternatives.iter().position(|a| branch_key(node(a)) == key)
}

fn empty_object() -> ReferenceOr<Schema> {
    ReferenceOr::Item(Schema {
        schema_data: Default::default(),
        schema_kind: SchemaKind::Type(Type::Object(Default::default())),
    })
}

/// An operation's identity: `(path, method)`, ordered by path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct OperationKey {
    path: String,
    method: &'static str,
}

impl OperationKey {
    /// `POST /v1/charges`.
    fn label(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }

    fn pointer(&self) -> String {
        format!(
            "#/paths/{}/{}",
            escape_pointer_token(&self.path),
            self.method
        )
    }

    fn location(&self) -> Location {
        Location {
            operation: Some(self.label()),
            pointer: self.pointer(),
            rust: None,
        }
    }
}

/// An operation with the path-level parameters it inherits.
struct Op<'a> {
    operation: &'a Operation,
    path_parameters: &'a [ReferenceOr<Parameter>],
}

/// A parameter's schema and whether it is required.
struct ParameterView<'a> {
    required: bool,
    schema: Option<&'a ReferenceOr<Schema>>,
}

impl<'a> Op<'a> {
    fn id(&self) -> &str {
        self.operation
            .operation_id
            .as_deref()
            .unwrap_or("(no operationId)")
    }

    /// Parameters by `(in, name)`, with their index for the pointer.
    /// Operation-level parameters override path-level ones.
    fn parameters(&self) -> BTreeMap<(&'static str, String), (usize, ParameterView<'a>)> {
        let mut out = BTreeMap::new();
        let all = self
            .path_parameters
            .iter()
            .chain(&self.operation.parameters);
        let operation_start = self.path_parameters.len();
        for (i, parameter) in all.enumerate() {
            let ReferenceOr::Item(parameter) = parameter else {
                continue;
            };
            let place = match parameter {
                Parameter::Query { .. } => "query",
                Parameter::Path { .. } => "path",
                Parameter::Header { .. } => "header",
                Parameter::Cookie { .. } => "cookie",
            };
            let data = parameter.parameter_data_ref();
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => Some(schema),
                ParameterSchemaOrContent::Content(_) => None,
            };
            let index = i.checked_sub(operation_start).unwrap_or(i);
            out.insert(
                (place, data.name.clone()),
                (
                    index,
                    ParameterView {
                        required: data.required,
                        schema,
                    },
                ),
            );
        }
        out
    }

    /// The request body's content type and schema (the first content type).
    fn body(&self) -> Option<(&'a str, &'a ReferenceOr<Schema>)> {
        let ReferenceOr::Item(body) = self.operation.request_body.as_ref()? else {
            return None;
        };
        body.content
            .iter()
            .find_map(|(content_type, media)| Some((content_type.as_str(), media.schema.as_ref()?)))
    }

    /// JSON response schemas by status code.
    fn responses(&self) -> BTreeMap<String, &'a ReferenceOr<Schema>> {
        let mut out = BTreeMap::new();
        let responses = &self.operation.responses;
        let statuses = responses
            .responses
            .iter()
            .map(|(status, r)| (status.to_string(), r));
        for (status, response) in
            statuses.chain(responses.default.iter().map(|r| ("default".to_owned(), r)))
        {
            let ReferenceOr::Item(response) = response else {
                continue;
            };
            if let Some(schema) = response
                .content
                .get("application/json")
                .and_then(|m| m.schema.as_ref())
            {
                out.insert(status, schema);
            }
        }
        out
    }
}

fn operations(spec: &Spec) -> BTreeMap<OperationKey, Op<'_>> {
    let mut out = BTreeMap::new();
    for (path, item) in &spec.openapi.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, operation) in item.iter() {
            let method = match method {
                "get" => "get",
                "put" => "put",
                "post" => "post",
                "delete" => "delete",
                "options" => "options",
                "head" => "head",
                "patch" => "patch",
                _ => "trace",
            };
            out.insert(
                OperationKey {
                    path: path.clone(),
                    method,
                },
                Op {
                    operation,
                    path_parameters: &item.parameters,
                },
            );
        }
    }
    out
}

/// Which side each component schema is used on, following `$ref`s from the
/// operations' parameters and bodies (request) and responses (response).
/// A component reached from neither (an event payload) counts as a response.
fn component_sides(spec: &Spec) -> BTreeMap<&str, Side> {
    let schemas = spec.schemas();
    let mut request = BTreeSet::new();
    let mut response = BTreeSet::new();
    for op in operations(spec).values() {
        for (_, (_, parameter)) in op.parameters() {
            if let Some(schema) = parameter.schema {
                collect_refs(node(schema), schemas, &mut request);
            }
        }
        if let Some((_, schema)) = op.body() {
            collect_refs(node(schema), schemas, &mut request);
        }
        for schema in op.responses().values() {
            collect_refs(node(schema), schemas, &mut response);
        }
    }
    let mut sides = BTreeMap::new();
    for name in schemas.keys() {
        let side = match (
            request.contains(name.as_str()),
            response.contains(name.as_str()),
        ) {
            (true, true) => Side::Both,
            (true, false) => Side::Request,
            _ => Side::Response,
        };
        sides.insert(name.as_str(), side);
    }
    sides
}

/// Adds every component reachable from `start` to `seen`.
fn collect_refs<'a>(
    start: Node<'a>,
    schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
    seen: &mut BTreeSet<&'a str>,
) {
    let mut stack = vec![start];
    while let Some(current) = stack.pop() {
        match current {
            Node::Ref(name) => {
                if let Some((key, schema)) = schemas.get_key_value(name) {
                    if seen.insert(key.as_str()) {
                        stack.push(node(schema));
                    }
                }
            }
            Node::Inline(schema) => match &schema.schema_kind {
                SchemaKind::Type(Type::Object(object)) => {
                    stack.extend(object.properties.values().map(node));
                    if let Some(openapiv3::AdditionalProperties::Schema(extra)) =
                        &object.additional_properties
                    {
                        stack.push(node(extra));
                    }
                }
                SchemaKind::Type(Type::Array(array)) => stack.extend(array.items.iter().map(node)),
                SchemaKind::AnyOf { any_of: list }
                | SchemaKind::OneOf { one_of: list }
                | SchemaKind::AllOf { all_of: list } => stack.extend(list.iter().map(node)),
                SchemaKind::Any(any) => {
                    stack.extend(any.properties.values().map(node));
                    stack.extend(any.items.iter().map(node));
                    stack.extend(
                        any.any_of
                            .iter()
                            .chain(&any.one_of)
                            .chain(&any.all_of)
                            .map(node),
                    );
                }
                _ => {}
            },
        }
    }
}
