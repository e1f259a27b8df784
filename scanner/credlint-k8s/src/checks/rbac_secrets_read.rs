//! # rbac-secrets-read: a role can read every Secret in its scope
//!
//! ## What it finds
//! A Role or ClusterRole rule granting `get`, `list` or `watch` on
//! `secrets` that is not restricted to named Secrets. Rules are judged one
//! by one, as the API server does: a role with one name-restricted rule and
//! one unrestricted rule is unrestricted. A rule with `resourceNames`
//! grants only the named Secrets — for `list` and `watch` too, which the
//! API server then allows only with a `metadata.name` field selector — and
//! `resourceNames: ["*"]` names the one Secret called `*`. `*` in `verbs`,
//! `apiGroups` or `resources` counts. Rules aggregated into a ClusterRole
//! through its `aggregationRule` count as its own. The finding names the
//! rule that grants the access (file and line, or role and rule index).
//! Kubernetes' default roles (`kubernetes.io/bootstrapping: rbac-defaults`)
//! are left out.
//!
//! ## Why it matters
//! Reading a Secret means holding the credential in it. A role that reads
//! all Secrets of a namespace (or, as a ClusterRole bound cluster-wide, of
//! every namespace) is as powerful as every service account and database
//! password there.
//!
//! ## Example
//! ```yaml
//! rules:
//!   - apiGroups: [""]
//!     resources: [secrets]
//!     verbs: [get, list, watch]
//! ```
//!
//! ## Instead
//! Grant `get` on the named Secrets the workload needs
//! (`resourceNames: [app-db]`), or mount the Secret as a volume and grant
//! nothing; use an external secret store for humans.
//!
//! ## References
//! - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets
//! - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
//! - CIS Kubernetes Benchmark v1.9.0, control 5.1.2 (minimize access to secrets)

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::rbac::RbacIndex;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "rbac-secrets-read",
    name: "Role reads all Secrets",
    severity: Severity::High,
    short: "A rule grants get/list/watch on secrets without restricting them to named Secrets.",
    tags: &["rbac", "cis-k8s-v1.9.0-5.1.2"],
    references: &["https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets"],
    scope: Scope::Objects,
};

pub(crate) fn check(cx: &mut Cx<'_>, index: &RbacIndex<'_>) {
    for role in index.judged_roles() {
        for r in &role.rules {
            let verbs = r.rule.unrestricted_secret_reads();
            if verbs.is_empty() {
                continue;
            }
            let scope = if role.obj.kind == "ClusterRole" { "cluster-wide when bound by a ClusterRoleBinding" } else { "in its namespace" };
            let msg = format!(
                "{} `{}` can {} every Secret {scope}",
                role.obj.kind,
                role.obj.name,
                verbs.join("/"),
            );
            crate::rbac::emit(cx, &META, role, r, "resources", "", msg);
        }
    }
}
