//! Bounds on what a run repeats, reads and leaves behind: echoed values cut to 60
//! characters, `check --sources` confined to its folder, stale temporary files removed.

use std::time::{Duration, SystemTime};

use crate::workdir::Workdir;

/// The longest line a run printed, on stdout or stderr.
fn longest_line(run: &crate::workdir::Run) -> usize {
    run.stdout().lines().chain(run.stderr().lines()).map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn a_1_mb_value_is_echoed_in_at_most_60_characters() {
    let w = Workdir::with_mini();
    let huge = "x".repeat(1 << 20);
    let mut events = w.read("mini/events.csv");
    events.push_str(&format!("2024-03-03,{huge},blue,captured,reported,r1.txt,,\n"));
    w.write("mini/events.csv", &events);
    let check = w.run(&["--scenario", "mini", "check"]);
    check.failure().says("mini/events.csv:6: field `place`: unknown place");
    let echoed = format!("\"{}...\"", "x".repeat(57));
    assert!(check.stdout().contains(&echoed), "the name is not cut to 60 characters");
    assert!(longest_line(&check) < 300, "a line of {} characters", longest_line(&check));
    // The same name as a gazetteer name: messages naming the place cut it too.
    let w = Workdir::with_mini();
    w.edit("mini/gazetteer.csv", "alpha,Alpha,Al-Alfa|Alfa,", &format!("alpha,{huge},Alpha|Al-Alfa|Alfa,"));
    let check = w.run(&["--scenario", "mini", "check"]);
    check.success().says("conflicting claims");
    assert!(longest_line(&check) < 300, "a line of {} characters", longest_line(&check));
    // On the command line (an argument is at most 128 KB on Linux).
    let long = "y".repeat(100_000);
    for args in [
        vec!["--scenario", "mini", "control", "--date", "2024-03-03", &long],
        vec!["--scenario", "mini", "timeline", &long],
        vec!["--scenario", "mini", "places", &long],
        vec!["--scenario", "mini", "control", "--date", &long],
        vec!["--scenario", "mini", "render", "--size", &long],
        vec!["init", "new", "--country", "Ukraine", "--extent", &long],
    ] {
        let run = w.run(&args);
        assert!(
            !run.output.status.success() && run.stderr().contains("yyy..."),
            "{:?}: {}",
            &args[..3],
            &run.stderr()[..200.min(run.stderr().len())]
        );
        assert!(longest_line(&run) < 300, "{:?}: a line of {} characters", &args[..3], longest_line(&run));
    }
}

#[test]
fn check_sources_reads_no_file_outside_its_folder() {
    for (outside, line) in [("/etc/passwd", 3), ("../../etc/shadow", 3), ("reports/../../x.txt", 3)] {
        let w = Workdir::with_mini();
        let mut sources = w.read("mini/sources.csv");
        sources.push_str(&format!("r2,{outside},Elsewhere,A file outside,2024-03-04\n"));
        w.write("mini/sources.csv", &sources);
        w.run(&["--scenario", "mini", "check", "--sources", "mini/reports"])
            .failure()
            .says(&format!(
                "mini/sources.csv:{line}: field `file`: expected a report's file name inside the reports folder"
            ))
            .says(&format!("{outside:?}"));
    }
    // A link inside the folder that leads out of it is not followed either.
    #[cfg(unix)]
    {
        let w = Workdir::with_mini();
        w.write("secret.txt", "Blue fighters entered Alpha on Saturday.");
        std::os::unix::fs::symlink(w.path("secret.txt"), w.path("mini/reports/link.txt")).unwrap();
        w.edit("mini/sources.csv", "r1,r1.txt,", "r1,link.txt,");
        w.edit("mini/events.csv", ",r1.txt,", ",r1,");
        let run = w.run(&["--scenario", "mini", "check", "--sources", "mini/reports"]);
        run.failure()
            .says("mini/events.csv:2: field `source`: expected a report inside mini/reports")
            .says("\"link.txt\"");
    }
}

/// A temporary file named as ours, last written `age` ago.
fn temporary(w: &Workdir, name: &str, age: Duration) {
    w.write(name, "half a file");
    let f = std::fs::File::options().write(true).open(w.path(name)).unwrap();
    f.set_modified(SystemTime::now() - age).unwrap();
}

#[test]
fn stale_temporary_files_of_killed_runs_are_removed_with_a_note() {
    let w = Workdir::with_mini();
    let hour = Duration::from_secs(3600);
    temporary(&w, ".control.csv.Ab12Cd.partial", hour);
    temporary(&w, ".other.png.Zz9Yy8.partial", hour);
    temporary(&w, ".animation.mp4.4242.part", hour);
    // A file another run may be writing right now, and files not of our naming, stay.
    temporary(&w, ".control.csv.Xy34Zw.partial", Duration::ZERO);
    temporary(&w, "notes.partial", hour);
    temporary(&w, ".notes.partial", hour);
    let run = w.run(&["--scenario", "mini", "export", "--csv", "--out", "control.csv"]);
    run.success().says(".control.csv.Ab12Cd.partial: a temporary file left by an earlier run that was killed");
    for gone in [".control.csv.Ab12Cd.partial", ".other.png.Zz9Yy8.partial", ".animation.mp4.4242.part"] {
        assert!(!w.path(gone).exists(), "{gone} is still there");
    }
    for kept in [".control.csv.Xy34Zw.partial", "notes.partial", ".notes.partial", "control.csv"] {
        assert!(w.path(kept).exists(), "{kept} was removed");
    }
}
