//! Reading a scenario's files into a [`Scenario`], collecting every problem on the way.

use std::collections::HashMap;

use chrono::NaiveDate;
use geo::{Coord, Rect};

use super::{Inset, LoadReport, MapSettings, Scenario, ScenarioFiles, Source, SourceKind, Text, Zone};
use crate::basemap::{Basemap, check_positions, read_feature_collection, string_property};
use crate::error::{Error, Location, Result};
use crate::event::{Action, Colour, Event, Faction, FactionId, Target};
use crate::gazetteer::{Folding, Gazetteer};
use crate::inference::Settings;
use crate::problem::Problem;
use crate::region::{AreaInput, RegionMatch, Regions};
use crate::scenario::Manifest;
use crate::table::{Row, Table};

const MANIFEST: &str = "scenario.toml";

/// See [`Scenario::load_report`].
pub(super) fn load_report(files: &dyn ScenarioFiles) -> LoadReport {
    let mut problems = Vec::new();
    let scenario = load_into(files, &mut problems).map_err(|e| problems.push(e.into())).ok();
    // Problems from files read later are still in file order within each file.
    LoadReport { scenario, problems }
}

fn load_into(files: &dyn ScenarioFiles, problems: &mut Vec<Problem>) -> Result<Scenario> {
    let manifest_name = files.display(MANIFEST);
    let text = files.read(MANIFEST)?;
    let manifest: Manifest = toml::from_str(&text).map_err(|e| Error::Data {
        at: Location { file: manifest_name.clone(), line: e.span().map(|s| line_of(&text, s.start)), field: None },
        message: e.message().to_string(),
    })?;
    let at = |field: &str| Location::file(manifest_name.clone()).field(field);
    for (field, value, flag) in [("first_day", &manifest.first_day, "--from"), ("last_day", &manifest.last_day, "--to")]
    {
        if value.trim() == super::manifest::UNSET_DAY {
            return Err(Error::Data {
                at: at(field),
                message: format!(
                    "not set yet: write the war's {} day here as YYYY-MM-DD (or start again with \
                     `frontline init DIR --country NAME --from YYYY-MM-DD --to YYYY-MM-DD`; {flag} sets this one)",
                    if field == "first_day" { "first" } else { "last" }
                ),
            });
        }
    }
    let first_day = parse_date(&manifest.first_day, at("first_day"))?;
    let last_day = parse_date(&manifest.last_day, at("last_day"))?;
    if last_day < first_day {
        return Err(Error::Data {
            at: at("last_day"),
            message: format!("expected a day on or after first_day {first_day}"),
        });
    }
    let days = (last_day - first_day).num_days() + 1;
    if days > super::MAX_DAYS && !files.allow_long() {
        return Err(Error::Data {
            at: at("last_day"),
            message: format!(
                "the scenario runs {days} days ({first_day} to {last_day}), over the limit of {} days (20 years): \
                 check the years for a typo, or pass --allow-long if the range is right",
                super::MAX_DAYS
            ),
        });
    }
    let factions = factions(&manifest, &manifest_name)?;
    let text = Text::from_entry(&manifest.text).map_err(|p| Error::Data { at: at(&p.field), message: p.message })?;

    let gazetteer_name = files.display(&manifest.gazetteer);
    let folding = match &manifest.names.fold {
        Some(names) => {
            Folding::from_names(names).map_err(|e| Error::Data { at: at("names.fold"), message: e.to_string() })?
        }
        None => Folding::default(),
    };
    let (gazetteer, gazetteer_problems) =
        Gazetteer::from_csv_with_folding(&files.read(&manifest.gazetteer)?, &gazetteer_name, folding)?;
    problems.extend(gazetteer_problems);
    if gazetteer.is_empty() {
        // A new scenario starts empty; maps of it are empty too, so say so.
        problems.push(Problem::warning(
            Location::file(&gazetteer_name),
            "no places yet: add rows, or import them with `frontline import geonames`",
        ));
    }
    problems.extend(shared_positions(&gazetteer, &gazetteer_name));

    let sources = match &manifest.sources {
        Some(path) => read_sources(&files.read(path)?, &files.display(path), problems)?,
        None => Vec::new(),
    };

    let areas = match &manifest.areas {
        Some(path) => read_areas(&files.read(path)?, &files.display(path), &gazetteer, problems)?,
        None => Vec::new(),
    };
    let regions = Regions::new(&gazetteer, areas);
    for region in regions.all().iter().filter(|r| r.members.is_empty()) {
        problems.push(Problem::warning(
            Location::file(files.display(manifest.areas.as_deref().unwrap_or(MANIFEST))).field("name"),
            format!(
                "the area {} holds no gazetteer place: rows naming it change nothing",
                crate::error::echo(&region.name)
            ),
        ));
    }
    let inference = inference_settings(&manifest, &manifest_name)?;

    let by_key: HashMap<String, FactionId> = factions.iter().map(|f| (f.key.to_lowercase(), f.id)).collect();
    let baseline_name = files.display(&manifest.baseline);
    let baseline = read_baseline(&files.read(&manifest.baseline)?, &baseline_name, &gazetteer, &by_key, problems)?;

    let events_name = files.display(&manifest.events);
    let context = EventContext {
        gazetteer: &gazetteer,
        regions: &regions,
        factions: &by_key,
        sources: &sources,
        first_day,
        last_day,
    };
    let events = read_events(&files.read(&manifest.events)?, &events_name, &context, problems)?;

    let zones = match &manifest.zones {
        Some(path) => read_zones(&files.read(path)?, &files.display(path), &gazetteer, problems)?,
        None => Vec::new(),
    };
    let population = match &manifest.population {
        Some(path) => {
            read_population(&files.read(path)?, &files.display(path), &regions, &by_key, first_day, last_day)?
        }
        None => Vec::new(),
    };
    let faction_keys: Vec<&str> = factions.iter().map(|f| f.key.as_str()).collect();
    let mut published = Vec::new();
    for path in &manifest.published {
        published.extend(crate::published::parse(&files.read(path)?, &files.display(path), &faction_keys)?);
    }
    let population_raster = match &manifest.population_raster {
        Some(path) => Some(crate::population_raster::PopulationRaster::from_geotiff(
            &files.read_bytes(path)?,
            &files.display(path),
        )?),
        None => None,
    };

    let focus = manifest.map.focus.as_ref().map(|f| f.names()).unwrap_or_default();
    let basemap = Basemap::from_geojson(&files.read(&manifest.basemap)?, &files.display(&manifest.basemap), &focus)?;
    let extent = extent_rect(manifest.map.extent, at("map.extent"))?;
    let label_population = manifest.map.label_population.threshold(
        gazetteer.places().iter().filter(|p| geo::Intersects::intersects(&extent, &p.position)).map(|p| p.population),
    );
    problems.extend(super::placement::places_far_from_focus(&gazetteer, &basemap, extent, &gazetteer_name));
    let mut insets = Vec::new();
    for (i, entry) in manifest.map.insets.iter().enumerate() {
        let field = |name: &str| at(&format!("map.insets[{}].{name}", i + 1));
        let width = entry.width.unwrap_or(0.3);
        if !(0.1..=0.6).contains(&width) {
            return Err(Error::Parse {
                at: field("width"),
                expected: "a fraction of the map's width from 0.1 to 0.6".into(),
                found: width.to_string(),
            });
        }
        insets.push(Inset {
            title: entry.title.clone(),
            extent: extent_rect(entry.extent, field("extent"))?,
            corner: entry.corner,
            width,
            label_population: entry.label_population.unwrap_or(label_population / 10),
        });
    }
    let reach_field = if manifest.land.reach_km.is_some() { "land.reach_km" } else { "map.reach_km" };
    let reach_km = manifest.land.reach_km.or(manifest.map.reach_km);
    if reach_km.is_some_and(|r| !(r > 0.0 && r.is_finite())) {
        return Err(Error::Parse {
            at: at(reach_field),
            expected: "a positive distance in km (or no reach_km at all)".into(),
            found: reach_km.map(|r| r.to_string()).unwrap_or_default(),
        });
    }
    if !(manifest.land.crossing_km >= 0.0 && manifest.land.crossing_km.is_finite()) {
        return Err(Error::Parse {
            at: at("land.crossing_km"),
            expected: "a distance in km, 0 or more".into(),
            found: manifest.land.crossing_km.to_string(),
        });
    }
    if !(64..=8192).contains(&manifest.land.grid) {
        return Err(Error::Parse {
            at: at("land.grid"),
            expected: "a number of pixels from 64 to 8192".into(),
            found: manifest.land.grid.to_string(),
        });
    }
    let lines = match &manifest.land.lines {
        Some(path) => read_lines(&files.read(path)?, &files.display(path), manifest.land.crossing_km)?,
        None => Vec::new(),
    };
    let land = crate::scenario::LandSettings {
        lines,
        crossing_km: manifest.land.crossing_km,
        reach_km: reach_km.unwrap_or(crate::scenario::LandSettings::DEFAULT_REACH_KM),
        grid: manifest.land.grid,
    };

    Ok(Scenario {
        title: manifest.title,
        subtitle: manifest.subtitle,
        first_day,
        last_day,
        factions,
        gazetteer,
        baseline,
        events,
        sources,
        zones,
        population,
        published,
        population_raster,
        regions,
        inference,
        basemap,
        map: MapSettings { extent, label_population, insets },
        land,
        credits: manifest.credits,
        first_day_note: manifest.first_day_note,
        text,
    })
}

