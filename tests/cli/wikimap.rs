//! `import wikipedia-map`: two invented revisions of a detailed-map module (every kind of
//! mark file, in the modules' own syntax; see tests/fixtures/wikimap) into a scenario that
//! `check` accepts and `render` draws.

use frontline::Scenario;
use frontline::render::{Atlas, Style};
use frontline::territory::Territory;
use geo::{Contains, Point};
use proptest::prelude::*;

use crate::probe::{Frame, assert_credits_whole};
use crate::workdir::{Workdir, fixture};

const TITLE: &str = "Module:Testland detailed map";

fn module(n: u32) -> String {
    fixture("wikimap").join(format!("module-rev{n}.txt")).to_str().unwrap().to_string()
}

/// An Azerbaijan scenario with the first revision imported.
fn imported(w: &Workdir) {
    w.run(&["init", "war", "--country", "Azerbaijan", "--from", "2020-09-27", "--to", "2020-10-10"]).success();
    w.write("colours.toml", "[colours]\nred = \"side-a\"\nblue = \"side-b\"\nlime = \"side-b\"\n");
    w.run(&[
        "--scenario",
        "war",
        "import",
        "wikipedia-map",
        &module(1),
        "--date",
        "2020-09-27",
        "--oldid",
        "1001",
        "--title",
        TITLE,
        "--colours",
        "colours.toml",
    ])
    .success()
    .says("imported 1 revision(s) of Module:Testland detailed map")
    .says("places added")
    // Unknown files and unmapped colours are counted and named, never guessed.
    .says("4 marks with unknown icons (Anchor pictogram.svg: 1; Gota07.svg: 1; Icon NuclearPowerPlant-black.svg: 1")
    .says("with colours not in colours.toml (green: 3; grey: 3)")
    .says("1 with no label or link")
    .says("1 places with stacked marks")
    .says("1 siege marks with no place mark")
    .says("CC BY-SA 4.0");
}

/// The fraction of a place's area, in the frame, in `faction`'s colour.
fn share_of(w: &Workdir, png: &str, key: &str, faction: &str) -> f64 {
    let s = Scenario::from_dir(w.path("war")).unwrap();
    let model = s.model();
    let territory = Territory::new(&s);
    let atlas = Atlas::new(&s, &model, &territory, 1280, 720, Style::default()).unwrap();
    let place = s.gazetteer.by_key(key).unwrap_or_else(|| panic!("{key} not in the gazetteer")).id;
    let cell = atlas.cell_in_pixels(place);
    let want = atlas.style.area_colour(s.faction_by_key(faction).unwrap().colour).rgb();
    let frame = Frame::read(&w.path(png));
    let (mut inside, mut matching) = (0, 0);
    for y in 0..frame.height {
        for x in 0..frame.width {
            if cell.contains(&Point::new(x as f64 + 0.5, y as f64 + 0.5)) {
                inside += 1;
                matching += usize::from(frame.rgb(x, y) == want);
            }
        }
    }
    assert!(inside > 0, "{key} has no area in the frame");
    matching as f64 / inside as f64
}

