//! The rule self-test: every embedded rule compiles, has enough examples,
//! finds each positive example and stays silent on each negative one.
//!
//! Examples may contain `{{...}}` templates (see `rules/README.md`) so that
//! valid-checksum, high-value tokens are built here at test time and never
//! committed.

use credlint_leaks::validate::crc32_checksum;
use credlint_leaks::{RuleSet, Scratch};

/// Deterministic pseudo-random characters from an alphabet (xorshift over
/// a hash of the seed): stable examples without a data file.
fn chars(alphabet: &[u8], n: usize, seed: &str) -> String {
    let mut x: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        x = (x ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            alphabet[(x % alphabet.len() as u64) as usize] as char
        })
        .collect()
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Expand `{{...}}` templates in an example.
pub fn expand(example: &str) -> String {
    let mut out = String::new();
    let mut rest = example;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        let inner = &rest[start + 2..start + len];
        let parts: Vec<&str> = inner.splitn(3, ':').collect();
        let expanded = match parts.as_slice() {
            ["crc32", prefix, seed] => {
                let random = chars(BASE62, 30, seed);
                format!("{prefix}{random}{}", crc32_checksum(random.as_bytes()))
            }
            ["join", list] => list.split('|').collect(),
            ["join", a, b] => format!("{a}:{b}").split('|').collect(),
            ["rand", n, seed] => chars(BASE62, n.parse().expect("rand length"), seed),
            ["hex", n, seed] => chars(b"0123456789abcdef", n.parse().expect("hex length"), seed),
            ["lower", n, seed] => chars(
                b"0123456789abcdefghijklmnopqrstuvwxyz",
                n.parse().expect("lower length"),
                seed,
            ),
            ["b32", n, seed] => chars(
                b"abcdefghijklmnopqrstuvwxyz234567",
                n.parse().expect("b32 length"),
                seed,
            ),
            ["upper", n, seed] => chars(
                b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                n.parse().expect("upper length"),
                seed,
            ),
            _ => format!("{{{{{inner}}}}}"),
        };
        out.push_str(&expanded);
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

#[test]
fn every_rule_compiles_and_has_examples() {
    let rs = RuleSet::embedded().expect("embedded rules load");
    assert!(!rs.rules().is_empty());
    let mut problems = Vec::new();
    for rule in rs.rules() {
        if let Err(e) = rule.compile_now() {
            problems.push(format!("{}: {e}", rule.spec.id));
        }
        if rule.spec.examples.len() < 2 || rule.spec.negative_examples.len() < 2 {
            problems.push(format!(
                "{}: needs at least two examples and two negative examples",
                rule.spec.id
            ));
        }
        if rule.spec.references.is_empty() && !rule.spec.generic {
            problems.push(format!(
                "{}: no reference to the vendor's format",
                rule.spec.id
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_example_is_found_and_every_negative_is_not() {
    let rs = RuleSet::embedded().expect("embedded rules load");
    let mut scratch = Scratch::default();
    let mut problems = Vec::new();
    for (ri, rule) in rs.rules().iter().enumerate() {
        for ex in &rule.spec.examples {
            let text = expand(ex);
            let hits = rs.scan(text.as_bytes(), &mut scratch);
            if !hits.iter().any(|c| c.rule == ri && c.verdict.is_ok()) {
                let why: Vec<String> = hits
                    .iter()
                    .filter(|c| c.rule == ri)
                    .map(|c| format!("{:?}", c.verdict))
                    .collect();
                problems.push(format!(
                    "{}: missed example {text:?} (own candidates: {why:?})",
                    rule.spec.id
                ));
            }
        }
        for ex in &rule.spec.negative_examples {
            let text = expand(ex);
            let hits = rs.scan(text.as_bytes(), &mut scratch);
            if hits.iter().any(|c| c.rule == ri && c.verdict.is_ok()) {
                problems.push(format!(
                    "{}: fired on negative example {text:?}",
                    rule.spec.id
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn ids_are_unique_and_listed() {
    let rs = RuleSet::embedded().unwrap();
    let mut ids: Vec<&str> = rs.rules().iter().map(|r| r.spec.id.as_str()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate rule ids");
}
