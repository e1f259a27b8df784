//! The Markdown report: the same sections as the HTML one, for a pull
//! request comment, a wiki page or a ticket.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use credlint_core::Finding;

use crate::{Access, ClusterReport};

fn esc(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Findings grouped by namespace (`(cluster)` for cluster-scoped), then check id.
pub fn grouped(report: &ClusterReport) -> BTreeMap<String, BTreeMap<String, Vec<&Finding>>> {
    let mut g: BTreeMap<String, BTreeMap<String, Vec<&Finding>>> = BTreeMap::new();
    for f in &report.findings {
        let ns = f
            .location
            .object
            .as_ref()
            .and_then(|o| o.namespace.clone())
            .unwrap_or_else(|| {
                if f.location.object.is_some() {
                    "(cluster)".into()
                } else {
                    "(files)".into()
                }
            });
        g.entry(ns)
            .or_default()
            .entry(f.rule_id.clone())
            .or_default()
            .push(f);
    }
    g
}

/// Write the Markdown report.
pub fn write(report: &ClusterReport, w: &mut dyn Write) -> io::Result<()> {
    let mut s = String::new();
    let _ = writeln!(s, "# credlint cluster audit: `{}`\n", report.context);
    let _ = writeln!(
        s,
        "Server {} ({}), {}{}. Secrets read as {}.\n",
        report.server,
        report
            .server_version
            .as_deref()
            .unwrap_or("version unknown"),
        report.generated_at,
        report
            .namespace
            .as_deref()
            .map(|n| format!(", namespace `{n}` only"))
            .unwrap_or_default(),
        if report.read_secret_values {
            "**values**"
        } else {
            "metadata only"
        }
    );
    let _ = writeln!(s, "## Summary\n\n| severity | findings |\n|---|---:|");
    for (sev, n) in report.counts() {
        let _ = writeln!(s, "| {sev} | {n} |");
    }
    let waived = report.findings.len() - report.active().count();
    let _ = writeln!(
        s,
        "\n{waived} waived. **Encryption at rest:** {}\n",
        report.at_rest_verdict()
    );
    if let Some(r) = &report.at_rest {
        let _ = writeln!(s, "| stored as | Secrets |\n|---|---:|");
        for (k, n) in &r.counts {
            let _ = writeln!(s, "| {} | {n} |", esc(k));
        }
        s.push('\n');
    }
    let _ = writeln!(s, "## Who can read Secrets\n");
    if report.readers.rows.is_empty() {
        let _ = writeln!(
            s,
            "No subject outside the system defaults can read Secrets.\n"
        );
    } else {
        let _ = writeln!(s, "| subject | kind | where | through |\n|---|---|---|---|");
        for r in &report.readers.rows {
            let scopes: Vec<String> = r
                .scopes
                .iter()
                .map(|(k, a)| {
                    let k = if k == "*" {
                        "**cluster-wide**".to_string()
                    } else {
                        format!("`{k}`")
                    };
                    match a {
                        Access::ViaWorkloads => format!("{k} (via workloads)"),
                        Access::Named => format!("{k} (named only)"),
                        Access::Direct => k,
                    }
                })
                .collect();
            let via: Vec<&str> = r.via.iter().map(String::as_str).collect();
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} |",
                esc(&r.name),
                r.kind,
                scopes.join(", "),
                esc(&via.join("; "))
            );
        }
        s.push('\n');
    }
    let _ = writeln!(s, "## Findings\n");
    for (ns, checks) in grouped(report) {
        let _ = writeln!(s, "### {ns}\n");
        for (id, fs) in checks {
            let _ = writeln!(s, "#### `{id}` ({})\n", fs.len());
            for f in fs {
                let o = f.location.object.as_ref();
                let field = o
                    .map(|o| o.field_path.as_str())
                    .filter(|p| !p.is_empty())
                    .map(|p| format!(" `{p}`"))
                    .unwrap_or_default();
                let waived = match &f.suppressed {
                    Some(credlint_core::Suppression::Config(r)) => format!(" — *{}*", esc(r)),
                    Some(_) => " — *suppressed*".into(),
                    None => String::new(),
                };
                let _ = writeln!(
                    s,
                    "- **{}** {} — `{}`{field}{waived}",
                    f.severity,
                    esc(&f.message),
                    f.display_path()
                );
            }
            let rem = report.remediation(&id);
            if !rem.is_empty() {
                let _ = writeln!(s, "\n> **Remediation:** {}\n", rem.replace('\n', "\n> "));
            } else {
                s.push('\n');
            }
        }
    }
    let _ = writeln!(s, "## Not audited\n");
    if report.not_audited.is_empty() {
        let _ = writeln!(s, "Everything the audit reads was readable.\n");
    }
    for n in &report.not_audited {
        let _ = writeln!(
            s,
            "- **{}**{}: {}",
            n.kind,
            n.namespace
                .as_deref()
                .map(|n| format!(" in `{n}`"))
                .unwrap_or_default(),
            esc(&n.reason)
        );
    }
    if !report.waivers.is_empty() {
        let _ = writeln!(s, "\n## Waivers\n\n| check | selector | reason | expires | matched | state |\n|---|---|---|---|---:|---|");
        for w in &report.waivers {
            let sel = format!(
                "{}/{}/{}",
                w.waiver.namespace.as_deref().unwrap_or("*"),
                w.waiver.kind.as_deref().unwrap_or("*"),
                w.waiver.name.as_deref().unwrap_or("*")
            );
            let state = if w.expired {
                "**expired**"
            } else if w.matched == 0 {
                "unused"
            } else {
                "active"
            };
            let _ = writeln!(
                s,
                "| `{}` | `{}` | {} | {} | {} | {state} |",
                w.waiver.check,
                sel,
                esc(&w.waiver.reason),
                w.waiver.expires.as_deref().unwrap_or("never"),
                w.matched
            );
        }
    }
    if !report.warnings.is_empty() {
        let _ = writeln!(s, "\n## Warnings\n");
        for wn in &report.warnings {
            let _ = writeln!(s, "- {}", esc(wn));
        }
    }
    let st = &report.stats;
    let _ = writeln!(
        s,
        "\n---\n{} objects checked ({} owned replicas left to their controller), {} API requests, {} pages, {} retries, {:.2} s.",
        st.objects_checked, st.owned_dropped, st.api_requests, st.pages, st.retries, st.elapsed_secs
    );
    w.write_all(s.as_bytes())
}
