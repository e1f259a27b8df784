//! Helpers shared by the integration tests: the `{{...}}` template
//! expansion of rule examples (see `rules/README.md`) and a deterministic
//! character generator, both from the library (`credlint rules check`
//! uses them too).

#![allow(unused_imports)]

pub use credlint_leaks::examples::{chars, expand, BASE62};
