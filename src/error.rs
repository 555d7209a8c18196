//! The crate's one error type.
//!
//! Every variant that comes from input data carries where it came from (file, line, field)
//! and what was found, so a user can go straight to the offending cell of a spreadsheet.

use std::fmt;
use std::path::PathBuf;

/// Where in the input a problem was found: a file, and when known a line and a field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// The file, as the user named it (relative to the scenario folder where possible).
    pub file: String,
    /// 1-based line number in the file, when the problem belongs to one line.
    pub line: Option<u64>,
    /// The column or key, when the problem belongs to one field.
    pub field: Option<String>,
}

impl Location {
    /// A whole-file location.
    pub fn file(file: impl Into<String>) -> Self {
        Location { file: file.into(), line: None, field: None }
    }

    /// A location on one line of a file.
    pub fn line(file: impl Into<String>, line: u64) -> Self {
        Location { file: file.into(), line: Some(line), field: None }
    }

    /// The same location, narrowed to one field.
    pub fn field(&self, field: impl Into<String>) -> Self {
        Location { field: Some(field.into()), ..self.clone() }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in frontline.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A value did not have the expected form.
    #[error("{at}: expected {expected}, found {}", echo(found))]
    Parse {
        /// Where the value is.
        at: Location,
        /// What a valid value looks like.
        expected: String,
        /// The offending text.
        found: String,
    },
    /// A place name that matches nothing in the gazetteer.
    #[error("{at}: unknown place {}{}", echo(name), suggest(.suggestions))]
    UnknownPlace {
        /// Where the name was used.
        at: Location,
        /// The name as written.
        name: String,
        /// The closest known places, best first.
        suggestions: Vec<String>,
    },
    /// A place name that matches several places.
    #[error("{at}: place {} is ambiguous; {}use one of these ids: {}", echo(name), qualify(.qualified), .candidates.join(", "))]
    AmbiguousPlace {
        /// Where the name was used.
        at: Location,
        /// The name as written.
        name: String,
        /// The matching places as `id (name, governorate)`.
        candidates: Vec<String>,
        /// The name qualified by each candidate's region, as a row may write it
        /// ("Fuzuli, Fuzuli"), where the regions tell the candidates apart.
        qualified: Vec<String>,
    },
    /// The scenario has problems; each names its file and line.
    #[error("the scenario has {} problem(s):\n{}", .0.len(), .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<crate::problem::Problem>),
    /// Anything else that is wrong with the input, with where it is.
    #[error("{at}: {message}")]
    Data {
        /// Where the problem is.
        at: Location,
        /// What is wrong and what was expected.
        message: String,
    },
    /// Drawing a frame failed.
    #[error("rendering failed: {0}")]
    Render(String),
    /// The raster backend or an encoder failed.
    #[error(transparent)]
    Raster(#[from] crate::raster::RasterError),
    /// Encoding an image or video failed.
    #[error("encoding failed: {0}")]
    Encode(String),
}

/// The most characters of an input value an error message repeats (the README promises it).
pub const ECHO_CHARS: usize = 60;

/// At most [`ECHO_CHARS`] characters of an offending value (the last three `...` when it
/// was cut): enough to find it, never a whole line of someone else's file.
pub fn shorten(text: &str) -> String {
    if text.chars().count() > ECHO_CHARS {
        text.chars().take(ECHO_CHARS - 3).collect::<String>() + "..."
    } else {
        text.to_string()
    }
}

/// An input value as every error message repeats it: [`shorten`]ed, then quoted with
/// control characters escaped, so a value can neither flood a terminal nor forge a line.
///
/// ```
/// let long = "x".repeat(1_000_000);
/// assert_eq!(frontline::error::echo(&long).chars().count(), 62); // 60 and the quotes
/// assert_eq!(frontline::error::echo("Hama"), "\"Hama\"");
/// ```
pub fn echo(text: &str) -> String {
    format!("{:?}", shorten(text))
}

fn qualify(qualified: &[String]) -> String {
    match qualified {
        [] => String::new(),
        forms => format!(
            "name it with its region ({}) or ",
            forms.iter().map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(" or ")
        ),
    }
}

fn suggest(suggestions: &[String]) -> String {
    if suggestions.is_empty() { String::new() } else { format!("; did you mean {}?", suggestions.join(", ")) }
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
