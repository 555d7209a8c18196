//! A quick version of the fuzzing (the long runs are `cargo +nightly fuzz` targets in
//! `fuzz/`): arbitrary bytes and structured mutations of the shipped files go through the
//! loaders, the models and the checks, and nothing may panic. Every problem names a file.

use frontline::scenario::{Memory, Mode};
use frontline::{Scenario, check};
use proptest::prelude::*;

fn mini() -> Memory {
    let mut m = Memory::default();
    let dir = crate::workdir::fixture("mini");
    for name in ["scenario.toml", "gazetteer.csv", "events.csv", "baseline.csv", "sources.csv", "basemap.geojson"] {
        m.insert(name, std::fs::read_to_string(dir.join(name)).unwrap());
    }
    m
}

fn exercise(files: &Memory) {
    let report = Scenario::load_report(files);
    for p in &report.problems {
        assert!(!p.at.file.is_empty(), "{p}");
        let _ = p.to_string();
    }
    if let Some(s) = report.scenario {
        let model = s.model();
        let _ = check::consistency(&s, &model, "events.csv");
        let _ = s.model_with(Mode::EvidenceOnly).states_on(s.last_day);
    }
}

/// One edit of a text: a deletion, a duplicated line, an insertion or a truncation.
fn mutate(text: &str, kind: u8, at: usize, insert: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let n = lines.len().max(1);
    match kind % 5 {
        0 => {
            let i = at % n;
            lines.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, l)| *l).collect::<Vec<_>>().join("\n")
        }
        1 => {
            let i = at % n;
            let mut out = lines.clone();
            out.insert(i, lines.get(i).copied().unwrap_or(""));
            out.join("\n")
        }
        2 => {
            let mut cut = at % (text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            format!("{}{insert}{}", &text[..cut], &text[cut..])
        }
        3 => {
            let mut cut = at % (text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text[..cut].to_string()
        }
        _ => {
            // Replace one comma-separated field of one line.
            let i = at % n;
            let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            if let Some(line) = out.get_mut(i) {
                let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
                let f = at % fields.len().max(1);
                if let Some(field) = fields.get_mut(f) {
                    *field = insert.to_string();
                }
                *line = fields.join(",");
            }
            out.join("\n")
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_as_any_input_file(which in 0usize..6, bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut files = mini();
        let name = ["scenario.toml", "gazetteer.csv", "events.csv", "baseline.csv", "sources.csv", "basemap.geojson"][which];
        files.insert(name, String::from_utf8_lossy(&bytes).into_owned());
        exercise(&files);
    }

    #[test]
    fn mutations_of_the_shipped_files(
        which in 0usize..4,
        edits in proptest::collection::vec((any::<u8>(), any::<usize>(), "[\\PC,\"\\n#=\\[\\]{}]{0,12}"), 1..4),
    ) {
        let mut files = mini();
        let name = ["events.csv", "gazetteer.csv", "scenario.toml", "basemap.geojson"][which];
        let mut text = files.read_text(name);
        for (kind, at, insert) in &edits {
            text = mutate(&text, *kind, *at, insert);
        }
        files.insert(name, text);
        exercise(&files);
    }

    #[test]
    fn mutations_of_a_table_of_published_figures(
        edits in proptest::collection::vec((any::<u8>(), any::<usize>(), "[\\PC,\"\\n#|.\\-]{0,12}"), 1..4),
    ) {
        let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/syria-2024/published-shares.csv");
        let mut text = std::fs::read_to_string(shipped).unwrap();
        for (kind, at, insert) in &edits {
            text = mutate(&text, *kind, *at, insert);
        }
        let keys = syria().faction_keys();
        match frontline::published::parse(&text, "published-shares.csv", &keys) {
            Ok(figures) => {
                // Days outside the rows are errors naming the line; nothing panics.
                let rows = syria_stats();
                if let Err(e) = frontline::published::compare(rows, &figures) {
                    prop_assert!(e.to_string().starts_with("published-shares.csv:"), "{}", e);
                }
            }
            Err(e) => prop_assert!(e.to_string().starts_with("published-shares.csv"), "{}", e),
        }
    }

    #[test]
    fn names_never_break_resolution(name in "\\PC{0,24}") {
        let key = frontline::gazetteer::normalize_name(&name);
        prop_assert!(key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        let s = syria();
        let _ = s.gazetteer.resolve(&name);
        let _ = s.regions.resolve(&name);
        let _ = s.gazetteer.search(&name);
    }
}

/// The built-in scenario's `stats` rows, every day.
fn syria_stats() -> &'static [frontline::stats::FactionDay] {
    static ROWS: std::sync::OnceLock<Vec<frontline::stats::FactionDay>> = std::sync::OnceLock::new();
    ROWS.get_or_init(|| {
        let s = syria();
        let territory = frontline::territory::Territory::new(s);
        frontline::stats::daily(s, &s.model(), &territory, s.first_day, s.last_day)
    })
}

fn syria() -> &'static Scenario {
    static S: std::sync::OnceLock<Scenario> = std::sync::OnceLock::new();
    S.get_or_init(|| Scenario::syria_2024().unwrap())
}

trait ReadText {
    fn read_text(&self, name: &str) -> String;
}

impl ReadText for Memory {
    fn read_text(&self, name: &str) -> String {
        self.files.get(name).cloned().unwrap_or_default()
    }
}
