//! `frontline import wikipedia-map`: a detailed-map module's revisions into a scenario.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::NaiveDate;

use frontline::import::merge_rows;
use frontline::import::wikimap::{Colours, LICENCE, Revision, plan, read_marks};
use frontline::scenario::{Folder, Manifest, ScenarioFiles};

use super::files::write_atomic;

/// What the command was given.
pub struct WikiMapJob {
    /// The module's raw text, one file per revision.
    pub modules: Vec<PathBuf>,
    /// Each revision's day, in the order of `modules`.
    pub dates: Vec<NaiveDate>,
    /// Each revision's id (`oldid`), in the order of `modules`, or none.
    pub oldids: Vec<u64>,
    /// The module's title, e.g. "Module:Syrian civil war detailed map".
    pub title: String,
    /// The `[colours]` table.
    pub colours: PathBuf,
}

/// The start of every baseline note the import writes: its own rows are replaced on a
/// re-import, anyone else's are left alone.
const OURS: &str = "Wikipedia's detailed map";

fn row(pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

/// The address of a revision (or of the module, without an id).
fn address(title: &str, oldid: Option<u64>) -> String {
    let t: String = title
        .trim()
        .chars()
        .map(|c| if c == ' ' { "_".to_string() } else { c.to_string() })
        .collect::<String>()
        .replace('&', "%26")
        .replace('?', "%3F")
        .replace('"', "%22");
    match oldid {
        Some(id) => format!("https://en.wikipedia.org/w/index.php?title={t}&oldid={id}"),
        None => format!("https://en.wikipedia.org/wiki/{t}"),
    }
}

/// Runs the import.
pub fn import(scenario: Option<&Path>, max_bytes: u64, job: WikiMapJob) -> anyhow::Result<ExitCode> {
    let Some(dir) = scenario else {
        bail!("import writes into a scenario: name it with --scenario DIR (make one with frontline init)");
    };
    if job.dates.len() != job.modules.len() {
        bail!(
            "{} module file(s) and {} --date: give each revision its day, in the order of the files \
             (the day it was saved, from the module's history)",
            job.modules.len(),
            job.dates.len()
        );
    }
    if !job.oldids.is_empty() && job.oldids.len() != job.modules.len() {
        bail!(
            "{} module file(s) and {} --oldid: give every revision its id, or none",
            job.modules.len(),
            job.oldids.len()
        );
    }
    let folder = Folder { dir: dir.to_path_buf(), max_bytes };
    let s = frontline::Scenario::load(&folder)?;
    let manifest: Manifest = toml::from_str(&folder.read("scenario.toml")?)
        .with_context(|| format!("reading {}", folder.display("scenario.toml")))?;
    let Some(sources_path) = manifest.sources.clone() else {
        bail!("{} has no sources table: add `sources = \"sources.csv\"` to it", folder.display("scenario.toml"));
    };
    let colours_name = job.colours.display().to_string();
    let colours = Colours::from_toml(&super::import::read_input(&job.colours, max_bytes)?, &colours_name)?;
    for f in colours.factions() {
        if s.faction_by_key(f).is_none() {
            bail!("{colours_name}: faction {} is not a faction of the scenario", frontline::error::echo(f));
        }
    }
    let mut revisions = Vec::new();
    let mut source_rows = Vec::new();
    for (i, (path, date)) in job.modules.iter().zip(&job.dates).enumerate() {
        let oldid = job.oldids.get(i).copied();
        let name = path.display().to_string();
        let marks = read_marks(&super::import::read_input(path, max_bytes)?, &name)?;
        let source = match oldid {
            Some(id) => format!("wp-{id}"),
            None => format!("wp-{date}"),
        };
        let revision = match oldid {
            Some(id) => format!("revision {id} of {date}"),
            None => format!("revision of {date}"),
        };
        source_rows.push(row(&[
            ("id", source.clone()),
            ("outlet", "Wikipedia".into()),
            ("title", format!("{} ({revision}), {LICENCE}", job.title.trim())),
            ("published", date.to_string()),
            ("url", address(&job.title, oldid)),
            ("kind", "page".into()),
        ]));
        revisions.push(Revision { date: *date, source, marks });
    }
    let planned = plan(&revisions, &colours, &s.gazetteer, s.first_day, s.last_day)?;
    let read_or_empty = |rel: &str| -> anyhow::Result<String> {
        Ok(if dir.join(rel).exists() { folder.read(rel)? } else { String::new() })
    };
    // Gazetteer: the places the module adds.
    let first_of = |source: &str| revisions.iter().find(|r| r.source == source).map(|r| r.date);
    let places: Vec<BTreeMap<String, String>> = planned
        .places
        .iter()
        .map(|p| {
            let when = first_of(&p.first.0).map(|d| d.to_string()).unwrap_or_default();
            row(&[
                ("id", p.key.clone()),
                ("name", p.name.clone()),
                ("lat", format!("{:.5}", p.position.y)),
                ("lon", format!("{:.5}", p.position.x)),
                ("kind", p.kind.to_string()),
                (
                    "source",
                    format!(
                        "Wikipedia, {} (revision of {when}, line {}): name and position from the module, {LICENCE}",
                        job.title.trim(),
                        p.first.1
                    ),
                ),
                ("label", if p.label { "always".into() } else { String::new() }),
            ])
        })
        .collect();
    let gazetteer_csv = merge_rows(
        &read_or_empty(&manifest.gazetteer)?,
        &folder.display(&manifest.gazetteer),
        &frontline::import::GAZETTEER_COLUMNS,
        "id",
        &HashSet::new(),
        &places,
    )?;
    // Baseline: the import's own rows are replaced, a user's row for a place is kept.
    let baseline_text = read_or_empty(&manifest.baseline)?;
    let (mut ours, mut theirs) = (HashSet::new(), HashSet::new());
    {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .comment(Some(b'#'))
            .from_reader(baseline_text.strip_prefix('\u{feff}').unwrap_or(&baseline_text).as_bytes());
        let headers = reader.headers().map(|h| h.clone()).unwrap_or_default();
        let col = |n: &str| headers.iter().position(|h| h.trim() == n);
        let (scope, target, note) = (col("scope"), col("target"), col("note"));
        for record in reader.records().flatten() {
            let get = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("").trim().to_string();
            if !get(scope).eq_ignore_ascii_case("place") {
                continue;
            }
            if get(note).starts_with(OURS) {
                ours.insert(get(target))
            } else {
                theirs.insert(get(target))
            };
        }
    }
    let kept = planned.baseline.keys().filter(|k| theirs.contains(*k)).count();
    let baseline_rows: Vec<BTreeMap<String, String>> = planned
        .baseline
        .iter()
        .filter(|(k, _)| !theirs.contains(*k))
        .map(|(k, (f, note))| {
            row(&[("scope", "place".into()), ("target", k.clone()), ("faction", f.clone()), ("note", note.clone())])
        })
        .collect();
    let baseline_csv = merge_rows(
        &baseline_text,
        &folder.display(&manifest.baseline),
        &["scope", "target", "faction", "note"],
        "target",
        &ours,
        &baseline_rows,
    )?;
    // Events: keyed by id, so a re-import replaces its rows.
    let rows: Vec<BTreeMap<String, String>> = planned
        .rows
        .iter()
        .map(|r| {
            row(&[
                ("id", r.id.clone()),
                ("date", r.date.to_string()),
                ("place", r.place.clone()),
                ("faction", r.faction.clone()),
                ("action", r.action.to_string()),
                ("confidence", "reported".into()),
                ("source", r.source.clone()),
                ("quote", String::new()),
                ("note", r.note.clone()),
            ])
        })
        .collect();
    let ids: HashSet<String> = rows.iter().filter_map(|r| r.get("id").cloned()).collect();
    let events_csv = merge_rows(
        &read_or_empty(&manifest.events)?,
        &folder.display(&manifest.events),
        &["date", "place", "faction", "action", "confidence", "source", "quote", "note", "id"],
        "id",
        &ids,
        &rows,
    )?;
    let source_ids: HashSet<String> = source_rows.iter().filter_map(|r| r.get("id").cloned()).collect();
    let sources_csv = merge_rows(
        &read_or_empty(&sources_path)?,
        &folder.display(&sources_path),
        &["id", "file", "outlet", "title", "published", "url", "kind"],
        "id",
        &source_ids,
        &source_rows,
    )?;
    let credit = format!("Control marks: Wikipedia contributors, \"{}\", {LICENCE}", job.title.trim());
    write_atomic(&dir.join(&manifest.gazetteer), gazetteer_csv.as_bytes())?;
    write_atomic(&dir.join(&sources_path), sources_csv.as_bytes())?;
    write_atomic(&dir.join(&manifest.baseline), baseline_csv.as_bytes())?;
    write_atomic(&dir.join(&manifest.events), events_csv.as_bytes())?;
    super::import::add_credit(&folder, &credit)?;
    let t = &planned.tally;
    let list = |m: &BTreeMap<String, usize>| {
        if m.is_empty() {
            String::new()
        } else {
            format!(" ({})", m.iter().map(|(k, n)| format!("{k}: {n}")).collect::<Vec<_>>().join("; "))
        }
    };
    eprintln!(
        "imported {} revision(s) of {}: {} marks ({}); {} places added, {} matched by name, {} by position; \
         {} baseline rows ({kept} left as you wrote them), {} dated rows",
        revisions.len(),
        job.title.trim(),
        t.marks,
        t.kinds.iter().map(|(k, n)| format!("{n} {k}")).collect::<Vec<_>>().join(", "),
        planned.places.len(),
        t.by_name,
        t.by_position,
        baseline_rows.len(),
        planned.rows.len(),
    );
    eprintln!(
        "left out, never guessed: {} marks with unknown icons{}, {} with colours not in {colours_name}{}, {} with no \
         label or link; {} places with stacked marks (the inner one taken), {} siege marks with no place mark, {} \
         three-sided marks (the third side is in the note only)",
        t.unknown_icons.values().sum::<usize>(),
        list(&t.unknown_icons),
        t.unmapped_colours.values().sum::<usize>(),
        list(&t.unmapped_colours),
        t.unnamed,
        t.stacked,
        t.lone_sieges,
        t.three_sided,
    );
    Ok(ExitCode::SUCCESS)
}
