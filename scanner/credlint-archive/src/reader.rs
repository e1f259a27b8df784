//! Walking an archive's members, streamed and bounded.
//!
//! [`read_archive`] opens one archive and hands every regular member to a
//! [`Visitor`] as a reader, nested archives included (to
//! [`Limits::max_depth`]). Nothing is written to disk and no member name is
//! ever used as a file-system path: names are labels in the `!`-joined
//! chain (`app.zip!lib/inner.jar!config.yml`).
//!
//! Memory stays bounded: tar and compressed streams are read as streams; a
//! zip is read from its file (it can seek) or from memory when it already
//! is there (a git blob); only a zip nested in a stream is buffered, up to
//! [`Limits::max_buffer`].
//!
//! Guards, per outermost archive: total uncompressed bytes, the ratio of
//! uncompressed bytes to the archive's own size (past a floor), and the
//! number of members. A guard that trips stops that archive with a
//! [`Notice`]; members already read keep their findings. Corrupt or
//! truncated data is a notice too, and the member it cut short is scanned
//! as far as it could be read.

use std::cell::{Cell, RefCell};
use std::io::{self, Cursor, Read, Seek};
use std::path::Path;
use std::rc::Rc;

use credlint_scan::ArchiveInput;

use crate::format::{sniff, Format, HEAD};

/// Limits on one outermost archive and everything nested in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Archive levels read: 1 reads the archive's own members only; a
    /// nested archive deeper than this is reported, not read.
    pub max_depth: u32,
    /// Uncompressed bytes read from all levels together.
    pub max_total_bytes: u64,
    /// Uncompressed bytes per byte of the outermost archive, judged once
    /// more than [`Limits::ratio_floor`] bytes came out.
    pub max_ratio: u64,
    /// Uncompressed bytes below which the ratio is not judged (small files
    /// of repeated text compress well and honestly).
    pub ratio_floor: u64,
    /// Members (files, links, nested archives) of all levels together.
    pub max_members: u64,
    /// The largest zip read into memory when it is nested in a stream (a
    /// zip's index is at its end, so it needs the whole of it).
    pub max_buffer: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 3,
            max_total_bytes: 2 << 30,
            max_ratio: 100,
            ratio_floor: 16 << 20,
            max_members: 200_000,
            max_buffer: 64 << 20,
        }
    }
}

/// What went wrong with one archive or member. Each is reported and the
/// scan goes on (the "stopped" ones stop the outermost archive only).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoticeKind {
    /// A nested archive below the depth limit.
    #[error("nested archive not read: deeper than {limit} levels (--archive-depth)")]
    TooDeep {
        /// The depth limit.
        limit: u32,
    },
    /// More uncompressed bytes than the limit.
    #[error("archive reading stopped: more than {limit} bytes uncompressed; members read before were scanned")]
    TooLarge {
        /// The byte limit.
        limit: u64,
    },
    /// Expands far more than honest data does: a compression bomb.
    #[error("archive reading stopped: expands more than {limit} times its own size (a compression bomb?); members read before were scanned")]
    Ratio {
        /// The ratio limit.
        limit: u64,
    },
    /// A member declares a size or ratio past the limits: not read.
    #[error("member not read: it declares {size} bytes from {compressed} compressed (over the archive limits; a compression bomb?)")]
    MemberBomb {
        /// Declared uncompressed size.
        size: u64,
        /// Declared compressed size.
        compressed: u64,
    },
    /// More members than the limit.
    #[error(
        "archive reading stopped: more than {limit} members; members read before were scanned"
    )]
    TooManyMembers {
        /// The member limit.
        limit: u64,
    },
    /// A member name that would escape an extraction folder.
    #[error("member name escapes the archive (`{name}`): its content was scanned; credlint never extracts to disk")]
    PathTraversal {
        /// The name as stored (control characters replaced).
        name: String,
    },
    /// A symbolic or hard link member: it has no content of its own.
    #[error("link member not followed (-> `{target}`)")]
    Link {
        /// The link target as stored.
        target: String,
    },
    /// A member name that is not UTF-8.
    #[error("member name is not valid UTF-8: shown with replacement characters")]
    InvalidName,
    /// Corrupt or truncated data.
    #[error("corrupt or truncated archive: {0}; members read before were scanned")]
    Corrupt(String),
    /// A member the decoders cannot read (encrypted, or another method).
    #[error("member not read: {0}")]
    Unsupported(String),
    /// A zip in a stream, too large to hold in memory.
    #[error("nested zip not read: larger than {limit} bytes (a zip inside a stream is read into memory)")]
    ZipTooLarge {
        /// The buffer limit.
        limit: u64,
    },
}

