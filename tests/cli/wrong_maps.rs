//! Inputs that used to give a wrong map with `0 error(s)`: misplaced places, areas that
//! shadow a place, repeated baseline defaults and source ids, positions off the globe, a
//! mistyped year, and importers that let through what `check` refuses.

use crate::workdir::{Workdir, fixture};

const GAZETTEER: &str = "mini/gazetteer.csv";
const MANIFEST: &str = "mini/scenario.toml";

fn check(w: &Workdir) -> crate::workdir::Run {
    w.run(&["--scenario", "mini", "check"])
}

/// A square polygon feature around (lon, lat), half a side of `r` degrees, as GeoJSON.
fn square(properties: &str, lon: f64, lat: f64, r: f64) -> String {
    format!(
        r#"{{"type":"Feature","properties":{properties},"geometry":{{"type":"Polygon","coordinates":[[[{w},{s}],[{e},{s}],[{e},{n}],[{w},{n}],[{w},{s}]]]}}}}"#,
        w = lon - r,
        e = lon + r,
        s = lat - r,
        n = lat + r
    )
}

fn collection(features: &[String]) -> String {
    format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","))
}

#[test]
fn a_place_with_swapped_coordinates_or_far_away_is_an_error() {
    let w = Workdir::with_mini();
    // Charlie (34.5 N, 37.0 E) written lon-first lands west of Testland.
    w.edit(GAZETTEER, "34.5,37.0", "37.0,34.5");
    // Bravo at Sydney.
    w.edit(GAZETTEER, "33.5,37.5", "-33.87,151.21");
    check(&w)
        .failure()
        .says("error: mini/gazetteer.csv:4: field `lat`: Charlie at lat 37, lon 34.5 lies")
        .says("latitude and longitude look swapped (lat 34.5, lon 37 is inside Testland)")
        .says("error: mini/gazetteer.csv:3: field `lat`: Bravo at lat -33.87, lon 151.21 lies")
        .says("outside Testland and outside the map's extent")
        .says("2 error(s)");
    // Other commands refuse the scenario too.
    w.run(&["--scenario", "mini", "control", "--date", "2024-03-02"]).failure().says("look swapped");
}

