//! A generated war at the scale of Ukraine's, for scale tests and benchmarks: the country
//! and its neighbours as `frontline init Ukraine` makes them, places scattered inside it, a
//! front that swings east and west over the days, and about 40 sourced rows a day near it.
//! The same spec always gives the same files.

use std::fmt::Write as _;

use geo::{BoundingRect, Contains, Coord, Point};

use crate::error::{Error, Result};
use crate::scenario::Memory;
use crate::synthetic::Sequence;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrontSpec {
    /// How many places.
    pub places: usize,
    /// How many days, from 1 January 2024.
    pub days: u32,
    /// The seed of the pseudo-random sequence.
    pub seed: u64,
}

/// The longitude of the front on day `t` of `days`: it swings east and west over the run.
fn front_lon(t: u32, days: u32) -> f64 {
    let phase = f64::from(t) / f64::from(days.max(1)) * std::f64::consts::TAU;
    36.0 + 1.5 * phase.sin()
}

/// The scenario's files (see the module docs).
pub fn front_scenario(spec: FrontSpec) -> Result<Memory> {
    let world = crate::init::world()?;
    let country = crate::init::find_country(&world, "Ukraine")?;
    let shape = country.shape.clone();
    let days = spec.days.max(1);
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
    let last = start + chrono::Days::new(u64::from(days - 1));
    let options = crate::init::Options { extent: None, days: Some((start, last)), with_exclaves: false };
    let mut files = crate::init::scaffold_in(&world, "Ukraine", &options)?;
    let bbox =
        shape.bounding_rect().ok_or_else(|| Error::Render("Ukraine has no outline in the built-in map".into()))?;
    let mut rng = Sequence(spec.seed.max(1).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);

    // Places: uniformly inside the country; a few large towns, many villages.
    let mut places: Vec<Coord<f64>> = Vec::with_capacity(spec.places);
    let mut gazetteer = String::from("id,name,aliases,lat,lon,population,admin1,kind,source,label\n");
    while places.len() < spec.places {
        let c = Coord { x: bbox.min().x + rng.unit() * bbox.width(), y: bbox.min().y + rng.unit() * bbox.height() };
        if !shape.contains(&Point(c)) {
            continue;
        }
        let i = places.len();
        let roll = rng.unit();
        let (population, kind) = if roll < 0.002 {
            (200_000 + rng.below(800_000), "city")
        } else if roll < 0.05 {
            (10_000 + rng.below(90_000), "town")
        } else {
            (100 + rng.below(5_000), "village")
        };
        let region = ((c.x - bbox.min().x) / bbox.width() * 12.0) as usize;
        let _ =
            writeln!(gazetteer, "s{i},Synth {i},,{:.5},{:.5},{population},Oblast {region},{kind},generated,", c.y, c.x);
        places.push(c);
    }

    // Side B holds what lies east of the front on the first day.
    let mut baseline = String::from("scope,target,faction,note\ndefault,,side-a,generated\n");
    let mut holder_b: Vec<bool> = places.iter().map(|c| c.x > front_lon(0, days)).collect();
    for (i, b) in holder_b.iter().enumerate() {
        if *b {
            let _ = writeln!(baseline, "place,s{i},side-b,generated");
        }
    }

    // Each day, about 40 rows about places near the front, most of them taking places the
    // front has just passed, a few contesting or claiming.
    let mut events = String::from("date,place,faction,action,confidence,source,quote,note\n");
    let per_day = 40u64;
    let near: f64 = 0.35;
    for t in 0..days {
        let day = start + chrono::Days::new(u64::from(t));
        let front = front_lon(t, days);
        let mut written = 0;
        let mut tries = 0;
        while written < per_day && tries < 20_000 {
            tries += 1;
            let i = rng.below(places.len() as u64) as usize;
            let x = places[i].x;
            if (x - front).abs() > near {
                continue;
            }
            let should_be_b = x > front;
            let (faction, action) = if holder_b[i] != should_be_b {
                holder_b[i] = should_be_b;
                (if should_be_b { "side-b" } else { "side-a" }, "captured")
            } else if rng.below(4) == 0 {
                (if should_be_b { "side-a" } else { "side-b" }, "entered")
            } else {
                continue;
            };
            let confidence = ["confirmed", "reported", "claimed"][rng.below(3) as usize];
            let _ = writeln!(
                events,
                "{day},s{i},{faction},{action},{confidence},r{},,Generated row {t}-{written}.",
                t % 10
            );
            written += 1;
        }
    }
    let mut sources = String::from("id,file,outlet,title,published,url,kind\n");
    for r in 0..10 {
        let _ = writeln!(sources, "r{r},,Generated outlet {r},Generated page {r},{start},https://example.org/{r},page");
    }

    let manifest = files.files.get("scenario.toml").cloned().unwrap_or_default();
    let manifest = manifest
        .lines()
        .map(|l| {
            // (The days are set by `init`'s options above.)
            if l.starts_with("title") {
                format!(
                    "title = \"Synthetic Ukraine: {} places, {} days (seed {})\"",
                    spec.places, spec.days, spec.seed
                )
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    files
        .insert("scenario.toml", manifest + "\n")
        .insert("gazetteer.csv", gazetteer)
        .insert("baseline.csv", baseline)
        .insert("events.csv", events)
        .insert("sources.csv", sources);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;

    #[test]
    fn a_generated_front_loads_checks_clean_and_repeats() {
        let spec = FrontSpec { places: 300, days: 20, seed: 4 };
        let files = front_scenario(spec).unwrap();
        let s = Scenario::load(&files).unwrap();
        assert_eq!(s.gazetteer.len(), 300);
        assert!(s.events.len() > 300, "{} rows", s.events.len());
        assert_eq!(front_scenario(spec).unwrap().files, files.files);
        assert_ne!(front_scenario(FrontSpec { seed: 5, ..spec }).unwrap().files, files.files);
    }
}
