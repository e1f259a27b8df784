//! The decoders: base64, every format validator (JWT, base64 user:pass,
//! private key, checksums...), and the Secret `data:` decoding of
//! `UnitScanner::scan_unit` (including a `.dockerconfigjson` whose `auth`
//! values are base64 again), on arbitrary bytes.
#![no_main]

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use credlint_leaks::validate::{self, Validator};
use credlint_leaks::Scratch;
use libfuzzer_sys::fuzz_target;

const VALIDATORS: [Validator; 11] = [
    Validator::Crc32Base62,
    Validator::Jwt,
    Validator::Base64UserPass,
    Validator::Base64PrivateKey,
    Validator::GenericSecret,
    Validator::MixedChars,
    Validator::UrlPassword,
    Validator::UpperLowerDigit,
    Validator::UriPassword,
    Validator::GenericSecretStrict,
    Validator::Base64UserPassStrict,
];

fuzz_target!(|data: &[u8]| {
    let _ = validate::decode_base64(data);
    let _ = validate::shannon_entropy(data);
    let _ = validate::placeholder(data);
    // `<secret> NUL <key>`: validators see the secret capture and the key.
    let (secret, key) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    for v in VALIDATORS {
        let _ = v.check(secret, key);
    }

    let scanner = credlint_fuzz::scanner();
    let mut scratch = Scratch::default();
    // The fuzz bytes as the value itself (the line reader must cope with
    // anything), and base64-encoded so the decoded text is arbitrary.
    let mut raw = b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  token: ".to_vec();
    raw.extend_from_slice(data);
    raw.push(b'\n');
    let encoded = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {}\n  password: {}\n",
        B64.encode(data),
        B64.encode(secret),
    );
    for unit in [&raw[..], encoded.as_bytes()] {
        let out = scanner.scan_unit("secret.yaml", unit, &mut scratch);
        for f in &out.findings {
            credlint_fuzz::assert_no_raw_secret(f);
        }
    }
});
