//! Hardening: outputs that never clobber what is not a file, concurrent and interrupted
//! runs, bounded inputs, messages that say where and what, and no echo of foreign files.
//! Everything runs on temporary paths (a FIFO made with mkfifo, symlinks), never on real
//! devices.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::workdir::Workdir;

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().expect("mkfifo runs").success();
    assert!(ok, "mkfifo {}", path.display());
}

fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).map(|m| m.file_type().is_fifo()).unwrap_or(false)
}

fn partials(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".partial") || n.ends_with(".part"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_fifo_is_refused_and_left_as_it_was() {
    let w = Workdir::with_mini();
    mkfifo(&w.path("pipe"));
    w.run(&["--scenario", "mini", "export", "--csv", "--out", "pipe"]).failure().says("not a regular file");
    assert!(is_fifo(&w.path("pipe")), "the FIFO was replaced");
    w.run(&["--scenario", "mini", "render", "--out", "frames", "--gif", "pipe", "--size", "320x240"])
        .failure()
        .says("not a regular file");
    assert!(is_fifo(&w.path("pipe")));
    std::fs::create_dir(w.path("folder")).unwrap();
    w.run(&["--scenario", "mini", "export", "--csv", "--out", "folder"]).failure().says("a folder");
    assert!(partials(w.path("").as_path()).is_empty());
}

#[test]
fn a_symlink_is_written_through_and_a_dangling_one_refused() {
    let w = Workdir::with_mini();
    w.write("real.csv", "old\n");
    std::os::unix::fs::symlink(w.path("real.csv"), w.path("link.csv")).unwrap();
    w.run(&["--scenario", "mini", "export", "--csv", "--out", "link.csv"]).success();
    assert!(std::fs::symlink_metadata(w.path("link.csv")).unwrap().file_type().is_symlink(), "the link stays");
    assert!(w.read("real.csv").starts_with("date,place_id"), "the file it points to is replaced");
    std::os::unix::fs::symlink(w.path("nowhere.csv"), w.path("dangling.csv")).unwrap();
    w.run(&["--scenario", "mini", "export", "--csv", "--out", "dangling.csv"])
        .failure()
        .says("symbolic link to nothing");
    assert!(!w.path("nowhere.csv").exists());
}

#[test]
fn concurrent_renders_into_one_folder_leave_valid_files() {
    let w = Workdir::with_mini();
    let exe = env!("CARGO_BIN_EXE_frontline");
    for _ in 0..3 {
        let spawn = |size: &str| {
            Command::new(exe)
                .args(["--scenario", "mini", "render", "--out", "frames", "--size", size, "--quiet"])
                .current_dir(w.path(""))
                .spawn()
                .unwrap()
        };
        let (mut a, mut b) = (spawn("640x360"), spawn("800x450"));
        assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
        let bytes = std::fs::read(w.path("frames/animation.gif")).unwrap();
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::Indexed);
        let mut decoder = options.read_info(bytes.as_slice()).expect("a valid GIF");
        let size = (decoder.width(), decoder.height());
        assert!(size == (640, 360) || size == (800, 450), "{size:?}");
        let mut frames = 0;
        while decoder.read_next_frame().expect("every frame decodes").is_some() {
            frames += 1;
        }
        assert_eq!(frames, 5);
        assert!(partials(&w.path("frames")).is_empty());
    }
}

#[test]
fn an_interrupted_render_leaves_no_temporary_file() {
    for signal in ["-INT", "-TERM"] {
        let w = Workdir::new();
        let child = Command::new(env!("CARGO_BIN_EXE_frontline"))
            .args(["render", "--out", "frames", "--size", "3840x2160", "--quiet", "--threads", "1"])
            .current_dir(w.path(""))
            .spawn()
            .unwrap();
        let started = Instant::now();
        // Wait until a temporary file exists, then interrupt.
        while partials(&w.path("frames")).is_empty() && started.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(!partials(&w.path("frames")).is_empty(), "no temporary file appeared");
        Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(!out.status.success(), "{signal}: the run should end unsuccessfully");
        assert!(partials(&w.path("frames")).is_empty(), "{signal} left {:?}", partials(&w.path("frames")));
    }
}

