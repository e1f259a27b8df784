//! Leak rules as data: the file format and its loader.
//!
//! A rule file is TOML with one `[[rules]]` table per rule (see
//! `rules/README.md` for the field reference). Loading checks every field a
//! scan relies on (unique ids, at least one keyword, a `secret` capture, a
//! known validator, examples present) and reports errors with the byte span
//! of the offending rule, so the binary can point at the line.

use std::ops::Range;
use std::sync::OnceLock;

use credlint_core::{Confidence, Severity};
use regex::bytes::Regex;
use serde::Deserialize;

use crate::validate::Validator;

/// One rule as written in a rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable kebab-case id, unique across all rules.
    pub id: String,
    /// Human name, e.g. "GitHub personal access token (classic)".
    pub name: String,
    /// What the credential is and what it grants.
    pub description: String,
    /// Severity of a hit.
    pub severity: Severity,
    /// How sure a match makes us (default: `high` for a vendor rule,
    /// `medium` for a generic one); a validator may lower it per value.
    #[serde(default)]
    pub confidence: Option<Confidence>,
    /// Free tags (`cloud`, `source-hosting`, `generic`, ...).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Vendor documentation of the format.
    #[serde(default)]
    pub references: Vec<String>,
    /// Literals (ASCII case-insensitive) of which one must occur near a match.
    pub keywords: Vec<String>,
    /// Regex with a named capture `secret`.
    pub pattern: String,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    #[serde(default)]
    pub min_entropy: Option<f64>,
    /// Format validator by name.
    #[serde(default)]
    pub validator: Option<String>,
    /// Bytes before/after a keyword hit that the regex may see, across lines.
    /// Without it the window is the keyword's own line (at most 256 bytes
    /// before and 512 after the keyword).
    #[serde(default)]
    pub window: Option<[usize; 2]>,
    /// Generic rules yield to a specific rule that matched the same secret.
    #[serde(default)]
    pub generic: bool,
    /// Skip the shared placeholder filter (for formats where it misfires).
    #[serde(default)]
    pub no_placeholder_check: bool,
    /// Regexes over the secret: a match drops the candidate.
    #[serde(default)]
    pub allow: Vec<String>,
    /// How to fix it: rotate where, how to store instead.
    #[serde(default)]
    pub remediation: Option<String>,
    /// Text that must produce a finding of this rule.
    pub examples: Vec<String>,
    /// Text that must produce no finding of this rule.
    pub negative_examples: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rules: Vec<toml::Spanned<RuleSpec>>,
}

/// A problem in a rule file, with the byte span it concerns.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}: {message}")]
pub struct RuleError {
    /// File name the rule came from.
    pub file: String,
    /// What is wrong.
    pub message: String,
    /// Byte span in the file, when known.
    pub span: Option<Range<usize>>,
}

/// A loaded rule, ready for the engine.
#[derive(Debug)]
pub struct Rule {
    /// The rule as written.
    pub spec: RuleSpec,
    /// Parsed validator.
    pub validator: Option<Validator>,
    /// Compiled allow regexes.
    pub allow: Vec<Regex>,
    /// Window before and after a keyword hit.
    pub window: (usize, usize),
    /// The window stays on the keyword's line (rules that set no `window`):
    /// most credentials sit on one line with their key, and on text dense
    /// with keywords a line-local window is a fraction of a fixed one.
    pub line_local: bool,
    /// File the rule came from.
    pub file: String,
    regex: OnceLock<Regex>,
}

const DEFAULT_WINDOW: (usize, usize) = (256, 512);
/// Limit on compiled regex size: a rule that needs more is refused, not run.
const REGEX_SIZE_LIMIT: usize = 8 << 20;

impl Rule {
    /// The compiled pattern (compiled on first use; patterns were validated at load).
    pub fn regex(&self) -> &Regex {
        self.regex
            .get_or_init(|| compile(&self.spec.pattern).expect("pattern validated at load"))
    }

    /// Compile now, reporting a failure instead of panicking later.
    pub fn compile_now(&self) -> Result<(), String> {
        if self.regex.get().is_some() {
            return Ok(());
        }
        let re = compile(&self.spec.pattern)?;
        let _ = self.regex.set(re);
        Ok(())
    }
}

fn compile(pattern: &str) -> Result<Regex, String> {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(4 << 20)
        .build()
        .map_err(|e| e.to_string())
}

/// How much to check a rule file at load: embedded rules were checked by the
/// test suite and are trusted; user rules get the full check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// Shipped with credlint: parse only what a scan needs.
    Embedded,
    /// From a user's config: compile the pattern now to report errors early.
    User,
}

/// Parse one rule file.
pub fn parse_rule_file(file: &str, text: &str, trust: Trust) -> Result<Vec<Rule>, RuleError> {
    let parsed: RuleFile = toml::from_str(text).map_err(|e| RuleError {
        file: file.to_string(),
        message: e.message().to_string(),
        span: e.span(),
    })?;
    parsed
        .rules
        .into_iter()
        .map(|spanned| {
            let span = spanned.span();
            let spec = spanned.into_inner();
            build_rule(file, spec, trust).map_err(|message| RuleError {
                file: file.to_string(),
                message,
                span: Some(span),
            })
        })
        .collect()
}

