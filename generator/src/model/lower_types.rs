//! Step 2: lower the merged spec into the model. Resolves `$ref`s, turns each
//! schema construct into a [`TypeRef`] or a new [`TypeDef`], and fails with
//! the JSON pointer of any construct it does not support.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use crate::error::{escape_pointer_token, pointer_in, Error, Result};
use crate::model::shapes;
use crate::model::{
    Bounds, EnumValue, Field, Model, Struct, TypeDef, TypeId, TypeKind, TypeRef, UnionVariant,
    Usage,
};
use crate::naming;
use crate::parse::policy::{FieldPaths, Policy};
use crate::parse::Spec;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

pub(crate) struct Lowerer<'a> {
    pub spec: &'a Spec,
    pub(crate) overrides: &'a Policy,
    /// Overrides applied so far, so that a stale entry is reported.
    used_overrides: BTreeSet<String>,
    pub model: Model,
    /// Unions are shared by every field with the same variants.
    unions: HashMap<Vec<TypeId>, TypeId>,
    /// Inline request types by Rust name: two operations that inline the
    /// same object under the same name share one type.
    inline_requests: HashMap<String, Vec<TypeId>>,
    /// Components that only the `default` (error) responses of operations
    /// name: no type is made of them (see [`shapes::error_shapes`]).
    pub error_shapes: BTreeSet<String>,
}

/// Where an inline type gets its name and wire path from.
#[derive(Clone)]
pub(crate) struct Owner {
    pub rust_name: String,
    pub wire_name: String,
    pub usage: Usage,
    /// A request sent as JSON (a v2 body), where `nullable` means the
    /// value can be sent as `null` to clear it.
    pub json: bool,
}

impl Owner {
    pub fn member(&self, member: &str) -> Owner {
        Owner {
            rust_name: naming::nested_type_name(&self.rust_name, member),
            wire_name: format!("{}.{member}", self.wire_name),
            usage: self.usage,
            json: self.json,
        }
    }

    /// A value that may be `null` in a JSON request is one that can be
    /// cleared: `Unsettable`, so that `None` (leave it) and `null` (clear
    /// it) differ. Elsewhere `nullable` only makes it optional.
    fn clearable(&self, lowered: Lowered) -> Lowered {
        if self.usage == Usage::Request && self.json && lowered.nullable {
            return Lowered {
                ty: TypeRef::Unsettable(Box::new(lowered.ty)),
                nullable: false,
            };
        }
        lowered
    }
}

/// A lowered schema: its type, and whether the schema itself allows null.
pub(crate) struct Lowered {
    pub ty: TypeRef,
    pub nullable: bool,
}

impl<'a> Lowerer<'a> {
    pub fn new(spec: &'a Spec, overrides: &'a Policy) -> Self {
        Lowerer {
            spec,
            overrides,
            used_overrides: BTreeSet::new(),
            model: Model {
                api_version: spec.api_version.clone(),
                ..Default::default()
            },
            unions: HashMap::new(),
            inline_requests: HashMap::new(),
            error_shapes: shapes::error_shapes(spec),
        }
    }

    /// Lowers every component schema. Ids are handed out first so that
    /// references (and cycles) resolve regardless of order.
    pub fn lower_components(&mut self) -> Result<()> {
        let schemas = self.spec.schemas();
        let v2_resources = shapes::v2_resources(self.spec);
        for (name, schema) in schemas {
            if self.error_shapes.contains(name) {
                continue;
            }
            let pointer = format!("{SCHEMA_PREFIX}{}", escape_pointer_token(name));
            let ReferenceOr::Item(schema) = schema else {
                return Err(Error::at(
                    pointer,
                    "a component schema that is only a $ref is not supported",
                ));
            };
            let (namespace, local) = naming::split_namespace(name);
            let resource_id = match resource_id(schema, &pointer)? {
                // v2 schemas carry no `x-resourceId`: a v2 resource is the
                // object its paths return, named by its `object`.
                None if v2_resources.contains(name) => Some(name.clone()),
                id => id,
            };
            let id = self.push(TypeDef {
                wire_name: name.clone(),
                pointer,
                rust_name: naming::component_type_name(namespace, &local),
                module: Vec::new(),
                doc: schema.schema_data.description.clone(),
                resource_id,
                // Replaced below, once every component has an id. Unions need
                // their members' discriminators before that.
                kind: TypeKind::Struct(self.discriminator(schema)),
            });
            self.model.components.insert(name.clone(), id);
        }
        for (name, schema) in schemas {
            let ReferenceOr::Item(schema) = schema else {
                unreachable!("rejected above")
            };
            let Some(&id) = self.model.components.get(name) else {
                continue; // an error shape
            };
            let pointer = self.model.get(id).pointer.clone();
            let owner = Owner {
                rust_name: self.model.get(id).rust_name.clone(),
                wire_name: name.clone(),
                usage: Usage::Response,
                json: false,
            };
            let kind = self.lower_component(schema, &pointer, &owner)?;
            if matches!(kind, TypeKind::Enum(_)) && bypasses_validation(schema) {
                self.model.open_enums.insert(id);
            }
            self.model.types[id.0].kind = kind;
        }
        self.check_union_members()
    }

