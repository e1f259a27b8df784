//! `credlint completions SHELL` and `credlint man`: shell completion scripts
//! and the roff man page, both generated from the clap definition in
//! `cli.rs`, so they can never list a command or option the binary lacks.
//! Packagers run them at install time; nothing here reads a config or scans.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;
use miette::IntoDiagnostic;

use crate::cli::Cli;

/// Writes the completion script for `shell` to standard output.
pub fn completions(shell: clap_complete::Shell) -> miette::Result<ExitCode> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "credlint", &mut out);
    write_stdout(&out)
}

/// Writes the man page (section 1, roff) to standard output. Subcommands are
/// listed in its SUBCOMMANDS section with their one-line summaries.
pub fn man() -> miette::Result<ExitCode> {
    let cmd = Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut out)
        .into_diagnostic()?;
    write_stdout(&out)
}

/// Writes the whole document; a broken pipe (`credlint man | head`) is not
/// an error.
fn write_stdout(bytes: &[u8]) -> miette::Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).into_diagnostic(),
        _ => Ok(ExitCode::SUCCESS),
    }
}
