//! Drive the git source until the CLI's `git` and `staged` subcommands exist
//! (used by bench/git_bench.sh).
//!
//! ```text
//! scan_history history REPO [--range A..B] [--branch REF] [--threads N] [--quiet]
//! scan_history staged REPO [--repeat N]
//! scan_history stdin            # `git log -p --all | scan_history stdin`
//! ```
//!
//! Prints one line per finding (unless `--quiet`), then a summary on stderr.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use credlint_git::{scan_history, scan_staged, HistoryOptions};
use credlint_leaks::RuleSet;
use credlint_scan::UnitScanner;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let quiet = args.iter().any(|a| a == "--quiet");
    let rules = Arc::new(RuleSet::embedded().expect("embedded rules"));
    let scanner = UnitScanner::new(rules, None, false);
    let mode = args.first().map(String::as_str).unwrap_or("");
    let t0 = Instant::now();
    match mode {
        "history" => {
            let opts = HistoryOptions {
                range: flag("--range"),
                branch: flag("--branch"),
                threads: flag("--threads").map_or(0, |t| t.parse().expect("threads")),
                ..Default::default()
            };
            let repo = PathBuf::from(args.get(1).expect("REPO"));
            let r = scan_history(&repo, &opts, &scanner).unwrap_or_else(|e| {
                eprintln!("error: {e}");
                std::process::exit(2)
            });
            if !quiet {
                for f in &r.findings {
                    let c = f.location.commit.as_ref().expect("commit");
                    let s = f.location.span.expect("span");
                    println!(
                        "{} {} {}:{}:{} {} in_head={}",
                        f.rule_id,
                        &c.id[..12],
                        f.location.path.as_deref().unwrap_or("-"),
                        s.start_line,
                        s.start_column,
                        f.secret.as_ref().map(|s| s.masked()).unwrap_or_default(),
                        f.properties["in_head"]
                    );
                }
            }
            for w in r.warnings.iter().take(20) {
                eprintln!("warning: {w}");
            }
            eprintln!(
                "findings={} secrets={} elapsed={:.3}s stats={:?}",
                r.findings.len(),
                r.findings
                    .iter()
                    .filter_map(|f| f.secret.as_ref().map(|s| s.expose().to_string()))
                    .collect::<std::collections::HashSet<_>>()
                    .len(),
                t0.elapsed().as_secs_f64(),
                r.stats
            );
        }
        "staged" => {
            let repo = PathBuf::from(args.get(1).expect("REPO"));
            let repeat: usize = flag("--repeat").map_or(1, |n| n.parse().expect("repeat"));
            let mut times = Vec::new();
            let mut last = None;
            for _ in 0..repeat {
                let t = Instant::now();
                let r = scan_staged(&repo, &scanner).unwrap_or_else(|e| {
                    eprintln!("error: {e}");
                    std::process::exit(2)
                });
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                last = Some(r);
            }
            let r = last.expect("one run");
            if !quiet {
                for f in &r.findings {
                    println!(
                        "{} {}",
                        f.rule_id,
                        f.location.path.as_deref().unwrap_or("-")
                    );
                }
            }
            times.sort_by(f64::total_cmp);
            eprintln!(
                "findings={} blobs={} median={:.2}ms min={:.2}ms max={:.2}ms",
                r.findings.len(),
                r.stats.blobs,
                times[times.len() / 2],
                times[0],
                times[times.len() - 1]
            );
        }
        "stdin" => {
            let r =
                credlint_scan::scan_reader("-", std::io::stdin().lock(), &scanner).expect("stdin");
            eprintln!(
                "findings={} secrets={} elapsed={:.3}s",
                r.findings.len(),
                r.findings
                    .iter()
                    .filter_map(|f| f.secret.as_ref().map(|s| s.expose().to_string()))
                    .collect::<std::collections::HashSet<_>>()
                    .len(),
                t0.elapsed().as_secs_f64()
            );
        }
        _ => {
            eprintln!("usage: scan_history history|staged|stdin ...");
            std::process::exit(2);
        }
    }
}
