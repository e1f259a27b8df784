//! `.credlint.toml` with the real binary: errors point at the line, the
//! allowlists suppress (and say when they matched nothing), severity
//! overrides move the exit code, `--dump-config` prints the merged result.

mod common;

use std::path::Path;

use common::{credlint, github_token, write};

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = credlint().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tree_with_token(seed: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let t = github_token(seed);
    write(
        dir.path(),
        "src/app.py",
        format!("x = 1\nTOKEN = \"{t}\"\n"),
    );
    (dir, t)
}

#[test]
fn unknown_key_is_exit_2_naming_the_line() {
    let (dir, _) = tree_with_token("cfg-unknown");
    write(
        dir.path(),
        ".credlint.toml",
        "fail_on = \"high\"\n\n[scan]\nexclud = [\"vendor\"]\n",
    );
    let (code, _, stderr) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("unknown field `exclud`"), "{stderr}");
    assert!(stderr.contains(".credlint.toml:4:1"), "{stderr}");
    assert!(
        stderr.contains("exclud = [\"vendor\"]"),
        "the bad line is quoted: {stderr}"
    );
}

#[test]
fn extra_rule_with_a_bad_regex_is_exit_2_pointing_at_the_rule() {
    let (dir, _) = tree_with_token("cfg-extra");
    write(
        dir.path(),
        ".credlint.toml",
        "[rules]\nextra = [\"team-rules.toml\"]\n",
    );
    write(
        dir.path(),
        "team-rules.toml",
        "# Our internal token.\n\n[[rules]]\nid = \"acme-token\"\nname = \"Acme token\"\n\
         description = \"An Acme API token.\"\nseverity = \"high\"\nkeywords = [\"acme_\"]\n\
         pattern = '''(?P<secret>acme_[0-9a-f]{32}'''\nexamples = [\"acme_0123456789abcdef0123456789abcdef\"]\n\
         negative_examples = [\"acme_token\"]\n",
    );
    let (code, _, stderr) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("rule `acme-token`"), "{stderr}");
    assert!(stderr.contains("unclosed group"), "{stderr}");
    assert!(
        stderr.contains("team-rules.toml:3:1"),
        "points at the rule: {stderr}"
    );
}

#[test]
fn allowlists_suppress_and_unused_entries_are_reported() {
    let (dir, _) = tree_with_token("cfg-allow");
    let d = dir.path();
    let (code, _, _) = run(d, &["scan", "."]);
    assert_eq!(code, 1);
    // Per rule and path.
    write(
        d,
        ".credlint.toml",
        "[[allow.rule]]\nid = \"github-pat-classic\"\npaths = [\"src/**\"]\n\n\
         [[allow.rule]]\nid = \"slack-bot-token\"\n\n[allow]\nsecrets = [\"^EXAMPLE\"]\n",
    );
    let (code, stdout, _) = run(d, &["scan", ".", "--show-suppressed"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("config allow.rule `github-pat-classic`"),
        "{stdout}"
    );
    // The two entries that matched nothing are named.
    assert!(
        stdout.contains("allowlist entry allow.secrets `^EXAMPLE` matched nothing"),
        "{stdout}"
    );
    assert!(
        stdout.contains("[[allow.rule]] #2 (id = `slack-bot-token`) matched nothing"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("#1 (id = `github-pat-classic`)"),
        "{stdout}"
    );
    // Global secret regex.
    write(d, ".credlint.toml", "[allow]\nsecrets = [\"^ghp_\"]\n");
    let (code, stdout, _) = run(d, &["scan", "."]);
    assert_eq!(code, 0, "{stdout}");
    assert!(!stdout.contains("matched nothing"), "{stdout}");
    // A path glob that does not cover the file does not suppress it.
    write(
        d,
        ".credlint.toml",
        "[[allow.rule]]\nid = \"github-pat-classic\"\npaths = [\"tests/**\"]\n",
    );
    let (code, _, _) = run(d, &["scan", "."]);
    assert_eq!(code, 1);
}

#[test]
fn severity_override_moves_the_exit_code() {
    let (dir, _) = tree_with_token("cfg-sev");
    let d = dir.path();
    // Critical by default: fails at --fail-on high.
    let (code, _, _) = run(d, &["scan", ".", "--fail-on", "high"]);
    assert_eq!(code, 1);
    write(
        d,
        ".credlint.toml",
        "[rules.severity]\ngithub-pat-classic = \"low\"\n",
    );
    let (code, stdout, _) = run(d, &["scan", ".", "--fail-on", "high"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("1 finding (1 low)"),
        "still reported, as low: {stdout}"
    );
    // The config's fail_on, and the command line over it.
    write(
        d,
        ".credlint.toml",
        "fail_on = \"medium\"\n[rules.severity]\ngithub-pat-classic = \"low\"\n",
    );
    assert_eq!(run(d, &["scan", "."]).0, 0);
    assert_eq!(run(d, &["scan", ".", "--fail-on", "low"]).0, 1);
}

#[test]
fn dump_config_prints_the_merged_config() {
    let (dir, _) = tree_with_token("cfg-dump");
    let d = dir.path();
    write(
        d,
        ".credlint.toml",
        "fail_on = \"high\"\n[scan]\nexclude = [\"vendor/**\"]\n[rules]\ndisable = [\"slack-bot-token\"]\n",
    );
    let (code, stdout, stderr) = run(
        d,
        &[
            "scan",
            ".",
            "--dump-config",
            "--disable",
            "aws-access-key-id",
            "--fail-on",
            "medium",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("# merged config: "), "{stdout}");
    assert!(
        stdout.contains(".credlint.toml plus the command line"),
        "{stdout}"
    );
    let v: toml::Table = toml::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(v["fail_on"].as_str(), Some("medium"));
    assert_eq!(v["scan"]["exclude"][0].as_str(), Some("vendor/**"));
    let disabled: Vec<&str> = v["rules"]["disable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert_eq!(disabled, ["slack-bot-token", "aws-access-key-id"]);
    // What it prints is itself a valid config.
    write(d, "dumped.toml", &stdout);
    let (code, _, stderr) = run(
        d,
        &[
            "scan",
            ".",
            "--config",
            "dumped.toml",
            "--fail-on",
            "critical",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
}
