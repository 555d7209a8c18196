//! Merging cells by owner: the areas of control and the frontlines between them, by
//! walking the shared-edge topology (no boolean operation).

use std::collections::HashMap;

use geo::orient::{Direction, Orient};
use geo::{Coord, LineString, MultiLineString, MultiPolygon, Polygon, unary_union};
use rayon::prelude::*;

use super::geometry::{FxBuild, signed_area};
use super::topology::{
    IdPolygons, MIN_RING_AREA, NONE, Tessellation, assemble_id_polygons, assemble_polygons, chain_segments,
};

/// A line along which areas of two different owners meet.
#[derive(Debug, Clone, PartialEq)]
pub struct Frontline<K> {
    /// The two owners, `sides.0 < sides.1`. Walking along each polyline,
    /// `sides.0` is on the left.
    pub sides: (K, K),
    /// The shared edges chained into as few, as long polylines as possible.
    /// A polyline that closes on itself has equal first and last points.
    pub line: MultiLineString<f64>,
}

impl Tessellation {
    /// The cells merged per owner, sorted by owner.
    ///
    /// `owner(cell)` says who holds each cell; cells mapped to `None`
    /// contribute nothing. Owners whose cells are all empty are left out.
    /// Outer rings are counter-clockwise, holes clockwise; polygons are sorted
    /// by decreasing area.
    ///
    /// This walks the edge topology built once, keeping
    /// the edges whose two sides have different owners, so it does no boolean
    /// operation; [`Tessellation::areas_by_union`] is the slow reference.
    pub fn areas<K: Ord + Copy>(&self, owner: impl Fn(usize) -> Option<K>) -> Vec<(K, MultiPolygon<f64>)> {
        let (keys, per_owner) = self.boundaries_by_owner(owner);
        let vertices = &self.vertices;
        let shapes: Vec<MultiPolygon<f64>> =
            per_owner.into_par_iter().map(|edges| assemble_polygons(vertices, edges)).collect();
        keys.into_iter().zip(shapes).filter(|(_, mp)| !mp.0.is_empty()).collect()
    }

    /// [`Tessellation::areas`] as rings of ids into [`Tessellation::vertices`], for a caller
    /// that maps each vertex once rather than each area's copy of it (the timeline export
    /// unprojects the vertex table once, not every day's areas).
    pub(crate) fn area_ids<K: Ord + Copy>(&self, owner: impl Fn(usize) -> Option<K>) -> Vec<(K, IdPolygons)> {
        let (keys, per_owner) = self.boundaries_by_owner(owner);
        let vertices = &self.vertices;
        let shapes: Vec<IdPolygons> =
            per_owner.into_par_iter().map(|edges| assemble_id_polygons(vertices, edges)).collect();
        keys.into_iter().zip(shapes).filter(|(_, polys)| !polys.is_empty()).collect()
    }

    /// The owners, sorted, and the directed edges bounding each one's land (its land on the
    /// left): edges between two cells of one owner cancel out.
    fn boundaries_by_owner<K: Ord + Copy>(&self, owner: impl Fn(usize) -> Option<K>) -> (Vec<K>, Vec<Vec<(u32, u32)>>) {
        let (keys, index) = owner_index(self.len(), owner);
        let mut per_owner: Vec<Vec<(u32, u32)>> = vec![Vec::new(); keys.len()];
        for e in &self.edges {
            let a = index[e.cell as usize];
            if a == NONE {
                continue;
            }
            let b = if e.twin == NONE { NONE } else { index[e.twin as usize] };
            if a != b {
                per_owner[a as usize].push((e.from, e.to));
            }
        }
        (keys, per_owner)
    }

