//! `frontline check`: what is wrong with a scenario, and where the sources disagree.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use crate::control::{ControlModel, PlaceState};
use crate::error::{Location, shorten};
use crate::event::{Action, Event, Target};
use crate::gazetteer::PlaceId;
use crate::inference::NeighbourGraph;
use crate::problem::Problem;
use crate::region::RegionId;
use crate::scenario::{Scenario, SourceKind};

/// Checks a loaded scenario for claims that add nothing or contradict each other. These
/// are warnings: the model's rule settles them, and the user should see how.
pub fn consistency(scenario: &Scenario, model: &ControlModel, events_file: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let events = &scenario.events;
    let mut i = 0;
    while i < events.len() {
        let mut j = i;
        while j < events.len() && events[j].target == events[i].target && events[j].date == events[i].date {
            j += 1;
        }
        match events[i].target {
            Target::Place(place) => place_conflicts(scenario, model, place, &events[i..j], events_file, &mut problems),
            Target::Region(region) => {
                region_conflicts(scenario, model, region, &events[i..j], events_file, &mut problems)
            }
            Target::Everywhere => {}
        }
        i = j;
    }
    after_dissolution(scenario, events_file, &mut problems);
    problems
}

fn place_conflicts(
    scenario: &Scenario,
    model: &ControlModel,
    place: PlaceId,
    group: &[Event],
    events_file: &str,
    problems: &mut Vec<Problem>,
) {
    // Names and keys in messages are cut as echoed values are: a 1 MB name stays a line.
    let name = &shorten(&scenario.gazetteer.get(place).name);
    let faction = |f| shorten(&scenario.faction(f).key);
    let day = group[0].date;
    let before = day.pred_opt().map_or_else(|| model.state(place, day), |d| model.state(place, d));
    let after = model.control(place, day);
    for e in group.iter().filter(|e| e.action != Action::Dissolved) {
        let at = Location::line(events_file, e.line);
        if e.action == Action::Captured && before.holder == Some(e.faction) {
            let since = before.held_since.map_or("the baseline".to_string(), |d| d.to_string());
            problems.push(Problem::warning(
                at.clone(),
                format!("{} captures {name} which it already holds (since {since})", faction(e.faction)),
            ));
        }
    }
    // One warning per group of conflicting rows, listing the losers (linear in the rows).
    let line = |w: &Event| format!("line {} ({} {} {})", w.line, faction(w.faction), w.action, w.confidence);
    let (winners, losers): (Vec<&Event>, Vec<&Event>) =
        group.iter().filter(|e| e.action != Action::Dissolved).partition(|e| after.state.is_supported_by(e));
    if let Some(first) = losers.first() {
        const SHOWN: usize = 5;
        let mut lost: Vec<String> = losers.iter().take(SHOWN).map(|w| line(w)).collect();
        if losers.len() > SHOWN {
            lost.push(format!("and {} more", losers.len() - SHOWN));
        }
        let mut won: Vec<String> = winners.iter().take(SHOWN).map(|w| line(w)).collect();
        if winners.len() > SHOWN {
            won.push(format!("and {} more", winners.len() - SHOWN));
        }
        problems.push(Problem::warning(
            Location::line(events_file, first.line),
            format!(
                "conflicting claims for {name} on {day}: {} row(s) lose: {}; to {}",
                losers.len(),
                lost.join(", "),
                if won.is_empty() { "the rule".to_string() } else { won.join(", ") }
            ),
        ));
    }
}

