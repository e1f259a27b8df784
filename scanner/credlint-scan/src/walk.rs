//! The file source: a parallel walk, reading, sniffing and chunking.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use credlint_core::Finding;
use credlint_leaks::Scratch;
use ignore::overrides::OverrideBuilder;
use ignore::{WalkBuilder, WalkState};

use crate::unit::{ArchiveInput, ChunkBase, UnitOutput, UnitScanner};

/// Inputs larger than this are scanned in chunks rather than read whole.
const CHUNK: usize = 16 << 20;
/// Bytes each chunk shares with the next, so a match across a chunk edge is
/// seen whole by one of them (a match may be this long at most).
const OVERLAP: usize = 64 << 10;
/// How much of a file's start is sniffed for binary content.
const SNIFF: usize = 8 << 10;

/// How to walk and what to skip.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Files larger than this are skipped with a warning.
    pub max_file_size: u64,
    /// Ignore `.gitignore`, `.ignore` and `.credlintignore`.
    pub no_ignore: bool,
    /// Walker threads; 0 means one per core.
    pub threads: usize,
    /// Globs (gitignore syntax) of paths to leave out.
    pub exclude: Vec<String>,
    /// Follow symbolic links (loops are detected by the walker).
    pub follow_links: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            max_file_size: 256 << 20,
            no_ignore: false,
            threads: 0,
            exclude: Vec::new(),
            follow_links: false,
        }
    }
}

/// A problem with one unit; the scan went on without it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// The unit (path), or empty for the scan as a whole.
    pub path: String,
    /// What happened.
    pub message: String,
}

/// Counters of a scan.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ScanStats {
    /// Units scanned.
    pub files: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Units skipped as binary.
    pub skipped_binary: u64,
    /// Units skipped for their size.
    pub skipped_size: u64,
    /// Units that could not be read.
    pub errors: u64,
}

/// The result of a scan: findings (unsorted), warnings and counters.
#[derive(Debug, Default)]
pub struct ScanReport {
    /// Findings, including suppressed ones if the scanner keeps them.
    pub findings: Vec<Finding>,
    /// Per-unit problems.
    pub warnings: Vec<Warning>,
    /// Counters.
    pub stats: ScanStats,
}

#[derive(Default)]
struct Counters {
    files: AtomicU64,
    bytes: AtomicU64,
    skipped_binary: AtomicU64,
    skipped_size: AtomicU64,
    errors: AtomicU64,
}

impl Counters {
    fn snapshot(&self) -> ScanStats {
        ScanStats {
            files: self.files.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            skipped_binary: self.skipped_binary.load(Ordering::Relaxed),
            skipped_size: self.skipped_size.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
        }
    }
}

enum Msg {
    Unit(String, UnitOutput),
    Warn(Warning),
}

