//! `credlint git` and `credlint staged` through the binary, on real
//! repositories built with the `git` command: the commit fields in every
//! format, `in_head`, SARIF validity, grouping by commit, exit codes.

mod common;

use std::path::Path;
use std::process::Command;

use common::{credlint, github_token, sarif_schema, write};
use serde_json::Value;

fn git(dir: &Path, args: &[&str]) {
    let st = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada Lovelace")
        .env("GIT_AUTHOR_EMAIL", "ada@example.org")
        .env("GIT_COMMITTER_NAME", "Ada Lovelace")
        .env("GIT_COMMITTER_EMAIL", "ada@example.org")
        .env("GIT_AUTHOR_DATE", "2024-05-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-05-01T12:00:00Z")
        .status()
        .unwrap();
    assert!(st.success(), "git {args:?}");
}

/// A repository where one secret was committed then deleted, and another
/// is still in HEAD.
fn repo() -> (tempfile::TempDir, String, String) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    git(p, &["init", "-q", "-b", "main"]);
    let gone = github_token("git-gone");
    let kept = github_token("git-kept");
    write(p, "config/app.env", format!("TOKEN={gone}\n"));
    git(p, &["add", "."]);
    git(p, &["commit", "-q", "-m", "Add app config"]);
    write(p, "config/app.env", "TOKEN=${TOKEN}\n");
    write(p, "deploy/ci.sh", format!("#!/bin/sh\nexport GH={kept}\n"));
    git(p, &["add", "."]);
    git(
        p,
        &["commit", "-q", "-m", "Read the token from the environment"],
    );
    (d, gone, kept)
}

#[test]
fn history_findings_carry_the_introducing_commit() {
    let (d, gone, kept) = repo();
    let out = credlint()
        .args(["git", "--no-config", "-f", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains(&gone) && !text.contains(&kept), "masked");
    let v: Value = serde_json::from_str(&text).unwrap();
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 2);
    let by_path = |p: &str| f.iter().find(|f| f["path"] == p).unwrap();
    let old = by_path("config/app.env");
    assert_eq!(old["commit"]["summary"], "Add app config");
    assert_eq!(old["commit"]["author"], "Ada Lovelace <ada@example.org>");
    assert!(old["commit"]["date"]
        .as_str()
        .unwrap()
        .starts_with("2024-05-01"));
    assert_eq!(old["properties"]["in_head"], false);
    assert_eq!(old["line"], 1);
    let new = by_path("deploy/ci.sh");
    assert_eq!(
        new["commit"]["summary"],
        "Read the token from the environment"
    );
    assert_eq!(new["properties"]["in_head"], true);
    assert_eq!(new["line"], 2);
    assert_eq!(v["summary"]["unit"], "blobs");
}

#[test]
fn history_sarif_is_valid_and_human_groups_by_commit() {
    let (d, _, _) = repo();
    let out = credlint()
        .args(["git", "--no-config", "-f", "sarif"])
        .arg(d.path())
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema = sarif_schema();
    assert!(jsonschema::validator_for(&schema).unwrap().is_valid(&doc));
    for r in doc["runs"][0]["results"].as_array().unwrap() {
        assert!(r["properties"]["commit"].as_str().unwrap().len() == 40);
        assert!(r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("introduced in commit"));
        assert!(r["partialFingerprints"]["primaryLocationLineHash"].is_string());
    }
    let out = credlint()
        .args(["git", "--no-config"])
        .arg(d.path())
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        s.matches("\ncommit ").count() + usize::from(s.starts_with("commit ")),
        2,
        "{s}"
    );
    assert!(
        s.contains("only in history") && s.contains("still in HEAD"),
        "{s}"
    );
}

#[test]
fn range_gates_only_the_change() {
    let (d, _, _) = repo();
    let out = credlint()
        .args([
            "git",
            "--no-config",
            "-f",
            "json",
            "--range",
            "HEAD~1..HEAD",
        ])
        .arg(d.path())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec!["deploy/ci.sh"]);
    credlint()
        .args(["git", "--no-config", "--range", "nope..HEAD"])
        .arg(d.path())
        .assert()
        .code(2);
}

#[test]
fn staged_sees_the_index_not_the_work_tree() {
    let (d, _, _) = repo();
    let p = d.path();
    // Clean change staged: passes.
    write(p, "README.md", "hello\n");
    git(p, &["add", "README.md"]);
    credlint()
        .args(["staged", "--no-config"])
        .arg(p)
        .assert()
        .code(0);
    // A secret staged, then removed from the work tree: still refused.
    let tok = github_token("staged-cli");
    write(p, "src/lib.py", format!("T = '{tok}'\n"));
    git(p, &["add", "src/lib.py"]);
    write(p, "src/lib.py", "T = None\n");
    let out = credlint()
        .args(["staged", "--no-config", "-f", "json"])
        .arg(p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["path"], "src/lib.py");
}

#[test]
fn config_excludes_apply_to_history() {
    let (d, _, _) = repo();
    write(
        d.path(),
        ".credlint.toml",
        "[scan]\nexclude = [\"config/**\", \"deploy/**\"]\n",
    );
    credlint().args(["git"]).arg(d.path()).assert().code(0);
}

