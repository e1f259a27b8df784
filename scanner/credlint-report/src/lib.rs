//! credlint's reporters.
//!
//! Reporters see findings and rule descriptions only, never a source. One
//! [`Report`] goes in; [`write_report`] picks the format. A secret is written
//! whole only when [`Report::reveal`] is set; otherwise its masked form.

mod human;
mod json;
mod sarif;

use std::io::{self, Write};
use std::time::Duration;

use credlint_core::{Finding, RuleMeta};

pub use json::finding_json;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Code frames for people.
    Human,
    /// One JSON document.
    Json,
    /// One JSON object per finding per line.
    Jsonl,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "human" => Ok(Format::Human),
            "json" => Ok(Format::Json),
            "jsonl" => Ok(Format::Jsonl),
            "sarif" => Ok(Format::Sarif),
            _ => Err(format!("unknown format `{s}` (human, json, jsonl, sarif)")),
        }
    }
}

/// Totals for the summary line and the JSON `summary`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    /// What was scanned: `files`, `blobs`, `objects`.
    pub unit: &'static str,
    /// Units scanned.
    pub units: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Findings reported (not suppressed).
    pub findings: usize,
    /// Findings suppressed by an allow comment, baseline or config.
    pub suppressed: usize,
    /// Wall time of the scan.
    #[serde(serialize_with = "secs")]
    pub elapsed: Duration,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0).round() / 1000.0)
}

/// A problem with one unit, carried to the output.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Notice {
    /// The unit, or empty for the scan as a whole.
    pub path: String,
    /// What happened.
    pub message: String,
}

/// Everything a reporter writes.
#[derive(Debug)]
pub struct Report<'a> {
    /// Findings to report, sorted; suppressed ones are listed separately by
    /// the human format and flagged in the others.
    pub findings: &'a [Finding],
    /// Every rule and check that was enabled, for SARIF `tool.driver.rules`.
    pub rules: &'a [RuleMeta],
    /// Totals.
    pub summary: Summary,
    /// Per-unit problems.
    pub notices: &'a [Notice],
    /// Write secrets whole (`--reveal`).
    pub reveal: bool,
    /// Colour the human output.
    pub color: bool,
    /// SARIF `automationDetails.id` / run category, when set.
    pub category: Option<String>,
    /// Human format: the summary and warnings only.
    pub quiet: bool,
}

/// Write `report` in `format`.
pub fn write_report(format: Format, report: &Report<'_>, w: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::write(report, w),
        Format::Json => json::write(report, w),
        Format::Jsonl => json::write_lines(report, w),
        Format::Sarif => sarif::write(report, w),
    }
}

/// The secret as a reporter may show it.
pub(crate) fn shown_secret(f: &Finding, reveal: bool) -> Option<String> {
    f.secret.as_ref().map(|s| {
        if reveal {
            s.expose().to_string()
        } else {
            s.masked()
        }
    })
}

pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");
