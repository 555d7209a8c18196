//! `frontline import`: other people's data into a scenario's files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use frontline::import::geonames::{Filter, merge, read_admin1, read_dump};
use frontline::scenario::{Folder, Manifest, ScenarioFiles};

use super::files::write_atomic;

/// Reads an input file the way scenario files are read: a regular UTF-8 file under the cap.
fn read_input(path: &Path, max_bytes: u64) -> anyhow::Result<String> {
    Ok(Folder { dir: PathBuf::from("."), max_bytes }.read(&path.to_string_lossy())?)
}

/// `frontline import geonames FILE --scenario DIR`.
pub fn geonames(
    scenario: Option<&Path>,
    max_bytes: u64,
    dump: &Path,
    admin1: Option<&Path>,
    filter: Filter,
) -> anyhow::Result<ExitCode> {
    let Some(dir) = scenario else {
        bail!("import writes into a scenario: name it with --scenario DIR (make one with frontline init)");
    };
    let folder = Folder { dir: dir.to_path_buf(), max_bytes };
    let manifest: Manifest = toml::from_str(&folder.read("scenario.toml")?)
        .with_context(|| format!("reading {}", folder.display("scenario.toml")))?;
    let target = dir.join(&manifest.gazetteer);
    let shown = folder.display(&manifest.gazetteer);
    let existing = if target.exists() { folder.read(&manifest.gazetteer)? } else { String::new() };
    let admin1 = match admin1 {
        Some(path) => read_admin1(&read_input(path, max_bytes)?),
        None => Default::default(),
    };
    let places = read_dump(&read_input(dump, max_bytes)?, &dump.display().to_string(), &admin1, &filter)?;
    let (csv, merged) = merge(&existing, &shown, &places)?;
    write_atomic(&target, csv.as_bytes())?;
    eprintln!(
        "wrote {shown}: {} places added, {} already there and left as they were ({} populated places read from {})",
        merged.added,
        merged.kept,
        places.len(),
        dump.display()
    );
    Ok(ExitCode::SUCCESS)
}
