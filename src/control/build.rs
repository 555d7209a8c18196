//! Building the model: one sweep over the days that have anything to apply.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};

use super::{Basis, ControlModel, Inference, PlaceState, Span, sort_by_rank};
use crate::event::{Action, Confidence, Event, EventId, FactionId, Target};
use crate::inference::{PocketFinder, Rule, successors};
use crate::region::{RegionId, Regions};

/// How many rows an enclave transfer cites at most (the latest changes around it).
const MAX_ENCLAVE_CITATIONS: usize = 8;

/// One row about one place on one day: `via_region` when the row names a region.
type Claim = (NaiveDate, u32, bool, u32);

/// A faction's dissolution, everywhere or in a region, with every row that dates it.
#[derive(Debug, Clone)]
pub(super) struct Dissolution {
    pub(super) date: NaiveDate,
    pub(super) faction: FactionId,
    pub(super) region: Option<RegionId>,
    pub(super) rows: Vec<EventId>,
    /// The factions its rows name as successors (the `successor` column), in row order.
    pub(super) successors: Vec<FactionId>,
}

impl Dissolution {
    /// Whether `place` is in the dissolution's scope.
    pub(super) fn covers(&self, regions: &Regions, place: usize) -> bool {
        match self.region {
            None => true,
            Some(r) => regions.all().get(r.index()).is_some_and(|r| r.members.iter().any(|m| m.index() == place)),
        }
    }

    pub(super) fn basis(&self) -> Basis {
        if self.region.is_some() { Basis::Region } else { Basis::Events }
    }
}

/// The dissolutions of `events`, grouped by day, faction and scope, in date order.
pub(super) fn dissolutions(events: &[Event]) -> Vec<Dissolution> {
    let mut rows: Vec<(NaiveDate, FactionId, Option<RegionId>, usize)> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.action == Action::Dissolved)
        .filter_map(|(i, e)| match e.target {
            Target::Everywhere => Some((e.date, e.faction, None, i)),
            Target::Region(r) => Some((e.date, e.faction, Some(r), i)),
            Target::Place(_) => None,
        })
        .collect();
    rows.sort_unstable();
    let mut out: Vec<Dissolution> = Vec::new();
    for (date, faction, region, i) in rows {
        if !matches!(out.last(), Some(d) if (d.date, d.faction, d.region) == (date, faction, region)) {
            out.push(Dissolution { date, faction, region, rows: Vec::new(), successors: Vec::new() });
        }
        if let Some(d) = out.last_mut() {
            d.rows.push(EventId(i as u32));
            for f in &events[i].successors {
                if !d.successors.contains(f) && *f != faction {
                    d.successors.push(*f);
                }
            }
        }
    }
    out
}

/// Every place and region row expanded to one claim per place, sorted by day and place,
/// place rows before region rows.
pub(super) fn claims(events: &[Event], regions: &Regions, places: usize) -> Vec<Claim> {
    let mut claims: Vec<Claim> = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        if e.action == Action::Dissolved {
            continue;
        }
        match e.target {
            Target::Place(p) if p.index() < places => claims.push((e.date, p.0, false, i as u32)),
            Target::Region(r) => {
                if let Some(region) = regions.all().get(r.index()) {
                    claims.extend(
                        region.members.iter().filter(|m| m.index() < places).map(|m| (e.date, m.0, true, i as u32)),
                    );
                }
            }
            _ => {}
        }
    }
    claims.sort_unstable();
    claims
}

/// Whether a region row speaks to a place in the state `start`. A region-wide denial
/// (`held`) keeps what the faction still has there and takes nothing back; a region-wide
/// entry does not contest the faction's own places. Captures and withdrawals apply as
/// they would to a place.
fn region_row_applies(event: &Event, start: &PlaceState) -> bool {
    let f = Some(event.faction);
    match event.action {
        Action::Held => start.holder == f || start.challenger == f,
        Action::Entered => start.holder != f,
        _ => true,
    }
}

