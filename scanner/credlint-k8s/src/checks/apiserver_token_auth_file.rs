//! # apiserver-token-auth-file: static bearer tokens that never expire
//!
//! ## What it finds
//! A kube-apiserver (static-pod manifest, the live API server pod, or a
//! kubeadm `ClusterConfiguration` whose `apiServer.extraArgs` — a map in
//! v1beta3, a name/value list in v1beta4) started with
//! `--token-auth-file`: a CSV of bearer tokens, each mapped to a user and
//! groups.
//!
//! ## Why it matters
//! Static tokens live until the file is edited and the API server
//! restarted: they never expire, cannot be revoked one by one, and sit in
//! clear text on every control-plane node. A copied token keeps working —
//! as whatever user and groups (often `system:masters`) the file gives it.
//!
//! ## Example
//! ```yaml
//! command:
//!   - kube-apiserver
//!   - --token-auth-file=/etc/kubernetes/known_tokens.csv
//! ```
//!
//! ## Instead
//! Remove the flag and the file; authenticate people with OIDC or client
//! certificates of short lifetime, and workloads with bound service-account
//! tokens.
//!
//! ## References
//! - https://kubernetes.io/docs/reference/access-authn-authz/authentication/#static-token-file
//! - https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
//! - CIS Kubernetes Benchmark v1.9.0, control 1.2.2 (`--token-auth-file` is not set)

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::model::Object;
use crate::workload::ApiServer;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "apiserver-token-auth-file",
    name: "kube-apiserver accepts static tokens (--token-auth-file)",
    severity: Severity::High,
    short: "The kube-apiserver reads bearer tokens from a static file: they never expire and cannot be revoked.",
    tags: &["authentication", "tokens", "cis-k8s-v1.9.0-1.2.2"],
    references: &["https://kubernetes.io/docs/reference/access-authn-authz/authentication/#static-token-file"],
    scope: Scope::Objects,
};

pub(crate) fn check(cx: &mut Cx<'_>, obj: &Object, api: &ApiServer<'_>) {
    let Some((value, at)) = api.flag("--token-auth-file") else {
        return;
    };
    if value.is_empty() {
        return;
    }
    let f = cx.object(
        &META,
        obj,
        &at,
        "",
        format!("kube-apiserver reads static bearer tokens from `{value}` (`--token-auth-file`): they never expire and cannot be revoked"),
    );
    f.properties.insert("cis_control".into(), "1.2.2".into());
    f.properties
        .insert("cis_benchmark".into(), crate::encryption::CIS_BENCHMARK.into());
}
