//! Format validators and the shared post-filters (entropy, placeholders).
//!
//! A validator answers "is this candidate really of the rule's format?" from
//! the candidate alone (checksums, decodable structure). A candidate that
//! fails is dropped with a [`FilterReason`] that `--show-filtered` prints.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;

/// Why a candidate was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterReason {
    /// Shannon entropy below the rule's minimum.
    Entropy {
        /// Entropy of the candidate, in bits per byte, rounded to 2 places.
        found: String,
        /// The rule's minimum.
        min: String,
    },
    /// The format's checksum does not match.
    Checksum,
    /// The candidate does not have the format's structure.
    Format(&'static str),
    /// A placeholder, an example value or a reference, not a value.
    Placeholder(&'static str),
    /// A rule `allow` pattern matched.
    RuleAllow,
    /// A `credlint:allow` comment.
    AllowComment,
    /// The config's allowlist.
    ConfigAllow,
    /// A more specific rule reported the same secret.
    Duplicate(String),
}

impl fmt::Display for FilterReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FilterReason::Entropy { found, min } => write!(f, "entropy {found} < {min}"),
            FilterReason::Checksum => f.write_str("checksum mismatch"),
            FilterReason::Format(why) => write!(f, "format: {why}"),
            FilterReason::Placeholder(why) => write!(f, "placeholder: {why}"),
            FilterReason::RuleAllow => f.write_str("rule allow pattern"),
            FilterReason::AllowComment => f.write_str("allow comment"),
            FilterReason::ConfigAllow => f.write_str("config allowlist"),
            FilterReason::Duplicate(by) => write!(f, "same secret reported by `{by}`"),
        }
    }
}

/// Named format validators a rule file may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    /// GitHub `gh?_` tokens and npm `npm_` tokens: the last 6 characters are
    /// the base62 CRC32 of the 30 before them.
    Crc32Base62,
    /// A JSON Web Token: base64url header that decodes to JSON with `alg`.
    Jwt,
    /// Base64 of `user:password` with a non-empty, non-placeholder password.
    Base64UserPass,
    /// Base64 of a PEM private key (kubeconfig `client-key-data`).
    Base64PrivateKey,
    /// A generic assignment whose value looks like a real secret, not a
    /// name, a reference, a path or a placeholder.
    GenericSecret,
    /// At least two of lowercase, uppercase, digits: random, not a word.
    MixedChars,
    /// A password inside a URL (`scheme://user:pass@host`) that is not a
    /// template or a placeholder.
    UrlPassword,
    /// At least one uppercase letter, one lowercase letter and one digit:
    /// randomly generated base62/base64, not a word, a path or a hex digest.
    UpperLowerDigit,
    /// A password inside a URI or a connection string: everything
    /// `url-password` checks, and not a reference (`$VAR`, `%VAR%`), not a
    /// well-known default word (`password`, `secret`, `postgres`...) and not
    /// the same as the user name when the rule captures it as `key`.
    UriPassword,
    /// `generic-secret`, plus: the key's last word does not name a setting
    /// (`passwordHash`, `nextToken`, `secret_arn`), and the value is not a
    /// template (`{name}`), a resource name (`arn:...`, `projects/...`), a
    /// code reference or run of words (`NextPageToken`, `oauth2.credentials`,
    /// `ACCESS_TOKEN_1`), or a stand-in containing `password`/`secret`
    /// (also in leetspeak: `p4ssw0rd`).
    GenericSecretStrict,
    /// `base64-user-pass`, and the decoded password passes `uri-password`
    /// with the decoded user name as its key (`user:pass`, `foo:bar`,
    /// `admin:admin` are dropped).
    Base64UserPassStrict,
}

impl FromStr for Validator {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "crc32-base62" => Validator::Crc32Base62,
            "jwt" => Validator::Jwt,
            "base64-user-pass" => Validator::Base64UserPass,
            "base64-private-key" => Validator::Base64PrivateKey,
            "generic-secret" => Validator::GenericSecret,
            "mixed-chars" => Validator::MixedChars,
            "url-password" => Validator::UrlPassword,
            "upper-lower-digit" => Validator::UpperLowerDigit,
            "uri-password" => Validator::UriPassword,
            "generic-secret-strict" => Validator::GenericSecretStrict,
            "base64-user-pass-strict" => Validator::Base64UserPassStrict,
            other => {
                return Err(format!(
                    "unknown validator `{other}` (known: crc32-base62, jwt, base64-user-pass, base64-private-key, generic-secret, mixed-chars, url-password, upper-lower-digit, uri-password, generic-secret-strict, base64-user-pass-strict)"
                ))
            }
        })
    }
}

impl Validator {
    /// Check `secret`; `key` is the rule's `key` capture when it has one.
    pub fn check(self, secret: &[u8], key: Option<&[u8]>) -> Result<(), FilterReason> {
        match self {
            Validator::Crc32Base62 => crc32_base62(secret),
            Validator::Jwt => jwt(secret),
            Validator::Base64UserPass => base64_user_pass(secret),
            Validator::Base64PrivateKey => {
                let decoded = decode_b64(secret).ok_or(FilterReason::Format("not base64"))?;
                if memchr::memmem::find(&decoded, b"PRIVATE KEY-----").is_some() {
                    Ok(())
                } else {
                    Err(FilterReason::Format("does not decode to a private key"))
                }
            }
            Validator::GenericSecret => generic_secret(secret, key),
            Validator::MixedChars => {
                if char_classes(secret) >= 2 {
                    Ok(())
                } else {
                    Err(FilterReason::Format("one character class only"))
                }
            }
            Validator::UrlPassword => {
                if let Some(why) = placeholder(secret) {
                    return Err(FilterReason::Placeholder(why));
                }
                if secret.len() < 3 {
                    return Err(FilterReason::Format("password too short"));
                }
                Ok(())
            }
            Validator::UpperLowerDigit => {
                if secret.iter().any(u8::is_ascii_uppercase)
                    && secret.iter().any(u8::is_ascii_lowercase)
                    && secret.iter().any(u8::is_ascii_digit)
                {
                    Ok(())
                } else {
                    Err(FilterReason::Format(
                        "not a mix of uppercase, lowercase and digits",
                    ))
                }
            }
            Validator::UriPassword => uri_password(secret, key),
            Validator::GenericSecretStrict => generic_secret_strict(secret, key),
            Validator::Base64UserPassStrict => {
                base64_user_pass(secret)?;
                let decoded = decode_b64(secret).ok_or(FilterReason::Format("not base64"))?;
                let colon = memchr::memchr(b':', &decoded)
                    .ok_or(FilterReason::Format("does not decode to user:password"))?;
                uri_password(&decoded[colon + 1..], Some(&decoded[..colon]))
            }
        }
    }
}

/// Passwords that are defaults or stand-ins, not secrets, in URIs and
/// connection strings (`postgres://user:password@localhost`).
const DEFAULT_PASSWORDS: &[&str] = &[
    "pass",
    "password",
    "passwd",
    "pwd",
    "secret",
    "user",
    "username",
    "test",
    "root",
    "admin",
    "guest",
    "postgres",
    "mysql",
    "redis",
    "mongo",
    "default",
    "foo",
    "bar",
    "foobar",
    "demo",
    "pass123",
    "password123",
    "secret123",
    "test123",
    "mypassword",
    "mysecret",
    "yourpassword",
    // Passwords that manuals, RFCs and tutorials print.
    "xyzzy",
    "sekrit",
    "geheim",
    "hunter",
    "qwerty",
    "letmein",
    "changeit",
    "opensesame",
    "open sesame",
    "anonymous",
    "hello",
    "welcome",
    "123456",
    "12345678",
];

