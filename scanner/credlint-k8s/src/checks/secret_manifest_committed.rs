//! # secret-manifest-committed: a Secret with real values in the repository
//!
//! ## What it finds
//! A `Secret` manifest whose `data` or `stringData` holds at least one
//! secret value (`data` values are base64-decoded first):
//! - a plain value (`password: …`, `ssh-privatekey: …`) that is not
//!   empty and not a placeholder (`<...>`, `${...}`, `{{ ... }}`,
//!   `changeme`, …);
//! - a file-shaped value — its key is a file name with an extension
//!   (`grafana.ini`, `alertmanager.yaml`, `tls.key`), the value has
//!   several lines, or it is a JSON document (`.dockerconfigjson`) — only
//!   when the leak rules (or a secret-named key with a secret-looking
//!   value) find a credential in it, as `configmap-credential` does.
//!   Configuration stored in a Secret (Grafana settings, Alertmanager
//!   routes, a datasource with only a URL) is not reported; a binary file
//!   (a keystore) cannot be judged and is.
//!
//! Keys that a Secret type defines as not secret are not counted: a
//! bootstrap token's `token-id`, `expiration`, `description`,
//! `usage-bootstrap-*` and `auth-extra-groups`; a service-account token's
//! `namespace` and `ca.crt`. Not reported: SealedSecret and ExternalSecret
//! objects (other kinds), SOPS-encrypted files (a top-level `sops:` key or
//! `ENC[...]` values), and Secrets with only empty or placeholder values.
//! Runs on files only: a Secret in a cluster is where it belongs.
//!
//! ## Why it matters
//! Base64 is an encoding, not encryption. Everyone with read access to the
//! repository, its forks, CI logs and history has the credential — for
//! ever, since deleting the file does not remove it from git history.
//!
//! ## Example
//! ```yaml
//! kind: Secret
//! data:
//!   password: WnE4dk4zclQ2d1kxdUI1eA==
//! ```
//!
//! ## Instead
//! Rotate the credential. Commit a SealedSecret, an ExternalSecret (or a
//! Secrets Store CSI `SecretProviderClass`), or a SOPS-encrypted file.
//!
//! ## References
//! - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
//! - https://github.com/bitnami-labs/sealed-secrets
//! - https://external-secrets.io/
//! - CIS Kubernetes Benchmark v1.9.0, control 5.4.2

use credlint_core::Severity;
use credlint_leaks::validate::{decode_base64, placeholder};

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::model::{Object, Value};

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "secret-manifest-committed",
    name: "Secret manifest with values committed",
    severity: Severity::High,
    short: "A Secret with data/stringData values is in the repository; base64 is encoding, not encryption.",
    tags: &["secrets", "cis-k8s-v1.9.0-5.4.2"],
    references: &["https://kubernetes.io/docs/concepts/security/secrets-good-practices/"],
    scope: Scope::FileObjects,
};

/// Whether a Secret value is real (not empty, not a placeholder or a SOPS value).
pub(crate) fn real_value(raw: &str, base64: bool) -> bool {
    let raw = raw.trim();
    if raw.is_empty() || raw.starts_with("ENC[") || placeholder(raw.as_bytes()).is_some() {
        return false;
    }
    if base64 {
        match decode_base64(raw.as_bytes()) {
            Some(d) => {
                let d = String::from_utf8_lossy(&d);
                let d = d.trim();
                !d.is_empty() && placeholder(d.as_bytes()).is_none()
            }
            None => true,
        }
    } else {
        true
    }
}

/// Whether the Secret's type defines `key` as not secret.
fn non_secret_key(obj: &Object, key: &str) -> bool {
    match obj.root.get("type").and_then(|t| t.scalar_text()) {
        Some("bootstrap.kubernetes.io/token") => key != "token-secret",
        Some("kubernetes.io/service-account-token") => matches!(key, "namespace" | "ca.crt"),
        _ => false,
    }
}

/// Whether a value is a file rather than one secret: the key is a file
/// name with an extension (`grafana.ini`; not a dotfile such as
/// `.dockerconfigjson`), or the value has several lines.
fn file_shaped(key: &str, value: &str) -> bool {
    let ext = key.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && (1..=10).contains(&ext.len())
            && ext.bytes().all(|b| b.is_ascii_alphanumeric())
            && ext.bytes().any(|b| b.is_ascii_alphabetic())
    });
    ext || value.trim().contains('\n')
}

