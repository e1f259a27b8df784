//! # env-literal-credential: a credential written into a container's env
//!
//! ## What it finds
//! A literal `env[].value` of a container (in a Pod or any pod template):
//! - in which the leak rules find a credential — the same rules `credlint
//!   scan` runs on files, applied to the field's text — or whose variable
//!   mentions a secret and whose value looks like one (the leak engine's
//!   `generic-secret` judgement);
//! - of a variable that *is* a secret — its name's last word is
//!   `PASSWORD`, `TOKEN`, `SECRET`, `API_KEY`, … (`POSTGRES_PASSWORD`,
//!   `PGPASSWORD`, `apiToken`; not `PASSWORD_FILE`, `TOKEN_URL`,
//!   `MYSQL_ALLOW_EMPTY_PASSWORD`) — whatever the value's entropy: the
//!   policy is that secrets come from a Secret, so `testpassword` and
//!   `changeme` are reported too (a working default is what the container
//!   runs with);
//! - of any variable, when its value's text sets a secret-named variable
//!   or option to a literal (`--password=…`, `DB_PASSWORD=…`) or carries
//!   `Authorization: Bearer <token>`.
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
//! Not reported: references (`$(VAR)`, `${VAR}`), empty values, switches
//! (`"true"`, `"yes"`) and marks left to fill in (`<password>`, `xxxx`,
//! `REPLACE_ME`). The same judgement of names and values is made by
//! `compose-env-credential`; `dockerfile-secret-env` reports any `ENV`
//! value of a secret-named variable, even a reference (it is expanded into
//! the image). The finding points at the `value:` key and names the rule;
//! the value is never printed.
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
//!   - name: POSTGRES_PASSWORD
//!     value: testpassword         # low entropy, still a literal password
//! ```
//!
//! ## Instead
//! Rotate the credential; store it in a Secret (ideally synced from an
//! external store) and mount it as a file, or reference it with
//! `valueFrom.secretKeyRef`.
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
        } else if crate::cred::named_secret(var, value) {
            let msg = format!(
                "container `{cname}` sets the secret `{var}` to a literal value: it is in the manifest and the workload object; use `valueFrom.secretKeyRef`"
            );
            cx.object(&META, obj, &v, "", msg);
        } else {
            for e in crate::cred::embedded(value) {
                let msg = format!(
                    "container `{cname}` passes a literal credential `{}` inside the value of `{var}`",
                    e.name
                );
                let f = cx.object(&META, obj, &v, &format!("{}:{}", e.line, e.name), msg);
                f.properties.insert("leak_rule".into(), "secret-key-name".into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cred::testing::{objects, run};

    /// (line, message) of each finding.
    fn check(env: &str) -> Vec<(usize, String)> {
        let text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n    - name: c\n      env:\n{env}"
        );
        let objs = objects("pod.yaml", &text);
        run(|cx| {
            for spec in crate::workload::pod_specs(&objs[0]) {
                for c in crate::workload::containers(&spec) {
                    super::check(cx, &objs[0], &c);
                }
            }
        })
        .into_iter()
        .map(|f| (f.location.span.unwrap().start_line, f.message))
        .collect()
    }

    /// Regression (hunt D9): a literal password of low entropy in a
    /// password-named variable was not reported.
    #[test]
    fn literal_passwords_are_reported_whatever_their_entropy() {
        let got = check(
            "        - name: POSTGRES_PASSWORD
          value: testpassword
        - name: MYSQL_PASSWORD
          value: nextcloud
        - name: ADMIN_PASSWORD
          value: changeme
",
        );
        let lines: Vec<usize> = got.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![9, 11, 13]);
        for (_, m) in &got {
            assert!(m.contains("to a literal value"), "{m}");
            for secret in ["testpassword", "nextcloud", "changeme"] {
                assert!(!m.contains(secret), "{m}");
            }
        }
    }

    #[test]
    fn references_empty_switches_and_settings_are_not() {
        let got = check(
            "        - name: DB_PASSWORD
          value: $(PASSWORD_FROM_SECRET)
        - name: API_TOKEN
          value: ${API_TOKEN}
        - name: REDIS_PASSWORD
          value: \"\"
        - name: MYSQL_ALLOW_EMPTY_PASSWORD
          value: \"yes\"
        - name: PASSWORD_FILE
          value: /run/secrets/db/password
        - name: AUTH_LDAP_SERVER
          value: ldap://ldap.shop.svc
        - name: TOKEN_AUDIENCE
          value: shop-api
        - name: SMTP_PASSWORD
          value: <set-at-deploy-time>
        - name: DB_PASSWORD2
          valueFrom: {secretKeyRef: {name: db, key: password}}
",
        );
        assert!(got.is_empty(), "{got:?}");
    }
}
