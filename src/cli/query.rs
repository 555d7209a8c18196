//! The query commands: control, timeline, diff, check, places.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use serde::Serialize;

use frontline::control::{Control, ControlModel, Period, PlaceState, Status};
use frontline::event::Action;
use frontline::gazetteer::Resolution;
use frontline::region::RegionMatch;
use frontline::scenario::{Mode, ScenarioFiles};
use frontline::{EventId, Location, PlaceId, Scenario, Severity, check};

use super::output::{self, Format};

/// A claim, as printed in evidence lists.
#[derive(Debug, Serialize)]
struct Evidence {
    line: u64,
    date: NaiveDate,
    /// The place or region the row names (empty: everywhere).
    applies_to: String,
    faction: String,
    action: String,
    confidence: String,
    source: String,
    url: String,
    quote: String,
    note: Option<String>,
}

fn evidence(s: &Scenario, ids: &[EventId]) -> Vec<Evidence> {
    ids.iter()
        .map(|id| {
            let e = &s.events[id.0 as usize];
            Evidence {
                line: e.line,
                date: e.date,
                applies_to: e.place_text.clone(),
                faction: s.faction(e.faction).key.clone(),
                action: e.action.to_string(),
                confidence: e.confidence.to_string(),
                source: e.source.clone(),
                url: s.source(&e.source).map(|src| src.url.clone()).unwrap_or_default(),
                quote: e.quote.clone(),
                note: e.note.clone(),
            }
        })
        .collect()
}

fn sources(s: &Scenario, ids: &[EventId]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        let source = &s.events[id.0 as usize].source;
        if !out.contains(source) {
            out.push(source.clone());
        }
    }
    out
}

fn faction_key(s: &Scenario, f: Option<frontline::FactionId>) -> Option<String> {
    f.map(|f| s.faction(f).key.clone())
}

#[derive(Debug, Serialize)]
struct ControlRecord {
    place: String,
    id: String,
    faction: Option<String>,
    status: &'static str,
    challenger: Option<String>,
    since: Option<NaiveDate>,
    basis: &'static str,
    inferred_by: Option<&'static str>,
    /// The highest confidence of the rows behind it (none for the baseline and assessed).
    strength: Option<String>,
    /// What the state says, in words: "held by X", "still held by X" (a denial), "left by X".
    reads: String,
    sources: Vec<String>,
    evidence: Vec<Evidence>,
    disputed_by: Vec<Evidence>,
}

/// The strength of a state's rows, as outputs write it.
fn strength(s: &Scenario, state: &PlaceState, evidence: &[EventId]) -> Option<String> {
    frontline::control::strength(state, evidence, &s.events).map(|c| c.to_string())
}

/// A state in words, the way the frames' panel words a change: a denial (`held`) reads
/// "still held by", a place its holder left "left by", control on claims alone says so.
fn reads(s: &Scenario, state: &PlaceState, evidence: &[EventId]) -> String {
    let name = |f: Option<frontline::FactionId>| f.map_or("nobody".to_string(), |f| s.faction(f).key.clone());
    let rows: Vec<&frontline::Event> = evidence.iter().map(|id| &s.events[id.0 as usize]).collect();
    let by = |f: Option<frontline::FactionId>, action: Action| {
        rows.iter().any(|e| Some(e.faction) == f && e.action == action)
    };
    let mut text = match state.status() {
        Status::Contested => format!("held by {}, contested by {}", name(state.holder), name(state.challenger)),
        Status::Unheld => match rows.iter().find(|e| e.action == Action::Withdrew) {
            Some(e) => format!("left by {}, held by nobody", s.faction(e.faction).key),
            None => "held by nobody".to_string(),
        },
        Status::Held if by(state.holder, Action::Held) && !by(state.holder, Action::Captured) => {
            format!("still held by {}", name(state.holder))
        }
        Status::Held => format!("held by {}", name(state.holder)),
    };
    if frontline::control::claimed_only(state, evidence, &s.events) {
        text.push_str(" (claimed only)");
    }
    text
}