/// A region row that no place of its region bears out at the end of its day, among the
/// places no place row names that day (those are settled by their own rows, by design).
fn region_conflicts(
    scenario: &Scenario,
    model: &ControlModel,
    region: RegionId,
    group: &[Event],
    events_file: &str,
    problems: &mut Vec<Problem>,
) {
    let day = group[0].date;
    let region = scenario.regions.get(region);
    // Events are sorted by date: the rows of the day are one run.
    let from = scenario.events.partition_point(|e| e.date < day);
    let to = scenario.events.partition_point(|e| e.date <= day);
    let named_today: std::collections::HashSet<PlaceId> =
        scenario.events[from..to].iter().filter_map(|e| e.place()).collect();
    let governed: Vec<PlaceId> = region.members.iter().copied().filter(|p| !named_today.contains(p)).collect();
    // A handover that moves nothing is worth a word: every place of the region is named by
    // rows of its own that day, or was already so (a denial, `held`, is allowed to).
    let unchanged = governed.iter().all(|p| {
        let before = day.pred_opt().map_or_else(|| model.state(*p, day), |d| model.state(*p, d));
        before.same_sides(&model.state(*p, day))
    });
    if group.iter().any(|e| matches!(e.action, Action::Captured | Action::Withdrew | Action::Entered)) && unchanged {
        let e = &group[0];
        let why = if governed.is_empty() {
            "every place in it is named by rows of its own that day"
        } else {
            "every place in it was already so"
        };
        problems.push(Problem::warning(
            Location::line(events_file, e.line),
            format!("the rows on the region {} on {day} change nothing: {why}", shorten(&region.name)),
        ));
    }
    for e in group.iter().filter(|e| e.action != Action::Dissolved) {
        if !governed.is_empty() && governed.iter().all(|p| !model.state(*p, day).is_supported_by(e)) {
            problems.push(Problem::warning(
                Location::line(events_file, e.line),
                format!(
                    "conflicting claims for the region {} on {day}: this row ({} {} {}) decides none of its places",
                    shorten(&region.name),
                    shorten(&scenario.faction(e.faction).key),
                    e.action,
                    e.confidence
                ),
            ));
        }
    }
}

/// Rows that give a faction ground after it dissolved: the model overrides them.
fn after_dissolution(scenario: &Scenario, events_file: &str, problems: &mut Vec<Problem>) {
    let dissolutions: Vec<&Event> = scenario.events.iter().filter(|e| e.action == Action::Dissolved).collect();
    for e in &scenario.events {
        if !matches!(e.action, Action::Captured | Action::Entered | Action::Held) {
            continue;
        }
        let ended = dissolutions.iter().find(|d| {
            d.faction == e.faction
                && d.date < e.date
                && match (d.target, e.target) {
                    (Target::Everywhere, _) => true,
                    (Target::Region(r), Target::Place(p)) => scenario.regions.get(r).members.contains(&p),
                    (Target::Region(r), Target::Region(q)) => r == q,
                    _ => false,
                }
        });
        if let Some(d) = ended {
            problems.push(Problem::warning(
                Location::line(events_file, e.line),
                format!(
                    "{} dissolved on {} (line {}); this row ({} {}) is overridden: a dissolved faction holds nothing",
                    shorten(&scenario.faction(e.faction).key),
                    d.date,
                    d.line,
                    e.action,
                    shorten(&e.place_text)
                ),
            ));
        }
    }
}

/// Places still shown with a holder that no row has confirmed since `since`, although
/// every one of their neighbours changed hands between the first day and the last: the
/// map probably shows them wrongly. Warnings, to add a row or accept.
pub fn stale_places(
    scenario: &Scenario,
    model: &ControlModel,
    graph: &NeighbourGraph,
    since: NaiveDate,
) -> Vec<Problem> {
    let (first, last) = (scenario.first_day, scenario.last_day);
    let start = |p: usize| {
        first.pred_opt().map_or(PlaceState::baseline(scenario.baseline[p]), |d| model.state(PlaceId(p as u32), d))
    };
    let mut problems = Vec::new();
    for place in scenario.gazetteer.places() {
        let c = model.control(place.id, last);
        let Some(holder) = c.state.holder else { continue };
        // Stale: the same holder as at the start, and no row since `since` confirms it.
        let unchanged = start(place.id.index()).holder == Some(holder);
        let confirmed_since = c.evidence.iter().any(|id| scenario.events[id.0 as usize].date >= since);
        if !unchanged || confirmed_since {
            continue;
        }
        let neighbours: Vec<usize> = graph.neighbours(place.id.index()).map(|(j, _)| j).collect();
        let changed = |j: &usize| start(*j).holder != model.state(PlaceId(*j as u32), last).holder;
        if !neighbours.is_empty() && neighbours.iter().all(changed) {
            problems.push(Problem::warning(
                Location::file(format!("place {}", shorten(&place.key))),
                format!(
                    "{} is still shown as {} ({}) with no evidence since {since}, but all {} of its neighbours changed hands by {last}",
                    shorten(&place.name),
                    shorten(&scenario.faction(holder).key),
                    c.state.basis.as_str(),
                    neighbours.len()
                ),
            ));
        }
    }
    problems
}

