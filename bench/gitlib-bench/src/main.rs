//! gix vs git2 at the job of `credlint git`: enumerate every unique blob
//! reachable from all refs (commit walk + unique-tree walk), then read each
//! blob once, in parallel (one repository handle per thread), touching
//! every byte (a NUL count) so the read is not optimised away.
//!
//! Usage: gitlib-bench REPO [THREADS]   (build with --features gix or git2)

use std::collections::HashSet;
use std::time::Instant;

use rayon::prelude::*;

fn main() {
    let mut args = std::env::args().skip(1);
    let repo = args.next().expect("REPO");
    let threads: usize = args.next().map(|t| t.parse().unwrap()).unwrap_or(2);
    rayon::ThreadPoolBuilder::new().num_threads(threads).build_global().unwrap();
    #[cfg(feature = "gix")]
    run_gix(&repo);
    #[cfg(feature = "git2")]
    run_git2(&repo);
}

fn report(lib: &str, commits: usize, blobs: usize, t_enum: f64, bytes: u64, nuls: u64, t_read: f64) {
    println!(
        "{lib}: commits={commits} unique_blobs={blobs} enumerate={t_enum:.2}s read={t_read:.2}s bytes={:.1}MB ({:.0} MB/s) nul={nuls}",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / t_read
    );
}

#[cfg(feature = "gix")]
fn run_gix(path: &str) {
    use gix::objs::tree::EntryKind;
    let t0 = Instant::now();
    let mut repo = gix::open_opts(path, gix::open::Options::isolated()).unwrap();
    repo.object_cache_size_if_unset(64 << 20);
    let mut tips = Vec::new();
    for r in repo.references().unwrap().all().unwrap() {
        let mut r = r.unwrap();
        if let Ok(id) = r.peel_to_id_in_place() {
            if let Ok(h) = repo.find_header(id) {
                if h.kind() == gix::objs::Kind::Commit {
                    tips.push(id.detach());
                }
            }
        }
    }
    let mut trees_seen = HashSet::new();
    let mut blobs = HashSet::new();
    let mut order = Vec::new();
    let mut commits = 0;
    let mut stack = Vec::new();
    for info in repo.rev_walk(tips).all().unwrap() {
        let info = info.unwrap();
        commits += 1;
        let c = repo.find_commit(info.id).unwrap();
        let tree = c.tree_id().unwrap().detach();
        if trees_seen.insert(tree) {
            stack.push(tree);
        }
        while let Some(t) = stack.pop() {
            let tree = repo.find_tree(t).unwrap();
            for e in tree.iter() {
                let e = e.unwrap();
                match e.mode().kind() {
                    EntryKind::Tree => {
                        if trees_seen.insert(e.oid().to_owned()) {
                            stack.push(e.oid().to_owned());
                        }
                    }
                    EntryKind::Blob | EntryKind::BlobExecutable => {
                        if blobs.insert(e.oid().to_owned()) {
                            order.push(e.oid().to_owned());
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    let t_enum = t0.elapsed().as_secs_f64();
    let blobs = if std::env::var_os("RANDOM_ORDER").is_some() { blobs.into_iter().collect::<Vec<_>>() } else { order };
    let t1 = Instant::now();
    let sync = repo.into_sync();
    let (bytes, nuls) = blobs
        .par_iter()
        .map_init(
            || {
                let mut r = sync.to_thread_local();
                r.object_cache_size(0);
                r
            },
            |r, id| {
                let b = r.find_object(*id).unwrap();
                (b.data.len() as u64, memchr_count(&b.data))
            },
        )
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    report("gix", commits, blobs.len(), t_enum, bytes, nuls, t1.elapsed().as_secs_f64());
}

#[cfg(feature = "git2")]
fn run_git2(path: &str) {
    let t0 = Instant::now();
    let repo = git2::Repository::open(path).unwrap();
    let mut walk = repo.revwalk().unwrap();
    for r in repo.references().unwrap() {
        let r = r.unwrap();
        if let Ok(c) = r.peel_to_commit() {
            walk.push(c.id()).unwrap();
        }
    }
    let mut trees_seen = HashSet::new();
    let mut blobs = HashSet::new();
    let mut order = Vec::new();
    let mut commits = 0;
    let mut stack = Vec::new();
    for id in walk {
        let id = id.unwrap();
        commits += 1;
        let c = repo.find_commit(id).unwrap();
        let tree = c.tree_id();
        if trees_seen.insert(tree) {
            stack.push(tree);
        }
        while let Some(t) = stack.pop() {
            let tree = repo.find_tree(t).unwrap();
            for e in tree.iter() {
                match e.kind() {
                    Some(git2::ObjectType::Tree) => {
                        if trees_seen.insert(e.id()) {
                            stack.push(e.id());
                        }
                    }
                    Some(git2::ObjectType::Blob) => {
                        if e.filemode() != 0o120000 {
                            if blobs.insert(e.id()) {
                                order.push(e.id());
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    let t_enum = t0.elapsed().as_secs_f64();
    let blobs = if std::env::var_os("RANDOM_ORDER").is_some() { blobs.into_iter().collect::<Vec<_>>() } else { order };
    let t1 = Instant::now();
    let (bytes, nuls) = blobs
        .par_iter()
        .map_init(
            || git2::Repository::open(path).unwrap(),
            |r, id| {
                let b = r.find_blob(*id).unwrap();
                (b.content().len() as u64, memchr_count(b.content()))
            },
        )
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    report("git2", commits, blobs.len(), t_enum, bytes, nuls, t1.elapsed().as_secs_f64());
}

fn memchr_count(b: &[u8]) -> u64 {
    b.iter().filter(|&&c| c == 0).count() as u64
}
