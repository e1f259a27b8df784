//! Hostile rules and config with the real binary: a user rule whose regex
//! would blow up (refused, naming the rule), one whose regex backtracks
//! catastrophically in other engines (bounded here: the scan finishes), a
//! rule without usable keywords, invalid TOML in the config and in a rule
//! file (pointing at line:col), an unknown key in a rule, an oversized
//! allow regex, a missing or non-UTF-8 file. Every one is exit 2 with a
//! message that says what is wrong, or a scan that finishes.
//!
//! `tests/config.rs` already covers an unknown config key and a rule whose
//! pattern does not parse; they are not repeated here.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{credlint, write};

fn run(dir: &Path, args: &[&str]) -> (i32, String, String, Duration) {
    let t = Instant::now();
    let out = credlint()
        .current_dir(dir)
        .args(args)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    (
        out.status.code().expect("exited, not killed"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        flat(&String::from_utf8_lossy(&out.stderr)),
        t.elapsed(),
    )
}

/// miette wraps long messages to the terminal width behind a `│` gutter:
/// undo that so a message can be matched whole (the source frame, with its
/// `file:line:col`, stays readable).
fn flat(stderr: &str) -> String {
    stderr
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A rule file with one rule, `acme-token`, whose fields are overridden by
/// `keywords` and `pattern` (TOML values as written).
fn rule(keywords: &str, pattern: &str) -> String {
    format!(
        "# Team rules.\n\n[[rules]]\nid = \"acme-token\"\nname = \"Acme token\"\n\
         description = \"An Acme API token.\"\nseverity = \"high\"\nkeywords = {keywords}\n\
         pattern = '''{pattern}'''\nexamples = [\"acme_q3xj7tplm4zk2rwb\"]\n\
         negative_examples = [\"acme_token\"]\n"
    )
}

/// A tree with a config that loads `r.toml` as an extra rule file.
fn tree(rules: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".credlint.toml",
        "[rules]\nextra = [\"r.toml\"]\n",
    );
    write(dir.path(), "r.toml", rules);
    write(dir.path(), "src/app.py", "x = 1\n");
    dir
}

#[test]
fn a_regex_that_compiles_too_big_is_refused_naming_the_rule() {
    // A million repetitions of a class: far over the 8 MiB compiled-size limit.
    let dir = tree(&rule(
        "[\"acme_\"]",
        "(?P<secret>acme_[a-z0-9]{1000}{1000})",
    ));
    let (code, _, stderr, took) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("rule `acme-token`"), "{stderr}");
    assert!(stderr.contains("pattern rejected"), "{stderr}");
    assert!(stderr.contains("size limit"), "says why: {stderr}");
    assert!(
        stderr.contains("r.toml:3:1"),
        "points at the rule: {stderr}"
    );
    assert!(
        took < Duration::from_secs(60),
        "refused quickly, took {took:?}"
    );
}

#[test]
fn a_too_big_allow_pattern_in_a_rule_is_refused() {
    let text = rule("[\"acme_\"]", "(?P<secret>acme_[a-z0-9]{16})").replace(
        "negative_examples",
        "allow = ['''[a-z]{1000}{1000}''']\nnegative_examples",
    );
    let dir = tree(&text);
    let (code, _, stderr, _) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("rule `acme-token`: invalid allow pattern"),
        "{stderr}"
    );
    assert!(stderr.contains("size limit"), "{stderr}");
}

