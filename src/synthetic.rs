//! Generated scenarios of any size, for benchmarks, tests and examples.
//!
//! The generator is deterministic for a given seed, so a benchmark measures the same
//! input on every machine.

use std::fmt::Write;

use crate::scenario::Memory;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// How many places.
    pub places: usize,
    /// How many events, spread over the days.
    pub events: usize,
    /// How many days the scenario runs.
    pub days: u32,
    /// How many factions.
    pub factions: usize,
    /// The seed of the pseudo-random sequence.
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Self {
        Spec { places: 100, events: 1000, days: 30, factions: 4, seed: 1 }
    }
}

/// A small, fast pseudo-random sequence (xorshift64*), enough to scatter places.
pub(crate) struct Sequence(pub(crate) u64);

impl Sequence {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The colours generated factions get, in order.
const COLOURS: [&str; 8] = ["#c0392b", "#2e7d4f", "#f0b323", "#2f6db5", "#7b5ea7", "#d9782d", "#9bbb3b", "#555555"];

/// Generates a scenario in a square country 4° across centred on 38°E 35°N, starting
/// 2024-01-01. Places are named `Place N` with ids `p-N`; factions are `f0`, `f1`...
pub fn generate(spec: Spec) -> Memory {
    let mut rng = Sequence(spec.seed.max(1).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("a valid date");
    let last = start + chrono::Days::new(u64::from(spec.days.max(1) - 1));
    let factions = spec.factions.clamp(1, COLOURS.len());

    let mut toml = String::new();
    let _ = writeln!(toml, "title = \"Synthetic scenario\"\nfirst_day = \"{start}\"\nlast_day = \"{last}\"");
    toml.push_str("gazetteer = \"gazetteer.csv\"\nbaseline = \"baseline.csv\"\nevents = \"events.csv\"\nbasemap = \"basemap.geojson\"\n");
    toml.push_str("credits = [\"Generated data\"]\n\n[map]\nextent = [35.5, 32.5, 40.5, 37.5]\n\n");
    for (f, colour) in COLOURS.iter().enumerate().take(factions) {
        let _ = writeln!(toml, "[[factions]]\nid = \"f{f}\"\nname = \"Faction {f}\"\ncolour = \"{colour}\"\n");
    }

    let mut gazetteer = String::from("id,name,aliases,lat,lon,population,admin1,kind,source\n");
    for i in 0..spec.places {
        let (lat, lon) = (33.0 + 4.0 * rng.unit(), 36.0 + 4.0 * rng.unit());
        let population = 500 + rng.below(200_000);
        // Regions are bands of longitude, so the baseline's fronts are contiguous as in a
        // real war; the events then scatter captures anywhere.
        let region = (((lon - 36.0) / 4.0 * 10.0) as usize).min(9);
        let _ = writeln!(gazetteer, "p-{i},Place {i},,{lat:.5},{lon:.5},{population},Region {region},,generated");
    }

    // The baseline gives each band of longitude to a faction, in turn.
    let mut baseline = String::from("scope,target,faction,note\ndefault,,f0,generated\n");
    for region in 0..10 {
        let _ = writeln!(baseline, "governorate,Region {region},f{},generated", region % factions);
    }

    let actions = ["captured", "captured", "captured", "entered", "withdrew", "held"];
    let confidence = ["confirmed", "reported", "claimed"];
    let mut events = String::from("date,place,faction,action,confidence,source,quote,note\n");
    for _ in 0..spec.events {
        let day = start + chrono::Days::new(rng.below(u64::from(spec.days.max(1))));
        let _ = writeln!(
            events,
            "{day},p-{},f{},{},{},generated.txt,generated claim,",
            rng.below(spec.places as u64),
            rng.below(factions as u64),
            actions[rng.below(actions.len() as u64) as usize],
            confidence[rng.below(3) as usize],
        );
    }

    let basemap = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Squareland","role":"focus"},"geometry":{"type":"Polygon","coordinates":[[[36,33],[40,33],[40,37],[36,37],[36,33]]]}}]}"#;

    let mut files = Memory::default();
    files
        .insert("scenario.toml", toml)
        .insert("gazetteer.csv", gazetteer)
        .insert("baseline.csv", baseline)
        .insert("events.csv", events)
        .insert("basemap.geojson", basemap);
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;

    #[test]
    fn generated_scenarios_load_and_repeat() {
        let spec = Spec { places: 50, events: 300, days: 10, factions: 3, seed: 7 };
        let s = Scenario::load(&generate(spec)).unwrap();
        assert_eq!((s.gazetteer.len(), s.events.len(), s.factions.len()), (50, 300, 3));
        assert_eq!(generate(spec).files, generate(spec).files);
        assert_ne!(generate(spec).files, generate(Spec { seed: 8, ..spec }).files);
    }
}
