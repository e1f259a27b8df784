//! # audit-policy-secrets: the audit log records Secret values, or nothing
//!
//! ## What it finds
//! Rules are read as the API server reads them: the first rule that
//! matches a request decides its level; a rule without `verbs` covers every
//! verb, a `resources` entry without `resources` every resource of its
//! group (`group` omitted is the core group, where Secrets live). Then, per
//! verb, in an audit `Policy` (`audit.k8s.io/v1`):
//! - the first rule that applies to every Secret request of a verb logs
//!   Secret values: `RequestResponse` on any verb (the response carries
//!   the Secret, for reads too), `Request` on `create`, `update` or
//!   `patch` (the request body carries it). `Request` on `get`, `list`,
//!   `watch` or `delete` is fine: those requests have no Secret in their
//!   body, and `Request` does not log responses;
//! - that first rule logs at `None`: no record of who read (or changed)
//!   which Secret. A `None` rule narrowed only by verbs counts, so
//!   `level: None` with `verbs: [get, list, watch]` over the core group,
//!   placed before the Secrets rule, means Secret reads are never audited;
//! - a narrower rule before it (limited by users, groups, namespaces or
//!   names) that logs Secret values for a verb it can still decide;
//! - verbs that no rule covers for every Secret request (unmatched
//!   requests are not logged), including a policy with no rules;
//! - a kube-apiserver pod without `--audit-policy-file`, or a kubeadm
//!   `ClusterConfiguration` whose `apiServer.extraArgs` does not set
//!   `audit-policy-file`.
//!
//! ## Why it matters
//! The audit log is copied to log pipelines that many more people read
//! than may read Secrets; and without a trail nobody can tell which
//! Secrets a stolen credential read.
//!
//! ## Example
//! ```yaml
//! apiVersion: audit.k8s.io/v1
//! kind: Policy
//! rules:
//!   - level: None                # Secret reads never audited
//!     verbs: [get, list, watch]
//!     resources: [{group: ""}]
//!   - level: RequestResponse     # Secret values of writes in the log
//! ```
//!
//! ## Instead
//! Put a rule for Secrets first, at `Metadata`:
//! ```yaml
//! rules:
//!   - level: Metadata
//!     resources: [{group: "", resources: [secrets]}]
//! ```
//!
//! ## References
//! - https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#audit-policy
//! - CIS Kubernetes Benchmark v1.9.0, controls 3.2.1 and 3.2.2

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::model::{At, Object};
use crate::workload::ApiServer;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "audit-policy-secrets",
    name: "Audit policy logs Secret values or no Secret access",
    severity: Severity::Medium,
    short: "Secrets are audited at Request/RequestResponse (values in the log), at None, or not at all.",
    tags: &["audit", "cis-k8s-v1.9.0-3.2.1", "cis-k8s-v1.9.0-3.2.2"],
    references: &["https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#audit-policy"],
    scope: Scope::Objects,
};

/// The verbs of requests on Secrets, in the order messages name them.
const VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
];

/// A set of [`VERBS`], one bit each.
type Verbs = u16;

const ALL_VERBS: Verbs = (1 << VERBS.len()) - 1;

fn bit(verb: &str) -> Verbs {
    VERBS.iter().position(|v| *v == verb).map_or(0, |i| 1 << i)
}

/// The verbs whose Secret values a level writes to the log: the response
/// (`RequestResponse`: every verb returns the object or list) or the
/// request body (`Request`: only writes carry a Secret; reads have no body
/// and delete sends only options).
fn logs_values(level: &str) -> Verbs {
    match level {
        "RequestResponse" => ALL_VERBS,
        "Request" => bit("create") | bit("update") | bit("patch"),
        _ => 0,
    }
}

/// "Secret request" for all verbs, "Secret `get`, `list` request" for some.
fn requests(v: Verbs) -> String {
    if v == ALL_VERBS {
        return "Secret request".to_string();
    }
    let names: Vec<String> = VERBS
        .iter()
        .enumerate()
        .filter(|(i, _)| v & (1 << i) != 0)
        .map(|(_, n)| format!("`{n}`"))
        .collect();
    format!("Secret {} request", names.join(", "))
}

