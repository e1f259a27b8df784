//! # encryption-identity-first: Secrets are written to etcd unencrypted
//!
//! ## What it finds
//! An `EncryptionConfiguration` whose entry governing `secrets` (the first
//! `resources[]` entry that lists `secrets`, `*.` or `*.*`, in list order)
//! has `identity` as its **first** provider. The first provider is the one
//! the API server writes with, so every new or updated Secret is stored as
//! plain (base64-free, protobuf) bytes in etcd.
//!
//! ## Why it matters
//! Anyone who can read etcd, its backups or its disk reads every Secret.
//! Other tools pass such a file as soon as a real provider appears anywhere
//! in the list; what counts is the order inside the governing entry.
//!
//! ## Example
//! ```yaml
//! resources:
//!   - resources: [secrets]
//!     providers:
//!       - identity: {}          # writes plain text
//!       - aescbc: {keys: [{name: k1, secret: <base64 key>}]}
//! ```
//!
//! ## Instead
//! Put the encrypting provider first (ideally `kms` with `apiVersion: v2`),
//! keep `identity` last only while migrating, then rewrite every Secret
//! (`kubectl get secrets -A -o json | kubectl replace -f -`).
//!
//! ## References
//! - https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/
//! - CIS Kubernetes Benchmark v1.9.0, control 1.2.28

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::encryption::Governing;
use crate::model::Object;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "encryption-identity-first",
    name: "Secrets written to etcd unencrypted (identity provider first)",
    severity: Severity::High,
    short: "The provider that writes Secrets is `identity`: new Secrets are stored in etcd in plain text.",
    tags: &["encryption-at-rest", "cis-k8s-v1.9.0-1.2.28"],
    references: &["https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/"],
    scope: Scope::Objects,
};

pub(crate) fn check(cx: &mut Cx<'_>, obj: &Object, g: &Governing<'_>) {
    if let Some((kind, item)) = g.providers.first() {
        if kind == "identity" {
            let msg = format!(
                "`identity` is the first provider of {}: new Secrets are written to etcd unencrypted",
                g.entry_name()
            );
            let f = cx.object(&META, obj, item, "", msg);
            f.properties.insert("cis_control".into(), "1.2.28".into());
            f.properties.insert("cis_benchmark".into(), crate::encryption::CIS_BENCHMARK.into());
        }
    }
}
