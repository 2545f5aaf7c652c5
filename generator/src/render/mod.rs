//! Step 3: items as tokens. Each model type becomes a Rust item built with
//! `quote!`, with its impls as separate items (so that emit can gate each):
//! definitions here, decoders in [`decode`], encoders in [`encode`],
//! endpoint functions in [`endpoints`], the `Resource` enum in
//! [`resource`], the generated every-endpoint test in [`tests`] and doc
//! comments from [`docs`]. File skeletons are [`crate::emit`]'s.

pub mod cli;
pub mod decode;
pub mod docs;
pub mod encode;
pub mod endpoints;
pub mod ids;
pub mod notifications;
pub mod resource;
pub mod tests;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::model::codecs::Side;
use crate::model::layout;
use crate::model::placement::{crate_of, Split};
use crate::model::{
    has_id, id_field, Field, Model, ModulePath, Struct, TypeDef, TypeId, TypeKind, TypeRef,
    UnionVariant, Usage,
};
use crate::render::docs::doc_text;

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `#[doc = "..."]` attributes for a description, or nothing.
pub fn doc_attrs(description: Option<&str>) -> TokenStream {
    markdown_doc_attrs(&description.map(doc_text).unwrap_or_default())
}

/// `#[doc = "..."]` attributes for doc text already made safe by
/// [`docs`], or nothing.
pub fn markdown_doc_attrs(markdown: &str) -> TokenStream {
    if markdown.is_empty() {
        return TokenStream::new();
    }
    // One attribute per line: prettyplease prints each as `/// line`.
    let lines = markdown.lines().map(|line| format!(" {line}"));
    quote! { #( #[doc = #lines] )* }
}

/// `#[cfg(all(feature = "a", ...))]`, or nothing for no features.
pub fn cfg_features(features: &[&str]) -> TokenStream {
    match features {
        [] => TokenStream::new(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(all(#(feature = #many),*))]),
    }
}

/// Renders types relative to the module (of one crate) they are used in.
pub struct TypeRenderer<'m> {
    pub model: &'m Model,
    pub module: &'m ModulePath,
    pub side: Side,
    /// Which crates the layout has.
    pub split: Split,
}

impl TypeRenderer<'_> {
    /// The path to a named type: bare in its own module, else through the
    /// namespace that re-exports it (`stripe-api`'s modules re-export those
    /// of `stripe-params` of the same name).
    pub fn path(&self, id: TypeId) -> TokenStream {
        let def = self.model.get(id);
        let name = ident(&def.rust_name);
        let side = crate_of(self.model, id, self.split).side();
        if &def.module == self.module && side == self.side {
            return quote!(#name);
        }
        let namespace = layout::namespace(&def.module).iter().map(|m| ident(m));
        quote!(crate::#(#namespace::)*#name)
    }

    pub fn type_ref(&self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::String => quote!(String),
            TypeRef::Integer => quote!(i64),
            TypeRef::Number => quote!(f64),
            TypeRef::Boolean => quote!(bool),
            TypeRef::Timestamp => quote!(stripe_core::Timestamp),
            TypeRef::DateTime => quote!(stripe_core::DateTime),
            TypeRef::Decimal => quote!(stripe_core::Decimal),
            TypeRef::Int64String => quote!(i64),
            TypeRef::Binary => quote!(Vec<u8>),
            TypeRef::Json => quote!(serde_json::Value),
            TypeRef::AnyResource => quote!(crate::Resource),
            TypeRef::RawBody => quote!(stripe_core::Bytes),
            TypeRef::Id(kind) => ids::id_path(self.model, *kind),
            // The type of its `OBJECT` constant; a struct stores no such field.
            TypeRef::ObjectName => quote!(&'static str),
            TypeRef::Named(id) => self.path(*id),
            TypeRef::List(item) => {
                let item = self.type_ref(item);
                quote!(Vec<#item>)
            }
            TypeRef::Map(value) => {
                let value = self.type_ref(value);
                quote!(std::collections::BTreeMap<String, #value>)
            }
            TypeRef::Expandable(target) => {
                let target = self.type_ref(target);
                quote!(stripe_core::Expandable<#target>)
            }
            TypeRef::ApiList(item) => {
                let item = self.type_ref(item);
                quote!(stripe_core::List<#item>)
            }
            TypeRef::SearchList(item) => {
                let item = self.type_ref(item);
                quote!(stripe_core::SearchList<#item>)
            }
            TypeRef::V2List(item) => {
                let item = self.type_ref(item);
                quote!(stripe_core::V2List<#item>)
            }
            TypeRef::Unsettable(inner) => {
                let inner = self.type_ref(inner);
                quote!(stripe_core::Unsettable<#inner>)
            }
        }
    }

    pub fn field_type(&self, field: &Field) -> TokenStream {
        let mut ty = self.type_ref(&field.ty);
        if field.boxed {
            ty = quote!(Box<#ty>);
        }
        if field.optional() {
            ty = quote!(Option<#ty>);
        }
        ty
    }

    /// The items of one type: its definition, then each of its impls.
    pub fn items(&self, id: TypeId) -> Vec<TokenStream> {
        let def = self.model.get(id);
        let codecs = self.model.codecs[id.0];
        let mut items = match &def.kind {
            TypeKind::Struct(body) => self.struct_items(def, body),
            TypeKind::Enum(_) if self.model.shared_enums[id.0].is_some() => {
                let name = ident(&def.rust_name);
                let doc = doc_attrs(def.doc.as_deref());
                let shared = self.path(self.model.shared_enums[id.0].expect("checked"));
                return vec![quote! { #doc pub type #name = #shared; }];
            }
            TypeKind::Enum(values) => enum_items(def, values),
            TypeKind::Union(variants) => self.union_items(id, def, variants),
            TypeKind::Alias(ty) => {
                let name = ident(&def.rust_name);
                let doc = doc_attrs(def.doc.as_deref());
                let ty = self.type_ref(ty);
                return vec![quote! { #doc pub type #name = #ty; }];
            }
            TypeKind::Unit => {
                let name = ident(&def.rust_name);
                let doc = doc_attrs(def.doc.as_deref());
                return vec![quote! { #doc #[derive(Clone, Copy, Debug)] pub struct #name; }];
            }
        };
        if codecs.decode {
            items.push(decode::decoder(self, def));
            items.push(serde_deserialize(def));
        }
        if codecs.encode {
            items.push(encode::encoder(self, def));
        }
        items
    }

    fn struct_items(&self, def: &TypeDef, body: &Struct) -> Vec<TokenStream> {
        let name = ident(&def.rust_name);
        let doc = doc_attrs(def.doc.as_deref());
        let required: Vec<&Field> = body.fields.iter().filter(|f| !f.optional()).collect();
        let derives = match body.usage {
            // With a required field there is no sensible default: `new` takes them.
            Usage::Request if required.is_empty() => quote!(#[derive(Clone, Debug, Default)]),
            _ => quote!(#[derive(Clone, Debug)]),
        };
        let fields = body
            .fields
            .iter()
            .filter(|field| field.stored())
            .map(|field| self.struct_field(body, field));
        let (fixed_object, object_const) = fixed_object(def, body);
        let extra = body.extra.as_deref().map(|extra| {
            let extra = ident(extra);
            quote! {
                /// Fields this version of the spec does not declare, kept as sent.
                #[cfg_attr(feature = "serde", serde(flatten))]
                pub #extra: stripe_core::ExtraFields,
            }
        });
        let mut items = vec![quote! {
            #doc
            #derives
            #[cfg_attr(feature = "serde", derive(serde::Serialize))]
            #fixed_object
            pub struct #name {
                #(#fields)*
                #extra
            }
        }];
        items.extend(object_const);
        items.extend(object_impl(self, def, body));
        if body.usage == Usage::Request && !required.is_empty() {
            items.push(self.constructor(def, body));
        }
        items
    }

    fn struct_field(&self, body: &Struct, field: &Field) -> TokenStream {
        let field_name = ident(&field.rust_name);
        let doc = doc_attrs(field.doc.as_deref());
        let ty = self.field_type(field);
        let rename = (field.rust_name != field.wire_name).then(|| {
            let wire = &field.wire_name;
            quote!(#[cfg_attr(feature = "serde", serde(rename = #wire))])
        });
        // Absent and null differ on the wire: a field that may be absent is
        // left out when `None`; a required nullable one is written as null.
        let skip = if body.usage == Usage::Request && field.ty == TypeRef::Binary {
            // File contents travel as a multipart file part, not a text field.
            Some(quote!(#[cfg_attr(feature = "serde", serde(skip_serializing))]))
        } else {
            (!field.required || body.usage == Usage::Request)
                .then(|| quote!(#[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]))
                .filter(|_| field.optional())
        };
        // An int64 string is an `i64`, written back as the string it came as.
        let as_string = (field.ty == TypeRef::Int64String).then(|| {
            let with = match field.optional() {
                true => "stripe_core::serde_shim::option_int64_string",
                false => "stripe_core::serde_shim::int64_string",
            };
            quote!(#[cfg_attr(feature = "serde", serde(serialize_with = #with))])
        });
        quote! {
            #doc
            #rename
            #skip
            #as_string
            pub #field_name: #ty,
        }
    }

    /// `new` for a request struct with required fields: takes them, in
    /// spec order, and leaves every optional field `None`.
    fn constructor(&self, def: &TypeDef, body: &Struct) -> TokenStream {
        let name = ident(&def.rust_name);
        let args = body.fields.iter().filter(|f| !f.optional()).map(|field| {
            let field_name = ident(&field.rust_name);
            let ty = self.field_type(field);
            quote!(#field_name: impl Into<#ty>)
        });
        let inits = body.fields.iter().map(|field| {
            let field_name = ident(&field.rust_name);
            if field.optional() {
                quote!(#field_name: None)
            } else {
                quote!(#field_name: #field_name.into())
            }
        });
        let doc = format!(
            " `{}` with its required fields; every optional field is `None`.",
            def.rust_name
        );
        quote! {
            impl #name {
                #[doc = #doc]
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits),* }
                }
            }
        }
    }

    fn union_items(
        &self,
        id: TypeId,
        def: &TypeDef,
        variants: &[UnionVariant],
    ) -> Vec<TokenStream> {
        let name = ident(&def.rust_name);
        let doc = match &def.doc {
            Some(_) => doc_attrs(def.doc.as_deref()),
            None => {
                let names: Vec<String> = variants
                    .iter()
                    .map(|v| format!("`{}`", docs::comment_text(&self.model.get(v.ty).wire_name)))
                    .collect();
                let how = if is_discriminated(variants) {
                    "the `object` field"
                } else {
                    "the fields present"
                };
                let text = format!(" One of {}, told apart by {how}.", names.join(", "));
                quote!(#[doc = #text])
            }
        };
        let variant_defs = variants.iter().map(|v| {
            let variant = ident(&v.rust_name);
            let ty = self.path(v.ty);
            quote!(#variant(Box<#ty>),)
        });
        let serialize_arms = variants.iter().map(|v| {
            let variant = ident(&v.rust_name);
            quote!(Self::#variant(object) => object.serialize(serializer),)
        });
        let mut items = vec![
            quote! {
                #doc
                #[derive(Clone, Debug)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variant_defs)*
                    /// An object this version of the spec does not describe, kept as JSON.
                    Unknown(serde_json::Value),
                }
            },
            quote! {
                #[cfg(feature = "serde")]
                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        match self {
                            #(#serialize_arms)*
                            Self::Unknown(value) => value.serialize(serializer),
                        }
                    }
                }
            },
        ];
        if variants.iter().all(|v| has_id(self.model.get(v.ty))) {
            let arms = variants.iter().map(|v| {
                let variant = ident(&v.rust_name);
                quote!(Self::#variant(object) => stripe_core::Object::id(object.as_ref()),)
            });
            let id_type = match crate::model::ids::id_kind_of_type(self.model, id) {
                Some(kind) => ids::id_path(self.model, kind),
                None => quote!(stripe_core::IdStr),
            };
            items.push(quote! {
                impl stripe_core::Object for #name {
                    type Id = #id_type;

                    fn id(&self) -> Option<&str> {
                        match self {
                            #(#arms)*
                            Self::Unknown(value) => value.get("id").and_then(serde_json::Value::as_str),
                        }
                    }
                }
            });
        }
        items
    }
}

/// Every member has its own `(object, deleted)` pair: `object` decides.
pub fn is_discriminated(variants: &[UnionVariant]) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    variants
        .iter()
        .all(|v| v.object.is_some() && seen.insert((&v.object, v.deleted)))
}

/// For a struct whose `object` its schema fixes ([`TypeRef::ObjectName`]):
/// serde's attribute that writes the name as the first field (the struct
/// stores none), and the `OBJECT` constant that names it.
fn fixed_object(def: &TypeDef, body: &Struct) -> (Option<TokenStream>, Option<TokenStream>) {
    let fixed = body.fields.iter().find(|f| !f.stored());
    let (Some(field), Some(object)) = (fixed, &body.object_name) else {
        return (None, None);
    };
    let name = ident(&def.rust_name);
    let wire = &field.wire_name;
    let doc = format!(
        " The `{wire}` of every `{}`: checked when decoded, written when serialized.",
        def.rust_name
    );
    let attr = quote!(#[cfg_attr(feature = "serde", serde(tag = #wire, rename = #object))]);
    let constant = quote! {
        impl #name {
            #[doc = #doc]
            pub const OBJECT: &'static str = #object;
        }
    };
    (Some(attr), Some(constant))
}

fn object_impl(renderer: &TypeRenderer<'_>, def: &TypeDef, body: &Struct) -> Option<TokenStream> {
    if body.usage != Usage::Response {
        return None;
    }
    let field = id_field(body)?;
    let name = ident(&def.rust_name);
    let field_name = ident(&field.rust_name);
    let id = if field.optional() {
        quote!(self.#field_name.as_deref())
    } else {
        quote!(Some(&self.#field_name))
    };
    let id_type = match field.ty {
        TypeRef::Id(kind) => ids::id_path(renderer.model, kind),
        _ => quote!(String),
    };
    Some(quote! {
        impl stripe_core::Object for #name {
            type Id = #id_type;

            fn id(&self) -> Option<&str> {
                #id
            }
        }
    })
}

/// `serde::Deserialize` (with the `serde` feature) through the type's own
/// decoder, so serde users get the same decoding.
fn serde_deserialize(def: &TypeDef) -> TokenStream {
    let name = ident(&def.rust_name);
    quote! {
        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                stripe_core::serde_shim::deserialize(deserializer)
            }
        }
    }
}

fn enum_items(def: &TypeDef, values: &[crate::model::EnumValue]) -> Vec<TokenStream> {
    let name = ident(&def.rust_name);
    let doc = doc_attrs(def.doc.as_deref());
    let variants: Vec<Ident> = values.iter().map(|v| ident(&v.rust_name)).collect();
    let wires: Vec<&str> = values.iter().map(|v| v.wire.as_str()).collect();
    let variant_docs = wires
        .iter()
        .map(|wire| format!(" `{}`", docs::comment_text(wire)));
    vec![
        quote! {
            #doc
            #[derive(Clone, Debug, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum #name {
                #( #[doc = #variant_docs] #variants, )*
                /// A value this version of the spec does not list, kept as sent.
                Unknown(String),
            }
        },
        quote! {
            impl #name {
                /// The value as Stripe sends it.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#variants => #wires, )*
                        Self::Unknown(value) => value,
                    }
                }
            }
        },
        quote! {
            impl From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #( #wires => Self::#variants, )*
                        other => Self::Unknown(other.to_owned()),
                    }
                }
            }
        },
        quote! {
            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        },
        quote! {
            #[cfg(feature = "serde")]
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }
        },
    ]
}

/// An identifier for a module path segment.
pub fn module_ident(name: &str) -> Ident {
    format_ident!("{}", name)
}
