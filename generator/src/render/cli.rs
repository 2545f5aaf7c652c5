//! The table the `stripe` command line (`cli/`) runs from: every operation
//! with its command words, method, path, path parameters and the shape of its
//! parameters, as static data. The CLI has no code per operation and does
//! not depend on the generated types, so it stays cheap to build; the Rust
//! names in the table are only what `--print rust` writes.
//!
//! Parameter types are shared: each request struct, enum and union is one
//! entry of `OBJECTS`, `ENUMS` or `UNIONS`, referred to by index.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::{Error, Result};
use crate::model::{
    layout, BodyKind, Bounds, Field, Model, Operation, Pagination, TypeId, TypeKind, TypeRef,
};
use crate::render::docs::doc_text;

/// The items of the table file: `API_VERSION`, `OPERATIONS`, `OBJECTS`,
/// `ENUMS`, `UNIONS`, `ID_PREFIXES`.
pub fn command_table(model: &Model) -> Result<TokenStream> {
    let mut shapes = Shapes::new(model);
    let operations = model
        .operations
        .iter()
        .map(|operation| shapes.operation(operation))
        .collect::<Result<Vec<_>>>()?;
    let api_version = &model.api_version;
    let (objects, enums, unions) = shapes.finish();
    let id_prefixes = model
        .retrieve_by_id_prefix
        .iter()
        .map(|(prefix, index)| quote!((#prefix, #index)));
    Ok(quote! {
        // A spec without parameters, enums or unions uses some of these not.
        #[allow(unused_imports)]
        use crate::table::{Body, Bounds, Enum, Field, Method, Object, Operation, Pagination, Ty, Union};

        /// The API version the table was made from, sent as `Stripe-Version`.
        pub static API_VERSION: &str = #api_version;
        /// Every operation of the spec, in spec order.
        pub static OPERATIONS: &[Operation] = &[#(#operations),*];
        /// Request objects (params structs and their nested objects).
        pub static OBJECTS: &[Object] = &[#(#objects),*];
        pub static ENUMS: &[Enum] = &[#(#enums),*];
        /// Parameters that are one of several objects.
        pub static UNIONS: &[Union] = &[#(#unions),*];
        /// Id prefix -> the operation (an index into `OPERATIONS`) that
        /// retrieves what such an id names: `stripe get cus_123`.
        pub static ID_PREFIXES: &[(&str, usize)] = &[#(#id_prefixes),*];
    })
}

/// Where a named request type went in the table.
#[derive(Clone)]
enum Shape {
    Object(usize),
    Enum(usize),
    Union(usize),
    /// An alias is written as what it stands for.
    Inline(TokenStream),
}

impl Shape {
    fn tokens(&self) -> TokenStream {
        match self {
            Shape::Object(index) => quote!(Ty::Object(#index)),
            Shape::Enum(index) => quote!(Ty::Enum(#index)),
            Shape::Union(index) => quote!(Ty::Union(#index)),
            Shape::Inline(tokens) => tokens.clone(),
        }
    }
}

/// Collects each named request type once, in the order operations reach it.
struct Shapes<'m> {
    model: &'m Model,
    /// Slots are reserved before a struct's fields are visited, so a type
    /// that contains itself refers to its own index.
    objects: Vec<Option<TokenStream>>,
    enums: Vec<TokenStream>,
    unions: Vec<Option<TokenStream>>,
    seen: BTreeMap<TypeId, Shape>,
}

impl<'m> Shapes<'m> {
    fn new(model: &'m Model) -> Self {
        Shapes {
            model,
            objects: Vec::new(),
            enums: Vec::new(),
            unions: Vec::new(),
            seen: BTreeMap::new(),
        }
    }

    fn finish(self) -> (Vec<TokenStream>, Vec<TokenStream>, Vec<TokenStream>) {
        let filled = |entries: Vec<Option<TokenStream>>| entries.into_iter().flatten().collect();
        (filled(self.objects), self.enums, filled(self.unions))
    }

    fn operation(&mut self, operation: &Operation) -> Result<TokenStream> {
        let words = &operation.cli.command;
        let spelled = |all: &[Vec<String>]| {
            let each = all.iter().map(|words| quote!(&[#(#words),*]));
            quote!(&[#(#each),*])
        };
        let also = spelled(&operation.cli.also);
        let aliases = spelled(&operation.cli.aliases);
        let method = match operation.method.as_str() {
            "GET" => quote!(Method::Get),
            "DELETE" => quote!(Method::Delete),
            _ => quote!(Method::Post),
        };
        let path = &operation.path;
        let path_params = operation.path_params.iter().map(|p| &p.wire_name);
        let params = match self
            .named(operation.params)
            .map_err(|e| Error::at(&operation.pointer, e.message))?
        {
            Shape::Object(index) => index,
            _ => {
                return Err(Error::at(
                    &operation.pointer,
                    "the params type is not an object",
                ))
            }
        };
        let body = match operation.body {
            BodyKind::None => quote!(Body::None),
            BodyKind::Query => quote!(Body::Query),
            BodyKind::Form => quote!(Body::Form),
            BodyKind::Json => quote!(Body::Json),
            BodyKind::Multipart => quote!(Body::Multipart),
        };
        let pagination = match operation.pagination {
            Pagination::None => quote!(Pagination::None),
            Pagination::List => quote!(Pagination::List),
            Pagination::Search => quote!(Pagination::Search),
            Pagination::V2List => quote!(Pagination::V2List),
        };
        let server = match &operation.server {
            Some(server) => quote!(Some(#server)),
            None => quote!(None),
        };
        let api_version = &operation.api_version;
        let summary = operation.summary.as_deref().unwrap_or_default();
        let description = operation.doc.as_deref().map(doc_text).unwrap_or_default();
        let rust = format!(
            "{}::{}",
            public_path(self.model, operation.group),
            operation.rust_name
        );
        let deprecated = operation.deprecated;
        Ok(quote! {
            Operation {
                command: &[#(#words),*],
                also: #also,
                aliases: #aliases,
                method: #method,
                path: #path,
                path_params: &[#(#path_params),*],
                params: #params,
                body: #body,
                pagination: #pagination,
                server: #server,
                api_version: #api_version,
                summary: #summary,
                description: #description,
                rust: #rust,
                deprecated: #deprecated,
            }
        })
    }

    fn ty(&mut self, ty: &TypeRef) -> Result<TokenStream> {
        Ok(match ty {
            TypeRef::String | TypeRef::Id(_) | TypeRef::ObjectName => quote!(Ty::String),
            TypeRef::Integer => quote!(Ty::Integer),
            TypeRef::Number => quote!(Ty::Number),
            TypeRef::Boolean => quote!(Ty::Boolean),
            TypeRef::Timestamp => quote!(Ty::Timestamp),
            TypeRef::DateTime => quote!(Ty::DateTime),
            TypeRef::Decimal => quote!(Ty::Decimal),
            TypeRef::Int64String => quote!(Ty::Int64String),
            TypeRef::Binary => quote!(Ty::Binary),
            TypeRef::Json => quote!(Ty::Json),
            TypeRef::Named(id) => self.named(*id)?.tokens(),
            TypeRef::List(item) => {
                let item = self.ty(item)?;
                quote!(Ty::List(&#item))
            }
            TypeRef::Map(value) => {
                let value = self.ty(value)?;
                quote!(Ty::Map(&#value))
            }
            TypeRef::Unsettable(inner) => {
                let inner = self.ty(inner)?;
                quote!(Ty::Unsettable(&#inner))
            }
            TypeRef::Expandable(_)
            | TypeRef::ApiList(_)
            | TypeRef::SearchList(_)
            | TypeRef::V2List(_)
            | TypeRef::AnyResource
            | TypeRef::RawBody => {
                return Err(Error::new(format!(
                    "{ty:?} is not a request parameter type"
                )))
            }
        })
    }

    fn named(&mut self, id: TypeId) -> Result<Shape> {
        if let Some(shape) = self.seen.get(&id) {
            return Ok(shape.clone());
        }
        let def = self.model.get(id);
        let rust = public_path(self.model, id);
        let shape = match &def.kind {
            TypeKind::Struct(body) => {
                let index = self.objects.len();
                self.objects.push(None);
                self.seen.insert(id, Shape::Object(index));
                let required = body.fields.iter().any(|f| !f.optional());
                let fields = body
                    .fields
                    .iter()
                    .map(|field| self.field(field))
                    .collect::<Result<Vec<_>>>()?;
                let closed = body.closed;
                self.objects[index] = Some(quote! {
                    Object { rust: #rust, has_required: #required, closed: #closed, fields: &[#(#fields),*] }
                });
                return Ok(Shape::Object(index));
            }
            TypeKind::Enum(values) => {
                let wire = values.iter().map(|v| &v.wire);
                let variants = values.iter().map(|v| &v.rust_name);
                let open = self.model.open_enums.contains(&id);
                self.enums.push(quote! {
                    Enum { rust: #rust, values: &[#(#wire),*], variants: &[#(#variants),*], open: #open }
                });
                Shape::Enum(self.enums.len() - 1)
            }
            TypeKind::Union(variants) => {
                let index = self.unions.len();
                self.unions.push(None);
                self.seen.insert(id, Shape::Union(index));
                let names = variants.iter().map(|v| &v.rust_name);
                let members = variants
                    .iter()
                    .map(|v| self.named(v.ty).map(|shape| shape.tokens()))
                    .collect::<Result<Vec<_>>>()?;
                self.unions[index] = Some(quote! {
                    Union { rust: #rust, variants: &[#(#names),*], members: &[#(#members),*] }
                });
                return Ok(Shape::Union(index));
            }
            TypeKind::Alias(target) => Shape::Inline(self.ty(target)?),
            TypeKind::Unit => {
                return Err(Error::new(format!(
                    "{} is not a request type",
                    def.wire_name
                )))
            }
        };
        self.seen.insert(id, shape.clone());
        Ok(shape)
    }

    fn field(&mut self, field: &Field) -> Result<TokenStream> {
        let name = &field.wire_name;
        let rust = &field.rust_name;
        let ty = self.ty(&field.ty)?;
        let required = !field.optional();
        let boxed = field.boxed;
        let doc = field.doc.as_deref().map(doc_text).unwrap_or_default();
        let bounds = bounds(&field.bounds);
        Ok(quote! {
            Field { name: #name, rust: #rust, ty: #ty, required: #required, boxed: #boxed, bounds: #bounds, doc: #doc }
        })
    }
}

fn bounds(bounds: &Bounds) -> TokenStream {
    if bounds.is_none() {
        return quote!(Bounds::NONE);
    }
    let option = |value: Option<TokenStream>| match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    };
    let min_length = option(bounds.min_length.map(|n| quote!(#n)));
    let max_length = option(bounds.max_length.map(|n| quote!(#n)));
    let minimum = option(bounds.minimum.map(|n| quote!(#n)));
    let maximum = option(bounds.maximum.map(|n| quote!(#n)));
    quote! {
        Bounds { min_length: #min_length, max_length: #max_length, minimum: #minimum, maximum: #maximum }
    }
}

/// A type's path below the `stripe` crate: `identity::VerificationSession`,
/// `Customer` (root types are re-exported at the crate root).
fn public_path(model: &Model, id: TypeId) -> String {
    let def = model.get(id);
    match layout::namespace_path(&def.module).as_str() {
        "" => def.rust_name.clone(),
        namespace => format!("{namespace}::{}", def.rust_name),
    }
}