/// Applies the rows of one place and one day (the claims `group`, sorted, all of one
/// place and day) to `start`: place rows if there are any, else the region rows that
/// apply to it. Returns the new state and the rows that support and dispute it, or
/// `None` when no row applies.
///
/// `own` is the strongest confidence of the place's own rows behind `start` (when `start`
/// rests on them): region rows never override it with a weaker claim (those rows are only
/// listed as disputing), and region rows that agree with it leave the place's basis its
/// own rows.
pub(super) fn apply_group(
    events: &[Event],
    group: &[Claim],
    start: PlaceState,
    own: Option<Confidence>,
) -> Option<(PlaceState, Vec<EventId>, Vec<EventId>)> {
    let via_region = group[0].2;
    let mut rows: Vec<usize> = group
        .iter()
        .filter(|c| c.2 == via_region)
        .map(|c| c.3 as usize)
        .filter(|&r| !via_region || region_row_applies(&events[r], &start))
        .collect();
    rows.dedup();
    if rows.is_empty() {
        return None;
    }
    sort_by_rank(events, &mut rows);
    let mut state = start;
    for &r in &rows {
        state.apply(&events[r]);
    }
    state.settle(&start);
    let own = own.filter(|_| via_region && start.basis == Basis::Events);
    if let Some(own) = own {
        let strongest = rows.iter().map(|&r| events[r].confidence).max();
        if !state.same_sides(&start) && strongest.is_some_and(|c| c < own) {
            // A district-wide claim weaker than the place's own rows: the place keeps them.
            return Some((start, Vec::new(), rows.iter().map(|&r| EventId(r as u32)).collect()));
        }
    }
    let (supporting, disputing): (Vec<EventId>, Vec<EventId>) =
        rows.iter().map(|&r| EventId(r as u32)).partition(|id| state.is_supported_by(&events[id.0 as usize]));
    if !supporting.is_empty() {
        state.basis =
            if !via_region || (own.is_some() && state.same_sides(&start)) { Basis::Events } else { Basis::Region };
    }
    Some((state, supporting, disputing))
}

/// The strongest confidence of a place's own rows behind its state after a group of rows
/// (`via_region` or not) took it from `start` to `next` with `supporting` rows, given `own`
/// before: what [`apply_group`] needs the next time. `None` when the state does not rest on
/// the place's own rows.
pub(super) fn next_own(
    events: &[Event],
    own: Option<Confidence>,
    via_region: bool,
    start: &PlaceState,
    next: &PlaceState,
    supporting: &[EventId],
) -> Option<Confidence> {
    let strongest = supporting.iter().map(|id| events[id.0 as usize].confidence).max();
    if next.basis != Basis::Events {
        None
    } else if via_region {
        own
    } else if next.same_sides(start) && start.basis == Basis::Events {
        own.max(strongest)
    } else {
        strongest
    }
}

/// The histories being written, one span per place and day at most.
struct Histories {
    spans: Vec<Vec<Span>>,
    touched: Vec<usize>,
}

impl Histories {
    /// Sets `place`'s state for `day`, citing `rows` (added to the day's span if the place
    /// already has one).
    fn record(&mut self, place: usize, day: NaiveDate, state: PlaceState, rows: &[EventId]) {
        match self.spans[place].last_mut() {
            Some(span) if span.day == day => {
                span.state = state;
                for r in rows {
                    if !span.supporting.contains(r) {
                        span.supporting.push(*r);
                    }
                }
            }
            _ => {
                self.spans[place].push(Span { day, state, supporting: rows.to_vec(), disputing: Vec::new() });
                self.touched.push(place);
            }
        }
    }
}

/// The rows behind the latest span of each of `places`, in that order, without repeats
/// and at most [`MAX_ENCLAVE_CITATIONS`] of them: what an inferred transfer cites.
fn latest_citations(spans: &[Vec<Span>], places: &[usize]) -> Vec<EventId> {
    let mut cited: Vec<EventId> = Vec::new();
    for &p in places {
        for r in spans[p].last().map(|s| s.supporting.as_slice()).unwrap_or_default() {
            if cited.len() < MAX_ENCLAVE_CITATIONS && !cited.contains(r) {
                cited.push(*r);
            }
        }
    }
    cited
}

