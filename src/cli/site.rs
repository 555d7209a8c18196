//! `frontline site`: the offline page.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use chrono::NaiveDate;

use frontline::Scenario;
use frontline::render::{Atlas, Style, render_png};
use frontline::scenario::{Mode, ScenarioFiles};
use frontline::site::Layout;
use frontline::territory::Territory;

use super::files::write_atomic;

/// `frontline site`: writes `out/index.html` (and Leaflet's licence beside it, the day
/// files of a large scenario in `out/days/`, and with `embed` the embed snippet).
pub fn site(
    files: &dyn ScenarioFiles,
    mode: Mode,
    out: PathBuf,
    (from, to): (Option<NaiveDate>, Option<NaiveDate>),
    embed: bool,
    split_days: Option<u32>,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let s = Scenario::load(files)?;
    let (from, to) = super::day_range(&s, from, to)?;
    let model = s.model_with(mode);
    let territory = Territory::new(&s);
    let layout = split_days.map_or(Layout::Auto, |n| Layout::Split(n as usize));
    let site = frontline::site::site(&s, &model, &territory, (from, to), mode == Mode::EvidenceOnly, layout)?;
    let size = site.size();
    if size > frontline::site::SIZE_WARNING {
        eprintln!(
            "warning: the page and its files come to {:.0} MB, over the {:.0} MB a browser opens comfortably; \
             --from and --to can show fewer days",
            size as f64 / 1e6,
            frontline::site::SIZE_WARNING as f64 / 1e6
        );
    }
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    // The day files first, the page last: a page never names a file that is not there.
    for (relative, text) in &site.chunks {
        let path = out.join(relative);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        write_atomic(&path, text.as_bytes())?;
    }
    let page = out.join("index.html");
    write_atomic(&page, site.index.as_bytes())?;
    if embed {
        let stats = frontline::stats::daily(&s, &model, &territory, to, to);
        let summary = frontline::site::embed::summary(&s, &model, &stats, to);
        let atlas = Atlas::new(&s, &model, &territory, 1200, 800, Style::default())?;
        write_atomic(&out.join("embed.png"), &render_png(&atlas, to, &atlas.day_map(to))?)?;
        let snippet = frontline::site::embed::snippet(&s, &format!("index.html#{to}"), "embed.png", &summary);
        write_atomic(&out.join("embed.html"), snippet.as_bytes())?;
        eprintln!("wrote {} (paste it into your page) and embed.png", out.join("embed.html").display());
    }
    write_atomic(&out.join("LICENSE-leaflet.txt"), frontline::site::LEAFLET_LICENSE.as_bytes())?;
    let beside = if site.chunks.is_empty() {
        String::new()
    } else {
        format!(" and {} day files in {}", site.chunks.len(), out.join("days").display())
    };
    eprintln!(
        "wrote {}{beside} ({:.2} MB, {} days) in {:.2} s; open it in a browser, no server needed{}",
        page.display(),
        size as f64 / 1e6,
        (to - from).num_days() + 1,
        started.elapsed().as_secs_f64(),
        if site.chunks.is_empty() { "" } else { " (keep the folder together)" }
    );
    Ok(ExitCode::SUCCESS)
}
