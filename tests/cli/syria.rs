//! The shipped Syria 2024 scenario: it checks clean, its quotes stand in the reports, the
//! spellings the news uses resolve, and the answers match what the reports say.

use frontline::Scenario;
use frontline::gazetteer::Resolution;

use crate::workdir::Workdir;

fn day(d: &str) -> chrono::NaiveDate {
    d.parse().unwrap()
}

/// The key of the faction holding the place `name` on day `d` ("" when nobody does).
fn holder_key(s: &Scenario, model: &frontline::control::ControlModel, name: &str, d: &str) -> String {
    let id = s.gazetteer.lookup(name, &frontline::Location::file("test")).unwrap();
    model.state(id, day(d)).holder.map(|f| s.faction(f).key.clone()).unwrap_or_default()
}

#[test]
fn the_shipped_scenario_checks_with_conflicts_as_warnings() {
    let w = Workdir::new();
    let run = w.run(&["check"]);
    run.success()
        .says("0 error(s)")
        .says("warning: (built-in Syria 2024) events.csv:")
        .says("conflicting claims for Damascus on 2024-12-07");
}

/// The credit line printed on every frame counts the dated pages the events cite: it went
/// stale once (141 pages when there were 142).
#[test]
fn the_credits_count_the_pages_sources_lists() {
    let s = Scenario::syria_2024().unwrap();
    let pages = s.sources.iter().filter(|src| src.file.is_empty() && !src.url.is_empty()).count();
    let line = s.credits.iter().find(|l| l.starts_with("Events:")).expect("an Events credit line");
    assert!(line.contains(&format!(" {pages} dated public pages")), "{line:?} should say {pages} dated public pages");
}

#[test]
fn every_quote_stands_in_its_report() {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if !seeds.is_dir() {
        eprintln!("skipped: the reports are not at {}", seeds.display());
        return;
    }
    let w = Workdir::new();
    w.run(&["check", "--sources", seeds.to_str().unwrap()]).success().says("0 error(s)");
}

#[test]
fn news_spellings_resolve_to_one_place_each() {
    let s = Scenario::syria_2024().unwrap();
    let groups: &[&[&str]] = &[
        &["Hama", "Ḩamāh"],
        &["Deir el-Zor", "Deir ez-Zor", "Dayr az Zawr"],
        &["Qusayr", "Al-Qusayr", "Al Quşayr"],
        &["Sednaya", "Saydnaya", "Şaydnāyā"],
        &["Daraa", "Deraa", "Dar‘ā"],
        &["Tartous", "Ţarţūs"],
        &["Palmyra", "Tadmur"],
        &["Sweida", "As-Suwayda"],
        &["Aleppo", "Halab"],
        &["Homs"],
        &["Damascus"],
        &["Kobani"],
        &["Tall Abyad"],
        &["Manbij"],
    ];
    for group in groups {
        let ids: Vec<_> = group
            .iter()
            .map(|name| match s.gazetteer.resolve(name) {
                Resolution::Found(id) => s.gazetteer.get(id).key.clone(),
                other => panic!("{name} did not resolve to one place: {other:?}"),
            })
            .collect();
        assert!(ids.iter().all(|id| id == &ids[0]), "{group:?} resolved to {ids:?}");
    }
    match s.gazetteer.resolve("Şūrān") {
        Resolution::Ambiguous(ids) => assert_eq!(ids.len(), 2),
        other => panic!("Şūrān should be ambiguous, got {other:?}"),
    }
}

#[test]
fn the_model_follows_the_offensive() {
    let s = Scenario::syria_2024().unwrap();
    let model = s.model();
    let holder = |name: &str, d: &str| holder_key(&s, &model, name, d);
    assert_eq!(holder("Aleppo", "2024-11-26"), "gov");
    assert_eq!(holder("Aleppo", "2024-12-01"), "hts");
    assert_eq!(holder("Hama", "2024-12-04"), "gov");
    assert_eq!(holder("Hama", "2024-12-06"), "hts");
    assert_eq!(holder("Damascus", "2024-12-07"), "gov");
    assert_eq!(holder("Damascus", "2024-12-08"), "hts");
    assert_eq!(holder("Daraa", "2024-12-08"), "south");
    assert_eq!(holder("Idlib", "2024-11-26"), "hts");
}

