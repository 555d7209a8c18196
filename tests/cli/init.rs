//! `init` keeps what a user wrote, writes examples that are never read as data, and frames
//! every country of the built-in map so that `check` accepts it.

use crate::workdir::{Workdir, fixture};

#[test]
fn init_refuses_a_folder_with_files_and_with_force_keeps_a_backup() {
    let w = Workdir::new();
    std::fs::create_dir(w.path("war")).unwrap();
    w.write(
        "war/events.csv",
        "date,place,faction,action,confidence,source,quote,note\n2024-01-01,Mine,a,captured,reported,r1,,my row\n",
    );
    w.run(&["init", "war", "--country", "Ukraine"]).failure().says("is not empty (events.csv)").says("--force");
    assert!(w.read("war/events.csv").contains("my row"), "the user's file was touched");
    assert!(!w.path("war/scenario.toml").exists(), "a refused init wrote files");
    let forced = w.run(&["init", "war", "--country", "Ukraine", "--force"]);
    forced.success().says("kept the old");
    let backups: Vec<String> = std::fs::read_dir(w.path("war"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("events.csv.bak-"))
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert!(w.read(&format!("war/{}", backups[0])).contains("my row"), "the backup lost the user's row");
    assert!(!w.read("war/events.csv").contains("my row"), "--force did not write the new table");
    // A second --force in the same second keeps both older versions.
    w.run(&["init", "war", "--country", "Ukraine", "--force"]).success();
    let count = std::fs::read_dir(w.path("war"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("scenario.toml.bak-"))
        .count();
    assert!(count >= 1, "no backup of scenario.toml");
    // A scenario is named as such; a file is not a folder.
    w.run(&["init", "war", "--country", "Ukraine"]).failure().says("already holds a scenario.toml");
    w.write("plain", "x");
    w.run(&["init", "plain", "--country", "Ukraine"]).failure().says("not a folder");
}

#[test]
fn commented_example_rows_are_never_data_and_kyiv_is_imported() {
    let w = Workdir::new();
    w.run(&["init", "war", "--country", "Ukraine", "--from", "2024-01-01", "--to", "2024-01-07"]).success();
    let gazetteer = w.read("war/gazetteer.csv");
    assert!(gazetteer.contains("\n# capital,") && !gazetteer.contains("703448"), "{gazetteer}");
    // A dump holding Kyiv under its real GeoNames id, 703448.
    let dump = std::fs::read_to_string(fixture("geonames").join("XX.txt")).unwrap();
    let first = dump.lines().next().unwrap();
    let mut f: Vec<String> = first.split('\t').map(str::to_string).collect();
    (f[0], f[1], f[2], f[3]) = ("703448".into(), "Kyiv".into(), "Kyiv".into(), String::new());
    (f[4], f[5], f[8]) = ("50.45466".into(), "30.5238".into(), "UA".into());
    w.write("UA.txt", &(f.join("\t") + "\n"));
    w.run(&["--scenario", "war", "import", "geonames", "UA.txt"]).success().says("1 places added, 0 already there");
    let gazetteer = w.read("war/gazetteer.csv");
    assert!(gazetteer.contains("\nkyiv,Kyiv,"), "Kyiv was dropped:\n{gazetteer}");
    assert!(gazetteer.contains("\n# capital,Capital City,"), "the example comment was lost:\n{gazetteer}");
    // Once the id is in a data row, a re-import keeps it; the comment is still one comment.
    w.run(&["--scenario", "war", "import", "geonames", "UA.txt"]).success().says("0 places added, 1 already there");
    assert_eq!(w.read("war/gazetteer.csv").matches("# capital,").count(), 1);
    w.run(&["--scenario", "war", "check"]).success().says("0 error(s)");
}

/// The antimeridian countries by name, then every country: `init` gives an extent that
/// `check` accepts (west < east within -180..180, south < north within -90..90).
#[test]
fn init_frames_every_country_of_the_built_in_map_so_that_check_accepts_it() {
    let w = Workdir::new();
    for (i, country) in ["Russia", "United States of America", "Fiji", "New Zealand", "Kiribati"].iter().enumerate() {
        let dir = format!("c{i}");
        w.run(&["init", &dir, "--country", country, "--from", "2024-01-01", "--to", "2024-01-07"]).success();
        let manifest = w.read(&format!("{dir}/scenario.toml"));
        let line = manifest.lines().find(|l| l.starts_with("extent = ")).unwrap();
        w.run(&["--scenario", &dir, "check"]).success().says("0 error(s)");
        eprintln!("{country}: {line}");
    }
    // Every country, through the same library calls as `init` and `check` (a process per
    // country would take minutes).
    let world = frontline::init::world().unwrap();
    let day = |d: &str| d.parse::<chrono::NaiveDate>().unwrap();
    let options = frontline::init::Options { days: Some((day("2024-01-01"), day("2024-01-07"))), ..Default::default() };
    let mut rejected = Vec::new();
    for country in &world {
        let files = frontline::init::scaffold_in(&world, &country.name, &options).unwrap();
        let report = frontline::Scenario::load_report(&files);
        let errors: Vec<String> = report
            .problems
            .iter()
            .filter(|p| p.severity == frontline::problem::Severity::Error)
            .map(|p| p.to_string())
            .collect();
        if report.scenario.is_none() || !errors.is_empty() {
            rejected.push(format!("{}: {}", country.name, errors.join("; ")));
        }
    }
    assert!(rejected.is_empty(), "{} of {} countries rejected:\n{}", rejected.len(), world.len(), rejected.join("\n"));
}

/// Without --from/--to the days are placeholders that `check` refuses, saying how to set
/// them; with them, the manifest holds the war's days.
#[test]
fn init_days_are_the_wars_or_placeholders_that_check_refuses() {
    let w = Workdir::new();
    w.run(&["init", "war", "--country", "Ukraine"]).success().says("placeholders");
    w.run(&["--scenario", "war", "check"])
        .failure()
        .says("field `first_day`: not set yet")
        .says("--from YYYY-MM-DD --to YYYY-MM-DD");
    w.edit("war/scenario.toml", "first_day = \"YYYY-MM-DD\"", "first_day = \"2022-02-24\"");
    w.run(&["--scenario", "war", "check"]).failure().says("field `last_day`: not set yet");
    w.run(&["init", "w2", "--country", "Ukraine", "--from", "2022-02-24", "--to", "2022-03-05"]).success();
    let manifest = w.read("w2/scenario.toml");
    assert!(manifest.contains("first_day = \"2022-02-24\"\nlast_day = \"2022-03-05\""), "{manifest}");
    assert!(manifest.contains("label_population = \"auto\""), "{manifest}");
    assert!(!manifest.contains("GeoNames"), "GeoNames is credited when its places are imported:\n{manifest}");
    w.run(&["--scenario", "w2", "check"]).success().says("0 error(s)");
    w.run(&["init", "w3", "--country", "Ukraine", "--from", "2022-03-05", "--to", "2022-02-24"])
        .failure()
        .says("before --from");
    let lone = w.run(&["init", "w4", "--country", "Ukraine", "--from", "2022-03-05"]);
    lone.says("--to <YYYY-MM-DD>");
    assert!(!w.path("w4").exists(), "--from without --to wrote a scenario");
}

/// The frame fits the main body: an exclave across another country's land is left out
/// unless asked for (Oman's Musandam, north of the UAE; Azerbaijan's Nakhchivan).
#[test]
fn the_frame_fits_the_main_body_and_exclaves_come_on_request() {
    let world = frontline::init::world().unwrap();
    let country = |n: &str| frontline::init::find_country(&world, n).unwrap();
    let north = |n: &str, with: bool| frontline::init::default_extent(&world, country(n), with).unwrap().max().y;
    assert!(
        north("Oman", false) < 26.0 && north("Oman", true) > 26.4,
        "{} {}",
        north("Oman", false),
        north("Oman", true)
    );
    use geo::Contains;
    let az = country("Azerbaijan");
    let (nakhchivan, baku) = (geo::Point::new(45.41, 39.21), geo::Point::new(49.87, 40.41));
    let body = frontline::init::main_body(&world, az, false);
    assert!(body.contains(&baku) && !body.contains(&nakhchivan));
    assert!(frontline::init::main_body(&world, az, true).contains(&nakhchivan));
    // Islands near the coast stay: Japan's Hokkaido and Kyushu, Indonesia's Papua.
    let japan = frontline::init::main_body(&world, country("Japan"), false);
    assert!(japan.contains(&geo::Point::new(142.5, 43.5)) && japan.contains(&geo::Point::new(131.0, 32.5)));
    let indonesia = frontline::init::main_body(&world, country("Indonesia"), false);
    assert!(indonesia.contains(&geo::Point::new(138.5, -4.0)), "Papua left out");
    let w = Workdir::new();
    w.run(&["init", "om", "--country", "Oman", "--from", "2024-01-01", "--to", "2024-01-02"]).success();
    w.run(&["init", "om2", "--country", "Oman", "--with-exclaves", "--from", "2024-01-01", "--to", "2024-01-02"])
        .success();
    let extent =
        |d: &str| w.read(&format!("{d}/scenario.toml")).lines().find(|l| l.starts_with("extent")).unwrap().to_string();
    assert_ne!(extent("om"), extent("om2"));
}
