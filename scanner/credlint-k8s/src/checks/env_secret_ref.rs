//! # env-secret-ref: a Secret passed to a container as environment variables
//!
//! ## What it finds
//! In a Pod or any pod template (Deployment, StatefulSet, DaemonSet,
//! ReplicaSet, Job, CronJob, ReplicationController, PodTemplate), a
//! container with `env[].valueFrom.secretKeyRef` or `envFrom[].secretRef`.
//! The finding points at the `secretKeyRef:` / `secretRef:` key.
//!
//! ## Why it matters
//! Environment variables leak: they are inherited by every child process,
//! printed by crash handlers and debug endpoints, visible in
//! `/proc/<pid>/environ`, and cannot be rotated without restarting the pod.
//! A file on a memory-backed volume has none of these problems.
//!
//! ## Example
//! ```yaml
//! env:
//!   - name: DB_PASSWORD
//!     valueFrom:
//!       secretKeyRef: {name: db, key: password}
//! ```
//!
//! ## Instead
//! Mount the Secret as a volume (tmpfs-backed, updated in place) and read
//! the file: `volumes: [{name: db, secret: {secretName: db}}]` with a
//! `volumeMounts` entry, and point the application at the path.
//!
//! ## References
//! - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
//! - https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod
//! - CIS Kubernetes Benchmark v1.9.0, control 5.4.1

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::model::{At, Object};

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "env-secret-ref",
    name: "Secret exposed as environment variables",
    severity: Severity::Low,
    short: "A container reads a Secret through env (secretKeyRef) or envFrom (secretRef); prefer a mounted file.",
    tags: &["workload", "cis-k8s-v1.9.0-5.4.1"],
    references: &["https://kubernetes.io/docs/concepts/security/secrets-good-practices/"],
    scope: Scope::Objects,
};

fn container_name<'a>(c: &At<'a>) -> &'a str {
    c.node.get("name").and_then(|n| n.scalar_text()).unwrap_or("?")
}

pub(crate) fn check(cx: &mut Cx<'_>, obj: &Object, c: &At<'_>) {
    let cname = container_name(c);
    if let Some(env) = c.key("env") {
        for e in env.items() {
            if let Some(r) = e.keys(&["valueFrom", "secretKeyRef"]) {
                let var = e.node.get("name").and_then(|n| n.scalar_text()).unwrap_or("?");
                let secret = r.node.get("name").and_then(|n| n.scalar_text()).unwrap_or("?");
                let msg = format!(
                    "container `{cname}` gets Secret `{secret}` as environment variable `{var}`; mount it as a file instead"
                );
                cx.object(&META, obj, &r, "", msg);
            }
        }
    }
    if let Some(env_from) = c.key("envFrom") {
        for e in env_from.items() {
            if let Some(r) = e.key("secretRef") {
                let secret = r.node.get("name").and_then(|n| n.scalar_text()).unwrap_or("?");
                let msg = format!(
                    "container `{cname}` gets every key of Secret `{secret}` as environment variables (envFrom); mount it as a file instead"
                );
                cx.object(&META, obj, &r, "", msg);
            }
        }
    }
}
