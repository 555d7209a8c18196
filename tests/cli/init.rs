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
    w.run(&["init", "war", "--country", "Ukraine"]).success();
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
        w.run(&["init", &dir, "--country", country]).success();
        let manifest = w.read(&format!("{dir}/scenario.toml"));
        let line = manifest.lines().find(|l| l.starts_with("extent = ")).unwrap();
        w.run(&["--scenario", &dir, "check"]).success().says("0 error(s)");
        eprintln!("{country}: {line}");
    }
    // Every country, through the same library calls as `init` and `check` (a process per
    // country would take minutes).
    let world = frontline::init::world().unwrap();
    let mut rejected = Vec::new();
    for country in &world {
        let files = frontline::init::scaffold_in(&world, &country.name, None).unwrap();
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
