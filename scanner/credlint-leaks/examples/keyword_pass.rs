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
