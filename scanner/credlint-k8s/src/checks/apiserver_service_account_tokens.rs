//! # apiserver-service-account-tokens: service-account tokens that outlive their account or their key
//!
//! ## What it finds
//! On a kube-apiserver (static-pod manifest, live API server pod, or
//! kubeadm `ClusterConfiguration` `apiServer.extraArgs`, map or list):
//! - `--service-account-lookup=false`: tokens are not checked against the
//!   service account (or the Secret holding a legacy token) in etcd;
//! - `--service-account-max-token-expiration` longer than 24 hours, which
//!   lets token requests — and, with
//!   `--service-account-extend-token-expiration` (on by default), the
//!   tokens injected into pods — live that long;
//! - neither `--service-account-key-file` nor
//!   `--service-account-signing-key-file` (tokens are then checked with
//!   the TLS serving key), or a service-account key that is the TLS
//!   serving key or certificate (`--tls-private-key-file`,
//!   `--tls-cert-file`): one key for two jobs, rotated together or never.
//!
//! On a kube-controller-manager (static pod, live pod, or
//! `controllerManager.extraArgs`): no `--service-account-private-key-file`.
//! kubeadm sets the key flags itself, so a ClusterConfiguration is judged
//! only on the lookup and expiration flags.
//!
//! ## Why it matters
//! A service-account token is a bearer credential. Without lookup, a token
//! of a deleted service account, or from a deleted token Secret, keeps
//! working until it expires; a long maximum expiration makes a token copied
//! out of a pod useful for days or a year; a signing key shared with the
//! serving certificate cannot be rotated on its own, and whoever holds it
//! mints tokens for any service account.
//!
//! ## Example
//! ```yaml
//! command:
//!   - kube-apiserver
//!   - --service-account-lookup=false
//!   - --service-account-max-token-expiration=8760h
//! ```
//!
//! ## Instead
//! Leave `--service-account-lookup` at its default (`true`); keep
//! `--service-account-max-token-expiration` at a day or less (or unset) and
//! set `--service-account-extend-token-expiration=false` once no client
//! depends on long-lived injected tokens; give service-account tokens
//! their own key pair (`--service-account-signing-key-file` and
//! `--service-account-key-file` on the API server,
//! `--service-account-private-key-file` on the controller manager).
//!
//! ## References
//! - https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
//! - https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/
//! - https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/
//! - CIS Kubernetes Benchmark v1.9.0, controls 1.2.21 (`--service-account-lookup` is true), 1.2.22 (`--service-account-key-file` is set) and 1.3.4 (`--service-account-private-key-file` is set)

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::model::Object;
use crate::workload::ApiServer;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "apiserver-service-account-tokens",
    name: "Service-account tokens not looked up, long-lived, or signed with a shared key",
    severity: Severity::Medium,
    short: "kube-apiserver / controller-manager flags let service-account tokens outlive their account, live long, or share the TLS key.",
    tags: &[
        "authentication",
        "tokens",
        "cis-k8s-v1.9.0-1.2.21",
        "cis-k8s-v1.9.0-1.2.22",
        "cis-k8s-v1.9.0-1.3.4",
    ],
    references: &["https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/"],
    scope: Scope::Objects,
};

/// A Go duration (`8760h`, `24h0m0s`, `90m`) in seconds.
fn seconds(d: &str) -> Option<f64> {
    let mut total = 0.0;
    let mut rest = d.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..u] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            _ => return None,
        };
        total += num * unit;
        rest = &rest[u..];
    }
    Some(total)
}

fn emit(
    cx: &mut Cx<'_>,
    obj: &Object,
    at: &crate::model::At<'_>,
    disc: &str,
    control: Option<&str>,
    msg: String,
) {
    let f = cx.object(&META, obj, at, disc, msg);
    if let Some(c) = control {
        f.properties.insert("cis_control".into(), c.into());
        f.properties
            .insert("cis_benchmark".into(), crate::encryption::CIS_BENCHMARK.into());
    }
}

/// The API server's flags.
pub(crate) fn check_apiserver(cx: &mut Cx<'_>, obj: &Object, api: &ApiServer<'_>) {
    let kubeadm = obj.kind == "ClusterConfiguration";
    if let Some((v, at)) = api.flag("--service-account-lookup") {
        if v.eq_ignore_ascii_case("false") {
            emit(cx, obj, &at, "lookup", Some("1.2.21"), "kube-apiserver runs with `--service-account-lookup=false`: tokens of deleted service accounts and token Secrets keep working".into());
        }
    }
    if let Some((v, at)) = api.flag("--service-account-max-token-expiration") {
        if seconds(&v).is_some_and(|s| s > 24.0 * 3600.0) {
            let extend = api
                .flag("--service-account-extend-token-expiration")
                .is_none_or(|(e, _)| !e.eq_ignore_ascii_case("false"));
            let how = if extend {
                "; with `--service-account-extend-token-expiration` (on unless set to false) the tokens injected into pods live that long too"
            } else {
                ""
            };
            emit(cx, obj, &at, "max-expiration", None, format!("kube-apiserver lets service-account tokens live `{v}` (`--service-account-max-token-expiration`){how}"));
        }
    }
    if kubeadm {
        return;
    }
    let key = api
        .flag("--service-account-key-file")
        .or_else(|| api.flag("--service-account-signing-key-file"));
    match key {
        None => emit(cx, obj, &api.command_at(), "key-file", Some("1.2.22"), "kube-apiserver has no `--service-account-key-file`: service-account tokens are verified with the TLS serving key".into()),
        Some(_) => {
            let tls: Vec<String> = ["--tls-private-key-file", "--tls-cert-file"]
                .iter()
                .filter_map(|f| api.flag(f).map(|(v, _)| v))
                .collect();
            for flag in ["--service-account-key-file", "--service-account-signing-key-file"] {
                if let Some((v, at)) = api.flag(flag) {
                    if tls.contains(&v) {
                        emit(cx, obj, &at, flag, Some("1.2.22"), format!("kube-apiserver `{flag}` is the TLS serving key or certificate (`{v}`): service-account tokens share a key with the API server's TLS"));
                    }
                }
            }
        }
    }
}

/// The controller manager's flags.
pub(crate) fn check_controller_manager(cx: &mut Cx<'_>, obj: &Object, cm: &ApiServer<'_>) {
    if obj.kind == "ClusterConfiguration" || cm.flag("--service-account-private-key-file").is_some() {
        return;
    }
    emit(cx, obj, &cm.command_at(), "private-key-file", Some("1.3.4"), "kube-controller-manager has no `--service-account-private-key-file`: it cannot sign service-account tokens with a key of their own".into());
}

#[cfg(test)]
mod tests {
    #[test]
    fn go_durations() {
        assert_eq!(super::seconds("8760h"), Some(8760.0 * 3600.0));
        assert_eq!(super::seconds("24h0m0s"), Some(86400.0));
        assert_eq!(super::seconds("1h30m"), Some(5400.0));
        assert_eq!(super::seconds("90"), None);
        assert_eq!(super::seconds(""), None);
    }
}