/// Why an entry counts as a committed secret.
enum Counted {
    /// A plain value (or a binary file): the value is the secret.
    Plain,
    /// A file in which this leak rule (or `secret-key-name`) found a credential.
    Found(String),
}

/// Whether an entry counts as a committed secret, and why.
fn secret_entry(cx: &mut Cx<'_>, obj: &Object, key: &str, raw: &str, b64: bool) -> Option<Counted> {
    let trimmed = raw.trim();
    if trimmed.is_empty() || trimmed.starts_with("ENC[") || non_secret_key(obj, key) {
        return None;
    }
    let text = if b64 {
        // `REPLACE_WITH_BASE64_KEY` may decode, to noise.
        if placeholder(trimmed.as_bytes()).is_some() {
            return None;
        }
        match decode_base64(trimmed.as_bytes()) {
            Some(d) => match String::from_utf8(d) {
                // A binary file (keystore, DER key): cannot be judged.
                Ok(t) if !t.contains('\0') => t,
                _ => return Some(Counted::Plain),
            },
            None => return real_value(raw, b64).then_some(Counted::Plain),
        }
    } else {
        raw.to_string()
    };
    // A file, or a JSON document (a docker config, whose closing `}}`
    // would read as a template): judged by what the leak rules find in it.
    let t = text.trim();
    let json = (t.starts_with('{') && t.ends_with('}')) || (t.starts_with('[') && t.ends_with(']'));
    if file_shaped(key, &text) || json {
        return crate::cred::credential(cx, key, &text).map(|hit| Counted::Found(hit.rule_id));
    }
    real_value(raw, b64).then_some(Counted::Plain)
}

