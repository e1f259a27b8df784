//! The check registry: ids unique and stable, every check documented with
//! the five explain sections.

#[test]
fn check_ids_are_unique_and_kebab_case() {
    let checks = credlint_k8s::checks();
    let mut seen = std::collections::HashSet::new();
    for c in &checks {
        assert!(seen.insert(c.id.clone()), "duplicate check id {}", c.id);
        assert!(
            c.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{} is not kebab-case",
            c.id
        );
        assert_eq!(c.kind, credlint_core::FindingKind::Policy);
    }
}

/// Snapshot of the id list with severities: changing an id breaks users'
/// baselines and config, so it must be a deliberate edit here.
#[test]
fn check_id_snapshot() {
    let got: Vec<String> = credlint_k8s::checks()
        .iter()
        .map(|c| format!("{} {}", c.id, c.severity))
        .collect();
    let want = [
        "encryption-identity-first high",
        "encryption-identity-fallback medium",
        "encryption-weak-provider medium",
        "encryption-secrets-not-covered high",
        "apiserver-no-encryption-config high",
        "apiserver-token-auth-file high",
        "apiserver-service-account-tokens medium",
        "audit-policy-secrets medium",
        "rbac-secrets-read high",
        "rbac-wildcard high",
        "rbac-broad-subject critical",
        "rbac-secrets-via-workloads medium",
        "rbac-csr-approval high",
        "rbac-webhook-config-write high",
        "workload-secrets-path high",
        "hostpath-credential-mount high",
        "env-secret-ref low",
        "env-literal-credential high",
        "automount-token low",
        "secret-manifest-committed high",
        "configmap-credential high",
        "last-applied-secret high",
        "legacy-sa-token-secret medium",
        "helm-values-credential high",
        "helm-template-secret-env medium",
        "kustomize-secret-literal high",
        "dockerfile-secret-env high",
        "dockerfile-copy-secret-file high",
        "dockerfile-run-credential high",
        "compose-env-credential high",
    ];
    assert_eq!(got, want);
}

#[test]
fn every_check_has_an_explain_page() {
    for c in credlint_k8s::checks() {
        let h = &c.help_markdown;
        assert!(
            h.starts_with(&format!("# {}:", c.id)),
            "{}: help must start with its title",
            c.id
        );
        for s in [
            "What it finds",
            "Why it matters",
            "Example",
            "Instead",
            "References",
        ] {
            assert!(
                h.contains(&format!("## {s}")),
                "{}: help lacks section {s}",
                c.id
            );
        }
        assert!(!c.full_description.is_empty(), "{}", c.id);
        assert!(!c.short_description.is_empty(), "{}", c.id);
        assert!(!c.references.is_empty(), "{}", c.id);
        assert!(c.tags.iter().any(|t| t == "kubernetes"), "{}", c.id);
    }
}
