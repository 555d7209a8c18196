//! A plotters [`DrawingBackend`] that rasterises with tiny-skia.
//!
//! Why not plotters' own `BitMapBackend`: it does not anti-alias polygon
//! fills, clamps off-canvas points onto the canvas edge (which distorts
//! shapes that leave the map), and its `ab_glyph` text ignores glyph bearings.
//! This backend anti-aliases everything, clips geometrically, and lays text
//! out with [`super::fonts::FontSet`].
//!
//! # Sub-pixel coordinates
//!
//! plotters hands backends integer coordinates ([`BackendCoord`]). To keep
//! sub-pixel precision, a backend built with factor `S` reports
//! `get_size() == (width * S, height * S)` and divides **every** coordinate
//! and size it receives by `S` before drawing: positions, radii, stroke
//! widths and font sizes. Code that lays out relative to the drawing area's
//! size (e.g. a `Cartesian2d` chart over lon/lat, or fractions of
//! `area.dim_in_pixel()`) does not notice. Code that uses absolute sizes must
//! multiply them by `S` (e.g. `stroke_width(2 * S)` for a 2 px line, a font
//! size of `text_size_for_px(14.0, S)` for 14 px text). The same code then
//! feeds plotters' `SVGBackend` with `S = 1`.
//!
//! # Geometry conventions
//!
//! * Polygons are filled with the **non-zero** winding rule, like SVG's
//!   default `fill-rule`, so the SVG output matches. A polygon with a hole
//!   must give the hole the opposite orientation (or draw it separately).
//! * Strokes have round joins and round caps. A stroke width of 0 draws
//!   nothing (as `stroke-width="0"` in SVG); widths below one pixel are drawn
//!   as faint hairlines, except a circle's outline thinner than 1.5 px, which
//!   is filled as the band it covers (as SVG strokes it) so it can be kept.
//! * Lines longer than 128 px in an opaque colour are stroked piece by piece,
//!   cut where they cross a 128 px grid, so unchanged stretches are drawn from
//!   kept coverage. The rims of the joints differ from one whole stroke by a
//!   few levels.
//! * Rectangles span `[x0, x1) x [y0, y1)` like SVG's `width = x1 - x0`, not
//!   plotters' bitmap backend's inclusive pixel ranges. Rectangle outlines use
//!   the style's stroke width (SVGBackend ignores it and always uses 1).
//! * `draw_pixel` covers a `1/S x 1/S` square, i.e. a single backend unit.
//! * Coordinates far outside the canvas (up to `i32` limits) are clipped in
//!   `f64` against a guard rectangle a little larger than the canvas before
//!   tiny-skia sees them: tiny-skia 0.12 **panics** (slice index out of range
//!   in its pipeline) on paths with coordinates around 1e9, and silently
//!   drops paths whose bounds overflow. Nothing is clamped onto the canvas.
//!   Stroke widths are capped at 4x the canvas' larger side, which only
//!   changes absurd strokes whose edge lies beyond that distance.
//!
//! # Text
//!
//! * Face: always the embedded DejaVu Sans; `FontStyle::Bold` selects the
//!   bold face, italic/oblique fall back to regular. The family name is
//!   ignored here (SVGBackend writes it as the CSS `font-family`).
//! * Size: plotters' font "size" is not the em size. Both `SVGBackend`
//!   (`font-size = size / 1.24`) and plotters' TTF backend use an em of
//!   `size / 1.24`; this backend does the same, so the em size in pixels is
//!   `style.size() / (1.24 * S)`. Use [`text_size_for_px`] to get the size to
//!   put in a `TextStyle` for a wanted pixel size.
//! * Anchors mirror SVGBackend, which positions with `text-anchor`
//!   start/middle/end (on the advance width, kerning included) and
//!   `dy = 0.76em` (Top), `0.5ex` (Center) or `-0.5ex` (Bottom) from the
//!   anchor to the baseline. Here `ex` is the font's x-height, as browsers do.
//! * `FontTransform::Rotate90/180/270` rotate about the anchor point, like
//!   SVGBackend's `rotate(angle, x, y)`.
//! * Halos (a contrasting outline behind map labels) cannot be requested
//!   through `draw_text`. Use the [`HaloText`] element with `DrawingArea::draw`:
//!   on this backend it strokes the glyph outlines (round joins) before
//!   filling them; on other backends implementing [`TextHaloBackend`] with the
//!   default method (e.g. `SVGBackend`) it draws the text eight times offset.

use std::borrow::Borrow;

use plotters::element::{Drawable, PointCollection};
use plotters::style::TextStyle;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind, FontFamily,
    FontStyle, FontTransform, text_anchor,
};
use tiny_skia::{
    FillRule, FilterQuality, LineCap, LineJoin, Paint, Path, PathBuilder, Pixmap, PixmapPaint, Rect, Stroke, Transform,
};

use super::cells::CellRaster;
use super::coverage::{CoverageCache, Shape, ShapeName, premultiplied};
use super::error::{RasterError, Result};
use super::fonts::{FontSet, MAX_TEXT_PX, Weight};
use super::glyphs::Line;

/// plotters' ratio between a font's "size" and its em size (see module docs).
pub const PLOTTERS_FONT_SIZE_PER_EM: f64 = 1.24;

/// Largest sub-pixel factor accepted; beyond it nothing gets more precise and
/// `width * S` risks overflowing `i32` coordinates.
pub const MAX_SCALE: u32 = 64;

/// Extra room, in pixels, between the canvas and the clipping guard so that
/// anti-aliasing at the canvas edge is computed from the real geometry.
const GUARD_PX: f64 = 8.0;

/// The grid, in pixels, at which long opaque lines are cut into pieces (see
/// `stroke_polyline`).
const STROKE_TILE_PX: f64 = 128.0;

/// Strokes thinner than this, in pixels, tiny-skia draws as hairlines.
const THIN_STROKE_PX: f64 = 1.5;

/// Chord tolerance, in pixels, when a huge circle has to be turned into a polygon.
const CIRCLE_TOLERANCE_PX: f64 = 0.05;

/// The `TextStyle` size that gives text an em size of `px` pixels on a
/// backend with sub-pixel factor `scale` (use `scale = 1` for SVG).
pub fn text_size_for_px(px: f64, scale: u32) -> f64 {
    px * PLOTTERS_FONT_SIZE_PER_EM * f64::from(scale)
}

/// A plotters backend drawing anti-aliased into a tiny-skia [`Pixmap`].
///
/// See the [module documentation](self) for the sub-pixel factor and the
/// drawing conventions.
pub struct SkiaBackend<'a> {
    pixmap: &'a mut Pixmap,
    scale: u32,
    fonts: &'a FontSet,
    /// Coverage of shapes kept between frames, if any (see [`CoverageCache`]).
    coverage: Option<&'a CoverageCache>,
}

impl<'a> SkiaBackend<'a> {
    /// A backend over `pixmap` with sub-pixel factor `scale` (1..=64; 4 is a
    /// good choice) using the embedded fonts.
    pub fn new(pixmap: &'a mut Pixmap, scale: u32) -> Result<Self> {
        let fonts = FontSet::embedded()?;
        Self::with_fonts(pixmap, scale, fonts)
    }

    /// Like [`SkiaBackend::new`] with an explicit font set.
    pub fn with_fonts(pixmap: &'a mut Pixmap, scale: u32, fonts: &'a FontSet) -> Result<Self> {
        if scale == 0 || scale > MAX_SCALE {
            return Err(RasterError::InvalidScale(scale));
        }
        let (w, h) = (pixmap.width(), pixmap.height());
        let fits = |v: u32| u64::from(v) * u64::from(scale) <= i32::MAX as u64;
        if !fits(w) || !fits(h) {
            return Err(RasterError::InvalidSize {
                width: w,
                height: h,
                reason: "size times sub-pixel factor exceeds i32",
            });
        }
        Ok(SkiaBackend { pixmap, scale, fonts, coverage: None })
    }

    /// Draws shapes drawn before (by this backend or another over the same cache) from
    /// their kept coverage: the same pixels, without rasterising them again.
    pub fn with_coverage_cache(mut self, cache: &'a CoverageCache) -> Self {
        self.coverage = Some(cache);
        self
    }

    /// Draws `path` as `shape` with `paint`, from kept coverage when it can.
    fn paint_path(&mut self, path: &Path, paint: &Paint, shape: Shape<'_>) {
        self.paint_named_path(path, paint, shape, None);
    }

