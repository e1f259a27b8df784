//! `credlint cluster`: a read-only audit of a live cluster.
//!
//! Arguments in, [`credlint_cluster::run_cluster_audit`] in the middle, a
//! reporter out, an exit code back. Progress goes to standard error, only
//! on a terminal.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};
use credlint_cluster::{ClusterOptions, ClusterReport, EtcdOptions, RetryPolicy};
use credlint_core::Severity;
use credlint_leaks::RuleSet;
use credlint_report::{write_report, Format, Notice, Report, Summary};
use miette::{Context as _, IntoDiagnostic as _};

/// Output formats of the cluster audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClusterFormat {
    /// Findings for a terminal.
    Human,
    /// One JSON document, with the readers matrix and the etcd proof under `cluster`.
    Json,
    /// One JSON object per finding per line.
    Jsonl,
    /// SARIF 2.1.0; locations are `k8s://<context>/<namespace>/<kind>/<name>`.
    Sarif,
    /// One self-contained HTML file.
    Html,
    /// Markdown.
    Markdown,
}

/// Arguments of `credlint cluster`.
#[derive(Debug, Args)]
pub struct ClusterArgs {
    /// Kubeconfig file (default: KUBECONFIG, ~/.kube/config, or the in-cluster service account).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context (default: the current context).
    #[arg(long)]
    pub context: Option<String>,
    /// Audit one namespace only (cluster-scoped RBAC is still read). Default: all namespaces.
    #[arg(long, short = 'n')]
    pub namespace: Option<String>,
    /// Also read Secret values (needed for helm-release-values). Without it Secrets are read as metadata only.
    #[arg(long)]
    pub read_secret_values: bool,
    /// secret-stale: days after which a Secret that was not rewritten is stale.
    #[arg(long, default_value_t = 90, value_name = "DAYS")]
    pub max_secret_age: u64,
    /// Show `system:` subjects and judge Kubernetes' default RBAC objects.
    #[arg(long)]
    pub include_system: bool,
    /// An EncryptionConfiguration copied from a control-plane node, judged with the file checks.
    #[arg(long, value_name = "FILE")]
    pub encryption_config: Option<PathBuf>,
    /// etcd endpoint to prove encryption at rest (read-only), e.g. https://10.0.0.10:2379.
    #[arg(long, value_name = "URL")]
    pub etcd: Option<String>,
    /// CA bundle of etcd's server certificate.
    #[arg(long, value_name = "FILE", requires = "etcd")]
    pub etcd_cacert: Option<PathBuf>,
    /// Client certificate for etcd (e.g. apiserver-etcd-client.crt).
    #[arg(long, value_name = "FILE", requires = "etcd")]
    pub etcd_cert: Option<PathBuf>,
    /// Client key for etcd.
    #[arg(long, value_name = "FILE", requires = "etcd")]
    pub etcd_key: Option<PathBuf>,
    /// kube-apiserver's --etcd-prefix.
    #[arg(long, default_value = "/registry", value_name = "PREFIX")]
    pub etcd_prefix: String,
    /// Waiver file (TOML: check, namespace/kind/name globs, reason, expires).
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub format: ClusterFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Exit 1 when an unwaived finding is at or above this severity.
    #[arg(long, default_value = "high", value_parser = parse_severity)]
    pub fail_on: Severity,
    /// Kinds listed at once.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Objects per list page.
    #[arg(long, default_value_t = 500)]
    pub page_size: u32,
    /// Time limit of one request, in seconds.
    #[arg(long, default_value_t = 30)]
    pub request_timeout: u64,
    /// Retries on 429, 5xx and network errors.
    #[arg(long, default_value_t = 5)]
    pub retries: u32,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
        .map_err(|e: credlint_core::SeverityParseError| e.to_string())
}

