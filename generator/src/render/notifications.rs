//! `EventNotification`: a thin event (v2) as an event destination receives
//! it, typed by its type, a variant per type Stripe's SDKs know; beside the
//! thin event resource. Each variant is a `stripe_core::Notification` of
//! the event and the object it relates to, which it fetches typed:
//!
//! ```ignore
//! match stripe::webhook::parse_event_notification(&body, signature, &secret)? {
//!     EventNotification::V2CoreEventDestinationPing(ping) => {
//!         let destination = ping.fetch_related_object(&client).expect("it relates to one").await?;
//!     }
//!     other => println!("{}", other.event().type_),
//! }
//! ```
//!
//! A variant whose related object's types are not built (its feature is
//! off) is left out, and such a notification decodes as `Unknown`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::features::type_features;
use crate::model::{Model, RelatedObject, ThinEvents};
use crate::naming;
use crate::render::{cfg_features, docs, ident, TypeRenderer};

/// The enum and its impls, in the module of the thin event resource.
pub fn event_notification(renderer: &TypeRenderer<'_>, thin: &ThinEvents) -> TokenStream {
    let model = renderer.model;
    let event_def = model.get(thin.event);
    let event = ident(&event_def.rust_name);
    let name = ident(&notification_type_name(model, thin));
    let event_version = &thin.api_version;
    let own_features = type_features(model, thin.event);
    // A variant is compiled when its related object's types are; those of
    // the event's own unit always are, with it.
    let gate = |related: &RelatedObject| match related {
        RelatedObject::Typed { ty, .. } => {
            let needed: Vec<&str> = type_features(model, *ty)
                .into_iter()
                .filter(|f| !own_features.contains(f))
                .collect();
            cfg_features(&needed)
        }
        RelatedObject::None | RelatedObject::Untyped(_) => TokenStream::new(),
    };
    let related_type = |related: &RelatedObject| match related {
        RelatedObject::Typed { ty, .. } => renderer.path(*ty),
        RelatedObject::None => quote!(stripe_core::NoRelatedObject),
        RelatedObject::Untyped(_) => quote!(serde_json::Value),
    };
    let related_version = |related: &RelatedObject| match related {
        RelatedObject::Typed { api_version, .. } => api_version.clone(),
        RelatedObject::None | RelatedObject::Untyped(_) => event_version.clone(),
    };
    let variants = thin.types.iter().map(|t| {
        let (variant, cfg, ty) = (
            ident(&t.variant),
            gate(&t.related),
            related_type(&t.related),
        );
        let doc = format!(
            " `{}`: {}",
            docs::comment_text(&t.event_type),
            relates(model, &t.related)
        );
        quote!(#cfg #[doc = #doc] #variant(stripe_core::Notification<#event, #ty>),)
    });
    let all = || {
        thin.types
            .iter()
            .map(|t| (ident(&t.variant), gate(&t.related)))
            .collect::<Vec<_>>()
    };
    let arms = |body: TokenStream| {
        let each = all()
            .into_iter()
            .map(|(variant, cfg)| quote!(#cfg Self::#variant(note) => #body,));
        quote!(#(#each)* Self::Unknown(note) => #body,)
    };
    let event_arm = arms(quote!(note.event()));
    let into_arm = arms(quote!(note.into_event()));
    let request_arm = arms(quote!(note.related_object_request()));
    let by_type = thin.types.iter().map(|t| {
        let (variant, cfg) = (ident(&t.variant), gate(&t.related));
        let (wire, version) = (&t.event_type, related_version(&t.related));
        quote!(#cfg #wire => Self::#variant(stripe_core::Notification::new(event, #version)),)
    });
    let known = thin.types.iter().map(|t| &t.event_type);
    let fields = &thin.fields;
    let (id, type_, context) = (
        ident(&fields.id),
        ident(&fields.type_),
        ident(&fields.context),
    );
    let (related_object, url) = (ident(&fields.related_object), ident(&fields.url));
    let retrieve = &thin.retrieve_path;
    let doc = format!(
        " A thin event as an event destination receives it ([`{}`] without its `data` and `changes`), typed by its type: one variant per type Stripe's SDKs know, each able to fetch the object it relates to, typed. A type this version does not know, or whose related object's feature is off, is `Unknown`.",
        event_def.rust_name
    );
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A type this version of the client does not type.
            Unknown(stripe_core::Notification<#event, serde_json::Value>),
        }

        impl #name {
            /// The event, as delivered.
            pub fn event(&self) -> &#event {
                match self { #event_arm }
            }

            pub fn into_event(self) -> #event {
                match self { #into_arm }
            }

            /// Fetches the whole event (with its `data`), in its context.
            pub fn fetch_event<C: stripe_core::StripeClient>(&self, client: &C) -> C::Response<#event> {
                client.execute(stripe_core::event::event_request(self.event(), #retrieve, #event_version))
            }

            /// Fetches the object the event relates to, in its context, as
            /// JSON, whatever the type (a variant's own
            /// `fetch_related_object` decodes it typed). `None` when there
            /// is none.
            pub fn fetch_related_object_json<C: stripe_core::StripeClient>(&self, client: &C) -> Option<C::Response<serde_json::Value>> {
                let request = match self { #request_arm };
                request.map(|request| client.execute(request))
            }
        }

        impl From<#event> for #name {
            fn from(event: #event) -> Self {
                match event.#type_.as_str() {
                    #(#by_type)*
                    _ => Self::Unknown(stripe_core::Notification::new(event, #event_version)),
                }
            }
        }

        impl stripe_core::Decode for #name {
            fn decode(decoder: &mut stripe_core::Decoder<'_>) -> Result<Self, stripe_core::Failure> {
                <#event as stripe_core::Decode>::decode(decoder).map(Self::from)
            }
        }

        impl stripe_core::EventNotificationKind for #name {
            const KNOWN_TYPES: &'static [&'static str] = &[#(#known),*];

            fn event_type(&self) -> &str {
                &self.event().#type_
            }

            fn context(&self) -> Option<&str> {
                self.event().#context.as_deref()
            }
        }

        impl stripe_core::ThinEvent for #event {
            fn id(&self) -> &str {
                &self.#id
            }

            fn event_type(&self) -> &str {
                &self.#type_
            }

            fn context(&self) -> Option<&str> {
                self.#context.as_deref()
            }

            fn related_object_url(&self) -> Option<&str> {
                self.#related_object.as_ref().map(|related| related.#url.as_str())
            }
        }
    }
}

/// The enum's name: `EventNotification`, unless a type of its namespace
/// has it.
pub fn notification_type_name(model: &Model, thin: &ThinEvents) -> String {
    let namespace = crate::model::layout::namespace(&model.get(thin.event).module);
    let taken: Vec<&str> = model
        .types
        .iter()
        .filter(|def| crate::model::layout::namespace(&def.module) == namespace)
        .map(|def| def.rust_name.as_str())
        .collect();
    naming::fresh_name(naming::EVENT_NOTIFICATION, &taken)
}

fn relates(model: &Model, related: &RelatedObject) -> String {
    match related {
        RelatedObject::None => "relates to no object.".to_owned(),
        RelatedObject::Typed { ty, .. } => {
            let def = model.get(*ty);
            let namespace = crate::model::layout::namespace(&def.module);
            let path: Vec<&str> = std::iter::once("crate")
                .chain(namespace.iter().map(String::as_str))
                .chain([def.rust_name.as_str()])
                .collect();
            format!("relates to a [`{}`]({}).", def.rust_name, path.join("::"))
        }
        RelatedObject::Untyped(object) => format!(
            "relates to a `{}`, which this spec does not describe (fetched as JSON).",
            docs::comment_text(object)
        ),
    }
}
