//! The HTML report: one self-contained file (inline CSS, no scripts, no
//! external assets, no network) that a platform team reads and acts on.
//!
//! Sections: a summary (counts by severity, the encryption-at-rest verdict,
//! the secret-readers matrix), findings grouped by namespace and check with
//! the check's remediation, what could not be audited, and the waivers.
//! Every piece of cluster text is HTML-escaped; no secret is ever written
//! (findings carry masked values only, and this report shows none).

use std::fmt::Write as _;
use std::io::{self, Write};

use credlint_core::{Finding, Severity, Suppression};

use crate::{Access, ClusterReport};

/// HTML-escape text.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// `` `code` `` → `<code>`, after escaping.
fn inline_md(s: &str) -> String {
    let e = esc(s);
    let mut out = String::new();
    for (i, part) in e.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// Join hard-wrapped lines of a paragraph; keep blank lines between paragraphs.
fn unwrap_lines(s: &str) -> String {
    s.split("\n\n")
        .map(|p| p.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

const CSS: &str = r#"
:root{--c:#7a0016;--h:#c62828;--m:#ef6c00;--l:#f9a825;--i:#1565c0;--ok:#2e7d32;--bg:#f6f7f9;--fg:#1b1f24;--mut:#5b6570}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
header{background:#1b1f24;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:20px}header p{margin:0;color:#c9d1d9}
main{padding:20px 28px;max-width:1400px}section{background:#fff;border:1px solid #dfe3e8;border-radius:8px;padding:16px 20px;margin:0 0 18px}
h2{font-size:17px;margin:0 0 12px}h3{font-size:15px;margin:18px 0 8px;border-bottom:1px solid #eee;padding-bottom:4px}h4{font-size:14px;margin:12px 0 6px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{flex:1 1 120px;border-radius:8px;padding:10px 14px;color:#fff}.card b{display:block;font-size:26px}
.sev-critical{background:var(--c)}.sev-high{background:var(--h)}.sev-medium{background:var(--m)}.sev-low{background:var(--l);color:#222}.sev-info{background:var(--i)}
.verdict{margin-top:14px;padding:10px 14px;border-radius:6px;font-weight:600}.verdict.bad{background:#fdecea;color:#8e1b1b}.verdict.good{background:#e8f5e9;color:#1b5e20}.verdict.unknown{background:#fff8e1;color:#6d4c00}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #e3e6ea;padding:5px 8px;text-align:left;vertical-align:top}th{background:#f1f3f5}
td.y{background:#fdecea;color:#8e1b1b;text-align:center;font-weight:700}td.w{background:#fff3e0;color:#8a4b00;text-align:center}td.n{color:#bbb;text-align:center}td.k{color:#5b6570;text-align:center}
.badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:700;color:#fff;min-width:62px;text-align:center}
ul.f{list-style:none;margin:0;padding:0}ul.f li{padding:5px 0;border-bottom:1px dashed #eee}.loc{color:var(--mut);font-family:ui-monospace,Menlo,monospace;font-size:12px}
.waived{opacity:.55}.rem{background:#f3f8ff;border-left:3px solid var(--i);padding:8px 12px;margin:8px 0 4px;white-space:pre-wrap}
code{background:#f1f3f5;border-radius:3px;padding:0 3px;font-size:12px}.muted{color:var(--mut)}footer{color:var(--mut);padding:0 28px 24px;font-size:12px}
"#;

fn sev_class(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "sev-critical",
        Severity::High => "sev-high",
        Severity::Medium => "sev-medium",
        Severity::Low => "sev-low",
        Severity::Info => "sev-info",
    }
}

/// Write the report.
pub fn write(report: &ClusterReport, w: &mut dyn Write) -> io::Result<()> {
    let mut s = String::with_capacity(64 * 1024);
    let title = format!("credlint cluster audit — {}", report.context);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"><title>{}</title><style>{CSS}</style></head><body>",
        esc(&title)
    );
    let _ = write!(
        s,
        "<header><h1>{}</h1><p>{} · {} · {} · Secrets read as {}{}</p></header><main>",
        esc(&title),
        esc(&report.server),
        esc(report
            .server_version
            .as_deref()
            .unwrap_or("version unknown")),
        esc(&report.generated_at),
        if report.read_secret_values {
            "<b>values</b>"
        } else {
            "metadata only"
        },
        report
            .namespace
            .as_deref()
            .map(|n| format!(" · namespace <code>{}</code> only", esc(n)))
            .unwrap_or_default()
    );

    // Summary.
    let _ = write!(
        s,
        "<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">"
    );
    for (sev, n) in report.counts() {
        let _ = write!(
            s,
            "<div class=\"card {}\" data-severity=\"{sev}\"><b>{n}</b>{sev}</div>",
            sev_class(sev)
        );
    }
    let waived = report.findings.len() - report.active().count();
    let _ = write!(
        s,
        "</div><p class=\"muted\">{} findings, {waived} waived, {} kinds not audited.</p>",
        report.active().count(),
        report.not_audited.len()
    );
    let class = match &report.at_rest {
        None => "unknown",
        Some(r) if r.unencrypted() > 0 || r.secrets.is_empty() => "bad",
        Some(r) if r.counts.contains_key("unknown") => "unknown",
        Some(_) => "good",
    };
    let _ = write!(
        s,
        "<div class=\"verdict {class}\" id=\"at-rest\">Encryption at rest: {}</div>",
        esc(&report.at_rest_verdict())
    );
    if let Some(r) = &report.at_rest {
        let _ = write!(s, "<table style=\"margin-top:10px;max-width:520px\"><tr><th>stored in etcd as</th><th>Secrets</th></tr>");
        for (k, n) in &r.counts {
            let _ = write!(s, "<tr><td><code>{}</code></td><td>{n}</td></tr>", esc(k));
        }
        let _ = write!(s, "</table>");
    }
    s.push_str("</section>");

    // Readers matrix: subjects × (cluster-wide + namespaces that appear).
    let mut cols: Vec<String> = report
        .readers
        .rows
        .iter()
        .flat_map(|r| r.scopes.keys().cloned())
        .collect();
    cols.sort();
    cols.dedup();
    let _ = write!(s, "<section id=\"readers\"><h2>Who can read Secrets</h2>");
    if report.readers.rows.is_empty() {
        s.push_str("<p>No subject outside the system defaults can read Secrets.</p>");
    } else {
        s.push_str("<p class=\"muted\"><b style=\"color:#8e1b1b\">■</b> get/list/watch · <b style=\"color:#8a4b00\">◐</b> through workloads (create pods, exec, tokens, impersonation) · ○ named Secrets only</p><div style=\"overflow-x:auto\"><table><tr><th>subject</th><th>kind</th>");
        for c in &cols {
            let _ = write!(
                s,
                "<th>{}</th>",
                if c == "*" {
                    "<i>cluster-wide</i>".to_string()
                } else {
                    esc(c)
                }
            );
        }
        s.push_str("<th>granted by</th></tr>");
        for r in &report.readers.rows {
            let _ = write!(
                s,
                "<tr><td><code>{}</code></td><td>{}</td>",
                esc(&r.name),
                esc(&r.kind)
            );
            for c in &cols {
                match r.scopes.get(c) {
                    Some(Access::Direct) => s.push_str("<td class=\"y\">■</td>"),
                    Some(Access::ViaWorkloads) => s.push_str("<td class=\"w\">◐</td>"),
                    Some(Access::Named) => s.push_str("<td class=\"k\">○</td>"),
                    None => s.push_str("<td class=\"n\">·</td>"),
                }
            }
            let via: Vec<String> = r.via.iter().map(|v| esc(v)).collect();
            let _ = write!(s, "<td class=\"loc\">{}</td></tr>", via.join("<br>"));
        }
        s.push_str("</table></div>");
    }
    // Workloads whose service account reaches Secrets: the chain from a
    // compromised pod to the cluster's Secrets (workload-secrets-path).
    let paths: Vec<&Finding> = report
        .active()
        .filter(|f| f.rule_id == "workload-secrets-path")
        .collect();
    if !paths.is_empty() {
        s.push_str("<h3>Workloads whose token reaches Secrets</h3><div style=\"overflow-x:auto\"><table><tr><th>workload</th><th>service account</th><th>can</th><th>where</th><th>binding → role → rule</th></tr>");
        for f in paths {
            let c = &f.properties["chain"];
            let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
            let w = &c["workload"];
            let workload = format!(
                "{} {}{}",
                text(&w["kind"]),
                w["namespace"]
                    .as_str()
                    .map(|n| format!("{n}/"))
                    .unwrap_or_default(),
                text(&w["name"])
            );
            let can: Vec<String> = c["can"]
                .as_array()
                .map(|a| a.iter().map(text).collect())
                .unwrap_or_default();
            let chain = format!(
                "{} {} → {} {} → {}",
                text(&c["binding"]["kind"]),
                text(&c["binding"]["name"]),
                text(&c["role"]["kind"]),
                text(&c["role"]["name"]),
                text(&c["rule"])
            );
            let _ = write!(
                s,
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"loc\">{}</td></tr>",
                esc(&workload),
                esc(&text(&c["service_account"])),
                esc(&can.join(", ")),
                esc(&text(&c["scope"])),
                esc(&chain)
            );
        }
        s.push_str("</table></div>");
    }
    s.push_str("</section>");

    // Findings by namespace and check.
    let _ = write!(s, "<section id=\"findings\"><h2>Findings</h2>");
    if report.findings.is_empty() {
        s.push_str("<p>No findings.</p>");
    }
    for (ns, checks) in crate::markdown::grouped(report) {
        let _ = write!(s, "<h3 data-namespace=\"{}\">{}</h3>", esc(&ns), esc(&ns));
        for (id, fs) in checks {
            let name = report
                .rules
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.name.clone())
                .unwrap_or_default();
            let _ = write!(
                s,
                "<h4><code>{}</code> {} <span class=\"muted\">({})</span></h4><ul class=\"f\">",
                esc(&id),
                esc(&name),
                fs.len()
            );
            for f in fs {
                let waived = match &f.suppressed {
                    Some(Suppression::Config(r)) => format!(" <i>({})</i>", esc(r)),
                    Some(_) => " <i>(suppressed)</i>".into(),
                    None => String::new(),
                };
                let field = f
                    .location
                    .object
                    .as_ref()
                    .map(|o| o.field_path.as_str())
                    .filter(|p| !p.is_empty())
                    .map(|p| format!(" · {}", esc(p)))
                    .unwrap_or_default();
                let _ = write!(
                    s,
                    "<li class=\"finding{}\" data-fingerprint=\"{}\" data-check=\"{}\"><span class=\"badge {}\">{}</span> {}{waived}<br><span class=\"loc\">{}{field}</span></li>",
                    if f.suppressed.is_some() { " waived" } else { "" },
                    esc(&f.fingerprint),
                    esc(&f.rule_id),
                    sev_class(f.severity),
                    f.severity,
                    inline_md(&f.message),
                    esc(&f.display_path()),
                );
            }
            s.push_str("</ul>");
            let rem = report.remediation(&id);
            if !rem.is_empty() {
                let _ = write!(
                    s,
                    "<div class=\"rem\"><b>Remediation.</b> {}</div>",
                    inline_md(&unwrap_lines(&rem))
                );
            }
        }
    }
    s.push_str("</section>");

    // Not audited.
    let _ = write!(s, "<section id=\"not-audited\"><h2>Not audited</h2>");
    if report.not_audited.is_empty() {
        s.push_str("<p>Everything the audit reads was readable.</p>");
    } else {
        s.push_str("<p class=\"muted\">Missing data is never counted as a pass: the checks that need these kinds did not run on them.</p><ul>");
        for n in &report.not_audited {
            let _ = write!(
                s,
                "<li class=\"not-audited\"><b>{}</b>{}: {}</li>",
                esc(&n.kind),
                n.namespace
                    .as_deref()
                    .map(|n| format!(" in <code>{}</code>", esc(n)))
                    .unwrap_or_default(),
                esc(&n.reason)
            );
        }
        s.push_str("</ul>");
    }
    s.push_str("</section>");

    if !report.waivers.is_empty() {
        s.push_str("<section id=\"waivers\"><h2>Waivers</h2><table><tr><th>check</th><th>selector</th><th>reason</th><th>expires</th><th>matched</th><th>state</th></tr>");
        for wv in &report.waivers {
            let sel = format!(
                "{}/{}/{}",
                wv.waiver.namespace.as_deref().unwrap_or("*"),
                wv.waiver.kind.as_deref().unwrap_or("*"),
                wv.waiver.name.as_deref().unwrap_or("*")
            );
            let state = if wv.expired {
                "<b style=\"color:#8e1b1b\">expired</b>"
            } else if wv.matched == 0 {
                "unused"
            } else {
                "active"
            };
            let _ = write!(
                s,
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{state}</td></tr>",
                esc(&wv.waiver.check),
                esc(&sel),
                esc(&wv.waiver.reason),
                esc(wv.waiver.expires.as_deref().unwrap_or("never")),
                wv.matched
            );
        }
        s.push_str("</table></section>");
    }
    if !report.warnings.is_empty() {
        s.push_str("<section id=\"warnings\"><h2>Warnings</h2><ul>");
        for wn in &report.warnings {
            let _ = write!(s, "<li>{}</li>", esc(wn));
        }
        s.push_str("</ul></section>");
    }
    let st = &report.stats;
    let _ = writeln!(
        s,
        "</main><footer>credlint {} · {} objects checked ({} owned replicas judged through their controller) · {} API requests · {} pages · {} retries · {:.2} s</footer></body></html>",
        env!("CARGO_PKG_VERSION"),
        st.objects_checked,
        st.owned_dropped,
        st.api_requests,
        st.pages,
        st.retries,
        st.elapsed_secs
    );
    w.write_all(s.as_bytes())
}
