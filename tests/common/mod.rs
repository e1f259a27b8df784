//! Helpers shared by the binary's integration tests: test-time secrets and
//! trees. High-value formats are built here, never committed as literals.

#![allow(dead_code)]

pub mod hooks;

use std::path::{Path, PathBuf};

use credlint_leaks::validate::crc32_checksum;

/// Deterministic base62 characters from a seed.
pub fn chars(n: usize, seed: &str) -> String {
    const A: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for b in seed.bytes() {
        x = (x ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            A[(x % 62) as usize] as char
        })
        .collect()
}

/// A GitHub classic token with a valid checksum.
pub fn github_token(seed: &str) -> String {
    let r = chars(30, seed);
    format!("{}{r}{}", "ghp_", crc32_checksum(r.as_bytes()))
}

/// The `credlint` binary under test.
pub fn credlint() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("credlint").expect("binary built");
    c.env_remove("CREDLINT_FORMAT").env("NO_COLOR", "1");
    c
}

/// Write `text` to `dir/rel`, creating folders.
pub fn write(dir: &Path, rel: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

/// The official SARIF 2.1.0 schema from `shared/schemas`.
pub fn sarif_schema() -> serde_json::Value {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        here.join("../shared/schemas/sarif-schema-2.1.0.json"),
        here.join("testdata/schemas/sarif-schema-2.1.0.json"),
    ];
    for c in &candidates {
        if let Ok(t) = std::fs::read_to_string(c) {
            return serde_json::from_str(&t).expect("schema is JSON");
        }
    }
    panic!("SARIF schema not found in {candidates:?}");
}

/// Whether `CI` is set (and not `false`/`0`): then a test whose tool is
/// missing fails instead of skipping.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// True when `program --version` runs. When it does not: with `CI` set,
/// panics naming `install`; otherwise prints why `test` is skipped and
/// returns false.
pub fn tool_or_skip(test: &str, program: &str, install: &str) -> bool {
    let found = std::process::Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if in_ci() {
            panic!("{test}: `{program}` is not on PATH and CI is set: {install}");
        }
        eprintln!("SKIPPED {test}: `{program}` is not on PATH ({install}); CI runs it");
    }
    found
}