/// Runs frontline with `args` in `w`, killing it after `limit`: a guard against hangs,
/// not a speed test (the limit is far above any normal run).
fn run_with_limit(w: &Workdir, args: &[&str], limit: Duration) -> std::process::ExitStatus {
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontline")).args(args).current_dir(w.path("")).spawn().unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("frontline {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_tiny_extent_around_a_contested_place_renders_and_its_scale_bar_fits() {
    let w = Workdir::with_mini();
    // Alpha is contested on 2 March; look at it through a window 0.001° wide.
    w.edit("mini/scenario.toml", "extent = [35.8, 32.8, 38.2, 35.2]", "extent = [36.4995, 33.4995, 36.5005, 33.5005]");
    let status = run_with_limit(
        &w,
        &["--scenario", "mini", "render", "--from", "2024-03-02", "--to", "2024-03-02", "--out", "f", "--no-gif"],
        Duration::from_secs(60),
    );
    assert!(status.success());
    // The scale bar never outgrows the map.
    for extent in ["[36.485, 33.485, 36.515, 33.515]", "[36.4995, 33.4995, 36.5005, 33.5005]"] {
        w.edit("mini/scenario.toml", "extent = [", &format!("extent = {extent} #["));
        let s = frontline::Scenario::from_dir(w.path("mini")).unwrap();
        let model = s.model();
        let territory = frontline::territory::Territory::new(&s);
        let atlas = frontline::render::Atlas::new(&s, &model, &territory, 1920, 1080, Default::default()).unwrap();
        let bar = frontline::render::scale_bar(atlas.pixels_per_metre(), atlas.layout.map.width() / 3.0).unwrap();
        assert!(bar.pixels <= atlas.layout.map.width() / 3.0 && bar.pixels > 20.0, "{extent}: {bar:?}");
        let text = w.read("mini/scenario.toml");
        w.write("mini/scenario.toml", &text.replace(&format!("extent = {extent} #["), "extent = ["));
    }
}

#[test]
fn inputs_must_be_regular_files_under_the_size_cap() {
    let w = Workdir::with_mini();
    mkfifo(&w.path("mini/pipe.csv"));
    w.edit("mini/scenario.toml", "baseline = \"baseline.csv\"", "baseline = \"pipe.csv\"");
    let status = run_with_limit(&w, &["--scenario", "mini", "check"], Duration::from_secs(30));
    assert!(!status.success());
    w.run(&["--scenario", "mini", "check"]).failure().says("mini/pipe.csv").says("expected a regular file");
    let w = Workdir::with_mini();
    let mut big = w.read("mini/events.csv");
    let row = "2024-03-04,Tall Charlie,blue,captured,reported,r1.txt,Charlie fell to Blue on Monday.,\n";
    while big.len() < 1_200_000 {
        big.push_str(row);
    }
    w.write("mini/events.csv", &big);
    w.run(&["--scenario", "mini", "--max-input-mb", "1", "check"])
        .failure()
        .says("over the 1 MB limit")
        .says("--max-input-mb");
    w.run(&["--scenario", "mini", "--max-input-mb", "2", "check"]).success();
}

#[test]
fn check_reports_each_group_of_conflicting_rows_once() {
    let w = Workdir::with_mini();
    let mut events = w.read("mini/events.csv");
    for i in 0..2000 {
        let (faction, action) = if i % 2 == 0 { ("red", "held") } else { ("blue", "captured") };
        events.push_str(&format!(
            "2024-03-05,Bravo,{faction},{action},claimed,r1.txt,Charlie fell to Blue on Monday.,{i}\n"
        ));
    }
    w.write("mini/events.csv", &events);
    let run = w.run(&["--scenario", "mini", "check"]);
    run.success();
    let stdout = run.stdout();
    let bravo: Vec<&str> = stdout.lines().filter(|l| l.contains("conflicting claims for Bravo")).collect();
    assert_eq!(bravo.len(), 1, "{bravo:?}");
    assert!(bravo[0].contains("1000 row(s) lose") && bravo[0].contains("and 995 more"), "{}", bravo[0]);
}

#[test]
fn errors_never_echo_a_foreign_file() {
    let w = Workdir::with_mini();
    w.write("secret.txt", "root:$6$VerySecretHash$abcdefghijklmnopqrstuvwxyz:19000:0:99999:7:::\ndaemon:*:19000\n");
    w.edit("mini/scenario.toml", "gazetteer = \"gazetteer.csv\"", "gazetteer = \"../secret.txt\"");
    let run = w.run(&["--scenario", "mini", "check"]);
    run.failure().says("missing: id, name, lat, lon");
    let all = run.stdout() + &run.stderr();
    assert!(!all.contains("VerySecret") && !all.contains("root:"), "{all}");
}

#[test]
fn messages_say_what_is_wrong_where_and_what_to_do() {
    let w = Workdir::with_mini();
    // A file-level error names the file, not "?".
    w.edit("mini/scenario.toml", "events = \"events.csv\"", "events = \"nope.csv\"");
    let run = w.run(&["--scenario", "mini", "check"]);
    run.failure().says("nope.csv");
    assert!(!run.stdout().contains("?:") && !run.stderr().contains("?:"), "{}", run.stdout());
    w.edit("mini/scenario.toml", "events = \"nope.csv\"", "events = \"events.csv\"");

    // Encodings: the line and a hint.
    let original = w.read("mini/events.csv");
    let mut latin1 = original.clone().into_bytes();
    latin1.extend_from_slice(b"2024-03-04,Bravo,blue,captured,reported,r1.txt,Caf\xe9,\n");
    std::fs::write(w.path("mini/events.csv"), &latin1).unwrap();
    w.run(&["--scenario", "mini", "check"]).failure().says("events.csv:6").says("Latin-1");
    let utf16: Vec<u8> =
        [0xff, 0xfe].into_iter().chain(original.encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
    std::fs::write(w.path("mini/events.csv"), &utf16).unwrap();
    w.run(&["--scenario", "mini", "check"]).failure().says("UTF-16");
    w.write("mini/events.csv", &original);

    // A negative reach, an impossible day.
    w.edit("mini/scenario.toml", "label_population = 1000", "label_population = 1000\nreach_km = -5");
    let run = w.run(&["--scenario", "mini", "check"]);
    run.failure().says("found \"-5\"");
    assert!(!run.stdout().contains("Some("));
    let text = w.read("mini/scenario.toml").replace("\nreach_km = -5", "");
    w.write("mini/scenario.toml", &text);
    w.edit("mini/events.csv", "2024-03-04,Tall Charlie", "2024-02-30,Tall Charlie");
    w.run(&["--scenario", "mini", "check"]).failure().says("\"2024-02-30\" is not a day of the calendar");
    let run = w.run(&["control", "--date", "2024-02-30"]);
    assert_eq!(run.output.status.code(), Some(2), "a bad argument");
    assert!(run.stderr().contains("not a day of the calendar"), "{}", run.stderr());
    w.write("mini/events.csv", &original);

    // Missing folders, for reports and for outputs.
    w.run(&["--scenario", "mini", "check", "--sources", "no-such-dir"]).failure().says("no such folder");
    w.run(&["--scenario", "mini", "export", "--csv", "--out", "missing/x.csv"])
        .failure()
        .says("missing/x.csv")
        .says("does not exist");

    // The built-in scenario is named as built in.
    w.run(&["check"]).success().says("(built-in Syria 2024) events.csv:");

    // Exports say what they wrote.
    w.run(&["--scenario", "mini", "export", "--csv", "--out", "c.csv"]).success().says("wrote 25 rows");

    // Findings are check's data (stdout); the summary is on stderr.
    let run = w.run(&["check"]);
    assert!(run.stdout().contains("warning:") && !run.stdout().contains("error(s)"));
    assert!(run.stderr().contains("0 error(s)"));
}

#[test]
fn tables_into_a_file_keep_whole_cells() {
    let w = Workdir::new();
    let run = w.run(&["control", "--date", "2024-12-08", "Damascus"]);
    run.success();
    assert!(!run.stdout().contains('…'), "a cell was cut:\n{}", run.stdout());
    assert!(run.stdout().lines().any(|l| l.len() > 150), "the sources cell is whole:\n{}", run.stdout());
}

#[test]
fn a_closed_stdout_is_an_error() {
    let w = Workdir::new();
    let out = Command::new("sh")
        .args(["-c", &format!("exec {} places Hama >&-", env!("CARGO_BIN_EXE_frontline"))])
        .current_dir(w.path(""))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard output is closed"));
}

#[test]
fn shared_positions_warn_and_bad_zone_rings_are_refused() {
    let w = Workdir::with_mini();
    w.edit("mini/gazetteer.csv", "suran-east,", "delta,Delta,,33.5,37.5,100,South,village,invented\nsuran-east,");
    w.run(&["--scenario", "mini", "check"]).success().says("delta share the position of bravo");
    for (what, ring) in [
        ("not closed", "[[37.0,34.0],[37.2,34.0],[37.2,34.2],[37.0,34.2]]"),
        ("crosses itself", "[[37.0,34.0],[37.2,34.2],[37.2,34.0],[37.0,34.2],[37.0,34.0]]"),
    ] {
        w.write(
            "mini/zones.geojson",
            &format!(r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"place":"charlie"}},"geometry":{{"type":"Polygon","coordinates":[{ring}]}}}}]}}"#),
        );
        if !w.read("mini/scenario.toml").contains("zones =") {
            w.edit("mini/scenario.toml", "basemap = ", "zones = \"zones.geojson\"\nbasemap = ");
        }
        w.run(&["--scenario", "mini", "check"]).failure().says(what);
    }
}

