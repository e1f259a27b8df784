//! `credlint git`: walk, scan unique blobs, attribute (see the crate docs).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use credlint_core::{fingerprint, CommitInfo, Finding};
use credlint_leaks::Scratch;
use credlint_scan::UnitScanner;
use gix::ObjectId;
use rayon::prelude::*;

use crate::commit::{self, Skip};
use crate::tree::{self, Changes};
use crate::{open, GitError};

/// Progress of the blob scan, reported from worker threads.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Unique blobs scanned or skipped so far.
    pub blobs_done: u64,
    /// Unique blobs to scan.
    pub blobs_total: u64,
    /// Bytes of blob content scanned so far.
    pub bytes_done: u64,
}

/// What to scan and how.
pub struct HistoryOptions {
    /// Only commits reachable from this revision (a branch, tag or commit)
    /// instead of from every ref.
    pub branch: Option<String>,
    /// `BASE..HEAD`: only what the commits reachable from HEAD and not from
    /// BASE introduced. Takes precedence over `branch`.
    pub range: Option<String>,
    /// Only commits after this one: the same as `range = "SHA..<branch or HEAD>"`.
    pub since_commit: Option<String>,
    /// Blobs larger than this are skipped (counted in the stats).
    pub max_blob_size: u64,
    /// Scan threads; 0 means one per core.
    pub threads: usize,
    /// Called from worker threads as blobs are scanned (throttled).
    pub progress: Option<Box<dyn Fn(Progress) + Send + Sync>>,
}

impl Default for HistoryOptions {
    fn default() -> Self {
        HistoryOptions {
            branch: None,
            range: None,
            since_commit: None,
            max_blob_size: 64 << 20,
            threads: 0,
            progress: None,
        }
    }
}

impl std::fmt::Debug for HistoryOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryOptions")
            .field("branch", &self.branch)
            .field("range", &self.range)
            .field("since_commit", &self.since_commit)
            .field("max_blob_size", &self.max_blob_size)
            .field("threads", &self.threads)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// Counters of a history or staged scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct HistoryStats {
    /// Commits walked.
    pub commits: u64,
    /// Unique blobs considered (scanned or skipped).
    pub blobs: u64,
    /// Bytes of blob content scanned.
    pub bytes: u64,
    /// Blobs skipped for their size.
    pub skipped_size: u64,
    /// Git LFS pointer files skipped (their content is not in the repository).
    pub skipped_lfs: u64,
    /// Blobs skipped as binary.
    pub skipped_binary: u64,
    /// Objects that could not be read (each has a warning).
    pub errors: u64,
    /// The repository is a shallow clone: history before its boundary is not scanned.
    pub shallow: bool,
}

/// The result of a history or staged scan.
#[derive(Debug, Default)]
pub struct HistoryReport {
    /// Findings, sorted by commit date, commit, path and position. History
    /// findings carry `location.commit` and the properties `in_head` and `blob`.
    pub findings: Vec<Finding>,
    /// Problems with single objects; the scan went on without them.
    pub warnings: Vec<String>,
    /// Counters.
    pub stats: HistoryStats,
}

/// What identifies "the same secret" across blobs: rule and secret (or, for
/// a policy finding, rule and message).
type Key = (String, String);

fn key(f: &Finding) -> Key {
    let what = match &f.secret {
        Some(s) => s.expose().to_string(),
        None => f.message.clone(),
    };
    (f.rule_id.clone(), what)
}

/// The outcome of scanning one blob.
pub(crate) enum BlobScan {
    Clean,
    Found(Vec<Finding>),
    Skipped(SkipWhy),
    Failed(String),
}

#[derive(Clone, Copy)]
pub(crate) enum SkipWhy {
    Size,
    Lfs,
    Binary,
}

