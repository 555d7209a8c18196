//! What changed on a day, as lines for a reader: the frames' panel and the page's list.

use chrono::NaiveDate;
use serde::Serialize;

use crate::control::{Basis, ControlModel, Status};
use crate::event::{Action, FactionId, Target};
use crate::gazetteer::PlaceId;
use crate::scenario::{Scenario, Text};

/// One line of a day's changes, and the place it is about, if one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayChange {
    /// The line, starting with a bullet.
    pub text: String,
    /// The place a reader can go to.
    pub place: Option<PlaceId>,
}

impl DayChange {
    fn text(text: impl Into<String>) -> DayChange {
        DayChange { text: text.into(), place: None }
    }
}

/// What changed on `day`, in the order a reader needs it: dissolutions, region rows,
/// then each place a row names that changed hands (largest first), then the changes the
/// program assessed, counted per faction.
pub fn day_changes(s: &Scenario, model: &ControlModel, day: NaiveDate) -> Vec<DayChange> {
    span_changes(s, model, day, day)
}

/// What changed from `first` to `day`, both included, as [`day_changes`] tells a day: the
/// rows of every day of the span, and each place whose state differs between the eve of
/// `first` and `day` (a place taken and lost again within the span is not listed). Frames
/// drawn every N days (`render --every N`) tell the days since the frame before this way.
pub fn span_changes(s: &Scenario, model: &ControlModel, first: NaiveDate, day: NaiveDate) -> Vec<DayChange> {
    // The day before the first is the baseline: first-day rows are listed like any other.
    let Some(prev) = first.min(day).pred_opt() else { return Vec::new() };
    let in_span = |d: NaiveDate| d > prev && d <= day;
    let t = &s.text;
    let name = |f: Option<FactionId>| f.map_or(t.nobody.clone(), |f| s.faction(f).name.clone());
    let fill = |template: &str, values: &[(&str, &str)]| format!("• {}", Text::fill(template, values));
    let mut lines: Vec<DayChange> = Vec::new();
    if in_span(s.first_day)
        && let Some(note) = &s.first_day_note
    {
        lines.push(DayChange::text(note.clone()));
    }
    let mut said: Vec<(Target, FactionId, Action)> = Vec::new();
    for e in s.events.iter().filter(|e| in_span(e.date)) {
        let key = (e.target, e.faction, e.action);
        if said.contains(&key) {
            continue;
        }
        let line = match (e.action, e.target) {
            (Action::Dissolved, Target::Everywhere) => fill(&t.dissolved, &[("faction", &name(Some(e.faction)))]),
            (Action::Dissolved, Target::Region(r)) => {
                fill(&t.left_region, &[("faction", &name(Some(e.faction))), ("region", &s.regions.get(r).name)])
            }
            (action, Target::Region(r)) if action != Action::Held => {
                let template = match action {
                    Action::Captured => &t.region_taken,
                    Action::Entered => &t.region_entered,
                    _ => &t.region_left,
                };
                fill(template, &[("faction", &name(Some(e.faction))), ("region", &s.regions.get(r).name)])
            }
            _ => continue,
        };
        said.push(key);
        lines.push(DayChange::text(line));
    }
    // The day's place rows, by place: what was said decides how a change reads.
    let mut said_of: std::collections::HashMap<PlaceId, Vec<(FactionId, Action)>> = std::collections::HashMap::new();
    for e in s.events.iter().filter(|e| in_span(e.date)) {
        if let Target::Place(p) = e.target {
            said_of.entry(p).or_default().push((e.faction, e.action));
        }
    }
    let mut changes = model.changes(prev, day);
    changes.sort_by_key(|c| std::cmp::Reverse(s.gazetteer.get(c.place).population.unwrap_or(0)));
    let mut assessed: Vec<(FactionId, usize)> = Vec::new();
    let mut place_lines: Vec<DayChange> = Vec::new();
    for c in &changes {
        let after = c.after.state;
        match (after.basis, after.holder) {
            (Basis::Inferred(_), Some(f)) => match assessed.iter_mut().find(|(g, _)| *g == f) {
                Some((_, n)) => *n += 1,
                None => assessed.push((f, 1)),
            },
            (Basis::Region, _) => {}
            _ => {
                let place = &s.gazetteer.get(c.place).name;
                let rows = said_of.get(&c.place).map(Vec::as_slice).unwrap_or_default();
                let by = |f: Option<FactionId>, action: Action| rows.iter().any(|r| Some(r.0) == f && r.1 == action);
                let before = c.before;
                let text = match after.status() {
                    // The side fighting inside withdrew: the holder stays.
                    Status::Held if after.holder == before.holder && by(before.challenger, Action::Withdrew) => {
                        fill(&t.left, &[("place", place), ("faction", &name(before.challenger))])
                    }
                    // The holder withdrew and the side inside has it.
                    Status::Held if by(before.holder, Action::Withdrew) && !by(after.holder, Action::Captured) => fill(
                        &t.left_to,
                        &[("place", place), ("faction", &name(before.holder)), ("holder", &name(after.holder))],
                    ),
                    // A denial, or a challenge that ended without a capture: nobody took it.
                    Status::Held
                        if after.holder == before.holder
                            || (by(after.holder, Action::Held) && !by(after.holder, Action::Captured)) =>
                    {
                        fill(&t.still_held, &[("place", place), ("faction", &name(after.holder))])
                    }
                    Status::Held => fill(&t.taken, &[("place", place), ("faction", &name(after.holder))]),
                    Status::Contested => fill(&t.contested, &[("place", place), ("faction", &name(after.challenger))]),
                    Status::Unheld => fill(&t.left, &[("place", place), ("faction", &name(before.holder))]),
                };
                place_lines.push(DayChange { text, place: Some(c.place) });
            }
        }
    }
    if !assessed.is_empty() {
        let parts: Vec<String> = assessed
            .iter()
            .map(|(f, n)| {
                let template = if *n == 1 { &t.assessed_one } else { &t.assessed_many };
                Text::fill(template, &[("n", &n.to_string()), ("faction", &name(Some(*f)))])
            })
            .collect();
        lines.push(DayChange::text(fill(&t.assessed, &[("list", &parts.join(", "))])));
    }
    lines.extend(place_lines);
    if lines.iter().all(|l| Some(&l.text) == s.first_day_note.as_ref()) {
        lines.push(DayChange::text(t.no_change.clone()));
    }
    lines
}

