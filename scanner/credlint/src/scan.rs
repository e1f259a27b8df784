//! `credlint scan`, `credlint rules`, `credlint explain`, and the setup the
//! other scanning commands share (config, rule set, unit scanner).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use credlint_core::{Finding, RuleMeta};
use credlint_leaks::{RuleError, RuleSet};
use credlint_report::Notice;
use credlint_scan::{scan_paths, scan_reader, PolicyHook, PolicyOutput, ScanOptions, UnitScanner};
use miette::{miette, IntoDiagnostic, NamedSource, WrapErr};

use crate::baseline::Baseline;
use crate::cli::{ExplainArgs, OutputArgs, RulesArgs, ScanArgs};
use crate::config::{self, ConfigError, Loaded};
use crate::output::{self, Allowlist};

/// Load the config for a scan rooted at `root`, and the baseline it or
/// `--baseline` names. With `--dump-config`, print the merged config and exit.
pub fn load_config(out: &OutputArgs, root: &Path) -> miette::Result<Loaded> {
    load_config_with(out, root, true)
}

/// [`load_config`], leaving any baseline out when `with_baseline` is false.
pub fn load_config_with(
    out: &OutputArgs,
    root: &Path,
    with_baseline: bool,
) -> miette::Result<Loaded> {
    let mut loaded = load_config_file(out, root)?;
    let baseline = match (&out.baseline, &loaded.config.baseline) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(rel)) => Some(loaded.base().join(rel)),
        (None, None) => None,
    };
    if out.dump_config {
        print!(
            "{}",
            config::dump(&loaded, out.fail_on, &out.disable, out.baseline.as_deref())
        );
        std::process::exit(0);
    }
    if let Some(p) = baseline.filter(|_| with_baseline) {
        loaded.baseline = Some(Arc::new(Baseline::load(&p)?));
    }
    Ok(loaded)
}

fn load_config_file(out: &OutputArgs, root: &Path) -> miette::Result<Loaded> {
    if out.no_config {
        return Ok(Loaded::default());
    }
    let path = match &out.config {
        Some(p) => Some(p.clone()),
        None => config::discover(root),
    };
    match path {
        Some(p) => config::load(&p).map_err(|e| miette::Report::new(*e)),
        None => Ok(Loaded::default()),
    }
}

fn rule_error(e: RuleError, text: Option<&str>) -> miette::Report {
    match (text, e.span.clone()) {
        (Some(t), Some(span)) => miette::Report::new(ConfigError {
            message: format!("bad rule: {}", e.message),
            src: NamedSource::new(e.file.clone(), t.to_string()),
            span: Some((span.start, span.end.saturating_sub(span.start)).into()),
        }),
        _ => miette!("{e}"),
    }
}

/// Embedded rules plus the config's extra rule files, less disabled ids.
pub fn build_rules(cfg: &Loaded, extra_disabled: &[String]) -> miette::Result<RuleSet> {
    let mut builder = RuleSet::builder().with_embedded();
    let mut texts = Vec::new();
    for rel in &cfg.config.rules.extra {
        let path = cfg.base().join(rel);
        let text = std::fs::read_to_string(&path)
            .into_diagnostic()
            .map_err(|e| miette!("cannot read rule file {}: {e}", path.display()))?;
        texts.push((path.display().to_string(), text.clone()));
        builder = builder.add_file(path.display().to_string(), text);
    }
    let embedded = RuleSet::builder()
        .with_embedded()
        .build()
        .map_err(|e| rule_error(e, None))?;
    let known = |id: &String| {
        embedded.get(id).is_some() || texts.iter().any(|(_, t)| t.contains(id.as_str()))
    };
    let checks: Vec<String> = credlint_k8s::checks().into_iter().map(|m| m.id).collect();
    for id in cfg.config.rules.disable.iter().chain(extra_disabled) {
        if !known(id) && !checks.contains(id) {
            return Err(miette!(
                "unknown rule or check id `{id}` in `disable` (see `credlint rules`)"
            ));
        }
    }
    // Only leak-rule ids go to the rule set; policy ids are filtered later.
    let disabled: Vec<String> = cfg
        .config
        .rules
        .disable
        .iter()
        .chain(extra_disabled)
        .filter(|id| known(id))
        .cloned()
        .collect();
    builder.disable(disabled).build().map_err(|e| {
        let text = texts
            .iter()
            .find(|(n, _)| *n == e.file)
            .map(|(_, t)| t.as_str());
        rule_error(e, text)
    })
}

/// Every enabled rule and check, for SARIF and `credlint rules`.
pub fn all_meta(rules: &RuleSet) -> Vec<RuleMeta> {
    let mut metas: Vec<RuleMeta> = rules.rules().iter().map(|r| r.meta()).collect();
    metas.extend(credlint_k8s::checks());
    metas.extend(credlint_cluster::live_checks());
    metas
}

