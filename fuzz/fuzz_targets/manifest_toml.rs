//! Any bytes as scenario.toml.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let mut files = common::fixture();
    files.insert("scenario.toml", String::from_utf8_lossy(data).into_owned());
    common::exercise(&files);
});
