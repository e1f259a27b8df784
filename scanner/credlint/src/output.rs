//! What every reporting command shares: config post-filters, ordering,
//! writing the report and the exit code.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use credlint_core::{Confidence, Finding, RuleMeta, Severity, Suppression};
use credlint_report::{write_report, Format, Notice, Report, Summary};
use miette::{IntoDiagnostic, WrapErr};

use crate::cli::{ColorArg, FormatArg, OutputArgs};
use crate::config::Loaded;

/// Default failure threshold.
pub const DEFAULT_FAIL_ON: Severity = Severity::Low;

/// Default confidence threshold: high and medium are shown.
pub const DEFAULT_CONFIDENCE: Confidence = Confidence::Medium;

/// The confidence threshold of this run: the command line, the config, the default.
pub fn min_confidence(out: &OutputArgs, cfg: &Loaded) -> Confidence {
    out.confidence
        .or(cfg.config.confidence)
        .unwrap_or(DEFAULT_CONFIDENCE)
}

/// Config allowlists compiled once.
pub struct Allowlist {
    secrets: Vec<regex::Regex>,
    rules: Vec<(String, Vec<regex::Regex>, Vec<glob_lite::Glob>)>,
    /// Which entries suppressed something: `secrets` first, then `rules`.
    used: Vec<AtomicBool>,
}

impl Allowlist {
    /// Compile the `[allow]` section.
    pub fn new(cfg: &Loaded) -> miette::Result<Allowlist> {
        let re = |s: &String| {
            regex::Regex::new(s)
                .into_diagnostic()
                .wrap_err_with(|| format!("invalid allow regex `{s}` in the config"))
        };
        let secrets = cfg
            .config
            .allow
            .secrets
            .iter()
            .map(re)
            .collect::<Result<_, _>>()?;
        let rules = cfg
            .config
            .allow
            .rule
            .iter()
            .map(|r| {
                Ok((
                    r.id.clone(),
                    r.secrets.iter().map(re).collect::<Result<Vec<_>, _>>()?,
                    r.paths.iter().map(|p| glob_lite::Glob::new(p)).collect(),
                ))
            })
            .collect::<miette::Result<_>>()?;
        let used = (0..cfg.config.allow.secrets.len() + cfg.config.allow.rule.len())
            .map(|_| AtomicBool::new(false))
            .collect();
        Ok(Allowlist {
            secrets,
            rules,
            used,
        })
    }

    /// One warning per allowlist entry that suppressed nothing in this run.
    pub fn unused_notices(&self, cfg: &Loaded) -> Vec<Notice> {
        let file = cfg
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let names = self
            .secrets
            .iter()
            .map(|re| format!("allow.secrets `{}`", re.as_str()))
            .chain(
                self.rules
                    .iter()
                    .enumerate()
                    .map(|(i, (id, _, _))| format!("[[allow.rule]] #{} (id = `{id}`)", i + 1)),
            );
        names
            .zip(&self.used)
            .filter(|(_, u)| !u.load(Ordering::Relaxed))
            .map(|(name, _)| Notice {
                path: file.clone(),
                message: format!(
                    "allowlist entry {name} matched nothing (remove it if it is no longer needed)"
                ),
            })
            .collect()
    }

    fn matches(&self, f: &Finding) -> Option<String> {
        let secret = f.secret.as_ref().map(|s| s.expose());
        if let Some(s) = secret {
            if let Some(i) = self.secrets.iter().position(|re| re.is_match(s)) {
                self.used[i].store(true, Ordering::Relaxed);
                return Some(format!("allow.secrets `{}`", self.secrets[i].as_str()));
            }
        }
        let path = f.location.path.as_deref().unwrap_or("");
        for (i, (id, secrets, paths)) in self.rules.iter().enumerate() {
            if id != &f.rule_id {
                continue;
            }
            let secret_ok =
                secrets.is_empty() || secret.is_some_and(|s| secrets.iter().any(|r| r.is_match(s)));
            let path_ok = paths.is_empty() || paths.iter().any(|g| g.matches(path));
            if secret_ok && path_ok {
                self.used[self.secrets.len() + i].store(true, Ordering::Relaxed);
                return Some(format!("allow.rule `{id}`"));
            }
        }
        None
    }
}

/// Apply config severity overrides, disabled checks, allowlists and the
/// baseline (`cfg.baseline`); drop
/// suppressed findings unless they are to be shown; sort.
pub fn post_filter(
    mut findings: Vec<Finding>,
    cfg: &Loaded,
    disabled: &[String],
    allow: &Allowlist,
    keep_suppressed: bool,
    min_confidence: Confidence,
) -> Vec<Finding> {
    findings.retain(|f| !disabled.contains(&f.rule_id));
    for f in &mut findings {
        if let Some(sev) = cfg.config.rules.severity.get(&f.rule_id) {
            f.severity = *sev;
        }
        if f.suppressed.is_none() {
            if let Some(why) = allow.matches(f) {
                f.suppressed = Some(Suppression::Config(why));
            }
        }
    }
    if let Some(baseline) = &cfg.baseline {
        baseline.apply(&mut findings);
    }
    // Confidence last: allowlist and baseline entries for a low-confidence
    // finding are used (not reported stale) whatever `--confidence` shows.
    for f in &mut findings {
        if f.suppressed.is_none() && f.confidence < min_confidence {
            f.suppressed = Some(Suppression::Filter(format!(
                "confidence {} (below {min_confidence}; `--confidence {}` shows it)",
                f.confidence, f.confidence
            )));
        }
    }
    if !keep_suppressed {
        findings.retain(|f| f.suppressed.is_none());
    }
    sort(&mut findings);
    findings
}