/// Which Secret requests an audit rule matches.
struct Applies {
    /// The verbs it matches (omitted `verbs` = all).
    verbs: Verbs,
    /// Only some requests of those verbs: limited by users, groups,
    /// namespaces or resource names.
    narrowed: bool,
}

/// The Secret requests `rule` matches, `None` when it matches none.
fn applies(rule: &At<'_>) -> Option<Applies> {
    if rule.key("nonResourceURLs").is_some() {
        return None;
    }
    let verbs = match rule.key("verbs").map(|v| v.node.strings()) {
        Some(list) if !list.is_empty() => list.iter().fold(0, |acc, v| acc | bit(v)),
        _ => ALL_VERBS,
    };
    if verbs == 0 {
        return None;
    }
    let mut narrowed = ["users", "userGroups", "namespaces"]
        .iter()
        .any(|k| rule.key(k).is_some_and(|v| !v.node.items().is_empty()));
    if let Some(res) = rule.key("resources") {
        if !res.node.items().is_empty() {
            let mut hit = false;
            let mut whole = false;
            for r in res.node.items() {
                let group = r.get("group").and_then(|g| g.scalar_text()).unwrap_or("");
                if !group.is_empty() && group != "*" {
                    continue;
                }
                let names = r.get("resources").map(|n| n.strings()).unwrap_or_default();
                if names.is_empty() || names.iter().any(|n| *n == "secrets" || *n == "*") {
                    hit = true;
                    whole |= r.get("resourceNames").is_none_or(|n| n.items().is_empty());
                }
            }
            if !hit {
                return None;
            }
            narrowed |= !whole;
        }
    }
    Some(Applies { verbs, narrowed })
}

pub(crate) fn check_policy(cx: &mut Cx<'_>, obj: &Object) {
    let root = obj.at();
    let Some(rules) = root.key("rules") else {
        cx.object(&META, obj, &root, "", "audit policy has no rules: Secret access is not recorded".into());
        return;
    };
    // Verbs whose every Secret request a rule has already decided.
    let mut decided: Verbs = 0;
    for rule in rules.items() {
        let Some(scope) = applies(&rule) else { continue };
        // First match wins: verbs already decided never reach this rule.
        let open = scope.verbs & !decided;
        if open == 0 {
            continue;
        }
        let level = rule.key("level").and_then(|l| l.text()).unwrap_or("");
        let at = rule.key("level").unwrap_or_else(|| rule.clone());
        let leaks = open & logs_values(level);
        if scope.narrowed {
            if leaks != 0 {
                cx.object(&META, obj, &at, "", format!(
                    "a rule that applies to some {}s logs at `{level}`: Secret values are written to the audit log",
                    requests(leaks)
                ));
            }
            continue;
        }
        if leaks != 0 {
            cx.object(&META, obj, &at, "", format!(
                "the first rule that applies to every {} logs at `{level}`: Secret values are written to the audit log; use `Metadata`",
                requests(leaks)
            ));
        } else if level == "None" {
            let reads = bit("get") | bit("list") | bit("watch");
            cx.object(&META, obj, &at, "", format!(
                "the first rule that applies to every {} logs at `None`: there is no record of who {} which Secret; use `Metadata`",
                requests(open),
                if open & !reads == 0 { "read" } else { "read or changed" }
            ));
        }
        decided |= open;
        if decided == ALL_VERBS {
            return;
        }
    }
    let msg = if decided == 0 {
        "no rule covers every request on Secrets: unmatched requests are not logged; add a `Metadata` rule for secrets".to_string()
    } else {
        format!(
            "no rule covers every {}: unmatched requests are not logged; add a `Metadata` rule for secrets",
            requests(ALL_VERBS & !decided)
        )
    };
    cx.object(&META, obj, &rules, "", msg);
}

pub(crate) fn check_apiserver(cx: &mut Cx<'_>, obj: &Object, api: &ApiServer<'_>) {
    if api.has_flag("--audit-policy-file") {
        return;
    }
    let at = api.command_at();
    cx.object(
        &META,
        obj,
        &at,
        "audit-policy-file",
        "kube-apiserver runs without `--audit-policy-file`: no audit trail of Secret access".into(),
    );
}

