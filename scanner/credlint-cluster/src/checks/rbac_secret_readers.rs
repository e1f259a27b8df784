//! rbac-secret-readers: who can read Secrets where, subject by subject.

use std::collections::{BTreeMap, BTreeSet};

use credlint_core::{Finding, Severity};
use credlint_k8s::rbac::{RbacIndex, BUILTIN_SECRET_READERS};
use credlint_k8s::Object;
use serde::Serialize;

use super::{finding, LiveCheck};

/// Registry entry.
pub static META: LiveCheck = LiveCheck {
    id: "rbac-secret-readers",
    name: "Subject that can read Secrets",
    severity: Severity::Medium,
    short: "A user, group or service account that can get/list/watch Secrets (directly or through workloads), and where.",
    help: HELP,
    references: &["https://kubernetes.io/docs/concepts/security/rbac-good-practices/#secrets"],
};

const HELP: &str = "# rbac-secret-readers: the effective secret-readers matrix

## What it finds
For every subject (user, group, service account) of every RoleBinding and
ClusterRoleBinding, the namespaces — or the whole cluster — where it can
`get`/`list`/`watch` Secrets, directly or through the workload paths that
amount to it (create pods or pod controllers, `pods/exec`, token requests,
impersonation, `escalate`/`bind`, `nodes/proxy`), after aggregated
ClusterRoles are resolved. Kubernetes' own bindings
(`kubernetes.io/bootstrapping: rbac-defaults`) and `system:` users and
groups are left out unless `--include-system`; the broad groups
`system:authenticated`, `system:unauthenticated` and `system:serviceaccounts*`
are always shown. Cluster-wide or broad-group access is high severity,
namespace access medium, workload paths only low, `get` on named
Secrets only informational.

## Why it matters
Secret access is usually granted role by role and binding by binding;
nobody sees the sum. This is the list an auditor asks for.

## Example
`ServiceAccount ci/deployer` bound to `cluster-admin` by a ClusterRoleBinding:
cluster-wide, direct.

## Instead
Bind secret-reading roles per namespace, restrict them with
`resourceNames`, use a secret manager with workload identity instead of
Secrets, and remove bindings nobody can explain.

## References
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/#secrets
";

/// How a subject reaches Secrets in a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Only `get` on Secrets named in `resourceNames`.
    Named,
    /// Only through workload paths (create pods, exec, tokens, …).
    ViaWorkloads,
    /// get/list/watch on Secrets.
    Direct,
}

/// One subject's row of the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct ReaderRow {
    /// `User`, `Group` or `ServiceAccount`.
    pub kind: String,
    /// Name (`namespace/name` for service accounts).
    pub name: String,
    /// Scope (`*` = cluster-wide, or a namespace) → access.
    pub scopes: BTreeMap<String, Access>,
    /// The bindings that grant it (`Kind ns/name → role`).
    pub via: BTreeSet<String>,
}

/// The whole matrix.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReadersMatrix {
    /// One row per subject, most powerful first.
    pub rows: Vec<ReaderRow>,
}

const BROAD_GROUPS: &[&str] = &[
    "system:authenticated",
    "system:unauthenticated",
    "system:serviceaccounts",
];

fn is_broad(kind: &str, name: &str) -> bool {
    kind == "Group" && (BROAD_GROUPS.contains(&name) || name.starts_with("system:serviceaccounts:"))
}

