//! The Python wheel and the pre-commit hook that installs it, for real:
//! `maturin build --release` makes the wheel in the target dir that
//! tests/precommit.rs uses, pip installs it in a fresh virtualenv where `credlint --version`
//! and a scan of a planted fake secret work; then the real `pre-commit`
//! installs the wheel hook (pre-commit-mirror/, a `language: python` hook)
//! from a local `--find-links` folder with no index — no network, no
//! compiler — refuses a commit with a secret and lets a clean one through.
//! The first install and a clean commit are timed (printed; compare with
//! tests/precommit.rs's source-built hook).
//!
//! Known cost: the source hook is built by `cargo install` in pre-commit's
//! clone of the repository, at another path, so its workspace crates (and,
//! as measured, its dependencies too) are not reused by maturin at the
//! repository root: on a fresh target dir these two tests do two release
//! builds. A re-run reuses both (maturin: ~2 s).
//!
//! Skipped, with a message, when maturin, python3 or pre-commit is missing,
//! unless `CI` is set (.ci/run installs them from PyPI).

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use common::hooks::{cmd, git, ok, run};
use common::{github_token, tool_or_skip, write};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap()
}

/// The scratch folder shared with tests/precommit.rs (its `target/` holds
/// the release build both use).
fn cache() -> PathBuf {
    let c = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("precommit");
    std::fs::create_dir_all(&c).unwrap();
    c
}

/// Builds the wheel once per test run; the folder holding only it.
fn wheel_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let cache = cache();
        let out = cache.join("wheels");
        let _ = std::fs::remove_dir_all(&out);
        let started = Instant::now();
        ok({
            let mut c = cmd("maturin", &root(), &cache);
            c.args(["build", "--release", "--locked", "--out"])
                .arg(&out)
                .env("CARGO_TERM_COLOR", "never");
            c
        });
        eprintln!(
            "maturin build --release (reusing {}): {:.1}s",
            cache.join("target").display(),
            started.elapsed().as_secs_f64()
        );
        out
    })
}

fn the_wheel(dir: &Path) -> PathBuf {
    let wheels: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "whl"))
        .collect();
    assert_eq!(wheels.len(), 1, "{wheels:?}");
    wheels.into_iter().next().unwrap()
}

fn tools_or_skip(test: &str, tools: &[(&str, &str)]) -> bool {
    tools
        .iter()
        .all(|(program, install)| tool_or_skip(test, program, install))
}

#[test]
fn wheel_installs_credlint_in_a_fresh_virtualenv_and_it_scans() {
    if !tools_or_skip(
        "wheel_install",
        &[
            ("python3", "apt-get install python3-venv"),
            ("maturin", "pip install maturin"),
        ],
    ) {
        return;
    }
    let wheels = wheel_dir();
    let wheel = the_wheel(wheels);
    let name = wheel.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with(&format!("credlint-{}-", env!("CARGO_PKG_VERSION"))),
        "{name}"
    );
    assert!(
        name.contains("py3-none-"),
        "a binary wheel for any Python 3: {name}"
    );

    let scratch = tempfile::tempdir().unwrap();
    let venv = scratch.path().join("venv");
    ok({
        let mut c = cmd("python3", scratch.path(), &cache());
        c.args(["-m", "venv"]).arg(&venv);
        c
    });
    ok({
        let mut c = cmd(
            venv.join("bin/python").to_str().unwrap(),
            scratch.path(),
            &cache(),
        );
        c.args(["-m", "pip", "install", "-q", "--no-index", "--find-links"])
            .arg(wheels)
            .arg("credlint")
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1");
        c
    });
    let credlint = venv.join("bin/credlint");
    let version = ok({
        let mut c = cmd(credlint.to_str().unwrap(), scratch.path(), &cache());
        c.arg("--version");
        c
    });
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("credlint {}", env!("CARGO_PKG_VERSION"))
    );

    // A small tree with one planted fake token: exit 1, the finding, masked.
    let tree = scratch.path().join("tree");
    let token = github_token("wheel-scan");
    write(&tree, "README.md", "# nothing here\n");
    write(
        &tree,
        "config/app.env",
        format!("DEBUG=1\nGITHUB_TOKEN={token}\n"),
    );
    let out = run({
        let mut c = cmd(credlint.to_str().unwrap(), scratch.path(), &cache());
        c.args(["scan", "--no-config"]).arg(&tree);
        c
    });
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("github-pat-classic"), "{text}");
    assert!(text.contains("app.env:2:"), "{text}");
    assert!(!text.contains(&token), "masked: {text}");
    assert!(text.contains("1 finding"), "{text}");
}

/// The mirror (pre-commit-mirror/) as its own git repository: what the
/// release workflow pushes, at this version.
fn mirror_repo(dest: &Path, cache: &Path) -> String {
    let _ = std::fs::remove_dir_all(dest);
    std::fs::create_dir_all(dest).unwrap();
    for f in [
        ".pre-commit-hooks.yaml",
        "pyproject.toml",
        "credlint_pre_commit_build.py",
        "README.md",
    ] {
        std::fs::copy(root().join("pre-commit-mirror").join(f), dest.join(f)).unwrap();
    }
    git(dest, cache, &["init", "-q", "-b", "main"]);
    git(dest, cache, &["add", "-A"]);
    git(
        dest,
        cache,
        &["commit", "-q", "--no-verify", "-m", "mirror"],
    );
    let head = git(dest, cache, &["rev-parse", "HEAD"]);
    String::from_utf8(head.stdout).unwrap().trim().to_string()
}

