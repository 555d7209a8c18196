//! Turning geo geometries in frame pixels into what plotters can draw.

use crate::raster::clip_polyline;
use geo::{BooleanOps, BoundingRect, Coord, LineString, MultiLineString, MultiPolygon, Polygon, Rect, Winding};

/// Clips polygons to a rectangle. plotters' own bitmap backend clamps points outside the
/// canvas onto its edge, smearing shapes along it; clipping first keeps every backend
/// honest.
pub fn clip_polygons(shape: &MultiPolygon<f64>, view: Rect<f64>) -> MultiPolygon<f64> {
    match shape.bounding_rect() {
        None => MultiPolygon(Vec::new()),
        Some(b) if inside(b, view) => shape.clone(),
        Some(b) if !overlaps(b, view) => MultiPolygon(Vec::new()),
        Some(_) => shape.intersection(&view.to_polygon()),
    }
}

/// Clips lines to a rectangle.
pub fn clip_lines(lines: &MultiLineString<f64>, view: Rect<f64>) -> MultiLineString<f64> {
    match lines.bounding_rect() {
        None => MultiLineString(Vec::new()),
        Some(b) if inside(b, view) => lines.clone(),
        Some(b) if !overlaps(b, view) => MultiLineString(Vec::new()),
        // Segment by segment (Liang-Barsky): a general clip costs ten times as much and
        // snaps the points to its grid.
        Some(_) => {
            let r = [view.min().x, view.min().y, view.max().x, view.max().y];
            let pieces = lines.0.iter().flat_map(|line| {
                let points: Vec<(f64, f64)> = line.0.iter().map(|c| (c.x, c.y)).collect();
                clip_polyline(&points, false, r)
            });
            MultiLineString(pieces.map(|piece| piece.into_iter().map(Coord::from).collect()).collect())
        }
    }
}

/// A dashed circle around `centre`: `dashes` arcs of `radius`, each half of its share of
/// the turn, as short polylines. The edge of a marker held on claims alone.
pub fn dashed_ring(centre: Coord<f64>, radius: f64, dashes: usize) -> Vec<LineString<f64>> {
    let step = std::f64::consts::TAU / dashes.max(1) as f64;
    (0..dashes.max(1))
        .map(|i| {
            let start = i as f64 * step;
            LineString(
                (0..=4)
                    .map(|k| {
                        let a = start + step * 0.5 * k as f64 / 4.0;
                        Coord { x: centre.x + radius * a.cos(), y: centre.y + radius * a.sin() }
                    })
                    .collect(),
            )
        })
        .collect()
}

fn inside(b: Rect<f64>, view: Rect<f64>) -> bool {
    b.min().x >= view.min().x && b.min().y >= view.min().y && b.max().x <= view.max().x && b.max().y <= view.max().y
}

fn overlaps(b: Rect<f64>, view: Rect<f64>) -> bool {
    b.min().x <= view.max().x && b.max().x >= view.min().x && b.min().y <= view.max().y && b.max().y >= view.min().y
}

/// One closed outline for a polygon with holes, for backends that fill a single ring with
/// the non-zero rule (plotters' `fill_polygon`, SVG's default): each hole is walked in
/// the opposite direction to the exterior and joined to it by a zero-width bridge that is
/// walked once each way, so the bridge cancels out and the hole stays empty.
pub fn keyhole_ring(polygon: &Polygon<f64>) -> Vec<Coord<f64>> {
    let exterior = polygon.exterior();
    let mut ring: Vec<Coord<f64>> = exterior.0.clone();
    if ring.len() < 3 {
        return Vec::new();
    }
    let start = ring[0];
    let exterior_ccw = exterior.is_ccw();
    for hole in polygon.interiors() {
        if hole.0.len() < 3 {
            continue;
        }
        let mut points = hole.0.clone();
        if hole.is_ccw() == exterior_ccw {
            points.reverse();
        }
        ring.extend(points.iter().copied());
        ring.push(points[0]);
        ring.push(start);
    }
    ring
}

