//! # workload-secrets-path: a workload's service account reaches the cluster's Secrets
//!
//! ## What it finds
//! A Pod or pod template (Deployment, StatefulSet, DaemonSet, Job, CronJob,
//! …) that mounts a service-account token, where that service account —
//! through the RoleBindings and ClusterRoleBindings that name it, its
//! namespace's group `system:serviceaccounts:<ns>`, or the groups
//! `system:serviceaccounts` and `system:authenticated` — is allowed, as the
//! RBAC authorizer decides, to:
//! - `get`, `list` or `watch` every Secret (of its namespace or of all);
//! - impersonate users, groups or service accounts;
//! - `bind` or `escalate` roles;
//! - create pods or pod controllers, exec or attach into pods, or create
//!   service-account tokens;
//! - approve client certificates, write admission webhook configurations,
//!   or reach the kubelet API (`nodes/proxy`).
//!
//! The finding is on the workload (at `serviceAccountName`), one per
//! granting rule, and spells the chain: workload → service account →
//! binding → role → rule (file and line), in the message and in
//! `properties.chain`. Bindings to the built-in `cluster-admin`, `admin`,
//! `edit` and `view` ClusterRoles are resolved with their documented
//! permissions when the role itself is not among the objects. A pod that
//! does not mount a token (`automountServiceAccountToken: false` on the
//! pod, or on its service account without the pod turning it back on) is
//! left out, as are static control-plane pods and objects owned by a pod
//! controller (their owner is judged). In files, a workload without a
//! namespace meets bindings of any namespace, except for the `default`
//! service account, which must then be named without a namespace too.
//!
//! ## Why it matters
//! Roles are reviewed one by one and workloads one by one; the question an
//! attacker asks is the join. Code execution in this workload — a
//! vulnerable dependency, a poisoned image — is the token in
//! `/var/run/secrets/kubernetes.io/serviceaccount`, and the token is
//! everything this chain allows: here, the Secrets.
//!
//! ## Example
//! ```yaml
//! kind: Deployment
//! spec:
//!   template:
//!     spec:
//!       serviceAccountName: ci-runner   # bound to cluster-admin
//! ```
//!
//! ## Instead
//! Give each workload its own service account, bound only to what it
//! calls; restrict Secret reads with `resourceNames`; set
//! `automountServiceAccountToken: false` where the workload does not call
//! the API.
//!
//! ## References
//! - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
//! - https://kubernetes.io/docs/concepts/security/service-accounts/
//! - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#service-account-permissions
//! - CIS Kubernetes Benchmark v1.9.0, controls 5.1.2, 5.1.4, 5.1.6 and 5.1.8

use std::collections::BTreeMap;

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::authz::{Ask, Grant, Ns, Subject, SubjectIndex};
use crate::cx::Cx;
use crate::model::{Object, Value};
use crate::rbac::RbacIndex;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "workload-secrets-path",
    name: "Workload's service account can read Secrets or escalate",
    severity: Severity::High,
    short: "A workload mounts the token of a service account that its bindings let read every Secret, impersonate, bind roles or create pods.",
    tags: &[
        "rbac",
        "workload",
        "cis-k8s-v1.9.0-5.1.2",
        "cis-k8s-v1.9.0-5.1.4",
        "cis-k8s-v1.9.0-5.1.6",
        "cis-k8s-v1.9.0-5.1.8",
    ],
    references: &["https://kubernetes.io/docs/concepts/security/rbac-good-practices/"],
    scope: Scope::Objects,
};

/// The questions asked for each workload: (what it amounts to, requests
/// any of which is enough).
/// A service account: namespace (unknown in some files) and name.
type AccountKey = (Option<String>, String);

