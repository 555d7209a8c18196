//! Areas of control and frontlines of a scenario.
//!
//! The land is allocated once per scenario ([`allocation`]): each place grows over a raster
//! of the focus country, rivers and other lines are costly to cross, and borders are never
//! crossed. The land of a place that places settle (within its size-dependent reach, or
//! between places near each other) is its **held** cell; the land no place settles that is
//! still nearest to it is its **thin** cell (thinly held: shown and counted as assessed). Zones have fixed shapes. The allocation is
//! traced into cells with shared edges ([`trace`], [`topology`]); each day then only merges
//! cells by holder ([`merging`]).
//!
//! - [`grid`]: the raster, polygon filling and line walking;
//! - [`allocation`]: the cost allocation of pixels to places;
//! - [`trace`]: pixels to smooth cells with shared vertices;
//! - [`topology`]: cells as directed edges that know their twin;
//! - [`merging`]: areas and frontlines per owner;
//! - [`zones`]: fixed land and how cells map to places;
//! - [`neighbours`]: Delaunay neighbours of places (for the inference graph);
//! - [`cache`]: the allocation kept on disk, so it is computed once per scenario.

pub mod allocation;
mod cache;
mod geometry;
pub mod grid;
mod merging;
mod neighbours;
mod out_index;
mod topology;
pub mod trace;
mod zones;

/// The fast hasher the territory's tables use, for other tables keyed by our own numbers.
pub(crate) use geometry::FxBuild;
pub use merging::Frontline;
pub(crate) use neighbours::delaunay_neighbours;
pub(crate) use topology::{IdPolygons, ids_to_multi_polygon};
pub use topology::{MIN_RING_AREA, Tessellation};
pub use zones::{CellKind, LandCell, LandClass, reach_of};

use geo::{Area, Coord, MultiLineString, MultiPolygon, Rect};

use crate::control::PlaceState;
use crate::event::FactionId;
use crate::gazetteer::PlaceId;
use crate::projection::Projection;
use crate::scenario::Scenario;
use allocation::{Allocation, Barrier, Source};
use topology::NONE;

/// A scenario's land allocated once to its places; areas and frontlines can then be
/// computed for any state cheaply. Geometry is in the projection's metres.
#[derive(Debug, Clone)]
pub struct Territory {
    projection: Projection,
    land: MultiPolygon<f64>,
    cells: Vec<LandCell>,
    /// Per place, the cells of its own (held, thin, zones).
    held_cells: Vec<Vec<usize>>,
    tessellation: Tessellation,
    /// The whole focus land's area as allocated (every pixel of it), m².
    land_area: f64,
    /// Land no place reaches (cut off from every place), m².
    unreached_area: f64,
    pixel_m: f64,
    /// The tessellation's vertices in longitude and latitude, worked out on first use.
    lonlat_vertices: std::sync::OnceLock<Vec<Coord<f64>>>,
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
    /// allocates the focus country's land to its places (see the module docs).
    ///
    /// The allocation is kept on disk (see [`cache`]; `FRONTLINE_CACHE=off` turns that off),
    /// so it is computed once per scenario and program, not on every run.
    pub fn new(scenario: &Scenario) -> Territory {
        Territory::with_cache(scenario, cache::folder().as_deref())
    }

