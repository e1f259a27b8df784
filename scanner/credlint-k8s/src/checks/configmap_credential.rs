//! # configmap-credential: a credential in a ConfigMap
//!
//! ## What it finds
//! A `ConfigMap` `data` value in which the leak rules find a credential
//! (the same rules `credlint scan` runs, on the value's text — including
//! whole configuration files stored as values), or whose key is named like
//! a secret and whose value looks like one. The finding points at the data
//! key and names the rule; the value is never printed.
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
        }
    }
}