#[test]
fn control_json_has_the_documented_fields() {
    let w = Workdir::new();
    let json = w.run(&["control", "--date", "2024-12-08", "Damascus", "--format", "json"]).success().json();
    let d = &json[0];
    for field in ["place", "id", "faction", "status", "since", "sources", "evidence"] {
        assert!(d.get(field).is_some(), "missing {field} in {d}");
    }
    assert_eq!((d["faction"].as_str(), d["since"].as_str()), (Some("hts"), Some("2024-12-08")));
    assert!(d["evidence"].as_array().unwrap().len() >= 3);
}

/// The places whose change public reporting dates, with the holder each had by 10 Dec.
#[test]
fn dated_changes_stick_and_the_government_is_gone_after_8_december() {
    let s = Scenario::syria_2024().unwrap();
    let model = s.model();
    let gov = s.faction_by_key("gov").unwrap().id;
    for d in ["2024-12-08", "2024-12-09", "2024-12-10"] {
        let held: Vec<&str> = model
            .states_on(day(d))
            .iter()
            .enumerate()
            .filter(|(_, st)| st.holder == Some(gov) || st.challenger == Some(gov))
            .map(|(i, _)| s.gazetteer.places()[i].name.as_str())
            .collect();
        assert!(held.is_empty(), "the government still holds {held:?} on {d}");
    }
    let holder = |name: &str, d: &str| holder_key(&s, &model, name, d);
    // Dated by the pages and the reports: the list, and what the old data got wrong.
    for (place, d, key) in [
        ("Saraqib", "2024-11-30", "hts"),
        ("Maarat al-Numan", "2024-11-30", "hts"),
        ("Khan Shaykhun", "2024-11-30", "hts"),
        ("Tell Rifaat", "2024-12-02", "sna"),
        ("Kuweires Air Base", "2024-12-01", "sna"),
        ("al-arimah", "2024-12-08", "sna"),
        ("Abu al-Duhur Air Base", "2024-11-30", "hts"),
        ("Rastan", "2024-12-06", "hts"),
        ("Deir ez-Zor", "2024-12-06", "sdf"),
        ("Al-Mayadin", "2024-12-07", "sdf"),
        ("Abu Kamal", "2024-12-07", "sdf"),
        ("Nawa", "2024-12-06", "south"),
        ("Quneitra", "2024-12-07", "south"),
        ("Al Kiswah", "2024-12-07", "south"),
        ("Tartus", "2024-12-08", "hts"),
        ("Deir ez-Zor", "2024-12-10", "hts"),
        ("Palmyra", "2024-12-10", "fsa"),
    ] {
        assert_eq!(holder(place, d), key, "{place} on {d}");
    }
}

/// The Euphrates valley of Deir ez-Zor after the army left it on 6 Dec: one SDF-held bank
/// from at-Tibni to Albu Kamal (until HTS took the city on 10 Dec), not stripes of SDF towns
/// and villages held by nobody or passed to HTS by the government's succession; and the
/// "seven villages" on the east bank, the government's until then, go with them.
#[test]
fn the_deir_ez_zor_valley_is_the_sdfs_from_6_december() {
    let s = Scenario::syria_2024().unwrap();
    let model = s.model();
    let holder = |name: &str, d: &str| holder_key(&s, &model, name, d);
    let valley = ["at-tibni", "muh-hasan", "al-asharah", "subaykhan", "al-jala", "al-mayadin", "abu-kamal"];
    for place in valley.iter().chain(&["khusham"]) {
        assert_eq!(holder(place, "2024-12-05"), "gov", "{place} before the army left");
        for d in ["2024-12-06", "2024-12-07", "2024-12-08", "2024-12-09", "2024-12-10"] {
            assert_eq!(holder(place, d), "sdf", "{place} on {d}");
        }
    }
    assert_eq!(holder("Deir ez-Zor", "2024-12-09"), "sdf");
}

