//! Whether an outline read from a scenario file is a valid (Multi)Polygon, in near-linear
//! time.
//!
//! geo's `Validation` tests every edge of a ring against every other one, which took 69 s
//! for one zone of 100,000 vertices. The rules here are geo's, with the edges that could
//! meet found through an R-tree of their bounding boxes: O(n log n) plus the pairs whose
//! boxes overlap, which for a real outline are about the neighbours of each edge.

use geo::coordinate_position::CoordPos;
use geo::dimensions::Dimensions;
use geo::{BoundingRect, Coord, Intersects, Line, LineString, MultiPolygon, Polygon, PreparedGeometry, Relate};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

/// The first reason `shape` is not a valid MultiPolygon, in words, or `None` when it is.
///
/// Valid means what geo's `Validation` means: every ring has at least 3 distinct points
/// and no two of its edges meet except consecutive ones at their shared vertex; holes lie
/// inside their exterior and touch it and each other at points only; the polygons do not
/// overlap and touch at points only. (Finite coordinates are checked when the file is read.)
pub(crate) fn flaw(shape: &MultiPolygon<f64>) -> Option<String> {
    for (i, polygon) in shape.0.iter().enumerate() {
        if let Some(why) = polygon_flaw(polygon) {
            return Some(format!("polygon {i}: {why}"));
        }
    }
    // Only polygons whose boxes meet can overlap or share an edge.
    let boxes: Vec<Option<geo::Rect<f64>>> = shape.0.iter().map(|p| p.bounding_rect()).collect();
    for (i, a) in shape.0.iter().enumerate() {
        for (j, b) in shape.0.iter().enumerate().skip(i + 1) {
            let (Some(ra), Some(rb)) = (boxes[i], boxes[j]) else { continue };
            if !ra.intersects(&rb) {
                continue;
            }
            let m = a.relate(b);
            if interiors_overlap(&m) {
                return Some(format!("polygons {i} and {j} overlap"));
            }
            if touch_on_a_line(&m) {
                return Some(format!("polygons {i} and {j} share an edge (merge them into one)"));
            }
        }
    }
    None
}

/// Whether two boundaries meet along a line rather than at points.
fn touch_on_a_line(m: &geo::relate::IntersectionMatrix) -> bool {
    m.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional
}

/// Whether two shapes share some area.
fn interiors_overlap(m: &geo::relate::IntersectionMatrix) -> bool {
    m.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional
}

fn polygon_flaw(polygon: &Polygon<f64>) -> Option<String> {
    let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
    for (k, ring) in rings.enumerate() {
        if ring.0.is_empty() {
            continue;
        }
        let name = if k == 0 { "the exterior ring".to_string() } else { format!("hole {}", k - 1) };
        if distinct_points(ring) < 4 {
            return Some(format!("{name} needs at least 3 distinct points"));
        }
        if let Some((a, b)) = self_crossing(ring) {
            return Some(format!("{name} crosses itself (edges {a} and {b})"));
        }
    }
    let holes: Vec<&LineString<f64>> = polygon.interiors().iter().filter(|r| !r.0.is_empty()).collect();
    if holes.is_empty() {
        return None;
    }
    let exterior = Polygon::new(polygon.exterior().clone(), vec![]);
    let prepared = PreparedGeometry::from(&exterior);
    let holes: Vec<Polygon<f64>> = holes.into_iter().map(|h| Polygon::new(h.clone(), vec![])).collect();
    for (k, hole) in holes.iter().enumerate() {
        let m = prepared.relate(hole);
        if !m.is_contains() {
            return Some(format!("hole {k} is not inside the exterior ring"));
        }
        if touch_on_a_line(&m) {
            return Some(format!("hole {k} shares an edge with the exterior ring"));
        }
        for (l, other) in holes.iter().enumerate().skip(k + 1) {
            if !hole.bounding_rect().zip(other.bounding_rect()).is_some_and(|(a, b)| a.intersects(&b)) {
                continue;
            }
            let m = hole.relate(other);
            if interiors_overlap(&m) {
                return Some(format!("holes {k} and {l} overlap"));
            }
            if touch_on_a_line(&m) {
                return Some(format!("holes {k} and {l} share an edge"));
            }
        }
    }
    None
}

/// The number of points of `ring` once repeated consecutive points are dropped.
fn distinct_points(ring: &LineString<f64>) -> usize {
    let mut n = 0;
    let mut last: Option<Coord<f64>> = None;
    for c in &ring.0 {
        if last != Some(*c) {
            n += 1;
            last = Some(*c);
        }
    }
    n
}

