//! Helpers shared by the integration tests: the `{{...}}` template
//! expansion of rule examples (see `rules/README.md`) and a deterministic
//! character generator.

#![allow(dead_code)]

use credlint_leaks::validate::crc32_checksum;

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

pub const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

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