#[cfg(test)]
mod tests {
    use crate::cred::testing::{objects, run};

    /// (line, message) of each finding on the policy.
    fn check(rules: &str) -> Vec<(usize, String)> {
        let text = format!("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n{rules}");
        let objs = objects("policy.yaml", &text);
        run(|cx| super::check_policy(cx, &objs[0]))
            .into_iter()
            .map(|f| (f.location.span.unwrap().start_line, f.message))
            .collect()
    }

    fn lines(rules: &str) -> Vec<usize> {
        check(rules).into_iter().map(|(l, _)| l).collect()
    }

    const METADATA_SECRETS: &str = "  - level: Metadata
    resources: [{group: \"\", resources: [secrets]}]
  - level: RequestResponse
";

    /// Regression (hunt D5a): `Request` on reads has no Secret in the
    /// request body and logs no response: nothing to report.
    #[test]
    fn request_level_on_reads_logs_no_values() {
        let rules = format!(
            "  - level: Request
    verbs: [get, list, watch]
    resources: [{{group: \"\"}}]
{METADATA_SECRETS}"
        );
        assert!(check(&rules).is_empty());
        // Narrowed to a user as well: still only reads.
        let rules = format!(
            "  - level: Request
    users: [ci]
    verbs: [get, list, watch, delete]
    resources: [{{group: \"\"}}]
{METADATA_SECRETS}"
        );
        assert!(check(&rules).is_empty());
    }

    /// Regression (hunt D5b, FN-4): a `None` rule narrowed to reads over
    /// the core group, before the Secrets rule, leaves Secret reads
    /// unaudited. A `resources` entry without `group` is the core group.
    #[test]
    fn none_on_reads_before_the_secrets_rule_is_reported() {
        let rules = format!(
            "  - level: None
    verbs: [get, list, watch]
    resources:
      - username: system:serviceaccount:kube-system:resourcequota-controller
  - level: Request
    verbs: [get, list, watch]
    resources: [{{group: \"\"}}]
{METADATA_SECRETS}"
        );
        let got = check(&rules);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, 4);
        assert!(
            got[0].1.contains("`get`, `list`, `watch`") && got[0].1.contains("who read which"),
            "{}",
            got[0].1
        );
    }

    #[test]
    fn levels_that_log_values_per_verb() {
        // RequestResponse on reads: the responses carry the Secrets.
        let rules = format!(
            "  - level: RequestResponse
    verbs: [get, list]
{METADATA_SECRETS}"
        );
        assert_eq!(lines(&rules), vec![4]);
        // Request on writes: the request bodies carry them.
        let rules = format!(
            "  - level: Request
    verbs: [create, update, patch]
    resources: [{{group: \"\", resources: [secrets]}}]
{METADATA_SECRETS}"
        );
        assert_eq!(lines(&rules), vec![4]);
        // Request on everything: writes are logged with values.
        assert_eq!(lines("  - level: Request\n"), vec![4]);
        // A narrowed rule logging writes before the Secrets rule.
        let rules = format!(
            "  - level: Request
    userGroups: [deployers]
    verbs: [patch]
{METADATA_SECRETS}"
        );
        assert_eq!(lines(&rules), vec![4]);
    }

    #[test]
    fn first_match_wins() {
        // The Secrets rule first: later rules never see Secret requests.
        let rules = "  - level: Metadata
    resources: [{group: \"\", resources: [secrets]}]
  - level: None
    verbs: [get, list, watch]
  - level: RequestResponse
";
        assert!(check(rules).is_empty());
        // Writes decided by Metadata, reads by nothing: reported at `rules`.
        let rules = "  - level: Metadata
    verbs: [create, update, patch, delete, deletecollection]
";
        let got = check(rules);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, 3);
        assert!(got[0].1.contains("`get`, `list`, `watch`"), "{}", got[0].1);
        // Verbs that are not Secret verbs make a rule match nothing.
        assert!(lines("  - level: None\n    verbs: [proxy]\n  - level: Metadata\n").is_empty());
    }
}
