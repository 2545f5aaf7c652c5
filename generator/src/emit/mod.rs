//! Step 4: assembles the generated crate's files: groups the rendered items
//! by module, fills the file skeletons (askama templates) and formats the
//! result ([`format`]).

pub mod format;

use std::collections::BTreeMap;
use std::path::PathBuf;

use askama::Template;
use proc_macro2::TokenStream;
use quote::quote;

use crate::error::{Error, Result};
use crate::model::layout::{self, ROOT_RESOURCES, SHARED};
use crate::model::{Model, ModulePath, Operation, TypeId, TypeKind};
use crate::naming;
use crate::render::endpoints;
use crate::render::tests as render_tests;
use crate::render::{ident, TypeRenderer};

/// The generated test, beside the hand-written ones in the crate's `tests/`.
pub const EVERY_ENDPOINT_TEST: &str = "tests/every_endpoint.rs";

/// What every file's first line says.
pub struct Header<'a> {
    pub source: &'a str,
    pub api_version: &'a str,
}

#[derive(Template)]
#[template(path = "lib.rs.jinja", escape = "none")]
struct LibFile<'a> {
    header: &'a Header<'a>,
    root_modules: Vec<&'a str>,
    namespaces: Vec<String>,
    /// The spec has an `event` object: the crate gets a `webhook` module.
    has_events: bool,
}

#[derive(Template)]
#[template(path = "mod.rs.jinja", escape = "none")]
struct ModFile<'a> {
    header: &'a Header<'a>,
    doc: String,
    files: Vec<String>,
}

#[derive(Template)]
#[template(path = "items.rs.jinja", escape = "none")]
struct ItemsFile<'a> {
    header: &'a Header<'a>,
    doc: String,
    items: String,
}

/// The unformatted text of every file, by path relative to the crate root.
pub fn emit(model: &Model, header: &Header<'_>) -> Result<BTreeMap<PathBuf, String>> {
    let mut modules: BTreeMap<&ModulePath, Vec<TypeId>> = BTreeMap::new();
    for (index, def) in model.types.iter().enumerate() {
        modules.entry(&def.module).or_default().push(TypeId(index));
    }

    // Each group's operations, in spec order.
    let mut groups: BTreeMap<TypeId, Vec<&Operation>> = BTreeMap::new();
    for operation in &model.operations {
        groups.entry(operation.group).or_default().push(operation);
    }

    let mut files = BTreeMap::new();
    // Namespace -> the files in it.
    let mut namespaces: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (module, types) in &modules {
        let renderer = TypeRenderer { model, module };
        let mut items: TokenStream = types.iter().map(|&id| renderer.item(id)).collect();
        for &id in types {
            if let Some(operations) = groups.get(&id) {
                items.extend(endpoints::impl_block(&renderer, id, operations));
            }
        }
        let doc = module_doc(model, module, types);
        let text = render(ItemsFile {
            header,
            doc,
            items: items.to_string(),
        })?;
        let path = match module.as_slice() {
            [shared] if shared == SHARED => PathBuf::from("src/shared.rs"),
            [namespace, file] => {
                namespaces.entry(namespace).or_default().push(file.clone());
                PathBuf::from(format!("src/{namespace}/{file}.rs"))
            }
            _ => {
                return Err(Error::new(format!(
                    "no file for module {}",
                    module.join("::")
                )))
            }
        };
        files.insert(path, text);
    }

    let mut root_modules = Vec::new();
    if modules.keys().any(|m| m.as_slice() == [SHARED]) {
        root_modules.push(SHARED);
    }
    for (namespace, module_files) in &namespaces {
        let doc = if *namespace == ROOT_RESOURCES {
            root_modules.push(ROOT_RESOURCES);
            "Resources of Stripe's root namespace, one file each; re-exported at the crate root."
                .to_owned()
        } else {
            format!("The `{namespace}` namespace of the Stripe API.")
        };
        let text = render(ModFile {
            header,
            doc,
            files: module_files.clone(),
        })?;
        files.insert(PathBuf::from(format!("src/{namespace}/mod.rs")), text);
    }
    root_modules.sort();
    let public_namespaces = namespaces
        .keys()
        .filter(|n| **n != ROOT_RESOURCES)
        .map(|n| n.to_string())
        .collect();
    files.insert(
        PathBuf::from("src/lib.rs"),
        render(LibFile {
            header,
            root_modules,
            namespaces: public_namespaces,
            has_events: model.components.contains_key("event"),
        })?,
    );
    let resource = resource_enum(model);
    files.insert(
        PathBuf::from("src/resource.rs"),
        render(ItemsFile {
            header,
            doc: "Any resource, told apart by its `object` field: what a webhook event carries."
                .to_owned(),
            items: resource.to_string(),
        })?,
    );
    if !model.operations.is_empty() {
        files.insert(
            PathBuf::from(EVERY_ENDPOINT_TEST),
            render(ItemsFile {
                header,
                doc: "Every endpoint function called once, with its required parameters, through the client against `stripe-mock`."
                    .to_owned(),
                items: render_tests::every_endpoint(model)?.to_string(),
            })?,
        );
    }
    Ok(files)
}

