//! Cost allocation: which place each bit of land belongs to.
//!
//! The land is rasterised on a [`Grid`]; every place grows over it from its position at the
//! same speed (a multi-source Dijkstra over the 8 neighbours of each pixel), so each pixel
//! goes to the place it is cheapest to reach. Distances are true (the projection is equal-area
//! and nearly conformal over a country), and three things make them know the land:
//!
//! - **Barriers** (rivers, lakes, a line of contact): entering a pixel a barrier passes
//!   through costs its `cost` in metres on top of the step, so a place's land stops at a
//!   river unless nobody is nearer on the far bank. Barrier lines are walked 4-connected, so
//!   no diagonal step slips across.
//! - **Borders**: only pixels of the focus land are walked, so no cell crosses an
//!   international border the outline closes, and land across a bay is reached around it.
//! - **Fixed land** (zones, areas that carry control themselves) is kept out of the growth
//!   and labelled apart.
//!
//! Every pixel also keeps its cost distance, and how settled it is (see [`settlement`]), so
//! the caller can tell the land within reach of places (held) from the land beyond that is
//! only nearest to one (thinly held). The cost is one linear growth over the land pixels and
//! a bump stamped around each place; the result is computed once per scenario.

use geo::{Coord, LineString, MultiPolygon};

use super::grid::Grid;
use super::topology::NONE;

/// A place that grows over the land.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Source {
    /// Its position, projected metres.
    pub position: Coord<f64>,
    /// How far it holds the land around it, metres (see [`Allocation::settled`]).
    pub reach: f64,
}

/// A line that is costly to cross: a river, a lake's centreline, a ridge or a line of contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Barrier {
    /// The line, projected metres.
    pub line: LineString<f64>,
    /// What crossing it costs, in metres of travel (`f64::INFINITY`: never crossed).
    pub cost: f64,
}

/// The allocation of every pixel of the land.
#[derive(Debug, Clone)]
pub struct Allocation {
    /// The raster.
    pub grid: Grid,
    /// Per pixel: whether its centre is on the land.
    pub land: Vec<bool>,
    /// Per pixel: the fixed polygon it is in (first one wins), or `NONE`.
    pub fixed: Vec<u32>,
    /// Per pixel: the source it went to, or `NONE` (off the land, fixed, or out of reach of
    /// every source: land no path reaches).
    pub source: Vec<u32>,
    /// Per pixel: the cost of reaching it from its source, metres (infinite when unreached).
    pub cost: Vec<f64>,
    /// Per pixel: how settled the land is, from the places around it (see [`settlement`]):
    /// positive within the reach of a place, or between places near enough to each other;
    /// negative in land nobody is near, only nearest to someone.
    pub settled: Vec<f32>,
}

/// How far from its position a source may be seeded when its own pixel is off the land, on
/// a barrier, fixed or taken by another source: at least this many pixels...
const SEED_SEARCH_PIXELS: i64 = 3;
/// ...or this many metres, whichever is more.
const SEED_SEARCH_M: f64 = 5_000.0;

