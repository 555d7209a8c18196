//! `frontline import`: other people's data into a scenario's files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use frontline::import::geonames::{Filter, merge, read_admin1, read_dump};
use frontline::scenario::{Folder, Manifest, ScenarioFiles};

use super::files::write_atomic;

/// The credit a scenario with GeoNames places carries.
const GEONAMES_CREDIT: &str = "Places: GeoNames (geonames.org), CC BY 4.0";

/// Reads an input file the way scenario files are read: a regular UTF-8 file under the cap.
pub(super) fn read_input(path: &Path, max_bytes: u64) -> anyhow::Result<String> {
    Ok(Folder { dir: PathBuf::from("."), max_bytes }.read(&path.to_string_lossy())?)
}

/// `scenario.toml`'s text with `credit` first in its credits (unless it is there already).
fn with_credit(manifest: &str, credit: &str) -> String {
    let quoted = toml::Value::String(credit.to_string()).to_string();
    if manifest.contains(&quoted) {
        return manifest.to_string();
    }
    let mut out = String::with_capacity(manifest.len() + quoted.len() + 16);
    let mut done = false;
    let mut in_table = false;
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if !done && !in_table && trimmed.starts_with('[') {
            // No credits before the first table: add them here, at the top level.
            out.push_str(&format!("credits = [{quoted}]\n\n"));
            done = true;
        }
        in_table |= trimmed.starts_with('[');
        if !done && !in_table && trimmed.starts_with("credits") && trimmed[7..].trim_start().starts_with('=') {
            if let Some(open) = line.find('[') {
                out.push_str(&line[..=open]);
                out.push_str(&format!("\n  {quoted},"));
                out.push_str(&line[open + 1..]);
                done = true;
                continue;
            }
        }
        out.push_str(line);
    }
    if !done {
        out.push_str(&format!("\ncredits = [{quoted}]\n"));
    }
    out
}

/// Adds `credit` to the credits of the scenario in `folder` (once): the manifest is edited
/// as text, so the user's comments and layout stay, and the result must still read.
pub(super) fn add_credit(folder: &Folder, credit: &str) -> anyhow::Result<()> {
    let text = folder.read("scenario.toml")?;
    let edited = with_credit(&text, credit);
    if edited == text {
        return Ok(());
    }
    toml::from_str::<Manifest>(&edited).with_context(|| {
        format!(
            "adding a credit to {} would break it: add {credit:?} to its credits yourself",
            folder.display("scenario.toml")
        )
    })?;
    write_atomic(&folder.dir.join("scenario.toml"), edited.as_bytes())?;
    eprintln!("credited {credit:?} in {}", folder.display("scenario.toml"));
    Ok(())
}

