//! Embeds every `rules/*.toml` of the workspace into the library, so the
//! binary carries its rules and needs no data files at run time.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let rules_dir = manifest.join("../../rules");
    println!("cargo:rerun-if-changed={}", rules_dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&rules_dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from("/// Embedded rule files: (file name, contents).\npub static EMBEDDED: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy();
        let abs = f.canonicalize().unwrap();
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            abs.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded_rules.rs");
    std::fs::write(dest, out).unwrap();
    let model = word_model(&manifest.join("../.."));
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("word_model.rs");
    std::fs::write(dest, model).unwrap();
}

/// The word-likeness model (see `src/generic/shape.rs`): character trigram
/// statistics of identifiers and English, counted over this repository's
/// own prose and code — Markdown documents, rule names and descriptions,
/// and the Rust sources with their string literals removed (test values
/// must not teach the model what random looks like). Written as a table of
/// `-log2 P(c | a b)` in 1/64 bits over the 27 symbols `a`–`z` and a word
/// boundary, interpolated with bigram and unigram estimates so that no
/// trigram is impossible.
fn word_model(root: &std::path::Path) -> String {
    let mut text = String::new();
    let mut add_file = |p: &std::path::Path, kind: &str| {
        println!("cargo:rerun-if-changed={}", p.display());
        let Ok(s) = std::fs::read_to_string(p) else {
            return;
        };
        for line in s.lines() {
            match kind {
                "md" => {
                    // Code spans and fences hold commands and values.
                    let mut keep = String::new();
                    for (i, part) in line.split('`').enumerate() {
                        if i % 2 == 0 {
                            keep.push_str(part);
                            keep.push(' ');
                        }
                    }
                    text.push_str(&keep);
                }
                "toml" => {
                    let t = line.trim_start();
                    if t.starts_with("name =")
                        || t.starts_with("description =")
                        || t.starts_with('#')
                    {
                        text.push_str(t);
                    }
                }
                _ => {
                    let mut out = String::new();
                    let mut in_str = false;
                    let mut prev = ' ';
                    for c in line.chars() {
                        if c == '"' && prev != '\\' {
                            in_str = !in_str;
                        } else if !in_str {
                            out.push(c);
                        }
                        prev = c;
                    }
                    text.push_str(&out);
                }
            }
            text.push('\n');
        }
    };
    let mut stack = vec![root.join("scanner")];
    let mut files = Vec::new();
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            if p.is_dir() {
                if name != "tests" && name != "target" && name != "examples" {
                    stack.push(p);
                }
            } else if name.ends_with(".rs") && p.to_string_lossy().contains("/src/") {
                files.push(p);
            }
        }
    }
    files.sort();
    for f in &files {
        add_file(f, "rs");
    }
    for md in [
        "README.md",
        "docs/ARCHITECTURE.md",
        "docs/ADOPTION.md",
        "rules/README.md",
    ] {
        add_file(&root.join(md), "md");
    }
    let mut rule_files: Vec<PathBuf> = std::fs::read_dir(root.join("rules"))
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    rule_files.sort();
    for f in rule_files
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
    {
        add_file(f, "toml");
    }
    // Words: letter runs, split at camelCase humps, lowercased.
    let mut tri = vec![0u32; 27 * 27 * 27];
    let mut bi = vec![0u32; 27 * 27];
    let mut uni = [0u32; 27];
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < bytes.len()
            && bytes[j].is_ascii_alphabetic()
            && !(bytes[j].is_ascii_uppercase() && bytes[j - 1].is_ascii_lowercase())
        {
            j += 1;
        }
        let word: Vec<usize> = bytes[i..j]
            .iter()
            .map(|b| (b.to_ascii_lowercase() - b'a') as usize + 1)
            .collect();
        if word.len() >= 2 {
            let mut a = 0;
            let mut b = 0;
            for &c in word.iter().chain(std::iter::once(&0)) {
                tri[(a * 27 + b) * 27 + c] += 1;
                bi[b * 27 + c] += 1;
                uni[c] += 1;
                a = b;
                b = c;
            }
        }
        i = j;
    }
    let total: u32 = uni.iter().sum::<u32>().max(1);
    let mut table = String::from(
        "/// `-log2 P(c | a b)` in 1/64 bits, indexed `(a * 27 + b) * 27 + c`\n/// (0 = boundary, 1..=26 = `a`..=`z`). Generated by build.rs.\npub(crate) static TRIGRAM_COST: [u16; 19683] = [",
    );
    for a in 0..27 {
        for b in 0..27 {
            let ctx3: u32 = (0..27).map(|c| tri[(a * 27 + b) * 27 + c]).sum();
            let ctx2: u32 = (0..27).map(|c| bi[b * 27 + c]).sum();
            for c in 0..27 {
                let p3 = if ctx3 > 0 {
                    tri[(a * 27 + b) * 27 + c] as f64 / ctx3 as f64
                } else {
                    0.0
                };
                let p2 = if ctx2 > 0 {
                    bi[b * 27 + c] as f64 / ctx2 as f64
                } else {
                    0.0
                };
                let p1 = (uni[c] as f64 + 1.0) / (total as f64 + 27.0);
                let (l3, l2) = (
                    if ctx3 >= 20 {
                        0.7
                    } else {
                        0.3 * ctx3.min(20) as f64 / 20.0
                    },
                    0.25,
                );
                let p = l3 * p3 + l2 * p2 + (1.0 - l3 - l2) * p1;
                let cost = (-p.log2() * 64.0).round().clamp(0.0, 65535.0) as u16;
                write!(table, "{cost},").unwrap();
            }
        }
    }
    table.push_str("];\n");
    write!(table, "/// Letters counted to build the model.\n#[allow(dead_code)]\npub(crate) const TRAINING_LETTERS: u32 = {total};\n").unwrap();
    table
}
