//! The model every part of credlint shares.
//!
//! Sources (files, git blobs, cluster objects) produce *units*; detectors
//! (leak rules, policy checks) turn units into [`Finding`]s; filters and
//! reporters consume findings. This crate holds only those shared types and
//! the small, pure helpers that go with them: line/column mapping
//! ([`LineIndex`]), secret masking ([`SecretValue`]) and stable fingerprints
//! ([`fingerprint`]). It has no I/O and never prints.

mod confidence;
mod finding;
mod lines;
mod meta;
mod secret;
mod severity;
mod time;

pub use confidence::{Confidence, ConfidenceParseError};
pub use finding::{
    fingerprint, CommitInfo, Finding, FindingKind, Location, ObjectRef, Snippet, Span, Suppression,
};
pub use lines::{utf16_len, LineIndex};
pub use meta::RuleMeta;
pub use secret::SecretValue;
pub use severity::{Severity, SeverityParseError};
pub use time::rfc3339;
