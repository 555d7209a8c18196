//! `frontline render`: one frame per day, the GIF and the MP4.

use std::io::{BufWriter, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::NaiveDate;

use frontline::Scenario;
use frontline::raster::{GifWriter, Mp4Writer};
use frontline::render::{
    AreaShapes, Atlas, Style, render_pixmap_into, render_svg, span_summary, summary_file_name, title_card_over,
};
use frontline::scenario::{Mode, ScenarioFiles};
use frontline::territory::Territory;

use super::files::{AtomicFile, output_target, track_temporary, write_atomic};
use super::gif_stage::GifStage;

/// Image formats for frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FrameFormat {
    /// PNG images.
    Png,
    /// SVG documents.
    Svg,
}

/// A frame size, `WIDTHxHEIGHT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

/// Parses `1920x1080`; sides from 320x240 to 7680x4320.
pub fn parse_size(text: &str) -> Result<Size, String> {
    if let Some(&(_, width, height)) = SIZE_PRESETS.iter().find(|(name, ..)| name.eq_ignore_ascii_case(text.trim())) {
        return Ok(Size { width, height });
    }
    let (w, h) = text.trim().split_once(['x', 'X']).ok_or("expected WIDTHxHEIGHT, e.g. 1920x1080")?;
    let side = |s: &str| {
        s.trim()
            .parse::<u32>()
            .map_err(|_| format!("expected WIDTHxHEIGHT, e.g. 1920x1080, found {}", frontline::error::echo(text)))
    };
    let size = Size { width: side(w)?, height: side(h)? };
    if !(320..=7680).contains(&size.width) || !(240..=4320).contains(&size.height) {
        return Err(format!("expected a size from 320x240 to 7680x4320, found {}", frontline::error::echo(text)));
    }
    Ok(size)
}

/// Named frame sizes: video standards and the shapes social networks show best.
const SIZE_PRESETS: [(&str, u32, u32); 6] = [
    ("720p", 1280, 720),
    ("1080p", 1920, 1080),
    ("4k", 3840, 2160),
    ("square", 1080, 1080),
    ("social", 1200, 675),
    ("story", 1080, 1920),
];

/// Above this many frames a GIF runs to tens of megabytes: `render` says how big it came
/// out and suggests a video or fewer frames.
pub const LONG_GIF_FRAMES: usize = 120;

/// The days drawn: every `every`th day from `from`, and `to` whatever the step, so the
/// story always ends on its last state.
pub fn frame_days(from: NaiveDate, to: NaiveDate, every: usize) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = from.iter_days().take_while(|d| *d <= to).step_by(every.max(1)).collect();
    if days.last().is_some_and(|d| *d < to) {
        days.push(to);
    }
    days
}

/// What `frontline render` was asked to do.
pub struct RenderJob {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub out: PathBuf,
    pub size: Size,
    pub format: FrameFormat,
    pub gif: Option<PathBuf>,
    pub mp4: Option<PathBuf>,
    /// One frame every this many days (1: daily).
    pub every: usize,
    pub fps: u32,
    pub threads: Option<usize>,
    pub quiet: bool,
    /// Evidence only, or with assessed control.
    pub mode: Mode,
    /// How long the animations hold the last frame, in milliseconds.
    pub hold_last_ms: u32,
    /// Open the animations with a title card shown this long (milliseconds), if any.
    pub title_card_ms: Option<u32>,
}

