//! # helm-template-secret-env: a Helm template puts a secret value into env
//!
//! ## What it finds
//! In a chart's `templates/`, an environment variable whose literal
//! `value:` is rendered from a `.Values` path that names a secret
//! (`{{ .Values.db.password }}`, `{{ .Values.apiToken | quote }}`,
//! `{{ required "…" .Values.auth.secret }}`). Templates are Go template
//! text, not YAML, so this check reads lines.
//!
//! The path's last segment is judged by its words (split on `_`, `-` and
//! camelCase humps), and its last word must be the secret: `password`,
//! `apiToken`, `secretKey`. Not reported: names that only contain a secret
//! word (`authenticatorRole`), names of Secrets and of keys in them
//! (`existingSecret`, `existingSecretPasswordKey`, `secretName`), and
//! settings (`tokenAudience`, `authProvider`, `*Role`, `*Enabled`,
//! `*Type`, `*Mode`, `*Url`, `*File`, `*Path`, …), and values that build a
//! file path from a value (`/etc/creds/{{ .Values.passwordSecret }}/token`
//! says where a secret is mounted, not what it is).
//!
//! ## Why it matters
//! The rendered Deployment carries the secret in plain text: in `helm get
//! manifest`, in the release Secret, in the Deployment object (not
//! encrypted at rest like a Secret) and for anyone who can read workloads.
//!
//! ## Example
//! ```yaml
//! env:
//!   - name: DB_PASSWORD
//!     value: {{ .Values.db.password | quote }}
//! ```
//!
//! ## Instead
//! Render the value into a Secret (or reference `.Values.existingSecret`)
//! and use `valueFrom.secretKeyRef` — better, mount it as a file.
//!
//! ## References
//! - https://helm.sh/docs/chart_best_practices/pods/
//! - https://kubernetes.io/docs/concepts/security/secrets-good-practices/

use credlint_core::{LineIndex, Severity, Span};

use super::{CheckMeta, Scope};
use crate::cx::Cx;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "helm-template-secret-env",
    name: "Helm template renders a secret into an env literal",
    severity: Severity::Medium,
    short: "A template sets an env var's literal value from a secret-named .Values path.",
    tags: &["helm"],
    references: &["https://helm.sh/docs/chart_best_practices/pods/"],
    scope: Scope::Files,
};

pub(crate) fn check(cx: &mut Cx<'_>, path: &str, text: &str, lines: &LineIndex) {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let t = line.trim_start();
        let t2 = t.strip_prefix("- ").map(str::trim_start).unwrap_or(t);
        let Some(rest) = t2.strip_prefix("value:") else { continue };
        if !rest.contains("{{") {
            continue;
        }
        // A path built from a value (`/etc/creds/{{ .Values.secretName }}/token`)
        // names where a secret is, not the secret.
        let literal = rest.trim().trim_matches(['"', '\'']);
        if literal.starts_with('/') || literal.contains("}}/") || literal.contains("/{{") {
            continue;
        }
        let mut search = 0;
        while let Some(i) = rest[search..].find(".Values.") {
            let start = search + i + ".Values.".len();
            let end = rest[start..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .map_or(rest.len(), |e| start + e);
            search = end;
            let vpath = rest[start..end].trim_end_matches('.');
            let last = vpath.rsplit('.').next().unwrap_or("");
            if !crate::cred::secret_variable(last) {
                continue;
            }
            let col = line_start + (line.len() - t2.len());
            let span = Span::from_text(lines, text.as_bytes(), col, col + "value:".len());
            let msg = format!(
                "env value rendered from `.Values.{vpath}` puts a secret into the workload in plain text; use a Secret and mount it"
            );
            cx.text(&META, path, Some(span), &format!(".Values.{vpath}"), msg);
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use credlint_core::LineIndex;

    use crate::cred::testing::{lines, run};

    fn check(text: &str) -> Vec<(String, usize)> {
        lines(&run(|cx| {
            super::check(cx, "templates/d.yaml", text, &LineIndex::new(text.as_bytes()))
        }))
    }

    /// Regression (hunt D4): a Postgres role name matched "auth", and
    /// names of Secrets, of keys in them and settings were reported.
    #[test]
    fn names_of_secrets_keys_and_settings_are_not_secrets() {
        let t = "env:
  - name: AUTH_AUTHENTICATOR_ROLE
    value: {{ .Values.auth.authenticatorRole | quote }}
  - name: DB_SECRET_NAME
    value: {{ .Values.auth.existingSecret | quote }}
  - name: DB_SECRET_PASSWORD_KEY
    value: {{ .Values.auth.existingSecretPasswordKey | quote }}
  - name: TOKEN_AUDIENCE
    value: {{ .Values.tokenAudience | quote }}
  - name: AUTH_PROVIDER
    value: {{ .Values.authProvider | quote }}
  - name: VAULT_ROLE
    value: {{ .Values.vault.tokenRole }}
  - name: AUTH_ENABLED
    value: {{ .Values.auth.enabled | quote }}
  - name: PASSWORD_FILE
    value: {{ .Values.db.passwordFile }}
";
        assert_eq!(check(t), Vec::<(String, usize)>::new());
    }

    #[test]
    fn secret_values_are_still_reported() {
        let t = "env:
  - name: DB_PASSWORD
    value: {{ .Values.postgresql.postgresqlPassword | quote }}
  - name: SECRET_KEY
    value: {{ .Values.secretKey | quote }}
  - name: API_KEY
    value: {{ required \"apiKey\" .Values.apiKey }}
  - name: TOKEN
    value: {{ .Values.auth.token }}
";
        let id = "helm-template-secret-env".to_string();
        assert_eq!(
            check(t),
            vec![(id.clone(), 3), (id.clone(), 5), (id.clone(), 7), (id, 9)]
        );
    }
}