/// Walk `roots` and scan every file. Paths in findings are relative to the
/// root when there is one directory root, and as walked otherwise.
pub fn scan_paths(
    roots: &[PathBuf],
    opts: &ScanOptions,
    scanner: &UnitScanner,
) -> Result<ScanReport, ignore::Error> {
    let mut builder = WalkBuilder::new(&roots[0]);
    for r in &roots[1..] {
        builder.add(r);
    }
    let strip: Option<PathBuf> = (roots.len() == 1 && roots[0].is_dir()).then(|| roots[0].clone());
    let mut overrides = OverrideBuilder::new(strip.as_deref().unwrap_or(Path::new(".")));
    for g in &opts.exclude {
        overrides.add(&format!("!{g}"))?;
    }
    builder
        .hidden(false)
        .git_ignore(!opts.no_ignore)
        .git_exclude(!opts.no_ignore)
        .git_global(!opts.no_ignore)
        .ignore(!opts.no_ignore)
        .parents(!opts.no_ignore)
        .require_git(false)
        .follow_links(opts.follow_links)
        .threads(opts.threads)
        .overrides(overrides.build()?)
        .filter_entry(|e| e.file_name() != ".git");
    if !opts.no_ignore {
        builder.add_custom_ignore_filename(".credlintignore");
    }
    let counters = Counters::default();
    let (tx, rx) = mpsc::channel::<Msg>();
    std::thread::scope(|s| {
        let collector = s.spawn(move || {
            let mut report = ScanReport::default();
            for msg in rx {
                match msg {
                    Msg::Unit(path, out) => {
                        report.findings.extend(out.findings);
                        report
                            .warnings
                            .extend(out.warnings.into_iter().map(|message| Warning {
                                path: path.clone(),
                                message,
                            }));
                    }
                    Msg::Warn(w) => report.warnings.push(w),
                }
            }
            report
        });
        builder.build_parallel().run(|| {
            let tx = tx.clone();
            let counters = &counters;
            let strip = strip.clone();
            let mut scratch = Scratch::default();
            Box::new(move |entry| {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        counters.errors.fetch_add(1, Ordering::Relaxed);
                        let _ = tx.send(Msg::Warn(Warning {
                            path: String::new(),
                            message: e.to_string(),
                        }));
                        return WalkState::Continue;
                    }
                };
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    return WalkState::Continue;
                }
                let rel = display_path(entry.path(), strip.as_deref());
                scan_file(
                    entry.path(),
                    &rel,
                    opts,
                    scanner,
                    counters,
                    &mut scratch,
                    &tx,
                );
                WalkState::Continue
            })
        });
        drop(tx);
        let mut report = collector.join().expect("collector thread");
        report.stats = counters.snapshot();
        Ok(report)
    })
}

