//! Areas of control from places.
//!
//! Every place (site) is given the land that is nearer to it than to any other
//! place — its Voronoi cell — clipped to the land outline and optionally to a
//! reach radius, with fixed zones carved out for whoever holds their site.
//! Merging the cells of each owner gives the areas of control; the edges
//! where cells of different owners meet are the frontlines.
//!
//! All coordinates are projected metres (see [`crate::projection`]): x east,
//! y north. Tolerances below assume metres.
//!
//! # How it works
//!
//! 1. Delaunay neighbours of the distinct sites (spade).
//! 2. Each cell = a box around the land cut by the half-plane towards each
//!    neighbour (exact for any number of sites, collinear ones included), then
//!    cut by the reach 64-gon. These cells are convex.
//! 3. Cells that do not touch the land boundary are kept whole or dropped
//!    (cheap tests); only those crossing it go through a boolean intersection
//!    with the land (geo's `BooleanOps`, i.e. i_overlay).
//! 4. Zones are carved out of every cell; each zone's piece of land joins its
//!    site's cell when the topology is built (by snapping, not by a boolean
//!    union, which would leave slivers along the near-coincident edges).
//! 5. A shared-edge topology is built once: vertices are snapped together
//!    within [`SNAP_TOLERANCE`], edges split where a vertex of the other side
//!    lies on them, and each directed edge knows the cell on its other side.
//!    [`Tessellation::areas`] and [`Tessellation::frontlines`] then only walk
//!    edges, with no boolean operations.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use geo::orient::{Direction, Orient};
use geo::{BooleanOps, Coord, LineString, MultiLineString, MultiPolygon, Polygon, Rect, Validation, unary_union};
use rayon::prelude::*;
use spade::{DelaunayTriangulation, Point2, Triangulation};

/// Vertices closer than this (metres) are taken to be the same point when the
/// shared-edge topology is built. It is far above the rounding of the boolean
/// operations (≈1 mm over a country) and far below anything visible.
pub const SNAP_TOLERANCE: f64 = 0.01;

/// Rings enclosing less than this (square metres) are dropped from every
/// output: they can only be slivers left by rounding.
pub const MIN_RING_AREA: f64 = 1.0;

/// Number of sides of the polygon that stands in for the reach disc.
pub const REACH_SIDES: usize = 64;

/// Sites with a coordinate beyond this (metres) are ignored.
const MAX_SITE_COORD: f64 = 1e15;

/// Marks "no cell" on the far side of an edge (land edge, reach edge, void).
const NONE: u32 = u32::MAX;

/// A fixed area that is not the nearest-place area of any town — e.g. the
/// al-Tanf 55 km deconfliction zone or the Golan buffer zone — held by
/// whoever holds site `site`.
///
/// The zone (clipped to the land) is carved out of every other cell and added
/// to the cell of `site`. Where zones overlap, the earlier one in the list
/// keeps the overlap. A zone whose `site` is not a valid index is ignored.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// Index of the site whose owner holds the zone.
    pub site: usize,
    /// The zone's outline, in projected metres.
    pub polygon: Polygon<f64>,
}

/// A line along which areas of two different owners meet.
#[derive(Debug, Clone, PartialEq)]
pub struct Frontline<K> {
    /// The two owners, `sides.0 < sides.1`. Walking along each polyline,
    /// `sides.0` is on the left.
    pub sides: (K, K),
    /// The shared edges chained into as few, as long polylines as possible.
    /// A polyline that closes on itself has equal first and last points.
    pub line: MultiLineString<f64>,
}

/// One directed edge of a cell ring, interior on its left.
#[derive(Debug, Clone, Copy)]
struct DirEdge {
    from: u32,
    to: u32,
    /// The cell whose ring this edge belongs to.
    cell: u32,
    /// The cell on the other side, or `NONE` when there is none there.
    twin: u32,
}

/// The areas of control of a set of sites over a land, computed once; owners
/// can then be assigned and merged many times cheaply.
#[derive(Debug, Clone)]
pub struct Tessellation {
    cells: Vec<MultiPolygon<f64>>,
    land: MultiPolygon<f64>,
    land_area: f64,
    vertices: Vec<Coord<f64>>,
    edges: Vec<DirEdge>,
    empty: MultiPolygon<f64>,
}

impl Tessellation {
    /// Computes the cell of every site.
    ///
    /// - `sites`: the places, projected. A site need not be on the land: a
    ///   border town a few hundred metres outside a generalised outline still
    ///   owns the land nearest to it. Non-finite sites, and absurd ones more
    ///   than 10¹⁵ m from the origin, get an empty cell. Duplicate sites
    ///   (identical coordinates): the first keeps the cell, later duplicates
    ///   get an empty cell.
    /// - `land`: the outline to clip to. Overlapping parts are merged.
    /// - `reach`: when given, each cell is also limited to the 64-gon of that
    ///   radius around its site, so land far from every place is left
    ///   unclaimed. A non-positive reach leaves every cell empty except for
    ///   zones; NaN or infinity means no limit.
    /// - `zones`: fixed areas, see [`Zone`].
    ///
    /// Never panics; with no land or no sites every cell is empty.
    pub fn new(sites: &[Coord<f64>], land: &MultiPolygon<f64>, reach: Option<f64>, zones: &[Zone]) -> Tessellation {
        let land = PreparedLand::new(land);
        let n = sites.len();
        let reach = reach.filter(|r| r.is_finite());
        let mut cells: Vec<MultiPolygon<f64>> = vec![MultiPolygon::new(Vec::new()); n];
        let mut zone_pieces: Vec<(usize, MultiPolygon<f64>)> = Vec::new();

        if let Some(bbox) = land.bbox {
            let neighbours = delaunay_neighbours(sites);
            // The box only has to contain the land: cells are clipped to it
            // anyway, and a site outside the box still gets the right cell
            // inside it.
            let margin = (bbox.width().max(bbox.height()) * 0.05).max(1_000.0);
            let frame = Rect::new(
                Coord { x: bbox.min().x - margin, y: bbox.min().y - margin },
                Coord { x: bbox.max().x + margin, y: bbox.max().y + margin },
            );
            let reach_ok = reach.is_none_or(|r| r > 0.0);
            cells = (0..n)
                .into_par_iter()
                .map(|i| match &neighbours[i] {
                    Some(nb) if reach_ok => {
                        let convex = convex_cell(sites[i], nb.iter().map(|&j| sites[j]), frame, reach);
                        clip_to_land(&convex, &land)
                    }
                    _ => MultiPolygon::new(Vec::new()),
                })
                .collect();
            zone_pieces = carve_zones(&mut cells, zones, &land);
        }

        let pieces: Vec<(usize, MultiPolygon<f64>)> = cells.into_iter().enumerate().chain(zone_pieces).collect();
        let (cells, vertices, edges) = build_topology(n, pieces);
        Tessellation {
            cells,
            land_area: land.area,
            land: land.shape,
            vertices,
            edges,
            empty: MultiPolygon::new(Vec::new()),
        }
    }

    /// Number of sites (including those with empty cells).
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// True when there are no sites at all.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The cell of `site`: its Voronoi cell clipped to the land (and reach),
    /// plus any zone of that site, minus other zones. It may be empty; an
    /// out-of-range index gives an empty cell too.
    pub fn cell(&self, site: usize) -> &MultiPolygon<f64> {
        self.cells.get(site).unwrap_or(&self.empty)
    }

    /// The land as used (cleaned and merged), in projected metres.
    pub fn land(&self) -> &MultiPolygon<f64> {
        &self.land
    }

    /// Area of the land, in square metres.
    pub fn land_area(&self) -> f64 {
        self.land_area
    }