/// A problem with the archive or member at `path` (a `!`-joined chain).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {kind}")]
pub struct Notice {
    /// The archive or member.
    pub path: String,
    /// What happened.
    pub kind: NoticeKind,
}

/// Receives the members of an archive.
pub trait Visitor {
    /// A regular member that is not itself an archive (or is one nested too
    /// deep, which gets a notice instead). `path` is the `!`-joined chain;
    /// `size` the size the archive declares, when it does. Reading
    /// `content` never fails: a read error ends it early and becomes a
    /// notice.
    fn file(&mut self, path: &str, content: &mut dyn Read, size: Option<u64>);
    /// A problem with one archive or member; reading went on where it could.
    fn notice(&mut self, notice: Notice);
}

/// Counters shared by every level of one outermost archive.
struct Budget {
    limits: Limits,
    input: Cell<u64>,
    output: Cell<u64>,
    members: Cell<u64>,
    tripped: RefCell<Option<NoticeKind>>,
    reported: Cell<bool>,
}

impl Budget {
    fn trip(&self, kind: NoticeKind) {
        let mut t = self.tripped.borrow_mut();
        if t.is_none() {
            *t = Some(kind);
        }
    }

    fn stopped(&self) -> bool {
        self.tripped.borrow().is_some()
    }

    fn add_output(&self, n: u64) -> bool {
        let out = self.output.get().saturating_add(n);
        self.output.set(out);
        let l = &self.limits;
        if out > l.max_total_bytes {
            self.trip(NoticeKind::TooLarge {
                limit: l.max_total_bytes,
            });
        } else if out > l.ratio_floor && out / self.input.get().max(1) > l.max_ratio {
            self.trip(NoticeKind::Ratio { limit: l.max_ratio });
        }
        !self.stopped()
    }

    fn add_member(&self) -> bool {
        self.members.set(self.members.get() + 1);
        if self.members.get() > self.limits.max_members {
            self.trip(NoticeKind::TooManyMembers {
                limit: self.limits.max_members,
            });
        }
        !self.stopped()
    }
}

/// Counts decompressed bytes against the budget; an error once it trips.
struct Metered<R> {
    inner: R,
    budget: Rc<Budget>,
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.budget.stopped() {
            return Err(io::Error::other("archive limits reached"));
        }
        let n = self.inner.read(buf)?;
        if !self.budget.add_output(n as u64) {
            return Err(io::Error::other("archive limits reached"));
        }
        Ok(n)
    }
}

/// Counts the outermost stream's bytes (its size is not known up front).
struct Counted<'a, R> {
    inner: R,
    count: &'a Cell<u64>,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Turns the first read error into the end of the stream, and keeps it.
struct Fuse<R> {
    inner: R,
    error: Option<io::Error>,
}

impl<R: Read> Read for Fuse<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.error.is_some() {
            return Ok(0);
        }
        loop {
            match self.inner.read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.error = Some(e);
                    return Ok(0);
                }
            }
        }
    }
}

trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// Read the archive `name` and hand its members to `visitor`. Returns
/// `false` when `input` is not an archive this crate reads (nothing was
/// visited).
pub fn read_archive(
    name: &str,
    input: ArchiveInput<'_>,
    limits: &Limits,
    visitor: &mut dyn Visitor,
) -> bool {
    let budget = Rc::new(Budget {
        limits: *limits,
        input: Cell::new(0),
        output: Cell::new(0),
        members: Cell::new(0),
        tripped: RefCell::new(None),
        reported: Cell::new(false),
    });
    let mut w = Walker {
        budget: budget.clone(),
        visitor,
        notices: 0,
    };
    match input {
        ArchiveInput::Bytes(b) => {
            let Some(fmt) = sniff(&b[..b.len().min(HEAD)]) else {
                return false;
            };
            budget.input.set(b.len() as u64);
            w.level(name, 1, fmt, Src::Seek(&mut Cursor::new(b)));
        }
        ArchiveInput::File(path) => return w.file(name, path),
        ArchiveInput::Stream(head, rest) => {
            let Some(fmt) = sniff(&head[..head.len().min(HEAD)]) else {
                return false;
            };
            budget.input.set(head.len() as u64);
            let mut counted = Counted {
                inner: rest,
                count: &budget.input,
            };
            let mut replay = Cursor::new(head).chain(&mut counted);
            w.level(name, 1, fmt, Src::Stream(&mut replay));
        }
    }
    true
}

