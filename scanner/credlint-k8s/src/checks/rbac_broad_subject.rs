//! # rbac-broad-subject: a Secret-reading role bound to everyone
//!
//! ## What it finds
//! A RoleBinding or ClusterRoleBinding that gives a role which reads
//! Secrets (directly, by wildcard, or through workloads — see
//! `rbac-secrets-read` and `rbac-secrets-via-workloads`) to a subject that
//! stands for many principals: the groups `system:authenticated`,
//! `system:unauthenticated`, `system:serviceaccounts` or
//! `system:serviceaccounts:<namespace>`, the user `system:anonymous`, or a
//! namespace's `default` service account (which every pod without its own
//! service account runs as). The role is looked up among the objects given
//! (aggregation resolved); the built-in `cluster-admin`, `admin` and `edit`
//! ClusterRoles are known to read Secrets. Default bindings are left out.
//!
//! ## Why it matters
//! Every pod, every user with any credential — or, for the unauthenticated
//! group, anyone who can reach the API server — can read the Secrets.
//!
//! ## Example
//! ```yaml
//! roleRef: {kind: ClusterRole, name: secret-reader}
//! subjects:
//!   - kind: Group
//!     name: system:authenticated
//! ```
//!
//! ## Instead
//! Bind to a dedicated service account per workload, or to a named group of
//! people.
//!
//! ## References
//! - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects
//! - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
//! - CIS Kubernetes Benchmark v1.9.0, control 5.1.5

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::rbac::{RbacIndex, BUILTIN_SECRET_READERS};

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "rbac-broad-subject",
    name: "Secret-reading role bound to a broad subject",
    severity: Severity::Critical,
    short: "A role that reads Secrets is bound to all authenticated/unauthenticated users, all service accounts, or a default service account.",
    tags: &["rbac", "cis-k8s-v1.9.0-5.1.5"],
    references: &["https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects"],
    scope: Scope::Objects,
};

fn broad(kind: &str, name: &str) -> Option<&'static str> {
    match (kind, name) {
        ("Group", "system:authenticated") => Some("every authenticated user and service account"),
        ("Group", "system:unauthenticated") => Some("anyone who can reach the API server"),
        ("User", "system:anonymous") => Some("anonymous requests"),
        ("Group", "system:serviceaccounts") => Some("every service account of the cluster"),
        ("Group", n) if n.starts_with("system:serviceaccounts:") => Some("every service account of a namespace"),
        ("ServiceAccount", "default") => Some("every pod that does not name its own service account"),
        _ => None,
    }
}

pub(crate) fn check(cx: &mut Cx<'_>, index: &RbacIndex<'_>) {
    for b in index.judged_bindings() {
        let role_name = b
            .root
            .get("roleRef")
            .and_then(|r| r.get("name"))
            .and_then(|n| n.scalar_text())
            .unwrap_or("");
        let role = index.role_of(b);
        let how = match role {
            Some(role) if role.reads_secrets() => "reads Secrets",
            Some(role) if role.reads_secrets_via_workloads() => "reads Secrets through workloads",
            Some(_) => continue,
            None if BUILTIN_SECRET_READERS.contains(&role_name) => "reads Secrets (built-in role)",
            None => continue,
        };
        // The rule that grants it, as the binding applies it.
        let scope = crate::authz::binding_scope(b);
        let granting = role.and_then(|role| {
            let read = crate::rbac::READ_VERBS.iter().find_map(|v| {
                let ask = crate::authz::Ask::new(v, "", "secrets");
                role.rules.iter().find(|r| r.rule.allows_some(&ask))
            });
            read.or_else(|| {
                role.rules
                    .iter()
                    .find(|r| !r.rule.workload_paths(&scope).is_empty())
            })
            .map(|r| crate::authz::rule_place(role, r))
        });
        let Some(subjects) = b.at().key("subjects") else { continue };
        for s in subjects.items() {
            let kind = s.node.get("kind").and_then(|k| k.scalar_text()).unwrap_or("");
            let name = s.node.get("name").and_then(|k| k.scalar_text()).unwrap_or("");
            if let Some(who) = broad(kind, name) {
                let rule = granting
                    .as_ref()
                    .map(|p| format!(" (granted by the rule at {p})"))
                    .unwrap_or_default();
                let msg = format!(
                    "{} `{}` gives role `{role_name}`, which {how}, to {kind} `{name}`: {who}{rule}",
                    b.kind, b.name
                );
                let f = cx.object(&META, b, &s, "", msg);
                if let Some(p) = &granting {
                    f.properties.insert("grant_rule".into(), p.clone().into());
                }
            }
        }
    }
}
