//! The reference answer the model must agree with: a slow, direct replay.

use chrono::NaiveDate;

use super::PlaceState;
use super::build::{apply_group, claims, dissolutions, next_own};
use crate::event::{Confidence, Event, FactionId};
use crate::region::Regions;

/// The state of every place at the end of `date`, evidence only: replays every row dated
/// on or before it, day by day, over the baseline, then applies every dissolution so far
/// to every place of its scope. Slow (it looks at every row for every day); the model
/// without inference must agree with it.
pub fn replay(baseline: &[Option<FactionId>], events: &[Event], regions: &Regions, date: NaiveDate) -> Vec<PlaceState> {
    let n = baseline.len();
    let claims = claims(events, regions, n);
    let dissolutions = dissolutions(events);
    let mut days: Vec<NaiveDate> =
        claims.iter().map(|c| c.0).chain(dissolutions.iter().map(|d| d.date)).filter(|d| *d <= date).collect();
    days.sort_unstable();
    days.dedup();
    let mut states: Vec<PlaceState> = baseline.iter().map(|h| PlaceState::baseline(*h)).collect();
    // The strongest confidence of each place's own rows behind its state, while it rests
    // on them (a region row weaker than them does not override them).
    let mut own: Vec<Option<Confidence>> = vec![None; n];
    for day in days {
        for (p, state) in states.iter_mut().enumerate() {
            let group: Vec<_> = claims.iter().filter(|c| c.0 == day && c.1 as usize == p).copied().collect();
            let applied = (!group.is_empty()).then(|| apply_group(events, &group, *state, own[p])).flatten();
            if let Some((next, supporting, _)) = applied {
                own[p] = next_own(events, own[p], group[0].2, state, &next, &supporting);
                *state = next;
            }
        }
        for ds in dissolutions.iter().filter(|ds| ds.date <= day) {
            for (p, state) in states.iter_mut().enumerate() {
                if (state.holder == Some(ds.faction) || state.challenger == Some(ds.faction)) && ds.covers(regions, p) {
                    state.withdraw(ds.faction, day);
                    state.basis = ds.basis();
                    own[p] = None;
                }
            }
        }
    }
    states
}
