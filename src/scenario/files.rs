//! Where a scenario's files come from: a folder, or the copy built into the binary.

use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};

/// Something that can hand out a scenario's files by their path relative to the manifest.
pub trait ScenarioFiles {
    /// The text of the file at `relative` (as the manifest writes it).
    fn read(&self, relative: &str) -> Result<String>;
    /// The bytes of a binary file at `relative` (a population raster). Only a folder on
    /// disk holds such files; the others say so.
    fn read_bytes(&self, relative: &str) -> Result<Vec<u8>> {
        Err(Error::Data {
            at: Location::file(self.display(relative)),
            message: "binary files (a population raster) are read only from a scenario folder on disk".into(),
        })
    }
    /// How to name the file in messages.
    fn display(&self, relative: &str) -> String;
    /// Whether the scenario may run longer than [`MAX_DAYS`](super::MAX_DAYS) days
    /// (`--allow-long`; see [`AllowLong`]). Off by default: a longer range is nearly
    /// always a typo in a year, and every day costs time and memory.
    fn allow_long(&self) -> bool {
        false
    }
}

/// Any scenario's files, read as they are, with the day-range limit lifted.
#[derive(Debug, Clone)]
pub struct AllowLong<F>(pub F);

impl<F: ScenarioFiles> ScenarioFiles for AllowLong<F> {
    fn read(&self, relative: &str) -> Result<String> {
        self.0.read(relative)
    }

    fn read_bytes(&self, relative: &str) -> Result<Vec<u8>> {
        self.0.read_bytes(relative)
    }

    fn display(&self, relative: &str) -> String {
        self.0.display(relative)
    }

    fn allow_long(&self) -> bool {
        true
    }
}

/// A scenario folder on disk. It reads only regular files (never a device or a FIFO),
/// each at most `max_bytes` long, as UTF-8.
#[derive(Debug, Clone)]
pub struct Folder {
    /// The folder holding `scenario.toml`.
    pub dir: PathBuf,
    /// The largest file it reads, in bytes.
    pub max_bytes: u64,
}

impl Folder {
    /// The default size cap of one input file: 256 MiB, far above any real gazetteer or
    /// event log, far below the machine's memory.
    pub const DEFAULT_MAX_BYTES: u64 = 256 << 20;

    /// A folder read with the default size cap.
    pub fn new(dir: impl Into<PathBuf>) -> Folder {
        Folder { dir: dir.into(), max_bytes: Folder::DEFAULT_MAX_BYTES }
    }
}

impl ScenarioFiles for Folder {
    fn read(&self, relative: &str) -> Result<String> {
        utf8(self.read_bytes(relative)?, &self.display(relative))
    }

    fn read_bytes(&self, relative: &str) -> Result<Vec<u8>> {
        let path = self.dir.join(relative);
        let shown = self.display(relative);
        let meta = std::fs::metadata(&path).map_err(|e| Error::io(&shown, e))?;
        if !meta.is_file() {
            let what = if meta.is_dir() { "a folder" } else { "a device, FIFO or socket" };
            return Err(Error::Data {
                at: Location::file(&shown),
                message: format!("expected a regular file, found {what}; name a file in scenario.toml"),
            });
        }
        let too_big = |size: u64| Error::Data {
            at: Location::file(&shown),
            message: format!(
                "the file is {:.1} MB, over the {:.0} MB limit for one input; raise it with --max-input-mb if it is right",
                size as f64 / 1e6,
                self.max_bytes as f64 / 1e6
            ),
        };
        if meta.len() > self.max_bytes {
            return Err(too_big(meta.len()));
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        std::fs::File::open(&path)
            .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, self.max_bytes + 1), &mut bytes))
            .map_err(|e| Error::io(&shown, e))?;
        if bytes.len() as u64 > self.max_bytes {
            return Err(too_big(bytes.len() as u64));
        }
        Ok(bytes)
    }

    fn display(&self, relative: &str) -> String {
        let joined = self.dir.join(relative);
        clean(&joined).display().to_string()
    }
}

