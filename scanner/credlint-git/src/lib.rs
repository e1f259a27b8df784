//! credlint's git source: history and staged changes.
//!
//! Where it sits in the data flow: this crate is a *source*. It turns a git
//! object database into text units (blobs), hands each to
//! [`credlint_scan::UnitScanner::scan_unit`] (the same leak rules, decoding,
//! allow comments and policy hook as a file scan), and turns the unit
//! findings into history findings located at a commit and a path.
//!
//! [`scan_history`] costs what the unique content costs, not commits × files:
//!
//! 1. **Walk** the commits reachable from every ref (or a branch, or a
//!    `BASE..HEAD` range), and diff each commit's tree against its parents'
//!    trees, in parallel, reading trees only. Each diff yields the
//!    *introductions* of the commit: `(path, blob)` pairs present in the
//!    commit and in none of its parents at that path; and its *context*: the
//!    parents' blobs it replaced or removed (what a rename or an edit came
//!    from).
//! 2. **Scan** every unique introduced blob once, in parallel (rayon, one
//!    repository handle and one [`credlint_leaks::Scratch`] per thread),
//!    skipping blobs over the size limit, Git LFS pointers and binary
//!    content. Blobs are read in pack order (sorted by pack and offset, so
//!    a delta's base is nearly always the object just read and still in the
//!    thread's delta-base cache; loose objects last), one at a time per
//!    thread: memory holds ids, paths and findings, never all blobs.
//! 3. **Attribute**: a secret found in an introduced blob is reported at
//!    that commit and path unless a context blob of the same commit already
//!    carried it (an edit of a file that already had it, a rename, a merge
//!    of a side that had it). So a secret is reported once, at the commit
//!    that introduced it, however many later commits carry it.
//!
//! [`scan_staged`] is the pre-commit path: it reads the index, skips every
//! directory whose cached tree (the index's `TREE` extension) equals HEAD's
//! tree, compares only the rest with HEAD, and scans only the added or
//! modified blobs.
//!
//! Nothing from the scanned repository's configuration is executed: no
//! hooks, filters, textconv or fsmonitor; the repository is opened isolated
//! from global and system configuration and the environment, and this crate
//! never runs `git`. Nothing here prints.

mod commit;
mod history;
mod read;
mod staged;
mod tree;

use std::path::PathBuf;

pub use history::{scan_history, HistoryOptions, HistoryReport, HistoryStats, Progress};
pub use staged::scan_staged;

/// A boxed error from the git library (its types are not part of our API).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a git scan could not run at all. Problems with single objects are
/// warnings in the report, not errors.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The path is not a git repository (bare or not), or it could not be opened.
    #[error("cannot open git repository at {path}: {source}")]
    Open {
        /// The path given.
        path: PathBuf,
        /// What the git library said.
        source: BoxError,
    },
    /// A branch, range end or `since_commit` did not resolve to a commit.
    #[error("cannot resolve revision `{spec}`: {source}")]
    Revision {
        /// The revision as given.
        spec: String,
        /// What the git library said.
        source: BoxError,
    },
    /// `range` was not of the form `BASE..HEAD`.
    #[error("invalid range `{0}`: expected BASE..HEAD")]
    InvalidRange(String),
    /// The references could not be listed or the commit walk could not start.
    #[error("cannot walk the commit history: {0}")]
    Walk(BoxError),
    /// HEAD or the index could not be read (staged scans).
    #[error("cannot read the index: {0}")]
    Index(BoxError),
    /// The scan's thread pool could not be created.
    #[error("cannot start scan threads: {0}")]
    Threads(BoxError),
}

/// Open a repository (worktree or git dir, bare or not) without reading
/// global or system configuration or the environment.
pub(crate) fn open(path: &std::path::Path) -> Result<gix::Repository, GitError> {
    let mut repo =
        gix::open_opts(path, gix::open::Options::isolated()).map_err(|e| GitError::Open {
            path: path.to_path_buf(),
            source: Box::new(e),
        })?;
    repo.object_cache_size_if_unset(16 << 20);
    Ok(repo)
}
