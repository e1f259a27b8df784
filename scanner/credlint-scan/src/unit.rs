//! One text unit in, findings out.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use credlint_core::{
    fingerprint, Finding, FindingKind, LineIndex, Location, SecretValue, Snippet, Span, Suppression,
};
use credlint_leaks::{Candidate, FilterReason, RuleSet, Scratch};

use crate::decode;

/// What a policy hook returns for one file.
#[derive(Debug, Default)]
pub struct PolicyOutput {
    /// Policy findings.
    pub findings: Vec<Finding>,
    /// Problems with the file (e.g. malformed YAML), for the warning list.
    pub warnings: Vec<String>,
}

/// Policy checks the binary plugs in: `(path, bytes) -> findings`. Kept as a
/// function so this crate does not depend on the Kubernetes checks.
pub type PolicyHook = Arc<dyn Fn(&str, &[u8]) -> PolicyOutput + Send + Sync>;

/// Findings of one unit, reported and suppressed.
#[derive(Debug, Default)]
pub struct UnitOutput {
    /// Findings, including suppressed ones when asked for (their
    /// `suppressed` is set).
    pub findings: Vec<Finding>,
    /// Per-unit problems.
    pub warnings: Vec<String>,
}

/// What an [`ArchiveHook`] is handed: the archive's bytes, or where to
/// read them.
pub enum ArchiveInput<'a> {
    /// The whole archive in memory (a git blob, a small file, a nested member).
    Bytes(&'a [u8]),
    /// A file on disk, which can be opened and sought (a zip's index is at
    /// its end).
    File(&'a std::path::Path),
    /// A stream: the bytes already read from it, then the rest.
    Stream(&'a [u8], &'a mut dyn std::io::Read),
}

/// Reads archives (zip, tar, compressed streams) whose members are scanned
/// as files through the same [`UnitScanner`]. Kept as a trait so this crate
/// does not depend on the archive decoders; the binary installs one with
/// [`UnitScanner::with_archives`].
pub trait ArchiveHook: Send + Sync {
    /// Whether a unit starting with `head` (its first bytes, up to 8 KiB) is
    /// an archive this hook reads.
    fn is_archive(&self, head: &[u8]) -> bool;
    /// Scan every member of the archive `name` with `scanner`; problems
    /// with the archive or a member are warnings in the output.
    fn scan(
        &self,
        name: &str,
        input: ArchiveInput<'_>,
        scanner: &UnitScanner,
        scratch: &mut Scratch,
    ) -> UnitOutput;
}

/// Where a chunk sits in its unit, for chunked scans of large inputs.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChunkBase {
    /// Byte offset of the chunk in the unit.
    pub byte: usize,
    /// Lines before the chunk.
    pub line: usize,
    /// How far into its line the chunk starts (bytes, and UTF-16 code
    /// units): a chunk cut from a long line continues that line, and its
    /// first line's columns count from the line's real start.
    pub column: usize,
    /// The same, in UTF-16 code units.
    pub column_utf16: usize,
}

/// Scans text units with a rule set and an optional policy hook.
#[derive(Clone)]
pub struct UnitScanner {
    rules: Arc<RuleSet>,
    policy: Option<PolicyHook>,
    keep_suppressed: bool,
    archives: Option<Arc<dyn ArchiveHook>>,
}

impl std::fmt::Debug for UnitScanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnitScanner")
            .field("rules", &self.rules.rules().len())
            .field("policy", &self.policy.is_some())
            .field("keep_suppressed", &self.keep_suppressed)
            .field("archives", &self.archives.is_some())
            .finish()
    }
}

impl UnitScanner {
    /// A scanner over `rules`. With `keep_suppressed`, candidates dropped by a
    /// filter or an allow comment are returned too, marked suppressed.
    pub fn new(rules: Arc<RuleSet>, policy: Option<PolicyHook>, keep_suppressed: bool) -> Self {
        UnitScanner {
            rules,
            policy,
            keep_suppressed,
            archives: None,
        }
    }

