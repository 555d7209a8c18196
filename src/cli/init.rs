//! `frontline init`: a new scenario folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use geo::{Coord, Rect};

/// Parses `W,S,E,N` in degrees.
pub fn parse_extent(text: &str) -> Result<Rect<f64>, String> {
    let v: Vec<f64> = text.split(',').map(|p| p.trim().parse::<f64>()).collect::<Result<_, _>>().map_err(|_| {
        format!(
            "expected west,south,east,north in degrees, e.g. 22,44,40.5,52.5, found {}",
            frontline::error::echo(text)
        )
    })?;
    match v.as_slice() {
        [w, s, e, n]
            if w < e
                && s < n
                && (-180.0..=180.0).contains(w)
                && (-180.0..=180.0).contains(e)
                && (-90.0..=90.0).contains(s)
                && (-90.0..=90.0).contains(n) =>
        {
            Ok(Rect::new(Coord { x: *w, y: *s }, Coord { x: *e, y: *n }))
        }
        _ => Err(format!(
            "expected west,south,east,north with west < east and south < north, found {}",
            frontline::error::echo(text)
        )),
    }
}

/// `frontline init DIR --country NAME [--extent W,S,E,N] [--force]`.
///
/// A folder that holds anything is refused: `init` never overwrites what a user wrote.
/// With `force`, each file it would replace is first copied to `NAME.bak-YYYYMMDDTHHMMSSZ`
/// (UTC) beside it, so nothing is lost either way.
pub fn init(dir: &Path, country: &str, options: &frontline::init::Options, force: bool) -> anyhow::Result<ExitCode> {
    if let Some((from, to)) = options.days
        && to < from
    {
        bail!("--to {to} is before --from {from}");
    }
    if dir.exists() && !dir.is_dir() {
        bail!("{} is a file, not a folder; init writes a new scenario into a folder", dir.display());
    }
    let present: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    };
    if !present.is_empty() && !force {
        let mut shown: Vec<&str> = present.iter().map(String::as_str).take(5).collect();
        shown.sort_unstable();
        let more = if present.len() > 5 { format!(" and {} more", present.len() - 5) } else { String::new() };
        let what =
            if present.iter().any(|n| n == "scenario.toml") { "already holds a scenario.toml" } else { "is not empty" };
        bail!(
            "{} {what} ({}{more}); init never overwrites: name a new or empty folder, or add --force to write \
             over it, keeping a backup of each file it replaces",
            dir.display(),
            shown.join(", ")
        );
    }
    let files = frontline::init::scaffold(country, options)?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    for (name, text) in &files.files {
        let target = dir.join(name);
        if target.exists() {
            let backup = backup_name(dir, name, &stamp);
            std::fs::copy(&target, &backup)
                .with_context(|| format!("keeping a backup of {} as {}", target.display(), backup.display()))?;
            eprintln!("kept the old {} as {}", target.display(), backup.display());
        }
        super::files::write_atomic(&target, text.as_bytes())?;
    }
    eprintln!(
        "wrote a new scenario in {}: {}. Next: frontline --scenario {} import geonames XX.txt, then events, then check",
        dir.display(),
        files.files.keys().cloned().collect::<Vec<_>>().join(", "),
        dir.display()
    );
    if options.days.is_none() {
        eprintln!(
            "its days are placeholders ({}): set first_day and last_day in scenario.toml, or init again with \
             --from YYYY-MM-DD --to YYYY-MM-DD --force",
            frontline::scenario::UNSET_DAY
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `NAME.bak-STAMP` in `dir`, with `-2`, `-3`… when a backup of that second is there already.
fn backup_name(dir: &Path, name: &str, stamp: &str) -> PathBuf {
    let mut candidate = dir.join(format!("{name}.bak-{stamp}"));
    let mut n = 2;
    while candidate.exists() {
        candidate = dir.join(format!("{name}.bak-{stamp}-{n}"));
        n += 1;
    }
    candidate
}
