//! The hot path: keyword prefilter, windows, regexes, post-filters.
//!
//! One Aho-Corasick automaton holds every rule's keywords (ASCII
//! case-insensitive). A unit is scanned once by it; each keyword hit opens a
//! window around itself for the rules that own the keyword; windows of the
//! same rule that overlap are merged; only then does a rule's regex run, and
//! only inside its windows. A rule whose keywords never hit costs nothing,
//! not even the compilation of its regex.

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind};

use credlint_core::Confidence;

use crate::rule::{embedded_files, parse_rule_file, Rule, RuleError, Trust};
use crate::validate::{placeholder, shannon_entropy, FilterReason};

/// A compiled set of rules.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// The keyword automaton, walked directly (see [`RuleSet::keyword_pass`]).
    dfa: DFA,
    start: StateID,
    /// For each keyword pattern of `ac`, the rules that own it.
    keyword_rules: Vec<Vec<u32>>,
    keywords: Vec<String>,
    by_id: HashMap<String, usize>,
}

/// One match of a rule, accepted or dropped by a filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Index of the rule in the [`RuleSet`].
    pub rule: usize,
    /// Byte range of the secret capture.
    pub secret: Range<usize>,
    /// Byte range of the whole match.
    pub whole: Range<usize>,
    /// `Ok` when reported; the reason when a filter dropped it.
    pub verdict: Result<(), FilterReason>,
    /// How likely the match is a real credential: the rule's default,
    /// lowered by what the value looks like (see [`crate::generic`]).
    pub confidence: Confidence,
}

/// Reusable per-thread buffers, so a scan allocates nothing on a clean unit.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    windows: Vec<(u32, usize, usize)>,
    /// Per rule and lane, the index in `windows` of its last window.
    open: Vec<usize>,
    /// Per lane, (end offset, automaton state) of each match state reached.
    hits: [Vec<(usize, StateID)>; LANES],
    /// Per rule: (windows run, bytes windowed, nanoseconds in its regex),
    /// when profiling was asked for.
    profile: Option<Vec<(u64, u64, u64)>>,
    /// Hits per keyword, when profiling.
    keyword_hits: Vec<u64>,
}

impl Scratch {
    /// A scratch that records per-rule cost (see [`Scratch::profile`]).
    pub fn profiling() -> Self {
        Scratch {
            profile: Some(Vec::new()),
            ..Scratch::default()
        }
    }

    /// Per rule index: (windows run, bytes windowed, nanoseconds in its regex).
    pub fn profile(&self) -> Option<&[(u64, u64, u64)]> {
        self.profile.as_deref()
    }

    /// Hits per keyword (see [`RuleSet::keywords`]), when profiling.
    pub fn keyword_hits(&self) -> &[u64] {
        &self.keyword_hits
    }
}

/// Builder for a [`RuleSet`]: embedded rules, extra rule files, disabled ids.
#[derive(Debug, Default)]
pub struct RuleSetBuilder {
    files: Vec<(String, String, Trust)>,
    disabled: Vec<String>,
    only: Option<Vec<String>>,
}

impl RuleSetBuilder {
    /// Start with the rules embedded in the binary.
    pub fn with_embedded(mut self) -> Self {
        for (name, text) in embedded_files() {
            self.files
                .push((name.to_string(), text.to_string(), Trust::Embedded));
        }
        self
    }

    /// Add a user rule file (fully checked at build time).
    pub fn add_file(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.files.push((name.into(), text.into(), Trust::User));
        self
    }

    /// Disable rules by id.
    pub fn disable(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.disabled.extend(ids);
        self
    }

    /// Keep only these rule ids.
    pub fn only(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.only = Some(ids.into_iter().collect());
        self
    }

    /// Parse, check and compile the keyword automaton.
    pub fn build(self) -> Result<RuleSet, RuleError> {
        let mut rules = Vec::new();
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for (name, text, trust) in &self.files {
            for rule in parse_rule_file(name, text, *trust)? {
                if by_id.contains_key(&rule.spec.id) {
                    return Err(RuleError {
                        file: name.clone(),
                        message: format!("duplicate rule id `{}`", rule.spec.id),
                        span: None,
                    });
                }
                by_id.insert(rule.spec.id.clone(), usize::MAX);
                rules.push(rule);
            }
        }
        for id in self.disabled.iter().chain(self.only.iter().flatten()) {
            if !by_id.contains_key(id) {
                return Err(RuleError {
                    file: "config".into(),
                    message: format!("unknown rule id `{id}`"),
                    span: None,
                });
            }
        }
        rules.retain(|r| {
            !self.disabled.contains(&r.spec.id)
                && self.only.as_ref().is_none_or(|o| o.contains(&r.spec.id))
        });
        RuleSet::from_rules(rules)
    }
}

