//! The cells of a tessellation rasterised once, so that a day's areas are painted by giving
//! each cell a colour instead of filling merged polygons.
//!
//! A day's areas are unions of the same cells (each place's land; see `territory`), only
//! coloured differently. Filling the merged areas with anti-aliasing cost each frame several
//! milliseconds of scan conversion, most of it on edges that did not move. Here each cell's
//! coverage is worked out once, as the exact area each pixel shares with it (ab_glyph's
//! accumulation rasteriser), and kept as runs of pixels wholly inside one cell and as edge
//! pixels with each cell's share. Painting a day is then filling the runs and mixing the edge
//! pixels from the shares, in that day's colours.
//!
//! Where two cells of the same colour meet, their shares add up to the whole pixel, so no
//! seam shows; where they differ, the pixel mixes their colours by area, as a vector
//! renderer anti-aliases an edge (without the background showing through between two
//! anti-aliased fills, which filling the areas one after the other gave).

use ab_glyph_rasterizer::{Rasterizer, point};
use geo::orient::{Direction, Orient};
use geo::{BoundingRect, MultiPolygon};
use rayon::prelude::*;

use super::skia_backend::clip_polygon;

/// The bound on the number of cells (their numbers are kept in `u32`).
const NO_CELL: u32 = u32::MAX;

/// Cells rasterised over a `width` x `height` frame.
#[derive(Debug, Clone, Default)]
pub struct CellRaster {
    width: u32,
    height: u32,
    /// Pixels wholly inside one cell, row by row.
    runs: Vec<Run>,
    /// Pixels shared by cells (or by a cell and no cell).
    edges: Vec<Edge>,
    /// The shares of the edge pixels: cell and coverage (1 to 255).
    shares: Vec<(u32, u8)>,
    /// The number of cells rasterised.
    cells: usize,
}

/// `len` pixels from `start` (a pixel index, row-major) inside `cell`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    start: u32,
    len: u32,
    cell: u32,
}

/// A cell's runs, and its partly covered pixels (keyed by pixel, then cell) with their
/// coverage.
type Pieces = (Vec<Run>, Vec<(u64, u8)>);

/// An edge pixel and where its shares are in [`CellRaster::shares`].
#[derive(Debug, Clone, Copy)]
struct Edge {
    pixel: u32,
    first: u32,
    count: u32,
}

impl CellRaster {
    /// Rasterises `cells` (polygons in frame pixels, inside the frame: parts outside it
    /// are left out) over a `width` x `height` frame.
    ///
    /// # Panics
    /// With `u32::MAX` cells or more, or a frame of 2^32 pixels or more.
    pub fn new(width: u32, height: u32, cells: &[MultiPolygon<f64>]) -> CellRaster {
        assert!(cells.len() < NO_CELL as usize, "too many cells");
        let pixels = width as usize * height as usize;
        assert!(pixels < u32::MAX as usize, "frame too large");
        // Each cell's runs of whole pixels and its partly covered pixels, found apart: the
        // cells do not overlap, so only the partly covered pixels need gathering. In
        // parallel, as the first frames wait for it.
        let pieces: Vec<Pieces> =
            cells.par_iter().enumerate().map(|(cell, shape)| pieces_of(cell as u32, shape, width, height)).collect();
        let mut runs = Vec::new();
        let mut partial = Vec::new();
        for (cell_runs, cell_partial) in pieces {
            runs.extend(cell_runs);
            partial.extend(cell_partial);
        }
        // By pixel, then cell.
        partial.sort_unstable_by_key(|&(key, _)| key);
        let mut edges = Vec::new();
        let mut shares = Vec::new();
        for group in partial.chunk_by(|a, b| a.0 >> 32 == b.0 >> 32) {
            let first = shares.len() as u32;
            shares.extend(group.iter().map(|&(key, cov)| (key as u32, cov)));
            edges.push(Edge { pixel: (group[0].0 >> 32) as u32, first, count: group.len() as u32 });
        }
        CellRaster { width, height, runs, edges, shares, cells: cells.len() }
    }

