//! Inputs the `report_writers` fuzz target (fuzz/) found, kept as tests.

use std::collections::BTreeMap;

use credlint_core::{CommitInfo, Finding, FindingKind, Location, SecretValue, Severity};
use credlint_report::{write_report, Format, Report, Summary};

fn finding_with_commit(id: &str) -> Finding {
    Finding {
        rule_id: "r".into(),
        rule_name: "R".into(),
        kind: FindingKind::Leak,
        severity: Severity::High,
        confidence: credlint_core::Confidence::High,
        message: "m".into(),
        location: Location {
            path: Some("a.txt".into()),
            commit: Some(CommitInfo {
                id: id.into(),
                author: "a <a@b>".into(),
                date: "2026-01-01T00:00:00Z".into(),
                summary: "s".into(),
            }),
            ..Default::default()
        },
        secret: Some(SecretValue::new("Zq8vN3rT6wY1uB5x")),
        fingerprint: "0".repeat(32),
        properties: BTreeMap::new(),
        suppressed: None,
        snippet: None,
    }
}

/// A commit id is cut to 12 characters for display; cutting at byte 12
/// panicked when that fell inside a multi-byte character.
#[test]
fn a_commit_id_with_multibyte_characters_is_cut_on_a_character() {
    let findings = [
        finding_with_commit("Srule_name!ɥ«I"),
        finding_with_commit("ɥ"),
    ];
    let report = Report {
        findings: &findings,
        rules: &[],
        summary: Summary::default(),
        notices: &[],
        reveal: false,
        color: false,
        category: None,
        quiet: false,
    };
    for format in [Format::Human, Format::Json, Format::Jsonl, Format::Sarif] {
        let mut out = Vec::new();
        write_report(format, &report, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        if format != Format::Human && format != Format::Jsonl {
            serde_json::from_str::<serde_json::Value>(&text).unwrap();
        }
    }
    let mut out = Vec::new();
    write_report(Format::Human, &report, &mut out).unwrap();
    assert!(String::from_utf8(out)
        .unwrap()
        .contains("introduced in Srule_name!ɥ\n"));
}
