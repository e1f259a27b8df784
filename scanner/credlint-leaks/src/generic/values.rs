//! What is not a credential value: placeholders, references, templates,
//! paths, numbers, code and hashes; and the generic-secret judgements built
//! on them (see [`super`]).

use crate::validate::{decode_b64, FilterReason, Validator};

/// Passwords that are defaults or stand-ins, not secrets, in URIs and
/// connection strings (`postgres://user:password@localhost`).
pub(crate) const DEFAULT_PASSWORDS: &[&str] = &[
    "pass",
    "password",
    "passwd",
    "pwd",
    "secret",
    "user",
    "username",
    "test",
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
    "tiger",
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

/// Passwords that services ship as their defaults: still credentials when
/// hard-coded (anyone can try them), but the weakest evidence of a real one.
pub(crate) const SERVICE_DEFAULT_PASSWORDS: &[&str] = &[
    "root",
    "admin",
    "guest",
    "postgres",
    "mysql",
    "redis",
    "mongo",
    "rabbitmq",
    "oracle",
    "sa",
    "elastic",
    "minio",
    "minioadmin",
    "airflow",
    "keycloak",
    "jenkins",
    "grafana",
    "neo4j",
];

/// User names that manuals and tests put in example URLs (`scott:tiger`,
/// `username:password`, `some_user:some_pass`): what follows them is a
/// stand-in unless it is random.
pub(crate) const DOCUMENTATION_USERS: &[&str] = &[
    "scott",
    "username",
    "user",
    "someuser",
    "some_user",
    "foo",
    "john",
    "jdoe",
    "johndoe",
    "alice",
    "bob",
    "me",
    "myuser",
    "my_user",
    "dbuser",
    "testuser",
    "test_user",
    "example",
    "login",
    "name",
    "usr",
    "u",
];

/// A lower-case name joined by `_`, `.` or `-` (`aws_secret_access_key`,
/// `paramiko.ecdsakey`, `libvirt_lxc_noseclabel`): an identifier, however
/// improbable its letters.
pub(crate) fn is_snake_identifier(s: &[u8]) -> bool {
    let mut segments = 0;
    for seg in s.split(|b| matches!(b, b'_' | b'.' | b'-')) {
        if seg.len() < 2 || !seg.iter().all(u8::is_ascii_lowercase) {
            return false;
        }
        segments += 1;
    }
    segments >= 2
}

/// `lib/auth/config.yml`, `binutils-all/x86-64/ibt`: names joined by `/`,
/// each with a letter, either all lower-case or with a `.`, `-` or `_` in a
/// name (base64 has `/` too, but in mixed case and without those).
pub(crate) fn is_relative_path(s: &[u8]) -> bool {
    let segments: Vec<&[u8]> = s.split(|&b| b == b'/').collect();
    let named =
        !s.iter().any(u8::is_ascii_uppercase) || s.iter().any(|b| matches!(b, b'.' | b'-' | b'_'));
    named
        && segments.len() >= 2
        && segments.iter().all(|seg| {
            !seg.is_empty()
                && seg.iter().any(u8::is_ascii_alphabetic)
                && seg
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        })
}

/// `%XX` escapes decoded (invalid ones kept as they are).
pub(crate) fn percent_decode(s: &[u8]) -> std::borrow::Cow<'_, [u8]> {
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

pub(crate) fn uri_password(
    secret: &[u8],
    key: Option<&[u8]>,
) -> Result<credlint_core::Confidence, FilterReason> {
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
    let is = |w: &&str| lower == w.as_bytes() || plain == w.as_bytes() || trimmed == w.as_bytes();
    // A service's default (`postgres`, `root`, `guest`) is still a
    // hard-coded credential: reported, at low confidence.
    let default = SERVICE_DEFAULT_PASSWORDS.iter().any(is);
    // `tiger^5HHH`, `geheim$parole`: a manual's stand-in, a symbol, a suffix.
    let led_by_stand_in = DEFAULT_PASSWORDS
        .iter()
        .filter(|w| w.len() >= 5 && w.bytes().all(|b| b.is_ascii_alphabetic()))
        .any(|w| {
            lower.starts_with(w.as_bytes())
                && lower.len() > w.len()
                && !lower[w.len()].is_ascii_alphanumeric()
        });
    if led_by_stand_in {
        return Err(FilterReason::Placeholder(
            "a stand-in password with a suffix",
        ));
    }
    if !default && DEFAULT_PASSWORDS.iter().any(is) {
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
    let randomness = super::shape::randomness(&decoded);
    if let Some(user) = key {
        if user.eq_ignore_ascii_case(secret) {
            return Err(FilterReason::Placeholder("the same as the user name"));
        }
        let random = randomness == super::shape::Randomness::Random;
        if !random
            && DOCUMENTATION_USERS
                .iter()
                .any(|u| user.eq_ignore_ascii_case(u.as_bytes()))
        {
            return Err(FilterReason::Placeholder(
                "a documentation user's stand-in password",
            ));
        }
    }
    if is_snake_identifier(&decoded) {
        return Err(FilterReason::Placeholder("a name to fill in"));
    }
    use credlint_core::Confidence;
    if default {
        return Ok(Confidence::Low);
    }
    Ok(match randomness {
        super::shape::Randomness::Random => Confidence::High,
        super::shape::Randomness::Human => Confidence::Medium,
        super::shape::Randomness::Wordy => Confidence::Low,
    })
}

/// Lowercase with common leetspeak undone (`P@ssw0rd` -> `password`).
pub(crate) fn unleet(s: &[u8]) -> Vec<u8> {
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
pub(crate) fn is_template(s: &[u8]) -> bool {
    match (memchr::memchr(b'{', s), memchr::memrchr(b'}', s)) {
        (Some(open), Some(close)) => close > open,
        _ => false,
    }
}

/// Last words of a key that mean the value is not itself a secret, matched
/// on the key's last word (split at `_`, `-`, `.` and camelCase humps).
pub(crate) const STRICT_NON_SECRET_KEY_WORDS: &[&str] = &[
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
pub(crate) const STRICT_NON_SECRET_KEYS: &[&str] = &[
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

pub(crate) fn last_key_word(key: &[u8]) -> Vec<u8> {
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
pub(crate) fn is_wordlike(seg: &[u8]) -> bool {
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
pub(crate) fn humps(seg: &[u8]) -> Vec<&[u8]> {
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
pub(crate) fn reads_as_word(h: &[u8]) -> bool {
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
pub(crate) fn is_words(s: &[u8]) -> bool {
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

pub(crate) fn char_classes(s: &[u8]) -> usize {
    let lower = s.iter().any(u8::is_ascii_lowercase);
    let upper = s.iter().any(u8::is_ascii_uppercase);
    let digit = s.iter().any(u8::is_ascii_digit);
    let other = s.iter().any(|b| !b.is_ascii_alphanumeric());
    [lower, upper, digit, other].iter().filter(|&&x| x).count()
}

/// Words that mark a value as an example, a template or a reference rather
/// than a credential. Matched case-insensitively as substrings.
pub(crate) const PLACEHOLDER_WORDS: &[&str] = &[
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
pub(crate) fn written_word(w: &[u8]) -> bool {
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
pub(crate) fn python_format(value: &[u8]) -> bool {
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
    // Long formats carry fixed fillers of their own (Azure DevOps' 84-character
    // PATs): there a run says nothing.
    if value.len() < 64
        && value
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
pub(crate) fn typed_stand_in(value: &[u8]) -> Option<&'static str> {
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
pub(crate) fn word_and_count(v: &[u8]) -> bool {
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
pub(crate) const PUBLISHED_EXAMPLES: &[&str] = &[
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
pub(crate) const NON_SECRET_KEY_SUFFIXES: &[&str] = &[
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

/// Whether a key that contains a secret word (`pass`, `token`, `apiKey`,
/// ...) still does once its camelCase humps are read as word breaks:
/// `chunkGroupAsset` holds "pAss" only across `Group|Asset`; `dbPassword`,
/// `getAssetToken`, `APIKEY` and `x_api_key` keep theirs. A key with no
/// secret word at all is left to the rule.
pub(crate) fn names_a_secret_as_words(key: &[u8]) -> bool {
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
pub(crate) fn is_code_between_strings(s: &[u8]) -> bool {
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
pub(crate) fn is_call(s: &[u8]) -> bool {
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
pub(crate) fn words_name(name: &[u8]) -> bool {
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
pub(crate) fn is_constant_name(s: &[u8]) -> bool {
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
pub(crate) fn is_type_expression(s: &[u8]) -> bool {
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
pub(crate) fn keyboard_mash(s: &[u8]) -> bool {
    // Hex has `a`, `d` and `f` of the home row among its six letters:
    // random hex is not mashing.
    if s.iter().any(u8::is_ascii_uppercase) || s.iter().all(u8::is_ascii_hexdigit) {
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
pub(crate) fn is_password_hash(s: &[u8]) -> bool {
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
    // Django's `algorithm$iterations$salt$hash` (`pbkdf2_sha256$…`,
    // `argon2$argon2id$…`, `bcrypt_sha256$$2b$…`), LDAP's `{SSHA}…`.
    let lower = s.to_ascii_lowercase();
    for prefix in [
        &b"pbkdf2_sha256$"[..],
        b"pbkdf2_sha1$",
        b"argon2$",
        b"bcrypt_sha256$",
        b"bcrypt$",
        b"scrypt$",
        b"sha1$",
        b"md5$",
        b"{ssha}",
        b"{sha}",
        b"{ssha256}",
        b"{ssha512}",
        b"{crypt}",
        b"{md5}",
        b"{smd5}",
        b"{pbkdf2",
    ] {
        if lower.starts_with(prefix) && s.len() >= prefix.len() + 12 {
            return true;
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
pub(crate) fn is_file_name(s: &[u8]) -> bool {
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
pub(crate) fn is_scoped_package(s: &[u8]) -> bool {
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
pub(crate) fn encoded_stand_in(s: &[u8]) -> bool {
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
pub(crate) fn only_interpolations(s: &[u8]) -> bool {
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
pub(crate) fn is_reference(s: &[u8]) -> bool {
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
pub(crate) fn between(s: &[u8], mark: u8) -> Option<(&[u8], &[u8])> {
    let rest = s.strip_prefix(&[mark])?;
    let end = memchr::memchr(mark, rest)?;
    Some((&rest[..end], &rest[end + 1..]))
}

/// A Windows environment variable, alone or starting a path (`%APPDATA%`,
/// `%ProgramFiles(x86)%\App`): `%`, a name, `%`, then nothing, `\` or `/`.
/// Text between two `%` that is not a name (`%Qg3a@n9%o`), or that runs on
/// into more text (`%LqLOBq4d%SOk`), is not one.
pub(crate) fn windows_var_prefix(s: &[u8]) -> bool {
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
pub(crate) fn symbol_led_value(rest: &[u8]) -> bool {
    rest.len() >= 7
        && char_classes(rest) >= 3
        && !is_template(rest)
        && !(matches!(rest.len(), 3 | 4 | 6 | 8) && rest.iter().all(u8::is_ascii_hexdigit))
        && !is_words(rest)
}

/// Words of a key (any of them, not only the last) that say a hex value
/// is a digest or an identifier: `token_sha_value`, `secretHashHex`,
/// `commit_token`, `password_md5_v2`.
pub(crate) const HASH_KEY_WORDS: &[&str] = &[
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
    "signature",
    "sig",
    "thumbprint",
];

pub(crate) fn key_names_a_hash(key: &[u8]) -> bool {
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

pub(crate) fn is_uuid(s: &[u8]) -> bool {
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
pub(crate) fn is_identifier(s: &[u8]) -> bool {
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
pub(crate) fn has_random_case(seg: &[u8]) -> bool {
    let flips = seg
        .windows(2)
        .filter(|w| w[0].is_ascii_uppercase() != w[1].is_ascii_uppercase())
        .count();
    seg.len() >= 8 && flips * 3 > seg.len()
}
