//! Areas of control and frontlines of a scenario: each place's Voronoi cell among all
//! places, clipped to the focus country, merged per faction.

mod tessellation;

pub(crate) use tessellation::delaunay_neighbours;
pub use tessellation::{Frontline, Tessellation, Zone};

use geo::{Coord, MultiLineString, MultiPolygon, Rect};

use crate::control::PlaceState;
use crate::event::FactionId;
use crate::gazetteer::PlaceId;
use crate::projection::Projection;
use crate::scenario::Scenario;

/// A scenario's places tessellated once over its land; areas and frontlines can then be
/// computed for any state cheaply. Geometry is in the projection's metres.
#[derive(Debug, Clone)]
pub struct Territory {
    projection: Projection,
    tessellation: Tessellation,
}

/// The map of one state: who holds which land, and where they meet. Projected metres.
#[derive(Debug, Clone, Default)]
pub struct StateMap {
    /// One merged area per faction holding any land, in faction order.
    pub areas: Vec<(FactionId, MultiPolygon<f64>)>,
    /// Where areas of two factions meet.
    pub frontlines: Vec<Frontline<FactionId>>,
}

impl Territory {
    /// Projects the scenario (Lambert azimuthal equal-area centred on its map extent) and
    /// tessellates its places over the focus country, carving out its zones.
    pub fn new(scenario: &Scenario) -> Territory {
        let projection = Projection::new(scenario.map.extent.center());
        let sites: Vec<Coord<f64>> =
            scenario.gazetteer.places().iter().map(|p| projection.project(p.position)).collect();
        let outline =
            crate::projection::densify_degrees(&scenario.basemap.focus_land(), crate::projection::DENSIFY_DEGREES);
        let land = projection.project_multi_polygon(&outline);
        let zones: Vec<Zone> = scenario
            .zones
            .iter()
            .map(|z| Zone { site: z.place.index(), polygon: projection.project_geometry(&z.shape) })
            .collect();
        let reach = scenario.map.reach_km.map(|km| km * 1000.0);
        Territory { tessellation: Tessellation::new(&sites, &land, reach, &zones), projection }
    }

    /// The projection the geometry is in.
    pub fn projection(&self) -> &Projection {
        &self.projection
    }

    /// The land the areas cover (projected).
    pub fn land(&self) -> &MultiPolygon<f64> {
        self.tessellation.land()
    }

    /// The cell of one place (projected; empty for a place that shares its position with
    /// an earlier one).
    pub fn cell(&self, place: PlaceId) -> &MultiPolygon<f64> {
        self.tessellation.cell(place.index())
    }

    /// Areas and frontlines when places are in `states` (one per place). A contested
    /// place counts for its holder; an unheld one for nobody.
    pub fn state_map(&self, states: &[PlaceState]) -> StateMap {
        let owner = |i: usize| states.get(i).and_then(|s| s.holder);
        StateMap { areas: self.tessellation.areas(owner), frontlines: self.tessellation.frontlines(owner) }
    }

    /// Areas merged by any key of a place (e.g. faction and basis), sorted by key; places
    /// keyed `None` count for nobody.
    pub fn areas_by<K: Ord + Copy>(&self, key: impl Fn(usize) -> Option<K>) -> Vec<(K, MultiPolygon<f64>)> {
        self.tessellation.areas(key)
    }

    /// The areas whose control is assessed (inferred) rather than reported, per faction.
    pub fn assessed_areas(&self, states: &[PlaceState]) -> Vec<(FactionId, MultiPolygon<f64>)> {
        self.areas_by(|i| states.get(i).filter(|s| s.basis.is_inferred()).and_then(|s| s.holder))
    }

    /// The projected bounding box of a lon/lat rectangle (its edges sampled, since
    /// straight lines of longitude and latitude curve under the projection).
    pub fn project_extent(&self, extent: Rect<f64>) -> Rect<f64> {
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for i in 0..=16 {
            let t = i as f64 / 16.0;
            let lon = extent.min().x + t * extent.width();
            let lat = extent.min().y + t * extent.height();
            for c in [
                Coord { x: lon, y: extent.min().y },
                Coord { x: lon, y: extent.max().y },
                Coord { x: extent.min().x, y: lat },
                Coord { x: extent.max().x, y: lat },
            ] {
                let p = self.projection.project(c);
                xs.push(p.x);
                ys.push(p.y);
            }
        }
        let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Rect::new(Coord { x: min(&xs), y: min(&ys) }, Coord { x: max(&xs), y: max(&ys) })
    }
}

/// All frontline segments of a state map as one MultiLineString.
pub fn all_frontlines(map: &StateMap) -> MultiLineString<f64> {
    MultiLineString(map.frontlines.iter().flat_map(|f| f.line.0.iter().cloned()).collect())
}

#[cfg(test)]
mod properties_tests;