    /// The same scanner, reading archives with `hook`: a file or blob that
    /// `hook` recognises is handed to it instead of being scanned (or
    /// skipped as binary) whole.
    pub fn with_archives(mut self, hook: Arc<dyn ArchiveHook>) -> Self {
        self.archives = Some(hook);
        self
    }

    /// The same scanner without its archive reader.
    pub(crate) fn without_archives(&self) -> UnitScanner {
        UnitScanner {
            archives: None,
            ..self.clone()
        }
    }

    /// The archive reader, when one is installed and `head` starts an archive.
    pub fn archive_for(&self, head: &[u8]) -> Option<&Arc<dyn ArchiveHook>> {
        self.archives.as_ref().filter(|h| h.is_archive(head))
    }

    /// Whether policy checks run on whole units.
    pub fn has_policy(&self) -> bool {
        self.policy.is_some()
    }

    /// The rule set.
    pub fn rules(&self) -> &Arc<RuleSet> {
        &self.rules
    }

    /// Scan a whole unit: leak rules, decoded Secret values, policy checks.
    pub fn scan_unit(&self, path: &str, bytes: &[u8], scratch: &mut Scratch) -> UnitOutput {
        let mut out = UnitOutput::default();
        let mut lines: Option<LineIndex> = None;
        let mut candidates = self.rules.scan(bytes, scratch);
        let decoded = decode::secret_data(bytes);
        let sealed = decode::sealed_ranges(bytes);
        for c in &mut candidates {
            if c.verdict.is_ok()
                && sealed
                    .iter()
                    .any(|r| c.secret.start < r.end && r.start < c.secret.end)
            {
                c.verdict = Err(FilterReason::Format("SealedSecret ciphertext"));
            }
        }
        // A decoded value is judged on what it decodes to: a generic rule's
        // hit on its encoded form would only repeat (or guess at) that.
        for c in &mut candidates {
            let generic = self.rules.rules()[c.rule].spec.generic;
            if generic
                && c.verdict.is_ok()
                && decoded
                    .iter()
                    .any(|d| c.secret.start < d.anchor.end && d.anchor.start < c.secret.end)
            {
                c.verdict = Err(FilterReason::Duplicate("the decoded value".into()));
            }
        }
        self.collect(
            path,
            bytes,
            &candidates,
            None,
            ChunkBase::default(),
            None,
            &mut lines,
            &mut out,
        );
        for d in decoded {
            // The key goes in front of the value, so that a bare decoded
            // password is judged as `password: <value>` by the rules that
            // need a name next to a value.
            let mut text = Vec::with_capacity(d.key.len() + 2 + d.bytes.len());
            text.extend_from_slice(d.key.as_bytes());
            text.extend_from_slice(b": ");
            let prefix = text.len();
            text.extend_from_slice(&d.bytes);
            let inner: Vec<Candidate> = self
                .rules
                .scan(&text, scratch)
                .into_iter()
                .filter(|c| c.secret.start >= prefix)
                .collect();
            if inner.is_empty() {
                continue;
            }
            let ctx = Decoded {
                key: &d.key,
                anchor: d.anchor.clone(),
                bytes: &text,
            };
            self.collect(
                path,
                bytes,
                &inner,
                Some(ctx),
                ChunkBase::default(),
                None,
                &mut lines,
                &mut out,
            );
        }
        if let Some(hook) = &self.policy {
            let p = hook(path, bytes);
            out.findings.extend(p.findings);
            out.warnings.extend(p.warnings);
        }
        out
    }

