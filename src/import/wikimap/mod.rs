//! Wikipedia's detailed-map modules (e.g. "Module:Syrian, Iraqi, and Lebanese insurgencies
//! detailed map") into a gazetteer, a baseline and dated rows.
//!
//! A module is Lua that returns a table of marks, each with a position, a label, a link, a
//! size and a mark file whose name encodes who holds the place ([`icons`]). One revision of
//! a module is a dated picture of control; several revisions are its history:
//! - the earliest revision gives the baseline (its contested and mixed marks become
//!   `entered` rows on the first day, so they stay contested on every output);
//! - each later revision gives the rows that turn the previous picture into its own, dated
//!   the revision's day and citing it as their source.
//!
//! Colours are mapped to factions by the user's `[colours]` table; a mark whose colour is
//! not in it, or whose file none of the legends' patterns fits, is counted and reported,
//! never guessed. The modules' text is CC BY-SA 4.0: [`LICENCE`] is credited.

pub mod icons;
pub mod lua;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use geo::{Coord, Distance, Haversine, Point};

use crate::error::{Error, Location, Result};
use crate::gazetteer::{Gazetteer, Resolution};
use icons::{Icon, MarkKind};
use lua::Value;

/// The licence of Wikipedia's text, modules included.
pub const LICENCE: &str = "CC BY-SA 4.0";

/// One mark of a module.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// The line of the module it starts on.
    pub line: u64,
    /// Its position, lon/lat.
    pub position: Coord<f64>,
    /// Its label as text (wiki links and markup read), else its link's title; may be empty.
    pub name: String,
    /// The mark file, as written.
    pub file: String,
    /// What the file says.
    pub icon: Icon,
    /// `marksize`, when it is a number: nested marks are told apart by it.
    pub size: Option<f64>,
    /// `label_size`, when it is a number: the module's own choice of which names to show.
    pub label_size: Option<f64>,
}

/// The text of a wiki label: `[[Target|Shown]]` shows "Shown", `[[Target]]` "Target";
/// bold and italic quotes, HTML tags and `&nbsp;` go.
pub fn plain_label(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("[[") {
        out.push_str(&rest[..start]);
        let inner = &rest[start + 2..];
        let Some(end) = inner.find("]]") else {
            out.push_str(inner);
            rest = "";
            break;
        };
        let link = &inner[..end];
        out.push_str(link.rsplit('|').next().unwrap_or(link).trim_start_matches('#'));
        rest = &inner[end + 2..];
    }
    out.push_str(rest);
    let mut plain = String::new();
    let mut in_tag = false;
    for c in out.replace("'''", "").replace("''", "").replace("&nbsp;", " ").chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            c if !in_tag => plain.push(c),
            _ => {}
        }
    }
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn number(field: Option<&lua::Field>) -> Option<f64> {
    field.and_then(|f| f.value.text()).and_then(|t| t.trim().parse::<f64>().ok()).filter(|v| v.is_finite())
}

/// Reads a module's marks (the `marks` table of what it returns).
pub fn read_marks(text: &str, file: &str) -> Result<Vec<Mark>> {
    let (module, return_line) = lua::read_module(text, file)?;
    let marks = module.field("marks").ok_or_else(|| Error::Parse {
        at: Location::line(file, return_line),
        expected: "a module that returns a table with `marks = { … }`, as Wikipedia's detailed-map modules do".into(),
        found: "no marks table".into(),
    })?;
    let Value::Table(entries) = &marks.value else {
        return Err(Error::Parse {
            at: Location::line(file, marks.line).field("marks"),
            expected: "a table of marks".into(),
            found: marks.value.text().unwrap_or("another value").to_string(),
        });
    };
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        let at = Location::line(file, entry.line);
        if !matches!(entry.value, Value::Table(_)) {
            return Err(Error::Parse {
                at,
                expected: "a mark: { lat = …, long = …, mark = …, label = … }".into(),
                found: entry.value.text().unwrap_or("another value").to_string(),
            });
        }
        let mark = &entry.value;
        let coordinate = |key: &str, limit: f64| -> Result<f64> {
            let field = mark.field(key);
            let line = field.map_or(entry.line, |f| f.line);
            number(field).filter(|v| v.abs() <= limit).ok_or_else(|| Error::Parse {
                at: Location::line(file, line).field(key),
                expected: format!("a number of degrees, -{limit} to {limit}"),
                found: field.and_then(|f| f.value.text()).unwrap_or("nothing").to_string(),
            })
        };
        let position = Coord { x: coordinate("long", 180.0)?, y: coordinate("lat", 90.0)? };
        let file_name = match mark.field("mark") {
            Some(lua::Field { value: Value::Str(s), .. }) => s.trim().to_string(),
            other => {
                return Err(Error::Parse {
                    at: Location::line(file, other.map_or(entry.line, |f| f.line)).field("mark"),
                    expected: "the mark's file name, e.g. \"Location dot red.svg\"".into(),
                    found: other.and_then(|f| f.value.text()).unwrap_or("nothing").to_string(),
                });
            }
        };
        let text_of = |key: &str| mark.get(key).and_then(Value::text).map(plain_label).unwrap_or_default();
        let name = Some(text_of("label")).filter(|l| !l.is_empty()).unwrap_or_else(|| text_of("link"));
        out.push(Mark {
            line: entry.line,
            position,
            name,
            icon: icons::classify(&file_name),
            file: file_name,
            size: number(mark.field("marksize")),
            label_size: number(mark.field("label_size")),
        });
    }
    Ok(out)
}

