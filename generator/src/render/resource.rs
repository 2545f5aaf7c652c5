//! `Resource`: every resource type in one enum, decoded by `object` (and
//! `deleted`), with a fallback that keeps unknown objects as JSON. A
//! variant exists when its resource's types are built (its unit's feature).

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::codecs::Side;
use crate::model::layout;
use crate::model::{Model, ModulePath, TypeId, TypeKind};
use crate::naming;
use crate::render::{cfg_features, docs, ident, TypeRenderer};

pub fn resource_enum(model: &Model) -> TokenStream {
    let module: ModulePath = vec!["resource".to_owned()];
    let renderer = TypeRenderer {
        model,
        module: &module,
        side: Side::Api,
        // `Resource` names no params type.
        split: false,
    };
    let resources: Vec<(&str, TypeId)> = model.resources().collect();
    let variant = |id: TypeId| {
        let def = model.get(id);
        ident(&naming::qualified_type_name(
            layout::namespace(&def.module),
            &def.rust_name,
        ))
    };
    let gate = |id: TypeId| {
        let feature = model
            .features
            .module_units
            .get(&model.get(id).module)
            .map(|unit| model.features.units[unit].types_feature.as_str());
        cfg_features(feature.as_slice())
    };
    let variants = resources.iter().map(|(resource_id, id)| {
        let (name, path, cfg) = (variant(*id), renderer.path(*id), gate(*id));
        let doc = format!(" `{}`", docs::comment_text(resource_id));
        quote!(#cfg #[doc = #doc] #name(Box<#path>),)
    });
    let ids = resources.iter().map(|(resource_id, id)| {
        let (name, cfg) = (variant(*id), gate(*id));
        quote!(#cfg Self::#name(_) => Some(#resource_id),)
    });
    let serialize = resources.iter().map(|(_, id)| {
        let (name, cfg) = (variant(*id), gate(*id));
        quote!(#cfg Self::#name(object) => object.serialize(serializer),)
    });
    let by_id = resources.iter().map(|(resource_id, id)| {
        let (name, cfg) = (variant(*id), gate(*id));
        quote!(#cfg #resource_id => Some(stripe_core::from_slice(json).map(Self::#name)),)
    });
    let by_object = discriminators(model, &resources)
        .into_iter()
        .map(|(object, deleted, id)| {
            let (name, cfg) = (variant(id), gate(id));
            quote!(#cfg Some((#object, #deleted)) => decoder.value().map(Self::#name),)
        });
    quote! {
        /// Any Stripe resource. Decoding picks the variant by the `object`
        /// field; an object this version of the spec does not know, or whose
        /// resource is not built by the enabled features, is kept as JSON.
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

            /// Decodes `json` as the resource named `resource_id`, whatever its
            /// `object` field says. `None` when no such resource is built.
            pub fn decode_as(resource_id: &str, json: &[u8]) -> Option<Result<Self, stripe_core::DecodeError>> {
                match resource_id {
                    #(#by_id)*
                    _ => {
                        // With few features on, no other arm may be left.
                        let _ = json;
                        None
                    }
                }
            }
        }

        impl stripe_core::Decode for Resource {
            fn decode(decoder: &mut stripe_core::Decoder<'_>) -> Result<Self, stripe_core::Failure> {
                match decoder.discriminator()?.as_ref().map(stripe_core::decode::Discriminator::key) {
                    #(#by_object)*
                    _ => decoder.json().map(Self::Unknown),
                }
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for Resource {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize)*
                    Self::Unknown(value) => value.serialize(serializer),
                }
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for Resource {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                stripe_core::serde_shim::deserialize(deserializer)
            }
        }
    }
}

/// Each `(object, deleted)` pair and the resource it decodes into: the
/// resource that is that object, or, for a pair only a polymorphic
/// resource covers (a deleted bank account is a `deleted_external_account`),
/// that one.
fn discriminators<'m>(
    model: &'m Model,
    resources: &[(&str, TypeId)],
) -> Vec<(&'m str, bool, TypeId)> {
    let mut out: Vec<(&str, bool, TypeId)> = Vec::new();
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
            if !out
                .iter()
                .any(|(o, d, _)| *o == object && *d == body.deleted)
            {
                out.push((object, body.deleted, *id));
            }
        }
    }
    out
}
