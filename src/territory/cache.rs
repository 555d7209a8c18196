//! A cache of the land allocation on disk, so a scenario's land is computed once, not on
//! every run: remaking the maps after a new row (the usual edit) skips it.
//!
//! An entry is keyed by a hash of everything the allocation reads (the land, every place's
//! position and reach, the lines, zones and named areas, the raster's size) and of the
//! program that wrote it (its version and the executable's size and time), so any change to
//! the inputs or a rebuilt program computes afresh. Entries are written whole (a temporary
//! file renamed) and read defensively: a short, foreign or damaged file is ignored and the
//! land computed again. Nothing here can fail a run.
//!
//! Where: `$FRONTLINE_CACHE` if set (`off` turns the cache off), else
//! `$XDG_CACHE_HOME/frontline`, else `$HOME/.cache/frontline`. Only the newest
//! [`KEEP_ENTRIES`] entries are kept.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use geo::Coord;

use super::topology::IdPolygons;
use super::zones::{CellKind, LandCell};

/// Entries kept in the cache folder; older ones are removed when one is written.
pub const KEEP_ENTRIES: usize = 16;

/// Bumped whenever what is stored, or how it is computed, changes.
const FORMAT: u32 = 2;
const MAGIC: &[u8; 8] = b"FLLAND\0\0";

/// What the allocation gives, in the form the cache stores.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Allocated {
    pub cells: Vec<LandCell>,
    pub vertices: Vec<Coord<f64>>,
    pub rings: Vec<IdPolygons>,
    pub land_area: f64,
    pub unreached_area: f64,
    pub pixel_m: f64,
}

/// A 128-bit key built from the allocation's inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key(u64, u64);

/// Feeds the allocation's inputs into a key. Floats go in by their bits.
pub(crate) struct KeyBuilder {
    a: std::collections::hash_map::DefaultHasher,
    b: std::collections::hash_map::DefaultHasher,
}

impl KeyBuilder {
    /// A key for this program: its version, format and executable (size and time).
    pub fn new() -> KeyBuilder {
        let mut k = KeyBuilder { a: Default::default(), b: Default::default() };
        // Two hashers, the second seeded apart, make a 128-bit key.
        0xf17e_u64.hash(&mut k.b);
        k.str(env!("CARGO_PKG_VERSION"));
        k.u64(u64::from(FORMAT));
        let exe = std::env::current_exe().ok().and_then(|p| std::fs::metadata(p).ok());
        k.u64(exe.as_ref().map_or(0, |m| m.len()));
        let modified = exe.and_then(|m| m.modified().ok()).and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        k.u64(modified.map_or(0, |d| d.as_nanos() as u64));
        k
    }

    pub fn u64(&mut self, v: u64) {
        v.hash(&mut self.a);
        v.hash(&mut self.b);
    }

    pub fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }

    pub fn str(&mut self, v: &str) {
        v.hash(&mut self.a);
        v.hash(&mut self.b);
    }

    pub fn coords(&mut self, coords: impl IntoIterator<Item = Coord<f64>>) {
        let mut n = 0u64;
        for c in coords {
            self.f64(c.x);
            self.f64(c.y);
            n += 1;
        }
        self.u64(n);
    }

    /// Every ring of `shape`, exterior then holes, polygon by polygon.
    pub fn shape(&mut self, shape: &geo::MultiPolygon<f64>) {
        self.coords(
            shape
                .0
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .flat_map(|r| r.0.iter().copied()),
        );
    }

    pub fn finish(&self) -> Key {
        Key(self.a.finish(), self.b.finish())
    }
}

/// The cache folder, or `None` when the cache is off or no folder is known.
pub(crate) fn folder() -> Option<PathBuf> {
    match std::env::var_os("FRONTLINE_CACHE") {
        Some(v) if v == "off" || v == "0" || v.is_empty() => None,
        Some(v) => Some(PathBuf::from(v)),
        None => std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| PathBuf::from(h).join(".cache")))
            .map(|base| base.join("frontline")),
    }
}

fn entry_path(folder: &Path, key: Key) -> PathBuf {
    folder.join(format!("land-{:016x}{:016x}.bin", key.0, key.1))
}

/// The entry for `key` in `folder`, if there is a sound one.
pub(crate) fn load(folder: &Path, key: Key) -> Option<Allocated> {
    let bytes = std::fs::read(entry_path(folder, key)).ok()?;
    decode(&bytes, key)
}

