//! `credlint git` (history) and `credlint staged` (the pre-commit path).
//!
//! Both use the same config, rules, policy hook, allowlists and baseline as
//! `scan`; the config's `[scan] exclude` globs apply to the paths of
//! history findings too, so fixtures excluded from `scan` stay excluded
//! from every commit that carries them.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use credlint_core::Finding;
use credlint_git::{scan_history, scan_staged, HistoryOptions, HistoryReport, Progress};
use credlint_report::Notice;
use credlint_scan::UnitScanner;
use miette::miette;

use crate::cli::{parse_size, OutputArgs};
use crate::output::{self, glob_lite::Glob, Allowlist};
use crate::scan::{all_meta, build_rules, load_config, policy_hook};

/// `credlint git`.
#[derive(Debug, Args)]
pub struct GitArgs {
    /// The repository (a work tree or a bare repository).
    #[arg(default_value = ".")]
    pub repo: PathBuf,
    /// Only history reachable from this branch, tag or commit (default: every ref).
    #[arg(long)]
    pub branch: Option<String>,
    /// Only what the commits of `BASE..HEAD` introduced (the pull-request gate).
    #[arg(long, conflicts_with = "since_commit")]
    pub range: Option<String>,
    /// Only what the commits after this one introduced.
    #[arg(long)]
    pub since_commit: Option<String>,
    /// Skip blobs larger than this (bytes; K, M, G suffixes).
    #[arg(long, value_parser = parse_size, default_value = "64M")]
    pub max_blob_size: u64,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,
    #[command(flatten)]
    pub archives: crate::cli::ArchiveArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// `credlint staged`.
#[derive(Debug, Args)]
pub struct StagedArgs {
    /// The repository.
    #[arg(default_value = ".")]
    pub repo: PathBuf,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run_git(args: GitArgs) -> miette::Result<ExitCode> {
    let start = Instant::now();
    let progress = std::io::stderr().is_terminal() && !args.out.quiet;
    let opts = HistoryOptions {
        branch: args.branch.clone(),
        range: args.range.clone(),
        since_commit: args.since_commit.clone(),
        max_blob_size: args.max_blob_size,
        threads: args.threads,
        progress: progress.then(|| {
            Box::new(move |p: Progress| draw(p, start)) as Box<dyn Fn(Progress) + Send + Sync>
        }),
    };
    run(
        &args.repo,
        &args.out,
        args.archives.hook(),
        start,
        "blobs",
        |scanner| scan_history(&args.repo, &opts, scanner),
    )
    .inspect(|_| {
        if progress {
            eprint!("\r\x1b[2K");
        }
    })
}

pub fn run_staged(args: StagedArgs) -> miette::Result<ExitCode> {
    let start = Instant::now();
    // Archives are not opened here: the hook has 100 ms.
    run(
        &args.repo,
        &args.out,
        None,
        start,
        "staged files",
        |scanner| scan_staged(&args.repo, scanner),
    )
}

fn run(
    repo: &std::path::Path,
    out: &OutputArgs,
    archives: Option<Arc<dyn credlint_scan::ArchiveHook>>,
    start: Instant,
    unit: &'static str,
    scan: impl FnOnce(&UnitScanner) -> Result<HistoryReport, credlint_git::GitError>,
) -> miette::Result<ExitCode> {
    if !repo.exists() {
        return Err(miette!("no such repository: {}", repo.display()));
    }
    let cfg = load_config(out, repo)?;
    let rules = Arc::new(build_rules(&cfg, &out.disable)?);
    let allow = Allowlist::new(&cfg)?;
    let mut scanner = UnitScanner::new(rules.clone(), Some(policy_hook(&rules)), out.show_filtered);
    if let Some(archives) = archives {
        scanner = scanner.with_archives(archives);
    }
    let report = scan(&scanner).map_err(|e| miette!("{e}"))?;
    let excluded: Vec<Glob> = cfg
        .config
        .scan
        .exclude
        .iter()
        .map(|g| Glob::new(g))
        .collect();
    let findings: Vec<Finding> = report
        .findings
        .into_iter()
        .filter(|f| {
            let p = f.location.path.as_deref().unwrap_or("");
            !excluded.iter().any(|g| g.matches(p))
        })
        .collect();
    let mut disabled = cfg.config.rules.disable.clone();
    disabled.extend(out.disable.iter().cloned());
    let findings = output::post_filter(
        findings,
        &cfg,
        &disabled,
        &allow,
        out.show_filtered,
        output::min_confidence(out, &cfg),
    );
    // Warnings name the unit first (`path (blob id): ...`): none for
    // excluded paths either.
    let mut notices: Vec<Notice> = report
        .warnings
        .into_iter()
        .filter(|w| {
            let path = w.split(" (blob ").next().unwrap_or("");
            !excluded.iter().any(|g| g.matches(path))
        })
        .map(|message| Notice {
            path: String::new(),
            message,
        })
        .collect();
    let s = &report.stats;
    if s.shallow {
        notices.push(Notice {
            path: String::new(),
            message: "shallow clone: history before the clone's boundary is not in the repository and was not scanned".into(),
        });
    }
    for (n, what) in [
        (s.skipped_size, "over the size limit (--max-blob-size)"),
        (
            s.skipped_lfs,
            "Git LFS pointer files (the content is stored outside the repository)",
        ),
    ] {
        if n > 0 {
            notices.push(Notice {
                path: String::new(),
                message: format!("skipped {n} blob(s): {what}"),
            });
        }
    }
    output::finish(
        out,
        &cfg,
        &findings,
        &all_meta(&rules),
        &notices,
        unit,
        s.blobs,
        s.bytes,
        start.elapsed(),
    )
}

/// One progress line on stderr (only on a terminal): blobs, bytes, rate.
fn draw(p: Progress, start: Instant) {
    let secs = start.elapsed().as_secs_f64().max(0.001);
    let mib = p.bytes_done as f64 / 1048576.0;
    let mut e = std::io::stderr().lock();
    let _ = write!(
        e,
        "\r\x1b[2Kscanning blobs {}/{} ({:.0}%), {mib:.1} MiB, {:.1} MiB/s",
        p.blobs_done,
        p.blobs_total,
        100.0 * p.blobs_done as f64 / p.blobs_total.max(1) as f64,
        mib / secs
    );
    let _ = e.flush();
}
