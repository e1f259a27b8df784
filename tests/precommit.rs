//! The pre-commit hook, for real: `pre-commit` (from PyPI, on PATH) installs
//! the hook from a clone of this repository exactly as a user's machine
//! would (`cargo install --path .` on the repository root), then a commit
//! with a secret is refused with file:line, the rule and the ways out, and a
//! clean commit goes through.
//!
//! Skipped, with a message, when `pre-commit` is not on PATH, unless `CI` is
//! set: in CI it must run. Installs nothing itself.
//!
//! Cost: the first run builds credlint in release mode (minutes on two
//! cores). The release build's target dir and pre-commit's cache live under
//! this build's target dir (`CARGO_TARGET_TMPDIR/precommit`), and the hook
//! repository's commit is deterministic, so a re-run with unchanged sources
//! installs nothing and a run after a change rebuilds only credlint's crates.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::hooks::{cmd, git, ok, run};
use common::{github_token, write};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap()
}

fn on_path(exe: &str) -> bool {
    Command::new(exe)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A git repository holding this workspace's files as they are now
/// (committed or not, less what .gitignore leaves out), committed
/// reproducibly: the "clone of this repository" the hook comes from.
fn hook_repo(dest: &Path, cache: &Path) -> String {
    let root = workspace_root();
    let _ = std::fs::remove_dir_all(dest);
    std::fs::create_dir_all(dest).unwrap();
    let listed = ok({
        let mut c = cmd("git", &root, cache);
        c.args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ]);
        c
    });
    for rel in listed.stdout.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let rel = std::str::from_utf8(rel).unwrap();
        let from = root.join(rel);
        if !from.is_file() {
            continue; // deleted in the work tree
        }
        let to = dest.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
    }
    git(dest, cache, &["init", "-q", "-b", "main"]);
    git(dest, cache, &["add", "-A"]);
    git(
        dest,
        cache,
        &["commit", "-q", "--no-verify", "-m", "hook repository"],
    );
    let head = git(dest, cache, &["rev-parse", "HEAD"]);
    String::from_utf8(head.stdout).unwrap().trim().to_string()
}

#[test]
fn pre_commit_hook_refuses_a_secret_and_accepts_a_clean_commit() {
    let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    if !on_path("pre-commit") {
        if in_ci {
            panic!("pre-commit is not on PATH and CI is set: install it (pip install pre-commit)");
        }
        eprintln!("SKIPPED pre_commit_hook: `pre-commit` is not on PATH (pip install pre-commit); CI runs it");
        return;
    }
    assert!(on_path("git"), "git is needed");
    assert!(on_path("cargo"), "pre-commit's rust language needs cargo");

    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("precommit");
    std::fs::create_dir_all(&cache).unwrap();
    let hooks = cache.join("hook-repo");
    let rev = hook_repo(&hooks, &cache);

    // The user's repository.
    let user = tempfile::tempdir().unwrap();
    let u = user.path();
    git(u, &cache, &["init", "-q", "-b", "main"]);
    write(
        u,
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: credlint\n",
            hooks.display()
        ),
    );
    write(u, "README.md", "# a project\n");
    // `install-hooks` builds the hook (cargo install, release) up front.
    let started = std::time::Instant::now();
    ok({
        let mut c = cmd("pre-commit", u, &cache);
        c.args(["install", "--install-hooks"]);
        c
    });
    eprintln!(
        "pre-commit install --install-hooks: {:.1}s",
        started.elapsed().as_secs_f64()
    );
    git(u, &cache, &["add", "-A"]);
    git(u, &cache, &["commit", "-q", "-m", "first commit"]);

    // A secret: refused, with file:line, the rule and both ways out.
    let token = github_token("pre-commit-hook");
    write(
        u,
        "src/settings.py",
        format!("DEBUG = True\nGITHUB_TOKEN = \"{token}\"\n"),
    );
    git(u, &cache, &["add", "-A"]);
    let out = run({
        let mut c = cmd("git", u, &cache);
        c.args(["commit", "-m", "add settings"]);
        c
    });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "the commit went through:\n{text}");
    assert!(
        text.contains("credlint (leaked credentials)") && text.contains("Failed"),
        "{text}"
    );
    assert!(text.contains("src/settings.py:2:"), "file:line: {text}");
    assert!(text.contains("github-pat-classic"), "the rule: {text}");
    assert!(
        text.contains("credlint:allow github-pat-classic"),
        "allow comment: {text}"
    );
    assert!(text.contains("credlint baseline -o"), "baseline: {text}");
    assert!(!text.contains(&token), "the secret is masked: {text}");
    let log = git(u, &cache, &["log", "--oneline"]);
    assert_eq!(String::from_utf8_lossy(&log.stdout).lines().count(), 1);

    // The same file without the secret: committed.
    write(
        u,
        "src/settings.py",
        "import os\nDEBUG = True\nGITHUB_TOKEN = os.environ[\"GITHUB_TOKEN\"]\n",
    );
    git(u, &cache, &["add", "-A"]);
    let started = std::time::Instant::now();
    let out = run({
        let mut c = cmd("git", u, &cache);
        c.args(["commit", "-m", "add settings"]);
        c
    });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "a clean commit was refused:\n{text}");
    assert!(
        text.contains("credlint (leaked credentials)") && text.contains("Passed"),
        "{text}"
    );
    eprintln!(
        "clean commit with the hook: {:.2}s",
        started.elapsed().as_secs_f64()
    );

    // An allow comment is the other way out.
    write(
        u,
        "tests/fixture.py",
        format!("FAKE = \"{token}\"  # credlint:allow github-pat-classic -- test fixture\n"),
    );
    git(u, &cache, &["add", "-A"]);
    let out = run({
        let mut c = cmd("git", u, &cache);
        c.args(["commit", "-m", "add fixture"]);
        c
    });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// One binary, one package: the root package (what pre-commit's `cargo
/// install --path .` and `cargo install credlint` build) is `credlint`, its
/// binary is `credlint` built from scanner/credlint/src/main.rs, and the hook
/// runs that binary. No second package mirrors its dependency list.
#[test]
fn root_package_is_credlint_and_the_hook_runs_it() {
    let root = workspace_root();
    let text = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let v: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(v["package"]["name"].as_str(), Some("credlint"));
    let bins = v["bin"].as_array().unwrap();
    assert_eq!(bins.len(), 1, "one binary: {bins:?}");
    assert_eq!(bins[0]["name"].as_str(), Some("credlint"));
    assert_eq!(
        bins[0]["path"].as_str(),
        Some("scanner/credlint/src/main.rs")
    );
    let deps = v["dependencies"].as_table().unwrap();
    for dep in ["credlint-scan", "credlint-git", "credlint-k8s", "clap"] {
        assert!(deps.contains_key(dep), "{dep} missing from [dependencies]");
    }
    assert!(
        !root.join("scanner/credlint/Cargo.toml").exists(),
        "scanner/credlint is the binary's source folder, not a second package"
    );
    let hooks = std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap();
    assert!(hooks.contains("entry: credlint staged"), "{hooks}");
    assert!(!hooks.contains("credlint-pre-commit"), "{hooks}");
}
