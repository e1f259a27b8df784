//! Archives built at test time (no binary fixtures in the repository) and
//! test-time secrets.

#![allow(dead_code)]

use std::io::Write;
use std::sync::Arc;

use credlint_archive::{read_archive, Archives, Limits, ScanVisitor};
use credlint_leaks::{RuleSet, Scratch};
use credlint_scan::{ArchiveInput, UnitOutput, UnitScanner};

/// A GitHub classic token with a valid checksum, built from a seed.
pub fn token(seed: &str) -> String {
    const A: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for b in seed.bytes() {
        x = (x ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    let r: String = (0..30)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            A[(x % 62) as usize] as char
        })
        .collect();
    let sum = credlint_leaks::validate::crc32_checksum(r.as_bytes());
    format!("{}{r}{sum}", "ghp_")
}

/// A config file with `token` on line 2, column 14.
pub fn config(token: &str) -> Vec<u8> {
    format!("debug: true\ngithub_token: {token}\n").into_bytes()
}

pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

pub fn tar(entries: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_cksum();
        b.append(&h, *data).unwrap();
    }
    b.into_inner().unwrap()
}

pub fn tar_symlink(name: &str, target: &str) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Symlink);
    h.set_size(0);
    b.append_link(&mut h, name, target).unwrap();
    let mut out = b.into_inner().unwrap();
    // Drop the end-of-archive blocks so that more entries can follow.
    out.truncate(512);
    out
}

pub fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn bz2(data: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn xz(data: &[u8]) -> Vec<u8> {
    let mut w =
        lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::with_preset(1)).unwrap();
    w.write_all(data).unwrap();
    w.finish().unwrap()
}

pub fn zst(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

pub fn scanner() -> UnitScanner {
    UnitScanner::new(Arc::new(RuleSet::embedded().unwrap()), None, false)
}

/// Scan the archive `bytes` named `name` with `limits`.
pub fn scan(name: &str, bytes: &[u8], limits: Limits) -> UnitOutput {
    let s = scanner();
    let mut scratch = Scratch::default();
    let mut v = ScanVisitor {
        scanner: &s,
        scratch: &mut scratch,
        out: UnitOutput::default(),
    };
    assert!(read_archive(
        name,
        ArchiveInput::Bytes(bytes),
        &limits,
        &mut v
    ));
    v.out
}

/// Scan through the hook, as `scan` and `git` do.
pub fn scan_hook(name: &str, input: ArchiveInput<'_>, limits: Limits) -> UnitOutput {
    use credlint_scan::ArchiveHook;
    let s = scanner();
    let mut scratch = Scratch::default();
    Archives::new(limits).scan(name, input, &s, &mut scratch)
}

/// `(path, line, column)` of each finding, sorted.
pub fn places(out: &UnitOutput) -> Vec<(String, usize, usize)> {
    let mut v: Vec<_> = out
        .findings
        .iter()
        .map(|f| {
            let s = f.location.span.unwrap();
            (
                f.location.path.clone().unwrap(),
                s.start_line,
                s.start_column,
            )
        })
        .collect();
    v.sort();
    v
}

/// Incompressible bytes (xorshift), deterministic.
pub fn noise(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}