#[test]
fn the_8_to_10_december_frames_show_no_government_area() {
    use frontline::render::{Atlas, Style, render_pixmap};
    let s = Scenario::syria_2024().unwrap();
    let model = s.model();
    let territory = frontline::territory::Territory::new(&s);
    let atlas = Atlas::new(&s, &model, &territory, 960, 540, Style::default()).unwrap();
    let gov = s.faction_by_key("gov").unwrap().colour;
    let tints = [atlas.style.area_colour(gov).rgb(), atlas.style.assessed_colour(gov).rgb()];
    let map = atlas.layout.map;
    let count = |d: &str| {
        let pixmap = render_pixmap(&atlas, day(d), &atlas.day_map(day(d))).unwrap();
        let mut n = 0;
        for y in 0..pixmap.height() {
            for x in 0..(map.max().x as u32) {
                let p = pixmap.pixel(x, y).unwrap();
                n += usize::from(tints.contains(&[p.red(), p.green(), p.blue()]));
            }
        }
        n
    };
    assert!(count("2024-12-07") > 10_000, "the probe finds the government's tint while it exists");
    for d in ["2024-12-08", "2024-12-09", "2024-12-10"] {
        assert_eq!(count(d), 0, "government-tinted pixels on the map of {d}");
    }
}

/// Our shares of Syria's land on 26 Nov, 2 Dec and 10 Dec against the figures publishers of
/// control maps put out (data/syria-2024/published-shares.csv), through `stats --against`:
/// each row with a tolerance must hold; rows without one are shown, not judged.
#[test]
fn land_shares_agree_with_published_figures() {
    let tested = shares_agree("published-shares.csv");
    assert!(tested >= 5, "only {tested} figures tested");
    // Land nobody holds stays small: under 3 % before the offensive, under 4 % after.
    let stats = Workdir::new().run(&["stats", "--format", "json"]).success().json();
    let unheld = |day: &str| share_of(&stats, day, "(unheld)", "area_km2");
    assert!(unheld("2024-11-26") < 3.0, "unheld on 26 Nov: {:.1} %", unheld("2024-11-26"));
    assert!(unheld("2024-12-10") < 4.0, "unheld on 10 Dec: {:.1} %", unheld("2024-12-10"));
}

/// The people under the government and the SDF before the offensive, from the sourced
/// totals of `population.csv` and the gazetteer, against Jusoor's published split.
#[test]
fn population_shares_agree_with_published_figures() {
    let tested = shares_agree("published-population.csv");
    assert!(tested >= 2, "only {tested} figures tested");
}

/// `stats --against` agrees with the share worked out here from the daily rows, for every
/// figure of both tables, so the verdicts above rest on the shares `stats` prints.
#[test]
fn stats_against_sets_our_shares_beside_theirs() {
    let stats = Workdir::new().run(&["stats", "--format", "json"]).success().json();
    for file in ["published-shares.csv", "published-population.csv"] {
        for c in against(file).as_array().unwrap() {
            let field = if c["measure"] == "population" { "population" } else { "area_km2" };
            let ours = share_of(&stats, c["day"].as_str().unwrap(), c["factions"].as_str().unwrap(), field);
            let printed = c["ours_pct"].as_f64().unwrap();
            assert!((ours - printed).abs() <= 0.051, "{file}: {c}: worked out {ours:.2} %");
            let difference = ours - c["published_pct"].as_f64().unwrap();
            assert!((difference - c["difference_pts"].as_f64().unwrap()).abs() <= 0.051, "{c}");
        }
    }
}

/// `stats --against` on one of the data's tables, as JSON.
fn against(file: &str) -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/syria-2024").join(file);
    Workdir::new().run(&["stats", "--format", "json", "--against", path.to_str().unwrap()]).success().json()
}

