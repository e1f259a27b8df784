//! Confidence: how likely a finding is real, as opposed to how bad it
//! would be (that is [`crate::Severity`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How sure the evidence makes us that a finding is real. Ordered:
/// `Low < Medium < High`.
///
/// - `high`: the value has a vendor's format with a distinctive prefix or a
///   valid checksum, or is a private key; a policy verdict read from an
///   object's fields.
/// - `medium`: a random value under a credential name; a vendor format
///   recognised from its shape and a nearby vendor name.
/// - `low`: a human-looking password under a password name, a UUID under a
///   key or secret name, a common default, a value in a test fixture.
///
/// The default view and gate show `high` and `medium`; `--confidence low`
/// adds `low`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Plausible, but a person should look.
    Low,
    /// Likely real.
    Medium,
    /// Almost certainly real.
    #[default]
    High,
}

impl Confidence {
    /// All levels, least sure first.
    pub const ALL: [Confidence; 3] = [Confidence::Low, Confidence::Medium, Confidence::High];

    /// The lowercase name used in files, on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// GitHub code scanning's rule `precision` property for this level.
    pub fn sarif_precision(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// SARIF `rank` (0.0–100.0): higher is more likely real.
    pub fn sarif_rank(self) -> f64 {
        match self {
            Confidence::Low => 30.0,
            Confidence::Medium => 60.0,
            Confidence::High => 90.0,
        }
    }

    /// One lower, never below `low`.
    pub fn lowered(self) -> Confidence {
        match self {
            Confidence::High => Confidence::Medium,
            _ => Confidence::Low,
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A confidence name that is not one of `low|medium|high`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown confidence `{0}` (expected low, medium or high)")]
pub struct ConfidenceParseError(pub String);

impl FromStr for Confidence {
    type Err = ConfidenceParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Ok(Confidence::Low),
            "medium" => Ok(Confidence::Medium),
            "high" => Ok(Confidence::High),
            _ => Err(ConfidenceParseError(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_names_round_trip() {
        assert!(Confidence::Low < Confidence::Medium && Confidence::Medium < Confidence::High);
        for c in Confidence::ALL {
            assert_eq!(c.as_str().parse::<Confidence>().unwrap(), c);
        }
        assert!("certain".parse::<Confidence>().is_err());
        assert_eq!(Confidence::High.lowered(), Confidence::Medium);
        assert_eq!(Confidence::Low.lowered(), Confidence::Low);
    }
}
