//! Format validators and the shared post-filters (entropy, placeholders).
//!
//! A validator answers "is this candidate really of the rule's format?" from
//! the candidate alone (checksums, decodable structure). A candidate that
//! fails is dropped with a [`FilterReason`] that `--show-filtered` prints.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use credlint_core::Confidence;

#[allow(unused_imports)]
use crate::generic::values::*;
pub use crate::generic::values::{placeholder, shannon_entropy};

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
    /// Judged `low` where only `medium` and `high` are kept.
    LowConfidence,
    /// A vendor rule recognised the value's format and its validator
    /// rejected it: a generic rule does not report it again.
    RejectedBy(String, Box<FilterReason>),
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
            FilterReason::LowConfidence => f.write_str("low confidence"),
            FilterReason::RejectedBy(by, why) => write!(f, "`{by}` rejected this value ({why})"),
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
    /// A value judged only `low` by a value-judging validator fails here
    /// (callers without a confidence of their own see what the default
    /// view shows); see [`Validator::judge`].
    pub fn check(self, secret: &[u8], key: Option<&[u8]>) -> Result<(), FilterReason> {
        match self.judge(secret, key)? {
            Some(Confidence::Low) => Err(FilterReason::LowConfidence),
            _ => Ok(()),
        }
    }

    /// Check `secret` and, for the validators that judge a value rather
    /// than a format (`generic-secret*`, `uri-password`,
    /// `base64-user-pass-strict`), say how sure the value makes us.
    pub fn judge(
        self,
        secret: &[u8],
        key: Option<&[u8]>,
    ) -> Result<Option<Confidence>, FilterReason> {
        match self {
            Validator::GenericSecret => crate::generic::judge(secret, key, false).map(Some),
            Validator::GenericSecretStrict => crate::generic::judge(secret, key, true).map(Some),
            Validator::UriPassword => uri_password(secret, key).map(Some),
            Validator::Base64UserPassStrict => {
                base64_user_pass(secret)?;
                let decoded = decode_b64(secret).ok_or(FilterReason::Format("not base64"))?;
                let colon = memchr::memchr(b':', &decoded)
                    .ok_or(FilterReason::Format("does not decode to user:password"))?;
                uri_password(&decoded[colon + 1..], Some(&decoded[..colon])).map(Some)
            }
            other => other.check_format(secret).map(|()| None),
        }
    }

    fn check_format(self, secret: &[u8]) -> Result<(), FilterReason> {
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
            Validator::GenericSecret
            | Validator::GenericSecretStrict
            | Validator::UriPassword
            | Validator::Base64UserPassStrict => unreachable!("value validators are judged"),
        }
    }
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

pub(crate) fn decode_b64(s: &[u8]) -> Option<Vec<u8>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The generic judgement as a pass/fail at the default view (medium and up).
    fn generic_secret(s: &[u8], k: Option<&[u8]>) -> Result<(), FilterReason> {
        Validator::GenericSecret.check(s, k)
    }

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
            assert!(
                generic_secret(v, Some(b"password")).is_err(),
                "{}",
                String::from_utf8_lossy(v)
            );
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
        ] {
            assert!(
                ok("b277fcc7fb1c7a55818d5bc911d91c51", key).is_err(),
                "{key}"
            );
        }
        // Hex below the hex bar (repeated patterns).
        assert!(ok("deadbeefdeadbeefdeadbeefdeadbeef", "token").is_err());
        assert!(ok("0a0b0a0b0a0b0a0b0a0b0a0b0a0b0a0b", "token").is_err());
        // A salt is secret material: a random one is reported.
        assert!(ok("b277fcc7fb1c7a55818d5bc911d91c51", "password_salt").is_ok());
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
