//! `impl stripe_core::Decode` for each type a response can hold: plain
//! functions over the runtime's `Decoder`, one compiled copy per type.
//!
//! A struct reads its fields by key into locals, keeps the keys it does not
//! know in its `extra` field, and fails naming a required field that is
//! missing:
//!
//! ```ignore
//! impl stripe_core::Decode for Balance {
//!     fn decode(decoder: &mut stripe_core::Decoder<'_>) -> Result<Self, stripe_core::Failure> {
//!         const KEYS: &[stripe_core::decode::Key] = &[stripe_core::decode::Key::new("amount")];
//!         static ORDER: [std::sync::atomic::AtomicU16; 2] = stripe_core::decode::key_order();
//!         fn index_of(key: &str) -> usize {
//!             match key { "amount" => 0, _ => 1 }
//!         }
//!         let mut amount = None;
//!         let mut extra = stripe_core::ExtraFields::new();
//!         let mut last = KEYS.len();
//!         let start = decoder.begin_object()?;
//!         while let Some(key) = decoder.next_key(KEYS, &ORDER, &mut last, index_of)? {
//!             match key {
//!                 0 => decoder.required_into(&mut amount)?,
//!                 _ => decoder.extra_field(&mut extra)?,
//!             }
//!         }
//!         let amount = stripe_core::decode::required(amount, start, "amount")?;
//!         Ok(Self { amount, extra })
//!     }
//! }
//! ```
//!
//! The keys are in the order Stripe writes them (their bytes' order), and
//! the decoder predicts each from the order the type's keys came in before
//! (`ORDER`, learned as it reads): a key that comes as predicted is known
//! by comparing its bytes with the pattern `Key::new` made at compile time,
//! and its index picks the field; any other is read as keys are, and
//! `index_of` names it.
//!
//! Required fields are checked before the struct is built, so that it is
//! built where it is returned, not in a temporary copied there.
//!
//! Each field is read by a call that takes its local by reference: as
//! plain values, the locals of a large struct were carried around the key
//! loop, and copied at every key (a fifth of `Customer`'s decoding).
//!
//! A union is told apart by `object` and `deleted` read ahead, or, when
//! those cannot decide, by trying its members in order of how well their
//! fields cover the keys present; what matches nothing is kept as JSON.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Field, Struct, TypeDef, TypeKind, TypeRef, UnionVariant};
use crate::naming;
use crate::render::{ident, is_discriminated, TypeRenderer};

/// The `Decode` impl of a struct, enum or union.
pub fn decoder(renderer: &TypeRenderer<'_>, def: &TypeDef) -> TokenStream {
    let name = ident(&def.rust_name);
    let (decoder, body) = match &def.kind {
        TypeKind::Struct(body) => struct_body(body),
        TypeKind::Enum(_) => (ident("decoder"), quote!(decoder.str().map(Self::from))),
        TypeKind::Union(variants) => union_body(renderer, variants),
        TypeKind::Alias(_) | TypeKind::Unit => return TokenStream::new(),
    };
    quote! {
        impl stripe_core::Decode for #name {
            fn decode(#decoder: &mut stripe_core::Decoder<'_>) -> Result<Self, stripe_core::Failure> {
                #body
            }
        }
    }
}

