//! The whole of `frontline site` on the shipped Syria scenario, in process: loading,
//! modelling, tessellating and writing the page. The target is under a second. Run with
//! `cargo bench --bench site`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use frontline::Scenario;
use frontline::territory::Territory;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("site_syria");
    group.sample_size(10);
    group.bench_function("load_model_tessellate_page", |b| {
        b.iter(|| {
            let s = Scenario::syria_2024().unwrap();
            let model = s.model();
            let territory = Territory::new(&s);
            let html = frontline::site::page(&s, &model, &territory, s.first_day, s.last_day, false).unwrap();
            black_box(html.len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
