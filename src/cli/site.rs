//! `frontline site`: the offline page.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use chrono::NaiveDate;

use frontline::Scenario;
use frontline::scenario::{Mode, ScenarioFiles};
use frontline::territory::Territory;

use super::files::write_atomic;

/// `frontline site`: writes `out/index.html` (and Leaflet's licence beside it).
pub fn site(
    files: &dyn ScenarioFiles,
    mode: Mode,
    out: PathBuf,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let s = Scenario::load(files)?;
    let (from, to) = super::day_range(&s, from, to)?;
    let model = s.model_with(mode);
    let territory = Territory::new(&s);
    let html = frontline::site::page(&s, &model, &territory, from, to, mode == Mode::EvidenceOnly)?;
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let page = out.join("index.html");
    write_atomic(&page, html.as_bytes())?;
    write_atomic(&out.join("LICENSE-leaflet.txt"), frontline::site::LEAFLET_LICENSE.as_bytes())?;
    eprintln!(
        "wrote {} ({:.2} MB, {} days) in {:.2} s; open it in a browser, no server needed",
        page.display(),
        html.len() as f64 / 1e6,
        (to - from).num_days() + 1,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