    /// The cells merged per owner, sorted by owner.
    ///
    /// `owner(site)` says who holds each site; sites mapped to `None`
    /// contribute nothing. Owners whose cells are all empty are left out.
    /// Outer rings are counter-clockwise, holes clockwise; polygons are sorted
    /// by decreasing area.
    ///
    /// This walks the edge topology built by [`Tessellation::new`], keeping
    /// the edges whose two sides have different owners, so it does no boolean
    /// operation; [`Tessellation::areas_by_union`] is the slow reference.
    pub fn areas<K: Ord + Copy>(&self, owner: impl Fn(usize) -> Option<K>) -> Vec<(K, MultiPolygon<f64>)> {
        let (keys, index) = owner_index(self.len(), owner);
        let mut per_owner: Vec<Vec<(u32, u32)>> = vec![Vec::new(); keys.len()];
        for e in &self.edges {
            let a = index[e.cell as usize];
            if a == NONE {
                continue;
            }
            let b = if e.twin == NONE { NONE } else { index[e.twin as usize] };
            if a != b {
                per_owner[a as usize].push((e.from, e.to));
            }
        }
        let vertices = &self.vertices;
        let shapes: Vec<MultiPolygon<f64>> =
            per_owner.into_par_iter().map(|edges| assemble_polygons(vertices, edges)).collect();
        keys.into_iter().zip(shapes).filter(|(_, mp)| !mp.0.is_empty()).collect()
    }

    /// Reference implementation of [`Tessellation::areas`]: the cells of each
    /// owner merged with geo's `unary_union`. Same contract, much slower; kept
    /// to check the fast path against.
    pub fn areas_by_union<K: Ord + Copy>(&self, owner: impl Fn(usize) -> Option<K>) -> Vec<(K, MultiPolygon<f64>)> {
        let (keys, index) = owner_index(self.len(), owner);
        let mut groups: Vec<Vec<&MultiPolygon<f64>>> = vec![Vec::new(); keys.len()];
        for (site, cell) in self.cells.iter().enumerate() {
            if index[site] != NONE && !cell.0.is_empty() {
                groups[index[site] as usize].push(cell);
            }
        }
        let shapes: Vec<MultiPolygon<f64>> = groups
            .into_par_iter()
            .map(|group| {
                let mut merged = clean_multi_polygon(unary_union(group));
                sort_by_area(&mut merged);
                merged
            })
            .collect();
        keys.into_iter().zip(shapes).filter(|(_, mp)| !mp.0.is_empty()).collect()
    }

    /// Where cells of different owners meet, sorted by `sides`.
    ///
    /// Only edges with a cell on both sides count: the land's edge and edges
    /// against unclaimed land (outside every reach, or cells of `None`-owned
    /// sites) are not frontlines.
    pub fn frontlines<K: Ord + Copy>(&self, owner: impl Fn(usize) -> Option<K>) -> Vec<Frontline<K>> {
        let (keys, index) = owner_index(self.len(), owner);
        let mut pairs: HashMap<(u32, u32), Vec<(u32, u32)>, FxBuild> = HashMap::default();
        for e in &self.edges {
            if e.twin == NONE {
                continue;
            }
            let (a, b) = (index[e.cell as usize], index[e.twin as usize]);
            // Each shared edge is seen from both sides; keep the side of the
            // smaller owner, which puts `sides.0` on the left.
            if a != NONE && b != NONE && a < b {
                pairs.entry((a, b)).or_default().push((e.from, e.to));
            }
        }
        let mut pairs: Vec<_> = pairs.into_iter().collect();
        pairs.sort_unstable_by_key(|(k, _)| *k);
        pairs
            .into_iter()
            .map(|((a, b), segments)| Frontline {
                sides: (keys[a as usize], keys[b as usize]),
                line: chain_segments(&self.vertices, segments),
            })
            .collect()
    }
}

/// Sorted distinct owners, and each site's index into them (`NONE` if unowned).
fn owner_index<K: Ord + Copy>(n: usize, owner: impl Fn(usize) -> Option<K>) -> (Vec<K>, Vec<u32>) {
    let owners: Vec<Option<K>> = (0..n).map(owner).collect();
    let mut keys: Vec<K> = owners.iter().flatten().copied().collect();
    keys.sort_unstable();
    keys.dedup();
    let index = owners
        .iter()
        .map(|o| match o {
            Some(k) => keys.binary_search(k).map_or(NONE, |i| i as u32),
            None => NONE,
        })
        .collect();
    (keys, index)
}

// ---------------------------------------------------------------------------
// Small planar helpers.

fn sub(a: Coord<f64>, b: Coord<f64>) -> Coord<f64> {
    Coord { x: a.x - b.x, y: a.y - b.y }
}

fn cross(a: Coord<f64>, b: Coord<f64>) -> f64 {
    a.x * b.y - a.y * b.x
}

fn dot(a: Coord<f64>, b: Coord<f64>) -> f64 {
    a.x * b.x + a.y * b.y
}

fn dist2(a: Coord<f64>, b: Coord<f64>) -> f64 {
    let d = sub(a, b);
    dot(d, d)
}

/// Signed area (positive when counter-clockwise) of an open ring.
fn signed_area(ring: impl Iterator<Item = Coord<f64>>) -> f64 {
    let mut first = None;
    let mut prev: Option<Coord<f64>> = None;
    let mut sum = 0.0;
    for c in ring {
        if let Some(p) = prev {
            sum += cross(p, c);
        } else {
            first = Some(c);
        }
        prev = Some(c);
    }
    if let (Some(f), Some(p)) = (first, prev) {
        sum += cross(p, f);
    }
    sum / 2.0
}

fn rects_overlap(a: &Rect<f64>, b: &Rect<f64>) -> bool {
    a.min().x <= b.max().x && b.min().x <= a.max().x && a.min().y <= b.max().y && b.min().y <= a.max().y
}

fn bbox_of(points: impl Iterator<Item = Coord<f64>>) -> Option<Rect<f64>> {
    let mut it = points;
    let first = it.next()?;
    let (mut lo, mut hi) = (first, first);
    for c in it {
        lo.x = lo.x.min(c.x);
        lo.y = lo.y.min(c.y);
        hi.x = hi.x.max(c.x);
        hi.y = hi.y.max(c.y);
    }
    Some(Rect::new(lo, hi))
}

/// Even-odd point-in-ring test (ring open or closed, either orientation).
fn point_in_ring(p: Coord<f64>, ring: &[Coord<f64>]) -> bool {
    let mut inside = false;
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (ring[i], ring[j]);
        if (a.y > p.y) != (b.y > p.y) && p.x < a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y) {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// A tiny, fast hasher for integer keys (vertex ids, grid cells); the keys
/// are ours, so there is no need for DoS-resistant hashing here.
#[derive(Default, Clone, Copy)]
struct FxHasher {
    hash: u64,
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        // The table indexes with the low bits; the multiply leaves the best
        // mixed bits at the top.
        self.hash.rotate_left(26)
    }
}

type FxBuild = BuildHasherDefault<FxHasher>;

// ---------------------------------------------------------------------------
// Land.

/// The land, cleaned, with what the per-cell tests need precomputed.
struct PreparedLand {
    shape: MultiPolygon<f64>,
    /// Per polygon of `shape`, its bounding box (to skip far parts in the
    /// boolean operation).
    part_boxes: Vec<Rect<f64>>,
    /// Every ring edge, with its bounding box.
    segments: Vec<(Coord<f64>, Coord<f64>, Rect<f64>)>,
    bbox: Option<Rect<f64>>,
    area: f64,
}

impl PreparedLand {
    fn new(land: &MultiPolygon<f64>) -> PreparedLand {
        // Non-finite coordinates would poison every later step: drop such parts.
        let finite: Vec<Polygon<f64>> = land
            .0
            .iter()
            .filter(|p| {
                p.exterior()
                    .coords()
                    .chain(p.interiors().iter().flat_map(|r| r.coords()))
                    .all(|c| c.x.is_finite() && c.y.is_finite())
            })
            .map(|p| p.orient(Direction::Default))
            .collect();
        let oriented = MultiPolygon::new(finite);
        // Valid land is used as given (a boolean operation would move every
        // vertex by its rounding). Otherwise a union with itself merges
        // overlapping parts and repairs small defects; all parts are
        // counter-clockwise, so overlaps add up.
        // Parts are checked one by one, plus a bounding-box test between
        // parts: a full multipolygon validation compares every pair of parts
        // exactly, which is slow for a coast with many islands.
        let boxes: Vec<Option<Rect<f64>>> =
            oriented.0.iter().map(|p| bbox_of(p.exterior().coords().copied())).collect();
        let apart = boxes.iter().enumerate().all(|(i, a)| {
            boxes[i + 1..].iter().all(|b| match (a, b) {
                (Some(a), Some(b)) => !rects_overlap(a, b),
                _ => true,
            })
        });
        let shape = if oriented.0.is_empty() {
            oriented
        } else if apart && oriented.0.iter().all(|p| p.is_valid()) {
            clean_multi_polygon(oriented)
        } else {
            clean_multi_polygon(unary_union(std::iter::once(&oriented)))
        };
        let mut segments = Vec::new();
        let mut part_boxes = Vec::new();
        let mut area = 0.0;
        for poly in &shape.0 {
            part_boxes
                .push(bbox_of(poly.exterior().coords().copied()).unwrap_or(Rect::new(Coord::zero(), Coord::zero())));
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                area += signed_area(ring.0.iter().copied().take(ring.0.len().saturating_sub(1)));
                for w in ring.0.windows(2) {
                    let (a, b) = (w[0], w[1]);
                    segments.push((a, b, Rect::new(a, b)));
                }
            }
        }
        let bbox = bbox_of(shape.0.iter().flat_map(|p| p.exterior().coords().copied()));
        PreparedLand { shape, part_boxes, segments, bbox, area: area.abs() }
    }

    /// Even-odd test against all land rings.
    fn contains(&self, p: Coord<f64>) -> bool {
        let mut inside = false;
        for &(a, b, _) in &self.segments {
            if (a.y > p.y) != (b.y > p.y) && p.x < a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y) {
                inside = !inside;
            }
        }
        inside
    }
}