fn struct_body(body: &Struct) -> (proc_macro2::Ident, TokenStream) {
    // Locals are the fields' own names; the decoder's, the key's and the
    // object offset's are made not to collide with them.
    let mut taken: Vec<&str> = body.fields.iter().map(|f| f.rust_name.as_str()).collect();
    taken.extend(body.extra.as_deref());
    let decoder = naming::fresh_name("decoder", &taken);
    let key = naming::fresh_name("key", &taken);
    let last = naming::fresh_name("last", &taken);
    let start = naming::fresh_name("start", &taken);
    let (decoder, key, last, start) = (ident(&decoder), ident(&key), ident(&last), ident(&start));

    let locals = body.fields.iter().map(|field| {
        let local = ident(&field.rust_name);
        match field.ty {
            // Read as the string it is sent as, kept as the `i64` it means.
            TypeRef::Int64String => {
                quote!(let mut #local: Option<stripe_core::Int64String> = None;)
            }
            // Only whether it was there: the type stores no fixed object.
            TypeRef::ObjectName => quote!(let mut #local: Option<()> = None;),
            _ => quote!(let mut #local = None;),
        }
    });
    let arm = |index: usize, field: &Field| {
        let local = ident(&field.rust_name);
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        if let (TypeRef::ObjectName, Some(name)) = (&field.ty, &body.object_name) {
            return quote!(#index => #decoder.object_name_into(&mut #local, #name)?,);
        }
        if field.optional() {
            // `null` and absent are both `None`.
            quote!(#index => #decoder.optional_into(&mut #local)?,)
        } else {
            quote!(#index => #decoder.required_into(&mut #local)?,)
        }
    };
    let unknown = match body.extra.as_deref() {
        Some(extra) => {
            let extra = ident(extra);
            quote!(_ => #decoder.extra_field(&mut #extra)?,)
        }
        None => quote!(_ => #decoder.skip()?,),
    };
    let extra_local = body.extra.as_deref().map(|extra| {
        let extra = ident(extra);
        quote!(let mut #extra = stripe_core::ExtraFields::new();)
    });
    let inits = body.fields.iter().map(|field| field_init(field, &start));
    let fields = body
        .fields
        .iter()
        .filter(|field| field.stored())
        .map(|field| ident(&field.rust_name));
    let extra_init = body.extra.as_deref().map(|extra| {
        let extra = ident(extra);
        quote!(#extra,)
    });
    let start_binding = if body.fields.iter().any(|f| !f.optional()) {
        quote!(let #start =)
    } else {
        quote!()
    };
    let by_key = by_key(body);
    let names = by_key.iter().map(|field| &field.wire_name);
    let arms = by_key
        .iter()
        .enumerate()
        .map(|(index, field)| arm(index, field));
    let index_of_name = ident(&naming::fresh_name("index_of", &taken));
    let index_of = index_of(&by_key, &index_of_name);
    let slots = proc_macro2::Literal::usize_unsuffixed(by_key.len() + 1);
    let code = quote! {
        const KEYS: &[stripe_core::decode::Key] = &[#(stripe_core::decode::Key::new(#names),)*];
        static ORDER: [std::sync::atomic::AtomicU16; #slots] = stripe_core::decode::key_order();
        #index_of
        #(#locals)*
        #extra_local
        let mut #last = KEYS.len();
        #start_binding #decoder.begin_object()?;
        while let Some(#key) = #decoder.next_key(KEYS, &ORDER, &mut #last, #index_of_name)? {
            match #key {
                #(#arms)*
                #unknown
            }
        }
        #(#inits)*
        Ok(Self {
            #(#fields,)*
            #extra_init
        })
    };
    (decoder, code)
}

/// The fields in the order of their keys' bytes: the order Stripe writes
/// them in, which the decoder predicts. A field's index here is its index
/// in `KEYS`.
fn by_key(body: &Struct) -> Vec<&Field> {
    let mut fields: Vec<&Field> = body.fields.iter().collect();
    fields.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
    fields
}

/// Above this many fields, keys are first told apart by their length.
const BUCKET_ABOVE: usize = 8;

/// `fn index_of(key: &str) -> usize`: the index of a key that did not come
/// as predicted (past the fields when it is none of theirs). A string
/// `match` compares the key with each arm in turn, so a struct with many
/// fields (an `Invoice` has a hundred) first matches the key's length, then
/// the few names of that length.
fn index_of(by_key: &[&Field], name: &proc_macro2::Ident) -> TokenStream {
    let undeclared = proc_macro2::Literal::usize_unsuffixed(by_key.len());
    let arm = |index: usize| {
        let wire = &by_key[index].wire_name;
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        quote!(#wire => #index,)
    };
    let body = if by_key.len() <= BUCKET_ABOVE {
        let arms = (0..by_key.len()).map(arm);
        quote!(match key { #(#arms)* _ => #undeclared })
    } else {
        let mut by_length: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for (index, field) in by_key.iter().enumerate() {
            by_length
                .entry(field.wire_name.len())
                .or_default()
                .push(index);
        }
        let buckets = by_length.iter().map(|(length, indices)| {
            let arms = indices.iter().map(|&index| arm(index));
            let length = proc_macro2::Literal::usize_unsuffixed(*length);
            quote!(#length => match key { #(#arms)* _ => #undeclared },)
        });
        quote!(match key.len() { #(#buckets)* _ => #undeclared })
    };
    quote! {
        fn #name(key: &str) -> usize {
            #body
        }
    }
}

fn field_init(field: &Field, start: &proc_macro2::Ident) -> TokenStream {
    let local = ident(&field.rust_name);
    let int64 = field.ty == TypeRef::Int64String;
    let wire = &field.wire_name;
    if field.ty == TypeRef::ObjectName {
        return quote!(stripe_core::decode::required(#local, #start, #wire)?;);
    }
    match (field.optional(), int64) {
        (true, false) => quote!(),
        (true, true) => quote!(let #local = #local.map(|value| value.0);),
        (false, false) => {
            quote!(let #local = stripe_core::decode::required(#local, #start, #wire)?;)
        }
        (false, true) => {
            quote!(let #local = stripe_core::decode::required(#local, #start, #wire)?.0;)
        }
    }
}

fn union_body(
    renderer: &TypeRenderer<'_>,
    variants: &[UnionVariant],
) -> (proc_macro2::Ident, TokenStream) {
    let decoder = ident("decoder");
    let code = if is_discriminated(variants) {
        by_object(variants)
    } else {
        by_fields(renderer, variants)
    };
    (decoder, code)
}

fn by_object(variants: &[UnionVariant]) -> TokenStream {
    let arms = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let object = v.object.as_deref().unwrap_or_default();
        let deleted = v.deleted;
        quote!(Some((#object, #deleted)) => decoder.value().map(Self::#variant),)
    });
    quote! {
        match decoder.discriminator()?.as_ref().map(stripe_core::decode::Discriminator::key) {
            #(#arms)*
            _ => decoder.json().map(Self::Unknown),
        }
    }
}

/// For members without a telling `object`: the first member that declares
/// every key present wins, then the one that declares the most of them.
fn by_fields(renderer: &TypeRenderer<'_>, variants: &[UnionVariant]) -> TokenStream {
    let field_lists = variants.iter().map(|v| {
        let names: Vec<&str> = match &renderer.model.get(v.ty).kind {
            TypeKind::Struct(body) => body.fields.iter().map(|f| f.wire_name.as_str()).collect(),
            _ => Vec::new(),
        };
        quote!(&[#(#names),*])
    });
    let attempts = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        quote!(|decoder| decoder.value().map(Self::#variant),)
    });
    let count = variants.len();
    quote! {
        let order = decoder.coverage_order(&[#(#field_lists),*])?;
        let attempts: [fn(&mut stripe_core::Decoder<'_>) -> Result<Self, stripe_core::Failure>; #count] = [#(#attempts)*];
        match decoder.first_decoding(&order, &attempts)? {
            Some(value) => Ok(value),
            None => decoder.json().map(Self::Unknown),
        }
    }
}