fn inference_settings(manifest: &Manifest, file: &str) -> Result<Settings> {
    let entry = &manifest.inference;
    if !(entry.max_km > 0.0 && entry.max_km.is_finite()) {
        return Err(Error::Parse {
            at: Location::file(file).field("inference.max_km"),
            expected: "a positive distance in km".into(),
            found: entry.max_km.to_string(),
        });
    }
    if !(0.0..=1.0).contains(&entry.passed_share) {
        return Err(Error::Parse {
            at: Location::file(file).field("inference.passed_share"),
            expected: "a share from 0 (off) to 1".into(),
            found: entry.passed_share.to_string(),
        });
    }
    Ok(Settings {
        enabled: entry.enabled,
        max_km: entry.max_km,
        enclave_days: entry.enclave_days,
        passed_share: entry.passed_share,
    })
}

fn line_of(text: &str, offset: usize) -> u64 {
    text[..offset.min(text.len())].matches('\n').count() as u64 + 1
}

fn parse_date(text: &str, at: Location) -> Result<NaiveDate> {
    super::parse_day(text).map_err(|message| Error::Data { at, message })
}

fn factions(manifest: &Manifest, file: &str) -> Result<Vec<Faction>> {
    if manifest.factions.is_empty() {
        return Err(Error::Data {
            at: Location::file(file).field("factions"),
            message: "expected at least one [[factions]] entry".into(),
        });
    }
    let mut out: Vec<Faction> = Vec::new();
    for (i, entry) in manifest.factions.iter().enumerate() {
        let at = Location::file(file).field(format!("factions[{i}]"));
        if entry.id.trim().is_empty() || entry.id.contains(char::is_whitespace) {
            return Err(Error::Parse {
                at: at.field(format!("factions[{i}].id")),
                expected: "a short key without spaces".into(),
                found: entry.id.clone(),
            });
        }
        if out.iter().any(|f| f.key.eq_ignore_ascii_case(&entry.id)) {
            return Err(Error::Data {
                at,
                message: format!("faction id {} is used twice", crate::error::echo(&entry.id)),
            });
        }
        let colour: Colour = entry.colour.parse().map_err(|expected: String| Error::Parse {
            at: Location::file(file).field(format!("factions[{i}].colour")),
            expected,
            found: entry.colour.clone(),
        })?;
        out.push(Faction {
            id: FactionId(i as u16),
            key: entry.id.clone(),
            name: entry.name.clone(),
            colour,
            inherits: entry.inherits,
        });
    }
    Ok(out)
}

