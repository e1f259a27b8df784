//! # compose-env-credential: a credential in a Compose service's environment
//!
//! ## What it finds
//! In a `docker-compose*.yml` / `compose*.yaml`, a literal value under a
//! service's `environment:` (map or `KEY=value` list form):
//! - in which the leak rules find a credential, or whose variable mentions
//!   a secret and whose value looks like one;
//! - of a variable that *is* a secret — its name's last word is
//!   `PASSWORD`, `TOKEN`, `SECRET`, `API_KEY`, … (`MYSQL_PASSWORD`,
//!   `POSTGRES_PASSWORD`; not `POSTGRES_PASSWORD_FILE`,
//!   `MYSQL_ALLOW_EMPTY_PASSWORD`) — whatever the value's entropy:
//!   `MYSQL_PASSWORD=nextcloud` and `changeme` are reported too (a working
//!   default is what the container runs with).
//!
//! Not reported: `${VAR}` / `$VAR` interpolation, empty values and
//! variables passed through without a value, switches (`"yes"`, `"1"`) and
//! marks left to fill in (`<password>`, `xxxx`, `REPLACE_ME`). Names and
//! values are judged as `env-literal-credential` judges them (durations,
//! numbers, modes, setting words and paths are not credentials).
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
//!   nextcloud:
//!     environment:
//!       - MYSQL_PASSWORD=nextcloud     # low entropy, still a literal password
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
    } else if crate::cred::named_secret(var, value) {
        let path = obj.origin.path.clone().unwrap_or_default();
        let msg = format!(
            "service `{service}` sets the secret `{var}` to a literal value in the Compose file; use Compose `secrets:` or `${{VAR}}` from an uncommitted .env"
        );
        cx.text(&META, &path, at.span, &format!("{service}/{var}"), msg);
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

#[cfg(test)]
mod tests {
    use crate::cred::testing::{lines, objects, run};
    use crate::model::Object;

    fn check(text: &str) -> Vec<(String, usize)> {
        let objs = objects("docker-compose.yml", text);
        let doc = Object::new(objs[0].root.clone(), objs[0].origin.clone());
        lines(&run(|cx| super::check(cx, &doc)))
    }

    /// Regression (hunt D9, FN-7): awesome-compose's nextcloud and gitea
    /// files set low-entropy literal passwords; nothing was reported.
    #[test]
    fn literal_passwords_are_reported_whatever_their_entropy() {
        let t = "services:
  db:
    image: mariadb:10.6
    environment:
      - MYSQL_ROOT_PASSWORD=letmein
      - MYSQL_PASSWORD=nextcloud
      - MYSQL_DATABASE=nextcloud
      - MYSQL_USER=nextcloud
  gitea-db:
    image: postgres:16
    environment:
      POSTGRES_USER: gitea
      POSTGRES_PASSWORD: gitea
";
        let id = "compose-env-credential".to_string();
        assert_eq!(check(t), vec![(id.clone(), 5), (id.clone(), 6), (id, 13)]);
    }

    #[test]
    fn interpolation_empty_pass_through_and_switches_are_not() {
        let t = "services:
  db:
    image: mysql:8
    environment:
      - MYSQL_ROOT_PASSWORD=${MYSQL_ROOT_PASSWORD}
      - MYSQL_PASSWORD=$MYSQL_PASSWORD
      - MYSQL_ALLOW_EMPTY_PASSWORD=yes
      - MYSQL_RANDOM_ROOT_PASSWORD=1
      - REDIS_PASSWORD=
      - API_TOKEN
  app:
    image: app
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
      SMTP_PASSWORD: <your smtp password>
      AUTH_PROVIDER: github
";
        assert_eq!(check(t), vec![]);
    }
}