/// A request: verb, API group, resource (with subresource).
type Request = (&'static str, &'static str, &'static str);

const CAPABILITIES: &[(&str, &[Request])] = &[
    ("list every Secret", &[("list", "", "secrets"), ("watch", "", "secrets")]),
    ("get every Secret", &[("get", "", "secrets")]),
    (
        "impersonate other identities",
        &[
            ("impersonate", "", "users"),
            ("impersonate", "", "groups"),
            ("impersonate", "", "serviceaccounts"),
        ],
    ),
    (
        "bind or escalate roles",
        &[
            ("bind", "rbac.authorization.k8s.io", "clusterroles"),
            ("bind", "rbac.authorization.k8s.io", "roles"),
            ("escalate", "rbac.authorization.k8s.io", "clusterroles"),
            ("escalate", "rbac.authorization.k8s.io", "roles"),
        ],
    ),
    (
        "create pods (mounting any Secret)",
        &[
            ("create", "", "pods"),
            ("create", "apps", "deployments"),
            ("create", "apps", "daemonsets"),
            ("create", "apps", "statefulsets"),
            ("create", "apps", "replicasets"),
            ("create", "batch", "jobs"),
            ("create", "batch", "cronjobs"),
        ],
    ),
    (
        "exec or attach into pods",
        &[
            ("create", "", "pods/exec"),
            ("get", "", "pods/exec"),
            ("create", "", "pods/attach"),
        ],
    ),
    (
        "create tokens for other service accounts",
        &[("create", "", "serviceaccounts/token")],
    ),
    (
        "reach the kubelet API",
        &[("get", "", "nodes/proxy"), ("create", "", "nodes/proxy")],
    ),
    (
        "write admission webhook configurations",
        &[
            ("create", "admissionregistration.k8s.io", "mutatingwebhookconfigurations"),
            ("update", "admissionregistration.k8s.io", "mutatingwebhookconfigurations"),
            ("create", "admissionregistration.k8s.io", "validatingwebhookconfigurations"),
        ],
    ),
];

fn automount(node: &crate::model::Node) -> Option<bool> {
    match &node.get("automountServiceAccountToken")?.value {
        Value::Bool(b) => Some(*b),
        Value::Str(s) => s.parse().ok(),
        _ => None,
    }
}

/// A namespace as written, unless it is a template (unknown until rendered).
fn known(ns: Option<&str>) -> Option<&str> {
    ns.filter(|n| !n.contains("{{") && !n.is_empty())
}

const CONTROLLED_BY: [&str; 7] = [
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicationController",
];

fn owned_by_controller(obj: &Object) -> bool {
    obj.root
        .get("metadata")
        .and_then(|m| m.get("ownerReferences"))
        .is_some_and(|o| {
            o.items().iter().any(|r| {
                r.get("kind")
                    .and_then(|k| k.scalar_text())
                    .is_some_and(|k| CONTROLLED_BY.contains(&k))
            })
        })
}

pub(crate) fn check(cx: &mut Cx<'_>, objects: &[Object], index: &RbacIndex<'_>) {
    if index.bindings.is_empty() {
        return;
    }
    let subjects = SubjectIndex::build(index);
    // Service accounts that opt out of automounting, and the answers per
    // (namespace, account): workloads share them.
    let opted_out_sas: Vec<&Object> = objects
        .iter()
        .filter(|o| o.kind == "ServiceAccount" && automount(&o.root) == Some(false))
        .collect();
    let mut memo: std::collections::HashMap<AccountKey, Vec<(&str, Grant<'_, '_>)>> =
        std::collections::HashMap::new();
    for obj in objects {
        if crate::workload::static_control_plane(obj) || owned_by_controller(obj) {
            continue;
        }
        for spec in crate::workload::pod_specs(obj) {
            let sa_at = spec
                .key("serviceAccountName")
                .or_else(|| spec.key("serviceAccount"));
            let sa = sa_at
                .as_ref()
                .and_then(|a| a.text())
                .filter(|s| !s.is_empty() && !s.contains("{{"))
                .unwrap_or("default");
            let ns = known(obj.namespace.as_deref());
            let opted_out = match automount(spec.node) {
                Some(v) => !v,
                None => opted_out_sas.iter().any(|o| {
                    o.name == sa
                        && (ns.is_none()
                            || known(o.namespace.as_deref()).is_none()
                            || known(o.namespace.as_deref()) == ns)
                        && automount(&o.root) == Some(false)
                }),
            };
            if opted_out {
                continue;
            }
            let subject = Subject::ServiceAccount(ns.map(str::to_string), sa.to_string());
            let req_ns = ns.map_or(Ns::Any, Ns::In);
            let granted = memo
                .entry((ns.map(str::to_string), sa.to_string()))
                .or_insert_with(|| {
                    let mut out = Vec::new();
                    for (what, asks) in CAPABILITIES {
                        let grant = asks.iter().find_map(|(v, g, r)| {
                            let mut ask = Ask::new(v, g, r);
                            if ask.ns != Ns::Cluster {
                                ask = ask.in_ns(req_ns);
                            }
                            // Every Secret, any pod, any identity: no name restriction.
                            subjects.grant(&subject, &ask, true)
                        });
                        let Some(g) = grant else { continue };
                        // The `default` service account of an unknown namespace
                        // stands for too many; only an equally unknown subject counts.
                        if sa == "default" && ns.is_none() && subject_ns_known(&g, sa) {
                            continue;
                        }
                        out.push((*what, g));
                    }
                    out
                });
            // Capabilities grouped by the rule that grants them.
            let mut by_rule: BTreeMap<String, (Grant<'_, '_>, Vec<&str>)> = BTreeMap::new();
            for (what, g) in granted.iter() {
                let g = g.clone();
                // Stable across line moves: the binding, the role and the
                // rule's field path (not its line).
                let key = format!(
                    "{}/{}/{}|{}/{}|{}",
                    g.binding.kind,
                    g.binding.namespace.as_deref().unwrap_or("_"),
                    g.binding.name,
                    g.rule.aggregated_from.unwrap_or(g.role.obj).kind,
                    g.rule.aggregated_from.unwrap_or(g.role.obj).name,
                    g.rule.rule.at.path
                );
                by_rule.entry(key).or_insert_with(|| (g, Vec::new())).1.push(what);
            }
            for (key, (g, whats)) in by_rule {
                let place = crate::authz::rule_place(g.role, g.rule);
                let sa_name = match ns {
                    Some(n) => format!("{n}/{sa}"),
                    None => sa.to_string(),
                };
                let role_obj = g.rule.aggregated_from.unwrap_or(g.role.obj);
                let msg = format!(
                    "{} `{}` runs as ServiceAccount `{sa_name}`, which can {} {}: {} `{}` → {} `{}` → rule at {place}",
                    obj.kind,
                    obj.name,
                    whats.join(", "),
                    g.scope.describe(),
                    g.binding.kind,
                    g.binding.name,
                    g.role.obj.kind,
                    g.role.obj.name,
                );
                let at = sa_at.clone().unwrap_or_else(|| spec.clone());
                let f = cx.object(&META, obj, &at, &key, msg);
                f.properties.insert(
                    "chain".into(),
                    serde_json::json!({
                        "workload": {"kind": obj.kind, "namespace": obj.namespace, "name": obj.name},
                        "service_account": sa_name,
                        "binding": {"kind": g.binding.kind, "namespace": g.binding.namespace, "name": g.binding.name},
                        "role": {"kind": g.role.obj.kind, "name": g.role.obj.name},
                        "rule_role": format!("{}/{}", role_obj.kind, role_obj.name),
                        "rule": place,
                        "rule_field": g.rule.rule.at.path,
                        "scope": g.scope.describe(),
                        "can": whats,
                    }),
                );
                f.properties.insert("grant_rule".into(), place.into());
            }
        }
    }
}

/// Whether the binding subject that let the `default` service account in
/// names a namespace (or is a group), i.e. is not a namespace-less file
/// object like the workload.
fn subject_ns_known(g: &Grant<'_, '_>, sa: &str) -> bool {
    let subjects = g.binding.root.get("subjects").map(|s| s.items()).unwrap_or_default();
    !subjects.iter().any(|s| {
        s.get("kind").and_then(|k| k.scalar_text()) == Some("ServiceAccount")
            && s.get("name").and_then(|k| k.scalar_text()) == Some(sa)
            && known(
                s.get("namespace")
                    .and_then(|k| k.scalar_text())
                    .or(g.binding.namespace.as_deref()),
            )
            .is_none()
    })
}

#[cfg(test)]
mod tests {
    use crate::cred::testing::{objects, run};
    use crate::rbac::RbacIndex;

    const BINDING: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: ops}
roleRef: {kind: ClusterRole, name: edit, apiGroup: rbac.authorization.k8s.io}
subjects: [{kind: ServiceAccount, name: tool, namespace: ops}, {kind: ServiceAccount, name: default, namespace: ops}]
";

    fn messages(workload_ns: &str, sa: &str) -> Vec<String> {
        let text = format!(
            "{BINDING}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p{workload_ns}\nspec:\n  serviceAccountName: {sa}\n  containers: [{{name: c, image: x}}]\n"
        );
        let objs = objects("m.yaml", &text);
        let index = RbacIndex::build(&objs, false);
        run(|cx| super::check(cx, &objs, &index))
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn namespaces_must_meet() {
        // Same namespace: edit reads Secrets and creates pods there.
        let m = messages("\n  namespace: ops", "tool");
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(m[1].contains("impersonate other identities"), "{}", m[1]);
        assert!(m[0].contains("list every Secret"), "{}", m[0]);
        assert!(m[0].contains("in namespace `ops`"), "{}", m[0]);
        assert!(m[0].contains("RoleBinding `b` → ClusterRole `edit`"), "{}", m[0]);
        // Another namespace: not this account.
        assert!(messages("\n  namespace: shop", "tool").is_empty());
        // No namespace in the file: a named account may be anywhere …
        assert_eq!(messages("", "tool").len(), 2);
        // … but `default` stands for every namespace's default account.
        assert!(messages("", "default").is_empty());
        assert_eq!(messages("\n  namespace: ops", "default").len(), 2);
    }
}