fn build_rule(file: &str, spec: RuleSpec, trust: Trust) -> Result<Rule, String> {
    let id = &spec.id;
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!("rule id `{id}` must be kebab-case (a-z, 0-9, -)"));
    }
    if spec.keywords.is_empty() || spec.keywords.iter().any(|k| k.len() < 2) {
        return Err(format!(
            "rule `{id}` needs at least one keyword of two or more bytes: keywords decide where its pattern runs"
        ));
    }
    if !spec.pattern.contains("(?P<secret>") && !spec.pattern.contains("(?<secret>") {
        return Err(format!(
            "rule `{id}`: pattern has no named capture `secret`"
        ));
    }
    if trust == Trust::User || cfg!(debug_assertions) {
        regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(&spec.pattern)
            .map_err(|e| format!("rule `{id}`: invalid pattern: {e}"))?;
    }
    let validator = spec
        .validator
        .as_deref()
        .map(|v| {
            v.parse::<Validator>()
                .map_err(|e| format!("rule `{id}`: {e}"))
        })
        .transpose()?;
    if let Some(e) = spec.min_entropy {
        if !(0.0..=8.0).contains(&e) {
            return Err(format!("rule `{id}`: min_entropy must be between 0 and 8"));
        }
    }
    let allow = spec
        .allow
        .iter()
        .map(|a| compile(a).map_err(|e| format!("rule `{id}`: invalid allow pattern: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let line_local = spec.window.is_none();
    let window = spec
        .window
        .map(|[b, a]| (b.min(64 * 1024), a.min(64 * 1024)))
        .unwrap_or(DEFAULT_WINDOW);
    let rule = Rule {
        spec,
        validator,
        allow,
        window,
        line_local,
        file: file.to_string(),
        regex: OnceLock::new(),
    };
    if trust == Trust::User {
        rule.compile_now()
            .map_err(|e| format!("rule `{}`: pattern rejected: {e}", rule.spec.id))?;
    }
    Ok(rule)
}

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// The rule files compiled into the binary from `rules/`.
pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
    EMBEDDED
}

impl Rule {
    /// The confidence of a match before its value is judged: the rule's
    /// own `confidence`, else `medium` for a generic rule and `high` for a
    /// vendor format.
    pub fn default_confidence(&self) -> Confidence {
        self.spec.confidence.unwrap_or(if self.spec.generic {
            Confidence::Medium
        } else {
            Confidence::High
        })
    }

    /// What reporters and `credlint explain` show for this rule.
    pub fn meta(&self) -> credlint_core::RuleMeta {
        let s = &self.spec;
        let mut md = format!("# {} (`{}`)\n\n{}\n\n", s.name, s.id, s.description);
        md.push_str(&format!("**Severity:** {}\n\n", s.severity));
        md.push_str(&format!(
            "**Confidence:** {}\n\n",
            match (s.validator.as_deref(), s.confidence) {
                (Some("generic-secret" | "generic-secret-strict"), _) => "decided per value. Under a key, token or secret name a random value is medium, high at 32+ characters of three classes or 40+ hex; under a password name a random value is medium (high at 16+ characters of three classes), a human-chosen one medium at 8+ characters of three classes and low otherwise; under a salt, seed or nonce name a random value is medium (a nonce low); under a bare `…_KEY` name a random value of 16+ characters is medium (low when hex); a UUID is low under any name. Words, identifiers, references, placeholders, paths, numbers and hashes are not reported. Low findings are shown with `--confidence low`. A rule's own `confidence` caps the level.".to_string(),
                (Some("uri-password" | "base64-user-pass-strict"), _) => "decided per value: a random password is high, a human-chosen one medium, words and service defaults (`postgres`, `root`, `guest`) low; stand-ins (`password`, `changeme`, a documentation user's password) and references are not reported. A rule's own `confidence` caps the level.".to_string(),
                (_, Some(c)) => format!("{c}: the format alone does not prove it (a generic shape found by a nearby name, or a value many ids share)."),
                (_, None) => format!("{}: the format alone decides.", self.default_confidence()),
            }
        ));
        md.push_str("## What it finds\n\n");
        md.push_str(&format!(
            "Text containing one of the keywords {} where the pattern `{}` matches",
            s.keywords
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", "),
            s.pattern
        ));
        if let Some(e) = s.min_entropy {
            md.push_str(&format!(
                ", with at least {e} bits of entropy per character"
            ));
        }
        if let Some(v) = &s.validator {
            md.push_str(&format!(", and that passes the `{v}` format check"));
        }
        md.push_str(".\n\n## Why it matters\n\n");
        md.push_str("Anyone who can read this file, its history or a copy of it can use the credential until it is revoked. Deleting it in a later commit does not un-leak it.\n\n");
        md.push_str("## Instead\n\n");
        md.push_str(s.remediation.as_deref().unwrap_or(
            "Revoke and rotate the credential at its issuer, then load it at run time from a secret manager or an environment the repository does not hold.",
        ));
        md.push_str("\n\nTo accept a known false positive, add `credlint:allow ");
        md.push_str(&s.id);
        md.push_str("` in a comment on the line or the line before, or record it in a baseline.\n");
        if !s.references.is_empty() {
            md.push_str("\n## References\n\n");
            for r in &s.references {
                md.push_str(&format!("- {r}\n"));
            }
        }
        credlint_core::RuleMeta {
            id: s.id.clone(),
            name: s.name.clone(),
            kind: credlint_core::FindingKind::Leak,
            severity: s.severity,
            confidence: self.default_confidence(),
            short_description: s.name.clone(),
            full_description: s.description.clone(),
            help_markdown: md,
            tags: s.tags.clone(),
            references: s.references.clone(),
        }
    }
}
