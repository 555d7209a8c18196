//! Tracing a labelled raster into cells with smooth, shared edges.
//!
//! A pixel boundary between two labels is a staircase. Each cell's ring instead runs
//! through the *midpoints* of its boundary's pixel edges, cutting every staircase corner:
//! steps become 45° lines and a shallow staircase becomes a straight run. A corner where
//! three or more labels meet (or two diagonally) keeps its grid vertex, so the cells around
//! it still close up without a gap. Both sides of a boundary go through the same midpoints,
//! so neighbouring cells share their vertices exactly and the topology needs no snapping.
//!
//! The traced edge lies within half a pixel of the pixel boundary, so the accuracy of a
//! boundary is the pixel size.

use geo::Coord;

use super::grid::Grid;
use super::topology::NONE;

/// Vertex ids handed out lazily over the grid's corners and edge midpoints.
struct Vertices<'g> {
    grid: &'g Grid,
    coords: Vec<Coord<f64>>,
    corner: Vec<u32>,
    horizontal: Vec<u32>,
    vertical: Vec<u32>,
}

impl Vertices<'_> {
    fn get(slot: &mut u32, coords: &mut Vec<Coord<f64>>, at: Coord<f64>) -> u32 {
        if *slot == NONE {
            *slot = coords.len() as u32;
            coords.push(at);
        }
        *slot
    }

    /// The grid corner (i, j).
    fn corner(&mut self, i: usize, j: usize) -> u32 {
        let g = self.grid;
        let at = Coord { x: g.origin.x + i as f64 * g.step, y: g.origin.y + j as f64 * g.step };
        Self::get(&mut self.corner[j * (g.nx + 1) + i], &mut self.coords, at)
    }

    /// The midpoint of the horizontal pixel edge from corner (i, j) to (i+1, j).
    fn horizontal(&mut self, i: usize, j: usize) -> u32 {
        let g = self.grid;
        let at = Coord { x: g.origin.x + (i as f64 + 0.5) * g.step, y: g.origin.y + j as f64 * g.step };
        Self::get(&mut self.horizontal[j * g.nx + i], &mut self.coords, at)
    }

    /// The midpoint of the vertical pixel edge from corner (i, j) to (i, j+1).
    fn vertical(&mut self, i: usize, j: usize) -> u32 {
        let g = self.grid;
        let at = Coord { x: g.origin.x + i as f64 * g.step, y: g.origin.y + (j as f64 + 0.5) * g.step };
        Self::get(&mut self.vertical[j * (g.nx + 1) + i], &mut self.coords, at)
    }
}

/// Which pixel edge at a corner: east, north, west or south of it.
#[derive(Clone, Copy)]
enum Arm {
    East,
    North,
    West,
    South,
}

/// Cells traced from a labelled raster.
#[derive(Debug, Clone)]
pub struct Traced {
    /// The shared vertex table.
    pub vertices: Vec<Coord<f64>>,
    /// Per vertex: whether it is the midpoint of a pixel edge, which lies on exactly one
    /// boundary between two cells (or a cell and nothing), so it may be dropped where it is
    /// collinear with its neighbours without the two sides parting.
    pub midpoint: Vec<bool>,
    /// Each cell's directed boundary edges, the cell on the left.
    pub edges: Vec<Vec<(u32, u32)>>,
}

/// How far (in raster steps) a thinned boundary may stray from the traced one. A quarter step
/// keeps the land within three quarters of a step of the allocation (the trace itself is within
/// half a step), and cannot make the two sides of a one-pixel sliver (at least ~0.7 step
/// apart) cross; it drops most of the staircase's vertices, which every day's merge, clip and
/// fill then no longer pay for.
pub const SIMPLIFY_STEPS: f64 = 0.25;

