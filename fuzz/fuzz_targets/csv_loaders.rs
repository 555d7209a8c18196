//! Any bytes as one of the CSV files (events, gazetteer, baseline, sources).
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let file = ["events.csv", "gazetteer.csv", "baseline.csv", "sources.csv"][which as usize % 4];
    let mut files = common::fixture();
    files.insert(file, String::from_utf8_lossy(rest).into_owned());
    common::exercise(&files);
});