/// `%XX` escapes decoded (invalid ones kept as they are).
fn percent_decode(s: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if memchr::memchr(b'%', s).is_none() {
        return std::borrow::Cow::Borrowed(s);
    }
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' && i + 2 < s.len() {
            if let (Some(h), Some(l)) = (hex(s[i + 1]), hex(s[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

fn uri_password(secret: &[u8], key: Option<&[u8]>) -> Result<(), FilterReason> {
    Validator::UrlPassword.check(secret, None)?;
    // Anonymous FTP (and netrc's `login anonymous`) takes any password, by
    // convention the user's e-mail address.
    if key.is_some_and(|k| k.eq_ignore_ascii_case(b"anonymous") || k.eq_ignore_ascii_case(b"ftp")) {
        return Err(FilterReason::Placeholder("an anonymous login"));
    }
    // A token passed as the user name (`https://$GITHUB_TOKEN:x-oauth-basic@`):
    // the credential is the variable; the password is a fixed string the
    // host ignores (GitHub's `x-oauth-basic`, Bitbucket's `x-token-auth`).
    let fixed = [&b"x-oauth-basic"[..], b"x-access-token", b"x-token-auth"];
    if fixed.iter().any(|f| secret.eq_ignore_ascii_case(f)) {
        return Err(FilterReason::Placeholder(
            "a fixed password that goes with a token user",
        ));
    }
    if let Some(user) = key {
        // `$TOKEN`, `${TOKEN}`, `%TOKEN%`: whatever follows is filler
        // unless it looks like a password of its own.
        let variable = user.first() == Some(&b'$')
            || (user.len() > 2
                && user[0] == b'%'
                && user[user.len() - 1] == b'%'
                && user[1..user.len() - 1]
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'_'));
        if variable && (secret.len() < 8 || char_classes(secret) < 2) {
            return Err(FilterReason::Placeholder(
                "a stand-in password after a token user",
            ));
        }
    }
    let percent_encoded =
        secret[0] == b'%' && secret.len() > 2 && secret[1..3].iter().all(u8::is_ascii_hexdigit);
    let reference = match secret[0] {
        b'$' | b'[' => true,
        // `%VAR%` (and `%VAR`), `#name`, `*alias`, `@param`: a reference;
        // the same symbol followed by random mixed characters
        // (`#S6Om^Bq&z5`, `@Q*MgO5mbFLo?5!p`) is a password.
        b'%' | b'#' | b'*' | b'@' => !percent_encoded && !symbol_led_value(&secret[1..]),
        _ => false,
    };
    if reference || windows_var_prefix(secret) {
        return Err(FilterReason::Placeholder("a reference"));
    }
    if is_template(secret) {
        return Err(FilterReason::Placeholder("a template"));
    }
    // Judge what the password is, not how a URL spells it (`pass%20word`).
    let decoded = percent_decode(secret);
    let lower = decoded.to_ascii_lowercase();
    let plain: Vec<u8> = unleet(&decoded)
        .into_iter()
        .filter(u8::is_ascii_alphanumeric)
        .collect();
    let trimmed: &[u8] = {
        let end = lower
            .iter()
            .rposition(|b| !b.is_ascii_digit())
            .map_or(0, |i| i + 1);
        &lower[..end]
    };
    if DEFAULT_PASSWORDS
        .iter()
        .any(|w| lower == w.as_bytes() || plain == w.as_bytes() || trimmed == w.as_bytes())
    {
        return Err(FilterReason::Placeholder("a default or stand-in password"));
    }
    if let Some(why) = typed_stand_in(&decoded) {
        return Err(FilterReason::Placeholder(why));
    }
    // `SAS_POLICY_NAME:SAS_KEY@…`: the names of what goes there.
    if is_constant_name(&decoded) {
        return Err(FilterReason::Placeholder("a name to fill in"));
    }
    let letters_only = decoded.iter().all(u8::is_ascii_alphabetic);
    if memchr::memmem::find(&plain, b"password").is_some()
        || memchr::memmem::find(&plain, b"passwd").is_some()
        || lower.starts_with(b"your")
        // `a secret`, `topsecret`: a phrase or a word built on "secret".
        || ((letters_only || decoded.contains(&b' '))
            && memchr::memmem::find(&plain, b"secret").is_some())
        // `proxypass`, `dbpass`, `mypass`: a word built on "pass".
        || (letters_only && memchr::memmem::find(&lower, b"pass").is_some())
    {
        return Err(FilterReason::Placeholder("a stand-in password"));
    }
    // `abc`, `xyz`, `123`, `smith`: too short and plain to be anything but
    // an illustration (real weak passwords of six or more, or of two
    // character classes, are still reported).
    if decoded.len() < 6 && char_classes(&decoded) < 2 {
        return Err(FilterReason::Format(
            "too short and plain for a real password",
        ));
    }
    if let Some(user) = key {
        if user.eq_ignore_ascii_case(secret) {
            return Err(FilterReason::Placeholder("the same as the user name"));
        }
    }
    Ok(())
}

/// Lowercase with common leetspeak undone (`P@ssw0rd` -> `password`).
fn unleet(s: &[u8]) -> Vec<u8> {
    s.iter()
        .map(|&b| match b.to_ascii_lowercase() {
            b'4' | b'@' => b'a',
            b'0' => b'o',
            b'3' => b'e',
            b'1' | b'!' => b'i',
            b'5' | b'$' => b's',
            b'7' => b't',
            c => c,
        })
        .collect()
}

/// `{name}`, `{0}`, `%{x}`: a format string or template, not a value.
fn is_template(s: &[u8]) -> bool {
    match (memchr::memchr(b'{', s), memchr::memrchr(b'}', s)) {
        (Some(open), Some(close)) => close > open,
        _ => false,
    }
}

/// Last words of a key that mean the value is not itself a secret, matched
/// on the key's last word (split at `_`, `-`, `.` and camelCase humps).
const STRICT_NON_SECRET_KEY_WORDS: &[&str] = &[
    "arn",
    "arns",
    "names",
    "ids",
    "reference",
    "placeholder",
    "prompt",
    "hint",
    "message",
    "description",
    "text",
    "title",
    "help",
    "error",
    "namespace",
    "mount",
    "region",
    "user",
    "username",
    "email",
    "algorithm",
    "algo",
    "kind",
    "schema",
    "rotation",
    "generator",
    "validator",
    "marker",
    "cursor",
    "output",
    "input",
    "request",
    "response",
    "hashed",
    "digest",
    "checksum",
    "salt",
    "params",
    "parameter",
    "parameters",
    "option",
    "options",
    "config",
    "settings",
    "setting",
    "property",
    "attribute",
    "question",
    "answer",
    "reset",
    "fields",
    "key_name",
    "keyname",
    "secretname",
    "tokentype",
    "unit",
    "units",
    "signature",
    "keys",
];

/// Whole keys (lowercased, separators removed) that hold pagination or
/// request ids, not credentials.
const STRICT_NON_SECRET_KEYS: &[&str] = &[
    "nexttoken",
    "pagetoken",
    "nextpagetoken",
    "continuationtoken",
    "clienttoken",
    "idempotencytoken",
    "synctoken",
    "resumptiontoken",
    "outputtoken",
    "inputtoken",
    "paginationtoken",
    "csrftoken",
    "xsrftoken",
    "csrfmiddlewaretoken",
    "nextcontinuationtoken",
    "starttoken",
    "markertoken",
    "requesttoken",
    "statetoken",
    "changetoken",
    "verificationtoken",
    "policyupdatetoken",
    "purchasetoken",
    "exporttoken",
    "importtoken",
    "updatetoken",
];

fn last_key_word(key: &[u8]) -> Vec<u8> {
    let key: Vec<u8> = key
        .iter()
        .copied()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        .collect();
    let start_sep = key
        .iter()
        .rposition(|b| matches!(b, b'_' | b'-' | b'.'))
        .map_or(0, |i| i + 1);
    let word = &key[start_sep..];
    // camelCase: the last hump starts at the last lowercase->uppercase step.
    let hump = word
        .windows(2)
        .rposition(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
        .map_or(0, |i| i + 1);
    word[hump..].to_ascii_lowercase()
}

/// Letters that read as words (`NextPageToken`, `ACCESS`, `credentials`,
/// `mailApiKey`), not random letters (`hXkQpLmZ`, `gccjFDNoxVAQ`,
/// `xbQFzmdgfU`): the average hump is 2.5 letters or more, humps of one or
/// two letters are not the majority (a few are: `OPpASSIGN`, `IOError`),
/// and every hump could be a word or an acronym (see [`reads_as_word`]).
fn is_wordlike(seg: &[u8]) -> bool {
    if seg.len() < 3 || !seg.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let humps = humps(seg);
    let short = humps.iter().filter(|h| h.len() <= 2).count();
    2 * seg.len() >= 5 * humps.len()
        && !(short >= 3 && 2 * short > humps.len())
        && humps.iter().all(|h| reads_as_word(h))
}

/// Split letters at camelCase humps: before an uppercase letter that
/// follows a lowercase one, and before the last capital of an acronym
/// that starts a word (`HTTPServer` -> `HTTP`, `Server`).
fn humps(seg: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..seg.len() {
        let lower_upper = seg[i - 1].is_ascii_lowercase() && seg[i].is_ascii_uppercase();
        let acronym_end = seg[i - 1].is_ascii_uppercase()
            && seg[i].is_ascii_uppercase()
            && seg.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        if lower_upper || acronym_end {
            out.push(&seg[start..i]);
            start = i;
        }
    }
    out.push(&seg[start..]);
    out
}

/// A hump that could be a word or an abbreviation: an acronym of at most
/// six capitals (`HTTPS`), or letters with a vowel once five long and no
/// run of six consonants (`Fzmdgf` and `gccjq` are not words; `ctx`,
/// `Strength` are).
fn reads_as_word(h: &[u8]) -> bool {
    let vowel = |b: &u8| {
        matches!(
            b.to_ascii_lowercase(),
            b'a' | b'e' | b'i' | b'o' | b'u' | b'y'
        )
    };
    if h.len() <= 6 && h.iter().all(u8::is_ascii_uppercase) {
        return true;
    }
    if h.len() >= 5 && !h.iter().any(vowel) {
        return false;
    }
    let mut run = 0;
    for b in h {
        run = if vowel(b) { 0 } else { run + 1 };
        if run >= 6 {
            return false;
        }
    }
    true
}

/// Every segment reads as words with a few digits (`oauth2.credentials`,
/// `ACCESS_TOKEN_1`, `V1ServiceAccountTokenProjection`, `Password01`):
/// code or a phrase, not a random value. Letter runs between digits must be
/// words or at most two letters, digit runs at most five long, and at least
/// one word of five or more letters with a vowel must occur.
fn is_words(s: &[u8]) -> bool {
    // A hex digest or token is not words, whatever `fcfeac` or `decade`
    // in it spell.
    if s.len() >= 16 && s.iter().all(u8::is_ascii_hexdigit) && s.iter().any(u8::is_ascii_digit) {
        return false;
    }
    let mut long_word = false;
    for seg in s.split(|b| matches!(b, b'.' | b'_' | b'-' | b':' | b'/' | b' ')) {
        if seg.is_empty() {
            continue;
        }
        let mut i = 0;
        while i < seg.len() {
            let start = i;
            if seg[i].is_ascii_digit() {
                while i < seg.len() && seg[i].is_ascii_digit() {
                    i += 1;
                }
                if i - start > 5 {
                    return false;
                }
                continue;
            }
            while i < seg.len() && !seg[i].is_ascii_digit() {
                i += 1;
            }
            let part = &seg[start..i];
            if part.len() <= 2 && part.iter().all(u8::is_ascii_alphabetic) {
                // `4W48`: a capital between digits is random, not a
                // version (`v1beta1`) or a unit (`utf8mb4`).
                if start > 0 && i < seg.len() && part.iter().any(u8::is_ascii_uppercase) {
                    return false;
                }
                continue;
            }
            if !is_wordlike(part) {
                return false;
            }
            if part.len() >= 5
                && part
                    .iter()
                    .any(|b| matches!(b.to_ascii_lowercase(), b'a' | b'e' | b'i' | b'o' | b'u'))
            {
                long_word = true;
            }
        }
    }
    long_word
}

fn generic_secret_strict(secret: &[u8], key: Option<&[u8]>) -> Result<(), FilterReason> {
    generic_secret(secret, key)?;
    if let Some(key) = key {
        let last = last_key_word(key);
        let whole: Vec<u8> = key
            .iter()
            .filter(|b| b.is_ascii_alphanumeric())
            .map(u8::to_ascii_lowercase)
            .collect();
        if NON_SECRET_KEY_SUFFIXES
            .iter()
            .chain(STRICT_NON_SECRET_KEY_WORDS)
            .any(|w| last == w.as_bytes())
            || STRICT_NON_SECRET_KEYS
                .iter()
                .any(|w| whole.ends_with(w.as_bytes()))
            || memchr::memmem::find(&whole, b"public").is_some()
        {
            return Err(FilterReason::Format("key names a setting, not a secret"));
        }
    }
    if is_template(secret) {
        return Err(FilterReason::Placeholder("a template"));
    }
    let lower = secret.to_ascii_lowercase();
    for prefix in [&b"arn:"[..], b"projects/", b"sha256:", b"sha1:", b"sha512-"] {
        if lower.starts_with(prefix) {
            return Err(FilterReason::Format("a resource name or digest reference"));
        }
    }
    // `#fff`, `#a1b2c3`, `#TODO`, `#section`, `#!/bin/sh`: a colour, an
    // anchor, a tag or a shebang. `#` then random mixed characters
    // (`#h+a*Q!MW%j4e?Q1`) is a password that happens to start with `#`.
    if secret[0] == b'#' && !symbol_led_value(&secret[1..]) {
        return Err(FilterReason::Format("a colour, anchor or tag"));
    }
    let plain = unleet(secret);
    for word in [
        &b"password"[..],
        b"passwd",
        b"secret",
        b"qwerty",
        b"letmein",
        b"changeit",
    ] {
        if memchr::memmem::find(&plain, word).is_some() {
            return Err(FilterReason::Placeholder("a stand-in value"));
        }
    }
    if lower.starts_with(b"your") || lower.starts_with(b"my_") || lower.starts_with(b"my-") {
        return Err(FilterReason::Placeholder("a stand-in value"));
    }
    if is_words(secret) {
        return Err(FilterReason::Format("words or a code reference"));
    }
    Ok(())
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Base62 of `n`, left-padded with `0` to `width`.
pub fn base62(mut n: u32, width: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        out.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    while out.len() < width {
        out.push(b'0');
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}

/// The checksum GitHub and npm append to the 30 random characters of a token.
pub fn crc32_checksum(random: &[u8]) -> String {
    base62(crc32fast::hash(random), 6)
}

fn crc32_base62(secret: &[u8]) -> Result<(), FilterReason> {
    let body = match secret.iter().rposition(|&b| b == b'_') {
        Some(i) => &secret[i + 1..],
        None => secret,
    };
    if body.len() != 36 {
        return Err(FilterReason::Format(
            "not 30 characters and a 6-character checksum",
        ));
    }
    let (random, check) = body.split_at(30);
    if crc32_checksum(random).as_bytes() == check {
        Ok(())
    } else {
        Err(FilterReason::Checksum)
    }
}

fn decode_b64(s: &[u8]) -> Option<Vec<u8>> {
    let trimmed: Vec<u8> = s
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let no_pad: Vec<u8> = trimmed.iter().copied().filter(|&b| b != b'=').collect();
    let e = &base64::engine::general_purpose::STANDARD_NO_PAD;
    let u = &base64::engine::general_purpose::URL_SAFE_NO_PAD;
    e.decode(&no_pad).ok().or_else(|| u.decode(&no_pad).ok())
}

/// Decode standard or URL-safe base64, padded or not, ignoring whitespace.
pub fn decode_base64(s: &[u8]) -> Option<Vec<u8>> {
    decode_b64(s)
}

fn jwt(secret: &[u8]) -> Result<(), FilterReason> {
    let mut parts = secret.split(|&b| b == b'.');
    let header = parts.next().unwrap_or_default();
    let payload = parts.next().ok_or(FilterReason::Format("no payload"))?;
    let decoded = decode_b64(header).ok_or(FilterReason::Format("header is not base64url"))?;
    let v: serde_json::Value =
        serde_json::from_slice(&decoded).map_err(|_| FilterReason::Format("header is not JSON"))?;
    if v.get("alg").is_none() {
        return Err(FilterReason::Format("header has no alg"));
    }
    if v.get("alg").and_then(|a| a.as_str()) == Some("none") {
        return Err(FilterReason::Format("unsigned token (alg none)"));
    }
    let p = decode_b64(payload).ok_or(FilterReason::Format("payload is not base64url"))?;
    let claims = serde_json::from_slice::<serde_json::Value>(&p)
        .map_err(|_| FilterReason::Format("payload is not JSON"))?;
    // jwt.io's debugger opens on `{"sub":"1234567890","name":"John Doe",…}`
    // and PyJWT's README encodes `{"some":"payload"}`: both are pasted into
    // docs and tests far more often than into anything that runs.
    let demo = (claims["sub"] == "1234567890"
        && (claims["name"] == "John Doe" || claims["iat"] == 1_516_239_022))
        || claims == serde_json::json!({"some": "payload"});
    if demo {
        return Err(FilterReason::Placeholder("a documentation example token"));
    }
    Ok(())
}

fn base64_user_pass(secret: &[u8]) -> Result<(), FilterReason> {
    let decoded = decode_b64(secret).ok_or(FilterReason::Format("not base64"))?;
    let colon = memchr::memchr(b':', &decoded)
        .ok_or(FilterReason::Format("does not decode to user:password"))?;
    let pass = &decoded[colon + 1..];
    if pass.is_empty() || pass.iter().any(|b| b.is_ascii_control()) {
        return Err(FilterReason::Format("does not decode to user:password"));
    }
    if let Some(why) = placeholder(pass) {
        return Err(FilterReason::Placeholder(why));
    }
    Ok(())
}

/// Shannon entropy of `bytes` in bits per byte.
pub fn shannon_entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

fn char_classes(s: &[u8]) -> usize {
    let lower = s.iter().any(u8::is_ascii_lowercase);
    let upper = s.iter().any(u8::is_ascii_uppercase);
    let digit = s.iter().any(u8::is_ascii_digit);
    let other = s.iter().any(|b| !b.is_ascii_alphanumeric());
    [lower, upper, digit, other].iter().filter(|&&x| x).count()
}

/// Words that mark a value as an example, a template or a reference rather
/// than a credential. Matched case-insensitively as substrings.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "xxxx",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yourpassword",
    "dummy",
    "redacted",
    "sample",
    "fake",
    "insert",
    "replace",
    "notreal",
    "not_a_real",
    "not-a-real",
    "anonymous",
    "blabla",
    "<",
    ">",
    "${",
    "enc[",
    "{{",
    "}}",
    "$(",
    "#{",
    "os.environ",
    "os.getenv",
    "process.env",
    "env(",
    "getenv",
    "secretkeyref",
    "valuefrom",
    "****",
    // Truncated for display: `eyJhbGciOi...`, `hf_jwt_…`.
    "...",
    "…",
    "••",
];

/// Lowercase, uppercase, capitalised, or two such parts in camel case
/// (`changeMe`, `PlaceHolder`), counting letters only.
fn written_word(w: &[u8]) -> bool {
    let letters: Vec<u8> = w.iter().copied().filter(u8::is_ascii_alphabetic).collect();
    let lower = |p: &[u8]| p.iter().all(u8::is_ascii_lowercase);
    let word = |p: &[u8]| match p.split_first() {
        None => true,
        Some((first, rest)) => lower(p) || (first.is_ascii_uppercase() && lower(rest)),
    };
    word(&letters)
        || letters.iter().all(u8::is_ascii_uppercase)
        || (2..letters.len().saturating_sub(1))
            .any(|k| letters[k].is_ascii_uppercase() && word(&letters[..k]) && word(&letters[k..]))
}

/// Whether `value` holds a Python %-format field, `%(name)`: a template
/// filled in at run time (`%(db_password)s`, supervisord's `%(ENV_X)s`).
/// `%(` alone is not one: Django's key alphabet has both characters, so a
/// random 50-character Django key holds it about one time in fifty.
fn python_format(value: &[u8]) -> bool {
    memchr::memmem::find_iter(value, b"%(").any(|i| {
        let rest = &value[i + 2..];
        let name = rest
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
            .unwrap_or(rest.len());
        name > 0 && !rest[0].is_ascii_digit() && rest.get(name) == Some(&b')')
    })
}

/// Why `value` is a placeholder or a reference, if it is one.
pub fn placeholder(value: &[u8]) -> Option<&'static str> {
    // One pass for all the words (every candidate goes through here, most
    // of them twice); the reason named is the first word of the list found.
    static WORDS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let words = WORDS.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(PLACEHOLDER_WORDS)
            .expect("placeholder words")
    });
    // A word counts as written (`example`, `EXAMPLE`, `Example`), not as
    // letters a random token happens to contain in mixed case (`fAKe` in
    // a 160-character API key).
    if let Some(first) = words
        .find_overlapping_iter(value)
        .filter(|m| written_word(&value[m.range()]))
        .map(|m| m.pattern().as_usize())
        .min()
    {
        return Some(PLACEHOLDER_WORDS[first]);
    }
    if python_format(value) {
        return Some("%(");
    }
    // One repeated character (`aaaaaaaa`, `00000000`), or a long run of
    // one after the start (`ghp_PersonalAccessToken01245678900000000`):
    // random values almost never hold eight of a kind in a row. A leading
    // run can be the format's padding (Twitter's `AAAA…` bearer tokens).
    if value.len() >= 6 && value.iter().all(|&b| b == value[0]) {
        return Some("one repeated character");
    }
    if value
        .chunk_by(|a, b| a == b)
        .skip(1)
        .any(|run| run.len() >= 8 && run[0].is_ascii_alphanumeric())
    {
        return Some("a run of one repeated character");
    }
    // Runs like 0123456789 or abcdefgh.
    if value.len() >= 8 {
        let ascending = value
            .windows(2)
            .filter(|w| w[1] == w[0].wrapping_add(1))
            .count();
        if ascending * 10 >= (value.len() - 1) * 8 {
            return Some("a sequence");
        }
    }
    // Long values typed along the alphabet with a few changes
    // (`AB1C2defGHijkLMNo3PqQRstUvwxyz…`, `a123b45c6d78e9f012a34cd5…`):
    // documentation stand-ins. Case folded, a random base62 value has an
    // ascending neighbour ~3% of the time and random hex ~6%; at 24
    // characters and 30%, about 1 random 24-hex value in 1,000 and 1 random
    // 32-hex value in 25,000 would be dropped.
    if value.len() >= 24 {
        let fold = u8::to_ascii_lowercase;
        let ascending = value
            .windows(2)
            .filter(|w| fold(&w[1]) == fold(&w[0]).wrapping_add(1))
            .count();
        if ascending * 10 >= (value.len() - 1) * 3 {
            return Some("a sequence");
        }
    }
    if PUBLISHED_EXAMPLES.iter().any(|e| e.as_bytes() == value) {
        return Some("a value published as an example (an RFC's)");
    }
    None
}

/// A value typed by hand for a manual or a test, judged only where a rule
/// has no format to go by (the generic rules, URL and netrc passwords):
/// six or more characters in a row up the alphabet or the digits
/// (`tokenabc1234567890`; random base62 holds such a run about once in 30
/// million positions, random hex once in a million), or a word and a count.
fn typed_stand_in(value: &[u8]) -> Option<&'static str> {
    let ascending: Vec<bool> = value
        .windows(2)
        .map(|w| {
            w[0].is_ascii_alphanumeric()
                && w[1].to_ascii_lowercase() == w[0].to_ascii_lowercase().wrapping_add(1)
        })
        .collect();
    if ascending
        .chunk_by(|a, b| a == b)
        .any(|run| run[0] && run.len() >= 5)
    {
        return Some("a sequence");
    }
    if word_and_count(value) {
        return Some("a word and 123");
    }
    None
}

/// `Cisco#123`, `Lablab@1234`, `Test@123`, `Esxi@123$%`: one word, a
/// symbol or two and a count from 0 or 1 — the password manuals and lab
/// guides print, not one anybody generated.
fn word_and_count(v: &[u8]) -> bool {
    let letters = v.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let rest = &v[letters..];
    let symbols = rest.iter().take_while(|b| b.is_ascii_punctuation()).count();
    let rest = &rest[symbols..];
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let tail = &rest[digits..];
    (3..=12).contains(&letters)
        && (1..=2).contains(&symbols)
        && digits >= 3
        && tail.iter().all(u8::is_ascii_punctuation)
        && matches!(rest[0], b'0' | b'1')
        && rest[..digits].windows(2).all(|w| w[1] == w[0] + 1)
}

/// Values that standards print as examples, copied into code, docs and
/// tests everywhere: RFC 6749's access and refresh tokens, authorization
/// code, client secret and client credentials (`s6BhdRkqt3:gX1fBat3bV` as
/// Basic auth), RFC 5849's token, RFC 7617's `Aladdin:open sesame`.
const PUBLISHED_EXAMPLES: &[&str] = &[
    "2YotnFZFEjr1zCsicMWpAA",
    "tGzv3JOkF0XG5Qx2TlKWIA",
    "SplxlOBeZQQYbYS6WxSbIA",
    "7Fjfp0ZBr1KtDRbnfVdmIw",
    "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
    "gX1fBat3bV",
    "ad180jjd733klru7",
    // The Cargo Book's registry token; the Kubernetes docs' Secret password.
    "854DvwSlUwEHtIo3kWy6x7UCPKHfzCmy",
    "MWYyZDFlMmU2N2Rm",
    "QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
    "open sesame",
    "opensesame",
];

/// Key names whose value is not a secret even though they contain a
/// secret-ish word (`token_url`, `password_length`, ...).
const NON_SECRET_KEY_SUFFIXES: &[&str] = &[
    "sha",
    "sha1",
    "sha256",
    "sha512",
    "md5",
    "checksum",
    "digest",
    "fingerprint",
    "url",
    "uri",
    "endpoint",
    "path",
    "file",
    "dir",
    "length",
    "len",
    "size",
    "type",
    "name",
    "count",
    "enabled",
    "enable",
    "disabled",
    "header",
    "format",
    "mode",
    "policy",
    "ttl",
    "timeout",
    "expiry",
    "expires",
    "expiration",
    "hash",
    "id",
    "field",
    "prefix",
    "suffix",
    "regex",
    "pattern",
    "version",
    "provider",
    "method",
    "scope",
    "scopes",
    "label",
    "key_id",
    "keyid",
    "ref",
    "env",
    "var",
    "param",
    "template",
    "required",
    "min",
    "max",
    "policy",
    "strategy",
    "store",
    "storage",
    "manager",
    "source",
    "location",
    "class",
    "handler",
];

/// Longest value the generic rules report: longer runs are data, not a
/// hand-set secret.
const GENERIC_MAX_LEN: usize = 256;

fn generic_secret(secret: &[u8], key: Option<&[u8]>) -> Result<(), FilterReason> {
    if key.is_some_and(|k| !names_a_secret_as_words(k)) {
        return Err(FilterReason::Format(
            "the key's secret word is only letters across a camelCase join",
        ));
    }
    if is_code_between_strings(secret) {
        return Err(FilterReason::Format("code between two string literals"));
    }
    if let Some(key) = key {
        let key = key.to_ascii_lowercase();
        let key = key.trim_ascii_end();
        for suffix in NON_SECRET_KEY_SUFFIXES {
            if key.ends_with(suffix.as_bytes()) {
                let before = key.len() - suffix.len();
                if before == 0 || matches!(key[before - 1], b'_' | b'-' | b'.') {
                    return Err(FilterReason::Format("key names a setting, not a secret"));
                }
            }
        }
    }
    if secret.len() < 8 {
        return Err(FilterReason::Format("shorter than 8 characters"));
    }
    // The patterns leave the value's length open (a counted repetition
    // makes their automata and capture searches several times costlier);
    // the bound is kept here.
    if secret.len() > GENERIC_MAX_LEN {
        return Err(FilterReason::Format("longer than 256 characters"));
    }
    if let Some(why) = placeholder(secret).or_else(|| typed_stand_in(secret)) {
        return Err(FilterReason::Placeholder(why));
    }
    let lower = secret.to_ascii_lowercase();
    for word in [
        &b"true"[..],
        b"false",
        b"null",
        b"none",
        b"undefined",
        b"password",
        b"secret",
        b"token",
        b"string",
        b"required",
        b"optional",
    ] {
        if lower == word {
            return Err(FilterReason::Placeholder("a keyword"));
        }
    }
    if memchr::memmem::find(secret, b"://").is_some() {
        return Err(FilterReason::Format("a URL"));
    }
    if secret.starts_with(b"/") || secret.starts_with(b"./") || secret.starts_with(b"~/") {
        return Err(FilterReason::Format("a path"));
    }
    if is_reference(secret) || only_interpolations(secret) {
        return Err(FilterReason::Placeholder("a reference"));
    }
    // `X25519PrivateKey = backend.hpke.X25519PrivateKey`: a name bound to
    // the same name elsewhere (a re-export), not a value.
    if let Some(k) = key.map(<[u8]>::trim_ascii).filter(|k| !k.is_empty()) {
        if secret.len() > k.len()
            && secret.ends_with(k)
            && secret[secret.len() - k.len() - 1] == b'.'
        {
            return Err(FilterReason::Placeholder("a reference"));
        }
    }
    if secret
        .iter()
        .all(|b| b.is_ascii_digit() || *b == b'.' || *b == b'-' || *b == b'_')
    {
        return Err(FilterReason::Format("a number"));
    }
    if is_uuid(secret) {
        return Err(FilterReason::Format("a UUID"));
    }
    if is_password_hash(secret) {
        return Err(FilterReason::Format("a password hash, not a password"));
    }
    // ARM and Bicep template expressions: `[parameters('adminPassword')]`.
    if secret.starts_with(b"[") && secret.contains(&b'(') {
        return Err(FilterReason::Placeholder("a template expression"));
    }
    if is_file_name(secret) {
        return Err(FilterReason::Format("a file name"));
    }
    if is_scoped_package(secret) {
        return Err(FilterReason::Format("a package name"));
    }
    if encoded_stand_in(secret) {
        return Err(FilterReason::Placeholder("a stand-in, base64-encoded"));
    }
    if is_call(secret) {
        return Err(FilterReason::Format("a function call"));
    }
    if is_identifier(secret) || is_constant_name(secret) {
        return Err(FilterReason::Format("an identifier or a reference"));
    }
    if is_type_expression(secret) {
        return Err(FilterReason::Format("a type name"));
    }
    if keyboard_mash(secret) {
        return Err(FilterReason::Placeholder("keys typed along the home row"));
    }
    if char_classes(secret) < 2 {
        return Err(FilterReason::Format("one character class only"));
    }
    // A 32-, 40- or 64-hex value under a secret-named key is a token (Twilio
    // auth tokens, OAuth tokens, many API keys) unless the key says it is a
    // hash or an id. Random hex tops out at 4 bits per character, so it gets
    // a lower bar than base62 (3.0 lets through all but ~1 in 10,000 random
    // 32-hex values; `deadbeef` repeats stay below it).
    let hex_token = key.is_some() && is_hex_token(secret);
    if hex_token && key.is_some_and(key_names_a_hash) {
        return Err(FilterReason::Format("a hash or an id (the key says so)"));
    }
    let e = shannon_entropy(secret);
    let min = if hex_token {
        3.0
    } else if secret.len() >= 20 {
        3.5
    } else {
        2.8
    };
    if e < min {
        return Err(FilterReason::Entropy {
            found: format!("{e:.2}"),
            min: format!("{min:.2}"),
        });
    }
    Ok(())
}

/// Whether a key that contains a secret word (`pass`, `token`, `apiKey`,
/// ...) still does once its camelCase humps are read as word breaks:
/// `chunkGroupAsset` holds "pAss" only across `Group|Asset`; `dbPassword`,
/// `getAssetToken`, `APIKEY` and `x_api_key` keep theirs. A key with no
/// secret word at all is left to the rule.
fn names_a_secret_as_words(key: &[u8]) -> bool {
    static WORDS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let words = WORDS.get_or_init(|| {
        let mut list: Vec<String> = ["pass", "pwd", "secret", "token", "credential"]
            .map(String::from)
            .to_vec();
        for (a, b) in [
            ("api", "key"),
            ("access", "key"),
            ("private", "key"),
            ("auth", "key"),
            ("signing", "key"),
            ("encryption", "key"),
            ("master", "key"),
        ] {
            for sep in ["", "_", "-", "."] {
                list.push(format!("{a}{sep}{b}"));
            }
        }
        aho_corasick::AhoCorasick::new(list).expect("secret words")
    });
    let lower = key.to_ascii_lowercase();
    if !words.is_match(&lower) {
        return true;
    }
    let mut split = Vec::with_capacity(key.len() + 4);
    for (i, &b) in key.iter().enumerate() {
        if i > 0 && b.is_ascii_uppercase() && key[i - 1].is_ascii_lowercase() {
            split.push(b'_');
        }
        split.push(b.to_ascii_lowercase());
    }
    words.is_match(&split)
}

/// What a pattern takes for a quoted value when the quotes belong to two
/// string literals in code: `"Credential=" + e.accessKeyId + "/"` gives
/// `+e.accessKeyId+`, `"Unexpected token =",Dup:"` gives `,Dup:`.
fn is_code_between_strings(s: &[u8]) -> bool {
    if matches!(s.first(), Some(b',' | b';')) {
        return true;
    }
    // `+expr+`, `+expr`, `expr+` where expr is a member access or a call.
    let inner = s.strip_prefix(b"+").unwrap_or(s);
    let inner = inner.strip_suffix(b"+").unwrap_or(inner);
    if inner.len() == s.len() || inner.is_empty() {
        return false;
    }
    let ident = |p: &[u8]| {
        !p.is_empty()
            && (p[0].is_ascii_alphabetic() || matches!(p[0], b'_' | b'$'))
            && p.iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$'))
    };
    let expr = inner.strip_suffix(b"()").unwrap_or(inner);
    let parts: Vec<&[u8]> = expr.split(|&b| b == b'.').collect();
    parts.iter().all(|p| ident(p)) && (parts.len() >= 2 || expr.len() < inner.len())
}

/// Code, not a value, where a call or its argument list was cut by the end
/// of the line: `self._get_token(`, `os.path.expanduser(`,
/// `crate::config::path(`, `ObjectStoreAccessKey(`, `Credentials(key,` — a
/// name written as words, then `(` — or `self.conn.auth_token)` (the end
/// of an argument list). `Qm7(xT2vR9)pL4` is a password.
fn is_call(s: &[u8]) -> bool {
    let s = s.strip_suffix(b":").unwrap_or(s);
    match memchr::memchr(b'(', s) {
        Some(open) => words_name(&s[..open]),
        None => s.strip_suffix(b")").is_some_and(words_name),
    }
}

/// A dotted or `::` path whose parts are words: lower-case, Capitalised
/// or upper-case humps (`IDTokenCredentials` is ID|Token|Credentials),
/// digits only at a hump's end (`sha256`, `v2`), four letters or more in
/// all.
fn words_name(name: &[u8]) -> bool {
    let hump_ok = |h: &[u8]| {
        let letters = h.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        let (word, digits) = h.split_at(letters);
        !word.is_empty()
            && digits.iter().all(u8::is_ascii_digit)
            && (word[1..].iter().all(u8::is_ascii_lowercase)
                || word.len() <= 5 && word.iter().all(u8::is_ascii_uppercase))
    };
    let is_sep = |b: &u8| matches!(b, b'.' | b':' | b'_' | b'$');
    name.iter().filter(|b| b.is_ascii_alphabetic()).count() >= 4
        && name.iter().all(|b| b.is_ascii_alphanumeric() || is_sep(b))
        && name.split(is_sep).filter(|p| !p.is_empty()).all(|part| {
            // Humps start at an upper-case letter after a lower-case letter
            // or a digit, and at the last capital of an acronym before a
            // lower-case letter (`IDToken` → ID|Token).
            let mut start = 0;
            for i in 1..part.len() {
                let up = part[i].is_ascii_uppercase();
                let after_lower = !part[i - 1].is_ascii_uppercase();
                let acronym_end = part[i - 1].is_ascii_uppercase()
                    && part.get(i + 1).is_some_and(u8::is_ascii_lowercase);
                if up && (after_lower || acronym_end) {
                    if !hump_ok(&part[start..i]) {
                        return false;
                    }
                    start = i;
                }
            }
            hump_ok(&part[start..])
        })
}

/// `TEST_DATA_BASE64`, `AES_256_KEY`: a constant's name (upper-case words
/// joined by `_`, digits allowed), not its value.
fn is_constant_name(s: &[u8]) -> bool {
    let mut parts = 0;
    for part in s.split(|&b| b == b'_') {
        if part.is_empty() {
            continue;
        }
        let letters = part.iter().filter(|b| b.is_ascii_uppercase()).count();
        if !part[0].is_ascii_uppercase()
            || !part
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            || letters * 2 < part.len()
        {
            return false;
        }
        parts += 1;
    }
    parts >= 2
}

/// `List[StorageV1TokenRequest]`, `Optional<AuthToken>`, `Dict[str,str]`:
/// a type, as generated API models print them. The outer name is a word
/// of three or more letters; inside are names (digits allowed).
fn is_type_expression(s: &[u8]) -> bool {
    let Some(open) = s.iter().position(|b| matches!(b, b'[' | b'<')) else {
        return false;
    };
    let name = |p: &[u8]| {
        !p.is_empty()
            && (p[0].is_ascii_alphabetic() || p[0] == b'_')
            && p.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
    };
    let outer = &s[..open];
    let inner = &s[open..];
    outer.len() >= 3
        && outer.iter().all(u8::is_ascii_alphabetic)
        && is_identifier(outer)
        && matches!(s.last(), Some(b']' | b'>'))
        && inner
            .split(|b| b"[]<>,. ".contains(b))
            .filter(|p| !p.is_empty())
            .all(|p| {
                let letters: Vec<u8> = p.iter().copied().filter(|b| !b.is_ascii_digit()).collect();
                name(p) && is_identifier(&letters)
            })
}

/// `sdf0o9823sjdfsdf`, `lsdajfh923874`: lower-case letters nearly all from
/// the home row (a-s-d-f-g-h-j-k-l), as people type a stand-in. Random
/// lower-case letters are home-row keys a third of the time.
fn keyboard_mash(s: &[u8]) -> bool {
    if s.iter().any(u8::is_ascii_uppercase) {
        return false;
    }
    let letters = s.iter().filter(|b| b.is_ascii_lowercase()).count();
    let home = s.iter().filter(|b| b"asdfghjkl".contains(b)).count();
    letters >= 6 && home * 100 >= letters * 85
}

/// A password hash in modular crypt format: bcrypt (`$2b$12$…`), argon2
/// (`$argon2id$v=19$…`), sha-crypt (`$5$`, `$6$`), md5-crypt (`$1$`,
/// `$apr1$`), yescrypt (`$y$`), scrypt and PBKDF2 as passlib writes them.
/// What stores it (htpasswd, Argo CD's `admin.password`, a users table)
/// keeps a hash on purpose; it is not the password.
fn is_password_hash(s: &[u8]) -> bool {
    // An htpasswd line: `user:` then the hash.
    if let Some(colon) = memchr::memchr(b':', s) {
        if colon > 0
            && s[..colon]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(b))
        {
            let rest = &s[colon + 1..];
            if rest.first() == Some(&b'$') && memchr::memchr(b':', rest).is_none() {
                return is_password_hash(rest);
            }
        }
    }
    let Some((id, body)) = between(s, b'$') else {
        return false;
    };
    let known = matches!(
        id,
        b"2a" | b"2b" | b"2x" | b"2y" | b"1" | b"5" | b"6" | b"7" | b"y" | b"apr1" | b"scrypt"
    ) || id.starts_with(b"argon2")
        || id.starts_with(b"pbkdf2");
    known
        && body.len() >= 16
        && body.iter().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'$' | b'.' | b'/' | b'+' | b'=' | b',' | b'-')
        })
}

