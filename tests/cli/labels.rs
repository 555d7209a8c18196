//! Labels that belong to their places, contested markers that show, a panel that fits the
//! day with the full list beside the frame, and an animation that holds its last frame:
//! probed on the frames the renderer draws, from the layout it draws them with.

use frontline::render::labels::distance_to_box;
use frontline::render::{Atlas, FrameLayout, Style, ViewLayout, frame_layout, render_pixmap};
use frontline::{Location, Scenario};
use geo::Rect;

use crate::workdir::{Workdir, fixture};

fn day(d: &str) -> chrono::NaiveDate {
    d.parse().unwrap()
}

fn overlap(a: &Rect<f64>, b: &Rect<f64>) -> bool {
    a.min().x < b.max().x && b.min().x < a.max().x && a.min().y < b.max().y && b.min().y < a.max().y
}

/// Every ringed place of `view` has a label; each label sits against its own ring (or on
/// a leader line from it), touches no other ring, is nearer its own ring than any other,
/// and keeps off reserved boxes and other labels. Returns how many rings it checked.
fn assert_unambiguous(view: &ViewLayout, what: &str, names: &dyn Fn(u32) -> String) -> usize {
    for ring in &view.rings {
        let name = names(ring.place.0);
        let label = view
            .labels
            .iter()
            .find(|l| l.key == ring.place.0)
            .unwrap_or_else(|| panic!("{what}: the ring of {name} has no label"));
        let own = distance_to_box(ring.at, &label.rect) - ring.outer;
        match label.leader {
            None => assert!(own <= label.size, "{what}: {name}'s label stands {own:.1} px from its ring"),
            Some(leader) => {
                let start = ((leader.start.x - ring.at.x).powi(2) + (leader.start.y - ring.at.y).powi(2)).sqrt();
                assert!((start - ring.outer).abs() < 1.0, "{what}: {name}'s leader does not start at its ring");
                assert!(distance_to_box(leader.end, &label.rect) < 1.0, "{what}: {name}'s leader misses its label");
            }
        }
        for other in view.rings.iter().filter(|o| o.place != ring.place && o.at != ring.at) {
            let d = distance_to_box(other.at, &label.rect) - other.outer;
            assert!(d > 0.0, "{what}: {name}'s label touches the ring of {}", names(other.place.0));
            if label.leader.is_none() {
                assert!(d > own, "{what}: {name}'s label is nearer the ring of {} than its own", names(other.place.0));
            }
        }
    }
    for (i, a) in view.labels.iter().enumerate() {
        assert!(
            overlap(&a.rect, &view.map) && a.rect.min().x >= view.map.min().x && a.rect.max().x <= view.map.max().x
        );
        for r in &view.reserved {
            assert!(!overlap(&a.rect, r), "{what}: {} overlaps a reserved box {r:?}", a.text);
        }
        for outline in &view.outlines {
            assert!(
                !frontline::render::labels::crosses(outline, &a.rect),
                "{what}: {} crosses an inset's outline",
                a.text
            );
        }
        for b in &view.labels[i + 1..] {
            assert!(!overlap(&a.rect, &b.rect), "{what}: {} overlaps {}", a.text, b.text);
        }
    }
    view.rings.len()
}

fn syria() -> crate::render::Prepared {
    crate::render::prepare(Scenario::syria_2024().unwrap())
}

#[test]
fn every_ringed_place_on_the_crowded_days_has_an_unambiguous_label() {
    let syria = syria();
    let s = &syria.s;
    let atlas = Atlas::new(s, &syria.model, &syria.territory, 1920, 1080, Style::default()).unwrap();
    let names = |i: u32| s.gazetteer.get(frontline::PlaceId(i)).name.clone();
    let mut rings = 0;
    for d in ["2024-12-01", "2024-12-05", "2024-12-06", "2024-12-07", "2024-12-08"] {
        let layout: FrameLayout = frame_layout(&atlas, day(d), &atlas.day_map(day(d)));
        rings += assert_unambiguous(&layout.main, &format!("{d} main map"), &names);
        for inset in &layout.insets {
            rings += assert_unambiguous(inset, &format!("{d} inset"), &names);
        }
        // The base map's names (e.g. ISRAEL) are among the reserved boxes labels kept off.
        assert!(layout.main.reserved.len() >= 4, "{d}: {:?}", layout.main.reserved);
    }
    assert!(rings > 40, "the five days ring {rings} places");
}

