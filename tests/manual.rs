//! `credlint completions SHELL` and `credlint man`: every shell's script is
//! generated and names the subcommands; the bash, zsh and fish scripts pass
//! their shell's own syntax check (`bash -n`, `zsh -n`, `fish -n`); the man
//! page renders with groff and lists every subcommand.
//!
//! zsh, fish and groff are skipped with a message when missing, unless `CI`
//! is set (.ci/run installs them from Debian).

mod common;

use std::process::Command;

use common::{credlint, tool_or_skip};

/// Every subcommand, as `credlint --help` lists them.
const SUBCOMMANDS: &[&str] = &[
    "scan",
    "rules",
    "explain",
    "baseline",
    "git",
    "staged",
    "cluster",
    "completions",
    "man",
];

fn stdout_of(args: &[&str]) -> String {
    let out = credlint().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "credlint {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `shell -n FILE` (parse only) on `script`.
fn syntax_check(shell: &str, script: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("credlint.{shell}"));
    std::fs::write(&file, script).unwrap();
    let out = Command::new(shell).arg("-n").arg(&file).output().unwrap();
    assert!(
        out.status.success(),
        "{shell} -n rejects the completion script:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.contains("credlint"), "{shell}: {script}");
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} completion lacks `{sub}`");
        }
    }
    // Option values come from the CLI definition too.
    let bash = stdout_of(&["completions", "bash"]);
    assert!(
        bash.contains("--fail-on") && bash.contains("sarif"),
        "{bash}"
    );
}

#[test]
fn completions_reject_an_unknown_shell() {
    let out = credlint().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bash"));
}

#[test]
fn bash_completion_passes_bash_n() {
    assert!(tool_or_skip(
        "bash_completion",
        "bash",
        "apt-get install bash"
    ));
    syntax_check("bash", &stdout_of(&["completions", "bash"]));
}

#[test]
fn zsh_completion_passes_zsh_n() {
    if tool_or_skip("zsh_completion", "zsh", "apt-get install zsh") {
        syntax_check("zsh", &stdout_of(&["completions", "zsh"]));
    }
}

#[test]
fn fish_completion_passes_fish_n() {
    if tool_or_skip("fish_completion", "fish", "apt-get install fish") {
        syntax_check("fish", &stdout_of(&["completions", "fish"]));
    }
}

#[test]
fn man_page_renders_with_groff_and_lists_the_subcommands() {
    let roff = stdout_of(&["man"]);
    assert!(
        roff.starts_with(".ie") || roff.contains(".TH credlint 1"),
        "{roff}"
    );
    if !tool_or_skip("man_page", "groff", "apt-get install groff-base") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("credlint.1");
    std::fs::write(&page, &roff).unwrap();
    let out = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(&page)
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "groff warns or fails on the page:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new("groff")
        .args(["-man", "-Tutf8"])
        .arg(&page)
        .env("GROFF_NO_SGR", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    // Rendered text, with overstrike bold/underline removed.
    let raw = String::from_utf8_lossy(&out.stdout);
    let mut text = String::new();
    for c in raw.chars() {
        if c == '\u{8}' {
            text.pop();
        } else {
            text.push(c);
        }
    }
    assert!(text.contains("NAME"), "{text}");
    assert!(
        text.contains("credlint - Finds leaked credentials"),
        "{text}"
    );
    assert!(text.contains("SUBCOMMANDS"), "{text}");
    for sub in SUBCOMMANDS {
        assert!(
            text.contains(&format!("credlint-{sub}(1)")),
            "the page does not list `{sub}`:\n{text}"
        );
    }
    assert!(text.contains("VERSION"), "{text}");
}
