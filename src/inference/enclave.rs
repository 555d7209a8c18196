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

/// One pocket of a [`PocketFinder`]'s latest pass: a [`Pocket`] whose lists the finder
/// keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PocketRef<'a> {
    /// The faction holding the pocket.
    pub holder: FactionId,
    /// The one faction holding every neighbour around it.
    pub enclosed_by: FactionId,
    /// The pocket's places, ascending.
    pub places: &'a [usize],
    /// The enclosing faction's places that border it, ascending.
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
/// neighbours are all held, and all by one other faction. Unheld places are holes in the
/// enclosure, so a pocket next to one is not enclosed. Pockets come in the order of their
/// lowest place.
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

/// A graph's places `0..n` renumbered by rank in a breadth-first order, with their
/// neighbours in compressed rows of ranks.
#[derive(Debug, Clone)]
struct Ranked {
    /// The place of each rank, and the rank of each place.
    place: Vec<u32>,
    rank: Vec<u32>,
    /// The neighbours of rank `r` are `targets[offsets[r]..offsets[r + 1]]`.
    offsets: Vec<u32>,
    targets: Vec<u32>,
    /// Whether the place of each rank borders open ground.
    open: Vec<bool>,
}

impl Ranked {
    fn new(graph: &NeighbourGraph, n: usize) -> Ranked {
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

    fn neighbours(&self, r: u32) -> &[u32] {
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
struct Components {
    /// The holder of each rank. Two neighbours are in one component exactly when they
    /// have one holder, so no component number per rank is needed.
    holder: Vec<Option<FactionId>>,
    /// Which ranks a component has reached, a bit each: small enough to stay in the
    /// processor's fastest cache, where the search spends most of its time.
    seen: Vec<u64>,
    /// Ranks grouped by component: component `c` has `members[starts[c]..starts[c + 1]]`
    /// (no list per component: a year of days on 100,000 places made millions of them).
    members: Vec<u32>,
    starts: Vec<u32>,
    /// The holder of each component.
    holder_of: Vec<FactionId>,
    /// Whether each component borders a kept main body of its holder (so belongs to it).
    joins: Vec<bool>,
    /// Whether each component is (part of) its holder's main body.
    in_main: Vec<bool>,
}

impl Components {
    /// Finds the components of `holder` through `graph`, but for the kept main bodies
    /// (`main`, a bit per rank): their places are not searched again, and a component that
    /// borders one is marked as joining it.
    fn label(&mut self, graph: &Ranked, main: &[u64]) {
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

    fn count(&self) -> usize {
        self.holder_of.len()
    }

    fn members(&self, c: usize) -> &[u32] {
        &self.members[self.starts[c] as usize..self.starts[c + 1] as usize]
    }

    /// Whether component `a` makes a better main body than `b`: more places, or as many
    /// and a lower lowest place.
    fn outranks(&self, graph: &Ranked, a: usize, b: usize) -> bool {
        let (size_a, size_b) = (self.members(a).len(), self.members(b).len());
        // The lowest places only settle a tie, which is rare: not worth a search's time.
        size_a > size_b || (size_a == size_b && self.lowest(graph, a) < self.lowest(graph, b))
    }

    /// The lowest place of component `c`.
    fn lowest(&self, graph: &Ranked, c: usize) -> u32 {
        self.members(c).iter().map(|&r| graph.place[r as usize]).min().unwrap_or(u32::MAX)
    }

    /// Whether the place of rank `s` is outside component `c`.
    fn outside(&self, s: u32, c: usize) -> bool {
        self.holder[s as usize] != Some(self.holder_of[c])
    }

    /// The one faction holding every neighbour of component `c`, when none of its places
    /// borders open ground and no neighbour is unheld or held by a second faction.
    fn encloser(&self, graph: &Ranked, c: usize) -> Option<FactionId> {
        let members = self.members(c);
        if members.iter().any(|&r| graph.open[r as usize]) {
            return None;
        }
        let mut enclosing = None;
        for &r in members {
            for &s in graph.neighbours(r) {
                if !self.outside(s, c) {
                    continue;
                }
                let g = self.holder[s as usize]?;
                if *enclosing.get_or_insert(g) != g {
                    return None;
                }
            }
        }
        enclosing
    }
}

/// Whether rank `r` is set in the bits `bits`.
fn bit(bits: &[u64], r: u32) -> bool {
    bits[(r / 64) as usize] & (1 << (r % 64)) != 0
}

/// Sets or clears rank `r` in the bits `bits`.
fn set_bit(bits: &mut [u64], r: u32, on: bool) {
    let (word, mask) = ((r / 64) as usize, 1u64 << (r % 64));
    if on { bits[word] |= mask } else { bits[word] &= !mask }
}

/// Each holder's main body as the latest pass left it, for the next pass to start from.
#[derive(Debug, Clone, Default)]
struct MainBodies {
    /// The holders of the latest pass, by place.
    last: Vec<Option<FactionId>>,
    /// Whether each rank is in its holder's main body.
    bits: Vec<u64>,
    /// The number of places of each holder's main body.
    sizes: Vec<(FactionId, usize)>,
    splitter: Splitter,
}

impl MainBodies {
    /// Brings `holder` (by rank) to `holders` (by place) and cuts the places that changed
    /// hands from their main bodies, with whatever that cuts off from them. `false` when
    /// what is left cannot be known without searching everything again (a main body cut
    /// in two pieces of one size).
    fn update(&mut self, graph: &Ranked, holder: &mut Vec<Option<FactionId>>, holders: &[Option<FactionId>]) -> bool {
        if self.last.len() != holders.len() {
            holder.clear();
            holder.extend(graph.place.iter().map(|&p| holders[p as usize]));
            self.last = holders.to_vec();
            return false;
        }
        let mut changed: Vec<(u32, Option<FactionId>)> = Vec::new();
        for (p, (was, &now)) in self.last.iter_mut().zip(holders).enumerate() {
            if *was != now {
                changed.push((graph.rank[p], now));
                *was = now;
            }
        }
        // One place at a time, each cut from a connected main body, and before the holders
        // change, so that the places still to cut are still part of it: every piece a cut
        // leaves then borders that place.
        let mut sure = true;
        for &(r, _) in &changed {
            if let Some(h) = holder[r as usize]
                && bit(&self.bits, r)
            {
                set_bit(&mut self.bits, r, false);
                *self.size_mut(h) -= 1;
                sure = self.cut(graph, holder, r, h);
                if !sure {
                    break;
                }
            }
        }
        for &(r, now) in &changed {
            holder[r as usize] = now;
        }
        sure
    }

    /// Takes from `h`'s main body whatever no longer connects to the rest of it now that
    /// rank `r` is out; `false` on two pieces of one size.
    fn cut(&mut self, graph: &Ranked, holder: &[Option<FactionId>], r: u32, h: FactionId) -> bool {
        let seeds: Vec<u32> = graph
            .neighbours(r)
            .iter()
            .copied()
            .filter(|&s| holder[s as usize] == Some(h) && bit(&self.bits, s))
            .collect();
        if seeds.len() < 2 {
            return true;
        }
        let Some(cut_off) = self.splitter.pieces(graph, holder, &self.bits, h, &seeds) else {
            return false;
        };
        for &s in &cut_off {
            set_bit(&mut self.bits, s, false);
        }
        *self.size_mut(h) -= cut_off.len();
        true
    }

    /// Forgets every main body, so the next search starts from nothing.
    fn forget(&mut self) {
        self.bits.clear();
        self.bits.resize(self.last.len().div_ceil(64), 0);
        self.sizes.clear();
    }

    fn size_mut(&mut self, h: FactionId) -> &mut usize {
        let k = match self.sizes.iter().position(|(f, _)| *f == h) {
            Some(k) => k,
            None => {
                self.sizes.push((h, 0));
                self.sizes.len() - 1
            }
        };
        &mut self.sizes[k].1
    }

    fn size(&self, h: FactionId) -> usize {
        self.sizes.iter().find(|(f, _)| *f == h).map_or(0, |(_, n)| *n)
    }

    /// Settles the main bodies after `components` were labelled around the kept ones: a
    /// component bordering a kept main body joins it, and a holder without one gets its
    /// largest component (on a tie, the one with the lowest place). `false` when a
    /// component is at least as large as its holder's kept main body.
    fn settle(&mut self, graph: &Ranked, components: &mut Components) -> bool {
        let count = components.count();
        components.in_main.clear();
        components.in_main.resize(count, false);
        for c in 0..count {
            if components.joins[c] {
                self.absorb(components, c);
            }
        }
        let mut best: Vec<(FactionId, usize)> = Vec::new();
        for c in (0..count).filter(|&c| !components.in_main[c]) {
            let h = components.holder_of[c];
            let kept = self.size(h);
            if kept > 0 {
                if components.members(c).len() >= kept {
                    return false;
                }
                continue;
            }
            match best.iter_mut().find(|(f, _)| *f == h) {
                None => best.push((h, c)),
                Some(entry) if components.outranks(graph, c, entry.1) => entry.1 = c,
                Some(_) => {}
            }
        }
        for (_, c) in best {
            self.absorb(components, c);
        }
        true
    }

    /// Makes component `c` part of its holder's main body.
    fn absorb(&mut self, components: &mut Components, c: usize) {
        components.in_main[c] = true;
        for &r in components.members(c) {
            set_bit(&mut self.bits, r, true);
        }
        *self.size_mut(components.holder_of[c]) += components.members(c).len();
    }
}

/// Searches from the neighbours of a place cut from a main body, all at once and a step
/// each in turn, merging searches that meet: the pieces cut off are the searches that run
/// out, and stopping once at most one search can still go on costs about the size of the
/// smaller pieces, not of the main body.
#[derive(Debug, Clone, Default)]
struct Splitter {
    /// The number of the current cut, and for each rank the cut that last reached it and
    /// the search that did.
    cut: u32,
    stamp: Vec<u32>,
    search: Vec<u32>,
    /// Each search's parent among merged searches (itself when it leads), queue and
    /// number of places.
    parent: Vec<usize>,
    queue: Vec<std::collections::VecDeque<u32>>,
    size: Vec<usize>,
    /// Every rank reached in the current cut.
    reached: Vec<u32>,
}

impl Splitter {
    /// The ranks of `h`'s main body (`main`) cut off from the rest of it, searching from
    /// `seeds`; `None` when it fell into pieces of which two largest have one size.
    fn pieces(
        &mut self,
        graph: &Ranked,
        holder: &[Option<FactionId>],
        main: &[u64],
        h: FactionId,
        seeds: &[u32],
    ) -> Option<Vec<u32>> {
        self.start(graph.place.len(), seeds);
        let mut leaders = seeds.len();
        loop {
            let going: Vec<usize> =
                (0..seeds.len()).filter(|&g| self.parent[g] == g && !self.queue[g].is_empty()).collect();
            if leaders == 1 {
                return Some(Vec::new());
            }
            if going.len() <= 1 {
                break;
            }
            for g in going {
                let g = self.leader(g);
                let Some(r) = self.queue[g].pop_front() else { continue };
                for &s in graph.neighbours(r) {
                    if holder[s as usize] != Some(h) || !bit(main, s) {
                        continue;
                    }
                    if self.stamp[s as usize] != self.cut {
                        self.reach(s, g);
                    } else {
                        let other = self.leader(self.search[s as usize] as usize);
                        if other != g {
                            self.merge(other, g);
                            leaders -= 1;
                        }
                    }
                }
            }
        }
        let leads: Vec<usize> = (0..seeds.len()).filter(|&g| self.parent[g] == g).collect();
        let keep = match leads.iter().find(|&&g| !self.queue[g].is_empty()) {
            Some(&g) => g,
            None => {
                let most = leads.iter().map(|&g| self.size[g]).max().unwrap_or(0);
                let largest: Vec<usize> = leads.iter().copied().filter(|&g| self.size[g] == most).collect();
                if largest.len() > 1 {
                    return None;
                }
                largest[0]
            }
        };
        let reached = std::mem::take(&mut self.reached);
        let cut_off =
            reached.iter().copied().filter(|&r| self.leader(self.search[r as usize] as usize) != keep).collect();
        self.reached = reached;
        Some(cut_off)
    }

    /// Starts a cut: one search from each of `seeds`.
    fn start(&mut self, n: usize, seeds: &[u32]) {
        if self.stamp.len() != n || self.cut == u32::MAX {
            self.stamp = vec![0; n];
            self.search = vec![0; n];
            self.cut = 0;
        }
        self.cut += 1;
        self.reached.clear();
        self.parent.clear();
        self.size.clear();
        self.queue.resize_with(seeds.len(), Default::default);
        for (g, &s) in seeds.iter().enumerate() {
            self.parent.push(g);
            self.size.push(0);
            self.queue[g].clear();
            self.reach(s, g);
        }
    }

    fn reach(&mut self, s: u32, g: usize) {
        self.stamp[s as usize] = self.cut;
        self.search[s as usize] = g as u32;
        self.queue[g].push_back(s);
        self.size[g] += 1;
        self.reached.push(s);
    }

    fn leader(&mut self, mut g: usize) -> usize {
        while self.parent[g] != g {
            self.parent[g] = self.parent[self.parent[g]];
            g = self.parent[g];
        }
        g
    }

    /// Makes search `from` part of search `into`.
    fn merge(&mut self, from: usize, into: usize) {
        self.parent[from] = into;
        let queue = std::mem::take(&mut self.queue[from]);
        self.queue[into].extend(queue);
        self.size[into] += self.size[from];
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