/// Parallel diagonal lines `spacing` apart covering `shape`, clipped to it: the hatching
/// that shows a contested place.
pub fn hatch(shape: &MultiPolygon<f64>, spacing: f64) -> MultiLineString<f64> {
    let Some(b) = shape.bounding_rect() else {
        return MultiLineString(Vec::new());
    };
    if spacing <= 0.0 || !spacing.is_finite() {
        return MultiLineString(Vec::new());
    }
    // Lines x - y = c, at 45°, on a grid anchored at 0 so neighbouring cells line up.
    let (lo, hi) = (b.min().x - b.max().y, b.max().x - b.min().y);
    let first = (lo / spacing).floor() as i64;
    let last = (hi / spacing).ceil() as i64;
    let lines: Vec<LineString<f64>> = (first..=last)
        .map(|k| {
            let c = k as f64 * spacing;
            let (y0, y1) = (b.min().y - 1.0, b.max().y + 1.0);
            LineString(vec![Coord { x: y0 + c, y: y0 }, Coord { x: y1 + c, y: y1 }])
        })
        .collect();
    shape.clip(&MultiLineString(lines), false)
}

/// Dots on a staggered grid `spacing` apart (anchored at 0, so neighbouring shapes line
/// up) that fall inside `shape`: the stipple over assessed areas.
pub fn stipple(shape: &MultiPolygon<f64>, spacing: f64) -> Vec<Coord<f64>> {
    let Some(b) = shape.bounding_rect() else {
        return Vec::new();
    };
    if spacing <= 0.0 || !spacing.is_finite() {
        return Vec::new();
    }
    // Rows of the grid, cut by the shape's edges: each row's crossings, in order, pair up
    // into the runs inside the shape (even-odd; the areas' polygons do not overlap). An
    // edge crosses the rows from its lower end up to, not including, its upper end, so a
    // vertex on a row counts once. Found edge by edge, this costs the edges and the
    // crossings, not rows times edges, nor a general clip (a tenth of a frame's time).
    let (first, last) = ((b.min().y / spacing).ceil() as i64, (b.max().y / spacing).floor() as i64);
    if last < first {
        return Vec::new();
    }
    let mut crossings: Vec<Vec<f64>> = vec![Vec::new(); (last - first + 1) as usize];
    let rings = shape.0.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
    for edge in rings.flat_map(|ring| ring.lines()) {
        let (low, high) = if edge.start.y <= edge.end.y { (edge.start, edge.end) } else { (edge.end, edge.start) };
        if low.y == high.y {
            continue;
        }
        let from = ((low.y / spacing).ceil() as i64).max(first);
        let to = (((high.y / spacing).ceil() as i64) - 1).min(last);
        for k in from..=to {
            let y = k as f64 * spacing;
            if y < low.y || y >= high.y {
                continue;
            }
            crossings[(k - first) as usize].push(low.x + (y - low.y) * (high.x - low.x) / (high.y - low.y));
        }
    }
    let mut dots = Vec::new();
    for (k, xs) in (first..).zip(&mut crossings) {
        xs.sort_unstable_by(f64::total_cmp);
        let y = k as f64 * spacing;
        let offset = if k.rem_euclid(2) == 1 { spacing / 2.0 } else { 0.0 };
        for run in xs.chunks_exact(2) {
            let (x0, x1) = (run[0], run[1]);
            let mut x = ((x0 - offset) / spacing).ceil() * spacing + offset;
            while x <= x1 {
                dots.push(Coord { x, y });
                x += spacing;
            }
        }
    }
    dots
}

/// Each line simplified by Ramer-Douglas-Peucker with `tolerance`: the points geo's
/// `Simplify` keeps, found without its recursion's copies and square roots (squared
/// distances to the chord, compared with the squared tolerance). A day's fronts have tens
/// of thousands of points, simplified for every frame's map and inset.
pub fn simplify_lines(lines: &MultiLineString<f64>, tolerance: f64) -> MultiLineString<f64> {
    MultiLineString(lines.0.iter().map(|l| LineString(simplified(&l.0, tolerance))).collect())
}