/// The `[colours]` table: a module's colour word → faction id.
#[derive(Debug, Clone, Default)]
pub struct Colours(BTreeMap<String, String>);

impl Colours {
    /// Reads `[colours]` with `red = "gov"` pairs; every key must be a colour word the
    /// modules use.
    pub fn from_toml(text: &str, file: &str) -> Result<Colours> {
        let value: toml::Table = toml::from_str(text)
            .map_err(|e| Error::Data { at: Location::file(file), message: e.message().to_string() })?;
        let table = value.get("colours").and_then(|v| v.as_table()).ok_or_else(|| Error::Data {
            at: Location::file(file).field("colours"),
            message: "expected a [colours] table mapping the module's colour words to faction ids, e.g. red = \"gov\""
                .into(),
        })?;
        let mut out = BTreeMap::new();
        for (colour, faction) in table {
            let key = colour.trim().to_lowercase().replace("gray", "grey");
            if !icons::COLOURS.contains(&key.as_str()) {
                return Err(Error::Parse {
                    at: Location::file(file).field(format!("colours.{colour}")),
                    expected: format!("a colour word of the modules' file names: {}", icons::COLOURS.join(", ")),
                    found: colour.clone(),
                });
            }
            let faction = faction.as_str().ok_or_else(|| Error::Parse {
                at: Location::file(file).field(format!("colours.{colour}")),
                expected: "a faction id".into(),
                found: faction.to_string(),
            })?;
            out.insert(key, faction.to_string());
        }
        Ok(Colours(out))
    }

    /// The faction of a colour, if mapped.
    pub fn faction(&self, colour: &str) -> Option<&str> {
        self.0.get(colour).map(String::as_str)
    }

    /// The faction ids the table names.
    pub fn factions(&self) -> impl Iterator<Item = &str> {
        self.0.values().map(String::as_str)
    }
}

/// One revision of a module: its marks, its day and the sources-table id that cites it.
#[derive(Debug, Clone)]
pub struct Revision {
    /// The day it shows (the day it was saved).
    pub date: NaiveDate,
    /// The sources-table id of the revision.
    pub source: String,
    /// Its marks.
    pub marks: Vec<Mark>,
}

/// How a place stands in one revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The faction taken as holding it.
    pub holder: String,
    /// The other sides: fighting inside (contested) or sharing it (mixed).
    pub others: Vec<String>,
    /// Whether the others share it (mixed) rather than fight for it (contested).
    pub mixed: bool,
    /// The file that says so.
    pub file: String,
    /// Sieges marked around it, in words.
    pub sieges: Vec<String>,
}

impl Standing {
    fn describe(&self, colours_of: &dyn Fn(&str) -> String) -> String {
        let mut text = match (self.others.is_empty(), self.mixed) {
            (true, _) => format!("held by {}", colours_of(&self.holder)),
            (false, true) => format!(
                "under mixed control of {} and {} (drawn as contested: frontline has no shared control)",
                colours_of(&self.holder),
                self.others.iter().map(|o| colours_of(o)).collect::<Vec<_>>().join(" and ")
            ),
            (false, false) => format!(
                "contested between {} and {}",
                colours_of(&self.holder),
                self.others.iter().map(|o| colours_of(o)).collect::<Vec<_>>().join(" and ")
            ),
        };
        text.push_str(&format!(" ({})", self.file));
        for s in &self.sieges {
            text.push_str(&format!("; {s}"));
        }
        text
    }
}

