//! `scenario.toml`: what a scenario is called, when it runs, who fights, and where its
//! files are.

use serde::Deserialize;

/// The manifest as written in `scenario.toml`. Paths are relative to the manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The map title.
    pub title: String,
    /// A second line under the title.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// The first day, `YYYY-MM-DD`: the baseline holds at its start.
    pub first_day: String,
    /// The last day, `YYYY-MM-DD`.
    pub last_day: String,
    /// The sides, in legend order.
    pub factions: Vec<FactionEntry>,
    /// The gazetteer CSV.
    pub gazetteer: String,
    /// The baseline CSV.
    pub baseline: String,
    /// The events CSV.
    pub events: String,
    /// A CSV of the reports events cite (`id,file,outlet,title,published`), optional.
    #[serde(default)]
    pub sources: Option<String>,
    /// The base map GeoJSON.
    pub basemap: String,
    /// A GeoJSON of zones (areas that are not towns), optional.
    #[serde(default)]
    pub zones: Option<String>,
    /// A GeoJSON of named areas event rows may name as regions, optional.
    #[serde(default)]
    pub areas: Option<String>,
    /// A CSV of sourced population totals (see [`crate::population`]), optional.
    #[serde(default)]
    pub population: Option<String>,
    /// CSVs of figures others published (shares of land or people per side and day; see
    /// [`crate::published`]), which `stats --published` sets ours beside. Optional.
    #[serde(default)]
    pub published: Vec<String>,
    /// A GeoTIFF of people per pixel in longitude/latitude (see
    /// [`crate::population_raster`]), optional.
    #[serde(default)]
    pub population_raster: Option<String>,
    /// The assessed-control rules, optional.
    #[serde(default)]
    pub inference: InferenceEntry,
    /// How land is allocated to places, optional.
    #[serde(default)]
    pub land: LandEntry,
    /// A line for the first day's panel, e.g. where the starting lines come from, optional.
    #[serde(default)]
    pub first_day_note: Option<String>,
    /// Lines of credit printed on every frame and in exports.
    #[serde(default)]
    pub credits: Vec<String>,
    /// How the map is framed.
    pub map: MapEntry,
    /// How names match, optional.
    #[serde(default)]
    pub names: NamesEntry,
    /// The panel's words and date format, optional (English by default).
    #[serde(default)]
    pub text: super::TextEntry,
}

/// The `[names]` table: which spelling variants of a name meet.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamesEntry {
    /// Folding rules by name (see `frontline::gazetteer::Folding::RULES`); when absent,
    /// the Arabic article and ending and doubled letters.
    #[serde(default)]
    pub fold: Option<Vec<String>>,
}

/// One faction as written in the manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactionEntry {
    /// The key used in event files.
    pub id: String,
    /// The legend name.
    pub name: String,
    /// `#rrggbb`.
    pub colour: String,
    /// Whether inference may give it places (default true).
    #[serde(default = "yes")]
    pub inherits: bool,
}

fn yes() -> bool {
    true
}

/// The `[map]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapEntry {
    /// The name of the base map feature whose outline bounds the areas (defaults to the
    /// feature marked `"role": "focus"`).
    #[serde(default)]
    pub focus: Option<Focus>,
    /// `[west, south, east, north]` in degrees: what the frame shows.
    pub extent: [f64; 4],
    /// The older name of `[land] reach_km`, still read.
    #[serde(default)]
    pub reach_km: Option<f64>,
    /// Places with at least this population get a label (the capital and every place
    /// that changes hands are labelled anyway), or `"auto"`: a threshold fitted to the
    /// places in view (see [`LabelPopulation::Auto`]).
    #[serde(default)]
    pub label_population: LabelPopulation,
    /// Close-ups drawn in a corner of the map, optional.
    #[serde(default)]
    pub insets: Vec<InsetEntry>,
}

/// One `[[map.insets]]` entry: a close-up of a crowded area in a corner of the map.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InsetEntry {
    /// A title written in the inset, e.g. "Damascus and suburbs", optional.
    #[serde(default)]
    pub title: Option<String>,
    /// `[west, south, east, north]` in degrees: what the inset shows.
    pub extent: [f64; 4],
    /// The corner of the map it sits in.
    pub corner: Corner,
    /// Its width as a fraction of the map's width (default 0.3).
    #[serde(default)]
    pub width: Option<f64>,
    /// Places with at least this population get a label in the inset (default: a tenth
    /// of the map's `label_population`).
    #[serde(default)]
    pub label_population: Option<u64>,
}

