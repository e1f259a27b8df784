//! The check registry: one module per check, each with a [`CheckMeta`] and
//! a doc comment that is its `credlint explain` page (extracted by
//! `build.rs`), and the dispatch that runs them over objects.

use credlint_core::{FindingKind, LineIndex, RuleMeta, Severity};

use crate::cx::Cx;
use crate::model::Object;

include!(concat!(env!("OUT_DIR"), "/check_docs.rs"));

/// Where a check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// On Kubernetes objects, from files and from a live cluster alike.
    Objects,
    /// On Kubernetes objects from files only (e.g. a Secret committed to a repository).
    FileObjects,
    /// On files that are not Kubernetes objects (Dockerfile, Helm, Compose, Kustomize).
    Files,
}

/// What a check is: id, name, severity and a one-line summary. The long
/// text is the module's doc comment.
#[derive(Debug)]
pub struct CheckMeta {
    /// Stable kebab-case id.
    pub id: &'static str,
    /// Human name.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One sentence.
    pub short: &'static str,
    /// Tags (`kubernetes`, CIS control ids with the benchmark version, …).
    pub tags: &'static [&'static str],
    /// Documentation links.
    pub references: &'static [&'static str],
    /// Where it runs.
    pub scope: Scope,
}

impl CheckMeta {
    /// The module doc comment of this check.
    pub fn help(&self) -> &'static str {
        let stem = self.id.replace('-', "_");
        DOCS.iter()
            .find(|(s, _)| *s == stem)
            .map(|(_, d)| *d)
            .unwrap_or("")
    }

    /// The reporter-facing description.
    pub fn rule_meta(&self) -> RuleMeta {
        let help = self.help();
        let section = |name: &str| -> String {
            let head = format!("## {name}");
            help.split_once(&head)
                .map(|(_, rest)| rest.split("\n## ").next().unwrap_or("").trim().to_string())
                .unwrap_or_default()
        };
        let full = format!("{} {}", section("What it finds"), section("Why it matters"))
            .trim()
            .to_string();
        let mut tags: Vec<String> = vec!["kubernetes".into(), "policy".into()];
        tags.extend(self.tags.iter().map(|t| t.to_string()));
        tags.dedup();
        RuleMeta {
            id: self.id.to_string(),
            name: self.name.to_string(),
            kind: FindingKind::Policy,
            severity: self.severity,
            confidence: credlint_core::Confidence::High,
            short_description: self.short.to_string(),
            full_description: full,
            help_markdown: help.to_string(),
            tags,
            references: self.references.iter().map(|r| r.to_string()).collect(),
        }
    }
}

macro_rules! registry {
    ($($m:ident),* $(,)?) => {
        $(pub mod $m;)*
        /// Every check, in catalogue order.
        pub static ALL: &[&CheckMeta] = &[$(&$m::META),*];
    };
}

registry!(
    encryption_identity_first,
    encryption_identity_fallback,
    encryption_weak_provider,
    encryption_secrets_not_covered,
    apiserver_no_encryption_config,
    apiserver_token_auth_file,
    apiserver_service_account_tokens,
    audit_policy_secrets,
    rbac_secrets_read,
    rbac_wildcard,
    rbac_broad_subject,
    rbac_secrets_via_workloads,
    rbac_csr_approval,
    rbac_webhook_config_write,
    workload_secrets_path,
    hostpath_credential_mount,
    env_secret_ref,
    env_literal_credential,
    automount_token,
    secret_manifest_committed,
    configmap_credential,
    last_applied_secret,
    legacy_sa_token_secret,
    helm_values_credential,
    helm_template_secret_env,
    kustomize_secret_literal,
    dockerfile_secret_env,
    dockerfile_copy_secret_file,
    dockerfile_run_credential,
    compose_env_credential,
);

/// The checks that read several objects together: a pod's service account,
/// a role's bindings and aggregations. They must see every object at once;
/// [`run_across`] runs them.
pub const ACROSS: &[&str] = &[
    automount_token::META.id,
    rbac_secrets_read::META.id,
    rbac_wildcard::META.id,
    rbac_secrets_via_workloads::META.id,
    rbac_broad_subject::META.id,
    rbac_csr_approval::META.id,
    rbac_webhook_config_write::META.id,
    workload_secrets_path::META.id,
];

/// Run every object check over a set of objects (one file's, or a whole
/// cluster's): per-object checks, then the cross-object RBAC and
/// service-account checks over the whole set.
pub(crate) fn run_objects(cx: &mut Cx<'_>, objects: &[Object]) {
    run_each(cx, objects);
    run_across(cx, objects);
}

/// The checks that judge each object alone.
pub(crate) fn run_each(cx: &mut Cx<'_>, objects: &[Object]) {
    for obj in objects {
        match obj.kind.as_str() {
            "EncryptionConfiguration" => {
                let g = crate::encryption::Governing::of(obj);
                encryption_secrets_not_covered::check(cx, obj, &g);
                encryption_identity_first::check(cx, obj, &g);
                encryption_identity_fallback::check(cx, obj, &g);
                encryption_weak_provider::check(cx, obj, &g);
            }
            "Policy" if obj.api_version.starts_with("audit.k8s.io/") => {
                audit_policy_secrets::check_policy(cx, obj)
            }
            "Secret" => {
                if !cx.live {
                    secret_manifest_committed::check(cx, obj);
                }
                last_applied_secret::check(cx, obj);
                legacy_sa_token_secret::check(cx, obj);
            }
            "ConfigMap" => configmap_credential::check(cx, obj),
            _ => {}
        }
        if let Some(api) = crate::workload::apiserver(obj) {
            apiserver_no_encryption_config::check(cx, obj, &api);
            apiserver_token_auth_file::check(cx, obj, &api);
            apiserver_service_account_tokens::check_apiserver(cx, obj, &api);
            audit_policy_secrets::check_apiserver(cx, obj, &api);
        }
        if let Some(cm) = crate::workload::controller_manager(obj) {
            apiserver_service_account_tokens::check_controller_manager(cx, obj, &cm);
        }
        for spec in crate::workload::pod_specs(obj) {
            hostpath_credential_mount::check(cx, obj, &spec);
            for c in crate::workload::containers(&spec) {
                env_secret_ref::check(cx, obj, &c);
                env_literal_credential::check(cx, obj, &c);
            }
        }
    }
}

/// The checks of [`ACROSS`], over the whole set.
pub(crate) fn run_across(cx: &mut Cx<'_>, objects: &[Object]) {
    automount_token::check(cx, objects);
    let index = crate::rbac::RbacIndex::build(objects, cx.include_defaults);
    rbac_secrets_read::check(cx, &index);
    rbac_wildcard::check(cx, &index);
    rbac_secrets_via_workloads::check(cx, &index);
    rbac_broad_subject::check(cx, &index);
    rbac_csr_approval::check(cx, &index);
    rbac_webhook_config_write::check(cx, &index);
    workload_secrets_path::check(cx, objects, &index);
}

/// All Dockerfile checks on one file.
pub(crate) fn dockerfile_checks(cx: &mut Cx<'_>, path: &str, text: &str, lines: &LineIndex) {
    let instructions = crate::dockerfile::parse(text);
    dockerfile_secret_env::check(cx, path, text, &instructions, lines);
    dockerfile_copy_secret_file::check(cx, path, text, &instructions, lines);
    dockerfile_run_credential::check(cx, path, text, &instructions, lines);
}
