//! Any bytes as one of the GeoJSON files (base map, zones, named areas).
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let file = ["basemap.geojson", "zones.geojson", "areas.geojson"][which as usize % 3];
    let mut files = common::fixture();
    files.insert(file, String::from_utf8_lossy(rest).into_owned());
    common::exercise(&files);
});
