//! # rbac-secrets-via-workloads: permissions that amount to reading Secrets
//!
//! ## What it finds
//! Rules that let a subject read Secrets without `get` on `secrets`:
//! - `create`/`update`/`patch` on pods or pod controllers (deployments,
//!   statefulsets, daemonsets, replicasets, jobs, cronjobs,
//!   replicationcontrollers): a pod can mount any Secret of its namespace
//!   and run as any service account there;
//! - `pods/exec` and `pods/attach` (create, or get for the websocket path);
//! - `update`/`patch` on `pods/ephemeralcontainers`;
//! - `create` on `serviceaccounts/token`;
//! - `impersonate` on `users`, `groups` or `serviceaccounts` (core group);
//! - `escalate` or `bind` on `roles`/`clusterroles`
//!   (`rbac.authorization.k8s.io`);
//! - `get` or `create` on `nodes/proxy` (the kubelet API).
//!
//! Rules are read as the RBAC authorizer reads them: `*` in `verbs` on
//! `users` is `impersonate`, on `clusterroles` is `bind` and `escalate`;
//! the `impersonate` verb on a resource where it means nothing (`pods`) is
//! not a path; `create` is never granted by a rule with `resourceNames`; a
//! Role (namespaced) never grants cluster-scoped `nodes/proxy`, `users` or
//! `groups`. The finding names the rule.
//!
//! Rules that are `*` on every resource and verb are reported by
//! `rbac-wildcard` instead. Default roles are left out.
//!
//! ## Why it matters
//! Reviews look for `secrets` in roles; these paths read them all the same,
//! and are the usual way a "deploy only" CI account ends up with every
//! database password of the namespace.
//!
//! ## Example
//! ```yaml
//! rules:
//!   - apiGroups: [apps]
//!     resources: [deployments]
//!     verbs: [create, update, patch]
//! ```
//!
//! ## Instead
//! Give deployers a namespace with only the Secrets they deploy, use
//! admission policy to limit which service accounts and Secrets pods may
//! use, and keep exec, token creation, impersonation, escalate/bind and
//! nodes/proxy for break-glass roles.
//!
//! ## References
//! - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation
//! - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks
//! - CIS Kubernetes Benchmark v1.9.0, controls 5.1.4 (create pods), 5.1.8
//!   (bind, impersonate, escalate), 5.1.10 (the proxy sub-resource of
//!   nodes) and 5.1.13 (service-account token creation)

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::rbac::RbacIndex;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "rbac-secrets-via-workloads",
    name: "Role reads Secrets through workloads, exec, tokens or escalation",
    severity: Severity::Medium,
    short: "Pod/controller writes, exec, ephemeral containers, token creation, impersonate, escalate/bind or nodes/proxy amount to reading Secrets.",
    tags: &[
        "rbac",
        "cis-k8s-v1.9.0-5.1.4",
        "cis-k8s-v1.9.0-5.1.8",
        "cis-k8s-v1.9.0-5.1.10",
        "cis-k8s-v1.9.0-5.1.13",
    ],
    references: &["https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation"],
    scope: Scope::Objects,
};

pub(crate) fn check(cx: &mut Cx<'_>, index: &RbacIndex<'_>) {
    for role in index.judged_roles() {
        let scope = crate::authz::own_scope(role);
        for r in &role.rules {
            if r.rule.is_total_wildcard() {
                continue;
            }
            let paths = r.rule.workload_paths(&scope);
            for key in ["resources", "verbs"] {
                let what: Vec<&str> = paths
                    .iter()
                    .filter(|(_, k)| *k == key)
                    .map(|(w, _)| w.as_str())
                    .collect();
                if what.is_empty() {
                    continue;
                }
                let msg = format!("{} `{}` can {}", role.obj.kind, role.obj.name, what.join("; "));
                crate::rbac::emit(cx, &META, role, r, key, key, msg);
            }
        }
    }
}
