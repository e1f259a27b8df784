//! The cross-object checks over a tree of files: a binding in one file
//! meets its role in another, a Deployment the ServiceAccount of another
//! file, and roles and bindings in Helm templates count.

mod common;

use credlint_k8s::{
    check_across, check_file, check_file_with, checks::ACROSS, classify, Across, FileReport, Object,
};

/// One file, its cross-object checks left for [`check_across`].
fn check(path: &str, text: &str, rules: &credlint_leaks::RuleSet) -> FileReport {
    let kind = classify(path, text.as_bytes()).unwrap_or_else(|| panic!("{path}: not ours"));
    check_file_with(path, text.as_bytes(), kind, rules, Across::Later)
}

/// One file judged alone, cross-object checks included.
fn alone(path: &str, text: &str, rules: &credlint_leaks::RuleSet) -> FileReport {
    let kind = classify(path, text.as_bytes()).unwrap_or_else(|| panic!("{path}: not ours"));
    check_file(path, text.as_bytes(), kind, rules)
}

fn ids_at(findings: &[credlint_core::Finding]) -> Vec<(String, String, usize)> {
    let mut v: Vec<_> = findings
        .iter()
        .map(|f| {
            (
                f.rule_id.clone(),
                f.location.path.clone().unwrap_or_default(),
                f.location.span.map_or(0, |s| s.start_line),
            )
        })
        .collect();
    v.sort();
    v
}

const ROLE: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: deploy-patcher
rules:
  - apiGroups: [apps]
    resources: [deployments]
    verbs: [get, patch]
";

const BINDING: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: everyone-patches
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: deploy-patcher
subjects:
  - kind: Group
    name: system:authenticated
    apiGroup: rbac.authorization.k8s.io
";

#[test]
fn a_binding_meets_its_role_in_another_file() {
    let rules = common::rules();
    // Alone, neither file says who can patch Deployments (and so run pods
    // that read Secrets).
    let role = alone("rbac/role.yaml", ROLE, &rules);
    let binding = alone("rbac/binding.yaml", BINDING, &rules);
    assert!(role.objects.is_empty() && binding.objects.is_empty());
    assert!(role
        .findings
        .iter()
        .chain(&binding.findings)
        .all(|f| f.rule_id != "rbac-broad-subject"));
    let role = check("rbac/role.yaml", ROLE, &rules);
    let binding = check("rbac/binding.yaml", BINDING, &rules);
    assert!(role
        .findings
        .iter()
        .chain(&binding.findings)
        .all(|f| !ACROSS.contains(&f.rule_id.as_str())));
    let objects: Vec<Object> = role.objects.into_iter().chain(binding.objects).collect();
    let across = check_across(&objects, &rules);
    let got = ids_at(&across);
    assert!(
        got.contains(&("rbac-broad-subject".into(), "rbac/binding.yaml".into(), 10)),
        "{got:?}"
    );
    assert!(across.iter().all(|f| ACROSS.contains(&f.rule_id.as_str())));
}

const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      serviceAccountName: web\n      containers:\n        - name: web\n          image: nginx\n";

#[test]
fn a_pod_meets_its_service_account_in_another_file() {
    let rules = common::rules();
    let sa = check(
        "app/sa.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\nautomountServiceAccountToken: false\n",
        &rules,
    );
    let deploy = check("app/deploy.yaml", DEPLOY, &rules);
    // Alone, the Deployment seems to mount a token; with its ServiceAccount
    // in view it does not.
    let deploy_alone = alone("app/deploy.yaml", DEPLOY, &rules);
    assert!(deploy_alone
        .findings
        .iter()
        .any(|f| f.rule_id == "automount-token"));
    let objects: Vec<Object> = sa.objects.into_iter().chain(deploy.objects).collect();
    let across = check_across(&objects, &rules);
    assert!(
        across.iter().all(|f| f.rule_id != "automount-token"),
        "{:?}",
        ids_at(&across)
    );
}

#[test]
fn roles_and_bindings_in_helm_templates_are_judged() {
    let rules = common::rules();
    let template = "{{- if .Values.rbac.create }}
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ include \"c.fullname\" . }}-reader
  labels:
    {{- include \"c.labels\" . | nindent 4 }}
rules:
  - apiGroups: [\"\"]
    resources: [\"secrets\"]
    verbs: [\"get\", \"list\", \"watch\"]
{{- end }}
";
    // Judged alone, the template's ClusterRole is reported where it stands.
    let alone = alone("chart/templates/rbac.yaml", template, &rules);
    let read = alone
        .findings
        .iter()
        .find(|f| f.rule_id == "rbac-secrets-read")
        .unwrap_or_else(|| panic!("{:?}", ids_at(&alone.findings)));
    assert_eq!(read.location.span.unwrap().start_line, 10);
    assert!(
        read.message
            .contains("{{ include \"c.fullname\" . }}-reader"),
        "{}",
        read.message
    );
    let role = check("chart/templates/rbac.yaml", template, &rules);
    let binding = check(
        "chart/templates/binding.yaml",
        "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ include \"c.fullname\" . }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ include \"c.fullname\" . }}-reader
subjects:
  - kind: Group
    name: system:authenticated
    apiGroup: rbac.authorization.k8s.io
",
        &rules,
    );
    let objects: Vec<Object> = role.objects.into_iter().chain(binding.objects).collect();
    let got = ids_at(&check_across(&objects, &rules));
    assert!(
        got.contains(&(
            "rbac-broad-subject".into(),
            "chart/templates/binding.yaml".into(),
            10
        )),
        "{got:?}"
    );
}

#[test]
fn template_values_are_not_judged_as_written() {
    // A templated Secret or env var has no value until rendered: only the
    // RBAC checks read templates.
    let rules = common::rules();
    let r = check(
        "chart/templates/secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}\nstringData:\n  password: {{ .Values.password | quote }}\n",
        &rules,
    );
    assert!(r.findings.is_empty(), "{:?}", ids_at(&r.findings));
    assert!(r.objects.is_empty());
}
