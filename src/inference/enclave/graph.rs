//! The graph as the pocket search walks it, and the components of one array of holders.

use crate::event::FactionId;
use crate::inference::NeighbourGraph;

/// A graph's places `0..n` renumbered by rank in a breadth-first order, with their
/// neighbours in compressed rows of ranks.
#[derive(Debug, Clone)]
pub(super) struct Ranked {
    /// The place of each rank, and the rank of each place.
    pub(super) place: Vec<u32>,
    pub(super) rank: Vec<u32>,
    /// The neighbours of rank `r` are `targets[offsets[r]..offsets[r + 1]]`.
    offsets: Vec<u32>,
    targets: Vec<u32>,
    /// Whether the place of each rank borders open ground.
    pub(super) open: Vec<bool>,
}

impl Ranked {
    pub(super) fn new(graph: &NeighbourGraph, n: usize) -> Ranked {
        let place = breadth_first_order(graph, n);
        let mut rank = vec![0u32; n];
        for (r, &p) in place.iter().enumerate() {
            rank[p as usize] = r as u32;
        }
        let mut offsets = Vec::with_capacity(n + 1);
        let mut targets = Vec::new();
        offsets.push(0);
        for &p in &place {
            targets.extend(graph.neighbours(p as usize).filter(|&(j, _)| j < n).map(|(j, _)| rank[j]));
            offsets.push(targets.len() as u32);
        }
        let open = place.iter().map(|&p| graph.is_open(p as usize)).collect();
        Ranked { place, rank, offsets, targets, open }
    }

    pub(super) fn neighbours(&self, r: u32) -> &[u32] {
        &self.targets[self.offsets[r as usize] as usize..self.offsets[r as usize + 1] as usize]
    }
}

/// The places `0..n` in breadth-first order through `graph`, each place no earlier search
/// reached starting a new one, so that neighbours get nearby ranks.
fn breadth_first_order(graph: &NeighbourGraph, n: usize) -> Vec<u32> {
    let mut seen = vec![false; n];
    let mut order: Vec<u32> = Vec::with_capacity(n);
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut head = order.len();
        order.push(start as u32);
        while head < order.len() {
            let p = order[head] as usize;
            head += 1;
            for (j, _) in graph.neighbours(p) {
                if j < n && !seen[j] {
                    seen[j] = true;
                    order.push(j as u32);
                }
            }
        }
    }
    order
}

/// The connected components of one array of holders, by rank; buffers kept between passes.
#[derive(Debug, Clone, Default)]
pub(super) struct Components {
    /// The holder of each rank. Two neighbours are in one component exactly when they
    /// have one holder, so no component number per rank is needed.
    pub(super) holder: Vec<Option<FactionId>>,
    /// Which ranks a component has reached, a bit each: small enough to stay in the
    /// processor's fastest cache, where the search spends most of its time.
    seen: Vec<u64>,
    /// Ranks grouped by component: component `c` has `members[starts[c]..starts[c + 1]]`
    /// (no list per component: a year of days on 100,000 places made millions of them).
    pub(super) members: Vec<u32>,
    starts: Vec<u32>,
    /// The holder of each component.
    pub(super) holder_of: Vec<FactionId>,
    /// Whether each component borders a kept main body of its holder (so belongs to it).
    pub(super) joins: Vec<bool>,
    /// Whether each component is (part of) its holder's main body.
    pub(super) in_main: Vec<bool>,
}

impl Components {
    /// Finds the components of `holder` through `graph`, but for the kept main bodies
    /// (`main`, a bit per rank): their places are not searched again, and a component that
    /// borders one is marked as joining it.
    pub(super) fn label(&mut self, graph: &Ranked, main: &[u64]) {
        self.seen.clear();
        self.seen.extend_from_slice(main);
        self.members.clear();
        self.starts.clear();
        self.holder_of.clear();
        self.joins.clear();
        for r in 0..graph.place.len() as u32 {
            if let Some(h) = self.holder[r as usize]
                && !self.reach(r)
            {
                self.flood(graph, r, h, main);
            }
        }
        self.starts.push(self.members.len() as u32);
    }

