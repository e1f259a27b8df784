//! # secret-manifest-committed: a Secret with real values in the repository
//!
//! ## What it finds
//! A `Secret` manifest whose `data` or `stringData` holds at least one
//! value that is not empty and not a placeholder (`<...>`, `${...}`,
//! `{{ ... }}`, `changeme`, …; `data` values are base64-decoded first).
//! Not reported: SealedSecret and ExternalSecret objects (other kinds),
//! SOPS-encrypted files (a top-level `sops:` key or `ENC[...]` values),
//! and Secrets with only empty or placeholder values. Runs on files only:
//! a Secret in a cluster is where it belongs.
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
        let real: Vec<&str> = entries
            .iter()
            .filter(|e| !matches!(e.value.value, Value::Null))
            .filter(|e| e.value.scalar_text().is_some_and(|v| real_value(v, b64)))
            .map(|e| e.key.as_str())
            .collect();
        if real.is_empty() {
            continue;
        }
        let msg = format!(
            "Secret `{}` is committed with {} value(s) in `{field}` ({}){}",
            obj.name,
            real.len(),
            real.join(", "),
            if b64 { ": base64 is encoding, not encryption" } else { "" }
        );
        cx.object(&META, obj, &at, "", msg);
    }
}
