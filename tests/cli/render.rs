//! Frames and animations, tested as pictures: pixel probes of facts, a golden image with
//! a tolerance, the GIF's frame count, SVG that parses, and output that does not depend
//! on the number of threads.

use std::collections::HashMap;
use std::path::Path;

use frontline::control::ControlModel;
use frontline::render::{AreaShapes, Atlas, Style, render_pixmap, render_svg};
use frontline::territory::Territory;
use frontline::{Location, Scenario};
use geo::{Contains, Point};

use crate::workdir::{Workdir, fixture};

fn day(d: &str) -> chrono::NaiveDate {
    d.parse().unwrap()
}

/// The most common colour among the pixels inside a place's area, and how often each
/// colour occurs there.
fn colours_in_cell(
    atlas: &Atlas<'_>,
    pixmap: &tiny_skia::Pixmap,
    place: frontline::PlaceId,
) -> HashMap<[u8; 3], usize> {
    let cell = atlas.cell_in_pixels(place);
    let mut counts = HashMap::new();
    for y in 0..pixmap.height() {
        for x in 0..pixmap.width() {
            if cell.contains(&Point::new(x as f64 + 0.5, y as f64 + 0.5)) {
                let p = pixmap.pixel(x, y).unwrap();
                *counts.entry([p.red(), p.green(), p.blue()]).or_insert(0) += 1;
            }
        }
    }
    counts
}

/// A scenario with its model and territory, ready for an atlas.
pub struct Prepared {
    pub s: Scenario,
    pub model: ControlModel,
    pub territory: Territory,
}

pub fn prepare(s: Scenario) -> Prepared {
    let model = s.model();
    let territory = Territory::new(&s);
    Prepared { s, model, territory }
}

/// The colour of the pixel under a point.
fn pixel_at(pixmap: &tiny_skia::Pixmap, at: geo::Coord<f64>) -> [u8; 3] {
    let p = pixmap.pixel(at.x as u32, at.y as u32).unwrap();
    [p.red(), p.green(), p.blue()]
}

fn most_common(counts: &HashMap<[u8; 3], usize>) -> [u8; 3] {
    *counts.iter().max_by_key(|(c, n)| (**n, **c)).expect("the cell has pixels").0
}

#[test]
fn hama_changes_colour_between_3_and_6_december() {
    let prepared = prepare(Scenario::syria_2024().unwrap());
    let s = &prepared.s;
    let atlas = Atlas::new(s, &prepared.model, &prepared.territory, 1280, 720, Style::default()).unwrap();
    let hama = s.gazetteer.lookup("Hama", &Location::file("test")).unwrap();
    let area = |key: &str| atlas.style.area_colour(s.faction_by_key(key).unwrap().colour).rgb();
    let marker = |key: &str| s.faction_by_key(key).unwrap().colour.rgb();
    for (d, key) in [("2024-12-03", "gov"), ("2024-12-06", "hts")] {
        let pixmap = render_pixmap(&atlas, day(d), &atlas.day_map(day(d))).unwrap();
        let counts = colours_in_cell(&atlas, &pixmap, hama);
        assert_eq!(most_common(&counts), area(key), "the area at Hama on {d}");
        assert_eq!(pixel_at(&pixmap, atlas.positions[hama.index()]), marker(key), "the marker at Hama on {d}");
    }
}

#[test]
fn damascus_and_the_south_change_hands_on_7_and_8_december() {
    let prepared = prepare(Scenario::syria_2024().unwrap());
    let s = &prepared.s;
    let atlas = Atlas::new(s, &prepared.model, &prepared.territory, 960, 540, Style::default()).unwrap();
    let area = |key: &str| atlas.style.area_colour(s.faction_by_key(key).unwrap().colour).rgb();
    // The area colour covering most of the place's cell (markers and labels aside).
    let areas: Vec<[u8; 3]> = s.factions.iter().map(|f| atlas.style.area_colour(f.colour).rgb()).collect();
    let probe = |name: &str, d: &str| {
        let id = s.gazetteer.lookup(name, &Location::file("test")).unwrap();
        let pixmap = render_pixmap(&atlas, day(d), &atlas.day_map(day(d))).unwrap();
        let counts = colours_in_cell(&atlas, &pixmap, id);
        let best = *areas.iter().max_by_key(|c| counts.get(*c).copied().unwrap_or(0)).unwrap();
        assert!(counts.get(&best).copied().unwrap_or(0) > 0, "no area colour shows in the cell of {name}");
        best
    };
    // Damascus's own cell is hidden under its marker and label: probe the marker.
    let marker = |name: &str, d: &str| {
        let id = s.gazetteer.lookup(name, &Location::file("test")).unwrap();
        let pixmap = render_pixmap(&atlas, day(d), &atlas.day_map(day(d))).unwrap();
        pixel_at(&pixmap, atlas.positions[id.index()])
    };
    let faction = |key: &str| s.faction_by_key(key).unwrap().colour.rgb();
    assert_eq!(marker("Damascus", "2024-12-07"), faction("gov"));
    assert_eq!(marker("Damascus", "2024-12-08"), faction("hts"));
    assert_eq!(probe("Daraa", "2024-12-05"), area("gov"));
    assert_eq!(probe("Daraa", "2024-12-07"), area("south"));
}

