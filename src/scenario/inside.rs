//! Point-in-shape tests for many points against one large shape, answered from a grid
//! where the grid can tell.

use geo::{BoundingRect, Contains, Coord, MultiPolygon, Rect};

/// Cells a side of the grid: a country's outline crosses a few hundred of its 16,384 cells.
const CELLS: usize = 128;

/// What a cell of an [`InsideIndex`] knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// The shape's outline comes near: only the full test can say.
    Edge,
    /// Wholly inside or wholly outside the shape, as one point of it (tested) is.
    Known(bool),
    /// Not yet classified (while the grid is built).
    Open,
}

/// A grid over a shape's bounding box, each cell either near the shape's outline or known
/// to lie wholly inside or wholly outside it. A point in a known cell needs no test
/// against the outline, which for a country's thousands of vertices took a good part of
/// `check` on 100,000 places.
#[derive(Debug, Clone)]
pub(crate) struct InsideIndex {
    bounds: Rect<f64>,
    cells: Vec<Cell>,
}

impl InsideIndex {
    /// The grid over `shape`; `None` for an empty or non-finite shape.
    pub(crate) fn new(shape: &MultiPolygon<f64>) -> Option<InsideIndex> {
        let bounds = shape.bounding_rect()?;
        let finite = [bounds.min().x, bounds.min().y, bounds.max().x, bounds.max().y].iter().all(|v| v.is_finite());
        if !finite || bounds.width() <= 0.0 || bounds.height() <= 0.0 {
            return None;
        }
        let mut index = InsideIndex { bounds, cells: vec![Cell::Open; CELLS * CELLS] };
        index.mark_edges(shape);
        index.classify(shape);
        Some(index)
    }

    /// Whether `shape` (the one the index was made for) contains `p`, exactly as
    /// [`Contains`] says.
    pub(crate) fn contains(&self, shape: &MultiPolygon<f64>, p: &Coord<f64>) -> bool {
        match self.cell_of(p).map(|(i, j)| self.cells[j * CELLS + i]) {
            Some(Cell::Known(inside)) => inside,
            _ => shape.contains(p),
        }
    }

    /// The column and row of the cell holding `p`, if `p` lies in the grid.
    fn cell_of(&self, p: &Coord<f64>) -> Option<(usize, usize)> {
        let (x, y) = self.grid_position(p);
        // Also false for NaN.
        let inside = (0.0..CELLS as f64).contains(&x) && (0.0..CELLS as f64).contains(&y);
        inside.then_some((x as usize, y as usize))
    }

    /// `p` in cell units from the grid's corner.
    fn grid_position(&self, p: &Coord<f64>) -> (f64, f64) {
        let min = self.bounds.min();
        ((p.x - min.x) / self.bounds.width() * CELLS as f64, (p.y - min.y) / self.bounds.height() * CELLS as f64)
    }

    /// Marks every cell the bounding box of an outline segment touches, widened by a cell
    /// on each side, so that rounding in [`InsideIndex::cell_of`] never puts a point on the
    /// far side of an edge into a cell called clear of it.
    fn mark_edges(&mut self, shape: &MultiPolygon<f64>) {
        let rings = shape.0.iter().flat_map(|polygon| std::iter::once(polygon.exterior()).chain(polygon.interiors()));
        for ring in rings {
            for segment in ring.lines() {
                let (a, b) = (self.grid_position(&segment.start), self.grid_position(&segment.end));
                let span = |lo: f64, hi: f64| {
                    let first = (lo.floor() - 1.0).clamp(0.0, CELLS as f64 - 1.0) as usize;
                    let last = (hi.floor() + 1.0).clamp(0.0, CELLS as f64 - 1.0) as usize;
                    first..=last
                };
                for j in span(a.1.min(b.1), a.1.max(b.1)) {
                    for i in span(a.0.min(b.0), a.0.max(b.0)) {
                        self.cells[j * CELLS + i] = Cell::Edge;
                    }
                }
            }
        }
    }

    /// Gives each group of neighbouring cells clear of the outline the answer of one point
    /// in it: no edge separates two points of such a group.
    fn classify(&mut self, shape: &MultiPolygon<f64>) {
        let mut stack = Vec::new();
        for start in 0..self.cells.len() {
            if self.cells[start] != Cell::Open {
                continue;
            }
            let known = Cell::Known(shape.contains(&self.centre(start)));
            self.cells[start] = known;
            stack.push(start);
            while let Some(k) = stack.pop() {
                let (i, j) = (k % CELLS, k / CELLS);
                let around = [
                    (i > 0).then(|| k - 1),
                    (i + 1 < CELLS).then(|| k + 1),
                    (j > 0).then(|| k - CELLS),
                    (j + 1 < CELLS).then(|| k + CELLS),
                ];
                for n in around.into_iter().flatten() {
                    if self.cells[n] == Cell::Open {
                        self.cells[n] = known;
                        stack.push(n);
                    }
                }
            }
        }
    }

    /// The centre of cell `k`.
    fn centre(&self, k: usize) -> Coord<f64> {
        let (i, j) = ((k % CELLS) as f64 + 0.5, (k / CELLS) as f64 + 0.5);
        let min = self.bounds.min();
        Coord { x: min.x + i / CELLS as f64 * self.bounds.width(), y: min.y + j / CELLS as f64 * self.bounds.height() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};
    use proptest::prelude::*;

    /// A star-like ring around (37, 34) with a square hole, so that the grid has inside,
    /// outside and hole cells.
    fn shape() -> MultiPolygon<f64> {
        let ring: Vec<Coord<f64>> = (0..=40)
            .map(|k| {
                let a = std::f64::consts::TAU * f64::from(k % 40) / 40.0;
                let r = if k % 2 == 0 { 2.0 } else { 1.3 };
                Coord { x: 37.0 + r * a.cos(), y: 34.0 + r * a.sin() }
            })
            .collect();
        let hole = LineString::from(vec![(36.8, 33.8), (37.2, 33.8), (37.2, 34.2), (36.8, 34.2), (36.8, 33.8)]);
        MultiPolygon(vec![Polygon::new(LineString(ring), vec![hole])])
    }

    #[test]
    fn most_cells_are_known() {
        let index = InsideIndex::new(&shape()).unwrap();
        let known = index.cells.iter().filter(|c| matches!(c, Cell::Known(_))).count();
        assert!(known > CELLS * CELLS / 2, "{known}");
        assert!(index.cells.contains(&Cell::Known(true)) && index.cells.contains(&Cell::Known(false)));
    }

    proptest! {
        #[test]
        fn the_index_agrees_with_the_full_test(x in 34.5f64..39.5, y in 31.5f64..36.5) {
            let shape = shape();
            let index = InsideIndex::new(&shape).unwrap();
            let p = Coord { x, y };
            prop_assert_eq!(index.contains(&shape, &p), shape.contains(&p));
        }
    }
}
