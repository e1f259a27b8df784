//! Running git and pre-commit in tests of the pre-commit hooks
//! (tests/precommit.rs: the source hook; tests/wheel.rs: the wheel hook):
//! a fixed identity and dates, no inherited git or pre-commit state, and
//! pre-commit's cache and the release build under one scratch folder.

use std::path::Path;
use std::process::{Command, Output};

/// A command with a fixed git identity and dates (so commits are
/// reproducible) and no inherited git or pre-commit state.
pub fn cmd(program: &str, dir: &Path, cache: &Path) -> Command {
    let mut c = Command::new(program);
    c.current_dir(dir)
        .env("GIT_AUTHOR_NAME", "credlint test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "credlint test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .env("GIT_AUTHOR_DATE", "2025-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2025-01-01T00:00:00Z")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("PRE_COMMIT_HOME", cache.join("pre-commit"))
        // The release build pre-commit triggers reuses one target dir.
        .env("CARGO_TARGET_DIR", cache.join("target"))
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .env_remove("CREDLINT_BASELINE")
        .env_remove("CREDLINT_FORMAT");
    c
}

pub fn run(mut c: Command) -> Output {
    let out = c.output().unwrap_or_else(|e| panic!("{c:?}: {e}"));
    out
}

pub fn ok(c: Command) -> Output {
    let desc = format!("{c:?}");
    let out = run(c);
    assert!(
        out.status.success(),
        "{desc} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn git(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    let mut c = cmd("git", dir, cache);
    c.args(args);
    ok(c)
}