#[test]
fn raster_frames_of_maps_without_area_shapes_are_the_same_pixels() {
    // `render` makes raster frames from maps that carry only the assessed areas (the cells
    // paint the rest); the frame must be the one the full map gives, on a day of assessed
    // land (after the government's end) and one without.
    let prepared = prepare(Scenario::syria_2024().unwrap());
    let atlas = Atlas::new(&prepared.s, &prepared.model, &prepared.territory, 960, 540, Style::default()).unwrap();
    let days = [day("2024-11-30"), day("2024-12-09")];
    let lean = atlas.day_maps(&days, AreaShapes::AssessedOnly);
    for (i, d) in days.iter().enumerate() {
        let full = atlas.day_map(*d);
        assert!(!full.areas.is_empty() && lean.get(i).areas.is_empty(), "the lean map has no area shapes");
        let want = render_pixmap(&atlas, *d, &full).unwrap();
        let got = render_pixmap(&atlas, *d, &lean.get(i)).unwrap();
        assert!(want.data() == got.data(), "the frame of {d} differs without area shapes");
    }
    assert!(!lean.get(1).assessed.is_empty(), "9 December has assessed land, drawn under its stipple");
    // A vector frame needs the shapes: it says so rather than drawing a map with no land.
    let err = render_svg(&atlas, days[0], &lean.get(0)).unwrap_err().to_string();
    assert!(err.contains("does not paint cells"), "{err}");
}

fn mini() -> Prepared {
    prepare(Scenario::from_dir(fixture("mini")).unwrap())
}

#[test]
fn a_contested_place_shows_both_colours() {
    let prepared = mini();
    let s = &prepared.s;
    let atlas = Atlas::new(s, &prepared.model, &prepared.territory, 960, 540, Style::default()).unwrap();
    let alpha = s.gazetteer.lookup("Alpha", &Location::file("test")).unwrap();
    let d = day("2024-03-02");
    let pixmap = render_pixmap(&atlas, d, &atlas.day_map(d)).unwrap();
    let counts = colours_in_cell(&atlas, &pixmap, alpha);
    let total: usize = counts.values().sum();
    let red_area = atlas.style.area_colour(s.faction_by_key("red").unwrap().colour).rgb();
    let blue = s.faction_by_key("blue").unwrap().colour.rgb();
    let share = |c: [u8; 3]| counts.get(&c).copied().unwrap_or(0) as f64 / total as f64;
    assert!(share(red_area) > 0.15, "the holder's colour covers the cell: {}", share(red_area));
    assert!(share(blue) > 0.05, "the challenger's hatching shows: {}", share(blue));
    // The day after, Blue holds Alpha and the hatching is gone.
    let d = day("2024-03-03");
    let pixmap = render_pixmap(&atlas, d, &atlas.day_map(d)).unwrap();
    let counts = colours_in_cell(&atlas, &pixmap, alpha);
    let blue_area = atlas.style.area_colour(s.faction_by_key("blue").unwrap().colour).rgb();
    assert_eq!(most_common(&counts), blue_area);
}