/// A place the import adds to the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPlace {
    /// Its id.
    pub key: String,
    /// Its name.
    pub name: String,
    /// Its position.
    pub position: Coord<f64>,
    /// Its gazetteer kind.
    pub kind: &'static str,
    /// Whether the module shows its name at the largest label size (it gets `label = always`).
    pub label: bool,
    /// The revision that first marks it, and the line.
    pub first: (String, u64),
}

/// A row the import writes into the events table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Its id (so that a re-import replaces rather than duplicates it).
    pub id: String,
    /// The day.
    pub date: NaiveDate,
    /// The place key.
    pub place: String,
    /// The faction.
    pub faction: String,
    /// captured, entered or held.
    pub action: &'static str,
    /// The revision's sources-table id.
    pub source: String,
    /// What the revision shows, in words.
    pub note: String,
}

/// What an import read, kept and left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Marks read, over every revision.
    pub marks: usize,
    /// Marks by what their file says: held, mixed, contested, siege.
    pub kinds: BTreeMap<&'static str, usize>,
    /// Marks whose file fits no known pattern, by file name.
    pub unknown_icons: BTreeMap<String, usize>,
    /// Marks with a colour the colours table does not map, by colour.
    pub unmapped_colours: BTreeMap<String, usize>,
    /// Marks with neither a label nor a link.
    pub unnamed: usize,
    /// Places with more than one control mark in a revision (the smallest, inner one is
    /// taken: the legends say the inner circle controls).
    pub stacked: usize,
    /// Siege marks with no control mark at their spot.
    pub lone_sieges: usize,
    /// Marks matched to a gazetteer place by name, and by position.
    pub by_name: usize,
    /// See `by_name`.
    pub by_position: usize,
    /// Three-sided marks: the model keeps one challenger, the note names the third side.
    pub three_sided: usize,
}

/// What an import writes.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Places to add to the gazetteer.
    pub places: Vec<NewPlace>,
    /// Baseline rows: place key → (faction, note).
    pub baseline: BTreeMap<String, (String, String)>,
    /// Event rows, every revision.
    pub rows: Vec<Row>,
    /// Counts for the report.
    pub tally: Tally,
}

/// How far a mark may be from a gazetteer place of the same name to be taken for it (km).
pub const SAME_NAME_KM: f64 = 10.0;
/// How far a named mark may be from a place of another name to be taken for it (km): a
/// village and its GeoNames point, not two villages a kilometre apart.
pub const SAME_SPOT_KM: f64 = 0.5;
/// How far a siege ring may be from the place it surrounds (km).
pub const RING_KM: f64 = 1.5;

struct Matcher<'g> {
    gazetteer: &'g Gazetteer,
    /// Places added by this import: key, folded name, position.
    added: Vec<(String, String, Coord<f64>)>,
    keys: std::collections::HashSet<String>,
}

fn km(a: Coord<f64>, b: Coord<f64>) -> f64 {
    Haversine.distance(Point::from(a), Point::from(b)) / 1000.0
}

fn fold(name: &str) -> String {
    deunicode::deunicode(name).to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Matcher<'_> {
    /// The place a mark stands for: (key, matched by name?) or `None` for none. A mark
    /// with no place of its name is taken for the nearest place within `spot_km`.
    fn find(&self, name: &str, at: Coord<f64>, spot_km: f64) -> Option<(String, bool)> {
        if !name.is_empty() {
            let ids = match self.gazetteer.resolve(name) {
                Resolution::Found(id) => vec![id],
                Resolution::Ambiguous(ids) => ids,
                Resolution::Unknown(_) => Vec::new(),
            };
            let existing = ids.into_iter().map(|id| self.gazetteer.get(id)).map(|p| (p.key.clone(), p.position));
            let added = self.added.iter().filter(|(_, n, _)| *n == fold(name)).map(|(k, _, p)| (k.clone(), *p));
            let best = existing
                .chain(added)
                .map(|(k, p)| (km(p, at), k))
                .filter(|(d, _)| *d <= SAME_NAME_KM)
                .min_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((_, key)) = best {
                return Some((key, true));
            }
        }
        let existing = self.gazetteer.places().iter().map(|p| (p.key.clone(), p.position));
        let added = self.added.iter().map(|(k, _, p)| (k.clone(), *p));
        existing
            .chain(added)
            .map(|(k, p)| (km(p, at), k))
            .filter(|(d, _)| *d <= spot_km)
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, k)| (k, false))
    }

    fn add(&mut self, name: &str, at: Coord<f64>) -> String {
        let base = format!("wp-{}", super::geonames::slug(name));
        let base = if base == "wp-" { "wp-mark".to_string() } else { base };
        let mut key = base.clone();
        let mut n = 2;
        while self.keys.contains(&key) || self.gazetteer.by_key(&key).is_some() {
            key = format!("{base}-{n}");
            n += 1;
        }
        self.keys.insert(key.clone());
        self.added.push((key.clone(), fold(name), at));
        key
    }
}