/// Read and scan one blob with a per-thread handle and scratch.
pub(crate) fn scan_blob(
    repo: &gix::Repository,
    oid: ObjectId,
    path: &str,
    max: u64,
    scanner: &UnitScanner,
    scratch: &mut Scratch,
    warnings: &mut Vec<String>,
) -> (BlobScan, u64) {
    let header = match repo.find_header(oid) {
        Ok(h) => h,
        Err(e) => return (BlobScan::Failed(format!("blob {oid} ({path}): {e}")), 0),
    };
    if header.size() > max {
        return (BlobScan::Skipped(SkipWhy::Size), 0);
    }
    let obj = match repo.find_object(oid) {
        Ok(o) => o,
        Err(e) => return (BlobScan::Failed(format!("blob {oid} ({path}): {e}")), 0),
    };
    let head = &obj.data[..obj.data.len().min(8 << 10)];
    let out = if let Some(hook) = scanner.archive_for(head) {
        // An archive blob: its members are scanned, each under `path!member`.
        hook.scan(
            path,
            credlint_scan::ArchiveInput::Bytes(&obj.data),
            scanner,
            scratch,
        )
    } else {
        match commit::sniff(&obj.data) {
            Some(Skip::Lfs) => return (BlobScan::Skipped(SkipWhy::Lfs), 0),
            Some(Skip::Binary) => return (BlobScan::Skipped(SkipWhy::Binary), 0),
            None => {}
        }
        scanner.scan_unit(path, &obj.data, scratch)
    };
    warnings.extend(
        out.warnings
            .into_iter()
            .map(|w| format!("{path} (blob {oid}): {w}")),
    );
    let n = obj.data.len() as u64;
    if out.findings.is_empty() {
        (BlobScan::Clean, n)
    } else {
        (BlobScan::Found(out.findings), n)
    }
}

impl BlobScan {
    /// Record the outcome in `stats`/`warnings`; the findings, if any.
    pub(crate) fn tally(
        self,
        bytes: u64,
        stats: &mut HistoryStats,
        warnings: &mut Vec<String>,
    ) -> Vec<Finding> {
        stats.blobs += 1;
        stats.bytes += bytes;
        match self {
            BlobScan::Clean => Vec::new(),
            BlobScan::Found(f) => f,
            BlobScan::Skipped(SkipWhy::Size) => {
                stats.skipped_size += 1;
                Vec::new()
            }
            BlobScan::Skipped(SkipWhy::Lfs) => {
                stats.skipped_lfs += 1;
                Vec::new()
            }
            BlobScan::Skipped(SkipWhy::Binary) => {
                stats.skipped_binary += 1;
                Vec::new()
            }
            BlobScan::Failed(w) => {
                stats.errors += 1;
                warnings.push(w);
                Vec::new()
            }
        }
    }
}

/// Resolve a revision to a commit id.
fn resolve(repo: &gix::Repository, spec: &str) -> Result<ObjectId, GitError> {
    let err = |e: Box<dyn std::error::Error + Send + Sync>| GitError::Revision {
        spec: spec.to_string(),
        source: e,
    };
    let id = repo.rev_parse_single(spec).map_err(|e| err(Box::new(e)))?;
    let c = id
        .object()
        .map_err(|e| err(Box::new(e)))?
        .peel_to_commit()
        .map_err(|e| err(Box::new(e)))?;
    Ok(c.id)
}

/// Tips to walk from, tips to hide, and the commit that counts as HEAD.
type Endpoints = (Vec<ObjectId>, Vec<ObjectId>, Option<ObjectId>);

/// The commits to start from, those to exclude, and the commit whose tree
/// counts as "HEAD" for `in_head`.
fn endpoints(repo: &gix::Repository, opts: &HistoryOptions) -> Result<Endpoints, GitError> {
    if let Some(range) = &opts.range {
        if range.contains("...") {
            return Err(GitError::InvalidRange(range.clone()));
        }
        let (base, head) = range
            .split_once("..")
            .ok_or_else(|| GitError::InvalidRange(range.clone()))?;
        if base.is_empty() {
            return Err(GitError::InvalidRange(range.clone()));
        }
        let head = if head.is_empty() { "HEAD" } else { head };
        let head = resolve(repo, head)?;
        return Ok((vec![head], vec![resolve(repo, base)?], Some(head)));
    }
    if let Some(since) = &opts.since_commit {
        let head = resolve(repo, opts.branch.as_deref().unwrap_or("HEAD"))?;
        return Ok((vec![head], vec![resolve(repo, since)?], Some(head)));
    }
    if let Some(branch) = &opts.branch {
        let head = resolve(repo, branch)?;
        return Ok((vec![head], Vec::new(), Some(head)));
    }
    let mut tips = Vec::new();
    let refs = repo.references().map_err(|e| GitError::Walk(Box::new(e)))?;
    for r in refs.all().map_err(|e| GitError::Walk(Box::new(e)))? {
        let Ok(mut r) = r else { continue };
        let Ok(id) = r.peel_to_id() else {
            continue;
        };
        if let Ok(h) = repo.find_header(id) {
            if h.kind() == gix::objs::Kind::Commit {
                tips.push(id.detach());
            }
        }
    }
    let head = repo.head_id().ok().map(|id| id.detach());
    if let Some(h) = head {
        tips.push(h);
    }
    tips.sort();
    tips.dedup();
    Ok((tips, Vec::new(), head))
}

