//! # env-literal-credential: a credential written into a container's env
//!
//! ## What it finds
//! A literal `env[].value` of a container (in a Pod or any pod template)
//! in which the leak rules find a credential — the same rules `credlint
//! scan` runs on files, applied to the field's text — or whose variable is
//! named like a secret (`*_PASSWORD`, `*_TOKEN`, …) and whose value looks
//! like one (the leak engine's `generic-secret` judgement: not a name,
//! reference, path, URL, number or placeholder). The finding points at the
//! `value:` key and names the rule; the value is never printed.
//!
//! ## Why it matters
//! The credential is in the repository, in every rendered manifest and in
//! the object in etcd (Deployments are not encrypted like Secrets), and
//! readable by anyone who can `get` the workload.
//!
//! ## Example
//! ```yaml
//! env:
//!   - name: DB_PASSWORD
//!     value: Zq8vN3rT6wY1uB5x
//! ```
//!
//! ## Instead
//! Rotate the credential; store it in a Secret (ideally synced from an
//! external store) and mount it as a file.
//!
//! ## References
//! - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
//! - https://kubernetes.io/docs/tasks/inject-data-application/distribute-credentials-secure/

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::{at_least, Cx};
use crate::model::{At, Object};

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "env-literal-credential",
    name: "Credential in a literal environment variable",
    severity: Severity::High,
    short: "A leak rule matches the literal value of a container environment variable.",
    tags: &["workload", "leak"],
    references: &["https://kubernetes.io/docs/concepts/security/secrets-good-practices/"],
    scope: Scope::Objects,
};

pub(crate) fn check(cx: &mut Cx<'_>, obj: &Object, c: &At<'_>) {
    let cname = c.node.get("name").and_then(|n| n.scalar_text()).unwrap_or("?");
    let Some(env) = c.key("env") else { return };
    for e in env.items() {
        let Some(v) = e.key("value") else { continue };
        let Some(value) = v.text() else { continue };
        let var = e.node.get("name").and_then(|n| n.scalar_text()).unwrap_or("");
        if let Some(hit) = crate::cred::credential(cx, var, value) {
            let msg = format!(
                "container `{cname}` has a credential in the literal value of `{var}` ({}: {})",
                hit.rule_id, hit.rule_name
            );
            let f = cx.object(&META, obj, &v, "", msg);
            at_least(f, hit.severity);
            f.properties.insert("leak_rule".into(), hit.rule_id.into());
        }
    }
}
