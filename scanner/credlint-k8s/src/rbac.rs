//! Roles and bindings of a set of objects, indexed for the RBAC evaluator
//! ([`crate::authz`]): one file's, or a whole cluster's (so the live audit
//! resolves aggregation and bindings across everything it listed).
//!
//! - Rules are read one by one into [`Rule`]; whether a rule allows a
//!   request is [`crate::authz`]'s question, answered as the API server's
//!   RBAC authorizer answers it.
//! - Aggregated ClusterRoles get the union of the rules of the ClusterRoles
//!   their `aggregationRule` selects (`matchLabels` and
//!   `matchExpressions`, to a fixpoint: `admin` ⊇ `edit` ⊇ `view`). A live
//!   cluster has already filled in `rules`; duplicates are folded.
//! - Kubernetes' own roles and bindings carry the label
//!   `kubernetes.io/bootstrapping: rbac-defaults`; they are indexed (a user
//!   binding to `edit` must see its rules) but not judged unless asked. A
//!   binding to `cluster-admin`, `admin`, `edit` or `view` whose role is
//!   not in the set meets a built-in stand-in with the documented
//!   permissions of that role.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::authz::{own_scope, Ask, Scope};
use crate::model::{At, Object};

/// Verbs that read Secrets.
pub const READ_VERBS: [&str; 3] = ["get", "list", "watch"];

/// The verbs of the Kubernetes API on a resource such as `secrets`.
pub const RESOURCE_VERBS: [&str; 8] = [
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
];

/// One `rules[]` item.
#[derive(Debug, Clone)]
pub struct Rule<'a> {
    /// The rule item (in the role that defines it).
    pub at: At<'a>,
    /// `apiGroups`.
    pub api_groups: Vec<&'a str>,
    /// `resources`.
    pub resources: Vec<&'a str>,
    /// `verbs`.
    pub verbs: Vec<&'a str>,
    /// `resourceNames`.
    pub resource_names: Vec<&'a str>,
    /// `nonResourceURLs`.
    pub non_resource_urls: Vec<&'a str>,
}

