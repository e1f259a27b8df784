//! `credlint staged`: what `git commit` would record, and only that.
//!
//! The index is compared with HEAD's tree without reading either whole:
//! every directory whose cached tree id (the index's `TREE` extension, kept
//! valid by git for directories with nothing staged) equals HEAD's tree at
//! that path is skipped with all its entries; only entries in the remaining
//! ("dirty") directories are compared with HEAD, one HEAD tree read per dirty
//! directory; only added or modified blobs are read and scanned. The working
//! tree is never read.

use std::collections::HashMap;
use std::path::Path;

use credlint_leaks::Scratch;
use credlint_scan::UnitScanner;
use gix::ObjectId;

use crate::history::{scan_blob, HistoryReport};
use crate::tree::{read_tree, Kind};
use crate::{open, GitError};

/// Largest staged blob scanned; larger ones are counted as skipped.
const MAX_STAGED_BLOB: u64 = 64 << 20;

/// Scan the content staged in the index of `repo` that differs from HEAD
/// (all of it when HEAD is unborn). Findings are located by path only, with
/// the same fingerprints as a file scan of that content.
pub fn scan_staged(repo_path: &Path, scanner: &UnitScanner) -> Result<HistoryReport, GitError> {
    let repo = open(repo_path)?;
    let mut report = HistoryReport::default();
    report.stats.shallow = repo.is_shallow();
    if !repo.index_path().exists() {
        return Ok(report);
    }
    // The trailing checksum is not verified (as with git's `index.skipHash`):
    // hashing a 50,000-entry index is most of this scan's time, and a
    // corrupt index shows up as objects that cannot be read (warnings).
    let index = gix::index::File::at(
        repo.index_path(),
        repo.object_hash(),
        true,
        gix::index::decode::Options::default(),
    )
    .map_err(|e| GitError::Index(Box::new(e)))?;
    let head_tree: Option<ObjectId> = match repo.head_commit() {
        Ok(c) => Some(
            c.tree_id()
                .map_err(|e| GitError::Index(Box::new(e)))?
                .detach(),
        ),
        Err(_) if repo.head().map(|h| h.is_unborn()).unwrap_or(false) => None,
        Err(e) => return Err(GitError::Index(Box::new(e))),
    };

    // Directories whose cached tree equals HEAD's: nothing staged there.
    let mut clean_dirs: Vec<Vec<u8>> = Vec::new();
    let mut head_dirs = HeadDirs::new(&repo, head_tree);
    if let (Some(cache), Some(head)) = (index.tree(), head_tree) {
        clean_subtrees(
            cache,
            Vec::new(),
            Some(head),
            &mut head_dirs,
            &mut clean_dirs,
        );
    }
    let entries = index.entries();
    let mut skip = vec![false; entries.len()];
    for dir in &clean_dirs {
        if dir.is_empty() {
            return Ok(report); // the whole index is HEAD's tree
        }
        let mut prefix = dir.clone();
        prefix.push(b'/');
        let lo = entries
            .partition_point(|e| <[u8] as AsRef<[u8]>>::as_ref(e.path(&index)) < prefix.as_slice());
        let hi = lo
            + entries[lo..]
                .iter()
                .take_while(|e| e.path(&index).starts_with(&prefix))
                .count();
        skip[lo..hi].iter_mut().for_each(|s| *s = true);
    }

    let mut scratch = Scratch::default();
    use gix::index::entry::{Flags, Mode};
    for (e, skipped) in entries.iter().zip(skip) {
        if skipped
            || e.stage_raw() != 0
            || e.flags.contains(Flags::INTENT_TO_ADD)
            || !(e.mode == Mode::FILE || e.mode == Mode::FILE_EXECUTABLE)
        {
            continue;
        }
        let path: &[u8] = e.path(&index).as_ref();
        let (dir, name) = match path.iter().rposition(|&b| b == b'/') {
            Some(i) => (&path[..i], &path[i + 1..]),
            None => (&path[..0], path),
        };
        if let Some(listing) = head_dirs.get(dir) {
            if listing.get(name) == Some(&(Kind::Blob, e.id)) {
                continue; // unchanged (a mode change alone adds no content)
            }
        }
        let path = String::from_utf8_lossy(path).into_owned();
        let mut warnings = Vec::new();
        let (res, n) = scan_blob(
            &repo,
            e.id,
            &path,
            MAX_STAGED_BLOB,
            scanner,
            &mut scratch,
            &mut warnings,
        );
        report.warnings.extend(warnings);
        let found = res.tally(n, &mut report.stats, &mut report.warnings);
        report.findings.extend(found);
    }
    Ok(report)
}

/// Walk the index's cache tree alongside HEAD's tree; collect the paths of
/// directories whose cached id is valid and equal to HEAD's.
fn clean_subtrees(
    node: &gix::index::extension::Tree,
    path: Vec<u8>,
    head: Option<ObjectId>,
    head_dirs: &mut HeadDirs<'_>,
    clean: &mut Vec<Vec<u8>>,
) {
    let Some(head) = head else { return };
    if node.num_entries.is_some() && node.id == head {
        clean.push(path);
        return;
    }
    let listing = head_dirs.get(&path).cloned().unwrap_or_default();
    for child in &node.children {
        let sub = match listing.get(child.name.as_slice()) {
            Some((Kind::Tree, id)) => Some(*id),
            _ => None,
        };
        let mut p = path.clone();
        if !p.is_empty() {
            p.push(b'/');
        }
        p.extend_from_slice(&child.name);
        clean_subtrees(child, p, sub, head_dirs, clean);
    }
}

type Listing = HashMap<Vec<u8>, (Kind, ObjectId)>;

/// HEAD's directories, read on demand and remembered.
struct HeadDirs<'r> {
    repo: &'r gix::Repository,
    root: Option<ObjectId>,
    dirs: HashMap<Vec<u8>, Option<Listing>>,
}

impl<'r> HeadDirs<'r> {
    fn new(repo: &'r gix::Repository, root: Option<ObjectId>) -> Self {
        HeadDirs {
            repo,
            root,
            dirs: HashMap::new(),
        }
    }

    /// The entries of HEAD's directory `dir` (`""` for the root), if it exists.
    fn get(&mut self, dir: &[u8]) -> Option<&Listing> {
        if !self.dirs.contains_key(dir) {
            let id = if dir.is_empty() {
                self.root
            } else {
                let (parent, name) = match dir.iter().rposition(|&b| b == b'/') {
                    Some(i) => (&dir[..i], &dir[i + 1..]),
                    None => (&dir[..0], dir),
                };
                match self.get(parent).and_then(|l| l.get(name)) {
                    Some((Kind::Tree, id)) => Some(*id),
                    _ => None,
                }
            };
            let listing = id
                .and_then(|id| read_tree(self.repo, id).ok())
                .map(|entries| {
                    entries
                        .into_iter()
                        .map(|e| (e.name, (e.kind, e.oid)))
                        .collect::<Listing>()
                });
            self.dirs.insert(dir.to_vec(), listing);
        }
        self.dirs.get(dir).and_then(|l| l.as_ref())
    }
}
