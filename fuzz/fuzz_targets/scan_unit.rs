//! The whole scan of one arbitrary byte buffer: keyword prefilter, windows,
//! regexes, filters, Secret decoding, allow comments, snippets, and the
//! policy hook (Kubernetes, Helm, Kustomize, Dockerfile, Compose checks) as
//! the binary wires it; then the same bytes as a chunk of a large unit.
#![no_main]

use credlint_leaks::Scratch;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, bytes)) = data.split_first() else {
        return;
    };
    let path = credlint_fuzz::path_for(sel);
    let scanner = credlint_fuzz::scanner();
    let mut scratch = Scratch::default();
    let out = scanner.scan_unit(path, bytes, &mut scratch);
    for f in &out.findings {
        if let Some(span) = f.location.span {
            assert!(span.byte_start <= span.byte_end && span.byte_end <= bytes.len());
            assert!(span.start_line >= 1 && span.start_line <= span.end_line);
        }
        credlint_fuzz::assert_no_raw_secret(f);
    }
    // As one chunk of a large unit, responsible for its first half only
    // (chunk bases are internal to the walker).
    let half = (sel as usize * bytes.len()) / 256;
    let chunk = scanner.scan_chunk(path, bytes, Default::default(), 0..half, &mut scratch);
    for f in &chunk.findings {
        credlint_fuzz::assert_no_raw_secret(f);
    }
});