/// `pkcs12.key`, `client-cert.pem`, `secrets.json`: the name of a file that
/// holds the secret, not the secret.
fn is_file_name(s: &[u8]) -> bool {
    const EXTENSIONS: &[&str] = &[
        "key",
        "pem",
        "crt",
        "cer",
        "der",
        "p12",
        "pfx",
        "jks",
        "keystore",
        "pub",
        "gpg",
        "asc",
        "json",
        "yaml",
        "yml",
        "toml",
        "txt",
        "env",
        "conf",
        "cfg",
        "ini",
        "properties",
    ];
    let Some(dot) = memchr::memrchr(b'.', s) else {
        return false;
    };
    let (stem, ext) = (&s[..dot], &s[dot + 1..]);
    !stem.is_empty()
        && stem
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(b))
        && EXTENSIONS
            .iter()
            .any(|e| e.as_bytes().eq_ignore_ascii_case(ext))
}

/// `@scope/name`: an npm package (`require("@isaacs/fs-minipass")`).
fn is_scoped_package(s: &[u8]) -> bool {
    let part = |p: &[u8]| {
        !p.is_empty()
            && p.iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._~".contains(b))
    };
    s.strip_prefix(b"@")
        .and_then(|r| memchr::memchr(b'/', r).map(|i| (&r[..i], &r[i + 1..])))
        .is_some_and(|(scope, name)| part(scope) && part(name))
}

