//! A secret value that cannot be printed or serialised whole by accident.

use std::fmt;

/// The matched secret. `Debug` and `Display` show the masked form; the raw
/// value is only reachable through [`SecretValue::expose`], which reporters
/// call only when the user passed `--reveal`. It deliberately does not
/// implement `Serialize`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SecretValue(String);

impl SecretValue {
    /// Wrap raw bytes (invalid UTF-8 is replaced, never dropped).
    pub fn from_bytes(raw: &[u8]) -> Self {
        SecretValue(String::from_utf8_lossy(raw).into_owned())
    }

    /// Wrap a string.
    pub fn new(raw: impl Into<String>) -> Self {
        SecretValue(raw.into())
    }

    /// The raw value. Only for `--reveal`, hashing and validation.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in characters.
    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }

    /// The masked form: a short prefix (at most 4 characters and never more
    /// than a quarter of the value), then one `*` per hidden character, at most
    /// 32 of them. Multi-line values (private keys) show only their first line's
    /// prefix.
    pub fn masked(&self) -> String {
        let first_line = self.0.lines().next().unwrap_or("");
        let n = self.char_len();
        let keep = (n / 4).min(4);
        let mut out: String = first_line.chars().take(keep).collect();
        let hidden = n - out.chars().count();
        out.extend(std::iter::repeat_n('*', hidden.min(32)));
        if hidden > 32 {
            out.push('…');
        }
        out
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretValue({})", self.masked())
    }
}

impl fmt::Display for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_a_short_prefix() {
        let s = SecretValue::new("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
        let m = s.masked();
        assert!(m.starts_with("ghp_"));
        assert!(!m.contains("abcdef"));
        assert_eq!(format!("{s:?}"), format!("SecretValue({m})"));
        assert_eq!(SecretValue::new("abc").masked(), "***");
        let short = SecretValue::new("hunter2!");
        assert_eq!(short.masked(), "hu******");
    }

    #[test]
    fn multi_line_values_show_no_second_line() {
        let s = SecretValue::new("MIIE\nsecondline\nthird");
        assert!(!s.masked().contains("second"));
    }
}
