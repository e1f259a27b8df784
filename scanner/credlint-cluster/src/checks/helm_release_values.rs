//! helm-release-values: credentials in the values of a Helm release.

use std::io::Read as _;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use credlint_core::{Finding, SecretValue, Severity};
use credlint_k8s::Object;
use credlint_leaks::{RuleSet, Scratch};
use serde_json::Value as Json;

use super::{finding, secret_type, LiveCheck};

/// Registry entry.
pub static META: LiveCheck = LiveCheck {
    id: "helm-release-values",
    name: "Credential in Helm release values",
    severity: Severity::High,
    short: "A Helm release Secret whose user-supplied values carry a credential (needs --read-secret-values).",
    help: HELP,
    references: &["https://helm.sh/docs/topics/advanced/#storage-backends"],
};

const HELP: &str = "# helm-release-values: credentials in the values of a Helm release

## What it finds
With `--read-secret-values` only: every Helm release Secret
(`type: helm.sh/release.v1`) is decoded the way Helm stores it (the
`release` key is base64 of gzip-compressed JSON) and the values the user
supplied (`config`, i.e. `--set` and `-f values.yaml`) are scanned with the
leak rules. The finding shows the values path and the masked secret.

## Why it matters
`helm install --set db.password=…` keeps that password in every release
revision Secret (ten by default), readable by anyone who can read Secrets
in the namespace — long after the chart stopped using it — and in every
etcd backup.

## Example
`helm upgrade shop ./chart --set postgresql.auth.password=Zq8vN3rT6wY1uB5x`

## Instead
Reference an existing Secret (`existingSecret:` in most charts) fed by a
secret manager, and lower `--history-max` so old revisions go away.

## References
- https://helm.sh/docs/topics/advanced/#storage-backends
";

/// Decode a Helm release payload (the Secret's `data.release`, still base64 as in the API).
pub fn decode_release(data_release_b64: &str) -> Option<Json> {
    let helm_b64 = B64.decode(data_release_b64.trim()).ok()?;
    let gz = B64.decode(helm_b64.trim_ascii()).ok()?;
    let mut json = Vec::new();
    if gz.starts_with(&[0x1f, 0x8b]) {
        flate2::read::GzDecoder::new(&gz[..])
            .take(64 << 20)
            .read_to_end(&mut json)
            .ok()?;
    } else {
        json = gz;
    }
    serde_json::from_slice(&json).ok()
}

fn leaves(v: &Json, path: String, out: &mut Vec<(String, String)>) {
    match v {
        Json::Object(m) => {
            for (k, v) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                leaves(v, p, out);
            }
        }
        Json::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                leaves(v, format!("{path}[{i}]"), out);
            }
        }
        Json::String(s) => out.push((path, s.clone())),
        _ => {}
    }
}

/// Run the check on Secrets read with their values.
pub fn check(objects: &[Object], leaks: &RuleSet, out: &mut Vec<Finding>) {
    let mut scratch = Scratch::default();
    for obj in objects
        .iter()
        .filter(|o| o.kind == "Secret" && secret_type(o) == "helm.sh/release.v1")
    {
        let Some(payload) = obj
            .root
            .get("data")
            .and_then(|d| d.get("release"))
            .and_then(|r| r.scalar_text())
        else {
            continue;
        };
        let Some(release) = decode_release(payload) else {
            continue;
        };
        let mut vals = Vec::new();
        leaves(&release["config"], String::new(), &mut vals);
        let release_name = release["name"].as_str().unwrap_or(&obj.name).to_string();
        for (path, value) in vals {
            let key = path.rsplit('.').next().unwrap_or(&path).to_string();
            let line = format!("{key}: \"{value}\"");
            let value_start = key.len() + 3;
            for c in leaks.scan(line.as_bytes(), &mut scratch) {
                if c.verdict.is_err() || c.secret.start < value_start {
                    continue;
                }
                let rule = &leaks.rules()[c.rule];
                let secret = SecretValue::from_bytes(&line.as_bytes()[c.secret.clone()]);
                let msg = format!(
                    "Helm release `{release_name}` keeps a {} in its values at `{path}`: every revision Secret carries it",
                    rule.spec.name
                );
                let mut f = finding(
                    &META,
                    obj,
                    "data.release",
                    &format!("{path}@{}", rule.spec.id),
                    META.severity.max(rule.spec.severity),
                    msg,
                );
                f.properties
                    .insert("values_path".into(), Json::String(path.clone()));
                f.properties
                    .insert("leak_rule".into(), Json::String(rule.spec.id.clone()));
                f.secret = Some(secret);
                out.push(f);
            }
        }
    }
}
