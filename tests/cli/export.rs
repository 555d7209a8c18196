//! Exports read back the way analysts will read them: GDAL's ogrinfo, the geojson crate,
//! geo's validity checks, and the csv crate.

use geo::orient::{Direction, Orient};
use geo::{Geometry, Validation};
use serde_json::Value;

use crate::workdir::Workdir;

/// Runs `ogrinfo` on a file; `None` when GDAL is not installed (outside CI only).
pub(crate) fn ogrinfo(path: &std::path::Path) -> Option<String> {
    match std::process::Command::new("ogrinfo").args(["-ro", "-al", "-so"]).arg(path).output() {
        Ok(out) => {
            assert!(
                out.status.success(),
                "ogrinfo failed on {}: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Err(_) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped the GDAL check: ogrinfo is not installed (CI installs gdal-bin)");
            None
        }
        Err(e) => panic!("ogrinfo is needed in CI: {e}"),
    }
}

fn features(json: &Value) -> &Vec<Value> {
    json["features"].as_array().expect("a features array")
}

fn layer<'a>(json: &'a Value, name: &str) -> Vec<&'a Value> {
    features(json).iter().filter(|f| f["properties"]["layer"] == name).collect()
}

/// Every geometry is valid and wound as RFC 7946 says, and every coordinate has at most
/// six decimals.
fn assert_rfc7946(text: &str) {
    let json: Value = serde_json::from_str(text).unwrap();
    assert!(json.get("crs").is_none(), "no crs member");
    let bbox = json["bbox"].as_array().expect("a bbox on the collection");
    assert_eq!(bbox.len(), 4);
    let collection: geojson::FeatureCollection = serde_json::from_str(text).expect("the geojson crate reads it");
    for feature in &collection.features {
        let geometry: Geometry<f64> = Geometry::try_from(feature.geometry.as_ref().unwrap()).unwrap();
        assert!(geometry.is_valid(), "invalid geometry in {:?}: {:?}", feature.properties, geometry.check_validation());
        if let Geometry::MultiPolygon(mp) = &geometry {
            assert_eq!(mp, &mp.orient(Direction::Default), "rings wound as RFC 7946 asks in {:?}", feature.properties);
            assert!(!mp.0.is_empty(), "no empty parts");
        }
        if let Geometry::MultiLineString(ml) = &geometry {
            assert!(ml.0.iter().all(|l| l.0.len() >= 2), "no empty parts");
        }
    }
    // Six decimals at most: no number in a coordinate array has a longer fraction.
    let long = text
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter(|t| t.contains('.'))
        .find(|t| t.split('.').nth(1).unwrap().len() > 6);
    assert!(long.is_none(), "a number with more than six decimals: {long:?}");
}

#[test]
fn the_mini_snapshot_has_areas_frontlines_and_places() {
    let w = Workdir::with_mini();
    w.run(&["--scenario", "mini", "export", "--date", "2024-03-03", "--out", "snap.geojson"]).success();
    let text = w.read("snap.geojson");
    assert_rfc7946(&text);
    let json: Value = serde_json::from_str(&text).unwrap();
    // One area per faction and basis: Blue by events; Red by events and by the baseline.
    let mut areas: Vec<(String, String)> = layer(&json, "area")
        .iter()
        .map(|f| {
            (f["properties"]["faction"].as_str().unwrap().into(), f["properties"]["basis"].as_str().unwrap().into())
        })
        .collect();
    areas.sort();
    areas.dedup();
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(areas, vec![pair("blue", "baseline"), pair("blue", "events"), pair("red", "baseline")]);
    // Each area says whether it is held within a place's reach or thinly held beyond it.
    for f in layer(&json, "area") {
        assert!(matches!(f["properties"]["land"].as_str(), Some("held" | "thin")), "{}", f["properties"]);
    }
    assert_eq!(layer(&json, "place").len(), 5);
    assert!(!layer(&json, "frontline").is_empty());
    let alpha = layer(&json, "place").into_iter().find(|f| f["properties"]["id"] == "alpha").unwrap();
    assert_eq!(alpha["properties"]["faction"], "blue");
    assert_eq!(alpha["properties"]["since"], "2024-03-03");
    assert_eq!(alpha["properties"]["sources"], "r1.txt");
    if let Some(info) = ogrinfo(&w.path("snap.geojson")) {
        assert!(info.contains("Feature Count: "), "{info}");
        let count = features(&json).len();
        assert!(info.contains(&format!("Feature Count: {count}")), "ogrinfo should count {count} features:\n{info}");
        assert!(info.contains("date: Date"), "the date is typed as a Date:\n{info}");
    }
}

