//! # automount-token: a service-account token mounted that nothing may need
//!
//! ## What it finds
//! - A ServiceAccount without `automountServiceAccountToken: false`;
//! - a pod spec (Pod or pod template) that sets
//!   `automountServiceAccountToken: true`, or leaves it unset while its
//!   service account (`serviceAccountName`, default `default`) is not among
//!   the objects given with `automountServiceAccountToken: false`.
//!
//! Low severity: many workloads do talk to the API server. Allow a known
//! need with an allow comment (files) or a waiver (cluster audit).
//!
//! ## Why it matters
//! Every container then has an API credential at
//! `/var/run/secrets/kubernetes.io/serviceaccount/token`; code execution in
//! the pod becomes API access with the service account's rights — with
//! `default`, often more than anyone meant.
//!
//! ## Example
//! ```yaml
//! kind: ServiceAccount
//! metadata: {name: web}
//! ```
//!
//! ## Instead
//! Set `automountServiceAccountToken: false` on the ServiceAccount, and
//! `true` only on the pod specs that need the API (or mount a projected
//! token with a short lifetime and an audience).
//!
//! ## References
//! - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
//! - CIS Kubernetes Benchmark v1.9.0, control 5.1.6

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::model::{Object, Value};

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "automount-token",
    name: "Service-account token automounted",
    severity: Severity::Low,
    short: "automountServiceAccountToken is not disabled on a ServiceAccount or pod spec.",
    tags: &["workload", "cis-k8s-v1.9.0-5.1.6"],
    references: &["https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting"],
    scope: Scope::Objects,
};

fn flag(node: &crate::model::Node) -> Option<bool> {
    match &node.get("automountServiceAccountToken")?.value {
        Value::Bool(b) => Some(*b),
        Value::Str(s) => s.parse().ok(),
        _ => None,
    }
}

pub(crate) fn check(cx: &mut Cx<'_>, objects: &[Object]) {
    let sa_disabled = |name: &str, ns: Option<&str>| {
        objects.iter().any(|o| {
            o.kind == "ServiceAccount"
                && o.name == name
                && (o.namespace.is_none() || ns.is_none() || o.namespace.as_deref() == ns)
                && flag(&o.root) == Some(false)
        })
    };
    for obj in objects {
        if obj.kind == "ServiceAccount" && obj.api_version == "v1" {
            if flag(&obj.root) != Some(false) {
                let root = obj.at();
                let at = root
                    .key("automountServiceAccountToken")
                    .or_else(|| root.keys(&["metadata", "name"]))
                    .unwrap_or(root);
                let msg = format!(
                    "ServiceAccount `{}` does not set `automountServiceAccountToken: false`: every pod using it gets an API token",
                    obj.name
                );
                cx.object(&META, obj, &at, "", msg);
            }
            continue;
        }
        for spec in crate::workload::pod_specs(obj) {
            let sa = spec
                .node
                .get("serviceAccountName")
                .and_then(|n| n.scalar_text())
                .unwrap_or("default");
            match flag(spec.node) {
                Some(false) => {}
                Some(true) => {
                    let at = spec.key("automountServiceAccountToken").unwrap_or(spec.clone());
                    let msg = format!(
                        "{} `{}` mounts the token of service account `{sa}` (`automountServiceAccountToken: true`)",
                        obj.kind, obj.name
                    );
                    cx.object(&META, obj, &at, "", msg);
                }
                None if sa_disabled(sa, obj.namespace.as_deref()) => {}
                None => {
                    let msg = format!(
                        "{} `{}` mounts the token of service account `{sa}`: `automountServiceAccountToken` is not set to false on the pod spec or the service account",
                        obj.kind, obj.name
                    );
                    cx.object(&META, obj, &spec, "", msg);
                }
            }
        }
    }
}
