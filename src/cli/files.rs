//! Writing output files whole or not at all, and only where a file belongs.
//!
//! The guarantees (stated in the README):
//! - Each output is written to a temporary file with a unique name in the target's own
//!   folder, then renamed over the target in one step: a reader sees the old file or the
//!   new one, never a part. Two runs writing the same file each write their own temporary
//!   file; the last rename wins, and both leave a valid file.
//! - A target that exists and is not a regular file (a device, a FIFO, a folder, a socket)
//!   is refused with an error and left as it was.
//! - A symbolic link is written through: the file it points to is replaced and the link
//!   stays. A link to nothing, or to something that is not a regular file, is refused.
//! - On SIGINT or SIGTERM, temporary files are removed before the process exits; those a
//!   killed run left (`.NAME.XXXXXX.partial`, ffmpeg's `.NAME.PID.part`) are removed, with a
//!   note, by the next run that writes into their folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, bail};

/// Whether each output is flushed to the disk before it is renamed into place (`--sync`).
/// Off by default: the rename alone makes an output whole or absent for every reader;
/// syncing only adds safety against a power cut, at a cost of tens of milliseconds a file.
static SYNC: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turns syncing to disk on or off for the rest of the run.
pub fn set_sync(on: bool) {
    SYNC.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// With `--sync`, flushes a folder's entries (the renames) to the disk once at the end.
pub fn sync_folder(dir: &Path) -> anyhow::Result<()> {
    if SYNC.load(std::sync::atomic::Ordering::Relaxed) {
        std::fs::File::open(dir).and_then(|f| f.sync_all()).with_context(|| format!("syncing {}", dir.display()))?;
    }
    Ok(())
}

/// When this run started: temporary files older than it are left by runs that died.
static RUN_START: std::sync::OnceLock<std::time::SystemTime> = std::sync::OnceLock::new();

/// Notes the start of the run (the first call counts).
pub fn note_run_start() {
    RUN_START.get_or_init(std::time::SystemTime::now);
}

/// How much older than this run a temporary file must be to count as stale: a run still
/// writing one touches it far more often, so a concurrent run's file is never taken.
const STALE_MARGIN: std::time::Duration = std::time::Duration::from_secs(60);

/// Folders already swept this run.
static SWEPT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Whether `name` is a temporary file of our own naming: `.NAME.XXXXXX.partial` (outputs)
/// or `.NAME.PID.part` (ffmpeg's output).
fn is_our_temporary(name: &str) -> bool {
    let Some(inner) = name.strip_prefix('.') else { return false };
    let (stem, tag) = if let Some(stem) = inner.strip_suffix(".partial") {
        match stem.rsplit_once('.') {
            Some((target, tag)) if tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_alphanumeric()) => (target, tag),
            _ => return false,
        }
    } else if let Some(stem) = inner.strip_suffix(".part") {
        match stem.rsplit_once('.') {
            Some((target, pid)) if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) => (target, pid),
            _ => return false,
        }
    } else {
        return false;
    };
    !stem.is_empty() && !tag.is_empty()
}

/// Removes, once per folder and run, the temporary files of our own naming that a killed
/// run left in `dir` (SIGKILL cannot be caught), with a note on stderr for each. Only
/// files last written well before this run started are taken.
pub fn sweep_stale(dir: &Path) {
    let Some(start) = RUN_START.get().and_then(|s| s.checked_sub(STALE_MARGIN)) else { return };
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    if let Ok(mut swept) = SWEPT.lock() {
        if swept.iter().any(|d| d == dir) {
            return;
        }
        swept.push(dir.to_path_buf());
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_our_temporary(&name) {
            continue;
        }
        let Ok(meta) = entry.path().symlink_metadata() else { continue };
        if meta.is_file() && meta.modified().is_ok_and(|m| m < start) && std::fs::remove_file(entry.path()).is_ok() {
            eprintln!(
                "removed {}: a temporary file left by an earlier run that was killed ({} bytes)",
                entry.path().display(),
                meta.len()
            );
        }
    }
}

/// Temporary files not yet renamed into place: removed if the process is interrupted.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Notes a temporary file to remove if the process is interrupted.
pub fn track_temporary(path: &Path) {
    if let Ok(mut pending) = PENDING.lock() {
        pending.push(path.to_path_buf());
    }
}

/// Forgets a temporary file (renamed into place, or removed).
pub fn forget_temporary(path: &Path) {
    if let Ok(mut pending) = PENDING.lock() {
        pending.retain(|p| p != path);
    }
}

