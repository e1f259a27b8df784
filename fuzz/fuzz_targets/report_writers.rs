//! The reporters over findings built from fuzz input: JSON, JSON Lines and
//! SARIF must always parse as JSON, and without `--reveal` no string in them
//! holds a raw secret; the human format must not panic.
#![no_main]

use std::collections::BTreeMap;
use std::time::Duration;

use credlint_core::{
    CommitInfo, Finding, FindingKind, Location, ObjectRef, RuleMeta, SecretValue, Severity,
    Snippet, Span, Suppression,
};
use credlint_report::{write_report, Format, Notice, Report, Summary};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct FSpan {
    start_line: u16,
    start_column: u16,
    end_line: u16,
    end_column: u16,
    byte_start: u32,
    byte_end: u32,
    /// UTF-16 columns, as a scan of text sets them (SARIF uses them).
    utf16: Option<(u16, u16)>,
}

#[derive(Debug, Arbitrary)]
struct FObject {
    context: Option<String>,
    api_version: String,
    kind: String,
    namespace: Option<String>,
    name: String,
    field_path: String,
}

#[derive(Debug, Arbitrary)]
struct FRule {
    id: String,
    name: String,
    policy: bool,
    severity: u8,
    short: String,
    full: String,
    tags: Vec<String>,
    references: Vec<String>,
}

#[derive(Debug, Arbitrary)]
struct FFinding {
    rule_id: String,
    rule_name: String,
    policy: bool,
    severity: u8,
    message: String,
    path: Option<String>,
    span: Option<FSpan>,
    commit: Option<(String, String, String, String)>,
    object: Option<FObject>,
    secret: Option<String>,
    fingerprint: String,
    properties: Vec<(String, String, Option<f64>)>,
    suppressed: Option<(u8, String)>,
    snippet: Option<(u16, String, u16, u16)>,
}

#[derive(Debug, Arbitrary)]
struct Input {
    findings: Vec<FFinding>,
    rules: Vec<FRule>,
    notices: Vec<(String, String)>,
    summary: (u32, u64, u32, u32),
    category: Option<String>,
    color: bool,
    quiet: bool,
}

fn severity(b: u8) -> Severity {
    Severity::ALL[b as usize % Severity::ALL.len()]
}

/// A confidence from the same byte as the severity (its high bits), so
/// every level reaches every writer.
fn confidence(b: u8) -> credlint_core::Confidence {
    credlint_core::Confidence::ALL[(b >> 5) as usize % 3]
}

fn finding(f: FFinding) -> Finding {
    let mut properties = BTreeMap::new();
    for (k, v, n) in f.properties {
        let value = match n.and_then(serde_json::Number::from_f64) {
            Some(n) => serde_json::Value::Number(n),
            None => serde_json::Value::String(v),
        };
        properties.insert(k, value);
    }
    Finding {
        rule_id: f.rule_id,
        rule_name: f.rule_name,
        kind: if f.policy {
            FindingKind::Policy
        } else {
            FindingKind::Leak
        },
        severity: severity(f.severity),
        confidence: confidence(f.severity),
        message: f.message,
        location: Location {
            path: f.path,
            span: f.span.map(|s| Span {
                start_line: s.start_line as usize,
                start_column: s.start_column as usize,
                end_line: s.end_line as usize,
                end_column: s.end_column as usize,
                byte_start: s.byte_start as usize,
                byte_end: s.byte_end as usize,
                start_column_utf16: s.utf16.map(|u| u.0 as usize),
                end_column_utf16: s.utf16.map(|u| u.1 as usize),
            }),
            commit: f.commit.map(|(id, author, date, summary)| CommitInfo {
                id,
                author,
                date,
                summary,
            }),
            object: f.object.map(|o| ObjectRef {
                context: o.context,
                api_version: o.api_version,
                kind: o.kind,
                namespace: o.namespace,
                name: o.name,
                field_path: o.field_path,
            }),
        },
        secret: f.secret.map(SecretValue::new),
        fingerprint: f.fingerprint,
        properties,
        suppressed: f.suppressed.map(|(k, d)| match k % 4 {
            0 => Suppression::AllowComment(d),
            1 => Suppression::Baseline(d),
            2 => Suppression::Config(d),
            _ => Suppression::Filter(d),
        }),
        snippet: f.snippet.map(|(line, text, col, width)| Snippet {
            line: line as usize,
            text,
            marker_column: col as usize,
            marker_width: width as usize,
        }),
    }
}