    /// Draws the shape `name` names from kept coverage, if it is kept: the path need not be
    /// built (see [`CoverageCache::draw_known`]). False when the caller must draw it.
    fn paint_known(&mut self, name: &ShapeName, paint: &Paint) -> bool {
        self.coverage.is_some_and(|cache| cache.draw_known(self.pixmap, name, paint))
    }

    /// Draws the shape `name` names: from kept coverage if it is kept, else the path
    /// `build` makes, whose coverage is then kept under that name.
    fn paint_named(&mut self, name: ShapeName, paint: &Paint, shape: Shape<'_>, build: impl FnOnce() -> Option<Path>) {
        if self.paint_known(&name, paint) {
            return;
        }
        if let Some(path) = build() {
            self.paint_named_path(&path, paint, shape, Some(name));
        }
    }

    /// [`SkiaBackend::paint_path`], keeping the shape's coverage under `name` too.
    fn paint_named_path(&mut self, path: &Path, paint: &Paint, shape: Shape<'_>, name: Option<ShapeName>) {
        if self.coverage.is_some_and(|cache| cache.draw(self.pixmap, path, paint, shape, name)) {
            return;
        }
        match shape {
            Shape::Fill(rule) => self.pixmap.fill_path(path, paint, rule, Transform::identity(), None),
            Shape::Stroke(stroke) => self.pixmap.stroke_path(path, paint, stroke, Transform::identity(), None),
        }
    }

    /// The sub-pixel factor `S`.
    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// Converts a backend coordinate to device pixels.
    fn dev(&self, p: BackendCoord) -> (f64, f64) {
        let s = f64::from(self.scale);
        (f64::from(p.0) / s, f64::from(p.1) / s)
    }

    /// Converts a backend length to device pixels.
    fn len(&self, v: u32) -> f64 {
        f64::from(v) / f64::from(self.scale)
    }

    fn canvas(&self) -> (f64, f64) {
        (f64::from(self.pixmap.width()), f64::from(self.pixmap.height()))
    }

    /// The canvas grown by `margin` px on every side, as `[x0, y0, x1, y1]`.
    fn guard(&self, margin: f64) -> [f64; 4] {
        let (w, h) = self.canvas();
        [-margin, -margin, w + margin, h + margin]
    }

    /// Half the stroke width in pixels, capped (see module docs).
    fn half_width(&self, stroke_width: u32) -> f64 {
        let (w, h) = self.canvas();
        (self.len(stroke_width) / 2.0).min(4.0 * w.max(h))
    }

    fn stroke(&self, half_width: f64) -> Stroke {
        Stroke {
            width: (2.0 * half_width) as f32,
            line_cap: LineCap::Round,
            line_join: LineJoin::Round,
            ..Stroke::default()
        }
    }

    /// Fills a closed ring given in device pixels (non-zero rule).
    fn fill_ring(&mut self, ring: Vec<(f64, f64)>, paint: &Paint) {
        let guard = self.guard(GUARD_PX);
        let ring = if inside(bounds(&ring), guard) { ring } else { clip_polygon(&ring, guard) };
        if let Some(path) = path_from_points(std::iter::once(ring.as_slice()), true) {
            self.paint_path(&path, paint, Shape::Fill(FillRule::Winding));
        }
    }

    /// Strokes an open polyline (or a closed one if `closed`) in device pixels.
    fn stroke_polyline(&mut self, points: Vec<(f64, f64)>, closed: bool, half_width: f64, paint: &Paint) {
        if points.is_empty() || half_width <= 0.0 {
            return;
        }
        let guard = self.guard(half_width + GUARD_PX);
        let stroke = self.stroke(half_width);
        let b = bounds(&points);
        let whole = inside(b, guard);
        // Lines clipped to the guard first, so the cuts below stay few whatever the
        // coordinates.
        let pieces = if whole { Vec::new() } else { clip_polyline(&points, closed, guard) };
        let opaque = matches!(paint.shader, tiny_skia::Shader::SolidColor(c) if c.is_opaque());
        if opaque && (b[2] - b[0] > STROKE_TILE_PX || b[3] - b[1] > STROKE_TILE_PX) {
            // A long line in an opaque colour is stroked piece by piece, cut where it
            // crosses a fixed grid: the stretches that are the same as on the day before
            // (a country's outline, fronts that did not move) are then the same shapes
            // and come from kept coverage. Where two pieces meet, their round caps make
            // the round join; in an opaque colour, laying one over the other only changes
            // the anti-aliased rim of the joint by a few levels.
            let lines = if whole {
                let mut line = points;
                if closed && let Some(&first) = line.first() {
                    line.push(first);
                }
                vec![line]
            } else {
                pieces
            };
            for line in &lines {
                for piece in cut_at_grid(line, STROKE_TILE_PX) {
                    if let Some(path) = path_from_points(std::iter::once(piece.as_slice()), false) {
                        self.paint_path(&path, paint, Shape::Stroke(&stroke));
                    }
                }
            }
            return;
        }
        let path = if whole {
            path_from_points(std::iter::once(points.as_slice()), closed)
        } else {
            path_from_points(pieces.iter().map(Vec::as_slice), false)
        };
        if let Some(path) = path {
            // One stroke call for all pieces, so overlaps are not blended twice.
            self.paint_path(&path, paint, Shape::Stroke(&stroke));
        }
    }

    /// Draws `text` with an optional halo; the shared body of
    /// [`DrawingBackend::draw_text`] and [`TextHaloBackend::draw_text_with_halo`].
    fn text_impl<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
        halo: Option<&Halo>,
    ) -> Result<()> {
        let Some(em) = self.em_px(style)? else {
            return Ok(());
        };
        let weight = weight_of(style);
        let extent = self.fonts.measure(text, em as f32, weight);
        let vm = self.fonts.v_metrics(em as f32, weight);
        let anchor = style.anchor();
        let dx = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => -f64::from(extent.width) / 2.0,
            HPos::Right => -f64::from(extent.width),
        };
        // Same offsets from anchor to baseline as SVGBackend's `dy`.
        let dy = match anchor.v_pos {
            VPos::Top => 0.76 * em,
            VPos::Center => 0.5 * f64::from(vm.x_height),
            VPos::Bottom => -0.5 * f64::from(vm.x_height),
        };
        let (ox, oy) = self.dev(pos);
        let transform = style.transform();
        let map = move |x: f64, y: f64| {
            let (x, y) = (x + dx, y + dy);
            // Rotation about the anchor, clockwise on screen, as in
            // plotters' FontTransform::transform and SVG's rotate().
            let (x, y) = match transform {
                FontTransform::None => (x, y),
                FontTransform::Rotate90 => (-y, x),
                FontTransform::Rotate180 => (-x, -y),
                FontTransform::Rotate270 => (y, -x),
            };
            (ox + x, oy + y)
        };
        let halo = halo.and_then(|h| {
            let paint = paint_for(h.color)?;
            // Capped like stroke widths, so absurd halos cannot reach the
            // coordinate range where tiny-skia breaks.
            let half = self.half_width(2 * h.width.min(u32::MAX / 2));
            (half > 0.0).then_some((paint, half))
        });
        if matches!(style.transform(), FontTransform::None) {
            // Laid together from kept glyphs (see `glyphs`), unless it leaves the canvas.
            let line = Line { fonts: self.fonts, text, px: em as f32, weight, origin: (ox + dx, oy + dy) };
            let fill = paint_for(style.color()).and_then(|paint| premultiplied(&paint));
            let halo = halo.as_ref().and_then(|(paint, half)| Some(((2.0 * half) as f32, premultiplied(paint)?)));
            if self.fonts.glyphs().draw(self.pixmap, line, fill, halo) {
                return Ok(());
            }
        }
        let margin = GUARD_PX + halo.as_ref().map_or(0.0, |(_, half)| *half);
        let Some(path) = self.fonts.outline_path(text, em as f32, weight, &map, self.guard(margin)) else {
            return Ok(());
        };
        if let Some((paint, half)) = halo {
            let stroke = Stroke { width: (2.0 * half) as f32, line_join: LineJoin::Round, ..Stroke::default() };
            self.paint_path(&path, &paint, Shape::Stroke(&stroke));
        }
        if let Some(paint) = paint_for(style.color()) {
            self.paint_path(&path, &paint, Shape::Fill(FillRule::Winding));
        }
        Ok(())
    }

    /// The em size in device pixels for a text style, `None` if nothing
    /// should be drawn (non-positive or non-finite size).
    fn em_px<S: BackendTextStyle>(&self, style: &S) -> Result<Option<f64>> {
        let size = style.size();
        let em = size / (PLOTTERS_FONT_SIZE_PER_EM * f64::from(self.scale));
        if !(em.is_finite() && em > 0.0) {
            return Ok(None);
        }
        if em > f64::from(MAX_TEXT_PX) {
            return Err(RasterError::TextTooLarge(em));
        }
        Ok(Some(em))
    }
}

