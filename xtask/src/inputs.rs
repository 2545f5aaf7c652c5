//! The inputs a manifest names, as the `stripe_spec` crate finds and reads
//! them (shared with the mock and the tests).

pub use stripe_spec::*;
