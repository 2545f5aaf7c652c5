//! `tests/every_endpoint.rs` of the generated crate: every endpoint function
//! called once, through the real client, against the spec-driven mock
//! (`stripe-mock`), with its required arguments built from the model.
//!
//! The arguments are the smallest valid request: every path parameter is
//! [`PATH_ID`]; a params struct is `Default::default()`, or `new(...)` with a
//! value for each required field:
//!
//! | type | value |
//! | --- | --- |
//! | string | `"1"`: within any `maxLength`, and a valid `decimal` |
//! | integer, number, boolean, timestamp | `1`, `1.0`, `true`, `1` |
//! | enum | its first listed value |
//! | struct | `new(required...)`; without required fields, its first field set |
//! | list, map | one item; one entry, `"key"` |
//! | unsettable | `Set(value)` |
//! | JSON (a parameter of mixed shapes) | `"1"` |
//! | file contents | a few bytes |
//!
//! A struct without required fields gets one field set because an empty one
//! would not be sent at all, and the mock reports a required parameter that
//! is missing; lists and maps get an item for the same reason.

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::{Error, Result};
use crate::model::layout;
use crate::model::{Field, Model, Operation, Struct, TypeId, TypeKind, TypeRef, Usage};
use crate::render::ident;

/// The id every path parameter gets.
pub const PATH_ID: &str = "id_123";
/// How deep a required value may nest before it is a generator bug (a cycle
/// of required fields, which no request could satisfy).
const MAX_DEPTH: usize = 24;

/// The items of the test file: one test that calls every operation of the
/// model in spec order, prints how many succeeded and checks that the mock
/// saw each operation.
pub fn every_endpoint(model: &Model) -> Result<TokenStream> {
    let values = Values { model };
    let total = proc_macro2::Literal::usize_unsuffixed(model.operations.len());
    let calls = model
        .operations
        .iter()
        .map(|operation| values.call(operation))
        .collect::<Result<Vec<_>>>()?;
    Ok(quote! {
        // prettyplease laid this module out; rustfmt would only reflow it.
        #[rustfmt::skip]
        #[allow(deprecated)]
        mod every_endpoint {
            use std::collections::BTreeSet;
            use std::future::Future;
            use std::pin::Pin;

            /// The operations of the model the crate was generated from.
            const OPERATIONS: usize = #total;

            /// One endpoint call, its response decoded and dropped. Each call
            /// is a future of its own on the heap: one `async fn` awaiting
            /// them all in place would overflow the stack of a debug build.
            type Call = for<'a> fn(&'a stripe::Client) -> Pin<Box<dyn Future<Output = Result<(), stripe::Error>> + 'a>>;

            /// Every operation by `operationId`, in spec order.
            fn calls() -> [(&'static str, Call); OPERATIONS] {
                [#(#calls)*]
            }

            #[tokio::test]
            async fn every_endpoint_is_called_through_the_client_against_the_mock() {
                let server = stripe_mock::MockServer::start().await;
                let client = stripe::Client::builder("sk_test_every_endpoint")
                    .all_to(server.url())
                    .max_retries(0)
                    .build();
                let mut results: Vec<(&str, Result<(), stripe::Error>)> = Vec::with_capacity(OPERATIONS);
                for (operation_id, call) in calls() {
                    results.push((operation_id, call(&client).await));
                }

                let failures: Vec<String> = results
                    .iter()
                    .filter_map(|(operation_id, result)| {
                        result.as_ref().err().map(|error| format!("{operation_id}: {error}"))
                    })
                    .collect();
                let called = results.len() - failures.len();
                // Straight to stderr, past the test harness's capture, so
                // every run shows the count.
                let _ = std::io::Write::write_all(
                    &mut std::io::stderr(),
                    format!("{called} of {OPERATIONS} endpoints called\n").as_bytes(),
                );
                assert!(
                    failures.is_empty(),
                    "{} endpoint(s) failed:\n{}",
                    failures.len(),
                    failures.join("\n")
                );
                assert_eq!(results.len(), OPERATIONS);
                let answered: BTreeSet<String> = server
                    .requests()
                    .into_iter()
                    .filter(|request| request.status == 200)
                    .filter_map(|request| request.operation_id)
                    .collect();
                let missing: Vec<&str> = results
                    .iter()
                    .map(|(operation_id, _)| *operation_id)
                    .filter(|operation_id| !answered.contains(*operation_id))
                    .collect();
                assert_eq!(
                    answered.len(),
                    OPERATIONS,
                    "the mock answered {} distinct operations; not reached: {missing:?}",
                    answered.len()
                );
            }
        }
    })
}

struct Values<'m> {
    model: &'m Model,
}