    /// [`Territory::new`] with the allocation cached in `folder` (none: always computed).
    pub fn with_cache(scenario: &Scenario, folder: Option<&std::path::Path>) -> Territory {
        let projection = Projection::new(scenario.map.extent.center());
        let places = scenario.gazetteer.places();
        let sources: Vec<Source> = places
            .iter()
            .map(|p| Source {
                position: projection.project(p.position),
                reach: reach_of(p.population, p.kind, scenario.land.reach_km) * 1000.0,
            })
            .collect();
        let outline =
            crate::projection::densify_degrees(&scenario.basemap.focus_land(), crate::projection::DENSIFY_DEGREES);
        let land = projection.project_multi_polygon(&outline);
        let barriers: Vec<Barrier> = scenario
            .land
            .lines
            .iter()
            .map(|l| Barrier { line: projection.project_geometry(&l.line), cost: l.cost_km * 1000.0 })
            .collect();
        let zone_shapes: Vec<MultiPolygon<f64>> =
            scenario.zones.iter().map(|z| MultiPolygon::new(vec![projection.project_geometry(&z.shape)])).collect();
        // Named areas that hold places are partitions: their land goes to their own places, so
        // a row that hands the area over moves its land with it.
        let partitions: Vec<MultiPolygon<f64>> = scenario
            .regions
            .all()
            .iter()
            .filter(|r| !r.members.is_empty())
            .filter_map(|r| r.shape.as_ref())
            .map(|shape| {
                projection.project_multi_polygon(&crate::projection::densify_degrees(
                    shape,
                    crate::projection::DENSIFY_DEGREES,
                ))
            })
            .collect();
        let zone_places: Vec<usize> = scenario.zones.iter().map(|z| z.place.index()).collect();
        let mut key = cache::KeyBuilder::new();
        key.shape(&land);
        for s in &sources {
            key.coords([s.position, Coord { x: s.reach, y: 0.0 }]);
        }
        for b in &barriers {
            key.coords(b.line.0.iter().copied());
            key.f64(b.cost);
        }
        // Counted apart, so a shape moved from the zones to the areas changes the key.
        for shapes in [&zone_shapes, &partitions] {
            key.u64(shapes.len() as u64);
            for shape in shapes {
                key.shape(shape);
            }
        }
        key.u64(zone_places.len() as u64);
        for &z in &zone_places {
            key.u64(z as u64);
        }
        key.u64(scenario.land.grid as u64);
        let key = key.finish();
        let cached =
            folder.and_then(|f| cache::load(f, key)).filter(|a| a.cells.iter().all(|c| c.place < places.len()));
        let allocated = cached.unwrap_or_else(|| {
            let allocation =
                Allocation::compute(&land, &sources, &barriers, &zone_shapes, &partitions, scenario.land.grid);
            let (cells, labels) = zones::label_pixels(&allocation, places.len(), &zone_places);
            let (vertices, rings) =
                trace::trace(&allocation.grid, &labels, cells.len()).into_rings(allocation.grid.step);
            let pixel = allocation.grid.pixel_area();
            let land_pixels = allocation.land.iter().filter(|l| **l).count();
            let unreached = labels.iter().zip(&allocation.land).filter(|(l, on)| **on && **l == NONE).count();
            let allocated = cache::Allocated {
                cells,
                vertices,
                rings,
                land_area: land_pixels as f64 * pixel,
                unreached_area: unreached as f64 * pixel,
                pixel_m: allocation.grid.step,
            };
            if let Some(f) = folder {
                cache::store(f, key, &allocated);
            }
            allocated
        });
        let cache::Allocated { cells, vertices, rings, land_area, unreached_area, pixel_m } = allocated;
        let tessellation = Tessellation::from_id_cells(vertices, rings);
        let mut held_cells = vec![Vec::new(); places.len()];
        for (c, cell) in cells.iter().enumerate() {
            if cell.kind != CellKind::Thin {
                held_cells[cell.place].push(c);
            }
        }
        Territory {
            projection,
            land,
            cells,
            held_cells,
            tessellation,
            land_area,
            unreached_area,
            pixel_m,
            lonlat_vertices: std::sync::OnceLock::new(),
        }
    }

    /// The projection the geometry is in.
    pub fn projection(&self) -> &Projection {
        &self.projection
    }

    /// The land the areas cover (projected).
    pub fn land(&self) -> &MultiPolygon<f64> {
        &self.land
    }

    /// The area of the focus land as allocated, m² (the sum of all cells and of land no
    /// place reaches).
    pub fn land_area(&self) -> f64 {
        self.land_area
    }

    /// Land that no place can reach at all (cut off by the outline or by impassable lines),
    /// m²: it is unknown, never given to anyone.
    pub fn unreached_area(&self) -> f64 {
        self.unreached_area
    }

    /// The side of the allocation's pixels, metres: the accuracy of every boundary.
    pub fn pixel_m(&self) -> f64 {
        self.pixel_m
    }

    /// The cells the land is cut into, each with its place and kind.
    pub fn cells(&self) -> &[LandCell] {
        &self.cells
    }

    /// The shared-boundary topology of the cells (projected), computed once per scenario.
    pub fn tessellation(&self) -> &Tessellation {
        &self.tessellation
    }

