//! `frontline stats`: places, area and population per faction and day, and the chart.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use chrono::NaiveDate;

use frontline::Scenario;
use frontline::published;
use frontline::scenario::{Mode, ScenarioFiles};
use frontline::stats::{ChartOf, chart_png_of, chart_svg_of, daily};
use frontline::territory::Territory;

use super::files::write_atomic;
use super::output::{self, Format};
use super::render::Size;

/// What `frontline stats` was asked for.
pub struct StatsJob {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub format: Format,
    pub chart: Option<PathBuf>,
    pub size: Size,
    pub mode: Mode,
    pub chart_of: ChartKind,
    /// Tables of published figures to set ours beside (`--against`).
    pub against: Vec<PathBuf>,
    /// Set ours beside the scenario's own `published` tables too (`--published`).
    pub published: bool,
    /// The largest input file read, in bytes.
    pub max_input_bytes: u64,
}

/// `--chart-of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ChartKind {
    /// The area each side holds, stacked.
    Held,
    /// Each side's gain or loss of area since the first day.
    Change,
}

/// `frontline stats`.
pub fn stats(files: &dyn ScenarioFiles, job: StatsJob) -> anyhow::Result<ExitCode> {
    let s = Scenario::load(files)?;
    let (from, to) = super::day_range(&s, job.from, job.to)?;
    let model = s.model_with(job.mode);
    let territory = Territory::new(&s);
    let rows = daily(&s, &model, &territory, from, to);
    let of = match job.chart_of {
        ChartKind::Held => ChartOf::Held,
        ChartKind::Change => ChartOf::Change,
    };
    if let Some(path) = &job.chart {
        let bytes = match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("png") => chart_png_of(&s, &rows, job.size.width, job.size.height, of)?,
            Some("svg") => chart_svg_of(&s, &rows, job.size.width, job.size.height, of)?.into_bytes(),
            _ => bail!("--chart {}: expected a file name ending in .png or .svg", path.display()),
        };
        write_atomic(path, &bytes)?;
        eprintln!("wrote the chart to {}", path.display());
    }
    if job.against.is_empty() && !job.published {
        output::print(&output::render(&rows, job.format)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if job.published && s.published.is_empty() {
        bail!(
            "--published: the scenario lists no tables of published figures (`published = [\"FILE.csv\"]` in scenario.toml)"
        );
    }
    let mut figures = if job.published { s.published.clone() } else { Vec::new() };
    let keys = s.faction_keys();
    for path in &job.against {
        let text = super::import::read_input(path, job.max_input_bytes)?;
        figures.extend(published::parse(&text, &path.to_string_lossy(), &keys)?);
    }
    // Figures for days before the scenario's first or after its last are mistakes in the
    // table; those outside a narrower --from/--to are only left out, and said so.
    let (in_range, left_out): (Vec<_>, Vec<_>) =
        figures.into_iter().partition(|f| (from..=to).contains(&f.day) || f.day < s.first_day || f.day > s.last_day);
    if !left_out.is_empty() {
        eprintln!("{} published figure(s) for days outside {from} to {to} left out", left_out.len());
    }
    let comparisons = published::compare(&rows, &in_range)?;
    output::print(&output::render(&comparisons, job.format)?)?;
    Ok(ExitCode::SUCCESS)
}