/// Whether `path` names something inside a folder when joined to it: relative, with no
/// `..`, no root and no drive prefix (so `reports/a.txt` is, `/etc/passwd` and
/// `../a.txt` are not).
pub fn is_inside_path(path: &str) -> bool {
    use std::path::Component;
    let p = std::path::Path::new(path);
    !path.starts_with('\\')
        && p.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        && p.components().any(|c| matches!(c, Component::Normal(_)))
}

fn read_sources(text: &str, file: &str, problems: &mut Vec<Problem>) -> Result<Vec<Source>> {
    let table = Table::parse(text, file, &["id", "file"])?;
    let mut out = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for row in table.rows() {
        let source = (|| -> Result<Source> {
            let id = row.required("id")?;
            // Rows cite a source by its id: a second row with the same id would be
            // cited in place of the first, or never.
            if let Some(first) = seen.get(id) {
                return Err(Error::Data {
                    at: row.at(Some("id")),
                    message: format!(
                        "duplicate id {} (first on line {first}); give each source its own id",
                        crate::error::echo(id)
                    ),
                });
            }
            seen.insert(id.to_string(), row.line());
            let (f, url) = (row.get("file"), row.get("url"));
            let kind = match row.get("kind").trim().to_lowercase().as_str() {
                "" if !f.is_empty() => SourceKind::Report,
                "" if !url.is_empty() => SourceKind::Page,
                "report" => SourceKind::Report,
                "page" => SourceKind::Page,
                "dataset" => SourceKind::Dataset,
                "" => {
                    return Err(Error::Parse {
                        at: row.at(Some("file")),
                        expected: "a report's file name, a page's address in `url`, or `kind` = dataset".into(),
                        found: String::new(),
                    });
                }
                other => {
                    return Err(Error::Parse {
                        at: row.at(Some("kind")),
                        expected: "report, page or dataset".into(),
                        found: other.to_string(),
                    });
                }
            };
            if (kind == SourceKind::Report && f.is_empty()) || (kind == SourceKind::Page && url.is_empty()) {
                let (field, what) = if kind == SourceKind::Report {
                    ("file", "a report's file name")
                } else {
                    ("url", "the page's address")
                };
                return Err(Error::Parse { at: row.at(Some(field)), expected: what.into(), found: String::new() });
            }
            if !f.is_empty() && !is_inside_path(f) {
                // `check --sources DIR` reads reports as DIR/file: a path that leaves DIR
                // (`/etc/passwd`, `../../etc/shadow`) would make it read any file.
                return Err(Error::Parse {
                    at: row.at(Some("file")),
                    expected: "a report's file name inside the reports folder (no leading `/`, no `..`)".into(),
                    found: f.to_string(),
                });
            }
            if !url.is_empty()
                && !((url.starts_with("https://") || url.starts_with("http://")) && !url.contains(char::is_whitespace))
            {
                return Err(Error::Parse {
                    at: row.at(Some("url")),
                    expected: "an http or https address without spaces".into(),
                    found: url.to_string(),
                });
            }
            Ok(Source {
                kind,
                id: id.to_string(),
                file: f.to_string(),
                url: url.to_string(),
                outlet: row.get("outlet").to_string(),
                title: row.get("title").to_string(),
                published: row.get("published").to_string(),
            })
        })();
        match source {
            Ok(s) => out.push(s),
            Err(e) => problems.push(e.into()),
        }
    }
    Ok(out)
}

