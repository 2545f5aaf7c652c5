//! Endpoint functions as tokens: the operations of one group become an
//! `impl <Group> { ... }` block in the group's file.
//!
//! Every function is generic over the client (`stripe_core::StripeClient`):
//! it describes the call as a `stripe_core::Request` and hands it over, so
//! the generated crate needs no HTTP stack and an endpoint is compiled only
//! where it is called. Encoding, retries, headers and decoding are the
//! client's:
//!
//! ```ignore
//! /// Redact a VerificationSession ...
//! ///
//! /// `POST /v1/identity/verification_sessions/{session}/redact`
//! pub fn redact<'id, C: stripe_core::StripeClient>(
//!     client: &C,
//!     session: impl Into<stripe_core::IdRef<'id, crate::ids::kinds::identity::VerificationSession>>,
//!     params: &RedactVerificationSessionParams,
//! ) -> C::Response<VerificationSession> {
//!     client.execute(stripe_core::Request::new(stripe_core::Method::Post,
//!         format!("/v1/identity/verification_sessions/{}/redact", stripe_core::path_id(session)))
//!         .api_version(crate::API_VERSION).form(params))
//! }
//! ```
//!
//! A v2 operation sends a JSON body (`.json(params)`); an operation with a
//! server of its own says so (`.host(Host::Server(..))`); each sends the API
//! version of the document it comes from.
//!
//! List, search and v2 list operations also get a `<name>_auto_paging`
//! function that returns the client's stream of every item.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::implements_object;
use crate::model::{BodyKind, Model, Operation, Pagination, TypeId, TypeKind, TypeRef};
use crate::naming;
use crate::render::{docs, ident, ids, markdown_doc_attrs, TypeRenderer};

/// The `impl` block of a group's endpoint functions.
pub fn impl_block(
    renderer: &TypeRenderer<'_>,
    group: TypeId,
    operations: &[&Operation],
) -> TokenStream {
    let name = ident(&renderer.model.get(group).rust_name);
    let functions = operations
        .iter()
        .map(|operation| function(renderer, operation));
    quote! {
        impl #name {
            #(#functions)*
        }
    }
}