#[test]
fn the_first_day_is_like_any_other_and_its_note_comes_from_the_manifest() {
    let w = Workdir::with_mini();
    w.edit(
        "mini/events.csv",
        "2024-03-02,Al Alfa",
        "2024-03-01,Bravo,red,captured,reported,r1.txt,Charlie fell to Blue on Monday.,\n2024-03-02,Al Alfa",
    );
    let s = frontline::Scenario::from_dir(w.path("mini")).unwrap();
    let model = s.model();
    let lines: Vec<String> =
        frontline::render::change_lines(&s, &model, s.first_day).into_iter().map(|c| c.text).collect();
    assert_eq!(
        lines,
        vec!["• Bravo: taken by Red army".to_string()],
        "no Syria text, and the first day's row is listed"
    );
    w.edit(
        "mini/scenario.toml",
        "credits =",
        "first_day_note = \"Lines as of 1 March, from the Testland atlas.\"\ncredits =",
    );
    let s = frontline::Scenario::from_dir(w.path("mini")).unwrap();
    let lines: Vec<String> =
        frontline::render::change_lines(&s, &model, s.first_day).into_iter().map(|c| c.text).collect();
    assert_eq!(lines[0], "Lines as of 1 March, from the Testland atlas.");
    assert_eq!(lines.len(), 2);
}