/// Every string anywhere in a JSON value.
fn strings<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match v {
        serde_json::Value::String(s) => out.push(s),
        serde_json::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(m) => m.iter().for_each(|(k, v)| {
            out.push(k);
            strings(v, out)
        }),
        _ => {}
    }
}

fuzz_target!(|input: Input| {
    let findings: Vec<Finding> = input.findings.into_iter().map(finding).collect();
    let rules: Vec<RuleMeta> = input
        .rules
        .into_iter()
        .map(|r| RuleMeta {
            id: r.id,
            name: r.name,
            kind: if r.policy {
                FindingKind::Policy
            } else {
                FindingKind::Leak
            },
            severity: severity(r.severity),
            confidence: confidence(r.severity),
            short_description: r.short,
            help_markdown: r.full.clone(),
            full_description: r.full,
            tags: r.tags,
            references: r.references,
        })
        .collect();
    let notices: Vec<Notice> = input
        .notices
        .into_iter()
        .map(|(path, message)| Notice { path, message })
        .collect();
    // A secret counts as leaked only if it is long and no other field the
    // fuzzer wrote holds it (those are not the writer's doing).
    let mut others: Vec<String> = Vec::new();
    for f in &findings {
        others.extend([
            f.rule_id.clone(),
            f.rule_name.clone(),
            f.message.clone(),
            f.fingerprint.clone(),
        ]);
        others.extend(f.location.path.clone());
        others.extend(f.snippet.as_ref().map(|s| s.text.clone()));
        others.push(format!(
            "{:?} {:?} {:?}",
            f.location.commit, f.location.object, f.suppressed
        ));
        others.push(serde_json::to_string(&f.properties).unwrap());
    }
    for r in &rules {
        others.push(format!("{r:?}"));
    }
    for n in &notices {
        others.extend([n.path.clone(), n.message.clone()]);
    }
    others.extend(input.category.clone());
    let secrets: Vec<String> = findings
        .iter()
        .filter_map(|f| f.secret.as_ref().map(|s| s.expose().to_string()))
        .filter(|s| s.chars().count() >= 12 && !others.iter().any(|o| o.contains(s.as_str())))
        // A value of `*`s is its own masked form.
        .filter(|s| {
            !findings
                .iter()
                .filter_map(|f| f.secret.as_ref())
                .any(|v| v.masked().contains(s.as_str()))
        })
        .collect();

    // The same findings without their secrets: what the writer emits
    // whatever the secret (fixed keys like `toolExecutionNotifications`, the
    // fuzzer's own text), to tell a leaked value from a coincidence.
    let stripped: Vec<Finding> = findings
        .iter()
        .cloned()
        .map(|mut f| {
            f.secret = None;
            f
        })
        .collect();
    let summary = Summary {
        unit: "files",
        units: input.summary.0 as u64,
        bytes: input.summary.1,
        findings: input.summary.2 as usize,
        suppressed: input.summary.3 as usize,
        elapsed: Duration::from_millis(input.summary.1 % 1_000_000),
    };
    let report = |findings, reveal| Report {
        findings,
        rules: &rules,
        summary: summary.clone(),
        notices: &notices,
        reveal,
        color: input.color,
        category: input.category.clone(),
        quiet: input.quiet,
    };
    for reveal in [false, true] {
        let full = report(&findings[..], reveal);
        let mut human = Vec::new();
        write_report(Format::Human, &full, &mut human).expect("human to memory");
        for format in [Format::Json, Format::Sarif, Format::Jsonl] {
            let docs = render(format, &full);
            if !reveal {
                let base = render(format, &report(&stripped[..], false));
                for s in &secrets {
                    let (n, n0) = (occurrences(&docs, s), occurrences(&base, s));
                    assert!(
                        n <= n0,
                        "{format:?} holds a raw secret {s:?} ({n} times, {n0} without secrets)"
                    );
                }
            }
        }
    }
});

/// Write `report` in a JSON format and parse it back (it must parse).
fn render(format: Format, report: &Report<'_>) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    write_report(format, report, &mut out).expect("write to memory");
    let text = std::str::from_utf8(&out).expect("JSON output is UTF-8");
    if format == Format::Jsonl {
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("JSONL line: {e}: {l}")))
            .collect()
    } else {
        vec![serde_json::from_str(text).unwrap_or_else(|e| panic!("{format:?}: {e}"))]
    }
}

/// How often `s` occurs in the strings (keys and values) of `docs`.
fn occurrences(docs: &[serde_json::Value], s: &str) -> usize {
    let mut all = Vec::new();
    docs.iter().for_each(|d| strings(d, &mut all));
    all.iter().map(|t| t.matches(s).count()).sum()
}
