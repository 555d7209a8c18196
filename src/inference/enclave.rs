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
    // Components by depth-first search from each place in index order, so a component's
    // first place is its lowest. Their places lie together in `visited`, from
    // `starts[c]` to `starts[c + 1]`: no list per component (a year of days on 100,000
    // places made millions of them).
    let mut component = vec![usize::MAX; n];
    let mut visited: Vec<usize> = Vec::with_capacity(n);
    let mut starts: Vec<usize> = Vec::new();
    let mut holder_of: Vec<FactionId> = Vec::new();
    let mut stack = Vec::new();
    for start in 0..n {
        let Some(h) = holders[start] else { continue };
        if component[start] != usize::MAX {
            continue;
        }
        let c = starts.len();
        starts.push(visited.len());
        holder_of.push(h);
        component[start] = c;
        stack.push(start);
        while let Some(i) = stack.pop() {
            visited.push(i);
            for (j, _) in graph.neighbours(i) {
                if j < n && component[j] == usize::MAX && holders[j] == Some(h) {
                    component[j] = c;
                    stack.push(j);
                }
            }
        }
    }
    starts.push(visited.len());
    let places_of = |c: usize| &visited[starts[c]..starts[c + 1]];
    // The main body of each holder: most places, then the lowest first place (components
    // come in the order of their first place, so the earlier wins a tie).
    let mut main: Vec<(FactionId, usize)> = Vec::new();
    for (c, &h) in holder_of.iter().enumerate() {
        let size = places_of(c).len();
        match main.iter_mut().find(|(f, _)| *f == h) {
            None => main.push((h, c)),
            Some(entry) if size > places_of(entry.1).len() => entry.1 = c,
            Some(_) => {}
        }
    }
    let mut pockets = Vec::new();
    for (c, &h) in holder_of.iter().enumerate() {
        if main.iter().any(|&(f, m)| f == h && m == c) {
            continue;
        }
        let members = places_of(c);
        if members.iter().any(|&i| graph.is_open(i)) {
            continue;
        }
        let mut enclosing: Option<FactionId> = None;
        let mut enclosed = true;
        'scan: for &i in members {
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
            }
        }
        if let (true, Some(g)) = (enclosed, enclosing) {
            let mut places = members.to_vec();
            places.sort_unstable();
            let mut border: Vec<usize> = members
                .iter()
                .flat_map(|&i| graph.neighbours(i))
                .map(|(j, _)| j)
                .filter(|&j| j < n && component[j] != c)
                .collect();
            border.sort_unstable();
            border.dedup();
            pockets.push(Pocket { holder: h, enclosed_by: g, places, border });
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