fn faction_of(row: &Row<'_>, column: &str, factions: &HashMap<String, FactionId>) -> Result<FactionId> {
    let key = row.required(column)?;
    factions.get(&key.to_lowercase()).copied().ok_or_else(|| {
        let mut known: Vec<&String> = factions.keys().collect();
        known.sort();
        Error::Parse {
            at: row.at(Some(column)),
            expected: format!("a faction id ({})", known.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")),
            found: key.to_string(),
        }
    })
}

/// Reads `scope,target,faction,note` rows: `default`, then `governorate`, then `place`
/// rows decide, the most specific winning.
fn read_baseline(
    text: &str,
    file: &str,
    gazetteer: &Gazetteer,
    factions: &HashMap<String, FactionId>,
    problems: &mut Vec<Problem>,
) -> Result<Vec<Option<FactionId>>> {
    let table = Table::parse(text, file, &["scope", "target", "faction"])?;
    let mut default = None;
    let mut default_line: Option<u64> = None;
    let mut by_admin1: HashMap<String, FactionId> = HashMap::new();
    let mut admin1_lines: HashMap<String, u64> = HashMap::new();
    let mut by_place: HashMap<usize, (FactionId, u64)> = HashMap::new();
    for row in table.rows() {
        let result = (|| -> Result<()> {
            let faction = match row.get("faction") {
                "" | "none" => None,
                _ => Some(faction_of(&row, "faction", factions)?),
            };
            match row.required("scope")?.to_lowercase().as_str() {
                "default" => {
                    // A second default would repaint every place the first one painted,
                    // silently: the file must say once who holds the country.
                    if let Some(first) = default_line {
                        return Err(Error::Data {
                            at: row.at(Some("scope")),
                            message: format!(
                                "a second `default` row (the first is on line {first}): keep one, and use \
                                 governorate or place rows for the exceptions"
                            ),
                        });
                    }
                    default_line = Some(row.line());
                    default = faction;
                }
                "governorate" | "admin1" => {
                    let target = row.required("target")?;
                    if !gazetteer.places().iter().any(|p| p.admin1.eq_ignore_ascii_case(target)) {
                        return Err(Error::Parse {
                            at: row.at(Some("target")),
                            expected: "the admin1 name of at least one gazetteer place".into(),
                            found: target.into(),
                        });
                    }
                    let f = faction.ok_or_else(|| Error::Parse {
                        at: row.at(Some("faction")),
                        expected: "a faction id".into(),
                        found: String::new(),
                    })?;
                    if let Some(first) = admin1_lines.insert(target.to_lowercase(), row.line()) {
                        problems.push(Problem::warning(
                            row.at(Some("target")),
                            format!("{} is also set on line {first}; this later row wins", crate::error::echo(target)),
                        ));
                    }
                    by_admin1.insert(target.to_lowercase(), f);
                }
                "place" => {
                    let target = row.required("target")?;
                    let id = gazetteer.lookup(target, &row.at(Some("target")))?;
                    let f = faction.ok_or_else(|| Error::Parse {
                        at: row.at(Some("faction")),
                        expected: "a faction id".into(),
                        found: String::new(),
                    })?;
                    if let Some((_, first)) = by_place.insert(id.index(), (f, row.line())) {
                        problems.push(Problem::warning(
                            row.at(Some("target")),
                            format!("{} is also set on line {first}; this later row wins", crate::error::echo(target)),
                        ));
                    }
                }
                other => {
                    return Err(Error::Parse {
                        at: row.at(Some("scope")),
                        expected: "default, governorate or place".into(),
                        found: other.into(),
                    });
                }
            }
            Ok(())
        })();
        if let Err(e) = result {
            problems.push(e.into());
        }
    }
    Ok(gazetteer
        .places()
        .iter()
        .map(|p| {
            by_place
                .get(&p.id.index())
                .map(|(f, _)| *f)
                .or_else(|| by_admin1.get(&p.admin1.to_lowercase()).copied())
                .or(default)
        })
        .collect())
}

struct EventContext<'a> {
    gazetteer: &'a Gazetteer,
    regions: &'a Regions,
    factions: &'a HashMap<String, FactionId>,
    sources: &'a [Source],
    first_day: NaiveDate,
    last_day: NaiveDate,
}

