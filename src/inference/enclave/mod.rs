//! Enclaves: pockets of a faction cut off from its main body and enclosed by others.

mod graph;
mod main_bodies;

use graph::{Components, Ranked};
use main_bodies::MainBodies;

use super::NeighbourGraph;
use crate::event::FactionId;

/// A connected group of one faction's places that other factions enclose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pocket {
    /// The faction holding the pocket.
    pub holder: FactionId,
    /// The faction it would pass to: the one holding the most of its links to the places
    /// around it (often the only one; where two advances met, the larger).
    pub enclosed_by: FactionId,
    /// The pocket's places, ascending.
    pub places: Vec<usize>,
    /// The places around it, ascending (all held, by `enclosed_by` or others).
    pub border: Vec<usize>,
}

/// One pocket of a [`PocketFinder`]'s latest pass: a [`Pocket`] whose lists the finder
/// keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PocketRef<'a> {
    /// The faction holding the pocket.
    pub holder: FactionId,
    /// The faction holding the most of its links to the places around it.
    pub enclosed_by: FactionId,
    /// The pocket's places, ascending.
    pub places: &'a [usize],
    /// The places around it, ascending.
    pub border: &'a [usize],
}

impl PocketRef<'_> {
    /// The same pocket with lists of its own.
    pub fn to_pocket(&self) -> Pocket {
        Pocket {
            holder: self.holder,
            enclosed_by: self.enclosed_by,
            places: self.places.to_vec(),
            border: self.border.to_vec(),
        }
    }
}

/// Every pocket in `holders`: a connected component (through `graph`) of one holder's
/// places that is not that holder's main body (its component with the most places; on a
/// tie, the one with the lowest place index), none of whose places borders open ground
/// ([`NeighbourGraph::is_open`]: the edge of the map, a border, an empty desert), and whose
/// neighbours are all held by other factions: one, or several where advances met around it
/// (`enclosed_by` is then the one holding the most of the pocket's links to them, the
/// lowest on a tie). Unheld places are holes in the enclosure, so a pocket next to one is
/// not enclosed. Pockets come in the order of their lowest place.
///
/// To ask again and again on one graph, make a [`PocketFinder`] once.
pub fn enclosed_pockets(graph: &NeighbourGraph, holders: &[Option<FactionId>]) -> Vec<Pocket> {
    PocketFinder::new(graph, holders.len()).find(holders).map(|p| p.to_pocket()).collect()
}

/// [`enclosed_pockets`] on one graph for many arrays of holders (the control model asks
/// once or more on every day something changes).
///
/// It keeps its own compact copy of the graph, with the places renumbered in breadth-first
/// order so that neighbours lie close in memory (in the gazetteer's order, a search over a
/// year of 100,000 places spent most of its time waiting for memory), reuses its buffers
/// from one pass to the next, and keeps each holder's main body from the last pass: a day
/// cuts a few places from it or adds a few, and searching all of it again every time was
/// most of the work.
#[derive(Debug, Clone)]
pub struct PocketFinder {
    graph: Ranked,
    components: Components,
    main: MainBodies,
    found: Found,
}

impl PocketFinder {
    /// A finder for the places `0..places` of `graph` (places beyond the graph have no
    /// neighbours and border open ground; the graph's places beyond `places` are left out).
    pub fn new(graph: &NeighbourGraph, places: usize) -> PocketFinder {
        PocketFinder {
            graph: Ranked::new(graph, places),
            components: Components::default(),
            main: MainBodies::default(),
            found: Found::default(),
        }
    }

    /// The pockets in `holders`, one entry per place the finder was made for: the same
    /// pockets, in the same order, as [`enclosed_pockets`] gives.
    ///
    /// # Panics
    ///
    /// When `holders` has another length than the finder's number of places.
    pub fn find(&mut self, holders: &[Option<FactionId>]) -> impl ExactSizeIterator<Item = PocketRef<'_>> + '_ {
        assert_eq!(holders.len(), self.graph.place.len(), "one holder per place of the finder");
        if !self.main.update(&self.graph, &mut self.components.holder, holders) {
            self.main.forget();
        }
        self.components.label(&self.graph, &self.main.bits);
        if !self.main.settle(&self.graph, &mut self.components) {
            // A kept main body is no longer the largest: search everything again.
            self.main.forget();
            self.components.label(&self.graph, &self.main.bits);
            self.main.settle(&self.graph, &mut self.components);
        }
        self.found.clear();
        for c in 0..self.components.count() {
            if self.components.in_main[c] {
                continue;
            }
            if let Some(g) = self.components.encloser(&self.graph, c) {
                self.found.push(&self.graph, &self.components, c, g);
            }
        }
        self.found.sort();
        self.found.iter()
    }
}

