//! The archive reader (`credlint_archive::read_archive`) on arbitrary bytes:
//! zip, tar, gz, bz2, xz and zst headers and streams, nested, with small
//! limits so that a bomb the fuzzer builds is stopped quickly. The first
//! byte picks a format prefix (so every decoder sees arbitrary data after
//! a valid magic), the rest is the archive. Members are scanned with the
//! binary's scanner.
#![no_main]

use credlint_archive::{read_archive, Limits, ScanVisitor};
use credlint_leaks::Scratch;
use credlint_scan::{ArchiveInput, UnitOutput};
use libfuzzer_sys::fuzz_target;

const MAGIC: &[&[u8]] = &[
    b"",
    b"PK\x03\x04",
    &[0x1f, 0x8b, 0x08],
    b"BZh91AY&SY",
    &[0xfd, b'7', b'z', b'X', b'Z', 0x00],
    &[0x28, 0xb5, 0x2f, 0xfd],
];

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let mut bytes = MAGIC[sel as usize % MAGIC.len()].to_vec();
    bytes.extend_from_slice(rest);
    let limits = Limits {
        max_depth: 3,
        max_total_bytes: 8 << 20,
        max_ratio: 100,
        ratio_floor: 1 << 20,
        max_members: 1000,
        max_buffer: 4 << 20,
    };
    let scanner = credlint_fuzz::scanner();
    let mut scratch = Scratch::default();
    let mut v = ScanVisitor {
        scanner,
        scratch: &mut scratch,
        out: UnitOutput::default(),
    };
    // Whole in memory (a blob) and as a stream (standard input).
    read_archive("f", ArchiveInput::Bytes(&bytes), &limits, &mut v);
    let split = bytes.len().min(7);
    let mut tail = std::io::Cursor::new(&bytes[split..]);
    read_archive(
        "s",
        ArchiveInput::Stream(&bytes[..split], &mut tail),
        &limits,
        &mut v,
    );
    for f in &v.out.findings {
        credlint_fuzz::assert_no_raw_secret(f);
        let p = f.location.path.as_deref().unwrap_or("");
        assert!(p.starts_with("f!") || p.starts_with("s!"), "{p}");
    }
});
