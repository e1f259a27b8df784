//! Prints every fixture's findings: `cargo test -p credlint-k8s --test dump -- --ignored --nocapture`.

mod common;

#[test]
#[ignore]
fn dump() {
    // CREDLINT_EMBEDDED=1: the product's embedded rules instead of the test rules.
    let rules = if std::env::var_os("CREDLINT_EMBEDDED").is_some() {
        credlint_leaks::RuleSet::embedded().expect("embedded rules")
    } else {
        common::rules()
    };
    let mut files = Vec::new();
    fn walk(d: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, base, out)
            } else {
                out.push(p.strip_prefix(base).unwrap().to_string_lossy().into_owned())
            }
        }
    }
    walk(&common::root(), &common::root(), &mut files);
    files.sort();
    for f in files {
        let bytes = std::fs::read(common::root().join(&f)).unwrap();
        let path = format!("testdata/k8s/{f}");
        let Some(kind) = credlint_k8s::classify(&path, &bytes) else {
            println!("== {f}: not classified");
            continue;
        };
        let r = credlint_k8s::check_file(&path, &bytes, kind, &rules);
        println!("== {f} ({kind:?}) warnings={:?}", r.warnings);
        for x in &r.findings {
            let s = x.location.span.unwrap();
            println!(
                "  {} {}:{} {:?} | {}",
                x.rule_id, s.start_line, s.start_column, x.severity, x.message
            );
        }
    }
}
