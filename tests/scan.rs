//! End-to-end tests of `credlint scan`: the real binary on trees built by
//! the test, checking exit codes, locations, every output format, masking
//! and SARIF validity.

mod common;

use common::{credlint, github_token, sarif_schema, write};
use serde_json::Value;

fn b64(s: &str) -> String {
    use base64_lite::encode;
    encode(s.as_bytes())
}

/// Minimal base64 encoder, so the test does not need another dependency.
mod base64_lite {
    pub fn encode(b: &[u8]) -> String {
        const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for c in b.chunks(3) {
            let n = (c[0] as u32) << 16
                | (*c.get(1).unwrap_or(&0) as u32) << 8
                | *c.get(2).unwrap_or(&0) as u32;
            for i in 0..4 {
                if i <= c.len() {
                    out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

struct Tree {
    dir: tempfile::TempDir,
    tokens: Vec<String>,
}

/// A tree with secrets in the places secrets live, plus things to skip.
fn tree() -> Tree {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let t: Vec<String> = (0..6).map(|i| github_token(&format!("tree{i}"))).collect();
    write(d, ".env", format!("DEBUG=1\nGITHUB_TOKEN={}\n", t[0]));
    write(
        d,
        "src/app.py",
        format!("import os\n\nclient = Github(\"{}\")\n", t[1]),
    );
    write(
        d,
        "k8s/secret.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: gh\ntype: Opaque\ndata:\n  token: {}\n",
            b64(&t[2])
        ),
    );
    write(
        d,
        "src/allowed.py",
        format!("TOKEN = \"{}\"  # credlint:allow\n", t[3]),
    );
    // Invalid UTF-8 around a secret: scanned as bytes.
    let mut bytes = b"\xff\xfe\xfd garbage \xc3\x28 ".to_vec();
    bytes.extend_from_slice(t[4].as_bytes());
    bytes.push(b'\n');
    write(d, "data/latin.txt", bytes);
    // Binary content: skipped by sniffing.
    let mut bin = vec![0u8, 1, 2, 3];
    bin.extend_from_slice(t[5].as_bytes());
    write(d, "bin/blob.dat", bin);
    // Ignored by .gitignore.
    write(d, ".gitignore", "ignored/\n");
    write(d, "ignored/x.txt", format!("{}\n", t[5]));
    // .git is never walked as files.
    write(d, ".git/config", format!("token = {}\n", t[5]));
    Tree { dir, tokens: t }
}

fn json_findings(args: &[&str], dir: &std::path::Path) -> (i32, Value) {
    let out = credlint()
        .args(["scan", "--no-config", "-f", "json"])
        .args(args)
        .arg(dir)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    (out.status.code().unwrap(), v)
}

#[test]
fn finds_secrets_where_they_live_and_skips_the_rest() {
    let t = tree();
    let (code, v) = json_findings(&[], t.dir.path());
    assert_eq!(code, 1);
    let f = v["findings"].as_array().unwrap();
    let mut got: Vec<(String, u64, u64)> = f
        .iter()
        .filter(|f| f["rule_id"] == "github-pat-classic")
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (".env".to_string(), 2, 14),
            ("data/latin.txt".to_string(), 1, 16),
            ("k8s/secret.yaml".to_string(), 7, 10),
            ("src/app.py".to_string(), 3, 18),
        ]
    );
    // Stable fingerprints: 32 hex chars, unique per finding here.
    let mut fps: Vec<&str> = f
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert!(fps.iter().all(|x| x.len() == 32));
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), f.len());
    assert!(v["summary"]["files"].is_null());
    assert_eq!(v["summary"]["findings"], f.len());
}

#[test]
fn no_raw_secret_in_any_format_unless_revealed() {
    let t = tree();
    for format in ["human", "json", "jsonl", "sarif"] {
        let out = credlint()
            .args(["scan", "--no-config", "--show-filtered", "-f", format])
            .arg(t.dir.path())
            .output()
            .unwrap();
        let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        let text = String::from_utf8_lossy(&all);
        for tok in &t.tokens {
            assert!(!text.contains(tok.as_str()), "{format} leaked a secret");
            // Nor its random body, nor its base64 form.
            assert!(
                !text.contains(&tok[4..20]),
                "{format} leaked part of a secret"
            );
            assert!(
                !text.contains(&b64(tok)),
                "{format} leaked an encoded secret"
            );
        }
    }
    let out = credlint()
        .args(["scan", "--no-config", "--reveal", "-f", "json"])
        .arg(t.dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(t.tokens[0].as_str()),
        "--reveal shows the secret"
    );
}