impl Values<'_> {
    /// `("OperationId", |client| Box::pin(async move { Group::name(client, "id_123", &params).await.map(drop) })),`
    fn call(&self, operation: &Operation) -> Result<TokenStream> {
        let at = |e: Error| Error::at(&operation.pointer, e.message);
        let group = self.path(operation.group);
        let name = ident(&operation.rust_name);
        let ids = operation.path_params.iter().map(|_| quote!(#PATH_ID));
        let params = if operation.params_required {
            let value = self.named(operation.params, true, 0).map_err(at)?;
            quote!(&#value)
        } else {
            quote!(&Default::default())
        };
        let operation_id = &operation.operation_id;
        Ok(quote! {
            (#operation_id, |client| Box::pin(async move {
                #group::#name(client, #(#ids,)* #params).await.map(drop)
            })),
        })
    }

    /// The path of a named type from outside the crate.
    fn path(&self, id: TypeId) -> TokenStream {
        let def = self.model.get(id);
        let name = ident(&def.rust_name);
        let namespace = layout::namespace(&def.module).iter().map(|m| ident(m));
        quote!(stripe::#(#namespace::)*#name)
    }

    /// A valid value of `ty`, as an expression of exactly that type.
    fn value(&self, ty: &TypeRef, depth: usize) -> Result<TokenStream> {
        if depth > MAX_DEPTH {
            return Err(Error::new(
                "required request fields nest too deep to build a value (a cycle?)",
            ));
        }
        Ok(match ty {
            TypeRef::String => quote!(String::from("1")),
            TypeRef::Integer => quote!(1i64),
            TypeRef::Number => quote!(1.0f64),
            TypeRef::Boolean => quote!(true),
            TypeRef::Timestamp => quote!(stripe::Timestamp::from_secs(1)),
            TypeRef::DateTime => quote!(stripe::DateTime::from(std::time::UNIX_EPOCH)),
            TypeRef::Decimal => quote!(stripe::Decimal::ONE),
            TypeRef::Int64String => quote!(1i64),
            TypeRef::Binary => quote!(b"%PDF-1.4\n".to_vec()),
            TypeRef::Json => quote!(serde_json::Value::from("1")),
            TypeRef::Named(id) => self.named(*id, true, depth)?,
            TypeRef::List(item) => {
                let item = self.value(item, depth + 1)?;
                quote!(vec![#item])
            }
            TypeRef::Map(value) => {
                let value = self.value(value, depth + 1)?;
                quote!(std::collections::BTreeMap::from([(String::from("key"), #value)]))
            }
            TypeRef::Unsettable(inner) => {
                let inner = self.value(inner, depth + 1)?;
                quote!(stripe::Unsettable::Set(#inner))
            }
            TypeRef::Expandable(_)
            | TypeRef::ApiList(_)
            | TypeRef::SearchList(_)
            | TypeRef::V2List(_)
            | TypeRef::AnyResource
            | TypeRef::RawBody
            | TypeRef::Id(_)
            | TypeRef::ObjectName => {
                return Err(Error::new(format!(
                    "{ty:?} is not a request parameter type"
                )))
            }
        })
    }

    /// A value of a named type. A struct without required fields gets its
    /// first field set when `non_empty`, so that it is sent at all.
    fn named(&self, id: TypeId, non_empty: bool, depth: usize) -> Result<TokenStream> {
        let def = self.model.get(id);
        let path = self.path(id);
        match &def.kind {
            TypeKind::Struct(body) if body.usage == Usage::Request => {
                self.request_struct(&path, body, non_empty, depth)
            }
            TypeKind::Enum(values) => {
                let first = values
                    .first()
                    .ok_or_else(|| Error::new(format!("enum {} has no values", def.wire_name)))?;
                let variant = ident(&first.rust_name);
                Ok(quote!(#path::#variant))
            }
            TypeKind::Alias(ty) => self.value(ty, depth + 1),
            TypeKind::Union(variants) => {
                let first = variants.first().ok_or_else(|| {
                    Error::new(format!("union {} has no variants", def.wire_name))
                })?;
                let variant = ident(&first.rust_name);
                let inner = self.named(first.ty, true, depth + 1)?;
                Ok(quote!(#path::#variant(Box::new(#inner))))
            }
            TypeKind::Struct(_) | TypeKind::Unit => Err(Error::new(format!(
                "{} is not a request type",
                def.wire_name
            ))),
        }
    }

    fn request_struct(
        &self,
        path: &TokenStream,
        body: &Struct,
        non_empty: bool,
        depth: usize,
    ) -> Result<TokenStream> {
        let required: Vec<&Field> = body.fields.iter().filter(|f| !f.optional()).collect();
        if !required.is_empty() {
            let args = required
                .iter()
                .map(|field| self.field_value(field, depth))
                .collect::<Result<Vec<_>>>()?;
            return Ok(quote!(#path::new(#(#args),*)));
        }
        match body.fields.first() {
            Some(field) if non_empty => {
                let name = ident(&field.rust_name);
                let value = self.field_value(field, depth)?;
                Ok(quote!(#path { #name: Some(#value), ..Default::default() }))
            }
            _ => Ok(quote!(#path::default())),
        }
    }

    /// The value of a field, boxed when the field is.
    fn field_value(&self, field: &Field, depth: usize) -> Result<TokenStream> {
        let value = self.value(&field.ty, depth + 1)?;
        Ok(if field.boxed {
            quote!(Box::new(#value))
        } else {
            value
        })
    }
}
