//! secret-unmanaged: a Secret with no external source of truth.

use credlint_core::{Finding, Severity};
use credlint_k8s::Object;

use super::{annotation, finding, owner_kinds, secret_type, LiveCheck};

/// Registry entry.
pub static META: LiveCheck = LiveCheck {
    id: "secret-unmanaged",
    name: "Secret without an external source of truth",
    severity: Severity::Low,
    short: "A Secret that no secret manager, controller or tool owns: it exists only as base64 in etcd.",
    help: HELP,
    references: &["https://kubernetes.io/docs/concepts/security/secrets-good-practices/"],
};

const HELP: &str = "# secret-unmanaged: a Secret without an external source of truth

## What it finds
A live Secret that is not owned by an `ExternalSecret` (External Secrets
Operator) or a `SealedSecret`, not synced by the Secrets Store CSI driver
(`secrets-store.csi.k8s.io/managed`), and is not a service-account token, a
Helm release, a cert-manager certificate, a bootstrap token or a Secret
owned by another controller. Reading Secrets as metadata only is enough.

## Why it matters
Such a Secret was created by hand or by a pipeline and exists only as
base64 in etcd: nobody rotates it, nobody knows where else the value
lives, and rebuilding the cluster loses it or re-creates it from a copy
somewhere on a laptop or in CI variables.

## Example
`kubectl create secret generic db --from-literal=password=…` in namespace `shop`.

## Instead
Keep the value in a secret manager (Vault, AWS Secrets Manager, GCP Secret
Manager, Azure Key Vault) and sync it with External Secrets Operator or the
Secrets Store CSI driver, or commit it encrypted as a SealedSecret / SOPS
file. Waive the ones that are deliberately manual.

## References
- https://kubernetes.io/docs/concepts/security/secrets-good-practices/
- https://external-secrets.io/
";

/// Types that a system component manages.
const MANAGED_TYPES: &[&str] = &[
    "kubernetes.io/service-account-token",
    "helm.sh/release.v1",
    "bootstrap.kubernetes.io/token",
];

/// Why a Secret is managed, if it is.
pub fn managed_by(obj: &Object) -> Option<String> {
    if MANAGED_TYPES.contains(&secret_type(obj)) {
        return Some(secret_type(obj).to_string());
    }
    if let Some((kind, api)) = owner_kinds(obj).first() {
        return Some(format!("owned by {kind} ({api})"));
    }
    if obj.label("secrets-store.csi.k8s.io/managed") == Some("true") {
        return Some("Secrets Store CSI driver".into());
    }
    if annotation(obj, "cert-manager.io/certificate-name").is_some()
        || obj.label("controller.cert-manager.io/fao").is_some()
    {
        return Some("cert-manager".into());
    }
    if obj.label("owner") == Some("helm") || obj.name.starts_with("sh.helm.release.v1.") {
        return Some("Helm release".into());
    }
    if annotation(obj, "kubernetes.io/service-account.name").is_some() {
        return Some("service-account token".into());
    }
    if annotation(obj, "sealedsecrets.bitnami.com/managed").is_some() {
        return Some("SealedSecret".into());
    }
    if obj.label("reconcile.external-secrets.io/managed") == Some("true")
        || annotation(obj, "reconcile.external-secrets.io/data-hash").is_some()
    {
        return Some("External Secrets Operator".into());
    }
    None
}

/// Run the check over every Secret.
pub fn check(objects: &[Object], out: &mut Vec<Finding>) {
    for obj in objects.iter().filter(|o| o.kind == "Secret") {
        if managed_by(obj).is_none() {
            let msg = format!(
                "Secret `{}/{}` has no external source of truth (no ExternalSecret, SealedSecret, CSI driver or controller owns it): it exists only in etcd",
                obj.namespace.as_deref().unwrap_or("_"),
                obj.name
            );
            out.push(finding(&META, obj, "metadata", "", META.severity, msg));
        }
    }
}