fn read_events(text: &str, file: &str, cx: &EventContext<'_>, problems: &mut Vec<Problem>) -> Result<Vec<Event>> {
    let table = Table::parse(text, file, &["date", "place", "faction", "action", "confidence", "source", "quote"])?;
    let mut events = Vec::with_capacity(table.len());
    for row in table.rows() {
        match event_from_row(&row, cx) {
            Ok(event) => {
                problems.extend(region_read_as_place(&event, cx, row.at(Some("place"))));
                events.push(event)
            }
            Err(e) => problems.push(e.into()),
        }
    }
    events.sort_by(|a, b| {
        (a.date, a.target, a.precedence_key(), a.line).cmp(&(b.date, b.target, b.precedence_key(), b.line))
    });
    Ok(events)
}

fn event_from_row(row: &Row<'_>, cx: &EventContext<'_>) -> Result<Event> {
    let date = parse_date(row.required("date")?, row.at(Some("date")))?;
    if date < cx.first_day || date > cx.last_day {
        return Err(Error::Parse {
            at: row.at(Some("date")),
            expected: format!("a date within the scenario, {} to {}", cx.first_day, cx.last_day),
            found: date.to_string(),
        });
    }
    let faction = faction_of(row, "faction", cx.factions)?;
    let action: Action = row.parse("action", "one of captured, entered, withdrew, held, dissolved")?;
    let place_text = row.get("place");
    let target = if action == Action::Dissolved && place_text.is_empty() {
        Target::Everywhere
    } else {
        resolve_target(row.required("place")?, &row.at(Some("place")), cx)?
    };
    if action == Action::Dissolved && matches!(target, Target::Place(_)) {
        return Err(Error::Parse {
            at: row.at(Some("place")),
            expected: "nothing (the faction ends everywhere) or a region (it leaves that region) for `dissolved`"
                .into(),
            found: place_text.to_string(),
        });
    }
    let successors = successors_of(row, action, cx.factions)?;
    let confidence = row.parse("confidence", "one of confirmed, reported, claimed")?;
    let source = row.required("source")?;
    let cited = cx.sources.iter().find(|s| (!s.file.is_empty() && s.file == source) || s.id == source);
    if !cx.sources.is_empty() && cited.is_none() {
        return Err(Error::Parse {
            at: row.at(Some("source")),
            expected: "a report listed in the scenario's sources table".into(),
            found: source.to_string(),
        });
    }
    // A public page is cited, never copied: the note says what it reports. A dataset's row
    // may quote it or not; without a quote, the note says what it records.
    let kind = cited.map(|s| s.kind);
    let page = kind == Some(SourceKind::Page);
    let quote = if kind == Some(SourceKind::Dataset) {
        let quote = row.get("quote");
        if quote.is_empty() {
            row.required("note")?;
        }
        quote.to_string()
    } else if page {
        let quote = row.get("quote");
        if !quote.is_empty() {
            return Err(Error::Parse {
                at: row.at(Some("quote")),
                expected: format!(
                    "an empty quote: source {source} is a public page, so state the fact in `note` in your own words"
                ),
                found: quote.chars().take(60).collect(),
            });
        }
        row.required("note")?;
        String::new()
    } else {
        row.required("quote")?.to_string()
    };
    Ok(Event {
        date,
        target,
        place_text: place_text.to_string(),
        faction,
        action,
        confidence,
        source: source.to_string(),
        quote,
        note: row.optional("note").map(str::to_string),
        successors,
        line: row.line(),
    })
}

/// Reads the optional `successor` column: faction keys separated by `|`, only on a
/// `dissolved` row.
fn successors_of(row: &Row<'_>, action: Action, factions: &HashMap<String, FactionId>) -> Result<Vec<FactionId>> {
    let text = row.get("successor").trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    if action != Action::Dissolved {
        return Err(Error::Parse {
            at: row.at(Some("successor")),
            expected: "an empty successor: only a `dissolved` row names who takes over".into(),
            found: text.chars().take(60).collect(),
        });
    }
    let mut out = Vec::new();
    for key in text.split('|').map(str::trim).filter(|k| !k.is_empty()) {
        let Some(&f) = factions.get(&key.to_lowercase()) else {
            let mut known: Vec<&str> = factions.keys().map(String::as_str).collect();
            known.sort_unstable();
            return Err(Error::Parse {
                at: row.at(Some("successor")),
                expected: format!("faction keys separated by |: one of {}", known.join(", ")),
                found: key.chars().take(60).collect(),
            });
        };
        if !out.contains(&f) {
            out.push(f);
        }
    }
    Ok(out)
}

