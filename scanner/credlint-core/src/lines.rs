//! Mapping byte offsets in a text unit to 1-based lines and columns.

use std::sync::OnceLock;

/// Line starts of one unit's bytes, built once per unit that has a finding
/// (never on the hot path of a clean file).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
    /// Built by the first UTF-16 column that needs it (a long line).
    utf16: OnceLock<Utf16Marks>,
}

/// A line prefix up to this many bytes is measured directly; a longer one
/// through [`Utf16Marks`], so that many columns on one huge line (minified
/// JSON, a flow-style YAML document) stay cheap.
const DIRECT_UTF16: usize = 256;

/// Bytes between two [`Utf16Marks`] checkpoints (at most this plus 3).
const UTF16_STEP: usize = 64;

/// UTF-16 code units before a character start, every [`UTF16_STEP`] bytes.
#[derive(Debug, Clone)]
enum Utf16Marks {
    /// The unit is ASCII: UTF-16 columns are byte columns.
    Ascii,
    /// `(offset, units)`: a character starts at `offset` and the bytes
    /// before it are `units` UTF-16 code units. The first is `(0, 0)`.
    Marks(Vec<(usize, usize)>),
}

impl LineIndex {
    /// Index the line starts of `bytes`.
    pub fn new(bytes: &[u8]) -> Self {
        let mut starts = Vec::with_capacity(bytes.len() / 40 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        LineIndex {
            starts,
            len: bytes.len(),
            utf16: OnceLock::new(),
        }
    }

    /// 0-based line of `offset` (not past the end of the unit).
    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// 1-based line and 1-based column (in bytes) of `offset`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        (line + 1, offset - self.starts[line] + 1)
    }

    /// 1-based column of `offset` in UTF-16 code units: what SARIF's
    /// `utf16CodeUnits` column kind, LSP and most editors count. `bytes` must
    /// be the bytes this index was built from.
    ///
    /// The line's bytes before `offset` are read as UTF-8: a character of
    /// one to three bytes is one unit, a four-byte character (outside the
    /// Basic Multilingual Plane, e.g. most emoji) is two, and each byte that
    /// is not part of a valid UTF-8 sequence is one. An offset inside a
    /// character counts that whole character. On an ASCII prefix this is the
    /// byte column of [`LineIndex::line_col`].
    pub fn utf16_column(&self, bytes: &[u8], offset: usize) -> usize {
        debug_assert_eq!(bytes.len(), self.len, "not the bytes of this index");
        let offset = offset.min(self.len).min(bytes.len());
        let start = self.starts[self.line_of(offset)].min(offset);
        if offset - start <= DIRECT_UTF16 {
            return utf16_units(bytes, start, offset) + 1;
        }
        let marks = self.utf16.get_or_init(|| Utf16Marks::new(bytes));
        marks.units_before(bytes, offset) - marks.units_before(bytes, start) + 1
    }

