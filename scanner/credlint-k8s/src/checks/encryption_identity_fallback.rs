//! # encryption-identity-fallback: plain-text Secrets may still sit in etcd
//!
//! ## What it finds
//! `identity` listed **after** a real provider in the entry governing
//! `secrets`. The API server then still reads unencrypted values.
//!
//! ## Why it matters
//! Enabling encryption rewrites nothing: Secrets written before it stay in
//! plain text in etcd until each is written again, and with `identity` as a
//! fallback they keep being served without any warning. The configuration
//! looks encrypted while the data may not be.
//!
//! ## Example
//! ```yaml
//! resources:
//!   - resources: [secrets]
//!     providers:
//!       - kms: {apiVersion: v2, name: vault, endpoint: unix:///run/kms.sock}
//!       - identity: {}          # old plain-text Secrets still readable
//! ```
//!
//! ## Instead
//! Rewrite every Secret with the new provider
//! (`kubectl get secrets -A -o json | kubectl replace -f -`), check with
//! `credlint cluster --etcd` that none is stored unencrypted, then remove
//! `identity` from the list.
//!
//! ## References
//! - https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#ensure-all-secrets-are-encrypted
//! - CIS Kubernetes Benchmark v1.9.0, control 1.2.28 (encryption providers are appropriately configured)

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::encryption::Governing;
use crate::model::Object;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "encryption-identity-fallback",
    name: "Unencrypted fallback for Secrets (identity after a real provider)",
    severity: Severity::Medium,
    short: "`identity` follows a real provider: Secrets written before encryption may still be plain text in etcd.",
    tags: &["encryption-at-rest", "cis-k8s-v1.9.0-1.2.28"],
    references: &["https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#ensure-all-secrets-are-encrypted"],
    scope: Scope::Objects,
};

pub(crate) fn check(cx: &mut Cx<'_>, obj: &Object, g: &Governing<'_>) {
    for (i, (kind, item)) in g.providers.iter().enumerate() {
        if i > 0 && kind == "identity" {
            let first = &g.providers[0].0;
            let msg = format!(
                "`identity` is a fallback after `{first}` in {}: Secrets written before encryption was enabled may still be stored unencrypted and are read without warning",
                g.entry_name()
            );
            cx.object(&META, obj, item, "", msg);
        }
    }
}
