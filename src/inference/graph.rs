//! The place-neighbourhood graph: which places are next to which, and how far apart.
//!
//! Two places are neighbours when their Voronoi cells touch, i.e. when they share an edge
//! of the Delaunay triangulation of all places (the adjacency the territory code builds),
//! and when they are at most `max_km` apart: a long edge across an empty desert or around
//! a bend of the border says nothing about who is next to whom.

use geo::{Coord, Distance, Haversine, Point};

use crate::projection::Projection;
use crate::territory::delaunay_neighbours;

/// Places and their neighbours, in compressed rows: the neighbours of place `i` are
/// `targets[offsets[i]..offsets[i + 1]]`, at distances `km[..]` (same indices).
#[derive(Debug, Clone, Default)]
pub struct NeighbourGraph {
    offsets: Vec<u32>,
    targets: Vec<u32>,
    km: Vec<f32>,
    open: Vec<bool>,
}

impl NeighbourGraph {
    /// The graph of places at `positions` (lon/lat degrees), keeping edges of at most
    /// `max_km`. Places at identical positions are joined to each other at distance 0 and
    /// share the first one's neighbours.
    pub fn new(positions: &[Coord<f64>], max_km: f64) -> NeighbourGraph {
        let n = positions.len();
        let centre = mean(positions);
        let projection = Projection::new(centre);
        let sites: Vec<Coord<f64>> = positions.iter().map(|p| projection.project(*p)).collect();
        let delaunay = delaunay_neighbours(&sites);
        // A place without a vertex of its own shares its position with an earlier one.
        let mut first_at: std::collections::HashMap<(u64, u64), usize> = std::collections::HashMap::new();
        let mut twin: Vec<Option<usize>> = vec![None; n];
        for (i, p) in positions.iter().enumerate() {
            let key = ((p.x + 0.0).to_bits(), (p.y + 0.0).to_bits());
            match first_at.get(&key) {
                Some(&j) => twin[i] = Some(j),
                None => {
                    first_at.insert(key, i);
                }
            }
        }
        let mut lists: Vec<Vec<(u32, f32)>> = vec![Vec::new(); n];
        let mut open = on_hull(positions);
        let distance = |a: usize, b: usize| {
            Haversine.distance(Point::from(positions[a]), Point::from(positions[b])) as f32 / 1000.0
        };
        for (i, nb) in delaunay.iter().enumerate() {
            if let Some(nb) = nb {
                for &j in nb {
                    let d = distance(i, j);
                    if f64::from(d) <= max_km {
                        lists[i].push((j as u32, d));
                    } else {
                        open[i] = true;
                    }
                }
            }
        }
        for i in 0..n {
            if let Some(j) = twin[i] {
                open[i] = open[j];
                let shared = lists[j].clone();
                lists[i] = shared;
                lists[i].push((j as u32, 0.0));
                lists[j].push((i as u32, 0.0));
                for &(k, d) in &lists[i].clone() {
                    if k as usize != j {
                        lists[k as usize].push((i as u32, d));
                    }
                }
            }
        }
        let mut g = NeighbourGraph { offsets: Vec::with_capacity(n + 1), open, ..NeighbourGraph::default() };
        g.offsets.push(0);
        for mut list in lists {
            list.sort_by_key(|(j, _)| *j);
            list.dedup_by_key(|(j, _)| *j);
            for (j, d) in list {
                g.targets.push(j);
                g.km.push(d);
            }
            g.offsets.push(g.targets.len() as u32);
        }
        g
    }

    /// Whether place `i` borders open ground: it is on the outer hull of all places, or
    /// one of its Delaunay neighbours is farther than `max_km`. Nobody can enclose such a
    /// place; an unknown place counts as open.
    pub fn is_open(&self, i: usize) -> bool {
        self.open.get(i).copied().unwrap_or(true)
    }

    /// The number of places.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether the graph has no places.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The neighbours of place `i` with their distances in km; none for an unknown place.
    pub fn neighbours(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let range = match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        };
        range.map(|k| (self.targets[k] as usize, f64::from(self.km[k])))
    }
}

/// Which places are corners of the convex hull of all places (or not finite).
fn on_hull(positions: &[Coord<f64>]) -> Vec<bool> {
    use geo::ConvexHull;
    let finite: Vec<Point<f64>> =
        positions.iter().filter(|p| p.x.is_finite() && p.y.is_finite()).map(|p| Point::from(*p)).collect();
    let hull = geo::MultiPoint(finite).convex_hull();
    let corners: std::collections::HashSet<(u64, u64)> =
        hull.exterior().coords().map(|c| ((c.x + 0.0).to_bits(), (c.y + 0.0).to_bits())).collect();
    positions
        .iter()
        .map(|p| {
            !(p.x.is_finite() && p.y.is_finite()) || corners.contains(&((p.x + 0.0).to_bits(), (p.y + 0.0).to_bits()))
        })
        .collect()
}

fn mean(positions: &[Coord<f64>]) -> Coord<f64> {
    let finite: Vec<&Coord<f64>> = positions.iter().filter(|p| p.x.is_finite() && p.y.is_finite()).collect();
    if finite.is_empty() {
        return Coord { x: 0.0, y: 0.0 };
    }
    let n = finite.len() as f64;
    Coord { x: finite.iter().map(|p| p.x).sum::<f64>() / n, y: finite.iter().map(|p| p.y).sum::<f64>() / n }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 4 × 4 grid of places 0.1° apart (about 9–11 km).
    fn grid() -> Vec<Coord<f64>> {
        (0..16).map(|i| Coord { x: 36.0 + 0.1 * (i % 4) as f64, y: 34.0 + 0.1 * (i / 4) as f64 }).collect()
    }

    #[test]
    fn grid_neighbours_are_the_adjacent_places() {
        let g = NeighbourGraph::new(&grid(), 50.0);
        let of_5: Vec<usize> = g.neighbours(5).map(|(j, _)| j).collect();
        for j in [1, 4, 6, 9] {
            assert!(of_5.contains(&j), "{of_5:?}");
        }
        assert!(!of_5.contains(&15));
        assert!(g.neighbours(5).all(|(_, d)| d > 8.0 && d < 16.0));
        // Corners are on the hull; inner places are sealed.
        assert!(g.is_open(0) && g.is_open(15));
        assert!(!g.is_open(5) && !g.is_open(10));
    }

    #[test]
    fn long_edges_are_dropped_and_twins_joined() {
        let g = NeighbourGraph::new(&grid(), 5.0);
        assert_eq!(g.neighbours(5).count(), 0);
        assert!(g.is_open(5), "a dropped long edge opens the place");
        let mut positions = grid();
        positions.push(positions[5]);
        let g = NeighbourGraph::new(&positions, 50.0);
        assert!(g.neighbours(16).any(|(j, d)| j == 5 && d == 0.0));
        assert!(g.neighbours(6).any(|(j, _)| j == 16));
        assert_eq!(g.neighbours(99).count(), 0);
    }
}
