//! Which archive or compression format a unit is, by its first bytes.
//!
//! Magic bytes decide, never the name alone: a `.jar` is a zip, a layer
//! blob has no extension at all, and a `config.zip` that is really text is
//! scanned as text.

/// A container or compression format this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// zip and everything built on it: jar, war, ear, whl, nupkg, apk, docx.
    Zip,
    /// POSIX (ustar, pax), GNU or old v7 tar.
    Tar,
    /// gzip (`.gz`, `.tgz`), possibly several members in a row.
    Gzip,
    /// bzip2.
    Bzip2,
    /// xz.
    Xz,
    /// zstd (one frame).
    Zstd,
}

impl Format {
    /// Whether the format compresses one stream (as opposed to holding
    /// named members).
    pub fn is_compression(self) -> bool {
        !matches!(self, Format::Zip | Format::Tar)
    }
}

/// Bytes of a unit's start that [`sniff`] needs to recognise every format
/// (a tar header is one 512-byte block).
pub const HEAD: usize = 512;

/// The format `head` (a unit's first bytes, [`HEAD`] of them when the unit
/// is that long) starts, if any.
pub fn sniff(head: &[u8]) -> Option<Format> {
    if head.starts_with(b"PK\x03\x04") {
        return Some(Format::Zip);
    }
    if head.starts_with(&[0x1f, 0x8b, 0x08]) {
        return Some(Format::Gzip);
    }
    // "BZh", a block size digit, then a block's or the end's magic number.
    if head.len() >= 10
        && head.starts_with(b"BZh")
        && (b'1'..=b'9').contains(&head[3])
        && (head[4..10] == [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]
            || head[4..10] == [0x17, 0x72, 0x45, 0x38, 0x50, 0x90])
    {
        return Some(Format::Bzip2);
    }
    if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        return Some(Format::Xz);
    }
    if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Some(Format::Zstd);
    }
    if is_tar(head) {
        return Some(Format::Tar);
    }
    None
}

/// A tar header: the `ustar` magic, or (old v7 archives have none) a
/// header checksum that adds up.
fn is_tar(head: &[u8]) -> bool {
    if head.len() < HEAD {
        return false;
    }
    if &head[257..262] == b"ustar" {
        return true;
    }
    // v7: a name, and the checksum field (octal, NUL/space padded) equal to
    // the sum of the header's bytes with that field counted as spaces.
    if head[0] == 0 {
        return false;
    }
    let field = &head[148..156];
    let digits: Vec<u8> = field
        .iter()
        .copied()
        .skip_while(|&b| b == b' ')
        .take_while(|b| (b'0'..=b'7').contains(b))
        .collect();
    if digits.is_empty()
        || !field[digits.len()..]
            .iter()
            .all(|&b| b == 0 || b == b' ' || (b'0'..=b'7').contains(&b))
    {
        return false;
    }
    let Some(stored) = std::str::from_utf8(&digits)
        .ok()
        .and_then(|d| u64::from_str_radix(d, 8).ok())
    else {
        return false;
    };
    let sum: u64 = head[..HEAD]
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                u64::from(b' ')
            } else {
                u64::from(b)
            }
        })
        .sum();
    sum == stored
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_decide() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Some(Format::Zip));
        assert_eq!(sniff(&[0x1f, 0x8b, 0x08, 0]), Some(Format::Gzip));
        assert_eq!(sniff(b"BZh91AY&SY...."), Some(Format::Bzip2));
        assert_eq!(sniff(&[0xfd, b'7', b'z', b'X', b'Z', 0]), Some(Format::Xz));
        assert_eq!(sniff(&[0x28, 0xb5, 0x2f, 0xfd, 0]), Some(Format::Zstd));
        assert_eq!(sniff(b"password = hunter2\n"), None);
        assert_eq!(sniff(b"BZh9 is not bzip2"), None);
        assert_eq!(sniff(&[b'a'; 600]), None);
    }

    #[test]
    fn tar_headers_with_and_without_magic() {
        let mut h = tar::Header::new_ustar();
        h.set_path("a.txt").unwrap();
        h.set_size(3);
        h.set_cksum();
        assert_eq!(sniff(h.as_bytes()), Some(Format::Tar));
        let mut old = tar::Header::new_old();
        old.set_path("a.txt").unwrap();
        old.set_size(3);
        old.set_cksum();
        assert_eq!(sniff(old.as_bytes()), Some(Format::Tar));
        let mut bad = *old.as_bytes();
        bad[0] = b'b';
        assert_eq!(sniff(&bad), None);
    }
}
