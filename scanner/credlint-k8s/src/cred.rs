//! "Is there a credential in this field?" — asked of the leak engine.
//!
//! A field is scanned as the two lines `key=value` and `key: "value"`, the
//! shapes the leak rules are written for (dotenv/shell and YAML/JSON), and a
//! candidate counts only when its secret lies inside the value. When no rule
//! hits but the key names a secret (`password`, `token`, …), the value is
//! judged by the leak engine's own `generic-secret` validator (not a name,
//! reference, path, URL, number or placeholder; enough entropy), so
//! `password: Zq8vN3rT6wY1uB5x` is found even without a generic rule.
//!
//! Key names are judged by their words — split on `.`, `_`, `-` and
//! camelCase humps — never by substrings, so `authenticatorRole` is not
//! "auth" and `tokenizerPath` is not "token". Two questions are asked of a
//! name: whether it *mentions* a secret ([`secretish_key`], for judging a
//! value that is also tested for entropy) and whether it *is* one
//! ([`secret_variable`], the name's last word is the secret: for the
//! policy checks that report any literal value, or a name with no value).

use credlint_core::Severity;
use credlint_leaks::validate::{placeholder, Validator};

use crate::cx::Cx;

/// A credential recognised in a field.
#[derive(Debug, Clone)]
pub(crate) struct CredHit {
    /// Leak rule id, or `secret-key-name` for the key-name judgement.
    pub rule_id: String,
    /// Human name of the rule.
    pub rule_name: String,
    /// Severity of the rule.
    pub severity: Severity,
}

/// Words that name a secret, also at the end of a word written in one
/// piece (`PGPASSWORD`, `clientsecret`, `accesstoken`), and in the plural.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "credential",
    "apikey",
    "accesskey",
    "privatekey",
];

/// Words that name a secret only as a whole word (`DB_PWD`, `SMTP_PASS`,
/// `basicAuth`), never inside another (`authority`, `compass`).
const SECRET_WHOLE_WORDS: &[&str] = &["pwd", "pass", "auth"];

/// First words of the two-word secrets `api key`, `access key`, `private key`.
const KEY_COMPOUNDS: &[&str] = &["api", "access", "private"];

/// Last words that make a name a setting about a secret, not the secret
/// (`PASSWORD_FILE`, `tokenUrl`, `secretName`, `authProvider`,
/// `tokenAudience`, `authenticatorRole`, `PASSWORD_MIN_LENGTH`, …).
const SETTING_WORDS: &[&str] = &[
    "file",
    "files",
    "path",
    "paths",
    "dir",
    "url",
    "urls",
    "uri",
    "endpoint",
    "host",
    "port",
    "name",
    "names",
    "ref",
    "refs",
    "id",
    "ids",
    "type",
    "kind",
    "mode",
    "method",
    "enabled",
    "enable",
    "disabled",
    "required",
    "length",
    "len",
    "min",
    "max",
    "size",
    "count",
    "ttl",
    "timeout",
    "expiry",
    "expiration",
    "lifetime",
    "duration",
    "interval",
    "header",
    "field",
    "source",
    "class",
    "policy",
    "pattern",
    "regex",
    "format",
    "version",
    "algorithm",
    "prefix",
    "suffix",
    "role",
    "roles",
    "audience",
    "audiences",
    "issuer",
    "provider",
    "scope",
    "scopes",
    "store",
    "manager",
    "user",
    "username",
];

/// Words that make a name a switch about a secret, not the secret
/// (`MYSQL_ALLOW_EMPTY_PASSWORD`, `MYSQL_RANDOM_ROOT_PASSWORD`,
/// `DISABLE_AUTH`, `SKIP_TOKEN_VERIFY`, `GENERATE_SECRET`).
const SWITCH_WORDS: &[&str] = &[
    "allow", "empty", "random", "skip", "disable", "enable", "require", "generate",
];