fn function(renderer: &TypeRenderer<'_>, operation: &Operation) -> TokenStream {
    let name = ident(&operation.rust_name);
    let endpoint = format!("`{} {}`", operation.method, operation.path);
    let description = operation.doc.as_deref().or(operation.summary.as_deref());
    // The description is Markdown or HTML; the endpoint line is Markdown.
    let mut doc = description.map(docs::doc_text).unwrap_or_default();
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&docs::comment_text(&endpoint));
    if let Some(codes) = operation.error_codes {
        doc.push_str(&format!(
            "\n\nIts errors' codes: [`{}`] (`stripe::Error::Api(error)`, then `error.code_as()`).",
            renderer.model.get(codes).rust_name
        ));
    }
    let doc = markdown_doc_attrs(&doc);
    let deprecated = operation.deprecated.then(|| quote!(#[deprecated]));
    let args = arguments(renderer, operation);
    let request = request(renderer.model, operation);
    let response = renderer.type_ref(&operation.response);
    let generics = generics(operation);
    let auto_paging = auto_paging(renderer, operation, &generics, &args, &request, &endpoint);
    quote! {
        #doc
        #deprecated
        pub fn #name<#generics>(#(#args),*) -> C::Response<#response> {
            client.execute(#request)
        }
        #auto_paging
    }
}

/// `<name>_auto_paging` for a list whose items have ids, or a search.
fn auto_paging(
    renderer: &TypeRenderer<'_>,
    operation: &Operation,
    generics: &TokenStream,
    args: &[TokenStream],
    request: &TokenStream,
    endpoint: &str,
) -> Option<TokenStream> {
    let item = operation.page_item()?;
    let (paginate, pages) = match operation.pagination {
        Pagination::List if implements_object(renderer.model, item) => {
            (quote!(paginate), quote!(Pages))
        }
        Pagination::Search => (quote!(paginate_search), quote!(SearchPages)),
        Pagination::V2List => (quote!(paginate_v2), quote!(V2Pages)),
        _ => return None,
    };
    let item = renderer.type_ref(item);
    let deprecated = operation.deprecated.then(|| quote!(#[deprecated]));
    let paging_name = ident(&naming::auto_paging_name(&operation.rust_name));
    let doc = format!(
        " Every item of [`{}`](Self::{}), fetching the pages of {} as they are read.",
        operation.rust_name,
        operation.rust_name,
        docs::comment_text(endpoint)
    );
    Some(quote! {
        #[doc = #doc]
        #deprecated
        pub fn #paging_name<#generics>(#(#args),*) -> C::#pages<#item> {
            client.#paginate(#request)
        }
    })
}

/// The client's type, after the lifetime of the ids lent for the path
/// (`'id`) when there are any.
fn generics(operation: &Operation) -> TokenStream {
    let lends_ids = operation
        .path_params
        .iter()
        .any(|param| matches!(param.ty, TypeRef::Id(_)));
    match lends_ids {
        true => quote!('id, C: stripe_core::StripeClient),
        false => quote!(C: stripe_core::StripeClient),
    }
}

/// `client`, the path parameters in path order, then `params`. A path
/// parameter that holds a resource's id takes what lends one
/// (`impl Into<IdRef<'id, kinds::Customer>>`: `"cus_123"`, `&customer.id`),
/// any other `&str`.
fn arguments(renderer: &TypeRenderer<'_>, operation: &Operation) -> Vec<TokenStream> {
    let mut args = vec![quote!(client: &C)];
    args.extend(operation.path_params.iter().map(|param| {
        let name = ident(&param.rust_name);
        match param.ty {
            TypeRef::Id(kind) => {
                let kind = ids::kind_path(renderer.model, kind);
                quote!(#name: impl Into<stripe_core::IdRef<'id, #kind>>)
            }
            _ => quote!(#name: &str),
        }
    }));
    let ty = renderer.path(operation.params);
    args.push(quote!(params: &#ty));
    args
}

/// The `stripe_core::Request` of an operation.
fn request(model: &Model, operation: &Operation) -> TokenStream {
    let method = match operation.method.as_str() {
        "GET" => quote!(stripe_core::Method::Get),
        "POST" => quote!(stripe_core::Method::Post),
        _ => quote!(stripe_core::Method::Delete),
    };
    let path = if operation.path_params.is_empty() {
        let path = &operation.path;
        quote!(#path)
    } else {
        let mut template = operation.path.clone();
        for param in &operation.path_params {
            template = template.replace(&format!("{{{}}}", param.wire_name), "{}");
        }
        let values = operation.path_params.iter().map(|param| {
            let name = ident(&param.rust_name);
            match param.ty {
                TypeRef::Id(_) => quote!(stripe_core::path_id(#name)),
                _ => quote!(stripe_core::path_segment(#name)),
            }
        });
        quote!(format!(#template, #(#values),*))
    };
    // The version of the operation's document: the crate's, or its own.
    let version = match operation.api_version == model.api_version {
        true => quote!(crate::API_VERSION),
        false => {
            let version = &operation.api_version;
            quote!(#version)
        }
    };
    let host = operation
        .server
        .as_deref()
        .map(|server| quote!(.host(stripe_core::Host::Server(#server))));
    let base = quote!(stripe_core::Request::new(#method, #path).api_version(#version) #host);
    match operation.body {
        BodyKind::Query => quote!(#base.query(params)),
        BodyKind::Form => quote!(#base.form(params)),
        BodyKind::Json => quote!(#base.json(params)),
        BodyKind::Multipart => {
            let files = multipart_files(model, operation.params);
            quote!(#base.multipart(stripe_core::Multipart::new().params(params) #files))
        }
        // No parameters yet: the params struct is empty, taken so that one
        // Stripe adds later is no breaking change, and encoded (to nothing)
        // as the parameters of the method would be.
        BodyKind::None if operation.method == "POST" => quote!(#base.form(params)),
        BodyKind::None => quote!(#base.query(params)),
    }
}

/// `.file(...)` for each binary field of a multipart params struct. The part
/// is named after the field, and so is the file.
fn multipart_files(model: &Model, params: TypeId) -> TokenStream {
    let TypeKind::Struct(body) = &model.get(params).kind else {
        return TokenStream::new();
    };
    body.fields
        .iter()
        .filter(|field| field.ty == TypeRef::Binary)
        .map(|field| {
            let name = ident(&field.rust_name);
            let wire = &field.wire_name;
            // Lowering admits only required binary fields.
            quote!(.file(#wire, #wire, None, params.#name.clone()))
        })
        .collect()
}
