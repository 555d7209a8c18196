//! Property tests: the fast merge against the boolean-union reference, and that owners
//! tile the land without overlapping, on allocations of random places over a few lands.

use super::Tessellation;
use super::allocation::{Allocation, Source};
use super::topology::NONE;
use geo::{Area, BooleanOps, Coord, LineString, MultiPolygon, Polygon, Validation, Winding};
use proptest::prelude::*;

fn ring(points: &[(f64, f64)]) -> LineString<f64> {
    let mut v: Vec<(f64, f64)> = points.to_vec();
    v.push(points[0]);
    LineString::from(v)
}

/// A few lands of different kinds: convex, non-convex with a lake, two islands.
fn land(kind: u8) -> MultiPolygon<f64> {
    match kind % 3 {
        0 => MultiPolygon::new(vec![Polygon::new(
            ring(&[(0.0, 0.0), (100_000.0, 0.0), (100_000.0, 100_000.0), (0.0, 100_000.0)]),
            vec![],
        )]),
        1 => MultiPolygon::new(vec![Polygon::new(
            ring(&[
                (0.0, 0.0),
                (100_000.0, 0.0),
                (100_000.0, 40_000.0),
                (40_000.0, 40_000.0),
                (55_000.0, 100_000.0),
                (0.0, 100_000.0),
            ]),
            vec![ring(&[(10_000.0, 10_000.0), (10_000.0, 25_000.0), (30_000.0, 20_000.0)])],
        )]),
        _ => MultiPolygon::new(vec![
            Polygon::new(ring(&[(0.0, 0.0), (45_000.0, 5_000.0), (40_000.0, 100_000.0), (3_000.0, 90_000.0)]), vec![]),
            Polygon::new(ring(&[(60_000.0, 10_000.0), (100_000.0, 0.0), (95_000.0, 95_000.0)]), vec![]),
        ]),
    }
}

fn site() -> impl Strategy<Value = Coord<f64>> {
    prop_oneof![
        // Anywhere, a little outside the land included.
        (-10_000.0..110_000.0f64, -10_000.0..110_000.0f64).prop_map(|(x, y)| Coord { x, y }),
        // On a coarse grid: collinear and cocircular sites galore.
        (-1i32..12, -1i32..12).prop_map(|(i, j)| Coord { x: i as f64 * 10_000.0, y: j as f64 * 10_000.0 }),
    ]
}

fn sites() -> impl Strategy<Value = Vec<Coord<f64>>> {
    prop::collection::vec(site(), 1..70)
}

/// A fixed zone held by a site.
struct Zone {
    site: usize,
    polygon: Polygon<f64>,
}

/// Allocates `land` to `sites` (each its own cell; zones are cells after them) on a
/// 160-pixel grid, and traces the cells.
fn tessellate(sites: &[Coord<f64>], land: &MultiPolygon<f64>, zones: &[Zone]) -> (Tessellation, f64) {
    let sources: Vec<Source> = sites.iter().map(|&position| Source { position, reach: 10_000.0 }).collect();
    let fixed: Vec<MultiPolygon<f64>> = zones.iter().map(|z| MultiPolygon::new(vec![z.polygon.clone()])).collect();
    let a = Allocation::compute(land, &sources, &[], &fixed, &[], 100);
    let labels: Vec<u32> = (0..a.grid.len())
        .map(|k| {
            if !a.land[k] {
                NONE
            } else if a.fixed[k] != NONE {
                zones[a.fixed[k] as usize].site as u32
            } else {
                a.source[k]
            }
        })
        .collect();
    let land_pixels = a.land.iter().filter(|l| **l).count() as f64 * a.grid.pixel_area();
    (super::trace::trace(&a.grid, &labels, sites.len()).into_tessellation(a.grid.step), land_pixels)
}

fn rel_close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()) + 1.0
}

