//! Every violating fixture under `testdata/k8s/` yields exactly the
//! expected findings (check id, line, column); every compliant one yields
//! none. A change in a check's verdict or in where it points fails here.

mod common;

use common::{rules, scan, triples};

/// (check id, line, column).
type Expect = (&'static str, usize, usize);

/// (fixture, expected findings).
const EXPECTED: &[(&str, &[Expect])] = &[
    (
        "encryption/identity-first.yaml",
        &[("encryption-identity-first", 17, 7)],
    ),
    (
        "encryption/identity-fallback.yaml",
        &[("encryption-identity-fallback", 11, 7)],
    ),
    (
        "encryption/weak-provider.yaml",
        &[
            ("encryption-weak-provider", 6, 7),
            ("encryption-weak-provider", 10, 7),
        ],
    ),
    (
        "encryption/weak-aesgcm.yaml",
        &[("encryption-weak-provider", 6, 7)],
    ),
    (
        "encryption/secrets-not-covered.yaml",
        &[("encryption-secrets-not-covered", 3, 1)],
    ),
    (
        "apiserver/kube-apiserver.yaml",
        &[
            ("apiserver-no-encryption-config", 15, 7),
            ("audit-policy-secrets", 15, 7),
        ],
    ),
    (
        "apiserver/kubeadm-config.yaml",
        &[
            ("apiserver-no-encryption-config", 13, 1),
            ("audit-policy-secrets", 13, 1),
        ],
    ),
    (
        "apiserver/token-settings.yaml",
        &[
            ("apiserver-token-auth-file", 18, 9),
            ("apiserver-service-account-tokens", 19, 9),
            ("apiserver-service-account-tokens", 20, 9),
            ("apiserver-service-account-tokens", 23, 9),
            ("apiserver-token-auth-file", 38, 34),
            ("apiserver-service-account-tokens", 38, 7),
            ("apiserver-service-account-tokens", 51, 7),
        ],
    ),
    (
        "apiserver/kubeadm-tokens-v1beta3.yaml",
        &[
            ("apiserver-token-auth-file", 9, 5),
            ("apiserver-service-account-tokens", 10, 5),
        ],
    ),
    (
        "apiserver/kubeadm-tokens-v1beta4.yaml",
        &[
            ("apiserver-service-account-tokens", 11, 5),
            ("apiserver-token-auth-file", 13, 5),
        ],
    ),
    (
        "audit/request-response.yaml",
        &[("audit-policy-secrets", 8, 5)],
    ),
    (
        "audit/none.yaml",
        &[
            ("audit-policy-secrets", 4, 5),
            ("audit-policy-secrets", 9, 5),
        ],
    ),
    (
        "audit/no-secrets-rule.yaml",
        &[("audit-policy-secrets", 3, 1)],
    ),
    // Regression (hunt D5b): a `None` rule on reads of the core group
    // before the Secrets rule; the `Request` rule on reads is fine.
    ("audit/none-reads.yaml", &[("audit-policy-secrets", 8, 5)]),
    (
        "rbac/secrets-read.yaml",
        // Line 17 (`list` with `resourceNames: [shop-tls]`) is not reported:
        // per the RBAC docs a list restricted by name lists only that Secret.
        &[("rbac-secrets-read", 14, 5), ("rbac-secrets-read", 27, 5)],
    ),
    (
        "rbac/wildcard.yaml",
        &[
            ("rbac-wildcard", 6, 5),
            ("rbac-secrets-read", 7, 5),
            ("rbac-wildcard", 17, 5),
            ("rbac-secrets-via-workloads", 17, 5),
        ],
    ),
    (
        "rbac/via-workloads.yaml",
        &[
            ("rbac-secrets-via-workloads", 8, 5),
            ("rbac-secrets-via-workloads", 11, 5),
            ("rbac-secrets-via-workloads", 14, 5),
            ("rbac-secrets-via-workloads", 24, 5),
            ("rbac-secrets-via-workloads", 27, 5),
            ("rbac-secrets-via-workloads", 29, 5),
        ],
    ),
    (
        "rbac/authorizer-edge.yaml",
        &[
            ("rbac-secrets-via-workloads", 10, 5),
            ("rbac-secrets-via-workloads", 13, 5),
            ("rbac-secrets-via-workloads", 16, 5),
            ("rbac-secrets-via-workloads", 19, 5),
        ],
    ),
    (
        "rbac/csr-approval.yaml",
        &[("rbac-csr-approval", 15, 5), ("rbac-csr-approval", 26, 5)],
    ),
    (
        "rbac/webhook-write.yaml",
        &[
            ("rbac-webhook-config-write", 7, 5),
            ("rbac-webhook-config-write", 10, 5),
        ],
    ),
    (
        "workloads/secrets-path.yaml",
        &[
            ("automount-token", 9, 1),
            ("rbac-secrets-read", 18, 5),
            ("rbac-secrets-via-workloads", 21, 5),
            ("automount-token", 45, 5),
            ("workload-secrets-path", 46, 7),
            ("workload-secrets-path", 46, 7),
            ("workload-secrets-path", 75, 11),
            ("automount-token", 76, 11),
            ("hostpath-credential-mount", 83, 17),
        ],
    ),
    (
        "rbac/broad-subject.yaml",
        &[("rbac-broad-subject", 20, 3), ("rbac-broad-subject", 37, 3)],
    ),
    (
        "rbac/aggregated.yaml",
        &[
            ("rbac-secrets-read", 8, 1),
            ("rbac-secrets-read", 33, 5),
            ("rbac-broad-subject", 45, 3),
        ],
    ),
    (
        "workloads/env-secret-ref.yaml",
        &[("env-secret-ref", 23, 17), ("env-secret-ref", 29, 15)],
    ),
    (
        "workloads/env-literal-credential.yaml",
        &[
            ("env-literal-credential", 19, 19),
            ("env-literal-credential", 27, 19),
        ],
    ),
    // Regression (hunt D9): a low-entropy literal password.
    (
        "workloads/env-literal-password.yaml",
        &[("env-literal-credential", 21, 15)],
    ),
    (
        "workloads/automount.yaml",
        &[
            ("automount-token", 4, 3),
            ("automount-token", 12, 1),
            ("automount-token", 32, 7),
        ],
    ),
    (
        "secrets/secret-committed.yaml",
        &[
            ("secret-manifest-committed", 7, 1),
            ("secret-manifest-committed", 10, 1),
        ],
    ),
    ("secrets/list.json", &[("secret-manifest-committed", 15, 7)]),
    (
        "secrets/last-applied.yaml",
        &[("last-applied-secret", 7, 5)],
    ),
    (
        "secrets/legacy-token.yaml",
        &[("legacy-sa-token-secret", 8, 1)],
    ),
    (
        "secrets/configmap-credential.yaml",
        &[
            ("configmap-credential", 8, 3),
            ("configmap-credential", 9, 3),
        ],
    ),
    (
        "helm/bad-chart/values.yaml",
        &[
            ("helm-values-credential", 8, 5),
            ("helm-values-credential", 14, 3),
        ],
    ),
    (
        "helm/bad-chart/templates/deployment.yaml",
        &[
            ("helm-template-secret-env", 16, 15),
            ("helm-template-secret-env", 18, 15),
        ],
    ),
    (
        "helm/values-short-password/values.yaml",
        &[
            ("helm-values-credential", 3, 3),
            ("helm-values-credential", 5, 3),
        ],
    ),
    (
        "secrets/configmap-embedded.yaml",
        &[
            ("configmap-credential", 7, 3),
            ("configmap-credential", 8, 3),
            ("configmap-credential", 11, 3),
        ],
    ),
    (
        "workloads/env-embedded.yaml",
        &[("env-literal-credential", 15, 15)],
    ),
    (
        "kustomize/bad/kustomization.yaml",
        &[
            ("kustomize-secret-literal", 10, 7),
            ("kustomize-secret-literal", 13, 7),
        ],
    ),
    (
        "docker/Dockerfile.bad",
        &[
            ("dockerfile-secret-env", 3, 5),
            ("dockerfile-secret-env", 5, 5),
            ("dockerfile-copy-secret-file", 7, 6),
            ("dockerfile-copy-secret-file", 8, 6),
            ("dockerfile-copy-secret-file", 9, 5),
            ("dockerfile-copy-secret-file", 10, 6),
            ("dockerfile-run-credential", 12, 19),
            ("dockerfile-run-credential", 13, 20),
            ("dockerfile-run-credential", 15, 15),
        ],
    ),
    (
        "compose/docker-compose.yml",
        &[
            ("compose-env-credential", 6, 7),
            ("compose-env-credential", 11, 7),
            ("compose-env-credential", 12, 7),
        ],
    ),
    // Regression (hunt D9, FN-7): low-entropy literal passwords.
    (
        "compose/docker-compose.literal.yml",
        &[
            ("compose-env-credential", 6, 7),
            ("compose-env-credential", 7, 7),
            ("compose-env-credential", 13, 7),
            ("compose-env-credential", 20, 7),
        ],
    ),
];

const COMPLIANT: &[&str] = &[
    "encryption/compliant-kms-v2.yaml",
    "encryption/compliant-wildcard.yaml",
    "apiserver/compliant-kube-apiserver.yaml",
    "apiserver/compliant-kubeadm-config.yaml",
    "apiserver/compliant-token-settings.yaml",
    "audit/compliant-policy.yaml",
    "audit/compliant-request-reads.yaml",
    "rbac/compliant-defaults.yaml",
    "rbac/compliant-named.yaml",
    "rbac/compliant-authorizer.yaml",
    "rbac/compliant-csr-webhook.yaml",
    "workloads/compliant-secrets-path.yaml",
    "workloads/compliant-workload.yaml",
    "workloads/compliant-static-pod.yaml",
    "secrets/compliant-sealed.yaml",
    "secrets/compliant-sops.yaml",
    "secrets/compliant-placeholder.yaml",
    "secrets/compliant-config.yaml",
    "helm/good-chart/values.yaml",
    "helm/good-chart/templates/deployment.yaml",
    "helm/good-chart/templates/auth.yaml",
    "helm/good-chart/templates/paths.yaml",
    "helm/values-noise/values.yaml",
    "secrets/compliant-configmap-settings.yaml",
    "kustomize/good/kustomization.yaml",
    "docker/Dockerfile.good",
    "compose/docker-compose.good.yml",
];

#[test]
fn violating_fixtures_report_exact_findings() {
    let rules = rules();
    let mut failures = Vec::new();
    for (file, expected) in EXPECTED {
        let report = scan(file, &rules);
        assert!(report.warnings.is_empty(), "{file}: {:?}", report.warnings);
        let mut got = triples(&report);
        got.sort();
        let mut want: Vec<(String, usize, usize)> = expected
            .iter()
            .map(|(id, l, c)| (id.to_string(), *l, *c))
            .collect();
        want.sort();
        if got != want {
            failures.push(format!("{file}:\n  want {want:?}\n  got  {got:?}"));
        }
        for f in &report.findings {
            assert!(
                f.secret.is_none(),
                "{file}: policy findings carry no secret"
            );
            assert_eq!(
                f.location.path.as_deref(),
                Some(format!("testdata/k8s/{file}").as_str())
            );
            assert_eq!(f.fingerprint.len(), 32);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn compliant_fixtures_report_nothing() {
    let rules = rules();
    for file in COMPLIANT {
        let report = scan(file, &rules);
        assert!(report.warnings.is_empty(), "{file}: {:?}", report.warnings);
        assert!(
            report.findings.is_empty(),
            "{file}: {:#?}",
            triples(&report)
        );
    }
}

#[test]
fn every_check_fires_on_some_fixture() {
    let fired: std::collections::BTreeSet<&str> = EXPECTED
        .iter()
        .flat_map(|(_, e)| e.iter().map(|(id, _, _)| *id))
        .collect();
    for c in credlint_k8s::checks() {
        assert!(
            fired.contains(c.id.as_str()),
            "no violating fixture for {}",
            c.id
        );
    }
}

#[test]
fn every_fixture_is_listed() {
    let mut listed: Vec<&str> = EXPECTED
        .iter()
        .map(|(f, _)| *f)
        .chain(COMPLIANT.iter().copied())
        .collect();
    listed.extend(["malformed/broken.yaml", "malformed/alias-bomb.yaml"]);
    fn walk(d: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, base, out)
            } else {
                out.push(
                    p.strip_prefix(base)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    let mut files = Vec::new();
    walk(&common::root(), &common::root(), &mut files);
    for f in files {
        let bytes = std::fs::read(common::root().join(&f)).unwrap();
        if credlint_k8s::classify(&format!("testdata/k8s/{f}"), &bytes).is_some() {
            assert!(
                listed.contains(&f.as_str()),
                "fixture {f} is not in a test table"
            );
        }
    }
}

#[test]
fn malformed_yaml_is_a_warning_not_a_panic() {
    let rules = rules();
    let r = scan("malformed/broken.yaml", &rules);
    assert!(r.findings.is_empty());
    assert_eq!(r.warnings.len(), 1);
    assert!(
        r.warnings[0].contains("invalid YAML at line 6"),
        "{:?}",
        r.warnings
    );
    let r = scan("malformed/alias-bomb.yaml", &rules);
    assert!(r.warnings[0].contains("alias bomb"), "{:?}", r.warnings);
    // Not UTF-8.
    let r = credlint_k8s::check_file(
        "x.yaml",
        b"kind: \xff\xfe",
        credlint_k8s::FileKind::Manifest,
        &rules,
    );
    assert_eq!(r.warnings.len(), 1);
}

#[test]
fn encryption_findings_carry_both_verdicts_and_cis_tags() {
    let rules = rules();
    let r = scan("encryption/weak-provider.yaml", &rules);
    let aescbc = &r.findings[0];
    assert_eq!(aescbc.properties["k8s_docs_verdict"], "weak");
    assert_eq!(aescbc.properties["cis_verdict"], "pass");
    assert_eq!(aescbc.properties["cis_control"], "1.2.28");
    assert_eq!(
        aescbc.properties["cis_benchmark"],
        "CIS Kubernetes Benchmark v1.9.0"
    );
    let o = aescbc.location.object.as_ref().unwrap();
    assert_eq!(o.kind, "EncryptionConfiguration");
    assert_eq!(o.field_path, "resources[0].providers[0]");
    let r = scan("encryption/weak-aesgcm.yaml", &rules);
    assert!(r.findings[0].properties["cis_verdict"]
        .as_str()
        .unwrap()
        .starts_with("fail"));
}

#[test]
fn messages_never_contain_fixture_secrets() {
    let rules = rules();
    let secrets = [
        "Hq7TmW2xKp9vLr4N",
        "wJr7Ut4nFEMI9K7MDENGbPxRfiCYk3Qz8Lm2aV5d",
        "Xv9kT2mQ7wLp4Rn8",
        "Tz4nW8qX2mKv7Lp5",
        "Jk5rV9wT3xNm8Qp2",
        "Wp7xK2mR9tVn4Lq8Zs3c",
        "Fd8kW3nQ6vTz1Xm4",
        "Lp3xVq8nTz5wRk2m",
        "Qm8vT3xK9wLr2Np6",
    ];
    for (file, _) in EXPECTED {
        for f in scan(file, &rules).findings {
            for s in secrets {
                assert!(
                    !f.message.contains(s),
                    "{file}: message leaks a secret: {}",
                    f.message
                );
            }
        }
    }
}
