//! Where a scenario's files come from: a folder, or the copy built into the binary.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Something that can hand out a scenario's files by their path relative to the manifest.
pub trait ScenarioFiles {
    /// The text of the file at `relative` (as the manifest writes it).
    fn read(&self, relative: &str) -> Result<String>;
    /// How to name the file in messages.
    fn display(&self, relative: &str) -> String;
}

/// A scenario folder on disk.
#[derive(Debug, Clone)]
pub struct Folder(pub PathBuf);

impl ScenarioFiles for Folder {
    fn read(&self, relative: &str) -> Result<String> {
        let path = self.0.join(relative);
        std::fs::read_to_string(&path).map_err(|e| Error::io(path, e))
    }

    fn display(&self, relative: &str) -> String {
        let joined = self.0.join(relative);
        clean(&joined).display().to_string()
    }
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
    /// How messages name the folder, e.g. `data/syria-2024 (built in)`.
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
        format!("{}/{relative}", self.name)
    }
}

/// The shipped Syria 2024 scenario, built into the binary so that `frontline` works from
/// any folder.
pub const SYRIA_2024: Embedded = Embedded {
    name: "data/syria-2024",
    files: &[
        ("scenario.toml", include_str!("../../data/syria-2024/scenario.toml")),
        ("gazetteer.csv", include_str!("../../data/syria-2024/gazetteer.csv")),
        ("events.csv", include_str!("../../data/syria-2024/events.csv")),
        ("baseline.csv", include_str!("../../data/syria-2024/baseline.csv")),
        ("sources.csv", include_str!("../../data/syria-2024/sources.csv")),
        ("zones.geojson", include_str!("../../data/syria-2024/zones.geojson")),
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
        let f = Folder(PathBuf::from("data/syria-2024"));
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