fn weight_of<S: BackendTextStyle>(style: &S) -> Weight {
    if matches!(style.style(), FontStyle::Bold) { Weight::Bold } else { Weight::Regular }
}

/// A solid anti-aliased paint, or `None` for a fully transparent colour.
/// Fills a small rectangle on whole pixels (a stipple dot) straight into the pixmap, which
/// gives the same pixels as tiny-skia's `fill_rect` at a fraction of its setup cost (tens of
/// thousands of dots a frame). Returns false, drawing nothing, for anything else.
fn blend_small_rect(pixmap: &mut Pixmap, [x0, y0, x1, y1]: [f64; 4], color: BackendColor) -> bool {
    const MAX_PIXELS: f64 = 64.0;
    let whole = |v: f64| v.fract() == 0.0 && v.is_finite();
    if !(whole(x0) && whole(y0) && whole(x1) && whole(y1)) || (x1 - x0) * (y1 - y0) > MAX_PIXELS {
        return false;
    }
    if color.alpha.is_nan() || color.alpha <= 0.0 {
        return true;
    }
    let (w, h) = (pixmap.width() as f64, pixmap.height() as f64);
    let (x0, y0, x1, y1) = (x0.max(0.0) as usize, y0.max(0.0) as usize, x1.min(w) as usize, y1.min(h) as usize);
    let a = (color.alpha.min(1.0) * 255.0).round() as u32;
    let (r, g, b) = color.rgb;
    // Premultiplied source over destination, as tiny-skia's pipeline does in 8 bits.
    let pre = |c: u8| (u32::from(c) * a + 127) / 255;
    let (sr, sg, sb) = (pre(r), pre(g), pre(b));
    let inv = 255 - a;
    let width = pixmap.width() as usize;
    let pixels = pixmap.pixels_mut();
    for y in y0..y1 {
        for x in x0..x1 {
            let d = &mut pixels[y * width + x];
            let over = |s: u32, dc: u8| (s + (u32::from(dc) * inv + 127) / 255).min(255) as u8;
            let (dr, dg, db, da) = (d.red(), d.green(), d.blue(), d.alpha());
            let out_a = over(a, da);
            let (nr, ng, nb) = (over(sr, dr).min(out_a), over(sg, dg).min(out_a), over(sb, db).min(out_a));
            if let Some(c) = tiny_skia::PremultipliedColorU8::from_rgba(nr, ng, nb, out_a) {
                *d = c;
            }
        }
    }
    true
}

fn paint_for(color: BackendColor) -> Option<Paint<'static>> {
    if color.alpha.is_nan() || color.alpha <= 0.0 {
        return None;
    }
    let a = color.alpha.min(1.0);
    let (r, g, b) = color.rgb;
    let mut paint = Paint::default();
    paint.set_color_rgba8(r, g, b, (a * 255.0).round() as u8);
    paint.anti_alias = true;
    Some(paint)
}

fn de<T>(r: Result<T>) -> std::result::Result<T, DrawingErrorKind<RasterError>> {
    r.map_err(DrawingErrorKind::DrawingError)
}

