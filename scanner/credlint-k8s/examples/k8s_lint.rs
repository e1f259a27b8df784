//! Runs every policy check on every file under a directory, single-threaded,
//! and prints the number of files, findings and warnings: the library's own
//! cost, for `bench/k8s_bench.sh` until `credlint scan` calls `check_file`.
//!
//! `cargo run --release -p credlint-k8s --example k8s_lint -- DIR`

use std::path::Path;

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::env::args().nth(1).ok_or("usage: k8s_lint DIR")?;
    let root = Path::new(&root);
    let rules = credlint_leaks::RuleSet::embedded()?;
    let mut files = Vec::new();
    walk(root, &mut files)?;
    let (mut n, mut findings, mut warnings) = (0, 0, 0);
    for p in files {
        let bytes = std::fs::read(&p)?;
        let rel = p.strip_prefix(root)?.to_string_lossy().replace('\\', "/");
        if let Some(kind) = credlint_k8s::classify(&rel, &bytes) {
            let r = credlint_k8s::check_file(&rel, &bytes, kind, &rules);
            n += 1;
            findings += r.findings.len();
            warnings += r.warnings.len();
        }
    }
    println!("files={n} findings={findings} warnings={warnings}");
    Ok(())
}
