//! Step 4: assembles the generated crates' files: groups the rendered items
//! by module, gates them by cargo feature, fills the file skeletons (askama
//! templates, also for the `Cargo.toml`s and their feature graph) and
//! formats the Rust ([`mod@format`]).
//!
//! The crates that come out, paths relative to the `generated/` folder:
//! `api/` (`stripe-api`: types, endpoints, `Resource`; depends on
//! `stripe-core` only); when [`CrateLayout`] asks for them, `params/`
//! (`stripe-params`: the types only requests use), `base/`
//! (`stripe-api-base`: the units the others build on, see
//! [`crate::model::features`], below `stripe-api`, which re-exports it) and
//! the `stripe` crate itself at the root, which re-exports `stripe-api`
//! beside the HTTP client and holds the generated every-endpoint test.

pub mod format;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use askama::Template;
use proc_macro2::TokenStream;
use quote::quote;

use crate::error::{Error, Result};
use crate::model::codecs::Side;
use crate::model::features::{type_features, Features};
use crate::model::layout::{self, ROOT_RESOURCES, SHARED};
use crate::model::placement::{crate_of, gate_features, module_feature, Crate, Split};
use crate::model::{Model, ModulePath, Operation, TypeId, TypeKind};
use crate::naming;
use crate::render::{
    cfg_features, cli as render_cli, docs, endpoints, ident, ids as render_ids, notifications,
    resource, tests as render_tests, TypeRenderer,
};

/// The generated test, beside the hand-written ones in the crate's `tests/`.
pub const EVERY_ENDPOINT_TEST: &str = "tests/every_endpoint.rs";
/// The operation table of the `stripe` command line (`cli/`), which reads
/// it as a module (`#[path]`), so it has no dependency on the client crates.
pub const CLI_TABLE: &str = "cli/commands.rs";
/// Where the generated API crate goes, below the output folder.
pub const API_CRATE: &str = "api";
/// Where the crate of params types goes, below the output folder.
pub const PARAMS_CRATE: &str = "params";
/// Where the crate of the base units goes, below the output folder.
pub const BASE_CRATE: &str = "base";

/// What every file's first line says. Both parts come from the spec and go
/// into comments, so they are kept to one line of plain text.
pub struct Header {
    source: String,
    api_version: String,
}

impl Header {
    pub fn new(source: &str, api_version: &str) -> Header {
        Header {
            source: docs::comment_text(source),
            api_version: docs::comment_text(api_version),
        }
    }
}

/// Names and paths the generated `Cargo.toml`s need.
#[derive(Debug, Clone)]
pub struct CrateLayout {
    /// The package name of the generated API crate.
    pub api_package: String,
    /// The package name of the crate of params types, beside it; `None`
    /// keeps them in the API crate.
    pub params_package: Option<String>,
    /// The package name of the crate of the base units, below the API
    /// crate; `None` keeps them in the API crate.
    pub base_package: Option<String>,
    /// `stripe-core`'s folder, relative to the API crate's.
    pub core_path: String,
    /// The package `stripe-core` is published as (the generated code calls
    /// it `stripe_core` whatever its package name).
    pub core_package: String,
    /// The version of every generated crate, and of the path dependencies
    /// between them and on the runtime (`cargo publish` needs both).
    pub version: String,
    /// Whether the generated crates may be published (test crates may not).
    pub publish: bool,
    /// The `stripe` crate around the API crate; `None` makes the API crate alone.
    pub facade: Option<Facade>,
}

#[derive(Debug, Clone)]
pub struct Facade {
    /// The facade's package name (its library is `stripe` whatever it is).
    pub package: String,
    /// `stripe-core`'s folder, relative to the facade's.
    pub core_path: String,
    /// `stripe-runtime`'s folder, relative to the facade's.
    pub runtime_path: String,
    /// The package `stripe-runtime` is published as.
    pub runtime_package: String,
}

impl CrateLayout {
    /// Which crates it has beside the API crate.
    pub fn split(&self) -> Split {
        Split {
            params: self.params_package.is_some(),
            base: self.base_package.is_some(),
        }
    }
}

impl Default for CrateLayout {
    /// The project's layout: `generated/` beside `runtime/`, every package
    /// named `typed-stripe-*` (bare `stripe-*` names read as Stripe's own,
    /// and `stripe` is taken on crates.io), the libraries named as the code
    /// calls them (`stripe`, `stripe_api`, `stripe_core`).
    fn default() -> Self {
        CrateLayout {
            api_package: "typed-stripe-api".to_owned(),
            params_package: Some("typed-stripe-params".to_owned()),
            base_package: Some("typed-stripe-api-base".to_owned()),
            core_path: "../../runtime/core".to_owned(),
            core_package: "typed-stripe-core".to_owned(),
            version: "0.1.0".to_owned(),
            publish: true,
            facade: Some(Facade {
                package: "typed-stripe".to_owned(),
                core_path: "../runtime/core".to_owned(),
                runtime_path: "../runtime/client".to_owned(),
                runtime_package: "typed-stripe-runtime".to_owned(),
            }),
        }
    }
}

