//! The query commands on the mini fixture and on the shipped Syria scenario.

use crate::workdir::{Workdir, fixture};

#[test]
fn control_answers_with_holder_since_and_sources() {
    let w = Workdir::with_mini();
    let run = w.run(&["--scenario", "mini", "control", "--date", "2024-03-03", "Alfa", "bravo", "--format", "json"]);
    let json = run.success().json();
    assert_eq!(json[0]["id"], "alpha");
    assert_eq!(json[0]["faction"], "blue");
    assert_eq!(json[0]["status"], "held");
    assert_eq!(json[0]["since"], "2024-03-03");
    assert_eq!(json[0]["sources"][0], "r1.txt");
    assert_eq!(json[0]["disputed_by"][0]["faction"], "red");
    assert_eq!(json[1]["basis"], "baseline");
    let json = w.run(&["--scenario", "mini", "control", "--date", "2024-03-02", "alpha", "--format", "json"]).json();
    assert_eq!((json[0]["status"].as_str(), json[0]["challenger"].as_str()), (Some("contested"), Some("blue")));
}

#[test]
fn control_prints_csv_and_tables() {
    let w = Workdir::with_mini();
    let csv = w.run(&["--scenario", "mini", "control", "--date", "2024-03-05", "--format", "csv"]).success().stdout();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers.iter().take(4).collect::<Vec<_>>(), &["place", "id", "faction", "status"]);
    assert_eq!(reader.records().count(), 5);
    w.run(&["--scenario", "mini", "control", "--date", "2024-03-05", "charlie"])
        .success()
        .says("Charlie  charlie  blue");
}

#[test]
fn control_rejects_unknown_places_and_days_outside_the_scenario() {
    let w = Workdir::with_mini();
    w.run(&["--scenario", "mini", "control", "--date", "2024-03-03", "Atlantis"])
        .failure()
        .says("unknown place \"Atlantis\"");
    w.run(&["--scenario", "mini", "control", "--date", "2024-04-01"]).failure().says("outside the scenario");
    let bad = w.run(&["--scenario", "mini", "control", "--date", "yesterday"]);
    assert_eq!(bad.output.status.code(), Some(2), "clap rejects bad dates: {}", bad.stderr());
    bad.says("expected a date as YYYY-MM-DD");
}

#[test]
fn timeline_lists_periods_with_their_evidence() {
    let w = Workdir::with_mini();
    let json = w.run(&["--scenario", "mini", "timeline", "Al-Alfa", "--format", "json"]).success().json();
    let periods = json.as_array().unwrap();
    assert_eq!(periods.len(), 3);
    assert_eq!((periods[1]["start"].as_str(), periods[1]["status"].as_str()), (Some("2024-03-02"), Some("contested")));
    assert_eq!((periods[2]["start"].as_str(), periods[2]["faction"].as_str()), (Some("2024-03-03"), Some("blue")));
    assert!(periods[2]["end"].is_null());
}

#[test]
fn diff_lists_changes_and_counts() {
    let w = Workdir::with_mini();
    let json = w
        .run(&["--scenario", "mini", "diff", "--from", "2024-03-01", "--to", "2024-03-05", "--format", "json"])
        .success()
        .json();
    let ids: Vec<&str> = json["changes"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["alpha", "charlie"]);
    let blue = &json["factions"][1];
    assert_eq!(
        (blue["places_from"].as_u64(), blue["places_to"].as_u64(), blue["change"].as_i64()),
        (Some(1), Some(3), Some(2))
    );
}

#[test]
fn places_shows_how_names_resolve() {
    let w = Workdir::with_mini();
    w.run(&["--scenario", "mini", "places", "Suran"]).success().says("\"Suran\" is ambiguous").says("suran-north");
    w.run(&["--scenario", "mini", "places", "Tall Charlie"]).success().says("resolves to charlie (Charlie, North)");
}

#[test]
fn places_exits_1_on_no_match_and_lists_a_regions_places_on_stdout() {
    let w = Workdir::with_mini();
    // No match: exit code 1, as grep does, with the reason on stderr and nothing on stdout.
    let none = w.run(&["--scenario", "mini", "places", "Xyzzy"]);
    none.failure();
    assert!(none.stderr().contains("\"Xyzzy\" matches no place"), "{}", none.stderr());
    assert_eq!(none.stdout(), "");
    w.run(&["--scenario", "mini", "places", "Xyzzy", "--format", "json"]).failure();
    // A region: its places are the records, each naming the region, in every format.
    let table = w.run(&["--scenario", "mini", "places", "North province"]).success().stdout();
    for id in ["charlie", "suran-north"] {
        assert!(table.contains(id), "{id} missing from the region's places:\n{table}");
    }
    assert!(table.starts_with("region") && table.contains("North"), "{table}");
    let json = w.run(&["--scenario", "mini", "places", "North province", "--format", "json"]).success().json();
    let places = json.as_array().unwrap();
    let mut ids: Vec<&str> = places.iter().map(|p| p["id"].as_str().unwrap()).collect();
    ids.sort();
    assert_eq!(ids, ["charlie", "suran-north"]);
    assert!(places.iter().all(|p| p["region"] == "North"), "{json}");
    // A name query keeps its shape: no region field.
    let alpha = w.run(&["--scenario", "mini", "places", "Alpha", "--format", "json"]).success().json();
    assert!(alpha[0].get("region").is_none() && alpha[0]["id"] == "alpha", "{alpha}");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontline"))
        .args(["places"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn import_geonames_adds_places_and_keeps_edits() {
    let w = Workdir::with_mini();
    let dump = fixture("geonames").join("XX.txt");
    let admin1 = fixture("geonames").join("admin1CodesASCII.txt");
    let (dump, admin1) = (dump.to_str().unwrap(), admin1.to_str().unwrap());
    w.run(&["import", "geonames", dump]).failure().says("--scenario DIR");
    w.run(&["--scenario", "mini", "import", "geonames", dump, "--admin1", admin1])
        .success()
        .says("3 places added, 0 already there");
    let g = w.read("mini/gazetteer.csv");
    assert!(
        g.starts_with("id,name,aliases,lat,lon,population,admin1,kind,source\nalpha,"),
        "the user's rows stay first:\n{g}"
    );
    assert!(g.contains("\nnova-vila,Nova Vila,Novavila|Nova-Vila,"), "{g}");
    assert!(
        g.contains("\nrybne-northern-province,Rybne,Rybnoye,") && g.contains("\nrybne-river-province,Rybne,,"),
        "{g}"
    );
    assert!(!g.contains("Nova Vila Centre") && !g.contains("Stara Hora") && !g.contains("Hill 204"), "{g}");
    w.run(&["--scenario", "mini", "check"]).success();
    w.run(&["--scenario", "mini", "places", "Novavila"]).success().says("resolves to nova-vila");
    // An edit survives a re-import.
    w.edit("mini/gazetteer.csv", "nova-vila,Nova Vila,", "nova-vila,Nova Vila (edited),");
    w.run(&["--scenario", "mini", "import", "geonames", dump, "--admin1", admin1])
        .success()
        .says("0 places added, 3 already there");
    assert!(w.read("mini/gazetteer.csv").contains("Nova Vila (edited)"));
    w.run(&["--scenario", "mini", "import", "geonames", dump, "--all-codes", "--min-population", "10000"])
        .success()
        .says("1 places added");
    assert!(w.read("mini/gazetteer.csv").contains("Nova Vila Centre"));
}