fn control_record(s: &Scenario, c: &Control) -> ControlRecord {
    let place = s.gazetteer.get(c.place);
    ControlRecord {
        place: place.name.clone(),
        id: place.key.clone(),
        faction: faction_key(s, c.state.holder),
        status: c.state.status().as_str(),
        challenger: faction_key(s, c.state.challenger),
        since: c.state.since(),
        basis: c.state.basis.as_str(),
        inferred_by: c.state.basis.inferred_by().map(|r| r.as_str()),
        strength: strength(s, &c.state, &c.evidence),
        reads: reads(s, &c.state, &c.evidence),
        sources: sources(s, &c.evidence),
        evidence: evidence(s, &c.evidence),
        disputed_by: evidence(s, &c.disputed_by),
    }
}

fn load(files: &dyn ScenarioFiles, mode: Mode) -> anyhow::Result<(Scenario, ControlModel)> {
    let scenario = Scenario::load(files)?;
    let model = scenario.model_with(mode);
    Ok((scenario, model))
}

use super::in_range;

fn resolve(s: &Scenario, name: &str) -> anyhow::Result<PlaceId> {
    Ok(s.regions.lookup_place(&s.gazetteer, name, &Location::file("command line"))?)
}

/// `frontline control`.
pub fn control(
    files: &dyn ScenarioFiles,
    mode: Mode,
    date: NaiveDate,
    names: &[String],
    format: Format,
) -> anyhow::Result<ExitCode> {
    let (s, model) = load(files, mode)?;
    in_range(&s, date, "--date")?;
    let places: Vec<PlaceId> = if names.is_empty() {
        (0..s.gazetteer.len()).map(|i| PlaceId(i as u32)).collect()
    } else {
        names.iter().map(|n| resolve(&s, n)).collect::<anyhow::Result<_>>()?
    };
    let records: Vec<ControlRecord> = places.iter().map(|p| control_record(&s, &model.control(*p, date))).collect();
    output::print(&output::render(&records, format)?)?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Serialize)]
struct PeriodRecord {
    place: String,
    id: String,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    faction: Option<String>,
    status: &'static str,
    challenger: Option<String>,
    basis: &'static str,
    inferred_by: Option<&'static str>,
    strength: Option<String>,
    reads: String,
    sources: Vec<String>,
    evidence: Vec<Evidence>,
    disputed_by: Vec<Evidence>,
}

/// `frontline timeline`.
pub fn timeline(files: &dyn ScenarioFiles, mode: Mode, name: &str, format: Format) -> anyhow::Result<ExitCode> {
    let (s, model) = load(files, mode)?;
    let place = resolve(&s, name)?;
    let p = s.gazetteer.get(place);
    let records: Vec<PeriodRecord> = model
        .timeline(place)
        .iter()
        .map(|period: &Period| PeriodRecord {
            place: p.name.clone(),
            id: p.key.clone(),
            start: period.start,
            end: period.end,
            faction: faction_key(&s, period.state.holder),
            status: period.state.status().as_str(),
            challenger: faction_key(&s, period.state.challenger),
            basis: period.state.basis.as_str(),
            inferred_by: period.state.basis.inferred_by().map(|r| r.as_str()),
            strength: strength(&s, &period.state, &period.evidence),
            reads: reads(&s, &period.state, &period.evidence),
            sources: sources(&s, &period.evidence),
            evidence: evidence(&s, &period.evidence),
            disputed_by: evidence(&s, &period.disputed_by),
        })
        .collect();
    output::print(&output::render(&records, format)?)?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Serialize)]
struct ChangeRecord {
    place: String,
    id: String,
    from_faction: Option<String>,
    from_status: &'static str,
    to_faction: Option<String>,
    to_status: &'static str,
    since: Option<NaiveDate>,
    basis: &'static str,
    inferred_by: Option<&'static str>,
    sources: Vec<String>,
}

