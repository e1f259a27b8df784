//! Rule examples: the `{{...}}` templates that build example values at run
//! time (so that valid-checksum, high-value tokens never sit in a rule file
//! in a form a push-protection scanner would refuse), and the check that
//! every example of a rule is found and every negative example is not.
//! `rules/README.md` lists the templates; the rule self-test and
//! `credlint rules check FILE` both run [`check_rule`].

use crate::engine::{RuleSet, Scratch};
use crate::rule::Rule;
use crate::validate::crc32_checksum;

/// Deterministic pseudo-random characters from an alphabet (xorshift over
/// a hash of the seed): stable examples without a data file.
pub fn chars(alphabet: &[u8], n: usize, seed: &str) -> String {
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

/// `0-9A-Za-z`.
pub const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const B64: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/";
const B58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Expand `{{...}}` templates in an example (an unknown template is left
/// as written).
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
        let n = |s: &str| s.parse::<usize>().unwrap_or(0);
        let expanded = match parts.as_slice() {
            ["crc32", prefix, seed] => {
                let random = chars(BASE62, 30, seed);
                format!("{prefix}{random}{}", crc32_checksum(random.as_bytes()))
            }
            ["join", list] => list.split('|').collect(),
            ["join", a, b] => format!("{a}:{b}").split('|').collect(),
            ["rand", len, seed] => chars(BASE62, n(len), seed),
            ["hex", len, seed] => chars(b"0123456789abcdef", n(len), seed),
            ["upper", len, seed] => chars(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", n(len), seed),
            ["lower", len, seed] => chars(b"0123456789abcdefghijklmnopqrstuvwxyz", n(len), seed),
            ["b32", len, seed] => chars(b"abcdefghijklmnopqrstuvwxyz234567", n(len), seed),
            ["b64", len, seed] => chars(B64, n(len), seed),
            ["b58", len, seed] => chars(B58, n(len), seed),
            ["uuid", seed] => {
                let h = chars(b"0123456789abcdef", 32, seed);
                format!(
                    "{}-{}-{}-{}-{}",
                    &h[..8],
                    &h[8..12],
                    &h[12..16],
                    &h[16..20],
                    &h[20..]
                )
            }
            _ => format!("{{{{{inner}}}}}"),
        };
        out.push_str(&expanded);
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// What is wrong with one rule's examples: each positive example that no
/// candidate of the rule reports, and each negative one that one does.
/// Every level of confidence counts as reported; a candidate another rule
/// won as a duplicate does not.
pub fn check_rule(set: &RuleSet, rule: &Rule, scratch: &mut Scratch) -> Vec<String> {
    let mut problems = Vec::new();
    let id = &rule.spec.id;
    let fires = |text: &str, scratch: &mut Scratch| {
        set.scan(text.as_bytes(), scratch)
            .iter()
            .any(|c| c.verdict.is_ok() && set.rules()[c.rule].spec.id == *id)
    };
    for ex in &rule.spec.examples {
        let text = expand(ex);
        let own: Vec<String> = set
            .scan(text.as_bytes(), scratch)
            .iter()
            .filter(|c| set.rules()[c.rule].spec.id == *id)
            .map(|c| match &c.verdict {
                Ok(()) => String::new(),
                Err(why) => why.to_string(),
            })
            .collect();
        if !own.iter().any(String::is_empty) {
            problems.push(format!(
                "{id}: missed example {text:?} (own candidates: {own:?})"
            ));
        }
    }
    for ex in &rule.spec.negative_examples {
        let text = expand(ex);
        if fires(&text, scratch) {
            problems.push(format!("{id}: fired on negative example {text:?}"));
        }
    }
    problems
}
