//! # helm-values-credential: a credential in a Helm chart's values file
//!
//! ## What it finds
//! A value in `values.yaml` (or `values-*.yaml`, `values.*.yaml`) in which
//! the leak rules find a credential, or whose key is named like a secret
//! (`password`, `token`, `secret`, `apiKey`, …) and whose value looks like
//! one, or whose key *is* a secret (`password`, `pwd`, `apiToken`) and
//! whose value is a literal however short (`password: admin1`). Empty
//! strings, references (`existingSecret`, `${...}`, `{{ ... }}`) and
//! placeholders are not reported. The finding points at the key.
//!
//! Values are judged as the leak rules judge them, in one place
//! (`cred::not_a_credential`): booleans, numbers (but a number under a
//! password name), ports, durations, file modes, words that choose a
//! setting (`auto`, `sha256`, `basic`), placeholders (`YourPingdomApiToken`,
//! `your-token-here`, `<password>`), references, file paths, URLs without
//! credentials, and identifiers named like tokens that are not secret
//! (etcd's `initialClusterToken`) are not credentials — also when a
//! generic leak rule matched them.
//!
//! ## Why it matters
//! Chart defaults are copied into every release and every fork of the
//! chart, and `helm get values` shows them to anyone who can read the
//! release; the release Secret itself stores them again.
//!
//! ## Example
//! ```yaml
//! postgresql:
//!   auth:
//!     password: Zq8vN3rT6wY1uB5x
//! ```
//!
//! ## Instead
//! Leave the default empty and reference an existing Secret
//! (`existingSecret: app-db`), or inject it at install time from a secret
//! store (helm-secrets, External Secrets).
//!
//! ## References
//! - https://helm.sh/docs/chart_best_practices/values/
//! - https://kubernetes.io/docs/concepts/security/secrets-good-practices/

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::{at_least, Cx};
use crate::model::{At, Object};

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "helm-values-credential",
    name: "Credential in Helm values",
    severity: Severity::High,
    short: "A Helm values file sets a literal credential.",
    tags: &["helm", "leak"],
    references: &["https://helm.sh/docs/chart_best_practices/values/"],
    scope: Scope::Files,
};

fn walk(cx: &mut Cx<'_>, obj: &Object, key: &str, at: &At<'_>) {
    if let Some(value) = at.node.as_str() {
        if let Some(hit) = crate::cred::credential(cx, key, value) {
            let path = obj.origin.path.clone().unwrap_or_default();
            let msg = format!(
                "Helm value `{}` is a literal credential ({}: {})",
                at.path, hit.rule_id, hit.rule_name
            );
            let f = cx.text(&META, &path, at.span, &at.path, msg);
            at_least(f, hit.severity);
            f.properties.insert("leak_rule".into(), hit.rule_id.into());
        } else if crate::cred::named_secret(key, value) {
            let path = obj.origin.path.clone().unwrap_or_default();
            let msg = format!(
                "Helm value `{}` is a literal password or token: every release renders it in plain text",
                at.path
            );
            let f = cx.text(&META, &path, at.span, &at.path, msg);
            f.properties.insert("leak_rule".into(), "secret-key-name".into());
        }
        return;
    }
    for (k, child) in at.entries() {
        walk(cx, obj, k, &child);
    }
    for child in at.items() {
        walk(cx, obj, key, &child);
    }
}

pub(crate) fn check(cx: &mut Cx<'_>, obj: &Object) {
    walk(cx, obj, "", &obj.at());
}
