//! # automount-token: a service-account token mounted that nothing may need
//!
//! ## What it finds
//! - A ServiceAccount without `automountServiceAccountToken: false`;
//! - a pod spec (Pod or pod template) that sets
//!   `automountServiceAccountToken: true`, or leaves it unset while its
//!   service account (`serviceAccountName`, default `default`) is not among
//!   the objects given with `automountServiceAccountToken: false`.
//!
//! Not reported: static control-plane pods (a Pod in `kube-system` that
//! runs kube-apiserver, kube-controller-manager, kube-scheduler or etcd,
//! or is labelled `tier: control-plane` there, or a static pod's mirror in
//! a live cluster). The kubelet runs them from files; a static pod cannot
//! use a service account, so no token is mounted whatever the spec says.
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
    // The service accounts that opt out, found once (a tree or a cluster
    // can hold tens of thousands of pods).
    let disabled: Vec<&Object> = objects
        .iter()
        .filter(|o| o.kind == "ServiceAccount" && flag(&o.root) == Some(false))
        .collect();
    let sa_disabled = |name: &str, ns: Option<&str>| {
        disabled.iter().any(|o| {
            o.name == name
                && (o.namespace.is_none() || ns.is_none() || o.namespace.as_deref() == ns)
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
        if crate::workload::static_control_plane(obj) {
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

#[cfg(test)]
mod tests {
    use crate::cred::testing::{lines, objects, run};

    fn check(text: &str) -> Vec<(String, usize)> {
        let objs = objects("m.yaml", text);
        lines(&run(|cx| super::check(cx, &objs)))
    }

    /// Regression (hunt D7): kubeadm's static kube-apiserver pod was told
    /// to stop mounting a token it never gets.
    #[test]
    fn static_control_plane_pods_are_skipped() {
        let apiserver = "apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system, labels: {tier: control-plane}}
spec:
  hostNetwork: true
  containers: [{name: kube-apiserver, command: [kube-apiserver, --encryption-provider-config=/e.yaml]}]
";
        assert_eq!(check(apiserver), vec![]);
        for program in [
            "/usr/local/bin/kube-controller-manager",
            "kube-scheduler",
            "etcd",
        ] {
            let t = format!(
                "apiVersion: v1\nkind: Pod\nmetadata: {{name: x, namespace: kube-system}}\nspec:\n  containers: [{{name: c, command: [{program}, --v=2]}}]\n"
            );
            assert_eq!(check(&t), vec![], "{program}");
        }
        // Labelled control plane, whatever it runs.
        let labelled = "apiVersion: v1
kind: Pod
metadata: {name: cp, namespace: kube-system, labels: {tier: control-plane}}
spec: {containers: [{name: c, image: x}]}
";
        assert_eq!(check(labelled), vec![]);
        // The mirror of a static pod, as a live cluster shows it.
        let mirror = "apiVersion: v1
kind: Pod
metadata:
  name: kube-proxy-node1
  namespace: kube-system
  annotations: {kubernetes.io/config.mirror: abc}
spec: {containers: [{name: c, image: x}]}
";
        assert_eq!(check(mirror), vec![]);
    }

    #[test]
    fn other_pods_are_still_reported() {
        let id = "automount-token".to_string();
        // etcd run as an ordinary pod in an application namespace.
        let user_etcd = "apiVersion: v1
kind: Pod
metadata: {name: etcd, namespace: shop}
spec: {containers: [{name: c, command: [etcd]}]}
";
        assert_eq!(check(user_etcd), vec![(id.clone(), 4)]);
        // A self-hosted API server in a DaemonSet does get a token.
        let ds = "apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kube-apiserver, namespace: kube-system, labels: {tier: control-plane}}
spec:
  template:
    spec:
      containers: [{name: c, command: [kube-apiserver]}]
";
        assert_eq!(check(ds), vec![(id.clone(), 6)]);
        // Same label outside kube-system.
        let elsewhere = "apiVersion: v1
kind: Pod
metadata: {name: cp, namespace: default, labels: {tier: control-plane}}
spec: {containers: [{name: c, image: x}]}
";
        assert_eq!(check(elsewhere), vec![(id, 4)]);
    }
}
