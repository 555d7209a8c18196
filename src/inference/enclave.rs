//! Enclaves: pockets of a faction cut off from its main body and enclosed by one other.

use super::NeighbourGraph;
use crate::event::FactionId;

/// A connected group of one faction's places that another faction encloses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pocket {
    /// The faction holding the pocket.
    pub holder: FactionId,
    /// The one faction holding every neighbour around it.
    pub enclosed_by: FactionId,
    /// The pocket's places, ascending.
    pub places: Vec<usize>,
    /// The enclosing faction's places that border it, ascending.
    pub border: Vec<usize>,
}

/// Every pocket in `holders`: a connected component (through `graph`) of one holder's
/// places that is not that holder's main body (its component with the most places; on a
/// tie, the one with the lowest place index), none of whose places borders open ground
/// ([`NeighbourGraph::is_open`]: the edge of the map, a border, an empty desert), and whose
/// neighbours are all held, and all by one other faction. Unheld places are holes in the
/// enclosure, so a pocket next to one is not enclosed.
pub fn enclosed_pockets(graph: &NeighbourGraph, holders: &[Option<FactionId>]) -> Vec<Pocket> {
    let n = holders.len();
    let mut component = vec![usize::MAX; n];
    let mut components: Vec<(FactionId, Vec<usize>)> = Vec::new();
    let mut stack = Vec::new();
    for start in 0..n {
        let Some(h) = holders[start] else { continue };
        if component[start] != usize::MAX {
            continue;
        }
        let c = components.len();
        let mut members = Vec::new();
        component[start] = c;
        stack.push(start);
        while let Some(i) = stack.pop() {
            members.push(i);
            for (j, _) in graph.neighbours(i) {
                if j < n && component[j] == usize::MAX && holders[j] == Some(h) {
                    component[j] = c;
                    stack.push(j);
                }
            }
        }
        members.sort_unstable();
        components.push((h, members));
    }
    // The main body of each holder: most places, then the lowest first place.
    let mut main: std::collections::HashMap<FactionId, usize> = std::collections::HashMap::new();
    for (c, (h, members)) in components.iter().enumerate() {
        let better = match main.get(h) {
            None => true,
            Some(&m) => {
                let current = &components[m].1;
                (members.len(), std::cmp::Reverse(members[0])) > (current.len(), std::cmp::Reverse(current[0]))
            }
        };
        if better {
            main.insert(*h, c);
        }
    }
    let mut pockets = Vec::new();
    for (c, (h, members)) in components.into_iter().enumerate() {
        if main.get(&h) == Some(&c) {
            continue;
        }
        let mut enclosing: Option<FactionId> = None;
        let mut enclosed = !members.iter().any(|&i| graph.is_open(i));
        let mut border = Vec::new();
        'scan: for &i in &members {
            for (j, _) in graph.neighbours(i) {
                if j >= n || component[j] == c {
                    continue;
                }
                match (holders[j], enclosing) {
                    (None, _) => {
                        enclosed = false;
                        break 'scan;
                    }
                    (Some(g), None) => enclosing = Some(g),
                    (Some(g), Some(e)) if g != e => {
                        enclosed = false;
                        break 'scan;
                    }
                    _ => {}
                }
                border.push(j);
            }
        }
        if let (true, Some(g)) = (enclosed, enclosing) {
            border.sort_unstable();
            border.dedup();
            pockets.push(Pocket { holder: h, enclosed_by: g, places: members, border });
        }
    }
    pockets
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Coord;

    /// A 5 × 5 grid 0.1° apart; place `i` is at column `i % 5`, row `i / 5`.
    fn grid() -> NeighbourGraph {
        let p: Vec<Coord<f64>> =
            (0..25).map(|i| Coord { x: 36.0 + 0.1 * (i % 5) as f64, y: 34.0 + 0.1 * (i / 5) as f64 }).collect();
        NeighbourGraph::new(&p, 20.0)
    }

    const A: Option<FactionId> = Some(FactionId(0));
    const B: Option<FactionId> = Some(FactionId(1));
    const C: Option<FactionId> = Some(FactionId(2));

    #[test]
    fn a_cut_off_pocket_inside_one_faction_is_enclosed() {
        // A holds the left column (its main body) and the centre; B holds the rest.
        let mut holders = vec![B; 25];
        for i in [0, 5, 10, 15, 20, 12] {
            holders[i] = A;
        }
        let pockets = enclosed_pockets(&grid(), &holders);
        assert_eq!(pockets.len(), 1);
        assert_eq!((pockets[0].holder, pockets[0].enclosed_by), (FactionId(0), FactionId(1)));
        assert_eq!(pockets[0].places, vec![12]);
        assert!(pockets[0].border.contains(&7) && pockets[0].border.contains(&17));
    }

    #[test]
    fn a_main_body_or_a_pocket_touching_a_third_side_is_not() {
        // Only the centre is A's: it is A's main body.
        let mut holders = vec![B; 25];
        holders[12] = A;
        assert!(enclosed_pockets(&grid(), &holders).is_empty());
        // Centre pocket touching C on one side, or an unheld place.
        let mut holders = vec![B; 25];
        for i in [0, 5, 10, 15, 20, 12] {
            holders[i] = A;
        }
        holders[13] = C;
        assert!(enclosed_pockets(&grid(), &holders).iter().all(|p| p.places != vec![12]));
        holders[13] = None;
        assert!(enclosed_pockets(&grid(), &holders).iter().all(|p| p.places != vec![12]));
    }
}
