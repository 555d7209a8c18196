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

/// An invented GeoNames dump in the exact format, of places named and placed as in the 2020
/// Nagorno-Karabakh war: Azerbaijani spellings (ç ş ğ ə ı, and ǝ U+01DD once), two places
/// called Füzuli, a town whose GeoNames alias is the name of a district ("Khojaly District").
fn karabakh_geonames(w: &Workdir) {
    let rows: [(u32, &str, &str, &str, f64, f64, &str, u64); 11] = [
        (1, "Laçın", "Lacin", "Lachin,Berdzor", 39.638, 46.547, "35", 12000),
        (2, "Z\u{1dd}ngilan", "Zangilan", "Zangelan", 39.086, 46.652, "67", 8000),
        (3, "Kəlbəcər", "Kalbacar", "Kalbajar,Karvachar", 40.102, 46.036, "29", 7000),
        (4, "İstisu", "Istisu", "", 39.950, 46.000, "29", 300),
        (5, "Füzuli", "Fuzuli", "", 39.600, 47.145, "23", 17000),
        (6, "Füzuli", "Fuzuli", "", 40.350, 46.930, "58", 800),
        (7, "Xocalı", "Xocali", "Khojaly,Khojaly District,Ivanyan", 39.913, 46.790, "69", 6000),
        (8, "Xankəndi", "Xankandi", "Stepanakert,Khankendi", 39.815, 46.752, "69", 55000),
        (9, "Tağavard", "Tagavard", "Taghavard", 39.690, 46.960, "74", 500),
        (10, "Hadrut", "Hadrut", "", 39.520, 47.031, "74", 3000),
        (11, "Xocavənd", "Xocavand", "Martuni", 39.793, 47.111, "74", 2000),
    ];
    let dump: String = rows
        .iter()
        .map(|(id, name, ascii, alt, lat, lon, admin, pop)| {
            format!(
                "{}\t{name}\t{ascii}\t{alt}\t{lat:.5}\t{lon:.5}\tP\tPPL\tAZ\t\t{admin}\t\t\t\t{pop}\t\t800\tAsia/Baku\t2024-05-01\n",
                9100000 + id
            )
        })
        .collect();
    w.write("AZ.txt", &dump);
    w.write(
        "admin1CodesASCII.txt",
        "AZ.35\tLaçın Rayonu\tLacin Rayonu\t147624\nAZ.67\tZəngilan Rayonu\tZangilan Rayonu\t147620\n\
         AZ.29\tKəlbəcər Rayonu\tKalbacar Rayonu\t147630\nAZ.23\tFüzuli Rayonu\tFuzuli Rayonu\t147640\n\
         AZ.58\tTərtər Rayonu\tTartar Rayonu\t147650\nAZ.69\tXankəndi\tXankandi\t147660\n\
         AZ.74\tXocavənd Rayonu\tXocavand Rayonu\t147670\n",
    );
}

/// Dark pixels (the dashed edge of a claimed-only marker) on a ring around a place's marker.
fn dark_pixels_around(png_path: &std::path::Path, centre: geo::Coord<f64>, radius: f64) -> usize {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png_path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let mut dark = 0;
    for y in 0..info.height {
        for x in 0..info.width {
            let d = ((x as f64 + 0.5 - centre.x).powi(2) + (y as f64 + 0.5 - centre.y).powi(2)).sqrt();
            if (d - radius).abs() <= 1.5 {
                let i = (y * info.width + x) as usize * channels;
                dark += usize::from(buf[i..i + 3].iter().all(|&c| c < 90));
            }
        }
    }
    dark
}