fn display_path(p: &Path, strip: Option<&Path>) -> String {
    let rel = strip.and_then(|s| p.strip_prefix(s).ok()).unwrap_or(p);
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn scan_file(
    path: &Path,
    rel: &str,
    opts: &ScanOptions,
    scanner: &UnitScanner,
    counters: &Counters,
    scratch: &mut Scratch,
    tx: &mpsc::Sender<Msg>,
) {
    let warn = |message: String| {
        let _ = tx.send(Msg::Warn(Warning {
            path: rel.to_string(),
            message,
        }));
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            counters.errors.fetch_add(1, Ordering::Relaxed);
            warn(format!("cannot open: {e}"));
            return;
        }
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > opts.max_file_size {
        counters.skipped_size.fetch_add(1, Ordering::Relaxed);
        warn(format!(
            "skipped: {size} bytes is over the size limit of {} bytes (--max-file-size)",
            opts.max_file_size
        ));
        return;
    }
    match scan_stream(rel, file, size, Some(path), scanner, scratch, counters) {
        Ok(Some(out)) => {
            if !out.findings.is_empty() || !out.warnings.is_empty() {
                let _ = tx.send(Msg::Unit(rel.to_string(), out));
            }
        }
        Ok(None) => {}
        Err(e) => {
            counters.errors.fetch_add(1, Ordering::Relaxed);
            warn(format!("read error: {e}"));
        }
    }
}

/// Scan standard input or any reader as one unit named `name`.
pub fn scan_reader(
    name: &str,
    reader: impl Read,
    scanner: &UnitScanner,
) -> std::io::Result<ScanReport> {
    let counters = Counters::default();
    let mut scratch = Scratch::default();
    let out = scan_stream(name, reader, 0, None, scanner, &mut scratch, &counters)?;
    let mut report = ScanReport::default();
    if let Some(out) = out {
        report.findings = out.findings;
        report.warnings = out
            .warnings
            .into_iter()
            .map(|message| Warning {
                path: name.to_string(),
                message,
            })
            .collect();
    }
    report.stats = counters.snapshot();
    Ok(report)
}

fn read_up_to(r: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    let start = buf.len();
    let mut limited = r.take(want as u64);
    limited.read_to_end(buf)?;
    Ok(buf.len() - start < want)
}

/// Scan one member of an archive (read by the [`crate::ArchiveHook`]) like a
/// file: whole or in chunks, skipped when binary (`None`). Members that are
/// archives themselves are the hook's to open (it counts the nesting), so
/// this never hands one back to it.
pub fn scan_member(
    name: &str,
    reader: impl Read,
    size_hint: u64,
    scanner: &UnitScanner,
    scratch: &mut Scratch,
) -> std::io::Result<Option<UnitOutput>> {
    let counters = Counters::default();
    let plain = scanner.without_archives();
    scan_stream(name, reader, size_hint, None, &plain, scratch, &counters)
}

/// Scan a stream whose length is `size_hint` when known (else 0): whole
/// when it fits in one chunk (with policy checks and decoding), otherwise
/// in overlapping chunks (leak rules only). `None` when the content is
/// binary. An archive (when the scanner reads archives) goes to the
/// archive hook, with `file` (the stream's path on disk, when it is a
/// file) so that a large zip can be sought.
fn scan_stream(
    name: &str,
    mut reader: impl Read,
    size_hint: u64,
    file: Option<&Path>,
    scanner: &UnitScanner,
    scratch: &mut Scratch,
    counters: &Counters,
) -> std::io::Result<Option<UnitOutput>> {
    // Sized from the file's length, a small file is read in one call (and
    // one more that sees the end) instead of a growing series of reads.
    let mut buf = Vec::with_capacity((size_hint as usize).min(CHUNK) + 1);
    let eof = read_up_to(&mut reader, &mut buf, CHUNK)?;
    let sniff = &buf[..buf.len().min(SNIFF)];
    if let Some(hook) = scanner.archive_for(sniff) {
        counters.files.fetch_add(1, Ordering::Relaxed);
        counters
            .bytes
            .fetch_add(size_hint.max(buf.len() as u64), Ordering::Relaxed);
        let input = match (eof, file) {
            (true, _) => ArchiveInput::Bytes(&buf),
            (false, Some(path)) => ArchiveInput::File(path),
            (false, None) => ArchiveInput::Stream(&buf, &mut reader),
        };
        return Ok(Some(hook.scan(name, input, scanner, scratch)));
    }
    let utf16 = utf16_bom(sniff);
    if utf16.is_none() && memchr::memchr(0, sniff).is_some() {
        counters.skipped_binary.fetch_add(1, Ordering::Relaxed);
        return Ok(None);
    }
    if eof {
        counters.files.fetch_add(1, Ordering::Relaxed);
        counters
            .bytes
            .fetch_add(buf.len() as u64, Ordering::Relaxed);
        if let Some(big_endian) = utf16 {
            let text = transcode_utf16(&buf[2..], big_endian);
            let mut out = scanner.scan_unit(name, text.as_bytes(), scratch);
            for f in &mut out.findings {
                f.properties.insert(
                    "encoding".into(),
                    serde_json::Value::String("utf-16".into()),
                );
                // Offsets refer to the transcoded text; lines and columns are kept.
                if let Some(s) = &mut f.location.span {
                    s.byte_start = 0;
                    s.byte_end = 0;
                }
            }
            return Ok(Some(out));
        }
        return Ok(Some(scanner.scan_unit(name, &buf, scratch)));
    }
    // Chunked. Chunk i is responsible for matches that start in
    // [its start, the next chunk's start); the next chunk starts at a line
    // start within the last OVERLAP bytes, so every match of up to
    // OVERLAP / 2 bytes is seen whole by the chunk responsible for it.
    // A pipeline: this thread reads chunk i+1 while one worker per core
    // scans the chunks before it, so reading never waits for the slowest
    // chunk of a batch and a single large file keeps every core busy. The
    // hand-over is a rendezvous, so at most a chunk per worker plus the
    // one being read are in memory.
    counters.files.fetch_add(1, Ordering::Relaxed);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let mut out = UnitOutput::default();
    if scanner.has_policy() && looks_structured(name) {
        out.warnings.push(format!(
            "larger than {} MiB: scanned for leaks in chunks; policy checks and Secret decoding were not run on it",
            CHUNK >> 20
        ));
    }
    let (tx, rx) = mpsc::sync_channel::<(usize, Vec<u8>, ChunkBase, usize)>(0);
    let rx = std::sync::Mutex::new(rx);
    let (parts, read_result) = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let rx = &rx;
                s.spawn(move || {
                    let mut scratch = Scratch::default();
                    let mut parts = Vec::new();
                    loop {
                        // The lock is held only while waiting for the next
                        // chunk, never while scanning one.
                        let job = rx
                            .lock()
                            .map_err(|_| ())
                            .and_then(|r| r.recv().map_err(|_| ()));
                        let Ok((index, chunk, base, responsible)) = job else {
                            break;
                        };
                        parts.push((
                            index,
                            scanner.scan_chunk(name, &chunk, base, 0..responsible, &mut scratch),
                        ));
                    }
                    parts
                })
            })
            .collect();
        let read_result = feed_chunks(buf, &mut reader, &tx, counters);
        drop(tx);
        let mut parts: Vec<(usize, UnitOutput)> = handles
            .into_iter()
            .flat_map(|h| h.join().expect("chunk scan thread"))
            .collect();
        parts.sort_by_key(|(i, _)| *i);
        (parts, read_result)
    });
    read_result?;
    for (_, p) in parts {
        out.findings.extend(p.findings);
    }
    Ok(Some(out))
}

