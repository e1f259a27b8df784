//! Throughput of the keyword pass alone, per automaton kind and search
//! mode, on a tree: the numbers behind the engine's choice.
//!
//! `cargo run --release -p credlint-leaks --example keyword_pass -- DIR`

use std::time::Instant;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use credlint_leaks::RuleSet;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: keyword_pass DIR");
    let rs = RuleSet::embedded().unwrap();
    let mut data = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(b) = std::fs::read(&p) {
                if !b.iter().take(8192).any(|&x| x == 0) {
                    data.push(b);
                }
            }
        }
    }
    let total: usize = data.iter().map(Vec::len).sum();
    println!(
        "{} keywords, {:.1} MiB",
        rs.keywords().len(),
        total as f64 / 1048576.0
    );
    let t = Instant::now();
    let nl: usize = data
        .iter()
        .map(|d| memchr::memchr_iter(b'\n', d).count())
        .sum();
    println!(
        "{:<32} {:>7.0} MiB/s  (newlines={nl})",
        "baseline: memchr newlines",
        total as f64 / 1048576.0 / t.elapsed().as_secs_f64()
    );
    let few: Vec<&str> = vec!["akia", "ghp_", "xoxb-", "sk_live", "private key"];
    let ac = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&few)
        .unwrap();
    let t = Instant::now();
    let n: usize = data
        .iter()
        .map(|d| ac.find_overlapping_iter(d).count())
        .sum();
    println!(
        "{:<32} {:>7.0} MiB/s  hits={n}",
        "baseline: 5-keyword dfa",
        total as f64 / 1048576.0 / t.elapsed().as_secs_f64()
    );
    let ac = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&few)
        .unwrap();
    let t = Instant::now();
    let n: usize = data.iter().map(|d| ac.find_iter(d).count()).sum();
    println!(
        "{:<32} {:>7.0} MiB/s  hits={n}",
        "baseline: 5-keyword teddy",
        total as f64 / 1048576.0 / t.elapsed().as_secs_f64()
    );
    let dfa = aho_corasick::dfa::DFA::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(rs.keywords())
        .unwrap();
    for lanes in [1usize, 2, 3, 4, 6, 8] {
        let t = Instant::now();
        let mut n = 0usize;
        let mut hits = Vec::new();
        for d in &data {
            hits.clear();
            match lanes {
                1 => lanes_n::<1>(&dfa, d, &mut hits),
                2 => lanes_n::<2>(&dfa, d, &mut hits),
                3 => lanes_n::<3>(&dfa, d, &mut hits),
                4 => lanes_n::<4>(&dfa, d, &mut hits),
                6 => lanes_n::<6>(&dfa, d, &mut hits),
                _ => lanes_n::<8>(&dfa, d, &mut hits),
            }
            n += hits.len();
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "dfa walk, {lanes} lanes in lock step  {:>7.0} MiB/s  hit-states={n}",
            total as f64 / 1048576.0 / s
        );
    }
    for (name, kind, mk, overlapping) in [
        (
            "dfa standard overlapping",
            Some(AhoCorasickKind::DFA),
            MatchKind::Standard,
            true,
        ),
        (
            "dfa standard find_iter",
            Some(AhoCorasickKind::DFA),
            MatchKind::Standard,
            false,
        ),
        (
            "dfa leftmost-first find_iter",
            Some(AhoCorasickKind::DFA),
            MatchKind::LeftmostFirst,
            false,
        ),
        ("auto standard overlapping", None, MatchKind::Standard, true),
        (
            "contiguous nfa overlapping",
            Some(AhoCorasickKind::ContiguousNFA),
            MatchKind::Standard,
            true,
        ),
    ] {
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(mk)
            .kind(kind)
            .build(rs.keywords())
            .unwrap();
        let t = Instant::now();
        let mut n = 0usize;
        for d in &data {
            n += if overlapping {
                ac.find_overlapping_iter(d).count()
            } else {
                ac.find_iter(d).count()
            };
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "{name:<32} kind={:?} {:>7.0} MiB/s  hits={n}  mem={} KiB",
            ac.kind(),
            total as f64 / 1048576.0 / s,
            ac.memory_usage() / 1024
        );
    }
}

/// The engine's walk (see `RuleSet::keyword_pass`), reduced to counting:
/// `N` segments stepped in lock step, each finishing past its end.
fn lanes_n<const N: usize>(dfa: &aho_corasick::dfa::DFA, hay: &[u8], hits: &mut Vec<(usize, u32)>) {
    use aho_corasick::automaton::Automaton;
    use aho_corasick::Anchored;
    let start = dfa.start_state(Anchored::No).unwrap();
    let seg = hay.len() / N;
    let mut sid = [start; N];
    let base: [usize; N] = std::array::from_fn(|i| i * seg);
    for k in 0..seg {
        for l in 0..N {
            let p = base[l] + k;
            let s = dfa.next_state(Anchored::No, sid[l], hay[p]);
            sid[l] = s;
            if dfa.is_match(s) {
                hits.push((p, s.as_u32()));
            }
        }
    }
    for l in 0..N {
        let from = base[l] + seg;
        let to = if l == N - 1 {
            hay.len()
        } else {
            (from + dfa.max_pattern_len() - 1).min(hay.len())
        };
        let mut s = sid[l];
        for (p, &b) in hay.iter().enumerate().take(to).skip(from) {
            s = dfa.next_state(Anchored::No, s, b);
            if dfa.is_match(s) {
                hits.push((p, s.as_u32()));
            }
        }
    }
}
