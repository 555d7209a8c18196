//! Writing output files whole or not at all.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// A file being written under a temporary name beside its destination; `commit` renames
/// it into place, and dropping it uncommitted removes it. A failed run never leaves a
/// truncated file under the real name.
pub struct AtomicFile {
    temp: PathBuf,
    target: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    pub fn create(target: &Path) -> anyhow::Result<AtomicFile> {
        let name = target.file_name().with_context(|| format!("{} is not a file name", target.display()))?;
        let temp = target.with_file_name(format!(".{}.partial", name.to_string_lossy()));
        let file = File::create(&temp).with_context(|| format!("creating {}", temp.display()))?;
        Ok(AtomicFile { temp, target: target.to_path_buf(), file: Some(file) })
    }

    pub fn commit(mut self) -> anyhow::Result<()> {
        let file = self.file.take().expect("committed once");
        let result = file
            .sync_all()
            .and_then(|_| {
                drop(file);
                std::fs::rename(&self.temp, &self.target)
            })
            .with_context(|| format!("writing {}", self.target.display()));
        if result.is_err() {
            let _ = std::fs::remove_file(&self.temp);
        }
        result
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.as_mut().expect("open until committed").write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().expect("open until committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Writes `bytes` to `target` whole or not at all.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut f = AtomicFile::create(target)?;
    f.write_all(bytes).with_context(|| format!("writing {}", target.display()))?;
    f.commit()
}
