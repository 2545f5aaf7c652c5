//! Checks a request's parameters against the OpenAPI schema of its
//! operation, and words each failure the way Stripe does: form and query
//! parameters as a tree of text ([`Node`]), v2's JSON bodies as JSON, where
//! a value's type is its own.
//!
//! The parameters of an operation are its `in: query` parameters plus the
//! properties of its form (or multipart) request body: Stripe's spec puts the
//! parameters of GET in `parameters` and those of POST and DELETE in the
//! body, while clients send DELETE parameters in the query string.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema,
    SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use crate::form::Node;

/// Why a request's parameters are refused: a 400 `invalid_request_error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The parameter in deepObject form, e.g. `address[line1]` or `items[0][price]`.
    pub param: String,
    pub message: String,
    /// Stripe's error code, where Stripe has one for this failure.
    pub code: Option<&'static str>,
}

impl Invalid {
    fn new(param: &str, message: String) -> Invalid {
        Invalid {
            param: param.to_owned(),
            message,
            code: None,
        }
    }

    fn with_code(mut self, code: &'static str) -> Invalid {
        self.code = Some(code);
        self
    }
}

/// What a set of fields allows besides its declared properties.
#[derive(Clone, Copy)]
enum Extra<'a> {
    /// `additionalProperties: false`, or properties declared without it.
    Forbidden,
    /// An object with no declared properties, or `additionalProperties: true`.
    Any,
    /// `additionalProperties: {schema}`, e.g. `metadata`.
    Schema(&'a Schema),
}

/// The named fields of an object schema, or of an operation's parameters.
struct Fields<'a> {
    properties: Vec<(&'a str, &'a Schema)>,
    required: Vec<&'a str>,
    extra: Extra<'a>,
}

impl<'a> Fields<'a> {
    fn get(&self, name: &str) -> Option<&'a Schema> {
        self.properties
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, schema)| *schema)
    }
}

/// Resolves `$ref`s against the component schemas.
pub struct Validator<'a> {
    pub schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
}

/// Matches anything: what an unresolvable `$ref` validates against.
static ANY: std::sync::LazyLock<Schema> = std::sync::LazyLock::new(|| Schema {
    schema_data: Default::default(),
    schema_kind: SchemaKind::Any(Default::default()),
});

impl<'a> Validator<'a> {
    /// Checks `params` (the request's parameters by name, query and body
    /// together) against `operation`. Unknown names are reported first, in
    /// the order sent, then missing required parameters.
    pub fn check_operation(
        &self,
        operation: &'a Operation,
        params: &[(String, Node)],
    ) -> Result<(), Invalid> {
        let fields = self.operation_fields(operation);
        self.check_fields(&fields, params, None)
    }

    /// Checks a JSON body (v2) against `operation`'s body schema: every
    /// field declared (or allowed by `additionalProperties`), of its type,
    /// the required ones present, `null` only where the schema allows it.
    pub fn check_json_body(
        &self,
        operation: &'a Operation,
        body: &serde_json::Value,
    ) -> Result<(), Invalid> {
        let schema = operation
            .request_body
            .as_ref()
            .and_then(ReferenceOr::as_item)
            .and_then(|body| body.content.get("application/json"))
            .and_then(|media| media.schema.as_ref());
        match schema {
            Some(schema) => self.check_json(self.resolve(schema), body, ""),
            // No parameters: an empty object is the only body.
            None if body.as_object().is_some_and(serde_json::Map::is_empty) => Ok(()),
            None => Err(
                Invalid::new("", "This endpoint takes no parameters.".to_owned())
                    .with_code("invalid_fields"),
            ),
        }
    }

