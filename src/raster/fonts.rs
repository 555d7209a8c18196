//! Embedded fonts, text measurement and glyph outlines.
//!
//! The map labels are drawn with DejaVu Sans (regular and bold) compiled into
//! the binary, so frames look the same on every machine. Text is laid out
//! with `ab_glyph`: each glyph is placed at the pen position (its outline
//! already contains the left side bearing, so bearings are honoured without
//! extra work), the pen moves by the glyph's advance, and pairs are kerned
//! with the font's `kern` table. plotters' own `ab_glyph` text path gets
//! this wrong: it draws each glyph's bitmap at the pen position but drops the
//! bitmap's offset from the glyph origin (the side bearing), so letters
//! overlap.
//!
//! Sizes given to this module are *em sizes in pixels* (the CSS
//! `font-size`), not ab_glyph's "height" scale.
//!
//! No bidirectional text, shaping or ligatures: labels are laid out one
//! `char` at a time, which is right for Latin, Cyrillic and Greek place names.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use ab_glyph::{Font, FontRef, GlyphId, OutlineCurve};
use tiny_skia::{Path, PathBuilder};

use super::error::{RasterError, Result};
use super::glyphs::GlyphCache;

/// DejaVu Sans, copied from Debian's `fonts-dejavu-core` (see data/fonts/README.md).
// The scratch crate includes the font by absolute path; the integrator points
// this at the crate's data/fonts/ directory.
pub const REGULAR_TTF: &[u8] = include_bytes!("../../data/fonts/DejaVuSans.ttf");

/// DejaVu Sans Bold, copied from Debian's `fonts-dejavu-core`.
pub const BOLD_TTF: &[u8] = include_bytes!("../../data/fonts/DejaVuSans-Bold.ttf");

/// Largest em size, in pixels, that text may be drawn at.
///
/// Bigger sizes are rejected because glyph outlines are handed to tiny-skia
/// unclipped, and tiny-skia misbehaves (panics) on coordinates around 1e9;
/// 4096 px glyphs on a canvas a few thousand pixels wide stay far from that.
pub const MAX_TEXT_PX: f32 = 4096.0;

/// Which of the two embedded faces to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Weight {
    /// DejaVu Sans.
    #[default]
    Regular,
    /// DejaVu Sans Bold.
    Bold,
}

/// Size of a line of text, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TextExtent {
    /// Sum of the glyph advances plus kerning: the distance from the pen's
    /// start to its end. This is the width SVG uses for `text-anchor`, and the
    /// one `SkiaBackend` uses to centre or right-align text. Ink may overhang
    /// it by a fraction of a pixel (e.g. the right side of an italic-like "f").
    pub width: f32,
    /// The font's ascent above the baseline (positive), from the `hhea` table;
    /// the same for every string so labels of different letters line up.
    pub ascent: f32,
    /// The font's descent below the baseline (positive).
    pub descent: f32,
}

impl TextExtent {
    /// `ascent + descent`: the height of a line box without line gap.
    pub fn height(&self) -> f32 {
        self.ascent + self.descent
    }
}

/// One parsed face plus the metrics the layout needs, in font units.
#[derive(Debug, Clone)]
struct Face {
    font: FontRef<'static>,
    units_per_em: f32,
    ascent: f32,
    /// Positive distance below the baseline.
    descent: f32,
    /// Height of a lowercase "x": SVG's `ex` unit, used for vertical anchors.
    x_height: f32,
}

impl Face {
    fn parse(name: &'static str, bytes: &'static [u8]) -> Result<Face> {
        let font = FontRef::try_from_slice(bytes).map_err(|e| RasterError::Font { name, message: e.to_string() })?;
        let units_per_em = font
            .units_per_em()
            .ok_or_else(|| RasterError::Font { name, message: "units per em out of range".into() })?;
        let ascent = font.ascent_unscaled();
        let descent = -font.descent_unscaled();
        // The outline bounds of "x" are what browsers fall back to for `ex`
        // when OS/2 sxHeight is absent; for DejaVu both are 1120 units.
        let x_height = font
            .outline(font.glyph_id('x'))
            .map(|o| o.bounds.min.y.max(o.bounds.max.y))
            .filter(|h| *h > 0.0)
            .unwrap_or(units_per_em * 0.5);
        Ok(Face { font, units_per_em, ascent, descent, x_height })
    }