/// Reads the `place` column: a named area or a region form names a region; anything else
/// names a place, maybe qualified by its region ("Fuzuli, Fuzuli District").
fn resolve_target(text: &str, at: &Location, cx: &EventContext<'_>) -> Result<Target> {
    match cx.regions.resolve(text) {
        RegionMatch::Found(id) => Ok(Target::Region(id)),
        RegionMatch::UnknownAdmin1 { name, known } => {
            // "Hama Governorate Hospital", or "Fuzuli, Fuzuli District", would be a place;
            // try that before giving up.
            cx.regions.lookup_place(cx.gazetteer, text, at).map(Target::Place).map_err(|_| Error::Parse {
                at: at.clone(),
                expected: format!("a region that exists: one of {} (as \"<name> Governorate\")", known.join(", ")),
                found: format!("{text} (no admin1 region {name:?})"),
            })
        }
        RegionMatch::NotARegion => cx.regions.lookup_place(cx.gazetteer, text, at).map(Target::Place),
    }
}

/// A warning for a row whose place is written as a region ("Khojaly District") but names a
/// place through one of its spellings (GeoNames lists some districts' names as aliases of
/// their main towns): the row moves the town alone, which is rarely what the report meant.
fn region_read_as_place(event: &Event, cx: &EventContext<'_>, at: Location) -> Option<Problem> {
    let Target::Place(id) = event.target else { return None };
    let text = &event.place_text;
    if !crate::region::is_region_form(text) {
        return None;
    }
    let place = cx.gazetteer.get(id);
    if cx.gazetteer.name_key(&place.name) == cx.gazetteer.name_key(text) || place.key.eq_ignore_ascii_case(text.trim())
    {
        return None;
    }
    // A qualified name ("Fuzuli, Fuzuli District") names the place on purpose.
    if !matches!(cx.gazetteer.find(text), crate::gazetteer::Resolution::Found(found) if found == id) {
        return None;
    }
    Some(Problem::warning(
        at,
        format!(
            "{} is written as a region, but no region has that name: it names the place {} ({}) only. \
             For the whole district add it to areas.geojson (or use the admin1 name as \"<name> District\"); \
             for the {} write {}",
            crate::error::echo(text),
            place.describe(),
            place.kind,
            place.kind,
            crate::error::echo(&place.name),
        ),
    ))
}

fn read_areas(text: &str, file: &str, gazetteer: &Gazetteer, problems: &mut Vec<Problem>) -> Result<Vec<AreaInput>> {
    let collection = read_feature_collection(text, file)?;
    let mut areas = Vec::new();
    for (i, feature) in collection.features.iter().enumerate() {
        let at = Location::file(format!("{file} (feature {i})"));
        let result = (|| -> Result<AreaInput> {
            let name = string_property(feature, "name")
                .filter(|n| !n.trim().is_empty())
                .ok_or_else(|| Error::Data { at: at.field("name"), message: "expected the area's name".into() })?;
            let shape = checked_shape(feature, &at)?;
            let aliases = string_property(feature, "aliases")
                .unwrap_or_default()
                .split('|')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect();
            Ok(AreaInput { name, aliases, shape, note: string_property(feature, "note").unwrap_or_default() })
        })();
        match result {
            Ok(area) => {
                problems.extend(shadowed_places(&area, gazetteer, &at));
                areas.push(area)
            }
            Err(e) => problems.push(e.into()),
        }
    }
    Ok(areas)
}

/// Warnings for the places an area's name or aliases shadow: an area's name wins over a
/// place of the same name (after folding), so every row naming that place would silently
/// become a row on the whole area.
fn shadowed_places(area: &AreaInput, gazetteer: &Gazetteer, at: &Location) -> Vec<Problem> {
    let mut out = Vec::new();
    for (field, spelling) in std::iter::once(("name", &area.name)).chain(area.aliases.iter().map(|a| ("aliases", a))) {
        let places = match gazetteer.find(spelling) {
            crate::gazetteer::Resolution::Found(id) => vec![id],
            crate::gazetteer::Resolution::Ambiguous(ids) => ids,
            crate::gazetteer::Resolution::Unknown(_) => continue,
        };
        let named: Vec<String> = places.iter().take(5).map(|id| gazetteer.get(*id).describe()).collect();
        out.push(Problem::warning(
            at.field(field),
            format!(
                "the area {} has the name of the place {}: every row naming {} applies to the whole area; \
                 rename the area (\"{} area\") or name the place by its id",
                crate::error::echo(&area.name),
                crate::error::shorten(&named.join(", ")),
                crate::error::echo(spelling),
                crate::error::shorten(&area.name),
            ),
        ));
    }
    out
}