/// `frontline render`.
pub fn render(files: &dyn ScenarioFiles, job: RenderJob) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    if let Some(threads) = job.threads {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build_global().context("setting the number of threads")?;
    }
    let scenario = Scenario::load(files)?;
    let (from, to) = super::day_range(&scenario, job.from, job.to)?;
    if job.mp4.is_some() && (job.size.width % 2 == 1 || job.size.height % 2 == 1) {
        bail!("--mp4 needs even frame sides (H.264), found {}x{}", job.size.width, job.size.height);
    }
    std::fs::create_dir_all(&job.out).with_context(|| format!("creating {}", job.out.display()))?;
    let model = scenario.model_with(job.mode);
    let territory = Territory::new(&scenario);
    let style = Style::default();
    let reserved = style.reserved_colours(&scenario.factions.iter().map(|f| f.colour).collect::<Vec<_>>());
    let mut atlas = Atlas::new(&scenario, &model, &territory, job.size.width, job.size.height, style)?;
    let days = frame_days(from, to, job.every);
    if job.every > 1 {
        atlas.set_frame_days(&days);
    }
    // Each frame's thread makes its day's map, so the first frames start at once. Raster
    // frames paint the land from its cells and need only the assessed areas as shapes.
    let shapes = if job.format == FrameFormat::Svg { AreaShapes::All } else { AreaShapes::AssessedOnly };
    let maps = atlas.day_maps(&days, shapes);

    let progress = progress_bar(days.len() as u64, job.quiet);
    let delay = (100 / job.fps.max(1)).max(2) as u16;
    let mut gif = match &job.gif {
        Some(path) => Some((
            GifWriter::new(
                BufWriter::new(AtomicFile::create(path)?),
                job.size.width,
                job.size.height,
                &reserved,
                delay,
                true,
            )?
            .hold_last(centiseconds(job.hold_last_ms)),
            path.clone(),
        )),
        None => None,
    };
    let mut mp4 = match &job.mp4 {
        Some(path) => {
            let target = output_target(path)?;
            // ffmpeg's `.NAME.PID.part` files of killed runs go as the others do.
            super::files::sweep_stale(target.parent().unwrap_or(Path::new(".")));
            let writer = Mp4Writer::new(target, job.size.width, job.size.height, job.fps)?;
            track_temporary(writer.temporary_path());
            Some(writer)
        }
        None => None,
    };
    let needs_pixels = job.format == FrameFormat::Png || gif.is_some() || mp4.is_some();
    // Each thread draws a frame, writes its file and does the GIF's share of the work for
    // it (palette mapping and compression, see `gif_stage`); the animations take the
    // results in day order on this thread, which only writes bytes, so the output does not
    // depend on the number of threads and `--threads N` uses N threads. At most `window`
    // frames wait for the animations, so memory stays bounded whatever the number of days,
    // and no thread waits for a slow frame of another (as it would with frames made in
    // batches).
    let threads = job.threads.unwrap_or_else(rayon::current_num_threads).max(1);
    let gif_stage = gif.as_ref().map(|_| GifStage::new(&reserved, delay));
    let keeps_pixels = mp4.is_some();
    // Frames waiting for the animations hold only compressed GIF frames (and the frames
    // mapped for the next one's compression), unless the MP4 keeps their pixels: then few.
    let window = if keeps_pixels { threads * 2 } else { (threads * 8).max(16) };
    // Days with many changes (rings, labels, a long list in the panel) take twice as long
    // to draw as quiet ones, and in this story they come last. Started heaviest first
    // within each half-window, the last frames to finish are light ones, so no thread sits
    // idle long at the end while another draws a busy day.
    let order = heaviest_first(&(0..days.len()).map(|i| maps.changes(i)).collect::<Vec<_>>(), window / 2);
    // The last `threads - 1` frames started: while one of them is made, some thread has no
    // frame left to draw, so the frame's file and its GIF part are made side by side.
    let mut in_tail = vec![false; days.len()];
    for &i in order.iter().rev().take(threads - 1) {
        in_tail[i] = true;
    }
    let spare_pixmaps = std::sync::Mutex::new(Vec::<tiny_skia::Pixmap>::new());
    let wants_card = job.title_card_ms.is_some() && (gif.is_some() || mp4.is_some()) && needs_pixels;
    let make = |i: usize| -> anyhow::Result<Made> {
        let made = (|| {
            let day = days[i];
            let target = frame_path(&job.out, day, job.format);
            let map = maps.get(i);
            // Frames are drawn into pixmaps kept from frames done (see `render_pixmap_into`).
            let pixmap = if needs_pixels {
                let spare = spare_pixmaps.lock().unwrap_or_else(|e| e.into_inner()).pop();
                let mut pixmap = match spare {
                    Some(pixmap) => pixmap,
                    None => tiny_skia::Pixmap::new(job.size.width, job.size.height)
                        .with_context(|| format!("allocating a {}x{} frame", job.size.width, job.size.height))?,
                };
                render_pixmap_into(&atlas, day, &map, &mut pixmap)?;
                Some(pixmap)
            } else {
                None
            };
            // Everything the panel may cut, in full, beside the frame it names it in.
            let summary = span_summary(&scenario, &model, atlas.span_start(day), day);
            write_atomic(&job.out.join(summary_file_name(day)), summary.as_bytes())?;
            let write_frame = || -> anyhow::Result<()> {
                match job.format {
                    FrameFormat::Png => {
                        let pixmap = pixmap.as_ref().expect("PNG frames are rendered to pixels");
                        write_atomic(&target, &frontline::raster::encode_png(pixmap)?)
                    }
                    FrameFormat::Svg => write_atomic(&target, render_svg(&atlas, day, &map)?.as_bytes()),
                }
            };
            match (&gif_stage, &pixmap) {
                // See `in_tail`: another thread would sit idle.
                (Some(stage), Some(pixmap)) if in_tail[i] => std::thread::scope(|scope| {
                    let written = scope.spawn(write_frame);
                    let prepared = stage.prepare(i, pixmap);
                    let written = written.join().map_err(|_| anyhow::anyhow!("writing {} failed", target.display()))?;
                    prepared.and(written)
                })?,
                (Some(stage), Some(pixmap)) => {
                    write_frame()?;
                    stage.prepare(i, pixmap)?;
                }
                _ => write_frame()?,
            }
            progress.inc(1);
            // The first frame's pixels go to the title card too, which is drawn over them.
            let keep = keeps_pixels || (i == 0 && wants_card);
            let pixmap = match pixmap {
                Some(pixmap) if !keep => {
                    spare_pixmaps.lock().unwrap_or_else(|e| e.into_inner()).push(pixmap);
                    None
                }
                other => other,
            };
            Ok(Made { pixmap })
        })();
        if made.is_err() {
            if let Some(stage) = &gif_stage {
                stage.fail(i);
            }
        }
        made
    };
    let abandon = |i: usize| {
        if let Some(stage) = &gif_stage {
            stage.fail(i);
        }
    };
    // The title card opens the animations, drawn over the first frame when the thread that
    // drew it hands it over, so the first frame is drawn once and nothing waits for the card.
    // The GIF maps it with the palette of the first map, so it does not take colours from
    // the maps that follow.
    let mut card = job.title_card_ms.filter(|_| wants_card && !days.is_empty());
    // The MP4 holds the last frame by repeating it.
    let mut last: Option<tiny_skia::Pixmap> = None;
    std::thread::scope(|scope| {
        if needs_pixels {
            // The land's cells are rasterised once for all frames. The first frame's thread
            // draws the background meanwhile and the others wait for it, so a core is free.
            scope.spawn(|| atlas.prepare_cells());
        }
        in_order(&order, threads, window, make, abandon, |i, mut made| {
            // The frame's GIF part, compressed by whichever thread mapped it or the frame before.
            let gif_frame = gif_stage.as_ref().map(|stage| stage.take(i)).transpose()?;
            if let Some(ms) = card.take() {
                let first = if keeps_pixels { made.pixmap.clone() } else { made.pixmap.take() };
                let pixmap = title_card_over(&atlas, first.context("the first frame's pixels for the title card")?)?;
                if let (Some((writer, _)), Some((encoder, _))) = (gif.as_mut(), &gif_frame) {
                    // The first map is prepared whole (it has no frame before it), so the card
                    // does not show through it.
                    writer.write_prepared(encoder, encoder.prepare(&encoder.map(&pixmap)?, None, centiseconds(ms)))?;
                }
                if let Some(writer) = mp4.as_mut() {
                    for _ in 0..repeats(ms, job.fps).max(1) {
                        writer.write_frame(&pixmap)?;
                    }
                }
            }
            if let (Some((writer, _)), Some((encoder, frame))) = (gif.as_mut(), gif_frame) {
                writer.write_prepared(&encoder, frame)?;
            }
            if let (Some(writer), Some(pixmap)) = (mp4.as_mut(), made.pixmap) {
                writer.write_frame(&pixmap)?;
                last = Some(pixmap);
            }
            Ok(())
        })
    })?;
    if let (Some(writer), Some(frame)) = (mp4.as_mut(), last.as_ref()) {
        // The last frame already shows for one frame's time.
        for _ in 1..repeats(job.hold_last_ms, job.fps) {
            writer.write_frame(frame)?;
        }
    }
    progress.finish_and_clear();
    let mut wrote = vec![format!("{} {} frames in {}", days.len(), frame_ext(job.format), job.out.display())];
    if let Some((writer, path)) = gif {
        let sink = writer.finish()?;
        sink.into_inner().map_err(|e| anyhow::anyhow!("writing {}: {}", path.display(), e.error()))?.commit()?;
        wrote.push(path.display().to_string());
        if days.len() > LONG_GIF_FRAMES && !job.quiet {
            let mb = std::fs::metadata(&path).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0);
            eprintln!("{}", long_gif_advice(days.len(), mb, job.mp4.is_some()));
        }
    }
    if let Some(writer) = mp4 {
        writer.finish()?;
        wrote.push(job.mp4.as_ref().expect("mp4 path").display().to_string());
    }
    // With --sync, the folders' entries too, once at the end rather than per frame.
    super::files::sync_folder(&job.out)?;
    for path in job.gif.iter().chain(job.mp4.iter()) {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && *d != job.out.as_path()) {
            super::files::sync_folder(dir)?;
        }
    }
    if !job.quiet {
        eprintln!("wrote {} in {:.2} s", wrote.join(" and "), started.elapsed().as_secs_f64());
    }
    Ok(ExitCode::SUCCESS)
}

