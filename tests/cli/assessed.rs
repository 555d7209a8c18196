//! Region rows, a dissolution and an enclave on the Gridland fixture, end to end: the
//! answers, the `--evidence-only` switch, the exports and the frames.

use std::collections::HashMap;

use frontline::render::{Atlas, Style, render_pixmap};
use frontline::territory::Territory;
use frontline::{Location, Scenario};
use geo::{Contains, Point};
use serde_json::Value;

use crate::workdir::{Workdir, fixture};

fn control(w: &Workdir, extra: &[&str], date: &str, places: &[&str]) -> Vec<Value> {
    let mut args = vec!["--scenario", "assessed"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["control", "--date", date, "--format", "json"]);
    args.extend_from_slice(places);
    let run = w.run(&args);
    run.success();
    run.json().as_array().expect("a JSON array").clone()
}

fn field<'a>(record: &'a Value, key: &str) -> &'a str {
    record[key].as_str().unwrap_or("")
}

#[test]
fn an_enclosed_pocket_passes_to_the_enclosing_faction_a_day_later() {
    let w = Workdir::with_fixture("assessed");
    let on_2 = control(&w, &[], "2024-05-02", &["p22"]);
    assert_eq!((field(&on_2[0], "faction"), field(&on_2[0], "basis")), ("red", "baseline"));
    let on_3 = control(&w, &[], "2024-05-03", &["p22"]);
    let r = &on_3[0];
    assert_eq!((field(r, "faction"), field(r, "basis"), field(r, "inferred_by")), ("blue", "inferred", "enclave"));
    assert_eq!(field(r, "since"), "2024-05-03");
    // The rule cites the rows that enclosed the pocket.
    let evidence = r["evidence"].as_array().unwrap();
    assert!(!evidence.is_empty() && evidence.iter().all(|e| field(e, "faction") == "blue"), "{evidence:?}");
}

#[test]
fn a_dissolved_faction_holds_nothing_and_its_places_pass_to_the_nearest() {
    let w = Workdir::with_fixture("assessed");
    let all = control(&w, &[], "2024-05-05", &[]);
    assert!(all.iter().all(|r| field(r, "faction") != "green"), "green keeps nothing");
    let east: Vec<&Value> = all.iter().filter(|r| field(r, "id").starts_with("p5")).collect();
    assert_eq!(east.len(), 5);
    for r in east {
        assert_eq!((field(r, "faction"), field(r, "inferred_by")), ("red", "succession"), "{r}");
        let cited = r["evidence"].as_array().unwrap();
        assert_eq!(field(&cited[0], "action"), "dissolved");
    }
}

#[test]
fn a_place_row_beats_a_region_row_of_the_same_day() {
    let w = Workdir::with_fixture("assessed");
    let rows = control(&w, &[], "2024-05-04", &["p00", "p01", "p04"]);
    assert_eq!((field(&rows[0], "faction"), field(&rows[0], "basis")), ("red", "events"));
    for r in &rows[1..] {
        assert_eq!((field(r, "faction"), field(r, "basis")), ("blue", "region"), "{r}");
        assert_eq!(field(&r["evidence"][0], "applies_to"), "West Governorate");
    }
    w.run(&["--scenario", "assessed", "places", "West Governorate"]).success().says("5 places");
    w.run(&["--scenario", "assessed", "places", "Nowhere province"]).failure().says("names no region");
}

#[test]
fn evidence_only_turns_inference_off() {
    let w = Workdir::with_fixture("assessed");
    let rows = control(&w, &["--evidence-only"], "2024-05-05", &["p22", "p50"]);
    assert_eq!((field(&rows[0], "faction"), field(&rows[0], "basis")), ("red", "baseline"));
    // The dissolution is evidence: Green's places are left unheld, citing it.
    assert_eq!((rows[1]["faction"].clone(), field(&rows[1], "status")), (Value::Null, "unheld"));
    assert_eq!(field(&rows[1], "basis"), "events");
    // The manifest switch does the same for the whole scenario.
    w.edit("assessed/scenario.toml", "[inference]\n", "[inference]\nenabled = false\n");
    let off = control(&w, &[], "2024-05-05", &["p22", "p50"]);
    assert_eq!(off, rows);
}