#[test]
fn human_output_has_a_code_frame_and_summary() {
    let t = tree();
    let out = credlint()
        .args(["scan", "--no-config"])
        .arg(t.dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("--> src/app.py:3:18"), "{s}");
    assert!(s.contains("github-pat-classic"));
    assert!(s.contains("^^^^"));
    assert!(s.contains("4 critical"), "{s}");
    assert!(
        !s.contains("\u{1b}["),
        "no colour when not a terminal / NO_COLOR"
    );
}

#[test]
fn allow_comment_is_listed_with_show_filtered() {
    let t = tree();
    let (_, v) = json_findings(&["--show-filtered"], t.dir.path());
    let supp: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["suppressed"].is_null())
        .collect();
    assert!(supp
        .iter()
        .any(|f| f["path"] == "src/allowed.py" && f["suppressed"]["by"] == "allow_comment"));
}

#[test]
fn sarif_is_valid_and_complete() {
    let t = tree();
    let out = credlint()
        .args(["scan", "--no-config", "-f", "sarif", "--category", "tree"])
        .arg(t.dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema = sarif_schema();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid: {errors:#?}");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "rule ids duplicated");
    for r in rules {
        assert!(r["help"]["markdown"]
            .as_str()
            .is_some_and(|s| !s.is_empty()));
        let sev: f64 = r["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.1..=10.0).contains(&sev));
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(
        results
            .iter()
            .filter(|r| r["ruleId"] == "github-pat-classic")
            .count(),
        4
    );
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "secret-manifest-committed"));
    for r in results {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(!uri.starts_with('/'), "relative URIs: {uri}");
        assert!(r["partialFingerprints"]["primaryLocationLineHash"].is_string());
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
    }
    assert_eq!(run["automationDetails"]["id"], "tree/");
}

/// SARIF columns count UTF-16 code units (its run says `utf16CodeUnits`);
/// JSON columns count bytes (as docs/findings.schema.json says). They part
/// on a line with non-ASCII text before the secret.
#[test]
fn sarif_columns_are_utf16_code_units_and_json_columns_bytes() {
    let d = tempfile::tempdir().unwrap();
    let t: Vec<String> = (0..4)
        .map(|i| github_token(&format!("utf16col{i}")))
        .collect();
    let lines = [
        format!("# mot de passe \u{e9}lev\u{e9}: password = \"{}\"", t[0]),
        format!("// \u{5bc6}\u{7801}\u{4ee4}\u{724c} token = {}", t[1]),
        format!("note = \"\u{1f511}\u{1f510} caf\u{e9}\"; token = {}", t[2]),
        format!("plain = {}", t[3]),
    ];
    write(d.path(), "notes.txt", lines.join("\n") + "\n");
    // (line, byte column, UTF-16 column, length) of each token.
    let want: Vec<(u64, u64, u64, u64)> = lines
        .iter()
        .zip(&t)
        .enumerate()
        .map(|(i, (line, tok))| {
            let at = line.find(tok.as_str()).unwrap();
            let utf16 = line[..at].encode_utf16().count();
            (
                i as u64 + 1,
                at as u64 + 1,
                utf16 as u64 + 1,
                tok.len() as u64,
            )
        })
        .collect();
    // The text really does tell the two apart (not the last, ASCII line).
    assert!(want[..3].iter().all(|w| w.1 != w.2) && want[3].1 == want[3].2);

    let (code, v) = json_findings(&[], d.path());
    assert_eq!(code, 1);
    let mut json: Vec<(u64, u64, u64, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "github-pat-classic")
        .map(|f| {
            let col = f["column"].as_u64().unwrap();
            assert_eq!(f["end_line"], f["line"]);
            let end = f["end_column"].as_u64().unwrap();
            (f["line"].as_u64().unwrap(), col, end, end - col)
        })
        .collect();
    json.sort();
    let want_json: Vec<_> = want.iter().map(|w| (w.0, w.1, w.1 + w.3, w.3)).collect();
    assert_eq!(json, want_json, "JSON columns are bytes");

    let out = credlint()
        .args(["scan", "--no-config", "-f", "sarif"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema = sarif_schema();
    assert!(jsonschema::validator_for(&schema).unwrap().is_valid(&doc));
    let run = &doc["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let mut sarif: Vec<(u64, u64, u64, u64)> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "github-pat-classic")
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            assert_eq!(region["endLine"], region["startLine"]);
            let col = region["startColumn"].as_u64().unwrap();
            let end = region["endColumn"].as_u64().unwrap();
            (region["startLine"].as_u64().unwrap(), col, end, end - col)
        })
        .collect();
    sarif.sort();
    let want_sarif: Vec<_> = want.iter().map(|w| (w.0, w.2, w.2 + w.3, w.3)).collect();
    assert_eq!(sarif, want_sarif, "SARIF columns are UTF-16 code units");
}

#[test]
fn jsonl_is_one_object_per_line() {
    let t = tree();
    let out = credlint()
        .args(["scan", "--no-config", "-f", "jsonl"])
        .arg(t.dir.path())
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = s
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.iter().filter(|v| v["kind"] == "leak").count(), 4);
    assert!(lines
        .iter()
        .all(|v| v["rule_id"].is_string() && v["line"].is_u64()));
}

#[test]
fn exit_codes() {
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), "a.txt", "nothing to see\n");
    credlint()
        .args(["scan", "--no-config"])
        .arg(clean.path())
        .assert()
        .code(0);
    credlint()
        .args(["scan", "--no-config", "/definitely/not/here"])
        .assert()
        .code(2);
    let t = tree();
    // All findings are critical: a threshold above them cannot exist, but
    // one at critical still fails; the config can lower severities.
    credlint()
        .args(["scan", "--no-config", "--fail-on", "critical"])
        .arg(t.dir.path())
        .assert()
        .code(1);
    write(
        t.dir.path(),
        ".credlint.toml",
        "[rules.severity]\n\"github-pat-classic\" = \"low\"\n\"secret-manifest-committed\" = \"low\"\n",
    );
    credlint()
        .args(["scan", "--fail-on", "medium"])
        .arg(t.dir.path())
        .assert()
        .code(0);
}

