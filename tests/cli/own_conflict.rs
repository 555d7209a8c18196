//! "Your own conflict": from an empty folder to frames and valid exports, as the README's
//! section walks it: init, GeoNames, hand-written events and baseline, ACLED, render and
//! export.

use frontline::Scenario;
use frontline::render::{Atlas, Style};
use frontline::territory::Territory;
use geo::{Contains, Point};

use crate::export::ogrinfo;
use crate::probe::{Frame, assert_credits_whole};
use crate::workdir::{Workdir, fixture};

/// The fixture's GeoNames dump moved to Ukraine: invented places in the exact format.
fn ukrainian_geonames(w: &Workdir) {
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
}

/// Synthetic ACLED rows in its export's columns (ACLED's own rows may not be shipped).
fn synthetic_acled(w: &Workdir, first: chrono::NaiveDate) {
    let header = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,\
assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,\
admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp";
    let row = |id: &str, day: u64, sub: &str, actor: &str, location: &str, lat: f64, lon: f64| {
        let date = (first + chrono::Days::new(day)).format("%d %B %Y");
        format!(
            "{id},{date},2024,1,Political violence,Strategic developments,{sub},{actor},,,,,,,,804,Europe,Ukraine,\
             Northern Province,,,{location},{lat},{lon},1,Invented Wire,National,Invented row.,0,,1700000000"
        )
    };
    let rows = [
        // Two places are called Rybne: the one at ACLED's coordinates is chosen.
        row("UKR9001", 2, "Non-state actor overtakes territory", "Side B Volunteer Battalion", "Рибне", 48.9, 37.2),
        // A place the gazetteer lacks: added at ACLED's position.
        row("UKR9002", 3, "Government regains territory", "Military Forces of Testland (2019-)", "Khutir", 49.0, 38.5),
    ];
    w.write("export.csv", &format!("\u{feff}{header}\n{}\n", rows.join("\n")));
    w.write(
        "actors.toml",
        "[actors]\n\"Military Forces of Testland*\" = \"side-a\"\n\"Side B Volunteer Battalion\" = \"side-b\"\n",
    );
}

#[test]
fn init_import_events_acled_render_and_export() {
    let w = Workdir::new();
    // 1. init
    w.run(&["init", "war", "--country", "Ukrane"]).failure().says("\"Ukraine\"");
    let init = ["init", "war", "--country", "Ukraine", "--from", "2024-03-01", "--to", "2024-03-07"];
    w.run(&init).success().says("wrote a new scenario");
    w.run(&init).failure().says("never overwrites");
    w.run(&["--scenario", "war", "check"]).success().says("no places yet");
    let manifest = w.read("war/scenario.toml");
    assert!(manifest.contains("focus = [\"Ukraine\"]") && manifest.contains("extent = [2"), "{manifest}");
    assert!(manifest.contains("fold = [\"cyrillic\"]"), "Ukraine starts with the Cyrillic folding:\n{manifest}");
    // 2. GeoNames
    ukrainian_geonames(&w);
    w.run(&["--scenario", "war", "import", "geonames", "UA.txt", "--admin1", "admin1CodesASCII.txt"])
        .success()
        .says("3 places added");
    let gazetteer = w.read("war/gazetteer.csv");
    assert!(!gazetteer.contains("Нова"), "Cyrillic alternate names are not needed as aliases:\n{gazetteer}");
    // 3. A few events and baseline rows. The event spells the town in Cyrillic, which only
    // the scenario's folding rules match to "Nova Vila".
    let first: chrono::NaiveDate = manifest.split("first_day = \"").nth(1).unwrap()[..10].parse().unwrap();
    let mut events = w.read("war/events.csv");
    events.push_str(&format!("{first},Нова Віла,side-b,captured,reported,p1,,A page reports side B in the town.\n"));
    w.write("war/events.csv", &events);
    let mut sources = w.read("war/sources.csv");
    sources.push_str("p1,,Invented News,A page about the town,2024-01-01,https://example.org/a,page\n");
    w.write("war/sources.csv", &sources);
    let mut baseline = w.read("war/baseline.csv");
    baseline.push_str("place,rybne-river-province,side-a,Held by side A at the start (invented).\n");
    w.write("war/baseline.csv", &baseline);
    w.run(&["--scenario", "war", "check"]).success().says("0 error(s)");
    w.run(&["--scenario", "war", "control", "--date", &first.to_string(), "Nova Wila"]).success().says("side-b");
    // 4. ACLED
    synthetic_acled(&w, first);
    w.run(&["--scenario", "war", "import", "acled", "export.csv", "--actors", "actors.toml"])
        .success()
        .says("imported 2 territory events as 2 rows (1 new places, 1 new sources)");
    w.run(&["--scenario", "war", "check"]).success().says("0 error(s)");
    let on = |day: u64| (first + chrono::Days::new(day)).to_string();
    w.run(&["--scenario", "war", "control", "--date", &on(1), "rybne-river-province"]).success().says("side-a");
    w.run(&["--scenario", "war", "control", "--date", &on(2), "rybne-river-province"]).success().says("side-b");
    w.run(&["--scenario", "war", "control", "--date", &on(3), "Khutir"]).success().says("side-a");
    // 5. render and export
    w.run(&["--scenario", "war", "render", "--out", "frames", "--size", "640x360", "--quiet"]).success();
    assert!(w.path("frames/animation.gif").is_file());
    let last = w.path(&format!("frames/{}.png", on(6)));
    the_frame_shows_side_b_at_nova_vila(&w, &last);
    w.run(&["--scenario", "war", "export", "--timeline", "--out", "history.geojson"]).success();
    let json: serde_json::Value = serde_json::from_str(&w.read("history.geojson")).unwrap();
    let features = json["features"].as_array().unwrap();
    assert!(features.iter().any(|f| f["properties"]["faction"] == "side-b"));
    assert!(features.iter().any(|f| f["properties"]["faction"] == "side-a"));
    if let Some(info) = ogrinfo(&w.path("history.geojson")) {
        assert!(info.contains(&format!("Feature Count: {}", features.len())), "{info}");
    }
    // 6. A full-size frame of this war of villages names its villages and shows its
    // credits whole.
    the_village_war_is_labelled_and_credited_at_1280x720(&w, &on(6));
}

