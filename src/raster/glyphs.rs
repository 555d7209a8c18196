//! The coverage of single glyphs, kept, so that a line of text drawn for the first time is
//! laid together from letters drawn before instead of scan-converted whole.
//!
//! A frame draws a score of lines it has never drawn: the day's date, the list of what
//! changed, the sources, the labels of places that changed hands. Filling and haloing
//! their outlines cost about a seventh of a whole render. Their letters, though, are few
//! and the same on every frame. Each glyph is rasterised once per size, weight and
//! position within a pixel (in quarters of a pixel, across; the baseline is put on a whole
//! pixel, as Skia and FreeType do for horizontal text): its fill as the exact area each
//! pixel shares with the outline (ab_glyph's rasteriser, see `FontSet::glyph_coverage`),
//! and its halo as tiny-skia strokes the outline. A line is then the glyphs' coverage
//! summed (fills; letters do not overlap but may share an edge pixel) or maxed (haloes,
//! which do overlap), laid over the frame in one pass per colour.
//!
//! What this changes against filling the whole outline: each glyph sits within an eighth
//! of a pixel of its place across and half a pixel down, and where two letters' anti-aliased edges or haloes meet the
//! coverage is their sum or their larger value rather than the union's; edge pixels of
//! the fill are exact areas where tiny-skia would estimate them from samples. All are under
//! the eye's threshold at map sizes; the golden images, compared within a tolerance, hold
//! them to it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ab_glyph::GlyphId;
use tiny_skia::{LineJoin, Pixmap, Stroke};

use super::coverage::{Coverage, Shape, composite, rasterise};
use super::fonts::{FontSet, Weight};
use crate::territory::FxBuild;

/// Positions within a pixel a glyph is rasterised at, across.
const STEPS: f64 = 4.0;
/// Room around a glyph's ink, in pixels, for anti-aliasing.
const MARGIN: f64 = 2.0;
/// Glyph coverage kept for at most this many bytes; past it, the cache starts afresh.
const MAX_BYTES: usize = 16 << 20;
/// Lines further than this from the canvas, in pixels, are left to the caller (which culls
/// them glyph by glyph), so positions stay far from `i32`'s limits.
const FAR_PX: f64 = 1.0e6;

/// What identifies a glyph's coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    id: u16,
    weight: Weight,
    /// The em size in pixels, by its bits.
    px: u32,
    /// The glyph origin's position within its pixel, in steps, across.
    step: u8,
    /// The halo's width in pixels by its bits, or 0 for the glyph's fill.
    halo: u32,
}

/// One glyph's coverage, with its first pixel relative to the pixel holding the origin.
#[derive(Debug)]
struct Mask {
    left: i32,
    top: i32,
    width: u32,
    height: u32,
    alpha: Vec<u8>,
}

/// The coverage of glyphs drawn so far, shared by the threads drawing frames.
#[derive(Debug, Default)]
pub(crate) struct GlyphCache {
    entries: Mutex<Entries>,
}

impl Clone for GlyphCache {
    /// A clone starts empty (the coverage is only a shortcut).
    fn clone(&self) -> GlyphCache {
        GlyphCache::default()
    }
}

#[derive(Debug, Default)]
struct Entries {
    /// `None` for glyphs without ink (a space).
    /// Hashed with a fast hasher: the keys are glyph numbers and sizes, not an attacker's.
    map: HashMap<Key, Option<Arc<Mask>>, FxBuild>,
    bytes: usize,
}

/// A line of text to draw: which glyphs, at what size, where.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'t> {
    pub fonts: &'t FontSet,
    pub text: &'t str,
    /// The em size in pixels.
    pub px: f32,
    pub weight: Weight,
    /// The pen's start on the baseline, in device pixels.
    pub origin: (f64, f64),
}

/// A glyph placed on the frame: its coverage and the pixel holding its origin.
struct Placed {
    x: i64,
    y: i64,
    mask: Arc<Mask>,
}