/// Checks that every event's quote stands in the report it cites, read from `reports`
/// (a folder of `.txt` files named as the `source` column names them). Whitespace and
/// typographic quotes and dashes are folded before comparing.
pub fn quotes(scenario: &Scenario, reports: &Path, events_file: &str) -> Vec<Problem> {
    let mut texts: HashMap<String, Option<String>> = HashMap::new();
    let mut problems = Vec::new();
    for e in &scenario.events {
        let at = Location::line(events_file, e.line).field("quote");
        let source = scenario.source(&e.source);
        if source.is_some_and(|s| s.kind == SourceKind::Dataset) {
            // A dataset is not a text to quote from.
            continue;
        }
        if let Some(page) = source.filter(|s| s.kind == SourceKind::Page) {
            // A public page is cited in the editor's words, never copied.
            if !e.quote.is_empty() {
                problems.push(Problem::error(
                    at,
                    format!(
                        "a row citing the page {} copies no sentence: leave `quote` empty, state the fact in `note`",
                        page.url
                    ),
                ));
            } else if e.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
                problems.push(Problem::error(
                    Location::line(events_file, e.line).field("note"),
                    format!("a row citing the page {} needs a `note` stating the fact in your own words", page.url),
                ));
            }
            continue;
        }
        let file = scenario.source(&e.source).map_or(e.source.clone(), |s| s.file.clone());
        // Only files inside the reports folder are read: sources.csv's `file` is checked
        // when it loads; a row citing a file directly, or a link leading out, is refused here.
        let Some(path) = inside(reports, &file) else {
            problems.push(Problem::error(
                Location::line(events_file, e.line).field("source"),
                format!(
                    "expected a report inside {}, found {} (a path outside the folder is never read)",
                    reports.display(),
                    crate::error::echo(&file)
                ),
            ));
            continue;
        };
        let text = texts.entry(file.clone()).or_insert_with(|| std::fs::read_to_string(&path).ok().map(|t| fold(&t)));
        match text {
            None => {
                problems.push(Problem::error(at, format!("cannot read the report {}", reports.join(&file).display())))
            }
            Some(text) if !text.contains(&fold(&e.quote)) => problems.push(Problem::error(
                at,
                format!("quote not found verbatim in {file}: {}", crate::error::echo(&e.quote)),
            )),
            Some(_) => {}
        }
    }
    problems
}

/// `folder/file` when it lies inside `folder`: `file` is a relative path without `..`, and
/// once symbolic links are followed it is still under the folder. A file that does not
/// exist yet passes (reading it then fails with its own message).
fn inside(folder: &Path, file: &str) -> Option<std::path::PathBuf> {
    if !crate::scenario::is_inside_path(file) {
        return None;
    }
    let path = folder.join(file);
    match (std::fs::canonicalize(folder), std::fs::canonicalize(&path)) {
        (Ok(root), Ok(real)) if !real.starts_with(&root) => None,
        _ => Some(path),
    }
}

/// Folds whitespace runs to one space and typographic quotes and dashes to ASCII.
fn fold(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            '\u{a0}' => ' ',
            c => c,
        })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folding_ignores_spacing_and_typography_only() {
        assert_eq!(fold("a  \n b\u{2019}s \u{201c}x\u{201d} \u{2013}"), "a b's \"x\" -");
        assert_ne!(fold("Hama"), fold("hama"));
    }
}
