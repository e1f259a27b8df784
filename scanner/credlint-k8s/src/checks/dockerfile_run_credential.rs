//! # dockerfile-run-credential: a credential on a RUN command line
//!
//! ## What it finds
//! In a `RUN` instruction, a literal credential:
//! - `curl -u user:password` / `--user user:password`;
//! - an `Authorization:` (Bearer, Basic, token), `PRIVATE-TOKEN:` or
//!   `X-API-Key:` header with a literal value;
//! - a URL with `user:password@`;
//! - anything the leak rules recognise in the command.
//!
//! Values taken from variables or files (`$TOKEN`, `$(cat
//! /run/secrets/token)`) are not reported, so `RUN --mount=type=secret`
//! builds are clean.
//!
//! ## Why it matters
//! The command line of every `RUN` is stored in the image history
//! (`docker history --no-trunc`) and in build logs.
//!
//! ## Example
//! ```dockerfile
//! RUN curl -u deploy:Zq8vN3rT6wY1uB5x https://repo.internal/pkg.tgz -o pkg.tgz
//! ```
//!
//! ## Instead
//! `RUN --mount=type=secret,id=repo curl -u "deploy:$(cat /run/secrets/repo)" …`
//! and pass the secret with `docker build --secret id=repo,src=…`.
//!
//! ## References
//! - https://docs.docker.com/build/building/secrets/
//! - https://docs.docker.com/reference/cli/docker/image/history/

use credlint_core::{LineIndex, Severity, Span};
use credlint_leaks::validate::placeholder;

use super::{CheckMeta, Scope};
use crate::cx::{at_least, Cx};
use crate::dockerfile::Instruction;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "dockerfile-run-credential",
    name: "Credential in a Dockerfile RUN command",
    severity: Severity::High,
    short: "A RUN command carries a literal credential (curl -u, Authorization header, user:password@ URL, or a leak-rule match).",
    tags: &["dockerfile"],
    references: &["https://docs.docker.com/build/building/secrets/"],
    scope: Scope::Files,
};

fn literal(v: &str) -> bool {
    let v = v.trim_matches(['"', '\'']);
    v.len() >= 3
        && !v.starts_with('$')
        && !v.contains("$(")
        && !v.contains("${")
        && !v.contains('`')
        && placeholder(v.as_bytes()).is_none()
}

/// (offset in args, length, what) of structural credentials.
fn structural(args: &str) -> Vec<(usize, usize, &'static str)> {
    let mut out = Vec::new();
    let words: Vec<(usize, &str)> = {
        let mut v = Vec::new();
        let mut start = None;
        for (i, c) in args.char_indices() {
            if c.is_whitespace() {
                if let Some(s) = start.take() {
                    v.push((s, &args[s..i]));
                }
            } else {
                start.get_or_insert(i);
            }
        }
        if let Some(s) = start {
            v.push((s, &args[s..]));
        }
        v
    };
    for (i, (off, w)) in words.iter().enumerate() {
        let w_clean = w.trim_matches(['"', '\'']);
        // curl -u user:pass, -uuser:pass, --user user:pass, --user=user:pass
        let userpass = if *w == "-u" || *w == "--user" {
            words.get(i + 1).map(|(o, n)| (*o, *n))
        } else if let Some(rest) = w.strip_prefix("--user=") {
            Some((off + 7, rest))
        } else if w.starts_with("-u") && w.len() > 2 && w.contains(':') {
            Some((off + 2, &w[2..]))
        } else {
            None
        };
        if let Some((o, up)) = userpass {
            let up_clean = up.trim_matches(['"', '\'']);
            if let Some((_, pass)) = up_clean.split_once(':') {
                if literal(pass) {
                    out.push((o, up.len(), "a `user:password` passed to `-u`/`--user`"));
                }
            }
        }
        // URL user:password@
        if let Some(p) = w_clean.find("://") {
            let rest = &w_clean[p + 3..];
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            if let Some((userinfo, _host)) = authority.rsplit_once('@') {
                if let Some((_, pass)) = userinfo.split_once(':') {
                    if literal(pass) {
                        out.push((*off, w.len(), "a URL with `user:password@`"));
                    }
                }
            }
        }
    }
    // Headers: Authorization / PRIVATE-TOKEN / X-API-Key with a literal value.
    let lower = args.to_ascii_lowercase();
    for h in ["authorization:", "private-token:", "x-api-key:"] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(h) {
            let at = from + i;
            from = at + h.len();
            let after = &args[from..];
            let mut toks = after.split_whitespace();
            let mut value = toks.next().unwrap_or("");
            if h == "authorization:"
                && matches!(value.to_ascii_lowercase().as_str(), "bearer" | "basic" | "token")
            {
                value = toks.next().unwrap_or("");
            }
            let value = value.trim_end_matches(['"', '\'']);
            if literal(value) && value.len() >= 8 {
                out.push((at, h.len(), "a literal HTTP credential header"));
            }
        }
    }
    out
}

pub(crate) fn check(
    cx: &mut Cx<'_>,
    path: &str,
    text: &str,
    instructions: &[Instruction],
    lines: &LineIndex,
) {
    for ins in instructions {
        if ins.keyword != "RUN" {
            continue;
        }
        let mut reported = false;
        for (off, len, what) in structural(&ins.args) {
            let start = ins.source_offset(off);
            let span = Some(Span::from_text(lines, text.as_bytes(), start, start + len));
            let line = lines.line_col(ins.offset).0;
            let msg = format!("RUN (line {line}) has {what}: it is stored in the image history");
            cx.text(&META, path, span, &format!("RUN {what} {}", ins.args.len()), msg);
            reported = true;
        }
        if reported {
            continue;
        }
        let candidates = cx.leaks.scan(ins.args.as_bytes(), &mut cx.scratch);
        if let Some(c) = candidates.iter().find(|c| c.verdict.is_ok()) {
            let spec = &cx.leaks.rules()[c.rule].spec;
            let (id, name, sev) = (spec.id.clone(), spec.name.clone(), spec.severity);
            let start = ins.source_offset(c.secret.start);
            let span = Some(Span::from_text(lines, text.as_bytes(), start, start + c.secret.len()));
            let msg = format!("RUN command contains a credential ({id}: {name}): it is stored in the image history");
            let f = cx.text(&META, path, span, &format!("RUN {id} {}", ins.args.len()), msg);
            at_least(f, sev);
            f.properties.insert("leak_rule".into(), id.into());
        }
    }
}
