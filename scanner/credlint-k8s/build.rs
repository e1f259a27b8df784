//! Extracts the `//!` doc comment of every check module in `src/checks/`
//! into a table, so the module documentation *is* the `credlint explain`
//! page and SARIF help text: one source of truth, no copy to drift.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("src/checks");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .filter(|p| p.file_stem().is_some_and(|s| s != "mod"))
        .collect();
    files.sort();
    let mut out = String::from("/// (module file stem, module doc comment as Markdown).\npub(crate) static DOCS: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let text = std::fs::read_to_string(f).unwrap();
        let mut doc = String::new();
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("//!") else {
                break;
            };
            doc.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            doc.push('\n');
        }
        let stem = f.file_stem().unwrap().to_string_lossy();
        writeln!(out, "    ({stem:?}, {:?}),", doc.trim()).unwrap();
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("check_docs.rs");
    std::fs::write(dest, out).unwrap();
}
