//! "Your own conflict": from an empty folder to frames and valid exports, as the README's
//! section walks it (the ACLED importer is not built yet).

use crate::workdir::{Workdir, fixture};

#[test]
fn init_import_events_render_and_export() {
    let w = Workdir::new();
    w.run(&["init", "war", "--country", "Ukrane"]).failure().says("\"Ukraine\"");
    w.run(&["init", "war", "--country", "Ukraine"]).success().says("wrote a new scenario");
    w.run(&["init", "war", "--country", "Ukraine"]).failure().says("never overwrites");
    w.run(&["--scenario", "war", "check"]).success().says("no places yet");
    let manifest = w.read("war/scenario.toml");
    assert!(manifest.contains("focus = [\"Ukraine\"]") && manifest.contains("extent = [2"), "{manifest}");
    // Places from GeoNames, in its own format (the fixture's invented places sit in Syria,
    // so write a Ukrainian one in the same format).
    let dump = std::fs::read_to_string(fixture("geonames").join("XX.txt")).unwrap();
    let ua: String = dump
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let mut f: Vec<String> = l.split('\t').map(str::to_string).collect();
            f[4] = format!("{:.4}", 48.0 + i as f64 * 0.3);
            f[5] = format!("{:.4}", 36.0 + i as f64 * 0.4);
            f[8] = "UA".into();
            f.join("\t") + "\n"
        })
        .collect();
    w.write("UA.txt", &ua);
    let codes =
        std::fs::read_to_string(fixture("geonames").join("admin1CodesASCII.txt")).unwrap().replace("XX.", "UA.");
    w.write("admin1CodesASCII.txt", &codes);
    w.run(&["--scenario", "war", "import", "geonames", "UA.txt", "--admin1", "admin1CodesASCII.txt"])
        .success()
        .says("3 places added");
    // A few events and a baseline row, citing a page.
    let first = manifest.split("first_day = \"").nth(1).unwrap()[..10].to_string();
    let mut events = w.read("war/events.csv");
    events.push_str(&format!("{first},Nova Vila,side-b,captured,reported,p1,,A page reports side B in the town.\n"));
    w.write("war/events.csv", &events);
    let mut sources = w.read("war/sources.csv");
    sources.push_str("p1,,Invented News,A page about the town,2024-01-01,https://example.org/a,page\n");
    w.write("war/sources.csv", &sources);
    w.run(&["--scenario", "war", "check"]).success().says("0 error(s)");
    w.run(&["--scenario", "war", "control", "--date", &first, "Nova Vila"]).success().says("side-b");
    w.run(&["--scenario", "war", "render", "--out", "frames", "--size", "640x360", "--quiet"]).success();
    assert!(w.path("frames/animation.gif").is_file());
    w.run(&["--scenario", "war", "export", "--timeline", "--out", "history.geojson"]).success();
    let json: serde_json::Value = serde_json::from_str(&w.read("history.geojson")).unwrap();
    assert!(json["features"].as_array().unwrap().iter().any(|f| f["properties"]["faction"] == "side-b"));
}

#[test]
fn import_acled_turns_territory_changes_into_events_and_updates_on_reimport() {
    let w = Workdir::with_mini();
    let export = fixture("acled").join("export.csv");
    let actors = fixture("acled").join("actors.toml");
    let (export, actors) = (export.to_str().unwrap(), actors.to_str().unwrap());
    w.run(&["--scenario", "mini", "import", "acled", export, "--actors", actors])
        .success()
        .says("imported 3 territory events as 4 rows (1 new places, 2 new sources)")
        .says("1 other event types")
        .says("Unknown Militia");
    let events = w.read("mini/events.csv");
    assert!(events.lines().next().unwrap().ends_with(",id"), "{events}");
    assert!(events.contains("2024-03-02,alpha,blue,captured,reported,acled-invented-wire,,"), "{events}");
    assert!(
        events.contains("2024-03-03,charlie,red,captured,claimed,acled-invented-wire,,"),
        "by coordinates: {events}"
    );
    assert!(events.contains("2024-03-04,acled-newtown,blue,captured,reported,acled-other-paper,,"), "{events}");
    assert!(
        w.read("mini/gazetteer.csv")
            .contains("\nacled-newtown,Newtown,,35.00000,38.00000,,East,village,\"ACLED TST3 (position from ACLED")
    );
    assert!(w.read("mini/sources.csv").contains("acled-other-paper,,Other Paper,Coded by ACLED,,,dataset"));
    w.run(&["--scenario", "mini", "check"]).success().says("0 error(s)");
    w.run(&["--scenario", "mini", "control", "--date", "2024-03-05", "acled-newtown"]).success().says("blue");
    // A re-import updates the rows rather than adding them again.
    w.run(&["--scenario", "mini", "import", "acled", export, "--actors", actors])
        .success()
        .says("0 new places, 0 new sources");
    let again = w.read("mini/events.csv");
    assert_eq!(again.lines().count(), events.lines().count(), "no row added twice:\n{again}");
    for id in ["TST1", "TST2", "TST3"] {
        let count = |text: &str| text.lines().filter(|l| l.ends_with(&format!(",{id}"))).count();
        assert_eq!(count(&again), count(&events), "{id}");
    }
}
