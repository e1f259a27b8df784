//! Baselines: the findings a team accepted on the day it adopted credlint,
//! so that only new ones are reported (a filter, after the config
//! allowlists and before the reporters).
//!
//! `credlint baseline [scan args] -o .credlint-baseline.json` writes one
//! entry per finding: rule id, path, line, the finding's fingerprint and the
//! secret's fingerprint (rule + value, no path; `value_fingerprint`). Both are one-way hashes:
//! the file holds no secret, not even a masked one, and is safe to commit.
//!
//! `--baseline FILE` (or `baseline = "…"` in `.credlint.toml`) marks a
//! finding [`Suppression::Baseline`] when its fingerprint is recorded, or
//! when its rule and secret fingerprint are: moving a line never changes the
//! fingerprint, and moving (or copying) the secret to another file still
//! matches on the secret. An entry that suppresses nothing is *stale*; the
//! commands that scan everything report it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use credlint_core::{Finding, Suppression};
use credlint_report::Notice;
use miette::{IntoDiagnostic, NamedSource, WrapErr};
use serde::{Deserialize, Serialize};

use crate::config::ConfigError;

/// The file format version this build reads and writes.
pub const VERSION: u32 = 1;

/// The conventional file name.
pub const DEFAULT_FILE: &str = ".credlint-baseline.json";

/// The baseline file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    /// Format version ([`VERSION`]).
    pub version: u32,
    /// The credlint that wrote it (information only).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tool: String,
    /// One entry per accepted finding, sorted by path, line and rule.
    pub findings: Vec<Entry>,
}

/// One accepted finding. No secret, not even masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Rule or check id.
    pub rule_id: String,
    /// Path (or object URI) where it was, for people reading the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Line where it was, for people reading the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The introducing commit, for history findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// [`Finding::fingerprint`]: rule, path, secret (survives line moves).
    pub fingerprint: String,
    /// [`Finding::secret_fingerprint`]: rule and secret (survives file moves).
    /// Named `value_fingerprint` in the file: a key with "secret" in it
    /// would itself look like a hard-coded secret to the generic rules.
    #[serde(
        rename = "value_fingerprint",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub secret_fingerprint: Option<String>,
}

impl Entry {
    fn of(f: &Finding) -> Entry {
        Entry {
            rule_id: f.rule_id.clone(),
            path: Some(f.display_path()),
            line: f.location.span.map(|s| s.start_line),
            commit: f.location.commit.as_ref().map(|c| c.id.clone()),
            fingerprint: f.fingerprint.clone(),
            secret_fingerprint: f.secret_fingerprint(),
        }
    }

    fn describe(&self) -> String {
        let at = match (&self.path, self.line) {
            (Some(p), Some(l)) => format!(" at {p}:{l}"),
            (Some(p), None) => format!(" at {p}"),
            _ => String::new(),
        };
        format!("{}{at} ({})", self.rule_id, self.fingerprint)
    }
}

/// A loaded baseline, ready to filter findings.
#[derive(Debug)]
pub struct Baseline {
    /// Where it was read from, as the user named it.
    pub path: PathBuf,
    entries: Vec<Entry>,
    by_fingerprint: HashMap<String, usize>,
    by_secret: HashMap<(String, String), Vec<usize>>,
    used: Vec<AtomicBool>,
}

impl Baseline {
    /// Index `file`'s entries.
    pub fn new(path: PathBuf, file: BaselineFile) -> Baseline {
        let mut by_fingerprint = HashMap::new();
        let mut by_secret: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (i, e) in file.findings.iter().enumerate() {
            by_fingerprint.entry(e.fingerprint.clone()).or_insert(i);
            if let Some(s) = &e.secret_fingerprint {
                by_secret
                    .entry((e.rule_id.clone(), s.clone()))
                    .or_default()
                    .push(i);
            }
        }
        let used = file
            .findings
            .iter()
            .map(|_| AtomicBool::new(false))
            .collect();
        Baseline {
            path,
            entries: file.findings,
            by_fingerprint,
            by_secret,
            used,
        }
    }

    /// Read and parse a baseline file; a bad one is a diagnostic pointing
    /// at the problem.
    pub fn load(path: &Path) -> miette::Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot read baseline {}", path.display()))?;
        let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
            let offset = offset_of(&text, e.line(), e.column());
            miette::Report::new(ConfigError {
                message: format!("invalid baseline: {e}"),
                src: NamedSource::new(path.display().to_string(), text.clone()),
                span: Some((offset, 0).into()),
            })
        })?;
        if file.version != VERSION {
            return Err(miette::miette!(
                "baseline {} has version {}; this credlint reads version {VERSION} (regenerate it with `credlint baseline`)",
                path.display(),
                file.version
            ));
        }
        Ok(Baseline::new(path.to_path_buf(), file))
    }

    /// Mark every unsuppressed finding the baseline records as
    /// [`Suppression::Baseline`]; remember which entries were used.
    pub fn apply(&self, findings: &mut [Finding]) {
        let name = self.path.display().to_string();
        for f in findings.iter_mut().filter(|f| f.suppressed.is_none()) {
            if let Some(&i) = self.by_fingerprint.get(&f.fingerprint) {
                self.used[i].store(true, Ordering::Relaxed);
                f.suppressed = Some(Suppression::Baseline(name.clone()));
                continue;
            }
            let Some(sfp) = f.secret_fingerprint() else {
                continue;
            };
            if let Some(idx) = self.by_secret.get(&(f.rule_id.clone(), sfp)) {
                for &i in idx {
                    self.used[i].store(true, Ordering::Relaxed);
                }
                let was = &self.entries[idx[0]];
                let moved = match (&was.path, was.line) {
                    (Some(p), Some(l)) => format!(" (same secret as recorded at {p}:{l})"),
                    (Some(p), None) => format!(" (same secret as recorded at {p})"),
                    _ => " (same secret)".to_string(),
                };
                f.suppressed = Some(Suppression::Baseline(format!("{name}{moved}")));
            }
        }
    }

    /// One warning per entry that suppressed nothing. Only meaningful after
    /// a scan of everything the baseline was made from (a whole tree, the
    /// whole history), not of a few staged files.
    pub fn stale_notices(&self) -> Vec<Notice> {
        self.entries
            .iter()
            .zip(&self.used)
            .filter(|(_, u)| !u.load(Ordering::Relaxed))
            .map(|(e, _)| Notice {
                path: self.path.display().to_string(),
                message: format!(
                    "stale baseline entry {}: nothing matches it any more (remove it, or regenerate with `credlint baseline`)",
                    e.describe()
                ),
            })
            .collect()
    }
}