enum Src<'a> {
    Seek(&'a mut dyn ReadSeek),
    Stream(&'a mut dyn Read),
}

struct Walker<'v> {
    budget: Rc<Budget>,
    visitor: &'v mut dyn Visitor,
    /// Notices given so far (a level that reported its own end needs no
    /// second notice from the stream under it).
    notices: usize,
}

impl Walker<'_> {
    fn notice(&mut self, path: &str, kind: NoticeKind) {
        self.notices += 1;
        self.visitor.notice(Notice {
            path: path.to_string(),
            kind,
        });
    }

    /// Report why reading stopped at `path`: the budget's guard (once per
    /// outermost archive), else the error.
    fn stop(&mut self, path: &str, err: &dyn std::fmt::Display) {
        let tripped = self.budget.tripped.borrow().clone();
        match tripped {
            Some(kind) => {
                if !self.budget.reported.replace(true) {
                    self.notice(path, kind);
                }
            }
            None => self.notice(path, NoticeKind::Corrupt(err.to_string())),
        }
    }

    fn file(&mut self, name: &str, path: &Path) -> bool {
        let mut f = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => {
                self.notice(name, NoticeKind::Corrupt(format!("cannot open: {e}")));
                return true;
            }
        };
        let mut head = Vec::with_capacity(HEAD);
        if (&mut f).take(HEAD as u64).read_to_end(&mut head).is_err() {
            return false;
        }
        let Some(fmt) = sniff(&head) else {
            return false;
        };
        self.budget
            .input
            .set(f.metadata().map(|m| m.len()).unwrap_or(0));
        if let Err(e) = f.rewind() {
            self.notice(name, NoticeKind::Corrupt(e.to_string()));
            return true;
        }
        let mut r = io::BufReader::with_capacity(64 << 10, f);
        self.level(name, 1, fmt, Src::Seek(&mut r));
        true
    }

    /// Read one archive level in format `fmt` at `chain`.
    fn level(&mut self, chain: &str, depth: u32, fmt: Format, src: Src<'_>) {
        match (fmt, src) {
            (Format::Zip, Src::Seek(r)) => self.zip(chain, depth, r),
            (Format::Zip, Src::Stream(r)) => {
                let limit = self.budget.limits.max_buffer;
                let mut buf = Vec::new();
                let mut fuse = Fuse {
                    inner: r.take(limit + 1),
                    error: None,
                };
                let _ = fuse.read_to_end(&mut buf);
                if let Some(e) = fuse.error {
                    self.stop(chain, &e);
                } else if buf.len() as u64 > limit {
                    self.notice(chain, NoticeKind::ZipTooLarge { limit });
                } else {
                    self.zip(chain, depth, &mut Cursor::new(buf));
                }
            }
            (Format::Tar, Src::Seek(mut r)) => self.tar(chain, depth, &mut r),
            (Format::Tar, Src::Stream(r)) => self.tar(chain, depth, r),
            (c, Src::Seek(mut r)) => self.compressed(chain, depth, c, &mut r),
            (c, Src::Stream(r)) => self.compressed(chain, depth, c, r),
        }
    }

    /// A compressed stream: a compressed archive (`.tar.gz`) is read as
    /// that archive, at the same chain; anything else is one member named
    /// after the archive without its extension.
    fn compressed(&mut self, chain: &str, depth: u32, fmt: Format, r: &mut dyn Read) {
        let decoder: Box<dyn Read + '_> = match fmt {
            Format::Gzip => Box::new(flate2::read::MultiGzDecoder::new(r)),
            Format::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(r)),
            // A 128 MiB dictionary is more than `xz -9` uses.
            Format::Xz => Box::new(lzma_rust2::XzReader::new_mem_limit(r, true, 128 << 10)),
            Format::Zstd => match ruzstd::decoding::StreamingDecoder::new(r) {
                Ok(d) => Box::new(d),
                Err(e) => {
                    self.notice(chain, NoticeKind::Corrupt(e.to_string()));
                    return;
                }
            },
            Format::Zip | Format::Tar => unreachable!("not a compression format"),
        };
        let mut metered = Metered {
            inner: decoder,
            budget: self.budget.clone(),
        };
        let mut fuse = Fuse {
            inner: &mut metered,
            error: None,
        };
        let head = peek(&mut fuse);
        match sniff(&head) {
            Some(inner) => {
                // A compressed tar is one level; anything else inside a
                // compressed stream (gz in gz, a zip in xz) is one more.
                let next = if inner == Format::Tar {
                    depth
                } else {
                    depth + 1
                };
                if next > self.budget.limits.max_depth {
                    self.notice(
                        chain,
                        NoticeKind::TooDeep {
                            limit: self.budget.limits.max_depth,
                        },
                    );
                    return;
                }
                let before = self.notices;
                let mut replay = Cursor::new(head).chain(&mut fuse);
                self.level(chain, next, inner, Src::Stream(&mut replay));
                if self.notices > before {
                    // The archive inside said where it ended.
                    return;
                }
            }
            None => {
                if !self.budget.add_member() {
                    self.stop(chain, &"");
                    return;
                }
                let path = format!("{chain}!{}", decompressed_name(chain));
                let mut replay = Cursor::new(head).chain(&mut fuse);
                self.visitor.file(&path, &mut replay, None);
            }
        }
        if let Some(e) = fuse.error {
            self.stop(chain, &e);
        }
    }

    fn tar(&mut self, chain: &str, depth: u32, r: &mut dyn Read) {
        let mut ar = tar::Archive::new(r);
        let entries = match ar.entries() {
            Ok(e) => e,
            Err(e) => {
                self.stop(chain, &e);
                return;
            }
        };
        for entry in entries {
            if self.budget.stopped() {
                self.stop(chain, &"");
                break;
            }
            let mut entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    self.stop(chain, &e);
                    break;
                }
            };
            let kind = entry.header().entry_type();
            if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
                continue;
            }
            let raw = entry.path_bytes().into_owned();
            let name = self.member_name(chain, &raw);
            let path = format!("{chain}!{name}");
            if !self.budget.add_member() {
                self.stop(&path, &"");
                break;
            }
            if kind.is_symlink() || kind.is_hard_link() {
                let target = entry
                    .link_name_bytes()
                    .map(|t| clean_name(&String::from_utf8_lossy(&t)))
                    .unwrap_or_default();
                self.notice(&path, NoticeKind::Link { target });
                continue;
            }
            if !(kind.is_file() || kind.is_contiguous() || kind.is_gnu_sparse()) {
                continue;
            }
            let size = entry.size();
            if let Err(e) = self.member(&path, depth, &mut entry, Some(size)) {
                self.stop(&path, &e);
                break;
            }
        }
    }

    fn zip(&mut self, chain: &str, depth: u32, r: &mut dyn ReadSeek) {
        let mut za = match zip::ZipArchive::new(r) {
            Ok(z) => z,
            Err(e) => {
                self.notice(chain, NoticeKind::Corrupt(e.to_string()));
                return;
            }
        };
        let limits = self.budget.limits;
        for i in 0..za.len() {
            if self.budget.stopped() {
                self.stop(chain, &"");
                break;
            }
            let listed = za
                .name_for_index(i)
                .map(clean_name)
                .unwrap_or_else(|| format!("#{i}"));
            let file = match za.by_index(i) {
                Ok(f) => f,
                Err(zip::result::ZipError::UnsupportedArchive(why)) => {
                    let name = listed;
                    self.notice(
                        &format!("{chain}!{name}"),
                        NoticeKind::Unsupported(why.to_string()),
                    );
                    continue;
                }
                Err(e) => {
                    self.notice(chain, NoticeKind::Corrupt(e.to_string()));
                    continue;
                }
            };
            if file.is_dir() {
                continue;
            }
            let raw = file.name_raw().to_vec();
            let name = self.member_name(chain, &raw);
            let path = format!("{chain}!{name}");
            if !self.budget.add_member() {
                self.stop(&path, &"");
                break;
            }
            if file.is_symlink() {
                self.notice(
                    &path,
                    NoticeKind::Link {
                        target: String::new(),
                    },
                );
                continue;
            }
            let (size, compressed) = (file.size(), file.compressed_size());
            if size > limits.max_total_bytes
                || (size > limits.ratio_floor && size / compressed.max(1) > limits.max_ratio)
            {
                self.notice(&path, NoticeKind::MemberBomb { size, compressed });
                continue;
            }
            let mut metered = Metered {
                inner: file,
                budget: self.budget.clone(),
            };
            if let Err(e) = self.member(&path, depth, &mut metered, Some(size)) {
                if self.budget.stopped() {
                    self.stop(&path, &e);
                    break;
                }
                // Zip members are independent: the next one may be fine.
                self.notice(&path, NoticeKind::Corrupt(e.to_string()));
            }
        }
    }

    /// One member of an archive at depth `depth`: a nested archive is read
    /// (within the depth limit), anything else goes to the visitor. The
    /// error that cut the member short, if one did.
    fn member(
        &mut self,
        path: &str,
        depth: u32,
        r: &mut dyn Read,
        size: Option<u64>,
    ) -> Result<(), io::Error> {
        let mut fuse = Fuse {
            inner: r,
            error: None,
        };
        let head = peek(&mut fuse);
        match sniff(&head) {
            Some(fmt) => {
                let limit = self.budget.limits.max_depth;
                if depth + 1 > limit {
                    self.notice(path, NoticeKind::TooDeep { limit });
                } else {
                    let mut replay = Cursor::new(head).chain(&mut fuse);
                    self.level(path, depth + 1, fmt, Src::Stream(&mut replay));
                }
            }
            None => {
                let mut replay = Cursor::new(head).chain(&mut fuse);
                self.visitor.file(path, &mut replay, size);
            }
        }
        match fuse.error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// A member's name for the chain, with notices for names that are not
    /// UTF-8 or that would escape an extraction folder.
    fn member_name(&mut self, chain: &str, raw: &[u8]) -> String {
        let (text, valid) = match std::str::from_utf8(raw) {
            Ok(s) => (s.to_string(), true),
            Err(_) => (String::from_utf8_lossy(raw).into_owned(), false),
        };
        let name = clean_name(&text);
        let name = name.strip_prefix("./").unwrap_or(&name).to_string();
        let path = format!("{chain}!{name}");
        if !valid {
            self.notice(&path, NoticeKind::InvalidName);
        }
        if escapes(&name) {
            self.notice(&path, NoticeKind::PathTraversal { name: name.clone() });
        }
        name
    }
}

