//! # legacy-sa-token-secret: a long-lived service-account token Secret
//!
//! ## What it finds
//! A `Secret` of `type: kubernetes.io/service-account-token`.
//!
//! ## Why it matters
//! The token controller fills such a Secret with a token that never
//! expires and is not bound to a pod; it stays valid until the Secret is
//! deleted, wherever it has been copied. Projected tokens (the default
//! since 1.22, `TokenRequest`) are short-lived, audience-bound and revoked
//! with their pod.
//!
//! ## Example
//! ```yaml
//! kind: Secret
//! type: kubernetes.io/service-account-token
//! metadata:
//!   annotations: {kubernetes.io/service-account.name: ci}
//! ```
//!
//! ## Instead
//! Use projected service-account tokens in pods, and `kubectl create token`
//! (TokenRequest, with `--duration`) outside them; delete legacy token
//! Secrets (Kubernetes 1.29+ cleans unused ones up).
//!
//! ## References
//! - https://kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets
//! - https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#legacy-serviceaccount-token-cleaner

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::model::Object;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "legacy-sa-token-secret",
    name: "Long-lived service-account token Secret",
    severity: Severity::Medium,
    short: "A Secret of type kubernetes.io/service-account-token holds a token that never expires.",
    tags: &["secrets", "service-account"],
    references: &["https://kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets"],
    scope: Scope::Objects,
};

pub(crate) fn check(cx: &mut Cx<'_>, obj: &Object) {
    let Some(at) = obj.at().key("type") else { return };
    if at.text() != Some("kubernetes.io/service-account-token") {
        return;
    }
    let sa = obj
        .root
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get("kubernetes.io/service-account.name"))
        .and_then(|n| n.scalar_text())
        .unwrap_or("?");
    let msg = format!(
        "Secret `{}` is a legacy token for service account `{sa}`: it never expires; use projected tokens or TokenRequest",
        obj.name
    );
    cx.object(&META, obj, &at, "", msg);
}