#[test]
fn a_module_and_its_second_revision_become_a_scenario_that_check_accepts_and_render_draws() {
    let w = Workdir::new();
    imported(&w);
    let gazetteer = w.read("war/gazetteer.csv");
    assert!(gazetteer.contains("\nwp-ilhartal,Ilhartal,"), "wiki links are read to their shown text:\n{gazetteer}");
    assert!(gazetteer.contains("Wikipedia, Module:Testland detailed map (revision of 2020-09-27, line 13)"));
    for (kind, name) in [("base", "abm"), ("airport", "fighter")] {
        assert!(gazetteer.contains(&format!(",{kind},")), "no {kind} from the {name} marks");
    }
    let baseline = w.read("war/baseline.csv");
    assert!(baseline.contains("place,wp-ilhartal,side-b,"), "{baseline}");
    assert!(baseline.contains("contested between side-a (red) and side-b (blue/lime) (80x80-red-blue-anim.gif)"));
    assert!(baseline.contains("mixed control of side-a (red) and side-b (blue/lime)"));
    assert!(baseline.contains("besieged from the NE by side-a (red) (map-arcNE-red.svg)"), "{baseline}");
    let events = w.read("war/events.csv");
    // Contested and mixed marks stay contested from the first day.
    let entered = events.lines().filter(|l| l.starts_with("2020-09-27,") && l.contains(",entered,")).count();
    assert!(entered >= 12, "{entered} entered rows on the first day:\n{events}");
    let manifest: toml::Table = toml::from_str(&w.read("war/scenario.toml")).unwrap();
    let credit = "Control marks: Wikipedia contributors, \"Module:Testland detailed map\", CC BY-SA 4.0";
    assert!(manifest["credits"].as_array().unwrap().iter().any(|c| c.as_str() == Some(credit)), "{manifest:?}");
    let sources = w.read("war/sources.csv");
    let row = sources.lines().find(|l| l.starts_with("wp-1001,")).unwrap_or_else(|| panic!("{sources}"));
    for part in [
        ",Wikipedia,\"Module:Testland detailed map (revision 1001 of 2020-09-27), CC BY-SA 4.0\",2020-09-27,",
        ",https://en.wikipedia.org/w/index.php?title=Module:Testland_detailed_map&oldid=1001,page",
    ] {
        assert!(row.contains(part), "{row}");
    }
    w.run(&["--scenario", "war", "check"]).success().says("0 error(s)");
    w.run(&["--scenario", "war", "control", "--date", "2020-09-27", "wp-sarkurhar"]).success().says("side-a");

    // The second revision: dated rows that cite it.
    w.run(&[
        "--scenario",
        "war",
        "import",
        "wikipedia-map",
        &module(1),
        &module(2),
        "--date",
        "2020-09-27",
        "--date",
        "2020-10-03",
        "--oldid",
        "1001",
        "--oldid",
        "1002",
        "--title",
        TITLE,
        "--colours",
        "colours.toml",
    ])
    .success()
    .says("imported 2 revision(s)");
    let events = w.read("war/events.csv");
    let later: Vec<&str> = events.lines().filter(|l| l.starts_with("2020-10-03,")).collect();
    assert!(later.iter().all(|l| l.contains(",wp-1002,")), "{later:?}");
    assert!(
        later.iter().any(|l| l.starts_with("2020-10-03,wp-ilorvar,side-b,captured,reported,wp-1002,")),
        "{later:?}"
    );
    assert!(later.iter().any(|l| l.starts_with("2020-10-03,wp-sarkurhar,side-b,entered,")), "{later:?}");
    assert!(later.iter().any(|l| l.contains("wp-yenikend,side-b,held,") && l.contains("first marked")), "{later:?}");
    assert_eq!(w.read("war/gazetteer.csv").matches("\nwp-ilhartal,").count(), 1, "a re-import adds no place twice");
    assert_eq!(w.read("war/scenario.toml").matches("CC BY-SA 4.0").count(), 1, "the credit once");
    w.run(&["--scenario", "war", "check"]).success().says("0 error(s)");
    w.run(&["--scenario", "war", "control", "--date", "2020-10-02", "wp-ilorvar"]).success().says("side-a");
    w.run(&["--scenario", "war", "control", "--date", "2020-10-03", "wp-ilorvar"]).success().says("side-b");

    // render draws it: Ilorvar is side A's land before the revision, side B's after it.
    w.run(&[
        "--scenario",
        "war",
        "render",
        "--out",
        "frames",
        "--size",
        "1280x720",
        "--from",
        "2020-10-02",
        "--to",
        "2020-10-04",
        "--quiet",
    ])
    .success();
    // (Its marker, the ring of a change and its label, on a leader line or beside it, cover
    // part of a village's small area.)
    let (a_before, b_before) = (
        share_of(&w, "frames/2020-10-02.png", "wp-ilorvar", "side-a"),
        share_of(&w, "frames/2020-10-02.png", "wp-ilorvar", "side-b"),
    );
    let (a_after, b_after) = (
        share_of(&w, "frames/2020-10-04.png", "wp-ilorvar", "side-a"),
        share_of(&w, "frames/2020-10-04.png", "wp-ilorvar", "side-b"),
    );
    assert!(
        a_before > 0.1 && b_before < 0.02 && b_after > 0.1 && a_after < 0.02,
        "side A {a_before}, B {b_before}, then A {a_after}, B {b_after}"
    );
    let layout = frontline::render::Layout::new(1280, 720, &Style::default());
    assert_credits_whole(&Frame::read(&w.path("frames/2020-10-03.png")), layout.panel.min().x as u32);
    // stats charts the land that changed hands: side B's gain since the first day, at a
    // scale that shows it (the stacked chart of the whole country shows a thin band).
    w.run(&["--scenario", "war", "stats", "--chart", "change.png", "--chart-of", "change", "--size", "900x500"])
        .success();
    let s = Scenario::from_dir(w.path("war")).unwrap();
    let rows = frontline::stats::daily(&s, &s.model(), &Territory::new(&s), s.first_day, s.last_day);
    let change = frontline::stats::change_since_first_day(&s, &rows);
    let side_b = &change.iter().find(|(f, _)| s.faction(*f).key == "side-b").unwrap().1;
    assert_eq!(side_b[0].1, 0.0);
    assert!(side_b.last().unwrap().1 > 0.0, "side B gained land: {side_b:?}");
    let chart = Frame::read(&w.path("change.png"));
    let c = s.faction_by_key("side-b").unwrap().colour;
    let line = (0..chart.height)
        .flat_map(|y| (0..chart.width).map(move |x| (x, y)))
        .filter(|(x, y)| chart.rgb(*x, *y) == [c.r, c.g, c.b])
        .count();
    assert!(line > 200, "side B's line: {line} pixels");
    // The page credits the licence too.
    w.run(&["--scenario", "war", "site", "--out", "site"]).success();
    let page = std::fs::read_to_string(w.path("site/index.html")).unwrap();
    assert!(page.contains("CC BY-SA 4.0"), "the page does not credit the module");
}