    /// No member of a union is a string enum. `union_variants` checks as it
    /// goes, but a member defined later in the spec was still a placeholder.
    /// (An object with no properties is a member, held as JSON.)
    fn check_union_members(&self) -> Result<()> {
        for def in &self.model.types {
            let TypeKind::Union(variants) = &def.kind else {
                continue;
            };
            for variant in variants {
                let member = self.model.get(variant.ty);
                if matches!(member.kind, TypeKind::Enum(_)) {
                    return Err(Error::at(
                        &def.pointer,
                        format!("union member {} is not an object", member.wire_name),
                    ));
                }
            }
        }
        Ok(())
    }

    /// A struct with only `object_name` and `deleted` filled in.
    fn discriminator(&self, schema: &Schema) -> Struct {
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            return Struct::default();
        };
        let property = |name: &str| match object.properties.get(name) {
            Some(ReferenceOr::Item(schema)) => Some(&**schema),
            _ => None,
        };
        Struct {
            object_name: property("object")
                .and_then(single_string_enum)
                .map(str::to_owned),
            deleted: object.required.iter().any(|r| r == "deleted")
                && property("deleted").is_some_and(is_true_literal),
            ..Struct::default()
        }
    }

    fn lower_component(
        &mut self,
        schema: &Schema,
        pointer: &str,
        owner: &Owner,
    ) -> Result<TypeKind> {
        check_type_name(schema, pointer)?;
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(_)) | SchemaKind::Any(_) if !is_map_or_json(schema) => {
                self.lower_struct(schema, pointer, owner)
                    .map(TypeKind::Struct)
            }
            // An object with no declared properties is any JSON object.
            SchemaKind::Type(Type::Object(_)) | SchemaKind::Any(_) => {
                Ok(TypeKind::Alias(self.lower_object(schema, pointer, owner)?))
            }
            SchemaKind::AnyOf { any_of } => {
                let variants = self.union_members(any_of, pointer)?;
                Ok(TypeKind::Union(self.union_variants(&variants, pointer)?))
            }
            SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => Ok(
                TypeKind::Enum(enum_values(string.enumeration.iter().flatten())),
            ),
            _ => Err(Error::at(
                pointer,
                "a component schema must be an object, a string enum or an anyOf of $refs",
            )),
        }
    }

    /// The entries of a field list of the overrides (`[optional_fields]`,
    /// `[decimal_fields]`) that named no field while lowering: a mistake,
    /// or the spec moved on.
    pub fn unused_fields(&self, list: &FieldPaths) -> Vec<String> {
        list.fields
            .iter()
            .filter(|f| !self.used_overrides.contains(*f))
            .cloned()
            .collect()
    }

    pub fn push(&mut self, def: TypeDef) -> TypeId {
        self.model.types.push(def);
        TypeId(self.model.types.len() - 1)
    }

    /// Pushes an inline type, unless it is a request type that an earlier
    /// one of the same name defines alike (`features[card_issuing]` of
    /// `update` and `card_issuing` of `update_features` on a financial
    /// account): that one is returned, so they are one Rust type rather than
    /// `X` and `X2`. Children are lowered, and so merged, first, which is
    /// why comparing the definitions as they are suffices. Only the type's
    /// own description may differ.
    fn push_inline(&mut self, def: TypeDef, usage: Usage) -> TypeId {
        if usage != Usage::Request {
            return self.push(def);
        }
        let same = self.inline_requests.get(&def.rust_name).and_then(|ids| {
            ids.iter()
                .copied()
                .find(|id| self.model.get(*id).kind == def.kind)
        });
        if let Some(id) = same {
            // The two descriptions say the same in other words (or one is a
            // bare title): the longer one says more.
            let earlier = &mut self.model.types[id.0];
            if def.doc.as_ref().map_or(0, String::len) > earlier.doc.as_ref().map_or(0, String::len)
            {
                earlier.doc = def.doc;
            }
            return id;
        }
        let name = def.rust_name.clone();
        let id = self.push(def);
        self.inline_requests.entry(name).or_default().push(id);
        id
    }

    pub fn lower_struct(
        &mut self,
        schema: &Schema,
        pointer: &str,
        owner: &Owner,
    ) -> Result<Struct> {
        let (properties, required) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                (Some(&object.properties), object.required.as_slice())
            }
            SchemaKind::Any(any) => (Some(&any.properties), any.required.as_slice()),
            _ => (None, &[][..]),
        };
        let mut fields = Vec::new();
        let mut object_name = None;
        let mut deleted = false;
        for (wire_name, property) in properties.into_iter().flatten() {
            let at = format!("{pointer}/properties/{}", escape_pointer_token(wire_name));
            let property = boxed_ref(property);
            let resolved = self.resolve(&property, &at)?;
            if wire_name == "object" {
                if let Some(value) = single_string_enum(resolved) {
                    object_name = Some(value.to_owned());
                }
            }
            let path = format!("{}.{wire_name}", owner.wire_name);
            let forced_optional = self.overrides.optional_fields.fields.contains(&path);
            if forced_optional {
                self.used_overrides.insert(path.clone());
            }
            let is_required = required.iter().any(|r| r == wire_name) && !forced_optional;
            if wire_name == "deleted" && is_required && is_true_literal(resolved) {
                deleted = true;
            }
            let lowered = if wire_name == "object" && object_name.is_some() {
                // The `object` field names the type itself: a one-value enum
                // adds nothing. A response's is the type's own constant, not
                // stored; a request's stays a string its caller sets.
                let fixed =
                    owner.usage == Usage::Response && is_required && !resolved.schema_data.nullable;
                Lowered {
                    ty: if fixed {
                        TypeRef::ObjectName
                    } else {
                        TypeRef::String
                    },
                    nullable: false,
                }
            } else {
                let member = owner.member(wire_name);
                let mut lowered = self.lower_schema(&property, &at, &member)?;
                lowered.nullable |= resolved.schema_data.nullable;
                if self.overrides.decimal_fields.fields.contains(&path) {
                    lowered.ty = decimal_instead_of(lowered.ty, &at)?;
                    self.used_overrides.insert(path.clone());
                }
                member.clearable(lowered)
            };
            fields.push(Field {
                wire_name: wire_name.clone(),
                rust_name: naming::field_name(wire_name),
                doc: resolved.schema_data.description.clone(),
                ty: lowered.ty,
                required: is_required,
                nullable: lowered.nullable,
                bounds: Bounds::of(resolved),
                boxed: false,
            });
        }
        let mut names: Vec<String> = fields.iter().map(|f| f.rust_name.clone()).collect();
        naming::deduplicate(&mut names);
        for (field, name) in fields.iter_mut().zip(names) {
            field.rust_name = name;
        }
        let extra = (owner.usage == Usage::Response).then(|| {
            let taken: Vec<&str> = fields.iter().map(|f| f.rust_name.as_str()).collect();
            naming::extra_fields_name(&taken)
        });
        Ok(Struct {
            fields,
            object_name,
            deleted,
            usage: owner.usage,
            extra,
            closed: additional_properties_forbidden(schema),
        })
    }

    /// Resolves a `$ref` to the schema it names (one level: Stripe's
    /// components are never bare references).
    pub fn resolve<'s>(&self, schema: &'s ReferenceOr<Schema>, pointer: &str) -> Result<&'s Schema>
    where
        'a: 's,
    {
        let spec: &'a Spec = self.spec;
        match schema {
            ReferenceOr::Item(schema) => Ok(schema),
            ReferenceOr::Reference { reference } => {
                let name = self.component_name(reference, pointer)?;
                match &spec.schemas()[name.as_ref()] {
                    ReferenceOr::Item(schema) => Ok(schema),
                    ReferenceOr::Reference { .. } => Err(Error::at(
                        pointer,
                        format!("{reference} is itself a $ref, which is not supported"),
                    )),
                }
            }
        }
    }

    /// The schema name a `$ref` points at, its JSON pointer escapes (`~1`
    /// for `/`, `~0` for `~`) decoded.
    fn component_name<'r>(&self, reference: &'r str, pointer: &str) -> Result<Cow<'r, str>> {
        let token = reference.strip_prefix(SCHEMA_PREFIX).ok_or_else(|| {
            Error::at(
                pointer,
                format!("$ref {reference} does not point into #/components/schemas"),
            )
        })?;
        let name: Cow<'r, str> = if token.contains('~') {
            token.replace("~1", "/").replace("~0", "~").into()
        } else {
            token.into()
        };
        if self.spec.schemas().contains_key(name.as_ref()) {
            Ok(name)
        } else {
            Err(Error::at(
                pointer,
                format!("dangling $ref: {reference} is not defined"),
            ))
        }
    }

    fn component_id(&self, reference: &str, pointer: &str) -> Result<TypeId> {
        let name = self.component_name(reference, pointer)?;
        self.model.components.get(name.as_ref()).copied().ok_or_else(|| {
            Error::at(
                pointer,
                format!("{reference} is an error shape (only error responses name it elsewhere) and has no type"),
            )
        })
    }

    /// Lowers a schema used as a field, parameter or response.
    pub fn lower_schema(
        &mut self,
        schema: &ReferenceOr<Schema>,
        pointer: &str,
        owner: &Owner,
    ) -> Result<Lowered> {
        let schema = match schema {
            ReferenceOr::Reference { reference } => {
                return Ok(Lowered {
                    ty: TypeRef::Named(self.component_id(reference, pointer)?),
                    nullable: false,
                })
            }
            ReferenceOr::Item(schema) => schema,
        };
        check_type_name(schema, pointer)?;
        let nullable = schema.schema_data.nullable;
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                let values: Vec<&String> = string.enumeration.iter().flatten().collect();
                match &string.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Binary,
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) if values.is_empty() => {
                        TypeRef::DateTime
                    }
                    VariantOrUnknownOrEmpty::Unknown(format) if values.is_empty() => {
                        string_format(format)
                    }
                    _ if values.is_empty() => TypeRef::String,
                    _ => {
                        let ty = self.inline_enum(enum_values(values.into_iter()), pointer, owner);
                        if let (TypeRef::Named(id), true) = (&ty, bypasses_validation(schema)) {
                            self.model.open_enums.insert(*id);
                        }
                        ty
                    }
                }
            }
            SchemaKind::Type(Type::Integer(integer)) => match &integer.format {
                VariantOrUnknownOrEmpty::Unknown(format) if format == "unix-time" => {
                    TypeRef::Timestamp
                }
                _ => TypeRef::Integer,
            },
            SchemaKind::Type(Type::Number(_)) => TypeRef::Number,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Array(array)) => {
                let Some(items) = &array.items else {
                    return Err(Error::at(
                        pointer,
                        "an array without `items` is not supported",
                    ));
                };
                let items = boxed_ref(items);
                let item = self.lower_schema(&items, &format!("{pointer}/items"), owner)?;
                TypeRef::List(Box::new(item.ty))
            }
            SchemaKind::Type(Type::Object(_)) | SchemaKind::Any(_) => {
                self.lower_object(schema, pointer, owner)?
            }
            SchemaKind::AnyOf { any_of } => {
                return self.lower_any_of(schema, any_of, pointer, owner)
            }
            SchemaKind::OneOf { .. } | SchemaKind::AllOf { .. } | SchemaKind::Not { .. } => {
                return Err(Error::at(
                    pointer,
                    "oneOf, allOf and not are not supported here",
                ));
            }
        };
        Ok(Lowered { ty, nullable })
    }

    fn lower_object(&mut self, schema: &Schema, pointer: &str, owner: &Owner) -> Result<TypeRef> {
        if let Some(list) = self.list_object(schema, pointer, owner)? {
            return Ok(list);
        }
        if let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind {
            if object.properties.is_empty() {
                return Ok(match &object.additional_properties {
                    Some(AdditionalProperties::Schema(values)) => {
                        let values = self.lower_schema(
                            values,
                            &format!("{pointer}/additionalProperties"),
                            owner,
                        )?;
                        TypeRef::Map(Box::new(owner.clearable(values).ty))
                    }
                    Some(AdditionalProperties::Any(true)) => TypeRef::Map(Box::new(TypeRef::Json)),
                    _ => TypeRef::Json,
                });
            }
        } else if is_map_or_json(schema) {
            return Ok(TypeRef::Json);
        }
        let body = self.lower_struct(schema, pointer, owner)?;
        let id = self.push_inline(
            TypeDef {
                wire_name: owner.wire_name.clone(),
                pointer: pointer.to_owned(),
                rust_name: owner.rust_name.clone(),
                module: Vec::new(),
                doc: schema
                    .schema_data
                    .description
                    .clone()
                    .or_else(|| schema.schema_data.title.clone()),
                resource_id: None,
                kind: TypeKind::Struct(body),
            },
            owner.usage,
        );
        Ok(TypeRef::Named(id))
    }

    /// `{object: list, data: [...]}` and `{object: search_result, ...}` pages,
    /// and v2's `{data, next_page_url, previous_page_url}`, become the
    /// runtime's generic list types.
    fn list_object(
        &mut self,
        schema: &Schema,
        pointer: &str,
        owner: &Owner,
    ) -> Result<Option<TypeRef>> {
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            return Ok(None);
        };
        let kind = match list_kind(object) {
            Some(kind) => kind,
            None => return Ok(None),
        };
        let Some(data) = object.properties.get("data") else {
            return Ok(None);
        };
        let data = boxed_ref(data);
        let at = format!("{pointer}/properties/data");
        let data = self.lower_schema(&data, &at, &owner.member("item"))?;
        match data.ty {
            TypeRef::List(item) => Ok(Some(kind.of(item))),
            _ => Err(Error::at(
                at,
                "the `data` of a list object must be an array",
            )),
        }
    }

    fn lower_any_of(
        &mut self,
        schema: &Schema,
        any_of: &[ReferenceOr<Schema>],
        pointer: &str,
        owner: &Owner,
    ) -> Result<Lowered> {
        let nullable = schema.schema_data.nullable;
        let expansion = schema.schema_data.extensions.get("x-expansionResources");
        if let Some(expansion) = expansion {
            self.check_expansion_resources(expansion, pointer)?;
        }
        // Only a response has ids to expand; a request sends what it is given.
        let expandable = expansion.is_some() && owner.usage == Usage::Response;
        let branches: Vec<(usize, &ReferenceOr<Schema>)> = any_of.iter().enumerate().collect();
        self.lower_branches(&branches, nullable, expandable, pointer, owner)
    }

    /// `x-expansionResources` is `{oneOf: [{$ref}, ...]}`, each naming a
    /// schema of the spec: what an expandable field can expand to.
    fn check_expansion_resources(
        &self,
        expansion: &serde_json::Value,
        pointer: &str,
    ) -> Result<()> {
        let at = format!("{pointer}/x-expansionResources");
        let refs = expansion
            .get("oneOf")
            .and_then(serde_json::Value::as_array)
            .filter(|refs| !refs.is_empty())
            .ok_or_else(|| {
                Error::at(
                    &at,
                    "x-expansionResources must be {oneOf: [{$ref: ...}, ...]}",
                )
            })?;
        for (i, entry) in refs.iter().enumerate() {
            let at = format!("{at}/oneOf/{i}");
            let reference = entry
                .get("$ref")
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| Error::at(&at, "an expansion resource must be a $ref"))?;
            self.component_name(reference, &at)?;
        }
        Ok(())
    }

    /// Lowers the branches of an `anyOf`, each with its index in the spec.
    fn lower_branches(
        &mut self,
        any_of: &[(usize, &ReferenceOr<Schema>)],
        nullable: bool,
        expandable: bool,
        pointer: &str,
        owner: &Owner,
    ) -> Result<Lowered> {
        let at = |i: usize| format!("{pointer}/anyOf/{i}");

        // `anyOf: [X, {type: string, enum: [""]}]`: X, or "" to unset it.
        let is_unset_marker =
            |s: &ReferenceOr<Schema>| matches!(s, ReferenceOr::Item(s) if is_empty_string_enum(s));
        if any_of.len() >= 2 && any_of.iter().any(|(_, s)| is_unset_marker(s)) {
            let rest: Vec<(usize, &ReferenceOr<Schema>)> = any_of
                .iter()
                .copied()
                .filter(|(_, s)| !is_unset_marker(s))
                .collect();
            let inner = self.lower_branches(&rest, false, expandable, pointer, owner)?;
            return Ok(Lowered {
                ty: TypeRef::Unsettable(Box::new(inner.ty)),
                nullable: nullable || inner.nullable,
            });
        }

        // `anyOf: [$ref]`: how the spec makes a reference nullable.
        if let [(i, only)] = any_of {
            let inner = self.lower_schema(only, &at(*i), owner)?;
            return Ok(Lowered {
                ty: inner.ty,
                nullable: nullable || inner.nullable,
            });
        }

        let is_plain_string = |s: &ReferenceOr<Schema>| matches!(s, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::String(string)), .. }) if string.enumeration.is_empty());
        let all_refs = |items: &[&ReferenceOr<Schema>]| {
            items
                .iter()
                .all(|s| matches!(s, ReferenceOr::Reference { .. }))
        };

        // Expandable: an id string, or one of the objects it expands to.
        if expandable {
            let objects: Vec<&ReferenceOr<Schema>> = any_of
                .iter()
                .map(|(_, s)| *s)
                .filter(|s| !is_plain_string(s))
                .collect();
            if objects.len() + 1 == any_of.len() && all_refs(&objects) && !objects.is_empty() {
                let target = if let [only] = objects.as_slice() {
                    self.lower_schema(only, pointer, owner)?.ty
                } else {
                    let members = self.union_members_from(objects.iter().copied(), pointer)?;
                    TypeRef::Named(self.union(members, pointer, owner)?)
                };
                return Ok(Lowered {
                    ty: TypeRef::Expandable(Box::new(target)),
                    nullable,
                });
            }
        }

        // Polymorphic: one of several objects, told apart by `object`.
        let refs: Vec<&ReferenceOr<Schema>> = any_of.iter().map(|(_, s)| *s).collect();
        if all_refs(&refs) {
            let members = self.union_members_from(refs.into_iter(), pointer)?;
            return Ok(Lowered {
                ty: TypeRef::Named(self.union(members, pointer, owner)?),
                nullable,
            });
        }

        // Request parameters mix shapes freely (`anyOf: [string, object]`,
        // `anyOf: [integer, string]`); those are sent as given.
        if owner.usage == Usage::Request {
            return Ok(Lowered {
                ty: TypeRef::Json,
                nullable,
            });
        }
        Err(Error::at(pointer, "anyOf is supported as [$ref], [string, $ref...] with x-expansionResources, [$ref, $ref...] or [..., enum [\"\"]]"))
    }

    fn union_members(&self, any_of: &[ReferenceOr<Schema>], pointer: &str) -> Result<Vec<TypeId>> {
        self.union_members_from(any_of.iter(), pointer)
    }

    /// The component types of a union, with nested unions flattened.
    fn union_members_from<'s>(
        &self,
        schemas: impl Iterator<Item = &'s ReferenceOr<Schema>>,
        pointer: &str,
    ) -> Result<Vec<TypeId>> {
        let mut members = Vec::new();
        self.flatten_members(schemas, pointer, &mut Vec::new(), &mut members)?;
        members.dedup();
        Ok(members)
    }

    /// Adds the members of `schemas` to `members`; `within` holds the unions
    /// being flattened, so that one that contains itself is an error, not
    /// endless recursion.
    fn flatten_members<'s>(
        &self,
        schemas: impl Iterator<Item = &'s ReferenceOr<Schema>>,
        pointer: &str,
        within: &mut Vec<TypeId>,
        members: &mut Vec<TypeId>,
    ) -> Result<()> {
        for (i, schema) in schemas.enumerate() {
            let at = format!("{pointer}/anyOf/{i}");
            let ReferenceOr::Reference { reference } = schema else {
                return Err(Error::at(at, "a union member must be a $ref"));
            };
            let id = self.component_id(reference, &at)?;
            let ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::AnyOf { any_of },
                ..
            }) = &self.spec.schemas()[self.component_name(reference, &at)?.as_ref()]
            else {
                members.push(id);
                continue;
            };
            if within.contains(&id) {
                return Err(Error::at(
                    at,
                    format!("{reference} is a union that contains itself"),
                ));
            }
            within.push(id);
            let nested_at = self.model.get(id).pointer.clone();
            self.flatten_members(any_of.iter(), &nested_at, within, members)?;
            within.pop();
        }
        Ok(())
    }

    /// The union type over `members`, made once and shared.
    fn union(&mut self, members: Vec<TypeId>, pointer: &str, owner: &Owner) -> Result<TypeId> {
        if let Some(id) = self.unions.get(&members) {
            return Ok(*id);
        }
        let variants = self.union_variants(&members, pointer)?;
        let names: Vec<&str> = members
            .iter()
            .map(|m| self.model.get(*m).rust_name.as_str())
            .collect();
        let rust_name = naming::union_type_name(&owner.rust_name, &names);
        let wire_name = if rust_name == names.join("Or") {
            let wires: Vec<&str> = members
                .iter()
                .map(|m| self.model.get(*m).wire_name.as_str())
                .collect();
            wires.join("|")
        } else {
            owner.wire_name.clone()
        };
        let id = self.push(TypeDef {
            wire_name,
            pointer: pointer.to_owned(),
            rust_name,
            module: Vec::new(),
            doc: None,
            resource_id: None,
            kind: TypeKind::Union(variants),
        });
        self.unions.insert(members, id);
        Ok(id)
    }

    pub fn union_variants(&self, members: &[TypeId], pointer: &str) -> Result<Vec<UnionVariant>> {
        // Members that `object` cannot tell apart are decoded by their fields (see render).
        let mut variants: Vec<UnionVariant> = Vec::new();
        for &member in members {
            let def = self.model.get(member);
            let (object, deleted) = match &def.kind {
                TypeKind::Struct(body) => (body.object_name.clone(), body.deleted),
                _ => {
                    return Err(Error::at(
                        pointer,
                        format!("union member {} is not an object", def.wire_name),
                    ))
                }
            };
            variants.push(UnionVariant {
                ty: member,
                rust_name: naming::union_variant_name(&def.rust_name),
                object,
                deleted,
            });
        }
        let mut names: Vec<String> = variants.iter().map(|v| v.rust_name.clone()).collect();
        naming::deduplicate(&mut names);
        for (variant, name) in variants.iter_mut().zip(names) {
            variant.rust_name = name;
        }
        Ok(variants)
    }

    fn inline_enum(&mut self, values: Vec<EnumValue>, pointer: &str, owner: &Owner) -> TypeRef {
        TypeRef::Named(self.push_inline(
            TypeDef {
                wire_name: owner.wire_name.clone(),
                pointer: pointer.to_owned(),
                rust_name: owner.rust_name.clone(),
                module: Vec::new(),
                doc: None,
                resource_id: None,
                kind: TypeKind::Enum(values),
            },
            owner.usage,
        ))
    }
}

