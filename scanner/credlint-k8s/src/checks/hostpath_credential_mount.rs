//! # hostpath-credential-mount: a pod mounts a node directory that holds credentials
//!
//! ## What it finds
//! A `hostPath` volume of a Pod or pod template whose path is a place where
//! a node keeps credentials, or a directory above one:
//! - `/etc/kubernetes` (kubeconfigs, the cluster CA key, kubeadm PKI);
//! - `/var/lib/kubelet` (the kubelet's credentials, and every Secret and
//!   service-account token mounted into any pod on the node);
//! - `/var/lib/etcd` (etcd's data: every Secret of the cluster);
//! - `/var/run/secrets` and `/run/secrets`;
//! - `/etc/ssl/private`, `/etc/pki/tls/private`, `/etc/shadow`;
//! - `/root` and `/home` with the cloud, registry, SSH and kubectl
//!   credentials they hold (`/root/.aws`, `/root/.docker`, `/root/.ssh`,
//!   `/root/.kube`, `/root/.config/gcloud`, `/root/.azure`);
//! - k3s and RKE2 state (`/etc/rancher`, `/var/lib/rancher`);
//! - and their parents: `/`, `/etc`, `/var`, `/var/lib`, `/run`, `/var/run`
//!   — but not `/etc/ssl` and `/etc/pki`, mounted for their public CA
//!   bundles.
//!
//! The path is normalised (trailing and doubled `/`, `.` segments). Static
//! control-plane pods (kube-apiserver, etcd, … run by the kubelet from
//! files) are left out: they must read their own PKI and data.
//!
//! ## Why it matters
//! A hostPath volume is the node's file system inside the container.
//! Whoever controls the container — its image, its code, an exec into it —
//! reads the node's kubeconfigs, private keys and every Secret the kubelet
//! has put on that node, whatever RBAC says about Secrets.
//!
//! ## Example
//! ```yaml
//! volumes:
//!   - name: kubelet
//!     hostPath:
//!       path: /var/lib/kubelet
//! ```
//!
//! ## Instead
//! Mount the one file or socket the workload needs (not its directory),
//! read-only; give the workload its own credential as a Secret or a
//! projected service-account token; enforce the `baseline` Pod Security
//! Standard, which forbids hostPath volumes, in namespaces that do not need
//! them.
//!
//! ## References
//! - https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
//! - https://kubernetes.io/docs/concepts/security/pod-security-standards/
//! - CIS Kubernetes Benchmark v1.9.0, control 5.2.12 (minimize the admission of HostPath volumes)

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::model::{At, Object};

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "hostpath-credential-mount",
    name: "hostPath mount of a node's credentials",
    severity: Severity::High,
    short: "A pod mounts a node directory that holds kubeconfigs, private keys, tokens or mounted Secrets.",
    tags: &["workload", "hostpath", "cis-k8s-v1.9.0-5.2.12"],
    references: &["https://kubernetes.io/docs/concepts/storage/volumes/#hostpath"],
    scope: Scope::Objects,
};

/// Node paths that hold credentials, with what they hold.
const CREDENTIAL_PATHS: &[(&str, &str)] = &[
    ("/etc/kubernetes", "kubeconfigs and the cluster's PKI"),
    ("/var/lib/kubelet", "the kubelet's credentials and every Secret and token mounted into pods on the node"),
    ("/var/lib/etcd", "etcd's data, every Secret of the cluster"),
    ("/var/run/secrets", "mounted Secrets and tokens"),
    ("/run/secrets", "mounted Secrets and tokens"),
    ("/etc/ssl/private", "TLS private keys"),
    ("/etc/pki/tls/private", "TLS private keys"),
    ("/etc/shadow", "password hashes"),
    ("/root", "root's cloud, registry, SSH and kubectl credentials"),
    ("/home", "users' SSH keys and credentials"),
    ("/etc/rancher", "k3s/RKE2 kubeconfigs and tokens"),
    ("/var/lib/rancher", "k3s/RKE2 server tokens and PKI"),
];

/// Parents of key directories that pods mount for the public CA bundles
/// beside them.
const CA_BUNDLE_DIRS: &[&str] = &["/etc/ssl", "/etc/pki", "/etc/pki/tls"];

/// `path` without doubled or trailing `/` and `.` segments; `None` for a
/// relative path or one that climbs with `..`.
fn normalise(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return None;
    }
    let mut parts = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// What a credential-bearing node path (or a parent of one) holds.
fn holds(path: &str) -> Option<String> {
    let p = normalise(path)?;
    for (c, what) in CREDENTIAL_PATHS {
        if p == *c || p.strip_prefix(c).is_some_and(|r| r.starts_with('/')) {
            return Some((*what).to_string());
        }
    }
    let under: Vec<&str> = CREDENTIAL_PATHS
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| p == "/" || c.strip_prefix(p.as_str()).is_some_and(|r| r.starts_with('/')))
        .filter(|_| !CA_BUNDLE_DIRS.contains(&p.as_str()))
        .collect();
    if under.is_empty() {
        return None;
    }
    Some(format!("{} among others", under.join(", ")))
}

pub(crate) fn check(cx: &mut Cx<'_>, obj: &Object, spec: &At<'_>) {
    if crate::workload::static_control_plane(obj) {
        return;
    }
    let Some(volumes) = spec.key("volumes") else { return };
    for v in volumes.items() {
        let Some(path_at) = v.keys(&["hostPath", "path"]) else { continue };
        let Some(path) = path_at.text() else { continue };
        let Some(what) = holds(path) else { continue };
        let name = v.node.get("name").and_then(|n| n.scalar_text()).unwrap_or("?");
        let msg = format!(
            "{} `{}` mounts the node's `{path}` (volume `{name}`), which holds {what}",
            obj.kind, obj.name
        );
        let f = cx.object(&META, obj, &path_at, "", msg);
        f.properties.insert("host_path".into(), path.into());
    }
}

#[cfg(test)]
mod tests {
    use super::holds;

    #[test]
    fn credential_paths_and_their_parents() {
        for p in [
            "/",
            "/etc",
            "/etc/",
            "/etc/kubernetes",
            "/etc/kubernetes/pki",
            "/var/lib/kubelet",
            "/var/lib/kubelet/pods",
            "//var//lib/kubelet/",
            "/root",
            "/root/.aws",
            "/root/.docker/config.json",
            "/home",
            "/var/run/secrets",
            "/etc/ssl/private",
            "/var",
            "/var/lib",
            "/var/lib/etcd",
            "/etc/pki/tls/private",
        ] {
            assert!(holds(p).is_some(), "{p}");
        }
        for p in [
            "/var/log",
            "/etc/ssl/certs",
            "/lib/modules",
            "/proc",
            "/sys",
            "/var/lib/docker/containers",
            "/opt/cni/bin",
            "/etc/cni/net.d",
            "/run/xtables.lock",
            "/etc/localtime",
            "/var/lib/kubelet-plugins",
            "/etc/kubernetes-extra",
            "/etc/ssl",
            "/etc/pki",
            "/etc/pki/ca-trust/extracted/pem",
            "/etc/pki/tls/certs",
            "relative/path",
        ] {
            assert!(holds(p).is_none(), "{p}");
        }
    }
}
