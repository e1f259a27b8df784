//! # configmap-credential: a credential in a ConfigMap
//!
//! ## What it finds
//! A `ConfigMap` `data` value in which the leak rules find a credential
//! (the same rules `credlint scan` runs, on the value's text — including
//! whole configuration files stored as values), or whose key is named like
//! a secret and whose value looks like one; a literal value — however
//! short — under a key that *is* a secret (`pwd: hi`, `password: admin1`);
//! and, inside a value's text, lines `NAME=value`, `export NAME=value`,
//! `name: value` or `--name=value` that set a secret-named variable to a
//! literal, and `Authorization: Bearer <token>`. The finding points at the
//! data key and names the rule (and the line of the value); the value is
//! never printed.
//!
//! Values are judged as the leak rules judge them, in one place
//! (`cred::not_a_credential`): booleans, numbers (but a number under a
//! password name), ports, durations, file modes, words that choose a
//! setting (`auto`, `sha256`, `basic`), placeholders (`YourPingdomApiToken`,
//! `your-token-here`, `<password>`), references, file paths, URLs without
//! credentials, and identifiers named like tokens that are not secret
//! (etcd's `initialClusterToken`) are not credentials — also when a
//! generic leak rule matched them.
//!
//! ## Why it matters
//! ConfigMaps are not meant for secrets: they are never encrypted at rest,
//! RBAC on them is usually broad (`view` reads them), and they are printed
//! freely by tools and people.
//!
//! ## Example
//! ```yaml
//! kind: ConfigMap
//! data:
//!   DATABASE_URL: postgres://app:Zq8vN3rT6wY1uB5x@db:5432/app
//! ```
//!
//! ## Instead
//! Rotate the credential and move it to a Secret (mounted as a file), or to
//! an external store.
//!
//! ## References
//! - https://kubernetes.io/docs/concepts/configuration/configmap/
//! - https://kubernetes.io/docs/concepts/security/secrets-good-practices/

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::{at_least, Cx};
use crate::model::Object;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "configmap-credential",
    name: "Credential in a ConfigMap",
    severity: Severity::High,
    short: "A leak rule matches a value of a ConfigMap's data.",
    tags: &["secrets", "leak"],
    references: &["https://kubernetes.io/docs/concepts/configuration/configmap/"],
    scope: Scope::Objects,
};

pub(crate) fn check(cx: &mut Cx<'_>, obj: &Object) {
    let Some(data) = obj.at().key("data") else { return };
    for (key, at) in data.entries() {
        let Some(value) = at.text() else { continue };
        if let Some(hit) = crate::cred::credential(cx, key, value) {
            let msg = format!(
                "ConfigMap `{}` key `{key}` holds a credential ({}: {})",
                obj.name, hit.rule_id, hit.rule_name
            );
            let f = cx.object(&META, obj, &at, "", msg);
            at_least(f, hit.severity);
            f.properties.insert("leak_rule".into(), hit.rule_id.into());
        } else if crate::cred::named_secret(key, value) {
            let msg = format!(
                "ConfigMap `{}` key `{key}` is a literal password or token: ConfigMaps are not Secrets (not encrypted at rest, readable by anyone who reads configuration)",
                obj.name
            );
            let f = cx.object(&META, obj, &at, "", msg);
            f.properties.insert("leak_rule".into(), "secret-key-name".into());
        } else {
            for e in crate::cred::embedded(value) {
                let msg = format!(
                    "ConfigMap `{}` key `{key}` sets `{}` to a literal credential (line {} of the value)",
                    obj.name,
                    e.name,
                    e.line + 1
                );
                let disc = format!("{}:{}", e.line, e.name);
                let f = cx.object(&META, obj, &at, &disc, msg);
                f.properties.insert("leak_rule".into(), "secret-key-name".into());
                f.properties.insert("value_line".into(), (e.line + 1).into());
            }
        }
    }
}