fn simplified(points: &[Coord<f64>], tolerance: f64) -> Vec<Coord<f64>> {
    if points.len() <= 2 || tolerance.is_nan() || tolerance <= 0.0 {
        return points.to_vec();
    }
    let limit = tolerance * tolerance;
    let mut keep = vec![false; points.len()];
    keep[0] = true;
    keep[points.len() - 1] = true;
    let mut spans = vec![(0, points.len() - 1)];
    while let Some((first, last)) = spans.pop() {
        if last - first < 2 {
            continue;
        }
        // The farthest point from the chord; among equally far ones the last, as geo picks.
        let (mut farthest, mut distance) = (first, 0.0);
        for (i, p) in points.iter().enumerate().take(last).skip(first + 1) {
            let d = segment_distance_squared(*p, points[first], points[last]);
            if d >= distance {
                (farthest, distance) = (i, d);
            }
        }
        if distance > limit {
            keep[farthest] = true;
            spans.push((farthest, last));
            spans.push((first, farthest));
        }
    }
    points.iter().zip(keep).filter_map(|(p, k)| k.then_some(*p)).collect()
}

/// The squared distance from `p` to the segment `a`-`b`.
fn segment_distance_squared(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let length2 = dx * dx + dy * dy;
    let to = |q: Coord<f64>| (p.x - q.x).powi(2) + (p.y - q.y).powi(2);
    if length2 == 0.0 {
        return to(a);
    }
    let r = ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2;
    if r <= 0.0 {
        to(a)
    } else if r >= 1.0 {
        to(b)
    } else {
        ((a.y - p.y) * dx - (a.x - p.x) * dy).powi(2) / length2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Simplify, polygon};

    #[test]
    fn lines_simplify_as_geo_simplifies_them() {
        // Wiggly lines of a seeded walk, at several tolerances: the same points kept.
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) as f64 / (1u64 << 31) as f64) - 0.5
        };
        let lines: Vec<LineString<f64>> = (0..20)
            .map(|n| {
                let mut at = Coord { x: 0.0, y: 0.0 };
                LineString(
                    (0..n * 25)
                        .map(|_| {
                            at = Coord { x: at.x + 1.0 + next(), y: at.y + 3.0 * next() };
                            at
                        })
                        .collect(),
                )
            })
            .collect();
        let lines = MultiLineString(lines);
        for tolerance in [0.0, 0.25, 0.5, 1.0, 4.0] {
            assert_eq!(simplify_lines(&lines, tolerance), lines.simplify(tolerance), "tolerance {tolerance}");
        }
    }

    #[test]
    fn stipple_dots_fall_inside_the_shape_on_a_staggered_grid() {
        let square = MultiPolygon(vec![polygon!(
            exterior: [(x: 0., y: 0.), (x: 40., y: 0.), (x: 40., y: 40.), (x: 0., y: 40.), (x: 0., y: 0.)],
            interiors: [],
        )]);
        let dots = stipple(&square, 10.0);
        assert!(dots.iter().all(|d| (0.0..=40.0).contains(&d.x) && (0.0..=40.0).contains(&d.y)));
        // Rows at y = 0, 10, 20, 30 (a row on the top edge is outside: edges are half open,
        // so a vertex on a row counts once); even rows have 5 dots, odd rows 4 (offset by 5).
        assert_eq!(dots.len(), 5 + 4 + 5 + 4, "{dots:?}");
        assert!(dots.contains(&Coord { x: 5.0, y: 10.0 }));
        assert!(stipple(&MultiPolygon(Vec::new()), 10.0).is_empty());
    }

    #[test]
    fn stipple_dots_are_the_grid_points_inside_holes_and_bays_included() {
        use geo::Contains;
        // A concave shape with a hole and a second part, off the grid so no point lies on
        // an edge.
        let shape = MultiPolygon(vec![
            polygon!(
                exterior: [(x: 0.3, y: 0.7), (x: 80.2, y: 3.1), (x: 60.6, y: 30.4), (x: 79.9, y: 61.2),
                           (x: 2.1, y: 58.8), (x: 20.5, y: 29.3), (x: 0.3, y: 0.7)],
                interiors: [[(x: 30.1, y: 20.2), (x: 45.3, y: 20.6), (x: 44.8, y: 40.9), (x: 29.7, y: 40.1), (x: 30.1, y: 20.2)]],
            ),
            polygon!(
                exterior: [(x: 100.4, y: 10.2), (x: 140.6, y: 12.3), (x: 120.1, y: 50.7), (x: 100.4, y: 10.2)],
                interiors: [],
            ),
        ]);
        let spacing = 4.0;
        let mut expected = Vec::new();
        for k in 0..=20 {
            let y = f64::from(k) * spacing;
            let offset = if k % 2 == 1 { spacing / 2.0 } else { 0.0 };
            for j in -1..=40 {
                let point = Coord { x: f64::from(j) * spacing + offset, y };
                if shape.contains(&geo::Point(point)) {
                    expected.push(point);
                }
            }
        }
        let mut dots = stipple(&shape, spacing);
        let key = |c: &Coord<f64>| (c.y.to_bits(), c.x.to_bits());
        dots.sort_by_key(key);
        expected.sort_by_key(key);
        assert!(expected.len() > 100, "the test shape holds {} grid points", expected.len());
        assert_eq!(dots, expected);
    }

    #[test]
    fn keyholes_keep_holes_reversed() {
        let p = polygon!(
            exterior: [(x: 0., y: 0.), (x: 10., y: 0.), (x: 10., y: 10.), (x: 0., y: 10.), (x: 0., y: 0.)],
            interiors: [[(x: 2., y: 2.), (x: 4., y: 2.), (x: 4., y: 4.), (x: 2., y: 4.), (x: 2., y: 2.)]],
        );
        let ring = keyhole_ring(&p);
        assert_eq!(ring.len(), 5 + 5 + 2, "exterior, hole, back to the hole's start and to the exterior's");
        // The signed area of the single ring equals the polygon's area: the hole counts
        // negative and the bridge adds nothing.
        let signed = LineString(ring).signed_area_2d();
        assert!((signed.abs() - p.unsigned_area()).abs() < 1e-9, "{signed}");
    }

    trait SignedArea {
        fn signed_area_2d(&self) -> f64;
    }
    impl SignedArea for LineString<f64> {
        fn signed_area_2d(&self) -> f64 {
            self.0.windows(2).map(|w| w[0].x * w[1].y - w[1].x * w[0].y).sum::<f64>() / 2.0
        }
    }

    #[test]
    fn clipping_drops_what_is_outside_and_cuts_what_crosses() {
        let view = Rect::new(Coord { x: 0., y: 0. }, Coord { x: 10., y: 10. });
        let far = MultiPolygon(vec![polygon![(x: 20., y: 20.), (x: 30., y: 20.), (x: 30., y: 30.)]]);
        assert!(clip_polygons(&far, view).0.is_empty());
        let crossing = MultiPolygon(vec![polygon![(x: -5., y: -5.), (x: 5., y: -5.), (x: 5., y: 5.), (x: -5., y: 5.)]]);
        assert!((clip_polygons(&crossing, view).unsigned_area() - 25.0).abs() < 1e-9);
    }

    #[test]
    fn hatching_stays_inside_the_shape() {
        let square = MultiPolygon(vec![polygon![(x: 0., y: 0.), (x: 20., y: 0.), (x: 20., y: 20.), (x: 0., y: 20.)]]);
        let lines = hatch(&square, 5.0);
        assert!(lines.0.len() >= 7);
        for l in &lines.0 {
            for c in &l.0 {
                assert!(c.x >= -1e-9 && c.x <= 20.0 + 1e-9 && c.y >= -1e-9 && c.y <= 20.0 + 1e-9);
            }
        }
    }
}