#[test]
fn wheel_pre_commit_hook_installs_without_a_compiler_and_refuses_a_secret() {
    if !tools_or_skip(
        "wheel_pre_commit_hook",
        &[
            ("python3", "apt-get install python3-venv"),
            ("maturin", "pip install maturin"),
            ("pre-commit", "pip install pre-commit"),
            ("git", "apt-get install git"),
        ],
    ) {
        return;
    }
    let wheels = wheel_dir();
    let cache = cache();
    let rev = mirror_repo(&cache.join("mirror-repo"), &cache);
    // A pre-commit cache of its own, emptied: the install timed is a first one.
    let home = cache.join("pre-commit-wheel");
    let _ = std::fs::remove_dir_all(&home);
    let hook_cmd = |program: &str, dir: &Path| {
        let mut c = cmd(program, dir, &cache);
        c.env("PRE_COMMIT_HOME", &home)
            .env("PIP_NO_INDEX", "1")
            .env("PIP_FIND_LINKS", wheels)
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
            // No compiler: the hook must not build anything.
            .env("CARGO", "/nonexistent/cargo")
            .env("RUSTC", "/nonexistent/rustc");
        c
    };

    let user = tempfile::tempdir().unwrap();
    let u = user.path();
    git(u, &cache, &["init", "-q", "-b", "main"]);
    write(
        u,
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: credlint\n",
            cache.join("mirror-repo").display()
        ),
    );
    write(u, "README.md", "# a project\n");
    let started = Instant::now();
    ok({
        let mut c = hook_cmd("pre-commit", u);
        c.args(["install", "--install-hooks"]);
        c
    });
    let install_secs = started.elapsed().as_secs_f64();
    eprintln!("wheel hook: first `pre-commit install --install-hooks`: {install_secs:.1}s");
    // The hook's environment holds the wheel's binary.
    let installed: Vec<PathBuf> = std::fs::read_dir(&home)
        .unwrap()
        .map(|e| e.unwrap().path())
        .flat_map(|repo| std::fs::read_dir(repo).into_iter().flatten())
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("py_env-")
        })
        .map(|env| env.join("bin/credlint"))
        .filter(|b| b.is_file())
        .collect();
    assert_eq!(
        installed.len(),
        1,
        "credlint in the hook's virtualenv: {installed:?}"
    );

    let commit = |message: &str| {
        let mut c = hook_cmd("git", u);
        c.args(["commit", "-m", message]);
        let out = run(c);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    git(u, &cache, &["add", "-A"]);
    let (committed, text) = commit("first commit");
    assert!(committed, "{text}");

    // A secret: refused, with file:line, the rule and the ways out.
    let token = github_token("wheel-hook");
    write(
        u,
        "src/settings.py",
        format!("DEBUG = True\nGITHUB_TOKEN = \"{token}\"\n"),
    );
    git(u, &cache, &["add", "-A"]);
    let (committed, text) = commit("add settings");
    assert!(!committed, "the commit went through:\n{text}");
    assert!(
        text.contains("credlint (leaked credentials)") && text.contains("Failed"),
        "{text}"
    );
    assert!(text.contains("src/settings.py:2:"), "file:line: {text}");
    assert!(text.contains("credlint:allow github-pat-classic"), "{text}");
    assert!(!text.contains(&token), "the secret is masked: {text}");

    // Without it: committed; this is the per-commit cost.
    write(
        u,
        "src/settings.py",
        "import os\nGITHUB_TOKEN = os.environ[\"GITHUB_TOKEN\"]\n",
    );
    git(u, &cache, &["add", "-A"]);
    let started = Instant::now();
    let (committed, text) = commit("add settings");
    let commit_secs = started.elapsed().as_secs_f64();
    assert!(committed, "a clean commit was refused:\n{text}");
    assert!(text.contains("Passed"), "{text}");
    eprintln!("wheel hook: clean commit: {commit_secs:.2}s");
    let log = git(u, &cache, &["log", "--oneline"]);
    assert_eq!(String::from_utf8_lossy(&log.stdout).lines().count(), 2);
}

/// The mirror pins the wheel of this very version and runs the same
/// command as the source hook.
#[test]
fn mirror_pins_this_version_and_runs_the_same_entry() {
    let backend =
        std::fs::read_to_string(root().join("pre-commit-mirror/credlint_pre_commit_build.py"))
            .unwrap();
    assert!(
        backend.contains(&format!("\nVERSION = \"{}\"\n", env!("CARGO_PKG_VERSION"))),
        "pre-commit-mirror/credlint_pre_commit_build.py must pin credlint {}",
        env!("CARGO_PKG_VERSION")
    );
    assert!(backend.contains("REQUIRES = [\"credlint==\" + VERSION]"));
    let mirror =
        std::fs::read_to_string(root().join("pre-commit-mirror/.pre-commit-hooks.yaml")).unwrap();
    let source = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    for hooks in [&mirror, &source] {
        assert!(hooks.contains("- id: credlint\n"), "{hooks}");
        assert!(hooks.contains("  entry: credlint staged\n"), "{hooks}");
        assert!(hooks.contains("  pass_filenames: false\n"), "{hooks}");
    }
    assert!(mirror.contains("  language: python\n"));
    assert!(source.contains("  language: rust\n"));
}