impl GlyphCache {
    /// Draws `line`: its halo first, if any (width in pixels and premultiplied colour),
    /// then its fill, if any, source-over as tiny-skia's pipeline blends a solid colour.
    /// Returns false, drawing nothing, when some of the line's ink would fall outside
    /// the pixmap; the caller then draws the outlines itself.
    pub(crate) fn draw(
        &self,
        pixmap: &mut Pixmap,
        line: Line<'_>,
        fill: Option<[u16; 4]>,
        halo: Option<(f32, [u16; 4])>,
    ) -> bool {
        let (ox, oy) = line.origin;
        let far = |v: f64| !(v.is_finite() && v.abs() < FAR_PX);
        if far(ox) || far(oy) || !(line.px.is_finite() && line.px > 0.0) {
            return false;
        }
        let glyphs = line.fonts.glyph_run(line.text, line.px, line.weight);
        // The baseline sits on a whole pixel, as Skia and FreeType place horizontal text:
        // positions within a pixel are kept across only, where letters follow each other.
        let y = oy.round() as i64;
        let mut fills = Vec::with_capacity(glyphs.len());
        let mut haloes = Vec::with_capacity(if halo.is_some() { glyphs.len() } else { 0 });
        for glyph in &glyphs {
            let (x, step_x) = split(ox + f64::from(glyph.x));
            let key =
                |halo: u32| Key { id: glyph.id.0, weight: line.weight, px: line.px.to_bits(), step: step_x, halo };
            if fill.is_some()
                && let Some(mask) = self.mask(line.fonts, key(0))
            {
                fills.push(Placed { x, y, mask });
            }
            if let Some((width, _)) = halo
                && let Some(mask) = self.mask(line.fonts, key(width.to_bits()))
            {
                haloes.push(Placed { x, y, mask });
            }
        }
        let size = (i64::from(pixmap.width()), i64::from(pixmap.height()));
        let Some(bounds) = union_box(fills.iter().chain(&haloes)) else {
            return true; // nothing with ink: nothing to draw
        };
        if bounds[0] < 0 || bounds[1] < 0 || bounds[2] > size.0 || bounds[3] > size.1 {
            return false;
        }
        if let Some((_, colour)) = halo {
            composite(pixmap, &combine(&haloes, bounds, u8::max), colour);
        }
        if let Some(colour) = fill {
            composite(pixmap, &combine(&fills, bounds, u8::saturating_add), colour);
        }
        true
    }

    /// The coverage for `key`, rasterised the first time it is asked for.
    fn mask(&self, fonts: &FontSet, key: Key) -> Option<Arc<Mask>> {
        if let Some(known) = self.lock().map.get(&key) {
            return known.clone();
        }
        // Rasterised outside the lock: two threads may both make a glyph, the same.
        let made = rasterise_glyph(fonts, key).map(Arc::new);
        let mut entries = self.lock();
        let size = made.as_ref().map_or(0, |m| m.alpha.len()) + std::mem::size_of::<Key>();
        if entries.bytes + size > MAX_BYTES {
            entries.map.clear();
            entries.bytes = 0;
        }
        if entries.map.insert(key, made.clone()).is_none() {
            entries.bytes += size;
        }
        made
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // Entries are inserted whole: a panic elsewhere leaves the map usable.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A coordinate as the pixel holding it and the nearest step within that pixel.
fn split(v: f64) -> (i64, u8) {
    let whole = v.floor();
    let step = ((v - whole) * STEPS).round();
    if step >= STEPS { (whole as i64 + 1, 0) } else { (whole as i64, step as u8) }
}

/// The box `[left, top, right, bottom)` in frame pixels of all placed glyphs, if any.
fn union_box<'p>(placed: impl Iterator<Item = &'p Placed>) -> Option<[i64; 4]> {
    placed
        .map(|p| {
            let (left, top) = (p.x + i64::from(p.mask.left), p.y + i64::from(p.mask.top));
            [left, top, left + i64::from(p.mask.width), top + i64::from(p.mask.height)]
        })
        .reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])])
}

/// The glyphs' coverage over `bounds` (inside the frame), each pixel the `join` of theirs.
fn combine(placed: &[Placed], bounds: [i64; 4], join: fn(u8, u8) -> u8) -> Coverage {
    let width = (bounds[2] - bounds[0]) as usize;
    let height = (bounds[3] - bounds[1]) as usize;
    let mut alpha = vec![0u8; width * height];
    for p in placed {
        let m = &p.mask;
        let left = (p.x + i64::from(m.left) - bounds[0]) as usize;
        let top = (p.y + i64::from(m.top) - bounds[1]) as usize;
        for (row, source) in m.alpha.chunks_exact(m.width as usize).enumerate() {
            let start = (top + row) * width + left;
            for (out, &a) in alpha[start..start + source.len()].iter_mut().zip(source) {
                *out = join(*out, a);
            }
        }
    }
    Coverage::new(bounds[0] as u32, bounds[1] as u32, width as u32, alpha)
}