/// The baseline document for `findings`: every unsuppressed one, sorted,
/// one entry per fingerprint.
pub fn build(findings: &[Finding]) -> BaselineFile {
    let mut entries: Vec<Entry> = findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(Entry::of)
        .collect();
    entries.sort_by(|a, b| {
        (&a.path, a.line, &a.rule_id, &a.fingerprint).cmp(&(
            &b.path,
            b.line,
            &b.rule_id,
            &b.fingerprint,
        ))
    });
    let mut seen = std::collections::HashSet::new();
    entries.retain(|e| seen.insert(e.fingerprint.clone()));
    BaselineFile {
        version: VERSION,
        tool: format!("credlint {}", env!("CARGO_PKG_VERSION")),
        findings: entries,
    }
}

/// The baseline as pretty JSON with a trailing newline (stable diffs).
pub fn to_json(file: &BaselineFile) -> String {
    let mut s = serde_json::to_string_pretty(file).expect("baseline serialises");
    s.push('\n');
    s
}

/// `credlint baseline`: scan as `credlint scan` would (config and allow
/// comments apply, any existing baseline does not) and write every finding.
pub fn run(args: crate::cli::ScanArgs) -> miette::Result<std::process::ExitCode> {
    let mut args = args;
    let out_path = args.out.output.take();
    // A baseline records everything that is reported today: an older
    // baseline (from --baseline or the config) must not hide anything.
    let scanned = crate::scan::scan_files(&args, false, false)?;
    for n in &scanned.notices {
        eprintln!("warning: {}: {}", n.path, n.message);
    }
    let file = build(&scanned.findings);
    let json = to_json(&file);
    match &out_path {
        Some(p) => {
            std::fs::write(p, &json)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot write {}", p.display()))?;
            eprintln!(
                "credlint: wrote {} baseline entr{} to {} (fingerprints only, no secrets); apply it with --baseline {}",
                file.findings.len(),
                if file.findings.len() == 1 { "y" } else { "ies" },
                p.display(),
                p.display()
            );
        }
        None => {
            use std::io::Write;
            let mut o = std::io::stdout().lock();
            if let Err(e) = o.write_all(json.as_bytes()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e).into_diagnostic();
                }
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// Byte offset of a 1-based line and column (serde_json's error position).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use credlint_core::{fingerprint, FindingKind, Location, SecretValue, Severity, Span};

    fn finding(path: &str, line: usize, secret: &str) -> Finding {
        Finding {
            rule_id: "r".into(),
            rule_name: "R".into(),
            kind: FindingKind::Leak,
            severity: Severity::High,
            confidence: credlint_core::Confidence::High,
            message: "m".into(),
            location: Location {
                path: Some(path.into()),
                span: Some(Span {
                    start_line: line,
                    ..Default::default()
                }),
                ..Default::default()
            },
            secret: Some(SecretValue::new(secret.to_string())),
            fingerprint: fingerprint(&["r", path, secret]),
            properties: Default::default(),
            suppressed: None,
            snippet: None,
        }
    }

    #[test]
    fn matches_by_fingerprint_or_secret_and_reports_stale() {
        let file = build(&[
            finding("a.txt", 1, "s1"),
            finding("b.txt", 2, "s2"),
            finding("c.txt", 3, "s3"),
        ]);
        let json = to_json(&file);
        assert!(
            !json.contains("s1") && !json.contains("s2"),
            "no secret in the file: {json}"
        );
        let b = Baseline::new("bl.json".into(), serde_json::from_str(&json).unwrap());
        let mut now = vec![
            finding("a.txt", 40, "s1"),    // line moved
            finding("moved.txt", 2, "s2"), // file moved
            finding("a.txt", 2, "new"),    // new
        ];
        b.apply(&mut now);
        assert_eq!(
            now[0].suppressed,
            Some(Suppression::Baseline("bl.json".into()))
        );
        assert!(
            matches!(&now[1].suppressed, Some(Suppression::Baseline(d)) if d.contains("b.txt:2"))
        );
        assert!(now[2].suppressed.is_none());
        let stale = b.stale_notices();
        assert_eq!(stale.len(), 1);
        assert!(stale[0].message.contains("c.txt:3"), "{}", stale[0].message);
    }

    #[test]
    fn bad_json_points_at_the_position() {
        assert_eq!(offset_of("ab\ncd", 2, 2), 4);
    }
}
