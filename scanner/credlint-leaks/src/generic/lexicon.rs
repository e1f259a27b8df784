//! The one vocabulary of key names: which names hold a password, a secret
//! or a salt, and which name a setting *about* a secret (`password_length`,
//! `token_url`). The leak rules' generic detectors and the Kubernetes
//! checks read names through this module only.

/// What a secret-named key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A password, passphrase or passcode: often chosen by a person.
    Password,
    /// A salt, seed, nonce or pepper: random material that protects other
    /// secrets (a fixed one in source defeats its purpose).
    Salt,
    /// A key, token, secret or credential: usually generated.
    Secret,
    /// A name that only ends in `key` (`TWITTER_KEY`, `lastfmKey`, `"key"`):
    /// many such keys are not secrets (`sort_key`, `cache_key`), so only a
    /// random value counts.
    Key,
}

/// The key's letters and digits, lowercased (`DB_Password` → `dbpassword`).
pub fn folded(key: &[u8]) -> Vec<u8> {
    key.iter()
        .filter(|b| b.is_ascii_alphanumeric())
        .map(u8::to_ascii_lowercase)
        .collect()
}

/// Words that name a password inside a key.
const PASSWORD_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "passcode",
    "pwd",
    "pass",
];
/// Words that name a salt, seed or nonce inside a key.
const SALT_WORDS: &[&str] = &["salt", "nonce", "pepper", "seed", "iv"];
/// Words that contain `pass` but do not name a password.
const NOT_PASSWORD: &[&str] = &[
    "passport",
    "compass",
    "bypass",
    "passage",
    "passenger",
    "passthrough",
    "passive",
    "passed",
    "passes",
    "passing",
    "encompass",
    "overpass",
    "underpass",
    "passover",
    "trespass",
];

/// What `key` holds. Keys that name a salt win over a password word
/// (`password_salt` holds a salt).
pub fn key_kind(key: &[u8]) -> KeyKind {
    let f = folded(key);
    let has = |w: &str| memchr::memmem::find(&f, w.as_bytes()).is_some();
    // `iv` and `seed` only as a whole last word (`iv`, `aes_iv`, `seed`,
    // `random_seed`), not inside `active` or `seedling`.
    let last = last_word(key);
    if SALT_WORDS[..3].iter().any(|w| has(w))
        || matches!(last.as_slice(), b"seed" | b"iv" | b"nonce" | b"salt")
    {
        return KeyKind::Salt;
    }
    if PASSWORD_WORDS.iter().any(|w| has(w)) && !NOT_PASSWORD.iter().any(|w| has(w)) {
        return KeyKind::Password;
    }
    if !STRONG_WORDS.iter().any(|w| has(w)) && last == b"key" {
        return KeyKind::Key;
    }
    KeyKind::Secret
}

/// Words that make a `…key` name a secret's name on their own.
const STRONG_WORDS: &[&str] = &[
    "secret",
    "token",
    "api",
    "private",
    "access",
    "auth",
    "signing",
    "encryption",
    "master",
    "credential",
    "client",
    "consumer",
    "app",
    "license",
    "hmac",
    "jwt",
    "session",
    "crypt",
];

/// Names ending in `key` that hold no secret: database and cache keys,
/// public halves, lookups.
pub const NOT_SECRET_KEYS: &[&str] = &[
    "public",
    "primary",
    "foreign",
    "sort",
    "partition",
    "cache",
    "map",
    "lookup",
    "index",
    "unique",
    "routing",
    "shard",
    "object",
    "idempotency",
    "dedup",
    "hash",
    "group",
    "row",
    "column",
    "composite",
    "natural",
    "surrogate",
    "registry",
    "translation",
    "label",
    "field",
    "attribute",
    "property",
    "hot",
    "short",
    "keyboard",
    "monkey",
    "turkey",
    "hockey",
    "jockey",
    "whiskey",
    "donkey",
    "storage",
    "redis",
    "s3",
    "bucket",
    "cursor",
    "page",
    "entity",
    "react",
    "tab",
    "menu",
    "i18n",
    "message",
    "msg",
    "locale",
    "lang",
    "sign",
    "pub",
    "ssh",
    "gpg",
];

/// Whether a `…key` name names a non-secret key (`sort_key`, `publicKey`).
pub fn names_a_non_secret_key(key: &[u8]) -> bool {
    let f = folded(key);
    NOT_SECRET_KEYS
        .iter()
        .any(|w| memchr::memmem::find(&f, w.as_bytes()).is_some())
}

/// The key's last word, lowercased: `db.admin_password` → `password`,
/// `nextPageToken` → `token`.
pub fn last_word(key: &[u8]) -> Vec<u8> {
    let key = key.trim_ascii();
    let mut end = key.len();
    while end > 0 && !key[end - 1].is_ascii_alphanumeric() {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && key[start - 1].is_ascii_alphanumeric() {
        // A camelCase hump starts a word.
        if key[start - 1].is_ascii_uppercase()
            && (start < 2 || !key[start - 2].is_ascii_uppercase())
        {
            start -= 1;
            break;
        }
        start -= 1;
    }
    key[start..end].to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        for k in [
            "DB_PASSWORD",
            "rootUserPassword",
            "login-password",
            "pwd",
            "smtp_pass",
            "passphrase",
        ] {
            assert_eq!(key_kind(k.as_bytes()), KeyKind::Password, "{k}");
        }
        for k in [
            "salt",
            "password_salt",
            "PBKDF2_SALT",
            "nonce",
            "random_seed",
            "aes_iv",
        ] {
            assert_eq!(key_kind(k.as_bytes()), KeyKind::Salt, "{k}");
        }
        for k in [
            "api_key",
            "clientSecret",
            "AUTH_TOKEN",
            "passport_secret",
            "active_token",
            "consumer_key",
        ] {
            assert_eq!(key_kind(k.as_bytes()), KeyKind::Secret, "{k}");
        }
        for k in ["TWITTER_KEY", "lastfmKey", "key", "seedling_key", "pd_key"] {
            assert_eq!(key_kind(k.as_bytes()), KeyKind::Key, "{k}");
        }
    }

    #[test]
    fn last_words() {
        assert_eq!(last_word(b"db.admin_password"), b"password");
        assert_eq!(last_word(b"nextPageToken"), b"token");
        assert_eq!(last_word(b"API_KEY"), b"key");
        assert_eq!(last_word(b"\"secret\""), b"secret");
    }
}