/// Up to [`HEAD`] bytes from the start of `r`.
fn peek(r: &mut impl Read) -> Vec<u8> {
    let mut head = Vec::with_capacity(HEAD);
    let _ = r.take(HEAD as u64).read_to_end(&mut head);
    head
}

/// Control characters (a terminal escape in a member name) shown as `?`.
fn clean_name(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Whether extracting a member of this name would write outside the
/// extraction folder: absolute, a drive, or a `..` component.
pub fn escapes(name: &str) -> bool {
    let b = name.as_bytes();
    name.starts_with('/')
        || name.starts_with('\\')
        || (b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic())
        || name.split(['/', '\\']).any(|c| c == "..")
}

/// `config.yml.gz` -> `config.yml`; `app.tgz` -> `app.tar`.
fn decompressed_name(chain: &str) -> String {
    let last = chain.rsplit(['!', '/', '\\']).next().unwrap_or(chain);
    let lower = last.to_ascii_lowercase();
    for (ext, to) in [
        (".tgz", ".tar"),
        (".gz", ""),
        (".bz2", ""),
        (".xz", ""),
        (".zst", ""),
        (".zstd", ""),
    ] {
        if lower.ends_with(ext) && last.len() > ext.len() {
            return format!("{}{to}", &last[..last.len() - ext.len()]);
        }
    }
    last.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_names() {
        assert!(escapes("../../etc/passwd"));
        assert!(escapes("/etc/passwd"));
        assert!(escapes("a/../../b"));
        assert!(escapes("C:\\Windows\\x"));
        assert!(!escapes("a/b..c/d"));
        assert!(!escapes("etc/passwd"));
    }

    #[test]
    fn decompressed_names() {
        assert_eq!(decompressed_name("x/config.yml.gz"), "config.yml");
        assert_eq!(decompressed_name("a.zip!app.tgz"), "app.tar");
        assert_eq!(decompressed_name("blob"), "blob");
    }
}