    /// The frame size the cells were rasterised for.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// Paints the cells over `data` (premultiplied RGBA, the frame's size), each in its
    /// colour of `colours` (premultiplied RGBA, by cell; `None` leaves it unpainted),
    /// source-over. Returns false, painting nothing, when `data` is not the frame's size
    /// or `colours` does not have a colour for every cell.
    pub fn paint(&self, data: &mut [u8], colours: &[Option<[u8; 4]>]) -> bool {
        if data.len() != self.width as usize * self.height as usize * 4 {
            return false;
        }
        if colours.len() < self.cells {
            return false;
        }
        for run in &self.runs {
            let Some(colour) = colours[run.cell as usize] else { continue };
            let span = &mut data[run.start as usize * 4..(run.start + run.len) as usize * 4];
            if colour[3] == 255 {
                fill(span, colour);
            } else {
                for px in span.chunks_exact_mut(4) {
                    blend(px, [(255, colour)]);
                }
            }
        }
        for edge in &self.edges {
            let shares = &self.shares[edge.first as usize..(edge.first + edge.count) as usize];
            let at = edge.pixel as usize * 4;
            blend(&mut data[at..at + 4], shares.iter().filter_map(|&(cell, cov)| Some((cov, colours[cell as usize]?))));
        }
        true
    }
}

/// Fills `span` (whole pixels) with one colour, sixteen pixels at a copy.
fn fill(span: &mut [u8], colour: [u8; 4]) {
    let mut pattern = [0u8; 64];
    for px in pattern.chunks_exact_mut(4) {
        px.copy_from_slice(&colour);
    }
    let mut chunks = span.chunks_exact_mut(64);
    for chunk in &mut chunks {
        chunk.copy_from_slice(&pattern);
    }
    let rest = chunks.into_remainder();
    let n = rest.len();
    rest.copy_from_slice(&pattern[..n]);
}

/// Lays colours (premultiplied) with their coverages over one premultiplied pixel: the
/// colours side by side (they share the pixel's area, they do not overlap) over what was
/// there. Coverages adding up to more than the pixel (cells overlapping by a rounding) are
/// scaled down to it.
fn blend(px: &mut [u8], mix: impl IntoIterator<Item = (u8, [u8; 4])>) {
    let mut total = 0u32;
    // Sums of coverage times channel, in 255ths of 255ths.
    let mut source = [0u32; 4];
    for (cov, colour) in mix {
        total += u32::from(cov);
        for (s, c) in source.iter_mut().zip(colour) {
            *s += u32::from(cov) * u32::from(c);
        }
    }
    if total == 0 {
        return;
    }
    if total > 255 {
        for s in &mut source {
            *s = *s * 255 / total;
        }
    }
    const WHOLE: u32 = 255 * 255;
    let keep = WHOLE - source[3].min(WHOLE);
    for (d, s) in px.iter_mut().zip(source) {
        *d = ((s * 255 + keep * u32::from(*d) + WHOLE / 2) / WHOLE).min(255) as u8;
    }
}