/// The panel's lines for `day`: [`day_changes`], with the places of a region that one
/// faction took grouped into one line ("Daraa: 9 places taken by …") when more than one
/// did, except named places (`named_population` people or more, or always labelled),
/// which keep lines of their own and come first. Groups follow, largest first, then the
/// remaining single lines. A day of collapse then fits the panel; the ungrouped list is
/// [`day_summary`].
pub fn panel_changes(s: &Scenario, model: &ControlModel, day: NaiveDate, named_population: u64) -> Vec<String> {
    panel_span_changes(s, model, day, day, named_population)
}

/// [`panel_changes`] over the days from `first` to `day` (see [`span_changes`]).
pub fn panel_span_changes(
    s: &Scenario,
    model: &ControlModel,
    first: NaiveDate,
    day: NaiveDate,
    named_population: u64,
) -> Vec<String> {
    let lines = span_changes(s, model, first, day);
    let Some(prev) = first.min(day).pred_opt() else { return Vec::new() };
    let after: std::collections::HashMap<PlaceId, Option<FactionId>> = model
        .changes(prev, day)
        .into_iter()
        .filter(|c| c.after.state.status() == Status::Held)
        .map(|c| (c.place, c.after.state.holder))
        .collect();
    let named = |p: PlaceId| {
        let place = s.gazetteer.get(p);
        place.population.unwrap_or(0) >= named_population || place.label == crate::gazetteer::LabelRule::Always
    };
    // (region, faction) -> the places' lines, in the order they came (largest first).
    let mut groups: Vec<((String, FactionId), Vec<String>)> = Vec::new();
    let (mut head, mut cities, mut rest) = (Vec::new(), Vec::new(), Vec::new());
    for line in lines {
        let Some(place) = line.place else {
            head.push(line.text);
            continue;
        };
        match after.get(&place) {
            _ if named(place) => cities.push(line.text),
            Some(Some(f)) => {
                let key = (s.gazetteer.get(place).admin1.clone(), *f);
                match groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, members)) => members.push(line.text),
                    None => groups.push((key, vec![line.text])),
                }
            }
            _ => rest.push(line.text),
        }
    }
    groups.sort_by_key(|(_, members)| std::cmp::Reverse(members.len()));
    let mut grouped = Vec::new();
    for ((region, faction), members) in groups {
        if members.len() == 1 || region.trim().is_empty() {
            rest.extend(members);
            continue;
        }
        let values =
            [("region", region.as_str()), ("n", &members.len().to_string()), ("faction", &s.faction(faction).name)];
        grouped.push(format!("• {}", Text::fill(&s.text.group_taken, &values)));
    }
    head.into_iter().chain(cities).chain(grouped).chain(rest).collect()
}