/// The pockets of a pass, their lists end to end; buffers kept between passes.
#[derive(Debug, Clone, Default)]
struct Found {
    heads: Vec<Head>,
    places: Vec<usize>,
    border: Vec<usize>,
    scratch: Vec<usize>,
}

/// A pocket in [`Found`]: its factions, lowest place and where its lists lie.
#[derive(Debug, Clone)]
struct Head {
    holder: FactionId,
    enclosed_by: FactionId,
    lowest: usize,
    places: std::ops::Range<usize>,
    border: std::ops::Range<usize>,
}

impl Found {
    fn clear(&mut self) {
        self.heads.clear();
        self.places.clear();
        self.border.clear();
    }

    /// Adds component `c` as a pocket enclosed by `enclosed_by`, with its places and those
    /// around it as place numbers, each list ascending.
    fn push(&mut self, graph: &Ranked, components: &Components, c: usize, enclosed_by: FactionId) {
        let members = components.members(c);
        let places = self.places.len();
        self.places.extend(members.iter().map(|&r| graph.place[r as usize] as usize));
        self.places[places..].sort_unstable();
        self.scratch.clear();
        for &r in members {
            let outside = graph.neighbours(r).iter().filter(|&&s| components.outside(s, c));
            self.scratch.extend(outside.map(|&s| graph.place[s as usize] as usize));
        }
        self.scratch.sort_unstable();
        self.scratch.dedup();
        let border = self.border.len();
        self.border.extend_from_slice(&self.scratch);
        self.heads.push(Head {
            holder: components.holder_of[c],
            enclosed_by,
            lowest: self.places[places],
            places: places..self.places.len(),
            border: border..self.border.len(),
        });
    }

    /// Puts the pockets in the order of their lowest place.
    fn sort(&mut self) {
        self.heads.sort_unstable_by_key(|h| h.lowest);
    }

    fn iter(&self) -> impl ExactSizeIterator<Item = PocketRef<'_>> + '_ {
        self.heads.iter().map(|h| PocketRef {
            holder: h.holder,
            enclosed_by: h.enclosed_by,
            places: &self.places[h.places.clone()],
            border: &self.border[h.border.clone()],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Coord;
    use proptest::prelude::*;

    /// A 5 × 5 grid 0.1° apart; place `i` is at column `i % 5`, row `i / 5`.
    fn grid() -> NeighbourGraph {
        let p: Vec<Coord<f64>> =
            (0..25).map(|i| Coord { x: 36.0 + 0.1 * (i % 5) as f64, y: 34.0 + 0.1 * (i / 5) as f64 }).collect();
        NeighbourGraph::new(&p, 20.0)
    }

    /// The search before [`PocketFinder`]: a fresh depth-first search over every place in
    /// index order, each call; the reference the finder must agree with.
    fn straightforward(graph: &NeighbourGraph, holders: &[Option<FactionId>]) -> Vec<Pocket> {
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
            let mut links: Vec<(FactionId, usize)> = Vec::new();
            let mut enclosed = true;
            'scan: for &i in members {
                for (j, _) in graph.neighbours(i) {
                    if j >= n || component[j] == c {
                        continue;
                    }
                    match holders[j] {
                        None => {
                            enclosed = false;
                            break 'scan;
                        }
                        Some(g) => match links.iter_mut().find(|(f, _)| *f == g) {
                            Some(entry) => entry.1 += 1,
                            None => links.push((g, 1)),
                        },
                    }
                }
            }
            let enclosing = links.iter().copied().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))).map(|(f, _)| f);
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

