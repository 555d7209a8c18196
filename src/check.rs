//! `frontline check`: what is wrong with a scenario, and where the sources disagree.

use std::collections::HashMap;
use std::path::Path;

use crate::control::ControlModel;
use crate::error::Location;
use crate::event::{Action, Event};
use crate::problem::Problem;
use crate::scenario::Scenario;

/// Checks a loaded scenario for claims that add nothing or contradict each other. These
/// are warnings: the model's rule settles them, and the user should see how.
pub fn consistency(scenario: &Scenario, model: &ControlModel, events_file: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let name = |e: &Event| scenario.gazetteer.get(e.place).name.clone();
    let faction = |f| scenario.faction(f).key.clone();
    let mut i = 0;
    let events = &scenario.events;
    while i < events.len() {
        let mut j = i;
        while j < events.len() && events[j].place == events[i].place && events[j].date == events[i].date {
            j += 1;
        }
        let group = &events[i..j];
        let day = group[0].date;
        let before =
            day.pred_opt().map_or_else(|| model.state(group[0].place, day), |d| model.state(group[0].place, d));
        let after = model.control(group[0].place, day);
        for e in group {
            let at = Location::line(events_file, e.line);
            if e.action == Action::Captured && before.holder == Some(e.faction) {
                let since = before.held_since.map_or("the baseline".to_string(), |d| d.to_string());
                problems.push(Problem::warning(
                    at.clone(),
                    format!("{} captures {} which it already holds (since {since})", faction(e.faction), name(e)),
                ));
            }
            if !after.state.is_supported_by(e) {
                let winners: Vec<String> = group
                    .iter()
                    .filter(|w| after.state.is_supported_by(w))
                    .map(|w| format!("line {} ({} {} {})", w.line, faction(w.faction), w.action, w.confidence))
                    .collect();
                problems.push(Problem::warning(
                    at,
                    format!(
                        "conflicting claims for {} on {day}: this row ({} {} {}) loses to {}",
                        name(e),
                        faction(e.faction),
                        e.action,
                        e.confidence,
                        if winners.is_empty() { "the rule".to_string() } else { winners.join(", ") }
                    ),
                ));
            }
        }
        i = j;
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
        let file = scenario.source(&e.source).map_or(e.source.clone(), |s| s.file.clone());
        let text = texts
            .entry(file.clone())
            .or_insert_with(|| std::fs::read_to_string(reports.join(&file)).ok().map(|t| fold(&t)));
        match text {
            None => {
                problems.push(Problem::error(at, format!("cannot read the report {}", reports.join(&file).display())))
            }
            Some(text) if !text.contains(&fold(&e.quote)) => problems.push(Problem::error(
                at,
                format!("quote not found verbatim in {file}: {:?}", e.quote.chars().take(80).collect::<String>()),
            )),
            Some(_) => {}
        }
    }
    problems
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