/// The pages Stripe returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListKind {
    /// `object: list`, with `has_more` and cursors.
    Api,
    /// `object: search_result`.
    Search,
    /// v2: `data`, `next_page_url`, `previous_page_url`.
    V2,
}

impl ListKind {
    /// The page of `item`.
    pub fn of(self, item: Box<TypeRef>) -> TypeRef {
        match self {
            ListKind::Api => TypeRef::ApiList(item),
            ListKind::Search => TypeRef::SearchList(item),
            ListKind::V2 => TypeRef::V2List(item),
        }
    }
}

/// The page an object schema is: by its `object` (v1), or, as Stripe's
/// SDKs tell a v2 list, by `data` beside `next_page_url`.
pub(crate) fn list_kind(object: &openapiv3::ObjectType) -> Option<ListKind> {
    let object_value = match object.properties.get("object") {
        Some(ReferenceOr::Item(field)) => single_string_enum(field),
        _ => None,
    };
    match object_value {
        Some("list") => Some(ListKind::Api),
        Some("search_result") => Some(ListKind::Search),
        None if object.properties.contains_key("data")
            && object.properties.contains_key("next_page_url") =>
        {
            Some(ListKind::V2)
        }
        _ => None,
    }
}

/// A string of a format the client reads into a type of its own.
fn string_format(format: &str) -> TypeRef {
    match format {
        "decimal" => TypeRef::Decimal,
        "int64" => TypeRef::Int64String,
        _ => TypeRef::String,
    }
}

