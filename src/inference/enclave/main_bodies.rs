//! Main bodies kept from one pass of the pocket search to the next.

use super::graph::{Components, Ranked, bit, set_bit};
use crate::event::FactionId;

/// Each holder's main body as the latest pass left it, for the next pass to start from.
#[derive(Debug, Clone, Default)]
pub(super) struct MainBodies {
    /// The holders of the latest pass, by place.
    last: Vec<Option<FactionId>>,
    /// Whether each rank is in its holder's main body.
    pub(super) bits: Vec<u64>,
    /// The number of places of each holder's main body.
    sizes: Vec<(FactionId, usize)>,
    splitter: Splitter,
}

impl MainBodies {
    /// Brings `holder` (by rank) to `holders` (by place) and cuts the places that changed
    /// hands from their main bodies, with whatever that cuts off from them. `false` when
    /// what is left cannot be known without searching everything again (a main body cut
    /// in two pieces of one size).
    pub(super) fn update(
        &mut self,
        graph: &Ranked,
        holder: &mut Vec<Option<FactionId>>,
        holders: &[Option<FactionId>],
    ) -> bool {
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
    pub(super) fn forget(&mut self) {
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
    pub(super) fn settle(&mut self, graph: &Ranked, components: &mut Components) -> bool {
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
