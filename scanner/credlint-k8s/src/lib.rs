//! credlint's policy checks for Kubernetes manifests, Helm charts,
//! Kustomize, Dockerfiles and Compose files — and for live cluster objects.
//!
//! Place in the data flow: a *source* hands this crate either a file
//! ([`classify`] then [`check_file`]) or objects read from an API server
//! ([`check_objects`]). Files are parsed into the object model
//! ([`model::Object`], a spanned [`model::Node`] tree built by [`yaml`]);
//! live objects are converted from JSON into the same model without spans.
//! Every Kubernetes check then runs on objects only — never on file text, a
//! parser or a client — so a manifest and the same object in a cluster get
//! the same verdict. Findings are [`credlint_core::Finding`]s of kind
//! `Policy` with `secret: None`; credentials inside fields are recognised by
//! calling the leak engine ([`credlint_leaks::RuleSet::scan`]) on the field's
//! text, never by regexes of our own.
//!
//! Each check is a module of [`checks`] whose doc comment is its
//! `credlint explain` page; [`checks()`] lists them all.

pub mod authz;
pub mod checks;
mod cred;
mod cx;
pub mod dockerfile;
mod encryption;
mod helm;
pub mod model;
pub mod rbac;
mod workload;
pub mod yaml;

use credlint_core::{Finding, LineIndex, RuleMeta};
use credlint_leaks::RuleSet;

pub use model::{At, Entry, Node, Object, Origin, Value};
pub use workload::pod_spec_path;

/// What kind of policy input a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileKind {
    /// YAML or JSON with Kubernetes objects (`apiVersion` + `kind`),
    /// including EncryptionConfiguration, audit Policy and static pods.
    Manifest,
    /// A Helm chart's `values*.yaml`.
    HelmValues,
    /// A Helm template (`templates/*.yaml` with `{{ … }}`): Go template text, not YAML.
    HelmTemplate,
    /// `kustomization.yaml`.
    Kustomization,
    /// A Dockerfile or Containerfile.
    Dockerfile,
    /// A docker-compose / compose file.
    Compose,
}

/// The result of checking one file.
#[derive(Debug, Default)]
pub struct FileReport {
    /// Policy findings, in file order.
    pub findings: Vec<Finding>,
    /// Problems with the file (malformed YAML, limits hit); the scan goes on.
    pub warnings: Vec<String>,
    /// With [`Across::Later`]: the file's objects that the cross-object
    /// checks read (roles, bindings, service accounts, workloads), for
    /// [`check_across`] over every file of a tree, so that a binding in one
    /// file meets its role in another. Empty with [`Across::Now`].
    pub objects: Vec<Object>,
}

/// Options of a live-cluster audit.
#[derive(Debug, Clone, Default)]
pub struct ClusterContext {
    /// The kubeconfig context name, written into every finding's object reference.
    pub context: Option<String>,
    /// Also judge Kubernetes' own default roles and bindings
    /// (`kubernetes.io/bootstrapping: rbac-defaults`), normally left out.
    pub include_defaults: bool,
}

