//! The README's commands, run as written: every `frontline` line of its `sh` blocks, each
//! block in a fresh folder (lines of a block share it, as a reader's shell would), and the
//! figures it quotes that a command can give.

use std::path::Path;
use std::process::Command;

use crate::workdir::{Workdir, fixture};

/// The README's `sh` blocks: per block, its first line number and its lines (comments gone).
fn sh_blocks() -> Vec<(usize, Vec<String>)> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<(usize, Vec<String>)> = None;
    for (i, line) in readme.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut current {
            None if trimmed.starts_with("```sh") => current = Some((i + 1, Vec::new())),
            None => {}
            Some(_) if trimmed.starts_with("```") => blocks.push(current.take().unwrap()),
            Some((_, lines)) => {
                let command = strip_comment(line).trim().to_string();
                if !command.is_empty() {
                    lines.push(command);
                }
            }
        }
    }
    assert!(current.is_none(), "an sh block of the README is not closed");
    blocks
}

/// The line without a trailing `# comment` (a `#` outside quotes, after a space or at the start).
fn strip_comment(line: &str) -> &str {
    let mut quoted = false;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted && previous.is_whitespace() => return &line[..i],
            _ => {}
        }
        previous = c;
    }
    line
}

/// Splits a command line as a shell would for the simple lines the README holds: words
/// apart by spaces, double quotes group.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut started) = (false, false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    out.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    assert!(!quoted, "unbalanced quotes in {line:?}");
    if started {
        out.push(word);
    }
    out
}

/// The files a reader of "Your own conflict" downloads first (GeoNames' country file and
/// admin1 names, an ACLED export and the actors they map), made small, and the shipped
/// data's tables of published figures.
fn downloads(dir: &Path) {
    let geonames = [
        "703448\tKyiv\tKyiv\tKiev,Київ\t50.45466\t30.5238\tP\tPPLC\tUA\t\t12\t\t\t\t2797553\t\t187\tEurope/Kyiv\t2024-01-01",
        "706483\tKharkiv\tKharkiv\tKharkov,Харків\t49.98081\t36.25272\tP\tPPLA\tUA\t\t07\t\t\t\t1433886\t\t152\tEurope/Kyiv\t2024-01-01",
        "707688\tIzium\tIzium\tIzyum,Ізюм\t49.21255\t37.25664\tP\tPPL\tUA\t\t07\t\t\t\t45884\t\t100\tEurope/Kyiv\t2024-01-01",
    ];
    std::fs::write(dir.join("UA.txt"), geonames.join("\n") + "\n").unwrap();
    std::fs::write(
        dir.join("admin1CodesASCII.txt"),
        "UA.12\tKyiv City\tKyiv City\t703447\nUA.07\tKharkiv\tKharkiv\t706482\n",
    )
    .unwrap();
    let acled = std::fs::read_to_string(fixture("acled").join("export.csv")).unwrap();
    let header = acled.lines().next().unwrap();
    let row = "UKR1,{day},2026,1,Political violence,Strategic developments,Government regains territory,Side B forces,,,,,,,,804,Europe,Ukraine,Kharkiv,,,Izium,49.21255,37.25664,1,Invented Wire,National,Invented row for the README test.,0,,1700000000";
    // A day inside the range the README's `init --from --to` sets.
    let day = "2024-03-02";
    std::fs::write(dir.join("export.csv"), format!("{header}\n{}\n", row.replace("{day}", &day))).unwrap();
    std::fs::write(dir.join("actors.toml"), "[actors]\n\"Side B*\" = \"side-b\"\n").unwrap();
    // Two revisions of a detailed-map module, and the colours table the README shows.
    for (n, day) in [(1, "2020-09-27"), (2, "2020-10-03")] {
        let module = fixture("wikimap").join(format!("module-rev{n}.txt"));
        std::fs::copy(module, dir.join(format!("module-{day}.txt"))).unwrap();
    }
    std::fs::write(dir.join("colours.toml"), "[colours]\nred = \"side-a\"\nblue = \"side-b\"\nlime = \"side-b\"\n")
        .unwrap();
    // The shipped data's tables of published figures, where a clone of the project has them.
    let data = dir.join("data/syria-2024");
    std::fs::create_dir_all(&data).unwrap();
    for table in ["published-shares.csv", "published-population.csv"] {
        std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/syria-2024").join(table), data.join(table))
            .unwrap();
    }
}

#[test]
fn every_command_of_the_readme_runs_as_written() {
    let blocks = sh_blocks();
    assert!(blocks.len() >= 3, "the README's sh blocks: {}", blocks.len());
    let binary = env!("CARGO_BIN_EXE_frontline");
    let mut ran = 0;
    for (line_no, lines) in blocks {
        let work = Workdir::new();
        downloads(&work.path(""));
        for line in lines {
            let argv = words(&line);
            let args: Vec<&str> = match argv.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
                // The first block's own lines: the main job runs as `frontline render`; the
                // tests do not run themselves, and the binary under test is already built.
                ["cargo", "run", "--release", "--", rest @ ..] => rest.to_vec(),
                ["cargo", "test"] | ["cargo", "install", "--path", "."] => continue,
                ["frontline", rest @ ..] => rest.to_vec(),
                _ => panic!("README.md:{line_no}: a line the test cannot run: {line}"),
            };
            let output = Command::new(binary).args(&args).current_dir(work.path("")).output().unwrap();
            assert!(
                output.status.success(),
                "README.md (block at line {line_no}): `{line}` failed with {:?}\n--- stdout:\n{}\n--- stderr:\n{}",
                output.status.code(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            ran += 1;
        }
        if line_no < 20 {
            // The main job: fifteen frames, each with its day in full beside it, and the
            // animation.
            let count = |ext: &str| {
                std::fs::read_dir(work.path("frames"))
                    .unwrap()
                    .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == ext))
                    .count()
            };
            assert_eq!((count("png"), count("txt"), count("gif")), (15, 15, 1));
        }
    }
    assert!(ran >= 20, "only {ran} commands ran");
}

#[test]
fn the_readme_counts_what_check_counts() {
    let run = Workdir::new().run(&["check"]);
    run.success();
    let last = run.stdout() + &run.stderr();
    let counts = last.lines().rev().find(|l| l.contains(" places, ")).expect("check's summary line").to_string();
    // "… in 340 places, 422 events"
    let tail = counts.rsplit(" in ").next().unwrap();
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let data =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/syria-2024/README.md")).unwrap();
    let (places, events) = tail.split_once(", ").unwrap();
    let places = places.trim_end_matches(" places");
    let events = events.trim().trim_end_matches(" events");
    assert!(readme.contains(&format!("{places} places")), "README.md should say {places} places (check: {counts})");
    assert!(readme.contains(&format!("{events} events")), "README.md should say {events} events (check: {counts})");
    assert!(data.contains(&format!("{places} places")), "the data README should say {places} places");
    assert!(data.contains(&format!("{events} dated claims")), "the data README should say {events} dated claims");
}
