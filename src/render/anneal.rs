//! Simulated annealing over discrete choices: each item picks one of its candidates, the
//! cost is a sum of per-candidate costs and of pairwise costs between the candidates of
//! different items. Map-labelling tools place labels this way (Christensen, Marks and
//! Shieber, "An empirical study of algorithms for point-feature label placement", 1995):
//! a greedy start, then random moves that are kept when they lower the cost, and
//! sometimes when they raise it, less and less often as the temperature falls.

/// A problem: items, each with candidates; costs of candidates and of pairs of them.
#[derive(Debug, Clone, Default)]
pub struct Problem {
    /// For each item, the index of its first candidate in `own` (and one past the last at
    /// the end), so item `i`'s candidates are `starts[i]..starts[i + 1]`.
    starts: Vec<usize>,
    /// Each candidate's own cost.
    own: Vec<f64>,
    /// Each candidate's item.
    item_of: Vec<usize>,
    /// The conflicting pairs of candidates (of different items) and their costs, in the
    /// order they were added; [`Problem::solve`] turns them into each candidate's list.
    pairs: Vec<(u32, u32, f64)>,
}

/// For each candidate, the candidates of other items it conflicts with and the cost, all
/// lists in one array (a busy day has a hundred thousand pairs: one list per candidate,
/// grown a pair at a time, cost more than the annealing).
struct Conflicts {
    /// Candidate `a`'s list is `list[starts[a]..starts[a + 1]]`.
    starts: Vec<u32>,
    list: Vec<(u32, f64)>,
}

