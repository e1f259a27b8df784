//! Shared set-up for the fuzz targets: the embedded rule set (built once),
//! the policy hook wired exactly as the binary wires it
//! (`scanner/credlint/src/scan.rs::policy_hook`), and path selection.

use std::sync::{Arc, OnceLock};

use credlint_leaks::RuleSet;
use credlint_scan::{PolicyHook, PolicyOutput, UnitScanner};

/// Paths that steer `classify` to every kind of policy input, and some
/// that are not ours at all.
pub const PATHS: &[&str] = &[
    "deploy.yaml",
    "k8s/app.json",
    "chart/values.yaml",
    "chart/templates/secret.yaml",
    "kustomization.yaml",
    "Dockerfile",
    "docker-compose.yml",
    "compose.yaml",
    "chart/templates/_helpers.tpl",
    "src/main.py",
    ".env",
    "secret.yml",
];

/// The path a selector byte picks.
pub fn path_for(sel: u8) -> &'static str {
    PATHS[sel as usize % PATHS.len()]
}

/// The embedded rules, compiled once per process.
pub fn rules() -> &'static Arc<RuleSet> {
    static RULES: OnceLock<Arc<RuleSet>> = OnceLock::new();
    RULES.get_or_init(|| Arc::new(RuleSet::embedded().expect("embedded rules")))
}

/// The binary's policy hook (same code as `credlint::scan::policy_hook`).
pub fn policy_hook(rules: &Arc<RuleSet>) -> PolicyHook {
    let leaks = rules.clone();
    Arc::new(move |path: &str, bytes: &[u8]| {
        credlint_k8s::check_any(path, bytes, &leaks)
            .map(|r| PolicyOutput {
                findings: r.findings,
                warnings: r.warnings,
            })
            .unwrap_or_default()
    })
}

/// A unit scanner with the embedded rules and the policy hook, keeping
/// suppressed findings (so every filter path runs).
pub fn scanner() -> &'static UnitScanner {
    static SCANNER: OnceLock<UnitScanner> = OnceLock::new();
    SCANNER.get_or_init(|| UnitScanner::new(rules().clone(), Some(policy_hook(rules())), true))
}

/// Hygiene: no text a finding carries besides the secret itself (message,
/// snippet, properties) holds the raw secret. Short values are skipped:
/// a 4-byte "secret" occurs by chance in any text.
pub fn assert_no_raw_secret(f: &credlint_core::Finding) {
    let Some(s) = &f.secret else { return };
    let raw = s.expose();
    // Masking a value of `*`s gives the value back: nothing is revealed.
    // Invalid UTF-8 is replaced by U+FFFD in both the value and the snippet,
    // so different bytes can render the same: compare only valid text.
    if raw.len() < 12 || s.masked().contains(raw) || raw.contains('\u{FFFD}') {
        return;
    }
    assert!(
        !f.message.contains(raw),
        "raw secret in message of {}",
        f.rule_id
    );
    if let Some(sn) = &f.snippet {
        assert!(
            !sn.text.contains(raw),
            "raw secret in snippet of {}: {raw:?} in {:?}",
            f.rule_id,
            sn.text
        );
    }
    let props = serde_json::to_string(&f.properties).expect("properties serialise");
    assert!(
        !props.contains(raw),
        "raw secret in properties of {}",
        f.rule_id
    );
}
