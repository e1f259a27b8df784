//! credlint's live-cluster audit (`credlint cluster`).
//!
//! Place in the data flow: this crate is the *cluster source* and the
//! cluster audit's extra *reporters*.
//!
//! ```text
//! kubeconfig ─► client ─► source (paginated, metadata-only Secrets) ─► Objects ─┬► credlint-k8s checks (unchanged)
//!                                                                               └► live-only checks (checks/)
//! etcd JSON gateway ─► etcd (prefix classification) ─────────────────────────────► secrets-at-rest
//!                                        findings ─► waivers ─► ClusterReport ─► html / markdown (here), json / sarif (credlint-report)
//! ```
//!
//! The audit is read-only: the client sends only `GET` to the API server and
//! range reads to etcd. Secrets are read as metadata unless
//! [`ClusterOptions::read_secret_values`] is set. A kind that cannot be read
//! is listed in [`ClusterReport::not_audited`]; it never becomes a pass.
//! Nothing here prints: progress and output belong to the binary.

pub mod checks;
pub mod client;
pub mod etcd;
pub mod html;
pub mod kubeconfig;
pub mod markdown;
pub mod source;
#[cfg(feature = "test-server")]
pub mod testserver;
pub mod waivers;

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use credlint_core::{Finding, RuleMeta, Severity};
use credlint_k8s::{ClusterContext, Object};
use credlint_leaks::RuleSet;
use serde::Serialize;

pub use checks::rbac_secret_readers::{Access, ReaderRow, ReadersMatrix};
pub use client::RetryPolicy;
pub use etcd::{AtRest, AtRestReport, EtcdOptions};
pub use waivers::{Waiver, WaiverStatus};

/// Why the audit as a whole could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClusterError {
    /// The kubeconfig, a certificate, or a flag is wrong.
    #[error("configuration: {0}")]
    Config(String),
    /// The API server rejected the credential.
    #[error("{0}")]
    Unauthorized(String),
    /// The server could not be reached (after retries).
    #[error("request to {url} failed: {message}")]
    Http {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The server answered something that is not the Kubernetes API.
    #[error("unexpected answer from the API server: {0}")]
    Protocol(String),
    /// etcd could not be read.
    #[error("etcd: {0}")]
    Etcd(String),
    /// Nothing at all could be audited.
    #[error("nothing could be audited: every kind was refused ({0})")]
    NothingAudited(String),
}

/// Everything the audit can be asked to do.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Kubeconfig file (else `KUBECONFIG`, `~/.kube/config`, in-cluster).
    pub kubeconfig: Option<PathBuf>,
    /// Context (else the current context).
    pub context: Option<String>,
    /// Only this namespace (cluster-scoped RBAC is still read).
    pub namespace: Option<String>,
    /// Read Secret values (needed for `helm-release-values`).
    pub read_secret_values: bool,
    /// `secret-stale` limit in days.
    pub max_secret_age_days: u64,
    /// Show `system:` subjects and judge Kubernetes' default RBAC objects.
    pub include_system: bool,
    /// An EncryptionConfiguration file copied from a control-plane node.
    pub encryption_config: Option<PathBuf>,
    /// etcd to read for `secrets-at-rest`.
    pub etcd: Option<EtcdOptions>,
    /// Waiver file.
    pub waivers: Option<PathBuf>,
    /// Kinds read at once.
    pub concurrency: usize,
    /// List page size.
    pub page_size: u32,
    /// Timeouts and retries.
    pub retry: RetryPolicy,
    /// "Now", for tests (default: the clock).
    pub now: Option<SystemTime>,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            kubeconfig: None,
            context: None,
            namespace: None,
            read_secret_values: false,
            max_secret_age_days: 90,
            include_system: false,
            encryption_config: None,
            etcd: None,
            waivers: None,
            concurrency: 4,
            page_size: 500,
            retry: RetryPolicy::default(),
            now: None,
        }
    }
}

/// A kind (or a part of the audit) that could not be audited.
#[derive(Debug, Clone, Serialize)]
pub struct NotAudited {
    /// Kind, e.g. `Secret`, or a part such as `etcd`.
    pub kind: String,
    /// Namespace, when the audit was limited to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Why, e.g. `forbidden: …`.
    pub reason: String,
}

/// Numbers about the run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Objects listed per kind (owned pods and replica sets included).
    pub listed: std::collections::BTreeMap<String, u64>,
    /// Objects the checks judged.
    pub objects_checked: u64,
    /// Owned pods/replica sets/jobs left to their controller's template.
    pub owned_dropped: u64,
    /// HTTP requests to the API server (retries included).
    pub api_requests: u64,
    /// Retries.
    pub retries: u64,
    /// List pages.
    pub pages: u64,
    /// `410 Gone` restarts.
    pub restarts: u64,
    /// Bytes read from the API server.
    pub bytes: u64,
    /// Requests to etcd.
    pub etcd_requests: u64,
    /// Wall time.
    pub elapsed_secs: f64,
}