/// Cut `buf` plus the rest of `reader` into overlapping chunks and hand
/// them to the scan workers, in order.
fn feed_chunks(
    mut buf: Vec<u8>,
    reader: &mut impl Read,
    tx: &mpsc::SyncSender<(usize, Vec<u8>, ChunkBase, usize)>,
    counters: &Counters,
) -> std::io::Result<()> {
    let mut base = ChunkBase::default();
    let mut last = false;
    let mut index = 0;
    while !buf.is_empty() {
        let next = if last {
            buf.len()
        } else {
            let cut = buf.len().saturating_sub(OVERLAP);
            match memchr::memchr(b'\n', &buf[cut..]) {
                Some(i) if i < OVERLAP / 2 => cut + i + 1,
                // No line start near: cut at a character start, so that
                // neither side holds half a character.
                _ => (cut.saturating_sub(3)..=cut)
                    .rev()
                    .find(|&c| buf[c] & 0xC0 != 0x80)
                    .unwrap_or(cut),
            }
        };
        counters.bytes.fetch_add(next as u64, Ordering::Relaxed);
        let this_base = base;
        let chunk = if last {
            std::mem::take(&mut buf)
        } else {
            base.line += memchr::memchr_iter(b'\n', &buf[..next]).count();
            base.byte += next;
            // Where the next chunk starts within its line.
            match memchr::memrchr(b'\n', &buf[..next]) {
                Some(nl) => {
                    base.column = next - nl - 1;
                    base.column_utf16 = credlint_core::utf16_len(&buf[nl + 1..next]);
                }
                None => {
                    base.column += next;
                    base.column_utf16 += credlint_core::utf16_len(&buf[..next]);
                }
            }
            let mut rest = Vec::with_capacity(CHUNK + OVERLAP);
            rest.extend_from_slice(&buf[next..]);
            std::mem::replace(&mut buf, rest)
        };
        if tx.send((index, chunk, this_base, next)).is_err() {
            break;
        }
        index += 1;
        if !last {
            last = read_up_to(reader, &mut buf, CHUNK)?;
        }
    }
    Ok(())
}

/// Names of files the policy checks would read (manifests, Dockerfiles).
fn looks_structured(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".yaml", ".yml", ".json"]
        .iter()
        .any(|e| lower.ends_with(e))
        || lower
            .rsplit('/')
            .next()
            .is_some_and(|f| f.starts_with("dockerfile"))
}

/// UTF-16 by its byte-order mark, confirmed by NULs (UTF-16 text of mostly
/// ASCII has one in every other byte): a file that merely starts with the
/// bytes `FF FE` is scanned as bytes.
fn utf16_bom(b: &[u8]) -> Option<bool> {
    let big_endian = match b {
        [0xFF, 0xFE, ..] => false,
        [0xFE, 0xFF, ..] => true,
        _ => return None,
    };
    memchr::memchr(0, &b[2..]).map(|_| big_endian)
}

fn transcode_utf16(b: &[u8], big_endian: bool) -> String {
    let units = b.chunks_exact(2).map(|c| {
        if big_endian {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}