/// Scan every unique blob reachable from the refs (or the branch or range
/// in `opts`) once, and report each secret at the commit and path that
/// introduced it.
pub fn scan_history(
    repo_path: &Path,
    opts: &HistoryOptions,
    scanner: &UnitScanner,
) -> Result<HistoryReport, GitError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| GitError::Threads(Box::new(e)))?;
    pool.install(|| scan_history_in_pool(repo_path, opts, scanner))
}

fn scan_history_in_pool(
    repo_path: &Path,
    opts: &HistoryOptions,
    scanner: &UnitScanner,
) -> Result<HistoryReport, GitError> {
    let repo = open(repo_path)?;
    let mut report = HistoryReport::default();
    report.stats.shallow = repo.is_shallow();
    let (tips, hidden, head) = endpoints(&repo, opts)?;

    // 1. The commits, then each commit's introductions and context, in parallel.
    let mut commits = Vec::new();
    if !tips.is_empty() {
        let walk = repo
            .rev_walk(tips)
            .with_hidden(hidden)
            .all()
            .map_err(|e| GitError::Walk(Box::new(e)))?;
        let mut failures = 0;
        for info in walk {
            match info {
                Ok(info) => commits.push(info.id),
                Err(e) => {
                    report.warnings.push(format!("commit walk: {e}"));
                    failures += 1;
                    if failures > 100 {
                        break;
                    }
                }
            }
        }
    }
    report.stats.commits = commits.len() as u64;
    let shallow = report.stats.shallow;
    let sync = repo.clone().into_sync();
    let changes: Vec<Changes> = commits
        .par_iter()
        .map_init(
            || crate::read::walk_handle(&sync),
            |r, &id| commit_changes(r, id, shallow),
        )
        .collect();

    // 2. Unique blobs, scanned in pack order (see `read`).
    let mut index: HashMap<ObjectId, u32> = HashMap::new();
    let mut blobs: Vec<(ObjectId, &str)> = Vec::new();
    for c in &changes {
        report.warnings.extend(c.warnings.iter().cloned());
        for (path, oid) in &c.intros {
            index.entry(*oid).or_insert_with(|| {
                blobs.push((*oid, path.as_str()));
                (blobs.len() - 1) as u32
            });
        }
    }
    let max = opts.max_blob_size;
    let scanned = crate::read::scan_blobs(&repo, &blobs, max, scanner, opts.progress.as_deref());
    let mut found: Vec<Vec<Finding>> = Vec::with_capacity(scanned.len());
    for (res, n, w) in scanned {
        report.warnings.extend(w);
        found.push(res.tally(n, &mut report.stats, &mut report.warnings));
    }

    // 3. Attribution: HEAD's secrets, then each commit's new secrets.
    let blob_findings = |oid: &ObjectId| -> Option<&Vec<Finding>> {
        index
            .get(oid)
            .map(|&i| &found[i as usize])
            .filter(|f| !f.is_empty())
    };
    let mut in_head: HashSet<Key> = HashSet::new();
    if let Some(tree) = head.and_then(|h| commit::tree_of(&repo, h)) {
        let r = tree::all_blobs(&repo, tree, b"", &mut |_, oid| {
            if let Some(f) = blob_findings(&oid) {
                in_head.extend(f.iter().map(key));
            }
        });
        if let Err(w) = r {
            report.warnings.push(format!("HEAD tree: {w}"));
        }
    }
    let mut lazily_scanned: HashMap<ObjectId, Vec<Key>> = HashMap::new();
    let mut scratch = Scratch::default();
    let mut seen: HashSet<String> = HashSet::new();
    let mut out: Vec<(i64, Finding)> = Vec::new();
    for (ci, c) in changes.iter().enumerate() {
        if !c.intros.iter().any(|(_, oid)| blob_findings(oid).is_some()) {
            continue;
        }
        // What the parents already had.
        let ctx_blobs: HashSet<ObjectId> = c.context.iter().copied().collect();
        let mut ctx_keys: HashSet<Key> = HashSet::new();
        for oid in &ctx_blobs {
            if index.contains_key(oid) {
                if let Some(f) = blob_findings(oid) {
                    ctx_keys.extend(f.iter().map(key));
                }
                continue;
            }
            let keys = lazily_scanned.entry(*oid).or_insert_with(|| {
                let mut w = Vec::new();
                let (res, _) = scan_blob(&repo, *oid, "", max, scanner, &mut scratch, &mut w);
                match res {
                    BlobScan::Found(f) => f.iter().map(key).collect(),
                    _ => Vec::new(),
                }
            });
            ctx_keys.extend(keys.iter().cloned());
        }
        let mut info: Option<(CommitInfo, i64)> = None;
        for (path, oid) in &c.intros {
            let Some(fs) = blob_findings(oid) else {
                continue;
            };
            if ctx_blobs.contains(oid) {
                continue; // moved or copied from a parent's blob, not new
            }
            for f in fs {
                let k = key(f);
                if ctx_keys.contains(&k) {
                    continue;
                }
                let (ci_info, ts) = info.get_or_insert_with(|| {
                    let i = commit::info(&repo, commits[ci]);
                    let ts = repo
                        .find_commit(commits[ci])
                        .ok()
                        .and_then(|c| c.author().ok().map(|a| a.seconds()))
                        .unwrap_or(0);
                    (i, ts)
                });
                // A finding in an archive member keeps its `!member` chain
                // (the blob was scanned under the first path that had it).
                let scanned_as = index.get(oid).map_or("", |&i| blobs[i as usize].1);
                let full = match f
                    .location
                    .path
                    .as_deref()
                    .and_then(|p| p.strip_prefix(scanned_as))
                {
                    Some(member) if member.starts_with('!') => format!("{path}{member}"),
                    _ => path.clone(),
                };
                let fp = fingerprint(&[&f.rule_id, &ci_info.id, &full, &k.1]);
                if !seen.insert(fp.clone()) {
                    continue;
                }
                let mut g = f.clone();
                g.fingerprint = fp;
                g.location.path = Some(full);
                g.location.commit = Some(ci_info.clone());
                g.properties.insert(
                    "in_head".into(),
                    serde_json::Value::Bool(in_head.contains(&k)),
                );
                g.properties
                    .insert("blob".into(), serde_json::Value::String(oid.to_string()));
                out.push((*ts, g));
            }
        }
    }
    out.sort_by(|(ta, a), (tb, b)| {
        let pos = |f: &Finding| f.location.span.map(|s| (s.start_line, s.start_column));
        ta.cmp(tb)
            .then_with(|| commit_id(a).cmp(commit_id(b)))
            .then_with(|| a.location.path.cmp(&b.location.path))
            .then_with(|| pos(a).cmp(&pos(b)))
            .then_with(|| a.rule_id.cmp(&b.rule_id))
    });
    report.findings = out.into_iter().map(|(_, f)| f).collect();
    Ok(report)
}