/// Build the matrix and its findings.
pub fn check(objects: &[Object], include_system: bool, out: &mut Vec<Finding>) -> ReadersMatrix {
    let index = RbacIndex::build(objects, include_system);
    let mut rows: BTreeMap<(String, String), ReaderRow> = BTreeMap::new();
    let mut first_binding: BTreeMap<(String, String), &Object> = BTreeMap::new();
    for binding in index.judged_bindings() {
        let role_ref = binding.root.get("roleRef");
        let ref_name = role_ref
            .and_then(|r| r.get("name"))
            .and_then(|n| n.scalar_text())
            .unwrap_or("");
        let ref_kind = role_ref
            .and_then(|r| r.get("kind"))
            .and_then(|n| n.scalar_text())
            .unwrap_or("");
        let access = match index.role_of(binding) {
            Some(role)
                if role
                    .rules
                    .iter()
                    .any(|r| !r.rule.unrestricted_secret_reads().is_empty()) =>
            {
                Access::Direct
            }
            Some(role) if role.reads_secrets_via_workloads() => Access::ViaWorkloads,
            Some(role) if role.reads_secrets() => Access::Named,
            Some(_) => continue,
            None if ref_kind == "ClusterRole" && BUILTIN_SECRET_READERS.contains(&ref_name) => {
                Access::Direct
            }
            None => continue,
        };
        let scope = match (binding.kind.as_str(), &binding.namespace) {
            ("RoleBinding", Some(ns)) => ns.clone(),
            _ => "*".to_string(),
        };
        for s in binding
            .root
            .get("subjects")
            .map(|s| s.items())
            .unwrap_or_default()
        {
            let kind = s.get("kind").and_then(|k| k.scalar_text()).unwrap_or("");
            let name = s.get("name").and_then(|k| k.scalar_text()).unwrap_or("");
            if name.is_empty() {
                continue;
            }
            if !include_system && name.starts_with("system:") && !is_broad(kind, name) {
                continue;
            }
            let full = if kind == "ServiceAccount" {
                let ns = s
                    .get("namespace")
                    .and_then(|k| k.scalar_text())
                    .or(binding.namespace.as_deref())
                    .unwrap_or("?");
                format!("{ns}/{name}")
            } else {
                name.to_string()
            };
            let key = (kind.to_string(), full.clone());
            first_binding.entry(key.clone()).or_insert(binding);
            let row = rows.entry(key).or_insert_with(|| ReaderRow {
                kind: kind.to_string(),
                name: full,
                scopes: BTreeMap::new(),
                via: BTreeSet::new(),
            });
            let e = row.scopes.entry(scope.clone()).or_insert(access);
            *e = (*e).max(access);
            let where_ = binding
                .namespace
                .as_deref()
                .map(|n| format!("{n}/"))
                .unwrap_or_default();
            row.via.insert(format!(
                "{} {where_}{} → {ref_kind} {ref_name}",
                binding.kind, binding.name
            ));
        }
    }
    let mut matrix = ReadersMatrix { rows: Vec::new() };
    for (key, row) in rows {
        let cluster_wide = row.scopes.contains_key("*");
        let direct = row.scopes.values().any(|a| *a == Access::Direct);
        let sev = if direct && (cluster_wide || is_broad(&row.kind, &row.name)) {
            Severity::High
        } else if direct {
            Severity::Medium
        } else if row.scopes.values().any(|a| *a == Access::ViaWorkloads) {
            Severity::Low
        } else {
            Severity::Info
        };
        let scopes: Vec<String> = row
            .scopes
            .iter()
            .map(|(s, a)| {
                let s = if s == "*" {
                    "cluster-wide".to_string()
                } else {
                    format!("namespace {s}")
                };
                match a {
                    Access::Direct => s,
                    Access::ViaWorkloads => format!("{s} (via workloads)"),
                    Access::Named => format!("{s} (named Secrets only)"),
                }
            })
            .collect();
        let msg = format!(
            "{} `{}` can read Secrets in: {}",
            row.kind,
            row.name,
            scopes.join(", ")
        );
        let b = first_binding[&key];
        let mut f = finding(
            &META,
            b,
            "subjects",
            &format!("{}:{}", row.kind, row.name),
            sev,
            msg,
        );
        f.properties.insert(
            "subject".into(),
            serde_json::json!({"kind": row.kind, "name": row.name}),
        );
        f.properties
            .insert("scopes".into(), serde_json::json!(row.scopes));
        f.properties
            .insert("via".into(), serde_json::json!(row.via));
        out.push(f);
        matrix.rows.push(row);
    }
    matrix.rows.sort_by_key(|r| {
        (
            std::cmp::Reverse(r.scopes.contains_key("*")),
            std::cmp::Reverse(r.scopes.values().filter(|a| **a == Access::Direct).count()),
            r.kind.clone(),
            r.name.clone(),
        )
    });
    matrix
}