impl RuleSet {
    /// A builder.
    pub fn builder() -> RuleSetBuilder {
        RuleSetBuilder::default()
    }

    /// The embedded rules, unchanged.
    pub fn embedded() -> Result<RuleSet, RuleError> {
        RuleSet::builder().with_embedded().build()
    }

    fn from_rules(rules: Vec<Rule>) -> Result<RuleSet, RuleError> {
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<u32>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for (ri, rule) in rules.iter().enumerate() {
            for kw in &rule.spec.keywords {
                let k = kw.to_ascii_lowercase();
                let slot = *index.entry(k.clone()).or_insert_with(|| {
                    keywords.push(k);
                    keyword_rules.push(Vec::new());
                    keywords.len() - 1
                });
                if !keyword_rules[slot].contains(&(ri as u32)) {
                    keyword_rules[slot].push(ri as u32);
                }
            }
        }
        // A DFA even for large keyword sets: ~350 keywords make about a
        // megabyte of transitions, and the walk below needs a DFA.
        let dfa = DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&keywords)
            .map_err(|e| RuleError {
                file: "rules".into(),
                message: format!("keyword automaton: {e}"),
                span: None,
            })?;
        let start = dfa.start_state(Anchored::No).map_err(|e| RuleError {
            file: "rules".into(),
            message: format!("keyword automaton: {e}"),
            span: None,
        })?;
        let by_id = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.spec.id.clone(), i))
            .collect();
        Ok(RuleSet {
            rules,
            dfa,
            start,

            keyword_rules,
            keywords,
            by_id,
        })
    }

    /// The distinct keywords (lowercased), in automaton pattern order.
    pub fn keywords(&self) -> &[String] {
        &self.keywords
    }

    /// All rules, in load order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// A rule by id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.by_id.get(id).map(|&i| &self.rules[i])
    }

    /// Scan `hay`; returns accepted and dropped candidates, ordered by position.
    pub fn scan(&self, hay: &[u8], scratch: &mut Scratch) -> Vec<Candidate> {
        scratch.windows.clear();
        scratch.open.clear();
        scratch.open.resize(self.rules.len() * LANES, usize::MAX);
        if scratch.profile.is_some() {
            scratch.keyword_hits.resize(self.keywords.len(), 0);
        }
        self.keyword_pass(hay, scratch);
        if scratch.windows.is_empty() {
            return Vec::new();
        }
        scratch.windows.sort_unstable();
        let mut out = Vec::new();
        self.run_windows(hay, scratch, &mut out);
        out.sort_by(|a, b| {
            (a.secret.start, a.secret.end, a.rule).cmp(&(b.secret.start, b.secret.end, b.rule))
        });
        self.drop_duplicates(&mut out);
        out
    }

    /// Merge each rule's nearby windows and run its regex in them.
    fn run_windows(&self, hay: &[u8], scratch: &mut Scratch, out: &mut Vec<Candidate>) {
        let mut i = 0;
        while i < scratch.windows.len() {
            let (ri, start, mut end) = scratch.windows[i];
            i += 1;
            while i < scratch.windows.len()
                && scratch.windows[i].0 == ri
                && scratch.windows[i].1 <= end + MERGE_GAP
            {
                end = end.max(scratch.windows[i].2);
                i += 1;
            }
            self.timed_rule(ri as usize, hay, start, end, scratch, out);
        }
    }

    fn timed_rule(
        &self,
        ri: usize,
        hay: &[u8],
        start: usize,
        end: usize,
        scratch: &mut Scratch,
        out: &mut Vec<Candidate>,
    ) {
        match &mut scratch.profile {
            None => self.run_rule(ri, hay, start, end, out),
            Some(p) => {
                p.resize(p.len().max(self.rules.len()), (0, 0, 0));
                let t = std::time::Instant::now();
                self.run_rule(ri, hay, start, end, out);
                let e = &mut p[ri];
                e.0 += 1;
                e.1 += (end - start) as u64;
                e.2 += t.elapsed().as_nanos() as u64;
            }
        }
    }

    /// The keyword pass: every (overlapping) keyword occurrence opens the
    /// windows of the rules that own it.
    ///
    /// A DFA walk is bound by the latency of its table lookups, one after
    /// the other. So a large unit is cut into [`LANES`] segments walked in
    /// lock step: the lookups of different segments do not wait on each
    /// other and the core overlaps them (about 2x the single walk). Each
    /// lane starts in the start state at its segment's start, so it sees
    /// every keyword that starts in its segment, and runs on past its end
    /// just far enough to finish those. Hits are handed to the windows a
    /// block at a time, so memory stays bounded on any input.
    fn keyword_pass(&self, hay: &[u8], scratch: &mut Scratch) {
        let dfa = &self.dfa;
        let n = hay.len();
        let lanes = if n >= LANES * LANE_MIN { LANES } else { 1 };
        let seg = n / lanes;
        let base: [usize; LANES] = std::array::from_fn(|l| l * seg);
        let mut sid = [self.start; LANES];
        let mut at = 0;
        while at < seg {
            let to = (at + BLOCK).min(seg);
            if lanes == LANES {
                for i in at..to {
                    for l in 0..LANES {
                        let p = base[l] + i;
                        let s = dfa.next_state(Anchored::No, sid[l], hay[p]);
                        sid[l] = s;
                        if dfa.is_match(s) {
                            scratch.hits[l].push((p, s));
                        }
                    }
                }
            } else {
                sid[0] = self.walk(hay, at..to, sid[0], &mut scratch.hits[0]);
            }
            at = to;
            for l in 0..lanes {
                self.open_windows(hay, l, usize::MAX, scratch);
            }
        }
        // Past each segment's end: the last lane takes what is left of the
        // unit; the others only finish keywords begun in their segment.
        for l in 0..lanes {
            let from = base[l] + seg;
            let (to, limit) = if l + 1 == lanes {
                (n, usize::MAX)
            } else {
                ((from + dfa.max_pattern_len()).min(n), from)
            };
            self.walk(hay, from..to, sid[l], &mut scratch.hits[l]);
            self.open_windows(hay, l, limit, scratch);
        }
    }

    /// One lane's walk over `hay[range]` from state `sid`: every match state
    /// reached goes to `hits`; returns the state at the end.
    fn walk(
        &self,
        hay: &[u8],
        range: Range<usize>,
        mut sid: StateID,
        hits: &mut Vec<(usize, StateID)>,
    ) -> StateID {
        let start = range.start;
        for (i, &b) in hay[range].iter().enumerate() {
            sid = self.dfa.next_state(Anchored::No, sid, b);
            if self.dfa.is_match(sid) {
                hits.push((start + i, sid));
            }
        }
        sid
    }

    /// Turn lane `lane`'s pending hits into rule windows. Keywords that
    /// start at or after `limit` belong to the next lane.
    fn open_windows(&self, hay: &[u8], lane: usize, limit: usize, scratch: &mut Scratch) {
        let dfa = &self.dfa;
        let mut hits = std::mem::take(&mut scratch.hits[lane]);
        for &(p, s) in &hits {
            for i in 0..dfa.match_len(s) {
                let pid = dfa.match_pattern(s, i);
                let (start, end) = (p + 1 - dfa.pattern_len(pid), p + 1);
                if start >= limit {
                    continue;
                }
                if let Some(h) = scratch.keyword_hits.get_mut(pid.as_usize()) {
                    *h += 1;
                }
                // The keyword's line is found once for all the line-local
                // rules that own the keyword (they share one bound, the
                // default window; the cache is keyed by it all the same).
                let mut line: Option<((usize, usize), (usize, usize))> = None;
                for &ri in &self.keyword_rules[pid.as_usize()] {
                    let rule = &self.rules[ri as usize];
                    let (before, after) = rule.window;
                    let (ws, we) = if rule.line_local {
                        match line {
                            Some((w, bounds)) if w == rule.window => bounds,
                            _ => {
                                let bounds = own_line(hay, start, end, before, after);
                                line = Some((rule.window, bounds));
                                bounds
                            }
                        }
                    } else {
                        (
                            line_start(hay, start.saturating_sub(before)),
                            line_end(hay, (end + after).min(hay.len())),
                        )
                    };
                    // Hits of one lane arrive in order, so a rule's new
                    // window either extends its open window in this lane or
                    // starts a new one: the list holds only disjoint
                    // windows, however many hits a unit has.
                    let slot = ri as usize * LANES + lane;
                    let open = scratch.open[slot];
                    if let Some(w) = scratch.windows.get_mut(open) {
                        if ws <= w.2 + MERGE_GAP {
                            w.1 = w.1.min(ws);
                            w.2 = w.2.max(we);
                            continue;
                        }
                    }
                    scratch.open[slot] = scratch.windows.len();
                    scratch.windows.push((ri, ws, we));
                }
            }
        }
        hits.clear();
        scratch.hits[lane] = hits;
    }

    fn run_rule(&self, ri: usize, hay: &[u8], start: usize, end: usize, out: &mut Vec<Candidate>) {
        let rule = &self.rules[ri];
        let window = &hay[start..end];
        let re = rule.regex();
        let secret_idx = re
            .capture_names()
            .position(|n| n == Some("secret"))
            .expect("checked at load");
        let key_idx = re.capture_names().position(|n| n == Some("key"));
        let mut locs = re.capture_locations();
        let mut at = 0;
        while at <= window.len() {
            let Some(whole) = re.captures_read_at(&mut locs, window, at) else {
                break;
            };
            at = if whole.end() > whole.start() {
                whole.end()
            } else {
                whole.end() + 1
            };
            let Some((ss, se)) = locs.get(secret_idx) else {
                continue;
            };
            if ss == se {
                continue;
            }
            let secret = &window[ss..se];
            let key = key_idx
                .and_then(|k| locs.get(k))
                .map(|(a, b)| &window[a..b]);
            let (verdict, confidence) = self.filter(rule, secret, key);
            out.push(Candidate {
                rule: ri,
                secret: start + ss..start + se,
                whole: start + whole.start()..start + whole.end(),
                verdict,
                confidence,
            });
        }
    }

    /// The verdict on one match, and its confidence: the rule's default,
    /// or for a value-judging validator its judgement (never above the
    /// rule's own `confidence` when it sets one).
    fn filter(
        &self,
        rule: &Rule,
        secret: &[u8],
        key: Option<&[u8]>,
    ) -> (Result<(), FilterReason>, Confidence) {
        let mut confidence = rule.default_confidence();
        let verdict = (|| {
            if let Some(min) = rule.spec.min_entropy {
                let e = shannon_entropy(secret);
                if e < min {
                    return Err(FilterReason::Entropy {
                        found: format!("{e:.2}"),
                        min: format!("{min:.2}"),
                    });
                }
            }
            if !rule.spec.no_placeholder_check {
                if let Some(why) = placeholder(secret) {
                    return Err(FilterReason::Placeholder(why));
                }
            }
            if let Some(v) = rule.validator {
                if let Some(judged) = v.judge(secret, key)? {
                    confidence = rule.spec.confidence.map_or(judged, |c| c.min(judged));
                }
            }
            if rule.allow.iter().any(|a| a.is_match(secret)) {
                return Err(FilterReason::RuleAllow);
            }
            Ok(())
        })();
        (verdict, confidence)
    }

    /// Where two accepted candidates of different rules overlap on the
    /// secret, keep the specific one (then the more severe, then the first
    /// loaded) and mark the other a duplicate.
    fn drop_duplicates(&self, out: &mut [Candidate]) {
        // One value, one verdict: a value whose format a vendor rule
        // recognised and rejected (a checksum that does not match) is not
        // reported again by a generic rule.
        for i in 0..out.len() {
            let r = &self.rules[out[i].rule].spec;
            let rejected = match &out[i].verdict {
                Err(why @ FilterReason::Checksum) if !r.generic => Some(why.clone()),
                _ => None,
            };
            let Some(why) = rejected else { continue };
            let span = out[i].secret.clone();
            for o in out.iter_mut() {
                if o.verdict.is_ok()
                    && self.rules[o.rule].spec.generic
                    && o.secret.start < span.end
                    && span.start < o.secret.end
                {
                    o.verdict = Err(FilterReason::RejectedBy(
                        r.id.clone(),
                        Box::new(why.clone()),
                    ));
                }
            }
        }
        let rank = |c: &Candidate| {
            let r = &self.rules[c.rule];
            (!r.spec.generic, r.spec.severity, std::cmp::Reverse(c.rule))
        };
        for i in 0..out.len() {
            if out[i].verdict.is_err() {
                continue;
            }
            for j in i + 1..out.len() {
                if out[j].secret.start >= out[i].secret.end {
                    break;
                }
                if out[j].verdict.is_err() || out[j].rule == out[i].rule {
                    continue;
                }
                let (winner, loser) = if rank(&out[i]) >= rank(&out[j]) {
                    (i, j)
                } else {
                    (j, i)
                };
                let by = self.rules[out[winner].rule].spec.id.clone();
                out[loser].verdict = Err(FilterReason::Duplicate(by));
                if loser == i {
                    break;
                }
            }
        }
    }
}