pub(crate) fn check(cx: &mut Cx<'_>, obj: &Object) {
    if obj.root.get("sops").is_some() {
        return;
    }
    let root = obj.at();
    for (field, b64) in [("data", true), ("stringData", false)] {
        let Some(at) = root.key(field) else { continue };
        let entries = at.node.entries();
        if entries.iter().any(|e| e.value.scalar_text().is_some_and(|v| v.starts_with("ENC["))) {
            return;
        }
        let mut real: Vec<String> = Vec::new();
        for e in entries {
            if matches!(e.value.value, Value::Null) {
                continue;
            }
            let Some(raw) = e.value.scalar_text() else { continue };
            match secret_entry(cx, obj, &e.key, raw, b64) {
                Some(Counted::Plain) => real.push(e.key.clone()),
                Some(Counted::Found(rule)) => real.push(format!("{} ({rule})", e.key)),
                None => {}
            }
        }
        if real.is_empty() {
            continue;
        }
        let msg = format!(
            "Secret `{}` is committed with {} secret value(s) in `{field}` ({}){}",
            obj.name,
            real.len(),
            real.join(", "),
            if b64 { ": base64 is encoding, not encryption" } else { "" }
        );
        cx.object(&META, obj, &at, "", msg);
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;

    use crate::cred::testing::{objects, run};

    /// (line, message) of each finding.
    fn check(text: &str) -> Vec<(usize, String)> {
        let objs = objects("secret.yaml", text);
        run(|cx| {
            for o in &objs {
                super::check(cx, o);
            }
        })
        .into_iter()
        .map(|f| (f.location.span.unwrap().start_line, f.message))
        .collect()
    }

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    /// Regression (hunt D3): kube-prometheus keeps Grafana settings,
    /// Alertmanager routes and a datasource list in Secrets; none holds a
    /// credential.
    #[test]
    fn configuration_files_without_credentials_are_not_reported() {
        let grafana = "apiVersion: v1
kind: Secret
metadata: {name: grafana-config}
stringData:
  grafana.ini: |
    [date_formats]
    default_timezone = UTC
";
        assert_eq!(check(grafana), vec![]);
        let routes = "route:\n  receiver: \"null\"\n  group_by: [namespace]\nreceivers:\n- name: \"null\"\n";
        let alertmanager = format!(
            "apiVersion: v1\nkind: Secret\nmetadata: {{name: alertmanager-main}}\ntype: Opaque\nstringData:\n  alertmanager.yaml: |-\n{}",
            routes.lines().map(|l| format!("    {l}\n")).collect::<String>()
        );
        assert_eq!(check(&alertmanager), vec![]);
        let datasources = format!(
            "apiVersion: v1\nkind: Secret\nmetadata: {{name: grafana-datasources}}\ndata:\n  datasources.yaml: {}\n",
            b64(r#"{"apiVersion": 1, "datasources": [{"name": "prometheus", "type": "prometheus", "url": "http://prometheus-k8s.monitoring.svc:9090"}]}"#)
        );
        assert_eq!(check(&datasources), vec![]);
    }

    #[test]
    fn files_with_credentials_and_plain_values_are_reported() {
        // Made-up values, assembled so that no scanner reads them here.
        let pw = ["Zq8v", "N3rT", "6wY1", "uB5x"].concat();
        // A credential the leak rules find inside a configuration file.
        let ini = format!(
            "apiVersion: v1
kind: Secret
metadata: {{name: grafana-config}}
stringData:
  grafana.ini: |
    [security]
    admin_password = {pw}
"
        );
        let got = check(&ini);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, 4);
        assert!(got[0].1.contains("grafana.ini (test-generic-password)"), "{}", got[0].1);
        assert!(!got[0].1.contains(&pw));
        // base64 in `data`, multi-line once decoded, with a URL password.
        let cfg = format!(
            "apiVersion: v1\nkind: Secret\nmetadata: {{name: app}}\ndata:\n  config: {}\n",
            b64(&format!("listen: 8080\ndatabase: postgres://app:{pw}@db/app\n"))
        );
        assert_eq!(check(&cfg).len(), 1);
        // Plain values keep today's verdict, however weak; a docker config
        // counts by the credential in it (its `}}}` is not a template).
        let docker = format!(r#"{{"auths":{{"registry.acme.io":{{"username":"ci","password":"{pw}"}}}}}}"#);
        let plain = format!(
            "apiVersion: v1
kind: Secret
metadata: {{name: s}}
data:
  password: YWRtaW4=
  ssh-privatekey: {}
  .dockerconfigjson: {}
",
            b64("Pouring6%Emoticon%Scuba"),
            b64(&docker)
        );
        let got = check(&plain);
        assert_eq!(got.len(), 1);
        assert!(
            got[0].1.contains(
                "3 secret value(s) in `data` (password, ssh-privatekey, .dockerconfigjson (test-generic-password))"
            ),
            "{}",
            got[0].1
        );
        // A docker config without a credential (a credential helper only).
        let helper = format!(
            "apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\ndata:\n  .dockerconfigjson: {}\n",
            b64(r#"{"credHelpers":{"registry.acme.io":"ecr-login"}}"#)
        );
        assert_eq!(check(&helper), vec![]);
        // A binary file (a keystore) cannot be judged: reported.
        let jks = "apiVersion: v1\nkind: Secret\nmetadata: {name: ks}\ndata:\n  keystore.jks: /u3+7QAAAAIAAAAB\n";
        assert_eq!(check(jks).len(), 1);
        // Unless it is a placeholder that happens to decode (to noise).
        let todo = "apiVersion: v1\nkind: Secret\nmetadata: {name: tls}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: \"REPLACE_WITH_BASE64_CERT\"\n  tls.key: \"REPLACE_WITH_BASE64_KEY\"\n";
        assert_eq!(check(todo), vec![]);
    }

    /// Regression (hunt D10/#34): a bootstrap token was "committed with 6
    /// value(s)"; only `token-secret` is secret.
    #[test]
    fn keys_a_secret_type_defines_as_public_are_not_counted() {
        let secret = ["f395", "accd", "246a", "e52d"].concat();
        let t = format!(
            "apiVersion: v1
kind: Secret
metadata: {{name: bootstrap-token-07401b, namespace: kube-system}}
type: bootstrap.kubernetes.io/token
stringData:
  description: \"The default bootstrap token\"
  token-id: 07401b
  token-secret: {secret}
  expiration: 2017-03-10T03:22:11Z
  usage-bootstrap-authentication: \"true\"
  usage-bootstrap-signing: \"true\"
  auth-extra-groups: system:bootstrappers:worker,system:bootstrappers:ingress
"
        );
        let got = check(&t);
        assert_eq!(got.len(), 1);
        assert!(got[0].1.contains("with 1 secret value(s) in `stringData` (token-secret)"), "{}", got[0].1);
        // Without its secret half, nothing is committed.
        let id_only = "apiVersion: v1
kind: Secret
metadata: {name: b}
type: bootstrap.kubernetes.io/token
stringData: {token-id: 07401b, expiration: 2017-03-10T03:22:11Z}
";
        assert_eq!(check(id_only), vec![]);
    }
}
