//! The Gridland fixture (region rows, a dissolution, an enclave) with one file replaced by
//! the fuzzer's bytes, loaded, modelled and checked as `frontline check` does.

use frontline::scenario::Memory;
use frontline::{Scenario, check};

pub const MANIFEST: &str = concat!(
    include_str!("../../tests/fixtures/assessed/scenario.toml"),
    "\n"
);

pub fn fixture() -> Memory {
    let mut m = Memory::default();
    let manifest = MANIFEST
        .replace("basemap = \"basemap.geojson\"", "basemap = \"basemap.geojson\"\nzones = \"zones.geojson\"\nareas = \"areas.geojson\"");
    m.insert("scenario.toml", manifest);
    m.insert("gazetteer.csv", include_str!("../../tests/fixtures/assessed/gazetteer.csv"));
    m.insert("events.csv", include_str!("../../tests/fixtures/assessed/events.csv"));
    m.insert("baseline.csv", include_str!("../../tests/fixtures/assessed/baseline.csv"));
    m.insert("sources.csv", include_str!("../../tests/fixtures/assessed/sources.csv"));
    m.insert("basemap.geojson", include_str!("../../tests/fixtures/assessed/basemap.geojson"));
    m.insert(
        "zones.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"place":"p22","note":"t"},"geometry":{"type":"Polygon","coordinates":[[[20.18,40.18],[20.22,40.18],[20.22,40.22],[20.18,40.22],[20.18,40.18]]]}}]}"#,
    );
    m.insert(
        "areas.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"North Strip","aliases":"the north"},"geometry":{"type":"Polygon","coordinates":[[[19.9,40.35],[20.6,40.35],[20.6,40.45],[19.9,40.45],[19.9,40.35]]]}}]}"#,
    );
    m
}

/// Loads the scenario leniently, and when it loads, builds both models and runs the
/// checks: nothing may panic.
pub fn exercise(files: &Memory) {
    let report = Scenario::load_report(files);
    for p in &report.problems {
        // Every problem names a file.
        assert!(!p.at.file.is_empty());
        let _ = p.to_string();
    }
    if let Some(s) = report.scenario {
        let model = s.model();
        let evidence = s.model_with(frontline::scenario::Mode::EvidenceOnly);
        let _ = check::consistency(&s, &model, "events.csv");
        let _ = check::stale_places(&s, &model, &s.neighbour_graph(), s.first_day);
        let _ = evidence.states_on(s.last_day);
    }
}
