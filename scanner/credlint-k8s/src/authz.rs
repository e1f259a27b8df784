//! The RBAC evaluator: "can this role, or this subject through its
//! bindings, do verb V on resource R?", answered the way the Kubernetes
//! RBAC authorizer answers it. Every RBAC check (on files and on live
//! objects) asks its questions here instead of matching rule strings.
//!
//! What the authorizer does, and so what this module does:
//!
//! - A rule matches a resource request when its `verbs`, `apiGroups`,
//!   `resources` and `resourceNames` all match. Any rule of any role bound
//!   to the subject is enough (RBAC only adds; there are no deny rules).
//! - `*` in `verbs` or `apiGroups` matches anything — also verbs that only
//!   mean something on one resource: `*` on `users` is `impersonate`, `*`
//!   on `clusterroles` is `bind` and `escalate`.
//! - `resources`: `*` matches every resource and every subresource;
//!   `pods/log` matches that subresource only; `pods/*` every subresource
//!   of pods but not `pods` itself; `*/scale` the `scale` subresource of
//!   anything.
//! - `resourceNames` is a list of literal names (`*` in it is a name, not
//!   a wildcard). A request without a name — `list`, `watch` and
//!   `deletecollection` of a collection, `create` — never matches a rule
//!   that lists names: such a rule cannot grant `create`, and grants
//!   `list`/`watch` only of the named objects (with a
//!   `metadata.name` field selector).
//! - `nonResourceURLs` are matched apart from resources: `*` or an exact
//!   path, or a prefix ending in `*` (`/healthz/*`); they only take
//!   effect through a ClusterRoleBinding.
//! - A ClusterRoleBinding grants its ClusterRole everywhere; a RoleBinding
//!   grants its Role or ClusterRole in the binding's namespace only, so it
//!   never grants cluster-scoped resources (nodes, users, CSRs, webhook
//!   configurations). A Role on its own is judged as bound in its namespace,
//!   a ClusterRole as bound cluster-wide (the worst it can be used for).
//! - Aggregated ClusterRoles carry the rules of the roles their
//!   `aggregationRule` selects ([`crate::rbac::RbacIndex`] resolves them).
//!
//! Objects from files may lack a namespace (a chart installed into one
//! chosen later): a missing namespace matches any.

use crate::model::Object;
use crate::rbac::{EffRule, RbacIndex, Role, Rule};

/// Which namespace a request is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns<'q> {
    /// A cluster-scoped resource (nodes, users, CSRs, …): only a
    /// ClusterRoleBinding can grant it.
    Cluster,
    /// A namespaced resource in this namespace.
    In(&'q str),
    /// A namespaced resource in some namespace, whichever one a binding
    /// grants it in.
    Any,
}

/// A resource request, as the API server hands it to the authorizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ask<'q> {
    /// `get`, `list`, `create`, `impersonate`, …
    pub verb: &'q str,
    /// API group (`""` is the core group).
    pub group: &'q str,
    /// Resource (`secrets`).
    pub resource: &'q str,
    /// Subresource (`exec` for `pods/exec`), `""` for none.
    pub subresource: &'q str,
    /// The object's name; `None` for requests without one (`list`,
    /// `create`) and for "any object, whatever its name".
    pub name: Option<&'q str>,
    /// Namespace of the request.
    pub ns: Ns<'q>,
}

