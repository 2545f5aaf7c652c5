//! Endpoint functions as tokens: the operations of one group become an
//! `impl <Group> { ... }` block in the group's file.
//!
//! Every function builds a `stripe_runtime::Request` and hands it to the
//! client; encoding, retries, headers and decoding are the runtime's, so a
//! function is a few lines:
//!
//! ```ignore
//! /// Redact a VerificationSession ...
//! ///
//! /// `POST /v1/identity/verification_sessions/{session}/redact`
//! pub async fn redact(
//!     client: &stripe_runtime::Client,
//!     session: &str,
//!     params: &RedactVerificationSessionParams,
//! ) -> Result<VerificationSession, stripe_runtime::Error> {
//!     client.execute(stripe_runtime::Request::new(stripe_runtime::Method::Post,
//!         format!("/v1/identity/verification_sessions/{}/redact", stripe_runtime::client::path_segment(session)))
//!         .api_version(crate::API_VERSION).form(params)).await
//! }
//! ```
//!
//! List and search operations also get a `<name>_auto_paging` function that
//! returns the runtime's pagination stream.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::implements_object;
use crate::model::{BodyKind, Model, Operation, Pagination, TypeId, TypeKind, TypeRef};
use crate::naming;
use crate::render::{doc_attrs, ident, TypeRenderer};

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
    let model = renderer.model;
    let name = ident(&operation.rust_name);
    let endpoint = format!("`{} {}`", operation.method, operation.path);
    let description = operation
        .doc
        .as_deref()
        .or(operation.summary.as_deref())
        .unwrap_or_default();
    let doc = doc_attrs(Some(&format!("{description}\n\n{endpoint}")));
    let deprecated = operation.deprecated.then(|| quote!(#[deprecated]));
    let args = arguments(renderer, operation);
    let request = request(model, operation);
    let response = renderer.type_ref(&operation.response);

    let auto_paging = match (operation.pagination, operation.page_item()) {
        (Pagination::List, Some(item)) if implements_object(model, item) => Some(quote!(paginate)),
        (Pagination::Search, Some(_)) => Some(quote!(paginate_search)),
        _ => None,
    }
    .map(|paginate| {
        let item = renderer.type_ref(operation.page_item().expect("a paginated operation has an item type"));
        let paging_name = ident(&naming::auto_paging_name(&operation.rust_name));
        let doc = format!(
            " Every item of [`{}`](Self::{}), fetching the pages of {endpoint} as the stream is read.",
            operation.rust_name, operation.rust_name
        );
        quote! {
            #[doc = #doc]
            #deprecated
            pub fn #paging_name(#(#args),*) -> impl futures::Stream<Item = Result<#item, stripe_runtime::Error>> + Send {
                client.#paginate(#request)
            }
        }
    });
    // A body that is not JSON is returned as it came.
    let execute = if operation.response == TypeRef::RawBody {
        quote!(execute_bytes)
    } else {
        quote!(execute)
    };
    quote! {
        #doc
        #deprecated
        pub async fn #name(#(#args),*) -> Result<#response, stripe_runtime::Error> {
            client.#execute(#request).await
        }
        #auto_paging
    }
}

/// `client`, the path parameters as `&str` in path order, then `params`.
fn arguments(renderer: &TypeRenderer<'_>, operation: &Operation) -> Vec<TokenStream> {
    let mut args = vec![quote!(client: &stripe_runtime::Client)];
    args.extend(operation.path_params.iter().map(|param| {
        let name = ident(&param.rust_name);
        quote!(#name: &str)
    }));
    if let Some(params) = operation.params {
        let ty = renderer.path(params);
        args.push(quote!(params: &#ty));
    }
    args
}

/// The `stripe_runtime::Request` of an operation.
fn request(model: &Model, operation: &Operation) -> TokenStream {
    let method = match operation.method.as_str() {
        "GET" => quote!(stripe_runtime::Method::Get),
        "POST" => quote!(stripe_runtime::Method::Post),
        _ => quote!(stripe_runtime::Method::Delete),
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
            quote!(stripe_runtime::client::path_segment(#name))
        });
        quote!(format!(#template, #(#values),*))
    };
    let base = quote!(stripe_runtime::Request::new(#method, #path).api_version(crate::API_VERSION));
    match (operation.body, operation.params) {
        (BodyKind::Query, Some(_)) => quote!(#base.query(params)),
        (BodyKind::Form, Some(_)) => quote!(#base.form(params)),
        (BodyKind::Multipart, params) => {
            let files = params
                .map(|id| multipart_files(model, id))
                .unwrap_or_default();
            let text = params.map(|_| quote!(.params(params)));
            quote!(#base.host(stripe_runtime::Host::Files).multipart(stripe_runtime::Multipart::new() #text #files))
        }
        _ => base,
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