#[test]
fn a_frame_drawn_into_a_used_pixmap_is_the_frame_drawn_afresh() {
    // The render keeps one pixmap per thread and draws each frame into the last one's: no
    // pixel of the day before may show through.
    let prepared = mini();
    let atlas = Atlas::new(&prepared.s, &prepared.model, &prepared.territory, 640, 360, Style::default()).unwrap();
    let (before, after) = (day("2024-03-02"), day("2024-03-03"));
    let mut reused = render_pixmap(&atlas, before, &atlas.day_map(before)).unwrap();
    frontline::render::render_pixmap_into(&atlas, after, &atlas.day_map(after), &mut reused).unwrap();
    let fresh = render_pixmap(&atlas, after, &atlas.day_map(after)).unwrap();
    assert!(reused.data() == fresh.data(), "the reused pixmap shows the day after, and only it");
    assert!(fresh.data() != render_pixmap(&atlas, before, &atlas.day_map(before)).unwrap().data(), "the days differ");
    // A pixmap of another size is refused, not drawn into.
    let mut wrong = tiny_skia::Pixmap::new(320, 180).unwrap();
    let refused = frontline::render::render_pixmap_into(&atlas, after, &atlas.day_map(after), &mut wrong);
    assert!(refused.is_err_and(|e| e.to_string().contains("320x180")), "refused with the sizes");
}

/// Compares a picture with its reference per channel; writes the actual image and a diff
/// beside the test output on failure. `FRONTLINE_REGENERATE=1` rewrites the reference.
pub fn assert_matches_golden(actual: &tiny_skia::Pixmap, name: &str) {
    let reference = fixture("golden").join(name);
    if std::env::var_os("FRONTLINE_REGENERATE").is_some() {
        std::fs::create_dir_all(reference.parent().unwrap()).unwrap();
        actual.save_png(&reference).unwrap();
        eprintln!("regenerated {}", reference.display());
        return;
    }
    let expected = tiny_skia::Pixmap::load_png(&reference).unwrap_or_else(|e| {
        panic!("cannot read {} ({e}); run with FRONTLINE_REGENERATE=1 to create it", reference.display())
    });
    assert_eq!((expected.width(), expected.height()), (actual.width(), actual.height()), "size of {name}");
    const TOLERANCE: i32 = 24;
    let mut diff = tiny_skia::Pixmap::new(actual.width(), actual.height()).unwrap();
    let mut bad = 0usize;
    for (i, (a, e)) in actual.pixels().iter().zip(expected.pixels()).enumerate() {
        let d =
            [a.red() as i32 - e.red() as i32, a.green() as i32 - e.green() as i32, a.blue() as i32 - e.blue() as i32];
        let worst = d.iter().map(|v| v.abs()).max().unwrap();
        if worst > TOLERANCE {
            bad += 1;
            diff.pixels_mut()[i] = tiny_skia::PremultipliedColorU8::from_rgba(255, 0, 0, 255).unwrap();
        } else {
            diff.pixels_mut()[i] = tiny_skia::PremultipliedColorU8::from_rgba(
                e.red() / 3 + 170,
                e.green() / 3 + 170,
                e.blue() / 3 + 170,
                255,
            )
            .unwrap();
        }
    }
    // Up to 0.1% of pixels may differ (font hinting or rounding on another machine).
    let allowed = (actual.pixels().len() / 1000).max(1);
    if bad > allowed {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR"));
        actual.save_png(out.join(format!("actual-{name}"))).unwrap();
        diff.save_png(out.join(format!("diff-{name}"))).unwrap();
        panic!(
            "{bad} pixels differ from {} by more than {TOLERANCE} per channel (allowed {allowed}); see {}",
            reference.display(),
            out.display()
        );
    }
}

#[test]
fn the_mini_scenario_matches_its_golden_image() {
    let prepared = mini();
    let s = &prepared.s;
    let atlas = Atlas::new(s, &prepared.model, &prepared.territory, 800, 450, Style::default()).unwrap();
    let d = day("2024-03-02");
    assert_matches_golden(&render_pixmap(&atlas, d, &atlas.day_map(d)).unwrap(), "mini-2024-03-02.png");
}

#[test]
fn render_writes_one_frame_per_day_and_a_gif_with_as_many_frames() {
    let w = Workdir::with_mini();
    w.run(&["--scenario", "mini", "render", "--out", "frames", "--size", "640x360"])
        .success()
        .says("wrote 5 png frames");
    for d in 1..=5 {
        let png = w.path(&format!("frames/2024-03-0{d}.png"));
        let image = tiny_skia::Pixmap::load_png(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
        assert_eq!((image.width(), image.height()), (640, 360));
    }
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::Indexed);
    let mut decoder = options.read_info(std::fs::File::open(w.path("frames/animation.gif")).unwrap()).unwrap();
    let mut frames = 0;
    while decoder.read_next_frame().unwrap().is_some() {
        frames += 1;
    }
    assert_eq!(frames, 5);
    // The faction colours are in the palette exactly.
    let palette = decoder.global_palette().unwrap().chunks(3).map(|c| [c[0], c[1], c[2]]).collect::<Vec<_>>();
    for colour in [[0xc0, 0x39, 0x2b], [0x2f, 0x6d, 0xb5]] {
        assert!(palette.contains(&colour), "{colour:?} is not in the GIF palette");
    }
}