// ---------------------------------------------------------------------------
// Voronoi cells.

/// For each site, its Delaunay neighbours, or `None` when the site gets no
/// cell (non-finite, or a duplicate of an earlier site).
pub(crate) fn delaunay_neighbours(sites: &[Coord<f64>]) -> Vec<Option<Vec<usize>>> {
    let n = sites.len();
    let mut result: Vec<Option<Vec<usize>>> = vec![None; n];
    // Distinct finite sites, first occurrence wins.
    let mut seen: HashMap<(u64, u64), usize, FxBuild> = HashMap::default();
    let mut unique: Vec<usize> = Vec::new();
    for (i, s) in sites.iter().enumerate() {
        // Far beyond any map, and products of such coordinates would overflow.
        if !(s.x.abs() <= MAX_SITE_COORD && s.y.abs() <= MAX_SITE_COORD) {
            continue;
        }
        // +0.0 turns -0.0 into 0.0 so that both count as the same place.
        let key = ((s.x + 0.0).to_bits(), (s.y + 0.0).to_bits());
        if seen.insert(key, i).is_none() {
            unique.push(i);
        }
    }
    for &i in &unique {
        result[i] = Some(Vec::new());
    }
    if unique.len() <= 8 {
        // With so few sites all pairs are cheap, and this sidesteps every
        // degenerate case of a triangulation (one or two sites, all collinear).
        for &i in &unique {
            result[i] = Some(unique.iter().copied().filter(|&j| j != i).collect());
        }
        return result;
    }
    let mut dt: DelaunayTriangulation<Point2<f64>> = DelaunayTriangulation::new();
    let mut site_of_vertex: Vec<usize> = Vec::with_capacity(unique.len());
    for &i in &unique {
        // spade refuses subnormal-small magnitudes; they are zero for us.
        let tame = |v: f64| if v.abs() < 1e-100 { 0.0 } else { v };
        let p = Point2::new(tame(sites[i].x), tame(sites[i].y));
        match dt.insert(p) {
            Ok(h) if h.index() == site_of_vertex.len() => site_of_vertex.push(i),
            // Merged with an earlier vertex, or refused: no cell of its own.
            _ => result[i] = None,
        }
    }
    for edge in dt.undirected_edges() {
        let [a, b] = edge.vertices();
        let (i, j) = (site_of_vertex[a.fix().index()], site_of_vertex[b.fix().index()]);
        if let Some(list) = result[i].as_mut() {
            list.push(j);
        }
        if let Some(list) = result[j].as_mut() {
            list.push(i);
        }
    }
    result
}

/// Keeps the part of a convex polygon (counter-clockwise) where
/// `dot(p - origin, normal) <= 0`.
fn clip_half_plane(poly: &[Coord<f64>], origin: Coord<f64>, normal: Coord<f64>, out: &mut Vec<Coord<f64>>) {
    out.clear();
    let n = poly.len();
    for k in 0..n {
        let p = poly[k];
        let q = poly[(k + 1) % n];
        let dp = dot(sub(p, origin), normal);
        let dq = dot(sub(q, origin), normal);
        if dp <= 0.0 {
            out.push(p);
        }
        if (dp <= 0.0) != (dq <= 0.0) {
            let t = dp / (dp - dq);
            let x = Coord { x: p.x + (q.x - p.x) * t, y: p.y + (q.y - p.y) * t };
            if out.last() != Some(&x) {
                out.push(x);
            }
        }
    }
    if out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
}

/// The Voronoi cell of `site` among `neighbours`, inside `frame`, limited to
/// the reach polygon if any: a convex counter-clockwise polygon (open ring),
/// possibly empty.
fn convex_cell(
    site: Coord<f64>,
    neighbours: impl Iterator<Item = Coord<f64>>,
    frame: Rect<f64>,
    reach: Option<f64>,
) -> Vec<Coord<f64>> {
    let (lo, hi) = (frame.min(), frame.max());
    let mut poly = vec![lo, Coord { x: hi.x, y: lo.y }, hi, Coord { x: lo.x, y: hi.y }];
    let mut scratch = Vec::with_capacity(16);
    for other in neighbours {
        let normal = sub(other, site);
        let mid = Coord { x: (site.x + other.x) / 2.0, y: (site.y + other.y) / 2.0 };
        clip_half_plane(&poly, mid, normal, &mut scratch);
        std::mem::swap(&mut poly, &mut scratch);
        if poly.len() < 3 {
            return Vec::new();
        }
    }
    if let Some(r) = reach {
        // Skip the 64 cuts when the cell already fits inside the 64-gon's
        // inscribed circle.
        let inner = r * (std::f64::consts::PI / REACH_SIDES as f64).cos();
        if poly.iter().any(|&c| dist2(c, site) > inner * inner) {
            let step = std::f64::consts::TAU / REACH_SIDES as f64;
            let corner = |k: usize| {
                let a = step * k as f64;
                Coord { x: site.x + r * a.cos(), y: site.y + r * a.sin() }
            };
            for k in 0..REACH_SIDES {
                let (a, b) = (corner(k), corner(k + 1));
                let normal = Coord { x: b.y - a.y, y: a.x - b.x };
                clip_half_plane(&poly, a, normal, &mut scratch);
                std::mem::swap(&mut poly, &mut scratch);
                if poly.len() < 3 {
                    return Vec::new();
                }
            }
        }
    }
    poly
}

/// Whether segments ab and cd touch or cross, erring towards "yes" (a false
/// yes only costs a boolean operation).
fn segments_touch(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>, d: Coord<f64>) -> bool {
    let o1 = cross(sub(b, a), sub(c, a));
    let o2 = cross(sub(b, a), sub(d, a));
    let o3 = cross(sub(d, c), sub(a, c));
    let o4 = cross(sub(d, c), sub(b, c));
    o1 * o2 <= 0.0 && o3 * o4 <= 0.0
}

/// Intersects a convex cell with the land; only a cell that meets the land's
/// boundary needs a boolean operation.
fn clip_to_land(cell: &[Coord<f64>], land: &PreparedLand) -> MultiPolygon<f64> {
    let empty = MultiPolygon::new(Vec::new());
    let (Some(cell_box), Some(land_box)) = (bbox_of(cell.iter().copied()), land.bbox) else {
        return empty;
    };
    if cell.len() < 3 || !rects_overlap(&cell_box, &land_box) {
        return empty;
    }
    let n = cell.len();
    let inside_or_on = |p: Coord<f64>| (0..n).all(|k| cross(sub(cell[(k + 1) % n], cell[k]), sub(p, cell[k])) >= 0.0);
    let crosses = land.segments.iter().any(|&(a, b, ref sbox)| {
        rects_overlap(sbox, &cell_box)
            && (inside_or_on(a) || (0..n).any(|k| segments_touch(a, b, cell[k], cell[(k + 1) % n])))
    });
    let mut ring = cell.to_vec();
    ring.push(cell[0]);
    let polygon = Polygon::new(LineString::new(ring), Vec::new());
    if !crosses {
        // No land edge meets the cell: it is wholly inside or wholly outside.
        let probe = Coord {
            x: cell.iter().map(|c| c.x).sum::<f64>() / n as f64,
            y: cell.iter().map(|c| c.y).sum::<f64>() / n as f64,
        };
        return if land.contains(probe) { MultiPolygon::new(vec![polygon]) } else { empty };
    }
    let near: Vec<Polygon<f64>> = land
        .shape
        .0
        .iter()
        .zip(&land.part_boxes)
        .filter(|(_, b)| rects_overlap(b, &cell_box))
        .map(|(p, _)| p.clone())
        .collect();
    // i_overlay does not promise hole orientation (a hole touching the
    // outer ring can come out counter-clockwise): orient explicitly.
    clean_multi_polygon(polygon.intersection(&MultiPolygon::new(near)))
}