#[derive(Template)]
#[template(path = "api_lib.rs.jinja", escape = "none")]
struct ApiLib<'a> {
    header: &'a Header,
    api_version_item: String,
    root_modules: Vec<RootModule>,
    namespaces: Vec<GatedName>,
    params_crate: bool,
    /// This is the base crate: no `Resource`, other docs.
    is_base: bool,
    /// The Rust name of the base crate below this one, re-exported.
    base_crate: Option<String>,
    /// What the docs show at the crate root: each root resource's module
    /// and its resources and endpoint groups.
    root_items: Vec<GatedName>,
    /// The internal features (`__types_*`), whose `cfg` badges docs.rs
    /// leaves out (it lists no feature starting with `_` either).
    internal_features: Vec<String>,
    /// The id types are defined here (the lowest generated crate).
    defines_ids: bool,
    /// The id types of the root namespace, re-exported at the root (the
    /// top crate only): `stripe::CustomerId`.
    root_ids: Vec<String>,
}

#[derive(Template)]
#[template(path = "params_lib.rs.jinja", escape = "none")]
struct ParamsLib<'a> {
    header: &'a Header,
    root_modules: Vec<&'a str>,
    namespaces: Vec<GatedName>,
    /// As [`ApiLib::defines_ids`].
    defines_ids: bool,
}

#[derive(Template)]
#[template(path = "stripe_lib.rs.jinja", escape = "none")]
struct StripeLib<'a> {
    header: &'a Header,
    /// The spec has an `event` object: the crate gets a `webhook` module.
    has_events: bool,
    /// The path of the typed thin event notifications
    /// (`v2::core::EventNotification`), when the spec has them.
    event_notification: Option<String>,
    /// As [`ApiLib::internal_features`]: the items it inlines carry them.
    internal_features: Vec<String>,
}

#[derive(Template)]
#[template(path = "mod.rs.jinja", escape = "none")]
struct ModFile<'a> {
    header: &'a Header,
    /// The module's doc, line by line.
    doc: Vec<String>,
    files: Vec<GatedName>,
    /// The files are public modules (a root resource's: `stripe::customer`).
    public_files: bool,
    /// The namespaces below it (`v2`'s `core`), public modules.
    namespaces: Vec<GatedName>,
    /// `pub use` lines after the files'.
    reexports: Vec<String>,
}

#[derive(Template)]
#[template(path = "items.rs.jinja", escape = "none")]
struct ItemsFile<'a> {
    header: &'a Header,
    doc: String,
    items: String,
}

#[derive(Template)]
#[template(path = "api.Cargo.toml.jinja", escape = "none")]
struct ApiManifest<'a> {
    header: &'a Header,
    package: String,
    package_key: String,
    package_fields: PackageFields,
    description: String,
    core_dependency: String,
    /// The other generated crates it depends on, as TOML lines.
    dependencies: Vec<String>,
    full: String,
    serde: String,
    feature_lines: Vec<String>,
}

#[derive(Template)]
#[template(path = "params.Cargo.toml.jinja", escape = "none")]
struct ParamsManifest<'a> {
    header: &'a Header,
    package: String,
    package_fields: PackageFields,
    core_dependency: String,
    full: String,
    feature_lines: Vec<String>,
}

#[derive(Template)]
#[template(path = "stripe.Cargo.toml.jinja", escape = "none")]
struct StripeManifest<'a> {
    header: &'a Header,
    package: String,
    package_fields: PackageFields,
    /// The dependency on the API crate, with the features it always needs.
    api_dependency: String,
    core_dependency: String,
    runtime_dependency: String,
    feature_lines: Vec<String>,
}

/// What every generated `Cargo.toml` says of its package besides its name.
struct PackageFields {
    version: String,
    /// Where docs.rs shows the package once published.
    documentation: String,
    publish: bool,
}

impl PackageFields {
    fn of(crates: &CrateLayout, package: &str) -> PackageFields {
        PackageFields {
            version: toml_string(&crates.version),
            documentation: toml_string(&format!("https://docs.rs/{package}")),
            publish: crates.publish,
        }
    }
}

/// A module at the crate root whose items are re-exported there; `shared`
/// is public, so that its types have a page in the docs.
struct RootModule {
    name: &'static str,
    public: bool,
}

/// A module and the `#[cfg]` line that gates it (empty: always built).
struct GatedName {
    name: String,
    cfg: String,
}

