//! Land that carries control itself: a named area (a district) handed over by one row moves
//! all its land that day, not only the land nearest to its places.

use frontline::Scenario;
use frontline::territory::Territory;
use geo::{Contains, Coord, Point};

use crate::workdir::Workdir;

/// The mini fixture with "Charlie District" (around Charlie, east of Şūrān in the north):
/// its north-western corner is nearer to Şūrān (red throughout) than to Charlie.
fn with_district(handover: bool) -> Workdir {
    let w = Workdir::with_mini();
    w.write(
        "mini/areas.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Charlie District","note":"invented for tests"},"geometry":{"type":"Polygon","coordinates":[[[36.7,34.2],[37.4,34.2],[37.4,34.9],[36.7,34.9],[36.7,34.2]]]}}]}"#,
    );
    w.edit(
        "mini/scenario.toml",
        "basemap = \"basemap.geojson\"",
        "basemap = \"basemap.geojson\"\nareas = \"areas.geojson\"",
    );
    if handover {
        let mut events = w.read("mini/events.csv");
        events.push_str("2024-03-02,Charlie District,blue,captured,reported,r1.txt,Charlie fell to Blue on Monday.,the district handed over as a whole\n");
        w.write("mini/events.csv", &events);
    }
    w
}

/// Who holds the land at a lon/lat point on a day.
fn holder_at(s: &Scenario, territory: &Territory, day: &str, lonlat: Coord<f64>) -> Option<String> {
    let model = s.model();
    let states = model.states_on(day.parse().unwrap());
    let at = Point::from(territory.projection().project(lonlat));
    territory
        .state_map(&states)
        .areas
        .iter()
        .find(|(_, shape)| shape.contains(&at))
        .map(|(f, _)| s.factions[f.0 as usize].key.clone())
}

#[test]
fn a_district_handover_moves_the_districts_land_that_day() {
    let corner = Coord { x: 36.74, y: 34.86 };
    let w = with_district(true);
    w.run(&["--scenario", "mini", "check"]).success().says("0 error(s)");
    let s = Scenario::from_dir(w.path("mini")).unwrap();
    let territory = Territory::new(&s);
    assert_eq!(holder_at(&s, &territory, "2024-03-01", corner).as_deref(), Some("red"));
    assert_eq!(
        holder_at(&s, &territory, "2024-03-02", corner).as_deref(),
        Some("blue"),
        "the district's corner on the handover day"
    );
    // Just outside the district, Şūrān's land stays red.
    assert_eq!(holder_at(&s, &territory, "2024-03-02", Coord { x: 36.62, y: 34.86 }).as_deref(), Some("red"));

    // Without the area the same corner is Şūrān's, and stays red: the row on the district
    // is what moves it.
    let plain = Workdir::with_mini();
    let s = Scenario::from_dir(plain.path("mini")).unwrap();
    let territory = Territory::new(&s);
    assert_eq!(holder_at(&s, &territory, "2024-03-02", corner).as_deref(), Some("red"));
}

#[test]
fn check_warns_of_a_row_on_an_area_that_changes_nothing() {
    let w = with_district(false);
    let mut events = w.read("mini/events.csv");
    events.push_str("2024-03-02,Charlie District,red,captured,reported,r1.txt,The Red command denied that Alpha had fallen.,already red\n");
    w.write("mini/events.csv", &events);
    w.run(&["--scenario", "mini", "check"])
        .success()
        .says("the rows on the region Charlie District on 2024-03-02 change nothing: every place in it was already so");
    // A handover that does move its places is not warned of.
    let moved = with_district(true);
    let run = moved.run(&["--scenario", "mini", "check"]);
    assert!(!run.stdout().contains("change nothing") && !run.stderr().contains("change nothing"), "{}", run.stderr());
}

/// A sourced total is spread over the places it covers by their gazetteer populations; the
/// others keep the gazetteer's; `stats` says how much of each figure comes from totals.
#[test]
fn population_totals_spread_over_the_places_they_cover() {
    let w = Workdir::with_mini();
    // South province, red's part on the first day: Alpha (150,000) only, Bravo being blue.
    w.write(
        "mini/population.csv",
        "area,held_by,on,population,as_of,source,url,note\nSouth Province,red,2024-03-01,300000,2024,A census,,\n",
    );
    w.edit("mini/scenario.toml", "first_day = ", "population = \"population.csv\"\nfirst_day = ");
    let stats =
        w.run(&["--scenario", "mini", "stats", "--from", "2024-03-01", "--to", "2024-03-01", "--format", "json"]);
    let rows = stats.success().json();
    let row = |k: &str| rows.as_array().unwrap().iter().find(|r| r["faction"] == k).unwrap().clone();
    let (red, blue) = (row("red"), row("blue"));
    let gazetteer = w.read("mini/gazetteer.csv");
    let red_gazetteer: u64 = gazetteer
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with("alpha,") && !l.starts_with("bravo,"))
        .filter_map(|l| l.split(',').nth(5).and_then(|p| p.parse::<u64>().ok()))
        .sum();
    assert_eq!(blue["population"], 20000, "Bravo keeps its gazetteer figure");
    assert_eq!(blue["population_from_totals_pct"], 0.0);
    // Red holds every place but Bravo; Alpha's 150,000 become the total's 300,000.
    assert_eq!(red["population"].as_u64().unwrap(), 300_000 + red_gazetteer);
    assert!(red["population_from_totals_pct"].as_f64().unwrap() > 0.0);
    // A row naming no known region is an error that names the file, line and field.
    w.write("mini/population.csv", "area,population\nAtlantis Province,5\n");
    w.run(&["--scenario", "mini", "check"]).failure().says("population.csv:2").says("area");
}