#[test]
fn stdin_is_scanned() {
    let tok = github_token("stdin");
    let out = credlint()
        .args(["scan", "--no-config", "-f", "json", "-"])
        .write_stdin(format!("line one\nexport T={tok}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["path"], "-");
    assert_eq!(v["findings"][0]["line"], 2);
}

#[test]
fn size_limit_skips_with_a_notice_and_large_inputs_chunk() {
    let d = tempfile::tempdir().unwrap();
    let tok = github_token("big");
    // ~40 MiB: larger than one chunk, with the secret near a chunk edge and at the end.
    let mut big = String::with_capacity(41 << 20);
    let line = "lorem ipsum dolor sit amet, consectetur adipiscing elit 0123\n";
    while big.len() < (16 << 20) - 30 {
        big.push_str(line);
    }
    big.push_str(&format!("edge {tok}\n"));
    while big.len() < (40 << 20) {
        big.push_str(line);
    }
    big.push_str(&format!("end {tok}\n"));
    write(d.path(), "big.log", &big);
    let out = credlint()
        .args(["scan", "--no-config", "-f", "json", "--max-file-size", "1M"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["notices"][0]["message"]
        .as_str()
        .unwrap()
        .contains("size limit"));
    let out = credlint()
        .args(["scan", "--no-config", "-f", "json", "--max-file-size", "1G"])
        .arg(d.path())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 2, "each secret once across overlapping chunks");
    let total_lines = big.lines().count() as u64;
    assert_eq!(f[1]["line"], total_lines);
    let edge_line = big[..big.find("edge ").unwrap()].lines().count() as u64 + 1;
    assert_eq!(f[0]["line"], edge_line);
}

#[cfg(unix)]
#[test]
fn links_fifos_and_utf16_do_not_break_the_scan() {
    let d = tempfile::tempdir().unwrap();
    let tok = github_token("utf16");
    std::os::unix::fs::symlink(d.path(), d.path().join("loop")).unwrap();
    std::os::unix::fs::symlink("/etc", d.path().join("outside")).unwrap();
    let fifo = d.path().join("pipe");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let mut utf16 = vec![0xFF, 0xFE];
    for u in format!("key = {tok}\n").encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    write(d.path(), "win.txt", utf16);
    for follow in [false, true] {
        let mut c = credlint();
        c.args(["scan", "--no-config", "-f", "json"]).arg(d.path());
        if follow {
            c.arg("--follow-links").args(["--exclude", "outside"]);
        }
        let out = c
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let f = v["findings"].as_array().unwrap();
        assert!(
            f.iter().any(|f| f["path"] == "win.txt" && f["line"] == 1),
            "{v}"
        );
    }
}

#[test]
fn rules_and_explain() {
    let out = credlint().args(["rules"]).output().unwrap();
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("github-pat-classic"));
    let out = credlint()
        .args(["explain", "github-pat-classic"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("## Why it matters") && s.contains("## Instead"));
    credlint()
        .args(["explain", "no-such-rule"])
        .assert()
        .code(2);
}

#[test]
fn json_matches_its_documented_schema() {
    let t = tree();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/findings.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let (_, doc) = json_findings(&["--show-filtered"], t.dir.path());
    let errors: Vec<String> = v
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let (_, doc) = json_findings(&["--reveal"], t.dir.path());
    assert!(v.is_valid(&doc));
}

#[test]
fn every_policy_check_fires_through_the_binary_and_is_explained() {
    let k8s = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/k8s");
    let out = credlint()
        .args(["scan", "--no-config", "-f", "sarif", k8s])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema = sarif_schema();
    assert!(jsonschema::validator_for(&schema).unwrap().is_valid(&doc));
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let fired: std::collections::BTreeSet<&str> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    let listing = credlint().args(["rules", "--json"]).output().unwrap();
    let metas: Value = serde_json::from_slice(&listing.stdout).unwrap();
    let checks: Vec<&str> = metas
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "policy")
        // Live-only checks (tag `live`) need a cluster; tests/cluster.rs has them.
        .filter(|m| !m["tags"].as_array().unwrap().iter().any(|t| t == "live"))
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert!(checks.len() >= 20, "{checks:?}");
    for id in &checks {
        assert!(fired.contains(id), "check {id} never fired on testdata/k8s");
        let rule = rules
            .iter()
            .find(|r| r["id"] == *id)
            .expect("SARIF rule entry");
        assert!(
            rule["help"]["text"].as_str().unwrap().len() > 100,
            "{id} help"
        );
        let ex = credlint().args(["explain", id]).output().unwrap();
        assert!(ex.status.success(), "explain {id}");
        let page = String::from_utf8(ex.stdout).unwrap();
        assert!(
            page.contains("Why it matters") && page.contains("Instead"),
            "{id}: {page}"
        );
    }
    // Compliant fixtures give nothing.
    for r in run["results"].as_array().unwrap() {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            !uri.contains("compliant"),
            "finding on a compliant fixture: {uri} {}",
            r["ruleId"]
        );
    }
}

/// A tree is judged as a whole: the ClusterRoleBinding in one file meets
/// the ClusterRole of another (one object per file is the common layout),
/// and the per-file verdicts of the cross-object checks give way to it.
#[test]
fn policy_checks_join_roles_and_bindings_across_files() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "deploy/rbac/role.yaml",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: secret-reader\nrules:\n  - apiGroups: [\"\"]\n    resources: [secrets]\n    verbs: [get, list]\n",
    );
    write(
        d.path(),
        "deploy/rbac/binding.yaml",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: everyone\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: secret-reader\nsubjects:\n  - kind: Group\n    name: system:authenticated\n    apiGroup: rbac.authorization.k8s.io\n",
    );
    let (code, v) = json_findings(&[], d.path());
    assert_eq!(code, 1);
    let mut got: Vec<(String, String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (
                "rbac-broad-subject".into(),
                "deploy/rbac/binding.yaml".into(),
                10
            ),
            (
                "rbac-secrets-read".into(),
                "deploy/rbac/role.yaml".into(),
                7
            ),
        ]
    );
}
