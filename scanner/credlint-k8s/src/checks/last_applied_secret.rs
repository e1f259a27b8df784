//! # last-applied-secret: Secret values copied into an annotation
//!
//! ## What it finds
//! A `Secret` whose `kubectl.kubernetes.io/last-applied-configuration`
//! annotation (written by `kubectl apply`) contains `data` or `stringData`
//! with values.
//!
//! ## Why it matters
//! Annotations are metadata: they are returned by metadata-only lists,
//! shown by `kubectl describe`, copied by backup and inventory tools, and
//! readable by roles that were never meant to read Secret values. The
//! Secret's data sits there in plain text (stringData) or base64.
//!
//! ## Example
//! ```yaml
//! metadata:
//!   annotations:
//!     kubectl.kubernetes.io/last-applied-configuration: |
//!       {"apiVersion":"v1","kind":"Secret","stringData":{"password":"..."}}
//! ```
//!
//! ## Instead
//! Create Secrets with server-side apply (`kubectl apply --server-side`),
//! `kubectl create secret`, or a controller (External Secrets, Sealed
//! Secrets); remove the annotation (`kubectl annotate secret NAME
//! kubectl.kubernetes.io/last-applied-configuration-`) and rotate.
//!
//! ## References
//! - https://kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/#how-apply-calculates-differences-and-merges-changes
//! - https://kubernetes.io/docs/reference/using-api/server-side-apply/

use credlint_core::Severity;

use super::{CheckMeta, Scope};
use crate::cx::Cx;
use crate::model::Object;

/// Registry entry.
pub static META: CheckMeta = CheckMeta {
    id: "last-applied-secret",
    name: "Secret data in the last-applied-configuration annotation",
    severity: Severity::High,
    short: "The kubectl last-applied-configuration annotation of a Secret carries its data.",
    tags: &["secrets"],
    references: &["https://kubernetes.io/docs/reference/using-api/server-side-apply/"],
    scope: Scope::Objects,
};

const ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

pub(crate) fn check(cx: &mut Cx<'_>, obj: &Object) {
    let Some(at) = obj.at().keys(&["metadata", "annotations", ANNOTATION]) else {
        return;
    };
    let Some(text) = at.text() else { return };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    let mut fields = Vec::new();
    for (field, b64) in [("data", true), ("stringData", false)] {
        if let Some(m) = v.get(field).and_then(|d| d.as_object()) {
            if m.values().any(|x| {
                x.as_str()
                    .is_some_and(|s| super::secret_manifest_committed::real_value(s, b64))
            }) {
                fields.push(field);
            }
        }
    }
    if fields.is_empty() {
        return;
    }
    let msg = format!(
        "Secret `{}` carries its `{}` in the `{ANNOTATION}` annotation, readable as metadata",
        obj.name,
        fields.join("`/`")
    );
    cx.object(&META, obj, &at, "", msg);
}