/// A corner of the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Corner {
    /// Top left.
    TopLeft,
    /// Top right.
    TopRight,
    /// Bottom left.
    BottomLeft,
    /// Bottom right.
    BottomRight,
}

/// `[map] label_population`: a number of people, or `"auto"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "toml::Value")]
pub enum LabelPopulation {
    /// Places with at least this many people are labelled.
    At(u64),
    /// The threshold that labels the [`LabelPopulation::AUTO_COUNT`] most populous places
    /// in view (every place in view when fewer have a population): a war of villages gets
    /// its villages named, a war of cities its cities.
    Auto,
}

impl LabelPopulation {
    /// How many places `auto` aims to label.
    pub const AUTO_COUNT: usize = 20;

    /// The threshold for places of these populations (those in view).
    pub fn threshold(self, populations: impl Iterator<Item = Option<u64>>) -> u64 {
        match self {
            LabelPopulation::At(n) => n,
            LabelPopulation::Auto => {
                let mut known: Vec<u64> = populations.flatten().filter(|p| *p > 0).collect();
                known.sort_unstable_by(|a, b| b.cmp(a));
                match known.get(Self::AUTO_COUNT - 1) {
                    Some(n) => *n,
                    None => 0,
                }
            }
        }
    }
}

impl Default for LabelPopulation {
    fn default() -> Self {
        LabelPopulation::At(100_000)
    }
}

impl TryFrom<toml::Value> for LabelPopulation {
    type Error = String;
    fn try_from(v: toml::Value) -> Result<Self, Self::Error> {
        match v {
            toml::Value::Integer(n) if n >= 0 => Ok(LabelPopulation::At(n as u64)),
            toml::Value::String(s) if s.trim().eq_ignore_ascii_case("auto") => Ok(LabelPopulation::Auto),
            other => Err(format!("expected a number of people (e.g. 100000) or \"auto\", found {other}")),
        }
    }
}

/// What `init` writes for a day the user has not given yet; `check` says how to set it.
pub const UNSET_DAY: &str = "YYYY-MM-DD";

/// The `[inference]` table: the assessed-control rules (see `frontline::inference`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InferenceEntry {
    /// Whether the rules run (default true).
    pub enabled: bool,
    /// Neighbours farther apart are not neighbours; succession reaches no farther (km).
    pub max_km: f64,
    /// Days a pocket stays enclosed before it changes hands (0 allowed).
    pub enclave_days: u32,
    /// Share of a place's neighbours one faction must have taken for the front to have
    /// passed it (0: the rule is off).
    pub passed_share: f64,
}

impl Default for InferenceEntry {
    fn default() -> InferenceEntry {
        let d = crate::inference::Settings::default();
        InferenceEntry {
            enabled: d.enabled,
            max_km: d.max_km,
            enclave_days: d.enclave_days,
            passed_share: d.passed_share,
        }
    }
}

/// The `[land]` table: how the land between places is allocated (see `frontline::territory`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LandEntry {
    /// A GeoJSON of lines that are costly to cross (rivers, lakes, a line of contact), optional.
    pub lines: Option<String>,
    /// What crossing a line costs, in km of travel, unless the line says (`cost_km`).
    pub crossing_km: f64,
    /// How far a place of a million people holds the land around it, km (smaller places
    /// hold less). Defaults to `[map] reach_km`, else 60.
    pub reach_km: Option<f64>,
    /// Pixels along the longer side of the land's raster.
    pub grid: usize,
}

impl Default for LandEntry {
    fn default() -> LandEntry {
        let d = super::LandSettings::default();
        LandEntry { lines: None, crossing_km: d.crossing_km, reach_km: None, grid: d.grid }
    }
}

/// `focus`: one name, or several (a country and territory Natural Earth assigns elsewhere).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Focus {
    /// One feature.
    One(String),
    /// Several features, whose land is merged.
    Many(Vec<String>),
}

impl Focus {
    /// The names.
    pub fn names(&self) -> Vec<String> {
        match self {
            Focus::One(n) => vec![n.clone()],
            Focus::Many(ns) => ns.clone(),
        }
    }
}
