//! The Helm release decoder (`data.release`: base64 of base64 of gzip of
//! JSON, as the API shows it) on arbitrary text, and on arbitrary bytes
//! wrapped in the two base64 layers so the gzip/JSON stages see fuzz data.
#![no_main]

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use credlint_cluster::checks::helm_release_values::decode_release;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = decode_release(text);
    }
    let _ = decode_release(&B64.encode(B64.encode(data)));
});
