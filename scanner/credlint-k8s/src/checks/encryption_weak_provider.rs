//! # encryption-weak-provider: Secrets encrypted with a weak or deprecated provider
//!
//! ## What it finds
//! In the entry governing `secrets`, a provider that the Kubernetes
//! documentation advises against:
//! - `aescbc` — vulnerable to padding-oracle attacks, "not recommended";
//! - `aesgcm` — safe only if the key is rotated every 200,000 writes, which
//!   the API server does not do for you;
//! - `kms` without `apiVersion: v2` — KMS v1, deprecated since 1.28 and
//!   disabled by default since 1.29;
//! - a static key (`keys[].secret`) kept in the configuration file itself.
//!
//! Where the CIS Kubernetes Benchmark disagrees, both verdicts are given:
//! CIS v1.9.0 control 1.2.28 accepts `aescbc`, `kms` and `secretbox` and
//! does not list `aesgcm`. Each finding carries the properties
//! `k8s_docs_verdict`, `cis_verdict`, `cis_control` and `cis_benchmark`.
//!
//! ## Why it matters
//! A key that sits in a file on the control-plane node next to the etcd
//! client certificates protects against little more than a stolen etcd
//! backup; weak modes and unrotated GCM keys weaken even that.
//!
//! ## Example
//! ```yaml
//! providers:
//!   - aescbc:
//!       keys: [{name: key1, secret: <base64 key>}]
//! ```
//!
//! ## Instead
//! Use `kms` with `apiVersion: v2` and an external key manager (the key
//! never touches the node). If a local key is unavoidable, prefer
//! `secretbox`, and protect and rotate the file.
//!
//! ## References
//! - https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#providers
//! - https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/
//! - CIS Kubernetes Benchmark v1.9.0, control 1.2.28

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::{at_least, Cx};
use crate::encryption::{Governing, CIS_BENCHMARK};
use crate::model::Object;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "encryption-weak-provider",
    name: "Secrets encrypted with a weak or deprecated provider",
    severity: Severity::Medium,
    short: "The provider for Secrets is aescbc, unrotated aesgcm, KMS v1, or a static key kept in the file.",
    tags: &["encryption-at-rest", "cis-k8s-v1.9.0-1.2.28"],
    references: &[
        "https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#providers",
        "https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/",
    ],
    scope: Scope::Objects,
};

pub(crate) fn check(cx: &mut Cx<'_>, obj: &Object, g: &Governing<'_>) {
    for (i, (kind, item)) in g.providers.iter().enumerate() {
        let Some(body) = item.key(kind) else { continue };
        let mut reasons: Vec<&str> = Vec::new();
        let (k8s, cis) = match kind.as_str() {
            "aescbc" => {
                reasons.push("`aescbc` is called weak by the Kubernetes documentation (CBC padding-oracle attacks)");
                ("weak", "pass")
            }
            "aesgcm" => {
                reasons.push("`aesgcm` needs its key rotated every 200,000 writes, which Kubernetes does not do");
                ("weak unless rotated", "fail: not in the accepted list (aescbc, kms, secretbox)")
            }
            "kms" => {
                if body.key("apiVersion").and_then(|v| v.text()) == Some("v2") {
                    continue;
                }
                reasons.push("KMS v1 (no `apiVersion: v2`) is deprecated since Kubernetes 1.28 and disabled by default since 1.29");
                ("deprecated", "pass")
            }
            "secretbox" => ("strong", "pass"),
            _ => continue,
        };
        let static_key = body
            .key("keys")
            .map(|keys| keys.items().iter().any(|k| k.key("secret").is_some()))
            .unwrap_or(false);
        if static_key {
            reasons.push("its key is stored in the configuration file itself, on the same node as the data it protects");
        }
        if reasons.is_empty() {
            continue;
        }
        let role = if i == 0 { "writes" } else { "reads" };
        let msg = format!(
            "provider `{kind}` ({role} Secrets in {}): {}; Kubernetes docs: {k8s}; CIS 1.2.28 ({CIS_BENCHMARK}): {cis}",
            g.entry_name(),
            reasons.join("; ")
        );
        let f = cx.object(&META, obj, item, "", msg);
        if kind == "aesgcm" && i == 0 {
            at_least(f, Severity::Medium);
        }
        f.properties.insert("k8s_docs_verdict".into(), k8s.into());
        f.properties.insert("cis_verdict".into(), cis.into());
        f.properties.insert("cis_control".into(), "1.2.28".into());
        f.properties.insert("cis_benchmark".into(), CIS_BENCHMARK.into());
    }
}
