//! Generic values: is the text under a secret-named key a credential?
//!
//! Leak rules that recognise a credential by *where* it is written rather
//! than by a vendor format (an assignment to `password`, an
//! `Authorization` header, a URL's password) capture a value that may be
//! anything: a real secret, a placeholder, a reference to a variable, a
//! path, code. This module is the one place that judges such values, for
//! the leak rules and the Kubernetes checks alike:
//!
//! - [`values`]: what is not a value at all (placeholders, references,
//!   templates, paths, numbers, code, hashes) — these are dropped;
//! - [`lexicon`]: the one vocabulary of key names (what names a secret, a
//!   password, a salt; what names a setting);
//! - [`shape`]: how random a value is — length-aware entropy and a
//!   character-trigram model of identifiers and English built from this
//!   repository's own text at build time — which decides the confidence
//!   of what is left.
//!
//! The format validators (checksums, JWT, base64) stay in
//! [`crate::validate`].

pub mod lexicon;
pub mod shape;
pub mod values;

use credlint_core::Confidence;

use crate::validate::FilterReason;
use lexicon::KeyKind;
use shape::Randomness;
use values::*;

/// Longest generic value judged: longer runs are minified code or data,
/// not a credential someone typed (long vendor tokens have rules).
const MAX_LEN: usize = 4096;

/// Judge a value captured under a secret-named key (`key`, when the rule
/// captured it): `Err` when it is not a credential at all (a placeholder,
/// a reference, code, a path, a setting's value), else how sure we are
/// that it is one. `strict` adds the judgements of `generic-secret-strict`
/// (for rules whose key is free-form: templates, resource names, stand-ins
/// built on "password").
///
/// The confidence follows the key's kind and the value's randomness
/// ([`shape::randomness`]):
///
/// | key names | random | human-chosen | words |
/// |---|---|---|---|
/// | a key, token or secret | medium (high at 32+ characters of three classes or 40+ hex) | low | not reported |
/// | a password | medium (high at 16+ characters of three classes) | medium at 8+ characters of three classes, else low | low |
/// | a salt, seed or nonce | medium | low | not reported |
///
/// A UUID is `low` under any name (many vendors use UUIDs as keys, more as
/// ids).
pub fn judge(secret: &[u8], key: Option<&[u8]>, strict: bool) -> Result<Confidence, FilterReason> {
    let kind = key.map(lexicon::key_kind).unwrap_or(KeyKind::Secret);
    // Length first: it is the cheapest judgement and drops the most.
    long_enough(secret.len(), kind)?;
    key_names_a_secret(key, strict)?;
    not_a_value(secret, key, kind, strict)?;
    if is_snake_identifier(secret) {
        return Err(FilterReason::Format("an identifier"));
    }
    if is_relative_path(secret) {
        return Err(FilterReason::Format("a path"));
    }
    // A sentence's full stop or comma after a word (`--ask-password
    // simultaneously.`) is not part of what is judged.
    let core = {
        let end = secret.len()
            - secret
                .iter()
                .rev()
                .take_while(|b| matches!(b, b'.' | b','))
                .count();
        &secret[..end.max(1)]
    };
    let core_shape = shape::measure(core);
    let randomness = shape::randomness_of(core, &core_shape);
    // `PASS: test-name`: a test log's status line (DejaGnu, TAP, make
    // check), whatever the test is called.
    if key.is_some_and(|k| matches!(k.trim_ascii(), b"PASS" | b"XPASS" | b"FAIL" | b"XFAIL")) {
        return Err(FilterReason::Format("a test log's status line"));
    }
    // The value's own shape (its classes count a trailing full stop).
    let s = if core.len() == secret.len() {
        core_shape
    } else {
        shape::measure(secret)
    };
    let n = secret.len();
    if is_uuid(secret) {
        return Ok(Confidence::Low);
    }
    // Names and words: `NextPageToken`, `oauth2.credentials`, `db-secret`.
    let named = is_identifier(secret) || is_constant_name(secret) || is_words(secret);
    if keyboard_mash(secret) {
        return Err(FilterReason::Placeholder("keys typed along the home row"));
    }
    // `Cisco#123`, `abc12345`: typed by hand for a manual or a test. Under
    // a password name still a weak hard-coded password, at low confidence.
    if let Some(why) = typed_stand_in(secret) {
        return match kind {
            KeyKind::Password => Ok(Confidence::Low),
            _ => Err(FilterReason::Placeholder(why)),
        };
    }
    if randomness != Randomness::Random {
        if is_type_expression(secret) || is_call(secret) {
            return Err(FilterReason::Format("a type name or a call"));
        }
        if is_constant_name(secret) {
            return Err(FilterReason::Format("a constant's name"));
        }
        // `a.b`, `x-y-z`, `camelCaseWords`: a name, whatever the key says.
        let joined = secret
            .iter()
            .any(|b| matches!(b, b'.' | b'-' | b'_' | b'/' | b':'))
            || secret
                .windows(2)
                .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
        if named && (joined || kind != KeyKind::Password) {
            return Err(FilterReason::Format("words or a code reference"));
        }
    }
    let hex = n >= 32 && secret.iter().all(u8::is_ascii_hexdigit);
    if kind == KeyKind::Key {
        // Only a random value, of a secret's length, under a name that is
        // not a database or cache key.
        if key.is_some_and(lexicon::names_a_non_secret_key) {
            return Err(FilterReason::Format("key names a non-secret key"));
        }
        if randomness != Randomness::Random || n < 16 {
            return Err(FilterReason::Format(
                "not random enough for a key of that name",
            ));
        }
        if secret.iter().all(u8::is_ascii_hexdigit) && key.is_some_and(key_names_a_hash) {
            return Err(FilterReason::Format("a hash or an id (the key says so)"));
        }
        return Ok(
            if secret.iter().all(u8::is_ascii_hexdigit) || s.classes < 2 {
                Confidence::Low
            } else {
                Confidence::Medium
            },
        );
    }
    if hex && key.is_some_and(key_names_a_hash) {
        return Err(FilterReason::Format("a hash or an id (the key says so)"));
    }
    // A nonce is a public challenge more often than a secret (HTTP
    // Digest, OAuth 1): reported, at low confidence.
    if key.is_some_and(|k| lexicon::last_word(k) == b"nonce") {
        return Ok(Confidence::Low);
    }
    Ok(match (kind, randomness) {
        (_, Randomness::Random) if (n >= 32 && s.classes >= 3) || (hex && n >= 40) => {
            Confidence::High
        }
        (KeyKind::Password, Randomness::Random) if n >= 16 && s.classes >= 3 => Confidence::High,
        (_, Randomness::Random) => Confidence::Medium,
        (KeyKind::Password, Randomness::Human) if n >= 8 && s.classes >= 3 => Confidence::Medium,
        // A short plain word (`always`, `inline`) under a password name is
        // a setting or an enum as often as a password.
        (KeyKind::Password, _) if n < 8 && s.classes <= 1 && s.letters == n => {
            return Err(FilterReason::Format("a short word"));
        }
        (KeyKind::Password, _) => Confidence::Low,
        (_, Randomness::Human) => Confidence::Low,
        (_, Randomness::Wordy) => {
            return Err(FilterReason::Format("words, not a generated secret"));
        }
    })
}

