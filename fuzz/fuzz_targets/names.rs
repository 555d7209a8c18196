//! Any text as a place or region name: normalising, resolving, searching.
#![no_main]
use libfuzzer_sys::fuzz_target;

use std::sync::OnceLock;

use frontline::Scenario;
use frontline::gazetteer::normalize_name;

fuzz_target!(|data: &[u8]| {
    static SYRIA: OnceLock<Scenario> = OnceLock::new();
    let s = SYRIA.get_or_init(|| Scenario::syria_2024().expect("the shipped scenario loads"));
    let text = String::from_utf8_lossy(data);
    let key = normalize_name(&text);
    // The key is plain ASCII letters and digits.
    assert!(key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{key:?}");
    let _ = s.gazetteer.resolve(&text);
    let _ = s.gazetteer.search(&text);
    let _ = s.regions.resolve(&text);
    let _ = s.regions.search(&text);
});
