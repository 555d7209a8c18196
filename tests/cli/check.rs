//! `frontline check` and loading errors on broken copies of the mini scenario: every
//! problem names its file, line and field, and nothing panics.

use crate::workdir::Workdir;

const EVENTS: &str = "mini/events.csv";

fn check(w: &Workdir) -> crate::workdir::Run {
    w.run(&["--scenario", "mini", "check", "--sources", "mini/reports"])
}

#[test]
fn the_fixture_passes_with_its_conflict_as_a_warning() {
    let w = Workdir::with_mini();
    check(&w)
        .success()
        .says("warning: mini/events.csv:4: conflicting claims for Alpha on 2024-03-03")
        .says("0 error(s), 1 warning(s)");
}

#[test]
fn an_unknown_place_is_an_error_with_suggestions() {
    let w = Workdir::with_mini();
    w.edit(EVENTS, "Tall Charlie", "Charly");
    check(&w).failure().says("mini/events.csv:5: field `place`: unknown place \"Charly\"; did you mean charlie");
    // Every other command refuses the scenario with the same message.
    w.run(&["--scenario", "mini", "control", "--date", "2024-03-04"])
        .failure()
        .says("mini/events.csv:5: field `place`");
}

#[test]
fn an_ambiguous_place_lists_its_candidates() {
    let w = Workdir::with_mini();
    w.edit(EVENTS, "Tall Charlie", "Suran");
    check(&w)
        .failure()
        .says("mini/events.csv:5: field `place`: place \"Suran\" is ambiguous")
        .says("suran-north (Şūrān, North)")
        .says("suran-east (Şūrān, East)");
}

#[test]
fn an_unknown_faction_is_an_error() {
    let w = Workdir::with_mini();
    w.edit(EVENTS, "2024-03-04,Tall Charlie,blue", "2024-03-04,Tall Charlie,green");
    check(&w).failure().says("mini/events.csv:5: field `faction`: expected a faction id (blue, red), found \"green\"");
}

#[test]
fn bad_dates_and_values_are_errors() {
    let w = Workdir::with_mini();
    w.edit(EVENTS, "2024-03-04,Tall", "2024-3-4x,Tall");
    w.edit(EVENTS, "entered,reported", "entered,rumoured");
    check(&w)
        .failure()
        .says("mini/events.csv:2: field `confidence`: expected one of confirmed, reported, claimed, found \"rumoured\"")
        .says("mini/events.csv:5: field `date`: expected a date as YYYY-MM-DD, found \"2024-3-4x\"");
}

#[test]
fn an_event_outside_the_range_is_an_error() {
    let w = Workdir::with_mini();
    w.edit(EVENTS, "2024-03-04,Tall", "2024-03-09,Tall");
    check(&w).failure().says("mini/events.csv:5: field `date`: expected a date within the scenario, 2024-03-01 to 2024-03-05, found \"2024-03-09\"");
}

#[test]
fn a_capture_by_the_holder_is_a_warning() {
    let w = Workdir::with_mini();
    let mut events = w.read(EVENTS);
    events.push_str("2024-03-05,Bravo,blue,captured,reported,r1.txt,Charlie fell to Blue on Monday.,\n");
    w.write(EVENTS, &events);
    check(&w)
        .success()
        .says("warning: mini/events.csv:6: blue captures Bravo which it already holds (since the baseline)");
}

#[test]
fn a_missing_quote_is_an_error_only_with_sources() {
    let w = Workdir::with_mini();
    w.edit(EVENTS, "Charlie fell to Blue on Monday.", "Charlie fell to Blue on Tuesday.");
    check(&w).failure().says("mini/events.csv:5: field `quote`: quote not found verbatim in r1.txt");
    w.run(&["--scenario", "mini", "check"]).success();
}

#[test]
fn broken_files_are_named_and_nothing_panics() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "mini/scenario.toml",
            "colour = \"#c0392b\"",
            "colour = \"red\"",
            "factions[0].colour`: expected a colour like #1f77b4, found \"red\"",
        ),
        (
            "mini/scenario.toml",
            "first_day = \"2024-03-01\"",
            "first_day = \"March\"",
            "field `first_day`: expected a date as YYYY-MM-DD",
        ),
        ("mini/scenario.toml", "title = \"Testland\"", "title = ", "mini/scenario.toml:1:"),
        ("mini/scenario.toml", "events = \"events.csv\"", "events = \"missing.csv\"", "mini/missing.csv: No such file"),
        ("mini/gazetteer.csv", "33.5,37.5", "33.5", "mini/gazetteer.csv:3: expected 9 fields, found 8"),
        ("mini/gazetteer.csv", "34.5,37.0", "north,37.0", "mini/gazetteer.csv:4: field `lat`"),
        (
            "mini/baseline.csv",
            "place,Bravo",
            "region,Bravo",
            "mini/baseline.csv:3: field `scope`: expected default, governorate or place",
        ),
        ("mini/events.csv", "date,place", "day,place", "mini/events.csv:1: field `date`"),
        ("mini/basemap.geojson", "\"type\":\"FeatureCollection\"", "\"type\":\"Feature\"", "mini/basemap.geojson"),
    ];
    for (file, from, to, message) in cases {
        let w = Workdir::with_mini();
        w.edit(file, from, to);
        check(&w).failure().says(message);
    }
}
