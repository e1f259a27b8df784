//! The one finding struct every detector produces and every reporter reads.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Confidence, SecretValue, Severity};

/// Whether a finding comes from a leak rule (data) or a policy check (code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    /// A credential matched by a leak rule.
    Leak,
    /// A configuration that violates a policy check.
    Policy,
}

/// An exact region of a text unit. Lines and columns are 1-based; columns
/// count bytes; `end_column` is exclusive; byte offsets are into the unit.
///
/// A span built from its text ([`Span::from_text`]) also has the columns in
/// UTF-16 code units, which SARIF and editors count; [`Span::utf16_columns`]
/// falls back to the byte columns for one built without it. Those are not
/// serialised: JSON output keeps byte columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
pub struct Span {
    /// First line.
    pub start_line: usize,
    /// Column of the first byte.
    pub start_column: usize,
    /// Last line.
    pub end_line: usize,
    /// Column one past the last byte.
    pub end_column: usize,
    /// Offset of the first byte in the unit.
    pub byte_start: usize,
    /// Offset one past the last byte.
    pub byte_end: usize,
    /// `start_column` in UTF-16 code units, when known.
    #[serde(skip)]
    pub start_column_utf16: Option<usize>,
    /// `end_column` in UTF-16 code units, when known.
    #[serde(skip)]
    pub end_column_utf16: Option<usize>,
}

impl Span {
    /// The span of `start..end` in a unit indexed by `lines`, without its
    /// text: no UTF-16 columns. Prefer [`Span::from_text`].
    pub fn from_offsets(lines: &crate::LineIndex, start: usize, end: usize) -> Span {
        let (start_line, start_column) = lines.line_col(start);
        let (end_line, end_column) = lines.line_col(end);
        Span {
            start_line,
            start_column,
            end_line,
            end_column,
            byte_start: start,
            byte_end: end,
            start_column_utf16: None,
            end_column_utf16: None,
        }
    }

    /// The span of `start..end` in `bytes` (the unit `lines` indexes), with
    /// UTF-16 columns (see [`crate::LineIndex::utf16_column`]).
    pub fn from_text(lines: &crate::LineIndex, bytes: &[u8], start: usize, end: usize) -> Span {
        Span {
            start_column_utf16: Some(lines.utf16_column(bytes, start)),
            end_column_utf16: Some(lines.utf16_column(bytes, end)),
            ..Span::from_offsets(lines, start, end)
        }
    }

    /// Start and end (exclusive) columns in UTF-16 code units; the byte
    /// columns when the span was built without its text.
    pub fn utf16_columns(&self) -> (usize, usize) {
        (
            self.start_column_utf16.unwrap_or(self.start_column),
            self.end_column_utf16.unwrap_or(self.end_column),
        )
    }
}

/// The commit that introduced a blob at a path (history scans only).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CommitInfo {
    /// Full commit id.
    pub id: String,
    /// Author name and email, `Name <email>`.
    pub author: String,
    /// Author date, RFC 3339.
    pub date: String,
    /// First line of the message.
    pub summary: String,
}

/// A Kubernetes object, with the field a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Default)]
pub struct ObjectRef {
    /// Kubeconfig context of a live cluster; `None` for a manifest on disk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// `apiVersion` of the object.
    pub api_version: String,
    /// `kind` of the object.
    pub kind: String,
    /// Namespace, if namespaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `metadata.name`.
    pub name: String,
    /// Field path within the object, e.g. `spec.template.spec.containers[0].env[1]`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub field_path: String,
}

impl ObjectRef {
    /// `k8s://<context>/<namespace>/<kind>/<name>` (namespace `_` when cluster-scoped).
    pub fn uri(&self) -> String {
        format!(
            "k8s://{}/{}/{}/{}",
            self.context.as_deref().unwrap_or("local"),
            self.namespace.as_deref().unwrap_or("_"),
            self.kind,
            self.name
        )
    }
}

/// Where a finding is. A file finding has `path` and `span`; a history
/// finding adds `commit`; a cluster finding has `object` (and `path`/`span`
/// too when the object was read from a manifest file).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Default)]
pub struct Location {
    /// Path relative to the scan root, `/`-separated; `-` for standard input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Exact region in the unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// The introducing commit, for history findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<CommitInfo>,
    /// The Kubernetes object, for policy findings on objects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectRef>,
}

