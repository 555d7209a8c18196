//! The raster the land is allocated on: square pixels over the land's bounding box, with
//! polygon filling and line walking (projected metres, x east, y north).

use geo::{Coord, MultiPolygon, Rect};

/// Square pixels of side `step` metres; pixel `(i, j)` covers
/// `[x0 + i·step, x0 + (i+1)·step] × [y0 + j·step, y0 + (j+1)·step]` (row `j` grows north).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    /// The south-west corner of pixel (0, 0).
    pub origin: Coord<f64>,
    /// The side of a pixel, metres.
    pub step: f64,
    /// Columns.
    pub nx: usize,
    /// Rows.
    pub ny: usize,
}

impl Grid {
    /// A grid over `bbox` (grown by one pixel all round, so that the land never touches the
    /// raster's edge) with about `long_side` pixels along its longer side. `None` for an empty
    /// or non-finite box.
    pub fn over(bbox: Rect<f64>, long_side: usize) -> Option<Grid> {
        let (w, h) = (bbox.width(), bbox.height());
        if !(w.is_finite() && h.is_finite()) || w.max(h) <= 0.0 {
            return None;
        }
        let step = w.max(h) / long_side.max(8) as f64;
        let origin = Coord { x: bbox.min().x - step, y: bbox.min().y - step };
        let nx = (w / step).ceil() as usize + 2;
        let ny = (h / step).ceil() as usize + 2;
        Some(Grid { origin, step, nx, ny })
    }

    /// Number of pixels.
    pub fn len(&self) -> usize {
        self.nx * self.ny
    }

    /// True for a grid without pixels.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The index of pixel (i, j).
    pub fn index(&self, i: usize, j: usize) -> usize {
        j * self.nx + i
    }

    /// The pixel holding a point, if it is on the grid.
    pub fn pixel_of(&self, c: Coord<f64>) -> Option<(usize, usize)> {
        let fx = (c.x - self.origin.x) / self.step;
        let fy = (c.y - self.origin.y) / self.step;
        if !(fx >= 0.0 && fy >= 0.0 && fx < self.nx as f64 && fy < self.ny as f64) {
            return None;
        }
        Some((fx as usize, fy as usize))
    }

    /// The centre of pixel (i, j).
    pub fn center(&self, i: usize, j: usize) -> Coord<f64> {
        Coord { x: self.origin.x + (i as f64 + 0.5) * self.step, y: self.origin.y + (j as f64 + 0.5) * self.step }
    }

    /// The area of one pixel, m².
    pub fn pixel_area(&self) -> f64 {
        self.step * self.step
    }

