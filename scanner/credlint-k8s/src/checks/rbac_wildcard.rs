//! # rbac-wildcard: a wildcard grants access to Secrets
//!
//! ## What it finds
//! A Role or ClusterRole rule with `*` in `verbs`, `resources` or
//! `apiGroups` that, as the RBAC authorizer reads it, allows a real API
//! verb (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`,
//! `deletecollection`) on core-group `secrets`. A wildcard rule whose only
//! verbs do not exist or mean nothing on Secrets (`approve`, `aaa`, `""`)
//! grants nothing there and is not reported. The finding points at the
//! first list holding the `*` and names the rule. Default roles are left
//! out.
//!
//! ## Why it matters
//! Wildcards grant today's and tomorrow's permissions: every verb (including
//! `escalate`, `bind`, `impersonate`) or every resource, Secrets among
//! them, usually far more than the author meant.
//!
//! ## Example
//! ```yaml
//! rules:
//!   - apiGroups: ["*"]
//!     resources: ["*"]
//!     verbs: ["*"]
//! ```
//!
//! ## Instead
//! List the API groups, resources and verbs the subject needs.
//!
//! ## References
//! - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
//! - CIS Kubernetes Benchmark v1.9.0, control 5.1.3

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::rbac::RbacIndex;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "rbac-wildcard",
    name: "Wildcard RBAC rule covering Secrets",
    severity: Severity::High,
    short: "`*` in verbs, resources or apiGroups of a rule that covers Secrets.",
    tags: &["rbac", "cis-k8s-v1.9.0-5.1.3"],
    references: &["https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege"],
    scope: Scope::Objects,
};

pub(crate) fn check(cx: &mut Cx<'_>, index: &RbacIndex<'_>) {
    for role in index.judged_roles() {
        for r in &role.rules {
            let verbs = r.rule.secret_verbs();
            if verbs.is_empty() {
                continue;
            }
            let key = [
                ("apiGroups", &r.rule.api_groups),
                ("resources", &r.rule.resources),
                ("verbs", &r.rule.verbs),
            ]
            .into_iter()
            .find(|(_, l)| l.contains(&"*"))
            .map(|(k, _)| k);
            let Some(key) = key else { continue };
            let msg = format!(
                "`*` in `{key}` of a rule in {} `{}` grants {} on Secrets",
                role.obj.kind,
                role.obj.name,
                if verbs.len() == crate::rbac::RESOURCE_VERBS.len() { "every verb".to_string() } else { verbs.join("/") },
            );
            crate::rbac::emit(cx, &META, role, r, key, "", msg);
        }
    }
}
