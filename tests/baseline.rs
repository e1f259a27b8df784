//! The baseline round trip with the real binary: record today's findings,
//! move the secret's line and then its file (still suppressed), add a new
//! secret (reported, exit 1), remove an old one (a stale-entry warning).

mod common;

use std::path::Path;

use common::{credlint, github_token, write};
use serde_json::Value;

const BASE: &str = ".credlint-baseline.json";

fn scan(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let out = credlint()
        .current_dir(dir)
        .args(["scan", "--no-config", "--baseline", BASE])
        .args(extra)
        .arg(".")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_scan(dir: &Path) -> (i32, Value) {
    let (code, stdout, stderr) = scan(dir, &["-f", "json", "--show-suppressed"]);
    let v = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (code, v)
}

fn make_baseline(dir: &Path, extra: &[&str]) -> Value {
    credlint()
        .current_dir(dir)
        .args(["baseline", "--no-config", "-o", BASE])
        .args(extra)
        .arg(".")
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.join(BASE)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// (unsuppressed, suppressed-by-the-baseline) findings of a JSON report
/// (other suppressed candidates, e.g. filtered by entropy, are left out).
fn split(v: &Value) -> (Vec<Value>, Vec<Value>) {
    let all = v["findings"].as_array().unwrap().clone();
    let (shown, hidden): (Vec<Value>, Vec<Value>) =
        all.into_iter().partition(|f| f.get("suppressed").is_none());
    let by_baseline = hidden
        .into_iter()
        .filter(|f| f["suppressed"]["by"] == "baseline")
        .collect();
    (shown, by_baseline)
}

#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let old = github_token("baseline-old");
    let other = github_token("baseline-other");
    write(d, "src/app.py", format!("import os\nTOKEN = \"{old}\"\n"));
    write(d, "deploy/env.sh", format!("export GH={other}\n"));

    // 1. Record: no secret in the file, not even a prefix of one.
    let b = make_baseline(d, &[]);
    let text = std::fs::read_to_string(d.join(BASE)).unwrap();
    assert!(
        !text.contains("ghp_") && !text.contains(&old[4..12]),
        "{text}"
    );
    let entries = b["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{b}");
    assert_eq!(b["version"], 1);
    for e in entries {
        assert_eq!(e["rule_id"], "github-pat-classic");
        assert!(e["fingerprint"].as_str().unwrap().len() == 32);
        assert!(e["value_fingerprint"].as_str().unwrap().len() == 32);
        assert!(e["line"].as_u64().is_some());
    }
    let (code, stdout, _) = scan(d, &[]);
    assert_eq!(code, 0, "{stdout}");
    // Nothing new, and the baseline file itself raises nothing.
    assert!(stdout.contains("no findings"), "{stdout}");

    // 2. Move the line: same fingerprint, still suppressed.
    write(
        d,
        "src/app.py",
        format!("import os\n\n\n# moved down\nx = 1\nTOKEN = \"{old}\"\n"),
    );
    let (code, v) = json_scan(d);
    let (shown, hidden) = split(&v);
    assert_eq!(code, 0, "{v}");
    assert!(shown.is_empty(), "{shown:?}");
    assert_eq!(hidden.len(), 2);
    assert!(
        hidden.iter().all(|f| f["suppressed"]["by"] == "baseline"),
        "{hidden:?}"
    );

    // 3. Move the file: new path, same secret, still suppressed.
    std::fs::create_dir_all(d.join("lib")).unwrap();
    std::fs::rename(d.join("src/app.py"), d.join("lib/settings.py")).unwrap();
    let (code, v) = json_scan(d);
    let (shown, hidden) = split(&v);
    assert_eq!(code, 0, "{v}");
    assert!(shown.is_empty(), "{shown:?}");
    let moved = hidden
        .iter()
        .find(|f| f["path"] == "lib/settings.py")
        .unwrap_or_else(|| panic!("{hidden:?}"));
    assert!(
        moved["suppressed"]["detail"]
            .as_str()
            .unwrap()
            .contains("src/app.py:2"),
        "{moved}"
    );
    // Listed, with the reason, in the human format too.
    let (_, stdout, _) = scan(d, &["--show-suppressed"]);
    assert!(stdout.contains("suppressed ("), "{stdout}");
    assert!(
        stdout.contains("lib/settings.py:6 github-pat-classic"),
        "{stdout}"
    );
    assert!(
        stdout.contains("baseline .credlint-baseline.json"),
        "{stdout}"
    );

    // 4. A new secret is reported, and fails the run, with the ways out.
    let new = github_token("baseline-new");
    write(
        d,
        "lib/client.py",
        format!("\nclient = Github(\"{new}\")\n"),
    );
    let (code, stdout, stderr) = scan(d, &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("lib/client.py:2:"), "{stdout}");
    assert!(stdout.contains("1 finding"), "{stdout}");
    assert!(
        !stdout.contains("settings.py"),
        "old findings stay quiet: {stdout}"
    );
    assert!(
        stderr.contains("credlint:allow github-pat-classic"),
        "{stderr}"
    );
    assert!(stderr.contains("credlint baseline -o"), "{stderr}");

    // 5. Remove an old secret: its entry is stale, a warning (not a failure).
    std::fs::remove_file(d.join("lib/client.py")).unwrap();
    std::fs::remove_file(d.join("deploy/env.sh")).unwrap();
    let (code, stdout, _) = scan(d, &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("stale baseline entry github-pat-classic at deploy/env.sh:1"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("stale baseline entry").count(),
        1,
        "{stdout}"
    );
    // In JSON the warning goes to standard error; stdout stays a document.
    let (_, stdout, stderr) = scan(d, &["-f", "json"]);
    assert!(stderr.contains("stale baseline entry"), "{stderr}");
    serde_json::from_str::<Value>(&stdout).unwrap();
    // Scanning one file is not a scan of everything: no stale warnings.
    let (_, stdout, _) = scan(d, &["lib/settings.py"]);
    assert!(!stdout.contains("stale"), "{stdout}");
}

#[test]
fn config_names_the_baseline_and_regenerating_ignores_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let old = github_token("cfg-old");
    write(d, "a.env", format!("GH={old}\n"));
    write(d, ".credlint.toml", format!("baseline = \"{BASE}\"\n"));
    // The config names a baseline that does not exist yet: `baseline` still works.
    credlint()
        .current_dir(d)
        .args(["baseline", "-o", BASE, "."])
        .assert()
        .success();
    credlint()
        .current_dir(d)
        .args(["scan", "."])
        .assert()
        .code(0);
    // Regenerating with the baseline in force still records everything.
    let new = github_token("cfg-new");
    write(d, "b.env", format!("GH={new}\n"));
    credlint()
        .current_dir(d)
        .args(["scan", "."])
        .assert()
        .code(1);
    credlint()
        .current_dir(d)
        .args(["baseline", "-o", BASE, "."])
        .assert()
        .success();
    let b: Value = serde_json::from_str(&std::fs::read_to_string(d.join(BASE)).unwrap()).unwrap();
    assert_eq!(b["findings"].as_array().unwrap().len(), 2, "{b}");
    credlint()
        .current_dir(d)
        .args(["scan", "."])
        .assert()
        .code(0);
}

#[test]
fn a_broken_baseline_is_exit_2_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.txt", "nothing here\n");
    write(
        d,
        BASE,
        "{\n  \"version\": 1,\n  \"findings\": [\n    {\"rule_id\": 3}\n  ]\n}\n",
    );
    let (code, _, stderr) = scan(d, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("invalid baseline"), "{stderr}");
    assert!(stderr.contains(".credlint-baseline.json:4:"), "{stderr}");
    // A missing one too.
    std::fs::remove_file(d.join(BASE)).unwrap();
    let (code, _, stderr) = scan(d, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read baseline"), "{stderr}");
}
