//! The evaluator against the RBAC documentation: each row is a role (or a
//! binding and its role), a question, and the answer the Kubernetes RBAC
//! authorizer gives. The roles are those of the examples on
//! kubernetes.io ("Using RBAC Authorization", "Certificates and
//! Certificate Signing Requests", "User impersonation"), plus the edge
//! cases credlint once got wrong.

use super::{Ask, Ns, Subject};
use crate::cred::testing::objects;
use crate::rbac::RbacIndex;

const H: &str = "apiVersion: rbac.authorization.k8s.io/v1\n";

/// A ClusterRole named `r` with the rules given as flow YAML.
fn cluster_role(rules: &str) -> String {
    format!("{H}kind: ClusterRole\nmetadata: {{name: r}}\nrules: {rules}\n")
}

/// A Role named `r` in namespace `default`.
fn role(rules: &str) -> String {
    format!("{H}kind: Role\nmetadata: {{name: r, namespace: default}}\nrules: {rules}\n")
}

/// Whether role `r` (own scope) allows `ask` exactly.
fn role_allows(text: &str, ask: Ask<'_>) -> bool {
    let objs = objects("t.yaml", text);
    let index = RbacIndex::build(&objs, true);
    let r = index
        .roles
        .iter()
        .find(|r| r.obj.name == "r")
        .expect("role r");
    r.grant_exact(&ask).is_some()
}

fn get(res: &str) -> Ask<'_> {
    Ask::new("get", "", res)
}

