//! Builds a small scenario in code (no files) and renders one day of it to PNG and SVG.
//!
//! Run: `cargo run --example build_in_code` (writes `in-code.png` and `in-code.svg`).

use chrono::NaiveDate;
use frontline::basemap::{Basemap, Country, Role};
use frontline::event::{Action, Colour, Confidence, Event, Faction, FactionId, Target};
use frontline::gazetteer::{Gazetteer, Place, PlaceId, PlaceKind};
use frontline::region::Regions;
use frontline::render::{Atlas, Style, render_png, render_svg};
use frontline::scenario::{MapSettings, Scenario};
use frontline::territory::Territory;
use geo::{Coord, MultiPolygon, Rect, polygon};

fn place(key: &str, name: &str, lon: f64, lat: f64, population: u64) -> Place {
    Place {
        id: PlaceId(0),
        key: key.into(),
        name: name.into(),
        aliases: vec![],
        position: Coord { x: lon, y: lat },
        population: Some(population),
        admin1: "Centre".into(),
        kind: PlaceKind::Town,
        source: "invented".into(),
        label: Default::default(),
    }
}

fn main() -> anyhow::Result<()> {
    let day = |d: u32| NaiveDate::from_ymd_opt(2025, 5, d).unwrap();
    let gazetteer = Gazetteer::new(vec![
        place("north", "Northtown", 10.5, 46.5, 80_000),
        place("south", "Southport", 10.5, 45.5, 300_000),
        place("east", "Eastbury", 11.5, 46.0, 20_000),
    ]);
    let factions = vec![
        Faction {
            id: FactionId(0),
            key: "a".into(),
            name: "Army A".into(),
            colour: "#b03a2e".parse::<Colour>().unwrap(),
            inherits: true,
        },
        Faction {
            id: FactionId(1),
            key: "b".into(),
            name: "Army B".into(),
            colour: "#1f618d".parse::<Colour>().unwrap(),
            inherits: true,
        },
    ];
    let capture = Event {
        date: day(3),
        target: Target::Place(PlaceId(2)),
        place_text: "Eastbury".into(),
        faction: FactionId(1),
        action: Action::Captured,
        confidence: Confidence::Reported,
        source: "example".into(),
        quote: "Army B took Eastbury.".into(),
        note: None,
        successors: Vec::new(),
        line: 2,
    };
    let land =
        MultiPolygon(vec![polygon![(x: 10.0, y: 45.0), (x: 12.0, y: 45.0), (x: 12.0, y: 47.0), (x: 10.0, y: 47.0)]]);
    let regions = Regions::new(&gazetteer, Vec::new());
    let scenario = Scenario {
        title: "A scenario built in code".into(),
        subtitle: None,
        first_day: day(1),
        last_day: day(5),
        factions,
        baseline: vec![Some(FactionId(0)); gazetteer.len()],
        gazetteer,
        events: vec![capture],
        sources: vec![],
        zones: vec![],
        population: vec![],
        population_raster: None,
        first_day_note: None,
        published: Vec::new(),
        regions,
        inference: frontline::inference::Settings::default(),
        basemap: Basemap { countries: vec![Country { name: "Squareland".into(), role: Role::Focus, shape: land }] },
        map: MapSettings {
            extent: Rect::new(Coord { x: 9.8, y: 44.8 }, Coord { x: 12.2, y: 47.2 }),
            label_population: 10_000,
            insets: vec![],
        },
        land: frontline::scenario::LandSettings::default(),
        credits: vec!["Invented data".into()],
        text: frontline::scenario::Text::default(),
    };
    let model = scenario.model();
    let territory = Territory::new(&scenario);
    let atlas = Atlas::new(&scenario, &model, &territory, 1280, 720, Style::default())?;
    let map = atlas.day_map(day(3));
    std::fs::write("in-code.png", render_png(&atlas, day(3), &map)?)?;
    std::fs::write("in-code.svg", render_svg(&atlas, day(3), &map)?)?;
    println!("wrote in-code.png and in-code.svg");
    Ok(())
}
