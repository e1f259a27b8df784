//! Tree reading and the per-commit tree diff (no blob content is read here).

use std::collections::HashMap;

use gix::objs::tree::EntryKind;
use gix::ObjectId;

/// What a tree entry is, as far as scanning goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A subtree.
    Tree,
    /// A regular or executable file: scanned.
    Blob,
    /// A symbolic link (its blob is a path) or a submodule commit: not scanned.
    Other,
}

/// One entry of a decoded tree.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub name: Vec<u8>,
    pub kind: Kind,
    pub oid: ObjectId,
}

/// Decode the tree `id` into its entries.
pub(crate) fn read_tree(repo: &gix::Repository, id: ObjectId) -> Result<Vec<Entry>, String> {
    let obj = repo
        .find_object(id)
        .map_err(|e| format!("tree {id}: {e}"))?;
    if obj.kind != gix::objs::Kind::Tree {
        return Err(format!("object {id} is a {}, expected a tree", obj.kind));
    }
    let mut out = Vec::new();
    for e in gix::objs::TreeRefIter::from_bytes(&obj.data, repo.object_hash()) {
        let e = e.map_err(|e| format!("tree {id}: {e}"))?;
        let kind = match e.mode.kind() {
            EntryKind::Tree => Kind::Tree,
            EntryKind::Blob | EntryKind::BlobExecutable => Kind::Blob,
            EntryKind::Link | EntryKind::Commit => Kind::Other,
        };
        out.push(Entry {
            name: e.filename.to_vec(),
            kind,
            oid: e.oid.to_owned(),
        });
    }
    Ok(out)
}

/// What a commit brought, relative to its parents.
#[derive(Debug, Default)]
pub(crate) struct Changes {
    /// `(path, blob)` present in the commit and in no parent at that path.
    pub intros: Vec<(String, ObjectId)>,
    /// Blobs of the parents that the commit replaced or removed, and the
    /// other parents' blobs at the introduced paths.
    pub context: Vec<ObjectId>,
    /// Trees that could not be read.
    pub warnings: Vec<String>,
}

fn join(prefix: &[u8], name: &[u8]) -> Vec<u8> {
    let mut p = Vec::with_capacity(prefix.len() + 1 + name.len());
    if !prefix.is_empty() {
        p.extend_from_slice(prefix);
        p.push(b'/');
    }
    p.extend_from_slice(name);
    p
}

/// Diff `new` against `old` (either may be absent), recording blobs that
/// are new at their path in `out.intros` and replaced or removed blobs in
/// `out.context`.
pub(crate) fn diff_trees(
    repo: &gix::Repository,
    new: Option<ObjectId>,
    old: Option<ObjectId>,
    prefix: &[u8],
    out: &mut Changes,
) {
    if new == old {
        return;
    }
    let load = |id: Option<ObjectId>, out: &mut Changes| match id {
        None => Vec::new(),
        Some(id) => read_tree(repo, id).unwrap_or_else(|e| {
            out.warnings.push(e);
            Vec::new()
        }),
    };
    let new_entries = load(new, out);
    let old_entries = load(old, out);
    let old_by_name: HashMap<&[u8], &Entry> =
        old_entries.iter().map(|e| (e.name.as_slice(), e)).collect();
    for e in &new_entries {
        let prev = old_by_name.get(e.name.as_slice()).copied();
        if let Some(p) = prev {
            if p.oid == e.oid && p.kind == e.kind {
                continue;
            }
        }
        let path = join(prefix, &e.name);
        match (e.kind, prev.map(|p| p.kind)) {
            (Kind::Tree, Some(Kind::Tree)) => {
                diff_trees(repo, Some(e.oid), prev.map(|p| p.oid), &path, out)
            }
            (Kind::Tree, other) => {
                if let Some(p) = prev {
                    removed(repo, p, out);
                }
                let _ = other;
                diff_trees(repo, Some(e.oid), None, &path, out)
            }
            (Kind::Blob, _) => {
                if let Some(p) = prev {
                    removed(repo, p, out);
                }
                out.intros
                    .push((String::from_utf8_lossy(&path).into_owned(), e.oid));
            }
            (Kind::Other, _) => {
                if let Some(p) = prev {
                    removed(repo, p, out);
                }
            }
        }
    }
    if !old_entries.is_empty() {
        let new_names: std::collections::HashSet<&[u8]> =
            new_entries.iter().map(|e| e.name.as_slice()).collect();
        for p in &old_entries {
            if !new_names.contains(p.name.as_slice()) {
                removed(repo, p, out);
            }
        }
    }
}

/// A parent entry that this commit replaced or removed: its blobs become context.
fn removed(repo: &gix::Repository, e: &Entry, out: &mut Changes) {
    match e.kind {
        Kind::Blob => out.context.push(e.oid),
        Kind::Tree => {
            let mut blobs = Vec::new();
            if let Err(w) = all_blobs(repo, e.oid, b"", &mut |_, oid| blobs.push(oid)) {
                out.warnings.push(w);
            }
            out.context.extend(blobs);
        }
        Kind::Other => {}
    }
}

/// Every scannable blob under tree `id`, with its path (prefixed by `prefix`).
pub(crate) fn all_blobs(
    repo: &gix::Repository,
    id: ObjectId,
    prefix: &[u8],
    f: &mut dyn FnMut(&[u8], ObjectId),
) -> Result<(), String> {
    for e in read_tree(repo, id)? {
        let path = join(prefix, &e.name);
        match e.kind {
            Kind::Tree => all_blobs(repo, e.oid, &path, f)?,
            Kind::Blob => f(&path, e.oid),
            Kind::Other => {}
        }
    }
    Ok(())
}

/// The entry at `path` (`/`-separated) under tree `root`, if any.
pub(crate) fn lookup(repo: &gix::Repository, root: ObjectId, path: &[u8]) -> Option<Entry> {
    let mut tree = root;
    let mut parts = path.split(|&b| b == b'/').peekable();
    while let Some(part) = parts.next() {
        let entries = read_tree(repo, tree).ok()?;
        let e = entries.into_iter().find(|e| e.name == part)?;
        if parts.peek().is_none() {
            return Some(e);
        }
        if e.kind != Kind::Tree {
            return None;
        }
        tree = e.oid;
    }
    None
}