impl<'q> Ask<'q> {
    /// `verb` on `group`/`resource` (`resource` may be `pods/exec`), any
    /// name, in some namespace; cluster-scoped resources are recognised.
    pub fn new(verb: &'q str, group: &'q str, resource: &'q str) -> Ask<'q> {
        let (resource, subresource) = resource.split_once('/').unwrap_or((resource, ""));
        let ns = if cluster_scoped(group, resource) {
            Ns::Cluster
        } else {
            Ns::Any
        };
        Ask {
            verb,
            group,
            resource,
            subresource,
            name: None,
            ns,
        }
    }

    /// The same request for the object called `name`.
    pub fn named(mut self, name: &'q str) -> Ask<'q> {
        self.name = Some(name);
        self
    }

    /// The same request in namespace `ns`.
    pub fn in_ns(mut self, ns: Ns<'q>) -> Ask<'q> {
        self.ns = ns;
        self
    }
}

/// Cluster-scoped resources of the built-in API groups that the checks ask
/// about (a RoleBinding never grants these). `clusterroles` is not here:
/// the `bind`/`escalate` checks for a RoleBinding are made in its namespace.
pub fn cluster_scoped(group: &str, resource: &str) -> bool {
    matches!(
        (group, resource),
        (
            "",
            "nodes" | "namespaces" | "persistentvolumes" | "users" | "groups"
        ) | ("authentication.k8s.io", "uids" | "userextras")
            | (
                "certificates.k8s.io",
                "certificatesigningrequests" | "signers"
            )
            | (
                "admissionregistration.k8s.io",
                "mutatingwebhookconfigurations"
                    | "validatingwebhookconfigurations"
                    | "validatingadmissionpolicies"
                    | "validatingadmissionpolicybindings"
            )
            | ("rbac.authorization.k8s.io", "clusterrolebindings")
            | ("apiextensions.k8s.io", "customresourcedefinitions")
            | ("storage.k8s.io", "storageclasses")
    )
}

impl Rule<'_> {
    /// Whether this rule allows the resource request `ask` (scope aside:
    /// that is the binding's business).
    pub fn allows(&self, ask: &Ask<'_>) -> bool {
        self.verbs.iter().any(|v| *v == "*" || *v == ask.verb)
            && self.api_groups.iter().any(|g| *g == "*" || *g == ask.group)
            && self
                .resources
                .iter()
                .any(|r| resource_matches(r, ask.resource, ask.subresource))
            && (self.resource_names.is_empty()
                || ask.name.is_some_and(|n| self.resource_names.contains(&n)))
    }

    /// Whether this rule allows `ask` for some object: any name when it
    /// lists none, else one of the names it lists.
    pub fn allows_some(&self, ask: &Ask<'_>) -> bool {
        self.allows(ask)
            || self
                .resource_names
                .iter()
                .any(|n| self.allows(&ask.named(n)))
    }

    /// Whether this rule allows `verb` on the non-resource URL `path`.
    pub fn allows_url(&self, verb: &str, path: &str) -> bool {
        self.verbs.iter().any(|v| *v == "*" || *v == verb)
            && self.non_resource_urls.iter().any(|u| {
                *u == "*" || *u == path || u.strip_suffix('*').is_some_and(|p| path.starts_with(p))
            })
    }
}

/// The authorizer's resource match: `*`, `resource`, `resource/sub`,
/// `resource/*` (any subresource of it) and `*/sub`.
fn resource_matches(rule: &str, resource: &str, sub: &str) -> bool {
    if rule == "*" {
        return true;
    }
    if sub.is_empty() {
        return rule == resource;
    }
    match rule.split_once('/') {
        Some((r, s)) => (r == resource && (s == sub || s == "*")) || (r == "*" && s == sub),
        None => false,
    }
}

/// Where a grant applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every namespace and the cluster-scoped resources.
    Cluster,
    /// One namespace (`None`: a file object without a namespace).
    Namespace(Option<String>),
}

impl Scope {
    /// Whether a grant in this scope applies to a request in `ns`.
    pub fn covers(&self, ns: Ns<'_>) -> bool {
        match (self, ns) {
            (Scope::Cluster, _) => true,
            (Scope::Namespace(_), Ns::Cluster) => false,
            (Scope::Namespace(_), Ns::Any) => true,
            (Scope::Namespace(mine), Ns::In(n)) => mine.as_deref().is_none_or(|m| m == n),
        }
    }