impl Allocation {
    /// Allocates `land` to `sources` on a grid of about `long_side` pixels along the land's
    /// longer side. `fixed` polygons are labelled and kept out of the growth. A source that
    /// cannot be seeded within a few pixels of its position (far off the land, or a duplicate
    /// with no free pixel near it) gets no land. Never panics; with no land every pixel is
    /// `NONE`.
    pub fn compute(
        land: &MultiPolygon<f64>,
        sources: &[Source],
        barriers: &[Barrier],
        fixed: &[MultiPolygon<f64>],
        partitions: &[MultiPolygon<f64>],
        long_side: usize,
    ) -> Allocation {
        let bbox = super::geometry::bbox_of(
            land.0.iter().flat_map(|p| p.exterior().coords().copied()).filter(|c| c.x.is_finite() && c.y.is_finite()),
        );
        let Some(grid) = bbox.and_then(|b| Grid::over(b, long_side)) else {
            let grid = Grid { origin: Coord::zero(), step: 1.0, nx: 0, ny: 0 };
            let (land, fixed, source, cost, settled) = Default::default();
            return Allocation { grid, land, fixed, source, cost, settled };
        };
        let n = grid.len();
        let mut on_land = vec![false; n];
        grid.fill(land, |k| on_land[k] = true);
        let mut fixed_of = vec![NONE; n];
        for (f, shape) in fixed.iter().enumerate() {
            grid.fill(shape, |k| {
                if on_land[k] && fixed_of[k] == NONE {
                    fixed_of[k] = f as u32;
                }
            });
        }
        // Which partition each pixel is in (first one wins; `NONE`: the open land). Growth never
        // crosses from one partition to another, so an area's land goes to its own places.
        let mut part = vec![NONE; n];
        for (a, shape) in partitions.iter().enumerate() {
            grid.fill(shape, |k| {
                if part[k] == NONE {
                    part[k] = a as u32;
                }
            });
        }
        // The dearest barrier through each pixel.
        let mut toll = vec![0f32; n];
        for b in barriers {
            // A toll dearer than crossing the whole raster twice over never changes which
            // way is cheaper round, and keeps the growth's queue small.
            let cap = 2.0 * (grid.nx + grid.ny) as f64 * grid.step;
            let cost = if b.cost.is_nan() { 0.0 } else { b.cost.clamp(0.0, cap) as f32 };
            for w in b.line.0.windows(2) {
                grid.walk(w[0], w[1], |k| toll[k] = toll[k].max(cost));
            }
        }

        let mut source = vec![NONE; n];
        let mut cost = vec![f64::INFINITY; n];
        // Seeds: (starting cost, pixel).
        let mut seeds: Vec<(f64, u32)> = Vec::with_capacity(sources.len());
        let walkable = |k: usize, source: &[u32]| on_land[k] && fixed_of[k] == NONE && source[k] == NONE;
        for (s, src) in sources.iter().enumerate() {
            if let Some(k) = seed_pixel(&grid, src.position, |k| walkable(k, &source) && toll[k] == 0.0)
                .or_else(|| seed_pixel(&grid, src.position, |k| walkable(k, &source)))
            {
                source[k] = s as u32;
                cost[k] = 0.0;
                seeds.push((0.0, k as u32));
            }
        }

        // Per pixel: the partition it is walked in, or `BLOCKED` off the land and on fixed
        // land: one lookup per move decides both.
        let walk: Vec<u32> = (0..n)
            .map(|m| if on_land[m] && fixed_of[m] == NONE { part[m].min(BLOCKED - 1) } else { BLOCKED })
            .collect();
        grow(&grid, &walk, &toll, &mut source, &mut cost, &seeds, f64::INFINITY);
        let seeded: Vec<bool> = {
            let mut seeded = vec![false; sources.len()];
            for &(_, k) in &seeds {
                seeded[source[k as usize] as usize] = true;
            }
            seeded
        };
        let settled = settlement(&grid, sources, &seeded);
        Allocation { grid, land: on_land, fixed: fixed_of, source, cost, settled }
    }
}

/// The field of settled land that tells held land from thinly held land: each place (a
/// `seeded` source of finite, positive reach `r`) adds a smooth bump `(1 − d²/R²)²` that falls
/// to 0 at `R = r·√2`, and the land is settled where the bumps add up to at least a quarter.
/// Returned per pixel: the sum less a quarter.
///
/// Why bumps and not "within the reach of some place" (a union of discs): the union shows
/// every place's disc as a bubble, and the grid's distances made them octagons. Around one
/// place alone the bumps give the same disc (radius `r`, where `(1 − 1/2)² = 1/4`); where
/// places stand closer than about 2.3 reaches apart their land joins in one smooth shape,
/// as the settled land of a valley or a plain does. It is straight-line distance: the cells,
/// not this field, keep rivers and borders.
fn settlement(grid: &Grid, sources: &[Source], seeded: &[bool]) -> Vec<f32> {
    const THRESHOLD: f32 = 0.25;
    let mut field = vec![0f32; grid.len()];
    for (src, _) in sources.iter().zip(seeded).filter(|(s, seeded)| **seeded && s.reach.is_finite() && s.reach > 0.0) {
        let support = src.reach * std::f64::consts::SQRT_2;
        let (fx, fy) = ((src.position.x - grid.origin.x) / grid.step, (src.position.y - grid.origin.y) / grid.step);
        let r = support / grid.step;
        if !(fx.is_finite() && fy.is_finite() && r.is_finite()) {
            continue;
        }
        let j0 = (fy - r).floor().max(0.0) as usize;
        let j1 = ((fy + r).ceil().max(0.0) as usize).min(grid.ny);
        let i0 = (fx - r).floor().max(0.0) as usize;
        let i1 = ((fx + r).ceil().max(0.0) as usize).min(grid.nx);
        let inverse = 1.0 / (r * r);
        for j in j0..j1 {
            let dy = j as f64 + 0.5 - fy;
            for i in i0..i1 {
                let dx = i as f64 + 0.5 - fx;
                let x = (dx * dx + dy * dy) * inverse;
                if x < 1.0 {
                    field[grid.index(i, j)] += ((1.0 - x) * (1.0 - x)) as f32;
                }
            }
        }
    }
    for v in &mut field {
        *v -= THRESHOLD;
    }
    field
}

