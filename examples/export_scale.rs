//! Exports the time-enabled GeoJSON history of a generated 10,000-place, 365-day scenario
//! and reports the time and the process's peak memory (Linux).
//!
//! Run: `cargo run --release --example export_scale [OUT.geojson]` (default: discard output).

use std::io::Write;
use std::time::Instant;

use frontline::Scenario;
use frontline::export::Exporter;
use frontline::synthetic::{Spec, generate};
use frontline::territory::Territory;

fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() -> anyhow::Result<()> {
    let started = Instant::now();
    let spec = Spec { places: 10_000, events: 20_000, days: 365, factions: 6, seed: 3 };
    let scenario = Scenario::load(&generate(spec))?;
    let model = scenario.model();
    let territory = Territory::new(&scenario);
    let prepared = started.elapsed();
    let exporter = Exporter { scenario: &scenario, model: &model, territory: &territory };
    let out: Box<dyn Write> = match std::env::args().nth(1) {
        Some(path) => Box::new(std::io::BufWriter::new(std::fs::File::create(path)?)),
        None => Box::new(std::io::sink()),
    };
    let (_, features) = exporter.timeline(out)?;
    println!(
        "{features} features; load+tessellate {:.2} s; export {:.2} s; total {:.2} s; peak memory {:.0} MiB",
        prepared.as_secs_f64(),
        (started.elapsed() - prepared).as_secs_f64(),
        started.elapsed().as_secs_f64(),
        peak_memory_mib().unwrap_or(f64::NAN)
    );
    Ok(())
}