/// `x-stripeBypassValidation`: Stripe accepts values beyond the listed ones.
fn bypasses_validation(schema: &Schema) -> bool {
    schema
        .schema_data
        .extensions
        .get("x-stripeBypassValidation")
        .is_some_and(|value| value.as_bool() == Some(true))
}

pub(crate) fn enum_values<'v>(values: impl Iterator<Item = &'v String>) -> Vec<EnumValue> {
    let mut values: Vec<EnumValue> = values
        .map(|wire| EnumValue {
            wire: wire.clone(),
            rust_name: naming::variant_name(wire),
        })
        .collect();
    values.dedup_by(|a, b| a.wire == b.wire);
    let mut names: Vec<String> = values.iter().map(|v| v.rust_name.clone()).collect();
    naming::deduplicate(&mut names);
    for (value, name) in values.iter_mut().zip(names) {
        value.rust_name = name;
    }
    values
}

/// openapiv3 boxes property schemas; the rest of the lowering works on unboxed ones.
pub(crate) fn boxed_ref(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Item(schema) => ReferenceOr::Item((**schema).clone()),
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
    }
}

/// A `[decimal_fields]` entry's type: a string field becomes a decimal.
fn decimal_instead_of(ty: TypeRef, at: &str) -> Result<TypeRef> {
    match ty {
        TypeRef::String | TypeRef::Decimal => Ok(TypeRef::Decimal),
        _ => Err(Error::at(
            at,
            "[decimal_fields] names a field that is not a string",
        )),
    }
}

