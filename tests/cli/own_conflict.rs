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