#[test]
fn exports_carry_the_basis_and_the_rule() {
    let w = Workdir::with_fixture("assessed");
    w.run(&["--scenario", "assessed", "export", "--date", "2024-05-05", "--out", "day.geojson"]).success();
    let json: Value = serde_json::from_str(&w.read("day.geojson")).unwrap();
    let features = json["features"].as_array().unwrap();
    let assessed_areas: Vec<&Value> = features
        .iter()
        .filter(|f| f["properties"]["layer"] == "area" && f["properties"]["basis"] == "inferred")
        .collect();
    let rules: Vec<&str> = assessed_areas.iter().map(|f| f["properties"]["inferred_by"].as_str().unwrap()).collect();
    assert!(rules.contains(&"enclave") && rules.contains(&"succession"), "{rules:?}");
    let p22 = features.iter().find(|f| f["properties"]["id"] == "p22").unwrap();
    assert_eq!(p22["properties"]["inferred_by"], "enclave");
    w.run(&["--scenario", "assessed", "export", "--csv", "--out", "control.csv"]).success();
    let csv = w.read("control.csv");
    assert!(csv.lines().any(|l| l.starts_with("2024-05-05,p50,") && l.ends_with(",inferred,succession")), "{csv}");
    w.run(&["--scenario", "assessed", "check"]).success();
}

#[test]
fn frames_draw_assessed_areas_pale_and_dotted() {
    let s = Scenario::from_dir(fixture("assessed")).unwrap();
    let model = s.model();
    let territory = Territory::new(&s);
    let atlas = Atlas::new(&s, &model, &territory, 960, 540, Style::default()).unwrap();
    let day = "2024-05-03".parse().unwrap();
    let pixmap = render_pixmap(&atlas, day, &atlas.day_map(day)).unwrap();
    let blue = s.faction_by_key("blue").unwrap().colour;
    let at = |key: &str| s.gazetteer.lookup(key, &Location::file("test")).unwrap();
    // The pixels of a place's area, away from its marker.
    let counts = |key: &str| -> HashMap<[u8; 3], usize> {
        let cell = atlas.cell_in_pixels(at(key));
        let marker = atlas.positions[at(key).index()];
        let mut counts = HashMap::new();
        for y in 0..pixmap.height() {
            for x in 0..pixmap.width() {
                let c = Point::new(x as f64 + 0.5, y as f64 + 0.5);
                if cell.contains(&c) && (c.x() - marker.x).hypot(c.y() - marker.y) > 12.0 {
                    let p = pixmap.pixel(x, y).unwrap();
                    *counts.entry([p.red(), p.green(), p.blue()]).or_insert(0) += 1;
                }
            }
        }
        counts
    };
    let pale = atlas.style.assessed_colour(blue).rgb();
    let reported = atlas.style.area_colour(blue).rgb();
    // The enclave: mostly the pale fill, with dots of the faction's own colour.
    let enclave = counts("p22");
    let most = enclave.iter().max_by_key(|(_, n)| **n).unwrap().0;
    assert_eq!(*most, pale, "{enclave:?}");
    // Dots are anti-aliased: count bluish pixels well darker than the cell's own fill.
    let dotted = |counts: &HashMap<[u8; 3], usize>, fill: [u8; 3]| -> usize {
        // In i32: near-white pixels (the fronts' casing) would overflow sums of u8.
        let wide = |v: u8| i32::from(v);
        counts
            .iter()
            .filter(|(c, _)| wide(c[0]) + 25 < wide(fill[0]) && wide(c[2]) > wide(c[0]) + 40)
            .map(|(_, n)| *n)
            .sum()
    };
    assert!(dotted(&enclave, pale) >= 50, "stipple dots in the enclave: {enclave:?}");
    // A village Blue took by a row: the reported fill, no pale fill.
    let ring = counts("p12");
    assert_eq!(*ring.iter().max_by_key(|(_, n)| **n).unwrap().0, reported);
    assert_eq!(ring.get(&pale).copied().unwrap_or(0), 0);
    assert_eq!(dotted(&ring, reported), 0, "no stipple where a row says who holds it: {ring:?}");
    let _ = blue;
}
