//! Assessed control: what follows from the evidence where no row says it directly.
//!
//! The control model applies these rules after each day's place rows, region rows and
//! dissolutions, and marks every state they produce as
//! [`Basis::Inferred`](crate::control::Basis), naming the rule and citing the rows that
//! triggered it:
//!
//! - **Succession** ([`successors`]): when a faction dissolves, each place it still held
//!   passes to the faction whose held places are nearest through the
//!   [`NeighbourGraph`], within [`Settings::max_km`]; farther places are left unheld.
//! - **Enclaves** ([`enclosed_pockets`]): a place with no evidence of its own since the
//!   baseline, whose holder's connected area around it is enclosed by other factions (one,
//!   or several where advances met) and cut off from the holder's main body, passes to the
//!   enclosing faction (the one around most of it) once it has
//!   been enclosed for [`Settings::enclave_days`].
//!
//! - **Passed places**: a place with no evidence of its own since the baseline, at least
//!   [`Settings::passed_share`] of whose neighbours one other faction has taken by rows
//!   (not by inference, so the rule never feeds itself), passes to that faction after
//!   [`Settings::enclave_days`]: the front went past it, even where it still touches its
//!   holder's main body or a border. A row naming the place (it held out) stops it.
//!
//! `--evidence-only` (or `enabled = false` in the manifest's `[inference]` table) skips
//! both.

mod enclave;
mod graph;
mod succession;

pub use enclave::{Pocket, PocketFinder, PocketRef, enclosed_pockets};
pub use graph::NeighbourGraph;
pub use succession::{Successor, successors};

use serde::Serialize;

/// Which inference rule produced a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rule {
    /// A dissolved faction's place passed to the nearest other faction.
    Succession,
    /// A cut-off pocket passed to the one faction enclosing it.
    Enclave,
    /// A place the front has passed: most of its neighbours were taken by one faction.
    Passed,
}

impl Rule {
    /// The word used in outputs (`inferred_by`).
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Succession => "succession",
            Rule::Enclave => "enclave",
            Rule::Passed => "passed",
        }
    }
}

/// The manifest's `[inference]` settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Whether the rules run at all.
    pub enabled: bool,
    /// Places farther apart than this are not neighbours, and succession reaches no
    /// farther, in kilometres.
    pub max_km: f64,
    /// How many days a pocket stays enclosed before it passes to the enclosing faction
    /// (0: the same day).
    pub enclave_days: u32,
    /// A place no row names passes to the faction that took (by rows) at least this share of
    /// its neighbours, once `enclave_days` have gone by (0: never).
    pub passed_share: f64,
}

impl Settings {
    /// The default reach of succession and of neighbourhood, in km.
    pub const DEFAULT_MAX_KM: f64 = 50.0;
    /// The default share of a place's neighbours one faction must have taken for the front
    /// to have passed it.
    pub const DEFAULT_PASSED_SHARE: f64 = 0.75;
    /// The default wait before an enclosed pocket changes hands, in days.
    pub const DEFAULT_ENCLAVE_DAYS: u32 = 2;

    /// Inference switched off.
    pub fn disabled() -> Settings {
        Settings { enabled: false, ..Settings::default() }
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            enabled: true,
            max_km: Settings::DEFAULT_MAX_KM,
            enclave_days: Settings::DEFAULT_ENCLAVE_DAYS,
            passed_share: Settings::DEFAULT_PASSED_SHARE,
        }
    }
}