/// `x-resourceId`, a string when present.
fn resource_id(schema: &Schema, pointer: &str) -> Result<Option<String>> {
    match schema.schema_data.extensions.get("x-resourceId") {
        None => Ok(None),
        Some(serde_json::Value::String(id)) => Ok(Some(id.clone())),
        Some(_) => Err(Error::at(
            pointer_in(pointer, &["x-resourceId"]),
            "x-resourceId must be a string",
        )),
    }
}

pub(crate) fn single_string_enum(schema: &Schema) -> Option<&str> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => match string.enumeration.as_slice() {
            [Some(value)] => Some(value),
            _ => None,
        },
        _ => None,
    }
}

fn is_true_literal(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::Boolean(boolean)) if boolean.enumeration == [Some(true)])
}

fn is_empty_string_enum(schema: &Schema) -> bool {
    single_string_enum(schema) == Some("")
}

/// An object with no declared properties is a map (with additionalProperties)
/// or arbitrary JSON, never a struct.
fn is_map_or_json(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => object.properties.is_empty(),
        SchemaKind::Any(any) => any.properties.is_empty(),
        _ => false,
    }
}

/// A `type` the openapiv3 crate did not recognise (`strin`) leaves the
/// schema untyped, which would become JSON: refuse it instead.
fn check_type_name(schema: &Schema, pointer: &str) -> Result<()> {
    const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];
    match &schema.schema_kind {
        SchemaKind::Any(any) => match any.typ.as_deref() {
            Some(typ) if !TYPES.contains(&typ) => Err(Error::at(
                format!("{pointer}/type"),
                format!("`{typ}` is not an OpenAPI type ({})", TYPES.join(", ")),
            )),
            // openapiv3 reads a typed schema as untyped when a keyword does
            // not fit the type (`minimum` on a string, an enum value out of
            // range): it would become JSON, silently.
            Some(typ) => Err(Error::at(
                pointer,
                format!("a `type: {typ}` schema with keywords or values that do not fit the type"),
            )),
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

/// `additionalProperties: false`: the object takes no field it does not
/// list.
fn additional_properties_forbidden(schema: &Schema) -> bool {
    matches!(
        &schema.schema_kind,
        SchemaKind::Type(Type::Object(object))
            if object.additional_properties == Some(AdditionalProperties::Any(false))
    )
}
