//! Small planar helpers shared by the territory modules: vectors, ring area, boxes,
//! point in ring, and a fast hasher for integer keys.

use std::hash::{BuildHasherDefault, Hasher};

use geo::{Coord, Rect};

// Small planar helpers.

pub(crate) fn sub(a: Coord<f64>, b: Coord<f64>) -> Coord<f64> {
    Coord { x: a.x - b.x, y: a.y - b.y }
}

pub(crate) fn cross(a: Coord<f64>, b: Coord<f64>) -> f64 {
    a.x * b.y - a.y * b.x
}

pub(crate) fn dot(a: Coord<f64>, b: Coord<f64>) -> f64 {
    a.x * b.x + a.y * b.y
}

/// Squared distance between two points.
pub(crate) fn dist2(a: Coord<f64>, b: Coord<f64>) -> f64 {
    let d = sub(a, b);
    dot(d, d)
}

/// Signed area (positive when counter-clockwise) of an open ring.
pub(crate) fn signed_area(ring: impl Iterator<Item = Coord<f64>>) -> f64 {
    let mut first = None;
    let mut prev: Option<Coord<f64>> = None;
    let mut sum = 0.0;
    for c in ring {
        if let Some(p) = prev {
            sum += cross(p, c);
        } else {
            first = Some(c);
        }
        prev = Some(c);
    }
    if let (Some(f), Some(p)) = (first, prev) {
        sum += cross(p, f);
    }
    sum / 2.0
}

pub(crate) fn bbox_of(points: impl Iterator<Item = Coord<f64>>) -> Option<Rect<f64>> {
    let mut it = points;
    let first = it.next()?;
    let (mut lo, mut hi) = (first, first);
    for c in it {
        lo.x = lo.x.min(c.x);
        lo.y = lo.y.min(c.y);
        hi.x = hi.x.max(c.x);
        hi.y = hi.y.max(c.y);
    }
    Some(Rect::new(lo, hi))
}

/// Even-odd point-in-ring test (ring open or closed, either orientation).
pub(crate) fn point_in_ring(p: Coord<f64>, ring: &[Coord<f64>]) -> bool {
    let mut inside = false;
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (ring[i], ring[j]);
        if (a.y > p.y) != (b.y > p.y) && p.x < a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y) {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// A tiny, fast hasher for integer keys (vertex ids, grid cells); the keys
/// are ours, so there is no need for DoS-resistant hashing here.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        // The table indexes with the low bits; the multiply leaves the best
        // mixed bits at the top.
        self.hash.rotate_left(26)
    }
}

pub(crate) type FxBuild = BuildHasherDefault<FxHasher>;
