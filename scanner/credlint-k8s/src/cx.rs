//! The check context: options, the leak engine with its scratch buffers,
//! and the one place where findings are built (location, fingerprint,
//! no secret), so every check reports the same way.

use std::collections::BTreeMap;

use credlint_core::{fingerprint, Finding, FindingKind, Location, Severity, Span};
use credlint_leaks::{RuleSet, Scratch};

use crate::checks::CheckMeta;
use crate::model::{At, Object};

pub(crate) struct Cx<'a> {
    pub leaks: &'a RuleSet,
    pub scratch: Scratch,
    /// Objects from a live cluster (file-only checks are skipped).
    pub live: bool,
    /// Judge `rbac-defaults` objects too.
    pub include_defaults: bool,
    findings: Vec<Finding>,
}

impl<'a> Cx<'a> {
    pub fn new(leaks: &'a RuleSet, live: bool, include_defaults: bool) -> Self {
        Cx {
            leaks,
            scratch: Scratch::default(),
            live,
            include_defaults,
            findings: Vec::new(),
        }
    }

    /// A finding on `obj` at the field `at`. `disc` distinguishes several
    /// findings of one check on one field (it joins the fingerprint).
    pub fn object(
        &mut self,
        meta: &CheckMeta,
        obj: &Object,
        at: &At<'_>,
        disc: &str,
        message: String,
    ) -> &mut Finding {
        let mut fp_path = at.path.clone();
        if !disc.is_empty() {
            fp_path.push('#');
            fp_path.push_str(disc);
        }
        let fp = fingerprint(&[meta.id, &obj.identity(), &fp_path]);
        let location = Location {
            path: obj.origin.path.clone(),
            span: at.span,
            commit: None,
            object: Some(obj.object_ref(&at.path)),
        };
        self.push(meta, message, location, fp)
    }

    /// A finding in a file that is not a Kubernetes object (Dockerfile,
    /// Helm template, values, Compose). `key` is a stable name for the place
    /// (instruction and variable, values path) that survives line moves.
    pub fn text(
        &mut self,
        meta: &CheckMeta,
        path: &str,
        span: Option<Span>,
        key: &str,
        message: String,
    ) -> &mut Finding {
        let fp = fingerprint(&[meta.id, path, key]);
        let location = Location {
            path: Some(path.to_string()),
            span,
            commit: None,
            object: None,
        };
        self.push(meta, message, location, fp)
    }

    fn push(
        &mut self,
        meta: &CheckMeta,
        message: String,
        location: Location,
        fp: String,
    ) -> &mut Finding {
        let mut properties = BTreeMap::new();
        if !meta.tags.is_empty() {
            properties.insert(
                "tags".to_string(),
                serde_json::Value::from(meta.tags.to_vec()),
            );
        }
        self.findings.push(Finding {
            rule_id: meta.id.to_string(),
            rule_name: meta.name.to_string(),
            kind: FindingKind::Policy,
            severity: meta.severity,
            confidence: credlint_core::Confidence::High,
            message,
            location,
            secret: None,
            fingerprint: fp,
            properties,
            suppressed: None,
            snippet: None,
        });
        self.findings.last_mut().expect("just pushed")
    }

    /// Findings sorted by position (files) then by object and field.
    pub fn into_findings(mut self) -> Vec<Finding> {
        // Borrowed keys: a cluster or a tree yields thousands of findings.
        fn key(f: &Finding) -> impl Ord + '_ {
            (
                f.location.path.as_deref(),
                f.location.span.map(|s| s.byte_start),
                f.location.object.as_ref().map(|o| {
                    (
                        o.kind.as_str(),
                        o.namespace.as_deref(),
                        o.name.as_str(),
                        o.field_path.as_str(),
                    )
                }),
                f.rule_id.as_str(),
            )
        }
        self.findings.sort_by(|a, b| key(a).cmp(&key(b)));
        self.findings
            .dedup_by(|a, b| a.fingerprint == b.fingerprint);
        self.findings
    }
}

/// Raise `f`'s severity to at least `s`.
pub(crate) fn at_least(f: &mut Finding, s: Severity) {
    if s > f.severity {
        f.severity = s;
    }
}