/// The text of a file, or an error that says where the first byte that is not UTF-8 is
/// and what the file probably is.
pub fn utf8(bytes: Vec<u8>, file: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let valid = e.utf8_error().valid_up_to();
        let line = bytes[..valid].iter().filter(|b| **b == b'\n').count() as u64 + 1;
        let hint = if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
            "the file is UTF-16; save it as UTF-8"
        } else {
            "it is probably Latin-1 or Windows-1252; save it as UTF-8 (in a spreadsheet: CSV UTF-8)"
        };
        Error::Data {
            at: Location::line(file, line),
            message: format!("expected UTF-8 text, found the byte 0x{:02x} at byte {valid}: {hint}", bytes[valid]),
        }
    })
}

/// Removes `.` and `a/..` from a path for display, without touching the file system.
fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir
                if out.file_name().is_some() && out.components().next_back().is_some_and(|c| c.as_os_str() != "..") =>
            {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Files compiled into the binary, looked up by their relative path.
#[derive(Debug, Clone, Copy)]
pub struct Embedded {
    /// How messages name the scenario, e.g. `(built-in Syria 2024)`.
    pub name: &'static str,
    /// `(relative path, contents)` pairs.
    pub files: &'static [(&'static str, &'static str)],
}

impl ScenarioFiles for Embedded {
    fn read(&self, relative: &str) -> Result<String> {
        self.files
            .iter()
            .find(|(path, _)| *path == relative)
            .map(|(_, text)| text.to_string())
            .ok_or_else(|| Error::io(self.display(relative), std::io::Error::from(std::io::ErrorKind::NotFound)))
    }

    fn display(&self, relative: &str) -> String {
        format!("{} {}", self.name, clean(std::path::Path::new(relative)).display())
    }
}

/// The shipped Syria 2024 scenario, built into the binary so that `frontline` works from
/// any folder.
pub const SYRIA_2024: Embedded = Embedded {
    name: "(built-in Syria 2024)",
    files: &[
        ("scenario.toml", include_str!("../../data/syria-2024/scenario.toml")),
        ("gazetteer.csv", include_str!("../../data/syria-2024/gazetteer.csv")),
        ("events.csv", include_str!("../../data/syria-2024/events.csv")),
        ("baseline.csv", include_str!("../../data/syria-2024/baseline.csv")),
        ("sources.csv", include_str!("../../data/syria-2024/sources.csv")),
        ("zones.geojson", include_str!("../../data/syria-2024/zones.geojson")),
        ("areas.geojson", include_str!("../../data/syria-2024/areas.geojson")),
        ("population.csv", include_str!("../../data/syria-2024/population.csv")),
        ("published-shares.csv", include_str!("../../data/syria-2024/published-shares.csv")),
        ("published-population.csv", include_str!("../../data/syria-2024/published-population.csv")),
        ("lines.geojson", include_str!("../../data/syria-2024/lines.geojson")),
        ("../basemap/levant-10m.geojson", include_str!("../../data/basemap/levant-10m.geojson")),
    ],
};

/// Files held in memory: for tests, benchmarks and scenarios built in code.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    /// `(relative path, contents)`.
    pub files: std::collections::BTreeMap<String, String>,
}

impl Memory {
    /// Adds or replaces a file.
    pub fn insert(&mut self, relative: impl Into<String>, text: impl Into<String>) -> &mut Self {
        self.files.insert(relative.into(), text.into());
        self
    }

    /// Writes every file under `dir`, creating folders as needed.
    pub fn write_to(&self, dir: &Path) -> Result<()> {
        for (relative, text) in &self.files {
            let path = dir.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }
}

impl ScenarioFiles for Memory {
    fn read(&self, relative: &str) -> Result<String> {
        self.files
            .get(relative)
            .cloned()
            .ok_or_else(|| Error::io(self.display(relative), std::io::Error::from(std::io::ErrorKind::NotFound)))
    }

    fn display(&self, relative: &str) -> String {
        format!("(memory)/{relative}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_paths_display_cleanly() {
        let f = Folder::new("data/syria-2024");
        assert_eq!(f.display("../basemap/x.geojson"), "data/basemap/x.geojson");
        assert_eq!(f.display("./events.csv"), "data/syria-2024/events.csv");
    }

    #[test]
    fn embedded_files_are_found_and_missing_ones_named() {
        assert!(SYRIA_2024.read("scenario.toml").unwrap().contains("title"));
        let err = SYRIA_2024.read("nope.csv").err().unwrap().to_string();
        assert!(err.contains("nope.csv"), "{err}");
    }
}