/// Pod controllers: writing one runs a pod of any spec.
const CONTROLLERS: [(&str, &str); 8] = [
    ("", "pods"),
    ("", "replicationcontrollers"),
    ("apps", "deployments"),
    ("apps", "statefulsets"),
    ("apps", "daemonsets"),
    ("apps", "replicasets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
];

impl<'a> Rule<'a> {
    fn from_at(at: At<'a>) -> Rule<'a> {
        let list = |k: &str| at.node.get(k).map(|n| n.strings()).unwrap_or_default();
        Rule {
            api_groups: list("apiGroups"),
            resources: list("resources"),
            verbs: list("verbs"),
            resource_names: list("resourceNames"),
            non_resource_urls: list("nonResourceURLs"),
            at,
        }
    }

    /// Read verbs allowed on every Secret (a request without a name, or
    /// for any name: rules restricted to names do not count).
    pub fn unrestricted_secret_reads(&self) -> Vec<&'static str> {
        READ_VERBS
            .into_iter()
            .filter(|v| self.allows(&Ask::new(v, "", "secrets")))
            .collect()
    }

    /// Whether it reads Secrets at all (named ones included).
    pub fn reads_secrets(&self) -> bool {
        READ_VERBS
            .iter()
            .any(|v| self.allows_some(&Ask::new(v, "", "secrets")))
    }

    /// The real API verbs this rule allows on Secrets (any name).
    pub fn secret_verbs(&self) -> Vec<&'static str> {
        RESOURCE_VERBS
            .into_iter()
            .filter(|v| self.allows_some(&Ask::new(v, "", "secrets")))
            .collect()
    }

    /// `*` everywhere: all verbs on all resources.
    pub fn is_total_wildcard(&self) -> bool {
        self.verbs.contains(&"*") && self.resources.contains(&"*")
    }

    /// The ways this rule amounts to reading Secrets through workloads,
    /// as short descriptions with the key a finding should point at, when
    /// the rule's role applies in `scope` (a Role never grants
    /// cluster-scoped resources such as `nodes/proxy` or `users`).
    pub fn workload_paths(&self, scope: &Scope) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        let can = |verb: &str, group: &str, res: &str| {
            let ask = Ask::new(verb, group, res);
            scope.covers(ask.ns)
                && if verb == "create" {
                    // A create request has no name: `resourceNames` never grants it.
                    self.allows(&ask)
                } else {
                    self.allows_some(&ask)
                }
        };
        for (g, r) in CONTROLLERS {
            let verbs: Vec<&str> = ["create", "update", "patch"]
                .into_iter()
                .filter(|v| can(v, g, r))
                .collect();
            if verbs.is_empty() {
                continue;
            }
            // A pod's spec is fixed once it runs but for its images: updating
            // a pod swaps in code that reads what that pod mounts; creating
            // one, or changing a controller's template, mounts anything.
            let what = if r == "pods" && !verbs.contains(&"create") {
                "can swap the image of a running pod: its code then reads the Secrets and token that pod mounts"
            } else {
                "can run a pod that mounts any Secret of the namespace and runs as any of its service accounts"
            };
            out.push((format!("{} on {r} ({what})", verbs.join("/")), "resources"));
        }
        if can("create", "", "pods/exec") || can("get", "", "pods/exec") {
            out.push((
                "exec into pods (pods/exec): reads mounted Secrets and tokens".into(),
                "resources",
            ));
        }
        if can("create", "", "pods/attach") || can("get", "", "pods/attach") {
            out.push((
                "attach to pods (pods/attach): works the running process of any pod, with its mounted Secrets and token".into(),
                "resources",
            ));
        }
        if can("update", "", "pods/ephemeralcontainers")
            || can("patch", "", "pods/ephemeralcontainers")
        {
            out.push((
                "add ephemeral containers (pods/ephemeralcontainers): runs code in any pod".into(),
                "resources",
            ));
        }
        if can("create", "", "serviceaccounts/token") {
            out.push(("create service-account tokens (serviceaccounts/token): acts as any service account".into(), "resources"));
        }
        if can("get", "", "nodes/proxy") || can("create", "", "nodes/proxy") {
            out.push((
                "reach the kubelet API (nodes/proxy): exec into any pod on the node".into(),
                "resources",
            ));
        }
        let whom: Vec<&str> = ["users", "groups", "serviceaccounts"]
            .into_iter()
            .filter(|r| can("impersonate", "", r))
            .collect();
        if !whom.is_empty() {
            let key = if self.verbs.contains(&"impersonate") {
                "verbs"
            } else {
                "resources"
            };
            out.push((
                format!("impersonate {}: acts as other identities", whom.join("/")),
                key,
            ));
        }
        for v in ["escalate", "bind"] {
            let on: Vec<&str> = ["roles", "clusterroles"]
                .into_iter()
                .filter(|r| can(v, "rbac.authorization.k8s.io", r))
                .collect();
            if !on.is_empty() {
                let key = if self.verbs.contains(&v) {
                    "verbs"
                } else {
                    "resources"
                };
                out.push((
                    format!(
                        "{v} on {}: grants itself or others any permission, Secrets included",
                        on.join("/")
                    ),
                    key,
                ));
            }
        }
        out
    }

    /// A content key: equal rules fold into one.
    fn key(&self) -> String {
        let mut parts = Vec::new();
        for l in [
            &self.api_groups,
            &self.resources,
            &self.verbs,
            &self.resource_names,
            &self.non_resource_urls,
        ] {
            let mut v = l.clone();
            v.sort_unstable();
            parts.push(v.join(","));
        }
        parts.join("|")
    }
}

/// A rule in effect in a role, and where it came from.
#[derive(Debug, Clone)]
pub struct EffRule<'a> {
    /// The rule.
    pub rule: Rule<'a>,
    /// `Some(role)` when it reached this role through `aggregationRule`.
    pub aggregated_from: Option<&'a Object>,
}

/// A Role or ClusterRole with its effective rules.
#[derive(Debug)]
pub struct Role<'a> {
    /// The object.
    pub obj: &'a Object,
    /// Effective rules: its own, then those aggregated into it.
    pub rules: Vec<EffRule<'a>>,
}

impl Role<'_> {
    /// Whether it is a Kubernetes default role.
    pub fn is_default(&self) -> bool {
        self.obj.is_rbac_default()
    }

    /// Whether any effective rule reads Secrets (in the role's own scope).
    pub fn reads_secrets(&self) -> bool {
        READ_VERBS
            .iter()
            .any(|v| self.grant(&Ask::new(v, "", "secrets")).is_some())
    }

    /// Whether any effective rule amounts to reading Secrets through workloads.
    pub fn reads_secrets_via_workloads(&self) -> bool {
        let scope = own_scope(self);
        self.rules
            .iter()
            .any(|r| !r.rule.workload_paths(&scope).is_empty())
    }
}