/// Base64 of readable text that is itself a stand-in
/// (`bm90IG15IHJlYWwgcGFzc3dvcmQ=` is "not my real password").
fn encoded_stand_in(s: &[u8]) -> bool {
    if s.len() < 12 || s.len() % 4 != 0 {
        return false;
    }
    let Some(text) = decode_b64(s) else {
        return false;
    };
    if !text.iter().all(|b| (0x20..0x7f).contains(b)) {
        return false;
    }
    let plain = unleet(&text);
    placeholder(&text).is_some()
        || [&b"password"[..], b"passwd", b"secret", b"token"]
            .iter()
            .any(|w| memchr::memmem::find(&plain, w).is_some())
}

/// `"$user:$pass"`, `"${HOST}/${TOKEN}"`: a string built from variables,
/// with nothing of its own but punctuation.
fn only_interpolations(s: &[u8]) -> bool {
    let mut i = 0;
    let mut any = false;
    while i < s.len() {
        if s[i] == b'$' {
            let rest = &s[i + 1..];
            let len = match rest.first() {
                Some(b'{') => memchr::memchr(b'}', rest).map(|e| e + 1),
                Some(b) if b.is_ascii_alphabetic() || *b == b'_' => Some(
                    rest.iter()
                        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                        .unwrap_or(rest.len()),
                ),
                _ => None,
            };
            if let Some(len) = len {
                any = true;
                i += 1 + len;
                continue;
            }
        }
        if s[i].is_ascii_alphanumeric() || s[i] >= 0x80 {
            return false;
        }
        i += 1;
    }
    any
}

