//! Which rules cost the most on a tree: windows, bytes windowed and regex
//! time per rule, plus the keyword pass. For rule authors: a keyword that
//! is common in ordinary text shows up here at once.
//!
//! `cargo run --release -p credlint-leaks --example rule_profile -- DIR [N]`

use std::time::{Duration, Instant};

use credlint_leaks::{RuleSet, Scratch};

fn walk(dir: &std::path::Path, files: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() {
            walk(&e.path(), files);
        } else if t.is_file() {
            files.push(e.path());
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: rule_profile DIR [TOP]");
    let top: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(15);
    let rs = RuleSet::embedded().expect("rules");
    let mut files = Vec::new();
    walk(std::path::Path::new(&dir), &mut files);
    let mut scratch = Scratch::profiling();
    let (mut bytes, mut total) = (0u64, Duration::ZERO);
    for f in &files {
        let Ok(b) = std::fs::read(f) else { continue };
        if b.iter().take(8192).any(|&x| x == 0) {
            continue;
        }
        bytes += b.len() as u64;
        let t = Instant::now();
        rs.scan(&b, &mut scratch);
        total += t.elapsed();
    }
    let prof = scratch.profile().unwrap_or(&[]);
    let regex_ns: u64 = prof.iter().map(|p| p.2).sum();
    println!(
        "{} files, {:.1} MiB, {:.2}s total ({:.0} MiB/s); regexes {:.2}s, keyword pass and the rest {:.2}s",
        files.len(),
        bytes as f64 / 1048576.0,
        total.as_secs_f64(),
        bytes as f64 / 1048576.0 / total.as_secs_f64(),
        regex_ns as f64 / 1e9,
        total.as_secs_f64() - regex_ns as f64 / 1e9
    );
    let mut idx: Vec<usize> = (0..prof.len()).collect();
    idx.sort_by_key(|&i| std::cmp::Reverse(prof[i].2));
    println!(
        "{:<40} {:>9} {:>12} {:>9}",
        "rule", "windows", "bytes", "ms"
    );
    for i in idx.into_iter().take(top) {
        let (w, b, ns) = prof[i];
        println!(
            "{:<40} {w:>9} {b:>12} {:>9.1}",
            rs.rules()[i].spec.id,
            ns as f64 / 1e6
        );
    }
    let hits = scratch.keyword_hits();
    let mut k: Vec<usize> = (0..hits.len()).collect();
    k.sort_by_key(|&i| std::cmp::Reverse(hits[i]));
    println!("\n{:<30} {:>10}", "keyword", "hits");
    for i in k.into_iter().take(top) {
        println!("{:<30} {:>10}", format!("{:?}", rs.keywords()[i]), hits[i]);
    }
}