impl Conflicts {
    /// Each pair in both candidates' lists, in the order the pairs were added.
    fn of(problem: &Problem) -> Conflicts {
        let n = problem.own.len();
        let mut starts = vec![0u32; n + 1];
        for &(a, b, _) in &problem.pairs {
            starts[a as usize + 1] += 1;
            starts[b as usize + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut next: Vec<u32> = starts[..n].to_vec();
        let mut list = vec![(0u32, 0.0f64); starts[n] as usize];
        for &(a, b, cost) in &problem.pairs {
            list[next[a as usize] as usize] = (b, cost);
            next[a as usize] += 1;
            list[next[b as usize] as usize] = (a, cost);
            next[b as usize] += 1;
        }
        Conflicts { starts, list }
    }

    /// The candidates `candidate` conflicts with, and the costs.
    fn of_candidate(&self, candidate: usize) -> &[(u32, f64)] {
        &self.list[self.starts[candidate] as usize..self.starts[candidate + 1] as usize]
    }
}

impl Problem {
    /// Adds an item with the given candidate costs (at least one); returns the index of
    /// its first candidate.
    pub fn add_item(&mut self, costs: &[f64]) -> usize {
        assert!(!costs.is_empty(), "an item needs a candidate");
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        let first = self.own.len();
        let item = self.starts.len() - 1;
        self.own.extend_from_slice(costs);
        self.item_of.extend(std::iter::repeat_n(item, costs.len()));
        self.starts.push(self.own.len());
        first
    }

    /// The number of items.
    pub fn items(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Adds `cost` (not negative) when candidates `a` and `b` (of different items) are both
    /// chosen.
    pub fn add_pair(&mut self, a: usize, b: usize, cost: f64) {
        debug_assert_ne!(self.item_of[a], self.item_of[b]);
        debug_assert!(cost >= 0.0, "pair costs are not negative");
        let index = |c: usize| u32::try_from(c).expect("fewer than 2^32 candidates");
        self.pairs.push((index(a), index(b), cost));
    }

    fn candidates(&self, item: usize) -> std::ops::Range<usize> {
        self.starts[item]..self.starts[item + 1]
    }

    /// The total cost of a choice of one candidate per item.
    #[cfg(test)]
    pub fn total(&self, chosen: &[usize]) -> f64 {
        self.total_with(&Conflicts::of(self), chosen)
    }

    fn total_with(&self, conflicts: &Conflicts, chosen: &[usize]) -> f64 {
        // Each pair is counted from both sides.
        let pairs: f64 = chosen
            .iter()
            .map(|&a| {
                conflicts
                    .of_candidate(a)
                    .iter()
                    .filter(|(b, _)| chosen[self.item_of[*b as usize]] == *b as usize)
                    .map(|(_, c)| c)
                    .sum::<f64>()
            })
            .sum();
        chosen.iter().map(|&a| self.own[a]).sum::<f64>() + pairs / 2.0
    }

    /// Chooses one candidate per item (as candidate indices), in `order` first greedily,
    /// then by annealing with `moves_per_item` moves per item from a fixed `seed`, then by
    /// a last greedy pass. The same problem and seed always give the same choice.
    pub fn solve(&self, order: &[usize], moves_per_item: usize, seed: u64) -> Vec<usize> {
        let n = self.items();
        if n == 0 {
            return Vec::new();
        }
        let conflicts = Conflicts::of(self);
        // Greedy start: unplaced items have no candidate, so nothing conflicts with them.
        let mut choice = Choice::new(self, &conflicts);
        for &item in order {
            let best = choice.best(item);
            choice.set(item, best);
        }
        for item in 0..n {
            if choice.chosen[item] == usize::MAX {
                let best = choice.best(item);
                choice.set(item, best);
            }
        }
        let mut current = self.total_with(&conflicts, &choice.chosen);
        // Pair costs are never negative, so no choice costs less than each item's cheapest
        // candidate: a greedy start at that bound (labels that do not conflict, the usual
        // case) is optimal, and the annealing and polish below, which keep only strict
        // improvements, would return it unchanged.
        if current <= self.lower_bound() + 1e-9 {
            return choice.chosen;
        }
        let mut rng = SplitMix(seed);
        let moves = moves_per_item * n;
        // From a temperature at which a typical conflict is often accepted down to one at
        // which only improvements are.
        let (hot, cold) = (60.0f64, 0.5f64);
        let mut best = (current, choice.chosen.clone());
        for step in 0..moves {
            let item = rng.below(n);
            let range = self.candidates(item);
            if range.len() < 2 {
                continue;
            }
            let to = range.start + rng.below(range.len());
            let from = choice.chosen[item];
            if to == from {
                continue;
            }
            let delta = choice.cost(to) - choice.cost(from);
            if delta <= 0.0 || {
                let t = hot * (cold / hot).powf(step as f64 / moves as f64);
                rng.unit() < (-delta / t).exp()
            } {
                choice.set(item, to);
                current += delta;
                if current < best.0 - 1e-9 {
                    best = (current, choice.chosen.clone());
                }
            }
        }
        let mut choice = Choice::of(self, &conflicts, best.1);
        // Polish: each item takes its best candidate given the others, until none moves.
        for _ in 0..4 {
            let mut moved = false;
            for item in 0..n {
                let b = choice.best(item);
                if choice.cost(b) < choice.cost(choice.chosen[item]) - 1e-9 {
                    choice.set(item, b);
                    moved = true;
                }
            }
            if !moved {
                break;
            }
        }
        choice.chosen
    }

    /// The sum of each item's cheapest own cost: no choice costs less.
    fn lower_bound(&self) -> f64 {
        (0..self.items()).map(|item| self.candidates(item).map(|c| self.own[c]).fold(f64::INFINITY, f64::min)).sum()
    }
}

/// A choice of candidates being improved, with what each candidate would cost against it.
///
/// Each candidate's sum of pair costs with the chosen candidates is kept up to date as
/// choices change, so a move is weighed in constant time instead of by walking the
/// candidate's pairs (annealing tries hundreds of moves per item and keeps few: a busy
/// day's labels took 30 ms). With pair costs that add exactly, as whole numbers do (the
/// label weights), the sums are the ones a walk would make, so the choice is the same.
struct Choice<'p> {
    problem: &'p Problem,
    conflicts: &'p Conflicts,
    /// Each item's chosen candidate, or `usize::MAX` while it has none.
    chosen: Vec<usize>,
    /// For each candidate, the sum of its pair costs with the chosen candidates.
    conflict: Vec<f64>,
}

impl<'p> Choice<'p> {
    /// No item has a candidate yet.
    fn new(problem: &'p Problem, conflicts: &'p Conflicts) -> Choice<'p> {
        Choice { problem, conflicts, chosen: vec![usize::MAX; problem.items()], conflict: vec![0.0; problem.own.len()] }
    }

    /// The given choice.
    fn of(problem: &'p Problem, conflicts: &'p Conflicts, chosen: Vec<usize>) -> Choice<'p> {
        let mut choice = Choice::new(problem, conflicts);
        for (item, candidate) in chosen.into_iter().enumerate() {
            choice.set(item, candidate);
        }
        choice
    }

    /// The cost of choosing `candidate` for its item, given the other items' choices.
    fn cost(&self, candidate: usize) -> f64 {
        self.problem.own[candidate] + self.conflict[candidate]
    }

    /// Item `item` takes `candidate`.
    fn set(&mut self, item: usize, candidate: usize) {
        let old = std::mem::replace(&mut self.chosen[item], candidate);
        if old != usize::MAX {
            for &(b, cost) in self.conflicts.of_candidate(old) {
                self.conflict[b as usize] -= cost;
            }
        }
        for &(b, cost) in self.conflicts.of_candidate(candidate) {
            self.conflict[b as usize] += cost;
        }
    }

    /// The cheapest candidate of `item` given the others' choices (the first of equals).
    fn best(&self, item: usize) -> usize {
        self.problem
            .candidates(item)
            .min_by(|&a, &b| self.cost(a).total_cmp(&self.cost(b)).then(a.cmp(&b)))
            .expect("an item has a candidate")
    }
}