    fn check_json(
        &self,
        schema: &'a Schema,
        value: &serde_json::Value,
        param: &str,
    ) -> Result<(), Invalid> {
        use serde_json::Value;
        let invalid =
            |message: String| Err(Invalid::new(param, message).with_code("invalid_fields"));
        if value.is_null() {
            return match schema.schema_data.nullable {
                true => Ok(()),
                false => invalid(format!("`{}` cannot be null.", shown(param))),
            };
        }
        match (&schema.schema_kind, value) {
            (SchemaKind::AnyOf { any_of: members } | SchemaKind::OneOf { one_of: members }, _) => {
                let mut first = None;
                for member in members {
                    match self.check_json(self.resolve(member), value, param) {
                        Ok(()) => return Ok(()),
                        Err(error) => {
                            first.get_or_insert(error);
                        }
                    }
                }
                first.map_or(Ok(()), Err)
            }
            (SchemaKind::Type(Type::Object(_)), Value::Object(map)) => {
                let fields = self.object_fields(schema);
                for (key, value) in map {
                    let child = join(param, key);
                    let field = match (fields.get(key), fields.extra) {
                        (Some(field), _) | (None, Extra::Schema(field)) => field,
                        (None, Extra::Any) => continue,
                        (None, Extra::Forbidden) => {
                            return Err(Invalid::new(&child, format!("Unknown field `{child}`."))
                                .with_code("invalid_fields"))
                        }
                    };
                    self.check_json(field, value, &child)?;
                }
                match fields
                    .required
                    .iter()
                    .find(|name| !map.contains_key(**name))
                {
                    Some(missing) => {
                        let child = join(param, missing);
                        Err(
                            Invalid::new(&child, format!("Missing required field `{child}`."))
                                .with_code("invalid_fields"),
                        )
                    }
                    None => Ok(()),
                }
            }
            (SchemaKind::Type(Type::Array(array)), Value::Array(items)) => {
                for (index, item) in items.iter().enumerate() {
                    if let Some(schema) = &array.items {
                        self.check_json(
                            self.resolve_boxed(schema),
                            item,
                            &format!("{param}[{index}]"),
                        )?;
                    }
                }
                Ok(())
            }
            (SchemaKind::Type(Type::String(string)), Value::String(text)) => {
                let listed: Vec<&str> = string
                    .enumeration
                    .iter()
                    .flatten()
                    .map(String::as_str)
                    .collect();
                if !listed.is_empty()
                    && !listed.contains(&text.as_str())
                    && !bypasses_validation(schema)
                {
                    return invalid(format!(
                        "`{}` must be one of {}.",
                        shown(param),
                        one_of_list(&listed)
                    ));
                }
                match &string.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime)
                        if stripe_core::DateTime::parse(text).is_err() =>
                    {
                        invalid(format!(
                            "`{}` must be an RFC 3339 date-time, not `{}`.",
                            shown(param),
                            shorten(text)
                        ))
                    }
                    VariantOrUnknownOrEmpty::Unknown(format)
                        if format == "int64" && text.parse::<i64>().is_err() =>
                    {
                        invalid(format!(
                            "`{}` must be a 64-bit integer as a string.",
                            shown(param)
                        ))
                    }
                    VariantOrUnknownOrEmpty::Unknown(format)
                        if format == "decimal"
                            && stripe_core::Decimal::from_str_exact(text).is_err() =>
                    {
                        invalid(format!("`{}` must be a decimal string.", shown(param)))
                    }
                    _ => Ok(()),
                }
            }
            (SchemaKind::Type(Type::Integer(_)), Value::Number(number))
                if number.is_i64() || number.is_u64() =>
            {
                Ok(())
            }
            (SchemaKind::Type(Type::Number(_)), Value::Number(_)) => Ok(()),
            (SchemaKind::Type(Type::Boolean(_)), Value::Bool(_)) => Ok(()),
            (SchemaKind::Type(scalar), _) => invalid(format!(
                "`{}` must be {}, not {}.",
                shown(param),
                json_kind(scalar),
                json_kind_of(value)
            )),
            // `{}`, allOf and not: Stripe's request schemas do not use them.
            (SchemaKind::AllOf { .. } | SchemaKind::Not { .. } | SchemaKind::Any(_), _) => Ok(()),
        }
    }

    fn operation_fields(&self, operation: &'a Operation) -> Fields<'a> {
        let mut fields = Fields {
            properties: Vec::new(),
            required: Vec::new(),
            extra: Extra::Forbidden,
        };
        for parameter in &operation.parameters {
            let ReferenceOr::Item(Parameter::Query { parameter_data, .. }) = parameter else {
                continue;
            };
            let ParameterSchemaOrContent::Schema(schema) = &parameter_data.format else {
                continue;
            };
            fields
                .properties
                .push((&parameter_data.name, self.resolve(schema)));
            if parameter_data.required {
                fields.required.push(&parameter_data.name);
            }
        }
        let body = operation
            .request_body
            .as_ref()
            .and_then(ReferenceOr::as_item);
        // A JSON body is checked as JSON (`check_json_body`).
        let media = body
            .and_then(|body| body.content.iter().next())
            .filter(|(content_type, _)| *content_type != "application/json")
            .map(|(_, media)| media);
        if let Some(schema) = media.and_then(|media| media.schema.as_ref()) {
            let body_fields = self.object_fields(self.resolve(schema));
            fields.properties.extend(body_fields.properties);
            fields.required.extend(body_fields.required);
        }
        fields
    }

    fn object_fields(&self, schema: &'a Schema) -> Fields<'a> {
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            return Fields {
                properties: Vec::new(),
                required: Vec::new(),
                extra: Extra::Any,
            };
        };
        let extra = match &object.additional_properties {
            Some(AdditionalProperties::Any(true)) => Extra::Any,
            Some(AdditionalProperties::Any(false)) => Extra::Forbidden,
            Some(AdditionalProperties::Schema(schema)) => Extra::Schema(self.resolve(schema)),
            None if object.properties.is_empty() => Extra::Any,
            None => Extra::Forbidden,
        };
        Fields {
            properties: object
                .properties
                .iter()
                .map(|(name, schema)| (name.as_str(), self.resolve_boxed(schema)))
                .collect(),
            required: object.required.iter().map(String::as_str).collect(),
            extra,
        }
    }

    pub(crate) fn resolve(&self, schema: &'a ReferenceOr<Schema>) -> &'a Schema {
        match schema {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => self.component(reference),
        }
    }

    pub(crate) fn resolve_boxed(&self, schema: &'a ReferenceOr<Box<Schema>>) -> &'a Schema {
        match schema {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => self.component(reference),
        }
    }

    fn component(&self, reference: &str) -> &'a Schema {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or(reference);
        match self.schemas.get(name) {
            Some(ReferenceOr::Item(schema)) => schema,
            // Stripe's documents have no $ref to a $ref; accept anything
            // rather than refuse a request the spec cannot describe.
            _ => &ANY,
        }
    }

    fn check_fields(
        &self,
        fields: &Fields<'a>,
        entries: &[(String, Node)],
        prefix: Option<&str>,
    ) -> Result<(), Invalid> {
        let name_of = |key: &str| match prefix {
            Some(prefix) => format!("{prefix}[{key}]"),
            None => key.to_owned(),
        };
        for (key, node) in entries {
            let param = name_of(key);
            let schema = match (fields.get(key), fields.extra) {
                (Some(schema), _) => schema,
                // An empty value deletes a key of a map of strings
                // (`metadata[order]=`), as Stripe's SDKs send it.
                (None, Extra::Schema(schema)) if deletes_key(schema, node) => continue,
                (None, Extra::Schema(schema)) => schema,
                (None, Extra::Any) => continue,
                (None, Extra::Forbidden) => {
                    return Err(Invalid::new(
                        &param,
                        format!("Received unknown parameter: {param}"),
                    )
                    .with_code("parameter_unknown"));
                }
            };
            self.check(schema, node, &param)?;
        }
        for required in &fields.required {
            if !entries.iter().any(|(key, _)| key == required) {
                let param = name_of(required);
                return Err(
                    Invalid::new(&param, format!("Missing required param: {param}."))
                        .with_code("parameter_missing"),
                );
            }
        }
        Ok(())
    }

    /// Checks one value against its schema; `param` names it in errors.
    fn check(&self, schema: &'a Schema, node: &Node, param: &str) -> Result<(), Invalid> {
        match &schema.schema_kind {
            SchemaKind::AnyOf { any_of } | SchemaKind::OneOf { one_of: any_of } => {
                self.check_any_of(any_of, node, param)
            }
            SchemaKind::Type(Type::Object(_)) => match node {
                Node::Map(entries) => {
                    self.check_fields(&self.object_fields(schema), entries, Some(param))
                }
                Node::Value(value) => Err(scalar_for_hash(param, value, "object")),
            },
            SchemaKind::Type(Type::Array(array)) => match node {
                Node::Map(entries) => {
                    let items = array.items.as_ref().map(|items| self.resolve_boxed(items));
                    for (index, item) in entries {
                        let item_param = format!("{param}[{index}]");
                        if index.parse::<usize>().is_err() {
                            return Err(Invalid::new(
                                &item_param,
                                format!("Invalid array: {param} takes indexes (`{param}[0]`), not `{item_param}`"),
                            ));
                        }
                        if let Some(items) = items {
                            self.check(items, item, &item_param)?;
                        }
                    }
                    Ok(())
                }
                Node::Value(value) => Err(scalar_for_hash(param, value, "array")),
            },
            SchemaKind::Type(scalar) => {
                let Node::Value(value) = node else {
                    return Err(Invalid::new(
                        param,
                        format!(
                            "Invalid {}: {param} must be a single value, not a hash",
                            scalar_name(scalar)
                        ),
                    ));
                };
                check_scalar(scalar, schema, value, param)
            }
            // `{}`, allOf and not: Stripe's request schemas do not use them.
            SchemaKind::AllOf { .. } | SchemaKind::Not { .. } | SchemaKind::Any(_) => Ok(()),
        }
    }

    /// Valid when one variant accepts the value. Otherwise the error is that
    /// of the first variant of the value's shape (a hash for an object or an
    /// array, a single value for a scalar), which is the one the caller meant.
    fn check_any_of(
        &self,
        variants: &'a [ReferenceOr<Schema>],
        node: &Node,
        param: &str,
    ) -> Result<(), Invalid> {
        let mut first_error = None;
        let mut shaped_error = None;
        for variant in variants {
            let variant = self.resolve(variant);
            match self.check(variant, node, param) {
                Ok(()) => return Ok(()),
                Err(error) => {
                    if shaped_error.is_none() && self.fits_shape(variant, node) {
                        shaped_error = Some(error.clone());
                    }
                    first_error.get_or_insert(error);
                }
            }
        }
        match shaped_error.or(first_error) {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    fn fits_shape(&self, schema: &'a Schema, node: &Node) -> bool {
        let hash = matches!(node, Node::Map(_));
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(_) | Type::Array(_)) => hash,
            SchemaKind::Type(_) => !hash,
            SchemaKind::AnyOf { any_of } | SchemaKind::OneOf { one_of: any_of } => any_of
                .iter()
                .any(|variant| self.fits_shape(self.resolve(variant), node)),
            _ => true,
        }
    }
}

/// Whether `node` is `""` for a key of a map whose values are strings.
fn deletes_key(values: &Schema, node: &Node) -> bool {
    matches!(node, Node::Value(value) if value.is_empty())
        && matches!(values.schema_kind, SchemaKind::Type(Type::String(_)))
}

/// `a[b]`, or `b` at the top.
fn join(param: &str, key: &str) -> String {
    match param {
        "" => key.to_owned(),
        _ => format!("{param}[{key}]"),
    }
}

/// A parameter as a message names it (the body itself when empty).
fn shown(param: &str) -> &str {
    match param {
        "" => "the body",
        param => param,
    }
}

/// What a JSON value of a schema type is, for messages.
fn json_kind(scalar: &Type) -> &'static str {
    match scalar {
        Type::String(_) => "a string",
        Type::Number(_) => "a number",
        Type::Integer(_) => "an integer",
        Type::Boolean(_) => "a boolean",
        Type::Object(_) => "an object",
        Type::Array(_) => "an array",
    }
}