fn commit_id(f: &Finding) -> &str {
    f.location.commit.as_ref().map_or("", |c| c.id.as_str())
}

/// The introductions and context of one commit (see [`Changes`]).
fn commit_changes(repo: &gix::Repository, id: ObjectId, shallow: bool) -> Changes {
    let mut out = Changes::default();
    let (tree, parents) = match commit::tree_and_parents(repo, id) {
        Ok(x) => x,
        Err(w) => {
            out.warnings.push(w);
            return out;
        }
    };
    let mut parent_trees = Vec::new();
    for p in parents {
        match commit::tree_and_parents(repo, p) {
            Ok((t, _)) => parent_trees.push(t),
            // A shallow clone's boundary commits have parents that are not there.
            Err(_) if shallow => {}
            Err(w) => out.warnings.push(format!("parent of {id}: {w}")),
        }
    }
    tree::diff_trees(
        repo,
        Some(tree),
        parent_trees.first().copied(),
        b"",
        &mut out,
    );
    // A merge introduces only what is in none of its parents at that path.
    for &other in parent_trees.iter().skip(1) {
        let mut context = Vec::new();
        out.intros.retain(
            |(path, oid)| match tree::lookup(repo, other, path.as_bytes()) {
                Some(e) if e.oid == *oid => false,
                Some(e) if e.kind == tree::Kind::Blob => {
                    context.push(e.oid);
                    true
                }
                _ => true,
            },
        );
        out.context.extend(context);
    }
    out
}
