//! ACLED exports into event rows: the territory sub-event types only, actors mapped to
//! factions by a TOML table, places matched by name or by coordinates, and each row keyed
//! by ACLED's `event_id_cnty` so a re-import updates rather than duplicates.
//!
//! ACLED's terms forbid redistributing its rows: nothing of it is shipped, and the rows
//! written carry ACLED's id and codes, not its notes.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use geo::{Coord, Distance, Haversine, Point};

use super::geonames::slug;
use crate::error::{Error, Location, Result};
use crate::gazetteer::{Gazetteer, Resolution};

/// The sub-event types that move territory.
pub const TERRITORY_TYPES: [&str; 3] =
    ["Government regains territory", "Non-state actor overtakes territory", "Non-violent transfer of territory"];

/// The `[actors]` table: ACLED actor name → faction id; a name ending in `*` is a prefix.
#[derive(Debug, Clone, Default)]
pub struct Actors {
    exact: HashMap<String, String>,
    prefixes: Vec<(String, String)>,
}

impl Actors {
    /// Reads the actors TOML (`[actors]` with `"name" = "faction"` pairs).
    pub fn from_toml(text: &str, file: &str) -> Result<Actors> {
        let value: toml::Table = toml::from_str(text)
            .map_err(|e| Error::Data { at: Location::file(file), message: e.message().to_string() })?;
        let table = value.get("actors").and_then(|v| v.as_table()).ok_or_else(|| Error::Data {
            at: Location::file(file).field("actors"),
            message: "expected an [actors] table mapping ACLED actor names to faction ids".into(),
        })?;
        let mut actors = Actors::default();
        for (name, faction) in table {
            let faction = faction.as_str().ok_or_else(|| Error::Parse {
                at: Location::file(file).field(format!("actors.{name}")),
                expected: "a faction id".into(),
                found: faction.to_string(),
            })?;
            match name.strip_suffix('*') {
                Some(prefix) => actors.prefixes.push((prefix.to_string(), faction.to_string())),
                None => {
                    actors.exact.insert(name.clone(), faction.to_string());
                }
            }
        }
        // The longest prefix wins.
        actors.prefixes.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        Ok(actors)
    }

    /// The faction of an ACLED actor, if mapped.
    pub fn faction(&self, actor: &str) -> Option<&str> {
        self.exact
            .get(actor.trim())
            .or_else(|| self.prefixes.iter().find(|(p, _)| actor.trim().starts_with(p.as_str())).map(|(_, f)| f))
            .map(String::as_str)
    }
}

/// Reads ACLED's `event_date`: "15 January 2010", "2010-01-15" or "15-01-2010".
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    ["%d %B %Y", "%Y-%m-%d", "%d-%m-%Y", "%d %b %Y"].iter().find_map(|f| NaiveDate::parse_from_str(t, f).ok())
}

/// How far a place may be from ACLED's coordinates for its `geo_precision` (1: the place
/// itself, 2: near it, 3: the region's capital), in km.
pub fn radius_km(geo_precision: &str) -> f64 {
    match geo_precision.trim() {
        "1" => 5.0,
        "2" => 25.0,
        _ => 50.0,
    }
}

/// One territorial event read from an export.
#[derive(Debug, Clone, PartialEq)]
pub struct AcledEvent {
    /// `event_id_cnty`.
    pub id: String,
    /// The day.
    pub date: NaiveDate,
    /// The faction of `actor1` (who took the territory).
    pub faction: String,
    /// `location`.
    pub location: String,
    /// `latitude`, `longitude`.
    pub position: Coord<f64>,
    /// `admin1`.
    pub admin1: String,
    /// `sub_event_type`.
    pub sub_event_type: String,
    /// `time_precision`, `geo_precision`.
    pub precision: (String, String),
    /// The outlets in `source`, split on `;`.
    pub sources: Vec<String>,
}

/// What an import read and skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Read {
    /// Territory events kept.
    pub kept: usize,
    /// Other event types.
    pub other_types: usize,
    /// Territory events whose actor1 is not in the actors table (their names).
    pub unmapped: BTreeMap<String, usize>,
}

