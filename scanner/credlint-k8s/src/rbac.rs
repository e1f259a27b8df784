//! RBAC as the API server evaluates it, over any set of objects: one
//! file's, or a whole cluster's (so the live audit resolves aggregation and
//! bindings across everything it listed).
//!
//! - Rules are judged one by one: a role that mixes a name-restricted rule
//!   with an unrestricted one is unrestricted.
//! - `resourceNames` restricts `get`, `update`, `patch` and `delete` only;
//!   `list`, `watch`, `create` and `deletecollection` are treated as not
//!   restricted by it.
//! - `*` matches every verb, resource (and subresource) and API group;
//!   `pods/*` matches every pod subresource.
//! - Aggregated ClusterRoles get the union of the rules of the ClusterRoles
//!   their `aggregationRule` selects (to a fixpoint: `admin` ⊇ `edit` ⊇
//!   `view`). A live cluster has already filled in `rules`; duplicates are
//!   folded.
//! - Kubernetes' own roles and bindings carry the label
//!   `kubernetes.io/bootstrapping: rbac-defaults`; they are indexed (a user
//!   binding to `edit` must see its rules) but not judged unless asked.

use std::collections::HashSet;

use crate::model::{At, Object};

/// Verbs that read Secrets.
pub const READ_VERBS: [&str; 3] = ["get", "list", "watch"];

/// Verbs that `resourceNames` cannot restrict (per the model of
/// the API server: no name at authorisation time, or a collection).
pub const UNRESTRICTABLE: [&str; 4] = ["list", "watch", "create", "deletecollection"];

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
}

impl<'a> Rule<'a> {
    fn from_at(at: At<'a>) -> Rule<'a> {
        let list = |k: &str| at.node.get(k).map(|n| n.strings()).unwrap_or_default();
        Rule {
            api_groups: list("apiGroups"),
            resources: list("resources"),
            verbs: list("verbs"),
            resource_names: list("resourceNames"),
            at,
        }
    }

    /// Whether the rule's API groups include `group` (or `*`).
    pub fn group(&self, group: &str) -> bool {
        self.api_groups.iter().any(|g| *g == "*" || *g == group)
    }

    /// Whether the rule's resources include `resource` (`*`, `pods/*` count).
    pub fn resource(&self, resource: &str) -> bool {
        self.resources.iter().any(|r| {
            *r == "*"
                || *r == resource
                || resource
                    .split_once('/')
                    .is_some_and(|(base, _)| r.strip_suffix("/*") == Some(base))
        })
    }

    /// Whether the rule grants `verb` (or `*`).
    pub fn verb(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| *v == "*" || *v == verb)
    }

    /// Whether the rule applies to core-group `secrets`.
    pub fn covers_secrets(&self) -> bool {
        self.group("") && self.resource("secrets")
    }

    /// Whether `verb` is granted without a name restriction.
    pub fn unrestricted(&self, verb: &str) -> bool {
        self.verb(verb) && (self.resource_names.is_empty() || UNRESTRICTABLE.contains(&verb))
    }

    /// Read verbs on Secrets granted on every Secret (not only named ones).
    pub fn unrestricted_secret_reads(&self) -> Vec<&'static str> {
        if !self.covers_secrets() {
            return Vec::new();
        }
        READ_VERBS
            .into_iter()
            .filter(|v| self.unrestricted(v))
            .collect()
    }

    /// Whether it reads Secrets at all (named ones included).
    pub fn reads_secrets(&self) -> bool {
        self.covers_secrets() && READ_VERBS.iter().any(|v| self.verb(v))
    }

    /// `*` everywhere: all verbs on all resources.
    pub fn is_total_wildcard(&self) -> bool {
        self.verbs.contains(&"*") && self.resources.contains(&"*")
    }

    /// The ways this rule amounts to reading Secrets through workloads,
    /// as short descriptions with the key a finding should point at.
    pub fn workload_paths(&self) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
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
        for (g, r) in CONTROLLERS {
            if self.group(g) && self.resource(r) {
                let verbs: Vec<&str> = ["create", "update", "patch"]
                    .into_iter()
                    .filter(|v| self.unrestricted(v) || (*v != "create" && self.verb(v)))
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
        }
        let core = self.group("");
        if core && self.resource("pods/exec") && (self.verb("create") || self.verb("get")) {
            out.push((
                "exec into pods (pods/exec): reads mounted Secrets and tokens".into(),
                "resources",
            ));
        }
        if core
            && self.resource("pods/ephemeralcontainers")
            && (self.verb("update") || self.verb("patch"))
        {
            out.push((
                "add ephemeral containers (pods/ephemeralcontainers): runs code in any pod".into(),
                "resources",
            ));
        }
        if core && self.resource("serviceaccounts/token") && self.verb("create") {
            out.push(("create service-account tokens (serviceaccounts/token): acts as any service account".into(), "resources"));
        }
        if core && self.resource("nodes/proxy") && self.verb("get") {
            out.push((
                "get nodes/proxy: the kubelet API, including exec into any pod on the node".into(),
                "resources",
            ));
        }
        if self.verbs.contains(&"impersonate") {
            out.push((
                "impersonate: acts as other users, groups or service accounts".into(),
                "verbs",
            ));
        }
        if self.group("rbac.authorization.k8s.io")
            && (self.resource("roles") || self.resource("clusterroles"))
        {
            for v in ["escalate", "bind"] {
                if self.verbs.contains(&v) {
                    out.push((format!("{v} on roles: grants itself or others any permission, Secrets included"), "verbs"));
                }
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

    /// Whether any effective rule reads Secrets.
    pub fn reads_secrets(&self) -> bool {
        self.rules.iter().any(|r| r.rule.reads_secrets())
    }

    /// Whether any effective rule amounts to reading Secrets through workloads.
    pub fn reads_secrets_via_workloads(&self) -> bool {
        self.rules
            .iter()
            .any(|r| !r.rule.workload_paths().is_empty())
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
                rules: o
                    .at()
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
                    .unwrap_or_default(),
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
        RbacIndex {
            roles,
            bindings,
            include_defaults,
        }
    }

    /// Roles to judge (defaults left out unless asked).
    pub fn judged_roles(&self) -> impl Iterator<Item = &Role<'a>> {
        self.roles
            .iter()
            .filter(move |r| self.include_defaults || !r.is_default())
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
pub(crate) fn emit(
    cx: &mut crate::cx::Cx<'_>,
    meta: &crate::checks::CheckMeta,
    role: &Role<'_>,
    r: &EffRule<'_>,
    key: &str,
    disc: &str,
    message: String,
) {
    match r.aggregated_from {
        None => {
            let at = r.rule.at.key(key).unwrap_or_else(|| r.rule.at.clone());
            cx.object(meta, role.obj, &at, disc, message);
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
                format!("{message} (aggregated from ClusterRole `{}`)", from.name),
            );
        }
    }
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
            .flat_map(|r| r.rules.iter().flat_map(|x| x.rule.workload_paths()))
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
