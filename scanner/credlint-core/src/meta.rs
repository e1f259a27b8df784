//! What reporters and `credlint explain` need to know about a rule or check.

use serde::Serialize;

use crate::{Confidence, FindingKind, Severity};

/// Description of one leak rule or policy check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleMeta {
    /// Stable id.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Leak rule or policy check.
    pub kind: FindingKind,
    /// Default severity.
    pub severity: Severity,
    /// Confidence of a typical finding (a value may lower it).
    pub confidence: Confidence,
    /// One sentence.
    pub short_description: String,
    /// One paragraph: what it finds and why it matters.
    pub full_description: String,
    /// The `credlint explain` page, Markdown: what it finds, why it matters,
    /// example, instead (remediation), references.
    pub help_markdown: String,
    /// Tags (provider family, `kubernetes`, `cis-1.5.1`, ...).
    pub tags: Vec<String>,
    /// Documentation links.
    pub references: Vec<String>,
}