/// Roles and bindings of a set of objects, aggregation resolved.
#[derive(Debug)]
pub struct RbacIndex<'a> {
    /// Every Role and ClusterRole.
    pub roles: Vec<Role<'a>>,
    /// Every RoleBinding and ClusterRoleBinding.
    pub bindings: Vec<&'a Object>,
    /// Whether default (`rbac-defaults`) objects are judged.
    pub include_defaults: bool,
}

/// Built-in ClusterRoles that read Secrets, for bindings whose role is not
/// in the set (a manifest binding `edit` without shipping it).
pub const BUILTIN_SECRET_READERS: [&str; 3] = ["cluster-admin", "admin", "edit"];

fn selector_matches(sel: &At<'_>, labels: &[(&str, &str)]) -> bool {
    let get = |k: &str| labels.iter().find(|(lk, _)| *lk == k).map(|(_, v)| *v);
    let mut any = false;
    if let Some(ml) = sel.node.get("matchLabels") {
        for e in ml.entries() {
            any = true;
            if get(&e.key) != e.value.scalar_text() {
                return false;
            }
        }
    }
    if let Some(me) = sel.node.get("matchExpressions") {
        for ex in me.items() {
            any = true;
            let key = ex.get("key").and_then(|k| k.scalar_text()).unwrap_or("");
            let op = ex
                .get("operator")
                .and_then(|k| k.scalar_text())
                .unwrap_or("");
            let values = ex.get("values").map(|v| v.strings()).unwrap_or_default();
            let ok = match op {
                "In" => get(key).is_some_and(|v| values.contains(&v)),
                "NotIn" => get(key).is_none_or(|v| !values.contains(&v)),
                "Exists" => get(key).is_some(),
                "DoesNotExist" => get(key).is_none(),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
    }
    // An empty selector selects nothing for aggregation.
    any
}

/// The rules a role object writes itself.
fn own_rules(o: &Object) -> Vec<EffRule<'_>> {
    o.at()
        .key("rules")
        .map(|r| {
            r.items()
                .into_iter()
                .map(|at| EffRule {
                    rule: Rule::from_at(at),
                    aggregated_from: None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Stand-ins for the user-facing default ClusterRoles, with the
/// permissions the RBAC documentation gives them ("User-facing roles"):
/// `cluster-admin` everything; `admin` and `edit` read and write most
/// namespaced objects, Secrets and pods included (`edit` may also
/// impersonate service accounts; `admin` also writes roles and bindings);
/// `view` reads most objects but not Secrets.
const BUILTIN_ROLES: &str = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cluster-admin, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
rules:
  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
  - {nonResourceURLs: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: admin, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
rules:
  - {apiGroups: [""], resources: [pods, pods/attach, pods/exec, pods/portforward, pods/proxy, secrets, services, configmaps, serviceaccounts, persistentvolumeclaims, replicationcontrollers, replicationcontrollers/scale, endpoints], verbs: [create, delete, deletecollection, patch, update, get, list, watch]}
  - {apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate]}
  - {apiGroups: [apps], resources: [deployments, deployments/scale, daemonsets, replicasets, replicasets/scale, statefulsets, statefulsets/scale], verbs: [create, delete, deletecollection, patch, update, get, list, watch]}
  - {apiGroups: [batch], resources: [jobs, cronjobs], verbs: [create, delete, deletecollection, patch, update, get, list, watch]}
  - {apiGroups: [rbac.authorization.k8s.io], resources: [roles, rolebindings], verbs: [create, delete, deletecollection, patch, update, get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: edit, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
rules:
  - {apiGroups: [""], resources: [pods, pods/attach, pods/exec, pods/portforward, pods/proxy, secrets, services, configmaps, serviceaccounts, persistentvolumeclaims, replicationcontrollers, replicationcontrollers/scale, endpoints], verbs: [create, delete, deletecollection, patch, update, get, list, watch]}
  - {apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate]}
  - {apiGroups: [apps], resources: [deployments, deployments/scale, daemonsets, replicasets, replicasets/scale, statefulsets, statefulsets/scale], verbs: [create, delete, deletecollection, patch, update, get, list, watch]}
  - {apiGroups: [batch], resources: [jobs, cronjobs], verbs: [create, delete, deletecollection, patch, update, get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
rules:
  - {apiGroups: [""], resources: [pods, services, configmaps, endpoints, persistentvolumeclaims, replicationcontrollers, serviceaccounts], verbs: [get, list, watch]}
  - {apiGroups: [apps], resources: [deployments, daemonsets, replicasets, statefulsets], verbs: [get, list, watch]}
"#;

/// The built-in stand-ins, parsed once.
fn builtins() -> &'static [Object] {
    static ROLES: OnceLock<Vec<Object>> = OnceLock::new();
    ROLES.get_or_init(|| {
        let lines = credlint_core::LineIndex::new(BUILTIN_ROLES.as_bytes());
        let (docs, _) = crate::yaml::load(BUILTIN_ROLES, &lines, crate::yaml::Limits::default());
        let origin = crate::model::Origin {
            path: None,
            context: Some("built-in".into()),
        };
        docs.into_iter()
            .map(|d| Object::new(d, origin.clone()))
            .collect()
    })
}

/// A Role, ClusterRole, RoleBinding or ClusterRoleBinding.
pub fn is_rbac(o: &Object) -> bool {
    matches!(
        o.kind.as_str(),
        "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding"
    ) && o.api_version.starts_with("rbac.authorization.k8s.io/")
}

impl<'a> RbacIndex<'a> {
    /// Index the roles and bindings among `objects`.
    pub fn build(objects: &'a [Object], include_defaults: bool) -> RbacIndex<'a> {
        let mut roles: Vec<Role<'a>> = objects
            .iter()
            .filter(|o| {
                matches!(o.kind.as_str(), "Role" | "ClusterRole")
                    && o.api_version.starts_with("rbac.authorization.k8s.io/")
            })
            .map(|o| Role {
                obj: o,
                rules: own_rules(o),
            })
            .collect();
        // Aggregation to a fixpoint (bounded: each pass adds at least one rule or stops).
        let aggregators: Vec<usize> = (0..roles.len())
            .filter(|&i| {
                roles[i].obj.kind == "ClusterRole"
                    && roles[i].obj.root.get("aggregationRule").is_some()
            })
            .collect();
        for _ in 0..roles.len().min(16) {
            let mut changed = false;
            for &i in &aggregators {
                let agg = roles[i]
                    .obj
                    .at()
                    .keys(&["aggregationRule", "clusterRoleSelectors"]);
                let Some(sels) = agg else { continue };
                let sels = sels.items();
                let mut add: Vec<EffRule<'a>> = Vec::new();
                for (j, other) in roles.iter().enumerate() {
                    if j == i || other.obj.kind != "ClusterRole" {
                        continue;
                    }
                    let labels = other.obj.labels();
                    if sels.iter().any(|s| selector_matches(s, &labels)) {
                        for r in &other.rules {
                            add.push(EffRule {
                                rule: r.rule.clone(),
                                aggregated_from: Some(r.aggregated_from.unwrap_or(other.obj)),
                            });
                        }
                    }
                }
                let mut seen: HashSet<String> =
                    roles[i].rules.iter().map(|r| r.rule.key()).collect();
                for r in add {
                    if seen.insert(r.rule.key()) {
                        roles[i].rules.push(r);
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let bindings = objects
            .iter()
            .filter(|o| {
                matches!(o.kind.as_str(), "RoleBinding" | "ClusterRoleBinding")
                    && o.api_version.starts_with("rbac.authorization.k8s.io/")
            })
            .collect();
        let mut index = RbacIndex {
            roles,
            bindings,
            include_defaults,
        };
        for b in builtins() {
            let used = index.bindings.iter().any(|x| {
                x.root.get("roleRef").is_some_and(|r| {
                    r.get("kind").and_then(|k| k.scalar_text()) == Some("ClusterRole")
                        && r.get("name").and_then(|k| k.scalar_text()) == Some(b.name.as_str())
                })
            });
            let present = index
                .roles
                .iter()
                .any(|r| r.obj.kind == "ClusterRole" && r.obj.name == b.name);
            if used && !present {
                index.roles.push(Role {
                    obj: b,
                    rules: own_rules(b),
                });
            }
        }
        index
    }

    /// Roles to judge (defaults left out unless asked).
    pub fn judged_roles(&self) -> impl Iterator<Item = &Role<'a>> {
        self.roles.iter().filter(move |r| {
            (self.include_defaults || !r.is_default())
                && r.obj.origin.context.as_deref() != Some("built-in")
        })
    }

    /// Bindings to judge.
    pub fn judged_bindings(&self) -> impl Iterator<Item = &'a Object> + '_ {
        self.bindings
            .iter()
            .copied()
            .filter(move |b| self.include_defaults || !b.is_rbac_default())
    }

    /// The role a binding refers to, if it is in the set.
    pub fn role_of(&self, binding: &Object) -> Option<&Role<'a>> {
        let rr = binding.root.get("roleRef")?;
        let kind = rr.get("kind")?.scalar_text()?;
        let name = rr.get("name")?.scalar_text()?;
        self.roles.iter().find(|r| {
            r.obj.kind == kind
                && r.obj.name == name
                && (kind == "ClusterRole"
                    || r.obj.namespace.is_none()
                    || binding.namespace.is_none()
                    || r.obj.namespace == binding.namespace)
        })
    }
}

/// Report a finding on an effective rule of `role`: at the rule's `key`
/// when the role defines it, at `aggregationRule` when it was aggregated.
/// The message ends with where the granting rule is written, and the
/// finding's `properties` name it (`grant_rule`: `path:line` or
/// `Kind/name rules[i]`; `grant_role`; `grant_rule_field`).
pub(crate) fn emit<'c>(
    cx: &'c mut crate::cx::Cx<'_>,
    meta: &crate::checks::CheckMeta,
    role: &Role<'_>,
    r: &EffRule<'_>,
    key: &str,
    disc: &str,
    message: String,
) -> &'c mut credlint_core::Finding {
    let place = crate::authz::rule_place(role, r);
    let source = r.aggregated_from.unwrap_or(role.obj);
    let f = match r.aggregated_from {
        None => {
            let at = r.rule.at.key(key).unwrap_or_else(|| r.rule.at.clone());
            cx.object(
                meta,
                role.obj,
                &at,
                disc,
                format!("{message} (granted by the rule at {place})"),
            )
        }
        Some(from) => {
            let root = role.obj.at();
            let at = root.key("aggregationRule").unwrap_or(root);
            let disc = format!("{disc}@{}:{}", from.name, r.rule.at.path);
            cx.object(
                meta,
                role.obj,
                &at,
                &disc,
                format!(
                    "{message} (aggregated from ClusterRole `{}`; granted by the rule at {place})",
                    from.name
                ),
            )
        }
    };
    f.properties.insert("grant_rule".into(), place.into());
    f.properties.insert(
        "grant_role".into(),
        format!("{}/{}", source.kind, source.name).into(),
    );
    f.properties
        .insert("grant_rule_field".into(), r.rule.at.path.clone().into());
    f
}

#[cfg(test)]
mod workload_path_tests {
    use crate::cred::testing::objects;

    #[test]
    fn patching_pods_reads_what_they_mount_patching_controllers_reads_anything() {
        let objs = objects(
            "r.yaml",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n  - apiGroups: ['']\n    resources: [pods]\n    verbs: [patch]\n  - apiGroups: [apps]\n    resources: [deployments]\n    verbs: [patch]\n  - apiGroups: ['']\n    resources: [pods]\n    verbs: [create]\n",
        );
        let index = super::RbacIndex::build(&objs, false);
        let paths: Vec<String> = index
            .judged_roles()
            .flat_map(|r| {
                let scope = crate::authz::own_scope(r);
                r.rules
                    .iter()
                    .flat_map(move |x| x.rule.workload_paths(&scope))
            })
            .map(|(m, _)| m)
            .collect();
        assert_eq!(paths.len(), 3, "{paths:?}");
        assert!(
            paths[0].starts_with("patch on pods (can swap the image"),
            "{}",
            paths[0]
        );
        assert!(
            paths[1].contains("deployments (can run a pod that mounts any Secret"),
            "{}",
            paths[1]
        );
        assert!(
            paths[2].contains("create on pods (can run a pod that mounts any Secret"),
            "{}",
            paths[2]
        );
    }
}