#[test]
fn the_labels_drawn_are_the_labels_of_the_layout() {
    // The text's colour shows inside each label box of 8 December, and the rings' colour
    // on each ring: the probes above read what the frame shows.
    let syria = syria();
    let s = &syria.s;
    let atlas = Atlas::new(s, &syria.model, &syria.territory, 1920, 1080, Style::default()).unwrap();
    let d = day("2024-12-08");
    let map = atlas.day_map(d);
    let layout = frame_layout(&atlas, d, &map);
    let pixmap = render_pixmap(&atlas, d, &map).unwrap();
    let ink = atlas.style.text.rgb();
    let dark = |x: u32, y: u32| {
        let p = pixmap.pixel(x, y).unwrap();
        (0..3).all(|i| ([p.red(), p.green(), p.blue()][i] as i32 - ink[i] as i32).abs() < 40)
    };
    for view in std::iter::once(&layout.main).chain(&layout.insets) {
        for label in &view.labels {
            let r = label.rect;
            let inked = (r.min().y as u32..r.max().y as u32)
                .flat_map(|y| (r.min().x as u32..r.max().x as u32).map(move |x| (x, y)))
                .filter(|&(x, y)| dark(x, y))
                .count();
            assert!(inked as f64 > r.width() * r.height() * 0.04, "{}: {inked} dark pixels in its box", label.text);
        }
    }
}

/// The pixels of `pixmap` within `radius` of `at`, by colour.
fn colours_near(pixmap: &tiny_skia::Pixmap, at: geo::Coord<f64>, radius: f64) -> Vec<[u8; 3]> {
    let mut out = Vec::new();
    for y in (at.y - radius) as i64..=(at.y + radius) as i64 {
        for x in (at.x - radius) as i64..=(at.x + radius) as i64 {
            if ((x as f64 + 0.5 - at.x).powi(2) + (y as f64 + 0.5 - at.y).powi(2)).sqrt() <= radius {
                let p = pixmap.pixel(x as u32, y as u32).unwrap();
                out.push([p.red(), p.green(), p.blue()]);
            }
        }
    }
    out
}

#[test]
fn contested_aleppo_shows_both_sides_at_its_marker_on_29_november() {
    let syria = syria();
    let s = &syria.s;
    let atlas = Atlas::new(s, &syria.model, &syria.territory, 1920, 1080, Style::default()).unwrap();
    let aleppo = s.gazetteer.lookup("Aleppo", &Location::file("test")).unwrap();
    let d = day("2024-11-29");
    let state = syria.model.states_on(d)[aleppo.index()];
    let (holder, challenger) = (state.holder.expect("held"), state.challenger.expect("contested"));
    let pixmap = render_pixmap(&atlas, d, &atlas.day_map(d)).unwrap();
    let near = colours_near(&pixmap, atlas.positions[aleppo.index()], 10.0);
    let count = |c: [u8; 3]| near.iter().filter(|p| **p == c).count();
    let (h, c) = (count(s.faction(holder).colour.rgb()), count(s.faction(challenger).colour.rgb()));
    assert!(h > 40 && c > 40, "at Aleppo's marker: {h} pixels of the holder, {c} of the challenger");
    // The day after, HTS holds it: no challenger stripes at the marker.
    let d = day("2024-11-30");
    let state = syria.model.states_on(d)[aleppo.index()];
    assert_eq!(state.challenger, None);
}

/// Crops a frame to a box (rounded out), for a golden image of part of it.
fn crop(pixmap: &tiny_skia::Pixmap, r: Rect<f64>) -> tiny_skia::Pixmap {
    let rect = tiny_skia::IntRect::from_ltrb(
        r.min().x.floor() as i32,
        r.min().y.floor() as i32,
        r.max().x.ceil() as i32,
        r.max().y.ceil() as i32,
    )
    .unwrap();
    pixmap.clone_rect(rect).unwrap()
}

#[test]
fn the_crowded_south_west_and_the_inset_match_their_golden_images() {
    let syria = syria();
    let s = &syria.s;
    let atlas = Atlas::new(s, &syria.model, &syria.territory, 1920, 1080, Style::default()).unwrap();
    let south_west = Rect::new(geo::Coord { x: 0.0, y: 700.0 }, geo::Coord { x: 640.0, y: 1080.0 });
    for d in ["2024-12-06", "2024-12-07", "2024-12-08"] {
        let pixmap = render_pixmap(&atlas, day(d), &atlas.day_map(day(d))).unwrap();
        crate::render::assert_matches_golden(&crop(&pixmap, south_west), &format!("south-west-{d}.png"));
        if d == "2024-12-08" {
            let inset = atlas.insets[0].layout.map;
            crate::render::assert_matches_golden(&crop(&pixmap, inset), &format!("inset-{d}.png"));
        }
    }
    assert!(fixture("golden").join("inset-2024-12-08.png").exists());
}