#[test]
fn a_village_war_with_district_words_turkic_names_qualified_places_and_claims() {
    let w = Workdir::new();
    w.run(&["init", "war", "--country", "Azerbaijan", "--from", "2020-09-27", "--to", "2020-11-10"]).success();
    karabakh_geonames(&w);
    w.run(&["--scenario", "war", "import", "geonames", "AZ.txt", "--admin1", "admin1CodesASCII.txt"])
        .success()
        .says("11 places added");
    let manifest = w.read("war/scenario.toml");
    let fold = manifest.lines().find(|l| l.starts_with("fold = ")).unwrap().to_string();
    let extent = manifest.lines().find(|l| l.starts_with("extent = ")).unwrap().to_string();
    w.edit("war/scenario.toml", &fold, "fold = [\"turkic\", \"double-letters\"]");
    w.edit("war/scenario.toml", &extent, "extent = [45.7, 39.0, 47.5, 40.5]");
    let first: chrono::NaiveDate = manifest.split("first_day = \"").nth(1).unwrap()[..10].parse().unwrap();
    let on = |day: u64| (first + chrono::Days::new(day)).to_string();
    let mut sources = w.read("war/sources.csv");
    sources.push_str("p1,,Invented News,A page about the war,2020-10-01,https://example.org/a,page\n");
    w.write("war/sources.csv", &sources);
    let events = w.read("war/events.csv");
    let row = |day: u64, place: &str, faction: &str, action: &str, confidence: &str| {
        format!("{},\"{place}\",{faction},{action},{confidence},p1,,Invented: the page says so.\n", on(day))
    };
    // Reports name the places as English writes them and the districts with their word.
    let mut rows = [
        row(1, "Lachin rayon", "side-b", "captured", "reported"),
        row(1, "Zangilan", "side-b", "captured", "reported"),
        row(1, "Taghavard", "side-b", "entered", "reported"),
        row(2, "Taghavard", "side-a", "held", "claimed"),
        row(2, "Hadrut", "side-b", "captured", "reported"),
        row(3, "Kalbajar District", "side-b", "captured", "claimed"),
        row(3, "Fuzuli", "side-b", "captured", "confirmed"),
        row(4, "the Khojavend area", "side-a", "captured", "claimed"),
        row(4, "Khojaly District", "side-b", "entered", "reported"),
        row(5, "Khojaly", "side-a", "withdrew", "reported"),
    ]
    .concat();
    w.write("war/events.csv", &format!("{events}{rows}"));
    // Two places are called Füzuli: the error says how to name the one meant.
    w.run(&["--scenario", "war", "check"])
        .failure()
        .says("place \"Fuzuli\" is ambiguous; name it with its region (\"Fuzuli, Füzuli Rayonu\" or \"Fuzuli, Tərtər Rayonu\")");
    rows = rows.replace("\"Fuzuli\"", "\"Fuzuli, Fuzuli District\"");
    w.write("war/events.csv", &format!("{events}{rows}"));
    // A district written as a region that names a town through its alias is a warning.
    w.run(&["--scenario", "war", "check"])
        .success()
        .says("0 error(s)")
        .says("\"Khojaly District\" is written as a region, but no region has that name: it names the place");
    w.run(&["--scenario", "war", "places", "Lachin rayon"]).success().says("is the region \"Laçın Rayonu\"");
    let control = |day: u64, place: &str| {
        w.run(&["--scenario", "war", "control", "--date", &on(day), place, "--format", "json"]).success().json()[0]
            .clone()
    };
    assert_eq!(control(1, "Laçın")["faction"], "side-b", "the region row took Lachin rayon");
    assert_eq!(control(1, "Zəngilan")["faction"], "side-b");
    assert_eq!(control(3, "Fuzuli, Fuzuli District")["faction"], "side-b");
    assert_eq!(control(3, "Fuzuli in Tartar District")["faction"], "side-a", "the other Füzuli is untouched");
    // A denial reads as one.
    let taghavard = control(2, "Taghavard");
    assert_eq!(taghavard["reads"], "still held by side-a (claimed only)", "{taghavard}");
    let s = Scenario::from_dir(w.path("war")).unwrap();
    let model = s.model();
    let day2 = frontline::render::change_lines(&s, &model, first + chrono::Days::new(2));
    let lines: Vec<&str> = day2.iter().map(|c| c.text.as_str()).collect();
    assert!(lines.contains(&"• Tağavard: still held by Side A (rename me)"), "{lines:?}");
    assert!(!lines.iter().any(|l| l.contains("Tağavard: taken")), "{lines:?}");
    // A withdrawal reads as one, naming who left and who has the place now.
    let day5 = frontline::render::change_lines(&s, &model, first + chrono::Days::new(5));
    let lines: Vec<&str> = day5.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(lines, ["• Xocalı: left by Side A (rename me), now held by Side B (rename me)"]);
    // Claimed-only control is told apart; a weaker district claim leaves Hadrut's own rows.
    assert_eq!(control(3, "Kalbajar")["strength"], "claimed");
    assert_eq!(control(3, "Fuzuli, Fuzuli District")["strength"], "confirmed");
    let hadrut = control(4, "Hadrut");
    assert_eq!((&hadrut["faction"], &hadrut["basis"]), (&"side-b".into(), &"events".into()), "{hadrut}");
    let periods = w.run(&["--scenario", "war", "timeline", "Hadrut", "--format", "json"]).success().json();
    assert_eq!(periods.as_array().unwrap().len(), 2, "{periods}");
    // The frames draw the claimed-only marker with a dashed edge.
    w.run(&["--scenario", "war", "render", "--out", "frames", "--size", "1280x720", "--quiet"]).success();
    let territory = Territory::new(&s);
    let atlas = Atlas::new(&s, &model, &territory, 1280, 720, Style::default()).unwrap();
    let ring = |key: &str| {
        let place = s.gazetteer.places().iter().find(|p| p.name == key && p.admin1 != "Tərtər Rayonu").unwrap();
        let r = (2.0 + (place.population.unwrap() as f64).sqrt() / 170.0).clamp(2.0, 10.5);
        (atlas.positions[place.id.index()], (r + 2.5) * atlas.layout.scale)
    };
    let last = w.path(&format!("frames/{}.png", on(6)));
    let (at, radius) = ring("Kəlbəcər");
    let claimed = dark_pixels_around(&last, at, radius);
    let (at, radius) = ring("Füzuli");
    let confirmed = dark_pixels_around(&last, at, radius);
    assert!(claimed >= 4 && confirmed == 0, "dark pixels on the ring: {claimed} claimed-only, {confirmed} confirmed");
    // Exports carry the same distinction.
    w.run(&["--scenario", "war", "export", "--date", &on(6), "--out", "day.geojson"]).success();
    let json: serde_json::Value = serde_json::from_str(&w.read("day.geojson")).unwrap();
    let of = |name: &str| {
        json["features"].as_array().unwrap().iter().find(|f| f["properties"]["name"] == name).unwrap()["properties"]
            .clone()
    };
    assert_eq!(
        (of("Kəlbəcər")["claimed_only"].as_bool(), of("Laçın")["claimed_only"].as_bool()),
        (Some(true), Some(false))
    );
}