/// A small deterministic generator (SplitMix64): the same seed, the same labels.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annealing_escapes_what_greedy_gets_wrong() {
        // Item 0 greedily takes its cheap candidate A, which blocks item 1's only good one;
        // the optimum gives item 0 its second choice.
        let mut p = Problem::default();
        let a = p.add_item(&[0.0, 1.0]);
        let b = p.add_item(&[0.0, 50.0]);
        p.add_pair(a, b, 100.0);
        let chosen = p.solve(&[0, 1], 200, 7);
        assert_eq!(chosen, vec![a + 1, b]);
        assert_eq!(p.total(&chosen), 1.0);
    }

    #[test]
    fn a_greedy_start_without_conflicts_is_kept() {
        let mut p = Problem::default();
        let a = p.add_item(&[3.0, 1.0, 2.0]);
        let b = p.add_item(&[0.5, 4.0]);
        // A conflict between candidates greedy does not choose changes nothing.
        p.add_pair(a, b + 1, 10.0);
        let chosen = p.solve(&[0, 1], 200, 7);
        assert_eq!(chosen, vec![a + 1, b]);
        assert_eq!(p.total(&chosen), p.lower_bound());
    }

    /// The annealing as first written: every move weighed by walking the candidate's pairs.
    fn solve_by_walking(p: &Problem, order: &[usize], moves_per_item: usize, seed: u64) -> Vec<usize> {
        let conflicts = Conflicts::of(p);
        let cost_with = |candidate: usize, chosen: &[usize]| {
            p.own[candidate]
                + conflicts
                    .of_candidate(candidate)
                    .iter()
                    .filter(|(b, _)| chosen[p.item_of[*b as usize]] == *b as usize)
                    .map(|(_, c)| c)
                    .sum::<f64>()
        };
        let best_of = |item: usize, chosen: &[usize]| {
            p.candidates(item)
                .min_by(|&a, &b| cost_with(a, chosen).total_cmp(&cost_with(b, chosen)).then(a.cmp(&b)))
                .unwrap()
        };
        let n = p.items();
        let mut chosen = vec![usize::MAX; n];
        for &item in order {
            chosen[item] = best_of(item, &chosen);
        }
        let mut current = p.total(&chosen);
        if current <= p.lower_bound() + 1e-9 {
            return chosen;
        }
        let mut rng = SplitMix(seed);
        let moves = moves_per_item * n;
        let mut best = (current, chosen.clone());
        for step in 0..moves {
            let t = 60.0 * (0.5f64 / 60.0).powf(step as f64 / moves as f64);
            let item = rng.below(n);
            let range = p.candidates(item);
            if range.len() < 2 {
                continue;
            }
            let to = range.start + rng.below(range.len());
            let from = chosen[item];
            if to == from {
                continue;
            }
            let delta = cost_with(to, &chosen) - cost_with(from, &chosen);
            if delta <= 0.0 || rng.unit() < (-delta / t).exp() {
                chosen[item] = to;
                current += delta;
                if current < best.0 - 1e-9 {
                    best = (current, chosen.clone());
                }
            }
        }
        let mut chosen = best.1;
        for _ in 0..4 {
            let mut moved = false;
            for item in 0..n {
                let b = best_of(item, &chosen);
                if cost_with(b, &chosen) < cost_with(chosen[item], &chosen) - 1e-9 {
                    chosen[item] = b;
                    moved = true;
                }
            }
            if !moved {
                break;
            }
        }
        chosen
    }

    #[test]
    fn kept_conflict_sums_choose_what_walking_the_pairs_chose() {
        let mut rng = SplitMix(42);
        let mut annealed = 0;
        for round in 0..60 {
            let mut p = Problem::default();
            let items = 2 + rng.below(40);
            let firsts: Vec<usize> = (0..items)
                .map(|_| {
                    let costs: Vec<f64> = (0..1 + rng.below(12)).map(|_| rng.below(400) as f64 * 0.37).collect();
                    p.add_item(&costs)
                })
                .collect();
            let sizes: Vec<usize> = (0..items).map(|i| p.candidates(i).len()).collect();
            for _ in 0..rng.below(items * 30) {
                let (i, j) = (rng.below(items), rng.below(items));
                if i != j {
                    let cost = [900.0, 250.0, 1150.0][rng.below(3)];
                    p.add_pair(firsts[i] + rng.below(sizes[i]), firsts[j] + rng.below(sizes[j]), cost);
                }
            }
            let order: Vec<usize> = (0..items).rev().collect();
            let chosen = p.solve(&order, 300, round);
            assert_eq!(chosen, solve_by_walking(&p, &order, 300, round), "round {round}");
            // Conflicts left at the end: the annealing ran, not only the greedy start.
            annealed += usize::from(p.total(&chosen) > p.lower_bound() + 1e-9);
        }
        assert!(annealed >= 20, "only {annealed} of 60 problems needed annealing");
    }

    #[test]
    fn the_same_seed_gives_the_same_choice() {
        let mut p = Problem::default();
        let firsts: Vec<usize> = (0..30).map(|i| p.add_item(&[(i % 3) as f64, 1.0, 2.0, 3.0])).collect();
        for w in firsts.windows(2) {
            p.add_pair(w[0], w[1] + 1, 5.0);
            p.add_pair(w[0] + 2, w[1], 5.0);
        }
        let order: Vec<usize> = (0..30).collect();
        assert_eq!(p.solve(&order, 100, 1), p.solve(&order, 100, 1));
        let chosen = p.solve(&order, 100, 1);
        assert!(p.total(&chosen) <= 30.0, "{}", p.total(&chosen));
    }
}