#[test]
fn areas_stay_inside_the_focus_outline_along_straight_borders() {
    use geo::{Contains, Distance, Euclidean, MapCoords, Point};
    let s = frontline::Scenario::syria_2024().unwrap();
    let territory = frontline::territory::Territory::new(&s);
    let projection = territory.projection();
    // The true outline: densified finely before projecting.
    let fine =
        frontline::projection::densify_degrees(&s.basemap.focus_land(), 0.005).map_coords(|c| projection.project(c));
    let boundary: Vec<geo::LineString<f64>> = fine.0.iter().map(|p| p.exterior().clone()).collect();
    let model = s.model();
    let areas = territory.state_map(&model.states_on(s.first_day)).areas;
    let mut worst = 0.0f64;
    for (_, shape) in &areas {
        for polygon in &shape.0 {
            for c in polygon.exterior().coords().step_by(3) {
                let p = Point::from(*c);
                if !fine.contains(&p) {
                    let d = boundary.iter().map(|b| Euclidean.distance(&p, b)).fold(f64::INFINITY, f64::min);
                    worst = worst.max(d);
                }
            }
        }
    }
    // The land is allocated on a raster: its traced edge stays within one pixel (the stated
    // accuracy, about 0.55 km for Syria) of the outline.
    let pixel = territory.pixel_m();
    assert!(pixel < 700.0, "pixel {pixel:.0} m");
    assert!(worst < pixel, "an area reaches {worst:.0} m beyond the outline (pixel {pixel:.0} m)");
}

