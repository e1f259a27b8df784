//! # dockerfile-copy-secret-file: a secret file copied into an image
//!
//! ## What it finds
//! `COPY` or `ADD` (from the build context, not `--from` another stage) of
//! a file that holds credentials by its name: `.env` (and `.env.*` except
//! `.example`/`.sample`/`.template`), SSH private keys (`id_rsa`,
//! `id_dsa`, `id_ecdsa`, `id_ed25519`), `*.pem`, `*.key`, `*.p12`,
//! `*.pfx`, `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`,
//! `.dockercfg`, `.aws/credentials`.
//!
//! ## Why it matters
//! The file is in an image layer for ever, even if a later `RUN rm`
//! deletes it; anyone who can pull the image can extract it.
//!
//! ## Example
//! ```dockerfile
//! COPY .npmrc /root/.npmrc
//! RUN npm ci
//! ```
//!
//! ## Instead
//! `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci` (BuildKit
//! secrets are never written to a layer); add such files to
//! `.dockerignore`.
//!
//! ## References
//! - https://docs.docker.com/build/building/secrets/
//! - https://docs.docker.com/build/concepts/context/#dockerignore-files

use credlint_core::{LineIndex, Severity, Span};

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::dockerfile::Instruction;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "dockerfile-copy-secret-file",
    name: "Secret file copied into an image",
    severity: Severity::High,
    short: "COPY/ADD of .env, SSH keys, *.pem, .npmrc, .git-credentials or similar into an image layer.",
    tags: &["dockerfile"],
    references: &["https://docs.docker.com/build/building/secrets/"],
    scope: Scope::Files,
};

/// Why a source path is a secret file, if it is one.
fn secret_file(src: &str) -> Option<&'static str> {
    let src = src.trim_matches(['"', '\'']).trim_end_matches('/');
    let base = src.rsplit('/').next().unwrap_or(src);
    if base == ".env" {
        return Some("a dotenv file");
    }
    if let Some(rest) = base.strip_prefix(".env.") {
        if !matches!(rest, "example" | "sample" | "template" | "dist" | "defaults") {
            return Some("a dotenv file");
        }
    }
    if matches!(base, "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519") {
        return Some("an SSH private key");
    }
    for (ext, why) in [
        (".pem", "a PEM key or certificate bundle"),
        (".key", "a private key"),
        (".p12", "a PKCS#12 key store"),
        (".pfx", "a PKCS#12 key store"),
    ] {
        if base.len() > ext.len() && base.ends_with(ext) {
            return Some(why);
        }
    }
    match base {
        ".npmrc" => Some("npm credentials"),
        ".pypirc" => Some("PyPI credentials"),
        ".netrc" => Some("netrc credentials"),
        ".git-credentials" => Some("git credentials"),
        ".dockercfg" => Some("registry credentials"),
        "credentials" if src.ends_with(".aws/credentials") => Some("AWS credentials"),
        _ => None,
    }
}

pub(crate) fn check(
    cx: &mut Cx<'_>,
    path: &str,
    text: &str,
    instructions: &[Instruction],
    lines: &LineIndex,
) {
    for ins in instructions {
        if ins.keyword != "COPY" && ins.keyword != "ADD" {
            continue;
        }
        let words = ins.words();
        if words.iter().any(|(_, w)| w.starts_with("--from")) {
            continue;
        }
        let args: Vec<&(usize, &str)> = words.iter().filter(|(_, w)| !w.starts_with("--")).collect();
        if args.len() < 2 {
            continue;
        }
        for (off, src) in &args[..args.len() - 1] {
            if let Some(why) = secret_file(src) {
                let start = ins.source_offset(*off);
                let span = Some(Span::from_text(lines, text.as_bytes(), start, start + src.len()));
                let msg = format!(
                    "{} puts `{src}` ({why}) into an image layer; use a BuildKit secret mount",
                    ins.keyword
                );
                cx.text(&META, path, span, &format!("{} {src}", ins.keyword), msg);
            }
        }
    }
}