/// The factions of a mark's colours, or the first colour the table does not map.
fn factions_of(colours: &Colours, words: &[String]) -> std::result::Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for w in words {
        let f = colours.faction(w).ok_or_else(|| w.clone())?;
        if !out.iter().any(|o| o == f) {
            out.push(f.to_string());
        }
    }
    Ok(out)
}

/// Plans an import of `revisions` (any order; they are taken by date) over `gazetteer`.
/// Rows are dated within `first_day..=last_day`: a revision before the first day gives the
/// baseline, its contested marks are dated the first day; a later revision outside the
/// days is an error.
pub fn plan(
    revisions: &[Revision],
    colours: &Colours,
    gazetteer: &Gazetteer,
    first_day: NaiveDate,
    last_day: NaiveDate,
) -> Result<Plan> {
    let mut order: Vec<&Revision> = revisions.iter().collect();
    order.sort_by_key(|r| r.date);
    let mut plan = Plan::default();
    let mut matcher = Matcher { gazetteer, added: Vec::new(), keys: Default::default() };
    let mut previous: BTreeMap<String, Standing> = BTreeMap::new();
    let colour_of: HashMap<&str, Vec<&str>> = colours.0.iter().fold(HashMap::new(), |mut m, (c, f)| {
        m.entry(f.as_str()).or_insert_with(Vec::new).push(c.as_str());
        m
    });
    let words = |f: &str| match colour_of.get(f) {
        Some(cs) => format!("{f} ({})", cs.join("/")),
        None => f.to_string(),
    };
    for (i, revision) in order.iter().enumerate() {
        if i > 0 && (revision.date < first_day || revision.date > last_day) {
            return Err(Error::Parse {
                at: Location::file(&revision.source).field("date"),
                expected: format!(
                    "a later revision's day within the scenario, {first_day} to {last_day} (only the earliest \
                     revision may come before it: it gives the baseline)"
                ),
                found: revision.date.to_string(),
            });
        }
        let day = revision.date.max(first_day);
        let t = &mut plan.tally;
        let mut now: BTreeMap<String, (Standing, Option<f64>)> = BTreeMap::new();
        let mut sieges: Vec<&Mark> = Vec::new();
        for mark in &revision.marks {
            t.marks += 1;
            let (kind, sides, mixed, mark_kind) = match &mark.icon {
                Icon::Held { colour, kind } => ("held", vec![colour.clone()], false, *kind),
                Icon::Mixed(c) => ("mixed", c.clone(), true, MarkKind::Town),
                Icon::Contested(c) => ("contested", c.clone(), false, MarkKind::Town),
                Icon::Siege { .. } => {
                    *t.kinds.entry("siege").or_default() += 1;
                    sieges.push(mark);
                    continue;
                }
                Icon::Unknown => {
                    *t.unknown_icons.entry(mark.file.clone()).or_default() += 1;
                    continue;
                }
            };
            *t.kinds.entry(kind).or_default() += 1;
            let factions = match factions_of(colours, &sides) {
                Ok(f) => f,
                Err(colour) => {
                    *t.unmapped_colours.entry(colour).or_default() += 1;
                    continue;
                }
            };
            if mark.name.is_empty() {
                t.unnamed += 1;
                continue;
            }
            if sides.len() == 3 {
                t.three_sided += 1;
            }
            let key = match matcher.find(&mark.name, mark.position, SAME_SPOT_KM) {
                Some((key, by_name)) => {
                    if matcher.keys.contains(&key) {
                        // One of this import's own places, met again.
                    } else if by_name {
                        t.by_name += 1;
                    } else {
                        t.by_position += 1;
                    }
                    key
                }
                None => {
                    let key = matcher.add(&mark.name, mark.position);
                    plan.places.push(NewPlace {
                        key: key.clone(),
                        name: mark.name.clone(),
                        position: mark.position,
                        kind: mark_kind.gazetteer_kind(),
                        label: mark.label_size.is_some_and(|s| s >= 100.0),
                        first: (revision.source.clone(), mark.line),
                    });
                    key
                }
            };
            // The holder: the side that held it in the previous revision when it is one of
            // the sides now, else the first colour of the file.
            let before = previous.get(&key).map(|s| s.holder.clone());
            let holder = before.filter(|h| factions.contains(h)).unwrap_or_else(|| factions[0].clone());
            let others: Vec<String> = factions.iter().filter(|f| **f != holder).cloned().collect();
            let standing = Standing { holder, others, mixed, file: mark.file.clone(), sieges: Vec::new() };
            match now.get(&key) {
                Some((_, size)) => {
                    t.stacked += 1;
                    // The inner (smaller) mark controls; the outer one besieges or presses.
                    if mark.size.unwrap_or(f64::MAX) < size.unwrap_or(f64::MAX) {
                        now.insert(key, (standing, mark.size));
                    }
                }
                None => {
                    now.insert(key, (standing, mark.size));
                }
            }
        }
        for mark in sieges {
            let Icon::Siege { colour, direction } = &mark.icon else { continue };
            let at = matcher.find(&mark.name, mark.position, RING_KM).filter(|(k, _)| now.contains_key(k));
            let Some((key, _)) = at else {
                t.lone_sieges += 1;
                continue;
            };
            let by = colours.faction(colour).map_or_else(|| format!("unmapped colour {colour}"), |f| words(f));
            let text = match direction {
                Some(d) => format!("besieged from the {d} by {by} ({})", mark.file),
                None => format!("encircled by {by} ({})", mark.file),
            };
            if let Some((s, _)) = now.get_mut(&key) {
                s.sieges.push(text);
            }
        }
        let revision_words = format!("Wikipedia's detailed map, revision of {}", revision.date);
        for (key, (standing, _)) in &now {
            let said = standing.describe(&words);
            let mut push = |faction: &str, action: &'static str, what: String| {
                plan.rows.push(Row {
                    id: format!("{}-{key}-{action}-{faction}", revision.source),
                    date: day,
                    place: key.clone(),
                    faction: faction.to_string(),
                    action,
                    source: revision.source.clone(),
                    note: format!("{revision_words} marks the place {said}{what}."),
                });
            };
            let challenger = standing.others.first();
            if i == 0 {
                plan.baseline.insert(key.clone(), (standing.holder.clone(), format!("{revision_words}: {said}.")));
                if let Some(c) = challenger {
                    push(c, "entered", String::new());
                }
                continue;
            }
            match previous.get(key) {
                None => {
                    push(&standing.holder, "held", "; first marked in this revision".into());
                    if let Some(c) = challenger {
                        push(c, "entered", "; first marked in this revision".into());
                    }
                }
                Some(before) if before.holder == standing.holder && before.others == standing.others => {}
                Some(before) if before.holder == standing.holder => match challenger {
                    None => push(&standing.holder, "held", String::new()),
                    Some(c) => push(c, "entered", String::new()),
                },
                Some(_) => {
                    let what = challenger
                        .map(|c| {
                            format!(
                                "; recorded as taken by {}, without the fight with {}",
                                words(&standing.holder),
                                words(c)
                            )
                        })
                        .unwrap_or_default();
                    push(&standing.holder, "captured", what);
                }
            }
        }
        previous = now.into_iter().map(|(k, (s, _))| (k, s)).collect();
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_lose_their_wiki_markup() {
        assert_eq!(plain_label("[[Tripoli, Lebanon|Tripoli]]"), "Tripoli");
        assert_eq!(plain_label("[[Beirut]]"), "Beirut");
        assert_eq!(plain_label("[[#Mhammara|Mhammara]]"), "Mhammara");
        assert_eq!(plain_label("'''[[Hama]]'''<br/>city"), "Hama city");
        assert_eq!(plain_label("Gobongo neighborhood"), "Gobongo neighborhood");
        assert_eq!(plain_label("[[broken"), "broken");
    }
}
