//! # dockerfile-secret-env: a credential in a Dockerfile ENV or ARG
//!
//! ## What it finds
//! - `ENV` or `ARG` whose value the leak rules recognise as a credential
//!   (or a secret-named variable with a secret-looking value);
//! - `ENV` of a secret-named variable (`*_PASSWORD`, `*_TOKEN`, `*SECRET*`,
//!   …) with any value, even `$VAR`: it is persisted in the image;
//! - `ARG` of a secret-named variable: build-argument values are recorded
//!   in the image's history and metadata.
//!
//! Names ending in `_FILE`, `_PATH`, `_URL`, … are settings, not secrets.
//!
//! ## Why it matters
//! Everything in `ENV` is in every layer's config and every container's
//! environment; `docker history` and `docker inspect` show build args and
//! env to anyone who can pull the image.
//!
//! ## Example
//! ```dockerfile
//! ARG NPM_TOKEN
//! ENV DB_PASSWORD=Zq8vN3rT6wY1uB5x
//! ```
//!
//! ## Instead
//! Use BuildKit secrets: `RUN --mount=type=secret,id=npm,target=/root/.npmrc
//! npm ci`, and inject runtime secrets at run time (orchestrator secrets
//! mounted as files).
//!
//! ## References
//! - https://docs.docker.com/build/building/secrets/
//! - https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/

use credlint_core::{LineIndex, Severity, Span};

use super::{CheckMeta, Scope};
use crate::cx::{at_least, Cx};
use crate::dockerfile::Instruction;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "dockerfile-secret-env",
    name: "Secret in a Dockerfile ENV or ARG",
    severity: Severity::High,
    short: "An ENV or ARG carries a credential or a secret-named variable into the image.",
    tags: &["dockerfile"],
    references: &["https://docs.docker.com/build/building/secrets/"],
    scope: Scope::Files,
};

/// (name, value, offset of the name in args) of ENV/ARG assignments.
fn assignments(ins: &Instruction) -> Vec<(String, String, usize)> {
    let words = ins.words();
    // Legacy `ENV KEY value with spaces`.
    if ins.keyword == "ENV" && words.len() >= 2 && !words[0].1.contains('=') {
        let rest = ins.args[words[1].0..].trim().to_string();
        return vec![(words[0].1.to_string(), unquote(&rest), words[0].0)];
    }
    words
        .iter()
        .map(|(off, w)| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), unquote(v), *off),
            None => (w.to_string(), String::new(), *off),
        })
        .collect()
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return v[1..v.len() - 1].to_string();
        }
    }
    v.to_string()
}

pub(crate) fn check(
    cx: &mut Cx<'_>,
    path: &str,
    text: &str,
    instructions: &[Instruction],
    lines: &LineIndex,
) {
    for ins in instructions {
        if ins.keyword != "ENV" && ins.keyword != "ARG" {
            continue;
        }
        for (name, value, off) in assignments(ins) {
            let start = ins.source_offset(off);
            let span = Some(Span::from_text(lines, text.as_bytes(), start, start + name.len()));
            let key = format!("{} {name}", ins.keyword);
            if let Some(hit) = crate::cred::credential(cx, &name, &value) {
                let msg = format!(
                    "{} `{name}` bakes a credential into the image ({}: {})",
                    ins.keyword, hit.rule_id, hit.rule_name
                );
                let f = cx.text(&META, path, span, &key, msg);
                at_least(f, hit.severity);
                f.properties.insert("leak_rule".into(), hit.rule_id.into());
            } else if crate::cred::secretish_key(&name) {
                if ins.keyword == "ENV" && !value.is_empty() {
                    let msg = format!(
                        "ENV `{name}` stores a secret in the image config and every container's environment"
                    );
                    cx.text(&META, path, span, &key, msg);
                } else if ins.keyword == "ARG" {
                    let msg = format!(
                        "build argument `{name}` looks like a secret: build-arg values are recorded in the image history; use `RUN --mount=type=secret`"
                    );
                    let f = cx.text(&META, path, span, &key, msg);
                    f.severity = Severity::Medium;
                }
            }
        }
    }
}
