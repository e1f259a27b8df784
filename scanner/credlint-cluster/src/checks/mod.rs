//! The live-only checks: verdicts that need a running cluster (ownership,
//! age, the whole RBAC graph, etcd's bytes). Each check is a module with a
//! [`LiveCheck`] entry whose `help` is its `credlint explain` page, in the
//! same sections as credlint-k8s's checks (What it finds · Why it matters ·
//! Example · Instead · References). The file checks of credlint-k8s run on
//! live objects too; they are not repeated here.

use std::collections::BTreeMap;

use credlint_core::{fingerprint, Finding, FindingKind, Location, RuleMeta, Severity};
use credlint_k8s::Object;

pub mod helm_release_values;
pub mod rbac_secret_readers;
pub mod secret_stale;
pub mod secret_unmanaged;
pub mod secrets_at_rest;
pub mod workload_identity_fallback;

/// A live-only check's registry entry.
#[derive(Debug)]
pub struct LiveCheck {
    /// Stable kebab-case id (unique across credlint).
    pub id: &'static str,
    /// Human name.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One sentence.
    pub short: &'static str,
    /// The explain page (Markdown).
    pub help: &'static str,
    /// Documentation links.
    pub references: &'static [&'static str],
}

/// Every live-only check.
pub static ALL: &[&LiveCheck] = &[
    &secret_unmanaged::META,
    &secret_stale::META,
    &helm_release_values::META,
    &rbac_secret_readers::META,
    &secrets_at_rest::META,
    &workload_identity_fallback::META,
];

impl LiveCheck {
    /// The reporter-facing description.
    pub fn rule_meta(&self) -> RuleMeta {
        let section = |name: &str| -> String {
            let head = format!("## {name}");
            self.help
                .split_once(&head)
                .map(|(_, rest)| rest.split("\n## ").next().unwrap_or("").trim().to_string())
                .unwrap_or_default()
        };
        RuleMeta {
            id: self.id.to_string(),
            name: self.name.to_string(),
            kind: FindingKind::Policy,
            severity: self.severity,
            confidence: credlint_core::Confidence::High,
            short_description: self.short.to_string(),
            full_description: format!("{} {}", section("What it finds"), section("Why it matters"))
                .trim()
                .to_string(),
            help_markdown: self.help.to_string(),
            tags: vec!["kubernetes".into(), "live".into()],
            references: self.references.iter().map(|r| r.to_string()).collect(),
        }
    }

    /// The remediation paragraph (`## Instead`).
    pub fn remediation(&self) -> String {
        self.help
            .split_once("## Instead")
            .map(|(_, rest)| rest.split("\n## ").next().unwrap_or("").trim().to_string())
            .unwrap_or_default()
    }
}

/// A finding of a live check on `obj` at `field_path`.
pub(crate) fn finding(
    meta: &LiveCheck,
    obj: &Object,
    field_path: &str,
    disc: &str,
    severity: Severity,
    message: String,
) -> Finding {
    let mut fp_path = field_path.to_string();
    if !disc.is_empty() {
        fp_path.push('#');
        fp_path.push_str(disc);
    }
    Finding {
        rule_id: meta.id.to_string(),
        rule_name: meta.name.to_string(),
        kind: FindingKind::Policy,
        severity,
        confidence: credlint_core::Confidence::High,
        message,
        location: Location {
            path: None,
            span: None,
            commit: None,
            object: Some(obj.object_ref(field_path)),
        },
        secret: None,
        fingerprint: fingerprint(&[meta.id, &obj.identity(), &fp_path]),
        properties: BTreeMap::new(),
        suppressed: None,
        snippet: None,
    }
}

/// `metadata.annotations[key]`.
pub(crate) fn annotation<'a>(obj: &'a Object, key: &str) -> Option<&'a str> {
    obj.root
        .get("metadata")?
        .get("annotations")?
        .get(key)?
        .scalar_text()
}

/// The kinds of `metadata.ownerReferences`.
pub(crate) fn owner_kinds(obj: &Object) -> Vec<(&str, &str)> {
    obj.root
        .get("metadata")
        .and_then(|m| m.get("ownerReferences"))
        .map(|o| {
            o.items()
                .iter()
                .filter_map(|r| {
                    Some((
                        r.get("kind")?.scalar_text()?,
                        r.get("apiVersion")
                            .and_then(|a| a.scalar_text())
                            .unwrap_or(""),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Secret `type` (set on metadata-only objects from the type-selector lists).
pub(crate) fn secret_type(obj: &Object) -> &str {
    obj.root
        .get("type")
        .and_then(|t| t.scalar_text())
        .unwrap_or("")
}
