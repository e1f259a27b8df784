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