/// The unformatted text of every file, by path relative to the output folder.
pub fn emit(
    model: &Model,
    header: &Header,
    crates: &CrateLayout,
) -> Result<BTreeMap<PathBuf, String>> {
    let mut files = BTreeMap::new();
    let base = Tree::of(model, crates, Crate::Base);
    let api = Tree::of(model, crates, Crate::Api);
    let params = Tree::of(model, crates, Crate::Params);
    let params_package = crates.params_package.as_deref();
    let params_below = params_package.map(|p| (p, &params));
    let base_below = crates.base_package.as_deref().map(|p| (p, &base));
    if let Some((package, _)) = base_below {
        let base_crate = ApiCrate {
            package,
            tree: &base,
            base: None,
            params: params_below,
        };
        for (path, text) in api_files(model, header, crates, &base_crate)? {
            files.insert(PathBuf::from(BASE_CRATE).join(path), text);
        }
    }
    let api_crate = ApiCrate {
        package: &crates.api_package,
        tree: &api,
        base: base_below,
        params: params_below,
    };
    for (path, text) in api_files(model, header, crates, &api_crate)? {
        files.insert(PathBuf::from(API_CRATE).join(path), text);
    }
    if let Some(package) = params_package {
        for (path, text) in params_files(model, header, crates, package, &params)? {
            files.insert(PathBuf::from(PARAMS_CRATE).join(path), text);
        }
    }
    if let Some(facade) = &crates.facade {
        files.extend(facade_files(model, header, crates, facade)?);
    }
    Ok(files)
}

/// The modules of one generated crate and the types in each.
struct Tree<'m> {
    /// How its types are rendered: the base crate's as the API crate's.
    side: Side,
    /// Which crates the layout has.
    split: Split,
    modules: BTreeMap<&'m ModulePath, Vec<TypeId>>,
}

impl<'m> Tree<'m> {
    fn of(model: &'m Model, crates: &CrateLayout, which: Crate) -> Tree<'m> {
        let mut modules: BTreeMap<&ModulePath, Vec<TypeId>> = BTreeMap::new();
        for (index, def) in model.types.iter().enumerate() {
            if crate_of(model, TypeId(index), crates.split()) == which {
                modules.entry(&def.module).or_default().push(TypeId(index));
            }
        }
        Tree {
            side: which.side(),
            split: crates.split(),
            modules,
        }
    }

    /// Every folder of modules below the crate root (`["identity"]`,
    /// `["v2"]`, `["v2", "core"]`, and `["resources"]` for the root's
    /// resources) -> the files in it; a folder that only holds others
    /// (`v2`) has none.
    fn folders(&self) -> BTreeMap<&'m [String], Vec<String>> {
        let mut folders: BTreeMap<&[String], Vec<String>> = BTreeMap::new();
        for module in self.modules.keys() {
            let Some((file, folder)) = module.split_last() else {
                continue;
            };
            if folder.is_empty() {
                continue; // the root's own `shared`
            }
            folders.entry(folder).or_default().push(file.clone());
            for depth in 1..folder.len() {
                folders.entry(&folder[..depth]).or_default();
            }
        }
        folders
    }

