//! The time-enabled GeoJSON export of a generated 10,000-place, 365-day scenario, streamed
//! to a sink. Run with `cargo bench --bench export`; for peak memory run
//! `cargo run --release --example export_scale`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use frontline::Scenario;
use frontline::export::Exporter;
use frontline::synthetic::{Spec, generate};
use frontline::territory::Territory;

fn bench(c: &mut Criterion) {
    let spec = Spec { places: 10_000, events: 20_000, days: 365, factions: 6, seed: 3 };
    let scenario = Scenario::load(&generate(spec)).unwrap();
    let model = scenario.model();
    let territory = Territory::new(&scenario);
    let exporter = Exporter { scenario: &scenario, model: &model, territory: &territory };
    let mut group = c.benchmark_group("export_10k_places_365_days");
    group.sample_size(10);
    group.bench_function("tessellate", |b| b.iter(|| Territory::new(black_box(&scenario))));
    group.bench_function("timeline_geojson", |b| b.iter(|| exporter.timeline(std::io::sink()).unwrap().1));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