#[test]
fn the_syria_snapshot_of_8_december_has_damascus_held_by_hts_and_frontlines() {
    let w = Workdir::new();
    let text = w.run(&["export", "--date", "2024-12-08"]).success().stdout();
    assert_rfc7946(&text);
    let json: Value = serde_json::from_str(&text).unwrap();
    let damascus = layer(&json, "place").into_iter().find(|f| f["properties"]["id"] == "damascus").unwrap();
    assert_eq!(damascus["properties"]["faction"], "hts");
    assert_eq!(damascus["properties"]["since"], "2024-12-08");
    assert!(layer(&json, "frontline").len() >= 3, "the frontlines of that day");
    let hts: f64 = layer(&json, "area")
        .into_iter()
        .filter(|f| f["properties"]["faction"] == "hts")
        .map(|f| f["properties"]["area_km2"].as_f64().unwrap())
        .sum();
    assert!(hts > 1000.0, "{hts}");
    // The government ceased to exist that day: it has no area left.
    assert!(layer(&json, "area").iter().all(|f| f["properties"]["faction"] != "gov"));
}

#[test]
fn the_timeline_is_time_enabled_and_starts_hama_on_its_capture_date() {
    let w = Workdir::new();
    w.run(&["export", "--timeline", "--out", "timeline.geojson"]).success();
    let text = w.read("timeline.geojson");
    assert_rfc7946(&text);
    let json: Value = serde_json::from_str(&text).unwrap();
    let hama: Vec<&Value> = layer(&json, "place").into_iter().filter(|f| f["properties"]["id"] == "hama").collect();
    let hts = hama.iter().find(|f| f["properties"]["faction"] == "hts").expect("an HTS interval for Hama");
    assert_eq!(hts["properties"]["start"], "2024-12-05");
    assert_eq!(hts["properties"]["start_ts"], "2024-12-05T00:00:00");
    // Held by the government from the start (on the baseline, then from 30 Nov on rows that
    // say so: a period ends where its basis changes), contested from 4 Dec, lost on 5 Dec.
    let gov: Vec<(Option<&str>, Option<&str>)> = hama
        .iter()
        .filter(|f| f["properties"]["faction"] == "gov")
        .map(|f| (f["properties"]["start"].as_str(), f["properties"]["end"].as_str()))
        .collect();
    assert_eq!(
        gov,
        vec![
            (Some("2024-11-26"), Some("2024-11-30")),
            (Some("2024-11-30"), Some("2024-12-04")),
            (Some("2024-12-04"), Some("2024-12-05"))
        ]
    );
    assert!(hts["properties"]["end"].is_null(), "ongoing intervals end with null");
    // Areas come once per distinct state, each with its interval.
    let areas = layer(&json, "area");
    assert!(areas.len() > 20);
    assert!(areas.iter().all(|a| a["properties"]["start"].is_string() && a["properties"].get("end").is_some()));
    if let Some(info) = ogrinfo(&w.path("timeline.geojson")) {
        assert!(info.contains(&format!("Feature Count: {}", features(&json).len())), "{info}");
        for field in ["start: Date", "end: Date", "start_ts: DateTime", "end_ts: DateTime"] {
            assert!(info.contains(field), "ogrinfo should type {field}:\n{info}");
        }
    }
}

