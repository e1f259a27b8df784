//! # audit-policy-secrets: the audit log records Secret values, or nothing
//!
//! ## What it finds
//! - An audit `Policy` (`audit.k8s.io/v1`) whose first rule that applies to
//!   every request on `secrets` logs at `Request` or `RequestResponse`
//!   (the Secret's data is written into the audit log) or at `None` (no
//!   record of who read which Secret);
//! - a narrower rule before it (limited by users, groups, verbs,
//!   namespaces or names) that logs Secrets at `Request`/`RequestResponse`;
//! - a policy with no rule covering Secrets at all (unmatched requests are
//!   not logged);
//! - a kube-apiserver pod without `--audit-policy-file`.
//!
//! ## Why it matters
//! The audit log is copied to log pipelines that many more people read
//! than may read Secrets; and without a trail nobody can tell which
//! Secrets a stolen credential read.
//!
//! ## Example
//! ```yaml
//! apiVersion: audit.k8s.io/v1
//! kind: Policy
//! rules:
//!   - level: RequestResponse     # secret values in the log
//! ```
//!
//! ## Instead
//! Put a rule for Secrets first, at `Metadata`:
//! ```yaml
//! rules:
//!   - level: Metadata
//!     resources: [{group: "", resources: [secrets]}]
//! ```
//!
//! ## References
//! - https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#audit-policy
//! - CIS Kubernetes Benchmark v1.9.0, controls 3.2.1 and 3.2.2

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::model::{At, Object};
use crate::workload::ApiServer;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "audit-policy-secrets",
    name: "Audit policy logs Secret values or no Secret access",
    severity: Severity::Medium,
    short: "Secrets are audited at Request/RequestResponse (values in the log), at None, or not at all.",
    tags: &["audit", "cis-k8s-v1.9.0-3.2.1", "cis-k8s-v1.9.0-3.2.2"],
    references: &["https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#audit-policy"],
    scope: Scope::Objects,
};

/// How an audit rule applies to Secrets.
enum Applies {
    No,
    /// To some Secret requests (filtered by user, verb, namespace, name…).
    Some,
    /// To every Secret request.
    All,
}

fn applies(rule: &At<'_>) -> Applies {
    if rule.key("nonResourceURLs").is_some() {
        return Applies::No;
    }
    let mut narrowed = ["users", "userGroups", "verbs", "namespaces"]
        .iter()
        .any(|k| rule.key(k).is_some_and(|v| !v.node.items().is_empty()));
    if let Some(res) = rule.key("resources") {
        if !res.node.items().is_empty() {
            let mut hit = false;
            for r in res.node.items() {
                let group = r.get("group").and_then(|g| g.scalar_text()).unwrap_or("");
                if !group.is_empty() && group != "*" {
                    continue;
                }
                let names = r.get("resources").map(|n| n.strings()).unwrap_or_default();
                if names.is_empty() || names.iter().any(|n| *n == "secrets" || *n == "*") {
                    hit = true;
                    if r.get("resourceNames").is_some_and(|n| !n.items().is_empty()) {
                        narrowed = true;
                    }
                }
            }
            if !hit {
                return Applies::No;
            }
        }
    }
    if narrowed {
        Applies::Some
    } else {
        Applies::All
    }
}

pub(crate) fn check_policy(cx: &mut Cx<'_>, obj: &Object) {
    let root = obj.at();
    let Some(rules) = root.key("rules") else {
        cx.object(&META, obj, &root, "", "audit policy has no rules: Secret access is not recorded".into());
        return;
    };
    for rule in rules.items() {
        let level = rule.key("level").and_then(|l| l.text()).unwrap_or("");
        let at = rule.key("level").unwrap_or_else(|| rule.clone());
        match (applies(&rule), level) {
            (Applies::No, _) => {}
            (Applies::Some, "Request" | "RequestResponse") => {
                cx.object(&META, obj, &at, "", format!(
                    "a rule that applies to some Secret requests logs at `{level}`: Secret values are written to the audit log"
                ));
            }
            (Applies::Some, _) => {}
            (Applies::All, "Request" | "RequestResponse") => {
                cx.object(&META, obj, &at, "", format!(
                    "the first rule that applies to every Secret request logs at `{level}`: Secret values are written to the audit log; use `Metadata`"
                ));
                return;
            }
            (Applies::All, "None") => {
                cx.object(&META, obj, &at, "", "the first rule that applies to every Secret request logs at `None`: there is no record of who read which Secret; use `Metadata`".into());
                return;
            }
            (Applies::All, _) => return,
        }
    }
    cx.object(&META, obj, &rules, "", "no rule covers every request on Secrets: unmatched requests are not logged; add a `Metadata` rule for secrets".into());
}

pub(crate) fn check_apiserver(cx: &mut Cx<'_>, obj: &Object, api: &ApiServer<'_>) {
    if api.has_flag("--audit-policy-file") {
        return;
    }
    let at = api.command_at();
    cx.object(
        &META,
        obj,
        &at,
        "audit-policy-file",
        "kube-apiserver runs without `--audit-policy-file`: no audit trail of Secret access".into(),
    );
}
