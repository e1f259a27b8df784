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
//! builds are clean. Nor is the fixed password that goes with a token
//! passed as the user name: in
//! `https://$GITHUB_TOKEN:x-oauth-basic@github.com/` the credential is the
//! variable, and `x-oauth-basic`, `x-access-token`, `x-token-auth` — or,
//! after a variable user, any short or one-class word (`x`, `basic`) — are
//! stand-ins the server ignores. A password that looks like one is still
//! reported after a variable user (`$DB_USER:Zq8vN3rT6wY1uB5x@`).
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

/// Whether `user` is a variable (`$TOKEN`, `${TOKEN}`, `%TOKEN%`).
fn variable(user: &str) -> bool {
    let u = user.trim_matches(['"', '\'']);
    u.starts_with('$') || crate::cred::windows_variable(u)
}

/// Whether `user:pass` is a token passed as the user name with a fixed
/// password: the password is one Git hosts document for that
/// (`x-oauth-basic` on GitHub, `x-token-auth` on Bitbucket), or the user
/// is a variable and the password is short or of one character class
/// (`x`, `basic`, `oauth`). The leak engine's `uri-password` validator
/// judges `generic-url-credentials` the same way.
fn token_as_user(user: &str, pass: &str) -> bool {
    let pass = pass.trim_matches(['"', '\'']);
    if ["x-oauth-basic", "x-access-token", "x-token-auth"]
        .iter()
        .any(|f| pass.eq_ignore_ascii_case(f))
    {
        return true;
    }
    let classes = [
        pass.bytes().any(|b| b.is_ascii_lowercase()),
        pass.bytes().any(|b| b.is_ascii_uppercase()),
        pass.bytes().any(|b| b.is_ascii_digit()),
        pass.bytes().any(|b| !b.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|&&c| c)
    .count();
    variable(user) && (pass.len() < 8 || classes < 2)
}

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
            if let Some((user, pass)) = up_clean.split_once(':') {
                if literal(pass) && !token_as_user(user, pass) {
                    out.push((o, up.len(), "a `user:password` passed to `-u`/`--user`"));
                }
            }
        }
        // URL user:password@
        if let Some(p) = w_clean.find("://") {
            let rest = &w_clean[p + 3..];
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            if let Some((userinfo, _host)) = authority.rsplit_once('@') {
                if let Some((user, pass)) = userinfo.split_once(':') {
                    if literal(pass) && !token_as_user(user, pass) {
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

#[cfg(test)]
mod tests {
    use credlint_core::LineIndex;
    use credlint_leaks::RuleSet;

    use crate::cred::testing::{lines, run, run_with};

    fn check(text: &str, rules: Option<&RuleSet>) -> Vec<(String, usize)> {
        let f = |cx: &mut crate::cx::Cx<'_>| {
            let ins = crate::dockerfile::parse(text);
            super::check(cx, "Dockerfile", text, &ins, &LineIndex::new(text.as_bytes()))
        };
        let findings = match rules {
            Some(r) => run_with(r, f),
            None => run(f),
        };
        lines(&findings)
    }

    /// Regression (hunt D6): GitHub's `x-oauth-basic` after a token in the
    /// user part was reported as a password, by this check and (through the
    /// leak fallback) by `generic-url-credentials`.
    #[test]
    fn a_token_user_with_a_fixed_password_is_not_a_credential() {
        let t = r#"FROM alpine
ARG GITHUB_TOKEN
RUN git config --global url."https://$GITHUB_TOKEN:x-oauth-basic@github.com/".insteadOf "https://github.com/"
RUN git config --global url."https://${GITHUB_TOKEN}:x-oauth-basic@github.com/".insteadOf "https://github.com/"
RUN git clone "https://$BB_TOKEN:x-token-auth@bitbucket.org/acme/app.git"
RUN curl -u "$API_TOKEN:x" https://example.org/api
RUN curl -u "%API_TOKEN%:basic" https://example.org/api
"#;
        // The product's rules: the leak fallback's verdict is the
        // `uri-password` validator's (the test rules' URL rule has a
        // simpler one).
        let embedded = RuleSet::embedded().unwrap();
        assert_eq!(check(t, Some(&embedded)), vec![]);
    }

    #[test]
    fn literal_passwords_are_still_reported() {
        // Made-up, assembled so that no scanner reads it here.
        let pw = ["Hn3v", "X8kT", "5wQm", "2Rp9"].concat();
        let t = format!(
            "FROM alpine
RUN git clone https://builder:{pw}@git.acme.io/shop/assets.git /assets
RUN git clone https://$CI_USER:{pw}@git.acme.io/shop/assets.git /assets
RUN curl -u deploy:{pw} https://artifacts.acme.io/pkg.tgz
"
        );
        let id = "dockerfile-run-credential".to_string();
        assert_eq!(
            check(&t, None),
            vec![(id.clone(), 2), (id.clone(), 3), (id, 4)]
        );
    }
}