    /// Scan one chunk of a large unit: only leak rules, and only candidates
    /// whose match starts inside `responsible` (chunk-relative), so that
    /// overlapping chunks report each match once.
    pub fn scan_chunk(
        &self,
        path: &str,
        chunk: &[u8],
        base: ChunkBase,
        responsible: Range<usize>,
        scratch: &mut Scratch,
    ) -> UnitOutput {
        let mut out = UnitOutput::default();
        let mut lines = None;
        let candidates = self.rules.scan(chunk, scratch);
        self.collect(
            path,
            chunk,
            &candidates,
            None,
            base,
            Some(responsible),
            &mut lines,
            &mut out,
        );
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn collect(
        &self,
        path: &str,
        unit: &[u8],
        candidates: &[Candidate],
        decoded: Option<Decoded<'_>>,
        base: ChunkBase,
        responsible: Option<Range<usize>>,
        lines: &mut Option<LineIndex>,
        out: &mut UnitOutput,
    ) {
        for c in candidates {
            if let Some(r) = &responsible {
                if !r.contains(&c.whole.start) {
                    continue;
                }
            }
            if c.verdict.is_err() && !self.keep_suppressed {
                // Dropped by a filter: nothing to locate (most files have
                // only such candidates, and need no line index at all).
                continue;
            }
            let rule = &self.rules.rules()[c.rule];
            let (secret_bytes, span_range) = match &decoded {
                Some(d) => (&d.bytes[c.secret.clone()], d.anchor.clone()),
                None => (&unit[c.secret.clone()], c.secret.clone()),
            };
            let idx = lines.get_or_insert_with(|| LineIndex::new(unit));
            let mut verdict = c.verdict.clone();
            if verdict.is_ok() && allowed_by_comment(unit, idx, span_range.start, &rule.spec.id) {
                verdict = Err(FilterReason::AllowComment);
            }
            if verdict.is_err() && !self.keep_suppressed {
                continue;
            }
            let mut span = Span::from_text(idx, unit, span_range.start, span_range.end);
            if span.start_line == 1 {
                span.start_column += base.column;
                span.start_column_utf16 = span.start_column_utf16.map(|c| c + base.column_utf16);
            }
            if span.end_line == 1 {
                span.end_column += base.column;
                span.end_column_utf16 = span.end_column_utf16.map(|c| c + base.column_utf16);
            }
            span.start_line += base.line;
            span.end_line += base.line;
            span.byte_start += base.byte;
            span.byte_end += base.byte;
            let secret = SecretValue::from_bytes(secret_bytes);
            let others = candidates
                .iter()
                .filter(|_| decoded.is_none())
                .map(|o| o.secret.clone());
            let mut snip = snippet(unit, idx, span_range.clone(), others, secret_bytes);
            snip.line += base.line;
            let mut properties = BTreeMap::new();
            let message = match &decoded {
                Some(d) => {
                    properties.insert(
                        "decoded_from".to_string(),
                        serde_json::Value::String(format!("base64 Secret data.{}", d.key)),
                    );
                    format!(
                        "{} in the base64-decoded value of data.{}",
                        rule.spec.name, d.key
                    )
                }
                None => format!("{} found", rule.spec.name),
            };
            let suppressed = verdict.err().map(|r| match r {
                FilterReason::AllowComment => Suppression::AllowComment("credlint:allow".into()),
                other => Suppression::Filter(other.to_string()),
            });
            out.findings.push(Finding {
                rule_id: rule.spec.id.clone(),
                rule_name: rule.spec.name.clone(),
                kind: FindingKind::Leak,
                severity: rule.spec.severity,
                confidence: c.confidence,
                message,
                fingerprint: fingerprint(&[&rule.spec.id, path, secret.expose()]),
                location: Location {
                    path: Some(path.to_string()),
                    span: Some(span),
                    ..Default::default()
                },
                secret: Some(secret),
                properties,
                suppressed,
                snippet: Some(snip),
            });
        }
    }
}

/// Widest line a snippet keeps, in characters.
const SNIPPET_WIDTH: usize = 160;

/// The line of `own.start`, with `own` and every `other` range on it masked,
/// and every repeat of one of those values or of `secret` (the raw value,
/// which differs from `own`'s text when it was decoded) masked as well,
/// cut to [`SNIPPET_WIDTH`] around the marker.
fn snippet(
    unit: &[u8],
    lines: &LineIndex,
    own: Range<usize>,
    others: impl Iterator<Item = Range<usize>>,
    secret: &[u8],
) -> Snippet {
    let (line_no, _) = lines.line_col(own.start);
    let mut line = lines.line_range(unit, line_no);
    // On a huge line (minified code, a 2 GB log line) look only near the
    // finding; the cut below keeps SNIPPET_WIDTH characters anyway.
    const NEAR: usize = 4 * SNIPPET_WIDTH;
    let clipped_start = line.start < own.start.saturating_sub(NEAR);
    if clipped_start {
        line.start = floor_char(unit, own.start - NEAR);
    }
    if line.end > own.end.saturating_add(NEAR) {
        line.end = floor_char(unit, own.end + NEAR);
    }
    let mut masks: Vec<Range<usize>> = others
        .chain(std::iter::once(own.clone()))
        .filter(|r| r.start < line.end && r.end > line.start)
        .map(|r| r.start.max(line.start)..r.end.min(line.end))
        .collect();
    // The same value elsewhere on the line (not matched there, e.g. glued to
    // other text) would show it whole: mask its repeats too.
    let mut values: Vec<&[u8]> = masks.iter().map(|r| &unit[r.clone()]).collect();
    values.push(secret);
    values.sort_unstable();
    values.dedup();
    let window = &unit[line.clone()];
    for v in values.into_iter().filter(|v| !v.is_empty()) {
        masks.extend(
            memchr::memmem::find_iter(window, v).map(|i| line.start + i..line.start + i + v.len()),
        );
    }
    // Overlapping masks are merged, so that no part of either shows.
    masks.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(masks.len());
    for m in masks {
        match merged.last_mut() {
            Some(last) if m.start < last.end => last.end = last.end.max(m.end),
            _ => merged.push(m),
        }
    }
    let mut text = String::new();
    let mut pos = line.start;
    let (mut marker_column, mut marker_width) = (1, 1);
    let own_start = own.start.max(line.start);
    for m in merged {
        text.push_str(&String::from_utf8_lossy(&unit[pos..m.start]));
        let masked = SecretValue::from_bytes(&unit[m.clone()]).masked();
        if m.contains(&own_start) {
            marker_column = text.chars().count() + 1;
            marker_width = masked.chars().count().max(1);
        }
        text.push_str(&masked);
        pos = m.end;
    }
    text.push_str(&String::from_utf8_lossy(&unit[pos..line.end]));
    let mut text: String = text
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    if clipped_start {
        text.insert(0, '…');
        marker_column += 1;
    }
    let n = text.chars().count();
    if n > SNIPPET_WIDTH {
        let start = marker_column
            .saturating_sub(SNIPPET_WIDTH / 3)
            .min(n - SNIPPET_WIDTH);
        let cut: String = text.chars().skip(start).take(SNIPPET_WIDTH).collect();
        let lead = if start > 0 { "…" } else { "" };
        return Snippet {
            line: line_no,
            text: format!("{lead}{cut}…"),
            marker_column: marker_column - start + lead.chars().count(),
            marker_width: marker_width.min(SNIPPET_WIDTH),
        };
    }
    Snippet {
        line: line_no,
        text,
        marker_column,
        marker_width,
    }
}

/// Move `at` back to a UTF-8 character boundary (at most 3 bytes).
fn floor_char(unit: &[u8], mut at: usize) -> usize {
    let floor = at.saturating_sub(3);
    while at > floor && at < unit.len() && (unit[at] & 0xC0) == 0x80 {
        at -= 1;
    }
    at
}

struct Decoded<'a> {
    key: &'a str,
    anchor: Range<usize>,
    bytes: &'a [u8],
}