/// What a worker thread made of one day, for the animations (its GIF frame is left with
/// the [`GifStage`]).
struct Made {
    /// The pixels, kept only for the MP4.
    pixmap: Option<tiny_skia::Pixmap>,
}

/// What to say after writing a GIF of more than [`LONG_GIF_FRAMES`] frames.
fn long_gif_advice(frames: usize, megabytes: f64, has_mp4: bool) -> String {
    let video = if has_mp4 {
        "the MP4 written beside it is far smaller; add --no-gif to skip the GIF next time"
    } else {
        "an MP4 (--mp4 FILE --no-gif) is usually a tenth of the size and plays everywhere"
    };
    format!(
        "note: the GIF has {frames} frames ({megabytes:.1} MB); above {LONG_GIF_FRAMES} frames {video}, \
         and --every 7 draws one frame a week"
    )
}

/// Milliseconds as a GIF delay (hundredths of a second, at most 655 s).
fn centiseconds(ms: u32) -> u16 {
    (ms / 10).min(u32::from(u16::MAX)) as u16
}

/// How many frames at `fps` last `ms` milliseconds (rounded up).
fn repeats(ms: u32, fps: u32) -> u32 {
    (u64::from(ms) * u64::from(fps.max(1))).div_ceil(1000) as u32
}