/// Last words that say how a value is written, not what it is
/// (`PASSWORD_B64`, `tokenValue`): dropped before judging a name.
const NEUTRAL_TAILS: &[&str] = &[
    "value",
    "plain",
    "plaintext",
    "raw",
    "data",
    "b64",
    "base64",
    "encoded",
    "str",
    "string",
];

/// The words of a key name, lowercased: split on anything not a letter or
/// digit and on camelCase humps (`existingSecretPasswordKey` → existing,
/// secret, password, key; `APIKey` → api, key; `OAuth2Token` → o, auth2,
/// token).
pub(crate) fn words(key: &str) -> Vec<String> {
    let chars: Vec<char> = key.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if !cur.is_empty() && c.is_uppercase() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether one word names a secret (`password`, `pgpassword`, `tokens`,
/// `auth`, `password2`; not `authenticator`, `passwordless`, `tokenizer`).
fn secret_word(word: &str) -> bool {
    let w = word.trim_end_matches(|c: char| c.is_ascii_digit());
    let singular = w.strip_suffix('s');
    [Some(w), singular]
        .into_iter()
        .flatten()
        .any(|w| SECRET_WORDS.iter().any(|s| w.ends_with(s)) || SECRET_WHOLE_WORDS.contains(&w))
}

/// The words of a name without neutral tails (`tokenValue` → token).
fn judged_words(key: &str) -> Vec<String> {
    let mut w = words(key);
    while w.len() > 1
        && w.last()
            .is_some_and(|l| NEUTRAL_TAILS.contains(&l.as_str()))
    {
        w.pop();
    }
    w
}

/// Whether the word at `i` (with the one before it) names a secret:
/// a secret word, or `key` after `api`/`access`/`private`.
fn secret_at(w: &[String], i: usize) -> bool {
    secret_word(&w[i])
        || (matches!(w[i].as_str(), "key" | "keys")
            && i > 0
            && KEY_COMPOUNDS.contains(&w[i - 1].as_str()))
}

/// Whether a name (already split) is a setting about a secret rather than
/// the secret: a setting word last; `existing…` (names a Secret the chart
/// does not create, or a key in it); or `…PasswordKey`, `…TokenKey`,
/// `passwordSecretKey` — the name of the key in a Secret that holds the
/// password (while `secretKey`, `apiKey`, `AUTH_KEY` are secrets).
fn setting(w: &[String]) -> bool {
    let Some(last) = w.last() else { return false };
    if SETTING_WORDS.contains(&last.as_str())
        || w.iter()
            .any(|x| x == "existing" || SWITCH_WORDS.contains(&x.as_str()))
        || (w.len() > 1 && matches!(w[0].as_str(), "use" | "is" | "has" | "no"))
    {
        return true;
    }
    if matches!(last.as_str(), "key" | "keys") && w.len() >= 2 {
        let prev = &w[w.len() - 2];
        let earlier_secret = (0..w.len() - 2).any(|i| secret_at(w, i));
        let names_key = if prev == "secret" || prev == "secrets" {
            earlier_secret
        } else {
            secret_word(prev) && !matches!(prev.as_str(), "auth" | "auths")
        };
        return names_key;
    }
    false
}

/// Whether a key mentions a secret (a secret word anywhere) and is not a
/// setting about one: `DB_PASSWORD`, `apiToken`, `client_secret`,
/// `AUTH_LDAP_SERVER`; not `PASSWORD_FILE`, `token_url`, `existingSecret`,
/// `authenticatorRole`. The value must still be judged.
pub(crate) fn secretish_key(key: &str) -> bool {
    let w = judged_words(key);
    (0..w.len()).any(|i| secret_at(&w, i)) && !setting(&w)
}

/// Whether a variable *is* a secret: its last word names one
/// (`POSTGRES_PASSWORD`, `PGPASSWORD`, `apiToken`, `SECRET_KEY`, `API_KEY`,
/// `tokenValue`), so any literal value of it is a secret written down. Not
/// `AUTH_LDAP_SERVER` or `TOKEN_ISSUER`, which only mention one.
pub(crate) fn secret_variable(key: &str) -> bool {
    let w = judged_words(key);
    let Some(i) = w.len().checked_sub(1) else {
        return false;
    };
    if setting(&w) {
        return false;
    }
    secret_at(&w, i) || (matches!(w[i].as_str(), "key" | "keys") && i > 0 && secret_at(&w, i - 1))
}

/// Whether `value` is a reference resolved elsewhere rather than a value:
/// `$(VAR)` (Kubernetes), `${VAR}` and `$VAR` (shell, Compose, envsubst),
/// `%VAR%` (Windows), or a template (`{{ … }}`).
pub(crate) fn reference(value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']);
    v.contains("$(")
        || v.contains("${")
        || v.contains("{{")
        || v.strip_prefix('$')
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        || windows_variable(v)
}

/// `%NAME%`: a Windows environment variable.
pub(crate) fn windows_variable(v: &str) -> bool {
    v.len() > 2
        && v.starts_with('%')
        && v.ends_with('%')
        && v[1..v.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Marks of a value left for someone to fill in (`<password>`, `xxxx`,
/// `****`, `YOUR_TOKEN`, `REPLACE_ME`, `REDACTED`, `TODO`), compared
/// without case.
const FILL_IN: &[&str] = &[
    "<",
    ">",
    "xxx",
    "***",
    "...",
    "…",
    "your_",
    "your-",
    "yourpassword",
    "yourtoken",
    "placeholder",
    "replace",
    "insert",
    "redacted",
    "todo",
    "tbd",
    "fixme",
];

/// Whether the literal `value` of a secret-named variable is a secret
/// written down, whatever its entropy. Not: an empty value; a reference or
/// template (`$(VAR)`, `${VAR}`, `$VAR`, `%VAR%`, `{{ … }}`); a switch
/// (`true`, `no`, `1`); a mark left to fill in (`<password>`, `xxxx`,
/// `YOUR_TOKEN`, `REPLACE_ME`). A working default (`changeme`, `admin`,
/// `example`, `testpassword`) *is* reported: the container runs with it.
pub(crate) fn literal_secret(value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']).trim();
    const SWITCHES: &[&str] = &[
        "true", "false", "yes", "no", "on", "off", "y", "n", "0", "1", "none", "null", "~",
        "enabled", "disabled",
    ];
    let lower = v.to_lowercase();
    !v.is_empty()
        && !reference(v)
        && !SWITCHES.contains(&lower.as_str())
        && !FILL_IN.iter().any(|m| lower.contains(m))
}

/// Words of a value that choose a setting rather than hold a secret
/// (`auth: basic`, `tokenMode: auto`, `passwordHash: sha256`), compared
/// without case.
const SETTING_VALUES: &[&str] = &[
    "auto",
    "none",
    "null",
    "nil",
    "default",
    "required",
    "optional",
    "strict",
    "lax",
    "plain",
    "plaintext",
    "basic",
    "bearer",
    "digest",
    "oauth",
    "oauth2",
    "oidc",
    "jwt",
    "ldap",
    "saml",
    "kerberos",
    "md5",
    "sha1",
    "sha256",
    "sha384",
    "sha512",
    "bcrypt",
    "scrypt",
    "argon2",
    "argon2id",
    "pbkdf2",
    "rsa",
    "ecdsa",
    "ed25519",
    "hs256",
    "hs512",
    "rs256",
    "rs512",
    "es256",
    "aes",
    "aes256",
    "random",
    "generate",
    "generated",
    "internal",
    "external",
    "file",
    "env",
    "vault",
    "kubernetes",
    "static",
    "dynamic",
    "header",
    "query",
    "cookie",
    "always",
    "never",
    "ifnotpresent",
    "enabled",
    "disabled",
    "enable",
    "disable",
    "allow",
    "deny",
    "unset",
    "empty",
];

/// Whether `value` is a duration (`30s`, `24h`, `1h30m`, `7d`).
fn duration(v: &str) -> bool {
    let mut rest = v;
    let mut parts = 0;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if n == 0 {
            return false;
        }
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        if !matches!(
            &rest[..u],
            "ns" | "us" | "ms" | "s" | "m" | "h" | "d" | "w" | "y"
        ) {
            return false;
        }
        rest = &rest[u..];
        parts += 1;
    }
    parts > 0
}

/// The reason [`not_a_credential`] gives for a value with a mark left to
/// fill in (`xxx`, `***`, `<…>`, `TODO`): the leak engine's own
/// placeholder filter has already judged what a generic rule matched, and
/// a random value may hold `xxX` by chance.
const MARK_TO_FILL_IN: &str = "a mark left to fill in";

/// Why the literal `value` of the field `key` is not a credential, if it is
/// not: the one judgement of values the policy checks add to the leak
/// engine's own (`credlint_leaks::validate::placeholder`, which the
/// entropy path of [`credential`] also asks; a working default such as
/// `changeme` under a password name stays reported). Not credentials:
/// booleans and switches; numbers (ports, lengths, counts — but a number
/// under a password name is a password); durations (`24h`); file modes
/// (`0600`); words that choose a setting (`auto`, `sha256`, `basic`);
/// placeholders (`YourPingdomApiToken`, `your-token-here`, `<password>`,
/// `REPLACE_ME`); references and templates; file paths and URLs without
/// credentials; and identifiers named like tokens that are not secret
/// (etcd's `initialClusterToken`, which only tells clusters apart).
pub(crate) fn not_a_credential(key: &str, value: &str) -> Option<&'static str> {
    let v = value.trim().trim_matches(['"', '\'']).trim();
    let lower = v.to_ascii_lowercase();
    let w = judged_words(key);
    if v.is_empty() {
        return Some("empty");
    }
    if reference(v) {
        return Some("a reference");
    }
    if w.iter().any(|x| x == "initial") && w.iter().any(|x| x == "cluster") {
        return Some("a cluster identifier, not a secret");
    }
    // `passwordSecret: db-creds`, `tokenSecret: runner-token`: the name of
    // the Secret that holds the password (while `clientSecret` is one).
    if w.len() >= 2
        && matches!(w[w.len() - 1].as_str(), "secret" | "secrets")
        && secret_word(&w[w.len() - 2])
        && !matches!(w[w.len() - 2].as_str(), "secret" | "secrets")
    {
        return Some("the name of a Secret");
    }
    const SWITCHES: &[&str] = &[
        "true", "false", "yes", "no", "on", "off", "y", "n", "~", "enabled", "disabled",
    ];
    if SWITCHES.contains(&lower.as_str()) {
        return Some("a switch");
    }
    let password_name = w.last().is_some_and(|l| {
        let l = l.trim_end_matches(|c: char| c.is_ascii_digit());
        ["password", "passwd", "pwd", "pass", "pin", "passphrase"]
            .iter()
            .any(|p| l.ends_with(p))
    });
    let numeric = v
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'_')
        && v.bytes().any(|b| b.is_ascii_digit());
    if numeric && !password_name {
        return Some("a number");
    }
    if v.len() == 4 && v.starts_with('0') && v.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return Some("a file mode");
    }
    if duration(&lower) && !password_name {
        return Some("a duration");
    }
    if SETTING_VALUES.contains(&lower.as_str()) {
        return Some("a setting's value");
    }
    if lower.starts_with("your")
        || lower.ends_with("-here")
        || lower.ends_with("_here")
        || lower.ends_with("here>")
    {
        return Some("a placeholder");
    }
    if FILL_IN.iter().any(|m| lower.contains(m)) {
        return Some(MARK_TO_FILL_IN);
    }
    if (v.starts_with('/') || v.starts_with("./") || v.starts_with("../") || v.starts_with("~/"))
        && !v.contains(char::is_whitespace)
    {
        return Some("a file path");
    }
    if let Some((scheme, rest)) = v.split_once("://") {
        let authority = rest.split('/').next().unwrap_or("");
        if !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+')
            && !authority.contains('@')
        {
            return Some("a URL without credentials");
        }
    }
    None
}

/// Whether the field `key` names a secret and holds a literal one
/// ([`secret_variable`], [`literal_secret`], [`not_a_credential`]):
/// `password: admin1` and `pwd: hi` are; `tokenTTL: 24h`,
/// `initialClusterToken: etcd-cluster-1`, `apiToken: YourApiToken` are not.
pub(crate) fn named_secret(key: &str, value: &str) -> bool {
    secret_variable(key) && literal_secret(value) && not_a_credential(key, value).is_none()
}

/// A credential written inside a field's text, and the line it is on
/// (0-based, in the field's text).
#[derive(Debug, Clone)]
pub(crate) struct Embedded {
    /// Line of the field's text.
    pub line: usize,
    /// The variable or header that holds it.
    pub name: String,
}

/// Credentials written as lines of a field's text, which the leak rules
/// need not know: `NAME=value`, `export NAME=value`, `NAME: value`,
/// `--name=value` (a secret name with a literal value, judged by
/// [`named_secret`]), and `Authorization: Bearer <token>` / `bearer
/// <token>` (a token of 12 or more characters that is not a reference or
/// placeholder). A value of one line is one line.
pub(crate) fn embedded(text: &str) -> Vec<Embedded> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('#') || line.starts_with("//") {
            continue;
        }
        if let Some(name) = bearer(line) {
            out.push(Embedded { line: i, name });
            continue;
        }
        for word in line.split_whitespace() {
            let word = word.strip_prefix("export").map_or(word, str::trim_start);
            let word = word.trim_start_matches('-');
            let Some((k, v)) = word.split_once('=') else {
                continue;
            };
            let v = v.trim_end_matches([';', ',']);
            if !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
                && named_secret(k, v)
            {
                out.push(Embedded {
                    line: i,
                    name: k.to_string(),
                });
            }
        }
        if let Some((k, v)) = line.split_once(": ") {
            let k = k.trim().trim_matches(['"', '\'']);
            if !k.contains(char::is_whitespace) && !k.contains('=') && named_secret(k, v.trim()) {
                out.push(Embedded {
                    line: i,
                    name: k.to_string(),
                });
            }
        }
    }
    out
}