impl Traced {
    /// The shared-edge topology of the cells, each boundary between junctions thinned by
    /// Douglas–Peucker to within [`SIMPLIFY_STEPS`] of `step` (both cells keep the same
    /// vertices).
    pub fn into_tessellation(self, step: f64) -> super::topology::Tessellation {
        let (vertices, rings) = self.into_rings(step);
        super::topology::Tessellation::from_id_cells(vertices, rings)
    }

    /// The vertices and each cell's rings of vertex ids that [`Traced::into_tessellation`]
    /// builds its topology from.
    pub(crate) fn into_rings(self, step: f64) -> (Vec<geo::Coord<f64>>, Vec<super::topology::IdPolygons>) {
        let rings = super::topology::rings_from_cell_edges(
            &self.vertices,
            self.edges,
            Some((&self.midpoint, step * SIMPLIFY_STEPS)),
        );
        (self.vertices, rings)
    }
}

/// Traces `labels` (one per pixel of `grid`, `NONE` for no cell) into `cells` cells.
pub fn trace(grid: &Grid, labels: &[u32], cells: usize) -> Traced {
    let mut v = Vertices {
        grid,
        coords: Vec::new(),
        corner: vec![NONE; (grid.nx + 1) * (grid.ny + 1)],
        horizontal: vec![NONE; grid.nx * (grid.ny + 1)],
        vertical: vec![NONE; (grid.nx + 1) * grid.ny],
    };
    let mut edges: Vec<Vec<(u32, u32)>> = vec![Vec::new(); cells];
    let label = |i: i64, j: i64| -> u32 {
        if i < 0 || j < 0 || i >= grid.nx as i64 || j >= grid.ny as i64 {
            NONE
        } else {
            let l = labels[grid.index(i as usize, j as usize)];
            if (l as usize) < cells { l } else { NONE }
        }
    };
    for j in 0..=grid.ny {
        for i in 0..=grid.nx {
            let (ii, jj) = (i as i64, j as i64);
            let ne = label(ii, jj);
            let nw = label(ii - 1, jj);
            let sw = label(ii - 1, jj - 1);
            let se = label(ii, jj - 1);
            if ne == nw && nw == sw && sw == se {
                continue;
            }
            let mut distinct = [ne, nw, sw, se];
            distinct.sort_unstable();
            let kinds = 1 + distinct.windows(2).filter(|w| w[0] != w[1]).count();
            let checker = ne == sw && nw == se && ne != nw;
            let junction = kinds >= 3 || checker;
            // Per label at this corner, the boundary arm it arrives by and the one it leaves
            // by (cell on the left; see each pixel's counter-clockwise ring).
            let mut visits: Vec<(u32, Option<Arm>, Option<Arm>)> = Vec::with_capacity(4);
            let mut note = |l: u32, arrive: Option<Arm>, leave: Option<Arm>| {
                if l == NONE {
                    return;
                }
                visits.push((l, arrive, leave));
            };
            // NE pixel: its bottom edge leaves east, its left edge arrives from the north.
            note(ne, (nw != ne).then_some(Arm::North), (se != ne).then_some(Arm::East));
            // NW pixel: its right edge leaves north, its bottom edge arrives from the west.
            note(nw, (sw != nw).then_some(Arm::West), (ne != nw).then_some(Arm::North));
            // SW pixel: its top edge leaves west, its right edge arrives from the south.
            note(sw, (se != sw).then_some(Arm::South), (nw != sw).then_some(Arm::West));
            // SE pixel: its left edge leaves south, its top edge arrives from the east.
            note(se, (ne != se).then_some(Arm::East), (sw != se).then_some(Arm::South));
            let mid = |arm: Arm, v: &mut Vertices| match arm {
                Arm::East => v.horizontal(i, j),
                Arm::West => v.horizontal(i - 1, j),
                Arm::North => v.vertical(i, j),
                Arm::South => v.vertical(i, j - 1),
            };
            if junction {
                let c = v.corner(i, j);
                for (l, arrive, leave) in visits {
                    if let Some(a) = arrive {
                        let m = mid(a, &mut v);
                        edges[l as usize].push((m, c));
                    }
                    if let Some(b) = leave {
                        let m = mid(b, &mut v);
                        edges[l as usize].push((c, m));
                    }
                }
            } else {
                // Two labels, each arriving once and leaving once: cut the corner.
                let mut by_label: Vec<(u32, Option<Arm>, Option<Arm>)> = Vec::with_capacity(2);
                for (l, arrive, leave) in visits {
                    match by_label.iter_mut().find(|(k, _, _)| *k == l) {
                        Some(entry) => {
                            entry.1 = entry.1.or(arrive);
                            entry.2 = entry.2.or(leave);
                        }
                        None => by_label.push((l, arrive, leave)),
                    }
                }
                for (l, arrive, leave) in by_label {
                    if let (Some(a), Some(b)) = (arrive, leave) {
                        let (from, to) = (mid(a, &mut v), mid(b, &mut v));
                        edges[l as usize].push((from, to));
                    }
                }
            }
        }
    }
    let mut midpoint = vec![true; v.coords.len()];
    for &c in v.corner.iter().filter(|c| **c != NONE) {
        midpoint[c as usize] = false;
    }
    Traced { vertices: v.coords, midpoint, edges }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, BooleanOps, MultiPolygon, Validation};

    fn grid(nx: usize, ny: usize) -> Grid {
        Grid { origin: Coord { x: 0.0, y: 0.0 }, step: 10.0, nx, ny }
    }

    #[test]
    fn a_lone_pixel_is_a_diamond() {
        let g = Grid { step: 10.0, ..grid(3, 3) };
        let mut labels = vec![NONE; 9];
        labels[4] = 0;
        let t = trace(&g, &labels, 1).into_tessellation(g.step);
        // Corners cut: a diamond through the four edge midpoints, half the pixel.
        assert!((t.cell(0).unsigned_area() - 50.0).abs() < 1e-9);
    }

    #[test]
    fn cells_tile_without_gaps_and_share_edges() {
        // A ragged three-label pattern with a checkerboard corner.
        let rows = ["0001122", "0011122", "0101222", "1100222", "1112200"];
        let (nx, ny) = (rows[0].len(), rows.len());
        let g = grid(nx, ny);
        let mut labels = vec![NONE; nx * ny];
        for (r, row) in rows.iter().enumerate() {
            for (i, ch) in row.chars().enumerate() {
                labels[g.index(i, ny - 1 - r)] = ch.to_digit(10).unwrap();
            }
        }
        // As traced: only the outer corners are cut, the inside is tiled exactly.
        let traced = trace(&g, &labels, 3);
        let exact = super::super::topology::Tessellation::from_cell_edges(traced.vertices, traced.edges, None);
        let total: f64 = (0..3).map(|c| exact.cell(c).unsigned_area()).sum();
        let outer_cut = 4.0 * 12.5;
        assert!((total - 100.0 * (nx * ny) as f64 + outer_cut).abs() < 1e-6, "total {total}");
        // Thinned: still valid cells that overlap nowhere and leave no gap between them.
        let t = trace(&g, &labels, 3).into_tessellation(g.step);
        for c in 0..3 {
            assert!(t.cell(c).is_valid(), "cell {c}: {:?}", t.cell(c).validation_errors());
        }
        let cells: Vec<MultiPolygon<f64>> = (0..3).map(|c| t.cell(c).clone()).collect();
        let union = cells.iter().fold(MultiPolygon::new(vec![]), |acc, c| acc.union(c));
        let sum: f64 = cells.iter().map(|c| c.unsigned_area()).sum();
        assert!((union.unsigned_area() - sum).abs() < 1e-6, "overlap: union {} vs sum {sum}", union.unsigned_area());
        assert!(union.0.iter().all(|p| p.interiors().is_empty()), "a gap between cells");
        // Every inner edge has its twin.
        let inner = t.edges.iter().filter(|e| e.twin != NONE).count();
        assert!(inner > 0 && inner % 2 == 0);
    }
}
