//! # rbac-csr-approval: a role can approve its own client certificates
//!
//! ## What it finds
//! A Role or ClusterRole that allows both steps of approving a
//! CertificateSigningRequest for the API server's client signer:
//! `update` on `certificatesigningrequests/approval` and `approve` on
//! `signers` (API group `certificates.k8s.io`) for
//! `kubernetes.io/kube-apiserver-client` — by that name, by
//! `kubernetes.io/*` (the approval check also asks for the signer's domain
//! with `/*`), or by no name restriction. Rules are read as the RBAC
//! authorizer reads them (`*` verbs count; the evaluator answers). The
//! finding sits on the `signers` rule and names both rules. Rules that are
//! `*` on every resource and verb are left to `rbac-wildcard`; Kubernetes'
//! default roles are left out.
//!
//! ## Why it matters
//! The `kubernetes.io/kube-apiserver-client` signer puts no limit on the
//! subject: an approved request becomes a client certificate for any user
//! and any group — `system:masters` included, which no RBAC rule can
//! restrict. Whoever can create and approve such a request holds a
//! credential for the whole cluster, valid until the certificate expires
//! and not revocable.
//!
//! ## Example
//! ```yaml
//! rules:
//!   - apiGroups: [certificates.k8s.io]
//!     resources: [certificatesigningrequests/approval]
//!     verbs: [update]
//!   - apiGroups: [certificates.k8s.io]
//!     resources: [signers]
//!     resourceNames: [kubernetes.io/kube-apiserver-client]
//!     verbs: [approve]
//! ```
//!
//! ## Instead
//! Approve client certificates by hand, as a cluster administrator, or
//! restrict automated approvers to a signer of their own
//! (`example.com/my-signer`) whose certificates the API server does not
//! trust for authentication.
//!
//! ## References
//! - https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization
//! - https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#kubernetes-signers
//! - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#csrs-and-certificate-issuing
//! - CIS Kubernetes Benchmark v1.9.0, control 5.1.11 (minimize access to the approval sub-resource of certificatesigningrequests)

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::authz::Ask;
use crate::cx::Cx;
use crate::rbac::RbacIndex;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "rbac-csr-approval",
    name: "Role approves client certificates for any user",
    severity: Severity::High,
    short: "A role can approve CertificateSigningRequests for kubernetes.io/kube-apiserver-client: client certificates for any user, system:masters included.",
    tags: &["rbac", "certificates", "cis-k8s-v1.9.0-5.1.11"],
    references: &["https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization"],
    scope: Scope::Objects,
};

const GROUP: &str = "certificates.k8s.io";
const SIGNER: &str = "kubernetes.io/kube-apiserver-client";

pub(crate) fn check(cx: &mut Cx<'_>, index: &RbacIndex<'_>) {
    for role in index.judged_roles() {
        let approval = Ask::new("update", GROUP, "certificatesigningrequests/approval");
        let Some(upd) = role.grant(&approval) else { continue };
        let signers = Ask::new("approve", GROUP, "signers");
        let Some(appr) = role
            .grant_exact(&signers.named(SIGNER))
            .or_else(|| role.grant_exact(&signers.named("kubernetes.io/*")))
        else {
            continue;
        };
        if upd.rule.is_total_wildcard() || appr.rule.is_total_wildcard() {
            continue;
        }
        let upd_place = crate::authz::rule_place(role, upd);
        let msg = format!(
            "{} `{}` can approve CertificateSigningRequests for `{SIGNER}` (approval update granted at {upd_place}): client certificates for any user or group, `system:masters` included",
            role.obj.kind, role.obj.name
        );
        let f = crate::rbac::emit(cx, &META, role, appr, "resources", "", msg);
        f.properties.insert("approval_rule".into(), upd_place.into());
    }
}
