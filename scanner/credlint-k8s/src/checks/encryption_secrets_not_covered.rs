//! # encryption-secrets-not-covered: the encryption config leaves Secrets out
//!
//! ## What it finds
//! An `EncryptionConfiguration` none of whose `resources[]` entries names
//! `secrets`, `*.` (every core-group resource) or `*.*` (everything).
//!
//! ## Why it matters
//! Resources not listed are stored unencrypted. A file that encrypts, say,
//! only `configmaps` looks like encryption at rest is on, while every Secret
//! goes to etcd in plain text.
//!
//! ## Example
//! ```yaml
//! resources:
//!   - resources: [configmaps]
//!     providers: [{aesgcm: {keys: [...]}}]
//! ```
//!
//! ## Instead
//! Add an entry for `secrets` (first in the list) whose first provider
//! encrypts, preferably `kms` v2.
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
    id: "encryption-secrets-not-covered",
    name: "Encryption configuration does not cover Secrets",
    severity: Severity::High,
    short: "No `resources[]` entry covers `secrets`: Secrets are stored unencrypted.",
    tags: &["encryption-at-rest", "cis-k8s-v1.9.0-1.2.28"],
    references: &["https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/"],
    scope: Scope::Objects,
};

pub(crate) fn check(cx: &mut Cx<'_>, obj: &Object, g: &Governing<'_>) {
    if g.entry.is_some() {
        return;
    }
    let at = g.resources_key.clone().unwrap_or_else(|| obj.at());
    let msg = "no `resources[]` entry names `secrets`, `*.` or `*.*`: Secrets are stored in etcd unencrypted".to_string();
    let f = cx.object(&META, obj, &at, "", msg);
    f.properties.insert("cis_control".into(), "1.2.28".into());
    f.properties.insert("cis_benchmark".into(), crate::encryption::CIS_BENCHMARK.into());
}
