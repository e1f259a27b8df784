//! "Is there a credential in this field?" — asked of the leak engine.
//!
//! A field is scanned as the two lines `key=value` and `key: "value"`, the
//! shapes the leak rules are written for (dotenv/shell and YAML/JSON), and a
//! candidate counts only when its secret lies inside the value. When no rule
//! hits but the key names a secret (`password`, `token`, …), the value is
//! judged by the leak engine's own `generic-secret` validator (not a name,
//! reference, path, URL, number or placeholder; enough entropy), so
//! `password: Zq8vN3rT6wY1uB5x` is found even without a generic rule.

use credlint_core::Severity;
use credlint_leaks::validate::{placeholder, Validator};

use crate::cx::Cx;

/// A credential recognised in a field.
#[derive(Debug, Clone)]
pub(crate) struct CredHit {
    /// Leak rule id, or `secret-key-name` for the key-name judgement.
    pub rule_id: String,
    /// Human name of the rule.
    pub rule_name: String,
    /// Severity of the rule.
    pub severity: Severity,
}

/// Key names that say the value is a secret.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "accesskey",
    "access_key",
    "privatekey",
    "private_key",
    "credential",
    "auth",
];

/// Suffixes that make a secret-ish key name a setting instead
/// (`password_file`, `token_url`, `secret_name`, …).
const SETTING_SUFFIXES: &[&str] = &[
    "file", "path", "url", "uri", "name", "ref", "dir", "length", "type", "enabled", "id", "ttl",
    "timeout", "header", "mode", "method", "source", "class", "policy",
];

/// Whether a key names a secret value.
pub(crate) fn secretish_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    if !SECRET_WORDS.iter().any(|w| k.contains(w)) {
        return false;
    }
    let raw = key.as_bytes();
    let setting = SETTING_SUFFIXES.iter().any(|s| {
        if !k.ends_with(s) {
            return false;
        }
        let before = k.len() - s.len();
        before > 0
            && (matches!(raw[before - 1], b'_' | b'-' | b'.')
                || (raw[before].is_ascii_uppercase() && raw[before - 1].is_ascii_lowercase()))
    });
    !setting && !k.ends_with("secretname") && !k.ends_with("secretref")
}

/// Look for a credential in `value` (the field named `key`).
pub(crate) fn credential(cx: &mut Cx<'_>, key: &str, value: &str) -> Option<CredHit> {
    let value = value.trim();
    if value.is_empty() || value.len() > 64 * 1024 {
        return None;
    }
    let line1 = format!("{key}={value}\n");
    let text = format!("{line1}{key}: \"{value}\"\n");
    let v1 = key.len() + 1..key.len() + 1 + value.len();
    let s2 = line1.len() + key.len() + 3;
    let v2 = s2..s2 + value.len();
    let inside = |r: &std::ops::Range<usize>| {
        (r.start >= v1.start && r.end <= v1.end) || (r.start >= v2.start && r.end <= v2.end)
    };
    let mut best: Option<CredHit> = None;
    for c in cx.leaks.scan(text.as_bytes(), &mut cx.scratch) {
        if c.verdict.is_err() || !inside(&c.secret) {
            continue;
        }
        let spec = &cx.leaks.rules()[c.rule].spec;
        if best.as_ref().is_none_or(|b| spec.severity > b.severity) {
            best = Some(CredHit {
                rule_id: spec.id.clone(),
                rule_name: spec.name.clone(),
                severity: spec.severity,
            });
        }
    }
    if best.is_some() {
        return best;
    }
    if secretish_key(key)
        && placeholder(value.as_bytes()).is_none()
        && Validator::GenericSecret
            .check(value.as_bytes(), Some(key.as_bytes()))
            .is_ok()
    {
        return Some(CredHit {
            rule_id: "secret-key-name".to_string(),
            rule_name: "value of a key named like a secret".to_string(),
            severity: Severity::High,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names() {
        assert!(secretish_key("DB_PASSWORD"));
        assert!(secretish_key("apiToken"));
        assert!(secretish_key("client_secret"));
        assert!(!secretish_key("PASSWORD_FILE"));
        assert!(!secretish_key("token_url"));
        assert!(!secretish_key("existingSecretName"));
        assert!(!secretish_key("LOG_LEVEL"));
    }
}
