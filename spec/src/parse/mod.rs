//! Step 1: text in, values out. The spec documents (YAML or JSON, merged
//! into one [`Spec`]), the manifest that names them, and the policy files
//! under `spec/`. Nothing here reads the disk.

pub mod defaults;
mod duplicates;
pub mod events;
pub mod manifest;
pub mod policy;
pub mod spec;

pub use spec::{SourceDocument, Spec};