    /// Byte range of 1-based `line`, without its line terminator.
    pub fn line_range(&self, bytes: &[u8], line: usize) -> std::ops::Range<usize> {
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.len);
        let mut end = self.starts.get(line).copied().unwrap_or(self.len);
        while end > start && matches!(bytes.get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        start..end
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

impl Utf16Marks {
    fn new(bytes: &[u8]) -> Self {
        if bytes.is_ascii() {
            return Utf16Marks::Ascii;
        }
        let mut marks = Vec::with_capacity(bytes.len() / UTF16_STEP + 1);
        let (mut at, mut units, mut next) = (0, 0, 0);
        while at < bytes.len() {
            if at >= next {
                marks.push((at, units));
                next = at + UTF16_STEP;
            }
            let (len, n) = char_at(&bytes[at..]);
            at += len;
            units += n;
        }
        Utf16Marks::Marks(marks)
    }

    /// UTF-16 units of `bytes[..offset]`, counted as [`utf16_units`] does.
    fn units_before(&self, bytes: &[u8], offset: usize) -> usize {
        match self {
            Utf16Marks::Ascii => offset,
            Utf16Marks::Marks(marks) => {
                // `marks[0]` is `(0, 0)`, so there is always one at or before.
                let i = marks.partition_point(|&(at, _)| at <= offset) - 1;
                let (at, units) = marks[i];
                units + utf16_units(bytes, at, offset)
            }
        }
    }
}

/// UTF-16 code units of `bytes` read as UTF-8, counted as
/// [`LineIndex::utf16_column`] counts them.
pub fn utf16_len(bytes: &[u8]) -> usize {
    if bytes.is_empty() {
        return 0;
    }
    utf16_units(bytes, 0, bytes.len())
}

/// UTF-16 code units of the characters that start in `bytes[from..to]`;
/// `from` must be a character start (see [`LineIndex::utf16_column`]).
fn utf16_units(bytes: &[u8], from: usize, to: usize) -> usize {
    if bytes[from..to].is_ascii() {
        return to - from;
    }
    let (mut at, mut units) = (from, 0);
    while at < to {
        let (len, n) = char_at(&bytes[at..]);
        at += len;
        units += n;
    }
    units
}

/// Length in bytes and in UTF-16 code units of the character `rest`
/// (not empty) starts with. A byte that does not start a valid UTF-8
/// sequence is a character of its own: one byte, one unit.
fn char_at(rest: &[u8]) -> (usize, usize) {
    let len = match rest[0] {
        0x00..=0x7F => return (1, 1),
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return (1, 1),
    };
    match rest.get(..len) {
        // `from_utf8` also rejects overlong forms and surrogates.
        Some(seq) if std::str::from_utf8(seq).is_ok() => (len, if len == 4 { 2 } else { 1 }),
        _ => (1, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_offsets() {
        let text = b"ab\ncd\r\nef";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(0), (1, 1));
        assert_eq!(idx.line_col(3), (2, 1));
        assert_eq!(idx.line_col(8), (3, 2));
        assert_eq!(&text[idx.line_range(text, 2)], b"cd");
        assert_eq!(&text[idx.line_range(text, 3)], b"ef");
        assert_eq!(idx.line_count(), 3);
    }

    /// UTF-16 columns of every character boundary of every line of `text`,
    /// the slow way.
    fn check_all(text: &str) {
        let idx = LineIndex::new(text.as_bytes());
        for (off, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let line_start = text[..off].rfind('\n').map_or(0, |i| i + 1);
            let want = text[line_start..off].encode_utf16().count() + 1;
            assert_eq!(
                idx.utf16_column(text.as_bytes(), off),
                want,
                "offset {off} of a {}-byte text",
                text.len()
            );
        }
    }

    #[test]
    fn utf16_columns() {
        // ASCII: the byte column.
        let t = b"ab\ncd = x";
        let idx = LineIndex::new(t);
        for off in 0..=t.len() {
            assert_eq!(idx.utf16_column(t, off), idx.line_col(off).1);
        }
        // Two-byte é, three-byte CJK: one unit; four-byte emoji: two units.
        for (text, eq_col, byte_col) in [
            ("\u{e9}l\u{e9}v\u{e9}=x", 6, 9),
            ("\u{5bc6}\u{7801}=x", 3, 7),
            ("\u{1f511}=x", 3, 5),
            ("a\u{e9}\u{5bc6}\u{1f511}=x", 6, 11),
        ] {
            let idx = LineIndex::new(text.as_bytes());
            let eq = text.find('=').unwrap();
            assert_eq!(idx.line_col(eq), (1, byte_col), "{text}");
            assert_eq!(idx.utf16_column(text.as_bytes(), eq), eq_col, "{text}");
        }
        // Columns restart on each line.
        let t = "\u{1f511}\u{1f511}\n\u{e9}=x";
        let idx = LineIndex::new(t.as_bytes());
        assert_eq!(idx.utf16_column(t.as_bytes(), t.find('=').unwrap()), 2);
        assert_eq!(idx.utf16_column(t.as_bytes(), t.find('\n').unwrap()), 5);
        // Invalid UTF-8: one unit per byte that is not part of a valid sequence
        // (a stray byte, a truncated sequence, a surrogate, an overlong form).
        for (t, col) in [
            (&b"\xff\xfe=x"[..], 3),
            (b"\xe2\x82=x", 3),
            (b"\xe2\x82\xac=x", 2),
            (b"\xed\xa0\x80=x", 4),
            (b"\xc0\x80=x", 3),
            (b"\x80\xf0\x9f\x94\x91=x", 4),
        ] {
            let idx = LineIndex::new(t);
            let eq = t.iter().position(|&b| b == b'=').unwrap();
            assert_eq!(idx.utf16_column(t, eq), col, "{t:?}");
        }
        // An offset inside a character counts the whole character.
        let t = "\u{1f511}=x";
        let idx = LineIndex::new(t.as_bytes());
        assert_eq!(idx.utf16_column(t.as_bytes(), 2), 3);
        // Past the end: the end.
        assert_eq!(idx.utf16_column(t.as_bytes(), 99), 5);
    }

    #[test]
    fn utf16_columns_on_long_lines() {
        // Long lines go through the checkpoints; they must agree with the
        // direct count, wherever the checkpoints fall.
        let mixed = "k\u{e9}y \u{5bc6}\u{7801} \u{1f511} = \"v\", ".repeat(40);
        check_all(&mixed);
        check_all(&format!(
            "short \u{e9}\n{mixed}\n{}\n{mixed}",
            "x".repeat(700)
        ));
        check_all(&format!("\u{e9}\n{}", "ascii only, ".repeat(60)));
        check_all(&"plain ascii ".repeat(60));
        // Invalid bytes on a long line: the same as one unit per byte.
        let mut t = "a".repeat(300).into_bytes();
        t.extend_from_slice(b"\xff\xe2\x82");
        t.extend_from_slice("\u{1f511}".repeat(100).as_bytes());
        t.push(b'=');
        let idx = LineIndex::new(&t);
        assert_eq!(idx.utf16_column(&t, t.len() - 1), 300 + 3 + 200 + 1);
    }
}