impl DrawingBackend for SkiaBackend<'_> {
    type ErrorType = RasterError;

    /// `(width * S, height * S)`: the canvas in backend units.
    fn get_size(&self) -> (u32, u32) {
        (self.pixmap.width() * self.scale, self.pixmap.height() * self.scale)
    }

    fn ensure_prepared(&mut self) -> std::result::Result<(), DrawingErrorKind<RasterError>> {
        Ok(())
    }

    fn present(&mut self) -> std::result::Result<(), DrawingErrorKind<RasterError>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> std::result::Result<(), DrawingErrorKind<RasterError>> {
        let Some(paint) = paint_for(color) else {
            return Ok(());
        };
        let (x, y) = self.dev(point);
        let (w, h) = self.canvas();
        let side = 1.0 / f64::from(self.scale);
        if x + side <= 0.0 || y + side <= 0.0 || x >= w || y >= h {
            return Ok(());
        }
        if let Some(rect) = Rect::from_xywh(x as f32, y as f32, side as f32, side as f32) {
            self.pixmap.fill_rect(rect, &paint, Transform::identity(), None);
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> std::result::Result<(), DrawingErrorKind<RasterError>> {
        self.draw_path([from, to], style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> std::result::Result<(), DrawingErrorKind<RasterError>> {
        let Some(paint) = paint_for(style.color()) else {
            return Ok(());
        };
        let (ax, ay) = self.dev(upper_left);
        let (bx, by) = self.dev(bottom_right);
        let (x0, x1) = (ax.min(bx), ax.max(bx));
        let (y0, y1) = (ay.min(by), ay.max(by));
        if fill {
            // Intersecting with the guard is exact for a fill.
            let g = self.guard(GUARD_PX);
            let (x0, y0, x1, y1) = (x0.max(g[0]), y0.max(g[1]), x1.min(g[2]), y1.min(g[3]));
            if blend_small_rect(self.pixmap, [x0, y0, x1, y1], style.color()) {
                return Ok(());
            }
            if let Some(rect) = Rect::from_ltrb(x0 as f32, y0 as f32, x1 as f32, y1 as f32) {
                self.pixmap.fill_rect(rect, &paint, Transform::identity(), None);
            }
        } else {
            let half = self.half_width(style.stroke_width());
            let ring = vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)];
            self.stroke_polyline(ring, true, half, &paint);
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> std::result::Result<(), DrawingErrorKind<RasterError>> {
        let Some(paint) = paint_for(style.color()) else {
            return Ok(());
        };
        let half = self.half_width(style.stroke_width());
        let points: Vec<_> = path.into_iter().map(|p| self.dev(p)).collect();
        self.stroke_polyline(points, false, half, &paint);
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> std::result::Result<(), DrawingErrorKind<RasterError>> {
        let Some(paint) = paint_for(style.color()) else {
            return Ok(());
        };
        let (cx, cy) = self.dev(center);
        let r = self.len(radius);
        if r <= 0.0 {
            return Ok(());
        }
        let half = if fill { 0.0 } else { self.half_width(style.stroke_width()) };
        if !fill && half <= 0.0 {
            return Ok(());
        }
        let (w, h) = self.canvas();
        // Reject circles that cannot touch the canvas.
        let nearest_dx = cx.clamp(0.0, w) - cx;
        let nearest_dy = cy.clamp(0.0, h) - cy;
        if nearest_dx.hypot(nearest_dy) > r + half + 1.0 {
            return Ok(());
        }
        let far_dx = (cx - 0.0).abs().max((cx - w).abs());
        let far_dy = (cy - 0.0).abs().max((cy - h).abs());
        let farthest = far_dx.hypot(far_dy);
        let guard = self.guard(half + GUARD_PX);
        let small = inside([cx - r, cy - r, cx + r, cy + r], guard);
        // A small circle is named by how it is drawn and the bits of the numbers that make
        // its path, so that drawn again (a marker on every frame) it comes from kept
        // coverage without building its path.
        let name = |kind: u32| {
            [kind, (cx as f32).to_bits(), (cy as f32).to_bits(), (r as f32).to_bits(), (half as f32).to_bits()]
        };
        if fill {
            if small {
                self.paint_named(name(0), &paint, Shape::Fill(FillRule::Winding), || {
                    PathBuilder::from_circle(cx as f32, cy as f32, r as f32)
                });
            } else if farthest < r - 1.0 {
                // The canvas lies wholly inside the disc.
                self.fill_ring(vec![(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)], &paint);
            } else {
                self.fill_ring(circle_points(cx, cy, r), &paint);
            }
        } else if small && 2.0 * half < THIN_STROKE_PX {
            // A thin ring is filled as the band it covers, as SVG strokes it: tiny-skia
            // would draw it as a hairline, which cannot be kept as coverage and redrawn
            // (a place's marker ring is drawn on every frame).
            self.paint_named(name(1), &paint, Shape::Fill(FillRule::EvenOdd), || {
                let mut band = PathBuilder::new();
                band.push_circle(cx as f32, cy as f32, (r + half) as f32);
                if r > half {
                    band.push_circle(cx as f32, cy as f32, (r - half) as f32);
                }
                band.finish()
            });
        } else if small {
            let stroke = self.stroke(half);
            self.paint_named(name(2), &paint, Shape::Stroke(&stroke), || {
                PathBuilder::from_circle(cx as f32, cy as f32, r as f32)
            });
        } else if farthest < r - half - 1.0 {
            // The ring passes wholly outside the canvas.
        } else {
            self.stroke_polyline(circle_points(cx, cy, r), true, half, &paint);
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> std::result::Result<(), DrawingErrorKind<RasterError>> {
        let Some(paint) = paint_for(style.color()) else {
            return Ok(());
        };
        let ring: Vec<_> = vert.into_iter().map(|p| self.dev(p)).collect();
        if ring.len() >= 3 {
            self.fill_ring(ring, &paint);
        }
        Ok(())
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> std::result::Result<(), DrawingErrorKind<RasterError>> {
        de(self.text_impl(text, style, pos, None))
    }

    /// Advance width and `ascent + descent` of the text, in backend units
    /// (rounded up), ignoring rotation like plotters' default.
    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> std::result::Result<(u32, u32), DrawingErrorKind<RasterError>> {
        let Some(em) = de(self.em_px(style))? else {
            return Ok((0, 0));
        };
        let e = self.fonts.measure(text, em as f32, weight_of(style));
        let s = f64::from(self.scale);
        Ok(((f64::from(e.width) * s).ceil() as u32, (f64::from(e.height()) * s).ceil() as u32))
    }

    /// Draws an RGB bitmap (3 bytes per pixel, rows top to bottom) whose top-left
    /// corner is at `pos`, one bitmap pixel per backend unit (so `1/S` px),
    /// with bilinear filtering.
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        (iw, ih): (u32, u32),
        src: &[u8],
    ) -> std::result::Result<(), DrawingErrorKind<RasterError>> {
        let needed = (iw as usize).checked_mul(ih as usize).and_then(|n| n.checked_mul(3));
        let Some(needed) = needed.filter(|n| *n <= src.len()) else {
            return de(Err(RasterError::BitmapTooShort {
                width: iw,
                height: ih,
                needed: needed.unwrap_or(usize::MAX),
                got: src.len(),
            }));
        };
        let (x, y) = self.dev(pos);
        let (w, h) = self.canvas();
        let (bw, bh) = (self.len(iw), self.len(ih));
        if x >= w || y >= h || x + bw <= 0.0 || y + bh <= 0.0 {
            return Ok(());
        }
        let Some(mut bitmap) = Pixmap::new(iw, ih) else {
            return Ok(()); // zero-sized
        };
        for (dst, rgb) in bitmap.data_mut().chunks_exact_mut(4).zip(src[..needed].chunks_exact(3)) {
            dst.copy_from_slice(&[rgb[0], rgb[1], rgb[2], 255]);
        }
        let inv = 1.0 / self.scale as f32;
        let paint = PixmapPaint { quality: FilterQuality::Bilinear, ..PixmapPaint::default() };
        self.pixmap.draw_pixmap(
            0,
            0,
            bitmap.as_ref(),
            &paint,
            Transform::from_row(inv, 0.0, 0.0, inv, x as f32, y as f32),
            None,
        );
        Ok(())
    }
}

/// Outline drawn behind text to keep labels legible over busy backgrounds.
#[derive(Clone, Copy)]
pub struct Halo {
    /// Width of the halo beyond the glyph edge, in backend units (so `S`
    /// times the pixels on a [`SkiaBackend`]).
    pub width: u32,
    /// Colour of the halo (alpha honoured).
    pub color: BackendColor,
}

/// A backend that can draw text with a [`Halo`]. Reached through the
/// [`HaloText`] element, because `DrawingArea::draw_text` has no halo option.
pub trait TextHaloBackend: DrawingBackend {
    /// Whether [`TextHaloBackend::paint_cells`] can paint (a pixel backend), so that a
    /// caller need not rasterise cells for a backend that draws shapes.
    const PAINTS_CELLS: bool = false;

    /// Paints the cells of `cells` in `colours` (see [`CellRaster::paint`]), for a pixel
    /// backend of the cells' size; returns false, painting nothing, otherwise (vector
    /// backends draw areas as shapes).
    fn paint_cells(&mut self, _cells: &CellRaster, _colours: &[Option<[u8; 4]>]) -> bool {
        false
    }

    /// Draws the halo, then the text on top.
    ///
    /// The default draws the text in the halo colour at eight offsets
    /// (`±width` horizontally, vertically and diagonally) and then the text
    /// itself: it works on any backend (SVG included) but is coarser and
    /// eight times more expensive than [`SkiaBackend`]'s true outline.
    fn draw_text_with_halo<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
        halo: &Halo,
    ) -> std::result::Result<(), DrawingErrorKind<Self::ErrorType>> {
        if halo.width > 0 && halo.color.alpha > 0.0 {
            let recoloured = Recoloured { inner: style, color: halo.color };
            let d = i32::try_from(halo.width).unwrap_or(i32::MAX);
            // Diagonals at 1/sqrt(2) so the halo is roughly round.
            let k = (f64::from(d) * std::f64::consts::FRAC_1_SQRT_2).round() as i32;
            for (ox, oy) in [(d, 0), (-d, 0), (0, d), (0, -d), (k, k), (k, -k), (-k, k), (-k, -k)] {
                let p = (pos.0.saturating_add(ox), pos.1.saturating_add(oy));
                self.draw_text(text, &recoloured, p)?;
            }
        }
        self.draw_text(text, style, pos)
    }
}

impl TextHaloBackend for SkiaBackend<'_> {
    const PAINTS_CELLS: bool = true;

    fn paint_cells(&mut self, cells: &CellRaster, colours: &[Option<[u8; 4]>]) -> bool {
        cells.paint(self.pixmap.data_mut(), colours)
    }

    /// Strokes the glyph outlines with `2 * width` (round joins) in the halo
    /// colour, then fills them.
    fn draw_text_with_halo<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
        halo: &Halo,
    ) -> std::result::Result<(), DrawingErrorKind<RasterError>> {
        de(self.text_impl(text, style, pos, Some(halo)))
    }
}

/// Cells of a [`CellRaster`] painted in their colours, drawn with
/// `area.draw(&PaintedCells::new(&cells, &colours))`. Only backends that paint cells
/// ([`TextHaloBackend::paint_cells`]) draw anything; [`PaintedCells::painted`] says whether
/// this one did, so that the caller can draw the areas as shapes instead.
pub struct PaintedCells<'c> {
    cells: &'c CellRaster,
    colours: &'c [Option<[u8; 4]>],
    painted: std::cell::Cell<bool>,
}

impl<'c> PaintedCells<'c> {
    /// `cells`, each in its colour of `colours` (premultiplied RGBA, `None` for unpainted).
    pub fn new(cells: &'c CellRaster, colours: &'c [Option<[u8; 4]>]) -> Self {
        PaintedCells { cells, colours, painted: std::cell::Cell::new(false) }
    }

    /// Whether the backend painted the cells when drawn.
    pub fn painted(&self) -> bool {
        self.painted.get()
    }
}

impl<'a> PointCollection<'a, (i32, i32)> for &'a PaintedCells<'_> {
    type Point = &'a (i32, i32);
    type IntoIter = std::iter::Empty<&'a (i32, i32)>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::empty()
    }
}

impl<DB: TextHaloBackend> Drawable<DB> for PaintedCells<'_> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        _pos: I,
        backend: &mut DB,
        _parent_dim: (u32, u32),
    ) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.painted.set(backend.paint_cells(self.cells, self.colours));
        Ok(())
    }
}

/// SVG gets the offset-copies halo.
impl TextHaloBackend for plotters::backend::SVGBackend<'_> {}

/// A text style with another colour, for the default halo.
struct Recoloured<'s, S> {
    inner: &'s S,
    color: BackendColor,
}

impl<S: BackendTextStyle> BackendTextStyle for Recoloured<'_, S> {
    type FontError = S::FontError;

    fn color(&self) -> BackendColor {
        self.color
    }
    fn size(&self) -> f64 {
        self.inner.size()
    }
    fn transform(&self) -> FontTransform {
        self.inner.transform()
    }
    fn style(&self) -> FontStyle {
        self.inner.style()
    }
    fn anchor(&self) -> text_anchor::Pos {
        self.inner.anchor()
    }
    fn family(&self) -> FontFamily<'_> {
        self.inner.family()
    }
    fn layout_box(&self, text: &str) -> std::result::Result<((i32, i32), (i32, i32)), Self::FontError> {
        self.inner.layout_box(text)
    }
    fn draw<E, F: FnMut(i32, i32, BackendColor) -> std::result::Result<(), E>>(
        &self,
        text: &str,
        pos: BackendCoord,
        mut draw: F,
    ) -> std::result::Result<std::result::Result<(), E>, Self::FontError> {
        let color = self.color;
        self.inner.draw(text, pos, |x, y, c| draw(x, y, color.mix(c.alpha)))
    }
}

