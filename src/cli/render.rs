//! `frontline render`: one frame per day, the GIF and the MP4.

use std::io::{BufWriter, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use rayon::prelude::*;

use frontline::Scenario;
use frontline::raster::{GifWriter, Mp4Writer};
use frontline::render::{Atlas, Style, render_pixmap, render_svg};
use frontline::scenario::{Mode, ScenarioFiles};
use frontline::territory::Territory;

use super::files::{AtomicFile, output_target, track_temporary, write_atomic};

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
    let (w, h) = text.trim().split_once(['x', 'X']).ok_or("expected WIDTHxHEIGHT, e.g. 1920x1080")?;
    let side =
        |s: &str| s.trim().parse::<u32>().map_err(|_| format!("expected WIDTHxHEIGHT, e.g. 1920x1080, found {text:?}"));
    let size = Size { width: side(w)?, height: side(h)? };
    if !(320..=7680).contains(&size.width) || !(240..=4320).contains(&size.height) {
        return Err(format!("expected a size from 320x240 to 7680x4320, found {text:?}"));
    }
    Ok(size)
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
    pub fps: u32,
    pub threads: Option<usize>,
    pub quiet: bool,
    /// Evidence only, or with assessed control.
    pub mode: Mode,
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
    let atlas = Atlas::new(&scenario, &model, &territory, job.size.width, job.size.height, style)?;
    let days: Vec<NaiveDate> = from.iter_days().take_while(|d| *d <= to).collect();
    let maps = atlas.day_maps(&days);

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
            )?,
            path.clone(),
        )),
        None => None,
    };
    let mut mp4 = match &job.mp4 {
        Some(path) => {
            let writer = Mp4Writer::new(output_target(path)?, job.size.width, job.size.height, job.fps)?;
            track_temporary(writer.temporary_path());
            Some(writer)
        }
        None => None,
    };
    let needs_pixels = job.format == FrameFormat::Png || gif.is_some() || mp4.is_some();
    // Frames are made a few at a time, in parallel, so memory stays bounded whatever the
    // number of days; each chunk is written in day order, so the output does not depend
    // on the number of threads.
    let chunk_len = rayon::current_num_threads().max(1) * 2;
    let indices: Vec<usize> = (0..days.len()).collect();
    for chunk in indices.chunks(chunk_len) {
        let rendered: Vec<(Option<tiny_skia::Pixmap>, PathBuf)> = chunk
            .par_iter()
            .map(|&i| -> anyhow::Result<(Option<tiny_skia::Pixmap>, PathBuf)> {
                let day = days[i];
                let target = frame_path(&job.out, day, job.format);
                let pixmap = if needs_pixels { Some(render_pixmap(&atlas, day, &maps[i])?) } else { None };
                match job.format {
                    FrameFormat::Png => {
                        let pixmap = pixmap.as_ref().expect("PNG frames are rendered to pixels");
                        write_atomic(&target, &frontline::raster::encode_png(pixmap)?)?;
                    }
                    FrameFormat::Svg => write_atomic(&target, render_svg(&atlas, day, &maps[i])?.as_bytes())?,
                }
                progress.inc(1);
                Ok((pixmap, target))
            })
            .collect::<anyhow::Result<_>>()?;
        let pixmaps: Vec<&tiny_skia::Pixmap> = rendered.iter().filter_map(|(p, _)| p.as_ref()).collect();
        if let Some((writer, _)) = gif.as_mut() {
            writer.add_frames(&pixmaps)?;
        }
        if let Some(writer) = mp4.as_mut() {
            for p in &pixmaps {
                writer.write_frame(p)?;
            }
        }
    }
    progress.finish_and_clear();
    let mut wrote = vec![format!("{} {} frames in {}", days.len(), frame_ext(job.format), job.out.display())];
    if let Some((writer, path)) = gif {
        let sink = writer.finish()?;
        sink.into_inner().map_err(|e| anyhow::anyhow!("writing {}: {}", path.display(), e.error()))?.commit()?;
        wrote.push(path.display().to_string());
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
}
