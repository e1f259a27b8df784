//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use credlint_core::{Confidence, Severity};

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
    /// Scan container images (OCI layout folders, docker-save / OCI archive tarballs,
    /// registry references): every layer's files, once per layer digest, and the image
    /// config's Env, Labels, Cmd, Entrypoint and build history.
    ///
    /// IMAGE is an OCI image layout folder (with `oci-layout` and `index.json`), a
    /// tarball from `docker save` or an OCI archive (`docker buildx build --output
    /// type=oci`, `skopeo copy … oci-archive:`), or, when no such path exists, a registry
    /// reference (`registry.example/team/app:1.0`, `alpine@sha256:…`) pulled over the OCI
    /// distribution API, streamed, never written to disk. Registry credentials come from
    /// Docker's config ($DOCKER_CONFIG or ~/.docker/config.json: `auths`, `credHelpers`,
    /// `credsStore`); token auth follows the registry's `WWW-Authenticate` realm. Plain
    /// HTTP is used for localhost and 127.0.0.0/8 only. Several images may be given: a
    /// layer they share is read once.
    ///
    /// Every file of every layer is scanned as `credlint scan` scans a file (leak rules,
    /// and the policy checks for files they recognise by name; archives inside layers
    /// are opened too). The image config is scanned as well: each `Env` entry, each
    /// label, `Cmd`, `Entrypoint`, and each build step's `created_by` (where `ARG` and
    /// `ENV` values and `RUN` lines stay for anyone who pulls the image).
    ///
    /// A file deleted by a later layer (a whiteout) is still in the image: its finding
    /// says "removed in layer N, still pullable". Locations are
    /// IMAGE@DIGEST!LAYER-DIGEST!path:line:column, or IMAGE@DIGEST!config:FIELD; JSON and
    /// SARIF carry image, image_digest, layer_digest, layer_index, path_in_layer,
    /// config_field and removed_in_layer as properties.
    ///
    /// Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 the scan could not run.
    Image(crate::image_cmd::ImageArgs),
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
    /// Report findings at or above this confidence: high, medium (the
    /// default) or low (adds human-looking passwords, UUID keys, service
    /// defaults).
    #[arg(long, value_parser = parse_confidence, env = "CREDLINT_CONFIDENCE")]
    pub confidence: Option<Confidence>,
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
    #[command(flatten)]
    pub archives: ArchiveArgs,
}

/// Reading archives (zip, jar, whl, tar, gz, bz2, xz, zst) found while scanning.
#[derive(Debug, Clone, Args)]
pub struct ArchiveArgs {
    /// Do not open archives: scan them as files (binary ones are skipped).
    #[arg(long)]
    pub no_archives: bool,
    /// Archive levels to open: 1 reads an archive's own members, 3 (the
    /// default) also archives in archives in archives.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=16))]
    pub archive_depth: u32,
}

impl ArchiveArgs {
    /// The archive reader these flags ask for, if any.
    pub fn hook(&self) -> Option<std::sync::Arc<dyn credlint_scan::ArchiveHook>> {
        (!self.no_archives).then(|| {
            std::sync::Arc::new(credlint_archive::Archives::new(credlint_archive::Limits {
                max_depth: self.archive_depth,
                ..credlint_archive::Limits::default()
            })) as std::sync::Arc<dyn credlint_scan::ArchiveHook>
        })
    }
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Only rules with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(subcommand)]
    pub action: Option<RulesAction>,
}

#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// Check rule files (the `rules/` format): every rule loads, every
    /// example is found and every negative example is not. Exit 1 when one
    /// fails.
    Check {
        /// Rule files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule or check id.
    pub id: String,
}

fn parse_confidence(s: &str) -> Result<Confidence, String> {
    s.parse()
        .map_err(|e: credlint_core::ConfidenceParseError| e.to_string())
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