/// Carves the zones out of all cells, and returns each zone's piece of land
/// with the site it goes to.
///
/// The pieces are not unioned into their site's cell here: the cell and the
/// piece meet along the zone's edge, computed by two different boolean
/// operations with different rounding, and a union of such near-coincident
/// edges can leave hair-thin slivers. The topology merges them instead, by
/// snapping. For the same reason cells are carved with the raw zone outline,
/// never with `zone ∩ land` (whose land edge would nearly coincide with the
/// cell's own, differently rounded, land edge).
fn carve_zones(
    cells: &mut [MultiPolygon<f64>],
    zones: &[Zone],
    land: &PreparedLand,
) -> Vec<(usize, MultiPolygon<f64>)> {
    let mut raw: Vec<(usize, Polygon<f64>, Rect<f64>)> = Vec::new();
    for zone in zones {
        if zone.site >= cells.len() {
            continue;
        }
        let poly = zone.polygon.orient(Direction::Default);
        let finite = poly
            .exterior()
            .coords()
            .chain(poly.interiors().iter().flat_map(|r| r.coords()))
            .all(|c| c.x.is_finite() && c.y.is_finite());
        let Some(zbox) = bbox_of(poly.exterior().coords().copied()) else {
            continue;
        };
        if finite && poly.exterior().0.len() >= 4 {
            raw.push((zone.site, poly, zbox));
        }
    }
    if raw.is_empty() {
        return Vec::new();
    }
    // Earlier zones win where zones overlap.
    let mut pieces = Vec::new();
    for (k, (site, poly, _)) in raw.iter().enumerate() {
        let mut piece = poly.intersection(&land.shape);
        for (_, earlier, _) in &raw[..k] {
            if !piece.0.is_empty() {
                piece = piece.difference(earlier);
            }
        }
        let piece = clean_multi_polygon(piece);
        if !piece.0.is_empty() {
            pieces.push((*site, piece));
        }
    }
    cells.par_iter_mut().for_each(|cell| {
        for (_, poly, zbox) in &raw {
            if cell.0.is_empty() {
                break;
            }
            let cbox = bbox_of(cell.0.iter().flat_map(|p| p.exterior().coords().copied()));
            if cbox.is_some_and(|b| rects_overlap(&b, zbox)) {
                *cell = clean_multi_polygon(cell.difference(poly));
            }
        }
    });
    pieces
}

// ---------------------------------------------------------------------------
// Cleaning.

/// Drops non-finite or tiny rings and repeated points, and orients the rings
/// (outer counter-clockwise, holes clockwise).
fn clean_multi_polygon(mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
    fn clean_ring(ring: &LineString<f64>) -> Option<LineString<f64>> {
        let mut pts: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
        for &c in &ring.0 {
            if !(c.x.is_finite() && c.y.is_finite()) {
                return None;
            }
            if pts.last() != Some(&c) {
                pts.push(c);
            }
        }
        while pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        if pts.len() < 3 || signed_area(pts.iter().copied()).abs() < MIN_RING_AREA {
            return None;
        }
        pts.push(pts[0]);
        Some(LineString::new(pts))
    }
    let polys =
        mp.0.iter()
            .filter_map(|p| {
                let exterior = clean_ring(p.exterior())?;
                let interiors = p.interiors().iter().filter_map(clean_ring).collect();
                Some(Polygon::new(exterior, interiors).orient(Direction::Default))
            })
            .collect();
    MultiPolygon::new(polys)
}

fn sort_by_area(mp: &mut MultiPolygon<f64>) {
    let area = |p: &Polygon<f64>| signed_area(p.exterior().0.iter().copied()).abs();
    mp.0.sort_by(|a, b| area(b).total_cmp(&area(a)));
}

// ---------------------------------------------------------------------------
// Topology.

/// Gives each distinct point (within `SNAP_TOLERANCE`) an id, first come
/// first served, using a hash grid of tolerance-sized buckets.
struct Snapper {
    vertices: Vec<Coord<f64>>,
    grid: HashMap<(i64, i64), Vec<u32>, FxBuild>,
}

impl Snapper {
    fn key(c: Coord<f64>) -> (i64, i64) {
        ((c.x / SNAP_TOLERANCE).floor() as i64, (c.y / SNAP_TOLERANCE).floor() as i64)
    }

    fn id(&mut self, c: Coord<f64>) -> u32 {
        let (kx, ky) = Snapper::key(c);
        let mut best: Option<(f64, u32)> = None;
        for dx in -1..=1 {
            for dy in -1..=1 {
                if let Some(ids) = self.grid.get(&(kx + dx, ky + dy)) {
                    for &id in ids {
                        let d = dist2(self.vertices[id as usize], c);
                        if d <= SNAP_TOLERANCE * SNAP_TOLERANCE && best.is_none_or(|(bd, _)| d < bd) {
                            best = Some((d, id));
                        }
                    }
                }
            }
        }
        if let Some((_, id)) = best {
            return id;
        }
        let id = self.vertices.len() as u32;
        self.vertices.push(c);
        self.grid.entry((kx, ky)).or_default().push(id);
        id
    }
}

/// Polygons as vertex ids: each a list of open rings (outer first).
type IdPolygons = Vec<Vec<Vec<u32>>>;

/// Removes repeated ids and zero-width spikes (a, b, a) from an open ring.
fn clean_id_ring(ids: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::with_capacity(ids.len());
    for &v in ids {
        if out.last() == Some(&v) {
            continue;
        }
        if out.len() >= 2 && out[out.len() - 2] == v {
            out.pop();
            continue;
        }
        out.push(v);
    }
    // The same across the ring's seam.
    loop {
        let n = out.len();
        // A repeat across the seam, or a spike ending there (…, a, b | a, …).
        if (n >= 2 && out[0] == out[n - 1]) || (n >= 3 && out[n - 2] == out[0]) {
            out.pop();
        } else if n >= 3 && out[1] == out[n - 1] {
            out.remove(0);
        } else {
            break;
        }
    }
    out
}

fn id_ring_area(vertices: &[Coord<f64>], ring: &[u32]) -> f64 {
    signed_area(ring.iter().map(|&i| vertices[i as usize]))
}