/// Removes every temporary file still pending and exits with 130 on SIGINT or SIGTERM.
pub fn clean_up_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        if let Ok(pending) = PENDING.lock() {
            for path in pending.iter() {
                let _ = std::fs::remove_file(path);
            }
        }
        eprintln!("frontline: interrupted; temporary files removed");
        std::process::exit(130);
    });
}

/// The file an output to `target` really replaces: `target` itself when it is a regular
/// file or does not exist yet, the file a symbolic link points to; an error for anything
/// else, which is left untouched.
pub fn output_target(target: &Path) -> anyhow::Result<PathBuf> {
    let kind = |m: &std::fs::Metadata| {
        let t = m.file_type();
        if t.is_dir() {
            "a folder"
        } else if is_special(&t) {
            "a device, FIFO or socket"
        } else {
            "not a regular file"
        }
    };
    match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            if !parent.is_dir() {
                bail!(
                    "cannot write {}: the folder {} does not exist (create it first)",
                    target.display(),
                    parent.display()
                );
            }
            Ok(target.to_path_buf())
        }
        Err(e) => Err(e).with_context(|| format!("cannot write {}", target.display())),
        Ok(m) if m.file_type().is_symlink() => {
            let real = std::fs::canonicalize(target).map_err(|_| {
                anyhow::anyhow!("refusing to write {}: it is a symbolic link to nothing", target.display())
            })?;
            let meta = std::fs::metadata(&real).with_context(|| format!("cannot write {}", real.display()))?;
            if !meta.is_file() {
                bail!(
                    "refusing to write {}: it is a symbolic link to {}, which is {}; name a regular file",
                    target.display(),
                    real.display(),
                    kind(&meta)
                );
            }
            Ok(real)
        }
        Ok(m) if m.is_file() => Ok(target.to_path_buf()),
        Ok(m) => bail!(
            "refusing to write {}: it is {}, not a regular file; it was left as it was (name a regular file)",
            target.display(),
            kind(&m)
        ),
    }
}

/// The permissions an output gets: those of the file it replaces, else readable by all
/// (0644), as a plain `File::create` gives; temporary files would otherwise be 0600.
fn output_permissions(target: &Path) -> Option<std::fs::Permissions> {
    if let Ok(meta) = std::fs::metadata(target) {
        return Some(meta.permissions());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(0o644))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(unix)]
fn is_special(t: &std::fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt;
    t.is_block_device() || t.is_char_device() || t.is_fifo() || t.is_socket()
}

#[cfg(not(unix))]
fn is_special(_: &std::fs::FileType) -> bool {
    false
}

/// A file being written under a unique temporary name beside its destination; `commit`
/// renames it into place, and dropping it uncommitted removes it.
pub struct AtomicFile {
    temp: Option<tempfile::NamedTempFile>,
    target: PathBuf,
    /// The path as the user gave it, for messages.
    named: PathBuf,
}

impl AtomicFile {
    /// Starts writing `target` (see [`output_target`] for what is refused).
    pub fn create(target: &Path) -> anyhow::Result<AtomicFile> {
        let real = output_target(target)?;
        let name = real.file_name().with_context(|| format!("{} is not a file name", target.display()))?;
        let dir = real.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        sweep_stale(dir);
        let prefix = format!(".{}.", name.to_string_lossy());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".partial");
        if let Some(permissions) = output_permissions(&real) {
            builder.permissions(permissions);
        }
        let temp = builder.tempfile_in(dir).with_context(|| format!("cannot write {}", target.display()))?;
        track_temporary(temp.path());
        Ok(AtomicFile { temp: Some(temp), target: real, named: target.to_path_buf() })
    }

    /// Renames the finished file into place.
    pub fn commit(mut self) -> anyhow::Result<()> {
        let temp = self.temp.take().expect("committed once");
        let path = temp.path().to_path_buf();
        if SYNC.load(std::sync::atomic::Ordering::Relaxed) {
            temp.as_file().sync_all().with_context(|| format!("writing {}", self.named.display()))?;
        }
        let result = temp.persist(&self.target).map(|_| ()).map_err(|e| e.error);
        forget_temporary(&path);
        result.with_context(|| format!("writing {}", self.named.display()))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.temp.as_mut().expect("open until committed").write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.temp.as_mut().expect("open until committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            forget_temporary(temp.path());
            // NamedTempFile removes itself.
        }
    }
}

/// Writes `bytes` to `target` whole or not at all.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut f = AtomicFile::create(target)?;
    f.write_all(bytes).with_context(|| format!("writing {}", target.display()))?;
    f.commit()
}
