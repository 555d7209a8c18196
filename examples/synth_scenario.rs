//! Writes a generated scenario of any size to a folder, for timing the commands on it.
//!
//! Run: `cargo run --release --example synth_scenario -- --places 30000 --days 365 --out DIR`
//! (optional: `--events N`, default two per place; `--factions N`, default 6; `--seed S`).
//! The same arguments always write the same files (see `frontline::synthetic`).

use frontline::synthetic::{Spec, generate};

fn main() -> anyhow::Result<()> {
    let mut spec = Spec { places: 30_000, events: 0, days: 365, factions: 6, seed: 1 };
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| anyhow::anyhow!("{flag} needs a value"));
        match flag.as_str() {
            "--places" => spec.places = value()?.parse()?,
            "--events" => spec.events = value()?.parse()?,
            "--days" => spec.days = value()?.parse()?,
            "--factions" => spec.factions = value()?.parse()?,
            "--seed" => spec.seed = value()?.parse()?,
            "--out" => out = Some(std::path::PathBuf::from(value()?)),
            _ => anyhow::bail!(
                "unknown argument {flag}; expected --places, --events, --days, --factions, --seed or --out"
            ),
        }
    }
    let out = out.ok_or_else(|| anyhow::anyhow!("--out DIR is required"))?;
    if spec.events == 0 {
        spec.events = spec.places * 2;
    }
    generate(spec).write_to(&out)?;
    println!("wrote {} places, {} events over {} days to {}", spec.places, spec.events, spec.days, out.display());
    Ok(())
}
