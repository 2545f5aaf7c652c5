//! `impl stripe_core::Encode` for each type a request can carry: one line
//! per field, in declaration order, handed to the runtime's `Form` as
//! `&dyn Encode`, so the encoding of a params type is compiled once and
//! byte for byte what Stripe's SDKs send (`a[b][0]=x`, `None` left out).

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Struct, TypeDef, TypeKind, TypeRef, UnionVariant};
use crate::render::{ident, TypeRenderer};

/// The `Encode` impl of a struct, enum or union.
pub fn encoder(_renderer: &TypeRenderer<'_>, def: &TypeDef) -> TokenStream {
    let name = ident(&def.rust_name);
    if matches!(&def.kind, TypeKind::Struct(body) if body.fields.is_empty()) {
        // The params of an operation without parameters (yet): nothing to write.
        return quote! {
            impl stripe_core::Encode for #name {
                fn encode(&self, _form: &mut stripe_core::Form) {}
            }
        };
    }
    let body = match &def.kind {
        TypeKind::Struct(body) => struct_body(body),
        TypeKind::Enum(_) => quote!(form.value(self.as_str());),
        TypeKind::Union(variants) => union_body(variants),
        TypeKind::Alias(_) | TypeKind::Unit => return TokenStream::new(),
    };
    quote! {
        impl stripe_core::Encode for #name {
            fn encode(&self, form: &mut stripe_core::Form) {
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
            quote!(form.field(#wire, &self.#name);)
        });
    quote!(#(#fields)*)
}

/// A polymorphic value is sent as the member it holds.
fn union_body(variants: &[UnionVariant]) -> TokenStream {
    let arms = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        quote!(Self::#variant(value) => stripe_core::Encode::encode(value.as_ref(), form),)
    });
    quote! {
        match self {
            #(#arms)*
            Self::Unknown(value) => stripe_core::Encode::encode(value, form),
        }
    }
}
