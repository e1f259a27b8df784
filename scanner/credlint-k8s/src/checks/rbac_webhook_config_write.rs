//! # rbac-webhook-config-write: a role can register admission webhooks
//!
//! ## What it finds
//! A Role or ClusterRole rule that allows `create`, or `update`/`patch` of
//! any object, on `mutatingwebhookconfigurations` or
//! `validatingwebhookconfigurations` (API group
//! `admissionregistration.k8s.io`), as the RBAC authorizer reads it (`*`
//! verbs count; these resources are cluster-scoped, so a Role never grants
//! them). `update`/`patch` restricted by `resourceNames` to a controller's
//! own configuration is not reported. Rules that are `*` on every resource and verb are left to
//! `rbac-wildcard`; Kubernetes' default roles are left out.
//!
//! ## Why it matters
//! An admission webhook receives the objects of the requests it selects —
//! with a rule on `secrets`, every Secret as it is created or updated, in
//! clear — and a mutating one can rewrite them (or the pods that mount
//! them). Writing a webhook configuration is reading and changing every
//! Secret written from then on, and turning off the cluster's admission
//! policy.
//!
//! ## Example
//! ```yaml
//! rules:
//!   - apiGroups: [admissionregistration.k8s.io]
//!     resources: [mutatingwebhookconfigurations]
//!     verbs: [create, update, patch]
//! ```
//!
//! ## Instead
//! Install webhook configurations with the cluster's deployment tooling;
//! give a controller that must refresh its own configuration's CA bundle
//! `update`/`patch` restricted by `resourceNames` to that one object.
//!
//! ## References
//! - https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/
//! - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks
//! - CIS Kubernetes Benchmark v1.9.0, control 5.1.12 (minimize access to webhook configuration objects)

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::authz::{own_scope, Ask};
use crate::cx::Cx;
use crate::rbac::RbacIndex;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "rbac-webhook-config-write",
    name: "Role writes admission webhook configurations",
    severity: Severity::High,
    short: "A role can create or change mutating/validating webhook configurations: it sees (and can rewrite) every Secret on admission.",
    tags: &["rbac", "admission", "cis-k8s-v1.9.0-5.1.12"],
    references: &["https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks"],
    scope: Scope::Objects,
};

const GROUP: &str = "admissionregistration.k8s.io";
const KINDS: [&str; 2] = [
    "mutatingwebhookconfigurations",
    "validatingwebhookconfigurations",
];

pub(crate) fn check(cx: &mut Cx<'_>, index: &RbacIndex<'_>) {
    for role in index.judged_roles() {
        let scope = own_scope(role);
        for r in &role.rules {
            if r.rule.is_total_wildcard() {
                continue;
            }
            let mut grants: Vec<String> = Vec::new();
            for res in KINDS {
                let verbs: Vec<&str> = ["create", "update", "patch"]
                    .into_iter()
                    .filter(|v| {
                        let ask = Ask::new(v, GROUP, res);
                        scope.covers(ask.ns) && r.rule.allows(&ask)
                    })
                    .collect();
                if !verbs.is_empty() {
                    grants.push(format!("{} {res}", verbs.join("/")));
                }
            }
            if grants.is_empty() {
                continue;
            }
            let msg = format!(
                "{} `{}` can {}: an admission webhook sees every Secret written and can rewrite it",
                role.obj.kind,
                role.obj.name,
                grants.join("; ")
            );
            crate::rbac::emit(cx, &META, role, r, "resources", "", msg);
        }
    }
}