#[test]
fn bad_modules_name_file_line_and_what_was_expected() {
    let w = Workdir::new();
    imported(&w);
    let good = std::fs::read_to_string(module(1)).unwrap();
    for (edit, expected) in [
        (good.replacen("lat = \"40.0538\"", "lat = \"north\"", 1), "module.txt:14: field `lat`"),
        (
            good.replacen("label_size = \"0\", position = lp.r },", "label_size = \"0\", position = lp.r ", 1),
            "module.txt:15",
        ),
        (good.replacen("mark = mk.r,", "mark = mk.zz,", 1), "assigned above"),
        (good.replace("marks = {", "markers = {"), "marks = { … }"),
        (good[..good.len() / 2].to_string(), "module.txt:"),
    ] {
        w.write("module.txt", &edit);
        w.run(&[
            "--scenario",
            "war",
            "import",
            "wikipedia-map",
            "module.txt",
            "--date",
            "2020-09-28",
            "--title",
            TITLE,
            "--colours",
            "colours.toml",
        ])
        .failure()
        .no_panic()
        .says(expected);
    }
    w.run(&["--scenario", "war", "import", "wikipedia-map", &module(1), "--title", TITLE, "--colours", "colours.toml"])
        .failure()
        .says("give each revision its day");
    w.write("bad-colours.toml", "[colours]\nchartreuse = \"side-a\"\n");
    w.run(&[
        "--scenario",
        "war",
        "import",
        "wikipedia-map",
        &module(1),
        "--date",
        "2020-09-27",
        "--title",
        TITLE,
        "--colours",
        "bad-colours.toml",
    ])
    .failure()
    .says("bad-colours.toml: field `colours.chartreuse`");
    // A later revision outside the scenario's days is refused, naming the day.
    w.run(&[
        "--scenario",
        "war",
        "import",
        "wikipedia-map",
        &module(1),
        &module(2),
        "--date",
        "2020-09-27",
        "--date",
        "2021-01-01",
        "--title",
        TITLE,
        "--colours",
        "colours.toml",
    ])
    .failure()
    .says("2021-01-01");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    /// Cut, duplicated or spliced modules never panic the reader, and every error names the
    /// file and a line.
    #[test]
    fn mangled_modules_never_panic(cut in 0usize..40_000, at in 0usize..40_000, insert in "[-{}=\\[\\]\"',.a-z0-9 \n]{0,12}") {
        let good = std::fs::read_to_string(module(1)).unwrap();
        let mut c = cut % (good.len() + 1);
        while !good.is_char_boundary(c) { c -= 1; }
        let mut a = at % (good.len() + 1);
        while !good.is_char_boundary(a) { a -= 1; }
        for text in [good[..c].to_string(), format!("{}{insert}{}", &good[..a], &good[a..])] {
            if let Err(e) = frontline::import::wikimap::read_marks(&text, "m.txt") {
                let message = e.to_string();
                prop_assert!(message.starts_with("m.txt:"), "{}", message);
            }
        }
    }
}