#[test]
fn the_shipped_scenario_renders_fifteen_frames_and_the_gif() {
    let w = Workdir::new();
    w.run(&["render", "--size", "640x360"]).success().says("wrote 15 png frames in frames and frames/animation.gif");
    let pngs = std::fs::read_dir(w.path("frames"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "png"))
        .count();
    assert_eq!(pngs, 15);
}

#[test]
fn svg_frames_parse_as_xml() {
    let w = Workdir::with_mini();
    w.mini_svg_frames("2024-03-02", "2024-03-03");
    for d in ["2024-03-02", "2024-03-03"] {
        let text = w.read(&format!("frames/{d}.svg"));
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{d}.svg does not parse: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        assert!(text.contains("Testland") && text.contains("Alpha"), "titles and labels are text in the SVG");
    }
}

#[test]
fn frames_are_identical_with_one_and_two_threads() {
    let w = Workdir::with_mini();
    w.run(&["--scenario", "mini", "render", "--out", "one", "--threads", "1", "--size", "640x360"]).success();
    w.run(&["--scenario", "mini", "render", "--out", "two", "--threads", "2", "--size", "640x360"]).success();
    for name in ["2024-03-01.png", "2024-03-03.png", "2024-03-05.png", "animation.gif"] {
        let (a, b) = (
            std::fs::read(w.path(&format!("one/{name}"))).unwrap(),
            std::fs::read(w.path(&format!("two/{name}"))).unwrap(),
        );
        assert!(a == b, "{name} differs between 1 and 2 threads");
    }
}

#[test]
fn a_failed_render_leaves_no_partial_files() {
    let w = Workdir::with_mini();
    // A folder where a frame should go makes writing that frame fail.
    std::fs::create_dir_all(w.path("frames/2024-03-03.png")).unwrap();
    w.run(&["--scenario", "mini", "render", "--size", "640x360"]).failure();
    let names: Vec<String> = std::fs::read_dir(w.path("frames"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("partial") || n.contains(".part")), "{names:?}");
    assert!(!names.contains(&"animation.gif".to_string()), "no GIF from a failed run: {names:?}");
}

#[test]
fn mp4_needs_ffmpeg_and_says_so() {
    let w = Workdir::with_mini();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_frontline"))
        .args(["--scenario", "mini", "render", "--size", "640x360", "--mp4", "out.mp4", "--no-gif"])
        .current_dir(w.path(""))
        .env("PATH", "")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("ffmpeg not found") && stderr.contains("apt-get install ffmpeg"), "{stderr}");
    assert!(!w.path("out.mp4").exists());
}

#[test]
fn mp4_is_written_when_ffmpeg_is_there() {
    if std::process::Command::new("ffmpeg").arg("-version").output().is_err() {
        eprintln!("skipped: ffmpeg is not installed");
        return;
    }
    let w = Workdir::with_mini();
    w.run(&["--scenario", "mini", "render", "--size", "640x360", "--mp4", "out.mp4", "--no-gif"]).success();
    let bytes = std::fs::read(w.path("out.mp4")).unwrap();
    assert!(bytes.len() > 1000 && &bytes[4..8] == b"ftyp", "not an MP4");
}

#[test]
fn the_cached_background_gives_the_same_picture_as_drawing_everything() {
    use plotters::prelude::IntoDrawingArea;
    let prepared = mini();
    let s = &prepared.s;
    let atlas = Atlas::new(s, &prepared.model, &prepared.territory, 800, 450, Style::default()).unwrap();
    for d in ["2024-03-01", "2024-03-02", "2024-03-04"] {
        let map = atlas.day_map(day(d));
        let layered = render_pixmap(&atlas, day(d), &map).unwrap();
        let mut whole = tiny_skia::Pixmap::new(800, 450).unwrap();
        {
            let backend = frontline::raster::SkiaBackend::new(&mut whole, frontline::render::SUBPIXELS).unwrap();
            let area = backend.into_drawing_area();
            frontline::render::draw_frame(&area, &atlas, day(d), &map).unwrap();
            area.present().unwrap();
        }
        assert!(layered.data() == whole.data(), "{d}: the layered frame differs from the whole one");
    }
}