    /// The folders right below `folder`.
    fn children<'f>(
        folders: &BTreeMap<&'f [String], Vec<String>>,
        folder: &[String],
    ) -> Vec<&'f [String]> {
        folders
            .keys()
            .filter(|child| child.len() == folder.len() + 1 && child.starts_with(folder))
            .copied()
            .collect()
    }

    fn has_shared(&self) -> bool {
        self.modules.keys().any(|m| m.as_slice() == [SHARED])
    }

    /// The item files, `src/<namespace>/<file>.rs` and `src/shared.rs`;
    /// `extra` gives items to add to a module.
    fn item_files(
        &self,
        model: &Model,
        header: &Header,
        extra: impl Fn(&ModulePath) -> TokenStream + Sync,
    ) -> Result<BTreeMap<PathBuf, String>> {
        // Each group's operations, in spec order; endpoints live with the
        // resources, in the API crate.
        let mut groups: BTreeMap<TypeId, Vec<&Operation>> = BTreeMap::new();
        if self.side == Side::Api {
            for operation in &model.operations {
                groups.entry(operation.group).or_default().push(operation);
            }
        }
        let modules: Vec<(&ModulePath, &Vec<TypeId>)> =
            self.modules.iter().map(|(m, t)| (*m, t)).collect();
        let item_file =
            |(module, types): (&ModulePath, &Vec<TypeId>)| -> Result<(PathBuf, String)> {
                let mut items = module_items(model, self.side, self.split, module, types, &groups);
                items.extend(extra(module));
                let text = render(ItemsFile {
                    header,
                    doc: module_doc(model, module, types),
                    items: items.to_string(),
                })?;
                let path = match module.as_slice() {
                    [shared] if shared == SHARED => PathBuf::from("src/shared.rs"),
                    [_, ..] => PathBuf::from(format!("src/{}.rs", module.join("/"))),
                    [] => return Err(Error::new("no file for the crate root")),
                };
                Ok((path, text))
            };
        in_parallel(&modules, item_file).map(|files| files.into_iter().collect())
    }

    /// `src/<folder>/mod.rs` for every folder; `reexports` gives extra
    /// `pub use` lines for a folder.
    fn mod_files(
        &self,
        model: &Model,
        header: &Header,
        reexports: impl Fn(&[String]) -> Vec<String>,
    ) -> Result<BTreeMap<PathBuf, String>> {
        let mut files = BTreeMap::new();
        let folders = self.folders();
        for (folder, module_files) in &folders {
            let root = *folder == [ROOT_RESOURCES.to_owned()];
            let doc = if root {
                vec!["Resources of Stripe's root namespace, a public module each (`stripe::customer`); every type also re-exported at the crate root.".to_owned()]
            } else {
                namespace_doc(model, self.side, folder, &self.modules)
            };
            // The files of a namespace that is a unit are gated with it where
            // it is declared; the root's resources each by their own unit,
            // and those of a namespace that only holds others by theirs.
            let gated_alone = root || module_cfg(model, self.side, folder).is_empty();
            let files_in = module_files
                .iter()
                .map(|file| {
                    let mut module = folder.to_vec();
                    module.push(file.clone());
                    GatedName {
                        cfg: match gated_alone {
                            true => module_cfg(model, self.side, &module),
                            false => String::new(),
                        },
                        name: file.clone(),
                    }
                })
                .collect();
            let namespaces = Self::children(&folders, folder)
                .into_iter()
                .map(|child| GatedName {
                    name: child.last().cloned().unwrap_or_default(),
                    cfg: module_cfg(model, self.side, child),
                })
                .collect();
            let text = render(ModFile {
                header,
                doc,
                files: files_in,
                public_files: root && self.side == Side::Api,
                namespaces,
                reexports: reexports(folder),
            })?;
            files.insert(
                PathBuf::from(format!("src/{}/mod.rs", folder.join("/"))),
                text,
            );
        }
        Ok(files)
    }

    /// `mod`s at the crate root: `resources` and `shared`, re-exported.
    fn root_modules(&self) -> Vec<&'static str> {
        let has_resources = self
            .modules
            .keys()
            .any(|module| module.first().is_some_and(|m| m == ROOT_RESOURCES));
        let mut root = Vec::new();
        if has_resources {
            root.push(ROOT_RESOURCES);
        }
        if self.has_shared() {
            root.push(SHARED);
        }
        root
    }

    /// Each root resource's module, and the types in it that are resources
    /// or endpoint groups, each with its gate.
    fn root_items(&self, model: &Model) -> Vec<GatedName> {
        let mut items = Vec::new();
        for (module, types) in &self.modules {
            let [namespace, file] = module.as_slice() else {
                continue;
            };
            if namespace != ROOT_RESOURCES {
                continue;
            }
            items.push(GatedName {
                name: file.clone(),
                cfg: module_cfg(model, self.side, module),
            });
            let leads = types.iter().filter(|&&id| {
                let def = model.get(id);
                def.resource_id.is_some() || matches!(def.kind, TypeKind::Unit)
            });
            items.extend(leads.map(|&id| GatedName {
                name: model.get(id).rust_name.clone(),
                cfg: cfg_features(&type_features(model, id)).to_string(),
            }));
        }
        items
    }

    /// The public namespace modules at the crate root, each gated by its
    /// unit (a namespace that only holds others is not).
    fn public_namespaces(&self, model: &Model) -> Vec<GatedName> {
        self.folders()
            .into_keys()
            .filter(|folder| folder.len() == 1 && folder[0] != ROOT_RESOURCES)
            .map(|folder| GatedName {
                name: folder[0].clone(),
                cfg: module_cfg(model, self.side, folder),
            })
            .collect()
    }

    /// The folders that hold files, as Rust paths (`v2::core`): what a
    /// crate above re-exports, folder by folder.
    fn folders_with_files(&self) -> BTreeSet<String> {
        self.folders()
            .into_iter()
            .filter(|(folder, files)| !files.is_empty() && folder[0] != ROOT_RESOURCES)
            .map(|(folder, _)| folder.join("::"))
            .collect()
    }
}
/// One of the crates of resources: `stripe-api`, or the base crate below it.
struct ApiCrate<'a> {
    package: &'a str,
    tree: &'a Tree<'a>,
    /// The base crate below this one (package and tree), which it
    /// re-exports; `None` in the base crate itself and without a split.
    base: Option<(&'a str, &'a Tree<'a>)>,
    /// The params crate beside it (package and tree), when there is one.
    params: Option<(&'a str, &'a Tree<'a>)>,
}

impl ApiCrate<'_> {
    fn is_base(&self, crates: &CrateLayout) -> bool {
        crates.base_package.as_deref() == Some(self.package)
    }
}