#[test]
fn the_csv_exports_round_trip() {
    let w = Workdir::with_mini();
    let text = w.run(&["--scenario", "mini", "export", "--csv"]).success().stdout();
    w.write("control.csv", &text);
    if let Some(info) = ogrinfo(&w.path("control.csv")) {
        assert!(info.contains("Feature Count: 25"), "{info}");
    }
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "date",
            "place_id",
            "name",
            "admin1",
            "lat",
            "lon",
            "faction",
            "status",
            "challenger",
            "since",
            "basis",
            "inferred_by"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5 * 5, "one row per place and day");
    let alpha_2 = rows.iter().find(|r| &r[0] == "2024-03-02" && &r[1] == "alpha").unwrap();
    assert_eq!((&alpha_2[6], &alpha_2[7], &alpha_2[8]), ("red", "contested", "blue"));

    w.run(&["--scenario", "mini", "export", "--events-csv", "--out", "events.csv"]).success();
    let events = w.read("events.csv");
    let mut reader = csv::Reader::from_reader(events.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    let first = &rows[0];
    assert_eq!(
        (&first[1], &first[3], &first[5]),
        ("place", "alpha", "Al Alfa"),
        "the resolved id beside the name as written"
    );
    if let Some(info) = ogrinfo(&w.path("events.csv")) {
        assert!(info.contains("Feature Count: 4"), "{info}");
    }
}

#[test]
fn export_needs_one_kind_and_a_day_in_range() {
    let w = Workdir::with_mini();
    let run = w.run(&["--scenario", "mini", "export"]);
    assert_eq!(run.output.status.code(), Some(2));
    w.run(&["--scenario", "mini", "export", "--date", "2025-01-01"]).failure().says("outside the scenario");
}

/// Whether a spreadsheet would read `cell` as a formula: it starts with one of OWASP's
/// characters and is not a plain number.
fn formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err()
}

#[test]
fn no_csv_cell_from_data_can_be_a_spreadsheet_formula() {
    let w = Workdir::with_mini();
    // Names, regions, aliases as written in a row, and notes, each starting as a formula.
    w.edit(
        "mini/gazetteer.csv",
        "alpha,Alpha,Al-Alfa|Alfa,",
        "alpha,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",Alpha|Al-Alfa|Alfa,",
    );
    w.edit("mini/gazetteer.csv", "150000,South,", "150000,@SUM(1+1),");
    w.edit("mini/gazetteer.csv", "charlie,Charlie,Tall Charlie,", "charlie,+Charlie,-Charlie|Tall Charlie,");
    w.edit(
        "mini/events.csv",
        "2024-03-04,Tall Charlie,blue,captured,reported,r1.txt,Charlie fell to Blue on Monday.,",
        "2024-03-04,-Charlie,blue,captured,reported,r1.txt,Charlie fell to Blue on Monday.,=1+1",
    );
    w.run(&["--scenario", "mini", "check"]).success();
    w.run(&["--scenario", "mini", "export", "--csv", "--out", "control.csv"]).success();
    w.run(&["--scenario", "mini", "export", "--events-csv", "--out", "events.csv"]).success();
    let outputs = [
        ("export --csv", w.read("control.csv")),
        ("export --events-csv", w.read("events.csv")),
        (
            "control --format csv",
            w.run(&["--scenario", "mini", "control", "--date", "2024-03-04", "--format", "csv"]).success().stdout(),
        ),
        (
            "timeline --format csv",
            w.run(&["--scenario", "mini", "timeline", "alpha", "--format", "csv"]).success().stdout(),
        ),
        (
            "diff --format csv",
            w.run(&["--scenario", "mini", "diff", "--from", "2024-03-01", "--to", "2024-03-05", "--format", "csv"])
                .success()
                .stdout(),
        ),
        ("stats --format csv", w.run(&["--scenario", "mini", "stats", "--format", "csv"]).success().stdout()),
        (
            "places --format csv",
            w.run(&["--scenario", "mini", "places", "Alpha", "--format", "csv"]).success().stdout(),
        ),
    ];
    for (command, text) in &outputs {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        for record in reader.records() {
            let record = record.unwrap();
            for (h, cell) in headers.iter().zip(&record) {
                assert!(!formula(cell), "{command}: column {h} holds a formula: {cell:?}\n{text}");
                if ["lat", "lon", "area_km2", "share_pct", "population", "line"].contains(&h) && !cell.is_empty() {
                    assert!(cell.parse::<f64>().is_ok(), "{command}: column {h} is not a number: {cell:?}");
                }
            }
        }
    }
    // The text is kept, behind the quote that makes it text.
    let control = &outputs[0].1;
    assert!(control.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""), "{control}");
    assert!(control.contains(",'@SUM(1+1),") && control.contains(",'+Charlie,"), "{control}");
    let events = &outputs[1].1;
    assert!(events.contains(",'-Charlie,") && events.contains(",'=1+1,"), "{events}");
}