    /// Human form: `cluster-wide` or `in namespace x`.
    pub fn describe(&self) -> String {
        match self {
            Scope::Cluster => "cluster-wide".into(),
            Scope::Namespace(Some(n)) => format!("in namespace `{n}`"),
            Scope::Namespace(None) => "in its namespace".into(),
        }
    }
}

/// The scope a role has on its own: a Role its namespace, a ClusterRole
/// the cluster (as if bound by a ClusterRoleBinding).
pub fn own_scope(role: &Role<'_>) -> Scope {
    if role.obj.kind == "Role" {
        Scope::Namespace(role.obj.namespace.clone())
    } else {
        Scope::Cluster
    }
}

impl<'a> Role<'a> {
    /// The first effective rule that allows `ask` for some object (see
    /// [`Rule::allows_some`]), judged in the role's own scope.
    pub fn grant(&self, ask: &Ask<'_>) -> Option<&EffRule<'a>> {
        if !own_scope(self).covers(ask.ns) {
            return None;
        }
        self.rules.iter().find(|r| r.rule.allows_some(ask))
    }

    /// The first effective rule that allows `ask` exactly as asked (a rule
    /// restricted to names does not grant a request without a name).
    pub fn grant_exact(&self, ask: &Ask<'_>) -> Option<&EffRule<'a>> {
        if !own_scope(self).covers(ask.ns) {
            return None;
        }
        self.rules.iter().find(|r| r.rule.allows(ask))
    }
}

/// Who a binding subject is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A user name.
    User(String),
    /// A group name.
    Group(String),
    /// A service account: namespace (`None`: unknown, from a file) and name.
    ServiceAccount(Option<String>, String),
}

impl Subject {
    /// Whether the binding subject `s` (an item of `subjects`, in `binding`)
    /// stands for this subject — a service account is also the user
    /// `system:serviceaccount:<ns>:<name>` and a member of the groups
    /// `system:serviceaccounts`, `system:serviceaccounts:<ns>` and
    /// `system:authenticated`.
    pub fn matches(&self, binding: &Object, s: &crate::model::Node) -> bool {
        let kind = s.get("kind").and_then(|k| k.scalar_text()).unwrap_or("");
        let name = s.get("name").and_then(|k| k.scalar_text()).unwrap_or("");
        match self {
            Subject::User(u) => kind == "User" && name == u,
            Subject::Group(g) => kind == "Group" && name == g,
            Subject::ServiceAccount(ns, sa) => {
                let ns_ok = |other: Option<&str>| match (ns.as_deref(), other) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                };
                match kind {
                    "ServiceAccount" => {
                        let sns = s
                            .get("namespace")
                            .and_then(|k| k.scalar_text())
                            .or(binding.namespace.as_deref());
                        name == sa && ns_ok(sns)
                    }
                    "User" => name
                        .strip_prefix("system:serviceaccount:")
                        .and_then(|r| r.split_once(':'))
                        .is_some_and(|(n, a)| a == sa && ns_ok(Some(n))),
                    "Group" => {
                        name == "system:serviceaccounts"
                            || name == "system:authenticated"
                            || name
                                .strip_prefix("system:serviceaccounts:")
                                .is_some_and(|n| ns_ok(Some(n)))
                    }
                    _ => false,
                }
            }
        }
    }
}

/// One way a subject is allowed a request: binding → role → rule.
#[derive(Debug, Clone)]
pub struct Grant<'i, 'a> {
    /// The RoleBinding or ClusterRoleBinding.
    pub binding: &'a Object,
    /// The role it refers to.
    pub role: &'i Role<'a>,
    /// The rule of the role that allows the request.
    pub rule: &'i EffRule<'a>,
    /// Where the binding grants it.
    pub scope: Scope,
}

/// The scope a binding grants its role in.
pub fn binding_scope(binding: &Object) -> Scope {
    if binding.kind == "ClusterRoleBinding" {
        Scope::Cluster
    } else {
        Scope::Namespace(binding.namespace.clone())
    }
}

impl<'a> RbacIndex<'a> {
    /// The first way `subject` is allowed `ask` for some object (through any
    /// binding in the set, Kubernetes' default bindings included, since the
    /// API server honours them), or `None`.
    pub fn subject_grant<'i>(&'i self, subject: &Subject, ask: &Ask<'_>) -> Option<Grant<'i, 'a>> {
        self.subject_grant_with(subject, ask, false)
    }

    /// [`RbacIndex::subject_grant`] for `ask` exactly as asked: a request
    /// without a name is not granted by a rule that lists names.
    pub fn subject_grant_exact<'i>(
        &'i self,
        subject: &Subject,
        ask: &Ask<'_>,
    ) -> Option<Grant<'i, 'a>> {
        self.subject_grant_with(subject, ask, true)
    }

    fn subject_grant_with<'i>(
        &'i self,
        subject: &Subject,
        ask: &Ask<'_>,
        exact: bool,
    ) -> Option<Grant<'i, 'a>> {
        for &b in &self.bindings {
            let scope = binding_scope(b);
            if !scope.covers(ask.ns) {
                continue;
            }
            let subjects = b
                .root
                .get("subjects")
                .map(|s| s.items())
                .unwrap_or_default();
            if !subjects.iter().any(|s| subject.matches(b, s)) {
                continue;
            }
            let Some(role) = self.role_of(b) else {
                continue;
            };
            let found = if exact {
                role.rules.iter().find(|r| r.rule.allows(ask))
            } else {
                role.rules.iter().find(|r| r.rule.allows_some(ask))
            };
            if let Some(rule) = found {
                return Some(Grant {
                    binding: b,
                    role,
                    rule,
                    scope,
                });
            }
        }
        None
    }
}

