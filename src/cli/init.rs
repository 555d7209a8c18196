//! `frontline init`: a new scenario folder.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use geo::{Coord, Rect};

/// Parses `W,S,E,N` in degrees.
pub fn parse_extent(text: &str) -> Result<Rect<f64>, String> {
    let v: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("expected west,south,east,north in degrees, e.g. 22,44,40.5,52.5, found {text:?}"))?;
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
        _ => Err(format!("expected west,south,east,north with west < east and south < north, found {text:?}")),
    }
}

/// `frontline init DIR --country NAME [--extent W,S,E,N]`.
pub fn init(dir: &Path, country: &str, extent: Option<Rect<f64>>) -> anyhow::Result<ExitCode> {
    if dir.join("scenario.toml").exists() {
        bail!("{} already holds a scenario.toml; init never overwrites a scenario", dir.display());
    }
    let files = frontline::init::scaffold(country, extent)?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, text) in &files.files {
        super::files::write_atomic(&dir.join(name), text.as_bytes())?;
    }
    eprintln!(
        "wrote a new scenario in {}: {}. Next: frontline --scenario {} import geonames XX.txt, then events, then check",
        dir.display(),
        files.files.keys().cloned().collect::<Vec<_>>().join(", "),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