#[test]
fn a_backtracking_bomb_is_bounded() {
    // `(a+)+$` takes exponential time in a backtracking engine on a run of
    // `a`s that ends in something else; the regex crate is linear, and the
    // keyword windows (merged as they open, capped at 64 KiB each side)
    // bound how much text it sees. The keyword hits at every byte.
    let text = rule("[\"aa\"]", "(?P<secret>(a+)+$)")
        .replace(
            "examples = [\"acme_q3xj7tplm4zk2rwb\"]",
            "examples = [\"aaaa\"]",
        )
        .replace(
            "negative_examples = [\"acme_token\"]",
            "negative_examples = [\"b\"]",
        )
        .replace(
            "severity = \"high\"",
            "severity = \"high\"\nwindow = [65536, 65536]",
        );
    let dir = tree(&text);
    let mut hay = vec![b'a'; 4 << 20];
    hay.push(b'!');
    write(dir.path(), "src/aaaa.txt", &hay);
    write(
        dir.path(),
        "src/lines.txt",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\n".repeat(50_000),
    );
    let (code, stdout, stderr, took) = run(dir.path(), &["scan", ".", "--format", "json"]);
    assert!(code == 0 || code == 1, "{code}: {stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    // The two text files, app.py, and the config and rule file themselves.
    assert_eq!(v["summary"]["units"], 5, "{stdout}");
    assert!(took < Duration::from_secs(60), "bounded, took {took:?}");
}

#[test]
fn a_rule_without_keywords_is_exit_2() {
    let dir = tree(&rule("[]", "(?P<secret>acme_[a-z0-9]{16})"));
    let (code, _, stderr, _) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("rule `acme-token` needs at least one keyword"),
        "{stderr}"
    );
    assert!(stderr.contains("r.toml:3:1"), "{stderr}");

    // A keyword of one byte would open a window at almost every byte.
    let dir = tree(&rule("[\"a\"]", "(?P<secret>acme_[a-z0-9]{16})"));
    let (code, _, stderr, _) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("two or more bytes"), "{stderr}");

    // No `keywords` key at all: a missing field, named.
    let text = rule("[\"acme_\"]", "(?P<secret>acme_[a-z0-9]{16})")
        .replace("keywords = [\"acme_\"]\n", "");
    let dir = tree(&text);
    let (code, _, stderr, _) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("missing field `keywords`"), "{stderr}");
}

#[test]
fn invalid_toml_in_the_config_points_at_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".credlint.toml",
        "fail_on = \"high\"\n\n[scan\nexclude = [\"vendor\"]\n",
    );
    write(dir.path(), "src/app.py", "x = 1\n");
    let (code, _, stderr, _) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("invalid config"), "{stderr}");
    assert!(stderr.contains(".credlint.toml:3:"), "line 3: {stderr}");
    assert!(stderr.contains("[scan"), "the bad line is quoted: {stderr}");

    // A value of the wrong type, deep in the file.
    write(
        dir.path(),
        ".credlint.toml",
        "[scan]\nexclude = []\nmax_file_size = \"big\"\n",
    );
    let (code, _, stderr, _) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(".credlint.toml:3:17"), "{stderr}");
}

#[test]
fn a_config_that_is_not_utf8_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".credlint.toml", b"fail_on = \"\xff\xfe\"\n");
    write(dir.path(), "src/app.py", "x = 1\n");
    let (code, _, stderr, _) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(".credlint.toml"),
        "names the file: {stderr}"
    );
}

#[test]
fn invalid_toml_in_a_rule_file_points_at_line_and_column() {
    let text = rule("[\"acme_\"]", "(?P<secret>acme_[a-z0-9]{16})")
        .replace("severity = \"high\"", "severity = high");
    let dir = tree(&text);
    let (code, _, stderr, _) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("r.toml:7:"), "line 7: {stderr}");

    // An unknown key in a rule is refused, not ignored.
    let text = rule("[\"acme_\"]", "(?P<secret>acme_[a-z0-9]{16})")
        .replace("severity = \"high\"", "severity = \"high\"\nentropy = 3.0");
    let dir = tree(&text);
    let (code, _, stderr, _) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("unknown field `entropy`"), "{stderr}");
    assert!(stderr.contains("r.toml:"), "{stderr}");
}

#[test]
fn a_missing_rule_file_is_exit_2_naming_it() {
    let dir = tree("");
    std::fs::remove_file(dir.path().join("r.toml")).unwrap();
    let (code, _, stderr, _) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot read rule file"), "{stderr}");
    assert!(stderr.contains("r.toml"), "{stderr}");
}

#[test]
fn a_too_big_allow_regex_in_the_config_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".credlint.toml",
        "[allow]\nsecrets = ['''\\w{1000}{1000}''']\n",
    );
    write(dir.path(), "src/app.py", "x = 1\n");
    let (code, _, stderr, took) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("invalid allow regex"), "{stderr}");
    assert!(took < Duration::from_secs(60), "took {took:?}");
}