/// The bindings of an index with their roles resolved, indexed by the
/// subjects they name: for asking about many subjects (every workload of a
/// cluster) without walking every binding for each question. Answers are
/// those of [`RbacIndex::subject_grant`].
#[derive(Debug)]
pub struct SubjectIndex<'i, 'a> {
    entries: Vec<(&'a Object, &'i Role<'a>, Scope)>,
    by_key: std::collections::HashMap<String, Vec<usize>>,
}

impl<'i, 'a> SubjectIndex<'i, 'a> {
    /// Index the bindings of `index` whose role is known.
    pub fn build(index: &'i RbacIndex<'a>) -> SubjectIndex<'i, 'a> {
        let mut entries = Vec::new();
        let mut by_key: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for &b in &index.bindings {
            let Some(role) = index.role_of(b) else {
                continue;
            };
            let i = entries.len();
            entries.push((b, role, binding_scope(b)));
            for s in b
                .root
                .get("subjects")
                .map(|s| s.items())
                .unwrap_or_default()
            {
                let kind = s.get("kind").and_then(|k| k.scalar_text()).unwrap_or("");
                let name = s.get("name").and_then(|k| k.scalar_text()).unwrap_or("");
                let key = match kind {
                    "ServiceAccount" => format!("sa:{name}"),
                    "User" => match name
                        .strip_prefix("system:serviceaccount:")
                        .and_then(|r| r.split_once(':'))
                    {
                        Some((_, sa)) => format!("sa:{sa}"),
                        None => format!("user:{name}"),
                    },
                    "Group" if name.starts_with("system:serviceaccounts") => "sagroup".to_string(),
                    "Group" => format!("group:{name}"),
                    _ => continue,
                };
                let list = by_key.entry(key).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        SubjectIndex { entries, by_key }
    }

    /// The first way `subject` is allowed `ask` (for some object, or with
    /// `exact` as asked).
    pub fn grant(&self, subject: &Subject, ask: &Ask<'_>, exact: bool) -> Option<Grant<'i, 'a>> {
        let keys: Vec<String> = match subject {
            Subject::User(u) => {
                let mut k = vec![format!("user:{u}"), "group:system:authenticated".into()];
                if let Some((_, sa)) = u
                    .strip_prefix("system:serviceaccount:")
                    .and_then(|r| r.split_once(':'))
                {
                    k.push(format!("sa:{sa}"));
                }
                k
            }
            Subject::Group(g) => vec![format!("group:{g}")],
            Subject::ServiceAccount(_, sa) => vec![
                format!("sa:{sa}"),
                "sagroup".into(),
                "group:system:authenticated".into(),
            ],
        };
        let mut candidates: Vec<usize> = keys
            .iter()
            .filter_map(|k| self.by_key.get(k))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        for i in candidates {
            let (b, role, scope) = &self.entries[i];
            if !scope.covers(ask.ns) {
                continue;
            }
            let subjects = b
                .root
                .get("subjects")
                .map(|s| s.items())
                .unwrap_or_default();
            if !subjects.iter().any(|s| subject.matches(b, s)) {
                continue;
            }
            let found = if exact {
                role.rules.iter().find(|r| r.rule.allows(ask))
            } else {
                role.rules.iter().find(|r| r.rule.allows_some(ask))
            };
            if let Some(rule) = found {
                return Some(Grant {
                    binding: b,
                    role,
                    rule,
                    scope: scope.clone(),
                });
            }
        }
        None
    }
}

/// Where a rule is written, for messages and `properties`: `path:line`
/// for files, `Kind/name rules[i]` for live objects (and for rules
/// aggregated from another role, that role's).
pub fn rule_place(role: &Role<'_>, r: &EffRule<'_>) -> String {
    let obj = r.aggregated_from.unwrap_or(role.obj);
    match (&obj.origin.path, r.rule.at.span) {
        (Some(p), Some(s)) => format!("{p}:{}", s.start_line),
        _ if obj.origin.context.as_deref() == Some("built-in") => format!(
            "built-in {}/{} (as documented) {}",
            obj.kind, obj.name, r.rule.at.path
        ),
        _ => format!("{}/{} {}", obj.kind, obj.name, r.rule.at.path),
    }
}

#[cfg(test)]
mod tests;