    /// Pixels per font unit at an em size of `px`.
    fn scale(&self, px: f32) -> f32 {
        px / self.units_per_em
    }
}

/// A glyph and the pen position (in pixels, from the start of the line) at
/// which its origin sits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placed {
    pub(crate) id: GlyphId,
    pub(crate) x: f32,
}

/// Vertical metrics of a face at a given size, in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct VMetrics {
    pub ascent: f32,
    pub descent: f32,
    pub x_height: f32,
}

/// The regular and bold faces used for all text.
#[derive(Debug, Clone)]
pub struct FontSet {
    regular: Face,
    bold: Face,
    widths: Widths,
    /// The coverage of glyphs drawn so far (see [`GlyphCache`]).
    glyphs: GlyphCache,
}

/// The widths of lines measured before, per weight and size. Every frame measures the same
/// strings again (the panel wraps its credits and lists word by word, measuring each longer
/// prefix of a line), and laying a line out with kerning costs far more than a look-up.
#[derive(Debug, Default)]
struct Widths(Mutex<HashMap<(Weight, u32), HashMap<String, f32>>>);

/// How many widths [`Widths`] keeps before it starts afresh, so a long run's memory stays
/// bounded (a frame measures a few hundred strings).
const MAX_WIDTHS: usize = 20_000;