fn frame_ext(format: FrameFormat) -> &'static str {
    match format {
        FrameFormat::Png => "png",
        FrameFormat::Svg => "svg",
    }
}

fn frame_path(out: &Path, day: NaiveDate, format: FrameFormat) -> PathBuf {
    out.join(format!("{day}.{}", frame_ext(format)))
}

fn progress_bar(len: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} frames {elapsed}") {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_within_limits() {
        assert_eq!(parse_size("1920x1080"), Ok(Size { width: 1920, height: 1080 }));
        assert!(parse_size("100x100").is_err());
        assert!(parse_size("1920").is_err());
        assert!(parse_size("axb").is_err());
    }

    #[test]
    fn presets_name_sizes() {
        assert_eq!(parse_size("square").unwrap(), Size { width: 1080, height: 1080 });
        assert_eq!(parse_size("Story").unwrap(), Size { width: 1080, height: 1920 });
        assert_eq!(parse_size("720p").unwrap(), Size { width: 1280, height: 720 });
        assert!(parse_size("tiktok").is_err());
    }

    #[test]
    fn every_nth_day_ends_on_the_last() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let days = frame_days(d("2024-01-01"), d("2024-01-20"), 7);
        assert_eq!(days, vec![d("2024-01-01"), d("2024-01-08"), d("2024-01-15"), d("2024-01-20")]);
        assert_eq!(frame_days(d("2024-01-01"), d("2024-01-15"), 7).len(), 3);
        assert_eq!(frame_days(d("2024-01-01"), d("2024-01-03"), 1).len(), 3);
        assert!(long_gif_advice(400, 250.0, false).contains("--mp4"));
    }

    #[test]
    fn holds_convert_to_delays_and_repeats() {
        assert_eq!(centiseconds(3000), 300);
        assert_eq!(centiseconds(10_000_000), u16::MAX);
        assert_eq!(repeats(3000, 2), 6);
        assert_eq!(repeats(0, 2), 0);
        assert_eq!(repeats(500, 25), 13);
    }
}

/// The order to start frames in: the first frame first (its palette is every GIF frame's),
/// then within each block of `block` frames the ones with most `changes` first (ties in
/// day order). Each frame stays in its block, as [`in_order`] needs.
fn heaviest_first(changes: &[usize], block: usize) -> Vec<usize> {
    let block = block.max(1);
    let mut order: Vec<usize> = (0..changes.len()).collect();
    for chunk in order.chunks_mut(block) {
        chunk.sort_by_key(|&i| (i != 0, std::cmp::Reverse(changes[i]), i));
    }
    order
}