/// `$VAR`, `${VAR}`, `%VAR%`, `@var`, `&anchor`, `*alias`, `=expr`: a
/// reference to a value, not a value. A leading symbol followed by random
/// characters (`%VFRYnm!7!^Gls1`, `%SA7v6wAmP_1pdm`) is a value.
fn is_reference(s: &[u8]) -> bool {
    let rest = &s[1..];
    let ident = |r: &[u8]| {
        !r.is_empty()
            && r.iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b':'))
    };
    // Token-replacement templates: `@@NAME@@`, `__NAME__`, `%%NAME%%`, `$NAME$`.
    for fence in [&b"@@"[..], b"__", b"%%", b"$", b"@", b"%"] {
        if let Some(inner) = s.strip_prefix(fence).and_then(|r| r.strip_suffix(fence)) {
            if ident(inner) {
                return true;
            }
        }
    }
    match s[0] {
        b'$' => rest.starts_with(b"{") || rest.starts_with(b"(") || ident(rest),
        // `%APPDATA%`, `%USERPROFILE%\x`, `%(name)s`, `%NAME`; `%` then
        // random mixed characters (`%SA7v6wAmP_1pdm`) is a value.
        b'%' => {
            rest.starts_with(b"(")
                || windows_var_prefix(s)
                || (ident(rest) && !symbol_led_value(rest))
        }
        // `@var`, `&anchor`, `*alias` are names; the same symbol then random
        // mixed characters (`*mzLraTvBDWs3DiW2` in JSON) is a value. Rules
        // over unquoted YAML drop `*x`/`&x` by their own `allow`.
        b'@' | b'&' | b'*' => ident(rest) && !symbol_led_value(rest),
        b'=' => ident(rest),
        _ => false,
    }
}