/// Hostile repository config: nothing the scanned repository names may run.
/// Every hook, filter, fsmonitor and external diff here would create a
/// marker file if executed.
#[test]
fn nothing_from_the_repository_config_is_executed() {
    let (d, _, _) = repo();
    let p = d.path();
    let marker = p.join("PWNED");
    let touch = format!("touch {}", marker.display());
    for (k, v) in [
        ("core.fsmonitor", touch.as_str()),
        ("core.hooksPath", "evil-hooks"),
        ("filter.evil.smudge", touch.as_str()),
        ("filter.evil.clean", touch.as_str()),
        ("filter.evil.process", touch.as_str()),
        ("diff.external", touch.as_str()),
        ("core.sshCommand", touch.as_str()),
        ("core.pager", touch.as_str()),
    ] {
        git(p, &["config", k, v]);
    }
    std::fs::create_dir_all(p.join("evil-hooks")).unwrap();
    for hook in [
        "pre-commit",
        "post-checkout",
        "post-index-change",
        "reference-transaction",
    ] {
        let h = p.join("evil-hooks").join(hook);
        std::fs::write(&h, format!("#!/bin/sh\n{touch}\n")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&h, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    std::fs::write(p.join(".gitattributes"), "* filter=evil diff=evil\n").unwrap();
    for args in [&["git", "--no-config"][..], &["staged", "--no-config"][..]] {
        let out = credlint().args(args).arg(p).output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        !marker.exists(),
        "credlint executed something from the scanned repository's config"
    );
    // The trap is armed: plain git runs the fsmonitor command.
    let _ = Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(p)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output();
    assert!(
        marker.exists(),
        "the hostile config would have run under git itself"
    );
}

/// A corrupt and a missing object: a warning each, and every other finding intact.
#[test]
fn corrupt_and_missing_objects_are_warnings() {
    let (d, _, kept) = repo();
    let p = d.path();
    // Two more blobs, loose, then break them.
    write(p, "a.txt", "first loose blob\n");
    write(p, "b.txt", "second loose blob\n");
    git(p, &["add", "a.txt", "b.txt"]);
    git(p, &["commit", "-q", "-m", "Two more files"]);
    let id = |path: &str| {
        let o = Command::new("git")
            .args(["rev-parse", &format!("HEAD:{path}")])
            .current_dir(p)
            .output()
            .unwrap();
        String::from_utf8(o.stdout).unwrap().trim().to_string()
    };
    let loose = |oid: &str| p.join(".git/objects").join(&oid[..2]).join(&oid[2..]);
    let (a, b) = (id("a.txt"), id("b.txt"));
    // Truncated loose object, and a deleted one.
    let fa = loose(&a);
    let bytes = std::fs::read(&fa).unwrap();
    let mut perms = std::fs::metadata(&fa).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&fa, perms).unwrap();
    std::fs::write(&fa, &bytes[..bytes.len() / 2]).unwrap();
    std::fs::remove_file(loose(&b)).unwrap();
    let out = credlint()
        .args(["git", "--no-config", "-f", "json"])
        .arg(p)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["path"] == "deploy/ci.sh"));
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&kept));
    let notices = v["notices"].to_string();
    assert!(
        notices.contains(&a[..7]) || notices.contains("a.txt"),
        "corrupt object named: {notices}"
    );
    assert!(
        notices.contains(&b[..7]) || notices.contains("b.txt"),
        "missing object named: {notices}"
    );
}

/// Many refs (the full 100,000 is in bench/stress.sh's spirit; CI uses 5,000).
#[test]
fn many_refs() {
    let (d, _, _) = repo();
    let p = d.path();
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(p)
        .output()
        .unwrap();
    let head = String::from_utf8(head.stdout).unwrap().trim().to_string();
    let mut input = String::new();
    for i in 0..5000 {
        input.push_str(&format!("create refs/tags/t{i} {head}\n"));
    }
    let mut child = Command::new("git")
        .args(["update-ref", "--stdin"])
        .current_dir(p)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    let t = std::time::Instant::now();
    let out = credlint()
        .args(["git", "--no-config", "-f", "json"])
        .arg(p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["findings"].as_array().unwrap().len(),
        2,
        "each secret once, however many refs reach it"
    );
    assert!(t.elapsed() < std::time::Duration::from_secs(60));
}

/// A blob over the size limit (the 1 GB case, scaled down): skipped, counted
/// and said, while the rest is scanned.
#[test]
fn oversized_blobs_are_skipped_with_a_notice() {
    let (d, _, _) = repo();
    let p = d.path();
    let big = format!("{}\nT={}\n", "x".repeat(64 << 10), github_token("big-blob"));
    write(p, "dump.sql", big);
    git(p, &["add", "dump.sql"]);
    git(p, &["commit", "-q", "-m", "Add a dump"]);
    let out = credlint()
        .args(["git", "--no-config", "-f", "json", "--max-blob-size", "32K"])
        .arg(p)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = v["findings"].as_array().unwrap();
    assert_eq!(
        f.len(),
        2,
        "the two small files' secrets, not the skipped blob's"
    );
    assert!(f.iter().all(|f| f["path"] != "dump.sql"));
    assert!(
        v["notices"].to_string().contains("size limit"),
        "{}",
        v["notices"]
    );
}
