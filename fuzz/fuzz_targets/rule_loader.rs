//! The rule-file loader on arbitrary TOML text: a user rule must load or be
//! refused with an error, never panic or hang; a rule that loads is then run
//! over the rest of the input.
#![no_main]

use credlint_leaks::{RuleSet, Scratch};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // `<rule file> NUL <haystack>`.
    let (text, hay) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let set = match RuleSet::builder().add_file("fuzz.toml", text).build() {
        Ok(set) => set,
        Err(e) => {
            // An error names the file and, when it has a span, points inside it.
            assert_eq!(e.file, "fuzz.toml");
            if let Some(span) = e.span {
                assert!(span.start <= span.end && span.end <= text.len());
            }
            return;
        }
    };
    for rule in set.rules() {
        rule.compile_now().expect("a loaded user rule compiles");
        let _ = rule.meta();
    }
    let mut scratch = Scratch::default();
    for c in set.scan(hay, &mut scratch) {
        assert!(c.secret.start <= c.secret.end && c.secret.end <= hay.len());
        assert!(c.whole.end <= hay.len());
    }
});
