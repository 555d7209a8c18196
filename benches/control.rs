//! Control queries at scale: a generated scenario of 10,000 places and 100,000 events.
//! Run with `cargo bench --bench control`.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use frontline::synthetic::{Spec, generate};
use frontline::{ControlModel, PlaceId, Scenario};

fn bench(c: &mut Criterion) {
    let spec = Spec { places: 10_000, events: 100_000, days: 365, factions: 6, seed: 42 };
    let files = generate(spec);
    let day = NaiveDate::from_ymd_opt(2024, 7, 1).unwrap();

    let mut group = c.benchmark_group("control_10k_places_100k_events");
    group.sample_size(10);
    group.bench_function("load_and_index", |b| {
        b.iter(|| {
            let s = Scenario::load(black_box(&files)).unwrap();
            s.model()
        })
    });
    group.finish();

    let s = Scenario::load(&files).unwrap();
    // The scenario's own model: evidence, then inference (the default).
    let model = s.model();
    let mut group = c.benchmark_group("control_10k_places_100k_events");
    group.bench_function("index_evidence_only", |b| {
        b.iter(|| ControlModel::new(black_box(&s.baseline), black_box(&s.events)))
    });
    group.bench_function("index_with_inference", |b| b.iter(|| black_box(&s).model()));
    group.bench_function("all_places_one_date", |b| b.iter(|| model.controls_on(black_box(day))));
    group.bench_function("one_place_one_date", |b| b.iter(|| model.control(black_box(PlaceId(4321)), black_box(day))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
