//! A place of the gazetteer.

use geo::Coord;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// Index of a place in its gazetteer. Stable for one loaded scenario; the place's `key`
/// is the id that is stable across versions of the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct PlaceId(pub u32);

impl PlaceId {
    /// The index as a `usize`, for slices.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What sort of place it is. Towns are classed by population.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlaceKind {
    /// 100,000 people or more.
    City,
    /// 10,000 people or more.
    Town,
    /// A smaller settlement.
    Village,
    /// A military base.
    Base,
    /// An airport or air base.
    Airport,
    /// A prison.
    Prison,
    /// A border crossing.
    Crossing,
    /// An area that is not a settlement (a buffer or deconfliction zone).
    Zone,
    /// A mountain or hill.
    Mountain,
}

impl PlaceKind {
    /// Every kind.
    pub const ALL: [PlaceKind; 9] = [
        PlaceKind::City,
        PlaceKind::Town,
        PlaceKind::Village,
        PlaceKind::Base,
        PlaceKind::Airport,
        PlaceKind::Prison,
        PlaceKind::Crossing,
        PlaceKind::Zone,
        PlaceKind::Mountain,
    ];

    /// The word used in gazetteer files.
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::City => "city",
            PlaceKind::Town => "town",
            PlaceKind::Village => "village",
            PlaceKind::Base => "base",
            PlaceKind::Airport => "airport",
            PlaceKind::Prison => "prison",
            PlaceKind::Crossing => "crossing",
            PlaceKind::Zone => "zone",
            PlaceKind::Mountain => "mountain",
        }
    }

    /// Whether the place is a settlement (city, town or village).
    pub fn is_settlement(self) -> bool {
        matches!(self, PlaceKind::City | PlaceKind::Town | PlaceKind::Village)
    }
}

impl FromStr for PlaceKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PlaceKind::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(s.trim())).ok_or_else(|| {
            let all: Vec<_> = PlaceKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("one of {}", all.join(", "))
        })
    }
}

impl fmt::Display for PlaceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A named place with a position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    /// Its index in the gazetteer.
    #[serde(skip)]
    pub id: PlaceId,
    /// The stable id used in files, e.g. `deir-ez-zor`.
    pub key: String,
    /// The display name.
    pub name: String,
    /// Other spellings.
    pub aliases: Vec<String>,
    /// WGS84 longitude (x) and latitude (y), degrees.
    #[serde(skip)]
    pub position: Coord<f64>,
    /// Population, when known.
    pub population: Option<u64>,
    /// The first-level administrative area (governorate, province...).
    pub admin1: String,
    /// What sort of place it is.
    pub kind: PlaceKind,
    /// Where the record comes from.
    pub source: String,
    /// Whether frames label it.
    pub label: LabelRule,
}

/// Whether a place gets a label on the frames (the gazetteer's optional `label` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelRule {
    /// Labelled when it is large enough (`label_population`) or changed hands that day.
    #[default]
    Auto,
    /// Always labelled: the story's own towns, whatever their size.
    Always,
    /// Never labelled (its marker stays).
    Never,
}

impl std::str::FromStr for LabelRule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "" | "auto" => Ok(LabelRule::Auto),
            "always" => Ok(LabelRule::Always),
            "never" => Ok(LabelRule::Never),
            _ => Err("one of always, never, auto".into()),
        }
    }
}

impl Place {
    /// Latitude in degrees.
    pub fn lat(&self) -> f64 {
        self.position.y
    }

    /// Longitude in degrees.
    pub fn lon(&self) -> f64 {
        self.position.x
    }

    /// `id (name, admin1)`, the way ambiguous names list their candidates.
    pub fn describe(&self) -> String {
        format!("{} ({}, {})", self.key, self.name, self.admin1)
    }
}
