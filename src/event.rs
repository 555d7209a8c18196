//! Factions and the claims about them: who did what, where, when, and on whose word.

use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

use crate::gazetteer::PlaceId;
use crate::region::RegionId;

/// Index of a faction in its scenario's faction list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FactionId(pub u16);

/// An sRGB colour, written `#rrggbb` in scenario files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Colour {
    /// Red, 0–255.
    pub r: u8,
    /// Green, 0–255.
    pub g: u8,
    /// Blue, 0–255.
    pub b: u8,
}

impl Colour {
    /// The colour as `[r, g, b]`.
    pub fn rgb(self) -> [u8; 3] {
        [self.r, self.g, self.b]
    }

    /// Mixes `self` with `other`; `t` = 0 gives `self`, 1 gives `other`.
    pub fn mix(self, other: Colour, t: f32) -> Colour {
        let m = |a: u8, b: u8| (a as f32 + (b as f32 - a as f32) * t).round().clamp(0.0, 255.0) as u8;
        Colour { r: m(self.r, other.r), g: m(self.g, other.g), b: m(self.b, other.b) }
    }
}

impl FromStr for Colour {
    type Err = String;

    /// Parses `#rrggbb`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let hex = s.trim().strip_prefix('#').ok_or("a colour like #1f77b4")?;
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err("a colour like #1f77b4".into());
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|e| e.to_string());
        Ok(Colour { r: byte(0)?, g: byte(2)?, b: byte(4)? })
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

impl Serialize for Colour {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// A side in the conflict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Faction {
    /// Its index in the scenario.
    #[serde(skip)]
    pub id: FactionId,
    /// The short key used in event files, e.g. `hts`.
    pub key: String,
    /// The name shown in legends, e.g. "HTS-led Military Operations Command".
    pub name: String,
    /// Its colour on maps.
    pub colour: Colour,
    /// Whether inference may give it places (succession, enclaves). A foreign army whose
    /// every move is reported, say, should gain ground only by rows.
    pub inherits: bool,
}

/// What a claim says a faction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// The faction says it still holds the place (a denial of a reported loss).
    Held,
    /// The faction left the place.
    Withdrew,
    /// The faction is fighting inside the place: contested between holder and this faction.
    Entered,
    /// The faction holds the place from that day.
    Captured,
    /// The faction ceases to hold territory: everywhere, or in the region the row names.
    /// Its remaining places pass to successors (see [`crate::control`]).
    Dissolved,
}

impl Action {
    /// Every action, in the order the control rule applies them within one day
    /// (dissolutions come after every place and region row of their day).
    pub const ALL: [Action; 5] = [Action::Held, Action::Withdrew, Action::Entered, Action::Captured, Action::Dissolved];

    /// The word used in event files.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Held => "held",
            Action::Withdrew => "withdrew",
            Action::Entered => "entered",
            Action::Captured => "captured",
            Action::Dissolved => "dissolved",
        }
    }
}

impl FromStr for Action {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Action::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| "one of captured, entered, withdrew, held, dissolved".to_string())
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How well a claim is established. Ordered weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// A party's own claim, not independently supported.
    Claimed,
    /// Stated as fact by the reporting outlet.
    Reported,
    /// Geolocated, independently corroborated, or acknowledged by the losing side.
    Confirmed,
}

impl Confidence {
    /// Every level, weakest first.
    pub const ALL: [Confidence; 3] = [Confidence::Claimed, Confidence::Reported, Confidence::Confirmed];

    /// The word used in event files.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Claimed => "claimed",
            Confidence::Reported => "reported",
            Confidence::Confirmed => "confirmed",
        }
    }
}

impl FromStr for Confidence {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Confidence::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| "one of confirmed, reported, claimed".to_string())
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Index of an event in its scenario's (sorted) event list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct EventId(pub u32);

/// What an event row is about: one place, every place of a region, or (for a
/// dissolution) everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// One gazetteer place.
    Place(PlaceId),
    /// Every place of a region (an admin1 region or a named area).
    Region(RegionId),
    /// Everywhere: only a dissolution may have no place.
    Everywhere,
}

impl Target {
    /// The place, when the row names one.
    pub fn place(self) -> Option<PlaceId> {
        match self {
            Target::Place(p) => Some(p),
            _ => None,
        }
    }
}

/// One claim: on `date`, `faction` did `action` at `target`, according to `source`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// The local day the change happened (the map for that day shows it).
    pub date: NaiveDate,
    /// The place or region, resolved.
    #[serde(skip)]
    pub target: Target,
    /// The place or region as the row wrote it (empty for a dissolution everywhere).
    pub place_text: String,
    /// The faction acting.
    #[serde(skip)]
    pub faction: FactionId,
    /// What it did.
    pub action: Action,
    /// How well established the claim is.
    pub confidence: Confidence,
    /// The report the claim comes from (a file name of the scenario's sources).
    pub source: String,
    /// A verbatim quote from the report supporting the claim; empty for a row citing a
    /// public page (its `note` states the fact in the editor's words).
    pub quote: String,
    /// A free-text note by the dataset's editor.
    pub note: Option<String>,
    /// For a `dissolved` row: the factions that take over the land the dissolved faction
    /// still holds and no other row assigns (the `successor` column, keys separated by `|`).
    #[serde(skip)]
    pub successors: Vec<FactionId>,
    /// The 1-based line of the events file the row is on.
    pub line: u64,
}

impl Event {
    /// The place, when the row names one (not a region, not everywhere).
    pub fn place(&self) -> Option<PlaceId> {
        self.target.place()
    }

    /// A key that lists claims about one place and one day strongest last: confidence,
    /// then action, faction and source. The control model's full rule also weighs how many
    /// sources agree (see [`crate::control::Rank`]); this key only orders listings.
    pub fn precedence_key(&self) -> (Confidence, Action, FactionId, &str, &str) {
        (self.confidence, self.action, self.faction, &self.source, &self.quote)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_and_print() {
        let c: Colour = "#1F77b4".parse().unwrap();
        assert_eq!(c.rgb(), [0x1f, 0x77, 0xb4]);
        assert_eq!(c.to_string(), "#1f77b4");
        assert!("1f77b4".parse::<Colour>().is_err());
        assert!("#1f77b".parse::<Colour>().is_err());
        assert!("#1f77bz".parse::<Colour>().is_err());
    }

    #[test]
    fn actions_and_confidence_parse_case_insensitively() {
        assert_eq!("Captured".parse::<Action>(), Ok(Action::Captured));
        assert_eq!(" withdrew ".parse::<Action>(), Ok(Action::Withdrew));
        assert!("took".parse::<Action>().is_err());
        assert_eq!("CONFIRMED".parse::<Confidence>(), Ok(Confidence::Confirmed));
        assert!("likely".parse::<Confidence>().is_err());
        assert!(Confidence::Confirmed > Confidence::Reported && Confidence::Reported > Confidence::Claimed);
    }
}