/// `credlint:allow` on the finding's line or the line before, with no rule
/// ids (allows every rule) or with this rule's id among them.
fn allowed_by_comment(unit: &[u8], lines: &LineIndex, offset: usize, rule_id: &str) -> bool {
    let (line, _) = lines.line_col(offset);
    let first = line.saturating_sub(1).max(1);
    (first..=line).any(|l| {
        let text = &unit[lines.line_range(unit, l)];
        allow_comment_covers(text, rule_id)
    })
}

/// Inline markers of other tools that mean "this line is a known,
/// accepted secret", honoured so that a team moving to credlint keeps its
/// reviewed exceptions (detect-secrets' and gitleaks' documented forms).
const FOREIGN_ALLOW_MARKERS: &[&[u8]] = &[b"pragma: allowlist secret", b"gitleaks:allow"];

/// Whether a line's `credlint:allow` marker (or a foreign one) covers `rule_id`.
pub fn allow_comment_covers(line: &[u8], rule_id: &str) -> bool {
    if FOREIGN_ALLOW_MARKERS
        .iter()
        .any(|m| memchr::memmem::find(line, m).is_some())
    {
        return true;
    }
    let Some(at) = memchr::memmem::find(line, b"credlint:allow") else {
        return false;
    };
    let rest = &line[at + b"credlint:allow".len()..];
    let ids: Vec<&[u8]> = rest
        .split(|&b| b == b' ' || b == b',' || b == b'\t')
        .filter(|t| !t.is_empty())
        .take_while(|t| {
            t.iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
                && t.iter().any(u8::is_ascii_lowercase)
        })
        .collect();
    ids.is_empty() || ids.contains(&rule_id.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_mask_every_secret_on_the_line() {
        let unit = b"a\nkey1=SECRETONE1234 key2=SECRETTWO5678\n";
        let idx = LineIndex::new(unit);
        let own = 7..20;
        let other = 26..39;
        let s = snippet(unit, &idx, own, std::iter::once(other), b"SECRETONE1234");
        assert_eq!(s.line, 2);
        assert!(!s.text.contains("SECRETONE1234"), "{}", s.text);
        assert!(!s.text.contains("SECRETTWO5678"), "{}", s.text);
        assert_eq!(s.marker_column, 6);
    }

    /// Found by the `scan_unit` fuzz target: the secret matched once on a
    /// line and repeated there where no rule matches it (glued to other
    /// text) was shown whole in the snippet.
    #[test]
    fn snippets_mask_repeats_of_the_secret() {
        let unit = b"password = \"Zq8vN3rT6wY1uB5x\" x=Zq8vN3rT6wY1uB5xZZ\n";
        let idx = LineIndex::new(unit);
        let s = snippet(unit, &idx, 12..28, std::iter::empty(), b"Zq8vN3rT6wY1uB5x");
        assert!(!s.text.contains("Zq8vN3rT6wY1uB5x"), "{}", s.text);
        assert_eq!(s.marker_column, 13, "{}", s.text);
        // Overlapping masks leave no part of either visible.
        let unit = b"k=ABCDEFGHIJKLMNOP\n";
        let idx = LineIndex::new(unit);
        let s = snippet(unit, &idx, 2..12, std::iter::once(6..18), b"ABCDEFGHIJ");
        assert!(!s.text.contains("KLMNOP"), "{}", s.text);
        // A decoded value repeated raw on its line is masked too.
        let unit = b"  password: WnE4dk4zclQ2d1kxdUI1eA== # Zq8vN3rT6wY1uB5x\n";
        let idx = LineIndex::new(unit);
        let s = snippet(unit, &idx, 12..36, std::iter::empty(), b"Zq8vN3rT6wY1uB5x");
        assert!(!s.text.contains("Zq8vN3rT6wY1uB5x"), "{}", s.text);
    }

    #[test]
    fn allow_comment_forms() {
        assert!(allow_comment_covers(
            b"x = 1 # credlint:allow",
            "aws-access-key-id"
        ));
        assert!(allow_comment_covers(
            b"// credlint:allow aws-access-key-id",
            "aws-access-key-id"
        ));
        assert!(!allow_comment_covers(
            b"// credlint:allow slack-bot-token",
            "aws-access-key-id"
        ));
        assert!(allow_comment_covers(
            b"<!-- credlint:allow slack-bot-token,aws-access-key-id -->",
            "aws-access-key-id"
        ));
        assert!(allow_comment_covers(
            b"# credlint:allow -- test fixture",
            "x"
        ));
        assert!(!allow_comment_covers(b"# nothing", "x"));
        assert!(allow_comment_covers(
            b"k = 'v' # pragma: allowlist secret",
            "x"
        ));
        assert!(allow_comment_covers(b"k = 'v' # gitleaks:allow", "x"));
    }
}