/// Two edges of `ring` (their indices) that meet other than as neighbours sharing a vertex,
/// if any. Geo's rule: edges `a` and `b` conflict when they intersect and neither starts
/// where the other ends (so a ring may come back to one of its vertices, as geo allows).
fn self_crossing(ring: &LineString<f64>) -> Option<(usize, usize)> {
    let edges: Vec<Line<f64>> = ring.lines().collect();
    let boxes: Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> = edges
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let corner = |c: Coord<f64>| [c.x, c.y];
            GeomWithData::new(Rectangle::from_corners(corner(e.start), corner(e.end)), i)
        })
        .collect();
    let tree = RTree::bulk_load(boxes);
    for (i, e) in edges.iter().enumerate() {
        let envelope = rstar::AABB::from_corners([e.start.x, e.start.y], [e.end.x, e.end.y]);
        for candidate in tree.locate_in_envelope_intersecting(&envelope) {
            let j = candidate.data;
            if j <= i {
                continue;
            }
            let f = &edges[j];
            if e.intersects(f) && e.start != f.end && e.end != f.start {
                return Some((i, j));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Validation;

    /// A ring of `n` vertices on a circle, closed.
    fn circle(n: usize) -> LineString<f64> {
        let mut points: Vec<Coord<f64>> = (0..n)
            .map(|k| {
                let t = k as f64 / n as f64 * std::f64::consts::TAU;
                Coord { x: 36.0 + t.cos(), y: 34.0 + t.sin() }
            })
            .collect();
        points.push(points[0]);
        LineString(points)
    }

    #[test]
    fn a_ring_of_100k_vertices_validates_and_a_crossing_in_it_is_found() {
        let ring = circle(100_000);
        let valid = MultiPolygon(vec![Polygon::new(ring.clone(), vec![])]);
        assert_eq!(flaw(&valid), None);
        // Swapping two neighbouring vertices makes a small bow tie.
        let mut crossed = ring;
        crossed.0.swap(50_000, 50_001);
        let invalid = MultiPolygon(vec![Polygon::new(crossed, vec![])]);
        let why = flaw(&invalid).expect("a crossing");
        assert!(why.contains("crosses itself"), "{why}");
    }

    #[test]
    fn agrees_with_geo_on_small_shapes() {
        let square =
            |x: f64, y: f64, s: f64| LineString::from(vec![(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)]);
        let bow_tie = LineString::from(vec![(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)]);
        let spike = LineString::from(vec![(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (1.0, 0.0), (0.0, 2.0), (0.0, 0.0)]);
        let shapes = vec![
            MultiPolygon(vec![Polygon::new(square(0.0, 0.0, 1.0), vec![])]),
            MultiPolygon(vec![Polygon::new(bow_tie, vec![])]),
            MultiPolygon(vec![Polygon::new(spike, vec![])]),
            MultiPolygon(vec![Polygon::new(LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (0.0, 0.0)]), vec![])]),
            // A hole inside, a hole outside, holes that overlap.
            MultiPolygon(vec![Polygon::new(square(0.0, 0.0, 4.0), vec![square(1.0, 1.0, 1.0)])]),
            MultiPolygon(vec![Polygon::new(square(0.0, 0.0, 4.0), vec![square(5.0, 5.0, 1.0)])]),
            MultiPolygon(vec![Polygon::new(square(0.0, 0.0, 4.0), vec![square(1.0, 1.0, 1.0), square(1.5, 1.5, 1.0)])]),
            // Polygons apart, overlapping, sharing an edge, touching at a corner.
            MultiPolygon(vec![
                Polygon::new(square(0.0, 0.0, 1.0), vec![]),
                Polygon::new(square(3.0, 0.0, 1.0), vec![]),
            ]),
            MultiPolygon(vec![
                Polygon::new(square(0.0, 0.0, 2.0), vec![]),
                Polygon::new(square(1.0, 1.0, 2.0), vec![]),
            ]),
            MultiPolygon(vec![
                Polygon::new(square(0.0, 0.0, 1.0), vec![]),
                Polygon::new(square(1.0, 0.0, 1.0), vec![]),
            ]),
            MultiPolygon(vec![
                Polygon::new(square(0.0, 0.0, 1.0), vec![]),
                Polygon::new(square(1.0, 1.0, 1.0), vec![]),
            ]),
        ];
        for (k, shape) in shapes.iter().enumerate() {
            assert_eq!(
                flaw(shape).is_none(),
                shape.is_valid(),
                "shape {k}: {:?} / {:?}",
                flaw(shape),
                shape.validation_errors()
            );
        }
    }
}
