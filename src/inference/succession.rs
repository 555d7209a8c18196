//! Succession: who takes over the places of a faction that ceased to exist.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::NeighbourGraph;
use crate::event::FactionId;

/// The faction a place passes to, and the held place it is nearest to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Successor {
    /// The successor.
    pub faction: FactionId,
    /// The successor's place that is nearest through the graph.
    pub via: usize,
    /// The distance to it through the graph, in metres.
    pub metres: u64,
}

/// For each of `orphans`, the faction whose held places are nearest through `graph`,
/// within `max_km`; `None` when no such place is that near. `holders` gives every
/// place's holder; places held by a faction for which `leaving` is true do not count.
///
/// Distances run along graph edges through any places. Ties go to the lower faction id,
/// then the lower place index, so the answer never depends on input order.
pub fn successors(
    graph: &NeighbourGraph,
    holders: &[Option<FactionId>],
    leaving: impl Fn(FactionId) -> bool,
    orphans: &[usize],
    max_km: f64,
) -> Vec<Option<Successor>> {
    let limit = (max_km * 1000.0).round().max(0.0) as u64;
    // Label: (metres, faction, origin place); the smallest label settles a place.
    let mut best: Vec<Option<(u64, FactionId, usize)>> = vec![None; holders.len()];
    let mut heap = BinaryHeap::new();
    for (i, h) in holders.iter().enumerate() {
        if let Some(f) = h.filter(|f| !leaving(*f)) {
            heap.push(Reverse((0u64, f, i, i)));
        }
    }
    while let Some(Reverse((d, f, origin, at))) = heap.pop() {
        if best[at].is_some() {
            continue;
        }
        best[at] = Some((d, f, origin));
        for (next, km) in graph.neighbours(at) {
            let nd = d + (km * 1000.0).round() as u64;
            if nd <= limit && next < best.len() && best[next].is_none() {
                heap.push(Reverse((nd, f, origin, next)));
            }
        }
    }
    orphans
        .iter()
        .map(|&i| best.get(i).copied().flatten().map(|(metres, faction, via)| Successor { faction, via, metres }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Coord;

    /// Nine places in a row along a parallel, 0.1° (about 9 km) apart, plus three to
    /// keep the triangulation two-dimensional.
    fn row() -> NeighbourGraph {
        let mut p: Vec<Coord<f64>> = (0..9).map(|i| Coord { x: 36.0 + 0.1 * i as f64, y: 34.0 }).collect();
        p.extend((0..3).map(|i| Coord { x: 36.0 + 0.4 * i as f64, y: 35.5 }));
        NeighbourGraph::new(&p, 30.0)
    }

    #[test]
    fn each_orphan_goes_to_the_nearest_other_faction() {
        let (a, b, gone) = (FactionId(0), FactionId(1), FactionId(2));
        let mut holders = vec![Some(gone); 12];
        holders[0] = Some(a);
        holders[8] = Some(b);
        let got = successors(&row(), &holders, |f| f == gone, &[1, 3, 5, 7], 100.0);
        let factions: Vec<Option<FactionId>> = got.iter().map(|s| s.map(|s| s.faction)).collect();
        assert_eq!(factions, vec![Some(a), Some(a), Some(b), Some(b)]);
        assert_eq!(got[0].unwrap().via, 0);
    }

    #[test]
    fn beyond_max_km_nobody_succeeds() {
        let (a, gone) = (FactionId(0), FactionId(2));
        let mut holders = vec![Some(gone); 12];
        holders[0] = Some(a);
        let got = successors(&row(), &holders, |f| f == gone, &[1, 6], 20.0);
        assert_eq!(got[0].map(|s| s.faction), Some(a));
        assert_eq!(got[1], None);
    }
}