const LINE_SLACK: usize = 256;

/// Segments of a unit walked in lock step by the keyword pass.
const LANES: usize = 4;
/// Units shorter than this per lane are walked in one piece.
const LANE_MIN: usize = 2048;
/// Bytes per lane walked before the hits are turned into windows.
const BLOCK: usize = 16 << 10;

/// Windows of one rule closer than this are searched as one: a regex search
/// has a fixed cost of about that many bytes of scanning, and on text dense
/// with keywords (a `password` on every other line) one search over a run
/// of lines beats a search per line. Every match still needs the rule's
/// own pattern, so the text in between adds work, never findings.
const MERGE_GAP: usize = 256;

/// The keyword's line, cut to `before` bytes before it and `after` after.
fn own_line(hay: &[u8], start: usize, end: usize, before: usize, after: usize) -> (usize, usize) {
    let lo = start.saturating_sub(before);
    let s = memchr::memrchr(b'\n', &hay[lo..start]).map_or(lo, |i| lo + i + 1);
    let hi = (end + after).min(hay.len());
    let e = memchr::memchr(b'\n', &hay[end..hi]).map_or(hi, |i| end + i);
    (s, e)
}

fn line_start(hay: &[u8], at: usize) -> usize {
    let lo = at.saturating_sub(LINE_SLACK);
    match memchr::memrchr(b'\n', &hay[lo..at]) {
        Some(i) => lo + i + 1,
        None if lo == 0 => 0,
        None => at,
    }
}