/// A single-line text element with a halo, drawn with
/// `area.draw(&HaloText::new("Kyiv", (x, y), style, halo))` on any backend
/// implementing [`TextHaloBackend`].
pub struct HaloText<'a, Coord, T: Borrow<str>> {
    text: T,
    coord: Coord,
    style: TextStyle<'a>,
    halo: Halo,
}

impl<'a, Coord, T: Borrow<str>> HaloText<'a, Coord, T> {
    /// A label anchored at `coord` (in the drawing area's coordinates) as
    /// `style.pos` says, with `halo` behind it.
    pub fn new<S: Into<TextStyle<'a>>>(text: T, coord: Coord, style: S, halo: Halo) -> Self {
        HaloText { text, coord, style: style.into(), halo }
    }
}

impl<'b, 'a, Coord: 'a, T: Borrow<str> + 'a> PointCollection<'a, Coord> for &'a HaloText<'b, Coord, T> {
    type Point = &'a Coord;
    type IntoIter = std::iter::Once<&'a Coord>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.coord)
    }
}

impl<Coord, DB: TextHaloBackend, T: Borrow<str>> Drawable<DB> for HaloText<'_, Coord, T> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut pos: I,
        backend: &mut DB,
        _parent_dim: (u32, u32),
    ) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        match pos.next() {
            Some(p) => backend.draw_text_with_halo(self.text.borrow(), &self.style, p, &self.halo),
            None => Ok(()),
        }
    }
}

// ---------------------------------------------------------------------------
// Geometry helpers (device pixels, f64).

/// Bounding box `[x0, y0, x1, y1]` of a point list (inverted box when empty).
fn bounds(points: &[(f64, f64)]) -> [f64; 4] {
    points.iter().fold([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], |b, &(x, y)| {
        [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)]
    })
}

/// `line` cut into pieces wherever it crosses a line of a square grid of `step` pixels
/// through the origin. A piece ends where the next begins, at the crossing. The cuts
/// depend only on the segments themselves, so an unchanged stretch of a changed line
/// gives the same pieces.
fn cut_at_grid(line: &[(f64, f64)], step: f64) -> Vec<Vec<(f64, f64)>> {
    let mut pieces = Vec::new();
    let Some(&first) = line.first() else { return pieces };
    let mut piece = vec![first];
    for pair in line.windows(2) {
        let ((ax, ay), (bx, by)) = (pair[0], pair[1]);
        // Where the segment crosses grid lines, as fractions of its length.
        let mut cuts: Vec<f64> = Vec::new();
        for (a, b) in [(ax, bx), (ay, by)] {
            let (low, high) = (a.min(b) / step, a.max(b) / step);
            let mut k = low.floor() + 1.0;
            while k < high {
                cuts.push((k * step - a) / (b - a));
                k += 1.0;
            }
        }
        cuts.sort_by(f64::total_cmp);
        for t in cuts {
            let at = (ax + (bx - ax) * t, ay + (by - ay) * t);
            piece.push(at);
            pieces.push(std::mem::replace(&mut piece, vec![at]));
        }
        piece.push((bx, by));
    }
    pieces.push(piece);
    pieces
}

/// Whether box `b` lies within box `outer`.
fn inside(b: [f64; 4], outer: [f64; 4]) -> bool {
    b[0] >= outer[0] && b[1] >= outer[1] && b[2] <= outer[2] && b[3] <= outer[3]
}

/// Sutherland–Hodgman clip of a closed ring against an axis-aligned box.
///
/// For points strictly inside the box the winding number is unchanged (each
/// excursion outside a clip edge is replaced by a segment along that edge,
/// and the loop they form lies outside), so non-zero filling is preserved;
/// degenerate slivers along the box edges stay off-canvas thanks to the guard.
pub(super) fn clip_polygon(ring: &[(f64, f64)], r: [f64; 4]) -> Vec<(f64, f64)> {
    let mut cur = ring.to_vec();
    for edge in 0..4 {
        let Some(&last) = cur.last() else {
            break;
        };
        let is_in = |p: (f64, f64)| match edge {
            0 => p.0 >= r[0],
            1 => p.1 >= r[1],
            2 => p.0 <= r[2],
            _ => p.1 <= r[3],
        };
        // Only called when a and b are on different sides, so no division by 0.
        let cross = |a: (f64, f64), b: (f64, f64)| match edge {
            0 | 2 => {
                let x = if edge == 0 { r[0] } else { r[2] };
                (x, a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0))
            }
            _ => {
                let y = if edge == 1 { r[1] } else { r[3] };
                (a.0 + (b.0 - a.0) * (y - a.1) / (b.1 - a.1), y)
            }
        };
        let mut out = Vec::with_capacity(cur.len() + 4);
        let mut prev = last;
        for &p in &cur {
            match (is_in(prev), is_in(p)) {
                (true, true) => out.push(p),
                (true, false) => out.push(cross(prev, p)),
                (false, true) => {
                    out.push(cross(prev, p));
                    out.push(p);
                }
                (false, false) => {}
            }
            prev = p;
        }
        cur = out;
    }
    cur
}

/// Liang–Barsky: the parameter range of segment a→b inside box `r`.
fn clip_segment(a: (f64, f64), b: (f64, f64), r: [f64; 4]) -> Option<(f64, f64)> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let mut t0 = 0.0f64;
    let mut t1 = 1.0f64;
    for (p, q) in [(-dx, a.0 - r[0]), (dx, r[2] - a.0), (-dy, a.1 - r[1]), (dy, r[3] - a.1)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    (t0 <= t1).then_some((t0, t1))
}