/// `Bearer <token>` in a line: the header or word that carries it.
fn bearer(line: &str) -> Option<String> {
    let lower = line.to_ascii_lowercase();
    let at = lower.find("bearer ")?;
    let token: String = line[at + 7..]
        .trim_start()
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | ';' | ','))
        .collect();
    if token.len() < 12
        || reference(&token)
        || token.starts_with('<')
        || not_a_credential("token", &token).is_some()
        || !token.bytes().any(|b| b.is_ascii_digit())
    {
        return None;
    }
    Some(if lower.contains("authorization") {
        "Authorization".into()
    } else {
        "bearer".into()
    })
}

/// Look for a credential in `value` (the field named `key`).
pub(crate) fn credential(cx: &mut Cx<'_>, key: &str, value: &str) -> Option<CredHit> {
    let value = value.trim();
    if value.is_empty() || value.len() > 64 * 1024 {
        return None;
    }
    let line1 = format!("{key}={value}\n");
    let text = format!("{line1}{key}: \"{value}\"\n");
    let v1 = key.len() + 1..key.len() + 1 + value.len();
    let s2 = line1.len() + key.len() + 3;
    let v2 = s2..s2 + value.len();
    let inside = |r: &std::ops::Range<usize>| {
        (r.start >= v1.start && r.end <= v1.end) || (r.start >= v2.start && r.end <= v2.end)
    };
    let mut best: Option<CredHit> = None;
    for c in cx.leaks.scan(text.as_bytes(), &mut cx.scratch) {
        // A value the leak engine judges only `low` (a human-looking
        // password, a UUID) is left to the key-name judgement below, which
        // reports a literal under a secret's name as the policy finding it
        // is, whatever the value looks like.
        if c.verdict.is_err()
            || c.confidence == credlint_core::Confidence::Low
            || !inside(&c.secret)
        {
            continue;
        }
        let spec = &cx.leaks.rules()[c.rule].spec;
        // A generic rule (a name and an entropy test) meets settings,
        // placeholders and identifiers: judge its value like ours.
        if spec.generic
            && not_a_credential(key, &text[c.secret.clone()]).is_some_and(|r| r != MARK_TO_FILL_IN)
        {
            continue;
        }
        if best.as_ref().is_none_or(|b| spec.severity > b.severity) {
            best = Some(CredHit {
                rule_id: spec.id.clone(),
                rule_name: spec.name.clone(),
                severity: spec.severity,
            });
        }
    }
    if best.is_some() {
        return best;
    }
    if secretish_key(key)
        && placeholder(value.as_bytes()).is_none()
        && not_a_credential(key, value).is_none()
        && Validator::GenericSecret
            .check(value.as_bytes(), Some(key.as_bytes()))
            .is_ok()
    {
        return Some(CredHit {
            rule_id: "secret-key-name".to_string(),
            rule_name: "value of a key named like a secret".to_string(),
            severity: Severity::High,
        });
    }
    None
}