    /// Marks rank `r` reached; whether it was already (a place of a kept main body always
    /// was).
    fn reach(&mut self, r: u32) -> bool {
        let (word, bit) = ((r / 64) as usize, 1u64 << (r % 64));
        let was = self.seen[word] & bit != 0;
        self.seen[word] |= bit;
        was
    }

    /// Adds the component of rank `start` (held by `h`, just reached), breadth first: in
    /// about the order of the ranks, so about the order of the rows in memory (depth first,
    /// every row was a wait for memory).
    fn flood(&mut self, graph: &Ranked, start: u32, h: FactionId, main: &[u64]) {
        let mut next = self.members.len();
        self.starts.push(next as u32);
        self.members.push(start);
        let mut joins = false;
        while next < self.members.len() {
            let r = self.members[next];
            next += 1;
            for &s in graph.neighbours(r) {
                if self.holder[s as usize] != Some(h) {
                    continue;
                }
                if !self.reach(s) {
                    self.members.push(s);
                } else if bit(main, s) {
                    joins = true;
                }
            }
        }
        self.holder_of.push(h);
        self.joins.push(joins);
    }

    pub(super) fn count(&self) -> usize {
        self.holder_of.len()
    }

    pub(super) fn members(&self, c: usize) -> &[u32] {
        &self.members[self.starts[c] as usize..self.starts[c + 1] as usize]
    }

    /// Whether component `a` makes a better main body than `b`: more places, or as many
    /// and a lower lowest place.
    pub(super) fn outranks(&self, graph: &Ranked, a: usize, b: usize) -> bool {
        let (size_a, size_b) = (self.members(a).len(), self.members(b).len());
        // The lowest places only settle a tie, which is rare: not worth a search's time.
        size_a > size_b || (size_a == size_b && self.lowest(graph, a) < self.lowest(graph, b))
    }

    /// The lowest place of component `c`.
    fn lowest(&self, graph: &Ranked, c: usize) -> u32 {
        self.members(c).iter().map(|&r| graph.place[r as usize]).min().unwrap_or(u32::MAX)
    }

    /// Whether the place of rank `s` is outside component `c`.
    pub(super) fn outside(&self, s: u32, c: usize) -> bool {
        self.holder[s as usize] != Some(self.holder_of[c])
    }

    /// The faction that encloses component `c` (see [`super::enclosed_pockets`]): when none
    /// of its places borders open ground and every neighbour is held, the faction holding
    /// the most of its links to the outside (on a tie, the lowest).
    pub(super) fn encloser(&self, graph: &Ranked, c: usize) -> Option<FactionId> {
        let members = self.members(c);
        if members.iter().any(|&r| graph.open[r as usize]) {
            return None;
        }
        let mut links: Vec<(FactionId, usize)> = Vec::new();
        for &r in members {
            for &s in graph.neighbours(r) {
                if !self.outside(s, c) {
                    continue;
                }
                let g = self.holder[s as usize]?;
                match links.iter_mut().find(|(f, _)| *f == g) {
                    Some(entry) => entry.1 += 1,
                    None => links.push((g, 1)),
                }
            }
        }
        most_links(&links)
    }
}

/// The faction with the most links, the lowest on a tie.
pub(super) fn most_links(links: &[(FactionId, usize)]) -> Option<FactionId> {
    links.iter().copied().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))).map(|(f, _)| f)
}

/// Whether rank `r` is set in the bits `bits`.
pub(super) fn bit(bits: &[u64], r: u32) -> bool {
    bits[(r / 64) as usize] & (1 << (r % 64)) != 0
}

/// Sets or clears rank `r` in the bits `bits`.
pub(super) fn set_bit(bits: &mut [u64], r: u32, on: bool) {
    let (word, mask) = ((r / 64) as usize, 1u64 << (r % 64));
    if on { bits[word] |= mask } else { bits[word] &= !mask }
}
