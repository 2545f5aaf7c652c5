//! `Resource`: every resource type in one enum, decoded by `object` (and
//! `deleted`), with a fallback that keeps unknown objects as JSON. A
//! variant exists when its resource's types are built (its unit's feature).
//!
//! `EventObject`: an event's object typed by the event's type, a variant
//! per event type whose object's types are built, made from the `Resource`
//! the event decoded.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::model::codecs::Side;
use crate::model::features::type_features;
use crate::model::layout;
use crate::model::placement::Split;
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
        split: Split::default(),
    };
    let resources: Vec<(&str, TypeId)> = model.resources().collect();
    let variant_names = resource_variants(model);
    let variant = |id: TypeId| variant_names[&id].clone();
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
    let events = event_object_enum(model, &renderer, &variant_names);
    let by_object = discriminators(model, &resources)
        .into_iter()
        .map(|(object, deleted, id)| {
            let (name, cfg) = (variant(id), gate(id));
            quote!(#cfg Some((#object, #deleted)) => decoder.value().map(Self::#name),)
        });
    quote! {
        /// Any Stripe resource. Decoding picks the variant by the `object`
        /// field; an object this version of the spec does not know, or whose
        /// resource is not built by the enabled features, is kept as JSON,
        /// and one that does not fit its type is kept as JSON with the reason,
        /// so that an event of a newer API version is never refused.
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        pub enum Resource {
            #(#variants)*
            /// An object this version of the spec does not describe, kept as JSON.
            Unknown(serde_json::Value),
            /// An object whose `object` names a resource of this version but
            /// that does not fit its type (a newer API version changed it):
            /// its JSON, and why it did not decode.
            Undecodable(Box<stripe_core::Undecodable>),
        }

        impl Resource {
            /// The `x-resourceId` of the variant, e.g. `identity.verification_session`.
            pub fn resource_id(&self) -> Option<&'static str> {
                match self {
                    #(#ids)*
                    Self::Unknown(_) | Self::Undecodable(_) => None,
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
                // Once for the enum, not per resource: the crate's rustc
                // memory is held under 1 GB.
                Ok(decoder
                    .or_json(Self::by_object)?
                    .unwrap_or_else(|undecodable| Self::Undecodable(Box::new(undecodable))))
            }
        }

        impl Resource {
            /// The resource `object` (and `deleted`) names, or JSON.
            fn by_object(decoder: &mut stripe_core::Decoder<'_>) -> Result<Self, stripe_core::Failure> {
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
                    Self::Undecodable(undecodable) => undecodable.json.serialize(serializer),
                }
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for Resource {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                stripe_core::serde_shim::deserialize(deserializer)
            }
        }

        #events
    }
}

/// Each resource's variant in `Resource`.
fn resource_variants(model: &Model) -> BTreeMap<TypeId, Ident> {
    let ids: Vec<TypeId> = model.resources().map(|(_, id)| id).collect();
    let namespaces: Vec<String> = ids
        .iter()
        .map(|&id| layout::namespace(&model.get(id).module).join("."))
        .collect();
    let names: Vec<(Option<&str>, &str)> = ids
        .iter()
        .zip(&namespaces)
        .map(|(&id, namespace)| {
            let namespace = Some(namespace.as_str()).filter(|ns| !ns.is_empty());
            (namespace, model.get(id).rust_name.as_str())
        })
        .collect();
    let variants = naming::resource_variant_names(&names);
    ids.into_iter()
        .zip(variants.iter().map(|name| ident(name)))
        .collect()
}