// ---- the tool's own hygiene ------------------------------------------------
// `tests/scan.rs` greps every report format (stdout and stderr) for raw
// secrets; these cover what it does not: the baseline file, the warnings a
// broken manifest produces, and the mode of a report written with `-o`.

/// A tree whose secrets sit next to things that make warnings: a manifest
/// whose YAML breaks right after a secret, a non-UTF-8 manifest with one, a
/// Secret whose base64 value decodes to one.
fn secret_tree() -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let gh = common::github_token("hygiene-1");
    let aws = format!("{}{}", "AKIA", "Q3XJ7TPLM4ZK2RWB");
    write(
        dir.path(),
        "deploy/broken.yaml",
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  token: {gh}\n  bad: [unclosed {gh}\n"
        ),
    );
    let mut latin1 =
        format!("apiVersion: v1\nkind: ConfigMap\ndata:\n  aws: {aws}\n  x: ").into_bytes();
    latin1.extend_from_slice(b"\xe9t\xe9\n");
    write(dir.path(), "deploy/latin1.yaml", latin1);
    let gh2 = common::github_token("hygiene-2");
    let b64 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(&gh2)
    };
    write(
        dir.path(),
        "deploy/secret.yaml",
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  token: {b64}\n"),
    );
    write(
        dir.path(),
        "src/app.py",
        format!("TOKEN = \"{gh}\"  # and again: {gh}x\n"),
    );
    (dir, vec![gh, aws, gh2])
}

fn assert_clean(what: &str, text: &str, secrets: &[String]) {
    for s in secrets {
        assert!(
            !text.contains(s.as_str()),
            "{what} holds a raw secret:\n{text}"
        );
        assert!(
            !text.contains(&s[4..16]),
            "{what} holds part of a secret:\n{text}"
        );
    }
}

#[test]
fn no_secret_in_warnings_notices_or_baselines() {
    let (dir, secrets) = secret_tree();
    for format in ["human", "json", "sarif"] {
        let (code, stdout, stderr, _) =
            run(dir.path(), &["scan", ".", "--no-config", "-f", format]);
        assert_eq!(code, 1, "{stderr}");
        assert!(
            stdout.contains("invalid YAML") || stderr.contains("invalid YAML"),
            "the broken manifest is warned about ({format}): {stdout}{stderr}"
        );
        assert_clean(&format!("scan -f {format} stdout"), &stdout, &secrets);
        assert_clean(&format!("scan -f {format} stderr"), &stderr, &secrets);
    }
    let (code, stdout, stderr, _) = run(
        dir.path(),
        &["baseline", ".", "--no-config", "-o", "b.json"],
    );
    assert_eq!(code, 0, "{stderr}");
    let baseline = std::fs::read_to_string(dir.path().join("b.json")).unwrap();
    assert!(baseline.contains("github-pat-classic"), "{baseline}");
    assert_clean("the baseline file", &baseline, &secrets);
    assert_clean("baseline stdout", &stdout, &secrets);
    assert_clean("baseline stderr", &stderr, &secrets);
    // Not even the masked prefix: a baseline holds fingerprints only.
    assert!(!baseline.contains(&secrets[0][..8]), "{baseline}");
    // `--reveal` is the one way to see a secret.
    let (_, stdout, _, _) = run(
        dir.path(),
        &["scan", ".", "--no-config", "-f", "json", "--reveal"],
    );
    assert!(stdout.contains(secrets[0].as_str()));
}

#[cfg(unix)]
#[test]
fn reports_written_with_o_are_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let (dir, secrets) = secret_tree();
    let (code, _, stderr, _) = run(
        dir.path(),
        &["scan", ".", "--no-config", "-f", "json", "-o", "r.json"],
    );
    assert_eq!(code, 1, "{stderr}");
    let p = dir.path().join("r.json");
    let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "report mode {mode:o}");
    assert_clean(
        "the report file",
        &std::fs::read_to_string(&p).unwrap(),
        &secrets,
    );
}