/// Builds the shared-edge topology and the final cells.
///
/// `pieces` are (site, shape): each site's clipped cell and any zone pieces
/// that go to a site. All vertices are snapped onto shared ids, edges are
/// split at T-junctions, and then each site's edges (its cell's and its zone
/// pieces') are re-assembled into rings: edges that cancel out (a cell meeting
/// its own zone piece, or a hair-thin corridor closed by snapping) vanish, and
/// rings that touch themselves are split, so every cell comes out valid.
/// Finally each directed edge is indexed with the cell on its other side.
fn build_topology(
    n: usize,
    pieces: Vec<(usize, MultiPolygon<f64>)>,
) -> (Vec<MultiPolygon<f64>>, Vec<Coord<f64>>, Vec<DirEdge>) {
    let mut snapper = Snapper { vertices: Vec::new(), grid: HashMap::default() };
    let mut rings: Vec<(usize, Vec<u32>)> = Vec::new();
    for (site, shape) in &pieces {
        for ring in shape.0.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors())) {
            let open = &ring.0[..ring.0.len().saturating_sub(1)];
            let ids: Vec<u32> = open.iter().map(|&c| snapper.id(c)).collect();
            let ids = clean_id_ring(&ids);
            if ids.len() >= 3 {
                rings.push((*site, ids));
            }
        }
    }
    let vertices = snapper.vertices;

    split_t_junctions(&vertices, &mut rings);

    // Each site's directed edges, with opposite pairs cancelled.
    let mut per_site: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
    for (site, ring) in &rings {
        for k in 0..ring.len() {
            per_site[*site].push((ring[k], ring[(k + 1) % ring.len()]));
        }
    }
    let id_cells: Vec<IdPolygons> = per_site
        .into_par_iter()
        .map(|edges| {
            let edges = cancel_opposite(edges);
            assemble_rings(&vertices, edges)
                .into_iter()
                .map(|(outer, holes)| std::iter::once(outer).chain(holes).collect())
                .collect()
        })
        .collect();

    // Index directed edges, then look up each edge's reverse.
    let mut owner_of: HashMap<(u32, u32), u32, FxBuild> = HashMap::default();
    for (c, cell) in id_cells.iter().enumerate() {
        for ring in cell.iter().flatten() {
            for k in 0..ring.len() {
                owner_of.insert((ring[k], ring[(k + 1) % ring.len()]), c as u32);
            }
        }
    }
    let mut edges = Vec::with_capacity(owner_of.len());
    for (c, cell) in id_cells.iter().enumerate() {
        for ring in cell.iter().flatten() {
            for k in 0..ring.len() {
                let (from, to) = (ring[k], ring[(k + 1) % ring.len()]);
                let twin = owner_of.get(&(to, from)).copied().unwrap_or(NONE);
                edges.push(DirEdge { from, to, cell: c as u32, twin });
            }
        }
    }
    let out_cells = id_cells.iter().map(|cell| ids_to_multi_polygon(&vertices, cell)).collect();
    (out_cells, vertices, edges)
}

/// Removes pairs of opposite edges (a→b with b→a): as boundaries they cancel.
fn cancel_opposite(mut edges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    let mut net: HashMap<(u32, u32), i64, FxBuild> = HashMap::default();
    for &(a, b) in &edges {
        if a < b {
            *net.entry((a, b)).or_default() += 1;
        } else {
            *net.entry((b, a)).or_default() -= 1;
        }
    }
    let remaining: u64 = net.values().map(|v| v.unsigned_abs()).sum();
    if remaining as usize == edges.len() {
        return edges; // the common case: nothing cancels
    }
    edges.clear();
    let mut keys: Vec<(u32, u32)> = net.keys().copied().collect();
    keys.sort_unstable();
    for (a, b) in keys {
        let v = net[&(a, b)];
        for _ in 0..v.unsigned_abs() {
            edges.push(if v > 0 { (a, b) } else { (b, a) });
        }
    }
    edges
}

fn ids_to_ring(vertices: &[Coord<f64>], ids: &[u32]) -> LineString<f64> {
    let mut pts: Vec<Coord<f64>> = ids.iter().map(|&i| vertices[i as usize]).collect();
    pts.push(pts[0]);
    LineString::new(pts)
}

fn ids_to_multi_polygon(vertices: &[Coord<f64>], polys: &IdPolygons) -> MultiPolygon<f64> {
    MultiPolygon::new(
        polys
            .iter()
            .map(|rings| {
                Polygon::new(
                    ids_to_ring(vertices, &rings[0]),
                    rings[1..].iter().map(|r| ids_to_ring(vertices, r)).collect(),
                )
            })
            .collect(),
    )
}

/// Where a vertex lies in the middle of an edge — a neighbour was cut at a
/// point this side was not, or a hole touches its outer ring mid-edge —
/// splits that edge there, so both sides of every edge list the same edges
/// and touching rings share the vertex.
fn split_t_junctions(vertices: &[Coord<f64>], rings: &mut [(usize, Vec<u32>)]) {
    // Undirected, so both sides of a shared edge are split alike.
    let mut undirected: Vec<(u32, u32)> = Vec::new();
    for (_, ring) in rings.iter() {
        for k in 0..ring.len() {
            let (a, b) = (ring[k], ring[(k + 1) % ring.len()]);
            undirected.push((a.min(b), a.max(b)));
        }
    }
    undirected.sort_unstable();
    undirected.dedup();
    let mut candidates: Vec<u32> = undirected.iter().flat_map(|&(a, b)| [a, b]).collect();
    candidates.sort_unstable();
    candidates.dedup();
    let Some(bbox) = bbox_of(candidates.iter().map(|&i| vertices[i as usize])) else {
        return;
    };
    let extent = bbox.width().max(bbox.height()).max(SNAP_TOLERANCE);
    let cell_size = (extent / (candidates.len() as f64).sqrt()).max(SNAP_TOLERANCE * 4.0);
    let key = |v: f64, o: f64| ((v - o) / cell_size).floor() as i64;
    let origin = bbox.min();
    let mut grid: HashMap<(i64, i64), Vec<u32>, FxBuild> = HashMap::default();
    for &id in &candidates {
        let c = vertices[id as usize];
        grid.entry((key(c.x, origin.x), key(c.y, origin.y))).or_default().push(id);
    }

    let mut splits: HashMap<(u32, u32), Vec<u32>, FxBuild> = HashMap::default();
    let mut found: Vec<(f64, u32)> = Vec::new();
    for &(a, b) in &undirected {
        let (pa, pb) = (vertices[a as usize], vertices[b as usize]);
        let ab = sub(pb, pa);
        let len2 = dot(ab, ab);
        if len2 <= 4.0 * SNAP_TOLERANCE * SNAP_TOLERANCE {
            continue;
        }
        let len = len2.sqrt();
        found.clear();
        let mut test = |w: u32| {
            if w == a || w == b {
                return;
            }
            let pw = vertices[w as usize];
            let along = dot(sub(pw, pa), ab) / len;
            let off = cross(ab, sub(pw, pa)).abs() / len;
            if off <= SNAP_TOLERANCE && along > SNAP_TOLERANCE && along < len - SNAP_TOLERANCE {
                found.push((along, w));
            }
        };
        let (x0, x1) = (key(pa.x.min(pb.x) - SNAP_TOLERANCE, origin.x), key(pa.x.max(pb.x) + SNAP_TOLERANCE, origin.x));
        let (y0, y1) = (key(pa.y.min(pb.y) - SNAP_TOLERANCE, origin.y), key(pa.y.max(pb.y) + SNAP_TOLERANCE, origin.y));
        let span = ((x1 - x0 + 1) as f64) * ((y1 - y0 + 1) as f64);
        if span > candidates.len() as f64 {
            candidates.iter().for_each(|&w| test(w));
        } else {
            for gx in x0..=x1 {
                for gy in y0..=y1 {
                    if let Some(ids) = grid.get(&(gx, gy)) {
                        ids.iter().for_each(|&w| test(w));
                    }
                }
            }
        }
        if !found.is_empty() {
            found.sort_by(|p, q| p.0.total_cmp(&q.0));
            let mut ids: Vec<u32> = found.iter().map(|&(_, w)| w).collect();
            ids.dedup();
            splits.insert((a, b), ids);
        }
    }
    if splits.is_empty() {
        return;
    }
    let key_of = |a: u32, b: u32| (a.min(b), a.max(b));
    for (_, ring) in rings.iter_mut() {
        let n = ring.len();
        if !(0..n).any(|k| splits.contains_key(&key_of(ring[k], ring[(k + 1) % n]))) {
            continue;
        }
        let mut out = Vec::with_capacity(n + 4);
        for k in 0..n {
            let (a, b) = (ring[k], ring[(k + 1) % n]);
            out.push(a);
            if let Some(mid) = splits.get(&key_of(a, b)) {
                // Stored in order from the lower id to the higher.
                if a < b {
                    out.extend_from_slice(mid);
                } else {
                    out.extend(mid.iter().rev());
                }
            }
        }
        *ring = clean_id_ring(&out);
    }
}

// ---------------------------------------------------------------------------
// Merging and chaining.

/// Angle (0, 2π] turned clockwise from direction `back` to direction `out`;
/// a straight reversal counts as a full turn.
fn clockwise_angle(back: Coord<f64>, out: Coord<f64>) -> f64 {
    let ccw = cross(back, out).atan2(dot(back, out));
    let cw = -ccw;
    if cw <= 0.0 { cw + std::f64::consts::TAU } else { cw }
}