#[test]
fn an_area_named_like_a_place_is_a_warning_naming_both() {
    let w = Workdir::with_mini();
    w.edit(MANIFEST, "basemap = ", "areas = \"areas.geojson\"\nbasemap = ");
    let areas = collection(&[
        square(r#"{"name":"Charlie","note":"drawn for the test"}"#, 37.0, 34.5, 0.2),
        square(r#"{"name":"Upper Valley","aliases":"al-Alfa","note":"drawn for the test"}"#, 36.5, 33.5, 0.2),
    ]);
    w.write("mini/areas.geojson", &areas);
    check(&w)
        .success()
        .says("warning: mini/areas.geojson (feature 0): field `name`: the area \"Charlie\" has the name of the place charlie (Charlie, North)")
        .says("warning: mini/areas.geojson (feature 1): field `aliases`: the area \"Upper Valley\" has the name of the place alpha (Alpha, South)");
}

#[test]
fn a_second_default_baseline_row_is_an_error() {
    let w = Workdir::with_mini();
    let mut baseline = w.read("mini/baseline.csv");
    baseline.push_str("default,,blue,a second default\n");
    w.write("mini/baseline.csv", &baseline);
    check(&w)
        .failure()
        .says("error: mini/baseline.csv:4: field `scope`: a second `default` row (the first is on line 2)");
}

#[test]
fn a_repeated_source_id_is_an_error_on_the_second_row() {
    let w = Workdir::with_mini();
    let mut sources = w.read("mini/sources.csv");
    sources.push_str("r1,r2.txt,Other Wire,Another report,2024-03-05\n");
    w.write("mini/sources.csv", &sources);
    check(&w).failure().says("error: mini/sources.csv:3: field `id`: duplicate id \"r1\" (first on line 2)");
}

#[test]
fn positions_off_the_globe_are_errors_in_every_geojson_file() {
    let far = square(r#"{"place":"Alpha","name":"Far","note":"test"}"#, 36.5, 33.5, 0.1).replace("[36.4,", "[1e300,");
    let line = r#"{"type":"Feature","properties":{"name":"River"},"geometry":{"type":"LineString","coordinates":[[36.5,33.2],[36.6,-95.0]]}}"#;
    let cases = [
        ("zones = \"extra.geojson\"", collection(std::slice::from_ref(&far))),
        ("areas = \"extra.geojson\"", collection(std::slice::from_ref(&far))),
        ("[land]\nlines = \"extra.geojson\"", collection(&[line.to_string()])),
    ];
    for (entry, text) in cases {
        let w = Workdir::with_mini();
        let manifest = w.read(MANIFEST);
        // Tables go at the end of the manifest, plain keys before the first table.
        let manifest = if entry.starts_with('[') {
            format!("{manifest}\n{entry}\n")
        } else {
            manifest.replacen("basemap = ", &format!("{entry}\nbasemap = "), 1)
        };
        w.write(MANIFEST, &manifest);
        w.write("mini/extra.geojson", &text);
        check(&w)
            .failure()
            .says("mini/extra.geojson (feature 0): field `geometry`: expected every position as [longitude, latitude] in degrees");
    }
}

#[test]
fn a_day_range_over_twenty_years_needs_allow_long() {
    let w = Workdir::with_mini();
    // 2024-03-01 to 2044-02-29 is 7305 days: the limit, accepted.
    w.edit(MANIFEST, "last_day = \"2024-03-05\"", "last_day = \"2044-02-29\"");
    check(&w).success();
    // One day more is refused, naming the flag that lifts the limit.
    w.edit(MANIFEST, "last_day = \"2044-02-29\"", "last_day = \"2044-03-01\"");
    check(&w)
        .failure()
        .says("mini/scenario.toml: field `last_day`: the scenario runs 7306 days (2024-03-01 to 2044-03-01), over the limit of 7305 days")
        .says("--allow-long");
    w.run(&["--scenario", "mini", "--allow-long", "check"]).success();
    // The typo of the issue.
    w.edit(MANIFEST, "last_day = \"2044-03-01\"", "last_day = \"2204-12-10\"");
    w.run(&["--scenario", "mini", "stats"]).failure().says("--allow-long");
}

#[test]
fn importers_refuse_positions_off_the_globe_and_write_nothing() {
    let w = Workdir::with_mini();
    let before = w.read(GAZETTEER);
    // GeoNames: the second place at latitude 91.
    let dump = std::fs::read_to_string(fixture("geonames").join("XX.txt")).unwrap();
    let bad = dump.replacen("34.00000\t36.90000", "91.00000\t36.90000", 1);
    assert_ne!(bad, dump);
    w.write("XX.txt", &bad);
    w.run(&["--scenario", "mini", "import", "geonames", "XX.txt", "--all-codes"])
        .failure()
        .says("XX.txt:2: field `latitude`: expected a latitude in degrees, -90 to 90, found \"91.00000\"");
    assert_eq!(w.read(GAZETTEER), before, "nothing is imported");
    // ACLED: latitude 999 on the second event.
    let events = w.read("mini/events.csv");
    let export = std::fs::read_to_string(fixture("acled").join("export.csv")).unwrap();
    w.write("export.csv", &export.replacen("34.52,37.01", "999,37.01", 1));
    let actors = fixture("acled").join("actors.toml");
    w.run(&["--scenario", "mini", "import", "acled", "export.csv", "--actors", actors.to_str().unwrap()])
        .failure()
        .says("export.csv:3: field `latitude`: expected a latitude in degrees, -90 to 90, found \"999\"");
    assert_eq!(w.read("mini/events.csv"), events, "nothing is imported");
    assert_eq!(w.read(GAZETTEER), before, "nothing is imported");
}

#[test]
fn a_garbage_admin1_table_is_an_error_with_its_line() {
    let w = Workdir::with_mini();
    let before = w.read(GAZETTEER);
    std::fs::copy(fixture("geonames").join("XX.txt"), w.path("XX.txt")).unwrap();
    w.write("admin1.txt", "code,name\nXX.01,Northern Province\n");
    w.run(&["--scenario", "mini", "import", "geonames", "XX.txt", "--admin1", "admin1.txt"])
        .failure()
        .says("admin1.txt:1: expected the 4 tab-separated columns of GeoNames' admin1CodesASCII.txt");
    assert_eq!(w.read(GAZETTEER), before, "nothing is imported");
}