/// A crate of resources, paths relative to its folder.
fn api_files(
    model: &Model,
    header: &Header,
    crates: &CrateLayout,
    krate: &ApiCrate<'_>,
) -> Result<BTreeMap<PathBuf, String>> {
    let is_base = krate.is_base(crates);
    let base_crate = krate
        .base
        .map(|_| naming::crate_name(naming::BASE_DEPENDENCY));
    let mut files = krate.tree.item_files(model, header, |module| {
        let mut items = params_of_resource(model, krate.params, module);
        // The root's shared types of the base crate, at the same path.
        let base_shared = krate.base.is_some_and(|(_, base)| base.has_shared());
        if let (Some(base), true) = (&base_crate, base_shared && module.as_slice() == [SHARED]) {
            let base = ident(base);
            items.extend(quote!(#[allow(unused_imports)] pub use #base::shared::*;));
        }
        items
    })?;
    // A namespace's types can be built (for another unit) while its params
    // module is not: the re-export has the params module's own gate.
    let params_folders = krate
        .params
        .map(|(_, tree)| tree.folders_with_files())
        .unwrap_or_default();
    let base_folders = krate
        .base
        .map(|(_, tree)| tree.folders_with_files())
        .unwrap_or_default();
    // The lowest crate defines the id types; each namespace module re-exports
    // its own by name (explicit, so a type of the same name wins silently).
    let defines_ids = krate.params.is_none() && krate.base.is_none();
    if defines_ids {
        files.extend(ids_file(model, header)?);
    }
    let mut id_names = render_ids::id_names_by_namespace(model);
    let root_ids = id_names.remove("").filter(|_| !is_base).unwrap_or_default();
    files.extend(krate.tree.mod_files(model, header, |folder| {
        let path = folder.join("::");
        let mut lines = Vec::new();
        if let Some(names) = id_names.get(&path) {
            lines.push(format!(
                "// Its resources' id types.\npub use crate::{}::{path}::{{{}}};",
                naming::IDS_MODULE,
                names.join(", ")
            ));
        }
        if params_folders.contains(&path) {
            let cfg = module_cfg(model, Side::Params, folder);
            lines.push(format!(
                "// Its params types, at the same paths.\n{cfg}\npub use stripe_params::{path}::*;"
            ));
        }
        if let (Some(base), true) = (&base_crate, base_folders.contains(&path)) {
            lines.push(format!(
                "// Those of the base crate, at the same paths.\n#[allow(unused_imports)]\npub use {base}::{path}::*;"
            ));
        }
        lines
    })?);
    let version = model.api_version.as_str();
    let api_version_item = quote! {
        /// The Stripe API version these types were generated from, sent as `Stripe-Version`.
        pub const API_VERSION: &str = #version;
    };
    files.insert(
        PathBuf::from("src/lib.rs"),
        render(ApiLib {
            header,
            api_version_item: api_version_item.to_string(),
            root_modules: krate
                .tree
                .root_modules()
                .into_iter()
                .map(|name| RootModule {
                    name,
                    public: name == SHARED,
                })
                .collect(),
            namespaces: krate.tree.public_namespaces(model),
            params_crate: krate.params.is_some(),
            is_base,
            base_crate,
            root_items: krate.tree.root_items(model),
            internal_features: internal_feature_literals(model),
            defines_ids: defines_ids && !model.id_kinds.is_empty(),
            root_ids,
        })?,
    );
    if !is_base {
        files.insert(
            PathBuf::from("src/resource.rs"),
            render(ItemsFile {
                header,
                doc:
                    "Any resource, told apart by its `object` field: what a webhook event carries; \
                      and that object typed by the event's type."
                        .to_owned(),
                items: resource::resource_enum(model).to_string(),
            })?,
        );
    }
    files.insert(
        PathBuf::from("Cargo.toml"),
        api_manifest(model, header, crates, krate)?,
    );
    Ok(files)
}

/// A root resource's params types are in its module too, each with its gate
/// in the params crate (the module's, its endpoints' feature, and its own).
fn params_of_resource(
    model: &Model,
    params: Option<(&str, &Tree<'_>)>,
    module: &ModulePath,
) -> TokenStream {
    let types = match (module.as_slice(), params) {
        ([namespace, _], Some((_, tree))) if namespace == ROOT_RESOURCES => {
            tree.modules.get(module)
        }
        _ => None,
    };
    let module_cfg: TokenStream = module_cfg(model, Side::Params, module)
        .parse()
        .expect("a cfg attribute parses");
    let reexports = types.into_iter().flatten().map(|&id| {
        let gate = cfg_features(&gate_features(model, id));
        let name = ident(&model.get(id).rust_name);
        quote!(#module_cfg #gate #[doc(inline)] pub use stripe_params::#name;)
    });
    quote!(#(#reexports)*)
}

/// The `Cargo.toml` of a crate of resources: its dependencies on the other
/// generated crates and its features.
fn api_manifest(
    model: &Model,
    header: &Header,
    crates: &CrateLayout,
    krate: &ApiCrate<'_>,
) -> Result<String> {
    let features = &model.features;
    let is_base = krate.is_base(crates);
    let below = [
        krate
            .params
            .map(|(package, _)| (naming::PARAMS_DEPENDENCY, package, PARAMS_CRATE)),
        krate
            .base
            .map(|(package, _)| (naming::BASE_DEPENDENCY, package, BASE_CRATE)),
    ];
    let dependencies = below
        .iter()
        .flatten()
        .map(|(key, package, folder)| {
            dependency_line(key, package, &format!("../{folder}"), &crates.version, &[])
        })
        .collect();
    let mut serde = vec!["dep:serde".to_owned()];
    serde.extend(
        below
            .iter()
            .flatten()
            .map(|(key, ..)| format!("{key}/serde")),
    );
    let in_crate = |unit: &str| !is_base || features.base_units.contains(unit);
    let forward = FeatureForwards {
        params: krate.params.map(|_| naming::PARAMS_DEPENDENCY),
        base: krate.base.map(|_| naming::BASE_DEPENDENCY),
    };
    let description = match is_base {
        true => "The resources of the generated Stripe client that the others build on (customers, charges, invoices, ...). Use them through the `stripe` crate.",
        false => "The generated part of the Stripe client: every resource, endpoint and params type of the spec. Use it through the `stripe` crate.",
    };
    render(ApiManifest {
        header,
        package: toml_string(krate.package),
        package_key: toml_key(krate.package),
        package_fields: PackageFields::of(crates, krate.package),
        description: toml_string(description),
        core_dependency: core_dependency(crates, &crates.core_path),
        dependencies,
        full: toml_array(full_features(features, in_crate)),
        serde: toml_array(serde.iter().map(String::as_str)),
        feature_lines: api_feature_lines(features, in_crate, &forward),
    })
}

/// The `stripe-params` crate, paths relative to its folder.
fn params_files(
    model: &Model,
    header: &Header,
    crates: &CrateLayout,
    package: &str,
    params: &Tree<'_>,
) -> Result<BTreeMap<PathBuf, String>> {
    let mut files = params.item_files(model, header, |_| TokenStream::new())?;
    files.extend(params.mod_files(model, header, |_| Vec::new())?);
    files.extend(ids_file(model, header)?);
    files.insert(
        PathBuf::from("src/lib.rs"),
        render(ParamsLib {
            header,
            root_modules: params.root_modules(),
            namespaces: params.public_namespaces(model),
            defines_ids: !model.id_kinds.is_empty(),
        })?,
    );
    let feature_lines = public_features(&model.features)
        .into_iter()
        .map(|name| format!("{} = []", toml_key(name)))
        .collect();
    files.insert(
        PathBuf::from("Cargo.toml"),
        render(ParamsManifest {
            header,
            package: toml_string(package),
            package_fields: PackageFields::of(crates, package),
            core_dependency: core_dependency(crates, &crates.core_path),
            full: toml_array(public_features(&model.features)),
            feature_lines,
        })?,
    );
    Ok(files)
}

/// `src/ids.rs` of the lowest generated crate, when the model has id
/// types.
fn ids_file(model: &Model, header: &Header) -> Result<Option<(PathBuf, String)>> {
    if model.id_kinds.is_empty() {
        return Ok(None);
    }
    let file = render(ItemsFile {
        header,
        doc: "The id types of the resources (`CustomerId`, `identity::VerificationSessionId`): \
              a price id where a customer id belongs does not compile. Defined here, in the \
              lowest crate and in every build, so that any unit can name any resource's id."
            .to_owned(),
        items: render_ids::ids_module(model).to_string(),
    })?;
    Ok(Some((PathBuf::from("src/ids.rs"), file)))
}

/// The items of one file: each type's items, and the endpoint functions of
/// the groups in it, each gated as the feature plan says.
fn module_items(
    model: &Model,
    side: Side,
    split: Split,
    module: &ModulePath,
    types: &[TypeId],
    groups: &BTreeMap<TypeId, Vec<&Operation>>,
) -> TokenStream {
    let renderer = TypeRenderer {
        model,
        module,
        side,
        split,
    };
    let mut items = TokenStream::new();
    for &id in types {
        let cfg = cfg_features(&gate_features(model, id));
        for item in renderer.items(id) {
            items.extend(quote!(#cfg #item));
        }
    }
    for &id in types {
        let Some(operations) = groups.get(&id) else {
            continue;
        };
        let unit = model.features.module_units.get(&model.get(id).module);
        let cfg = cfg_features(unit.map(String::as_str).as_slice());
        let block = endpoints::impl_block(&renderer, id, operations);
        items.extend(quote!(#cfg #block));
    }
    // Thin event notifications go beside the thin event resource.
    if let Some(thin) = model
        .thin_events
        .as_ref()
        .filter(|t| types.contains(&t.event))
    {
        if side == Side::Api {
            items.extend(notifications::event_notification(&renderer, thin));
        }
    }
    items
}

/// The `#[cfg]` line of a module (see [`module_feature`]), empty for none.
fn module_cfg(model: &Model, side: Side, module: &[String]) -> String {
    let feature = module_feature(model, side, module);
    cfg_features(feature.as_slice()).to_string()
}

fn public_features(features: &Features) -> Vec<&str> {
    features
        .units
        .iter()
        .filter(|(_, unit)| unit.has_endpoints)
        .map(|(name, _)| name.as_str())
        .collect()
}

/// `full`: every endpoint, and the types of every unit, also those no
/// endpoint returns (so that `Resource` holds every resource); of the
/// units `in_crate`.
fn full_features(features: &Features, in_crate: impl Fn(&str) -> bool) -> Vec<&str> {
    let units = || features.units.iter().filter(|(name, _)| in_crate(name));
    let public = units()
        .filter(|(_, unit)| unit.has_endpoints)
        .map(|(name, _)| name.as_str());
    let types = units().map(|(_, unit)| unit.types_feature.as_str());
    public.chain(types).collect()
}

/// Where a crate of resources passes its features on.
struct FeatureForwards<'a> {
    /// The params crate: a unit's feature builds its params there.
    params: Option<&'a str>,
    /// The base crate: a base unit's features are built there.
    base: Option<&'a str>,
}

/// `unit = [...]` and `__types_unit = [...]` for every unit `in_crate`,
/// each also turning on the same feature where it is passed on.
fn api_feature_lines(
    features: &Features,
    in_crate: impl Fn(&str) -> bool,
    forward: &FeatureForwards<'_>,
) -> Vec<String> {
    let types_feature = |unit: &String| features.units[unit].types_feature.clone();
    let forwarded = |unit: &str, feature: &str, public: bool| match (forward.base, forward.params) {
        (Some(base), _) if features.base_units.contains(unit) => Some(format!("{base}/{feature}")),
        (_, Some(params)) if public => Some(format!("{params}/{feature}")),
        _ => None,
    };
    let line = |feature: &str, deps: BTreeSet<String>| {
        format!(
            "{} = {}",
            toml_key(feature),
            toml_array(deps.iter().map(String::as_str))
        )
    };
    let mut lines = Vec::new();
    for (name, unit) in features.units.iter().filter(|(name, _)| in_crate(name)) {
        if unit.has_endpoints {
            let mut deps: BTreeSet<String> = unit.endpoint_deps.iter().map(types_feature).collect();
            deps.extend(forwarded(name, name, true));
            lines.push(line(name, deps));
        }
        let mut deps: BTreeSet<String> = unit.type_deps.iter().map(types_feature).collect();
        deps.extend(forwarded(name, &unit.types_feature, false));
        lines.push(line(&unit.types_feature, deps));
    }
    lines
}

/// The `stripe` crate, paths relative to the output folder.
fn facade_files(
    model: &Model,
    header: &Header,
    crates: &CrateLayout,
    facade: &Facade,
) -> Result<BTreeMap<PathBuf, String>> {
    let mut files = BTreeMap::new();
    let has_events = model.components.contains_key("event");
    // The webhook module needs the types of events and notifications
    // whatever else is enabled.
    let thin_unit = model.thin_events.as_ref().and_then(|thin| {
        model
            .features
            .module_units
            .get(&model.get(thin.event).module)
    });
    let always: BTreeSet<&str> = model
        .features
        .events_unit
        .iter()
        .chain(thin_unit)
        .map(|unit| model.features.units[unit].types_feature.as_str())
        .collect();
    let event_notification = model.thin_events.as_ref().map(|thin| {
        let module = &model.get(thin.event).module;
        let name = notifications::notification_type_name(model, thin);
        match layout::namespace_path(module).as_str() {
            "" => name,
            namespace => format!("{namespace}::{name}"),
        }
    });
    let feature_lines = public_features(&model.features)
        .into_iter()
        .map(|name| {
            let forwarded = format!("stripe-api/{name}");
            format!("{} = {}", toml_key(name), toml_array([forwarded.as_str()]))
        })
        .collect();
    files.insert(
        PathBuf::from("Cargo.toml"),
        render(StripeManifest {
            header,
            package: toml_string(&facade.package),
            package_fields: PackageFields::of(crates, &facade.package),
            api_dependency: dependency_line(
                naming::API_DEPENDENCY,
                &crates.api_package,
                API_CRATE,
                &crates.version,
                &always.into_iter().collect::<Vec<_>>(),
            ),
            core_dependency: core_dependency(crates, &facade.core_path),
            // Without the runtime's default features, so that the facade's
            // choice of TLS provider is the one that holds.
            runtime_dependency: dependency_line(
                naming::RUNTIME_DEPENDENCY,
                &facade.runtime_package,
                &facade.runtime_path,
                &crates.version,
                &[],
            ),
            feature_lines,
        })?,
    );
    files.insert(
        PathBuf::from("src/lib.rs"),
        render(StripeLib {
            header,
            has_events,
            event_notification,
            internal_features: internal_feature_literals(model),
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
        files.insert(
            PathBuf::from(CLI_TABLE),
            render(ItemsFile {
                header,
                doc: "The operations of the spec as the `stripe` command line runs them: command words, method, path, and the shape of every parameter."
                    .to_owned(),
                items: render_cli::command_table(model)?.to_string(),
            })?,
        );
    }
    Ok(files)
}

/// `key = { package = "...", version = "...", path = "...",
/// default-features = false }`: a generated crate depends on another by its
/// fixed name (`key`), whatever package it is published as; `features` are
/// the ones it always needs.
fn dependency_line(
    key: &str,
    package: &str,
    path: &str,
    version: &str,
    features: &[&str],
) -> String {
    let features = match features {
        [] => String::new(),
        features => format!(", features = {}", toml_array(features.iter().copied())),
    };
    dependency(
        key,
        package,
        path,
        version,
        &format!(", default-features = false{features}"),
    )
}

/// `key = { package = "...", version = "...", path = "..." }`: the version
/// is what `cargo publish` keeps of a path dependency.
fn path_dependency(key: &str, package: &str, path: &str, version: &str) -> String {
    dependency(key, package, path, version, "")
}

/// A dependency line; `rest` (TOML, not from the spec) ends its table.
fn dependency(key: &str, package: &str, path: &str, version: &str, rest: &str) -> String {
    let package = match package == key {
        true => String::new(),
        false => format!("package = {}, ", toml_string(package)),
    };
    format!(
        "{} = {{ {package}version = {}, path = {}{rest} }}",
        toml_key(key),
        toml_string(version),
        toml_string(path)
    )
}

/// The dependency on `stripe-core`, at `path` from the crate's folder.
fn core_dependency(crates: &CrateLayout, path: &str) -> String {
    path_dependency(
        naming::CORE_DEPENDENCY,
        &crates.core_package,
        path,
        &crates.version,
    )
}

/// The internal features (`__types_*`) as Rust string literals (Debug
/// escapes as Rust does), for the docs' `auto_cfg(hide(...))`.
fn internal_feature_literals(model: &Model) -> Vec<String> {
    let units = model.features.units.keys();
    units
        .map(|unit| format!("{:?}", naming::types_feature_name(unit)))
        .collect()
}

/// A TOML basic string: names from the spec are data, quoted and escaped.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// A bare key when it can be one, else a quoted key.
fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        key.to_owned()
    } else {
        toml_string(key)
    }
}

fn toml_array<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(toml_string).collect();
    format!("[{}]", items.join(", "))
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
    match (resource, layout::namespace_path(module).as_str()) {
        (Some(def), _) => format!(
            "The `{}` resource ([`{}`]), its endpoints and the types that only they use.",
            docs::comment_text(def.resource_id.as_deref().unwrap_or_default()),
            def.rust_name
        ),
        (None, "") => "Types used by several resources, or by none.".to_owned(),
        (None, namespace) => {
            format!("Types used by several resources of the `{namespace}` namespace.")
        }
    }
}

/// A namespace module's doc: what it is, Stripe's preview note if any, and
/// its resources, each with the first line of its description.
fn namespace_doc(
    model: &Model,
    side: Side,
    folder: &[String],
    modules: &BTreeMap<&ModulePath, Vec<TypeId>>,
) -> Vec<String> {
    let namespace = folder.join("::");
    let mut lines = vec![match side {
        Side::Params => format!("The parameters of the `{namespace}` namespace's endpoints."),
        Side::Api => format!("The `{namespace}` namespace of the Stripe API."),
    }];
    if let Some(note) = model.preview.get(&namespace) {
        lines.extend([
            String::new(),
            format!("**Preview.** {}", docs::comment_text(note)),
        ]);
    }
    let resources: Vec<String> = modules
        .iter()
        .filter(|(module, _)| layout::namespace(module) == folder)
        .flat_map(|(_, types)| types.iter().map(|&id| model.get(id)))
        .filter(|def| def.resource_id.is_some() || matches!(def.kind, TypeKind::Unit))
        .map(|def| match def.doc.as_deref().map(docs::summary) {
            Some(summary) if !summary.is_empty() => format!("- [`{}`]: {summary}", def.rust_name),
            _ => format!("- [`{}`]", def.rust_name),
        })
        .collect();
    if !resources.is_empty() {
        lines.extend([String::new(), "# Resources".to_owned(), String::new()]);
        lines.extend(resources);
    }
    lines
}

/// `f` of every item, spread over the available cores (each thread takes
/// the next item), in the items' order.
fn in_parallel<T: Copy + Sync, R: Send>(
    items: &[T],
    f: impl Fn(T) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(item) = items.get(index) else { break };
            done.push((index, f(*item)?));
        }
        Ok::<_, Error>(done)
    };
    let mut results = std::thread::scope(|scope| {
        let workers = (0..threads)
            .map(|_| format::spawn_worker(scope, "render", work))
            .collect::<Result<Vec<_>>>()?;
        let mut results = Vec::with_capacity(items.len());
        for worker in workers {
            results.extend(
                worker
                    .join()
                    .map_err(|_| Error::new("a rendering thread panicked"))??,
            );
        }
        Ok::<_, Error>(results)
    })?;
    results.sort_by_key(|(index, _)| *index);
    Ok(results.into_iter().map(|(_, result)| result).collect())
}
