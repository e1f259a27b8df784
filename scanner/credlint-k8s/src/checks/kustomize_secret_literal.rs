//! # kustomize-secret-literal: Secret values committed through Kustomize
//!
//! ## What it finds
//! In a `kustomization.yaml`, a `secretGenerator` with `literals`
//! (a key named like a secret with a real value, or a value the leak
//! rules recognise) or with `envs`/`env`/`files` — files
//! of secret values that live in the repository next to it. A public
//! certificate or public key (`tls.crt`, `ca.pem`… by extension: `.crt`,
//! `.cer`, `.cert`, `.pub`) is not a secret and is not reported; the
//! private key beside it is.
//!
//! ## Why it matters
//! The generated Secret's values are in the repository in plain text: the
//! same exposure as a committed Secret manifest, without even base64.
//!
//! ## Example
//! ```yaml
//! secretGenerator:
//!   - name: db
//!     literals:
//!       - password=Zq8vN3rT6wY1uB5x
//! ```
//!
//! ## Instead
//! Generate the Secret from a store at deploy time (External Secrets, the
//! Secrets Store CSI driver), or encrypt the env file with SOPS (KSOPS).
//!
//! ## References
//! - https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/secretgenerator/
//! - https://kubernetes.io/docs/tasks/configmap-secret/managing-secret-using-kustomize/

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::model::Object;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "kustomize-secret-literal",
    name: "Kustomize secretGenerator with committed values",
    severity: Severity::High,
    short: "A Kustomize secretGenerator takes Secret values from literals or files in the repository.",
    tags: &["kustomize", "secrets"],
    references: &["https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/secretgenerator/"],
    scope: Scope::Files,
};

pub(crate) fn check(cx: &mut Cx<'_>, obj: &Object) {
    let path = obj.origin.path.clone().unwrap_or_default();
    let Some(gens) = obj.at().key("secretGenerator") else { return };
    for g in gens.items() {
        let name = g.node.get("name").and_then(|n| n.scalar_text()).unwrap_or("?").to_string();
        if let Some(lits) = g.key("literals") {
            for item in lits.items() {
                let Some((k, v)) = item.text().and_then(|t| t.split_once('=')) else { continue };
                let secret = crate::cred::credential(cx, k, v).is_some()
                    || (crate::cred::secretish_key(k)
                        && super::secret_manifest_committed::real_value(v, false));
                if secret {
                    let msg = format!(
                        "secretGenerator `{name}` has the literal value of `{k}` in the repository"
                    );
                    cx.text(&META, &path, item.span, &format!("{name}/literal/{k}"), msg);
                }
            }
        }
        for key in ["envs", "files"] {
            if let Some(list) = g.key(key) {
                for item in list.items() {
                    let file = item.text().unwrap_or("?");
                    if key == "files" && public_file(file) {
                        continue;
                    }
                    let msg = format!(
                        "secretGenerator `{name}` reads Secret values from `{file}`, a file committed with the kustomization"
                    );
                    cx.text(&META, &path, item.span, &format!("{name}/{key}/{file}"), msg);
                }
            }
        }
        if let Some(env) = g.key("env") {
            let file = env.text().unwrap_or("?");
            let msg = format!(
                "secretGenerator `{name}` reads Secret values from `{file}`, a file committed with the kustomization"
            );
            cx.text(&META, &path, env.span, &format!("{name}/env/{file}"), msg);
        }
    }
}

/// A `files` source that holds public material: a certificate or a public
/// key, named `key=path` or `path`. Only the extension decides (`.pem` may
/// hold a private key, so it is not public).
fn public_file(source: &str) -> bool {
    let path = source.rsplit_once('=').map_or(source, |(_, p)| p);
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e).to_ascii_lowercase();
    matches!(ext.as_str(), "crt" | "cer" | "cert" | "pub")
}

#[cfg(test)]
mod tests {
    use crate::cred::testing::{lines, objects, run};
    use crate::model::Object;

    fn check(text: &str) -> Vec<(String, usize)> {
        let objs = objects("kustomization.yaml", text);
        let doc = Object::new(objs[0].root.clone(), objs[0].origin.clone());
        lines(&run(|cx| super::check(cx, &doc)))
    }

    /// Regression (hunt 2): a TLS or CA secretGenerator was reported once
    /// per file, the public certificates as well as the private key.
    #[test]
    fn certificates_in_files_are_not_reported_their_keys_are() {
        let t = "secretGenerator:
  - name: spire-secrets
    files:
      - ca.crt=secrets/dev-ca.crt
      - ca.key=secrets/dev-ca.key
  - name: gimc-https
    files:
      - tls.key
      - tls.crt
      - id_ed25519.pub
      - bundle.pem
";
        let id = "kustomize-secret-literal".to_string();
        assert_eq!(check(t), vec![(id.clone(), 5), (id.clone(), 8), (id, 11)]);
    }
}