fn json_kind_of(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn scalar_for_hash(param: &str, value: &str, kind: &str) -> Invalid {
    if value.is_empty() {
        return invalid_empty(param);
    }
    Invalid::new(
        param,
        format!("Invalid {kind}: {param} must be a hash (`{param}[...]=...`), not a single value"),
    )
}

/// Stripe's answer to `""` for a parameter whose schema does not list `""`.
fn invalid_empty(param: &str) -> Invalid {
    Invalid::new(
        param,
        format!(
            "You passed an empty string for '{param}'. We assume empty values are an attempt to unset a parameter; \
             however '{param}' cannot be unset. You should remove '{param}' from your request or supply a non-empty value."
        ),
    )
    .with_code("parameter_invalid_empty")
}

fn scalar_name(scalar: &Type) -> &'static str {
    match scalar {
        Type::String(_) => "string",
        Type::Number(_) => "number",
        Type::Integer(_) => "integer",
        Type::Boolean(_) => "boolean",
        Type::Object(_) => "object",
        Type::Array(_) => "array",
    }
}

/// Whether Stripe may accept values outside the schema's `enum`.
fn bypasses_validation(schema: &Schema) -> bool {
    schema
        .schema_data
        .extensions
        .get("x-stripeBypassValidation")
        == Some(&serde_json::Value::Bool(true))
}

