//! SARIF 2.1.0 as GitHub code scanning reads it.
//!
//! Follows GitHub's documented rules: relative `artifactLocation.uri` with
//! `uriBaseId`, one `tool.driver.rules` entry per id (never duplicated) with
//! `help.text`/`help.markdown` and `properties.security-severity`,
//! `partialFingerprints`, and the per-run limits (results and tags). Validated
//! against the official schema in the tests.

use std::collections::HashMap;
use std::io::{self, Write};

use credlint_core::{Finding, FindingKind, Suppression};
use serde_json::{json, Value};

use crate::{shown_secret, Report, VERSION};

/// GitHub keeps at most this many results per run.
pub(crate) const MAX_RESULTS: usize = 25_000;
/// GitHub keeps at most this many tags per rule.
const MAX_TAGS: usize = 20;

pub(crate) fn write(r: &Report<'_>, w: &mut dyn Write) -> io::Result<()> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut rules = Vec::new();
    for meta in r.rules {
        if index.contains_key(meta.id.as_str()) {
            continue;
        }
        index.insert(&meta.id, rules.len());
        let mut tags: Vec<String> = vec!["security".into()];
        tags.push(match meta.kind {
            FindingKind::Leak => "secret".into(),
            FindingKind::Policy => "policy".into(),
        });
        for t in &meta.tags {
            if !tags.contains(t) {
                tags.push(t.clone());
            }
        }
        tags.truncate(MAX_TAGS);
        let mut rule = json!({
            "id": meta.id,
            "name": pascal(&meta.id),
            "shortDescription": { "text": meta.short_description },
            "fullDescription": { "text": meta.full_description },
            "help": { "text": strip_markdown(&meta.help_markdown), "markdown": meta.help_markdown },
            "defaultConfiguration": { "level": meta.severity.sarif_level() },
            "properties": {
                "tags": tags,
                "precision": meta.confidence.sarif_precision(),
                "security-severity": meta.severity.security_severity(),
                "problem.severity": match meta.severity.sarif_level() { "error" => "error", "warning" => "warning", _ => "recommendation" },
            }
        });
        if let Some(uri) = meta.references.first() {
            rule["helpUri"] = json!(uri);
        }
        rules.push(rule);
    }
    // A finding whose rule was not described still gets a rule entry.
    for f in r.findings {
        if !index.contains_key(f.rule_id.as_str()) {
            index.insert(&f.rule_id, rules.len());
            rules.push(json!({
                "id": f.rule_id,
                "name": pascal(&f.rule_id),
                "shortDescription": { "text": f.rule_name },
                "fullDescription": { "text": f.rule_name },
                "help": { "text": f.rule_name, "markdown": f.rule_name },
                "defaultConfiguration": { "level": f.severity.sarif_level() },
                "properties": { "tags": ["security"], "security-severity": f.severity.security_severity() }
            }));
        }
    }
    // Over GitHub's limit, keep the most severe results (in their order).
    let kept: Vec<&Finding> = if r.findings.len() > MAX_RESULTS {
        let mut by_severity: Vec<usize> = (0..r.findings.len()).collect();
        by_severity.sort_by_key(|&i| std::cmp::Reverse(r.findings[i].severity));
        by_severity.truncate(MAX_RESULTS);
        by_severity.sort_unstable();
        by_severity.into_iter().map(|i| &r.findings[i]).collect()
    } else {
        r.findings.iter().collect()
    };
    let results: Vec<Value> = kept
        .iter()
        .map(|f| result(f, index[f.rule_id.as_str()], r.reveal))
        .collect();
    let mut notifications = Vec::new();
    if r.findings.len() > MAX_RESULTS {
        notifications.push(json!({
            "level": "warning",
            "message": { "text": format!("{} of the least severe results were left out: GitHub code scanning keeps at most {MAX_RESULTS} per run", r.findings.len() - MAX_RESULTS) }
        }));
    }
    for n in r.notices.iter().take(100) {
        notifications.push(json!({
            "level": "warning",
            "message": { "text": if n.path.is_empty() { n.message.clone() } else { format!("{}: {}", n.path, n.message) } }
        }));
    }
    let mut run = json!({
        "tool": { "driver": {
            "name": "credlint",
            "version": VERSION,
            "semanticVersion": VERSION,
            "informationUri": "https://example.invalid/credlint",
            "rules": rules,
        }},
        "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "The scan root." } } },
        "invocations": [{
            "executionSuccessful": true,
            "toolExecutionNotifications": notifications,
        }],
        "results": results,
        "columnKind": "utf16CodeUnits",
    });
    if let Some(cat) = &r.category {
        run["automationDetails"] = json!({ "id": format!("{cat}/") });
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}

fn result(f: &Finding, rule_index: usize, reveal: bool) -> Value {
    let mut text = f.message.clone();
    if let Some(s) = shown_secret(f, reveal) {
        text.push_str(&format!(": `{s}`"));
    }
    if let Some(c) = &f.location.commit {
        text.push_str(&format!(
            " (introduced in commit {} by {} on {}: {})",
            short(&c.id),
            c.author,
            c.date,
            c.summary
        ));
    }
    let mut location = json!({});
    if let Some(path) = &f.location.path {
        let mut phys =
            json!({ "artifactLocation": { "uri": uri_escape(path), "uriBaseId": "%SRCROOT%" } });
        if let Some(s) = &f.location.span {
            // The run's `columnKind` is `utf16CodeUnits`: not byte columns.
            let (start_column, end_column) = s.utf16_columns();
            phys["region"] = json!({
                "startLine": s.start_line.max(1),
                "startColumn": start_column.max(1),
                "endLine": s.end_line.max(s.start_line).max(1),
                "endColumn": end_column.max(1),
            });
            if s.end_line == s.start_line && end_column <= start_column {
                phys["region"]["endColumn"] = json!(start_column.max(1) + 1);
            }
        }
        location["physicalLocation"] = phys;
    } else if let Some(obj) = &f.location.object {
        location["physicalLocation"] = json!({ "artifactLocation": { "uri": obj.uri() } });
    }
    if let Some(obj) = &f.location.object {
        let name = if obj.field_path.is_empty() {
            obj.name.clone()
        } else {
            format!("{}.{}", obj.name, obj.field_path)
        };
        location["logicalLocations"] = json!([{
            "name": name,
            "fullyQualifiedName": format!("{}#{}", obj.uri(), obj.field_path),
            "kind": "object",
        }]);
    }
    let mut props = json!({ "severity": f.severity, "confidence": f.confidence, "kind": f.kind });
    for (k, v) in &f.properties {
        props[k] = v.clone();
    }
    if let Some(c) = &f.location.commit {
        props["commit"] = json!(c.id);
        props["author"] = json!(c.author);
        props["date"] = json!(c.date);
        props["commitSummary"] = json!(c.summary);
    }
    let mut res = json!({
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": f.severity.sarif_level(),
        "rank": f.confidence.sarif_rank(),
        "message": { "text": text },
        "locations": [location],
        "partialFingerprints": {
            "primaryLocationLineHash": format!("{}:1", f.fingerprint),
            "credlint/v1": f.fingerprint,
        },
        "properties": props,
    });
    if let Some(s) = &f.suppressed {
        let (kind, why) = match s {
            Suppression::AllowComment(d) => ("inSource", d.clone()),
            Suppression::Baseline(d) => ("external", format!("baseline {d}")),
            Suppression::Config(d) => ("external", format!("config {d}")),
            Suppression::Filter(d) => ("external", format!("filtered: {d}")),
        };
        res["suppressions"] = json!([{ "kind": kind, "justification": why }]);
    }
    res
}

/// The first 12 characters (not bytes: an id is text from a source).
fn short(id: &str) -> &str {
    id.char_indices().nth(12).map_or(id, |(i, _)| &id[..i])
}

/// `github-pat-classic` → `GithubPatClassic`.
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn strip_markdown(md: &str) -> String {
    md.lines()
        .map(|l| l.trim_start_matches('#').trim_start())
        .collect::<Vec<_>>()
        .join("\n")
        .replace("**", "")
        .replace('`', "")
}

/// Percent-encode what a relative URI reference may not hold as is.
fn uri_escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(i: usize, severity: credlint_core::Severity) -> Finding {
        Finding {
            rule_id: "r".into(),
            rule_name: "R".into(),
            kind: FindingKind::Leak,
            severity,
            confidence: credlint_core::Confidence::High,
            message: format!("m{i}"),
            location: credlint_core::Location {
                path: Some(format!("f{i}.txt")),
                ..Default::default()
            },
            secret: None,
            fingerprint: format!("{i:032x}"),
            properties: Default::default(),
            suppressed: None,
            snippet: None,
        }
    }

    #[test]
    fn over_the_limit_the_most_severe_results_stay() {
        use credlint_core::Severity;
        let mut f: Vec<Finding> = (0..MAX_RESULTS)
            .map(|i| finding(i, Severity::Low))
            .collect();
        f.push(finding(MAX_RESULTS, Severity::Critical));
        let report = Report {
            findings: &f,
            rules: &[],
            summary: Default::default(),
            notices: &[],
            reveal: false,
            color: false,
            category: None,
            quiet: false,
        };
        let mut out = Vec::new();
        write(&report, &mut out).unwrap();
        let doc: Value = serde_json::from_slice(&out).unwrap();
        let results = doc["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), MAX_RESULTS);
        assert_eq!(results.last().unwrap()["level"], "error");
        let notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"].to_string();
        assert!(notes.contains("left out"));
    }

    #[test]
    fn regions_use_utf16_columns() {
        let text = "# \u{e9}\u{5bc6}\u{1f511} k = abc\n";
        let lines = credlint_core::LineIndex::new(text.as_bytes());
        let at = text.find("abc").unwrap();
        let region = |span| {
            let mut f = finding(0, credlint_core::Severity::High);
            f.location.span = Some(span);
            result(&f, 0, false)["locations"][0]["physicalLocation"]["region"].clone()
        };
        let r = region(credlint_core::Span::from_text(
            &lines,
            text.as_bytes(),
            at,
            at + 3,
        ));
        assert_eq!(
            (&r["startColumn"], &r["endColumn"]),
            (&json!(12), &json!(15))
        );
        // Built without the text: the byte columns are all there is.
        let r = region(credlint_core::Span::from_offsets(&lines, at, at + 3));
        assert_eq!(
            (&r["startColumn"], &r["endColumn"]),
            (&json!(17), &json!(20))
        );
        // An empty region still covers one column.
        let r = region(credlint_core::Span::from_text(
            &lines,
            text.as_bytes(),
            at,
            at,
        ));
        assert_eq!(
            (&r["startColumn"], &r["endColumn"]),
            (&json!(12), &json!(13))
        );
    }

    #[test]
    fn names_and_uris() {
        assert_eq!(pascal("github-pat-classic"), "GithubPatClassic");
        assert_eq!(uri_escape("a b/c#d.txt"), "a%20b/c%23d.txt");
    }
}
