//! `impl stripe_core::Encode` for each type a request can carry: an object
//! of one line per field, in declaration order, handed to the runtime's
//! `Encoder` as `&dyn Encode`, so the encoding of a params type is compiled
//! once and written, as a form or as JSON, byte for byte as Stripe's SDKs
//! send it (`a[b][0]=x` or `{"a":{"b":["x"]}}`, `None` left out).

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Struct, TypeDef, TypeKind, TypeRef, UnionVariant};
use crate::render::{ident, TypeRenderer};

/// The `Encode` impl of a struct, enum or union.
pub fn encoder(_renderer: &TypeRenderer<'_>, def: &TypeDef) -> TokenStream {
    let name = ident(&def.rust_name);
    let body = match &def.kind {
        TypeKind::Struct(body) => struct_body(body),
        TypeKind::Enum(_) => quote!(out.string(self.as_str());),
        TypeKind::Union(variants) => union_body(variants),
        TypeKind::Alias(_) | TypeKind::Unit => return TokenStream::new(),
    };
    quote! {
        impl stripe_core::Encode for #name {
            fn encode(&self, out: &mut stripe_core::Encoder) {
                #body
            }
        }
    }
}

fn struct_body(body: &Struct) -> TokenStream {
    let fields = body
        .fields
        .iter()
        // File contents travel as a multipart file part, not a text field.
        .filter(|field| field.ty != TypeRef::Binary)
        .map(|field| {
            let name = ident(&field.rust_name);
            let wire = &field.wire_name;
            // An int64 string is an `i64` written as a string.
            let value = match (&field.ty, field.optional()) {
                (TypeRef::Int64String, false) => quote!(&stripe_core::Int64String(self.#name)),
                (TypeRef::Int64String, true) => quote!(&self.#name.map(stripe_core::Int64String)),
                _ => quote!(&self.#name),
            };
            quote!(out.field(#wire, #value);)
        });
    quote! {
        out.begin_object();
        #(#fields)*
        out.end_object();
    }
}

/// A polymorphic value is sent as the member it holds.
fn union_body(variants: &[UnionVariant]) -> TokenStream {
    let arms = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        quote!(Self::#variant(value) => stripe_core::Encode::encode(value.as_ref(), out),)
    });
    quote! {
        match self {
            #(#arms)*
            Self::Unknown(value) => stripe_core::Encode::encode(value, out),
        }
    }
}
