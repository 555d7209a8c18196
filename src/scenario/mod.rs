//! A scenario: the manifest and everything it names, loaded and validated.

mod files;
mod inside;
mod load;
mod manifest;
mod placement;
mod text;
mod validity;

pub use files::{AllowLong, Embedded, Folder, Memory, SYRIA_2024, ScenarioFiles};
pub use load::is_inside_path;
pub use manifest::{
    Corner, FactionEntry, Focus, InferenceEntry, InsetEntry, LabelPopulation, Manifest, MapEntry, NamesEntry, UNSET_DAY,
};
pub use placement::FOCUS_MARGIN_KM;
pub use text::{Text, TextEntry, TextProblem};

use chrono::NaiveDate;
use geo::{Polygon, Rect};

use crate::basemap::Basemap;
use crate::control::{ControlModel, Inference};
use crate::error::{Error, Result};
use crate::event::{Event, Faction, FactionId};
use crate::gazetteer::{Gazetteer, PlaceId};
use crate::inference::{NeighbourGraph, Settings};
use crate::problem::Problem;
use crate::region::Regions;

/// What kind of thing a source is, which decides what its rows must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A stored report (`file`): rows quote it verbatim.
    Report,
    /// A public page (`url`): rows copy nothing, the note states the fact.
    Page,
    /// A dataset (ACLED, a spreadsheet): rows may leave `quote` empty, with a `note`.
    Dataset,
}

/// A report, public page or dataset that events cite.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Source {
    /// Report, page or dataset (the `kind` column, else from `file` and `url`).
    pub kind: SourceKind,
    /// A short id, e.g. `000`.
    pub id: String,
    /// The report's file name, as event rows cite it; empty for a public page.
    pub file: String,
    /// The public page's address (http or https); empty for a stored report. Rows citing
    /// a page copy no sentence from it: their quote is empty and their note states the
    /// fact in the editor's words.
    pub url: String,
    /// Who published it.
    pub outlet: String,
    /// Its title.
    pub title: String,
    /// When it was published.
    pub published: String,
}

/// An area that is not a town (a buffer or deconfliction zone), held by whoever holds its
/// place.
#[derive(Debug, Clone)]
pub struct Zone {
    /// The gazetteer place that stands for the zone.
    pub place: PlaceId,
    /// Its shape, lon/lat degrees.
    pub shape: Polygon<f64>,
    /// Where the shape comes from, and how approximate it is.
    pub note: String,
}

/// How a scenario's map is framed.
#[derive(Debug, Clone)]
pub struct MapSettings {
    /// What the frame shows, lon/lat degrees.
    pub extent: Rect<f64>,
    /// Label places with at least this many people.
    pub label_population: u64,
    /// Close-ups drawn in corners of the map.
    pub insets: Vec<Inset>,
}

/// How the land between places is allocated (the `[land]` table; see
/// [`crate::territory`]).
#[derive(Debug, Clone, PartialEq)]
pub struct LandSettings {
    /// Lines that are costly to cross.
    pub lines: Vec<LandLine>,
    /// What crossing a line costs by default, km of travel.
    pub crossing_km: f64,
    /// How far a place of a million people holds the land around it, km.
    pub reach_km: f64,
    /// Pixels along the longer side of the land's raster.
    pub grid: usize,
}

impl LandSettings {
    /// The default reach of a city of a million people, km.
    pub const DEFAULT_REACH_KM: f64 = 60.0;
}

impl Default for LandSettings {
    fn default() -> LandSettings {
        LandSettings { lines: Vec::new(), crossing_km: 60.0, reach_km: LandSettings::DEFAULT_REACH_KM, grid: 900 }
    }
}

/// A line that is costly to cross: a river, a lake, a ridge, a line of contact.
#[derive(Debug, Clone, PartialEq)]
pub struct LandLine {
    /// Its name (for messages and the README).
    pub name: String,
    /// The line, lon/lat degrees.
    pub line: geo::LineString<f64>,
    /// What crossing it costs, km of travel.
    pub cost_km: f64,
}

/// A close-up of a crowded area, drawn at a larger scale in a corner of the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Inset {
    /// Written in the inset's top-left corner.
    pub title: Option<String>,
    /// What it shows, lon/lat degrees.
    pub extent: Rect<f64>,
    /// The corner of the map it sits in.
    pub corner: Corner,
    /// Its width as a fraction of the map's width.
    pub width: f64,
    /// Places with at least this population get a label in it.
    pub label_population: u64,
}

/// Everything needed to model, map and export one conflict.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The title of the maps.
    pub title: String,
    /// A second line under the title.
    pub subtitle: Option<String>,
    /// The first day shown; the baseline holds at its start.
    pub first_day: NaiveDate,
    /// The last day shown.
    pub last_day: NaiveDate,
    /// The sides, in legend order; `FactionId(i)` is `factions[i]`.
    pub factions: Vec<Faction>,
    /// The places.
    pub gazetteer: Gazetteer,
    /// Who held each place at the start (indexed by place), `None` for nobody.
    pub baseline: Vec<Option<FactionId>>,
    /// The claims, sorted by date, place, then [`Event::precedence_key`].
    pub events: Vec<Event>,
    /// The reports events cite (empty when the scenario has no sources table).
    pub sources: Vec<Source>,
    /// Zones that are not towns.
    pub zones: Vec<Zone>,
    /// Sourced population totals, spread over places (see [`crate::population`]).
    pub population: Vec<crate::population::PopulationTotal>,
    /// Figures others published, from the manifest's `published` tables (see
    /// [`crate::published`]).
    pub published: Vec<crate::published::PublishedFigure>,
    /// A population raster the user brings (see [`crate::population_raster`]).
    pub population_raster: Option<crate::population_raster::PopulationRaster>,
    /// The regions rows may name: admin1 regions and named areas.
    pub regions: Regions,
    /// The assessed-control rules.
    pub inference: Settings,
    /// The base map.
    pub basemap: Basemap,
    /// The frame.
    pub map: MapSettings,
    /// How the land between places is allocated.
    pub land: LandSettings,
    /// Credits printed on every frame.
    pub credits: Vec<String>,
    /// A line for the first day's panel (say, where the starting lines come from).
    pub first_day_note: Option<String>,
    /// The panel's words and the date format.
    pub text: Text,
}

