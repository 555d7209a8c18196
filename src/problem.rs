//! Problems found in a scenario: what `frontline check` lists and loading refuses on.

use serde::Serialize;
use std::fmt;

use crate::error::{Error, Location};

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look, but the scenario can be used (a conflict between sources, say).
    Warning,
    /// The scenario cannot be used as it is.
    Error,
}

/// One problem, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// Where it is, as `file:line: field`.
    #[serde(serialize_with = "location_string")]
    pub at: Location,
    /// What is wrong, and what was expected.
    pub message: String,
}

fn location_string<S: serde::Serializer>(at: &Location, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&at.to_string())
}

impl Problem {
    /// An error at `at`.
    pub fn error(at: Location, message: impl Into<String>) -> Self {
        Problem { severity: Severity::Error, at, message: message.into() }
    }

    /// A warning at `at`.
    pub fn warning(at: Location, message: impl Into<String>) -> Self {
        Problem { severity: Severity::Warning, at, message: message.into() }
    }

    /// Whether this problem stops the scenario from being used.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl From<Error> for Problem {
    fn from(e: Error) -> Self {
        // Errors that know their own location keep it; others are reported against the
        // file they came from, which the caller's message names.
        let at = match &e {
            Error::Parse { at, .. }
            | Error::UnknownPlace { at, .. }
            | Error::AmbiguousPlace { at, .. }
            | Error::Data { at, .. } => Some(at.clone()),
            _ => None,
        };
        match at {
            Some(at) => {
                let full = e.to_string();
                let prefix = format!("{at}: ");
                let message = full.strip_prefix(&prefix).unwrap_or(&full).to_string();
                Problem::error(at, message)
            }
            None => {
                // An I/O error names its file; anything else belongs to the scenario.
                let file = match &e {
                    Error::Io { path, .. } => path.display().to_string(),
                    _ => "scenario".to_string(),
                };
                let full = e.to_string();
                let message = full.strip_prefix(&format!("{file}: ")).unwrap_or(&full).to_string();
                Problem::error(Location::file(file), message)
            }
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}: {}", self.at, self.message)
    }
}