/// Reads an ACLED export (CSV, optionally with a byte-order mark).
pub fn read_export(text: &str, file: &str, actors: &Actors) -> Result<(Vec<AcledEvent>, Read)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::Data { at: Location::file(file), message: format!("unreadable CSV: {e}") })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let column = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| Error::Data {
            at: Location::line(file, 1).field(name),
            message: format!("expected ACLED's column {name} in the header"),
        })
    };
    let c: HashMap<&str, usize> = [
        "event_id_cnty",
        "event_date",
        "time_precision",
        "sub_event_type",
        "actor1",
        "admin1",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "source",
    ]
    .into_iter()
    .map(|n| column(n).map(|i| (n, i)))
    .collect::<Result<_>>()?;
    let mut events = Vec::new();
    let mut read = Read::default();
    for (i, record) in reader.records().enumerate() {
        let at = Location::line(file, i as u64 + 2);
        let record = record.map_err(|e| Error::Data { at: at.clone(), message: format!("unreadable CSV: {e}") })?;
        let get = |n: &str| record.get(c[n]).unwrap_or("").trim();
        if !TERRITORY_TYPES.contains(&get("sub_event_type")) {
            read.other_types += 1;
            continue;
        }
        let Some(faction) = actors.faction(get("actor1")) else {
            *read.unmapped.entry(get("actor1").to_string()).or_default() += 1;
            continue;
        };
        let date = parse_date(get("event_date")).ok_or_else(|| Error::Parse {
            at: at.field("event_date"),
            expected: "a date as \"15 January 2010\", 2010-01-15 or 15-01-2010".into(),
            found: get("event_date").to_string(),
        })?;
        // A position `check` would refuse is refused here, before anything is written.
        let number = |n: &str, limit: f64| -> Result<f64> {
            get(n).parse::<f64>().ok().filter(|v| v.abs() <= limit).ok_or_else(|| Error::Parse {
                at: at.field(n),
                expected: format!("a {n} in degrees, -{limit} to {limit}"),
                found: get(n).to_string(),
            })
        };
        events.push(AcledEvent {
            id: get("event_id_cnty").to_string(),
            date,
            faction: faction.to_string(),
            location: get("location").to_string(),
            position: Coord { x: number("longitude", 180.0)?, y: number("latitude", 90.0)? },
            admin1: get("admin1").to_string(),
            sub_event_type: get("sub_event_type").to_string(),
            precision: (get("time_precision").to_string(), get("geo_precision").to_string()),
            sources: get("source").split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect(),
        });
        read.kept += 1;
    }
    Ok((events, read))
}

/// How an event's place was found.
#[derive(Debug, Clone, PartialEq)]
pub enum PlaceMatch {
    /// A gazetteer place of that name.
    ByName(String),
    /// The nearest gazetteer place within the precision's radius.
    Nearby(String),
    /// No place: a new gazetteer row is needed (its id).
    New(String),
}

/// Finds the gazetteer place of an event: by name, else the nearest within the radius its
/// `geo_precision` implies, else a new place.
pub fn match_place(gazetteer: &Gazetteer, e: &AcledEvent) -> PlaceMatch {
    if let Resolution::Found(id) = gazetteer.resolve(&e.location) {
        return PlaceMatch::ByName(gazetteer.get(id).key.clone());
    }
    let here = Point::from(e.position);
    let nearest = gazetteer
        .places()
        .iter()
        .map(|p| (Haversine.distance(here, Point::from(p.position)) / 1000.0, p))
        .filter(|(km, _)| *km <= radius_km(&e.precision.1))
        .min_by(|a, b| a.0.total_cmp(&b.0));
    match nearest {
        Some((_, p)) => PlaceMatch::Nearby(p.key.clone()),
        None => PlaceMatch::New(format!("acled-{}", slug(&e.location))),
    }
}

/// The confidence of an ACLED row: `reported` when both the day and the place are exact
/// (precision 1), `claimed` otherwise.
pub fn confidence(e: &AcledEvent) -> &'static str {
    if e.precision.0 == "1" && e.precision.1 == "1" { "reported" } else { "claimed" }
}

/// The sources-table id of an ACLED source outlet.
pub fn source_id(outlet: &str) -> String {
    format!("acled-{}", slug(outlet))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_map_exactly_or_by_the_longest_prefix_and_dates_read_in_three_forms() {
        let actors = Actors::from_toml(
            r#"[actors]
"Military Forces of Syria (2000-2024)*" = "gov"
"Military Forces of Syria (2000-2024): Republican Guard" = "guard"
"Hayat Tahrir al Sham*" = "hts"
"#,
            "actors.toml",
        )
        .unwrap();
        assert_eq!(actors.faction("Military Forces of Syria (2000-2024) Air Force"), Some("gov"));
        assert_eq!(actors.faction("Military Forces of Syria (2000-2024): Republican Guard"), Some("guard"));
        assert_eq!(actors.faction("Unknown"), None);
        let d = NaiveDate::from_ymd_opt(2024, 12, 5).unwrap();
        for text in ["05 December 2024", "5 December 2024", "2024-12-05", "05-12-2024"] {
            assert_eq!(parse_date(text), Some(d), "{text}");
        }
        assert_eq!(parse_date("2024/12/05"), None);
    }
}
