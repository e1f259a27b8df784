//! workload-identity-fallback: workloads that fall back to the node's cloud identity.

use std::collections::HashSet;

use credlint_core::{Finding, Severity};
use credlint_k8s::Object;

use super::{annotation, finding, LiveCheck};

/// Registry entry.
pub static META: LiveCheck = LiveCheck {
    id: "workload-identity-fallback",
    name: "Workload without workload identity",
    severity: Severity::Info,
    short: "In a cluster that uses workload identity, a workload whose service account has none falls back to the node's cloud identity.",
    help: HELP,
    references: &[
        "https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html",
        "https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity",
        "https://azure.github.io/azure-workload-identity/docs/",
    ],
};

const HELP: &str = "# workload-identity-fallback: workloads on the node's identity

## What it finds
Only in a cluster where at least one ServiceAccount carries a workload
identity annotation (EKS IRSA `eks.amazonaws.com/role-arn`, GKE
`iam.gke.io/gcp-service-account`, Azure `azure.workload.identity/client-id`):
every workload (pod template or bare pod) whose service account carries
none. Informational.

## Why it matters
Such pods get cloud credentials from the node (the instance metadata
service): every pod on the node shares the node role, which usually can do
more than any one workload needs, and a compromise of one pod is the node's
identity.

## Example
A Deployment using service account `default` in a cluster where `payments`
uses IRSA.

## Instead
Give the workload its own service account with a workload identity
annotation bound to a least-privilege role, and block the metadata service
for pods (IMDSv2 hop limit 1, GKE metadata server, network policy).

## References
- https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
- https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity
";

/// Workload-identity annotations.
pub const ANNOTATIONS: &[&str] = &[
    "eks.amazonaws.com/role-arn",
    "iam.gke.io/gcp-service-account",
    "azure.workload.identity/client-id",
];

/// Run the check.
pub fn check(objects: &[Object], out: &mut Vec<Finding>) {
    let with_identity: HashSet<(Option<&str>, &str)> = objects
        .iter()
        .filter(|o| {
            o.kind == "ServiceAccount" && ANNOTATIONS.iter().any(|a| annotation(o, a).is_some())
        })
        .map(|o| (o.namespace.as_deref(), o.name.as_str()))
        .collect();
    if with_identity.is_empty() {
        return;
    }
    for obj in objects {
        // A PodTemplate runs nothing: only workloads fall back.
        let path = credlint_k8s::pod_spec_path(&obj.kind).filter(|_| obj.kind != "PodTemplate");
        let Some(path) = path else {
            continue;
        };
        let Some(spec) = obj.at().keys(path) else {
            continue;
        };
        if spec.node.get("hostNetwork").and_then(|h| h.scalar_text()) == Some("true") {
            continue;
        }
        let sa = spec
            .node
            .get("serviceAccountName")
            .and_then(|n| n.scalar_text())
            .unwrap_or("default");
        if !with_identity.contains(&(obj.namespace.as_deref(), sa)) {
            let msg = format!(
                "{} `{}` runs as service account `{sa}`, which has no workload identity: its cloud calls use the node's identity",
                obj.kind, obj.name
            );
            out.push(finding(
                &META,
                obj,
                &format!("{}.serviceAccountName", path.join(".")),
                "",
                META.severity,
                msg,
            ));
        }
    }
}