/// The longest scenario loaded without `--allow-long`, in days: 20 years (7305 days). A
/// longer range is nearly always a mistyped year (`last_day = "2204-12-10"`), and the
/// per-day commands would then run for minutes (`stats` took 14 s and 645 MB).
pub const MAX_DAYS: i64 = 7305;

/// Reads a day written `YYYY-MM-DD`, saying what is wrong: not that form, or a day the
/// calendar does not have ("2024-02-30").
pub fn parse_day(text: &str) -> std::result::Result<NaiveDate, String> {
    let t = text.trim();
    let shaped = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) if shaped => Ok(d),
        _ if shaped => Err(format!("{t:?} is not a day of the calendar (check the month's length)")),
        _ => Err(format!("expected a date as YYYY-MM-DD, found {}", crate::error::echo(t))),
    }
}

/// Whether the control model adds assessed control to the evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Evidence, then the inference rules (unless the scenario switches them off).
    #[default]
    Assessed,
    /// Only what the rows say (`--evidence-only`).
    EvidenceOnly,
}

/// The outcome of reading a scenario leniently: what could be loaded, and every problem.
#[derive(Debug)]
pub struct LoadReport {
    /// The scenario, when the manifest and the files it names could be read at all. It
    /// leaves out rows that had errors.
    pub scenario: Option<Scenario>,
    /// Every problem found, errors and warnings, in file order.
    pub problems: Vec<Problem>,
}

impl Scenario {
    /// Loads a scenario and refuses it when it has any error (warnings are allowed).
    pub fn load(files: &dyn ScenarioFiles) -> Result<Scenario> {
        let report = Scenario::load_report(files);
        let errors: Vec<Problem> = report.problems.into_iter().filter(Problem::is_error).collect();
        match report.scenario {
            Some(s) if errors.is_empty() => Ok(s),
            _ => Err(Error::Invalid(errors)),
        }
    }

    /// Loads a scenario from a folder holding `scenario.toml`.
    pub fn from_dir(dir: impl Into<std::path::PathBuf>) -> Result<Scenario> {
        Scenario::load(&Folder::new(dir))
    }

    /// The shipped Syria 2024 scenario, from the copy built into the binary.
    pub fn syria_2024() -> Result<Scenario> {
        Scenario::load(&SYRIA_2024)
    }

    /// Loads what can be loaded and lists every problem, for `frontline check`.
    pub fn load_report(files: &dyn ScenarioFiles) -> LoadReport {
        load::load_report(files)
    }

    /// The factions' keys, in faction order.
    pub fn faction_keys(&self) -> Vec<&str> {
        self.factions.iter().map(|f| f.key.as_str()).collect()
    }

    /// The faction with key `key`.
    pub fn faction_by_key(&self, key: &str) -> Option<&Faction> {
        self.factions.iter().find(|f| f.key.eq_ignore_ascii_case(key.trim()))
    }

    /// The faction with index `id`.
    pub fn faction(&self, id: FactionId) -> &Faction {
        &self.factions[id.0 as usize]
    }

    /// Every day of the scenario, first to last.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.first_day.iter_days().take_while(move |d| *d <= self.last_day)
    }

    /// The 1-based number of `date` within the scenario.
    pub fn day_number(&self, date: NaiveDate) -> i64 {
        (date - self.first_day).num_days() + 1
    }

    /// The source row for a cited file name or id, when the scenario has a sources table.
    pub fn source(&self, file: &str) -> Option<&Source> {
        self.sources.iter().find(|s| (!s.file.is_empty() && s.file == file) || s.id == file)
    }

    /// The places' neighbourhood graph, with the scenario's `max_km`.
    pub fn neighbour_graph(&self) -> NeighbourGraph {
        let positions: Vec<geo::Coord<f64>> = self.gazetteer.places().iter().map(|p| p.position).collect();
        NeighbourGraph::new(&positions, self.inference.max_km)
    }

    /// The control model as the scenario asks for it: evidence, then inference unless
    /// `[inference] enabled = false`.
    pub fn model(&self) -> ControlModel {
        self.model_with(Mode::Assessed)
    }

    /// The control model in `mode`.
    pub fn model_with(&self, mode: Mode) -> ControlModel {
        let graph = (mode == Mode::Assessed && self.inference.enabled).then(|| self.neighbour_graph());
        self.model_through(graph.as_ref())
    }

    /// The control model as [`Scenario::model`] builds it, on `graph` (this scenario's
    /// [`Scenario::neighbour_graph`]), for a caller that needs the graph too: building it
    /// for 100,000 places takes a noticeable part of a second.
    pub fn model_on(&self, graph: &NeighbourGraph) -> ControlModel {
        self.model_through(self.inference.enabled.then_some(graph))
    }

    /// The control model, with inference through `graph` when there is one.
    fn model_through(&self, graph: Option<&NeighbourGraph>) -> ControlModel {
        let excluded: Vec<FactionId> = self.factions.iter().filter(|f| !f.inherits).map(|f| f.id).collect();
        let inference = graph.map(|graph| Inference {
            settings: self.inference,
            graph,
            last_day: self.last_day,
            no_inheritance: &excluded,
        });
        ControlModel::build(&self.baseline, &self.events, &self.regions, inference)
    }
}