/// Clips a polyline to box `r`, returning the visible pieces. A closed ring
/// is first rotated to start outside the box so no piece is split at the seam.
pub(crate) fn clip_polyline(points: &[(f64, f64)], closed: bool, r: [f64; 4]) -> Vec<Vec<(f64, f64)>> {
    let mut pts: Vec<(f64, f64)> = points.to_vec();
    if closed {
        let outside = |p: &(f64, f64)| !(p.0 >= r[0] && p.0 <= r[2] && p.1 >= r[1] && p.1 <= r[3]);
        if let Some(i) = pts.iter().position(outside) {
            pts.rotate_left(i);
        }
        if let Some(&first) = pts.first() {
            pts.push(first);
        }
    }
    let lerp = |a: (f64, f64), b: (f64, f64), t: f64| (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
    let mut pieces = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        match clip_segment(a, b, r) {
            None => {
                if cur.len() > 1 {
                    pieces.push(std::mem::take(&mut cur));
                }
                cur.clear();
            }
            Some((t0, t1)) => {
                if t0 > 0.0 || cur.is_empty() {
                    if cur.len() > 1 {
                        pieces.push(std::mem::take(&mut cur));
                    }
                    cur.clear();
                    cur.push(lerp(a, b, t0));
                }
                cur.push(lerp(a, b, t1));
                if t1 < 1.0 {
                    pieces.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if cur.len() > 1 {
        pieces.push(cur);
    }
    // A single point (a dot drawn as from == to) survives clip_segment; keep it
    // so round caps draw it.
    if pieces.is_empty() && points.len() == 1 {
        let p = points[0];
        if p.0 >= r[0] && p.0 <= r[2] && p.1 >= r[1] && p.1 <= r[3] {
            pieces.push(vec![p, p]);
        }
    }
    pieces
}

/// Points on a circle, dense enough for [`CIRCLE_TOLERANCE_PX`] (capped).
fn circle_points(cx: f64, cy: f64, r: f64) -> Vec<(f64, f64)> {
    let ratio = (1.0 - CIRCLE_TOLERANCE_PX / r).clamp(-1.0, 1.0);
    let n = (std::f64::consts::PI / ratio.acos()).ceil();
    let n = if n.is_finite() { n.clamp(16.0, 65536.0) as usize } else { 65536 };
    (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect()
}

/// Builds a path from point lists (each a subpath), optionally closing each.
fn path_from_points<'p>(subpaths: impl Iterator<Item = &'p [(f64, f64)]>, close: bool) -> Option<Path> {
    let mut pb = PathBuilder::new();
    for pts in subpaths {
        let mut it = pts.iter();
        let Some(&(x, y)) = it.next() else {
            continue;
        };
        pb.move_to(x as f32, y as f32);
        let mut any = false;
        for &(x, y) in it {
            pb.line_to(x as f32, y as f32);
            any = true;
        }
        if !any {
            // A lone point: a zero-length segment, which round caps show as a dot.
            pb.line_to(x as f32, y as f32);
        }
        if close {
            pb.close();
        }
    }
    pb.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;
    use plotters::style::text_anchor::Pos;

    /// `Color::stroke_width`, spelled out because `BackendStyle` is in scope too.
    fn sw<C: Color>(c: &C, w: u32) -> ShapeStyle {
        Color::stroke_width(c, w)
    }

    const W: u32 = 200;
    const H: u32 = 100;

    fn canvas() -> Pixmap {
        let mut p = Pixmap::new(W, H).unwrap();
        p.fill(tiny_skia::Color::WHITE);
        p
    }

    fn rgb(p: &Pixmap, x: u32, y: u32) -> (u8, u8, u8) {
        let c = p.pixel(x, y).unwrap();
        (c.red(), c.green(), c.blue())
    }

    #[test]
    fn lines_are_cut_where_they_cross_the_grid_and_nowhere_else() {
        let line = [(10.0, 10.0), (300.0, 40.0), (310.0, 290.0), (20.5, 130.0)];
        let pieces = cut_at_grid(&line, 128.0);
        // Each piece starts where the one before ends, and lies in one cell of the grid.
        for pair in pieces.windows(2) {
            assert_eq!(pair[0].last(), pair[1].first());
        }
        for piece in &pieces {
            let b = bounds(piece);
            let cell = ((b[0] / 128.0).floor(), (b[1] / 128.0).floor());
            assert!(b[2] <= (cell.0 + 1.0) * 128.0 + 1e-9 && b[3] <= (cell.1 + 1.0) * 128.0 + 1e-9, "{piece:?}");
        }
        // Every vertex is kept, in order; the rest are crossings.
        let all: Vec<(f64, f64)> = pieces.iter().flat_map(|p| p.iter().copied()).collect();
        let mut kept = all.iter().filter(|p| line.contains(p));
        assert!(line.iter().all(|v| kept.any(|k| k == v)));
        assert_eq!(pieces.len(), 1 + 2 + 2 + 3, "one cut per grid line crossed");
        // A stretch that did not change is cut into the same pieces, whatever came before.
        let longer = [(-500.0, -80.0), (10.0, 10.0), (300.0, 40.0), (310.0, 290.0), (20.5, 130.0)];
        let again = cut_at_grid(&longer, 128.0);
        assert_eq!(again[again.len() - 5..], pieces[pieces.len() - 5..]);
    }

    #[test]
    fn a_long_opaque_line_drawn_in_pieces_looks_like_one_stroke() {
        let mut pieces = Pixmap::new(400, 300).unwrap();
        pieces.fill(tiny_skia::Color::from_rgba8(120, 160, 207, 255));
        let mut whole = pieces.clone();
        let points = vec![(10.3, 12.0), (390.0, 40.7), (201.0, 288.2), (25.0, 150.0)];
        let mut paint = Paint::default();
        paint.set_color_rgba8(30, 30, 30, 255);
        paint.anti_alias = true;
        {
            let mut backend = SkiaBackend::new(&mut pieces, 1).unwrap();
            backend.stroke_polyline(points.clone(), true, 1.1, &paint);
        }
        let ring: Vec<(f64, f64)> = points.iter().chain(points.first()).copied().collect();
        let path = path_from_points(std::iter::once(ring.as_slice()), false).unwrap();
        let stroke = Stroke { width: 2.2, line_cap: LineCap::Round, line_join: LineJoin::Round, ..Stroke::default() };
        whole.stroke_path(&path, &paint, &stroke, Transform::identity(), None);
        // The joints' rims are laid twice and differ most; elsewhere, edges cut shorter
        // step through pixels with other rounding, by a few levels.
        let cuts: Vec<(f64, f64)> = cut_at_grid(&ring, STROKE_TILE_PX).iter().map(|p| p[0]).collect();
        assert!(cuts.len() > 4, "the line was cut");
        let mut differing = 0;
        for (i, (a, b)) in pieces.pixels().iter().zip(whole.pixels()).enumerate() {
            if a == b {
                continue;
            }
            differing += 1;
            let (x, y) = ((i % 400) as f64 + 0.5, (i / 400) as f64 + 0.5);
            let near = cuts.iter().any(|c| (c.0 - x).hypot(c.1 - y) < 3.0);
            let allowed = if near { 64 } else { 16 };
            let largest = [a.red().abs_diff(b.red()), a.green().abs_diff(b.green()), a.blue().abs_diff(b.blue())];
            assert!(largest.iter().all(|d| *d <= allowed), "({x}, {y}) differs by {largest:?}");
        }
        assert!(differing < 300, "{differing} pixels differ");
        assert!(pieces.data() != Pixmap::new(400, 300).unwrap().data());
    }

    /// Rows of pixels that are not pure white.
    fn ink_box(p: &Pixmap) -> Option<(u32, u32, u32, u32)> {
        let mut b: Option<(u32, u32, u32, u32)> = None;
        for y in 0..p.height() {
            for x in 0..p.width() {
                if rgb(p, x, y) != (255, 255, 255) {
                    b = Some(match b {
                        None => (x, y, x, y),
                        Some((a, c, d, e)) => (a.min(x), c.min(y), d.max(x), e.max(y)),
                    });
                }
            }
        }
        b
    }

    #[test]
    fn reports_scaled_size_and_rejects_bad_scale() {
        let mut p = canvas();
        assert_eq!(SkiaBackend::new(&mut p, 4).unwrap().get_size(), (800, 400));
        assert!(matches!(SkiaBackend::new(&mut p, 0), Err(RasterError::InvalidScale(0))));
        assert!(SkiaBackend::new(&mut p, 65).is_err());
    }

    #[test]
    fn polygon_fill_is_antialiased_at_subpixel_precision() {
        let mut p = canvas();
        {
            let mut b = SkiaBackend::new(&mut p, 4).unwrap();
            // x from 10.5 px to 50.5 px: the columns 10 and 50 are half covered.
            b.fill_polygon([(42, 40), (202, 40), (202, 200), (42, 200)], &BLACK).unwrap();
        }
        assert_eq!(rgb(&p, 30, 30), (0, 0, 0));
        let (edge, _, _) = rgb(&p, 10, 30);
        assert!((120..=135).contains(&edge), "half-covered pixel: {edge}");
        assert_eq!(rgb(&p, 9, 30), (255, 255, 255));
        // A diagonal edge produces intermediate values.
        let mut q = canvas();
        {
            let mut b = SkiaBackend::new(&mut q, 1).unwrap();
            b.fill_polygon([(0, 0), (199, 99), (0, 99)], &BLACK).unwrap();
        }
        let greys = (0..W)
            .filter(|&x| {
                let v = rgb(&q, x, 50).0;
                v > 10 && v < 245
            })
            .count();
        assert!(greys >= 1, "anti-aliased diagonal");
    }

    #[test]
    fn nonzero_rule_fills_overlapping_loops() {
        let mut p = canvas();
        {
            let mut b = SkiaBackend::new(&mut p, 1).unwrap();
            // The same square twice in the same direction: winding 2 inside.
            b.fill_polygon([(10, 10), (60, 10), (60, 60), (10, 60), (10, 10), (60, 10), (60, 60), (10, 60)], &BLACK)
                .unwrap();
        }
        assert_eq!(rgb(&p, 30, 30), (0, 0, 0), "even-odd would leave it white");
    }

    #[test]
    fn off_canvas_points_are_not_clamped() {
        // A triangle with a vertex far to the left: its edge crosses the canvas
        // as a slanted line, not along the canvas border.
        let mut p = canvas();
        {
            let mut b = SkiaBackend::new(&mut p, 1).unwrap();
            b.fill_polygon([(-1000, 50), (100, 0), (100, 100)], &BLACK).unwrap();
        }
        // Exact line from (-1000,50) to (100,0): at x=50, y = 2.27; at x=0, y = 4.5.
        assert_eq!(rgb(&p, 50, 10), (0, 0, 0));
        assert_eq!(rgb(&p, 50, 0), (255, 255, 255), "top edge slanted, not clamped");
        assert_eq!(rgb(&p, 150, 50), (255, 255, 255));
        assert_eq!(rgb(&p, 0, 50), (0, 0, 0));
    }

    #[test]
    fn huge_coordinates_do_not_panic_and_render() {
        let big = i32::MAX - 10;
        let small = i32::MIN + 10;
        for s in [1u32, 4] {
            let mut p = canvas();
            {
                let mut b = SkiaBackend::new(&mut p, s).unwrap();
                let c = |x: i32, y: i32| (x.saturating_mul(s as i32), y.saturating_mul(s as i32));
                // A disc centred far away that covers the whole canvas.
                b.draw_circle((big, big), u32::MAX, &YELLOW, true).unwrap();
                // A halo so wide it covers the canvas (in the same yellow).
                let style = TextStyle::from(("sans-serif", 20.0 * s as f64).into_font()).color(&BLACK);
                let absurd = Halo { width: u32::MAX, color: YELLOW.to_backend_color() };
                b.draw_text_with_halo("halo", &style, c(150, 80), &absurd).unwrap();
                // Left half of the canvas, drawn with far-away vertices.
                b.fill_polygon(
                    [(small, small), c(100, small / s as i32), c(100, big / s as i32), (small, big)],
                    &BLACK,
                )
                .unwrap();
                b.draw_path([(small, 10 * s as i32), (big, 10 * s as i32)], &sw(&RED, 4 * s)).unwrap();
                b.draw_line((small, small), (big, big), &sw(&BLUE, 2 * s)).unwrap();
                b.draw_rect((small, small), (big, c(0, 5).1), &GREEN, true).unwrap();
                b.draw_rect((small, small), (big, big), &sw(&GREEN, u32::MAX), false).unwrap();
                // A ring whose stroke passes far outside the canvas.
                b.draw_circle(c(100, 50), u32::MAX, &RED, false).unwrap();
                b.draw_circle((big / 2, c(0, 50).1), (big / 2) as u32, &sw(&BLUE, s), false).unwrap();
                b.draw_pixel((big, big), BLACK.to_backend_color()).unwrap();
                let style = TextStyle::from(("sans-serif", 20.0 * s as f64).into_font()).color(&BLACK);
                b.draw_text("far", &style, (big, small)).unwrap();
            }
            assert_eq!(rgb(&p, 20, 70), (0, 0, 0), "scale {s}");
            assert_eq!(rgb(&p, 150, 50), (255, 255, 0), "scale {s}");
            assert_eq!(rgb(&p, 150, 10), (255, 0, 0), "scale {s}");
            assert_eq!(rgb(&p, 150, 2), (0, 255, 0), "scale {s}");
        }
    }

    #[test]
    fn random_huge_polygons_never_panic() {
        // Cheap deterministic LCG; covers the clipping paths with mixed magnitudes.
        let mut state = 0x2545F4914F6CDD1Du64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let mag = [10i64, 1000, 100_000, 10_000_000, i32::MAX as i64][(state >> 60) as usize % 5];
            ((state >> 20) as i64 % (2 * mag + 1) - mag) as i32
        };
        let mut p = canvas();
        let mut b = SkiaBackend::new(&mut p, 4).unwrap();
        for _ in 0..200 {
            let pts: Vec<_> = (0..6).map(|_| (next(), next())).collect();
            b.fill_polygon(pts.clone(), &BLACK.mix(0.3)).unwrap();
            b.draw_path(pts.clone(), &sw(&RED, 8)).unwrap();
            b.draw_circle(pts[0], (pts[1].0 as u32) >> 1, &BLUE.mix(0.2), pts[2].0 > 0).unwrap();
        }
    }

    #[test]
    fn thick_path_has_round_joins_and_exact_width() {
        let mut p = canvas();
        {
            let mut b = SkiaBackend::new(&mut p, 4).unwrap();
            // 10 px wide horizontal line at y = 50.
            b.draw_path([(40, 200), (760, 200)], &sw(&BLACK, 40)).unwrap();
        }
        assert_eq!(rgb(&p, 100, 50), (0, 0, 0));
        assert_eq!(rgb(&p, 100, 45), (0, 0, 0));
        assert_eq!(rgb(&p, 100, 54), (0, 0, 0));
        assert_eq!(rgb(&p, 100, 44), (255, 255, 255));
        assert_eq!(rgb(&p, 100, 55), (255, 255, 255));
        // Round cap extends past the end point by the half width.
        assert_eq!(rgb(&p, 7, 50), (0, 0, 0));
        // Zero width draws nothing.
        let mut q = canvas();
        SkiaBackend::new(&mut q, 4).unwrap().draw_path([(0, 0), (400, 400)], &sw(&BLACK, 0)).unwrap();
        assert!(ink_box(&q).is_none());
    }

    #[test]
    fn circles_rects_pixels_and_alpha() {
        let mut p = canvas();
        {
            let mut b = SkiaBackend::new(&mut p, 2).unwrap();
            b.draw_circle((100, 100), 20, &RED, true).unwrap(); // r = 10 px at (50, 50)
            b.draw_circle((300, 100), 21, &sw(&BLUE, 2), false).unwrap();
            b.draw_rect((0, 0), (20, 20), &BLACK.mix(0.5), true).unwrap();
            b.draw_pixel((398, 198), BLACK.to_backend_color()).unwrap();
        }
        assert_eq!(rgb(&p, 50, 50), (255, 0, 0));
        assert_eq!(rgb(&p, 50, 39), (255, 255, 255));
        assert_eq!(rgb(&p, 150, 50), (255, 255, 255), "outline circle is hollow");
        assert_eq!(rgb(&p, 160, 50).2, 255);
        let ring = rgb(&p, 160, 50);
        assert!(ring.2 == 255 && ring.0 < 40, "1 px ring drawn at radius 10.5: {ring:?}");
        let half = rgb(&p, 5, 5);
        assert!((126..=129).contains(&half.0), "alpha blended: {half:?}");
        // A backend pixel at S=2 covers a quarter of a device pixel.
        let q = rgb(&p, 199, 99).0;
        assert!((185..=195).contains(&q), "quarter coverage: {q}");
    }

    #[test]
    fn text_anchors_match_svg_conventions() {
        let fonts = FontSet::embedded().unwrap();
        let em = 20.0f64;
        for (h, v) in [(HPos::Left, VPos::Top), (HPos::Center, VPos::Center), (HPos::Right, VPos::Bottom)] {
            let mut p = canvas();
            {
                let mut b = SkiaBackend::new(&mut p, 4).unwrap();
                let style = TextStyle::from(("DejaVu Sans", text_size_for_px(em, 4)).into_font())
                    .color(&BLACK)
                    .pos(Pos::new(h, v));
                b.draw_text("HHH", &style, (400, 200)).unwrap();
            }
            let (x0, y0, x1, y1) = ink_box(&p).unwrap();
            let width = f64::from(fonts.measure("HHH", em as f32, Weight::Regular).width);
            let lsb = 201.0 / 2048.0 * em; // "H" left side bearing
            let cap = 1493.0 / 2048.0 * em;
            let xh = 1120.0 / 2048.0 * em;
            let left = match h {
                HPos::Left => 100.0,
                HPos::Center => 100.0 - width / 2.0,
                HPos::Right => 100.0 - width,
            } + lsb;
            let baseline = match v {
                VPos::Top => 50.0 + 0.76 * em,
                VPos::Center => 50.0 + 0.5 * xh,
                VPos::Bottom => 50.0 - 0.5 * xh,
            };
            assert!((f64::from(x0) - left).abs() <= 1.0, "left {x0} vs {left}");
            assert!((f64::from(y1) + 1.0 - baseline).abs() <= 1.0, "baseline {y1} vs {baseline}");
            assert!((f64::from(y0) - (baseline - cap)).abs() <= 1.0, "cap top {y0}");
            assert!(x1 > x0);
        }
    }

    #[test]
    fn text_bold_and_estimate_are_consistent() {
        let mut p = canvas();
        let b = SkiaBackend::new(&mut p, 4).unwrap();
        let regular = TextStyle::from(("sans-serif", text_size_for_px(16.0, 4)).into_font());
        let bold = TextStyle::from(("sans-serif", text_size_for_px(16.0, 4), FontStyle::Bold).into_font());
        let (rw, rh) = b.estimate_text_size("Donetsk", &regular).unwrap();
        let (bw, _) = b.estimate_text_size("Donetsk", &bold).unwrap();
        let m = FontSet::embedded().unwrap().measure("Donetsk", 16.0, Weight::Regular);
        assert_eq!(rw, (m.width * 4.0).ceil() as u32);
        assert_eq!(rh, (m.height() * 4.0).ceil() as u32);
        assert!(bw > rw);
    }

    #[test]
    fn text_honours_alpha_rotation_and_limits() {
        let mut p = canvas();
        {
            let mut b = SkiaBackend::new(&mut p, 1).unwrap();
            let half = BLACK.mix(0.5);
            let style = TextStyle::from(("sans-serif", text_size_for_px(40.0, 1)).into_font()).color(&half);
            b.draw_text("I", &style, (20, 10)).unwrap();
            let none = BLACK.mix(0.0);
            let invisible = style.color(&none);
            b.draw_text("W", &invisible, (100, 10)).unwrap();
        }
        let darkest = (0..H).flat_map(|y| (0..40).map(move |x| (x, y))).map(|(x, y)| rgb(&p, x, y).0).min().unwrap();
        assert!((126..=129).contains(&darkest), "half alpha: {darkest}");
        assert!(ink_box(&p).unwrap().2 < 60, "transparent text drew nothing");

        // Rotate90 turns a wide word into a tall one.
        let mut q = Pixmap::new(100, 200).unwrap();
        {
            let mut b = SkiaBackend::new(&mut q, 1).unwrap();
            let style = TextStyle::from(("sans-serif", text_size_for_px(16.0, 1)).into_font())
                .transform(FontTransform::Rotate90)
                .color(&BLACK);
            b.draw_text("Zaporizhzhia", &style, (50, 10)).unwrap();
        }
        let mut ys = (u32::MAX, 0);
        let mut xs = (u32::MAX, 0);
        for y in 0..200 {
            for x in 0..100 {
                if q.pixel(x, y).unwrap().alpha() > 0 {
                    ys = (ys.0.min(y), ys.1.max(y));
                    xs = (xs.0.min(x), xs.1.max(x));
                }
            }
        }
        assert!(ys.1 - ys.0 > 3 * (xs.1 - xs.0), "rotated: x {xs:?} y {ys:?}");
        assert!(xs.1 <= 50, "Rotate90 puts the text left of the anchor");

        // Absurd sizes are an error, not a panic; invalid sizes draw nothing.
        let mut r = canvas();
        let mut b = SkiaBackend::new(&mut r, 1).unwrap();
        let huge = TextStyle::from(("sans-serif", 1e9).into_font());
        assert!(b.draw_text("x", &huge, (0, 0)).is_err());
        let nan = TextStyle::from(("sans-serif", f64::NAN).into_font());
        assert!(b.draw_text("x", &nan, (0, 0)).is_ok());
    }

    #[test]
    fn halo_surrounds_text() {
        let mut p = Pixmap::new(W, H).unwrap();
        p.fill(tiny_skia::Color::from_rgba8(0, 0, 255, 255));
        {
            let area = SkiaBackend::new(&mut p, 4).unwrap().into_drawing_area();
            let style = TextStyle::from(("sans-serif", text_size_for_px(30.0, 4)).into_font())
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Center));
            let halo = Halo { width: 12, color: WHITE.to_backend_color() };
            area.draw(&HaloText::new("Lyman", (400, 200), style, halo)).unwrap();
        }
        let count = |c: (u8, u8, u8)| {
            (0..H).flat_map(|y| (0..W).map(move |x| (x, y))).filter(|&(x, y)| rgb(&p, x, y) == c).count()
        };
        assert!(count((255, 255, 255)) > 200, "white halo present");
        assert!(count((0, 0, 0)) > 100, "black text on top");
    }

    #[test]
    fn drawing_area_with_text_and_shapes() {
        let mut p = Pixmap::new(W, H).unwrap();
        {
            let area = SkiaBackend::new(&mut p, 4).unwrap().into_drawing_area();
            area.fill(&WHITE).unwrap();
            let (w, h) = area.dim_in_pixel();
            assert_eq!((w, h), (800, 400));
            area.draw(&Polygon::new(vec![(0, 0), (400, 0), (400, 400), (0, 400)], BLUE.filled())).unwrap();
            area.draw(&Circle::new((600, 200), 40, RED.filled())).unwrap();
            area.draw(&PathElement::new(vec![(0, 380), (800, 380)], sw(&BLACK, 8))).unwrap();
            let font = ("DejaVu Sans", text_size_for_px(14.0, 4)).into_font();
            area.draw_text("Kherson", &font.color(&BLACK), (420, 20)).unwrap();
            area.draw(&Text::new("Kupiansk", (420, 300), font.clone())).unwrap();
            let (tw, th) = area.estimate_text_size("Kherson", &font.into_text_style(&area)).unwrap();
            assert!(tw > 4 * 40 && th > 4 * 10, "{tw}x{th}");
            // A titled sub-area relies on estimate_text_size.
            let _ = area.titled("Day 100", ("sans-serif", 60)).unwrap();
            area.present().unwrap();
        }
        assert_eq!(rgb(&p, 50, 50), (0, 0, 255));
        assert_eq!(rgb(&p, 150, 50), (255, 0, 0));
        assert_eq!(rgb(&p, 150, 95), (0, 0, 0));
        let text_ink =
            (105..195).flat_map(|x| (5..20).map(move |y| (x, y))).filter(|&(x, y)| rgb(&p, x, y).0 < 128).count();
        assert!(text_ink > 30, "text drawn: {text_ink}");
    }

    #[test]
    fn blit_bitmap_checks_length_and_draws() {
        let mut p = canvas();
        let mut b = SkiaBackend::new(&mut p, 1).unwrap();
        assert!(b.blit_bitmap((0, 0), (2, 2), &[0; 11]).is_err());
        b.blit_bitmap((10, 10), (2, 2), &[0; 12]).unwrap();
        assert_eq!(rgb(&p, 10, 10), (0, 0, 0));
        assert_eq!(rgb(&p, 12, 12), (255, 255, 255));
    }

    #[test]
    fn svg_backend_text_through_drawing_area() {
        // plotters is built without ttf/ab_glyph: TextStyle uses the naive
        // font, which SVGBackend never asks to rasterise.
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (200, 100)).into_drawing_area();
            area.fill(&WHITE).unwrap();
            let style = TextStyle::from(("DejaVu Sans, sans-serif", text_size_for_px(20.0, 1)).into_font())
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Center));
            area.draw_text("Avdiivka & <Pokrovsk>", &style, (100, 50)).unwrap();
            let bold = TextStyle::from(("sans-serif", 12, FontStyle::Bold).into_font()).color(&RED);
            area.draw(&Text::new("bold", (10, 10), bold)).unwrap();
            let halo = Halo { width: 2, color: WHITE.to_backend_color() };
            area.draw(&HaloText::new("Lyman", (50, 80), ("sans-serif", 12), halo)).unwrap();
            // Naive estimate; no rasteriser involved.
            assert!(area.estimate_text_size("abc", &TextStyle::from(("sans-serif", 12).into_font())).is_ok());
            area.present().unwrap();
        }
        assert!(svg.contains(r#"font-family="DejaVu Sans, sans-serif""#), "{svg}");
        assert!(svg.contains(r#"font-size="20""#), "em px survives: {svg}");
        assert!(svg.contains(r#"text-anchor="middle""#));
        assert!(svg.contains(r#"dy="0.5ex""#));
        assert!(svg.contains("&amp;") && svg.contains("&lt;Pokrovsk&gt;"), "escaped: {svg}");
        assert!(svg.contains(r#"font-weight="bold""#));
        assert_eq!(svg.matches("Lyman").count(), 9, "8 halo copies + text");
    }

    #[test]
    fn clip_helpers() {
        let r = [0.0, 0.0, 10.0, 10.0];
        let ring = clip_polygon(&[(-5.0, -5.0), (15.0, -5.0), (15.0, 15.0), (-5.0, 15.0)], r);
        assert_eq!(bounds(&ring), [0.0, 0.0, 10.0, 10.0]);
        assert!(clip_polygon(&[(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)], r).is_empty());
        assert_eq!(clip_segment((-10.0, 5.0), (20.0, 5.0), r), Some((1.0 / 3.0, 2.0 / 3.0)));
        assert_eq!(clip_segment((-10.0, 50.0), (20.0, 50.0), r), None);
        // In, out, in again: two pieces.
        let pieces = clip_polyline(&[(1.0, 1.0), (20.0, 1.0), (20.0, 5.0), (1.0, 5.0)], false, r);
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[0], vec![(1.0, 1.0), (10.0, 1.0)]);
        assert_eq!(pieces[1], vec![(10.0, 5.0), (1.0, 5.0)]);
        assert!(circle_points(0.0, 0.0, 1e9).len() <= 65536);
        assert!(circle_points(0.0, 0.0, 1.0).len() >= 16);
    }
}
