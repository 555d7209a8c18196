//! Writes a synthetic, Ukraine-sized scenario folder for scale tests and benchmarks (see
//! `frontline::synthetic_front`): the country as `frontline init Ukraine` makes it, N places
//! inside it, a front that moves over D days and about 40 sourced rows a day near it. The
//! same arguments always give the same files.
//!
//! Run: `cargo run --release --example synth_front -- --places 30000 --days 365 --seed 1 --out /tmp/synth`
//! then e.g. `frontline --scenario /tmp/synth site --out /tmp/synth-site`.

use std::path::PathBuf;

use anyhow::{Context, bail};
use frontline::synthetic_front::{FrontSpec, front_scenario};

fn main() -> anyhow::Result<()> {
    let mut spec = FrontSpec { places: 30_000, days: 365, seed: 1 };
    let mut out = PathBuf::from("synth");
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--places" => spec.places = value.parse().context("--places: a whole number")?,
            "--days" => spec.days = value.parse().context("--days: a whole number")?,
            "--seed" => spec.seed = value.parse().context("--seed: a whole number")?,
            "--out" => out = PathBuf::from(value),
            _ => bail!("unknown argument {flag} (expected --places N --days D --seed S --out DIR)"),
        }
    }
    if spec.places == 0 || spec.days == 0 {
        bail!("--places and --days must be at least 1");
    }
    let files = front_scenario(spec)?;
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    files.write_to(&out)?;
    println!("wrote {} ({} places, {} days, seed {})", out.display(), spec.places, spec.days, spec.seed);
    Ok(())
}
