//! Waivers: exceptions a platform team grants on purpose, each with a check
//! id, an object selector, a reason and an expiry date.
//!
//! ```toml
//! [[waiver]]
//! check = "automount-token"            # a check id, or "*"
//! namespace = "kube-system"            # optional; `*` globs in all three
//! kind = "ServiceAccount"              # optional
//! name = "*-controller"                # optional
//! reason = "controllers talk to the API"
//! expires = "2026-12-31"               # optional, YYYY-MM-DD (UTC, inclusive)
//! ```
//!
//! A waived finding stays in the report, marked suppressed with its
//! reason; an expired waiver waives nothing and is listed; a waiver that
//! matched nothing is listed as unused.

use std::path::Path;

use credlint_core::{Finding, Suppression};
use serde::{Deserialize, Serialize};

use crate::ClusterError;

/// One waiver.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// Check id, or `*`.
    pub check: String,
    /// Namespace glob.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Kind glob.
    #[serde(default)]
    pub kind: Option<String>,
    /// Name glob.
    #[serde(default)]
    pub name: Option<String>,
    /// Why.
    pub reason: String,
    /// Last day it applies, `YYYY-MM-DD`.
    #[serde(default)]
    pub expires: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    waiver: Vec<Waiver>,
}

/// What became of one waiver.
#[derive(Debug, Clone, Serialize)]
pub struct WaiverStatus {
    /// The waiver.
    #[serde(flatten)]
    pub waiver: Waiver,
    /// Findings it waived (or would have, if expired).
    pub matched: usize,
    /// Past its expiry date.
    pub expired: bool,
}

/// Load a waiver file.
pub fn load(path: &Path) -> Result<Vec<Waiver>, ClusterError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ClusterError::Config(format!("waivers {}: {e}", path.display())))?;
    let f: File = toml::from_str(&text)
        .map_err(|e| ClusterError::Config(format!("waivers {}: {e}", path.display())))?;
    for w in &f.waiver {
        if let Some(e) = &w.expires {
            if crate::checks::secret_stale::parse_time(&format!("{e}T00:00:00Z")).is_none() {
                return Err(ClusterError::Config(format!(
                    "waivers {}: expires `{e}` is not YYYY-MM-DD",
                    path.display()
                )));
            }
        }
        if w.reason.trim().is_empty() {
            return Err(ClusterError::Config(format!(
                "waivers {}: waiver for `{}` has no reason",
                path.display(),
                w.check
            )));
        }
    }
    Ok(f.waiver)
}

/// `*` matches any run of characters.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

fn matches(w: &Waiver, f: &Finding) -> bool {
    if w.check != "*" && w.check != f.rule_id {
        return false;
    }
    let Some(o) = &f.location.object else {
        return false;
    };
    let ok = |p: &Option<String>, v: &str| p.as_deref().is_none_or(|p| glob(p, v));
    ok(&w.namespace, o.namespace.as_deref().unwrap_or(""))
        && ok(&w.kind, &o.kind)
        && ok(&w.name, &o.name)
}

/// Apply waivers to findings; `now` in Unix seconds.
pub fn apply(waivers: &[Waiver], findings: &mut [Finding], now: i64) -> Vec<WaiverStatus> {
    let mut status: Vec<WaiverStatus> = waivers
        .iter()
        .map(|w| WaiverStatus {
            waiver: w.clone(),
            matched: 0,
            expired: w
                .expires
                .as_deref()
                .and_then(|e| crate::checks::secret_stale::parse_time(&format!("{e}T00:00:00Z")))
                .is_some_and(|t| now >= t + 86_400),
        })
        .collect();
    for f in findings.iter_mut() {
        let mut waived = false;
        for s in status.iter_mut() {
            if matches(&s.waiver, f) {
                s.matched += 1;
                if !s.expired && !waived {
                    waived = true;
                    f.suppressed =
                        Some(Suppression::Config(format!("waiver: {}", s.waiver.reason)));
                }
            }
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("*", "anything"));
        assert!(glob("kube-*", "kube-system"));
        assert!(glob("*-controller", "job-controller"));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b*c", "axxc"));
        assert!(!glob("prod", "prod2"));
    }
}