    /// Calls `hit(index)` for every pixel whose centre lies inside `polygons` (even-odd over
    /// all their rings, so holes and lakes stay out). Scanline filling: linear in the ring
    /// edges plus the pixels filled.
    pub fn fill(&self, polygons: &MultiPolygon<f64>, mut hit: impl FnMut(usize)) {
        let mut crossings: Vec<Vec<f64>> = vec![Vec::new(); self.ny];
        for poly in &polygons.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for w in ring.0.windows(2) {
                    self.add_crossings(w[0], w[1], &mut crossings);
                }
                // An unclosed ring closes itself.
                if let (Some(&first), Some(&last)) = (ring.0.first(), ring.0.last())
                    && first != last
                {
                    self.add_crossings(last, first, &mut crossings);
                }
            }
        }
        for (j, xs) in crossings.iter_mut().enumerate() {
            xs.sort_by(f64::total_cmp);
            for pair in xs.chunks_exact(2) {
                // Pixel centres x0 + (i + 0.5)·step inside [pair[0], pair[1]).
                let from = ((pair[0] - self.origin.x) / self.step - 0.5).ceil().max(0.0);
                let to = ((pair[1] - self.origin.x) / self.step - 0.5).ceil().min(self.nx as f64);
                if from < to {
                    for i in from as usize..to as usize {
                        hit(self.index(i, j));
                    }
                }
            }
        }
    }

    /// Where the segment a–b crosses the rows' centre lines.
    fn add_crossings(&self, a: Coord<f64>, b: Coord<f64>, crossings: &mut [Vec<f64>]) {
        if !(a.x.is_finite() && a.y.is_finite() && b.x.is_finite() && b.y.is_finite()) || a.y == b.y {
            return;
        }
        let (lo, hi) = if a.y < b.y { (a, b) } else { (b, a) };
        // Rows whose centre y is in [lo.y, hi.y): half-open so a vertex counts once.
        let first = ((lo.y - self.origin.y) / self.step - 0.5).ceil().max(0.0);
        let last = ((hi.y - self.origin.y) / self.step - 0.5).ceil().min(self.ny as f64);
        if !(first < last) {
            return;
        }
        for j in first as usize..last as usize {
            let y = self.origin.y + (j as f64 + 0.5) * self.step;
            let t = (y - lo.y) / (hi.y - lo.y);
            crossings[j].push(lo.x + t * (hi.x - lo.x));
        }
    }

    /// Calls `hit(index)` for every pixel the segment a–b passes through, in order. The
    /// pixels form a 4-connected chain, so no diagonal step between two pixels can slip
    /// across the line (Amanatides and Woo's grid walk).
    pub fn walk(&self, a: Coord<f64>, b: Coord<f64>, mut hit: impl FnMut(usize)) {
        if !(a.x.is_finite() && a.y.is_finite() && b.x.is_finite() && b.y.is_finite()) {
            return;
        }
        let to_grid = |c: Coord<f64>| ((c.x - self.origin.x) / self.step, (c.y - self.origin.y) / self.step);
        let (ax, ay) = to_grid(a);
        let (bx, by) = to_grid(b);
        // Far off the raster (or absurd): nothing to walk, and the integer steps below
        // would overflow.
        if [ax, ay, bx, by].iter().any(|v| v.abs() > 1e8) {
            return;
        }
        let (mut i, mut j) = (ax.floor() as i64, ay.floor() as i64);
        let (ei, ej) = (bx.floor() as i64, by.floor() as i64);
        let (dx, dy) = (bx - ax, by - ay);
        let step_i: i64 = if dx > 0.0 { 1 } else { -1 };
        let step_j: i64 = if dy > 0.0 { 1 } else { -1 };
        let t_delta_x = if dx != 0.0 { (1.0 / dx).abs() } else { f64::INFINITY };
        let t_delta_y = if dy != 0.0 { (1.0 / dy).abs() } else { f64::INFINITY };
        // How far along the segment (0..1) it first leaves its starting pixel on one axis.
        let first_exit = |cell: i64, from: f64, d: f64| {
            if d > 0.0 {
                ((cell + 1) as f64 - from) / d
            } else if d < 0.0 {
                (cell as f64 - from) / d
            } else {
                f64::INFINITY
            }
        };
        let mut t_max_x = first_exit(i, ax, dx);
        let mut t_max_y = first_exit(j, ay, dy);
        let (nx, ny) = (self.nx as i64, self.ny as i64);
        // The walk visits |ei - i| + |ej - j| + 1 pixels; a bound guards against a runaway.
        let bound = (ei - i).abs() + (ej - j).abs() + 1;
        for _ in 0..bound {
            if i >= 0 && j >= 0 && i < nx && j < ny {
                hit(self.index(i as usize, j as usize));
            }
            if i == ei && j == ej {
                break;
            }
            if t_max_x < t_max_y {
                t_max_x += t_delta_x;
                i += step_i;
            } else {
                t_max_y += t_delta_y;
                j += step_j;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};

    fn one(polygon: &Polygon<f64>) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![polygon.clone()])
    }

    fn grid() -> Grid {
        Grid { origin: Coord { x: 0.0, y: 0.0 }, step: 1.0, nx: 10, ny: 10 }
    }

    #[test]
    fn fill_counts_centres_inside() {
        let square =
            Polygon::new(LineString::from(vec![(2.0, 2.0), (6.0, 2.0), (6.0, 5.0), (2.0, 5.0), (2.0, 2.0)]), vec![]);
        let mut n = 0;
        grid().fill(&one(&square), |_| n += 1);
        assert_eq!(n, 12); // 4 × 3 pixel centres
    }

    #[test]
    fn fill_leaves_holes_out() {
        let outer = LineString::from(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]);
        let hole = LineString::from(vec![(3.0, 3.0), (3.0, 7.0), (7.0, 7.0), (7.0, 3.0), (3.0, 3.0)]);
        let mut n = 0;
        grid().fill(&one(&Polygon::new(outer, vec![hole])), |_| n += 1);
        assert_eq!(n, 100 - 16);
    }

    #[test]
    fn walk_is_four_connected() {
        let g = grid();
        let mut cells = Vec::new();
        g.walk(Coord { x: 0.5, y: 0.5 }, Coord { x: 8.7, y: 6.2 }, |k| cells.push(k));
        assert_eq!(cells.first(), Some(&g.index(0, 0)));
        assert_eq!(cells.last(), Some(&g.index(8, 6)));
        for w in cells.windows(2) {
            let (a, b) = (w[0] as i64, w[1] as i64);
            let (ai, aj, bi, bj) = (a % 10, a / 10, b % 10, b / 10);
            assert_eq!((ai - bi).abs() + (aj - bj).abs(), 1, "{a} -> {b} is not a 4-step");
        }
    }

    #[test]
    fn odd_input_is_harmless() {
        let g = grid();
        g.walk(Coord { x: f64::NAN, y: 0.0 }, Coord { x: 1.0, y: 1.0 }, |_| panic!("no pixel"));
        let mut n = 0;
        g.walk(Coord { x: -50.0, y: -50.0 }, Coord { x: 50.0, y: 50.0 }, |_| n += 1);
        assert!(n > 0 && n <= 20);
        assert!(Grid::over(Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 0.0, y: 0.0 }), 100).is_none());
    }
}