/// `frontline import geonames FILE --scenario DIR`.
pub fn geonames(
    scenario: Option<&Path>,
    max_bytes: u64,
    dump: &Path,
    admin1: Option<&Path>,
    filter: Filter,
) -> anyhow::Result<ExitCode> {
    let Some(dir) = scenario else {
        bail!("import writes into a scenario: name it with --scenario DIR (make one with frontline init)");
    };
    let folder = Folder { dir: dir.to_path_buf(), max_bytes };
    let manifest: Manifest = toml::from_str(&folder.read("scenario.toml")?)
        .with_context(|| format!("reading {}", folder.display("scenario.toml")))?;
    let target = dir.join(&manifest.gazetteer);
    let shown = folder.display(&manifest.gazetteer);
    let existing = if target.exists() { folder.read(&manifest.gazetteer)? } else { String::new() };
    let admin1 = match admin1 {
        Some(path) => read_admin1(&read_input(path, max_bytes)?, &path.display().to_string())?,
        None => Default::default(),
    };
    let places = read_dump(&read_input(dump, max_bytes)?, &dump.display().to_string(), &admin1, &filter)?;
    let (csv, merged) = merge(&existing, &shown, &places)?;
    write_atomic(&target, csv.as_bytes())?;
    add_credit(&folder, GEONAMES_CREDIT)?;
    eprintln!(
        "wrote {shown}: {} places added, {} already there and left as they were ({} populated places read from {})",
        merged.added,
        merged.kept,
        places.len(),
        dump.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `frontline import acled FILE --actors FILE --scenario DIR`.
pub fn acled(
    scenario: Option<&Path>,
    max_bytes: u64,
    allow_long: bool,
    export: &Path,
    actors_file: &Path,
) -> anyhow::Result<ExitCode> {
    use std::collections::{BTreeMap, HashSet};

    use frontline::import::acled::{Actors, PlaceMatch, confidence, match_place, read_export, source_id};
    use frontline::import::merge_rows;

    let Some(dir) = scenario else {
        bail!("import writes into a scenario: name it with --scenario DIR (make one with frontline init)");
    };
    let folder = Folder { dir: dir.to_path_buf(), max_bytes };
    let s = if allow_long {
        frontline::Scenario::load(&frontline::scenario::AllowLong(folder.clone()))?
    } else {
        frontline::Scenario::load(&folder)?
    };
    let manifest: Manifest = toml::from_str(&folder.read("scenario.toml")?)
        .with_context(|| format!("reading {}", folder.display("scenario.toml")))?;
    let Some(sources_path) = manifest.sources.clone() else {
        bail!("{} has no sources table: add `sources = \"sources.csv\"` to it", folder.display("scenario.toml"));
    };
    let actors_name = actors_file.display().to_string();
    let actors = Actors::from_toml(&read_input(actors_file, max_bytes)?, &actors_name)?;
    let (events, read) = read_export(&read_input(export, max_bytes)?, &export.display().to_string(), &actors)?;
    for e in &events {
        if s.faction_by_key(&e.faction).is_none() {
            bail!("{actors_name}: faction {} is not a faction of the scenario", frontline::error::echo(&e.faction));
        }
    }
    let mut new_places: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut rows: Vec<BTreeMap<String, String>> = Vec::new();
    let mut outlets: BTreeMap<String, String> = BTreeMap::new();
    let mut outside = 0;
    for e in &events {
        if e.date < s.first_day || e.date > s.last_day {
            outside += 1;
            continue;
        }
        let (place, how) = match match_place(&s.gazetteer, e) {
            PlaceMatch::ByName(k) => (k, "matched by name"),
            PlaceMatch::Nearby(k) => (k, "the nearest place within the precision's radius"),
            PlaceMatch::New(k) => {
                let row = [
                    ("id", k.clone()),
                    ("name", e.location.clone()),
                    ("lat", format!("{:.5}", e.position.y)),
                    ("lon", format!("{:.5}", e.position.x)),
                    ("admin1", e.admin1.clone()),
                    ("kind", "village".to_string()),
                    ("source", format!("ACLED {} (position from ACLED, geo precision {})", e.id, e.precision.1)),
                ];
                new_places
                    .entry(k.clone())
                    .or_insert_with(|| row.into_iter().map(|(a, b)| (a.to_string(), b)).collect());
                (k, "added to the gazetteer from ACLED's coordinates")
            }
        };
        for outlet in if e.sources.is_empty() { vec!["ACLED".to_string()] } else { e.sources.clone() } {
            let id = source_id(&outlet);
            outlets.entry(id.clone()).or_insert(outlet);
            let note = format!(
                "ACLED event {}: {}; time precision {}, geo precision {}; place {how}.",
                e.id, e.sub_event_type, e.precision.0, e.precision.1
            );
            rows.push(
                [
                    ("id", e.id.clone()),
                    ("date", e.date.to_string()),
                    ("place", place.clone()),
                    ("faction", e.faction.clone()),
                    ("action", "captured".to_string()),
                    ("confidence", confidence(e).to_string()),
                    ("source", id),
                    ("quote", String::new()),
                    ("note", note),
                ]
                .into_iter()
                .map(|(a, b)| (a.to_string(), b))
                .collect(),
            );
        }
    }
    let ids: HashSet<String> = events.iter().map(|e| e.id.clone()).collect();
    let read_or_empty = |rel: &str| -> anyhow::Result<String> {
        Ok(if dir.join(rel).exists() { folder.read(rel)? } else { String::new() })
    };
    // Sources: one dataset row per outlet, once.
    let known: HashSet<String> = s.sources.iter().map(|x| x.id.clone()).collect();
    let source_rows: Vec<BTreeMap<String, String>> = outlets
        .iter()
        .filter(|(id, _)| !known.contains(*id))
        .map(|(id, outlet)| {
            [
                ("id", id.clone()),
                ("outlet", outlet.clone()),
                ("title", "Coded by ACLED".to_string()),
                ("kind", "dataset".to_string()),
            ]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b))
            .collect()
        })
        .collect();
    let events_csv = merge_rows(
        &read_or_empty(&manifest.events)?,
        &folder.display(&manifest.events),
        &["date", "place", "faction", "action", "confidence", "source", "quote", "note", "id"],
        "id",
        &ids,
        &rows,
    )?;
    let sources_csv = merge_rows(
        &read_or_empty(&sources_path)?,
        &folder.display(&sources_path),
        &["id", "file", "outlet", "title", "published", "url", "kind"],
        "id",
        &HashSet::new(),
        &source_rows,
    )?;
    let places: Vec<BTreeMap<String, String>> = new_places.into_values().collect();
    let gazetteer_csv = merge_rows(
        &read_or_empty(&manifest.gazetteer)?,
        &folder.display(&manifest.gazetteer),
        &frontline::import::GAZETTEER_COLUMNS,
        "id",
        &HashSet::new(),
        &places,
    )?;
    write_atomic(&dir.join(&manifest.gazetteer), gazetteer_csv.as_bytes())?;
    write_atomic(&dir.join(&sources_path), sources_csv.as_bytes())?;
    write_atomic(&dir.join(&manifest.events), events_csv.as_bytes())?;
    eprintln!(
        "imported {} territory events as {} rows ({} new places, {} new sources); skipped {} other event types, {} outside the scenario's days, {} with actors not in {actors_name}{}",
        read.kept - outside,
        rows.len(),
        places.len(),
        source_rows.len(),
        read.other_types,
        outside,
        read.unmapped.values().sum::<usize>(),
        if read.unmapped.is_empty() {
            String::new()
        } else {
            format!(" ({})", read.unmapped.keys().cloned().collect::<Vec<_>>().join("; "))
        }
    );
    Ok(ExitCode::SUCCESS)
}