/// See [`ControlModel::build`].
pub(super) fn build(
    baseline: &[Option<FactionId>],
    events: &[Event],
    regions: &Regions,
    inference: Option<Inference<'_>>,
) -> ControlModel {
    let n = baseline.len();
    let base: Vec<PlaceState> = baseline.iter().map(|h| PlaceState::baseline(*h)).collect();
    let claims = claims(events, regions, n);
    let dissolutions = dissolutions(events);
    let mut days: BTreeSet<NaiveDate> = claims.iter().map(|c| c.0).chain(dissolutions.iter().map(|d| d.date)).collect();

    let mut current = base.clone();
    let mut h = Histories { spans: vec![Vec::new(); n], touched: Vec::new() };
    let mut has_evidence = vec![false; n];
    // See `next_own`: dissolutions and inference reset it (their states rest on no row of
    // the place's own).
    let mut own: Vec<Option<Confidence>> = vec![None; n];
    let mut enclosed_since: Vec<Option<NaiveDate>> = vec![None; n];
    let mut passed_since: Vec<Option<NaiveDate>> = vec![None; n];
    // The places whose `passed_since` is set: they are looked at again each day.
    let mut passing: Vec<usize> = Vec::new();
    // A pocket that already existed at the baseline (a garrison linked to its main body
    // only by a long desert road) was held then: the rule is for pockets the offensive
    // makes, not for the lines it starts from.
    let mut pocket_at_baseline = vec![false; n];
    let mut finder = inference.map(|inf| PocketFinder::new(inf.graph, n));
    if let Some(finder) = &mut finder {
        for pocket in finder.find(baseline) {
            for &p in pocket.places {
                pocket_at_baseline[p] = true;
            }
        }
    }
    let (mut c, mut d) = (0, 0);
    while let Some(day) = days.pop_first() {
        h.touched.clear();
        // 1–2. Place rows, else region rows, per place.
        while c < claims.len() && claims[c].0 == day {
            let place = claims[c].1;
            let mut k = c;
            while k < claims.len() && claims[k].0 == day && claims[k].1 == place {
                k += 1;
            }
            let p = place as usize;
            if let Some((state, supporting, disputing)) = apply_group(events, &claims[c..k], current[p], own[p]) {
                own[p] = next_own(events, own[p], claims[c].2, &current[p], &state, &supporting);
                has_evidence[p] |= !supporting.is_empty();
                h.spans[p].push(Span { day, state, supporting, disputing });
                h.touched.push(p);
                current[p] = state;
            }
            c = k;
        }
        // 3. Dissolutions: new ones over their whole scope, earlier ones over today's changes.
        let first_new = d;
        while d < dissolutions.len() && dissolutions[d].date == day {
            d += 1;
        }
        let mut orphans: Vec<(usize, Vec<usize>)> = Vec::new();
        for (k, ds) in dissolutions[..d].iter().enumerate() {
            let scope: Vec<usize> = if k >= first_new { (0..n).collect() } else { h.touched.clone() };
            let mut left = Vec::new();
            for p in scope {
                let s = current[p];
                if (s.holder == Some(ds.faction) || s.challenger == Some(ds.faction)) && ds.covers(regions, p) {
                    let mut state = s;
                    state.withdraw(ds.faction, day);
                    state.basis = ds.basis();
                    if s.holder == Some(ds.faction) && state.holder.is_none() {
                        left.push(p);
                    }
                    current[p] = state;
                    own[p] = None;
                    h.record(p, day, state, &ds.rows);
                } else if k >= first_new
                    && !ds.successors.is_empty()
                    && s.holder.is_none()
                    && s.challenger.is_none()
                    && ds.covers(regions, p)
                {
                    // A place the faction left and nobody took is still its land when it
                    // ends: a named successor takes it over with the rest.
                    let last = h.spans[p].iter().rev().find_map(|span| span.state.holder).or(base[p].holder);
                    if last == Some(ds.faction) {
                        left.push(p);
                    }
                }
            }
            if !left.is_empty() {
                orphans.push((k, left));
            }
        }
        let (Some(inf), Some(finder)) = (inference, &mut finder) else { continue };
        // 4a. Succession. Named successors take over everywhere (the nearest of them, at
        // any distance; the first named where none holds a place the graph reaches);
        // otherwise the nearest other faction within max_km does.
        for (k, left) in orphans {
            let ds = &dissolutions[k];
            let holders: Vec<Option<FactionId>> = current.iter().map(|s| s.holder).collect();
            let heirs = if ds.successors.is_empty() {
                successors(
                    inf.graph,
                    &holders,
                    |f| f == ds.faction || inf.no_inheritance.contains(&f),
                    &left,
                    inf.settings.max_km,
                )
                .into_iter()
                .map(|s| s.map(|s| s.faction))
                .collect()
            } else {
                successors(inf.graph, &holders, |f| !ds.successors.contains(&f), &left, f64::INFINITY)
                    .into_iter()
                    .map(|s| s.map(|s| s.faction).or(ds.successors.first().copied()))
                    .collect::<Vec<_>>()
            };
            for (&p, heir) in left.iter().zip(heirs) {
                if let Some(heir) = heir {
                    let state = PlaceState::inferred(heir, day, Rule::Succession);
                    current[p] = state;
                    own[p] = None;
                    h.record(p, day, state, &ds.rows);
                }
            }
        }
        // 4b. Enclaves; a transfer can enclose another pocket, so look again.
        for _ in 0..4 {
            let holders: Vec<Option<FactionId>> = current.iter().map(|s| s.holder).collect();
            let mut still = vec![false; n];
            let mut moved = false;
            for pocket in finder.find(&holders) {
                if inf.no_inheritance.contains(&pocket.enclosed_by) {
                    continue;
                }
                // Gathered at the first transfer: most pockets (the garrisons of the
                // starting lines) transfer nothing, and nothing before it changes them.
                let mut cited: Option<Vec<EventId>> = None;
                for &p in pocket.places {
                    // Only places nothing has touched: no row of their own, no earlier
                    // inference (so a place changes hands by this rule at most once).
                    let untouched = current[p].basis == Basis::Baseline && current[p].challenger.is_none();
                    if has_evidence[p] || !untouched || pocket_at_baseline[p] {
                        continue;
                    }
                    still[p] = true;
                    let since = *enclosed_since[p].get_or_insert(day);
                    let due = since.checked_add_days(Days::new(u64::from(inf.settings.enclave_days))).unwrap_or(since);
                    if day >= due {
                        let state = PlaceState::inferred(pocket.enclosed_by, day, Rule::Enclave);
                        current[p] = state;
                        own[p] = None;
                        let cited = cited.get_or_insert_with(|| latest_citations(&h.spans, pocket.border));
                        h.record(p, day, state, cited);
                        enclosed_since[p] = None;
                        moved = true;
                    } else if due <= inf.last_day {
                        days.insert(due);
                    }
                }
            }
            for (p, since) in enclosed_since.iter_mut().enumerate() {
                if !still[p] {
                    *since = None;
                }
            }
            if !moved {
                break;
            }
        }
        // 4c. Places the front has passed: most neighbours taken by rows of one faction.
        if inf.settings.passed_share > 0.0 {
            let mut flips: Vec<(usize, FactionId, Vec<EventId>)> = Vec::new();
            // Whether a place has been passed depends only on its state and its
            // neighbours': only places changed today, their neighbours and places already
            // counting days can have a new answer (a scan of every place every day made
            // a year of 100,000 places take seconds).
            let mut candidates = std::mem::take(&mut passing);
            for &p in &h.touched {
                candidates.push(p);
                candidates.extend(inf.graph.neighbours(p).map(|(j, _)| j).filter(|&j| j < n));
            }
            candidates.sort_unstable();
            candidates.dedup();
            for p in candidates {
                let s = current[p];
                let untouched = s.basis == Basis::Baseline && s.challenger.is_none() && !has_evidence[p];
                let Some(holder) = s.holder.filter(|_| untouched) else {
                    passed_since[p] = None;
                    continue;
                };
                let mut total = 0usize;
                let mut taken: Vec<(FactionId, usize)> = Vec::new();
                for (j, _) in inf.graph.neighbours(p) {
                    if j >= n {
                        continue;
                    }
                    total += 1;
                    let sj = current[j];
                    match sj.holder {
                        Some(f)
                            if f != holder
                                && matches!(sj.basis, Basis::Events | Basis::Region)
                                && !inf.no_inheritance.contains(&f) =>
                        {
                            match taken.iter_mut().find(|(g, _)| *g == f) {
                                Some(entry) => entry.1 += 1,
                                None => taken.push((f, 1)),
                            }
                        }
                        _ => {}
                    }
                }
                let best = taken.iter().copied().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
                match best {
                    Some((f, count)) if total >= 3 && count as f64 >= inf.settings.passed_share * total as f64 => {
                        passing.push(p);
                        let since = *passed_since[p].get_or_insert(day);
                        let due =
                            since.checked_add_days(Days::new(u64::from(inf.settings.enclave_days))).unwrap_or(since);
                        if day >= due {
                            let takers: Vec<usize> = inf
                                .graph
                                .neighbours(p)
                                .map(|(j, _)| j)
                                .filter(|&j| j < n && current[j].holder == Some(f))
                                .collect();
                            flips.push((p, f, latest_citations(&h.spans, &takers)));
                        } else if due <= inf.last_day {
                            days.insert(due);
                        }
                    }
                    _ => passed_since[p] = None,
                }
            }
            // Applied after the scan, so one day's flips never count towards another's.
            for (p, f, cited) in flips {
                let state = PlaceState::inferred(f, day, Rule::Passed);
                current[p] = state;
                own[p] = None;
                h.record(p, day, state, &cited);
                passed_since[p] = None;
            }
        }
    }
    ControlModel { baseline: base, history: h.spans }
}