impl Widths {
    /// The width of `text` at `px`, measured by `measure` if it is not known yet.
    fn get_or_measure(&self, text: &str, px: f32, weight: Weight, measure: impl FnOnce() -> f32) -> f32 {
        let key = (weight, px.to_bits());
        let known = self.lock().get(&key).and_then(|widths| widths.get(text).copied());
        if let Some(width) = known {
            return width;
        }
        // Measured outside the lock, so threads do not wait for each other's layouts.
        let width = measure();
        let mut widths = self.lock();
        if widths.values().map(HashMap::len).sum::<usize>() >= MAX_WIDTHS {
            widths.clear();
        }
        widths.entry(key).or_default().insert(text.to_string(), width);
        width
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(Weight, u32), HashMap<String, f32>>> {
        // A panic elsewhere cannot leave a width half-written: the map stays usable.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Clone for Widths {
    /// A clone starts with no widths known (they are only a shortcut).
    fn clone(&self) -> Widths {
        Widths::default()
    }
}

impl FontSet {
    /// The embedded DejaVu Sans pair, parsed once per process.
    ///
    /// Returns an error only if the embedded TTFs are corrupt (a build
    /// problem); it is a `Result` rather than a panic because the crate never
    /// panics. The unit tests check that it succeeds.
    pub fn embedded() -> Result<&'static FontSet> {
        static FONTS: OnceLock<std::result::Result<FontSet, (&'static str, String)>> = OnceLock::new();
        // The error is stored as plain data because RasterError is not Clone.
        let parsed = FONTS.get_or_init(|| {
            FontSet::from_static(REGULAR_TTF, BOLD_TTF).map_err(|e| match e {
                RasterError::Font { name, message } => (name, message),
                other => ("embedded", other.to_string()),
            })
        });
        parsed.as_ref().map_err(|(name, message)| RasterError::Font { name, message: message.clone() })
    }

    /// Builds a font set from two TrueType/OpenType files kept in memory for
    /// the life of the program.
    pub fn from_static(regular: &'static [u8], bold: &'static [u8]) -> Result<FontSet> {
        Ok(FontSet {
            regular: Face::parse("regular", regular)?,
            bold: Face::parse("bold", bold)?,
            widths: Widths::default(),
            glyphs: GlyphCache::default(),
        })
    }

    /// The `ab_glyph` font for `weight`, for callers that need more than
    /// [`FontSet::measure`].
    pub fn font(&self, weight: Weight) -> &FontRef<'static> {
        &self.face(weight).font
    }

    fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// Measures one line of `text` at an em size of `px` pixels.
    ///
    /// Width is the advance width with kerning (see [`TextExtent::width`]);
    /// ascent/descent are the face's, not the string's ink. Control
    /// characters are ignored, as when drawing. A non-finite or non-positive
    /// `px` measures as zero.
    pub fn measure(&self, text: &str, px: f32, weight: Weight) -> TextExtent {
        if !(px.is_finite() && px > 0.0) {
            return TextExtent::default();
        }
        let face = self.face(weight);
        let s = face.scale(px);
        let width = self.widths.get_or_measure(text, px, weight, || layout(face, text, s).1);
        TextExtent { width, ascent: face.ascent * s, descent: face.descent * s }
    }

    /// Vertical metrics at `px`, including the x-height.
    pub(crate) fn v_metrics(&self, px: f32, weight: Weight) -> VMetrics {
        let face = self.face(weight);
        let s = face.scale(px);
        VMetrics { ascent: face.ascent * s, descent: face.descent * s, x_height: face.x_height * s }
    }

    /// Builds the outline of `text` as one tiny-skia path (non-zero winding,
    /// as TrueType requires), with the pen starting at local (0, 0) on the
    /// baseline and y growing downwards.
    ///
    /// `map` converts local pixel coordinates to device coordinates (used for
    /// positioning and quarter-turn rotation). Glyphs whose mapped bounding
    /// box misses `keep` (device coordinates: the canvas plus a margin) are
    /// skipped, which keeps coordinates small for tiny-skia and saves work.
    /// Returns `None` when nothing visible remains.
    pub(crate) fn outline_path(
        &self,
        text: &str,
        px: f32,
        weight: Weight,
        map: &dyn Fn(f64, f64) -> (f64, f64),
        keep: [f64; 4],
    ) -> Option<Path> {
        let face = self.face(weight);
        let s = face.scale(px);
        let (glyphs, _) = layout(face, text, s);
        let mut pb = PathBuilder::new();
        let s = f64::from(s);
        for g in glyphs {
            let Some(outline) = face.font.outline(g.id) else {
                continue; // blank glyphs such as the space
            };
            let pen = f64::from(g.x);
            let to_device = |p: ab_glyph::Point| {
                // Font units are y-up; the canvas is y-down.
                map(pen + f64::from(p.x) * s, -f64::from(p.y) * s)
            };
            // Cull with the mapped corners of the unscaled bounds.
            let b = outline.bounds;
            let corners = [to_device(ab_glyph::point(b.min.x, b.min.y)), to_device(ab_glyph::point(b.max.x, b.max.y))];
            let (x0, x1) = min_max(corners[0].0, corners[1].0);
            let (y0, y1) = min_max(corners[0].1, corners[1].1);
            if x1 < keep[0] || x0 > keep[2] || y1 < keep[1] || y0 > keep[3] {
                continue;
            }
            append_outline(&mut pb, &outline.curves, &to_device);
        }
        pb.finish()
    }

    /// The coverage of glyphs drawn so far with these faces.
    pub(crate) fn glyphs(&self) -> &GlyphCache {
        &self.glyphs
    }

    /// The glyphs of one line of `text` at an em size of `px`, each with its pen position
    /// in pixels from the line's start (kerning included), as [`FontSet::outline_path`]
    /// places them.
    pub(crate) fn glyph_run(&self, text: &str, px: f32, weight: Weight) -> Vec<Placed> {
        let face = self.face(weight);
        layout(face, text, face.scale(px)).0
    }

    /// The ink box of glyph `id` at `px`, relative to its origin on the baseline, y down:
    /// `[left, top, right, bottom]`. `None` for a glyph without outline (a space).
    pub(crate) fn glyph_box(&self, id: GlyphId, px: f32, weight: Weight) -> Option<[f64; 4]> {
        let face = self.face(weight);
        let s = f64::from(face.scale(px));
        let b = face.font.outline(id)?.bounds;
        // ab_glyph gives the font's y-up box with its corners' y swapped: take them in order.
        let (low, high) = min_max(f64::from(b.min.y), f64::from(b.max.y));
        Some([f64::from(b.min.x) * s, -high * s, f64::from(b.max.x) * s, -low * s])
    }

    /// The outline of glyph `id` at `px` with its origin at `origin` (y down), as one path.
    pub(crate) fn glyph_path(&self, id: GlyphId, px: f32, weight: Weight, origin: (f64, f64)) -> Option<Path> {
        let face = self.face(weight);
        let s = f64::from(face.scale(px));
        let outline = face.font.outline(id)?;
        let mut pb = PathBuilder::new();
        append_outline(&mut pb, &outline.curves, &|p| (origin.0 + f64::from(p.x) * s, origin.1 - f64::from(p.y) * s));
        pb.finish()
    }
}

impl FontSet {
    /// The coverage of glyph `id`'s fill at `px`, origin at `origin` (y down), over a
    /// `width` x `height` box from (0, 0): one byte a pixel, row after row. It is the
    /// area each pixel's square shares with the outline, worked out exactly (ab_glyph's
    /// rasteriser), where tiny-skia samples each pixel at sixteen points: the two differ by
    /// a few levels on edges, and this costs about a third as much (callgrind, the shipped
    /// render's thousand glyph masks). `None` for a glyph without outline.
    pub(crate) fn glyph_coverage(
        &self,
        id: GlyphId,
        px: f32,
        weight: Weight,
        origin: (f64, f64),
        width: u32,
        height: u32,
    ) -> Option<Vec<u8>> {
        let face = self.face(weight);
        let s = f64::from(face.scale(px));
        let outline = face.font.outline(id)?;
        let at = |p: &ab_glyph::Point| {
            ab_glyph::point((origin.0 + f64::from(p.x) * s) as f32, (origin.1 - f64::from(p.y) * s) as f32)
        };
        let mut rasteriser = ab_glyph_rasterizer::Rasterizer::new(width as usize, height as usize);
        for curve in &outline.curves {
            match curve {
                OutlineCurve::Line(a, b) => rasteriser.draw_line(at(a), at(b)),
                OutlineCurve::Quad(a, b, c) => rasteriser.draw_quad(at(a), at(b), at(c)),
                OutlineCurve::Cubic(a, b, c, d) => rasteriser.draw_cubic(at(a), at(b), at(c), at(d)),
            }
        }
        let mut alpha = vec![0u8; width as usize * height as usize];
        // The accumulated area is clamped to 0..=1 by the rasteriser.
        rasteriser.for_each_pixel(|i, c| alpha[i] = (c * 255.0).round() as u8);
        Some(alpha)
    }
}

fn min_max(a: f64, b: f64) -> (f64, f64) {
    if a <= b { (a, b) } else { (b, a) }
}

/// Adds ab_glyph curves to a path. ab_glyph emits explicit segments (closing
/// lines included), so a new contour starts wherever a segment does not begin
/// at the previous segment's end.
fn append_outline(pb: &mut PathBuilder, curves: &[OutlineCurve], to_device: &dyn Fn(ab_glyph::Point) -> (f64, f64)) {
    let mut last: Option<ab_glyph::Point> = None;
    let f = |p: ab_glyph::Point| {
        let (x, y) = to_device(p);
        (x as f32, y as f32)
    };
    for curve in curves {
        let start = match curve {
            OutlineCurve::Line(p0, _) | OutlineCurve::Quad(p0, _, _) | OutlineCurve::Cubic(p0, _, _, _) => *p0,
        };
        if last != Some(start) {
            if last.is_some() {
                pb.close();
            }
            let (x, y) = f(start);
            pb.move_to(x, y);
        }
        match curve {
            OutlineCurve::Line(_, p1) => {
                let (x, y) = f(*p1);
                pb.line_to(x, y);
                last = Some(*p1);
            }
            OutlineCurve::Quad(_, c, p2) => {
                let (cx, cy) = f(*c);
                let (x, y) = f(*p2);
                pb.quad_to(cx, cy, x, y);
                last = Some(*p2);
            }
            OutlineCurve::Cubic(_, c1, c2, p3) => {
                let (ax, ay) = f(*c1);
                let (bx, by) = f(*c2);
                let (x, y) = f(*p3);
                pb.cubic_to(ax, ay, bx, by, x, y);
                last = Some(*p3);
            }
        }
    }
    if last.is_some() {
        pb.close();
    }
}

/// Places the glyphs of one line: pen positions in pixels and total advance.
fn layout(face: &Face, text: &str, scale: f32) -> (Vec<Placed>, f32) {
    let font = &face.font;
    let mut out = Vec::with_capacity(text.len());
    let mut pen = 0.0f32;
    let mut prev: Option<GlyphId> = None;
    for c in text.chars() {
        // A newline or tab would otherwise render as the .notdef box.
        if c.is_control() {
            continue;
        }
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            pen += font.kern_unscaled(p, id) * scale;
        }
        out.push(Placed { id, x: pen });
        pen += font.h_advance_unscaled(id) * scale;
        prev = Some(id);
    }
    (out, pen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> &'static FontSet {
        FontSet::embedded().expect("embedded fonts parse")
    }