/// First index in `edges` (sorted) whose start is `v`, and one past the last.
fn out_range(edges: &[(u32, u32)], v: u32) -> (usize, usize) {
    let lo = edges.partition_point(|e| e.0 < v);
    let hi = lo + edges[lo..].partition_point(|e| e.0 == v);
    (lo, hi)
}

/// Builds polygons from the directed boundary edges of one owner (its area
/// on the left of each edge).
fn assemble_polygons(vertices: &[Coord<f64>], edges: Vec<(u32, u32)>) -> MultiPolygon<f64> {
    let polys: IdPolygons = assemble_rings(vertices, edges)
        .into_iter()
        .map(|(outer, holes)| std::iter::once(outer).chain(holes).collect())
        .collect();
    ids_to_multi_polygon(vertices, &polys)
}

/// Chains directed boundary edges (area on the left) into simple rings:
/// returns (outer ring, holes) per polygon as open id rings, largest first;
/// rings under [`MIN_RING_AREA`] are dropped.
fn assemble_rings(vertices: &[Coord<f64>], mut edges: Vec<(u32, u32)>) -> Vec<(Vec<u32>, Vec<Vec<u32>>)> {
    edges.sort_unstable();
    let m = edges.len();
    let mut used = vec![false; m];
    let mut loops: Vec<Vec<u32>> = Vec::new();
    let mut walk: Vec<u32> = Vec::new();
    let mut stack: Vec<u32> = Vec::new();
    let mut pos: HashMap<u32, usize, FxBuild> = HashMap::default();
    for start in 0..m {
        if used[start] {
            continue;
        }
        used[start] = true;
        let (first, mut prev, mut cur) = (edges[start].0, edges[start].0, edges[start].1);
        walk.clear();
        walk.push(first);
        loop {
            walk.push(cur);
            let (lo, hi) = out_range(&edges, cur);
            // Where several boundary edges leave a vertex (areas touching at
            // a point), turn as far left as possible: that stays with the
            // same corner of the area, so no ring crosses another.
            let mut best: Option<(f64, usize)> = None;
            for k in lo..hi {
                if used[k] {
                    continue;
                }
                if hi - lo == 1 {
                    best = Some((0.0, k));
                    break;
                }
                let pc = vertices[cur as usize];
                let angle = clockwise_angle(sub(vertices[prev as usize], pc), sub(vertices[edges[k].1 as usize], pc));
                if best.is_none_or(|(a, _)| angle < a) {
                    best = Some((angle, k));
                }
            }
            let Some((_, k)) = best else { break };
            used[k] = true;
            prev = cur;
            cur = edges[k].1;
        }
        if cur != first {
            continue; // an open chain means broken topology; leave it out
        }
        // A walk that passes a vertex twice is two rings touching there:
        // split it, so every ring is simple.
        stack.clear();
        pos.clear();
        for &v in &walk {
            if let Some(&p) = pos.get(&v) {
                for x in &stack[p..] {
                    pos.remove(x);
                }
                if stack.len() - p >= 3 {
                    loops.push(stack[p..].to_vec());
                }
                stack.truncate(p);
            }
            pos.insert(v, stack.len());
            stack.push(v);
        }
    }

    struct Outer {
        ring: Vec<u32>,
        area: f64,
        bbox: Rect<f64>,
        holes: Vec<Vec<u32>>,
    }
    let mut outers: Vec<Outer> = Vec::new();
    let mut holes: Vec<Vec<u32>> = Vec::new();
    for ring in loops {
        let area = id_ring_area(vertices, &ring);
        if area >= MIN_RING_AREA {
            let bbox =
                bbox_of(ring.iter().map(|&i| vertices[i as usize])).unwrap_or(Rect::new(Coord::zero(), Coord::zero()));
            outers.push(Outer { ring, area, bbox, holes: Vec::new() });
        } else if area <= -MIN_RING_AREA {
            holes.push(ring);
        }
    }
    for hole in holes {
        // The middle of a hole edge is on no other ring (no two rings share
        // an edge), so containment there is unambiguous.
        let (a, b) = (vertices[hole[0] as usize], vertices[hole[1] as usize]);
        let probe = Coord { x: (a.x + b.x) / 2.0, y: (a.y + b.y) / 2.0 };
        let mut best: Option<usize> = None;
        for (k, o) in outers.iter().enumerate() {
            let inside_box = probe.x >= o.bbox.min().x
                && probe.x <= o.bbox.max().x
                && probe.y >= o.bbox.min().y
                && probe.y <= o.bbox.max().y;
            if inside_box && best.is_none_or(|bk| o.area < outers[bk].area) {
                let ring: Vec<Coord<f64>> = o.ring.iter().map(|&i| vertices[i as usize]).collect();
                if point_in_ring(probe, &ring) {
                    best = Some(k);
                }
            }
        }
        if let Some(k) = best {
            outers[k].holes.push(hole);
        }
    }
    outers.sort_by(|p, q| q.area.total_cmp(&p.area));
    outers.into_iter().map(|o| (o.ring, o.holes)).collect()
}