/// `s` opened by `mark`: what stands before the next `mark`, and what
/// follows it (`%APPDATA%\x` gives `APPDATA` and `\x`).
fn between(s: &[u8], mark: u8) -> Option<(&[u8], &[u8])> {
    let rest = s.strip_prefix(&[mark])?;
    let end = memchr::memchr(mark, rest)?;
    Some((&rest[..end], &rest[end + 1..]))
}

/// A Windows environment variable, alone or starting a path (`%APPDATA%`,
/// `%ProgramFiles(x86)%\App`): `%`, a name, `%`, then nothing, `\` or `/`.
/// Text between two `%` that is not a name (`%Qg3a@n9%o`), or that runs on
/// into more text (`%LqLOBq4d%SOk`), is not one.
fn windows_var_prefix(s: &[u8]) -> bool {
    let Some((name, after)) = between(s, b'%') else {
        return false;
    };
    matches!(after.first(), None | Some(b'\\' | b'/'))
        && !name.is_empty()
        && (name[0].is_ascii_alphabetic() || name[0] == b'_')
        && name
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'(' | b')' | b'.'))
}

/// What follows a leading `#`, `%`, `*`, `@` or `&` reads as a random value rather
/// than a name, colour, tag or template: at least 7 characters of three
/// classes that are not words (`S660OmCe^Bq&z5`, but not `fff`, `a1b2c3`,
/// `TODO`, `Password1`, `!/bin/sh`, `{secret}`).
fn symbol_led_value(rest: &[u8]) -> bool {
    rest.len() >= 7
        && char_classes(rest) >= 3
        && !is_template(rest)
        && !(matches!(rest.len(), 3 | 4 | 6 | 8) && rest.iter().all(u8::is_ascii_hexdigit))
        && !is_words(rest)
}

/// 32 or more hex digits with both digits and letters: a digest or a token.
fn is_hex_token(s: &[u8]) -> bool {
    s.len() >= 32
        && s.iter().all(u8::is_ascii_hexdigit)
        && s.iter().any(u8::is_ascii_digit)
        && s.iter().any(u8::is_ascii_alphabetic)
}

/// Words of a key (any of them, not only the last) that say a hex value
/// is a digest or an identifier: `token_sha_value`, `secretHashHex`,
/// `commit_token`, `password_md5_v2`.
const HASH_KEY_WORDS: &[&str] = &[
    "sha",
    "sha1",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "md5",
    "hash",
    "hashed",
    "digest",
    "checksum",
    "crc",
    "integrity",
    "etag",
    "commit",
    "rev",
    "revision",
    "fingerprint",
    "id",
    "ids",
    "uuid",
    "guid",
    "salt",
    "nonce",
    "iv",
    "signature",
    "sig",
    "thumbprint",
];

fn key_names_a_hash(key: &[u8]) -> bool {
    key.split(|b| !b.is_ascii_alphanumeric())
        .flat_map(humps)
        .map(<[u8]>::to_ascii_lowercase)
        .any(|w| {
            // Digits glued to a word (`sha256`, `md5`) stay; `token2` -> `token`.
            let bare = w
                .iter()
                .rposition(|b| !b.is_ascii_digit())
                .map_or(&w[..0], |i| &w[..=i]);
            HASH_KEY_WORDS
                .iter()
                .any(|h| w == h.as_bytes() || bare == h.as_bytes())
        })
}

