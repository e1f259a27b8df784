//! The `credlint` binary: arguments, config discovery, the reporter and the
//! exit code. Everything else lives in the library crates.
//!
//! Exit codes: 0 nothing at or above `--fail-on`; 1 findings; 2 the scan
//! could not run.

mod baseline;
mod cli;
mod cluster_cmd;
mod config;
mod git_cmd;
mod image_cmd;
mod manual;
mod output;
mod scan;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A panic message can quote the text being processed, which may hold a
    // secret: report only where it happened.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("credlint: internal error at {at}; please report it (the message is withheld: it may quote scanned content)");
    }));
    let cli = cli::Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(report) => {
            if is_broken_pipe(&report) {
                return ExitCode::SUCCESS;
            }
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: cli::Cli) -> miette::Result<ExitCode> {
    match cli.command {
        cli::Command::Scan(args) => scan::run_scan(args),
        cli::Command::Rules(args) => scan::run_rules(args),
        cli::Command::Explain(args) => scan::run_explain(args),
        cli::Command::Baseline(args) => baseline::run(args),
        cli::Command::Cluster(args) => cluster_cmd::run(args),
        cli::Command::Git(args) => git_cmd::run_git(args),
        cli::Command::Staged(args) => git_cmd::run_staged(args),
        cli::Command::Image(args) => image_cmd::run(args),
        cli::Command::Completions(args) => manual::completions(args.shell),
        cli::Command::Man => manual::man(),
    }
}

fn is_broken_pipe(report: &miette::Report) -> bool {
    report
        .downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
