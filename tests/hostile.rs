//! Hostile input for `credlint scan` (issue 7, file side). Each case gets a
//! warning naming the unit, or is handled silently where that is right, and
//! the scan finishes with every other finding intact. Full-size versions
//! (a 2 GB single-line file, `AKIA` × 10⁷) are in `bench/stress.sh`, which
//! also measures peak memory; these are scaled down to run in CI.

mod common;

use std::time::Duration;

use common::{credlint, github_token, write};
use serde_json::Value;

fn scan_json(dir: &std::path::Path, extra: &[&str]) -> (i32, Value) {
    let out = credlint()
        .args(["scan", "--no-config", "-f", "json", "--max-file-size", "4G"])
        .args(extra)
        .arg(dir)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    (out.status.code().unwrap_or(-1), v)
}

fn paths(v: &Value) -> Vec<String> {
    let mut p: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    p.sort();
    p
}

#[test]
fn one_huge_line_is_scanned_in_chunks() {
    let d = tempfile::tempdir().unwrap();
    let tok = github_token("long-line");
    // 48 MiB on one line: three chunks, with no line start to cut at.
    let filler = "x".repeat(1 << 20);
    let mut line = String::with_capacity(49 << 20);
    // Two bytes, one UTF-16 unit: byte and UTF-16 columns differ by one.
    line.push('é');
    let mut want = Vec::new();
    for i in 0..48 {
        line.push_str(&filler);
        if i == 20 || i == 47 {
            line.push(' ');
            // 1-based byte column of the token.
            want.push(line.len() as u64 + 1);
            line.push_str(&tok);
            line.push(' ');
        }
    }
    write(d.path(), "one-line.min.js", &line);
    let (code, v) = scan_json(d.path(), &[]);
    assert_eq!(code, 1);
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 2, "both secrets, each once");
    assert!(f.iter().all(|f| f["line"] == 1));
    // Columns count from the line's start, not from the chunk's.
    let mut cols: Vec<u64> = f.iter().map(|f| f["column"].as_u64().unwrap()).collect();
    cols.sort();
    assert_eq!(cols, want, "byte columns across chunks");
    let out = credlint()
        .args([
            "scan",
            "--no-config",
            "--max-file-size",
            "4G",
            "-f",
            "sarif",
        ])
        .arg(d.path())
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut cols16: Vec<u64> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["region"]["startColumn"]
                .as_u64()
                .unwrap()
        })
        .collect();
    cols16.sort();
    let want16: Vec<u64> = want.iter().map(|c| c - 1).collect();
    assert_eq!(cols16, want16, "UTF-16 columns across chunks");
    // A long line after short ones: the cut's line starts in the chunk.
    let e = tempfile::tempdir().unwrap();
    let mut text = String::from("a = 1\nb = 2\n");
    text.push_str(&"y".repeat(17 << 20));
    text.push(' ');
    let col = text.len() - text.rfind('\n').unwrap();
    text.push_str(&tok);
    text.push('\n');
    write(e.path(), "long-after-short.txt", &text);
    let (_, v) = scan_json(e.path(), &[]);
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0]["line"].as_u64(), f[0]["column"].as_u64()),
        (Some(3), Some(col as u64))
    );
    // The snippet is cut to a readable width around the finding.
    let out = credlint()
        .args(["scan", "--no-config", "--max-file-size", "4G"])
        .arg(d.path())
        .output()
        .unwrap();
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(
        human.lines().all(|l| l.chars().count() < 400),
        "no huge lines printed"
    );
}

#[test]
fn a_repeated_keyword_does_not_go_quadratic() {
    let d = tempfile::tempdir().unwrap();
    // 10^6 (CI scale; the stress script does 10^7) copies of a keyword.
    write(d.path(), "akia.txt", "AKIA".repeat(1_000_000));
    write(d.path(), "ghp.txt", "ghp_".repeat(1_000_000));
    let tok = github_token("beside-the-flood");
    write(d.path(), "real.env", format!("T={tok}\n"));
    let t = std::time::Instant::now();
    let (_, v) = scan_json(d.path(), &[]);
    assert!(
        t.elapsed() < Duration::from_secs(60),
        "took {:?}",
        t.elapsed()
    );
    assert_eq!(paths(&v), vec!["real.env"]);
}

#[test]
fn nul_heavy_and_odd_encodings() {
    let d = tempfile::tempdir().unwrap();
    let tok = github_token("enc");
    write(d.path(), "nul.bin", vec![0u8; 1 << 20]);
    // A NUL only after the sniffed start: text with a stray NUL is still scanned.
    let mut late = "a\n".repeat(10_000).into_bytes();
    late.push(0);
    late.extend_from_slice(format!("\nT={tok}\n").as_bytes());
    write(d.path(), "late-nul.txt", late);
    // UTF-16 big-endian with a BOM.
    let mut be = vec![0xFE, 0xFF];
    for u in format!("T={tok}\n").encode_utf16() {
        be.extend_from_slice(&u.to_be_bytes());
    }
    write(d.path(), "be16.txt", be);
    let (_, v) = scan_json(d.path(), &[]);
    assert_eq!(paths(&v), vec!["be16.txt", "late-nul.txt"]);
}

