//! The anti-aliased coverage of shapes drawn again and again, kept between frames.
//!
//! Most of what a day's frame draws over its background is drawn the day before too, at the
//! same place: the place markers, the rings round places that changed hands, the fronts
//! that did not move. (Text is laid from kept glyphs instead; see `glyphs`.) Rasterising a
//! shape (scan-converting its edges at sub-pixel precision) costs far more than laying its
//! coverage over the frame, so a shape's coverage is kept from the first time it is drawn,
//! and from then on only the compositing is done again (in the day's colour, over the day's
//! pixels). Keeping only shapes drawn twice, as this did first, saved the copies of shapes
//! drawn once (a front that moved) but drew every other shape twice: 4.5 % more
//! instructions on the shipped render.
//!
//! The result is bit for bit what tiny-skia draws: the coverage is tiny-skia's own (the
//! shape filled into a mask of its size by the scan conversion a pixmap uses, a stroke
//! outlined first as a pixmap outlines it), and [`composite`] applies it with the arithmetic of tiny-skia's
//! low-precision pipeline for a solid paint. Only shapes for which that was checked qualify
//! (see [`Shape::cacheable`]): fills, and strokes wider than a pixel (thinner ones are
//! hairlines, drawn another way), lying wholly inside the canvas.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tiny_skia::{FillRule, Mask, Paint, Path, PathSegment, Pixmap, Stroke, Transform};

/// Coverage kept for at most this many bytes in all; past it, the cache starts afresh.
const MAX_BYTES: usize = 96 << 20;
/// Shapes whose box is larger than this many pixels are not kept (a country's areas): they
/// change with the day and would fill the cache.
const MAX_AREA: usize = 512 * 512;
/// Room around a shape's box, in pixels, for anti-aliasing and stroke joins.
const MARGIN: f32 = 2.0;

/// How a path is drawn.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape<'s> {
    Fill(FillRule),
    Stroke(&'s Stroke),
}

impl Shape<'_> {
    /// Whether the coverage of `path` drawn this way may be kept and reused: strokes
    /// thinner than 1.5 px are hairlines, which tiny-skia draws by another method.
    fn cacheable(&self) -> bool {
        match self {
            Shape::Fill(_) => true,
            Shape::Stroke(stroke) => stroke.width >= 1.5 && stroke.dash.is_none(),
        }
    }

    /// How far the drawing may reach beyond the path's points.
    fn reach(&self) -> f32 {
        match self {
            Shape::Fill(_) => MARGIN,
            // Round joins and caps reach half the width out; miter joins up to the limit.
            Shape::Stroke(stroke) => {
                let miter = matches!(stroke.line_join, tiny_skia::LineJoin::Miter | tiny_skia::LineJoin::MiterClip);
                stroke.width * if miter { stroke.miter_limit.max(1.0) } else { 1.0 } + MARGIN
            }
        }
    }
}

/// What identifies a shape's coverage: its path, exactly, and how it is drawn.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    verbs: Vec<u8>,
    /// The points' coordinates, by their bits.
    points: Vec<u32>,
    /// The fill rule, or the stroke's width, miter limit, cap and join.
    style: [u32; 4],
}

impl Key {
    fn new(path: &Path, shape: Shape<'_>) -> Key {
        let verbs = path
            .segments()
            .map(|segment| match segment {
                PathSegment::MoveTo(_) => 0,
                PathSegment::LineTo(_) => 1,
                PathSegment::QuadTo(..) => 2,
                PathSegment::CubicTo(..) => 3,
                PathSegment::Close => 4,
            })
            .collect();
        let points = path.points().iter().flat_map(|p| [p.x.to_bits(), p.y.to_bits()]).collect();
        let style = match shape {
            Shape::Fill(FillRule::Winding) => [0, 0, 0, 0],
            Shape::Fill(FillRule::EvenOdd) => [1, 0, 0, 0],
            Shape::Stroke(s) => {
                [2, s.width.to_bits(), s.miter_limit.to_bits(), (s.line_cap as u32) << 8 | s.line_join as u32]
            }
        };
        Key { verbs, points, style }
    }
}

/// A shape's coverage: one byte a pixel over its box, and each row's span of pixels it
/// touches.
#[derive(Debug)]
pub(super) struct Coverage {
    left: u32,
    top: u32,
    width: u32,
    alpha: Vec<u8>,
    /// For each row, the first and one past the last column with coverage.
    spans: Vec<(u32, u32)>,
}

/// Coverage kept between frames, shared by the threads drawing them.
#[derive(Debug, Default)]
pub struct CoverageCache {
    entries: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    /// Hashed with a fast hasher: the keys are our own shapes' points, not an attacker's.
    map: HashMap<Key, Arc<Coverage>, crate::territory::FxBuild>,
    /// The same coverage under the names callers gave shapes ([`CoverageCache::draw_known`]).
    named: HashMap<ShapeName, Arc<Coverage>, crate::territory::FxBuild>,
    bytes: usize,
}