/// Marks a pixel that is never walked (see `walk` in [`grow`]).
const BLOCKED: u32 = u32::MAX;

/// Multi-source Dijkstra over the 8 neighbours of each pixel: from the `seeds` (starting
/// cost, pixel), grows `owner` and `cost` over the pixels whose `walk` partition is the one of
/// the pixel it comes from (never over `BLOCKED` ones), entering a pixel costing its step plus its `toll`, and no farther than
/// a cost of `limit`.
///
/// The queue is a ring of buckets one pixel step wide (Dial's algorithm): every move costs at
/// least a step, so no pixel can improve another of its own bucket, and taking buckets in
/// order settles every pixel at the cost a binary heap would (ties may go either way), in
/// linear time.
#[allow(clippy::too_many_arguments)]
fn grow(
    grid: &Grid,
    walk: &[u32],
    toll: &[f32],
    owner: &mut [u32],
    cost: &mut [f64],
    seeds: &[(f64, u32)],
    limit: f64,
) {
    let width = grid.step;
    let diagonal = grid.step * std::f64::consts::SQRT_2;
    let row = grid.nx as isize;
    let moves: [(isize, f64); 8] = [
        (1, grid.step),
        (-1, grid.step),
        (row, grid.step),
        (-row, grid.step),
        (row + 1, diagonal),
        (row - 1, diagonal),
        (-row + 1, diagonal),
        (-row - 1, diagonal),
    ];
    let bucket_of = |c: f64| (c / width) as u64;
    let max_toll = toll.iter().copied().fold(0f32, f32::max) as f64;
    let first = seeds.iter().map(|s| bucket_of(s.0)).min().unwrap_or(0);
    let last_seed = seeds.iter().map(|s| bucket_of(s.0)).max().unwrap_or(0);
    // The ring must hold every key alive at once: the seeds' spread, or one move ahead.
    let span = (last_seed - first).max(((diagonal + max_toll) / width).ceil() as u64 + 1) + 2;
    let mut ring: Vec<Vec<u32>> = vec![Vec::new(); span as usize];
    let mut pending = 0usize;
    for &(c, k) in seeds {
        ring[(bucket_of(c) % span) as usize].push(k);
        pending += 1;
    }
    let mut current = first;
    let mut batch: Vec<u32> = Vec::new();
    while pending > 0 {
        let slot = (current % span) as usize;
        std::mem::swap(&mut batch, &mut ring[slot]);
        pending -= batch.len();
        for &k in &batch {
            let k = k as usize;
            let here = cost[k];
            if bucket_of(here) != current {
                continue; // a stale entry: the pixel was reached more cheaply since
            }
            let who = owner[k];
            let zone = walk[k];
            // The raster has a margin of one pixel off the land, so every neighbour of a
            // walked pixel is on the raster.
            for &(offset, len) in &moves {
                let m = k.wrapping_add_signed(offset);
                if walk.get(m) != Some(&zone) {
                    continue;
                }
                let next = here + len + toll[m] as f64;
                if next < cost[m] && next <= limit {
                    cost[m] = next;
                    owner[m] = who;
                    ring[(bucket_of(next) % span) as usize].push(m as u32);
                    pending += 1;
                }
            }
        }
        batch.clear();
        current += 1;
    }
}