fn is_uuid(s: &[u8]) -> bool {
    s.len() == 36
        && s.iter().enumerate().all(|(i, &b)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

/// `snake_case`, `camelCase`, `SCREAMING_CASE`, `dotted.names`, `a::path`,
/// `call()`: code, not a value.
fn is_identifier(s: &[u8]) -> bool {
    if s.ends_with(b"()") || s.ends_with(b")") && s.contains(&b'(') {
        return true;
    }
    let segments: Vec<&[u8]> = s
        .split(|&b| b == b'.' || b == b':' || b == b'/' || b == b'-' || b == b'_')
        .filter(|seg| !seg.is_empty())
        .collect();
    if segments.is_empty() {
        return true;
    }
    segments.iter().all(|seg| {
        // A word: letters only, at most one case change run inside (camelCase humps).
        seg.iter().all(u8::is_ascii_alphabetic) && {
            let humps = seg
                .windows(2)
                .filter(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
                .count();
            let all_upper_or_lower =
                seg.iter().all(u8::is_ascii_uppercase) || seg.iter().all(u8::is_ascii_lowercase);
            all_upper_or_lower
                || (seg[0..1].iter().all(u8::is_ascii_alphabetic)
                    && humps <= 3
                    && !has_random_case(seg))
        }
    }) && s.iter().filter(|b| b.is_ascii_digit()).count() == 0
}

/// Case that flips often looks random (`hXkQpLmZ`), not like camelCase words.
fn has_random_case(seg: &[u8]) -> bool {
    let flips = seg
        .windows(2)
        .filter(|w| w[0].is_ascii_uppercase() != w[1].is_ascii_uppercase())
        .count();
    seg.len() >= 8 && flips * 3 > seg.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_names_the_first_word_of_the_list() {
        // `xxxx` comes first in the value, `example` first in the list.
        assert_eq!(placeholder(b"xxxx-EXAMPLE-key"), Some("example"));
        assert_eq!(placeholder(b"Process.env.TOKEN"), Some("process.env"));
        assert_eq!(placeholder(b"AKIAIOSFODNN7EXAMPLE"), Some("example"));
        // Letters of a word in a random token's mixed case are not the word.
        assert_eq!(placeholder(b"hOSe2WB4ZfAkEmv3TarLR8TC"), None);
        assert_eq!(placeholder(b"hOSe2WB4ZFakemv3TarLR8TC"), Some("fake"));
        assert_eq!(placeholder(b"changeMe123"), Some("changeme"));
        assert_eq!(placeholder(b"MyPlaceHolder"), Some("placeholder"));
        assert_eq!(placeholder(b"aaaaaaaa"), Some("one repeated character"));
        assert_eq!(placeholder(b"q8Zr2LmW5tXv"), None);
    }

    #[test]
    fn crc32_tokens() {
        let random = b"aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1";
        let token = format!(
            "ghp_{}{}",
            std::str::from_utf8(random).unwrap(),
            crc32_checksum(random)
        );
        assert_eq!(Validator::Crc32Base62.check(token.as_bytes(), None), Ok(()));
        let mut bad = token.clone().into_bytes();
        bad[10] = if bad[10] == b'x' { b'y' } else { b'x' };
        assert_eq!(
            Validator::Crc32Base62.check(&bad, None),
            Err(FilterReason::Checksum)
        );
    }

    #[test]
    fn base62_pads() {
        assert_eq!(base62(0, 6), "000000");
        assert_eq!(base62(61, 2), "0z");
        assert_eq!(base62(62, 2), "10");
    }

    #[test]
    fn entropy() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn placeholders() {
        assert!(placeholder(b"AKIAIOSFODNN7EXAMPLE").is_some());
        assert!(placeholder(b"${DB_PASSWORD}").is_some());
        assert!(placeholder(b"{{ .Values.password }}").is_some());
        assert!(placeholder(b"xxxxxxxxxxxx").is_some());
        assert!(placeholder(b"0123456789").is_some());
        assert!(placeholder(b"kX9#mQ2$vL7!").is_none());
    }

    #[test]
    fn generic_values() {
        let ok = |s: &str| Validator::GenericSecret.check(s.as_bytes(), Some(b"password"));
        assert!(ok("kX9#mQ2$vL7!pR4").is_ok());
        assert!(ok("Zq8vN3rT6wY1uB5x").is_ok());
        assert!(ok("get_password()").is_err());
        assert!(ok("config.db.password").is_err());
        assert!(ok("myPasswordValue").is_err());
        assert!(ok("DB_PASSWORD").is_err());
        assert!(ok("123e4567-e89b-12d3-a456-426614174000").is_err());
        assert!(ok("https://example.org/x").is_err());
        assert!(ok("12345678").is_err());
        assert!(ok("$DB_PASSWORD").is_err());
        assert!(ok("%APPDATA%").is_err());
        assert!(ok("&default_password").is_err());
        assert!(ok("%VFRYnm!7!^Gls1").is_ok());
        assert!(ok("@@API_TOKEN@@").is_err());
        assert!(ok("__DB_PASSWORD__").is_err());
        assert!(ok("@9xQ!vT2#pLm").is_ok());
        assert!(Validator::GenericSecret
            .check(
                b"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                Some(b"image_sha256")
            )
            .is_err());
        assert!(Validator::GenericSecret
            .check(b"Zq8vN3rT6wY1uB5x", Some(b"password_length"))
            .is_err());
    }

    #[test]
    fn jwt_structure() {
        // {"alg":"HS256","typ":"JWT"} . {"sub":"1"} . sig
        let t = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        assert_eq!(Validator::Jwt.check(t, None), Ok(()));
        assert!(Validator::Jwt
            .check(b"eyJub3QiOiJqd3QifQ.eyJ9.x", None)
            .is_err());
    }

    #[test]
    fn upper_lower_digit() {
        let v = Validator::UpperLowerDigit;
        assert!(v.check(b"wJ7kQ2pL9xZ3", None).is_ok());
        assert!(v
            .check(b"3f786850e387550fdab836ed7e6dc881de23001b", None)
            .is_err());
        assert!(v
            .check(b"src/main/java/com/acme/widgets/Widget", None)
            .is_err());
    }

    #[test]
    fn uri_passwords() {
        let v = Validator::UriPassword;
        assert!(v.check(b"s3cr3tP4ss", Some(b"app")).is_ok());
        assert!(v.check(b"%40bc9Kz", Some(b"app")).is_ok());
        assert!(v.check(b"password", Some(b"app")).is_err());
        assert!(v.check(b"$DB_PASS", Some(b"app")).is_err());
        assert!(v.check(b"%DB_PASS%", None).is_err());
        assert!(v.check(b"guest", Some(b"guest")).is_err());
        assert!(v.check(b"rabbit", Some(b"Rabbit")).is_err());
        assert!(v.check(b"${PW}", None).is_err());
        assert!(v.check(b"p4ssw0rd", Some(b"john")).is_err());
        assert!(v.check(b"pass1", Some(b"log1")).is_err());
        assert!(v.check(b"{auth_token}", None).is_err());
    }

    #[test]
    fn strict_generic_values() {
        let ok = |s: &str, k: &str| {
            Validator::GenericSecretStrict.check(s.as_bytes(), Some(k.as_bytes()))
        };
        assert!(ok("kX9#mQ2$vL7!pR4", "password").is_ok());
        assert!(ok("Zq8vN3rT6wY1uB5x", "apiKey").is_ok());
        assert!(ok("hXkQpLmZwRtY7", "token").is_ok());
        assert!(ok("NextPageToken", "output_token").is_err());
        assert!(ok("CloudFrontOriginAccessIdentityList.NextMarker", "token").is_err());
        assert!(ok("oauth2.credentials", "credentials").is_err());
        assert!(ok("ACCESS_TOKEN_1", "subject_token").is_err());
        assert!(ok("Password01", "password").is_err());
        assert!(ok("P@ssw0rd123!", "password").is_err());
        assert!(ok("{__relative_name__}", "secret").is_err());
        assert!(ok(
            "arn:aws:kms:us-west-2:123456789012:alias/x",
            "encryptionKey"
        )
        .is_err());
        assert!(ok("q5GwEl5bMGjKq6YmhpDLJ7hEwyWU54jJ", "nextToken").is_err());
        assert!(ok("Zq8vN3rT6wY1uB5x", "passwordHash").is_err());
        assert!(ok("Zq8vN3rT6wY1uB5x", "secret_arn").is_err());
        assert!(ok("V1ServiceAccountTokenProjection", "token").is_err());
        assert!(ok("oauth2client.client.OAuth2Credentials.", "credentials").is_err());
        assert!(ok("k4t7wz2qlm5xnv3bpyr6", "token").is_ok());
        assert!(ok("Zq8vN3rT6wY1uB5x", "token_public_key").is_err());
    }

    #[test]
    fn strict_values_led_by_a_symbol() {
        let ok = |s: &str, k: &str| {
            Validator::GenericSecretStrict.check(s.as_bytes(), Some(k.as_bytes()))
        };
        // `#` then random mixed characters: a password.
        assert!(ok("#wq2cADDiB4Jwf#oVpYKPXz&0iY", "SMTP_PASSWORD").is_ok());
        assert!(ok("#h+a*Q!MW%j4e?Q1", "DB_PASSWORD").is_ok());
        // Colours, anchors, tags, interpolation, shebangs: not.
        assert!(ok("#ff4d4fcc", "passwordStrengthWeak").is_err());
        assert!(ok("#a1b2c3d4e5", "token").is_err());
        assert!(ok("#TODO_SET_ME", "password").is_err());
        assert!(ok("#Section2Header", "secret_anchor").is_err());
        assert!(ok("#{secret_value}", "token").is_err());
        assert!(ok("#!/bin/bash", "secret").is_err());
        // `%` then random characters is a value; `%VAR%`, `%VAR`, `%(x)s`,
        // `%VAR%\path` are references.
        assert!(ok("%SA7v6wAmP_1pdm", "password").is_ok());
        assert!(ok("%LqLOBqlp4d%SOk", "password").is_ok());
        assert!(ok("%APPDATA%", "password").is_err());
        assert!(ok("%USERPROFILE%\\.secrets\\app", "secret").is_err());
        assert!(ok("%ProgramFiles(x86)%/App/token", "token").is_err());
        assert!(ok("%DB_PASSWORD", "password").is_err());
        assert!(ok("%(password)s", "password").is_err());
        // `*alias`, `&anchor`, `@param` are names; random characters after
        // the symbol are a value (quoted JSON `"*mzLr..."`; unquoted YAML
        // aliases are dropped by the unquoted rule's `allow`).
        assert!(ok("*db_password_alias", "password").is_err());
        assert!(ok("&default_password", "password").is_err());
        assert!(ok("@AuthTokenParam", "token").is_err());
        assert!(ok("*mzLraTvBDWs3DiW2", "secret_key").is_ok());
        assert!(ok("&YmQPt4hDRuQJ7n", "db_password").is_ok());
    }

    /// Regression (hunt 2): a Django key holding `%(` was dropped as a
    /// Python format string (and, in a `.env` file, never matched: the
    /// unquoted rule stopped at `(`). Values computed by a call, which the
    /// rule's parentheses now let through, are still dropped.
    #[test]
    fn percent_paren_in_a_key_is_not_a_format_string_calls_are_dropped() {
        for call in [
            &b"getpass.getpass()"[..],
            b"os.urandom(24)",
            b"hashlib.sha256(seed).hexdigest()",
            b"$(./scripts/get-token.sh)",
        ] {
            assert!(
                generic_secret(call, Some(b"secret_key")).is_err(),
                "{call:?}"
            );
        }
        for secret in [
            &b"django-insecure-t3^k9%(2#-qwz&8vbn5mx71w--*@_%4hj6&_p-)lre8s%fd"[..],
            b"Qm7(xT2vR9)pL4",
        ] {
            assert!(
                generic_secret(secret, Some(b"SECRET_KEY")).is_ok(),
                "{secret:?}"
            );
        }
    }

    #[test]
    fn illustrations_seen_in_real_manuals() {
        // Alphabet runs with a few changes (AWS CLI examples), long enough
        // that random values almost never look like them.
        let alpha = b"AB1C2defGHijkLMNo3PqQRstUvwxyzaBCDEfghh4ijklMN5opqrStuVWxyzAbCDEfghIJ";
        assert_eq!(placeholder(alpha), Some("a sequence"));
        let hexish = b"a123b45c6d78e9f012a34cd5e6a7890b12c3d45e6f78a1b234c56d7e890a1234";
        assert_eq!(placeholder(hexish), Some("a sequence"));
        assert_eq!(
            placeholder(b"f798ab4899346a88599180fee9e14fa1ada7b6df989425b7c6d2146dd6c815bb"),
            None
        );
        assert_eq!(placeholder(b"Qx7vR2mXc9LpT4kW8zNbHs5J"), None);
        // RFC 6749's tokens.
        assert!(placeholder(b"2YotnFZFEjr1zCsicMWpAA").is_some());
        assert!(generic_secret(b"tGzv3JOkF0XG5Qx2TlKWIA", Some(b"refresh_token")).is_err());
        // Strings built from variables, and re-exported names.
        assert!(generic_secret(b"$user:$pass", Some(b"userpass")).is_err());
        assert!(generic_secret(b"${DB_USER}/${DB_PASS}", Some(b"dsn_password")).is_err());
        assert!(generic_secret(b"Qx7vR2mX/$user", Some(b"userpass")).is_ok());
        assert!(generic_secret(
            b"rust_openssl.hpke.MLKEM768X25519PrivateKey",
            Some(b"MLKEM768X25519PrivateKey")
        )
        .is_err());
        assert!(generic_secret(b"-anonymous@", Some(b"pass")).is_err());
        // Types, constants, home-row mashing, truncation (SDK docs and tests).
        assert!(generic_secret(b"List[StorageV1TokenRequest]", Some(b"token_requests")).is_err());
        assert!(generic_secret(b"Optional<AuthToken>", Some(b"token")).is_err());
        assert!(generic_secret(b"Tq7v[R2mXc]", Some(b"token")).is_ok());
        assert!(generic_secret(b"TEST_DATA_BASE64", Some(b"token")).is_err());
        assert!(generic_secret(b"K9XQ_7ZPV_2MWL", Some(b"token")).is_ok());
        for mash in [
            &b"sdf0o9823sjdfsdf"[..],
            b"lsdajfh923874",
            b"2kjshdfp92i34asdasd",
            b"h480djs93hd8",
        ] {
            assert!(generic_secret(mash, Some(b"oauth_token")).is_err());
        }
        assert!(generic_secret(b"q8vr2lmzx7tw4pkn", Some(b"token")).is_ok());
        assert!(generic_secret(
            b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
            Some(b"verify_token")
        )
        .is_err());
        assert!(Validator::UriPassword
            .check(b"a%20secret", Some(b"jo%40email.com"))
            .is_err());
        // Minified code and bundles.
        assert!(generic_secret(b"+e.accessKeyId+", Some(b"Credential")).is_err());
        assert!(generic_secret(b",DuplicateBinding:", Some(b"token")).is_err());
        assert!(generic_secret(
            b"+oaFsNk7tLco+C/obP9GhhcOzGcKOayTmE3LnAmAmH4=",
            Some(b"ServicePassword")
        )
        .is_ok());
        assert!(generic_secret(b"Zq8vN3rT6wY1uB5x", Some(b"chunkGroupAsset")).is_err());
        for key in [
            &b"dbPassword"[..],
            b"getAssetToken",
            b"APIKEY",
            b"x_api_key",
            b"ApiKey",
            b"compassSecret",
        ] {
            assert!(
                generic_secret(b"Zq8vN3rT6wY1uB5x", Some(key)).is_ok(),
                "{}",
                String::from_utf8_lossy(key)
            );
        }
        assert_eq!(
            placeholder(b"ghp_PersonalAccessToken01245678900000000"),
            Some("a run of one repeated character")
        );
        // Lab-guide passwords, typed runs, ARM expressions (Ansible docs).
        for v in [
            &b"Cisco#123"[..],
            b"Lablab@1234",
            b"Test@123",
            b"Esxi@123$%",
            b"tokenabc1234567890",
        ] {
            assert!(
                typed_stand_in(v).is_some(),
                "{}",
                String::from_utf8_lossy(v)
            );
            assert!(generic_secret(v, Some(b"password")).is_err());
        }
        for v in [
            &b"Cisco#7294"[..],
            b"Lablab@132",
            b"Qx7vR2mXc9Lp@123x",
            b"hunter22x",
        ] {
            assert!(
                typed_stand_in(v).is_none(),
                "{}",
                String::from_utf8_lossy(v)
            );
        }
        assert!(Validator::UriPassword
            .check(b"Cisco%23123", Some(b"admin"))
            .is_err());
        assert!(generic_secret(b"[parameters('adminPassword')]", Some(b"adminPassword")).is_err());
        assert!(generic_secret(b"pkcs12.key", Some(b"private_key")).is_err());
        for call in [
            &b"self._get_authorization_token("[..],
            b"os.path.expanduser(",
            b"Credentials(key,",
            b"crate::config::cache::access::trusted_file_path(",
            b"ObjectStoreAccessKeyPost(",
            b"self.conn.auth_token)",
            b"request.resource_owner_key):",
            b"Base64Encoder(",
            b"CFStringRef.in_dll(",
            b"self.client.oauth.v2.token.create(",
            b"netapp_utils.zapi.NaElement.create_node_with_children(",
            b"compute_engine.IDTokenCredentials(",
            b"x_auth_token)",
            b"OAuthAuthorizer(",
        ] {
            assert!(
                generic_secret(call, Some(b"token")).is_err(),
                "{}",
                String::from_utf8_lossy(call)
            );
        }
        assert!(generic_secret(b"Qx7vR2.mXc9Lp", Some(b"private_key")).is_ok());
        assert!(generic_secret(
            b"test:$2y$05$zgjczyp96jCIp//CGmnWiefhd7G3l54IdsZoV4IwA1UWtd04L0lE2",
            Some(b"htpasswd")
        )
        .is_err());
        assert!(Validator::UriPassword
            .check(b"SAS_KEY", Some(b"SAS_POLICY_NAME"))
            .is_err());
        // Password hashes are kept on purpose (htpasswd, Argo CD).
        for hash in [
            &b"$2a$10$mivhwttXM0U5eBrZGtAG8.VSRL1l9cZNAmaSaqotIzXRBRwID1NT."[..],
            b"$argon2id$v=19$m=65536,t=3,p=4$C29tZXNhbHQ$eW91bGxORXZlckd1ZXNz",
            b"$6$rounds=5000$saltsalt$Zk3N9yJ0pQ2m8vX4bR7cT1wL5hF6gD3sA9eK0uY2iO8nM7lP4qW1zX5cV6bN3mQ8rT2yU7iO0pA4sD9fG1hJ.",
        ] {
            assert!(generic_secret(hash, Some(b"password")).is_err());
        }
        assert!(generic_secret(b"$2b$Qx7vR2mXc9Lp", Some(b"password")).is_ok());
        // URL and netrc passwords: illustrations out, real ones in.
        uri_verdicts(
            false,
            &[
                (b"xyz", b"abc"),
                (b"123", b"abc"),
                (b"smith", b"john"),
                (b"proxypass", b"proxyuser"),
                (b"xyzzy", b"jschmoe"),
                (b"pass%20word", b"user"),
                (b"p%40ss%3Aword", b"user"),
                (b"opensesame", b"Aladdin"),
                (b"user@site", b"anonymous"),
            ],
        );
        uri_verdicts(
            true,
            &[
                (b"kulgrej7", b"app"),
                (b"s3cr3tP4ss", b"app"),
                (b"Tq7vR2mXc9Lp", b"app"),
                (b"%40bc9Kz", b"app"),
                (b"hunter22x", b"app"),
            ],
        );
    }

    /// Each (password, user) pair gets the `uri-password` verdict `ok`.
    fn uri_verdicts(ok: bool, cases: &[(&[u8], &[u8])]) {
        for (pw, user) in cases {
            let got = Validator::UriPassword.check(pw, Some(user)).is_ok();
            assert_eq!(got, ok, "{}", String::from_utf8_lossy(pw));
        }
    }

    #[test]
    fn documentation_jwts() {
        let tok = |payload: &str| {
            let b = |s: &str| {
                use base64::Engine;
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
            };
            format!(
                "{}.{}.c2lnbmF0dXJlc2lnbmF0dXJl",
                b(r#"{"alg":"HS256","typ":"JWT"}"#),
                b(payload)
            )
        };
        let jwt_io = tok(r#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#);
        assert!(matches!(
            jwt(jwt_io.as_bytes()),
            Err(FilterReason::Placeholder(_))
        ));
        assert!(jwt(tok(r#"{"some":"payload"}"#).as_bytes()).is_err());
        assert!(jwt(tok(r#"{"sub":"1234567890","iat":1516239022}"#).as_bytes()).is_err());
        assert!(
            jwt(tok(r#"{"sub":"svc-billing","iat":1716239022,"exp":1916239022}"#).as_bytes())
                .is_ok()
        );
    }

    #[test]
    fn uri_passwords_led_by_a_symbol() {
        let v = Validator::UriPassword;
        assert!(v.check(b"#S660OmCe^Bq&z5", Some(b"app")).is_ok());
        assert!(v.check(b"*r%IR0%3xs3*1FbyPk~Jy", Some(b"rep")).is_ok());
        assert!(v.check(b"#TODO", Some(b"app")).is_err());
        assert!(v.check(b"#ffffff", Some(b"app")).is_err());
        assert!(v.check(b"*nexus_password", Some(b"app")).is_err());
        assert!(v.check(b"@Q*MgO5mbFLo?5!p", Some(b"app")).is_ok());
        assert!(v.check(b"@NexusPassword", Some(b"app")).is_err());
        assert!(v.check(b"%NEXUS_PASSWORD%", Some(b"app")).is_err());
        assert!(v.check(b"%NEXUS_PASSWORD", Some(b"app")).is_err());
        assert!(v.check(b"$NEXUS_PASSWORD", Some(b"app")).is_err());
    }

    /// Regression (hunt D6): in `https://$GITHUB_TOKEN:x-oauth-basic@` the
    /// token is the variable user; the password is GitHub's fixed filler.
    #[test]
    fn uri_passwords_after_a_token_user() {
        uri_verdicts(
            false,
            &[
                (b"x-oauth-basic", b"$GITHUB_TOKEN"),
                (b"x-oauth-basic", b"ghuser"),
                (b"X-OAuth-Basic", b"$TOKEN"),
                (b"x-access-token", b"$GH_TOKEN"),
                (b"x-token-auth", b"$BITBUCKET_TOKEN"),
                (b"basic", b"$API_TOKEN"),
                (b"whatever", b"%GH_TOKEN%"),
            ],
        );
        // A password that looks like one is still one, whoever the user is.
        uri_verdicts(
            true,
            &[(b"Tq7vR2mXc9Lp", b"$DB_USER"), (b"kulgrej7", b"deploy")],
        );
    }

    #[test]
    fn hex_tokens_under_secret_keys() {
        let ok = |s: &str, k: &str| {
            Validator::GenericSecretStrict.check(s.as_bytes(), Some(k.as_bytes()))
        };
        // 32-hex of entropy 3.25 (below the base62 bar of 3.5) and 32-hex
        // that spells `fcfeac`, `edc` (once taken for words).
        assert!(ok("b277fcc7fb1c7a55818d5bc911d91c51", "AuthToken").is_ok());
        assert!(ok("89a1739a5edc0e3234fcfeac8fbbc605", "AuthToken").is_ok());
        assert!(ok("959bc8e3e4f597c9b147374c574619f1", "AUTH_TOKEN").is_ok());
        assert!(ok("f2bc636c9c6ed7056c15923663c014c2", "twilioAuthToken").is_ok());
        // Digests and ids by their key, wherever the word sits in it.
        for key in [
            "token_sha",
            "tokenHashHex",
            "commitToken",
            "GIT_COMMIT_TOKEN",
            "secret_md5_v2",
            "integrityToken",
            "TokenSigningCertThumbprint",
            "ApiKeyId",
            "password_salt",
        ] {
            assert!(
                ok("b277fcc7fb1c7a55818d5bc911d91c51", key).is_err(),
                "{key}"
            );
        }
        // Hex below the hex bar (repeated patterns).
        assert!(ok("deadbeefdeadbeefdeadbeefdeadbeef", "token").is_err());
        assert!(ok("0a0b0a0b0a0b0a0b0a0b0a0b0a0b0a0b", "token").is_err());
        // Without a key the hex bar does not apply.
        assert!(Validator::GenericSecret
            .check(b"b277fcc7fb1c7a55818d5bc911d91c51", None)
            .is_err());
    }

    #[test]
    fn random_letters_are_not_words() {
        let ok = |s: &str, k: &str| {
            Validator::GenericSecretStrict.check(s.as_bytes(), Some(k.as_bytes()))
        };
        assert!(ok("gccjFDNoxVAQaaEFDmKM4Pv", "apiSecret").is_ok());
        assert!(ok("B_xbQFzmdgfU0k96", "secretKey").is_ok());
        assert!(ok("mg4W48MSBGpemp-7HZ", "passwd").is_ok());
        // Still words or code.
        assert!(ok("OPpASSIGN_COMMON_RC1", "OPpASSIGN_COMMON_SCALAR").is_err());
        assert!(ok("utf8mb4_unicode_ci", "password").is_err());
        assert!(ok("HTTPServerError2", "token").is_err());
        assert!(ok("apps.v1beta1.Deployment", "token").is_err());
        assert!(ok("getIOAndDBConfig2", "token").is_err());
        assert!(ok("StrengthChecker3", "password").is_err());
    }

    #[test]
    fn strict_basic_auth() {
        let v = Validator::Base64UserPassStrict;
        // deploy:Tq7vR2mXc9Lp
        assert!(v.check(b"ZGVwbG95OlRxN3ZSMm1YYzlMcA==", None).is_ok());
        // foo:bar, user:pass, username:password
        assert!(v.check(b"Zm9vOmJhcg==", None).is_err());
        assert!(v.check(b"dXNlcjpwYXNz", None).is_err());
        assert!(v.check(b"dXNlcm5hbWU6cGFzc3dvcmQ=", None).is_err());
    }

    #[test]
    fn docker_auth() {
        // "user:s3cr3tPassw0rd"
        assert!(Validator::Base64UserPass
            .check(b"dXNlcjpzM2NyM3RQYXNzdzByZA==", None)
            .is_ok());
        // "user:" (no password)
        assert!(Validator::Base64UserPass.check(b"dXNlcjo=", None).is_err());
    }
}