/// The share (%) of `field` (summed over the `|`-joined faction keys) among all rows of `day`.
fn share_of(stats: &serde_json::Value, day: &str, keys: &str, field: &str) -> f64 {
    let rows = stats.as_array().unwrap();
    let part: f64 = keys
        .split('|')
        .map(|k| {
            rows.iter()
                .find(|r| r["date"] == day && r["faction"] == k)
                .unwrap_or_else(|| panic!("no stats row for {k} on {day}"))[field]
                .as_f64()
                .unwrap()
        })
        .sum();
    let total: f64 = rows.iter().filter(|r| r["date"] == day).map(|r| r[field].as_f64().unwrap()).sum();
    part / total * 100.0
}

/// Checks that no figure of the data's table `file` with a tolerance is outside it; returns
/// how many were judged.
fn shares_agree(file: &str) -> usize {
    let comparisons = against(file);
    let mut tested = 0;
    for c in comparisons.as_array().unwrap() {
        assert_ne!(c["verdict"], "outside", "{file}: ours is outside the tolerance of {c}");
        tested += usize::from(c["verdict"] == "within");
    }
    tested
}

/// A table of published figures with a fault is refused with its file, line and field named;
/// text from it stays text in CSV.
#[test]
fn stats_against_names_faults_and_keeps_text_as_text() {
    let w = Workdir::new();
    w.write(
        "theirs.csv",
        "day,factions,published_pct,publisher\n2024-11-26,gov,63,=HYPERLINK(\"x\")\n2024-11-26,rebels,10,Someone\n",
    );
    w.run(&["stats", "--against", "theirs.csv"])
        .failure()
        .says("theirs.csv:3: field `factions`: expected faction keys");
    w.write(
        "theirs.csv",
        "day,factions,published_pct,publisher\n2024-11-26,gov,63,=HYPERLINK(\"x\")\n2025-01-01,gov,10,Someone\n",
    );
    w.run(&["stats", "--against", "theirs.csv"]).failure().says("theirs.csv:3: field `day`: 2025-01-01 is not among");
    w.write("theirs.csv", "day,factions,published_pct,publisher\n2024-11-26,gov,63,=HYPERLINK(\"x\")\n");
    let csv = w.run(&["stats", "--against", "theirs.csv", "--format", "csv"]).success().stdout();
    assert!(csv.contains("shown") && !csv.contains(",=HYPERLINK"), "{csv}");
    // The file's error names its cause once, not once per layer of the error.
    let missing = w.run(&["stats", "--against", "missing.csv"]);
    let stderr = missing.failure().says("missing.csv").stderr();
    assert_eq!(stderr.matches("No such file").count(), 1, "{stderr}");
}

/// `stats --published` compares with the tables the scenario lists (the built-in scenario
/// carries them), exactly as `--against` does with the same files; a scenario listing none
/// says so, and a faulty table listed in scenario.toml is named by `check`.
#[test]
fn stats_published_uses_the_scenarios_own_tables() {
    let w = Workdir::new();
    let own = w.run(&["stats", "--published", "--format", "json"]).success().json();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/syria-2024");
    let (shares, population) = (data.join("published-shares.csv"), data.join("published-population.csv"));
    let given = w
        .run(&[
            "stats",
            "--format",
            "json",
            "--against",
            shares.to_str().unwrap(),
            "--against",
            population.to_str().unwrap(),
        ])
        .success()
        .json();
    assert_eq!(own, given);
    assert!(own.as_array().unwrap().len() >= 13);
    // A narrower range leaves the other days' figures out, and says so.
    let narrow = w.run(&["stats", "--published", "--from", "2024-12-03", "--format", "json"]);
    let later = narrow.success().says("left out").json();
    let days: Vec<&str> = later.as_array().unwrap().iter().map(|c| c["day"].as_str().unwrap()).collect();
    assert!(!days.is_empty() && days.iter().all(|d| *d >= "2024-12-03"), "{days:?}");

    let w = Workdir::with_mini();
    w.run(&["--scenario", "mini", "stats", "--published"]).failure().says("lists no tables of published figures");
    w.write("mini/theirs.csv", "day,factions,published_pct\n2024-03-01,nobody,50\n");
    w.edit("mini/scenario.toml", "events = \"events.csv\"", "events = \"events.csv\"\npublished = [\"theirs.csv\"]");
    w.run(&["--scenario", "mini", "check"]).failure().says("theirs.csv:2: field `factions`");
}