/// A cell's pixels inside the frame: runs of pixels it covers whole, and the pixels it
/// covers in part (keyed by pixel, then cell) with their coverage.
fn pieces_of(cell: u32, shape: &MultiPolygon<f64>, width: u32, height: u32) -> Pieces {
    let mut runs = Vec::new();
    let mut partial = Vec::new();
    let Some(rect) = shape.bounding_rect() else { return (runs, partial) };
    let left = rect.min().x.floor().max(0.0);
    let top = rect.min().y.floor().max(0.0);
    let right = rect.max().x.ceil().min(f64::from(width));
    let bottom = rect.max().y.ceil().min(f64::from(height));
    if !(right > left && bottom > top) {
        return (runs, partial);
    }
    let inside = rect.min().x >= 0.0
        && rect.min().y >= 0.0
        && rect.max().x <= f64::from(width)
        && rect.max().y <= f64::from(height);
    // Holes wind against their exterior, so the accumulated area cancels inside them.
    let shape = shape.orient(Direction::Default);
    let frame = [0.0, 0.0, f64::from(width), f64::from(height)];
    let (w, h) = ((right - left) as usize, (bottom - top) as usize);
    let mut rasteriser = Rasterizer::new(w, h);
    let at = |(x, y): (f64, f64)| point((x - left) as f32, (y - top) as f32);
    for polygon in &shape.0 {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            let points: Vec<(f64, f64)> = ring.0.iter().map(|c| (c.x, c.y)).collect();
            // The rasteriser's window must hold the whole ring: cut what lies outside the
            // frame (ring by ring keeps each ring's winding, so holes still cancel).
            let points = if inside { points } else { clip_polygon(&points, frame) };
            let Some(&last) = points.last() else { continue };
            let mut from = last;
            for &to in &points {
                rasteriser.draw_line(at(from), at(to));
                from = to;
            }
        }
    }
    let (left, top) = (left as usize, top as usize);
    // The run being gathered: its first pixel and length.
    let mut run: Option<(usize, usize)> = None;
    let end_run = |run: &mut Option<(usize, usize)>, runs: &mut Vec<Run>| {
        if let Some((start, len)) = run.take() {
            runs.push(Run { start: start as u32, len: len as u32, cell });
        }
    };
    // The pixels come row after row; `x` and `row_start` follow them.
    let mut x = w;
    let mut row_start = top * width as usize + left;
    rasteriser.for_each_pixel(|_, c| {
        if x == w {
            // A new row: a run does not go on past the end of the last.
            end_run(&mut run, &mut runs);
            x = 0;
        }
        let pixel = row_start + x;
        x += 1;
        if x == w {
            row_start += width as usize;
        }
        match (c * 255.0).round() as u8 {
            0 => end_run(&mut run, &mut runs),
            255 => match &mut run {
                Some((_, len)) => *len += 1,
                None => run = Some((pixel, 1)),
            },
            cov => {
                end_run(&mut run, &mut runs);
                partial.push(((pixel as u64) << 32 | u64::from(cell), cov));
            }
        }
    });
    end_run(&mut run, &mut runs);
    (runs, partial)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![Polygon::new(
            LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
            vec![],
        )])
    }

    fn painted(raster: &CellRaster, colours: &[Option<[u8; 4]>], ground: [u8; 4]) -> Vec<[u8; 4]> {
        let (w, h) = raster.size();
        let mut data: Vec<u8> = std::iter::repeat_n(ground, (w * h) as usize).flatten().collect();
        assert!(raster.paint(&mut data, colours));
        data.chunks_exact(4).map(|p| [p[0], p[1], p[2], p[3]]).collect()
    }

    #[test]
    fn neighbours_of_one_colour_leave_no_seam_and_of_two_mix_by_area() {
        // Two cells meeting at x = 10.5, inside a 20 x 8 frame, the left one over 2..10.5.
        let cells = [square(2.0, 1.0, 10.5, 7.0), square(10.5, 1.0, 18.0, 7.0)];
        let raster = CellRaster::new(20, 8, &cells);
        let ground = [240, 240, 240, 255];
        let red = [200, 0, 0, 255];
        let blue = [0, 0, 200, 255];
        let same = painted(&raster, &[Some(red), Some(red)], ground);
        assert!(same[3 * 20 + 3..3 * 20 + 18].iter().all(|p| *p == red), "{:?}", &same[60..80]);
        assert_eq!(same[3 * 20 + 1], ground, "outside the cells");
        let two = painted(&raster, &[Some(red), Some(blue)], ground);
        assert_eq!(two[3 * 20 + 10], [100, 0, 100, 255], "the shared pixel is half and half");
        assert_eq!(two[3 * 20 + 9], red);
        assert_eq!(two[3 * 20 + 11], blue);
        // A cell left unpainted shows what was there, and half of the shared pixel too.
        let one = painted(&raster, &[Some(red), None], ground);
        assert_eq!(one[3 * 20 + 10], [220, 120, 120, 255]);
        assert_eq!(one[3 * 20 + 12], ground);
    }

    #[test]
    fn holes_stay_open_and_edges_cover_their_area() {
        let outer = LineString::from(vec![(1.0, 1.0), (15.0, 1.0), (15.0, 15.0), (1.0, 15.0), (1.0, 1.0)]);
        // The hole wound the same way as its exterior: orientation must not matter.
        let hole = LineString::from(vec![(5.0, 5.0), (11.0, 5.0), (11.0, 11.0), (5.0, 11.0), (5.0, 5.0)]);
        let ring = MultiPolygon(vec![Polygon::new(outer, vec![hole])]);
        let edge = square(0.25, 0.0, 16.0, 16.0).0[0].clone();
        let raster = CellRaster::new(16, 16, &[ring, MultiPolygon(vec![])]);
        let ground = [0, 0, 0, 255];
        let white = [255, 255, 255, 255];
        let px = painted(&raster, &[Some(white), None], ground);
        assert_eq!(px[8 * 16 + 8], ground, "inside the hole");
        assert_eq!(px[2 * 16 + 2], white);
        // A cell a quarter of a pixel short of a pixel's edge covers three quarters of it.
        let raster = CellRaster::new(16, 16, &[MultiPolygon(vec![edge])]);
        let px = painted(&raster, &[Some(white)], ground);
        assert_eq!(px[3 * 16][0], 191);
    }

    #[test]
    fn painted_cells_look_like_their_shapes_filled_by_tiny_skia() {
        // A frame cut by a slanted zigzag into two cells, the left one with a slanted
        // window that a third cell fills: edges at every angle.
        let zigzag = [(30.3, 4.0), (52.7, 30.2), (24.1, 55.5), (47.9, 76.0)];
        let mut left: Vec<(f64, f64)> = vec![(4.0, 4.0)];
        left.extend(zigzag);
        left.extend([(4.0, 76.0), (4.0, 4.0)]);
        let mut right: Vec<(f64, f64)> = zigzag.iter().rev().copied().collect();
        right.extend([(76.0, 4.0), (76.0, 76.0)]);
        right.rotate_right(2);
        right.push(right[0]);
        let window = vec![(9.5, 20.25), (19.8, 17.0), (22.0, 40.6), (11.1, 44.0), (9.5, 20.25)];
        let cells = [
            MultiPolygon(vec![Polygon::new(LineString::from(left.clone()), vec![LineString::from(window.clone())])]),
            MultiPolygon(vec![Polygon::new(LineString::from(right.clone()), vec![])]),
            MultiPolygon(vec![Polygon::new(LineString::from(window.clone()), vec![])]),
        ];
        let colours = [[200, 60, 60, 255], [60, 160, 90, 255], [230, 200, 80, 255]];
        let ground = [235, 235, 230, 255];
        let ours = painted(&CellRaster::new(80, 80, &cells), &colours.map(Some), ground);
        let mut theirs = tiny_skia::Pixmap::new(80, 80).unwrap();
        theirs.fill(tiny_skia::Color::from_rgba8(ground[0], ground[1], ground[2], 255));
        for (shape, colour) in cells.iter().zip(colours) {
            let mut pb = tiny_skia::PathBuilder::new();
            for ring in std::iter::once(shape.0[0].exterior()).chain(shape.0[0].interiors()) {
                pb.move_to(ring.0[0].x as f32, ring.0[0].y as f32);
                for c in &ring.0[1..] {
                    pb.line_to(c.x as f32, c.y as f32);
                }
                pb.close();
            }
            let mut paint = tiny_skia::Paint::default();
            paint.set_color_rgba8(colour[0], colour[1], colour[2], 255);
            let path = pb.finish().unwrap();
            theirs.fill_path(&path, &paint, tiny_skia::FillRule::EvenOdd, tiny_skia::Transform::identity(), None);
        }
        let mut differing = 0;
        for (a, b) in ours.iter().zip(theirs.data().chunks_exact(4)) {
            let worst = a.iter().zip(b).map(|(x, y)| x.abs_diff(*y)).max().unwrap();
            // Edge pixels: an exact area against sixteen samples, and no background
            // showing through where two cells meet.
            assert!(worst <= 72, "{a:?} against {b:?}");
            differing += usize::from(worst > 2);
        }
        // Only edge pixels differ: the edges are some 450 pixels long.
        assert!(differing < 500, "{differing} pixels differ");
        assert!(differing > 20, "the edges were drawn");
    }

    #[test]
    fn cells_beyond_the_frame_are_cut_and_wrong_sizes_refused() {
        let raster = CellRaster::new(10, 10, &[square(-5.0, -5.0, 5.0, 5.0)]);
        let px = painted(&raster, &[Some([9, 9, 9, 255])], [0, 0, 0, 255]);
        assert_eq!(px[0], [9, 9, 9, 255]);
        assert_eq!(px[4 * 10 + 4], [9, 9, 9, 255]);
        assert_eq!(px[6 * 10 + 6], [0, 0, 0, 255]);
        let mut small = vec![0u8; 4 * 9];
        assert!(!raster.paint(&mut small, &[Some([9, 9, 9, 255])]));
        let mut right = vec![0u8; 4 * 100];
        assert!(!raster.paint(&mut right, &[]), "a colour for every cell");
    }
}