/// Order: by commit date (history), path, line, column, rule.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            (
                f.location.commit.as_ref().map(|c| c.date.clone()),
                f.location.commit.as_ref().map(|c| c.id.clone()),
                f.display_path(),
                f.location.span.map(|s| (s.start_line, s.start_column)),
                f.rule_id.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
}

/// Write the report and turn the findings into an exit code.
#[allow(clippy::too_many_arguments)]
pub fn finish(
    out: &OutputArgs,
    cfg: &Loaded,
    findings: &[Finding],
    rules: &[RuleMeta],
    notices: &[Notice],
    unit: &'static str,
    units: u64,
    bytes: u64,
    elapsed: Duration,
) -> miette::Result<ExitCode> {
    let suppressed = findings.iter().filter(|f| f.suppressed.is_some()).count();
    let summary = Summary {
        unit,
        units,
        bytes,
        findings: findings.len() - suppressed,
        suppressed,
        elapsed,
    };
    let format = match out.format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Jsonl => Format::Jsonl,
        FormatArg::Sarif => Format::Sarif,
    };
    let to_terminal = out.output.is_none();
    let color = match out.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            to_terminal
                && anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
        }
    };
    // A severity override in the config changes the rule's own severity,
    // which SARIF consumers rank by, not only each result's level.
    let rules: Vec<RuleMeta> = rules
        .iter()
        .map(|m| {
            let mut m = m.clone();
            if let Some(sev) = cfg.config.rules.severity.get(&m.id) {
                m.severity = *sev;
            }
            m
        })
        .collect();
    let rules = rules.as_slice();
    let report = Report {
        findings,
        quiet: out.quiet,
        rules,
        summary,
        notices,
        reveal: out.reveal,
        color,
        category: out.category.clone(),
    };
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    write_report(format, &report, &mut buf).into_diagnostic()?;
    match &out.output {
        Some(path) => write_private(path, &buf)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout.write_all(&buf).and_then(|_| stdout.flush()) {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    return Ok(exit_code(out, cfg, findings));
                }
                return Err(e).into_diagnostic();
            }
        }
    }
    if format != Format::Human && !out.quiet {
        for n in notices {
            eprintln!("warning: {}: {}", n.path, n.message);
        }
    }
    let code = exit_code(out, cfg, findings);
    if format == Format::Human && !out.quiet && code == ExitCode::from(1) {
        eprint!("{}", ways_out(findings));
    }
    Ok(code)
}

/// What to do about failing findings: the two ways out, named for the
/// rules that fired (printed on standard error, human format only).
fn ways_out(findings: &[Finding]) -> String {
    let mut ids: Vec<&str> = findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(|f| f.rule_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let ids = ids.join(" ");
    format!(
        "\
credlint reported the findings above. Either:
  1. remove them, and rotate any that were real: once pushed or shared, a secret is exposed; or
  2. if it is a false positive or an accepted risk, allow it in place with a comment on
     that line or the line before:  # credlint:allow {ids}
     or record today's findings in a baseline and apply it (only new ones are reported):
       credlint baseline -o {base}
       then `--baseline {base}`, or `baseline = \"{base}\"` in .credlint.toml
",
        base = crate::baseline::DEFAULT_FILE,
    )
}

fn exit_code(out: &OutputArgs, cfg: &Loaded, findings: &[Finding]) -> ExitCode {
    let fail_on = out
        .fail_on
        .or(cfg.config.fail_on)
        .unwrap_or(DEFAULT_FAIL_ON);
    if findings
        .iter()
        .any(|f| f.suppressed.is_none() && f.severity >= fail_on)
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Reports can name secrets (masked) and where they are: write them 0600.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut file = opts.open(path)?;
    // `mode` applies only when the file is created: tighten an existing one.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(bytes)
}

/// A small gitignore-style glob for config path allowlists: `*` within a
/// segment, `**` across segments, `?` one character.
pub mod glob_lite {
    /// A compiled glob.
    #[derive(Debug, Clone)]
    pub struct Glob(regex::Regex);

    impl Glob {
        /// Compile; a glob without `/` matches the file name anywhere.
        pub fn new(glob: &str) -> Glob {
            let mut re = String::from("^");
            if !glob.contains('/') {
                re.push_str("(?:.*/)?");
            }
            let g = glob.trim_start_matches('/');
            let mut chars = g.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '*' if chars.peek() == Some(&'*') => {
                        chars.next();
                        if chars.peek() == Some(&'/') {
                            chars.next();
                            re.push_str("(?:.*/)?");
                        } else {
                            re.push_str(".*");
                        }
                    }
                    '*' => re.push_str("[^/]*"),
                    '?' => re.push_str("[^/]"),
                    c => re.push_str(&regex::escape(&c.to_string())),
                }
            }
            re.push_str("(?:/.*)?$");
            Glob(regex::Regex::new(&re).expect("escaped glob"))
        }

        /// Whether `path` matches.
        pub fn matches(&self, path: &str) -> bool {
            self.0.is_match(path)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::Glob;

        #[test]
        fn globs() {
            assert!(Glob::new("testdata/**").matches("testdata/a/b.txt"));
            assert!(Glob::new("*.pem").matches("x/y/key.pem"));
            assert!(!Glob::new("src/*.rs").matches("src/a/b.rs"));
            assert!(Glob::new("src").matches("src/a/b.rs"));
        }
    }
}