fn check_scalar(scalar: &Type, schema: &Schema, value: &str, param: &str) -> Result<(), Invalid> {
    let listed_empty = matches!(scalar, Type::String(string) if string.enumeration.iter().any(|v| v.as_deref() == Some("")));
    if value.is_empty() && !listed_empty {
        return Err(invalid_empty(param));
    }
    match scalar {
        Type::String(string) => {
            if !string.enumeration.is_empty() && !bypasses_validation(schema) {
                let allowed: Vec<&str> = string
                    .enumeration
                    .iter()
                    .flatten()
                    .map(String::as_str)
                    .collect();
                if !allowed.contains(&value) {
                    return Err(Invalid::new(
                        param,
                        format!("Invalid {param}: must be one of {}", one_of_list(&allowed)),
                    ));
                }
            }
            let binary = matches!(
                &string.format,
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
            );
            if let Some(max) = string.max_length.filter(|_| !binary) {
                if value.chars().count() > max {
                    return Err(Invalid::new(
                        param,
                        format!(
                            "Invalid string: {}; must be at most {max} characters",
                            shorten(value)
                        ),
                    ));
                }
            }
            if matches!(&string.format, VariantOrUnknownOrEmpty::Unknown(format) if format == "decimal")
                && !value.parse::<f64>().is_ok_and(f64::is_finite)
            {
                return Err(Invalid::new(param, format!("Invalid decimal: {value}")));
            }
            Ok(())
        }
        Type::Integer(_) => match value.parse::<i64>() {
            Ok(_) => Ok(()),
            Err(_) => Err(Invalid::new(param, format!("Invalid integer: {value}"))
                .with_code("parameter_invalid_integer")),
        },
        Type::Number(_) => match value.parse::<f64>() {
            Ok(number) if number.is_finite() => Ok(()),
            _ => Err(Invalid::new(param, format!("Invalid number: {value}"))),
        },
        Type::Boolean(_) => match value {
            "true" | "false" => Ok(()),
            _ => Err(Invalid::new(param, format!("Invalid boolean: {value}"))),
        },
        Type::Object(_) | Type::Array(_) => unreachable!("handled by Validator::check"),
    }
}

/// `a`, `a or b`, `a, b, or c`, as Stripe lists allowed values.
fn one_of_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        [init @ .., last] => format!("{}, or {last}", init.join(", ")),
    }
}

fn shorten(value: &str) -> String {
    const SHOWN: usize = 50;
    if value.chars().count() <= SHOWN {
        value.to_owned()
    } else {
        format!("{}...", value.chars().take(SHOWN).collect::<String>())
    }
}
