//! The id types: `crate::ids`, defined once in the lowest generated crate
//! and ungated, so that a field or path parameter of any unit can name the
//! id of a resource whatever features leave that resource out.
//!
//! ```ignore
//! /// The id of a `Customer`.
//! pub type CustomerId = stripe_core::Id<kinds::Customer>;
//! pub mod identity {
//!     /// The id of a `VerificationSession` (`identity.verification_session`).
//!     pub type VerificationSessionId = stripe_core::Id<crate::ids::kinds::identity::VerificationSession>;
//! }
//! pub mod kinds {
//!     /// What a [`CustomerId`](super::CustomerId) names.
//!     pub enum Customer {}
//!     pub mod identity { pub enum VerificationSession {} }
//! }
//! ```

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{layout, Model, TypeId};
use crate::naming::{id_type_name, IDS_MODULE};
use crate::render::ident;

/// `crate::ids::identity::VerificationSessionId`.
pub fn id_path(model: &Model, kind: TypeId) -> TokenStream {
    let def = model.get(kind);
    let ids = ident(IDS_MODULE);
    let namespace = layout::namespace(&def.module).iter().map(|m| ident(m));
    let name = ident(&id_type_name(&def.rust_name));
    quote!(crate::#ids::#(#namespace::)*#name)
}

/// `crate::ids::kinds::identity::VerificationSession`.
pub fn kind_path(model: &Model, kind: TypeId) -> TokenStream {
    let def = model.get(kind);
    let ids = ident(IDS_MODULE);
    let namespace = layout::namespace(&def.module).iter().map(|m| ident(m));
    let name = ident(&def.rust_name);
    quote!(crate::#ids::kinds::#(#namespace::)*#name)
}

/// The Rust names of the id types of each namespace (`""` for the root),
/// sorted: what the namespace modules re-export.
pub fn id_names_by_namespace(model: &Model) -> BTreeMap<String, Vec<String>> {
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for &kind in &model.id_kinds {
        let def = model.get(kind);
        names
            .entry(layout::namespace_path(&def.module))
            .or_default()
            .push(id_type_name(&def.rust_name));
    }
    for list in names.values_mut() {
        list.sort();
        list.dedup();
    }
    names
}

/// The items of the `ids` module.
pub fn ids_module(model: &Model) -> TokenStream {
    let mut aliases = Tree::default();
    let mut kinds = Tree::default();
    for &kind in &model.id_kinds {
        let def = model.get(kind);
        let namespace = layout::namespace(&def.module);
        let name = ident(&def.rust_name);
        let alias = ident(&id_type_name(&def.rust_name));
        let kind_path = kind_path(model, kind);
        let resource = def.resource_id.as_deref().unwrap_or_default();
        let alias_doc = format!(" A `{}`'s id (`{resource}`).", def.rust_name);
        let kind_doc = format!(
            " What a `{}` names: the kind of its `stripe_core::Id`.",
            id_type_name(&def.rust_name)
        );
        aliases.insert(
            namespace,
            &def.rust_name,
            quote! {
                #[doc = #alias_doc]
                pub type #alias = stripe_core::Id<#kind_path>;
            },
        );
        kinds.insert(
            namespace,
            &def.rust_name,
            quote! {
                #[doc = #kind_doc]
                pub enum #name {}
            },
        );
    }
    let aliases = aliases.tokens();
    let kinds = kinds.tokens();
    quote! {
        #aliases
        /// The kinds the id types are told apart by, one empty enum per resource.
        pub mod kinds {
            #kinds
        }
    }
}

/// Items by namespace module, nested (`v2` holds `core`), each once.
#[derive(Default)]
struct Tree {
    items: BTreeMap<String, TokenStream>,
    modules: BTreeMap<String, Tree>,
}

impl Tree {
    fn insert(&mut self, namespace: &[String], name: &str, item: TokenStream) {
        match namespace.split_first() {
            Some((module, rest)) => self
                .modules
                .entry(module.clone())
                .or_default()
                .insert(rest, name, item),
            None => {
                self.items.entry(name.to_owned()).or_insert(item);
            }
        }
    }

    fn tokens(&self) -> TokenStream {
        let items = self.items.values();
        let modules = self.modules.iter().map(|(name, tree)| {
            let name = ident(name);
            let body = tree.tokens();
            quote!(pub mod #name { #body })
        });
        quote!(#(#items)* #(#modules)*)
    }
}
