//! `.credlint.toml`: found by walking up from the scan root, or `--config`.
//!
//! Unknown keys are errors; a bad file is a miette diagnostic pointing at the
//! line and column, and exit code 2.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use credlint_core::{Confidence, Severity};
use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::{Deserialize, Serialize};

/// The config file name looked for in the scan root and its parents.
pub const FILE_NAME: &str = ".credlint.toml";

/// The whole config file.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Findings at or above this severity fail the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<Severity>,
    /// Report findings at or above this confidence (default `medium`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    /// What to walk.
    #[serde(default)]
    pub scan: ScanSection,
    /// Which rules run and how severe they are.
    #[serde(default)]
    pub rules: RulesSection,
    /// What not to report.
    #[serde(default)]
    pub allow: AllowSection,
    /// Baseline file (relative to the config's folder) every command applies,
    /// as if given with `--baseline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
}

/// `[scan]`.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScanSection {
    /// Globs (gitignore syntax, relative to the config's folder) to leave out.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Skip files larger than this many bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_file_size: Option<u64>,
}

/// `[rules]`.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    /// Rule or check ids not to run.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Severity overrides by id.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Extra rule files (the `rules/` format), relative to the config's folder.
    #[serde(default)]
    pub extra: Vec<String>,
}

/// `[allow]`.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AllowSection {
    /// Regexes over a secret's value: a match suppresses the finding.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// Per-rule allowlists.
    #[serde(default)]
    pub rule: Vec<RuleAllow>,
}

/// `[[allow.rule]]`.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleAllow {
    /// The rule id.
    pub id: String,
    /// Regexes over the secret.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// Globs over the path.
    #[serde(default)]
    pub paths: Vec<String>,
}

/// A config (or rule) file that could not be used, pointing at the problem.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(credlint::config))]
pub struct ConfigError {
    /// What is wrong.
    pub message: String,
    /// The file's text.
    #[source_code]
    pub src: NamedSource<String>,
    /// Where in it.
    #[label("here")]
    pub span: Option<SourceSpan>,
}

/// A loaded config and the folder it applies to.
#[derive(Debug, Default, Clone)]
pub struct Loaded {
    /// The parsed file.
    pub config: Config,
    /// The config file, when one was found.
    pub path: Option<PathBuf>,
    /// The baseline (`--baseline` or the config's `baseline`), applied by
    /// `output::post_filter`.
    pub baseline: Option<std::sync::Arc<crate::baseline::Baseline>>,
}

impl Loaded {
    /// The folder relative paths in the config are resolved against.
    pub fn base(&self) -> PathBuf {
        self.path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from("."))
    }
}

/// Find `.credlint.toml` in `start` or a parent.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let abs = std::fs::canonicalize(start).ok()?;
    let mut dir = if abs.is_dir() {
        Some(abs.as_path())
    } else {
        abs.parent()
    };
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// Parse a config file.
pub fn load(path: &Path) -> Result<Loaded, Box<ConfigError>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Box::new(ConfigError {
            message: format!("cannot read {}: {e}", path.display()),
            src: NamedSource::new(path.display().to_string(), String::new()),
            span: None,
        })
    })?;
    let config: Config = toml::from_str(&text).map_err(|e| {
        Box::new(ConfigError {
            message: format!("invalid config: {}", e.message()),
            span: e
                .span()
                .map(|r| (r.start, r.end.saturating_sub(r.start)).into()),
            src: NamedSource::new(path.display().to_string(), text.clone()),
        })
    })?;
    Ok(Loaded {
        config,
        path: Some(path.to_path_buf()),
        baseline: None,
    })
}

/// `--dump-config`: the config as this run uses it (the file, then the
/// command line's `--fail-on`, `--disable` and `--baseline` on top), as TOML,
/// with the file it came from in a leading comment.
pub fn dump(
    loaded: &Loaded,
    fail_on: Option<Severity>,
    disable: &[String],
    baseline: Option<&Path>,
) -> String {
    let mut c = loaded.config.clone();
    c.fail_on = fail_on
        .or(c.fail_on)
        .or(Some(crate::output::DEFAULT_FAIL_ON));
    for id in disable {
        if !c.rules.disable.contains(id) {
            c.rules.disable.push(id.clone());
        }
    }
    if let Some(b) = baseline {
        c.baseline = Some(b.display().to_string());
    }
    let from = match &loaded.path {
        Some(p) => format!("# merged config: {} plus the command line\n", p.display()),
        None => {
            "# merged config: no config file found (defaults plus the command line)\n".to_string()
        }
    };
    let body =
        toml::to_string_pretty(&c).unwrap_or_else(|e| format!("# cannot print the config: {e}\n"));
    format!("{from}{body}")
}
