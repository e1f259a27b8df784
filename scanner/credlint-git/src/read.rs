//! Reading the unique blobs of a history scan in pack order, and the
//! per-thread repository handles of the walk and of the blob scan.
//!
//! A pack stores most objects as deltas against other objects, in chains up
//! to 50 deep, and a read resolves the whole chain unless a base is in the
//! handle's delta-base cache. Reading blobs in commit-walk order misses that
//! cache most of the time on a pack whose chains do not follow paths (a
//! `git fast-import` pack chains each blob to the previously imported one:
//! 21 MB/s, bench/GIT.md). Sorted by `(pack, offset)`, a blob's base is
//! nearly always the object just read, so each delta is applied once; a
//! thread of the pool takes contiguous runs of that order (rayon splits the
//! slice into contiguous ranges), so its bases stay in its own cache.
//!
//! Measured and not kept (bench/GIT.md): decoding whole packs as a delta
//! tree (`index-pack` style) instead — same CPU time on both the
//! fast-import and the repacked pack, 50–100 MB more memory; bigger object
//! caches for the blob handles — no effect.

use std::path::PathBuf;

use credlint_leaks::Scratch;
use credlint_scan::UnitScanner;
use gix::odb::pack;
use gix::ObjectId;
use rayon::prelude::*;

use crate::history::{scan_blob, BlobScan, Progress};

/// Delta-base cache of each walk thread: a hash map (the default cache is a
/// 64-entry list searched linearly, which was a quarter of the walk's time).
const WALK_PACK_CACHE: usize = 32 << 20;

/// A repository handle for a walk thread (trees and commits).
pub(crate) fn walk_handle(sync: &gix::ThreadSafeRepository) -> gix::Repository {
    let mut repo = sync.to_thread_local();
    repo.objects
        .set_pack_cache(|| Box::new(pack::cache::lru::MemoryCappedHashmap::new(WALK_PACK_CACHE)));
    repo
}

/// The `.idx` files of the repository's own object directory.
fn pack_indexes(repo: &gix::Repository) -> Vec<PathBuf> {
    let dir = repo.objects.store_ref().path().join("pack");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "idx"))
        .collect();
    out.sort();
    out
}

/// `(pack number, offset)` of each id in the repository's packs; ids in no
/// pack (loose objects, alternates) get `(u32::MAX, 0)` and sort last.
fn pack_positions(repo: &gix::Repository, ids: &[(ObjectId, &str)]) -> Vec<(u32, u64)> {
    let mut at = vec![(u32::MAX, 0); ids.len()];
    for (p, path) in pack_indexes(repo).iter().enumerate() {
        let Ok(idx) = pack::index::File::at(path, repo.object_hash()) else {
            continue;
        };
        for (slot, (oid, _)) in at.iter_mut().zip(ids) {
            if slot.0 == u32::MAX {
                if let Some(e) = idx.lookup(oid) {
                    *slot = (p as u32, idx.pack_offset_at_index(e));
                }
            }
        }
    }
    at
}

/// The outcome of one blob: what the scan found, bytes scanned, warnings.
pub(crate) type Scanned = (BlobScan, u64, Vec<String>);

/// Scan every blob of `blobs` once, reading them in pack order; the
/// outcomes in the order of `blobs`. `progress` is called every 64 blobs.
pub(crate) fn scan_blobs(
    repo: &gix::Repository,
    blobs: &[(ObjectId, &str)],
    max: u64,
    scanner: &UnitScanner,
    progress: Option<&(dyn Fn(Progress) + Send + Sync)>,
) -> Vec<Scanned> {
    use std::sync::atomic::{AtomicU64, Ordering};

    let at = pack_positions(repo, blobs);
    let mut order: Vec<u32> = (0..blobs.len() as u32).collect();
    // Stable: loose blobs keep their walk order.
    order.sort_by_key(|&i| at[i as usize]);
    let total = blobs.len() as u64;
    let done = AtomicU64::new(0);
    let bytes_done = AtomicU64::new(0);
    let sync = repo.clone().into_sync();
    let mut scanned: Vec<(u32, Scanned)> = order
        .par_iter()
        .map_init(
            || (sync.to_thread_local(), Scratch::default()),
            |(r, scratch), &i| {
                let (oid, path) = blobs[i as usize];
                let mut warnings = Vec::new();
                let (res, n) = scan_blob(r, oid, path, max, scanner, scratch, &mut warnings);
                let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                let b = bytes_done.fetch_add(n, Ordering::Relaxed) + n;
                if let Some(p) = progress {
                    if d % 64 == 0 || d == total {
                        p(Progress {
                            blobs_done: d,
                            blobs_total: total,
                            bytes_done: b,
                        });
                    }
                }
                (i, (res, n, warnings))
            },
        )
        .collect();
    scanned.sort_unstable_by_key(|(i, _)| *i);
    scanned.into_iter().map(|(_, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_packed_and_missing_ids() {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let git = |args: &[&str]| {
            let out = std::process::Command::new("git")
                .args(args)
                .current_dir(dir.path())
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .output()
                .expect("git");
            assert!(out.status.success(), "{args:?}");
            String::from_utf8(out.stdout)
                .expect("utf8")
                .trim()
                .to_string()
        };
        git(&["init", "-q"]);
        std::fs::write(dir.path().join("a.txt"), "alpha\n").expect("write");
        std::fs::write(dir.path().join("b.txt"), "beta\n").expect("write");
        git(&["add", "."]);
        git(&[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "one",
        ]);
        git(&["repack", "-adq"]);
        let a: ObjectId = git(&["rev-parse", "HEAD:a.txt"]).parse().expect("id");
        let b: ObjectId = git(&["rev-parse", "HEAD:b.txt"]).parse().expect("id");
        let missing = ObjectId::from_hex(b"0123456789012345678901234567890123456789").expect("id");
        let repo = crate::open(dir.path()).expect("open");
        let at = pack_positions(&repo, &[(a, "a.txt"), (missing, "x"), (b, "b.txt")]);
        assert_eq!(at[0].0, 0);
        assert_eq!(at[2].0, 0);
        assert!(at[0].1 > 0 && at[2].1 > 0 && at[0].1 != at[2].1);
        assert_eq!(at[1], (u32::MAX, 0));
    }
}
