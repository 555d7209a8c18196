//! From allocated pixels to cells: each place's held land (settled land, see
//! [`super::allocation`]), its thin land (land no place settles), and zones (fixed shapes held by whoever holds their place).

use super::allocation::Allocation;
use super::topology::NONE;
use crate::gazetteer::PlaceKind;

/// What a cell of land is to its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CellKind {
    /// Settled land (within the place's reach, or between places near each other): held by
    /// whoever holds the place.
    Held,
    /// Land no place settles, but nearest to this one: thinly held, an assessment
    /// (publishers give such land, the desert above all, to whoever surrounds it).
    Thin,
    /// A zone with a shape of its own (a base's perimeter, a deconfliction zone), held by
    /// whoever holds the place that stands for it.
    Zone,
}

impl CellKind {
    /// The word used in exports (`land`).
    pub fn as_str(self) -> &'static str {
        match self {
            CellKind::Held => "held",
            CellKind::Thin => "thin",
            CellKind::Zone => "zone",
        }
    }
}

/// The class of land a reader sees: held within a place's reach (or a zone), or thinly held
/// in land no place settles (assessed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LandClass {
    /// Settled land, or a zone.
    Held,
    /// In land no place settles: given to the nearest place's holder, as an assessment.
    Thin,
}

impl LandClass {
    /// The class of a cell kind.
    pub fn of(kind: CellKind) -> LandClass {
        match kind {
            CellKind::Thin => LandClass::Thin,
            CellKind::Held | CellKind::Zone => LandClass::Held,
        }
    }

    /// The word used in exports and the page (`land`).
    pub fn as_str(self) -> &'static str {
        match self {
            LandClass::Held => "held",
            LandClass::Thin => "thin",
        }
    }
}

/// One cell of the land: a piece that always changes hands whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LandCell {
    /// The place (gazetteer index) whose holder holds it.
    pub place: usize,
    /// What it is to that place.
    pub kind: CellKind,
}

/// How far a place holds the land around it, km.
///
/// With a population: `reach_km` for a city of a million people, shrinking with the cube
/// root of the population (a town of 10,000 holds about a fifth of that), never below a
/// tenth of it. The cube root keeps a city's reach from swallowing the villages near it.
/// Without one, by kind: a city half of `reach_km`, a town a quarter, a village a sixth, and
/// a point that is not a settlement (a base, a crossing, a mountain top) a tenth, so a lone
/// summit does not hold a district.
pub fn reach_of(population: Option<u64>, kind: PlaceKind, reach_km: f64) -> f64 {
    let floor = reach_km / 10.0;
    match population {
        Some(p) if p > 0 => (reach_km * (p as f64 / 1e6).cbrt()).clamp(floor, reach_km),
        _ => match kind {
            PlaceKind::City => reach_km / 2.0,
            PlaceKind::Town => reach_km / 4.0,
            PlaceKind::Village => reach_km / 6.0,
            _ => floor,
        },
    }
}

/// Labels each pixel with its cell and lists the cells: per place a held cell and a thin
/// cell (in place order), then one cell per zone. Pixels of no cell are `NONE`. Cells with
/// no pixel are kept (empty), so indexes stay stable.
pub(super) fn label_pixels(allocation: &Allocation, places: usize, zone_places: &[usize]) -> (Vec<LandCell>, Vec<u32>) {
    let mut cells: Vec<LandCell> = Vec::with_capacity(2 * places + zone_places.len());
    for place in 0..places {
        cells.push(LandCell { place, kind: CellKind::Held });
        cells.push(LandCell { place, kind: CellKind::Thin });
    }
    // A zone whose place is not in the gazetteer holds nothing.
    let zone_cell: Vec<u32> = zone_places
        .iter()
        .map(|&place| {
            if place < places {
                cells.push(LandCell { place, kind: CellKind::Zone });
                (cells.len() - 1) as u32
            } else {
                NONE
            }
        })
        .collect();
    let labels = (0..allocation.grid.len())
        .map(|k| {
            if !allocation.land[k] {
                return NONE;
            }
            let f = allocation.fixed[k];
            if f != NONE {
                return zone_cell.get(f as usize).copied().unwrap_or(NONE);
            }
            let s = allocation.source[k];
            if s == NONE || s as usize >= places {
                return NONE;
            }
            // Thin: in land no place settles, not just beyond the reach of the nearest one.
            let thin = allocation.settled[k] < 0.0;
            2 * s + thin as u32
        })
        .collect();
    (cells, labels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::territory::allocation::Source;
    use geo::{Coord, LineString, MultiPolygon, Polygon};

    #[test]
    fn a_lone_point_holds_no_more_than_its_reach() {
        // One mountain top (6 km reach) in a 200 km square of empty land: it holds a disc
        // of about π·6² ≈ 113 km²; the rest is only nearest to it (thin).
        let land = MultiPolygon::new(vec![Polygon::new(
            LineString::from(vec![(0.0, 0.0), (200_000.0, 0.0), (200_000.0, 200_000.0), (0.0, 200_000.0), (0.0, 0.0)]),
            vec![],
        )]);
        let reach = reach_of(None, PlaceKind::Mountain, 60.0) * 1000.0;
        let a = Allocation::compute(
            &land,
            &[Source { position: Coord { x: 100_000.0, y: 100_000.0 }, reach }],
            &[],
            &[],
            &[],
            400,
        );
        let (cells, labels) = label_pixels(&a, 1, &[]);
        assert_eq!(cells.len(), 2);
        let km2 = |label: u32| labels.iter().filter(|l| **l == label).count() as f64 * a.grid.pixel_area() / 1e6;
        let disc = std::f64::consts::PI * 36.0;
        assert!(km2(0) > 0.9 * disc && km2(0) < 1.15 * disc, "held {} km², disc {disc}", km2(0));
        assert!(km2(1) > 39_000.0, "thin {} km²", km2(1));
    }

    #[test]
    fn reach_grows_with_size_and_has_a_floor() {
        let v = PlaceKind::Village;
        assert_eq!(reach_of(None, PlaceKind::Base, 60.0), 6.0);
        assert_eq!(reach_of(None, v, 60.0), 10.0);
        assert_eq!(reach_of(Some(0), PlaceKind::Town, 60.0), 15.0);
        assert_eq!(reach_of(Some(50), v, 60.0), 6.0);
        assert!((reach_of(Some(1_000_000), v, 60.0) - 60.0).abs() < 1e-9);
        assert_eq!(reach_of(Some(5_000_000), v, 60.0), 60.0);
        let town = reach_of(Some(10_000), v, 60.0);
        assert!(town > 12.0 && town < 13.5, "{town}");
    }
}
