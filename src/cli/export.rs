//! `frontline export`: GeoJSON and CSV for GIS tools and spreadsheets.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;

use frontline::export::{self, Exporter};
use frontline::scenario::{Mode, ScenarioFiles};
use frontline::territory::Territory;
use frontline::{ControlModel, Scenario};

use super::files::AtomicFile;

/// What to export.
pub enum ExportKind {
    /// One day's GeoJSON.
    Snapshot(NaiveDate),
    /// The time-enabled GeoJSON history.
    Timeline,
    /// The daily control table.
    ControlCsv,
    /// The validated events.
    EventsCsv,
}

/// `frontline export`.
pub fn export(
    files: &dyn ScenarioFiles,
    mode: Mode,
    kind: ExportKind,
    out: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let scenario = Scenario::load(files)?;
    if let ExportKind::Snapshot(day) = kind {
        super::in_range(&scenario, day, "--date")?;
    }
    let model = scenario.model_with(mode);
    let needs_territory = matches!(kind, ExportKind::Snapshot(_) | ExportKind::Timeline);
    let territory = if needs_territory { Some(Territory::new(&scenario)) } else { None };
    match out {
        Some(path) => {
            let file = BufWriter::new(AtomicFile::create(&path)?);
            let (written, what) = write(&scenario, &model, territory.as_ref(), &kind, file)?;
            let file =
                written.into_inner().map_err(|e| anyhow::anyhow!("writing {}: {}", path.display(), e.error()))?;
            file.commit()?;
            eprintln!("wrote {what} to {}", path.display());
        }
        None => {
            super::output::check_stdout()?;
            let stdout = BufWriter::new(std::io::stdout().lock());
            write(&scenario, &model, territory.as_ref(), &kind, stdout)?.0.flush().context("writing to stdout")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn write<W: Write>(
    scenario: &Scenario,
    model: &ControlModel,
    territory: Option<&Territory>,
    kind: &ExportKind,
    w: W,
) -> anyhow::Result<(W, String)> {
    let geojson = || -> anyhow::Result<Exporter<'_>> {
        Ok(Exporter { scenario, model, territory: territory.context("the territory is built for GeoJSON exports")? })
    };
    let features = |(w, n): (W, usize)| (w, format!("{n} features"));
    Ok(match kind {
        ExportKind::Snapshot(day) => features(geojson()?.snapshot(*day, w)?),
        ExportKind::Timeline => features(geojson()?.timeline(w)?),
        ExportKind::ControlCsv => {
            let rows = scenario.days().count() * scenario.gazetteer.len();
            (export::control_csv(scenario, model, w)?, format!("{rows} rows (places × days)"))
        }
        ExportKind::EventsCsv => (export::events_csv(scenario, w)?, format!("{} events", scenario.events.len())),
    })
}
