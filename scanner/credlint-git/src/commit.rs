//! Commits: decoding parents and trees, the [`CommitInfo`] of a finding,
//! and what is not text (sniffing).

use credlint_core::CommitInfo;
use gix::ObjectId;

/// Tree and parents of commit `id`.
pub(crate) fn tree_and_parents(
    repo: &gix::Repository,
    id: ObjectId,
) -> Result<(ObjectId, Vec<ObjectId>), String> {
    let obj = repo
        .find_object(id)
        .map_err(|e| format!("commit {id}: {e}"))?;
    let c = gix::objs::CommitRef::from_bytes(&obj.data, repo.object_hash())
        .map_err(|e| format!("commit {id}: {e}"))?;
    Ok((c.tree(), c.parents().collect()))
}

/// The tree of a commit, or `None` when it cannot be read.
pub(crate) fn tree_of(repo: &gix::Repository, id: ObjectId) -> Option<ObjectId> {
    tree_and_parents(repo, id).ok().map(|(t, _)| t)
}

/// Id, author (`Name <email>`), RFC 3339 author date and summary of a commit.
pub(crate) fn info(repo: &gix::Repository, id: ObjectId) -> CommitInfo {
    let mut info = CommitInfo {
        id: id.to_string(),
        author: String::new(),
        date: String::new(),
        summary: String::new(),
    };
    let Ok(obj) = repo.find_object(id) else {
        return info;
    };
    let Ok(c) = gix::objs::CommitRef::from_bytes(&obj.data, repo.object_hash()) else {
        return info;
    };
    let a = c.author();
    if let Ok(a) = a {
        let a = a.trim();
        info.author = format!("{} <{}>", a.name, a.email);
        if let Ok(t) = a.time() {
            info.date = rfc3339(t.seconds, t.offset);
        }
    }
    info.summary = String::from_utf8_lossy(c.message.split(|&b| b == b'\n').next().unwrap_or(b""))
        .trim_end()
        .to_string();
    info
}

/// `seconds` since the epoch at UTC offset `offset` (seconds), as RFC 3339.
pub(crate) fn rfc3339(seconds: i64, offset: i32) -> String {
    let local = seconds + i64::from(offset);
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let (h, mi, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let zone = if offset == 0 {
        "Z".to_string()
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        let o = offset.unsigned_abs();
        format!("{sign}{:02}:{:02}", o / 3600, o % 3600 / 60)
    };
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}{zone}")
}

/// Why a blob is not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Skip {
    /// A Git LFS pointer: the content lives elsewhere.
    Lfs,
    /// NUL bytes near the start: not text.
    Binary,
}

/// Whether `bytes` are worth scanning as text.
pub(crate) fn sniff(bytes: &[u8]) -> Option<Skip> {
    if bytes.len() < 1024 && bytes.starts_with(b"version https://git-lfs.github.com/spec/") {
        return Some(Skip::Lfs);
    }
    let head = &bytes[..bytes.len().min(8 << 10)];
    if memchr::memchr(0, head).is_some() {
        return Some(Skip::Binary);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_600_000_000, 0), "2020-09-13T12:26:40Z");
        assert_eq!(
            rfc3339(1_600_000_000, 2 * 3600),
            "2020-09-13T14:26:40+02:00"
        );
        assert_eq!(
            rfc3339(1_600_000_000, -(5 * 3600 + 1800)),
            "2020-09-13T06:56:40-05:30"
        );
        assert_eq!(rfc3339(951_782_400, 0), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn sniffing() {
        assert_eq!(
            sniff(b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n"),
            Some(Skip::Lfs)
        );
        assert_eq!(sniff(b"a\0b"), Some(Skip::Binary));
        assert_eq!(sniff(b"plain text"), None);
    }
}
