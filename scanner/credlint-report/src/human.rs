//! The human format: a code frame per finding, grouped by commit for
//! history scans, suppressed findings listed apart, and a summary line.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use credlint_core::{Finding, Severity};

use crate::{shown_secret, Report};

fn sev_style(s: Severity) -> Style {
    let c = match s {
        Severity::Critical => AnsiColor::BrightRed,
        Severity::High => AnsiColor::Red,
        Severity::Medium => AnsiColor::Yellow,
        Severity::Low => AnsiColor::Cyan,
        Severity::Info => AnsiColor::White,
    };
    Style::new().fg_color(Some(c.into())).bold()
}

struct Paint {
    on: bool,
}

impl Paint {
    fn p(&self, style: Style, text: &str) -> String {
        if self.on {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
}

pub(crate) fn write(r: &Report<'_>, w: &mut dyn Write) -> io::Result<()> {
    let paint = Paint { on: r.color };
    let dim = Style::new().dimmed();
    let bold = Style::new().bold();
    let mut last_commit: Option<&str> = None;
    let (shown, suppressed): (Vec<&Finding>, Vec<&Finding>) =
        r.findings.iter().partition(|f| f.suppressed.is_none());
    for f in shown.iter().filter(|_| !r.quiet) {
        if let Some(c) = &f.location.commit {
            if last_commit != Some(c.id.as_str()) {
                writeln!(
                    w,
                    "{} {} {}  {}",
                    paint.p(
                        Style::new().fg_color(Some(AnsiColor::Yellow.into())),
                        &format!("commit {}", c.id)
                    ),
                    c.author,
                    c.date,
                    c.summary
                )?;
                writeln!(w)?;
                last_commit = Some(c.id.as_str());
            }
        }
        frame(f, r.reveal, &paint, w)?;
    }
    if !suppressed.is_empty() && !r.quiet {
        writeln!(
            w,
            "{}",
            paint.p(bold, &format!("suppressed ({}):", suppressed.len()))
        )?;
        for f in &suppressed {
            let why = match &f.suppressed {
                Some(s) => serde_json::to_value(s)
                    .ok()
                    .and_then(|v| {
                        Some(format!(
                            "{} {}",
                            v.get("by")?.as_str()?,
                            v.get("detail").and_then(|d| d.as_str()).unwrap_or("")
                        ))
                    })
                    .unwrap_or_default(),
                None => String::new(),
            };
            writeln!(
                w,
                "  {}:{} {} {} — {}",
                f.display_path(),
                f.location.span.map_or(0, |s| s.start_line),
                f.rule_id,
                shown_secret(f, r.reveal).unwrap_or_default(),
                why.trim()
            )?;
        }
        writeln!(w)?;
    }
    for n in r.notices {
        let prefix = paint.p(
            Style::new().fg_color(Some(AnsiColor::Yellow.into())),
            "warning",
        );
        if n.path.is_empty() {
            writeln!(w, "{prefix}: {}", n.message)?;
        } else {
            writeln!(w, "{prefix}: {}: {}", n.path, n.message)?;
        }
    }
    let s = &r.summary;
    let mut by_sev = Vec::new();
    for sev in Severity::ALL.iter().rev() {
        let n = shown.iter().filter(|f| f.severity == *sev).count();
        if n > 0 {
            by_sev.push(format!("{n} {sev}"));
        }
    }
    let found = if shown.is_empty() {
        "no findings".to_string()
    } else {
        format!(
            "{} finding{} ({})",
            shown.len(),
            if shown.len() == 1 { "" } else { "s" },
            by_sev.join(", ")
        )
    };
    let supp = if s.suppressed > 0 {
        format!(", {} suppressed", s.suppressed)
    } else {
        String::new()
    };
    writeln!(
        w,
        "{}",
        paint.p(
            dim,
            &format!(
                "scanned {} {} ({}) in {:.2}s: {found}{supp}",
                s.units,
                s.unit,
                human_bytes(s.bytes),
                s.elapsed.as_secs_f64()
            )
        )
    )
}

fn frame(f: &Finding, reveal: bool, paint: &Paint, w: &mut dyn Write) -> io::Result<()> {
    let blue = Style::new().fg_color(Some(AnsiColor::Blue.into())).bold();
    // Confidence is shown where it is not high: a reader weighs a
    // human-looking password differently from a checksummed token.
    let confidence = match f.confidence {
        credlint_core::Confidence::High => String::new(),
        c => format!(" ({c} confidence)"),
    };
    writeln!(
        w,
        "{} {}  {}{confidence}",
        paint.p(
            sev_style(f.severity),
            &format!("{:<8}", f.severity.as_str())
        ),
        paint.p(Style::new().bold(), &f.rule_id),
        f.message
    )?;
    let pos = f
        .location
        .span
        .map(|s| format!(":{}:{}", s.start_line, s.start_column))
        .unwrap_or_default();
    let field = f
        .location
        .object
        .as_ref()
        .filter(|o| !o.field_path.is_empty() && f.location.path.is_some())
        .map(|o| format!("  ({} {} {})", o.kind, o.name, o.field_path))
        .unwrap_or_default();
    writeln!(
        w,
        "  {} {}{pos}{field}",
        paint.p(blue, "-->"),
        f.display_path()
    )?;
    if let Some(sn) = &f.snippet {
        let num = sn.line.to_string();
        let pad = " ".repeat(num.len());
        writeln!(w, "  {pad} {}", paint.p(blue, "|"))?;
        writeln!(
            w,
            "  {} {} {}",
            paint.p(blue, &num),
            paint.p(blue, "|"),
            sn.text
        )?;
        writeln!(
            w,
            "  {pad} {} {}{}",
            paint.p(blue, "|"),
            " ".repeat(sn.marker_column.saturating_sub(1)),
            paint.p(sev_style(f.severity), &"^".repeat(sn.marker_width.max(1)))
        )?;
    }
    if reveal {
        if let Some(s) = shown_secret(f, true) {
            writeln!(w, "  = secret: {s}")?;
        }
    }
    if let Some(c) = &f.location.commit {
        let in_head = f
            .properties
            .get("in_head")
            .and_then(|v| v.as_bool())
            .map(|b| {
                if b {
                    ", still in HEAD"
                } else {
                    ", only in history"
                }
            })
            .unwrap_or("");
        // The first 12 characters (not bytes: an id is text from a source).
        let short =
            c.id.char_indices()
                .nth(12)
                .map_or(&c.id[..], |(i, _)| &c.id[..i]);
        writeln!(w, "  = introduced in {short}{in_head}")?;
    }
    writeln!(w, "  = fingerprint {}", f.fingerprint)?;
    writeln!(w)
}

fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut i = 0;
    while v >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}