/// The result of an audit.
#[derive(Debug)]
pub struct ClusterReport {
    /// Context name.
    pub context: String,
    /// API server URL.
    pub server: String,
    /// API server version, when readable.
    pub server_version: Option<String>,
    /// When the audit ran (RFC 3339 UTC).
    pub generated_at: String,
    /// Namespace the audit was limited to.
    pub namespace: Option<String>,
    /// Whether Secret values were read.
    pub read_secret_values: bool,
    /// Findings (waived ones included, marked `suppressed`), sorted.
    pub findings: Vec<Finding>,
    /// Every check that ran (credlint-k8s's object checks and the live-only ones).
    pub rules: Vec<RuleMeta>,
    /// What could not be audited.
    pub not_audited: Vec<NotAudited>,
    /// Warnings.
    pub warnings: Vec<String>,
    /// The secret-readers matrix.
    pub readers: ReadersMatrix,
    /// The etcd proof, when `--etcd` was given.
    pub at_rest: Option<AtRestReport>,
    /// Waivers and what became of them.
    pub waivers: Vec<WaiverStatus>,
    /// Run numbers.
    pub stats: Stats,
}

impl ClusterReport {
    /// Findings that are not waived.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppressed.is_none())
    }

    /// Active findings per severity, most serious first.
    pub fn counts(&self) -> Vec<(Severity, usize)> {
        Severity::ALL
            .iter()
            .rev()
            .map(|s| (*s, self.active().filter(|f| f.severity == *s).count()))
            .collect()
    }

    /// The encryption-at-rest verdict in one line.
    pub fn at_rest_verdict(&self) -> String {
        match &self.at_rest {
            Some(r) => r.verdict(),
            None => "not proven: etcd was not read (pass --etcd)".into(),
        }
    }

    /// Remediation text of a check id (live-only or credlint-k8s).
    pub fn remediation(&self, id: &str) -> String {
        if let Some(c) = checks::ALL.iter().find(|c| c.id == id) {
            return c.remediation();
        }
        self.rules
            .iter()
            .find(|r| r.id == id)
            .and_then(|r| r.help_markdown.split_once("## Instead"))
            .map(|(_, rest)| rest.split("\n## ").next().unwrap_or("").trim().to_string())
            .unwrap_or_default()
    }
}

/// Descriptions of every check the cluster audit runs.
pub fn rules() -> Vec<RuleMeta> {
    let mut out: Vec<RuleMeta> = credlint_k8s::checks::ALL
        .iter()
        .filter(|m| m.scope == credlint_k8s::checks::Scope::Objects)
        .map(|m| m.rule_meta())
        .collect();
    out.extend(checks::ALL.iter().map(|c| c.rule_meta()));
    out
}

/// Descriptions of the live-only checks (for `credlint explain`).
pub fn live_checks() -> Vec<RuleMeta> {
    checks::ALL.iter().map(|c| c.rule_meta()).collect()
}