/// A `[text]` table in Ukrainian, as a scenario in another language would write it.
const UKRAINIAN_TEXT: &str = r#"
[text]
date_format = "%-d %B %Y р."
months = ["січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня", "листопада", "грудня"]
day_of = "День {day} з {days} · стан на кінець дня"
this_day = "Цього дня"
taken = "{place}: зайняли {faction}"
contested = "{place}: бої, всередині {faction}"
legend_frontline = "Лінія фронту"
sources = "Джерела дня: {list}"
"#;

#[test]
fn the_panel_speaks_the_scenarios_language() {
    let w = Workdir::with_mini();
    let manifest = w.read("mini/scenario.toml");
    w.write("mini/scenario.toml", &format!("{manifest}{UKRAINIAN_TEXT}"));
    w.mini_svg_frames("2024-03-02", "2024-03-03");
    let svg = w.read("frames/2024-03-03.svg");
    for words in
        ["3 березня 2024 р.", "День 3 з 5", "Цього дня", "Alpha: зайняли Blue front", "Лінія фронту", "Джерела дня:"]
    {
        assert!(svg.contains(words), "{words:?} is not on the frame");
    }
    for english in ["March", "This day", "taken by", "Frontline", "Sources this day"] {
        assert!(!svg.contains(english), "{english:?} is still on the frame");
    }
    let svg = w.read("frames/2024-03-02.svg");
    assert!(svg.contains("Alpha: бої, всередині Blue front"), "the contested line");
    // The page uses the same words for its days.
    w.run(&["--scenario", "mini", "site", "--out", "site"]).success();
    assert!(w.read("site/index.html").contains("2 березня 2024 р."));

    // A template with a field it cannot have is refused, naming the field.
    w.write("mini/scenario.toml", &format!("{manifest}[text]\ntaken = \"{{place}} taken by {{side}}\"\n"));
    w.run(&["--scenario", "mini", "check"]).failure().says("field `text.taken`").says("{side} is not a field here");
}

#[test]
fn the_damascus_inset_shows_the_capital_change_hands_at_a_larger_scale() {
    let prepared = prepare(Scenario::syria_2024().unwrap());
    let s = &prepared.s;
    let atlas = Atlas::new(s, &prepared.model, &prepared.territory, 1280, 720, Style::default()).unwrap();
    assert_eq!(atlas.insets.len(), 1, "the Syria scenario has one inset");
    let inset = &atlas.insets[0];
    let (map, boxed) = (atlas.layout.map, inset.layout.map);
    assert!(boxed.min().x > map.center().x && boxed.min().y > map.center().y, "bottom-right: {boxed:?}");
    assert!(inset.pixels_per_metre() > 4.0 * atlas.pixels_per_metre(), "drawn at a larger scale");
    let damascus = s.gazetteer.lookup("Damascus", &Location::file("test")).unwrap();
    let at = inset.positions[damascus.index()];
    assert!(boxed.contains(&Point::from(at)), "Damascus is inside the inset");
    let marker = |key: &str| s.faction_by_key(key).unwrap().colour.rgb();
    for (d, key) in [("2024-12-06", "gov"), ("2024-12-08", "hts")] {
        let pixmap = render_pixmap(&atlas, day(d), &atlas.day_map(day(d))).unwrap();
        assert_eq!(pixel_at(&pixmap, at), marker(key), "Damascus's marker in the inset on {d}");
        // The areas in the inset are drawn too: its cell has the holder's area colour.
        let area = atlas.style.area_colour(s.faction_by_key(key).unwrap().colour).rgb();
        let cell = clip_to(&inset.cell_in_pixels(damascus), boxed);
        let counts = count_colours(&pixmap, &cell);
        assert!(counts.get(&area).copied().unwrap_or(0) > 20, "{key}'s area around Damascus in the inset on {d}");
    }
}

fn clip_to(shape: &geo::MultiPolygon<f64>, rect: geo::Rect<f64>) -> geo::MultiPolygon<f64> {
    use geo::BooleanOps;
    shape.intersection(&geo::MultiPolygon(vec![rect.to_polygon()]))
}

