//! credlint's leak engine.
//!
//! Data flow: text unit bytes → [`RuleSet::scan`] → [`Candidate`]s (accepted
//! or dropped with a [`FilterReason`]). Rules are data (`rules/*.toml`,
//! embedded at build time; see [`rule`]); the engine knows nothing of files,
//! git or Kubernetes, so every source can call it on any bytes.

mod engine;
pub mod examples;
pub mod generic;
pub mod rule;
pub mod validate;

pub use engine::{Candidate, RuleSet, RuleSetBuilder, Scratch};
pub use rule::{Rule, RuleError, RuleSpec};
pub use validate::FilterReason;
