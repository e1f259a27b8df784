//! secrets-at-rest: Secrets that etcd holds unencrypted.

use credlint_core::{Finding, ObjectRef, Severity};
use credlint_k8s::Object;

use super::{finding, LiveCheck};
use crate::etcd::{AtRest, AtRestReport};

/// Registry entry.
pub static META: LiveCheck = LiveCheck {
    id: "secrets-at-rest",
    name: "Secret stored unencrypted in etcd",
    severity: Severity::High,
    short: "etcd holds this Secret as plain protobuf: encryption at rest is off for it (read from etcd with --etcd).",
    help: HELP,
    references: &["https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#verifying-that-data-is-encrypted"],
};

const HELP: &str = "# secrets-at-rest: the proof of encryption at rest

## What it finds
With `--etcd URL` (and `--etcd-cacert/--etcd-cert/--etcd-key`), the raw
values under `/registry/secrets/` are read (read-only, only their first
bytes are looked at, never printed) and every Secret stored as raw
protobuf (`k8s\\0…`) or JSON is reported. Encrypted values start with
`k8s:enc:<provider>:v1:<key name>:` (`aescbc`, `aesgcm`, `secretbox`, KMS v1)
or `k8s:enc:kms:v2:<provider>:`; the report counts them per provider and key.
A value with a prefix we do not know is reported as unknown, never as encrypted.

## Why it matters
An EncryptionConfiguration only proves intent: Secrets written before it
was enabled stay plain text until rewritten, `identity` first stores new
ones in plain text, and a control plane restarted without the flag writes
plain text again. Anyone with an etcd backup or snapshot reads every
Secret. Only the bytes in etcd prove it either way.

## Example
`k8s\\0\\n\\x0c\\n\\x02v1\\x12\\x06Secret…` under `/registry/secrets/shop/db`.

## Instead
Enable an encryption provider (KMS v2 preferably) for `secrets`, then
rewrite every Secret so the new provider applies:
`kubectl get secrets -A -o json | kubectl replace -f -`. Run this check
again to prove it.

## References
- https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#verifying-that-data-is-encrypted
- CIS Kubernetes Benchmark v1.9.0, controls 1.2.27 and 1.2.28
";

/// One finding per Secret stored unencrypted (or in an unknown form).
pub fn check(report: &AtRestReport, context: &str, out: &mut Vec<Finding>) {
    for s in &report.secrets {
        let (sev, msg) = match &s.at_rest {
            AtRest::Unencrypted => (
                META.severity,
                format!("Secret `{}/{}` is stored unencrypted in etcd (raw `k8s\\0` protobuf)", s.namespace, s.name),
            ),
            AtRest::Unknown => (
                Severity::Medium,
                format!("Secret `{}/{}` is stored in etcd with an unrecognised prefix: encryption not proven", s.namespace, s.name),
            ),
            AtRest::Encrypted { .. } => continue,
        };
        let obj = Object::from_json(
            &serde_json::json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": s.name, "namespace": s.namespace}}),
            Some(context),
        );
        let mut f = finding(&META, &obj, "", "", sev, msg);
        f.properties
            .insert("etcd_endpoint".into(), serde_json::json!(report.endpoint));
        let _: &ObjectRef = f.location.object.as_ref().expect("object finding");
        out.push(f);
    }
}