    /// The shape of one cell (projected).
    pub fn cell_shape(&self, cell: usize) -> &MultiPolygon<f64> {
        self.tessellation.cell(cell)
    }

    /// The land a place holds itself: its held cell and zones, not the thin land beyond its
    /// reach (projected; empty for a place with no land of its own).
    pub fn cell(&self, place: PlaceId) -> MultiPolygon<f64> {
        let parts = self.held_cells.get(place.index()).map(Vec::as_slice).unwrap_or(&[]);
        MultiPolygon::new(parts.iter().flat_map(|&c| self.tessellation.cell(c).0.iter().cloned()).collect())
    }

    /// Areas and frontlines when places are in `states` (one per place). A contested
    /// place counts for its holder; an unheld one for nobody.
    pub fn state_map(&self, states: &[PlaceState]) -> StateMap {
        let owner = |c: usize| states.get(self.cells[c].place).and_then(|s| s.holder);
        StateMap { areas: self.tessellation.areas(owner), frontlines: self.tessellation.frontlines(owner) }
    }

    /// [`Territory::state_map`]'s frontlines alone, with no areas merged: for raster frames,
    /// which paint the land cell by cell.
    pub fn frontlines(&self, states: &[PlaceState]) -> StateMap {
        let owner = |c: usize| states.get(self.cells[c].place).and_then(|s| s.holder);
        StateMap { areas: Vec::new(), frontlines: self.tessellation.frontlines(owner) }
    }

    /// [`Territory::areas_by`] as rings of ids into [`Territory::vertices`] (and
    /// [`Territory::lonlat_vertices`]): per polygon its outer ring, then its holes, open.
    pub(crate) fn area_ids_by<K: Ord + Copy>(&self, key: impl Fn(&LandCell) -> Option<K>) -> Vec<(K, IdPolygons)> {
        self.tessellation.area_ids(|c| key(&self.cells[c]))
    }

    /// The vertices every cell and area is made of (projected metres).
    pub(crate) fn vertices(&self) -> &[Coord<f64>] {
        self.tessellation.vertices()
    }

    /// [`Territory::vertices`] in longitude and latitude, unprojected once (in parallel)
    /// on first use.
    pub(crate) fn lonlat_vertices(&self) -> &[Coord<f64>] {
        self.lonlat_vertices.get_or_init(|| {
            use rayon::prelude::*;
            self.tessellation.vertices().par_iter().map(|&c| self.projection.unproject(c)).collect()
        })
    }

    /// Areas merged by any key of a cell (its place and kind), sorted by key; cells keyed
    /// `None` count for nobody.
    pub fn areas_by<K: Ord + Copy>(&self, key: impl Fn(&LandCell) -> Option<K>) -> Vec<(K, MultiPolygon<f64>)> {
        self.tessellation.areas(|c| key(&self.cells[c]))
    }

    /// The areas whose control is assessed rather than reported, per faction: the land of
    /// places held by inference, and all thinly held land.
    pub fn assessed_areas(&self, states: &[PlaceState]) -> Vec<(FactionId, MultiPolygon<f64>)> {
        self.areas_by(|cell| {
            let s = states.get(cell.place)?;
            (s.basis.is_inferred() || cell.kind == CellKind::Thin).then_some(s.holder).flatten()
        })
    }

    /// The thinly held land (land no place settles) of places held on evidence, per
    /// faction: [`Territory::assessed_areas`] without [`Territory::inferred_areas`].
    pub fn thin_areas(&self, states: &[PlaceState]) -> Vec<(FactionId, MultiPolygon<f64>)> {
        self.areas_by(|cell| {
            let s = states.get(cell.place)?;
            (cell.kind == CellKind::Thin && !s.basis.is_inferred()).then_some(s.holder).flatten()
        })
    }

    /// The areas a rule (succession, enclaves) gave, per faction: the places held by
    /// inference, thin land included.
    pub fn inferred_areas(&self, states: &[PlaceState]) -> Vec<(FactionId, MultiPolygon<f64>)> {
        self.areas_by(|cell| states.get(cell.place).filter(|s| s.basis.is_inferred()).and_then(|s| s.holder))
    }

    /// Area of each cell, m² (index = cell).
    pub fn cell_areas(&self) -> Vec<f64> {
        (0..self.cells.len()).map(|c| self.tessellation.cell(c).unsigned_area()).collect()
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