/// Stores `allocated` under `key` in `folder` (created if need be), then trims the folder to
/// the newest [`KEEP_ENTRIES`] entries. Failures are ignored: the cache is only a shortcut.
pub(crate) fn store(folder: &Path, key: Key, allocated: &Allocated) {
    let _ = try_store(folder, key, allocated);
    trim(folder);
}

fn try_store(folder: &Path, key: Key, allocated: &Allocated) -> std::io::Result<()> {
    std::fs::create_dir_all(folder)?;
    let target = entry_path(folder, key);
    let temporary = folder.join(format!(
        ".land-{}-{}.partial",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
    ));
    let written = (|| {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&temporary)?);
        file.write_all(&encode(allocated, key))?;
        file.into_inner().map_err(|e| e.into_error())?.sync_all()
    })();
    match written.and_then(|_| std::fs::rename(&temporary, &target)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&temporary);
            Err(e)
        }
    }
}

/// Removes all but the newest entries (and temporary files over an hour old).
fn trim(folder: &Path) {
    let Ok(dir) = std::fs::read_dir(folder) else { return };
    let mut entries: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(modified) = entry.metadata().ok().and_then(|m| m.modified().ok()) else { continue };
        if name.starts_with("land-") && name.ends_with(".bin") {
            entries.push((modified, entry.path()));
        } else if name.starts_with(".land-")
            && name.ends_with(".partial")
            && modified.elapsed().is_ok_and(|age| age.as_secs() > 3600)
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    entries.sort_by(|a, b| b.0.cmp(&a.0));
    for (_, path) in entries.into_iter().skip(KEEP_ENTRIES) {
        let _ = std::fs::remove_file(path);
    }
}

fn encode(a: &Allocated, key: Key) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + a.vertices.len() * 16 + a.cells.len() * 8);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&key.0.to_le_bytes());
    out.extend_from_slice(&key.1.to_le_bytes());
    for v in [a.land_area, a.unreached_area, a.pixel_m] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&(a.cells.len() as u64).to_le_bytes());
    for c in &a.cells {
        out.extend_from_slice(&(c.place as u64).to_le_bytes());
        out.push(match c.kind {
            CellKind::Held => 0,
            CellKind::Thin => 1,
            CellKind::Zone => 2,
        });
    }
    out.extend_from_slice(&(a.vertices.len() as u64).to_le_bytes());
    for v in &a.vertices {
        out.extend_from_slice(&v.x.to_le_bytes());
        out.extend_from_slice(&v.y.to_le_bytes());
    }
    out.extend_from_slice(&(a.rings.len() as u64).to_le_bytes());
    for cell in &a.rings {
        out.extend_from_slice(&(cell.len() as u64).to_le_bytes());
        for polygon in cell {
            out.extend_from_slice(&(polygon.len() as u64).to_le_bytes());
            for ring in polygon {
                out.extend_from_slice(&(ring.len() as u64).to_le_bytes());
                for id in ring {
                    out.extend_from_slice(&id.to_le_bytes());
                }
            }
        }
    }
    out
}