fn line_end(hay: &[u8], at: usize) -> usize {
    let hi = (at + LINE_SLACK).min(hay.len());
    match memchr::memchr(b'\n', &hay[at..hi]) {
        Some(i) => at + i,
        None if hi == hay.len() => hi,
        None => at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = r#"
[[rules]]
id = "demo-token"
name = "Demo token"
description = "d"
severity = "high"
keywords = ["dmo_"]
pattern = '''\b(?P<secret>dmo_[A-Za-z0-9]{20})\b'''
min_entropy = 3.0
examples = ["x"]
negative_examples = ["y"]

[[rules]]
id = "demo-generic"
name = "Generic"
description = "d"
severity = "medium"
generic = true
keywords = ["token"]
pattern = '''(?i)token\s*=\s*"(?P<secret>[^"]{8,})"'''
examples = ["x"]
negative_examples = ["y"]
"#;

    fn set() -> RuleSet {
        RuleSet::builder()
            .add_file("t.toml", RULES)
            .build()
            .unwrap()
    }

    #[test]
    fn finds_only_in_windows_and_dedupes() {
        let rs = set();
        let text = b"a = 1\ntoken = \"dmo_Qx7vR2mXc9LpT4kW8zNb\"\n";
        let c = rs.scan(text, &mut Scratch::default());
        let ok: Vec<_> = c.iter().filter(|c| c.verdict.is_ok()).collect();
        assert_eq!(ok.len(), 1);
        assert_eq!(rs.rules()[ok[0].rule].spec.id, "demo-token");
        assert_eq!(&text[ok[0].secret.clone()], b"dmo_Qx7vR2mXc9LpT4kW8zNb");
        assert!(c
            .iter()
            .any(|c| matches!(&c.verdict, Err(FilterReason::Duplicate(by)) if by == "demo-token")));
    }

    #[test]
    fn entropy_filter_says_why() {
        let rs = set();
        let c = rs.scan(b"dmo_aaaaaaaaaaaaaaaaaaaa", &mut Scratch::default());
        assert_eq!(c.len(), 1);
        assert!(matches!(c[0].verdict, Err(FilterReason::Entropy { .. })));
    }

    #[test]
    fn repeated_keywords_stay_linear_and_small() {
        let rs = set();
        let hay = "dmo_".repeat(2_000_000);
        let mut scratch = Scratch::default();
        let t = std::time::Instant::now();
        let c = rs.scan(hay.as_bytes(), &mut scratch);
        assert!(c.is_empty());
        assert!(
            scratch.windows.len() <= LANES,
            "windows merged as they open, one per lane"
        );
        assert!(t.elapsed().as_secs() < 20);
    }

    /// The lanes see exactly the keyword occurrences a plain overlapping
    /// search sees, including those that straddle a lane's edge.
    #[test]
    fn lanes_find_every_keyword_once() {
        let rs = RuleSet::embedded().unwrap();
        let ac = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(rs.keywords())
            .unwrap();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for (len, k) in [
            100,
            LANES * LANE_MIN - 1,
            LANES * LANE_MIN + 3,
            70_001,
            250_000,
        ]
        .into_iter()
        .flat_map(|len| (0..12).map(move |k| (len, k)))
        {
            let mut hay: Vec<u8> = (0..len)
                .map(|_| b"abcxyz _=:\n\"'09"[(next() % 15) as usize])
                .collect();
            // Keywords in random case at random places, then one across
            // every lane edge, starting `k` bytes before it.
            let seg = len / if len >= LANES * LANE_MIN { LANES } else { 1 };
            let mut spots: Vec<usize> = (0..len / 40).map(|_| next() as usize % len).collect();
            spots.extend((1..LANES).map(|l| (l * seg).saturating_sub(k)));
            for at in spots {
                let kw = loop {
                    let kw = &rs.keywords()[next() as usize % rs.keywords().len()];
                    if kw.len() > k {
                        break kw;
                    }
                };
                for (i, b) in kw.bytes().enumerate() {
                    if let Some(h) = hay.get_mut(at + i) {
                        *h = if next() % 2 == 0 {
                            b.to_ascii_uppercase()
                        } else {
                            b
                        };
                    }
                }
            }
            let mut want = vec![0u64; rs.keywords().len()];
            for m in ac.find_overlapping_iter(&hay) {
                want[m.pattern().as_usize()] += 1;
            }
            let mut scratch = Scratch::profiling();
            rs.scan(&hay, &mut scratch);
            assert_eq!(
                scratch.keyword_hits(),
                &want[..],
                "len {len}, {k} before the edge"
            );
        }
    }

    /// One value, one verdict: a GitHub token whose checksum does not match
    /// is not reported again by a generic rule, and `--show-filtered`
    /// says which rule rejected it and why.
    #[test]
    fn a_value_a_vendor_rule_rejected_is_not_reported_as_generic() {
        let rs = RuleSet::embedded().unwrap();
        let bad = format!("{}{}", "ghp_", "Qx7vR2mXc9LpT4kW8zNbYq3HjL5sDf9aB1c0");
        let text = format!("github_token = \"{bad}\"\n");
        let c = rs.scan(text.as_bytes(), &mut Scratch::default());
        assert!(c.iter().all(|c| c.verdict.is_err()), "{c:?}");
        let generic = c
            .iter()
            .find(|c| rs.rules()[c.rule].spec.generic)
            .expect("a generic rule saw it");
        match &generic.verdict {
            Err(FilterReason::RejectedBy(by, why)) => {
                assert_eq!(by, "github-pat-classic");
                assert_eq!(**why, FilterReason::Checksum);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn no_keyword_no_work() {
        let rs = set();
        assert!(rs.scan(b"nothing here", &mut Scratch::default()).is_empty());
        assert!(rs.rules().iter().all(|r| r.spec.id.starts_with("demo")));
    }

    #[test]
    fn user_rule_errors_point_at_the_rule() {
        let bad = "[[rules]]\nid = \"x\"\nname = \"n\"\ndescription = \"d\"\nseverity = \"high\"\nkeywords = []\npattern = '(?P<secret>a)'\nexamples = []\nnegative_examples = []\n";
        let e = RuleSet::builder()
            .add_file("u.toml", bad)
            .build()
            .unwrap_err();
        assert!(e.message.contains("keyword"), "{e}");
        assert!(e.span.is_some());
        let huge = "[[rules]]\nid = \"x\"\nname = \"n\"\ndescription = \"d\"\nseverity = \"high\"\nkeywords = [\"ab\"]\npattern = '(?P<secret>(a{100}){100}{100})'\nexamples = []\nnegative_examples = []\n";
        let e = RuleSet::builder()
            .add_file("u.toml", huge)
            .build()
            .unwrap_err();
        assert!(
            e.message.contains("rejected") || e.message.contains("invalid"),
            "{e}"
        );
    }
}