    /// Reference implementation of [`Tessellation::areas`]: the cells of each
    /// owner merged with geo's `unary_union`. Same contract, much slower; kept
    /// to check the fast path against.
    pub fn areas_by_union<K: Ord + Copy>(&self, owner: impl Fn(usize) -> Option<K>) -> Vec<(K, MultiPolygon<f64>)> {
        let (keys, index) = owner_index(self.len(), owner);
        let mut groups: Vec<Vec<&MultiPolygon<f64>>> = vec![Vec::new(); keys.len()];
        for (c, cell) in self.cells.iter().enumerate() {
            if index[c] != NONE && !cell.0.is_empty() {
                groups[index[c] as usize].push(cell);
            }
        }
        let shapes: Vec<MultiPolygon<f64>> = groups
            .into_par_iter()
            .map(|group| {
                let mut merged = clean_multi_polygon(unary_union(group));
                sort_by_area(&mut merged);
                merged
            })
            .collect();
        keys.into_iter().zip(shapes).filter(|(_, mp)| !mp.0.is_empty()).collect()
    }

    /// Where cells of different owners meet, sorted by `sides`.
    ///
    /// Only edges with a cell on both sides count: the land's edge and edges
    /// against unclaimed land (outside every reach, or cells of `None`-owned
    /// sites) are not frontlines.
    pub fn frontlines<K: Ord + Copy>(&self, owner: impl Fn(usize) -> Option<K>) -> Vec<Frontline<K>> {
        let (keys, index) = owner_index(self.len(), owner);
        let mut pairs: HashMap<(u32, u32), Vec<(u32, u32)>, FxBuild> = HashMap::default();
        for e in &self.edges {
            if e.twin == NONE {
                continue;
            }
            let (a, b) = (index[e.cell as usize], index[e.twin as usize]);
            // Each shared edge is seen from both sides; keep the side of the
            // smaller owner, which puts `sides.0` on the left.
            if a != NONE && b != NONE && a < b {
                pairs.entry((a, b)).or_default().push((e.from, e.to));
            }
        }
        let mut pairs: Vec<_> = pairs.into_iter().collect();
        pairs.sort_unstable_by_key(|(k, _)| *k);
        pairs
            .into_iter()
            .map(|((a, b), segments)| Frontline {
                sides: (keys[a as usize], keys[b as usize]),
                line: chain_segments(&self.vertices, segments),
            })
            .collect()
    }
}

/// Sorted distinct owners, and each site's index into them (`NONE` if unowned).
fn owner_index<K: Ord + Copy>(n: usize, owner: impl Fn(usize) -> Option<K>) -> (Vec<K>, Vec<u32>) {
    let owners: Vec<Option<K>> = (0..n).map(owner).collect();
    let mut keys: Vec<K> = owners.iter().flatten().copied().collect();
    keys.sort_unstable();
    keys.dedup();
    let index = owners
        .iter()
        .map(|o| match o {
            Some(k) => keys.binary_search(k).map_or(NONE, |i| i as u32),
            None => NONE,
        })
        .collect();
    (keys, index)
}

// Cleaning.

/// Drops non-finite or tiny rings and repeated points, and orients the rings
/// (outer counter-clockwise, holes clockwise).
fn clean_multi_polygon(mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
    fn clean_ring(ring: &LineString<f64>) -> Option<LineString<f64>> {
        let mut pts: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
        for &c in &ring.0 {
            if !(c.x.is_finite() && c.y.is_finite()) {
                return None;
            }
            if pts.last() != Some(&c) {
                pts.push(c);
            }
        }
        while pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        if pts.len() < 3 || signed_area(pts.iter().copied()).abs() < MIN_RING_AREA {
            return None;
        }
        pts.push(pts[0]);
        Some(LineString::new(pts))
    }
    let polys =
        mp.0.iter()
            .filter_map(|p| {
                let exterior = clean_ring(p.exterior())?;
                let interiors = p.interiors().iter().filter_map(clean_ring).collect();
                Some(Polygon::new(exterior, interiors).orient(Direction::Default))
            })
            .collect();
    MultiPolygon::new(polys)
}

fn sort_by_area(mp: &mut MultiPolygon<f64>) {
    let area = |p: &Polygon<f64>| signed_area(p.exterior().0.iter().copied()).abs();
    mp.0.sort_by(|a, b| area(b).total_cmp(&area(a)));
}