    /// A square grid about 0.1° apart, one place for each of `jitter`, each moved by up to
    /// 0.08° so that the triangulation varies.
    fn jittered_grid(jitter: &[(u8, u8)], max_km: f64) -> NeighbourGraph {
        let side = jitter.len().isqrt();
        let p: Vec<Coord<f64>> = (0..jitter.len())
            .map(|i| Coord {
                x: 36.0 + 0.1 * (i % side) as f64 + 0.02 * f64::from(jitter[i].0),
                y: 34.0 + 0.1 * (i / side) as f64 + 0.02 * f64::from(jitter[i].1),
            })
            .collect();
        NeighbourGraph::new(&p, max_km)
    }

    fn arb_holder() -> impl Strategy<Value = Option<FactionId>> {
        prop_oneof![9 => Just(A), 8 => Just(B), 2 => Just(C), 1 => Just(None)]
    }

    proptest! {
        #[test]
        fn the_finder_agrees_with_the_straightforward_search(
            jitter in proptest::collection::vec((0u8..5, 0u8..5), 36),
            max_km in prop_oneof![Just(8.0), Just(12.0), Just(16.0), Just(30.0)],
            places in 30usize..42,
            days in proptest::collection::vec(proptest::collection::vec(arb_holder(), 42), 1..5),
        ) {
            let graph = jittered_grid(&jitter, max_km);
            // One finder for every day, as the control model uses it.
            let mut finder = PocketFinder::new(&graph, places);
            for holders in &days {
                let holders = &holders[..places];
                let expected = straightforward(&graph, holders);
                let found: Vec<Pocket> = finder.find(holders).map(|p| p.to_pocket()).collect();
                prop_assert_eq!(&found, &expected);
                prop_assert_eq!(enclosed_pockets(&graph, holders), expected);
            }
        }

        #[test]
        fn the_finder_agrees_day_after_day_of_a_few_changes(
            jitter in proptest::collection::vec((0u8..5, 0u8..5), 100),
            max_km in prop_oneof![Just(12.0), Just(16.0), Just(30.0)],
            start in proptest::collection::vec(arb_holder(), 100),
            days in proptest::collection::vec(proptest::collection::vec((0usize..100, arb_holder()), 1..6), 1..40),
        ) {
            // Few changes a day keep the main bodies from one pass to the next, as in a war.
            let graph = jittered_grid(&jitter, max_km);
            let mut finder = PocketFinder::new(&graph, 100);
            let mut holders = start;
            for changes in &days {
                for &(p, h) in changes {
                    holders[p] = h;
                }
                let found: Vec<Pocket> = finder.find(&holders).map(|p| p.to_pocket()).collect();
                prop_assert_eq!(found, straightforward(&graph, &holders));
            }
        }
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
    fn a_main_body_or_a_pocket_next_to_unheld_land_is_not() {
        // Only the centre is A's: it is A's main body.
        let mut holders = vec![B; 25];
        holders[12] = A;
        assert!(enclosed_pockets(&grid(), &holders).is_empty());
        // A centre pocket next to an unheld place: a hole in the enclosure.
        let mut holders = vec![B; 25];
        for i in [0, 5, 10, 15, 20, 12] {
            holders[i] = A;
        }
        holders[13] = None;
        assert!(enclosed_pockets(&grid(), &holders).iter().all(|p| p.places != vec![12]));
    }

    #[test]
    fn a_pocket_where_two_advances_met_goes_to_the_one_around_most_of_it() {
        // The centre pocket touches C on one side and B on the rest: it passes to B.
        let mut holders = vec![B; 25];
        for i in [0, 5, 10, 15, 20, 12] {
            holders[i] = A;
        }
        holders[13] = C;
        let pockets = enclosed_pockets(&grid(), &holders);
        let pocket = pockets.iter().find(|p| p.places == vec![12]).expect("the centre is a pocket");
        assert_eq!(pocket.enclosed_by, FactionId(1));
        assert!(pocket.border.contains(&13), "the border lists C's place too");
        // C around most of it: it passes to C.
        for i in [7, 11, 13, 17, 6, 8, 16, 18] {
            holders[i] = C;
        }
        holders[11] = B;
        let pockets = enclosed_pockets(&grid(), &holders);
        assert_eq!(pockets.iter().find(|p| p.places == vec![12]).map(|p| p.enclosed_by), Some(FactionId(2)));
    }
}