/// Reads `[land] lines`: LineString or MultiLineString features with an optional `name` and
/// `cost_km` (a number, 0 or more; `default_km` without it).
fn read_lines(text: &str, file: &str, default_km: f64) -> Result<Vec<crate::scenario::LandLine>> {
    let collection = read_feature_collection(text, file)?;
    let mut lines = Vec::new();
    for (i, feature) in collection.features.iter().enumerate() {
        let at = Location::file(format!("{file} (feature {i})"));
        let name = string_property(feature, "name").unwrap_or_else(|| format!("line {i}"));
        let cost_km = match feature.properties.as_ref().and_then(|p| p.get("cost_km")) {
            None | Some(serde_json::Value::Null) => default_km,
            Some(v) => match v.as_f64() {
                Some(km) if km >= 0.0 && km.is_finite() => km,
                _ => {
                    return Err(Error::Data {
                        at: at.field("cost_km"),
                        message: format!(
                            "expected a distance in km, 0 or more; found {}",
                            v.to_string().chars().take(60).collect::<String>()
                        ),
                    });
                }
            },
        };
        let geometry = feature.geometry.as_ref().ok_or_else(|| Error::Data {
            at: at.field("geometry"),
            message: "expected a LineString or MultiLineString".into(),
        })?;
        check_positions(geometry, &at.field("geometry"))?;
        let parts: Vec<geo::LineString<f64>> = match geo::Geometry::<f64>::try_from(geometry) {
            Ok(geo::Geometry::LineString(l)) => vec![l],
            Ok(geo::Geometry::MultiLineString(ml)) => ml.0,
            _ => {
                return Err(Error::Data {
                    at: at.field("geometry"),
                    message: "expected a LineString or MultiLineString".into(),
                });
            }
        };
        for line in parts {
            if line.0.iter().any(|c| !(c.x.abs() <= 180.0 && c.y.abs() <= 90.0)) {
                return Err(Error::Data {
                    at: at.field("geometry"),
                    message: "expected longitude/latitude positions in degrees".into(),
                });
            }
            lines.push(crate::scenario::LandLine { name: name.clone(), line, cost_km });
        }
    }
    Ok(lines)
}

/// Reads the population totals table (see [`crate::population`]).
fn read_population(
    text: &str,
    file: &str,
    regions: &Regions,
    factions: &HashMap<String, FactionId>,
    first_day: NaiveDate,
    last_day: NaiveDate,
) -> Result<Vec<crate::population::PopulationTotal>> {
    let table = Table::parse(text, file, &["population"])?;
    let mut out = Vec::new();
    for row in table.rows() {
        let mut region_ids = Vec::new();
        for name in row.get("area").split('|').map(str::trim).filter(|n| !n.is_empty()) {
            match regions.resolve(name) {
                crate::region::RegionMatch::Found(id) => region_ids.push(id),
                _ => {
                    return Err(Error::Parse {
                        at: row.at(Some("area")),
                        expected: "a region (a named area, or a governorate or province such as \"Idlib Governorate\"), several joined by |, or nothing for the whole map".into(),
                        found: crate::error::echo(name),
                    });
                }
            }
        }
        let mut held_by = Vec::new();
        for key in row.get("held_by").split('|').map(str::trim).filter(|k| !k.is_empty()) {
            match factions.get(&key.to_lowercase()) {
                Some(id) => held_by.push(*id),
                None => {
                    return Err(Error::Parse {
                        at: row.at(Some("held_by")),
                        expected: "faction ids of scenario.toml joined by |, or nothing".into(),
                        found: crate::error::echo(key),
                    });
                }
            }
        }
        let on = match row.get("on").trim() {
            "" => first_day,
            text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(day) if (first_day..=last_day).contains(&day) => day,
                _ => {
                    return Err(Error::Parse {
                        at: row.at(Some("on")),
                        expected: format!(
                            "a day from {first_day} to {last_day} (YYYY-MM-DD), or nothing for the first"
                        ),
                        found: crate::error::echo(text),
                    });
                }
            },
        };
        let population = row.required("population")?.trim().replace([',', '_'], "");
        let population = population.parse::<u64>().map_err(|_| Error::Parse {
            at: row.at(Some("population")),
            expected: "a whole number of people".into(),
            found: crate::error::echo(&population),
        })?;
        out.push(crate::population::PopulationTotal {
            line: row.line() as usize,
            regions: region_ids,
            held_by,
            on,
            population,
            as_of: row.get("as_of").trim().to_string(),
            source: row.get("source").trim().to_string(),
            url: row.get("url").trim().to_string(),
        });
    }
    Ok(out)
}

