//! # apiserver-no-encryption-config: the API server does not encrypt Secrets at rest
//!
//! ## What it finds
//! A kube-apiserver pod (the static-pod manifest on a control-plane node,
//! the pod read from `kube-system`, a self-hosted DaemonSet; the binary run
//! directly, through `hyperkube apiserver` or from `sh -c`) whose command
//! line has no `--encryption-provider-config` flag — or a kubeadm
//! `ClusterConfiguration` whose `apiServer.extraArgs` (a map in v1beta3, a
//! name/value list in v1beta4) does not set `encryption-provider-config`,
//! so the cluster kubeadm builds from it starts without one.
//!
//! ## Why it matters
//! Without it, every Secret is stored in etcd unencrypted, whatever
//! EncryptionConfiguration files exist elsewhere.
//!
//! ## Example
//! ```yaml
//! containers:
//!   - name: kube-apiserver
//!     command: [kube-apiserver, --etcd-servers=https://127.0.0.1:2379]
//! ```
//!
//! ## Instead
//! Write an EncryptionConfiguration (kms v2 first for `secrets`) and pass
//! `--encryption-provider-config=/etc/kubernetes/enc/config.yaml`.
//!
//! ## References
//! - https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/
//! - CIS Kubernetes Benchmark v1.9.0, control 1.2.27

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::model::Object;
use crate::workload::ApiServer;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "apiserver-no-encryption-config",
    name: "kube-apiserver without --encryption-provider-config",
    severity: Severity::High,
    short: "The kube-apiserver has no --encryption-provider-config: Secrets are stored unencrypted in etcd.",
    tags: &["encryption-at-rest", "cis-k8s-v1.9.0-1.2.27"],
    references: &["https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/"],
    scope: Scope::Objects,
};

pub(crate) fn check(cx: &mut Cx<'_>, obj: &Object, api: &ApiServer<'_>) {
    if api.has_flag("--encryption-provider-config") {
        return;
    }
    let at = api.command_at();
    let f = cx.object(
        &META,
        obj,
        &at,
        "",
        "kube-apiserver runs without `--encryption-provider-config`: Secrets are stored in etcd unencrypted".into(),
    );
    f.properties.insert("cis_control".into(), "1.2.27".into());
    f.properties.insert("cis_benchmark".into(), crate::encryption::CIS_BENCHMARK.into());
}