#[derive(Debug, Serialize)]
struct CountRecord {
    faction: String,
    name: String,
    places_from: usize,
    places_to: usize,
    change: i64,
    contested_to: usize,
}

/// `frontline diff`.
pub fn diff(
    files: &dyn ScenarioFiles,
    mode: Mode,
    from: NaiveDate,
    to: NaiveDate,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let (s, model) = load(files, mode)?;
    in_range(&s, from, "--from")?;
    in_range(&s, to, "--to")?;
    if to < from {
        bail!("--to {to} is before --from {from}");
    }
    let changes: Vec<ChangeRecord> = model
        .changes(from, to)
        .iter()
        .map(|c| {
            let p = s.gazetteer.get(c.place);
            ChangeRecord {
                place: p.name.clone(),
                id: p.key.clone(),
                from_faction: faction_key(&s, c.before.holder),
                from_status: c.before.status().as_str(),
                to_faction: faction_key(&s, c.after.state.holder),
                to_status: c.after.state.status().as_str(),
                since: c.after.state.since(),
                basis: c.after.state.basis.as_str(),
                inferred_by: c.after.state.basis.inferred_by().map(|r| r.as_str()),
                sources: sources(&s, &c.after.evidence),
            }
        })
        .collect();
    let (before, after) = (model.states_on(from), model.states_on(to));
    let count = |states: &[PlaceState], f| states.iter().filter(|st| st.holder == Some(f)).count();
    let counts: Vec<CountRecord> = s
        .factions
        .iter()
        .map(|f| CountRecord {
            faction: f.key.clone(),
            name: f.name.clone(),
            places_from: count(&before, f.id),
            places_to: count(&after, f.id),
            change: count(&after, f.id) as i64 - count(&before, f.id) as i64,
            contested_to: after
                .iter()
                .filter(|st| st.challenger == Some(f.id) || (st.challenger.is_some() && st.holder == Some(f.id)))
                .count(),
        })
        .collect();
    let text = match format {
        Format::Json => {
            serde_json::to_string_pretty(
                &serde_json::json!({ "from": from, "to": to, "changes": changes, "factions": counts }),
            )? + "\n"
        }
        Format::Csv => output::render(&changes, format)?,
        Format::Table => format!(
            "{} places changed hands between {from} and {to}\n\n{}\n{}",
            changes.len(),
            output::render(&changes, format)?,
            output::render(&counts, format)?
        ),
    };
    output::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// `frontline check`.
pub fn check(
    files: &dyn ScenarioFiles,
    reports: Option<&Path>,
    stale_since: Option<NaiveDate>,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let report = Scenario::load_report(files);
    let mut problems = report.problems;
    if let Some(s) = &report.scenario {
        let graph = s.neighbour_graph();
        let model = s.model_on(&graph);
        let events_file = events_file_name(files)?;
        problems.extend(check::consistency(s, &model, &events_file));
        problems.extend(check::stale_places(s, &model, &graph, stale_since.unwrap_or(s.first_day)));
        if let Some(dir) = reports {
            if !dir.is_dir() {
                if dir.exists() {
                    bail!("--sources {}: a file, not a folder; name the folder that holds the reports", dir.display());
                }
                bail!("--sources {}: no such folder; name the folder that holds the reports", dir.display());
            }
            problems.extend(check::quotes(s, dir, &events_file));
        }
    }
    problems.sort_by(|a, b| (&a.at.file, a.at.line, a.severity).cmp(&(&b.at.file, b.at.line, b.severity)));
    let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    let warnings = problems.len() - errors;
    match format {
        Format::Table => {
            let text: String = problems.iter().map(|p| format!("{p}\n")).collect();
            output::print(&text)?;
        }
        _ => output::print(&output::render(&problems, format)?)?,
    }
    match &report.scenario {
        Some(s) => eprintln!(
            "{errors} error(s), {warnings} warning(s) in {} places, {} events",
            s.gazetteer.len(),
            s.events.len()
        ),
        None => {
            eprintln!("{errors} error(s), {warnings} warning(s); the scenario could not be loaded")
        }
    }
    Ok(if errors == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn events_file_name(files: &dyn ScenarioFiles) -> anyhow::Result<String> {
    let manifest: frontline::scenario::Manifest =
        toml::from_str(&files.read("scenario.toml")?).context("reading scenario.toml")?;
    Ok(files.display(&manifest.events))
}

#[derive(Debug, Serialize)]
struct PlaceRecord {
    /// The region the query named, when it named one: its places are the records.
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    id: String,
    name: String,
    admin1: String,
    kind: String,
    population: Option<u64>,
    lat: f64,
    lon: f64,
    aliases: Vec<String>,
}

/// `frontline places`.
pub fn places(files: &dyn ScenarioFiles, query: Option<&str>, format: Format) -> anyhow::Result<ExitCode> {
    let s = Scenario::load(files)?;
    let g = &s.gazetteer;
    let query = query.unwrap_or("");
    let mut hits = g.search(query);
    let mut region_name = None;
    // The query as messages repeat it: cut to 60 characters, as every echoed value.
    let shown = frontline::error::echo(query);
    let region = match s.regions.resolve(query) {
        RegionMatch::Found(id) => {
            let r = s.regions.get(id);
            // A region query lists the region's places, as data on stdout (each record
            // names the region), not only as the sentence on stderr.
            hits = r.members.clone();
            region_name = Some(r.name.clone());
            let mut names: Vec<&str> = r.members.iter().map(|p| g.get(*p).name.as_str()).collect();
            let more = names.len().saturating_sub(12);
            names.truncate(12);
            Some(format!(
                "{shown} is the region {:?} ({}), {} places: {}{}",
                r.name,
                r.kind.as_str(),
                r.members.len(),
                names.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            ))
        }
        RegionMatch::UnknownAdmin1 { name, known } => Some(format!(
            "{shown} names no region: no admin1 {}; the admin1 regions are {}",
            frontline::error::echo(&name),
            known.join(", ")
        )),
        RegionMatch::NotARegion => None,
    };
    let resolution = if query.trim().is_empty() {
        None
    } else if region.is_some() {
        region
    } else {
        Some(match g.resolve(query) {
            Resolution::Found(id) => format!("{shown} resolves to {}", g.get(id).describe()),
            Resolution::Ambiguous(ids) => format!(
                "{shown} is ambiguous: {}",
                ids.iter().map(|i| g.get(*i).describe()).collect::<Vec<_>>().join(", ")
            ),
            Resolution::Unknown(near) if near.is_empty() => format!("{shown} matches no place"),
            Resolution::Unknown(near) => format!(
                "{shown} matches no place; closest: {}",
                near.iter().map(|i| g.get(*i).describe()).collect::<Vec<_>>().join(", ")
            ),
        })
    };
    let records: Vec<PlaceRecord> = hits
        .iter()
        .map(|id| {
            let p = g.get(*id);
            PlaceRecord {
                region: region_name.clone(),
                id: p.key.clone(),
                name: p.name.clone(),
                admin1: p.admin1.clone(),
                kind: p.kind.to_string(),
                population: p.population,
                lat: p.lat(),
                lon: p.lon(),
                aliases: if format == Format::Table {
                    p.aliases.iter().take(4).cloned().collect()
                } else {
                    p.aliases.clone()
                },
            }
        })
        .collect();
    if let Some(r) = &resolution {
        eprintln!("{r}");
    }
    if records.is_empty() {
        // As grep does: nothing found is exit code 1, so scripts can tell. The sentence
        // above says why; a silent no-match (an empty gazetteer) still gets one.
        if resolution.is_none() {
            eprintln!("no places");
        }
        return Ok(ExitCode::FAILURE);
    }
    output::print(&output::render(&records, format)?)?;
    Ok(ExitCode::SUCCESS)
}