/// Chains directed segments into as few polylines as possible: walks start
/// where more segments leave a vertex than arrive, go straight on at
/// junctions, and leftover loops are spliced into lines they touch.
fn chain_segments(vertices: &[Coord<f64>], mut edges: Vec<(u32, u32)>) -> MultiLineString<f64> {
    edges.sort_unstable();
    edges.dedup();
    let m = edges.len();
    let mut used = vec![false; m];
    let mut balance: HashMap<u32, i64, FxBuild> = HashMap::default();
    for &(a, b) in &edges {
        *balance.entry(a).or_default() += 1;
        *balance.entry(b).or_default() -= 1;
    }
    let walk_from = |start: usize, used: &mut Vec<bool>| -> Vec<u32> {
        used[start] = true;
        let mut line = vec![edges[start].0, edges[start].1];
        loop {
            let n = line.len();
            let (prev, cur) = (line[n - 2], line[n - 1]);
            let (lo, hi) = out_range(&edges, cur);
            let pc = vertices[cur as usize];
            let incoming = sub(pc, vertices[prev as usize]);
            let mut best: Option<(f64, usize)> = None;
            for k in lo..hi {
                if used[k] {
                    continue;
                }
                let out = sub(vertices[edges[k].1 as usize], pc);
                let turn = cross(incoming, out).atan2(dot(incoming, out)).abs();
                if best.is_none_or(|(t, _)| turn < t) {
                    best = Some((turn, k));
                }
            }
            let Some((_, k)) = best else { break };
            used[k] = true;
            line.push(edges[k].1);
        }
        line
    };
    let mut lines: Vec<Vec<u32>> = Vec::new();
    // Open lines first, from vertices with more leaving than arriving.
    for k in 0..m {
        let v = edges[k].0;
        if !used[k] && balance.get(&v).copied().unwrap_or(0) > 0 {
            let line = walk_from(k, &mut used);
            *balance.entry(v).or_default() -= 1;
            if let Some(&end) = line.last() {
                *balance.entry(end).or_default() += 1;
            }
            lines.push(line);
        }
    }
    // What is left is balanced: closed loops. Splice each into a line that
    // shares a vertex with it, so lines are as long as they can be.
    let mut at: HashMap<u32, usize, FxBuild> = HashMap::default();
    for (l, line) in lines.iter().enumerate() {
        for &v in line {
            at.entry(v).or_insert(l);
        }
    }
    for k in 0..m {
        if used[k] {
            continue;
        }
        let cycle = walk_from(k, &mut used);
        let host = cycle.iter().enumerate().find_map(|(ci, v)| at.get(v).map(|&l| (ci, l)));
        match host {
            Some((ci, l)) if cycle.first() == cycle.last() => {
                // Rotate the cycle to start (and end) at the shared vertex.
                let v = cycle[ci];
                let body = &cycle[..cycle.len() - 1];
                let rotated: Vec<u32> =
                    body[ci..].iter().chain(&body[..ci]).copied().chain(std::iter::once(v)).collect();
                let line = &mut lines[l];
                let p = line.iter().position(|&x| x == v).unwrap_or(0);
                line.splice(p..=p, rotated);
                for &x in &cycle {
                    at.entry(x).or_insert(l);
                }
            }
            _ => {
                let l = lines.len();
                for &x in &cycle {
                    at.entry(x).or_insert(l);
                }
                lines.push(cycle);
            }
        }
    }
    MultiLineString::new(
        lines
            .into_iter()
            .filter(|l| l.len() >= 2)
            .map(|l| LineString::new(l.into_iter().map(|i| vertices[i as usize]).collect()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Winding};

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
        Polygon::new(LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]), Vec::new())
    }

    fn land_square(size: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![square(0.0, 0.0, size, size)])
    }

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    fn total_area(mp: &MultiPolygon<f64>) -> f64 {
        mp.unsigned_area()
    }

    fn assert_well_formed(mp: &MultiPolygon<f64>) {
        assert!(mp.is_valid(), "invalid: {:?}", mp.validation_errors());
        for p in &mp.0 {
            assert!(p.exterior().is_ccw(), "outer ring not counter-clockwise");
            for h in p.interiors() {
                assert!(h.is_cw(), "hole not clockwise");
            }
        }
    }

    /// A non-convex land: an L shape with a lake (hole).
    fn l_land() -> MultiPolygon<f64> {
        let outer = LineString::from(vec![
            (0.0, 0.0),
            (100_000.0, 0.0),
            (100_000.0, 40_000.0),
            (40_000.0, 40_000.0),
            (40_000.0, 100_000.0),
            (0.0, 100_000.0),
            (0.0, 0.0),
        ]);
        let lake = LineString::from(vec![
            (10_000.0, 10_000.0),
            (10_000.0, 20_000.0),
            (20_000.0, 20_000.0),
            (20_000.0, 10_000.0),
            (10_000.0, 10_000.0),
        ]);
        MultiPolygon::new(vec![Polygon::new(outer, vec![lake])])
    }

    fn grid_sites(n: usize, size: f64, jitter: f64) -> Vec<Coord<f64>> {
        // Deterministic pseudo-random jitter keeps the sites off exact grid.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut out = Vec::new();
        for i in 0..n {
            for j in 0..n {
                let step = size / n as f64;
                out.push(c(
                    (i as f64 + 0.5) * step + (rnd() - 0.5) * jitter,
                    (j as f64 + 0.5) * step + (rnd() - 0.5) * jitter,
                ));
            }
        }
        out
    }

    #[test]
    fn cells_tile_the_land() {
        let land = l_land();
        let sites = grid_sites(9, 100_000.0, 5_000.0);
        let t = Tessellation::new(&sites, &land, None, &[]);
        let sum: f64 = (0..t.len()).map(|i| total_area(t.cell(i))).sum();
        let land_area = land.unsigned_area();
        assert!((sum / land_area - 1.0).abs() < 1e-6, "{sum} vs {land_area}");
        assert!((t.land_area() / land_area - 1.0).abs() < 1e-9);
        for i in 0..t.len() {
            assert_well_formed(t.cell(i));
        }
    }

    #[test]
    fn two_sites_frontline_is_the_bisector() {
        let land = land_square(10_000.0);
        let sites = [c(2_000.0, 5_000.0), c(6_000.0, 5_000.0)];
        let t = Tessellation::new(&sites, &land, None, &[]);
        assert!((total_area(t.cell(0)) - 4_000.0 * 10_000.0).abs() < 1.0);
        let fronts = t.frontlines(Some);
        assert_eq!(fronts.len(), 1);
        assert_eq!(fronts[0].sides, (0, 1));
        assert_eq!(fronts[0].line.0.len(), 1);
        let line = &fronts[0].line.0[0];
        let mut ys: Vec<f64> = line.coords().map(|p| p.y).collect();
        for p in line.coords() {
            assert!((p.x - 4_000.0).abs() < 1e-6);
        }
        ys.sort_by(f64::total_cmp);
        assert!(ys[0].abs() < 1e-6 && (ys[ys.len() - 1] - 10_000.0).abs() < 1e-6);
        // Site 0 (west) is on the left of the line, so it runs south to north.
        assert!(line.0[0].y < line.0[line.0.len() - 1].y);
        // Same owner on both sides: no frontline.
        assert!(t.frontlines(|_| Some(0)).is_empty());
        // One side unowned: no frontline either.
        assert!(t.frontlines(|i| if i == 0 { Some(0) } else { None }).is_empty());
    }

    #[test]
    fn owner_area_is_sum_of_its_cells() {
        let land = l_land();
        let sites = grid_sites(8, 100_000.0, 9_000.0);
        let t = Tessellation::new(&sites, &land, None, &[]);
        let owner = |i: usize| Some((i * 7 % 5) as u8);
        let areas = t.areas(owner);
        assert!(areas.windows(2).all(|w| w[0].0 < w[1].0));
        for (k, mp) in &areas {
            assert_well_formed(mp);
            let expect: f64 = (0..t.len()).filter(|&i| owner(i) == Some(*k)).map(|i| total_area(t.cell(i))).sum();
            assert!((total_area(mp) / expect - 1.0).abs() < 1e-9, "owner {k}: {} vs {expect}", total_area(mp));
        }
        let reference = t.areas_by_union(owner);
        assert_eq!(reference.len(), areas.len());
        for ((k1, a), (k2, b)) in areas.iter().zip(&reference) {
            assert_eq!(k1, k2);
            assert!((total_area(a) / total_area(b) - 1.0).abs() < 1e-6);
        }
    }

    #[test]
    fn reach_leaves_land_unclaimed() {
        let land = land_square(100_000.0);
        let sites = [c(20_000.0, 20_000.0), c(80_000.0, 80_000.0)];
        let t = Tessellation::new(&sites, &land, Some(10_000.0), &[]);
        let sum: f64 = (0..2).map(|i| total_area(t.cell(i))).sum();
        // Two whole 64-gons of radius 10 km.
        let gon = 0.5 * REACH_SIDES as f64 * 1e8 * (std::f64::consts::TAU / REACH_SIDES as f64).sin();
        assert!((sum - 2.0 * gon).abs() < 1.0, "{sum} vs {}", 2.0 * gon);
        assert!(sum < t.land_area() * 0.1);
        // Discs that do not touch give no frontline.
        assert!(t.frontlines(Some).is_empty());
        // Overlapping reach: the front is only where both reach.
        let sites = [c(45_000.0, 50_000.0), c(55_000.0, 50_000.0)];
        let t = Tessellation::new(&sites, &land, Some(10_000.0), &[]);
        let fronts = t.frontlines(Some);
        assert_eq!(fronts.len(), 1);
        let len: f64 = fronts[0].line.0.iter().flat_map(|l| l.0.windows(2)).map(|w| dist2(w[0], w[1]).sqrt()).sum();
        let expect = 2.0 * (10_000.0f64.powi(2) - 5_000.0f64.powi(2)).sqrt();
        assert!((len - expect).abs() / expect < 0.01, "{len} vs {expect}");
        for (_, mp) in t.areas(Some) {
            assert_well_formed(&mp);
        }
    }

    #[test]
    fn zone_is_carved_and_given_to_its_site() {
        let land = land_square(100_000.0);
        let sites = [c(20_000.0, 50_000.0), c(80_000.0, 50_000.0)];
        // A zone straddling the bisector, owned by site 1, and partly off the land.
        let zone = Zone { site: 1, polygon: square(30_000.0, 40_000.0, 60_000.0, 110_000.0) };
        let t = Tessellation::new(&sites, &land, None, std::slice::from_ref(&zone));
        let a0 = total_area(t.cell(0));
        let a1 = total_area(t.cell(1));
        let zone_on_land = 30_000.0 * 60_000.0;
        assert!((a0 - (50_000.0 * 100_000.0 - 20_000.0 * 60_000.0)).abs() < 10.0, "{a0}");
        assert!((a1 - (50_000.0 * 100_000.0 + 20_000.0 * 60_000.0)).abs() < 10.0, "{a1}");
        assert!((a0 + a1 - 1e10).abs() < 10.0);
        assert!(zone_on_land > 0.0);
        assert_well_formed(t.cell(0));
        assert_well_formed(t.cell(1));
        let areas = t.areas(Some);
        assert!((total_area(&areas[1].1) - a1).abs() < 10.0);
        // The front now runs up the bisector to the zone, then round its
        // west part; the zone's top is the land's edge.
        let fronts = t.frontlines(Some);
        let len: f64 = fronts[0].line.0.iter().flat_map(|l| l.0.windows(2)).map(|w| dist2(w[0], w[1]).sqrt()).sum();
        assert!((len - (40_000.0 + 20_000.0 + 60_000.0)).abs() < 1.0, "{len}");
        assert_eq!(fronts[0].line.0.len(), 1);
    }

    #[test]
    fn zone_with_bad_site_is_ignored() {
        let land = land_square(10_000.0);
        let zone = Zone { site: 9, polygon: square(0.0, 0.0, 5_000.0, 5_000.0) };
        let t = Tessellation::new(&[c(1.0, 1.0)], &land, None, &[zone]);
        assert!((total_area(t.cell(0)) - 1e8).abs() < 1.0);
    }

    #[test]
    fn duplicates_get_empty_cells() {
        let land = land_square(10_000.0);
        let sites = [c(2_000.0, 2_000.0), c(8_000.0, 8_000.0), c(2_000.0, 2_000.0), c(-0.0, 0.0), c(0.0, 0.0)];
        let t = Tessellation::new(&sites, &land, None, &[]);
        assert!(!t.cell(0).0.is_empty());
        assert!(t.cell(2).0.is_empty());
        assert!(!t.cell(3).0.is_empty());
        assert!(t.cell(4).0.is_empty());
        let sum: f64 = (0..t.len()).map(|i| total_area(t.cell(i))).sum();
        assert!((sum - 1e8).abs() < 1.0);
        // Many duplicates through the triangulation path too.
        let mut many = grid_sites(5, 10_000.0, 100.0);
        many.extend(grid_sites(5, 10_000.0, 100.0));
        let t = Tessellation::new(&many, &land, None, &[]);
        assert!((25..50).all(|i| t.cell(i).0.is_empty()));
        let sum: f64 = (0..t.len()).map(|i| total_area(t.cell(i))).sum();
        assert!((sum - 1e8).abs() < 1.0);
    }

    #[test]
    fn site_outside_the_land_still_owns_nearby_land() {
        let land = land_square(10_000.0);
        // Site 1 sits 300 m outside the east edge.
        let sites = [c(2_000.0, 5_000.0), c(10_300.0, 5_000.0)];
        let t = Tessellation::new(&sites, &land, None, &[]);
        let a1 = total_area(t.cell(1));
        assert!((a1 - (10_000.0 - 6_150.0) * 10_000.0).abs() < 1.0, "{a1}");
        // And a site far away that is nearest to nothing gets nothing.
        let sites = [c(5_000.0, 5_000.0), c(50_000.0, 5_000.0)];
        let t = Tessellation::new(&sites, &land, None, &[]);
        assert!(t.cell(1).0.is_empty());
    }

    #[test]
    fn few_and_collinear_sites() {
        let land = l_land();
        let area = land.unsigned_area();
        let t = Tessellation::new(&[], &land, None, &[]);
        assert!(t.is_empty() && t.areas(Some).is_empty() && t.frontlines(Some).is_empty());
        let t = Tessellation::new(&[c(5_000.0, 5_000.0)], &land, None, &[]);
        assert!((total_area(t.cell(0)) / area - 1.0).abs() < 1e-9);
        // Twelve collinear sites along a diagonal: strips.
        let sites: Vec<Coord<f64>> = (0..12).map(|i| c(i as f64 * 8_000.0, i as f64 * 8_000.0)).collect();
        let t = Tessellation::new(&sites, &land, None, &[]);
        let sum: f64 = (0..t.len()).map(|i| total_area(t.cell(i))).sum();
        assert!((sum / area - 1.0).abs() < 1e-6);
        let fronts = t.frontlines(|i| Some(i % 2));
        assert_eq!(fronts.len(), 1);
        for i in 0..t.len() {
            assert_well_formed(t.cell(i));
        }
        // Collinear and few.
        let sites = [c(1_000.0, 50_000.0), c(2_000.0, 50_000.0), c(3_000.0, 50_000.0)];
        let t = Tessellation::new(&sites, &land, None, &[]);
        let sum: f64 = (0..t.len()).map(|i| total_area(t.cell(i))).sum();
        assert!((sum / area - 1.0).abs() < 1e-6);
    }

    #[test]
    fn odd_input_does_not_panic() {
        let land = land_square(10_000.0);
        let sites = [
            c(f64::NAN, 0.0),
            c(1e-300, 5.0),
            c(f64::INFINITY, 1.0),
            c(5_000.0, 5_000.0),
            c(1e12, -1e12),
            c(1e200, 3.0),
        ];
        let t = Tessellation::new(&sites, &land, None, &[]);
        assert!(t.cell(0).0.is_empty() && t.cell(2).0.is_empty());
        assert!(t.cell(99).0.is_empty());
        let sum: f64 = (0..t.len()).map(|i| total_area(t.cell(i))).sum();
        assert!((sum - 1e8).abs() < 1.0);
        let t = Tessellation::new(&sites, &MultiPolygon::new(Vec::new()), Some(5.0), &[]);
        assert!((0..t.len()).all(|i| t.cell(i).0.is_empty()));
        let t = Tessellation::new(&sites, &land, Some(-1.0), &[]);
        assert!((0..t.len()).all(|i| t.cell(i).0.is_empty()));
        let t = Tessellation::new(&sites, &land, Some(f64::NAN), &[]);
        assert!(!t.cell(3).0.is_empty());
    }

    #[test]
    fn checkerboard_owners_touch_at_points() {
        // Four sites in a square: diagonal owners meet only at the centre.
        let land = land_square(10_000.0);
        let sites = [c(2_500.0, 2_500.0), c(7_500.0, 2_500.0), c(2_500.0, 7_500.0), c(7_500.0, 7_500.0)];
        let t = Tessellation::new(&sites, &land, None, &[]);
        let owner = |i: usize| Some(if i == 0 || i == 3 { 'a' } else { 'b' });
        let areas = t.areas(owner);
        assert_eq!(areas.len(), 2);
        for (_, mp) in &areas {
            assert_eq!(mp.0.len(), 2);
            assert_well_formed(mp);
            assert!((total_area(mp) - 5e7).abs() < 1.0);
        }
        let fronts = t.frontlines(owner);
        assert_eq!(fronts.len(), 1);
        let len: f64 = fronts[0].line.0.iter().flat_map(|l| l.0.windows(2)).map(|w| dist2(w[0], w[1]).sqrt()).sum();
        assert!((len - 20_000.0).abs() < 1e-6);
        assert!(fronts[0].line.0.len() <= 2, "{:?}", fronts[0].line);
    }

    #[test]
    fn enclave_becomes_a_hole() {
        let land = land_square(30_000.0);
        let sites = grid_sites(3, 30_000.0, 0.0);
        let t = Tessellation::new(&sites, &land, None, &[]);
        let owner = |i: usize| Some(i == 4);
        let areas = t.areas(owner);
        let outer = &areas.iter().find(|(k, _)| !*k).unwrap().1;
        assert_eq!(outer.0.len(), 1);
        assert_eq!(outer.0[0].interiors().len(), 1);
        assert_well_formed(outer);
        assert!((total_area(outer) - 8e8).abs() < 1.0);
        let fronts = t.frontlines(owner);
        assert_eq!(fronts[0].line.0.len(), 1);
        let l = &fronts[0].line.0[0];
        assert_eq!(l.0.first(), l.0.last());
    }

    #[test]
    fn chain_splices_loops() {
        let v = vec![c(0.0, 0.0), c(1.0, 0.0), c(2.0, 0.0), c(1.0, 1.0), c(0.5, 1.0)];
        // A path 0→1→2 with a loop 1→3→4→1 hanging off vertex 1.
        let ml = chain_segments(&v, vec![(0, 1), (1, 2), (1, 3), (3, 4), (4, 1)]);
        assert_eq!(ml.0.len(), 1);
        assert_eq!(ml.0[0].0.len(), 6);
    }

    #[test]
    fn clean_id_ring_removes_spikes() {
        assert_eq!(clean_id_ring(&[1, 2, 3, 4, 3, 5]), vec![1, 2, 3, 5]);
        assert_eq!(clean_id_ring(&[1, 1, 2, 3, 3]), vec![1, 2, 3]);
        assert_eq!(clean_id_ring(&[2, 1, 2, 3, 4]), vec![2, 3, 4]);
        assert_eq!(clean_id_ring(&[1, 2]).len(), 2);
    }
}
