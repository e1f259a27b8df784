//! The cluster path: the same checks over objects read from an API server
//! (JSON, no spans) give the same verdicts as over the manifests, and RBAC
//! aggregation and bindings are resolved across all objects given.

mod common;

use std::collections::BTreeSet;

use credlint_k8s::{check_objects, ClusterContext, Object};

fn objects_from_fixture(rel: &str) -> Vec<Object> {
    let text = std::fs::read_to_string(common::root().join(rel)).unwrap();
    let lines = credlint_core::LineIndex::new(text.as_bytes());
    let (docs, err) = credlint_k8s::yaml::load(&text, &lines, Default::default());
    assert!(err.is_none());
    docs.iter()
        .flat_map(|d| {
            // Through JSON, as the API server would send it.
            let json = d.to_json();
            let node = credlint_k8s::Node::from_json(&json);
            Object::expand(
                node,
                &credlint_k8s::Origin {
                    path: None,
                    context: Some("prod".into()),
                },
            )
        })
        .collect()
}

type Key = (String, String, String, String);

fn keys(findings: &[credlint_core::Finding]) -> BTreeSet<Key> {
    findings
        .iter()
        .map(|f| {
            let o = f.location.object.as_ref().expect("object findings");
            (
                f.rule_id.clone(),
                o.kind.clone(),
                o.name.clone(),
                o.field_path.clone(),
            )
        })
        .collect()
}

#[test]
fn live_objects_get_the_same_verdicts_as_manifests() {
    let rules = common::rules();
    let manifests = [
        "encryption/identity-first.yaml",
        "encryption/identity-fallback.yaml",
        "encryption/weak-provider.yaml",
        "encryption/secrets-not-covered.yaml",
        "apiserver/kube-apiserver.yaml",
        "audit/none.yaml",
        "audit/none-reads.yaml",
        "audit/compliant-request-reads.yaml",
        "workloads/compliant-static-pod.yaml",
        "workloads/env-literal-password.yaml",
        "rbac/secrets-read.yaml",
        "rbac/wildcard.yaml",
        "rbac/via-workloads.yaml",
        "rbac/broad-subject.yaml",
        "rbac/aggregated.yaml",
        "rbac/compliant-defaults.yaml",
        "workloads/env-secret-ref.yaml",
        "workloads/env-literal-credential.yaml",
        "workloads/automount.yaml",
        "workloads/compliant-workload.yaml",
        "secrets/last-applied.yaml",
        "secrets/legacy-token.yaml",
        "secrets/configmap-credential.yaml",
    ];
    let ctx = ClusterContext {
        context: Some("prod".into()),
        include_defaults: false,
    };
    for m in manifests {
        let file = common::scan(m, &rules);
        let live = check_objects(&objects_from_fixture(m), &ctx, &rules);
        assert_eq!(keys(&file.findings), keys(&live), "{m}");
        for f in &live {
            assert!(f.location.path.is_none() && f.location.span.is_none());
            assert_eq!(
                f.location.object.as_ref().unwrap().context.as_deref(),
                Some("prod")
            );
        }
    }
}

#[test]
fn committed_secret_check_does_not_run_on_live_secrets() {
    let rules = common::rules();
    let objs = objects_from_fixture("secrets/secret-committed.yaml");
    let live = check_objects(&objs, &ClusterContext::default(), &rules);
    assert!(live.is_empty(), "{live:?}");
}

#[test]
fn aggregation_and_bindings_resolve_across_all_objects() {
    let rules = common::rules();
    // The aggregated role, its sources and the binding arrive as separate
    // API objects (a live cluster has already filled in `rules`; here the
    // aggregated role is given unfilled, as in a manifest).
    let objs = objects_from_fixture("rbac/aggregated.yaml");
    assert_eq!(objs.len(), 4);
    let live = check_objects(&objs, &ClusterContext::default(), &rules);
    let ids: Vec<&str> = live.iter().map(|f| f.rule_id.as_str()).collect();
    assert!(ids.contains(&"rbac-broad-subject"), "{ids:?}");
    // Live aggregated roles carry the union in `rules` already: no duplicate.
    let mut filled = objs.clone();
    let src = objs[2].root.get("rules").unwrap().clone();
    if let credlint_k8s::Value::Map(entries) = &mut filled[0].root.value {
        for e in entries.iter_mut() {
            if e.key == "rules" {
                e.value = src.clone();
            }
        }
    }
    let live2 = check_objects(&filled, &ClusterContext::default(), &rules);
    let on_monitoring: Vec<_> = live2
        .iter()
        .filter(|f| {
            f.rule_id == "rbac-secrets-read"
                && f.location.object.as_ref().unwrap().name == "monitoring"
        })
        .collect();
    assert_eq!(on_monitoring.len(), 1, "{on_monitoring:#?}");
    assert_eq!(
        on_monitoring[0]
            .location
            .object
            .as_ref()
            .unwrap()
            .field_path,
        "rules[0].resources"
    );
}

#[test]
fn defaults_are_judged_when_asked() {
    let rules = common::rules();
    let objs = objects_from_fixture("rbac/compliant-defaults.yaml");
    let ctx = ClusterContext {
        context: None,
        include_defaults: true,
    };
    let live = check_objects(&objs, &ctx, &rules);
    let ids: BTreeSet<&str> = live.iter().map(|f| f.rule_id.as_str()).collect();
    assert!(
        ids.contains("rbac-secrets-read") && ids.contains("rbac-broad-subject"),
        "{ids:?}"
    );
}

#[test]
fn fingerprints_survive_line_moves() {
    let rules = common::rules();
    let text = std::fs::read_to_string(common::root().join("rbac/secrets-read.yaml")).unwrap();
    let moved = format!("# a comment\n\n{text}");
    let a = credlint_k8s::check_file(
        "r.yaml",
        text.as_bytes(),
        credlint_k8s::FileKind::Manifest,
        &rules,
    );
    let b = credlint_k8s::check_file(
        "r.yaml",
        moved.as_bytes(),
        credlint_k8s::FileKind::Manifest,
        &rules,
    );
    let fa: Vec<_> = a.findings.iter().map(|f| f.fingerprint.clone()).collect();
    let fb: Vec<_> = b.findings.iter().map(|f| f.fingerprint.clone()).collect();
    assert_eq!(fa, fb);
    assert_ne!(a.findings[0].location.span, b.findings[0].location.span);
}