#[cfg(unix)]
#[test]
fn non_utf8_names_and_dangling_links() {
    use std::os::unix::ffi::OsStrExt;
    let d = tempfile::tempdir().unwrap();
    let tok = github_token("names");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.env");
    std::fs::write(d.path().join(name), format!("T={tok}\n")).unwrap();
    std::os::unix::fs::symlink("/does/not/exist", d.path().join("dangling")).unwrap();
    write(d.path(), "ok.env", format!("T={}\n", github_token("ok")));
    let (code, v) = scan_json(d.path(), &["--follow-links"]);
    assert_eq!(code, 1);
    let p = paths(&v);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p.iter().any(|p| p.starts_with("caf")));
    let notices = v["notices"].as_array().unwrap();
    assert!(
        notices.iter().any(|n| n.to_string().contains("dangling")),
        "a warning names the broken link: {notices:?}"
    );
}

/// Permission denied: only meaningful when the scan does not run as root,
/// so as root the binary is run as `nobody` through `setpriv`.
#[cfg(unix)]
#[test]
fn unreadable_files_and_folders_are_warnings() {
    use std::os::unix::fs::PermissionsExt;
    let root_user = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false);
    let setpriv = std::path::Path::new("/usr/bin/setpriv");
    if root_user && !setpriv.exists() {
        eprintln!("skipped: running as root without setpriv to drop privileges");
        return;
    }
    let d = tempfile::Builder::new()
        .prefix("credlint-perm")
        .tempdir_in("/tmp")
        .unwrap();
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let tok = github_token("perm");
    write(d.path(), "readable.env", format!("T={tok}\n"));
    let secret = write(
        d.path(),
        "locked.env",
        format!("T={}\n", github_token("locked")),
    );
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::create_dir(d.path().join("closed")).unwrap();
    write(
        d.path(),
        "closed/inner.env",
        format!("T={}\n", github_token("inner")),
    );
    std::fs::set_permissions(
        d.path().join("closed"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    std::fs::set_permissions(
        d.path().join("readable.env"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let bin = assert_cmd::cargo::cargo_bin("credlint");
    let mut cmd = if root_user {
        let mut c = std::process::Command::new(setpriv);
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&bin);
        c
    } else {
        std::process::Command::new(&bin)
    };
    let out = cmd
        .args(["scan", "--no-config", "-f", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    // Restore so the temp dir can be removed.
    std::fs::set_permissions(
        d.path().join("closed"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(out.status.code(), Some(1), "findings, not an abort");
    assert_eq!(paths(&v), vec!["readable.env"]);
    let notices = v["notices"].to_string();
    assert!(notices.contains("locked.env"), "{notices}");
    assert!(notices.contains("closed"), "{notices}");
}

/// Regression: a chunk was responsible for matches before its cut point,
/// the next chunk started at the first line start after it, and a secret
/// starting in between was reported by neither.
#[test]
fn regression_secret_between_chunk_cut_and_next_line_start() {
    const CHUNK: usize = 16 << 20;
    const OVERLAP: usize = 64 << 10;
    let cut = CHUNK - OVERLAP;
    let d = tempfile::tempdir().unwrap();
    let tok = github_token("chunk-gap");
    let mut text = String::with_capacity(CHUNK + (2 << 20));
    let line = "filler filler filler filler filler filler filler filler filler\n";
    while text.len() + line.len() < cut - 100 {
        text.push_str(line);
    }
    while text.len() < cut + 100 {
        text.push('x');
    }
    text.push(' ');
    text.push_str(&tok);
    text.push_str(" end\n");
    while text.len() < CHUNK + (1 << 20) {
        text.push_str(line);
    }
    write(d.path(), "gap.log", &text);
    let (code, v) = scan_json(d.path(), &[]);
    assert_eq!(code, 1);
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1, "{v}");
    let want_line = text[..text.find(&tok).unwrap()].matches('\n').count() as u64 + 1;
    assert_eq!(f[0]["line"], want_line);
}

#[test]
fn a_large_manifest_says_its_policy_checks_were_skipped() {
    let d = tempfile::tempdir().unwrap();
    let mut y = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n");
    while y.len() < 17 << 20 {
        y.push_str("  key: some ordinary configuration value here\n");
    }
    write(d.path(), "big.yaml", &y);
    let (_, v) = scan_json(d.path(), &[]);
    let notices = v["notices"].to_string();
    assert!(
        notices.contains("policy checks") && notices.contains("big.yaml"),
        "{notices}"
    );
}

#[cfg(unix)]
#[test]
fn reports_are_written_0600_even_over_an_existing_file() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "src/a.env",
        format!("T={}\n", github_token("mode")),
    );
    let out = d.path().join("report.json");
    std::fs::write(&out, "old").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
    credlint()
        .args(["scan", "--no-config", "-f", "json", "-o"])
        .arg(&out)
        .arg(d.path().join("src"))
        .assert()
        .code(1);
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

/// Device files in the tree are never opened: a twin of /dev/null would
/// read as an empty text file and be counted as scanned if it were.
#[cfg(unix)]
#[test]
fn device_files_are_never_opened() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "ok.env", format!("T={}\n", github_token("dev")));
    let null = d.path().join("null");
    let made = std::process::Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !made {
        eprintln!("skipped: mknod needs privileges here");
        return;
    }
    let (code, v) = scan_json(d.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(paths(&v), vec!["ok.env"]);
    assert_eq!(v["summary"]["units"], 1, "only the regular file was opened");
}