/// The full account of `day` as plain text, for a file beside its frame: the title and
/// date, every line of [`day_changes`], every place the program assessed (with its new
/// holder), and every source's outlet and title. Nothing is cut.
pub fn day_summary(s: &Scenario, model: &ControlModel, day: NaiveDate) -> String {
    span_summary(s, model, day, day)
}

/// [`day_summary`] of the days from `first` to `day` (see [`span_changes`]), headed "Since"
/// the day before `first` when the span is longer than a day.
pub fn span_summary(s: &Scenario, model: &ControlModel, first: NaiveDate, day: NaiveDate) -> String {
    let t = &s.text;
    let mut out = String::new();
    let total = s.day_number(s.last_day);
    let first = first.min(day);
    out.push_str(&format!("{}\n{}\n", s.title, t.date(day)));
    out.push_str(&Text::fill(&t.day_of, &[("day", &s.day_number(day).to_string()), ("days", &total.to_string())]));
    out.push_str(&format!("\n\n{}\n", changes_heading(s, first, day)));
    for line in span_changes(s, model, first, day) {
        out.push_str(&line.text);
        out.push('\n');
    }
    if let Some(prev) = first.pred_opt() {
        let mut assessed: Vec<(String, String)> = model
            .changes(prev, day)
            .into_iter()
            .filter(|c| matches!(c.after.state.basis, Basis::Inferred(_)))
            .map(|c| {
                let holder = c.after.state.holder.map_or(t.nobody.clone(), |f| s.faction(f).name.clone());
                (s.gazetteer.get(c.place).name.clone(), holder)
            })
            .collect();
        assessed.sort();
        if !assessed.is_empty() {
            out.push_str(&format!("\n{}\n", Text::fill(&t.assessed, &[("list", &assessed.len().to_string())])));
            for (place, holder) in assessed {
                out.push_str(&format!("• {}\n", Text::fill(&t.taken, &[("place", &place), ("faction", &holder)])));
            }
        }
    }
    let mut sources: Vec<String> = Vec::new();
    for e in s.events.iter().filter(|e| e.date >= first && e.date <= day) {
        let line = match s.source(&e.source) {
            Some(src) if !src.url.is_empty() => format!("{} — {} <{}>", src.outlet, src.title, src.url),
            Some(src) => format!("{} — {}", src.outlet, src.title),
            None => e.source.clone(),
        };
        if !sources.contains(&line) {
            sources.push(line);
        }
    }
    if !sources.is_empty() {
        out.push_str(&format!("\n{}\n", Text::fill(&t.sources, &[("list", "")]).trim_end()));
        for line in sources {
            out.push_str(&format!("• {line}\n"));
        }
    }
    out
}

/// The heading of a frame's changes: "This day", or "Since {date}" (the day before
/// `first`) when the frame tells several days.
pub fn changes_heading(s: &Scenario, first: NaiveDate, day: NaiveDate) -> String {
    match first.min(day).pred_opt() {
        Some(before) if first < day => Text::fill(&s.text.since_frame, &[("date", &s.text.date(before))]),
        _ => s.text.this_day.clone(),
    }
}