/// Largest file we parse as YAML (bigger files get a warning).
const MAX_YAML_BYTES: usize = 16 << 20;

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// What kind of policy input a file is, decided cheaply from its path and
/// first bytes; `None` = not ours.
pub fn classify(path: &str, bytes: &[u8]) -> Option<FileKind> {
    let name = base_name(path);
    let lower = name.to_ascii_lowercase();
    if lower == "dockerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
        || lower == "containerfile"
        || lower.starts_with("containerfile.")
    {
        return Some(FileKind::Dockerfile);
    }
    let ext_yaml = lower.ends_with(".yaml") || lower.ends_with(".yml");
    let ext_json = lower.ends_with(".json");
    if !(ext_yaml || ext_json || lower.ends_with(".tpl")) {
        return None;
    }
    if ext_yaml
        && (lower.starts_with("docker-compose")
            || lower == "compose.yaml"
            || lower == "compose.yml"
            || lower.starts_with("compose."))
    {
        return Some(FileKind::Compose);
    }
    if lower == "kustomization.yaml" || lower == "kustomization.yml" {
        return Some(FileKind::Kustomization);
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let in_templates = path.starts_with("templates/") || path.contains("/templates/");
    if in_templates && memchr_str(bytes, b"{{") {
        return Some(FileKind::HelmTemplate);
    }
    if ext_yaml && lower.starts_with("values") {
        return Some(FileKind::HelmValues);
    }
    if (ext_yaml || ext_json) && memchr_str(head, b"apiVersion") && memchr_str(head, b"kind") {
        return Some(FileKind::Manifest);
    }
    None
}

fn memchr_str(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// [`classify`] then [`check_file`], for a file scanner's policy hook:
/// `None` when the file is not one the checks read. Warnings come without
/// the leading `path: ` (the caller names the file).
pub fn check_any(path: &str, bytes: &[u8], leaks: &RuleSet) -> Option<FileReport> {
    check_any_with(path, bytes, leaks, Across::Now)
}

/// When the cross-object checks ([`checks::ACROSS`]) run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Across {
    /// Within the file, as part of its report.
    Now,
    /// Not here: the report carries the objects they read
    /// ([`FileReport::objects`]) for [`check_across`] over a whole tree.
    Later,
}

/// [`check_any`], with the cross-object checks run now or left for later.
pub fn check_any_with(
    path: &str,
    bytes: &[u8],
    leaks: &RuleSet,
    across: Across,
) -> Option<FileReport> {
    let kind = classify(path, bytes)?;
    let mut report = check_file_with(path, bytes, kind, leaks, across);
    let prefix = format!("{path}: ");
    for w in &mut report.warnings {
        if let Some(rest) = w.strip_prefix(&prefix) {
            *w = rest.to_string();
        }
    }
    Some(report)
}

/// Run every applicable check on one file. `path` is relative to the scan
/// root, `/`-separated.
pub fn check_file(path: &str, bytes: &[u8], kind: FileKind, leaks: &RuleSet) -> FileReport {
    check_file_with(path, bytes, kind, leaks, Across::Now)
}

/// [`check_file`], with the cross-object checks run now or left for later.
pub fn check_file_with(
    path: &str,
    bytes: &[u8],
    kind: FileKind,
    leaks: &RuleSet,
    across: Across,
) -> FileReport {
    let mut report = FileReport::default();
    let Ok(text) = std::str::from_utf8(bytes) else {
        report
            .warnings
            .push(format!("{path}: not UTF-8 text; policy checks skipped"));
        return report;
    };
    let mut cx = cx::Cx::new(leaks, false, false);
    let lines = LineIndex::new(bytes);
    match kind {
        FileKind::Dockerfile => checks::dockerfile_checks(&mut cx, path, text, &lines),
        FileKind::HelmTemplate => {
            checks::helm_template_secret_env::check(&mut cx, path, text, &lines);
            // RBAC holds for any rendering; the rest of a template's values
            // are unknown until it is rendered.
            let (yaml_text, stand_ins) = helm::sanitize(text);
            let (mut docs, _) = yaml::load(&yaml_text, &lines, yaml::Limits::default());
            docs.iter_mut().for_each(|d| helm::restore(d, &stand_ins));
            let origin = Origin {
                path: Some(path.to_string()),
                context: None,
            };
            let rbac: Vec<Object> = docs
                .into_iter()
                .flat_map(|d| Object::expand(d, &origin))
                .filter(rbac::is_rbac)
                .collect();
            match across {
                Across::Now => checks::run_across(&mut cx, &rbac),
                Across::Later => report.objects = rbac,
            }
        }
        FileKind::Manifest | FileKind::HelmValues | FileKind::Kustomization | FileKind::Compose => {
            if bytes.len() > MAX_YAML_BYTES {
                report.warnings.push(format!(
                    "{path}: {} bytes is over the {} MiB YAML limit; policy checks skipped",
                    bytes.len(),
                    MAX_YAML_BYTES >> 20
                ));
                return report;
            }
            let (docs, err) = yaml::load(text, &lines, yaml::Limits::default());
            if let Some(e) = err {
                report.warnings.push(format!("{path}: {e}"));
            }
            let origin = Origin {
                path: Some(path.to_string()),
                context: None,
            };
            match kind {
                FileKind::Manifest => {
                    let objects: Vec<Object> = docs
                        .into_iter()
                        .flat_map(|d| Object::expand(d, &origin))
                        .filter(|o| !o.kind.is_empty())
                        .collect();
                    checks::run_each(&mut cx, &objects);
                    match across {
                        Across::Now => checks::run_across(&mut cx, &objects),
                        Across::Later => {
                            report.objects = objects
                                .into_iter()
                                .filter(read_across)
                                .map(trim_for_across)
                                .collect()
                        }
                    }
                }
                _ => {
                    for d in docs {
                        let o = Object::new(d, origin.clone());
                        match kind {
                            FileKind::HelmValues => {
                                checks::helm_values_credential::check(&mut cx, &o)
                            }
                            FileKind::Kustomization => {
                                checks::kustomize_secret_literal::check(&mut cx, &o)
                            }
                            _ => checks::compose_env_credential::check(&mut cx, &o),
                        }
                    }
                }
            }
        }
    }
    report.findings = cx.into_findings();
    report
}

/// Whether a cross-object check reads `o`.
fn read_across(o: &Object) -> bool {
    rbac::is_rbac(o) || o.kind == "ServiceAccount" || workload::pod_spec_path(&o.kind).is_some()
}

/// What the cross-object checks read of a workload: its metadata and, on
/// the way to its pod spec, only the service-account fields and the
/// containers' names, images and commands (a tree of ten thousand
/// Deployments is kept whole otherwise, env and all, until the walk ends).
fn trim_for_across(mut o: Object) -> Object {
    let Some(path) = workload::pod_spec_path(&o.kind) else {
        return o;
    };
    fn keep(node: &mut Node, path: &[&str]) {
        let Value::Map(entries) = &mut node.value else {
            return;
        };
        match path.split_first() {
            Some((next, rest)) => {
                entries.retain(|e| e.key == *next);
                entries.iter_mut().for_each(|e| keep(&mut e.value, rest));
            }
            None => {
                entries.retain(|e| {
                    matches!(
                        e.key.as_str(),
                        "serviceAccountName"
                            | "serviceAccount"
                            | "automountServiceAccountToken"
                            | "hostNetwork"
                            | "containers"
                    )
                });
                for e in entries.iter_mut().filter(|e| e.key == "containers") {
                    if let Value::Seq(items) = &mut e.value.value {
                        for c in items {
                            if let Value::Map(fields) = &mut c.value {
                                fields.retain(|f| {
                                    matches!(f.key.as_str(), "name" | "image" | "command" | "args")
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    if let Value::Map(entries) = &mut o.root.value {
        for e in entries.iter_mut() {
            if e.key == path[0] {
                keep(&mut e.value, &path[1..]);
            }
        }
    }
    o
}

/// The [`checks::ACROSS`] checks over the objects of many files (each
/// file's [`FileReport::objects`]): roles meet the bindings and aggregating
/// roles of other files, pods the service accounts of other files.
pub fn check_across(objects: &[Object], leaks: &RuleSet) -> Vec<Finding> {
    let mut cx = cx::Cx::new(leaks, false, false);
    checks::run_across(&mut cx, objects);
    cx.into_findings()
}

/// One [`RuleMeta`] per policy check; `help_markdown` is the check module's
/// documentation (What it finds · Why it matters · Example · Instead · References).
pub fn checks() -> Vec<RuleMeta> {
    checks::ALL.iter().map(|m| m.rule_meta()).collect()
}

/// The same checks over objects read from an API server (no spans): RBAC
/// aggregation and bindings are resolved across all of `objects`. Checks
/// that only make sense for files in a repository (a committed Secret
/// manifest, Helm/Docker/Compose files) do not run here.
pub fn check_objects(objects: &[Object], ctx: &ClusterContext, leaks: &RuleSet) -> Vec<Finding> {
    let mut cx = cx::Cx::new(leaks, true, ctx.include_defaults);
    checks::run_objects(&mut cx, objects);
    let mut out = cx.into_findings();
    if let Some(c) = &ctx.context {
        for f in &mut out {
            if let Some(o) = &mut f.location.object {
                if o.context.is_none() {
                    o.context = Some(c.clone());
                }
            }
        }
    }
    out
}