fn count_colours(pixmap: &tiny_skia::Pixmap, shape: &geo::MultiPolygon<f64>) -> HashMap<[u8; 3], usize> {
    let mut counts = HashMap::new();
    for y in 0..pixmap.height() {
        for x in 0..pixmap.width() {
            if shape.contains(&Point::new(x as f64 + 0.5, y as f64 + 0.5)) {
                let p = pixmap.pixel(x, y).unwrap();
                *counts.entry([p.red(), p.green(), p.blue()]).or_insert(0) += 1;
            }
        }
    }
    counts
}

#[test]
fn a_bad_inset_is_refused_with_its_field() {
    let w = Workdir::with_mini();
    let manifest = w.read("mini/scenario.toml");
    let inset = "\n[[map.insets]]\nextent = [36.0, 33.0, 36.5, 33.5]\ncorner = \"top-left\"\nwidth = 0.9\n";
    w.write(
        "mini/scenario.toml",
        &manifest.replacen("label_population = 1000\n", &format!("label_population = 1000\n{inset}"), 1),
    );
    w.run(&["--scenario", "mini", "check"]).failure().says("map.insets[1].width").says("0.1 to 0.6");
    let inset = inset.replace("width = 0.9", "width = 0.3").replace("top-left", "middle");
    w.write(
        "mini/scenario.toml",
        &manifest.replacen("label_population = 1000\n", &format!("label_population = 1000\n{inset}"), 1),
    );
    w.run(&["--scenario", "mini", "check"]).failure().says("top-left");
    let inset = inset.replace("middle", "top-left");
    w.write(
        "mini/scenario.toml",
        &manifest.replacen("label_population = 1000\n", &format!("label_population = 1000\n{inset}"), 1),
    );
    w.run(&["--scenario", "mini", "render", "--out", "f", "--no-gif", "--size", "640x360"]).success();
}

/// The Euphrates was the line between the government's south bank and the SDF's north bank
/// for years: before the offensive, the land 15–35 km north of the river opposite Maadan and
/// at-Tibni is the SDF's on the frame (plain or thinly held), never the government's, and
/// the land just south of it is the government's.
#[test]
fn no_government_land_crosses_the_euphrates_before_the_offensive() {
    let prepared = prepare(Scenario::syria_2024().unwrap());
    let s = &prepared.s;
    let atlas = Atlas::new(s, &prepared.model, &prepared.territory, 1920, 1080, Style::default()).unwrap();
    let d = "2024-11-26";
    let pixmap = render_pixmap(&atlas, day(d), &atlas.day_map(day(d))).unwrap();
    let tints = |key: &str| {
        let c = s.faction_by_key(key).unwrap().colour;
        [atlas.style.area_colour(c).rgb(), atlas.style.thin_colour(c).rgb(), atlas.style.assessed_colour(c).rgb()]
    };
    let (sdf, gov) = (tints("sdf"), tints("gov"));
    // The nearest tint of the two factions to the colour of a few pixels around the point
    // (stipple dots and labels aside).
    let side = |lon: f64, lat: f64| -> &'static str {
        let at = atlas.pixel_of(geo::Coord { x: lon, y: lat });
        let mut votes = (0, 0);
        for dx in -3..=3 {
            for dy in -3..=3 {
                let c = pixel_at(&pixmap, geo::Coord { x: at.x + dx as f64, y: at.y + dy as f64 });
                let dist = |t: &[u8; 3]| (0..3).map(|i| (c[i] as i32 - t[i] as i32).abs()).sum::<i32>();
                let (ds, dg) = (sdf.iter().map(dist).min().unwrap(), gov.iter().map(dist).min().unwrap());
                if ds < 12 && ds < dg {
                    votes.0 += 1;
                } else if dg < 12 && dg < ds {
                    votes.1 += 1;
                }
            }
        }
        if votes.0 > votes.1 {
            "sdf"
        } else if votes.1 > votes.0 {
            "gov"
        } else {
            "neither"
        }
    };
    // Points on the river (Natural Earth) between Maadan and Deir ez-Zor, then north of it.
    for (lon, lat) in [(39.70, 35.76), (39.90, 35.56), (40.03, 35.48)] {
        for north in [0.15, 0.3] {
            assert_eq!(side(lon, lat + north), "sdf", "{:.2}° north of the river at {lon}E on {d}", north);
        }
        assert_eq!(side(lon, lat - 0.08), "gov", "just south of the river at {lon}E on {d}");
    }
}