/// Makes items `0..order.len()` on `threads` threads, started in `order`, and hands each
/// to `consume` in order (0, 1, 2...), on the calling thread. A thread starts item `i`
/// only once fewer than `window` items wait to be consumed. The first error stops the work
/// and is returned; an item a thread had taken but did not make because of it is passed to
/// `abandon` (so that nothing waits for it).
///
/// # Panics
/// If `order` moves an item out of its block of `window` (item `i` must be at a place `p`
/// with `p / window == i / window`): the threads could then all wait for room while the
/// item the consumer needs is not yet started.
fn in_order<T: Send>(
    order: &[usize],
    threads: usize,
    window: usize,
    make: impl Fn(usize) -> anyhow::Result<T> + Sync,
    abandon: impl Fn(usize) + Sync,
    mut consume: impl FnMut(usize, T) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex, mpsc};

    let count = order.len();
    let window = window.max(1);
    assert!(
        order.iter().enumerate().all(|(p, &i)| i < count && i / window == p / window),
        "in_order: the order moves an item out of its block of {window}"
    );
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let consumed = (Mutex::new(0usize), Condvar::new());
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let (tx, rx) = mpsc::channel::<(usize, anyhow::Result<T>)>();
        for _ in 0..threads.max(1) {
            let tx = tx.clone();
            let (next, stop, consumed, make, abandon) = (&next, &stop, &consumed, &make, &abandon);
            scope.spawn(move || {
                loop {
                    let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) else {
                        return;
                    };
                    let (lock, ready) = consumed;
                    let mut done = lock.lock().unwrap_or_else(|e| e.into_inner());
                    while i >= *done + window && !stop.load(Ordering::Relaxed) {
                        done = ready.wait(done).unwrap_or_else(|e| e.into_inner());
                    }
                    drop(done);
                    if stop.load(Ordering::Relaxed) {
                        abandon(i);
                        return;
                    }
                    if tx.send((i, make(i))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let mut waiting: BTreeMap<usize, anyhow::Result<T>> = BTreeMap::new();
        let mut expected = 0;
        let outcome = (|| {
            for (i, item) in rx.iter() {
                waiting.insert(i, item);
                while let Some(item) = waiting.remove(&expected) {
                    consume(expected, item?)?;
                    expected += 1;
                    let (lock, ready) = &consumed;
                    *lock.lock().unwrap_or_else(|e| e.into_inner()) = expected;
                    ready.notify_all();
                }
            }
            Ok(())
        })();
        if outcome.is_err() {
            // Wake and stop the workers; they send nothing more.
            stop.store(true, Ordering::Relaxed);
            consumed.1.notify_all();
        }
        outcome
    })
}

#[cfg(test)]
mod in_order_tests {
    use super::in_order;

    #[test]
    fn items_come_in_order_whatever_the_threads() {
        for threads in [1, 2, 5] {
            let mut seen = Vec::new();
            // Started in any order within blocks of the window.
            let mut order: Vec<usize> = (0..50).collect();
            order.chunks_mut(3).for_each(<[usize]>::reverse);
            in_order(
                &order,
                threads,
                3,
                |i| Ok(i * 10),
                |_| {},
                |i, v| {
                    seen.push((i, v));
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(seen, (0..50).map(|i| (i, i * 10)).collect::<Vec<_>>(), "{threads} threads");
        }
    }

    #[test]
    fn heavy_frames_start_first_within_their_block_after_the_first_frame() {
        let changes = [0, 1, 9, 3, 0, 7, 7, 2, 5];
        assert_eq!(super::heaviest_first(&changes, 4), vec![0, 2, 3, 1, 5, 6, 7, 4, 8]);
        assert_eq!(super::heaviest_first(&changes, 1), (0..9).collect::<Vec<_>>());
        assert_eq!(super::heaviest_first(&[], 4), Vec::<usize>::new());
    }

    #[test]
    #[should_panic(expected = "out of its block")]
    fn an_order_that_could_stall_the_threads_is_refused() {
        let _ = in_order(&[2, 0, 1, 3], 2, 2, Ok, |_| {}, |_, _: usize| Ok(()));
    }

    #[test]
    fn the_first_error_stops_the_work() {
        let made = std::sync::atomic::AtomicUsize::new(0);
        let mut consumed = 0;
        let result = in_order(
            &(0..1000).collect::<Vec<_>>(),
            2,
            4,
            |i| {
                made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i == 7 { anyhow::bail!("frame 7 failed") } else { Ok(i) }
            },
            |_| {},
            |_, _| {
                consumed += 1;
                Ok(())
            },
        );
        assert_eq!(result.unwrap_err().to_string(), "frame 7 failed");
        assert_eq!(consumed, 7, "frames before the failure are consumed");
        assert!(made.load(std::sync::atomic::Ordering::Relaxed) < 20, "the work stopped soon after");
    }
}