#[test]
fn rule_table_from_the_rbac_documentation() {
    let pod_reader = role("[{apiGroups: [''], resources: [pods], verbs: [get, watch, list]}]");
    let pod_and_log = role("[{apiGroups: [''], resources: [pods, pods/log], verbs: [get, list]}]");
    let named_cm = role(
        "[{apiGroups: [''], resources: [configmaps], resourceNames: [my-configmap], verbs: [update, get, list, watch, create, deletecollection]}]",
    );
    let star_name = cluster_role(
        "[{apiGroups: [''], resources: [secrets], resourceNames: ['*'], verbs: [get, list]}]",
    );
    let scale = cluster_role("[{apiGroups: ['*'], resources: ['*/scale'], verbs: [get, update]}]");
    let pods_sub = cluster_role("[{apiGroups: [''], resources: ['pods/*'], verbs: [get, create]}]");
    let star_res = cluster_role("[{apiGroups: [''], resources: ['*'], verbs: [get]}]");
    let star_star = cluster_role("[{apiGroups: [''], resources: ['*/*'], verbs: [get]}]");
    let all = cluster_role("[{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]");
    let users_star = cluster_role(
        "[{apiGroups: [''], resources: [users, groups, serviceaccounts], verbs: ['*']}]",
    );
    let impersonate_pods =
        cluster_role("[{apiGroups: [''], resources: [pods], verbs: [impersonate]}]");
    let impersonate_doc = cluster_role(
        "[{apiGroups: [''], resources: [users], verbs: [impersonate], resourceNames: [jane.doe@example.com]}, {apiGroups: [authentication.k8s.io], resources: [uids], verbs: [impersonate], resourceNames: ['06f6ce97-e2c5-4ab8-7ba5-7654dd08d52b']}, {apiGroups: [authentication.k8s.io], resources: [userextras/scopes], verbs: [impersonate], resourceNames: [view, development]}]",
    );
    let roles_star = cluster_role("[{apiGroups: [rbac.authorization.k8s.io], resources: [roles, clusterroles], verbs: ['*']}]");
    let bind_named = cluster_role(
        "[{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [admin, edit, view]}]",
    );
    let bogus_verbs =
        cluster_role("[{apiGroups: [''], resources: ['*'], verbs: [aaa, '', approve]}]");
    let csr = cluster_role(
        "[{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests], verbs: [get, list, watch]}, {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}, {apiGroups: [certificates.k8s.io], resources: [signers], resourceNames: [example.com/my-signer-name], verbs: [approve]}]",
    );
    let nodes_in_role =
        role("[{apiGroups: [''], resources: [nodes/proxy, nodes], verbs: [get, create]}]");
    let urls = cluster_role("[{nonResourceURLs: [/healthz, '/healthz/*'], verbs: [get, post]}]");
    let mixed_groups = cluster_role("[{apiGroups: [apps], resources: [secrets], verbs: [get]}]");
    let empty_verbs = cluster_role("[{apiGroups: [''], resources: [secrets], verbs: []}]");
    let aggregated = format!(
        "{H}kind: ClusterRole\nmetadata: {{name: r}}\naggregationRule:\n  clusterRoleSelectors:\n    - matchLabels: {{rbac.example.com/aggregate-to-monitoring: 'true'}}\nrules: []\n---\n{H}kind: ClusterRole\nmetadata: {{name: monitoring-endpoints, labels: {{rbac.example.com/aggregate-to-monitoring: 'true'}}}}\nrules: [{{apiGroups: [''], resources: [services, endpointslices, pods], verbs: [get, list, watch]}}]\n"
    );
    let aggregated_expr = format!(
        "{H}kind: ClusterRole\nmetadata: {{name: r}}\naggregationRule:\n  clusterRoleSelectors:\n    - matchExpressions: [{{key: tier, operator: In, values: [secrets]}}]\nrules: []\n---\n{H}kind: ClusterRole\nmetadata: {{name: a, labels: {{tier: secrets}}}}\nrules: [{{apiGroups: [''], resources: [secrets], verbs: [list]}}]\n---\n{H}kind: ClusterRole\nmetadata: {{name: b, labels: {{tier: other}}}}\nrules: [{{apiGroups: [''], resources: [pods], verbs: [create]}}]\n"
    );
    let aggregated_chain = format!(
        "{H}kind: ClusterRole\nmetadata: {{name: r}}\naggregationRule:\n  clusterRoleSelectors: [{{matchLabels: {{agg: top}}}}]\n---\n{H}kind: ClusterRole\nmetadata: {{name: mid, labels: {{agg: top}}}}\naggregationRule:\n  clusterRoleSelectors: [{{matchLabels: {{agg: low}}}}]\n---\n{H}kind: ClusterRole\nmetadata: {{name: low, labels: {{agg: low}}}}\nrules: [{{apiGroups: [''], resources: [secrets], verbs: [watch]}}]\n"
    );
    let empty_selector = format!(
        "{H}kind: ClusterRole\nmetadata: {{name: r}}\naggregationRule:\n  clusterRoleSelectors: [{{}}]\n---\n{H}kind: ClusterRole\nmetadata: {{name: any}}\nrules: [{{apiGroups: [''], resources: [secrets], verbs: [get]}}]\n"
    );

    #[rustfmt::skip]
    let table: Vec<(&str, &str, Ask<'_>, bool)> = vec![
        // "Role example": get/watch/list pods in namespace default.
        ("pod-reader get pods", &pod_reader, get("pods"), true),
        ("pod-reader list pods", &pod_reader, Ask::new("list", "", "pods"), true),
        ("pod-reader get pods in default", &pod_reader, get("pods").in_ns(Ns::In("default")), true),
        ("pod-reader get pods elsewhere", &pod_reader, get("pods").in_ns(Ns::In("other")), false),
        ("pod-reader create pods", &pod_reader, Ask::new("create", "", "pods"), false),
        ("pod-reader pods/log is a subresource", &pod_reader, get("pods/log"), false),
        ("pod-reader secrets", &pod_reader, get("secrets"), false),
        ("pod-reader apps group", &pod_reader, Ask::new("get", "apps", "pods"), false),
        // "Referring to resources": pods and pods/log.
        ("pods,pods/log get log", &pod_and_log, get("pods/log"), true),
        ("pods,pods/log get exec", &pod_and_log, get("pods/exec"), false),
        // resourceNames: literal names; no name on list/create/deletecollection.
        ("named get that name", &named_cm, get("configmaps").named("my-configmap"), true),
        ("named get another name", &named_cm, get("configmaps").named("other"), false),
        ("named get any name", &named_cm, get("configmaps"), false),
        ("named list collection", &named_cm, Ask::new("list", "", "configmaps"), false),
        ("named list with name selector", &named_cm, Ask::new("list", "", "configmaps").named("my-configmap"), true),
        ("named watch collection", &named_cm, Ask::new("watch", "", "configmaps"), false),
        ("named create", &named_cm, Ask::new("create", "", "configmaps"), false),
        ("named deletecollection", &named_cm, Ask::new("deletecollection", "", "configmaps"), false),
        ("resourceNames * is literal: other name", &star_name, get("secrets").named("db"), false),
        ("resourceNames * is literal: list", &star_name, Ask::new("list", "", "secrets"), false),
        ("resourceNames * is literal: the name *", &star_name, get("secrets").named("*"), true),
        // Subresource wildcards.
        ("*/scale get deployments/scale", &scale, Ask::new("get", "apps", "deployments/scale"), true),
        ("*/scale get deployments", &scale, Ask::new("get", "apps", "deployments"), false),
        ("*/scale get pods/exec", &scale, get("pods/exec"), false),
        ("pods/* exec", &pods_sub, Ask::new("create", "", "pods/exec"), true),
        ("pods/* log", &pods_sub, get("pods/log"), true),
        ("pods/* does not match pods", &pods_sub, get("pods"), false),
        ("pods/* does not match nodes/proxy", &pods_sub, get("nodes/proxy"), false),
        ("* resource matches secrets", &star_res, get("secrets"), true),
        ("* resource matches a subresource", &star_res, get("pods/exec"), true),
        ("* resource other group", &star_res, Ask::new("get", "apps", "deployments"), false),
        ("*/* matches no subresource", &star_star, get("pods/exec"), false),
        ("*/* matches no resource", &star_star, get("pods"), false),
        // Wildcard verbs mean every verb, special ones included.
        ("all get secrets", &all, get("secrets"), true),
        ("all impersonate users", &all, Ask::new("impersonate", "", "users"), true),
        ("all bind clusterroles", &all, Ask::new("bind", "rbac.authorization.k8s.io", "clusterroles"), true),
        ("* verbs on users is impersonate", &users_star, Ask::new("impersonate", "", "users"), true),
        ("* verbs on serviceaccounts is impersonate", &users_star, Ask::new("impersonate", "", "serviceaccounts"), true),
        ("* verbs on users: not secrets", &users_star, get("secrets"), false),
        ("* verbs on roles is escalate", &roles_star, Ask::new("escalate", "rbac.authorization.k8s.io", "roles"), true),
        ("* verbs on clusterroles is bind", &roles_star, Ask::new("bind", "rbac.authorization.k8s.io", "clusterroles"), true),
        // impersonate means something on users/groups/serviceaccounts/uids/userextras only.
        ("impersonate on pods: not users", &impersonate_pods, Ask::new("impersonate", "", "users"), false),
        ("doc impersonate named user", &impersonate_doc, Ask::new("impersonate", "", "users").named("jane.doe@example.com"), true),
        ("doc impersonate other user", &impersonate_doc, Ask::new("impersonate", "", "users").named("admin"), false),
        ("doc impersonate uid", &impersonate_doc, Ask::new("impersonate", "authentication.k8s.io", "uids").named("06f6ce97-e2c5-4ab8-7ba5-7654dd08d52b"), true),
        ("doc impersonate userextras/scopes", &impersonate_doc, Ask::new("impersonate", "authentication.k8s.io", "userextras/scopes").named("view"), true),
        ("doc impersonate userextras other key", &impersonate_doc, Ask::new("impersonate", "authentication.k8s.io", "userextras/other").named("view"), false),
        ("doc impersonate groups", &impersonate_doc, Ask::new("impersonate", "", "groups").named("system:masters"), false),
        // bind restricted to names.
        ("bind admin", &bind_named, Ask::new("bind", "rbac.authorization.k8s.io", "clusterroles").named("admin"), true),
        ("bind cluster-admin", &bind_named, Ask::new("bind", "rbac.authorization.k8s.io", "clusterroles").named("cluster-admin"), false),
        ("escalate not granted by bind", &bind_named, Ask::new("escalate", "rbac.authorization.k8s.io", "clusterroles").named("admin"), false),
        // Verbs that do not exist grant nothing real.
        ("bogus verbs: get", &bogus_verbs, get("secrets"), false),
        ("bogus verbs: list", &bogus_verbs, Ask::new("list", "", "secrets"), false),
        ("empty verbs list", &empty_verbs, get("secrets"), false),
        ("secrets in apps group are not core secrets", &mixed_groups, get("secrets"), false),
        // CSR approval, as in the CSR documentation's approver role.
        ("csr approval update", &csr, Ask::new("update", "certificates.k8s.io", "certificatesigningrequests/approval"), true),
        ("csr approve own signer", &csr, Ask::new("approve", "certificates.k8s.io", "signers").named("example.com/my-signer-name"), true),
        ("csr approve kube-apiserver-client", &csr, Ask::new("approve", "certificates.k8s.io", "signers").named("kubernetes.io/kube-apiserver-client"), false),
        ("csr update csr itself", &csr, Ask::new("update", "certificates.k8s.io", "certificatesigningrequests"), false),
        // A Role never grants cluster-scoped resources.
        ("Role nodes/proxy", &nodes_in_role, get("nodes/proxy"), false),
        ("Role nodes", &nodes_in_role, get("nodes"), false),
        // Non-resource URLs are apart from resources.
        ("urls do not grant resources", &urls, get("healthz"), false),
        // Aggregation: matchLabels, matchExpressions, chains; empty selector selects nothing.
        ("aggregated matchLabels", &aggregated, Ask::new("list", "", "endpointslices"), true),
        ("aggregated not secrets", &aggregated, get("secrets"), false),
        ("aggregated matchExpressions In", &aggregated_expr, Ask::new("list", "", "secrets"), true),
        ("aggregated matchExpressions excluded", &aggregated_expr, Ask::new("create", "", "pods"), false),
        ("aggregated through a chain", &aggregated_chain, Ask::new("watch", "", "secrets"), true),
        ("empty selector selects nothing", &empty_selector, get("secrets"), false),
    ];
    let mut wrong = Vec::new();
    for (name, text, ask, want) in &table {
        if role_allows(text, *ask) != *want {
            wrong.push(format!("{name}: want {want}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} rows wrong:\n{}",
        wrong.len(),
        table.len(),
        wrong.join("\n")
    );
    assert!(table.len() >= 60, "{}", table.len());
}

#[test]
fn non_resource_urls() {
    let objs = objects(
        "t.yaml",
        &cluster_role("[{nonResourceURLs: [/healthz, '/healthz/*', /version], verbs: [get, post]}, {nonResourceURLs: ['*'], verbs: [head]}]"),
    );
    let index = RbacIndex::build(&objs, true);
    let rules: Vec<_> = index.roles[0].rules.iter().map(|r| &r.rule).collect();
    let allows = |verb: &str, path: &str| rules.iter().any(|r| r.allows_url(verb, path));
    assert!(allows("get", "/healthz"));
    assert!(allows("get", "/healthz/etcd"));
    assert!(allows("post", "/version"));
    assert!(!allows("get", "/version/x"));
    assert!(!allows("put", "/healthz"));
    assert!(allows("head", "/anything"));
    assert!(!allows("get", "/metrics"));
}

/// Bindings: a ClusterRoleBinding grants everywhere; a RoleBinding to a
/// ClusterRole grants in its namespace only, and never cluster-scoped
/// resources; service accounts are members of their groups.
#[test]
fn binding_table() {
    let text = format!(
        "{H}kind: ClusterRole\nmetadata: {{name: secret-reader}}\nrules: [{{apiGroups: [''], resources: [secrets, nodes/proxy], verbs: [get, watch, list]}}]\n---\n{H}kind: RoleBinding\nmetadata: {{name: read-secrets, namespace: development}}\nsubjects: [{{kind: User, name: dave, apiGroup: rbac.authorization.k8s.io}}, {{kind: ServiceAccount, name: app, namespace: development}}]\nroleRef: {{kind: ClusterRole, name: secret-reader, apiGroup: rbac.authorization.k8s.io}}\n---\n{H}kind: ClusterRoleBinding\nmetadata: {{name: read-secrets-global}}\nsubjects: [{{kind: Group, name: manager, apiGroup: rbac.authorization.k8s.io}}, {{kind: Group, name: 'system:serviceaccounts:ci'}}]\nroleRef: {{kind: ClusterRole, name: secret-reader, apiGroup: rbac.authorization.k8s.io}}\n---\n{H}kind: ClusterRoleBinding\nmetadata: {{name: admins}}\nsubjects: [{{kind: User, name: 'system:serviceaccount:ops:runner'}}]\nroleRef: {{kind: ClusterRole, name: cluster-admin, apiGroup: rbac.authorization.k8s.io}}\n"
    );
    let objs = objects("t.yaml", &text);
    let index = RbacIndex::build(&objs, false);
    let user = |n: &str| Subject::User(n.into());
    let sa = |ns: &str, n: &str| Subject::ServiceAccount(Some(ns.into()), n.into());
    #[rustfmt::skip]
    let table: Vec<(&str, Subject, Ask<'_>, bool)> = vec![
        ("dave secrets in development", user("dave"), get("secrets").in_ns(Ns::In("development")), true),
        ("dave secrets in default", user("dave"), get("secrets").in_ns(Ns::In("default")), false),
        ("dave nodes/proxy via RoleBinding", user("dave"), get("nodes/proxy"), false),
        ("manager group secrets anywhere", Subject::Group("manager".into()), get("secrets").in_ns(Ns::In("default")), true),
        ("manager group nodes/proxy", Subject::Group("manager".into()), get("nodes/proxy"), true),
        ("sa app in development", sa("development", "app"), Ask::new("list", "", "secrets").in_ns(Ns::In("development")), true),
        ("sa app of another namespace", sa("prod", "app"), Ask::new("list", "", "secrets"), false),
        ("sa in group system:serviceaccounts:ci", sa("ci", "builder"), get("secrets").in_ns(Ns::In("x")), true),
        ("sa user name form, built-in cluster-admin", sa("ops", "runner"), Ask::new("impersonate", "", "users"), true),
        ("other user", user("eve"), get("secrets"), false),
    ];
    let by_subject = super::SubjectIndex::build(&index);
    let mut wrong = Vec::new();
    for (name, s, ask, want) in &table {
        if index.subject_grant(s, ask).is_some() != *want {
            wrong.push(format!("{name}: want {want}"));
        }
        if by_subject.grant(s, ask, false).is_some() != *want {
            wrong.push(format!("{name} (SubjectIndex): want {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
