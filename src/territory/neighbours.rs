//! Delaunay neighbours of places: which places are next to which (used by the
//! assessed-control rules' neighbourhood graph).

use std::collections::HashMap;

use geo::Coord;
use spade::{DelaunayTriangulation, Point2, Triangulation};

use super::geometry::FxBuild;

/// Sites with a coordinate beyond this (metres) are ignored.
const MAX_SITE_COORD: f64 = 1e15;

/// For each site, its Delaunay neighbours, or `None` when the site is not usable
/// (non-finite, or a duplicate of an earlier site).
pub(crate) fn delaunay_neighbours(sites: &[Coord<f64>]) -> Vec<Option<Vec<usize>>> {
    let n = sites.len();
    let mut result: Vec<Option<Vec<usize>>> = vec![None; n];
    // Distinct finite sites, first occurrence wins.
    let mut seen: HashMap<(u64, u64), usize, FxBuild> = HashMap::default();
    let mut unique: Vec<usize> = Vec::new();
    for (i, s) in sites.iter().enumerate() {
        // Far beyond any map, and products of such coordinates would overflow.
        if !(s.x.abs() <= MAX_SITE_COORD && s.y.abs() <= MAX_SITE_COORD) {
            continue;
        }
        // +0.0 turns -0.0 into 0.0 so that both count as the same place.
        let key = ((s.x + 0.0).to_bits(), (s.y + 0.0).to_bits());
        if seen.insert(key, i).is_none() {
            unique.push(i);
        }
    }
    for &i in &unique {
        result[i] = Some(Vec::new());
    }
    if unique.len() <= 8 {
        // With so few sites all pairs are cheap, and this sidesteps every
        // degenerate case of a triangulation (one or two sites, all collinear).
        for &i in &unique {
            result[i] = Some(unique.iter().copied().filter(|&j| j != i).collect());
        }
        return result;
    }
    let mut dt: DelaunayTriangulation<Point2<f64>> = DelaunayTriangulation::new();
    let mut site_of_vertex: Vec<usize> = Vec::with_capacity(unique.len());
    for &i in &unique {
        // spade refuses subnormal-small magnitudes; they are zero for us.
        let tame = |v: f64| if v.abs() < 1e-100 { 0.0 } else { v };
        let p = Point2::new(tame(sites[i].x), tame(sites[i].y));
        match dt.insert(p) {
            Ok(h) if h.index() == site_of_vertex.len() => site_of_vertex.push(i),
            // Merged with an earlier vertex, or refused: no cell of its own.
            _ => result[i] = None,
        }
    }
    for edge in dt.undirected_edges() {
        let [a, b] = edge.vertices();
        let (i, j) = (site_of_vertex[a.fix().index()], site_of_vertex[b.fix().index()]);
        if let Some(list) = result[i].as_mut() {
            list.push(j);
        }
        if let Some(list) = result[j].as_mut() {
            list.push(i);
        }
    }
    result
}
