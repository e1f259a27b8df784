//! Shared test helpers: the test rule set and a scan of one fixture.
#![allow(dead_code)] // each test binary uses a different subset

use credlint_k8s::{check_file, classify, FileReport};
use credlint_leaks::RuleSet;

pub fn rules() -> RuleSet {
    RuleSet::builder()
        .add_file("test-rules.toml", include_str!("rules/test-rules.toml"))
        .build()
        .expect("test rules load")
}

pub fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/k8s")
}

/// Classify and check one fixture (path relative to testdata/k8s).
pub fn scan(rel: &str, rules: &RuleSet) -> FileReport {
    let bytes = std::fs::read(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let path = format!("testdata/k8s/{rel}");
    let kind = classify(&path, &bytes).unwrap_or_else(|| panic!("{rel}: not classified"));
    check_file(&path, &bytes, kind, rules)
}

/// (check id, line, column) of each finding.
pub fn triples(r: &FileReport) -> Vec<(String, usize, usize)> {
    r.findings
        .iter()
        .map(|f| {
            let s = f.location.span.expect("file findings have spans");
            (f.rule_id.clone(), s.start_line, s.start_column)
        })
        .collect()
}