/// The Kubernetes, Helm, Kustomize, Dockerfile and Compose checks, run on
/// every file they recognise, with the leak rules for credential fields.
/// Each file is judged alone (a git history holds many versions of a file,
/// which must not meet); [`policy_hook_across`] joins a tree's files.
pub fn policy_hook(rules: &Arc<RuleSet>) -> PolicyHook {
    policy_hook_into(rules, None)
}

/// Objects of a tree's files that the cross-object checks read, gathered
/// while the files are scanned.
pub type AcrossStore = Arc<Mutex<Vec<credlint_k8s::Object>>>;

/// [`policy_hook`] that also gathers each file's cross-object objects into
/// the returned store, for [`judge_across`] once the walk is done.
pub fn policy_hook_across(rules: &Arc<RuleSet>) -> (PolicyHook, AcrossStore) {
    let across = AcrossStore::default();
    (policy_hook_into(rules, Some(across.clone())), across)
}

fn policy_hook_into(rules: &Arc<RuleSet>, across: Option<AcrossStore>) -> PolicyHook {
    let leaks = rules.clone();
    Arc::new(move |path: &str, bytes: &[u8]| {
        let when = if across.is_some() {
            credlint_k8s::Across::Later
        } else {
            credlint_k8s::Across::Now
        };
        credlint_k8s::check_any_with(path, bytes, &leaks, when)
            .map(|r| {
                if let Some(store) = &across {
                    if !r.objects.is_empty() {
                        store
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .extend(r.objects);
                    }
                }
                PolicyOutput {
                    findings: r.findings,
                    warnings: r.warnings,
                }
            })
            .unwrap_or_default()
    })
}

/// The cross-object checks over the whole tree, which the per-file hook
/// left for now: a ClusterRoleBinding in `binding.yaml` meets the
/// ClusterRole of `role.yaml`, a Deployment the ServiceAccount of `sa.yaml`.
pub fn judge_across(findings: &mut Vec<Finding>, across: &AcrossStore, rules: &RuleSet) {
    let objects = std::mem::take(&mut *across.lock().unwrap_or_else(|e| e.into_inner()));
    findings.extend(credlint_k8s::check_across(&objects, rules));
}

