//! Who held each place on each day, for the page, stored as changes: a chunk of days
//! holds every place's record on its first day, then only the records that change after
//! it, and the day's list of changes. A small scenario has one chunk inlined in the page;
//! a large one writes each chunk to its own script file, loaded when its days are shown.
//!
//! A record is `[holder, challenger, since, basis, rule, evidence, disputed, strength]` (factions as
//! indexes, dates as ISO text, rows as indexes into the page's events), as the page's
//! evidence panel reads it. Records are shared within a chunk (`states`); `start[p]` and
//! each move `[day, place, state]` refer to them, days counted from the page's first.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::control::{Control, ControlModel, strength};
use crate::event::Event;
use crate::gazetteer::PlaceId;
use crate::render::change_lines;
use crate::scenario::Scenario;

/// One place's record; `strength` is the best confidence of the rows behind the state
/// (`"claimed"` marks control on claims alone), null for the baseline and assessed states.
fn record(c: &Control, events: &[Event]) -> Value {
    let st = c.state;
    json!([
        st.holder.map(|f| f.0),
        st.challenger.map(|f| f.0),
        st.since().map(|d| d.to_string()),
        st.basis.as_str(),
        st.basis.inferred_by().map(|r| r.as_str()),
        c.evidence.iter().map(|e| e.0).collect::<Vec<_>>(),
        c.disputed_by.iter().map(|e| e.0).collect::<Vec<_>>(),
        strength(&st, &c.evidence, events).map(|c| c.as_str()),
    ])
}

/// Every place's records over `days`: per place, `(day index, record)` from the first
/// day on, a new one only where the record differs from the one before.
fn timelines(model: &ControlModel, events: &[Event], days: &[NaiveDate]) -> Vec<Vec<(usize, Value)>> {
    let (Some(&first), Some(&last)) = (days.first(), days.last()) else { return Vec::new() };
    (0..model.len())
        .map(|p| {
            let place = PlaceId(p as u32);
            let mut out = vec![(0, record(&model.control(place, first), events))];
            for day in model.record_days(place).filter(|d| *d > first && *d <= last) {
                let r = record(&model.control(place, day), events);
                if out.last().is_some_and(|(_, prev)| *prev != r) {
                    out.push(((day - first).num_days() as usize, r));
                }
            }
            out
        })
        .collect()
}

/// The days as chunks of at most `per_chunk` days each (see the module docs).
pub fn chunks(s: &Scenario, model: &ControlModel, days: &[NaiveDate], per_chunk: usize) -> Vec<Value> {
    let lines = timelines(model, &s.events, days);
    let per_chunk = per_chunk.max(1);
    (0..days.len())
        .step_by(per_chunk)
        .map(|first| {
            let last = (first + per_chunk).min(days.len()) - 1;
            // Records are compared by their JSON text (serde_json's Value has no Hash).
            let mut index: HashMap<String, usize> = HashMap::new();
            let mut states: Vec<Value> = Vec::new();
            let mut start = Vec::with_capacity(lines.len());
            let mut moves: Vec<(usize, usize, &Value)> = Vec::new();
            for (p, line) in lines.iter().enumerate() {
                let at_start = line.partition_point(|(d, _)| *d <= first) - 1;
                start.push(&line[at_start].1);
                for (d, r) in &line[at_start + 1..] {
                    if *d > last {
                        break;
                    }
                    moves.push((*d, p, r));
                }
            }
            moves.sort_by_key(|(d, p, _)| (*d, *p));
            let mut intern = |r: &Value| -> usize {
                *index.entry(r.to_string()).or_insert_with(|| {
                    states.push(r.clone());
                    states.len() - 1
                })
            };
            let start: Vec<usize> = start.into_iter().map(|r| intern(r)).collect();
            let moves: Vec<[usize; 3]> = moves.into_iter().map(|(d, p, r)| [d, p, intern(r)]).collect();
            let changes: Vec<Value> = days[first..=last]
                .iter()
                .map(|d| {
                    Value::Array(
                        change_lines(s, model, *d)
                            .into_iter()
                            .map(|c| json!({"text": c.text, "p": c.place.map(|p| p.0)}))
                            .collect(),
                    )
                })
                .collect();
            json!({"first": first, "last": last, "states": states, "start": start, "moves": moves, "changes": changes})
        })
        .collect()
}
