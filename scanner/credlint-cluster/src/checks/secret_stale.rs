//! secret-stale: a Secret not rotated for longer than the allowed age.

use credlint_core::{Finding, Severity};
use credlint_k8s::Object;

use super::{finding, LiveCheck};

/// Registry entry.
pub static META: LiveCheck = LiveCheck {
    id: "secret-stale",
    name: "Secret not rotated",
    severity: Severity::Medium,
    short: "A Secret whose data has not changed for longer than --max-secret-age (default 90 days).",
    help: HELP,
    references: &["https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html#rotation"],
};

const HELP: &str = "# secret-stale: a Secret not rotated for longer than allowed

## What it finds
A live Secret whose data was last written more than `--max-secret-age`
days ago (default 90). The time of the last write is the newest
`metadata.managedFields[].time` of an `Update`/`Apply` that touched `data`
or `stringData` (falling back to any managed-fields time, then to
`creationTimestamp`). Service-account tokens, Helm release records and
Secrets that a controller owns (cert-manager renews its own) are left out.

## Why it matters
A credential that never changes has been copied into more places every
month: laptops, CI logs, backups, former employees' shells. Rotation caps
how long a leak stays useful.

## Example
`db-password` created 400 days ago and never updated.

## Instead
Rotate on a schedule (External Secrets Operator `refreshInterval` with a
secret manager that rotates, or a rotation job), and prefer short-lived
credentials (workload identity, Vault dynamic secrets).

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html#rotation
";

/// Seconds since the Unix epoch of an RFC 3339 UTC time (`2024-01-02T03:04:05Z`).
pub fn parse_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    // Days from civil (Howard Hinnant's algorithm).
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + se)
}

/// When the Secret's data was last written, as Unix seconds.
pub fn last_written(obj: &Object) -> Option<i64> {
    let meta = obj.root.get("metadata")?;
    let mut data_time: Option<i64> = None;
    let mut any_time: Option<i64> = None;
    for mf in meta
        .get("managedFields")
        .map(|m| m.items())
        .unwrap_or_default()
    {
        let Some(t) = mf
            .get("time")
            .and_then(|t| t.scalar_text())
            .and_then(parse_time)
        else {
            continue;
        };
        any_time = any_time.max(Some(t));
        let touches_data = mf
            .get("fieldsV1")
            .map(|f| {
                f.entries()
                    .iter()
                    .any(|e| e.key == "f:data" || e.key == "f:stringData")
            })
            .unwrap_or(false);
        if touches_data {
            data_time = data_time.max(Some(t));
        }
    }
    data_time.or(any_time).or_else(|| {
        meta.get("creationTimestamp")
            .and_then(|t| t.scalar_text())
            .and_then(parse_time)
    })
}

/// Run the check; `now` in Unix seconds.
pub fn check(objects: &[Object], max_age_days: u64, now: i64, out: &mut Vec<Finding>) {
    for obj in objects.iter().filter(|o| o.kind == "Secret") {
        // Left out: Secrets a system component or a rotating controller
        // writes. Those synced by External Secrets are judged like the rest:
        // a sync that never brings a new value is no rotation.
        let synced = super::owner_kinds(obj)
            .iter()
            .any(|(k, _)| *k == "ExternalSecret");
        if !synced && super::secret_unmanaged::managed_by(obj).is_some() {
            continue;
        }
        let Some(t) = last_written(obj) else { continue };
        let age_days = (now - t).max(0) / 86_400;
        if age_days as u64 > max_age_days {
            let sev = if age_days as u64 > max_age_days * 4 {
                Severity::High
            } else {
                META.severity
            };
            let msg = format!(
                "Secret `{}/{}` was last written {age_days} days ago (limit {max_age_days}): rotate it",
                obj.namespace.as_deref().unwrap_or("_"),
                obj.name
            );
            let mut f = finding(&META, obj, "metadata.managedFields", "", sev, msg);
            f.properties
                .insert("age_days".into(), serde_json::json!(age_days));
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_rfc3339() {
        assert_eq!(super::parse_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            super::parse_time("2024-03-01T12:00:00Z"),
            Some(1_709_294_400)
        );
        assert_eq!(super::parse_time("nope"), None);
    }
}
