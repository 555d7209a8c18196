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
    // spade starts each insertion's search at the vertex inserted last: in the gazetteer's
    // order that is anywhere, and the searches cross the whole triangulation (100,000
    // places took 16 s); along a Hilbert curve the last vertex is next door.
    let order = hilbert_order(&unique, sites);
    for &i in &order {
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
    // The lists in place order, whatever order the triangulation kept its edges in.
    for list in result.iter_mut().flatten() {
        list.sort_unstable();
    }
    result
}

/// `sites` (indices into `coords`) ordered along a Hilbert curve over their bounding box.
fn hilbert_order(sites: &[usize], coords: &[Coord<f64>]) -> Vec<usize> {
    let (mut min, mut max) = (Coord { x: f64::MAX, y: f64::MAX }, Coord { x: f64::MIN, y: f64::MIN });
    for &i in sites {
        let c = coords[i];
        min = Coord { x: min.x.min(c.x), y: min.y.min(c.y) };
        max = Coord { x: max.x.max(c.x), y: max.y.max(c.y) };
    }
    const SIDE: u32 = 1 << 16;
    let cell = |v: f64, lo: f64, hi: f64| {
        let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.0 };
        ((t * f64::from(SIDE - 1)).round() as u32).min(SIDE - 1)
    };
    let mut keyed: Vec<(u64, usize)> = sites
        .iter()
        .map(|&i| (hilbert_index(SIDE, cell(coords[i].x, min.x, max.x), cell(coords[i].y, min.y, max.y)), i))
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// The distance along the Hilbert curve filling a `side` x `side` grid (a power of two)
/// of the cell `(x, y)`.
fn hilbert_index(side: u32, mut x: u32, mut y: u32) -> u64 {
    let mut index = 0u64;
    let mut s = side / 2;
    while s > 0 {
        let rx = u32::from(x & s > 0);
        let ry = u32::from(y & s > 0);
        index += u64::from(s) * u64::from(s) * u64::from((3 * rx) ^ ry);
        // Rotate the quadrant so the curve's pieces join.
        if ry == 0 {
            if rx == 1 {
                x = side - 1 - x;
                y = side - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hilbert_curve_visits_every_cell_once_stepping_to_a_neighbour() {
        let side = 16;
        let mut cell_at = vec![None; (side * side) as usize];
        for x in 0..side {
            for y in 0..side {
                let d = hilbert_index(side, x, y) as usize;
                assert!(cell_at[d].is_none(), "two cells at {d}");
                cell_at[d] = Some((x, y));
            }
        }
        let cells: Vec<(u32, u32)> = cell_at.into_iter().map(|c| c.expect("every index used")).collect();
        for pair in cells.windows(2) {
            let ((ax, ay), (bx, by)) = (pair[0], pair[1]);
            assert_eq!(ax.abs_diff(bx) + ay.abs_diff(by), 1, "{:?} to {:?} is not a step", pair[0], pair[1]);
        }
    }

    #[test]
    fn neighbours_do_not_depend_on_the_order_of_the_sites() {
        // A jittered grid: no four sites on one circle, so the triangulation is unique.
        let mut sites = Vec::new();
        for i in 0..400u32 {
            let jitter = f64::from((i * 7919) % 97) / 400.0;
            sites.push(Coord { x: f64::from(i % 20) + jitter, y: f64::from(i / 20) + jitter * 0.7 });
        }
        let forward = delaunay_neighbours(&sites);
        let reversed: Vec<Coord<f64>> = sites.iter().rev().copied().collect();
        let backward = delaunay_neighbours(&reversed);
        let n = sites.len();
        for i in 0..n {
            let mut mapped: Vec<usize> = backward[n - 1 - i].clone().unwrap().into_iter().map(|j| n - 1 - j).collect();
            mapped.sort_unstable();
            assert_eq!(forward[i].as_ref().unwrap(), &mapped, "site {i}");
        }
    }
}