fn read_zones(text: &str, file: &str, gazetteer: &Gazetteer, problems: &mut Vec<Problem>) -> Result<Vec<Zone>> {
    let collection = read_feature_collection(text, file)?;
    let mut zones = Vec::new();
    for (i, feature) in collection.features.iter().enumerate() {
        let at = Location::file(format!("{file} (feature {i})"));
        let property = |key: &str| string_property(feature, key).unwrap_or_default();
        let result = (|| -> Result<Zone> {
            let place = gazetteer.lookup(&property("place"), &at.field("place"))?;
            let shape = match checked_shape(feature, &at)?.0.as_slice() {
                [one] => one.clone(),
                _ => return Err(Error::Data { at: at.field("geometry"), message: "expected one Polygon".into() }),
            };
            Ok(Zone { place, shape, note: property("note") })
        })();
        match result {
            Ok(zone) => zones.push(zone),
            Err(e) => problems.push(e.into()),
        }
    }
    Ok(zones)
}

/// Places at identical positions: all but the first get no area on the map, which a user
/// should hear about rather than discover.
fn shared_positions(gazetteer: &Gazetteer, file: &str) -> Vec<Problem> {
    let mut at: HashMap<(u64, u64), Vec<usize>> = HashMap::new();
    for (i, p) in gazetteer.places().iter().enumerate() {
        at.entry(((p.position.x + 0.0).to_bits(), (p.position.y + 0.0).to_bits())).or_default().push(i);
    }
    let mut groups: Vec<Vec<usize>> = at.into_values().filter(|g| g.len() > 1).collect();
    groups.sort();
    groups
        .into_iter()
        .map(|g| {
            let places = gazetteer.places();
            let first = &places[g[0]];
            let others: Vec<String> = g[1..].iter().map(|&i| crate::error::shorten(&places[i].key)).collect();
            Problem::warning(
                Location::file(file).field("lat"),
                format!(
                    "{} share the position of {} ({}, {}): only {} gets an area on the map; move one a little, or make the others aliases",
                    others.join(", "),
                    crate::error::shorten(&first.key),
                    first.lat(),
                    first.lon(),
                    crate::error::shorten(&first.key)
                ),
            )
        })
        .collect()
}

/// A feature's Polygon or MultiPolygon, with every ring closed and no ring crossing itself
/// or another.
fn checked_shape(feature: &geojson::Feature, at: &Location) -> Result<geo::MultiPolygon<f64>> {
    let at = at.field("geometry");
    let geometry = feature
        .geometry
        .as_ref()
        .ok_or_else(|| Error::Data { at: at.clone(), message: "expected a Polygon or MultiPolygon".into() })?;
    let polygons: Vec<&geojson::PolygonType> = match &geometry.value {
        geojson::GeometryValue::Polygon { coordinates } => vec![coordinates],
        geojson::GeometryValue::MultiPolygon { coordinates } => coordinates.iter().collect(),
        _ => return Err(Error::Data { at, message: "expected a Polygon or MultiPolygon".into() }),
    };
    for (i, rings) in polygons.iter().enumerate() {
        for (j, ring) in rings.iter().enumerate() {
            if ring.len() < 4 || ring.first() != ring.last() {
                return Err(Error::Data {
                    at,
                    message: format!(
                        "polygon {i}, ring {j} is not closed: a ring needs at least 4 positions and must end where it starts"
                    ),
                });
            }
        }
    }
    check_positions(geometry, &at)?;
    let shape = match geo::Geometry::<f64>::try_from(geometry) {
        Ok(geo::Geometry::Polygon(p)) => geo::MultiPolygon(vec![p]),
        Ok(geo::Geometry::MultiPolygon(mp)) => mp,
        _ => return Err(Error::Data { at, message: "expected a Polygon or MultiPolygon".into() }),
    };
    if let Some(why) = super::validity::flaw(&shape) {
        return Err(Error::Data {
            at,
            message: format!("the outline is not a valid polygon: {why}; redraw it so no edge crosses another"),
        });
    }
    Ok(shape)
}

/// `[west, south, east, north]` in degrees as a rectangle, or what is wrong with it.
fn extent_rect(extent: [f64; 4], at: Location) -> Result<Rect<f64>> {
    let [west, south, east, north] = extent;
    if !(west < east
        && south < north
        && (-180.0..=180.0).contains(&west)
        && (-180.0..=180.0).contains(&east)
        && (-90.0..=90.0).contains(&south)
        && (-90.0..=90.0).contains(&north))
    {
        return Err(Error::Parse {
            at,
            expected: "[west, south, east, north] in degrees with west < east and south < north".into(),
            found: format!("{extent:?}"),
        });
    }
    Ok(Rect::new(Coord { x: west, y: south }, Coord { x: east, y: north }))
}
