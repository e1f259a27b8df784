//! The rule self-test: every embedded rule compiles, has enough examples,
//! finds each positive example and stays silent on each negative one.
//!
//! Examples may contain `{{...}}` templates (see `rules/README.md`) so that
//! valid-checksum, high-value tokens are built here at test time and never
//! committed.

use credlint_leaks::{RuleSet, Scratch};

#[test]
fn every_rule_compiles_and_has_examples() {
    let rs = RuleSet::embedded().expect("embedded rules load");
    assert!(!rs.rules().is_empty());
    let mut problems = Vec::new();
    for rule in rs.rules() {
        if let Err(e) = rule.compile_now() {
            problems.push(format!("{}: {e}", rule.spec.id));
        }
        if rule.spec.examples.len() < 2 || rule.spec.negative_examples.len() < 2 {
            problems.push(format!(
                "{}: needs at least two examples and two negative examples",
                rule.spec.id
            ));
        }
        if rule.spec.references.is_empty() && !rule.spec.generic {
            problems.push(format!(
                "{}: no reference to the vendor's format",
                rule.spec.id
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_example_is_found_and_every_negative_is_not() {
    let rs = RuleSet::embedded().expect("embedded rules load");
    let mut scratch = Scratch::default();
    let problems: Vec<String> = rs
        .rules()
        .iter()
        .flat_map(|rule| credlint_leaks::examples::check_rule(&rs, rule, &mut scratch))
        .collect();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn ids_are_unique_and_listed() {
    let rs = RuleSet::embedded().unwrap();
    let mut ids: Vec<&str> = rs.rules().iter().map(|r| r.spec.id.as_str()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate rule ids");
}
