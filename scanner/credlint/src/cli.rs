//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use credlint_core::Severity;

/// Finds leaked credentials and Kubernetes secret-hygiene problems.
#[derive(Debug, Parser)]
#[command(name = "credlint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and folders (or `-` for standard input).
    Scan(ScanArgs),
    /// List the leak rules and policy checks.
    Rules(RulesArgs),
    /// Explain a rule or check: what it finds, why it matters, what to do.
    Explain(ExplainArgs),
    /// Record today's findings (fingerprints, no secrets) so that later runs
    /// with `--baseline FILE` report only new ones. Takes `scan`'s arguments;
    /// `-o FILE` writes the baseline there (default: standard output).
    Baseline(ScanArgs),
    /// Scan git history: every blob reachable from every ref (or a range), once,
    /// each secret reported at the commit that introduced it.
    Git(crate::git_cmd::GitArgs),
    /// Scan what is staged for the next commit (the pre-commit path).
    Staged(crate::git_cmd::StagedArgs),
    /// Audit a live cluster, read-only: the policy checks on live objects, who can read
    /// Secrets, and (with --etcd) the proof of encryption at rest.
    Cluster(crate::cluster_cmd::ClusterArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    /// to standard output.
    Completions(CompletionsArgs),
    /// Print the man page (roff, from these definitions) to standard output:
    /// `credlint man > credlint.1`, or `credlint man | man -l -`.
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// How findings are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Human,
    Json,
    Jsonl,
    Sarif,
}

/// When to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// Options shared by every command that reports findings.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(
        long,
        short = 'f',
        value_enum,
        default_value = "human",
        env = "CREDLINT_FORMAT"
    )]
    pub format: FormatArg,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Print secrets whole. Without it every output masks them.
    #[arg(long)]
    pub reveal: bool,
    /// Also list candidates dropped by a filter or an allow comment, with the reason.
    #[arg(long, alias = "show-suppressed")]
    pub show_filtered: bool,
    /// Colour: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorArg,
    /// Config file (default: .credlint.toml in the scan root or a parent).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Ignore any config file.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Disable a rule or check by id (repeatable).
    #[arg(long = "disable", value_name = "ID")]
    pub disable: Vec<String>,
    /// SARIF run category (`automationDetails.id`), for several uploads per commit.
    #[arg(long)]
    pub category: Option<String>,
    /// Only print the summary line and warnings (human format).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Report only findings not recorded in this baseline file (see `credlint baseline`).
    #[arg(long, value_name = "FILE", env = "CREDLINT_BASELINE")]
    pub baseline: Option<PathBuf>,
    /// Print the merged config (file plus command line) as TOML and exit.
    #[arg(long)]
    pub dump_config: bool,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or folders to scan; `-` reads standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Scan files that .gitignore, .ignore or .credlintignore leave out.
    #[arg(long)]
    pub no_ignore: bool,
    /// Skip files larger than this (bytes; K, M, G suffixes).
    #[arg(long, value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Leave out paths matching this glob (repeatable, gitignore syntax).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Follow symbolic links (loops are detected).
    #[arg(long)]
    pub follow_links: bool,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Only rules with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule or check id.
    pub id: String,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
        .map_err(|e: credlint_core::SeverityParseError| e.to_string())
}

/// `1024`, `10K`, `5M`, `2G` (binary units), `1GiB`, `1MB`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    let unit = t[digits.len()..].trim().to_ascii_lowercase();
    let n: u64 = digits.parse().map_err(|_| format!("not a size: `{s}`"))?;
    let mult: u64 = match unit.as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("unknown size unit in `{s}` (use K, M or G)")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("size too large: `{s}`"))
}