/// Text pixels beside a village (Rybne, 4,200 or 800 people) that did not change hands on `day`, with `init`'s automatic
/// label threshold and with the old fixed one of 100,000 people (which labels nothing
/// here); and the credits at the foot of the panel, whole.
fn the_village_war_is_labelled_and_credited_at_1280x720(w: &Workdir, day: &str) {
    let render = |out: &str| {
        w.run(&[
            "--scenario",
            "war",
            "render",
            "--out",
            out,
            "--size",
            "1280x720",
            "--from",
            day,
            "--to",
            day,
            "--quiet",
        ])
        .success();
        Frame::read(&w.path(&format!("{out}/{day}.png")))
    };
    let s = Scenario::from_dir(w.path("war")).unwrap();
    let model = s.model();
    let territory = Territory::new(&s);
    let atlas = Atlas::new(&s, &model, &territory, 1280, 720, Style::default()).unwrap();
    let at = atlas.positions[s.gazetteer.by_key("rybne-river-province").expect("imported").id.index()];
    let beside = |f: &Frame| f.dark(at.x as u32 - 90, at.x as u32 + 90, at.y as u32 - 22, at.y as u32 + 22, 90);
    // A credit as users write them, long enough to wrap to three lines on the panel of a
    // 1280×720 frame (which pushed the last credits line off the frame).
    w.edit(
        "war/scenario.toml",
        "credits = [",
        "credits = [\n  \"Events: Invented News pages and Invented Wire rows coded by ACLED (whose terms forbid \
         redistributing them), read and dated by hand; baseline from the same pages; positions from GeoNames and \
         the pages' own maps, checked against each other\",",
    );
    let auto = render("frames-auto");
    assert_credits_whole(&auto, atlas.layout.panel.min().x as u32);
    w.edit("war/scenario.toml", "label_population = \"auto\"", "label_population = 100000");
    let fixed = render("frames-fixed");
    w.edit("war/scenario.toml", "label_population = 100000", "label_population = \"auto\"");
    let (labelled, unlabelled) = (beside(&auto), beside(&fixed));
    assert!(labelled > unlabelled + 40, "Rybne's label: {labelled} text pixels with auto, {unlabelled} with 100,000");
}

/// The last frame, read back as a picture: Nova Vila's area is side B's colour.
fn the_frame_shows_side_b_at_nova_vila(w: &Workdir, png_path: &std::path::Path) {
    let s = Scenario::from_dir(w.path("war")).unwrap();
    let model = s.model();
    let territory = Territory::new(&s);
    let atlas = Atlas::new(&s, &model, &territory, 640, 360, Style::default()).unwrap();
    let place = s.gazetteer.by_key("nova-vila").expect("imported").id;
    let cell = atlas.cell_in_pixels(place);
    let want = atlas.style.area_colour(s.faction_by_key("side-b").unwrap().colour).rgb();
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png_path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let (mut inside, mut matching) = (0, 0);
    for y in 0..info.height {
        for x in 0..info.width {
            if cell.contains(&Point::new(x as f64 + 0.5, y as f64 + 0.5)) {
                let i = (y * info.width + x) as usize * channels;
                inside += 1;
                matching += usize::from(buf[i..i + 3] == want);
            }
        }
    }
    assert!(inside > 50 && matching * 2 > inside, "{matching} of {inside} pixels of Nova Vila's area are side B's");
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