/// Reads what [`encode`] wrote, checking the key and every count and id against what is
/// left, so a damaged file gives `None`, never a panic or a huge allocation.
fn decode(bytes: &[u8], key: Key) -> Option<Allocated> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(8)? != MAGIC || r.u32()? != FORMAT || r.u64()? != key.0 || r.u64()? != key.1 {
        return None;
    }
    let (land_area, unreached_area, pixel_m) = (r.f64()?, r.f64()?, r.f64()?);
    let n_cells = r.count(9)?;
    let mut cells = Vec::with_capacity(n_cells);
    for _ in 0..n_cells {
        let place = usize::try_from(r.u64()?).ok()?;
        let kind = match r.take(1)?[0] {
            0 => CellKind::Held,
            1 => CellKind::Thin,
            2 => CellKind::Zone,
            _ => return None,
        };
        cells.push(LandCell { place, kind });
    }
    let n_vertices = r.count(16)?;
    let mut vertices = Vec::with_capacity(n_vertices);
    for _ in 0..n_vertices {
        vertices.push(Coord { x: r.f64()?, y: r.f64()? });
    }
    let n_ring_cells = r.count(8)?;
    let mut rings = Vec::with_capacity(n_ring_cells);
    for _ in 0..n_ring_cells {
        let n_polygons = r.count(8)?;
        let mut cell = Vec::with_capacity(n_polygons);
        for _ in 0..n_polygons {
            let n_rings = r.count(8)?;
            let mut polygon = Vec::with_capacity(n_rings);
            for _ in 0..n_rings {
                let n_ids = r.count(4)?;
                let mut ring = Vec::with_capacity(n_ids);
                for _ in 0..n_ids {
                    let id = r.u32()?;
                    if id as usize >= n_vertices {
                        return None;
                    }
                    ring.push(id);
                }
                polygon.push(ring);
            }
            cell.push(polygon);
        }
        rings.push(cell);
    }
    (r.at == bytes.len() && rings.len() == cells.len()).then_some(Allocated {
        cells,
        vertices,
        rings,
        land_area,
        unreached_area,
        pixel_m,
    })
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.at.checked_add(n)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn f64(&mut self) -> Option<f64> {
        Some(f64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A count of items of at least `item_bytes` each, refused if the rest cannot hold them.
    fn count(&mut self, item_bytes: usize) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n.checked_mul(item_bytes)? <= self.bytes.len() - self.at).then_some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Allocated {
        Allocated {
            cells: vec![LandCell { place: 0, kind: CellKind::Held }, LandCell { place: 3, kind: CellKind::Thin }],
            vertices: vec![Coord { x: 0.0, y: 0.0 }, Coord { x: 1.5, y: 0.0 }, Coord { x: 0.0, y: -2.25 }],
            rings: vec![vec![vec![vec![0, 1, 2]]], vec![]],
            land_area: 12.5,
            unreached_area: 0.25,
            pixel_m: 550.0,
        }
    }

    #[test]
    fn entries_round_trip_and_reject_other_keys_and_damage() {
        let key = Key(1, 2);
        let bytes = encode(&sample(), key);
        assert_eq!(decode(&bytes, key), Some(sample()));
        assert_eq!(decode(&bytes, Key(1, 3)), None, "another key");
        for cut in [0, 7, 20, bytes.len() - 1] {
            assert_eq!(decode(&bytes[..cut], key), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer, key), None, "trailing bytes");
        // A vertex id past the table, and a count far beyond the file.
        let mut bad_id = bytes.clone();
        let last = bad_id.len() - 4;
        bad_id[last..].copy_from_slice(&99u32.to_le_bytes());
        assert_eq!(decode(&bad_id, key), None);
        let mut huge = bytes.clone();
        let cells_at = 8 + 4 + 16 + 24;
        huge[cells_at..cells_at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(decode(&huge, key), None);
    }

    #[test]
    fn stored_entries_load_and_the_folder_is_trimmed() {
        let dir = std::env::temp_dir().join(format!("frontline-cache-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for i in 0..(KEEP_ENTRIES as u64 + 3) {
            if i == KEEP_ENTRIES as u64 + 2 {
                // The newest by a margin no file system's clock blurs.
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            store(&dir, Key(i, 0), &sample());
        }
        let kept = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(kept, KEEP_ENTRIES);
        let newest = Key(KEEP_ENTRIES as u64 + 2, 0);
        assert_eq!(load(&dir, newest), Some(sample()));
        assert_eq!(load(&dir, Key(12345, 6)), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn keys_follow_every_input() {
        let key = |x: f64| {
            let mut k = KeyBuilder::new();
            k.coords([Coord { x, y: 1.0 }]);
            k.finish()
        };
        assert_eq!(key(1.0), key(1.0));
        assert_ne!(key(1.0), key(1.0 + f64::EPSILON));
    }
}

#[cfg(test)]
mod territory_tests {
    use crate::scenario::Scenario;
    use crate::territory::Territory;

    #[test]
    fn a_cached_territory_is_the_computed_one() {
        let scenario = Scenario::syria_2024().expect("the built-in scenario loads");
        let dir = std::env::temp_dir().join(format!("frontline-territory-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let computed = Territory::with_cache(&scenario, None);
        let stored = Territory::with_cache(&scenario, Some(&dir));
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "one entry written");
        let loaded = Territory::with_cache(&scenario, Some(&dir));
        for t in [&stored, &loaded] {
            assert_eq!(t.cells(), computed.cells());
            assert_eq!(t.land_area(), computed.land_area());
            assert_eq!(t.unreached_area(), computed.unreached_area());
            for c in 0..computed.cells().len() {
                assert_eq!(t.cell_shape(c), computed.cell_shape(c), "cell {c}");
            }
        }
        // A damaged entry is ignored and replaced.
        let entry = std::fs::read_dir(&dir).unwrap().next().unwrap().unwrap().path();
        std::fs::write(&entry, b"FLLAND\0\0garbage").unwrap();
        let recomputed = Territory::with_cache(&scenario, Some(&dir));
        assert_eq!(recomputed.cells(), computed.cells());
        assert!(std::fs::read(&entry).unwrap().len() > 100, "the entry was written anew");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