#[test]
fn dataset_rows_need_no_quote_and_sync_is_an_option() {
    let w = Workdir::with_mini();
    w.write("mini/sources.csv", "id,file,outlet,title,published,url,kind\nr1,r1.txt,Invented Wire,An invented report,2024-03-05,,\nds,,Invented dataset,Rows of a spreadsheet,,,dataset\n");
    let mut events = w.read("mini/events.csv");
    events.push_str("2024-03-05,Bravo,red,captured,reported,ds,,Row 17 of the invented spreadsheet.\n");
    w.write("mini/events.csv", &events);
    w.run(&["--scenario", "mini", "check", "--sources", "mini/reports"]).success().says("0 error(s)");
    // Without a quote, a dataset row needs its note.
    w.write("mini/events.csv", &events.replace("Row 17 of the invented spreadsheet.", ""));
    w.run(&["--scenario", "mini", "check"]).failure().says("note");
    w.write("mini/events.csv", &events);
    w.run(&["--scenario", "mini", "render", "--out", "f", "--sync", "--size", "320x240", "--quiet"]).success();
    assert!(w.path("f/animation.gif").is_file() && w.path("f/2024-03-05.png").is_file());
}

#[test]
fn the_label_column_forces_or_hides_labels() {
    let w = Workdir::with_mini();
    let g = w.read("mini/gazetteer.csv");
    let mut out = String::new();
    for (i, line) in g.lines().enumerate() {
        let extra = match (i, line.split(',').next()) {
            (0, _) => ",label",
            (_, Some("alpha")) => ",never",
            (_, Some("bravo")) => ",always",
            _ => ",",
        };
        out.push_str(&format!("{line}{extra}\n"));
    }
    w.write("mini/gazetteer.csv", &out);
    w.edit("mini/scenario.toml", "label_population = 1000", "label_population = 1000000");
    w.mini_svg_frames("2024-03-02", "2024-03-02");
    let svg = w.read("frames/2024-03-02.svg");
    assert!(!svg.contains("\nAlpha\n</text>"), "never: Alpha changed hands that day but stays unlabelled");
    assert!(svg.contains("\nBravo\n</text>"), "always: Bravo is labelled though small and unchanged");
    assert!(!svg.contains("\nCharlie\n</text>"), "auto: Charlie is below label_population");
    w.edit("mini/gazetteer.csv", ",always", ",sometimes");
    w.run(&["--scenario", "mini", "check"]).failure().says("one of always, never, auto");
}

/// Found by the geojson_loaders fuzz target: a position with one number panicked inside
/// the geojson crate's conversion.
#[test]
fn a_position_with_one_number_is_an_error_not_a_panic() {
    let w = Workdir::with_mini();
    w.write(
        "mini/basemap.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Testland","role":"focus"},"geometry":{"type":"Polygon","coordinates":[[[16.92,39.93],[20.93]]]}}]}"#,
    );
    w.run(&["--scenario", "mini", "check"]).failure().no_panic().says("two finite numbers");
    w.write(
        "mini/zones.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"place":"charlie"},"geometry":{"type":"Polygon","coordinates":[[[37.0,34.0],[37.2],[37.2,34.2],[37.0,34.0]]]}}]}"#,
    );
    w.write(
        "mini/basemap.geojson",
        &std::fs::read_to_string(crate::workdir::fixture("mini").join("basemap.geojson")).unwrap(),
    );
    w.edit("mini/scenario.toml", "basemap = ", "zones = \"zones.geojson\"\nbasemap = ");
    w.run(&["--scenario", "mini", "check"]).failure().no_panic().says("two finite numbers");
}

#[test]
fn outputs_are_readable_like_ordinary_files() {
    use std::os::unix::fs::PermissionsExt;
    let w = Workdir::with_mini();
    w.run(&["--scenario", "mini", "export", "--csv", "--out", "new.csv"]).success();
    let mode = |p: &str| std::fs::metadata(w.path(p)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("new.csv"), 0o644, "a new output is readable by all");
    std::fs::set_permissions(w.path("new.csv"), std::fs::Permissions::from_mode(0o600)).unwrap();
    w.run(&["--scenario", "mini", "export", "--csv", "--out", "new.csv"]).success();
    assert_eq!(mode("new.csv"), 0o600, "a replaced output keeps its permissions");
}