    #[test]
    fn embedded_fonts_parse_and_are_shared() {
        let a = fonts() as *const FontSet;
        let b = FontSet::embedded().unwrap() as *const FontSet;
        assert_eq!(a, b, "parsed once");
        assert_ne!(REGULAR_TTF.len(), BOLD_TTF.len());
    }

    #[test]
    fn remembered_widths_are_the_measured_ones() {
        let f = FontSet::from_static(REGULAR_TTF, BOLD_TTF).unwrap();
        let face = f.face(Weight::Bold);
        let laid_out = layout(face, "Tal Rifaat AVA", face.scale(17.0)).1;
        assert_eq!(f.measure("Tal Rifaat AVA", 17.0, Weight::Bold).width, laid_out);
        assert_eq!(f.measure("Tal Rifaat AVA", 17.0, Weight::Bold).width, laid_out, "remembered");
        assert_ne!(f.measure("Tal Rifaat AVA", 17.0, Weight::Regular).width, laid_out, "per weight");
    }

    #[test]
    fn measure_matches_font_advances() {
        let f = fonts();
        // DejaVu Sans: "H" advances 1540 units, upem 2048.
        let e = f.measure("H", 2048.0, Weight::Regular);
        assert!((e.width - 1540.0).abs() < 0.01, "{e:?}");
        assert!((e.ascent - 1901.0).abs() < 0.01);
        assert!((e.descent - 483.0).abs() < 0.01);
        assert!((e.height() - 2384.0).abs() < 0.01);
    }

