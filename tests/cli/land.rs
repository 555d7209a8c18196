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
