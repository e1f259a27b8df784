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
            info.date = credlint_core::rfc3339(t.seconds, t.offset);
        }
    }
    info.summary = String::from_utf8_lossy(c.message.split(|&b| b == b'\n').next().unwrap_or(b""))
        .trim_end()
        .to_string();
    info
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
    fn sniffing() {
        assert_eq!(
            sniff(b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n"),
            Some(Skip::Lfs)
        );
        assert_eq!(sniff(b"a\0b"), Some(Skip::Binary));
        assert_eq!(sniff(b"plain text"), None);
    }
}