/// A population raster a user brings: each place takes the people the GeoTIFF puts in its
/// land, so moving a crowd from one side's land to the other's moves it between the sides.
#[test]
fn a_population_raster_counts_the_people_of_each_places_land() {
    let w = Workdir::with_mini();
    w.edit("mini/scenario.toml", "first_day = ", "population_raster = \"people.tif\"\nfirst_day = ");
    // 0.05-degree pixels over the map, 10 people each, and a crowd of 100,000 in one pixel.
    let (step, origin) = (0.05, Coord { x: 35.8, y: 35.2 });
    let (nx, ny) = (48u32, 48u32);
    let raster_with_crowd_at = |lonlat: Coord<f64>| {
        let mut values = vec![10.0f32; (nx * ny) as usize];
        let (i, j) = (((lonlat.x - origin.x) / step) as u32, ((origin.y - lonlat.y) / step) as u32);
        values[(j * nx + i) as usize] = 100_000.0;
        frontline::population_raster::write_geotiff(nx, ny, origin, step, &values, None).unwrap()
    };
    let people = |w: &Workdir| {
        let rows = w
            .run(&["--scenario", "mini", "stats", "--from", "2024-03-01", "--to", "2024-03-01", "--format", "json"])
            .success()
            .json();
        let row = |k: &str| rows.as_array().unwrap().iter().find(|r| r["faction"] == k).unwrap().clone();
        (row("red"), row("blue"))
    };
    std::fs::write(w.path("mini/people.tif"), raster_with_crowd_at(Coord { x: 37.5, y: 33.5 })).unwrap();
    let (red, blue) = people(&w);
    assert_eq!(blue["population_from_raster_pct"], 100.0, "{blue}");
    assert_eq!(blue["places_without_population"], 0);
    let blue_with_crowd = blue["population"].as_u64().unwrap();
    assert!(blue_with_crowd > 100_000, "the crowd at Bravo is blue's: {blue}");
    // Every person of the raster on the land is counted once: at most the raster's total.
    let counted = blue_with_crowd + red["population"].as_u64().unwrap();
    assert!(counted <= 100_000 + 10 * (nx * ny) as u64, "{counted}");
    // The crowd moved next to Alpha is red's; Bravo keeps only its thin 10 a pixel.
    std::fs::write(w.path("mini/people.tif"), raster_with_crowd_at(Coord { x: 36.5, y: 33.5 })).unwrap();
    let (red_after, blue_after) = people(&w);
    assert_eq!(blue_with_crowd - blue_after["population"].as_u64().unwrap(), 99_990);
    assert_eq!(red_after["population"].as_u64().unwrap() - red["population"].as_u64().unwrap(), 99_990);
    // A file that is not a GeoTIFF is an error naming it.
    w.write("mini/people.tif", "id,population\n");
    w.run(&["--scenario", "mini", "check"]).failure().says("people.tif").says("GeoTIFF");
}

/// Rasters as GDAL writes them (WorldPop's are GDAL files): LZW with the floating-point
/// predictor in tiles, and Deflate on 32-bit integers, read to the same people and place.
#[test]
fn gdal_written_compressed_rasters_read_the_same() {
    use frontline::population_raster::{PopulationRaster, write_geotiff};
    let dir = tempfile::tempdir().unwrap();
    let values: Vec<f32> = (0..64 * 64).map(|i| (i % 7) as f32).collect();
    let plain = dir.path().join("plain.tif");
    std::fs::write(&plain, write_geotiff(64, 64, Coord { x: 36.0, y: 35.0 }, 0.01, &values, None).unwrap()).unwrap();
    let expected = PopulationRaster::from_geotiff(&std::fs::read(&plain).unwrap(), "plain").unwrap();
    assert_eq!(expected.total(), 12285.0);
    for (name, options) in [
        (
            "lzw.tif",
            &[
                "-co",
                "COMPRESS=LZW",
                "-co",
                "TILED=YES",
                "-co",
                "BLOCKXSIZE=16",
                "-co",
                "BLOCKYSIZE=16",
                "-co",
                "PREDICTOR=3",
            ][..],
        ),
        ("deflate.tif", &["-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=2", "-ot", "Int32"][..]),
    ] {
        let out = dir.path().join(name);
        let run = std::process::Command::new("gdal_translate")
            .args(["-q", "-a_srs", "EPSG:4326"])
            .args(options)
            .arg(&plain)
            .arg(&out)
            .status();
        match run {
            Ok(status) => assert!(status.success(), "gdal_translate failed for {name}"),
            Err(e) if std::env::var_os("CI").is_none() => {
                eprintln!("skipped: gdal_translate does not run here ({e}); CI installs it");
                return;
            }
            Err(e) => panic!("gdal_translate is needed in CI: {e}"),
        }
        let read = PopulationRaster::from_geotiff(&std::fs::read(&out).unwrap(), name).unwrap();
        assert_eq!(
            (read.total(), read.origin, read.step),
            (expected.total(), expected.origin, expected.step),
            "{name}"
        );
    }
}