fn unix(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// RFC 3339 UTC of Unix seconds.
pub fn rfc3339(secs: i64) -> String {
    credlint_core::rfc3339(secs, 0)
}

/// Run the audit.
pub fn run_cluster_audit(
    opts: &ClusterOptions,
    leaks: &RuleSet,
) -> Result<ClusterReport, ClusterError> {
    let started = Instant::now();
    let now = unix(opts.now.unwrap_or_else(SystemTime::now));
    let conn = kubeconfig::resolve(opts.kubeconfig.as_deref(), opts.context.as_deref())?;
    let waivers = opts
        .waivers
        .as_deref()
        .map(waivers::load)
        .transpose()?
        .unwrap_or_default();
    let client = client::Client::new(&conn, opts.retry, opts.concurrency)?;
    let read_opts = source::ReadOptions {
        namespace: opts.namespace.clone(),
        read_secret_values: opts.read_secret_values,
        page_size: opts.page_size.max(1),
        concurrency: opts.concurrency.max(1),
        max_restarts: 3,
    };
    let mut snap = source::read(&client, &read_opts)?;
    if snap.not_audited.len() == source::KINDS.len() {
        let reasons: Vec<String> = snap
            .not_audited
            .iter()
            .map(|n| format!("{}: {}", n.kind, n.reason))
            .collect();
        return Err(ClusterError::NothingAudited(reasons.join("; ")));
    }
    // Metadata-only Secrets carry no `type`: learn the two types checks need by field selector.
    if !opts.read_secret_values && !snap.not_audited.iter().any(|n| n.kind == "Secret") {
        for ty in ["kubernetes.io/service-account-token", "helm.sh/release.v1"] {
            match source::secret_names_of_type(&client, &read_opts, ty)? {
                Some(names) => {
                    for o in snap.objects.iter_mut().filter(|o| o["kind"] == "Secret") {
                        let key = (
                            o["metadata"]["namespace"].as_str().unwrap_or("").to_string(),
                            o["metadata"]["name"].as_str().unwrap_or("").to_string(),
                        );
                        if names.contains(&key) {
                            o["type"] = serde_json::Value::String(ty.to_string());
                        }
                    }
                }
                None => snap.warnings.push(format!("could not list Secrets of type {ty}; their type is inferred from labels and annotations")),
            }
        }
    }

    let context = conn.context.clone();
    let objects: Vec<Object> = snap
        .objects
        .drain(..)
        .map(|v| Object::from_json(&v, Some(&context)))
        .collect();
    let ctx = ClusterContext {
        context: Some(context.clone()),
        include_defaults: opts.include_system,
    };
    let mut findings = credlint_k8s::check_objects(&objects, &ctx, leaks);
    let mut warnings = std::mem::take(&mut snap.warnings);
    let mut not_audited = std::mem::take(&mut snap.not_audited);
    let secrets_read = !not_audited.iter().any(|n| n.kind == "Secret");
    if secrets_read {
        checks::secret_unmanaged::check(&objects, &mut findings);
        checks::secret_stale::check(&objects, opts.max_secret_age_days, now, &mut findings);
    }
    if opts.read_secret_values && secrets_read {
        checks::helm_release_values::check(&objects, leaks, &mut findings);
    }
    let readers = checks::rbac_secret_readers::check(&objects, opts.include_system, &mut findings);
    checks::workload_identity_fallback::check(&objects, &mut findings);
    let objects_checked = objects.len() as u64;
    drop(objects);

    if let Some(path) = &opts.encryption_config {
        let bytes = std::fs::read(path).map_err(|e| {
            ClusterError::Config(format!("--encryption-config {}: {e}", path.display()))
        })?;
        let name = path.display().to_string();
        let rep = credlint_k8s::check_file(&name, &bytes, credlint_k8s::FileKind::Manifest, leaks);
        warnings.extend(rep.warnings);
        findings.extend(rep.findings);
    }

    let mut at_rest = None;
    let mut etcd_requests = 0;
    if let Some(e) = &opts.etcd {
        match etcd::audit(e, opts.retry) {
            Ok(r) => {
                etcd_requests = r.requests;
                checks::secrets_at_rest::check(&r, &context, &mut findings);
                at_rest = Some(r);
            }
            Err(err) => not_audited.push(NotAudited {
                kind: "etcd (secrets-at-rest)".into(),
                namespace: None,
                reason: err.to_string(),
            }),
        }
    }

    sort_findings(&mut findings);
    findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    let waivers = waivers::apply(&waivers, &mut findings, now);

    let c = &client.counters;
    Ok(ClusterReport {
        context,
        server: conn.server.clone(),
        server_version: snap.server_version.take(),
        generated_at: rfc3339(now),
        namespace: opts.namespace.clone(),
        read_secret_values: opts.read_secret_values,
        findings,
        rules: rules(),
        not_audited,
        warnings,
        readers,
        at_rest,
        waivers,
        stats: Stats {
            listed: std::mem::take(&mut snap.listed),
            objects_checked,
            owned_dropped: snap.dropped_owned,
            api_requests: c.requests.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
            pages: snap.pages,
            restarts: snap.restarts,
            bytes: c.bytes.load(Ordering::Relaxed),
            etcd_requests,
            elapsed_secs: round_ms(started.elapsed()),
        },
    })
}

fn round_ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}

/// Most serious first, then namespace, check, object, field.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            let o = f.location.object.as_ref();
            (
                std::cmp::Reverse(f.severity),
                o.and_then(|o| o.namespace.clone()).unwrap_or_default(),
                f.rule_id.clone(),
                o.map(|o| (o.kind.clone(), o.name.clone(), o.field_path.clone())),
                f.fingerprint.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
}

/// The cluster-only parts of the report for the JSON document's `cluster` key:
/// context, server, the readers matrix, the etcd proof, what was not audited,
/// waivers and run numbers.
pub fn json_extras(report: &ClusterReport) -> serde_json::Value {
    serde_json::json!({
        "context": report.context,
        "server": report.server,
        "server_version": report.server_version,
        "generated_at": report.generated_at,
        "namespace": report.namespace,
        "secret_values_read": report.read_secret_values,
        "encryption_at_rest": {
            "verdict": report.at_rest_verdict(),
            "etcd": report.at_rest.as_ref().map(|r| serde_json::json!({
                "endpoint": r.endpoint,
                "counts": r.counts,
                "unencrypted": r.secrets.iter().filter(|s| s.at_rest == AtRest::Unencrypted)
                    .map(|s| format!("{}/{}", s.namespace, s.name)).collect::<Vec<_>>(),
            })),
        },
        "secret_readers": report.readers,
        "not_audited": report.not_audited,
        "waivers": report.waivers,
        "warnings": report.warnings,
        "stats": report.stats,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_round_trips() {
        for s in [
            "1970-01-01T00:00:00Z",
            "2024-02-29T23:59:59Z",
            "2031-12-31T00:00:01Z",
        ] {
            let t = crate::checks::secret_stale::parse_time(s).unwrap();
            assert_eq!(crate::rfc3339(t), s);
        }
    }

    #[test]
    fn check_ids_are_unique_across_credlint() {
        let ids: Vec<String> = crate::rules().into_iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids.len(), sorted.len(), "{ids:?}");
        assert!(ids.iter().any(|i| i == "secrets-at-rest"));
    }
}