/// The delays of a GIF's frames, in hundredths of a second.
fn gif_delays(path: &std::path::Path) -> Vec<u16> {
    let mut decoder = gif::DecodeOptions::new().read_info(std::fs::File::open(path).unwrap()).unwrap();
    let mut delays = Vec::new();
    while let Some(frame) = decoder.read_next_frame().unwrap() {
        delays.push(frame.delay);
    }
    delays
}

#[test]
fn the_gif_holds_its_last_frame_and_may_open_with_a_title_card() {
    let w = Workdir::with_mini();
    w.run(&["--scenario", "mini", "render", "--size", "640x360"]).success();
    assert_eq!(gif_delays(&w.path("frames/animation.gif")), vec![50, 50, 50, 50, 300], "3 s on the last day");
    w.run(&["--scenario", "mini", "render", "--size", "640x360", "--hold-last", "5000", "--title-card", "--fps", "4"])
        .success();
    assert_eq!(gif_delays(&w.path("frames/animation.gif")), vec![250, 25, 25, 25, 25, 500]);
    w.run(&["--scenario", "mini", "render", "--size", "640x360", "--hold-last", "0"]).success();
    assert_eq!(gif_delays(&w.path("frames/animation.gif")), vec![50; 5]);
    let refused = w.run(&["--scenario", "mini", "render", "--hold-last=999999999"]);
    refused.no_panic().says("--hold-last").says("0..=600000");
    assert_eq!(refused.output.status.code(), Some(2), "a bad argument");
}

#[test]
fn the_panel_groups_a_day_of_collapse_and_the_full_list_lies_beside_the_frame() {
    let w = Workdir::new();
    w.run(&[
        "render",
        "--from",
        "2024-12-07",
        "--to",
        "2024-12-08",
        "--format",
        "svg",
        "--no-gif",
        "--size",
        "1920x1080",
    ])
    .success();
    let syria = syria();
    let summary = w.read("frames/2024-12-08.txt");
    // Every line the day has, ungrouped, and every place assessed, is in the file.
    for line in frontline::render::change_lines(&syria.s, &syria.model, day("2024-12-08")) {
        assert!(summary.contains(&line.text), "{:?} is not in the summary", line.text);
    }
    assert!(summary.contains("Sky News"), "the sources are listed");
    let svg = w.read("frames/2024-12-08.svg");
    // Grouped lines by region, and a cut list names its file.
    let panel = frontline::render::panel_changes(&syria.s, &syria.model, day("2024-12-08"), 100_000);
    assert!(panel.iter().any(|l| l.contains(" places taken by ")), "{panel:#?}");
    // The day does not fit the panel even grouped: the cut list names its file.
    assert!(svg.contains("more, listed in 2024-12-08.txt"), "the panel's last line names the file");
    assert!(w.path("frames/2024-12-07.txt").exists());
}

/// Weekly frames (`render --every N`) tell what changed since the frame before, not only on
/// their own day: the heading names that frame's day, the list and the file carry the rows of
/// the days between, and a daily render still says "This day".
#[test]
fn frames_that_skip_days_tell_the_days_since_the_frame_before() {
    let w = Workdir::new();
    w.run(&["render", "--every", "5", "--format", "svg", "--no-gif", "--size", "1920x1080"]).success();
    // Frames on 26 Nov, 1 Dec, 6 Dec and the last day, 10 Dec.
    let summary = w.read("frames/2024-12-06.txt");
    assert!(summary.contains("Since 1 December 2024"), "{summary}");
    // A region row of 2 Dec and the capture of Hama on 5 Dec are both told on the 6 Dec frame.
    assert!(summary.contains("south-eastern Aleppo countryside"), "{summary}");
    assert!(summary.contains("Hama: taken by"), "{summary}");
    let svg = w.read("frames/2024-12-06.svg");
    assert!(svg.contains("Since 1 December 2024") && svg.contains("Changed hands since the frame before"));
    assert!(!svg.contains(">This day<"), "the daily heading is not drawn under the span's");
    // The last frame tells only the days after the frame before it (7-10 Dec).
    let last = w.read("frames/2024-12-10.txt");
    assert!(last.contains("Since 6 December 2024") && !last.contains("Hama: taken by"), "{last}");
    w.run(&["render", "--from", "2024-12-06", "--to", "2024-12-06", "--format", "svg", "--no-gif"]).success();
    assert!(w.read("frames/2024-12-06.txt").contains("\n\nThis day\n"));
}
