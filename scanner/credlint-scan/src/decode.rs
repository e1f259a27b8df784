//! Values inside structured files that must be decoded before they can be
//! scanned: the base64 `data:` of a Kubernetes `Secret` (which may itself be
//! a `.dockerconfigjson` holding base64 `auth` values the rules decode).
//!
//! This is a line-level reader, not a YAML parser: it needs only
//! `kind: Secret` and the indented `key: value` lines under `data:`, and it
//! must never fail on a file that is not YAML at all. The policy checks use
//! a real YAML parser with spans.

use std::ops::Range;

/// One decoded value and where its encoded form sits in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The key under `data:`.
    pub key: String,
    /// Byte range of the encoded value in the unit.
    pub anchor: Range<usize>,
    /// The decoded bytes.
    pub bytes: Vec<u8>,
}

/// Decoded `data:` values of every `kind: Secret` document in `text`.
pub fn secret_data(text: &[u8]) -> Vec<Decoded> {
    section_values(text, b"Secret", b"data:")
        .into_iter()
        .filter_map(|(key, anchor)| {
            let v = &text[anchor.clone()];
            if v.len() < 4
                || !v
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || b"+/=_-".contains(b))
            {
                return None;
            }
            let bytes = credlint_leaks::validate::decode_base64(v)?;
            if bytes.is_empty() || bytes.iter().filter(|&&b| b == 0).count() > bytes.len() / 10 {
                return None;
            }
            Some(Decoded { key, anchor, bytes })
        })
        .collect()
}

/// Ranges of ciphertext that is safe to commit by design: the
/// `encryptedData:` values of a Bitnami `SealedSecret`.
pub fn sealed_ranges(text: &[u8]) -> Vec<Range<usize>> {
    section_values(text, b"SealedSecret", b"encryptedData:")
        .into_iter()
        .map(|(_, r)| r)
        .collect()
}

/// `(key, value range)` of each `key: value` line directly under `section`
/// in every document whose top-level `kind` is `kind`.
fn section_values(text: &[u8], kind: &[u8], section: &[u8]) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    if memchr::memmem::find(text, section).is_none() || !has_kind_line(text, kind) {
        return out;
    }
    let mut doc_start = 0;
    for (start, line) in lines(text) {
        if line.starts_with(b"---") {
            scan_doc(text, doc_start, start, kind, section, &mut out);
            doc_start = start + line.len();
        }
    }
    scan_doc(text, doc_start, text.len(), kind, section, &mut out);
    out
}

/// Whether some line is a top-level `kind: <kind>`, found without walking
/// the lines of the (usually unrelated) text: only `kind:` occurrences are
/// looked at.
fn has_kind_line(text: &[u8], kind: &[u8]) -> bool {
    memchr::memmem::find_iter(text, b"kind:").any(|at| {
        if at > 0 && text[at - 1] != b'\n' {
            return false;
        }
        let rest = &text[at + 5..];
        let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        rest[..end].trim_ascii() == kind
    })
}

fn lines(text: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &text[pos..]).map_or(text.len(), |i| pos + i + 1);
        let start = pos;
        pos = end;
        Some((start, &text[start..end]))
    })
}

fn indent(line: &[u8]) -> usize {
    line.iter().take_while(|&&b| b == b' ').count()
}

fn scan_doc(
    text: &[u8],
    start: usize,
    end: usize,
    kind: &[u8],
    section: &[u8],
    out: &mut Vec<(String, Range<usize>)>,
) {
    let doc = &text[start..end];
    let is_kind = lines(doc).any(|(_, l)| {
        let t = l.trim_ascii();
        t.starts_with(b"kind:") && t[5..].trim_ascii() == kind && indent(l) == 0
    });
    if !is_kind {
        return;
    }
    let mut section_indent: Option<usize> = None;
    let mut child_indent: Option<usize> = None;
    for (off, line) in lines(doc) {
        let t = line.trim_ascii();
        if t.is_empty() || t.starts_with(b"#") {
            continue;
        }
        let ind = indent(line);
        if let Some(si) = section_indent {
            if ind <= si {
                section_indent = None;
                child_indent = None;
            } else if child_indent.is_none_or(|ci| ci == ind) {
                child_indent = Some(ind);
                if let Some(kv) = key_value(start + off, line) {
                    out.push(kv);
                }
                continue;
            } else {
                continue;
            }
        }
        if t == section {
            section_indent = Some(ind);
        }
    }
}

fn key_value(line_start: usize, line: &[u8]) -> Option<(String, Range<usize>)> {
    let colon = memchr::memchr(b':', line)?;
    let key = line[..colon].trim_ascii();
    let key = key
        .strip_prefix(b"\"")
        .and_then(|k| k.strip_suffix(b"\""))
        .unwrap_or(key);
    let raw = &line[colon + 1..];
    let lead = raw.len() - raw.trim_ascii_start().len();
    let mut v = raw.trim_ascii();
    let mut vstart = colon + 1 + lead;
    if let Some(inner) = v
        .strip_prefix(b"\"")
        .and_then(|x| x.strip_suffix(b"\""))
        .or_else(|| v.strip_prefix(b"'").and_then(|x| x.strip_suffix(b"'")))
    {
        v = inner;
        vstart += 1;
    }
    if v.is_empty() {
        return None;
    }
    let anchor_start = line_start + vstart;
    Some((
        String::from_utf8_lossy(key).into_owned(),
        anchor_start..anchor_start + v.len(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_secret_data_only() {
        let y = b"apiVersion: v1\nkind: ConfigMap\ndata:\n  a: aGVsbG8=\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  password: \"aHVudGVyMg==\"\n  user: YWRtaW4=\ntype: Opaque\n";
        let d = secret_data(y);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].key, "password");
        assert_eq!(d[0].bytes, b"hunter2");
        assert_eq!(&y[d[0].anchor.clone()], b"aHVudGVyMg==");
        assert_eq!(d[1].bytes, b"admin");
    }

    #[test]
    fn sealed_secret_ciphertext() {
        let y = b"kind: SealedSecret\nspec:\n  encryptedData:\n    password: AgBy3i4OJSWK\n";
        let r = sealed_ranges(y);
        assert_eq!(r.len(), 1);
        assert_eq!(&y[r[0].clone()], b"AgBy3i4OJSWK");
    }

    #[test]
    fn kind_line_decides() {
        // Only a top-level `kind: Secret` line makes a Secret: the word in
        // a value, a nested key or another kind does not.
        let not = b"kind: Deployment\nmetadata:\n  annotations:\n    note: Secret\n    kind: Secret\ndata:\n  password: aHVudGVyMg==\n";
        assert!(secret_data(not).is_empty());
        let spaced = b"apiVersion: v1\r\nkind:   Secret  \r\ndata:\r\n  password: aHVudGVyMg==\r\n";
        let d = secret_data(spaced);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].bytes, b"hunter2");
    }

    #[test]
    fn ignores_non_yaml() {
        assert!(secret_data(b"kind: Secret but not really\x00\xff").is_empty());
    }
}