/// Rasterises one glyph as `key` says: the coverage of its outline filled (or stroked,
/// for a halo), as the kept shapes' coverage is made.
fn rasterise_glyph(fonts: &FontSet, key: Key) -> Option<Mask> {
    let id = GlyphId(key.id);
    let px = f32::from_bits(key.px);
    let half = f64::from(f32::from_bits(key.halo)) / 2.0;
    let ink = fonts.glyph_box(id, px, key.weight)?;
    let (sx, sy) = (f64::from(key.step) / STEPS, 0.0);
    let reach = half + MARGIN;
    let left = (sx + ink[0] - reach).floor();
    let top = (sy + ink[1] - reach).floor();
    let width = ((sx + ink[2] + reach).ceil() - left) as u32;
    let height = ((sy + ink[3] + reach).ceil() - top) as u32;
    if key.halo == 0 {
        let alpha = fonts.glyph_coverage(id, px, key.weight, (sx - left, sy - top), width, height)?;
        return Some(Mask { left: left as i32, top: top as i32, width, height, alpha });
    }
    let path = fonts.glyph_path(id, px, key.weight, (sx - left, sy - top))?;
    let stroke = Stroke { width: (2.0 * half) as f32, line_join: LineJoin::Round, ..Stroke::default() };
    let alpha = rasterise(&path, Shape::Stroke(&stroke), 0, 0, width, height)?.into_alpha();
    Some(Mask { left: left as i32, top: top as i32, width, height, alpha })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiny_skia::{Color, FillRule, Paint, Transform};

    fn fonts() -> &'static FontSet {
        FontSet::embedded().expect("embedded fonts parse")
    }

    fn page() -> Pixmap {
        let mut pixmap = Pixmap::new(220, 60).unwrap();
        pixmap.fill(Color::from_rgba8(250, 248, 240, 255));
        pixmap
    }

    /// The line drawn the old way: its whole outline filled (and stroked for the halo).
    fn drawn_whole(text: &str, px: f32, origin: (f64, f64), halo: Option<f32>) -> Pixmap {
        let mut pixmap = page();
        let map = |x: f64, y: f64| (origin.0 + x, origin.1 + y);
        let path = fonts().outline_path(text, px, Weight::Regular, &map, [-1e3, -1e3, 1e3, 1e3]).unwrap();
        let mut paint = Paint { anti_alias: true, ..Paint::default() };
        if let Some(width) = halo {
            paint.set_color_rgba8(255, 255, 255, 255);
            let stroke = Stroke { width, line_join: LineJoin::Round, ..Stroke::default() };
            pixmap.stroke_path(&path, &paint, &stroke, Transform::identity(), None);
        }
        paint.set_color_rgba8(30, 30, 30, 255);
        pixmap.fill_path(&path, &paint, FillRule::Winding, Transform::identity(), None);
        pixmap
    }

    #[test]
    fn lines_laid_from_glyphs_look_like_lines_filled_whole() {
        let cache = GlyphCache::default();
        for (text, origin, halo) in
            [("Hama", (10.0_f64, 40.0_f64), None), ("Deir ez-Zor AVA", (12.37, 41.6), Some(3.0))]
        {
            // The baseline goes to the nearest whole pixel; across, positions are kept.
            let whole = drawn_whole(text, 22.0, (origin.0, origin.1.round()), halo);
            let mut laid = page();
            let line = Line { fonts: fonts(), text, px: 22.0, weight: Weight::Regular, origin };
            let white = halo.map(|w| (w, [255, 255, 255, 255]));
            assert!(cache.draw(&mut laid, line, Some([30, 30, 30, 255]), white));
            let differences: Vec<u8> = whole.data().iter().zip(laid.data()).map(|(a, b)| a.abs_diff(*b)).collect();
            let inked = whole.data().iter().zip(page().data()).filter(|(a, b)| a != b).count();
            let total: usize = differences.iter().map(|d| usize::from(*d)).sum();
            let largest = differences.iter().max().copied().unwrap_or(0);
            assert!(inked > 400, "{text}: something was drawn");
            // Edge pixels differ a little (an eighth of a pixel of placement at most), none
            // by much, and on average the ink is as it was.
            assert!(largest <= 96, "{text}: a channel differs by {largest}");
            assert!(total < inked * 8, "{text}: {} per inked channel on average", total as f64 / inked as f64);
        }
    }
}