impl CoverageCache {
    /// An empty cache.
    pub fn new() -> CoverageCache {
        CoverageCache::default()
    }

    /// Draws the shape named `name` from kept coverage, if [`CoverageCache::draw`] kept
    /// it under that name: a shape the caller can name from a few numbers (a circle by its
    /// centre and radius) is then drawn without building its path or hashing its points.
    /// Returns false, drawing nothing, when the name is not known or the paint does not
    /// qualify.
    pub(crate) fn draw_known(&self, pixmap: &mut Pixmap, name: &ShapeName, paint: &Paint<'_>) -> bool {
        let Some(colour) = qualifying_colour(paint) else { return false };
        let Some(coverage) = self.lock().named.get(name).cloned() else { return false };
        composite(pixmap, &coverage, colour);
        true
    }

    /// Draws `path` onto `pixmap` with `paint` (a solid colour, anti-aliased, source-over)
    /// as `pixmap.fill_path` or `pixmap.stroke_path` would with no transform, from kept
    /// coverage when it can. Returns false, drawing nothing, when the shape does not
    /// qualify; the caller then draws it itself.
    ///
    /// With a `name`, the coverage is kept under it too (see [`CoverageCache::draw_known`]);
    /// the name must say everything that shapes the path.
    pub(crate) fn draw(
        &self,
        pixmap: &mut Pixmap,
        path: &Path,
        paint: &Paint<'_>,
        shape: Shape<'_>,
        name: Option<ShapeName>,
    ) -> bool {
        if !shape.cacheable() {
            return false;
        }
        let Some(colour) = qualifying_colour(paint) else { return false };
        let bounds = path.bounds();
        let reach = shape.reach();
        let (left, top) = ((bounds.left() - reach).floor(), (bounds.top() - reach).floor());
        let (right, bottom) = ((bounds.right() + reach).ceil(), (bounds.bottom() + reach).ceil());
        let inside = left >= 0.0 && top >= 0.0 && right <= pixmap.width() as f32 && bottom <= pixmap.height() as f32;
        // A path's bounds are finite (tiny-skia refuses other points).
        let area = (right - left) * (bottom - top);
        if !inside || area > MAX_AREA as f32 {
            return false;
        }
        let key = Key::new(path, shape);
        let known = self.lock().map.get(&key).cloned();
        let coverage = match known {
            Some(coverage) => coverage,
            None => {
                let Some(made) = rasterise(path, shape, left as u32, top as u32, right as u32, bottom as u32) else {
                    return false;
                };
                let made = Arc::new(made);
                self.keep(key, Arc::clone(&made));
                made
            }
        };
        if let Some(name) = name {
            self.name(name, Arc::clone(&coverage));
        }
        composite(pixmap, &coverage, colour);
        true
    }

    fn keep(&self, key: Key, coverage: Arc<Coverage>) {
        let size = coverage.alpha.len() + key.points.len() * 4 + key.verbs.len();
        let mut entries = self.lock();
        if entries.bytes + size > MAX_BYTES {
            entries.map.clear();
            entries.named.clear();
            entries.bytes = 0;
        }
        if entries.map.insert(key, coverage).is_none() {
            entries.bytes += size;
        }
    }