/// Run the audit and write the report.
pub fn run(args: ClusterArgs) -> miette::Result<ExitCode> {
    let leaks = RuleSet::embedded().map_err(|e| miette::miette!("{e}"))?;
    let opts = ClusterOptions {
        kubeconfig: args.kubeconfig.clone(),
        context: args.context.clone(),
        namespace: args.namespace.clone(),
        read_secret_values: args.read_secret_values,
        max_secret_age_days: args.max_secret_age,
        include_system: args.include_system,
        encryption_config: args.encryption_config.clone(),
        etcd: args.etcd.as_ref().map(|e| EtcdOptions {
            endpoint: e.clone(),
            ca: args.etcd_cacert.clone(),
            cert: args.etcd_cert.clone(),
            key: args.etcd_key.clone(),
            prefix: args.etcd_prefix.clone(),
        }),
        waivers: args.waivers.clone(),
        concurrency: args.concurrency.max(1),
        page_size: args.page_size.max(1),
        retry: RetryPolicy {
            timeout: Duration::from_secs(args.request_timeout.max(1)),
            max_retries: args.retries,
            ..RetryPolicy::default()
        },
        now: None,
    };
    let progress = std::io::stderr().is_terminal();
    if progress {
        eprintln!(
            "credlint: auditing the cluster read-only (Secrets as {})…",
            if args.read_secret_values {
                "values"
            } else {
                "metadata"
            }
        );
    }
    let report = credlint_cluster::run_cluster_audit(&opts, &leaks)
        .map_err(|e| miette::miette!("credlint cluster: {e}"))?;
    if progress {
        eprintln!(
            "credlint: {} objects, {} API requests in {:.1} s",
            report.stats.objects_checked, report.stats.api_requests, report.stats.elapsed_secs
        );
    }
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    write(&args, &report, &mut buf).into_diagnostic()?;
    match &args.output {
        Some(path) => write_private(path, &buf)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(&buf).and_then(|_| out.flush()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e).into_diagnostic();
                }
            }
        }
    }
    if !matches!(args.format, ClusterFormat::Human) {
        for n in &report.not_audited {
            eprintln!("warning: not audited: {}: {}", n.kind, n.reason);
        }
    }
    let failing = report.active().any(|f| f.severity >= args.fail_on);
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn notices(report: &ClusterReport) -> Vec<Notice> {
    let mut n: Vec<Notice> = report
        .not_audited
        .iter()
        .map(|n| Notice {
            path: format!(
                "k8s://{}/{}/{}",
                report.context,
                n.namespace.as_deref().unwrap_or("*"),
                n.kind
            ),
            message: format!("not audited: {}", n.reason),
        })
        .collect();
    n.extend(report.warnings.iter().map(|w| Notice {
        path: format!("k8s://{}", report.context),
        message: w.clone(),
    }));
    n.extend(
        report
            .waivers
            .iter()
            .filter(|w| w.expired || w.matched == 0)
            .map(|w| Notice {
                path: "waivers".into(),
                message: format!(
                    "waiver for `{}` ({}) is {}",
                    w.waiver.check,
                    w.waiver.reason,
                    if w.expired {
                        format!(
                            "expired since {}",
                            w.waiver.expires.as_deref().unwrap_or("?")
                        )
                    } else {
                        "unused".into()
                    }
                ),
            }),
    );
    n
}

fn write(args: &ClusterArgs, report: &ClusterReport, w: &mut Vec<u8>) -> std::io::Result<()> {
    let format = match args.format {
        ClusterFormat::Html => return credlint_cluster::html::write(report, w),
        ClusterFormat::Markdown => return credlint_cluster::markdown::write(report, w),
        ClusterFormat::Human => Format::Human,
        ClusterFormat::Json => Format::Json,
        ClusterFormat::Jsonl => Format::Jsonl,
        ClusterFormat::Sarif => Format::Sarif,
    };
    let notices = notices(report);
    let suppressed = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .count();
    let color = args.output.is_none()
        && format == Format::Human
        && anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
    let r = Report {
        findings: &report.findings,
        rules: &report.rules,
        summary: Summary {
            unit: "objects",
            units: report.stats.objects_checked,
            bytes: report.stats.bytes,
            findings: report.findings.len() - suppressed,
            suppressed,
            elapsed: Duration::from_secs_f64(report.stats.elapsed_secs),
        },
        notices: &notices,
        reveal: false,
        color,
        category: Some(format!("credlint-cluster/{}", report.context)),
        quiet: false,
    };
    if format != Format::Json {
        write_report(format, &r, w)?;
        if format == Format::Human {
            writeln!(w, "Encryption at rest: {}", report.at_rest_verdict())?;
            writeln!(
                w,
                "Subjects that can read Secrets: {}",
                report.readers.rows.len()
            )?;
            for n in &report.not_audited {
                writeln!(w, "Not audited: {}: {}", n.kind, n.reason)?;
            }
        }
        return Ok(());
    }
    let mut doc = Vec::new();
    write_report(format, &r, &mut doc)?;
    let mut v: serde_json::Value = serde_json::from_slice(&doc).map_err(std::io::Error::other)?;
    v["cluster"] = credlint_cluster::json_extras(report);
    serde_json::to_writer_pretty(&mut *w, &v).map_err(std::io::Error::other)?;
    writeln!(w)
}

/// Reports name objects and masked secrets: write them 0600.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        o.mode(0o600);
    }
    o.open(path)?.write_all(bytes)
}
