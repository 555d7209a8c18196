//! Population from sourced totals: publishers count people, not places.
//!
//! A scenario may carry a table of totals (`population = "population.csv"`), each the
//! number of people a source gives for some land: a region (a governorate, a named area),
//! the land one or more factions held on a day, or both ("the SDF's part of the three
//! north-eastern governorates, 2.1 million, OCHA 2021"). Each total is **spread over the
//! places it covers in proportion to their gazetteer population**; a place the gazetteer
//! gives no population counts as [`default_weight`] people of its kind (a city 50,000, a
//! town 5,000, a village 1,000, other sites none), and if none of its places has a weight the
//! total is shared equally. A place takes its people from the first row that covers it; a
//! place no row covers keeps its gazetteer population, and one without that is unknown (never
//! a silent 0). People displaced into camps, who live in no gazetteer place, are counted this
//! way in the land their source gives them.
//!
//! Columns: `area` (a region `frontline places` resolves, or several joined by `|`; empty:
//! the whole focus), `held_by` (faction ids joined by `|`; empty: whoever holds it), `on`
//! (the day whose holders `held_by` means; default the first day), `population`, and for the
//! reader `as_of`, `source`, `url` and `note`.
//!
//! A scenario may also bring a raster of people per pixel (`population_raster`, see
//! [`crate::population_raster`]). Then every place no total covers takes **the people the
//! raster puts in its land** (its cells of the land allocation, zones included) instead of
//! the gazetteer's figure: a place whose land is empty desert has 0 people, known. Totals
//! still win where they apply, being sourced counts of people the raster may miss (camps).

use chrono::NaiveDate;

use crate::control::ControlModel;
use crate::event::FactionId;
use crate::gazetteer::{PlaceId, PlaceKind};
use crate::region::RegionId;
use crate::scenario::Scenario;
use crate::territory::Territory;
use crate::territory::grid::Grid;

/// One row of the totals table.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationTotal {
    /// Its line in the file (for messages).
    pub line: usize,
    /// The regions it covers (empty: the whole focus).
    pub regions: Vec<RegionId>,
    /// The factions whose land it covers (empty: anyone's).
    pub held_by: Vec<FactionId>,
    /// The day whose holders `held_by` means.
    pub on: NaiveDate,
    /// The number of people.
    pub population: u64,
    /// When the figure holds, as the source dates it.
    pub as_of: String,
    /// Who gives it.
    pub source: String,
    /// Where.
    pub url: String,
}

/// Where a place's people come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PopulationBasis {
    /// A share of a sourced total (the row's index in the table).
    Totals(usize),
    /// The people of its land in the scenario's population raster.
    Raster,
    /// The gazetteer's figure.
    Gazetteer,
    /// Nobody says.
    Unknown,
}

/// Every place's people, by basis.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacePeople {
    /// Per place (gazetteer index): its people, `None` when unknown.
    pub people: Vec<Option<f64>>,
    /// Per place: where that figure comes from.
    pub basis: Vec<PopulationBasis>,
}

/// How many people a place of `kind` without a gazetteer population weighs when a total is
/// spread (see the module docs).
pub fn default_weight(kind: PlaceKind) -> f64 {
    match kind {
        PlaceKind::City => 50_000.0,
        PlaceKind::Town => 5_000.0,
        PlaceKind::Village => 1_000.0,
        _ => 0.0,
    }
}

/// Spreads the scenario's totals over its places and, with a raster and the land, counts
/// the raster's people in each other place's land (see the module docs).
pub fn spread(scenario: &Scenario, model: &ControlModel, territory: Option<&Territory>) -> PlacePeople {
    let places = scenario.gazetteer.places();
    let mut people: Vec<Option<f64>> = places.iter().map(|p| p.population.map(|n| n as f64)).collect();
    let mut basis: Vec<PopulationBasis> = places
        .iter()
        .map(|p| if p.population.is_some() { PopulationBasis::Gazetteer } else { PopulationBasis::Unknown })
        .collect();
    let mut taken = vec![false; places.len()];
    let mut states_cache: Vec<(NaiveDate, Vec<Option<FactionId>>)> = Vec::new();
    for (r, total) in scenario.population.iter().enumerate() {
        let holders = match states_cache.iter().find(|(d, _)| *d == total.on) {
            Some((_, h)) => h.clone(),
            None => {
                let h: Vec<Option<FactionId>> = model.states_on(total.on).iter().map(|s| s.holder).collect();
                states_cache.push((total.on, h.clone()));
                h
            }
        };
        let mut in_region = vec![total.regions.is_empty(); places.len()];
        for &id in &total.regions {
            for &PlaceId(m) in &scenario.regions.get(id).members {
                if let Some(slot) = in_region.get_mut(m as usize) {
                    *slot = true;
                }
            }
        }
        let in_regions = |i: usize| in_region[i];
        let covered: Vec<usize> = (0..places.len())
            .filter(|&i| !taken[i])
            .filter(|&i| in_regions(i))
            .filter(|&i| total.held_by.is_empty() || holders[i].is_some_and(|h| total.held_by.contains(&h)))
            .collect();
        if covered.is_empty() {
            continue;
        }
        let weight = |i: usize| places[i].population.map_or_else(|| default_weight(places[i].kind), |n| n as f64);
        let sum: f64 = covered.iter().map(|&i| weight(i)).sum();
        for &i in &covered {
            let share = if sum > 0.0 { weight(i) / sum } else { 1.0 / covered.len() as f64 };
            people[i] = Some(total.population as f64 * share);
            basis[i] = PopulationBasis::Totals(r);
            taken[i] = true;
        }
    }
    if let Some(in_land) = territory.and_then(|t| raster_people(scenario, t)) {
        for (i, n) in in_land.into_iter().enumerate() {
            if let (false, Some(n)) = (taken[i], n) {
                people[i] = Some(n);
                basis[i] = PopulationBasis::Raster;
            }
        }
    }
    PlacePeople { people, basis }
}

/// The lookup grid's longer side, pixels: finer than the land allocation's raster, so the
/// lookup adds no error of its own worth speaking of.
const LOOKUP_LONG_SIDE: usize = 2000;

/// Per place, the people the scenario's raster puts in its land; `None` for a place that
/// has no land, and for all of them without a raster.
fn raster_people(scenario: &Scenario, territory: &Territory) -> Option<Vec<Option<f64>>> {
    let raster = scenario.population_raster.as_ref()?;
    let bbox = geo::BoundingRect::bounding_rect(territory.land())?;
    let grid = Grid::over(bbox, LOOKUP_LONG_SIDE)?;
    // Which cell covers each lookup pixel (u32::MAX: none, outside the land).
    let mut cell_at = vec![u32::MAX; grid.len()];
    for c in 0..territory.cells().len() {
        grid.fill(territory.cell_shape(c), |i| cell_at[i] = c as u32);
    }
    let mut people: Vec<Option<f64>> = vec![None; scenario.gazetteer.places().len()];
    for cell in territory.cells() {
        people[cell.place] = Some(0.0);
    }
    for (lonlat, n) in raster.blocks() {
        let Some((i, j)) = grid.pixel_of(territory.projection().project(lonlat)) else { continue };
        let c = cell_at[grid.index(i, j)];
        if let Some(cell) = territory.cells().get(c as usize) {
            *people[cell.place].get_or_insert(0.0) += n;
        }
    }
    Some(people)
}