/// What a file scan found, before reporting.
pub struct Scanned {
    /// The config (and baseline) in force.
    pub cfg: Loaded,
    /// The rule set that ran.
    pub rules: Arc<RuleSet>,
    /// The config allowlists (they know which entries matched).
    pub allow: Allowlist,
    /// Findings after the post-filters.
    pub findings: Vec<Finding>,
    /// Per-file problems.
    pub notices: Vec<Notice>,
    /// Files scanned.
    pub files: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Whether one folder was scanned whole (so every baseline and allowlist
    /// entry had its chance to match).
    pub whole_tree: bool,
}

/// Scan the files `args` names and apply the post-filters (the baseline
/// too, when `with_baseline`).
pub fn scan_files(
    args: &ScanArgs,
    keep_suppressed: bool,
    with_baseline: bool,
) -> miette::Result<Scanned> {
    let stdin = args.paths.iter().any(|p| p == Path::new("-"));
    let root = if stdin {
        PathBuf::from(".")
    } else {
        args.paths[0].clone()
    };
    for p in &args.paths {
        if p != Path::new("-") && std::fs::symlink_metadata(p).is_err() {
            return Err(miette!("no such file or folder: {}", p.display()));
        }
    }
    let cfg = if with_baseline {
        load_config(&args.out, &root)?
    } else {
        load_config_with(&args.out, &root, false)?
    };
    let rules = Arc::new(build_rules(&cfg, &args.out.disable)?);
    let allow = Allowlist::new(&cfg)?;
    let (hook, across) = policy_hook_across(&rules);
    let mut scanner = UnitScanner::new(rules.clone(), Some(hook), args.out.show_filtered);
    if let Some(archives) = args.archives.hook() {
        scanner = scanner.with_archives(archives);
    }
    let mut exclude = cfg.config.scan.exclude.clone();
    exclude.extend(args.exclude.iter().cloned());
    let opts = ScanOptions {
        max_file_size: args
            .max_file_size
            .or(cfg.config.scan.max_file_size)
            .unwrap_or(ScanOptions::default().max_file_size),
        no_ignore: args.no_ignore,
        threads: args.threads,
        exclude,
        follow_links: args.follow_links,
    };
    let mut report = if stdin {
        scan_reader("-", std::io::stdin().lock(), &scanner).into_diagnostic()?
    } else {
        scan_paths(&args.paths, &opts, &scanner).into_diagnostic()?
    };
    judge_across(&mut report.findings, &across, &rules);
    let mut disabled = cfg.config.rules.disable.clone();
    disabled.extend(args.out.disable.iter().cloned());
    // A baseline records every level, so that a later run at any
    // `--confidence` finds its entries.
    let min_confidence = if with_baseline {
        output::min_confidence(&args.out, &cfg)
    } else {
        credlint_core::Confidence::Low
    };
    let findings = output::post_filter(
        report.findings,
        &cfg,
        &disabled,
        &allow,
        keep_suppressed,
        min_confidence,
    );
    let notices: Vec<Notice> = report
        .warnings
        .into_iter()
        .map(|w| Notice {
            path: w.path,
            message: w.message,
        })
        .collect();
    Ok(Scanned {
        whole_tree: !stdin && args.paths.len() == 1 && root.is_dir(),
        cfg,
        rules,
        allow,
        findings,
        notices,
        files: report.stats.files,
        bytes: report.stats.bytes,
    })
}

pub fn run_scan(args: ScanArgs) -> miette::Result<ExitCode> {
    let start = Instant::now();
    let mut s = scan_files(&args, args.out.show_filtered, true)?;
    if s.whole_tree {
        // Entries that matched nothing: report them so they get cleaned up.
        s.notices.extend(s.allow.unused_notices(&s.cfg));
        if let Some(b) = &s.cfg.baseline {
            s.notices.extend(b.stale_notices());
        }
    }
    output::finish(
        &args.out,
        &s.cfg,
        &s.findings,
        &all_meta(&s.rules),
        &s.notices,
        "files",
        s.files,
        s.bytes,
        start.elapsed(),
    )
}

pub fn run_rules(args: RulesArgs) -> miette::Result<ExitCode> {
    if let Some(crate::cli::RulesAction::Check { files }) = &args.action {
        return check_rule_files(files);
    }
    let rules = RuleSet::embedded().map_err(|e| rule_error(e, None))?;
    let metas: Vec<RuleMeta> = all_meta(&rules)
        .into_iter()
        .filter(|m| args.tag.as_ref().is_none_or(|t| m.tags.contains(t)))
        .collect();
    let mut out = String::new();
    if args.json {
        out = serde_json::to_string_pretty(&metas).into_diagnostic()?;
        out.push('\n');
    } else {
        for m in &metas {
            let kind = match m.kind {
                credlint_core::FindingKind::Leak => "leak",
                credlint_core::FindingKind::Policy => "policy",
            };
            out.push_str(&format!(
                "{:<40} {:<8} {:<7} {}\n",
                m.id,
                m.severity.as_str(),
                kind,
                m.name
            ));
        }
        out.push_str(&format!("{} rules\n", metas.len()));
    }
    print_or_pipe(&out)
}

pub fn run_explain(args: ExplainArgs) -> miette::Result<ExitCode> {
    let rules = RuleSet::embedded().map_err(|e| rule_error(e, None))?;
    let metas = all_meta(&rules);
    match metas.iter().find(|m| m.id == args.id) {
        Some(m) => print_or_pipe(&m.help_markdown),
        None => Err(miette!(
            "no rule or check `{}` (see `credlint rules`)",
            args.id
        )),
    }
}

fn print_or_pipe(s: &str) -> miette::Result<ExitCode> {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    match o.write_all(s.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).into_diagnostic(),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// `credlint rules check FILE…`: load each file as a user rule file (every
/// field checked, errors pointing at the rule), then run its examples.
fn check_rule_files(files: &[PathBuf]) -> miette::Result<ExitCode> {
    let mut out = String::new();
    let mut failed = false;
    for path in files {
        let text = std::fs::read_to_string(path)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot read {}", path.display()))?;
        let name = path.display().to_string();
        let set = RuleSet::builder()
            .with_embedded()
            .add_file(name.clone(), text.clone())
            .build()
            .map_err(|e| rule_error(e, Some(&text)))?;
        let mut scratch = credlint_leaks::Scratch::default();
        let mut rules = 0;
        for rule in set.rules().iter().filter(|r| r.file == name) {
            rules += 1;
            if let Err(e) = rule.compile_now() {
                failed = true;
                out.push_str(&format!("{name}: {}: {e}\n", rule.spec.id));
            }
            for problem in credlint_leaks::examples::check_rule(&set, rule, &mut scratch) {
                failed = true;
                out.push_str(&format!("{name}: {problem}\n"));
            }
        }
        if rules == 0 {
            failed = true;
            out.push_str(&format!("{name}: no rules\n"));
        }
        out.push_str(&format!("{name}: {rules} rules checked\n"));
    }
    print_or_pipe(&out)?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
