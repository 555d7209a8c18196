//! Frame speed: one 1920x1080 frame of the Syria scenario on one thread, drawn and
//! PNG-encoded; a GIF frame and the GIF's palette; the geometry of one state; the labels of
//! the busiest day. Run with `cargo bench --bench render`.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use frontline::Scenario;
use frontline::raster::{GifFrameEncoder, GifWriter, encode_png};
use frontline::render::{Atlas, Style, render_pixmap, render_png, view_layout};
use frontline::territory::Territory;

fn bench(c: &mut Criterion) {
    let scenario = Scenario::syria_2024().unwrap();
    let model = scenario.model();
    let day = NaiveDate::from_ymd_opt(2024, 12, 6).unwrap();
    let mut group = c.benchmark_group("syria_1920x1080");
    group.sample_size(20);
    group.bench_function("tessellate_places", |b| b.iter(|| Territory::new(black_box(&scenario))));
    let territory = Territory::new(&scenario);
    let atlas = Atlas::new(&scenario, &model, &territory, 1920, 1080, Style::default()).unwrap();
    group.bench_function("state_geometry", |b| b.iter(|| atlas.day_map(black_box(day))));
    let map = atlas.day_map(day);
    group.bench_function("frame_draw_only", |b| b.iter(|| render_pixmap(&atlas, black_box(day), &map).unwrap()));
    group.bench_function("frame_draw_and_png", |b| b.iter(|| render_png(&atlas, black_box(day), &map).unwrap()));
    let pixmap = render_pixmap(&atlas, day, &map).unwrap();
    group.bench_function("png_encode", |b| b.iter(|| encode_png(black_box(&pixmap)).unwrap()));
    let reserved = atlas.style.reserved_colours(&scenario.factions.iter().map(|f| f.colour).collect::<Vec<_>>());
    let next = render_pixmap(&atlas, day.succ_opt().unwrap(), &atlas.day_map(day.succ_opt().unwrap())).unwrap();
    group.bench_function("gif_two_frames", |b| {
        b.iter(|| {
            let mut gif = GifWriter::new(Vec::new(), 1920, 1080, &reserved, 50, true).unwrap();
            gif.add_frames(&[&pixmap]).unwrap();
            gif.add_frames(&[&next]).unwrap();
            gif.finish().unwrap()
        })
    });
    // The palette every GIF frame waits for, chosen from the first frame.
    group.bench_function("gif_palette", |b| b.iter(|| GifFrameEncoder::new(&reserved, black_box(&pixmap)).unwrap()));
    // 30 Nov, Aleppo's fall: 33 labels and 24 rings in one corner of the map.
    let busiest = NaiveDate::from_ymd_opt(2024, 11, 30).unwrap();
    let busiest_map = atlas.day_map(busiest);
    group.bench_function("labels_busiest_day", |b| b.iter(|| view_layout(&atlas, black_box(busiest), &busiest_map)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