/// The key-level judgement: a key whose secret word is only letters across
/// a camelCase join, or whose last word names a setting about a secret
/// (`password_length`, `token_url`, `secret_arn`, `*public*`).
fn key_names_a_secret(key: Option<&[u8]>, strict: bool) -> Result<(), FilterReason> {
    let Some(key) = key else { return Ok(()) };
    if !names_a_secret_as_words(key) {
        return Err(FilterReason::Format(
            "the key's secret word is only letters across a camelCase join",
        ));
    }
    let lower = key.to_ascii_lowercase();
    let lower = lower.trim_ascii_end();
    for suffix in NON_SECRET_KEY_SUFFIXES {
        if lower.ends_with(suffix.as_bytes()) {
            let before = lower.len() - suffix.len();
            if before == 0 || matches!(lower[before - 1], b'_' | b'-' | b'.') {
                return Err(FilterReason::Format("key names a setting, not a secret"));
            }
        }
    }
    if strict {
        let last = last_key_word(key);
        let whole = lexicon::folded(key);
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
    Ok(())
}

/// A password may be short; a generated key or token is not; a bare
/// `…_KEY` value must be a secret's length to count.
fn long_enough(n: usize, kind: KeyKind) -> Result<(), FilterReason> {
    let (min, why) = match kind {
        KeyKind::Password => (3, "shorter than 3 characters"),
        KeyKind::Key => (16, "shorter than 16 characters"),
        _ => (8, "shorter than 8 characters"),
    };
    if n < min {
        return Err(FilterReason::Format(why));
    }
    if n > MAX_LEN {
        return Err(FilterReason::Format("longer than 4096 characters"));
    }
    Ok(())
}

/// What is not a value at all, whatever the key: placeholders, references,
/// templates, URLs, paths, numbers, booleans, file and package names,
/// calls, password hashes.
fn not_a_value(
    secret: &[u8],
    key: Option<&[u8]>,
    kind: KeyKind,
    strict: bool,
) -> Result<(), FilterReason> {
    let n = secret.len();
    if is_code_between_strings(secret) {
        return Err(FilterReason::Format("code between two string literals"));
    }
    if let Some(why) = placeholder(secret) {
        return Err(FilterReason::Placeholder(why));
    }
    let lower = secret.to_ascii_lowercase();
    const KEYWORDS: &[&[u8]] = &[
        b"true",
        b"false",
        b"null",
        b"nil",
        b"none",
        b"undefined",
        b"yes",
        b"no",
        b"on",
        b"off",
        b"password",
        b"passwd",
        b"secret",
        b"token",
        b"string",
        b"str",
        b"required",
        b"optional",
        b"empty",
        b"hidden",
        b"redacted",
        b"filtered",
        b"masked",
        b"sensitive",
        b"string.empty",
    ];
    if KEYWORDS.contains(&lower.as_slice()) {
        return Err(FilterReason::Placeholder("a keyword"));
    }
    // Redaction markers: `[FILTERED]`, `***`, `<hidden>`.
    if secret
        .iter()
        .all(|b| matches!(b, b'*' | b'#' | b'.' | b'-' | b'x' | b'X'))
        || lower.starts_with(b"[filtered")
        || lower.starts_with(b"[redacted")
    {
        return Err(FilterReason::Placeholder("a redaction marker"));
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
    // `X25519PrivateKey = backend.hpke.X25519PrivateKey`: a re-export.
    if let Some(k) = key.map(<[u8]>::trim_ascii).filter(|k| !k.is_empty()) {
        if n > k.len() && secret.ends_with(k) && secret[n - k.len() - 1] == b'.' {
            return Err(FilterReason::Placeholder("a reference"));
        }
    }
    // `0x7EC2DBB6F4DBF434`: a number written in hex (a key id, a flag).
    if secret.len() > 2
        && secret[..2].eq_ignore_ascii_case(b"0x")
        && secret[2..].iter().all(u8::is_ascii_hexdigit)
    {
        return Err(FilterReason::Format("a hex number"));
    }
    let numeric = secret
        .iter()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_'));
    if numeric && !(kind == KeyKind::Password && n >= 6 && secret.iter().all(u8::is_ascii_digit)) {
        return Err(FilterReason::Format("a number"));
    }
    if is_password_hash(secret) {
        return Err(FilterReason::Format("a password hash, not a password"));
    }
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
    if strict {
        if is_template(secret) {
            return Err(FilterReason::Placeholder("a template"));
        }
        for prefix in [&b"arn:"[..], b"projects/", b"sha256:", b"sha1:", b"sha512-"] {
            if lower.starts_with(prefix) {
                return Err(FilterReason::Format("a resource name or digest reference"));
            }
        }
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
            b"strongpass",
            b"mypass",
            b"testpass",
        ] {
            if memchr::memmem::find(&plain, word).is_some()
                && shape::randomness(secret) != Randomness::Random
            {
                return Err(FilterReason::Placeholder("a stand-in value"));
            }
        }
        if lower.starts_with(b"your") || lower.starts_with(b"my_") || lower.starts_with(b"my-") {
            return Err(FilterReason::Placeholder("a stand-in value"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(v: &str, k: &str) -> Option<Confidence> {
        judge(v.as_bytes(), Some(k.as_bytes()), true).ok()
    }

    #[test]
    fn levels_follow_the_key_and_the_randomness() {
        assert_eq!(
            level("kX9#mQ2$vL7!pR4w", "DB_PASSWORD"),
            Some(Confidence::High)
        );
        assert_eq!(
            level("Zq8vN3rT6wY1uB5xK2mP", "api_key"),
            Some(Confidence::Medium)
        );
        assert_eq!(
            level("koqwb1gx1s8c4du3761znpq70cv62m", "token"),
            Some(Confidence::Medium)
        );
        assert_eq!(
            level("Summer2019!", "domainPassword"),
            Some(Confidence::Medium)
        );
        assert_eq!(level("admin1", "password"), Some(Confidence::Low));
        assert_eq!(
            level("b277fcc7fb1c7a55818d5bc911d91c51", "password_salt"),
            Some(Confidence::Medium)
        );
        assert_eq!(
            level("0b6e7f94-5a1c-4c5e-9f51-2f0c5d1e8a7b", "secret_key"),
            Some(Confidence::Low)
        );
    }

    #[test]
    fn logs_paths_and_names_are_not_values() {
        for (v, k) in [
            ("binutils-all/x86-64/ibt-x32", "PASS"),
            ("gas/i386/avx512f", "FAIL"),
            ("config/secrets/prod.yml", "secret_file"),
            ("NextPageToken", "token"),
            ("libvirt_lxc_noseclabel", "key"),
            ("[FILTERED]", "password"),
            ("always", "update_password"),
        ] {
            assert_eq!(level(v, k), None, "{v} under {k}");
        }
        assert_eq!(level("libpr26580-1.so", "PASS"), None);
        assert_eq!(level("0x7EC2DBB6F4DBF434", "GnuPG key"), None);
        assert_ne!(
            level("simultaneously.", "ask-password"),
            Some(Confidence::Medium)
        );
    }
}