    /// Keeps `coverage` under `name` too (it shares the bytes of the path's entry).
    fn name(&self, name: ShapeName, coverage: Arc<Coverage>) {
        self.lock().named.insert(name, coverage);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // Entries are inserted whole: a panic elsewhere leaves the map usable.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A shape named by the few numbers that make its path (say a circle's kind, centre,
/// radius and line width, by their bits), chosen by the caller.
pub(crate) type ShapeName = [u32; 5];

/// The premultiplied colour of a paint whose shapes may be drawn from kept coverage: a
/// solid colour, anti-aliased, laid over what is there.
fn qualifying_colour(paint: &Paint<'_>) -> Option<[u16; 4]> {
    let solid = matches!(paint.shader, tiny_skia::Shader::SolidColor(_));
    if !solid || !paint.anti_alias || paint.blend_mode != tiny_skia::BlendMode::SourceOver {
        return None;
    }
    premultiplied(paint)
}

/// The paint's colour as the pipeline blends it: premultiplied, 8 bits a channel. Drawn
/// once onto a transparent pixel, where blending leaves exactly the source.
pub(super) fn premultiplied(paint: &Paint<'_>) -> Option<[u16; 4]> {
    let tiny_skia::Shader::SolidColor(c) = paint.shader else { return probe(paint) };
    // Probed once per colour and thread: a frame draws thousands of shapes in a dozen.
    thread_local! {
        static KNOWN: std::cell::RefCell<HashMap<[u32; 4], Option<[u16; 4]>>> = Default::default();
    }
    let key = [c.red(), c.green(), c.blue(), c.alpha()].map(f32::to_bits);
    KNOWN.with(|known| {
        let mut known = known.borrow_mut();
        if known.len() > 4096 {
            known.clear();
        }
        *known.entry(key).or_insert_with(|| probe(paint))
    })
}

/// [`premultiplied`], worked out by drawing.
fn probe(paint: &Paint<'_>) -> Option<[u16; 4]> {
    let mut probe = Pixmap::new(1, 1)?;
    let rect = tiny_skia::Rect::from_xywh(0.0, 0.0, 1.0, 1.0)?;
    probe.fill_rect(rect, paint, Transform::identity(), None);
    let px = probe.data();
    Some([px[0], px[1], px[2], px[3]].map(u16::from))
}

/// The coverage of `path` drawn as `shape` over the box `left..right` x `top..bottom`.
pub(super) fn rasterise(
    path: &Path,
    shape: Shape<'_>,
    left: u32,
    top: u32,
    right: u32,
    bottom: u32,
) -> Option<Coverage> {
    let (width, height) = (right - left, bottom - top);
    // Into a mask, one byte a pixel: the same scan conversion as a pixmap's, a quarter of
    // the memory to clear and no alpha to pick out. A stroke is outlined as
    // `Pixmap::stroke_path` outlines it (at the resolution of a shift, 1) and filled.
    let mut canvas = Mask::new(width, height)?;
    // A whole-pixel shift: the path's coordinates move exactly, so the scan conversion
    // gives the same coverage as at its place in the frame.
    let shift = Transform::from_translate(-(left as f32), -(top as f32));
    match shape {
        Shape::Fill(rule) => canvas.fill_path(path, rule, true, shift),
        Shape::Stroke(stroke) => canvas.fill_path(&path.stroke(stroke, 1.0)?, FillRule::Winding, true, shift),
    }
    Some(Coverage::new(left, top, width, canvas.take()))
}

impl Coverage {
    /// The coverage, one byte a pixel, row after row.
    pub(super) fn into_alpha(self) -> Vec<u8> {
        self.alpha
    }

    /// Coverage `alpha`, `width` pixels a row, whose first pixel is (`left`, `top`) of the
    /// pixmap it will be laid over.
    pub(super) fn new(left: u32, top: u32, width: u32, alpha: Vec<u8>) -> Coverage {
        let spans = alpha
            .chunks_exact(width.max(1) as usize)
            .map(|row| match row.iter().position(|&a| a > 0) {
                Some(first) => (first as u32, row.iter().rposition(|&a| a > 0).map_or(first, |last| last + 1) as u32),
                None => (0, 0),
            })
            .collect();
        Coverage { left, top, width, alpha, spans }
    }
}

/// Lays `colour` (premultiplied) over `pixmap` through `coverage`, with the arithmetic of
/// tiny-skia's low-precision pipeline: an opaque colour is interpolated towards by the
/// coverage (full coverage writes it), a translucent one is scaled by the coverage and
/// blended source-over.
pub(super) fn composite(pixmap: &mut Pixmap, coverage: &Coverage, colour: [u16; 4]) {
    let stride = pixmap.width() as usize * 4;
    let data = pixmap.data_mut();
    let opaque = colour[3] == 255;
    let solid = colour.map(|v| v as u8);
    let colour = lanes(solid);
    for (row, &(first, end)) in coverage.spans.iter().enumerate() {
        let alpha = &coverage.alpha[row * coverage.width as usize..][first as usize..end as usize];
        let start = (coverage.top as usize + row) * stride + (coverage.left + first) as usize * 4;
        let pixels = &mut data[start..start + alpha.len() * 4];
        for (px, &c) in pixels.chunks_exact_mut(4).zip(alpha) {
            if c == 0 {
                continue;
            }
            let px: &mut [u8; 4] = px.try_into().expect("4 bytes");
            if opaque && c == 255 {
                *px = solid;
                continue;
            }
            let c = u64::from(c);
            let out = if opaque {
                div255_lanes(lanes(*px) * (255 - c) + colour * c)
            } else {
                let source = div255_lanes(colour * c);
                source + div255_lanes(lanes(*px) * (255 - (source >> 48)))
            };
            *px = unlanes(out);
        }
    }
}

/// A pixel's four channels in the four 16-bit lanes of a `u64`, so the blend works them
/// out at once: products of two bytes and their sums up to 65,280 stay within a lane.
fn lanes(px: [u8; 4]) -> u64 {
    u64::from(px[0]) | u64::from(px[1]) << 16 | u64::from(px[2]) << 32 | u64::from(px[3]) << 48
}

fn unlanes(v: u64) -> [u8; 4] {
    [v as u8, (v >> 16) as u8, (v >> 32) as u8, (v >> 48) as u8]
}

/// tiny-skia's division by 255 of a product of two bytes, `(v + 255) >> 8`, in each lane.
fn div255_lanes(v: u64) -> u64 {
    const EACH_255: u64 = 0x00ff_00ff_00ff_00ff;
    ((v + EACH_255) >> 8) & EACH_255
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiny_skia::{Color, LineCap, LineJoin, PathBuilder};

    fn background() -> Pixmap {
        let mut pixmap = Pixmap::new(160, 120).unwrap();
        pixmap.fill(Color::from_rgba8(200, 210, 190, 255));
        let mut paint = Paint::default();
        paint.anti_alias = true;
        for (i, (r, g, b)) in [(230, 60, 40), (40, 90, 200), (90, 170, 80)].into_iter().enumerate() {
            paint.set_color_rgba8(r, g, b, 255);
            let mut pb = PathBuilder::new();
            let o = i as f32 * 37.3;
            pb.move_to(5.0 + o, 3.0);
            pb.line_to(90.7 + o, 40.2);
            pb.line_to(20.1 + o, 117.9);
            pb.close();
            pixmap.fill_path(&pb.finish().unwrap(), &paint, FillRule::Winding, Transform::identity(), None);
        }
        pixmap
    }

    /// A wavy line, a circle and a quarter-pixel polygon: the shapes frames are made of.
    fn shapes() -> Vec<Path> {
        let mut wavy = PathBuilder::new();
        wavy.move_to(12.25, 60.5);
        for i in 0..8 {
            let x = 12.25 + i as f32 * 16.0;
            wavy.quad_to(x + 8.0, 30.0 + (i % 3) as f32 * 17.3, x + 16.0, 60.5);
        }
        let circle = PathBuilder::from_circle(80.3, 61.7, 9.4).unwrap();
        let mut polygon = PathBuilder::new();
        polygon.move_to(30.25, 20.5);
        polygon.line_to(110.75, 25.0);
        polygon.line_to(70.5, 100.25);
        polygon.close();
        vec![wavy.finish().unwrap(), circle, polygon.finish().unwrap()]
    }

    #[test]
    fn kept_coverage_draws_what_tiny_skia_draws() {
        let cache = CoverageCache::new();
        let stroke = Stroke { width: 2.5, line_cap: LineCap::Round, line_join: LineJoin::Round, ..Stroke::default() };
        for (r, g, b, a) in [(20, 20, 20, 255), (255, 255, 255, 217), (200, 30, 30, 128)] {
            let mut paint = Paint::default();
            paint.anti_alias = true;
            paint.set_color_rgba8(r, g, b, a);
            for path in shapes() {
                for shape in [Shape::Fill(FillRule::Winding), Shape::Stroke(&stroke)] {
                    let mut direct = background();
                    match shape {
                        Shape::Fill(rule) => direct.fill_path(&path, &paint, rule, Transform::identity(), None),
                        Shape::Stroke(s) => direct.stroke_path(&path, &paint, s, Transform::identity(), None),
                    }
                    // Rasterised and kept the first time, then drawn from the cache, by its
                    // path or by the name it was given.
                    let name = [7, r.into(), g.into(), b.into(), matches!(shape, Shape::Fill(_)).into()];
                    for _ in 0..3 {
                        let mut cached = background();
                        assert!(cache.draw(&mut cached, &path, &paint, shape, Some(name)));
                        assert!(direct.data() == cached.data(), "{shape:?} in {:?}", (r, g, b, a));
                        let mut by_name = background();
                        assert!(cache.draw_known(&mut by_name, &name, &paint));
                        assert!(direct.data() == by_name.data(), "{shape:?} by name in {:?}", (r, g, b, a));
                    }
                }
            }
        }
        assert_eq!(cache.lock().map.len(), 6, "one entry per shape and way of drawing");
    }

    #[test]
    fn hairlines_and_shapes_over_the_edge_are_left_to_the_caller() {
        let cache = CoverageCache::new();
        let mut paint = Paint::default();
        paint.anti_alias = true;
        let thin = Stroke { width: 1.0, ..Stroke::default() };
        let mut pixmap = background();
        let over_edge = PathBuilder::from_circle(2.0, 60.0, 9.0).unwrap();
        for _ in 0..3 {
            assert!(!cache.draw(&mut pixmap, &shapes()[0], &paint, Shape::Stroke(&thin), None));
            assert!(!cache.draw(&mut pixmap, &over_edge, &paint, Shape::Fill(FillRule::Winding), Some([1; 5])));
        }
        assert!(!cache.draw_known(&mut pixmap, &[1; 5], &paint), "a shape not kept is not named");
        assert!(pixmap.data() == background().data(), "nothing drawn");
    }
}