/// Why a finding that was found is not reported (listed with `--show-suppressed`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "by", content = "detail")]
pub enum Suppression {
    /// A `credlint:allow` comment on the line or the line before.
    AllowComment(String),
    /// An entry of the baseline file.
    Baseline(String),
    /// An allowlist entry of the config file.
    Config(String),
    /// A post-filter of the leak engine (entropy, checksum, placeholder, ...).
    Filter(String),
}

/// One finding, from any detector on any source.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Stable rule or check id, e.g. `github-pat` or `rbac-wildcard`.
    pub rule_id: String,
    /// Human name of the rule.
    pub rule_name: String,
    /// Leak or policy.
    pub kind: FindingKind,
    /// Severity after config overrides.
    pub severity: Severity,
    /// How likely the finding is real (see [`Confidence`]).
    pub confidence: Confidence,
    /// One-sentence message for this occurrence.
    pub message: String,
    /// Where it is.
    pub location: Location,
    /// The secret, for leak findings.
    pub secret: Option<SecretValue>,
    /// Stable fingerprint (see [`fingerprint`]).
    pub fingerprint: String,
    /// Extra properties for machine output (e.g. CIS control ids, `in_head`).
    pub properties: BTreeMap<String, serde_json::Value>,
    /// Set when a filter suppressed it.
    pub suppressed: Option<Suppression>,
    /// The finding's first line for a code frame, every secret on it masked.
    pub snippet: Option<Snippet>,
}

/// A line of context for a code frame. `text` never holds a secret whole:
/// every candidate on the line is masked before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// 1-based line number.
    pub line: usize,
    /// The line, masked, cut to a readable width around the finding.
    pub text: String,
    /// Column (1-based, in characters of `text`) where the marker starts.
    pub marker_column: usize,
    /// Width of the marker in characters.
    pub marker_width: usize,
}

impl Finding {
    /// Path or object URI: the name a person sees for the location.
    pub fn display_path(&self) -> String {
        if let Some(p) = &self.location.path {
            return p.clone();
        }
        if let Some(o) = &self.location.object {
            return o.uri();
        }
        "-".to_string()
    }

    /// The fingerprint of the secret alone (rule + value, no path): used by
    /// baselines so that moving a secret to another file is not "new".
    pub fn secret_fingerprint(&self) -> Option<String> {
        self.secret
            .as_ref()
            .map(|s| fingerprint(&[&self.rule_id, s.expose()]))
    }
}

/// A stable fingerprint: the first 128 bits of SHA-256 over the parts,
/// each followed by a NUL, in lowercase hex.
///
/// For a leak the parts are `rule id, path, secret`: it survives line moves
/// and re-runs, changes when the secret changes, and contains no secret (a
/// one-way hash). For a policy finding on an object they are `check id,
/// path or object identity, field path`.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(b"credlint-fp-v1\0");
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        let a = fingerprint(&["aws-access-key-id", "x.py", "AKIA1"]);
        assert_eq!(a, fingerprint(&["aws-access-key-id", "x.py", "AKIA1"]));
        assert_ne!(a, fingerprint(&["aws-access-key-id", "x.py", "AKIA2"]));
        // Part boundaries matter.
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn object_uri() {
        let o = ObjectRef {
            context: Some("prod".into()),
            kind: "Secret".into(),
            namespace: Some("db".into()),
            name: "pg".into(),
            ..Default::default()
        };
        assert_eq!(o.uri(), "k8s://prod/db/Secret/pg");
    }

    #[test]
    fn spans_from_text_have_utf16_columns() {
        let text = "ok\n# \u{e9}\u{5bc6} \u{1f511} token = abc\n";
        let lines = crate::LineIndex::new(text.as_bytes());
        let start = text.find("abc").unwrap();
        let s = Span::from_text(&lines, text.as_bytes(), start, start + 3);
        assert_eq!((s.start_line, s.start_column, s.end_column), (2, 22, 25));
        assert_eq!(s.utf16_columns(), (17, 20));
        // Without the text: the byte columns.
        let s = Span::from_offsets(&lines, start, start + 3);
        assert_eq!(s.utf16_columns(), (22, 25));
        // The serialised shape stays byte columns only.
        let v = serde_json::to_value(s).unwrap();
        assert_eq!(v.as_object().unwrap().len(), 6);
    }
}