fn check_shape(mp: &MultiPolygon<f64>) -> Result<(), TestCaseError> {
    prop_assert!(mp.is_valid(), "invalid: {:?}", mp.validation_errors());
    for p in &mp.0 {
        prop_assert!(p.exterior().is_ccw());
        prop_assert!(p.interiors().iter().all(|h| h.is_cw()));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn fast_merge_matches_union(
        sites in sites(),
        kind in 0u8..3,
        owners in prop::collection::vec(prop::option::weighted(0.85, 0u8..4), 70),
    ) {
        let land = land(kind);
        let (t, _) = tessellate(&sites, &land, &[]);
        let owner = |i: usize| owners[i % owners.len()];
        let fast = t.areas(owner);
        let slow = t.areas_by_union(owner);
        prop_assert_eq!(fast.len(), slow.len());
        for ((k, a), (k2, b)) in fast.iter().zip(&slow) {
            prop_assert_eq!(k, k2);
            prop_assert!(rel_close(a.unsigned_area(), b.unsigned_area()), "owner {}: {} vs {}", k, a.unsigned_area(), b.unsigned_area());
            check_shape(a)?;
        }
        for i in 0..t.len() {
            check_shape(t.cell(i))?;
        }
        for f in t.frontlines(owner) {
            prop_assert!(f.sides.0 < f.sides.1);
            prop_assert!(!f.line.0.is_empty());
        }
        // The id form the export maps through its own vertex table is the same areas.
        let ids = t.area_ids(owner);
        prop_assert_eq!(ids.len(), fast.len());
        for ((k, polygons), (k2, shape)) in ids.iter().zip(&fast) {
            prop_assert_eq!(k, k2);
            prop_assert_eq!(&super::ids_to_multi_polygon(t.vertices(), polygons), shape);
        }
    }

    #[test]
    fn owners_tile_the_land_without_overlap(
        sites in sites(),
        kind in 0u8..3,
        owners in prop::collection::vec(0u8..5, 70),
    ) {
        let land = land(kind);
        let (t, _) = tessellate(&sites, &land, &[]);
        let areas = t.areas(|i| Some(owners[i % owners.len()]));
        let sum: f64 = areas.iter().map(|(_, a)| a.unsigned_area()).sum();
        // An island no site is on is reached by nobody: compare with the cells.
        let cells: f64 = (0..t.len()).map(|i| t.cell(i).unsigned_area()).sum();
        prop_assert!(rel_close(sum, cells), "{} vs {}", sum, cells);
        for i in 0..areas.len() {
            for j in i + 1..areas.len() {
                let overlap = areas[i].1.intersection(&areas[j].1).unsigned_area();
                prop_assert!(overlap < 1.0, "owners {} and {} overlap by {} m²", areas[i].0, areas[j].0, overlap);
            }
        }
    }

    #[test]
    fn zones_keep_the_tiling(
        sites in sites(),
        owners in prop::collection::vec(0u8..3, 70),
        zx in 0.0..80_000.0f64,
        zy in 0.0..80_000.0f64,
        zsite in 0usize..70,
    ) {
        let land = land(1);
        let zone = Zone { site: zsite % sites.len(), polygon: Polygon::new(ring(&[(zx, zy), (zx + 30_000.0, zy + 5_000.0), (zx + 10_000.0, zy + 35_000.0)]), vec![]) };
        let (t, _) = tessellate(&sites, &land, std::slice::from_ref(&zone));
        let sum: f64 = (0..t.len()).map(|i| t.cell(i).unsigned_area()).sum();
        // Never more than the land (a site far off it reaches nothing, so less is fine).
        prop_assert!(sum <= land.unsigned_area() * 1.04, "{} vs {}", sum, land.unsigned_area());
        // The zone's site holds all of the zone that is on land, to within a pixel (1 km)
        // along the zone's outline.
        let zone_on_land = zone.polygon.intersection(&land).unsigned_area();
        let held = t.cell(zone.site).intersection(&zone.polygon).unsigned_area();
        let perimeter = geo::Length::length(&geo::Euclidean, zone.polygon.exterior());
        prop_assert!((held - zone_on_land).abs() <= 1_100.0 * perimeter, "{} vs {}", held, zone_on_land);
        let owner = |i: usize| Some(owners[i % owners.len()]);
        for ((_, a), (_, b)) in t.areas(owner).iter().zip(&t.areas_by_union(owner)) {
            prop_assert!(rel_close(a.unsigned_area(), b.unsigned_area()));
            check_shape(a)?;
        }
    }

    #[test]
    fn many_sites_reach_and_zone_together(
        sites in prop::collection::vec(site(), 100..300),
        kind in 0u8..3,
        owners in prop::collection::vec(prop::option::weighted(0.9, 0u8..6), 300),
        zx in 0.0..80_000.0f64,
        zy in 0.0..80_000.0f64,
    ) {
        let land = land(kind);
        let zone = Zone { site: 0, polygon: Polygon::new(ring(&[(zx, zy), (zx + 25_000.0, zy), (zx + 25_000.0, zy + 20_000.0), (zx, zy + 20_000.0)]), vec![]) };
        let (t, _) = tessellate(&sites, &land, std::slice::from_ref(&zone));
        let owner = |i: usize| owners[i];
        let fast = t.areas(owner);
        let slow = t.areas_by_union(owner);
        prop_assert_eq!(fast.len(), slow.len());
        for ((k, a), (_, b)) in fast.iter().zip(&slow) {
            prop_assert!(rel_close(a.unsigned_area(), b.unsigned_area()), "owner {}: {} vs {}", k, a.unsigned_area(), b.unsigned_area());
            check_shape(a)?;
        }
    }
}
