//! How random a value is: the measured judgement that decides whether a
//! value under a secret-named key is a generated credential, a
//! human-chosen password, or words and identifiers.
//!
//! Two measurements, both length-aware:
//!
//! - **Word cost**: the average cost, in bits per letter, of the value's
//!   letter runs under a character-trigram model of identifiers and
//!   English (built at compile time from this repository's own prose and
//!   code: see `build.rs`). Words and identifiers cost 2–3.5 bits a letter;
//!   letters drawn at random cost 5 or more, whatever the alphabet.
//! - **Entropy ratio**: Shannon entropy over the most a string of that
//!   length could have in its alphabet (`log2(min(len, alphabet size))`),
//!   so that a 31-character hex token and a 60-character base64 one are
//!   judged on the same scale.
//!
//! No stop list: a random value of lower-case letters and digits passes
//! because its letters are improbable, not because it avoids some words.

include!(concat!(env!("OUT_DIR"), "/word_model.rs"));

/// What [`measure`] found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    /// Letters in the value.
    pub letters: usize,
    /// Average trigram cost of the letters, in bits (0 when no letters).
    pub word_cost: f64,
    /// Shannon entropy / the most possible for the length and alphabet.
    pub entropy_ratio: f64,
    /// Character classes present: lower, upper, digit, other.
    pub classes: usize,
    /// Size of the smallest usual alphabet the value fits (16, 36, 62, 64+).
    pub alphabet: usize,
}

/// Word cost above which letters read as drawn at random (bits/letter).
pub const RANDOM_WORD_COST: f64 = 4.3;
/// Below this a run of letters reads as words or an identifier.
pub const WORDY_WORD_COST: f64 = 3.6;

fn symbol(b: u8) -> usize {
    (b.to_ascii_lowercase() - b'a') as usize + 1
}

/// Cost in bits of `run` (letters only) as one word, boundaries included.
fn run_cost(run: &[u8]) -> f64 {
    let (mut a, mut b) = (0usize, 0usize);
    let mut cost = 0u32;
    for c in run.iter().map(|&x| symbol(x)).chain(std::iter::once(0)) {
        cost += TRIGRAM_COST[(a * 27 + b) * 27 + c] as u32;
        a = b;
        b = c;
    }
    cost as f64 / 64.0
}

/// The value's letter runs, split at digits, symbols and camelCase humps
/// (`dbPassword` is `db`, `Password`).
fn letter_runs(v: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < v.len() && !v[i].is_ascii_alphabetic() {
            i += 1;
        }
        if i >= v.len() {
            return None;
        }
        let s = i;
        i += 1;
        while i < v.len()
            && v[i].is_ascii_alphabetic()
            && !(v[i].is_ascii_uppercase() && v[i - 1].is_ascii_lowercase())
        {
            i += 1;
        }
        Some(&v[s..i])
    })
}

/// Average cost per letter of `v`'s letter runs (0.0 without letters).
pub fn word_cost(v: &[u8]) -> f64 {
    let (mut bits, mut letters) = (0.0, 0usize);
    for run in letter_runs(v) {
        bits += run_cost(run);
        letters += run.len() + 1;
    }
    if letters == 0 {
        0.0
    } else {
        bits / letters as f64
    }
}

/// Shannon entropy in bits per byte.
pub fn entropy(v: &[u8]) -> f64 {
    super::values::shannon_entropy(v)
}

/// Measure `v`.
pub fn measure(v: &[u8]) -> Shape {
    let lower = v.iter().any(u8::is_ascii_lowercase);
    let upper = v.iter().any(u8::is_ascii_uppercase);
    let digit = v.iter().any(u8::is_ascii_digit);
    let other = v.iter().any(|b| !b.is_ascii_alphanumeric());
    let classes = [lower, upper, digit, other].iter().filter(|&&x| x).count();
    let hex = v.iter().all(u8::is_ascii_hexdigit) && !(lower && upper);
    let alphabet = if hex {
        16
    } else if other {
        80
    } else if lower && upper {
        62
    } else {
        36
    };
    let max = (v.len().min(alphabet).max(2) as f64).log2();
    Shape {
        letters: v.iter().filter(|b| b.is_ascii_alphabetic()).count(),
        word_cost: word_cost(v),
        entropy_ratio: entropy(v) / max,
        classes,
        alphabet,
    }
}

/// How a value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Randomness {
    /// Words, an identifier, a repeated or typed pattern.
    Wordy,
    /// Some structure, some randomness: what people choose as passwords.
    Human,
    /// Drawn at random: a generated key or token.
    Random,
}

