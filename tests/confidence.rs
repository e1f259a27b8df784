//! Confidence on every finding, with the real binary: the default view
//! shows high and medium, `--confidence low` (or the config key) adds low,
//! `--show-filtered` says why a low one was held back, JSON and SARIF carry
//! it, and no secret is printed whole at any level. Also `credlint rules
//! check FILE` on a user's rule file.

mod common;

use std::path::Path;

use common::{chars, credlint, github_token, write};

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = credlint().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A tree with one finding at each level: a checksummed GitHub token
/// (high), a random value of 20 characters under a key name (medium), and
/// a human-looking password of two character classes (low). Returns the
/// values.
fn tree() -> (tempfile::TempDir, [String; 3]) {
    let dir = tempfile::tempdir().unwrap();
    let token = github_token("conf-high");
    let random = chars(20, "conf-medium");
    let human = "falcon21".to_string();
    write(
        dir.path(),
        "app/settings.py",
        format!("GITHUB = \"{token}\"\nAPI_KEY = \"{random}\"\nADMIN_PASSWORD = \"{human}\"\n"),
    );
    (dir, [token, random, human])
}

fn levels(json: &str) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).expect("JSON report");
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].to_string(),
                f["confidence"].as_str().expect("confidence").to_string(),
            )
        })
        .collect()
}

#[test]
fn default_shows_high_and_medium_and_low_on_request() {
    let (dir, secrets) = tree();
    let (code, out, err) = run(dir.path(), &["scan", ".", "-f", "json", "--no-config"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        levels(&out),
        vec![("1".into(), "high".into()), ("2".into(), "medium".into())]
    );
    let (_, out, _) = run(
        dir.path(),
        &[
            "scan",
            ".",
            "-f",
            "json",
            "--no-config",
            "--confidence",
            "low",
        ],
    );
    assert_eq!(
        levels(&out),
        vec![
            ("1".into(), "high".into()),
            ("2".into(), "medium".into()),
            ("3".into(), "low".into())
        ]
    );
    let (_, out, _) = run(
        dir.path(),
        &[
            "scan",
            ".",
            "-f",
            "json",
            "--no-config",
            "--confidence",
            "high",
        ],
    );
    assert_eq!(levels(&out), vec![("1".into(), "high".into())]);
    // The config key does the same as the flag.
    write(dir.path(), ".credlint.toml", "confidence = \"low\"\n");
    let (_, out, _) = run(dir.path(), &["scan", ".", "-f", "json"]);
    assert_eq!(levels(&out).len(), 3);
    // No level prints a secret whole.
    for s in &secrets {
        assert!(!out.contains(s.as_str()), "a secret printed whole");
    }
}

#[test]
fn show_filtered_says_why_a_low_finding_is_held_back() {
    let (dir, _) = tree();
    let (_, out, _) = run(
        dir.path(),
        &["scan", ".", "-f", "jsonl", "--no-config", "--show-filtered"],
    );
    let held: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|f: &serde_json::Value| f["line"] == 3 && f.get("suppressed").is_some())
        .collect();
    assert_eq!(held.len(), 1, "{out}");
    let why = held[0]["suppressed"]["detail"].as_str().unwrap();
    assert!(why.contains("confidence low"), "{why}");
}

#[test]
fn human_output_names_levels_below_high() {
    let (dir, _) = tree();
    let (_, out, _) = run(
        dir.path(),
        &["scan", ".", "--no-config", "--color", "never"],
    );
    assert!(out.contains("(medium confidence)"), "{out}");
    assert!(!out.contains("(high confidence)"), "{out}");
}

#[test]
fn sarif_carries_precision_and_rank() {
    let (dir, _) = tree();
    let (_, out, _) = run(
        dir.path(),
        &[
            "scan",
            ".",
            "-f",
            "sarif",
            "--no-config",
            "--confidence",
            "low",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let schema = common::sarif_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&v), "SARIF validates");
    let run = &v["runs"][0];
    let results = run["results"].as_array().unwrap();
    let ranks: Vec<f64> = results
        .iter()
        .map(|r| r["rank"].as_f64().unwrap())
        .collect();
    assert_eq!(ranks, vec![90.0, 60.0, 30.0]);
    let confidences: Vec<&str> = results
        .iter()
        .map(|r| r["properties"]["confidence"].as_str().unwrap())
        .collect();
    assert_eq!(confidences, vec!["high", "medium", "low"]);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let precision = |id: &str| {
        rules.iter().find(|r| r["id"] == id).unwrap()["properties"]["precision"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(precision("github-pat-classic"), "high");
    assert_eq!(precision("generic-secret-assignment-quoted"), "medium");
}

#[test]
fn baseline_records_every_level() {
    let (dir, _) = tree();
    let (code, _, err) = run(
        dir.path(),
        &["baseline", ".", "--no-config", "-o", "base.json"],
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(
        dir.path(),
        &[
            "scan",
            ".",
            "-f",
            "json",
            "--no-config",
            "--confidence",
            "low",
            "--baseline",
            "base.json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(levels(&out).is_empty(), "{out}");
}

#[test]
fn rules_check_runs_a_user_rule_files_examples() {
    let dir = tempfile::tempdir().unwrap();
    let good = "[[rules]]\nid = \"acme-token\"\nname = \"Acme token\"\ndescription = \"An Acme API token.\"\nseverity = \"high\"\nreferences = [\"https://acme.invalid/docs/tokens\"]\nkeywords = [\"acme_\"]\npattern = '''\\b(?P<secret>acme_[a-z0-9]{16})\\b'''\nexamples = [\"ACME_TOKEN = \\\"acme_{{lower:16:s1}}\\\"\", \"token: acme_q3xj7tplm4zk2rwb\"]\nnegative_examples = [\"acme_short\", \"acme_token\"]\n";
    write(dir.path(), "good.toml", good);
    let (code, out, err) = run(dir.path(), &["rules", "check", "good.toml"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 rules checked"), "{out}");
    // An example that no longer matches, and a negative that does.
    let bad = good
        .replace("acme_q3xj7tplm4zk2rwb", "acme_Q3")
        .replace("\"acme_short\"", "\"acme_abcdefgh12345678\"");
    write(dir.path(), "bad.toml", bad);
    let (code, out, _) = run(dir.path(), &["rules", "check", "bad.toml"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("missed example \"token: acme_Q3\""), "{out}");
    assert!(out.contains("fired on negative example"), "{out}");
    // A broken rule file is exit 2 pointing at it.
    write(dir.path(), "broken.toml", "[[rules]]\nid = \"x\"\n");
    let (code, _, err) = run(dir.path(), &["rules", "check", "broken.toml"]);
    assert_eq!(code, 2, "{err}");
}
