//! # compose-env-credential: a credential in a Compose service's environment
//!
//! ## What it finds
//! In a `docker-compose*.yml` / `compose*.yaml`, a literal value under a
//! service's `environment:` (map or `KEY=value` list form) in which the
//! leak rules find a credential, or whose variable is named like a secret
//! and whose value looks like one. `${VAR}` interpolation and empty values
//! are not reported.
//!
//! ## Why it matters
//! The file is committed and shared; the value also ends up in
//! `docker inspect` output and in every process of the container.
//!
//! ## Example
//! ```yaml
//! services:
//!   db:
//!     environment:
//!       POSTGRES_PASSWORD: Zq8vN3rT6wY1uB5x
//! ```
//!
//! ## Instead
//! Use Compose `secrets:` (mounted under `/run/secrets/`), or `${VAR}`
//! interpolation from an uncommitted `.env` file.
//!
//! ## References
//! - https://docs.docker.com/compose/how-tos/use-secrets/
//! - https://docs.docker.com/compose/how-tos/environment-variables/

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::{at_least, Cx};
use crate::model::{At, Object};

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "compose-env-credential",
    name: "Credential in a Compose environment",
    severity: Severity::High,
    short: "A Compose service's environment sets a literal credential.",
    tags: &["compose", "leak"],
    references: &["https://docs.docker.com/compose/how-tos/use-secrets/"],
    scope: Scope::Files,
};

fn report(cx: &mut Cx<'_>, obj: &Object, service: &str, var: &str, value: &str, at: &At<'_>) {
    if let Some(hit) = crate::cred::credential(cx, var, value) {
        let path = obj.origin.path.clone().unwrap_or_default();
        let msg = format!(
            "service `{service}` sets a literal credential in `{var}` ({}: {})",
            hit.rule_id, hit.rule_name
        );
        let f = cx.text(&META, &path, at.span, &format!("{service}/{var}"), msg);
        at_least(f, hit.severity);
        f.properties.insert("leak_rule".into(), hit.rule_id.into());
    }
}

pub(crate) fn check(cx: &mut Cx<'_>, obj: &Object) {
    let Some(services) = obj.at().key("services") else { return };
    for (service, svc) in services.entries() {
        let Some(env) = svc.key("environment") else { continue };
        for (var, at) in env.entries() {
            if let Some(value) = at.text() {
                report(cx, obj, service, var, value, &at);
            }
        }
        for item in env.items() {
            if let Some((var, value)) = item.text().and_then(|t| t.split_once('=')) {
                report(cx, obj, service, var, value, &item);
            }
        }
    }
}