/// Share of neighbouring characters that are neighbouring keys on a QWERTY
/// keyboard row or column (`qwerty`, `asdf`, `1qaz2wsx`, `zxcvbn`): typed
/// patterns, improbable as English but not random either.
pub fn keyboard_walk(v: &[u8]) -> f64 {
    const ROWS: [&[u8]; 4] = [b"1234567890", b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];
    let pos = |c: u8| {
        let c = c.to_ascii_lowercase();
        ROWS.iter().enumerate().find_map(|(r, row)| {
            row.iter()
                .position(|&k| k == c)
                .map(|i| (r as i32, i as i32))
        })
    };
    if v.len() < 2 {
        return 0.0;
    }
    let near = v
        .windows(2)
        .filter(|w| match (pos(w[0]), pos(w[1])) {
            (Some((r0, c0)), Some((r1, c1))) => {
                (r0 == r1 && (c0 - c1).abs() == 1) || ((r0 - r1).abs() == 1 && (c0 - c1).abs() <= 1)
            }
            _ => false,
        })
        .count();
    near as f64 / (v.len() - 1) as f64
}

/// Judge `v`: random, human-chosen or words.
pub fn randomness(v: &[u8]) -> Randomness {
    randomness_of(v, &measure(v))
}

/// [`randomness`] of `v` whose [`Shape`] `s` the caller has already measured.
pub fn randomness_of(v: &[u8], s: &Shape) -> Randomness {
    let n = v.len();
    if keyboard_walk(v) >= 0.6 {
        return Randomness::Human;
    }
    // Too short to tell: whatever was drawn at random, seven characters
    // are within reach of a person (and of a guess).
    if n < 8 {
        return if s.entropy_ratio < 0.62 {
            Randomness::Wordy
        } else {
            Randomness::Human
        };
    }
    // Below this share of the possible entropy a value repeats itself.
    if s.entropy_ratio < 0.62 {
        return Randomness::Wordy;
    }
    // Hex and digits-heavy values: entropy decides (letters are few and
    // hex letters make poor words).
    if s.alphabet == 16 || s.letters * 3 < n {
        return if n >= 16 && s.entropy_ratio >= 0.8 {
            Randomness::Random
        } else if s.entropy_ratio >= 0.75 {
            Randomness::Human
        } else {
            Randomness::Wordy
        };
    }
    let random_letters = s.word_cost >= RANDOM_WORD_COST;
    let wordy_letters = s.word_cost < WORDY_WORD_COST;
    if random_letters && s.entropy_ratio >= 0.8 && (s.classes >= 2 || n >= 16) {
        Randomness::Random
    } else if wordy_letters && (s.classes <= 1 || (s.classes == 2 && s.letters == n)) {
        // Words, and camelCase or capitalised words (`getAccessToken`).
        Randomness::Wordy
    } else {
        Randomness::Human
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_cost_less_than_random_letters() {
        for w in [
            "password",
            "configuration",
            "getAccessToken",
            "database",
            "production",
            "hunter",
        ] {
            let c = word_cost(w.as_bytes());
            assert!(c < WORDY_WORD_COST, "{w}: {c:.2}");
        }
        for r in [
            "koqwbgxsducznpqcv",
            "xqzvjwkfpgh",
            "KmQzXvTrWpLb",
            "jfdkslqpwoeiruty",
        ] {
            let c = word_cost(r.as_bytes());
            assert!(c > RANDOM_WORD_COST, "{r}: {c:.2}");
        }
    }

    #[test]
    fn random_values_of_any_alphabet_are_random() {
        for v in [
            "koqwb1gx1s8c4du3761znpq70cv62m",
            "3f9a1c0e7b2d4f6a8c1e3b5d7f9a0c2",
            "Zq8vN3rT6wY1uB5xK2mP",
            "kX9#mQ2$vL7!pR4",
            "Yb2Nf8Kp1Lq7Wz3Xc6Vr9Tm4Hs0Jd5G",
            "a8Fk2LmQ9vXz3RtY",
        ] {
            assert_eq!(randomness(v.as_bytes()), Randomness::Random, "{v}");
        }
    }

    #[test]
    fn words_and_identifiers_are_not_random() {
        for v in [
            "passwordpassword",
            "aaaaaaaaaaaa",
            "getAccessToken",
            "configuration",
        ] {
            assert_eq!(randomness(v.as_bytes()), Randomness::Wordy, "{v}");
        }
        for v in [
            "admin123",
            "Summer2019!",
            "rootpass99",
            "qwerty123",
            "1qaz2wsx3edc",
            "asdfghjkl;",
        ] {
            assert_ne!(randomness(v.as_bytes()), Randomness::Random, "{v}");
        }
    }
}
#[cfg(test)]
mod calibrate {
    #[test]
    #[ignore]
    fn print_costs() {
        for v in std::env::var("VALUES").unwrap_or_default().split(',') {
            let s = super::measure(v.as_bytes());
            eprintln!(
                "{v:40} cost {:.2} ratio {:.2} classes {} alpha {} -> {:?}",
                s.word_cost,
                s.entropy_ratio,
                s.classes,
                s.alphabet,
                super::randomness(v.as_bytes())
            );
        }
    }
}