    #[test]
    fn kerning_is_applied() {
        let f = fonts();
        let a = f.measure("A", 20.0, Weight::Regular).width;
        let v = f.measure("V", 20.0, Weight::Regular).width;
        let av = f.measure("AV", 20.0, Weight::Regular).width;
        // kern(A, V) = -131 units in DejaVu Sans.
        let expected = a + v - 131.0 * 20.0 / 2048.0;
        assert!((av - expected).abs() < 1e-3, "{av} vs {expected}");
        assert!(av < a + v);
    }

    #[test]
    fn bold_is_wider_and_scales_linearly() {
        let f = fonts();
        let r = f.measure("Kharkiv", 16.0, Weight::Regular);
        let b = f.measure("Kharkiv", 16.0, Weight::Bold);
        assert!(b.width > r.width);
        let r2 = f.measure("Kharkiv", 32.0, Weight::Regular);
        assert!((r2.width - 2.0 * r.width).abs() < 1e-3);
    }

    #[test]
    fn degenerate_inputs_measure_zero() {
        let f = fonts();
        assert_eq!(f.measure("", 12.0, Weight::Regular).width, 0.0);
        assert_eq!(f.measure("abc", 0.0, Weight::Regular), TextExtent::default());
        assert_eq!(f.measure("abc", f32::NAN, Weight::Bold), TextExtent::default());
        assert_eq!(f.measure("abc", -3.0, Weight::Bold), TextExtent::default());
        // Control characters neither draw nor advance.
        let a = f.measure("ab", 12.0, Weight::Regular).width;
        assert_eq!(f.measure("a\nb\t", 12.0, Weight::Regular).width, a);
    }

    #[test]
    fn non_latin_text_measures() {
        let f = fonts();
        assert!(f.measure("Бахмут", 14.0, Weight::Regular).width > 30.0);
    }

    #[test]
    fn outline_starts_at_left_bearing_and_culls() {
        let f = fonts();
        let id = |x: f64, y: f64| (x, y);
        let everything = [-1e9, -1e9, 1e9, 1e9];
        // "H" has a left side bearing of 201 units: ink starts right of the pen.
        let p = f.outline_path("H", 2048.0, Weight::Regular, &id, everything).unwrap();
        let b = p.bounds();
        assert!((b.left() - 201.0).abs() < 0.5, "{b:?}");
        assert!((b.top() + 1493.0).abs() < 0.5, "cap height above baseline: {b:?}");
        assert!(b.bottom().abs() < 0.5);
        // Nothing kept when the text is far outside.
        let far = |x: f64, y: f64| (x + 1e7, y);
        assert!(f.outline_path("H", 20.0, Weight::Regular, &far, [0.0, -50.0, 100.0, 50.0]).is_none());
        assert!(f.outline_path(" ", 20.0, Weight::Regular, &id, everything).is_none());
    }

    #[test]
    fn x_height_is_dejavus() {
        let m = fonts().v_metrics(2048.0, Weight::Regular);
        assert!((m.x_height - 1120.0).abs() < 0.01, "{m:?}");
    }
}