/// The pixel nearest to `at` (by centre) that `ok` accepts, within the seed search radius.
fn seed_pixel(grid: &Grid, at: Coord<f64>, ok: impl Fn(usize) -> bool) -> Option<usize> {
    if !(at.x.is_finite() && at.y.is_finite()) {
        return None;
    }
    let fi = ((at.x - grid.origin.x) / grid.step).floor();
    let fj = ((at.y - grid.origin.y) / grid.step).floor();
    let radius = SEED_SEARCH_PIXELS.max((SEED_SEARCH_M / grid.step).ceil() as i64);
    if !(fi > -(radius as f64)
        && fj > -(radius as f64)
        && fi < (grid.nx as i64 + radius) as f64
        && fj < (grid.ny as i64 + radius) as f64)
    {
        return None;
    }
    let (ci, cj) = (fi as i64, fj as i64);
    if ci >= 0 && cj >= 0 && (ci as usize) < grid.nx && (cj as usize) < grid.ny {
        let k = grid.index(ci as usize, cj as usize);
        if ok(k) {
            return Some(k);
        }
    }
    let mut best: Option<(f64, usize)> = None;
    for j in (cj - radius).max(0)..=(cj + radius).min(grid.ny as i64 - 1) {
        for i in (ci - radius).max(0)..=(ci + radius).min(grid.nx as i64 - 1) {
            let k = grid.index(i as usize, j as usize);
            let c = grid.center(i as usize, j as usize);
            let d = (c.x - at.x).powi(2) + (c.y - at.y).powi(2);
            if d <= (radius as f64 * grid.step).powi(2) && best.is_none_or(|(bd, _)| d < bd) && ok(k) {
                best = Some((d, k));
            }
        }
    }
    best.map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};

    fn square(size: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![Polygon::new(
            LineString::from(vec![(0.0, 0.0), (size, 0.0), (size, size), (0.0, size), (0.0, 0.0)]),
            vec![],
        )])
    }

    fn owner_at(a: &Allocation, x: f64, y: f64) -> u32 {
        let (i, j) = a.grid.pixel_of(Coord { x, y }).expect("on the grid");
        a.source[a.grid.index(i, j)]
    }

    #[test]
    fn nearest_source_wins_on_open_land() {
        let sources = [
            Source { reach: 10_000.0, position: Coord { x: 20_000.0, y: 50_000.0 } },
            Source { reach: 10_000.0, position: Coord { x: 80_000.0, y: 50_000.0 } },
        ];
        let a = Allocation::compute(&square(100_000.0), &sources, &[], &[], &[], 200);
        assert_eq!(owner_at(&a, 45_000.0, 50_000.0), 0);
        assert_eq!(owner_at(&a, 55_000.0, 50_000.0), 1);
        assert_eq!(owner_at(&a, 45_000.0, 5_000.0), 0);
    }

    /// How settled the pixel at (x, y) metres is.
    fn settled_at(a: &Allocation, x: f64, y: f64) -> f32 {
        let (i, j) = a.grid.pixel_of(Coord { x, y }).expect("on the grid");
        a.settled[a.grid.index(i, j)]
    }

    #[test]
    fn places_near_each_other_settle_the_land_between_them() {
        // Two villages of 10 km reach, 21 km apart: the midpoint is beyond both reaches (a
        // union of discs leaves a gap), but their land joins; 12 km off the line between
        // them it does not, and around each the disc of its reach is settled.
        let at = |x: f64| Source { reach: 10_000.0, position: Coord { x, y: 50_000.0 } };
        let a = Allocation::compute(&square(100_000.0), &[at(39_500.0), at(60_500.0)], &[], &[], &[], 400);
        assert!(settled_at(&a, 50_000.0, 50_000.0) > 0.0, "the land between them is settled");
        assert!(settled_at(&a, 50_000.0, 62_000.0) < 0.0, "12 km off the line it is not");
        assert!(settled_at(&a, 39_500.0, 59_000.0) > 0.0, "9 km from one, in its reach");
        assert!(settled_at(&a, 20_000.0, 50_000.0) < 0.0, "19.5 km out, beyond it");
        // One village alone settles the disc of its reach, and no more: the boundary is a
        // circle, not the grid's octagon (whose distances are 8% long at 22.5°).
        let lone = Allocation::compute(&square(100_000.0), &[at(50_000.0)], &[], &[], &[], 400);
        let (c, s) = (22.5f64.to_radians().cos() * 10_000.0, 22.5f64.to_radians().sin() * 10_000.0);
        for (dx, dy) in [(9_600.0, 0.0), (0.0, 9_600.0), (c * 0.96, s * 0.96), (-s * 0.96, c * 0.96)] {
            assert!(settled_at(&lone, 50_000.0 + dx, 50_000.0 + dy) > 0.0, "({dx}, {dy}) is inside");
        }
        for (dx, dy) in [(10_400.0, 0.0), (0.0, -10_400.0), (c * 1.04, s * 1.04)] {
            assert!(settled_at(&lone, 50_000.0 + dx, 50_000.0 + dy) < 0.0, "({dx}, {dy}) is outside");
        }
    }

    #[test]
    fn a_river_holds_the_line() {
        // A river at x = 50 km; a source on the west bank 10 km from it, one on the east
        // bank 40 km from it. Without the river the west source would reach 25 km east of it.
        let sources = [
            Source { reach: 10_000.0, position: Coord { x: 40_000.0, y: 50_000.0 } },
            Source { reach: 10_000.0, position: Coord { x: 90_000.0, y: 50_000.0 } },
        ];
        let river =
            Barrier { line: LineString::from(vec![(50_000.0, -1_000.0), (50_000.0, 101_000.0)]), cost: 100_000.0 };
        let free = Allocation::compute(&square(100_000.0), &sources, &[], &[], &[], 200);
        assert_eq!(owner_at(&free, 60_000.0, 50_000.0), 0);
        let walled = Allocation::compute(&square(100_000.0), &sources, &[river], &[], &[], 200);
        assert_eq!(owner_at(&walled, 52_000.0, 50_000.0), 1);
        assert_eq!(owner_at(&walled, 52_000.0, 2_000.0), 1);
        assert_eq!(owner_at(&walled, 48_000.0, 95_000.0), 0);
    }

    #[test]
    fn fixed_land_is_kept_out() {
        let zone = square(30_000.0);
        let a = Allocation::compute(
            &square(100_000.0),
            &[Source { reach: 10_000.0, position: Coord { x: 90_000.0, y: 90_000.0 } }],
            &[],
            &[zone],
            &[],
            100,
        );
        let (i, j) = a.grid.pixel_of(Coord { x: 10_000.0, y: 10_000.0 }).unwrap();
        assert_eq!(a.fixed[a.grid.index(i, j)], 0);
        assert_eq!(a.source[a.grid.index(i, j)], NONE);
        assert_eq!(owner_at(&a, 50_000.0, 10_000.0), 0);
    }

    #[test]
    fn an_area_goes_to_its_own_places() {
        // A district (the east 30 km) with one place deep inside it; a place just west of
        // its border would otherwise take the district's western half.
        let district = MultiPolygon::new(vec![geo::Polygon::new(
            LineString::from(vec![
                (70_000.0, 0.0),
                (100_000.0, 0.0),
                (100_000.0, 100_000.0),
                (70_000.0, 100_000.0),
                (70_000.0, 0.0),
            ]),
            vec![],
        )]);
        let sources = [
            Source { reach: 10_000.0, position: Coord { x: 65_000.0, y: 50_000.0 } },
            Source { reach: 10_000.0, position: Coord { x: 95_000.0, y: 50_000.0 } },
        ];
        let open = Allocation::compute(&square(100_000.0), &sources, &[], &[], &[], 200);
        assert_eq!(owner_at(&open, 75_000.0, 50_000.0), 0);
        let parted = Allocation::compute(&square(100_000.0), &sources, &[], &[], &[district], 200);
        assert_eq!(owner_at(&parted, 75_000.0, 50_000.0), 1);
        assert_eq!(owner_at(&parted, 71_000.0, 5_000.0), 1);
        assert_eq!(owner_at(&parted, 68_000.0, 50_000.0), 0);
    }

    #[test]
    fn duplicates_and_strays_do_not_panic() {
        let p = Coord { x: 50_000.0, y: 50_000.0 };
        let sources = [
            Source { reach: 10_000.0, position: p },
            Source { reach: 10_000.0, position: p },
            Source { reach: 10_000.0, position: Coord { x: f64::NAN, y: 0.0 } },
            Source { reach: 10_000.0, position: Coord { x: 1e300, y: -1e300 } },
        ];
        let a = Allocation::compute(&square(100_000.0), &sources, &[], &[], &[], 50);
        // The duplicate is seeded next door, so it keeps a little land of its own.
        assert!(a.source.contains(&1));
        assert!(!a.source.contains(&2) && !a.source.contains(&3));
        let empty = Allocation::compute(&MultiPolygon::new(vec![]), &sources, &[], &[], &[], 50);
        assert!(empty.source.is_empty());
    }
}