/// `EventObject` and the `Event` methods that make it; nothing when the
/// spec's events are not typed.
fn event_object_enum(
    model: &Model,
    renderer: &TypeRenderer<'_>,
    resources: &BTreeMap<TypeId, Ident>,
) -> TokenStream {
    let Some(fields) = &model.event_fields else {
        return TokenStream::new();
    };

    let event_type = renderer.path(event_type_id(model, fields));
    let typed: Vec<_> = model
        .event_objects
        .iter()
        .filter_map(|e| e.object.map(|object| (e, object)))
        .collect();
    let variants = typed.iter().map(|(event, object)| {
        let (name, path) = (ident(&event.variant), renderer.path(*object));
        let cfg = cfg_features(&type_features(model, *object));
        let doc = format!(" `{}`", docs::comment_text(&event.event_type));
        quote!(#cfg #[doc = #doc] #name(Box<#path>),)
    });
    let arms = typed.iter().flat_map(|(event, object)| {
        event_arms(
            model,
            renderer,
            resources,
            &event_type,
            &event.variant,
            *object,
        )
    });
    let event = renderer.path(fields.event);
    let type_path = fields.type_path.iter().map(|f| ident(f));
    let object_path: Vec<_> = fields.object_path.iter().map(|f| ident(f)).collect();
    let type_path_owned = type_path.clone();
    let events_cfg = cfg_features(&type_features(model, fields.event));
    let doc = format!(
        " An event's object, typed by the event's type: a variant per event type \
         (`customer.subscription.updated` carries a `Subscription`), made by \
         [`{0}::object`] or [`{0}::into_object`].",
        model.get(fields.event).rust_name
    );
    quote! {
        #[doc = #doc]
        #events_cfg
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum EventObject {
            #(#variants)*
            /// An event type this version of the spec does not know, one whose
            /// object's types the enabled features do not build, or one whose
            /// object is not what its type promises: the object as [`Resource`]
            /// decoded it (JSON when its `object` is unknown too).
            Other(Resource),
        }

        #events_cfg
        impl EventObject {
            /// Types `object`, an event's `data.object`, by the event's type.
            pub fn new(event_type: &#event_type, object: Resource) -> Self {
                match (event_type, object) {
                    #(#arms)*
                    (_, object) => Self::Other(object),
                }
            }
        }

        #events_cfg
        impl #event {
            /// The event's object, typed by its type (a clone; see
            /// [`into_object`](Self::into_object)).
            pub fn object(&self) -> EventObject {
                EventObject::new(&self.#(#type_path).*, self.#(#object_path).*.clone())
            }

            /// The event's object, typed by its type.
            pub fn into_object(self) -> EventObject {
                EventObject::new(&self.#(#type_path_owned).*, self.#(#object_path).*)
            }
        }

        /// A JSON value decoded as `T`, for an object `Resource` keeps as
        /// JSON (its `object` names no resource) that an event type types.
        #[allow(dead_code)]
        fn from_json<T: stripe_core::Decode>(json: &serde_json::Value) -> Option<T> {
            let text = serde_json::to_vec(json).ok()?;
            stripe_core::from_slice(&text).ok()
        }
    }
}

/// `EventType` in the model: the type of the event's type field.
fn event_type_id(model: &Model, fields: &crate::model::EventFields) -> TypeId {
    let TypeKind::Struct(body) = &model.get(fields.event).kind else {
        unreachable!("event_fields found a struct")
    };
    body.fields
        .iter()
        .find(|f| f.rust_name == fields.type_path[0])
        .and_then(|f| match f.ty {
            crate::model::TypeRef::Named(id) => Some(id),
            _ => None,
        })
        .expect("type_events typed the event's type field")
}

/// The match arms that make `EventObject::<variant>` from a `Resource`:
/// the resource itself; for a union, each member that is a resource; and
/// for anything that is not itself a resource, JSON decoded as it.
fn event_arms(
    model: &Model,
    renderer: &TypeRenderer<'_>,
    resources: &BTreeMap<TypeId, Ident>,
    event_type: &TokenStream,
    variant: &str,
    object: TypeId,
) -> Vec<TokenStream> {
    let name = ident(variant);
    let is_resource = |id: TypeId| model.get(id).resource_id.is_some();
    let gate = |ids: &[TypeId]| {
        let mut features: Vec<&str> = ids
            .iter()
            .flat_map(|id| type_features(model, *id))
            .collect();
        features.sort_unstable();
        features.dedup();
        cfg_features(&features)
    };
    let mut arms = Vec::new();
    let def = model.get(object);
    if is_resource(object) && matches!(def.kind, TypeKind::Struct(_)) {
        let (resource, cfg) = (&resources[&object], gate(&[object]));
        arms.push(quote!(#cfg (#event_type::#name, Resource::#resource(o)) => Self::#name(o),));
        return arms;
    }
    if let TypeKind::Union(members) = &def.kind {
        let union = renderer.path(object);
        for member in members.iter().filter(|m| is_resource(m.ty)) {
            let (resource, cfg) = (&resources[&member.ty], gate(&[object, member.ty]));
            let member_name = ident(&member.rust_name);
            arms.push(quote! {
                #cfg (#event_type::#name, Resource::#resource(o)) => Self::#name(Box::new(#union::#member_name(o))),
            });
        }
    }
    let cfg = gate(&[object]);
    arms.push(quote! {
        #cfg (#event_type::#name, Resource::Unknown(json)) => match from_json(&json) {
            Some(o) => Self::#name(Box::new(o)),
            None => Self::Other(Resource::Unknown(json)),
        },
    });
    arms
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
