//! The land allocation, computed once per scenario (the disk cache off): the shipped Syria
//! scenario (340 places) and a generated one of 30,000 places; the same read back from the
//! cache; and one day's merge of the Syria cells.
//! Run with `cargo bench --bench territory`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use frontline::Scenario;
use frontline::synthetic::{Spec, generate};
use frontline::territory::Territory;

fn bench(c: &mut Criterion) {
    let syria = Scenario::syria_2024().unwrap();
    let mut group = c.benchmark_group("territory");
    group.sample_size(10);
    group.bench_function("allocate_syria_340_places", |b| b.iter(|| Territory::with_cache(black_box(&syria), None)));
    let cache = std::env::temp_dir().join(format!("frontline-bench-cache-{}", std::process::id()));
    Territory::with_cache(&syria, Some(&cache));
    group
        .bench_function("load_syria_from_cache", |b| b.iter(|| Territory::with_cache(black_box(&syria), Some(&cache))));
    let model = syria.model();
    let territory = Territory::new(&syria);
    let states = model.states_on(syria.last_day);
    group.bench_function("merge_one_day_syria", |b| b.iter(|| territory.state_map(black_box(&states))));
    let big =
        Scenario::load(&generate(Spec { places: 30_000, events: 1_000, days: 30, factions: 6, seed: 7 })).unwrap();
    group.bench_function("allocate_30k_places", |b| b.iter(|| Territory::with_cache(black_box(&big), None)));
    group.finish();
    let _ = std::fs::remove_dir_all(&cache);
}

criterion_group!(benches, bench);
criterion_main!(benches);
