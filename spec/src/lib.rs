//! Reading Stripe's spec as the project does, shared by the generator, the
//! mock, xtask and the tests, so that the mock needs no code generator.
//!
//! Two layers, arrows running one way: [`parse`] is pure (text in, values
//! out: the merged documents, the manifest that names them, the policy
//! files); [`inputs`] finds the files a manifest names, reads them and
//! checks each against its pin. The generator uses only [`parse`].

pub mod error;
pub mod inputs;
pub mod parse;

pub use error::{Error, Result};
pub use inputs::*;
pub use parse::{SourceDocument, Spec};