fn render(template: impl Template) -> Result<String> {
    template
        .render()
        .map_err(|e| Error::new(format!("template failed to render: {e}")))
}

fn module_doc(model: &Model, module: &ModulePath, types: &[TypeId]) -> String {
    let resource = types
        .iter()
        .map(|&id| model.get(id))
        .find(|def| def.resource_id.is_some());
    if let Some(unit) = types
        .iter()
        .map(|&id| model.get(id))
        .find(|def| matches!(def.kind, TypeKind::Unit))
    {
        return format!(
            "[`{}`]: endpoints whose path names no resource of the spec, and their types.",
            unit.rust_name
        );
    }
    match (resource, layout::namespace(module)) {
        (Some(def), _) => format!(
            "The `{}` resource ([`{}`]), its endpoints and the types that only they use.",
            def.resource_id.as_deref().unwrap_or_default(),
            def.rust_name
        ),
        (None, Some(namespace)) => {
            format!("Types used by several resources of the `{namespace}` namespace.")
        }
        (None, None) => "Types used by several resources, or by none.".to_owned(),
    }
}

/// `Resource`: every resource type in one enum, decoded by `object` (and
/// `deleted`), with a fallback that keeps unknown objects as JSON.
fn resource_enum(model: &Model) -> TokenStream {
    let module: ModulePath = vec!["resource".to_owned()];
    let renderer = TypeRenderer {
        model,
        module: &module,
    };
    let resources: Vec<(&str, TypeId)> = model.resources().collect();
    // Names are unique per namespace; the enum spans all of them.
    let variant = |id: TypeId| {
        let def = model.get(id);
        ident(&naming::qualified_type_name(
            layout::namespace(&def.module),
            &def.rust_name,
        ))
    };
    let variants = resources.iter().map(|(resource_id, id)| {
        let name = variant(*id);
        let path = renderer.path(*id);
        let doc = format!(" `{resource_id}`");
        quote!(#[doc = #doc] #name(Box<#path>),)
    });
    let ids = resources.iter().map(|(resource_id, id)| {
        let name = variant(*id);
        quote!(Self::#name(_) => Some(#resource_id),)
    });
    let serialize = resources.iter().map(|(_, id)| {
        let name = variant(*id);
        quote!(Self::#name(object) => object.serialize(serializer),)
    });
    let by_id = resources.iter().map(|(resource_id, id)| {
        let name = variant(*id);
        quote!(#resource_id => serde_json::from_value(value).map(Self::#name),)
    });
    // Each `(object, deleted)` pair decodes into the resource that is that
    // object; a pair only a polymorphic resource covers (a deleted bank
    // account is a `deleted_external_account`) decodes into that one.
    let mut discriminators: Vec<(&str, bool, TypeId)> = Vec::new();
    let structs_first = resources
        .iter()
        .filter(|(_, id)| matches!(model.get(*id).kind, TypeKind::Struct(_)))
        .chain(
            resources
                .iter()
                .filter(|(_, id)| matches!(model.get(*id).kind, TypeKind::Union(_))),
        );
    for (_, id) in structs_first {
        let members: Vec<TypeId> = match &model.get(*id).kind {
            TypeKind::Struct(_) => vec![*id],
            TypeKind::Union(variants) => variants.iter().map(|v| v.ty).collect(),
            _ => Vec::new(),
        };
        for member in members {
            let TypeKind::Struct(body) = &model.get(member).kind else {
                continue;
            };
            let Some(object) = body.object_name.as_deref() else {
                continue;
            };
            if !discriminators
                .iter()
                .any(|(o, d, _)| *o == object && *d == body.deleted)
            {
                discriminators.push((object, body.deleted, *id));
            }
        }
    }
    let by_object = discriminators.iter().map(|(object, deleted, id)| {
        let name = variant(*id);
        quote! {
            stripe_runtime::types::Discriminator { object: Some(#object), deleted: #deleted } =>
                stripe_runtime::types::from_buffered(value).map(Self::#name),
        }
    });
    quote! {
        /// Any Stripe resource. Decoding picks the variant by the `object`
        /// field; an object this version of the spec does not know is kept as JSON.
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        pub enum Resource {
            #(#variants)*
            /// An object this version of the spec does not describe, kept as JSON.
            Unknown(serde_json::Value),
        }

        impl Resource {
            /// The `x-resourceId` of the variant, e.g. `identity.verification_session`.
            pub fn resource_id(&self) -> Option<&'static str> {
                match self {
                    #(#ids)*
                    Self::Unknown(_) => None,
                }
            }

            /// Decodes `value` as the resource named `resource_id`, whatever its
            /// `object` field says. `None` when the spec has no such resource.
            pub fn from_value_as(resource_id: &str, value: serde_json::Value) -> Option<Result<Self, serde_json::Error>> {
                Some(match resource_id {
                    #(#by_id)*
                    _ => return None,
                })
            }
        }

        impl serde::Serialize for Resource {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize)*
                    Self::Unknown(value) => value.serialize(serializer),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for Resource {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                match stripe_runtime::types::Discriminator::of(&value) {
                    #(#by_object)*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
    }
}