/// Helpers for the checks' unit tests: the crate's test rules, objects from
/// YAML text, and findings of one check run.
#[cfg(test)]
pub(crate) mod testing {
    use credlint_core::{Finding, LineIndex};
    use credlint_leaks::RuleSet;

    use crate::cx::Cx;
    use crate::model::{Object, Origin};

    /// The rules of `tests/rules/test-rules.toml` (not the product's), so
    /// the unit tests do not depend on which rules the binary embeds.
    pub(crate) fn rules() -> RuleSet {
        RuleSet::builder()
            .add_file(
                "test-rules.toml",
                include_str!("../tests/rules/test-rules.toml"),
            )
            .build()
            .expect("test rules load")
    }

    /// The objects of a (multi-document) manifest, as if read from `path`.
    pub(crate) fn objects(path: &str, text: &str) -> Vec<Object> {
        let lines = LineIndex::new(text.as_bytes());
        let (docs, err) = crate::yaml::load(text, &lines, crate::yaml::Limits::default());
        assert!(err.is_none(), "{err:?}");
        let origin = Origin {
            path: Some(path.to_string()),
            context: None,
        };
        docs.into_iter()
            .flat_map(|d| Object::expand(d, &origin))
            .collect()
    }

    /// Run `f` with a file-scan context over the test rules.
    pub(crate) fn run(f: impl FnOnce(&mut Cx<'_>)) -> Vec<Finding> {
        run_with(&rules(), f)
    }

    /// Run `f` with a file-scan context over `rules` (the embedded rules,
    /// where a check's verdict depends on a product rule's validator).
    pub(crate) fn run_with(rules: &RuleSet, f: impl FnOnce(&mut Cx<'_>)) -> Vec<Finding> {
        let mut cx = Cx::new(rules, false, false);
        f(&mut cx);
        cx.into_findings()
    }

    /// (check id, line) of each finding.
    pub(crate) fn lines(findings: &[Finding]) -> Vec<(String, usize)> {
        findings
            .iter()
            .map(|f| {
                let line = f.location.span.map_or(0, |s| s.start_line);
                (f.rule_id.clone(), line)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values of real charts and ConfigMaps that are not credentials, and
    /// short real passwords that are.
    #[test]
    fn value_judgement() {
        for (k, v) in [
            ("auth.enabled", "true"),
            ("tokenTTL", "24h"),
            ("token_ttl", "3600"),
            ("tokenPort", "8443"),
            ("secretMode", "0600"),
            ("passwordHash", "sha256"),
            ("apiTokenMode", "auto"),
            ("apiToken", "YourPingdomApiToken"),
            ("token", "your-token-here"),
            ("password", "<password>"),
            ("initialClusterToken", "etcd-cluster-k8s"),
            ("ETCD_INITIAL_CLUSTER_TOKEN", "etcd-cluster-1"),
            ("password", "/etc/redis/password"),
            ("token", "https://auth.example.com/token"),
            ("secret", "${SECRET}"),
            ("authType", "basic"),
            ("runner.tokenSecret", "gitlab-runner-secret"),
            ("passwordSecret", "db-creds"),
        ] {
            assert!(
                !named_secret(k, v) || not_a_credential(k, v).is_some(),
                "{k}: {v}"
            );
            assert!(not_a_credential(k, v).is_some(), "{k}: {v}");
        }
        for (k, v) in [
            ("pwd", "hi"),
            ("password", "admin1"),
            ("adminPassword", "prom-operator"),
            ("POSTGRES_PASSWORD", "1234"),
            ("API_TOKEN", "secret"),
            ("password", "https"),
            ("clientSecret", "abc123def"),
        ] {
            assert!(named_secret(k, v), "{k}: {v}");
        }
    }

    /// Regression (bench m00336): a generic rule's random value that holds
    /// `xxX` by chance is not a mark left to fill in.
    #[test]
    fn generic_hits_are_judged_but_not_as_fill_in_marks() {
        let found = |k: &str, v: &str| {
            let mut hit = None;
            testing::run(|cx| hit = credential(cx, k, v).map(|h| h.rule_id));
            hit
        };
        assert!(found(
            "application.properties",
            "spring.datasource.password=pw2keHRhJHn2xxX5"
        )
        .is_some());
        assert!(found("initialClusterToken", "etcd-cluster-k8s-Zq8vN3rT").is_none());
        assert!(found("apiToken", "YourPingdomApiToken").is_none());
    }

    #[test]
    fn credentials_inside_a_fields_text() {
        let names = |t: &str| -> Vec<(usize, String)> {
            embedded(t).into_iter().map(|e| (e.line, e.name)).collect()
        };
        let env = "LOG_LEVEL=debug\nDB_PASSWORD=s3cr3tpass\nexport API_TOKEN=secret\nTOKEN_TTL=24h\nPASSWORD_FILE=/run/secrets/db\n";
        assert_eq!(
            names(env),
            vec![(1, "DB_PASSWORD".into()), (2, "API_TOKEN".into())]
        );
        assert_eq!(
            names("--user=admin --password=hunter22x"),
            vec![(0, "password".into())]
        );
        assert_eq!(
            names("proxy_set_header Authorization \"Bearer abcDEF123ghiJKL456\";"),
            vec![(0, "Authorization".into())]
        );
        assert_eq!(
            names("redis:\n  password: admin1\n  port: 6379\n"),
            vec![(1, "password".into())]
        );
        for quiet in [
            "Authorization: Bearer ${TOKEN}",
            "Authorization: Bearer <token>",
            "auth_type: bearer",
            "# password=commented",
            "token: YourApiToken",
            "uses bearer tokens for auth",
        ] {
            assert!(names(quiet).is_empty(), "{quiet}");
        }
    }

    #[test]
    fn key_names() {
        assert!(secretish_key("DB_PASSWORD"));
        assert!(secretish_key("apiToken"));
        assert!(secretish_key("client_secret"));
        assert!(!secretish_key("PASSWORD_FILE"));
        assert!(!secretish_key("token_url"));
        assert!(!secretish_key("existingSecretName"));
        assert!(!secretish_key("LOG_LEVEL"));
    }

    #[test]
    fn words_split_on_separators_and_humps() {
        let w = |k: &str| words(k).join(" ");
        assert_eq!(
            w("existingSecretPasswordKey"),
            "existing secret password key"
        );
        assert_eq!(w("APIKey"), "api key");
        assert_eq!(w("AUTH_AUTHENTICATOR_ROLE"), "auth authenticator role");
        assert_eq!(w("OAuth2Token"), "o auth2 token");
        assert_eq!(
            w("GF_SECURITY_ADMIN_PASSWORD__FILE"),
            "gf security admin password file"
        );
        assert_eq!(w("x-api-key"), "x api key");
        assert_eq!(w("PGPASSWORD"), "pgpassword");
    }

    /// Regression (hunt D4): secret words matched as substrings made
    /// `authenticatorRole` a secret ("auth"), and names of Secrets and of
    /// keys in them (`existingSecret`, `existingSecretPasswordKey`) too.
    #[test]
    fn secret_words_match_words_not_substrings() {
        for setting in [
            "authenticatorRole",
            "existingSecret",
            "existingSecretPasswordKey",
            "existingSecretKey",
            "passwordKey",
            "adminPasswordKey",
            "passwordSecretKey",
            "secretName",
            "secretKeyRef",
            "tokenAudience",
            "authProvider",
            "authEnabled",
            "AUTH_TYPE",
            "PASSWORD_MODE",
            "tokenUrl",
            "PASSWORD_FILE",
            "tokenPath",
            "tokenizer",
            "passwordless",
            "author",
            "authority",
            "compass",
            "useExistingSecret",
            "PASSWORD_MIN_LENGTH",
            "vaultRole",
            "MYSQL_ALLOW_EMPTY_PASSWORD",
            "MYSQL_RANDOM_ROOT_PASSWORD",
            "DISABLE_AUTH",
            "useTokenAuth",
        ] {
            assert!(!secret_variable(setting), "{setting}");
        }
        for setting in [
            "authenticatorRole",
            "existingSecret",
            "tokenAudience",
            "authProvider",
        ] {
            assert!(!secretish_key(setting), "{setting}");
        }
        for secret in [
            "secretKey",
            "jwtSecretKey",
            "apiKey",
            "API_KEY",
            "x-api-key",
            "AWS_SECRET_ACCESS_KEY",
            "accessKey",
            "privateKey",
            "ssh-privatekey",
            "AUTH_KEY",
            "POSTGRES_PASSWORD",
            "PGPASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "postgresqlPassword",
            "DB_PWD",
            "SMTP_PASS",
            "basicAuth",
            "GITHUB_TOKEN",
            "apiTokens",
            "password2",
            "clientsecret",
            "tokenValue",
            "PASSWORD_B64",
            "credentials",
            "passphrase",
        ] {
            assert!(secret_variable(secret), "{secret}");
            assert!(secretish_key(secret), "{secret}");
        }
        // Mentions a secret without being one: judged by value only.
        assert!(secretish_key("AUTH_LDAP_SERVER"));
        assert!(!secret_variable("AUTH_LDAP_SERVER"));
        assert!(!secret_variable("TOKEN_ISSUER_NAME"));
    }

    #[test]
    fn literal_values() {
        for lit in [
            "testpassword",
            "nextcloud",
            "1234",
            "root_password",
            "t0p-Secret",
            "changeme",
            "example",
        ] {
            assert!(literal_secret(lit), "{lit}");
        }
        for not in [
            "",
            "  ",
            "$(DB_PASSWORD)",
            "${DB_PASSWORD}",
            "$DB_PASSWORD",
            "%DB_PASSWORD%",
            "{{ .Values.password }}",
            "<set-me>",
            "xxxxxxxx",
            "YOUR_PASSWORD",
            "REPLACE_ME",
            "yes",
            "\"true\"",
            "1",
        ] {
            assert!(!literal_secret(not), "{not:?}");
        }
    }
}
