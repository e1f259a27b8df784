//! The YAML/manifest parser, the object model and every policy check:
//! `classify` + `check_file` on arbitrary bytes under a chosen path, and
//! each file kind forced on the same bytes.
#![no_main]

use credlint_k8s::FileKind;
use libfuzzer_sys::fuzz_target;

const KINDS: [FileKind; 6] = [
    FileKind::Manifest,
    FileKind::HelmValues,
    FileKind::HelmTemplate,
    FileKind::Kustomization,
    FileKind::Dockerfile,
    FileKind::Compose,
];

fuzz_target!(|data: &[u8]| {
    let Some((&sel, bytes)) = data.split_first() else {
        return;
    };
    let path = credlint_fuzz::path_for(sel);
    let rules = credlint_fuzz::rules();
    // The kind classify picks, or (high bit set) one forced on any bytes.
    let kind = if sel & 0x80 == 0 {
        credlint_k8s::classify(path, bytes)
    } else {
        Some(KINDS[(sel as usize >> 4) % KINDS.len()])
    };
    if let Some(kind) = kind {
        let r = credlint_k8s::check_file(path, bytes, kind, rules);
        for f in &r.findings {
            if let Some(span) = f.location.span {
                assert!(span.byte_start <= span.byte_end && span.byte_end <= bytes.len());
            }
            credlint_fuzz::assert_no_raw_secret(f);
        }
    }
});
