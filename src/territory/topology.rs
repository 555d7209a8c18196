//! The shared-edge topology of a tessellation: every cell's boundary as directed edges
//! between shared vertex ids, each edge knowing the cell on its other side. Merging by
//! owner ([`super::merging`]) then only walks edges, with no boolean operation.
//!
//! Cells arrive as directed edges (cell on the left) over one vertex table, as the
//! allocation's tracer makes them; this module chains them into rings and polygons.

use std::collections::HashMap;

use geo::{Coord, LineString, MultiLineString, MultiPolygon, Polygon, Rect};
use rayon::prelude::*;

use super::geometry::{FxBuild, bbox_of, cross, dist2, dot, point_in_ring, signed_area, sub};
use super::out_index::OutIndex;

/// Rings enclosing less than this (square metres) are dropped from every output: they
/// can only be slivers.
pub const MIN_RING_AREA: f64 = 1.0;

/// Marks "no cell" on the far side of an edge (outside the land, unallocated land).
pub(crate) const NONE: u32 = u32::MAX;

/// One directed edge of a cell ring, interior on its left.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DirEdge {
    pub from: u32,
    pub to: u32,
    /// The cell whose ring this edge belongs to.
    pub cell: u32,
    /// The cell on the other side, or `NONE` when there is none there.
    pub twin: u32,
}

/// Cells of land over a shared vertex table, computed once; owners can then be assigned
/// and merged many times cheaply (see [`Tessellation::areas`]).
#[derive(Debug, Clone)]
pub struct Tessellation {
    pub(crate) cells: Vec<MultiPolygon<f64>>,
    pub(crate) vertices: Vec<Coord<f64>>,
    pub(crate) edges: Vec<DirEdge>,
    /// Each cell's rings as vertex ids (outer first in each polygon), as built: the page
    /// stores the land as arcs shared between these rings (see `site::topo`).
    pub(crate) id_cells: Vec<IdPolygons>,
    empty: MultiPolygon<f64>,
}

impl Tessellation {
    /// Builds the topology from each cell's directed boundary edges (`per_cell[c]`, the
    /// cell on the left of each edge) over `vertices`. Edges that cancel out (a→b with
    /// b→a in one cell) vanish; rings that touch themselves are split, so every cell
    /// comes out valid. With `simplify`, the vertices it marks droppable (each on one
    /// boundary only, so the cell on its other side walks the same chain) are thinned to
    /// within its tolerance in metres (see [`simplify_ring`]).
    #[cfg(test)]
    pub(crate) fn from_cell_edges(
        vertices: Vec<Coord<f64>>,
        per_cell: Vec<Vec<(u32, u32)>>,
        simplify: Option<(&[bool], f64)>,
    ) -> Tessellation {
        let id_cells = rings_from_cell_edges(&vertices, per_cell, simplify);
        Tessellation::from_id_cells(vertices, id_cells)
    }

    /// Builds the topology from each cell's rings of vertex ids (outer ring first in each
    /// polygon, then its holes), as [`rings_from_cell_edges`] makes them.
    pub(crate) fn from_id_cells(vertices: Vec<Coord<f64>>, id_cells: Vec<IdPolygons>) -> Tessellation {
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
        let cells = id_cells.iter().map(|cell| ids_to_multi_polygon(&vertices, cell)).collect();
        Tessellation { cells, vertices, edges, id_cells, empty: MultiPolygon::new(Vec::new()) }
    }

    /// The shared vertex table (projected metres).
    pub fn vertices(&self) -> &[Coord<f64>] {
        &self.vertices
    }

    /// One cell's rings as ids into [`Tessellation::vertices`]: per polygon, the outer ring
    /// (counter-clockwise) then its holes (clockwise), each open (the first vertex is not
    /// repeated). Two cells that meet walk their shared vertices in opposite directions.
    pub fn cell_rings(&self, cell: usize) -> &[Vec<Vec<u32>>] {
        self.id_cells.get(cell).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Number of cells (including empty ones).
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// True when there are no cells at all.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// One cell (empty for an out-of-range index).
    pub fn cell(&self, cell: usize) -> &MultiPolygon<f64> {
        self.cells.get(cell).unwrap_or(&self.empty)
    }
}

/// Each cell's rings of vertex ids from its directed boundary edges, as
/// [`Tessellation::from_cell_edges`] describes.
pub(crate) fn rings_from_cell_edges(
    vertices: &[Coord<f64>],
    per_cell: Vec<Vec<(u32, u32)>>,
    simplify: Option<(&[bool], f64)>,
) -> Vec<IdPolygons> {
    let rings: Vec<IdPolygons> =
        per_cell.into_par_iter().map(|edges| assemble_id_polygons(vertices, cancel_opposite(edges))).collect();
    match simplify {
        Some((droppable, tolerance)) => simplify_shared(vertices, rings, droppable, tolerance),
        None => rings,
    }
}

/// Simplifies every ring of every cell (see [`simplify_ring`]) so that the two cells on a
/// boundary still share it vertex for vertex. A ring that simplification would collapse (fewer
/// than three vertices or no area) stays whole, and so must the other side of each of its
/// boundaries: its vertices are pinned and every ring is simplified again, until no ring
/// collapses (pinning only keeps more, so this ends, in practice after one or two rounds).
fn simplify_shared(
    vertices: &[Coord<f64>],
    rings: Vec<IdPolygons>,
    droppable: &[bool],
    tolerance: f64,
) -> Vec<IdPolygons> {
    let mut droppable = droppable.to_vec();
    loop {
        let simplified: Vec<(IdPolygons, Vec<u32>)> = rings
            .par_iter()
            .map(|cell| {
                let mut collapsed = Vec::new();
                let polys = cell
                    .iter()
                    .map(|poly| {
                        poly.iter()
                            .map(|ring| match simplify_ring(vertices, ring.clone(), &droppable, tolerance) {
                                Some(kept) => kept,
                                None => {
                                    collapsed.extend(
                                        ring.iter().copied().filter(|&v| droppable.get(v as usize) == Some(&true)),
                                    );
                                    ring.clone()
                                }
                            })
                            .collect()
                    })
                    .collect();
                (polys, collapsed)
            })
            .collect();
        let mut pinned_more = false;
        for (_, collapsed) in &simplified {
            for &v in collapsed {
                pinned_more |= std::mem::replace(&mut droppable[v as usize], false);
            }
        }
        if !pinned_more {
            return simplified.into_iter().map(|(polys, _)| polys).collect();
        }
    }
}

/// Simplifies an open ring: between vertices that must stay (not `droppable`: where three
/// cells meet), the droppable ones are thinned by Douglas–Peucker to within `tolerance`.
/// Every choice depends only on the chain's vertices (the farthest from the chord, ties to
/// the lower id), never on its direction, so the cell on the other side of the chain, which
/// walks it backwards, keeps the same vertices and the two stay joined. `None` when the
/// thinned ring would collapse (under three vertices, or no area): the caller keeps it whole.
fn simplify_ring(vertices: &[Coord<f64>], ring: Vec<u32>, droppable: &[bool], tolerance: f64) -> Option<Vec<u32>> {
    let n = ring.len();
    if n <= 3 {
        return Some(ring);
    }
    let pinned = |v: u32| !droppable.get(v as usize).copied().unwrap_or(false);
    let mut pins: Vec<usize> = (0..n).filter(|&k| pinned(ring[k])).collect();
    if pins.len() < 2 {
        // A loop with one pin or none (an island in one other cell): pin the lowest id and
        // the vertex farthest from it, which both sides find alike.
        let first = pins.first().copied().unwrap_or_else(|| (0..n).min_by_key(|&k| ring[k]).unwrap_or(0));
        let a = vertices[ring[first] as usize];
        let far = (0..n)
            .filter(|&k| k != first)
            .max_by(|&p, &q| {
                let (dp, dq) = (dist2(vertices[ring[p] as usize], a), dist2(vertices[ring[q] as usize], a));
                dp.total_cmp(&dq).then(ring[q].cmp(&ring[p]))
            })
            .unwrap_or(first);
        pins = vec![first.min(far), first.max(far)];
    }
    let mut keep = vec![false; n];
    for (i, &from) in pins.iter().enumerate() {
        let to = pins[(i + 1) % pins.len()];
        keep[from] = true;
        let chain: Vec<usize> = if to > from { (from..=to).collect() } else { (from..n).chain(0..=to).collect() };
        mark_kept(vertices, &ring, &chain, tolerance, &mut keep);
    }
    let kept: Vec<u32> = (0..n).filter(|&k| keep[k]).map(|k| ring[k]).collect();
    if kept.len() == n {
        Some(ring)
    } else if kept.len() >= 3 && id_ring_area(vertices, &kept).abs() >= MIN_RING_AREA {
        Some(kept)
    } else {
        None
    }
}

/// Douglas–Peucker over `chain` (indexes into `ring`, both ends kept by the caller).
fn mark_kept(vertices: &[Coord<f64>], ring: &[u32], chain: &[usize], tolerance: f64, keep: &mut [bool]) {
    if chain.len() <= 2 {
        return;
    }
    // The chord from the lower id to the higher, so both directions compute the same bits.
    let (first, last) = (ring[chain[0]], ring[chain[chain.len() - 1]]);
    let (a, b) = (vertices[first.min(last) as usize], vertices[first.max(last) as usize]);
    let ab = sub(b, a);
    let len2 = dot(ab, ab);
    let distance = |c: Coord<f64>| {
        if len2 == 0.0 { dist2(c, a).sqrt() } else { cross(ab, sub(c, a)).abs() / len2.sqrt() }
    };
    let mut best: Option<(f64, u32, usize)> = None;
    for (i, &k) in chain.iter().enumerate().take(chain.len() - 1).skip(1) {
        let d = distance(vertices[ring[k] as usize]);
        let better = match best {
            None => true,
            Some((bd, bid, _)) => d > bd || (d == bd && ring[k] < bid),
        };
        if better {
            best = Some((d, ring[k], i));
        }
    }
    if let Some((d, _, i)) = best
        && d > tolerance
    {
        keep[chain[i]] = true;
        mark_kept(vertices, ring, &chain[..=i], tolerance, keep);
        mark_kept(vertices, ring, &chain[i..], tolerance, keep);
    }
}

/// Polygons as vertex ids: each a list of open rings (outer first).
pub(crate) type IdPolygons = Vec<Vec<Vec<u32>>>;

fn id_ring_area(vertices: &[Coord<f64>], ring: &[u32]) -> f64 {
    signed_area(ring.iter().map(|&i| vertices[i as usize]))
}
/// Removes pairs of opposite edges (a→b with b→a): as boundaries they cancel.
pub(crate) fn cancel_opposite(mut edges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
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

pub(crate) fn ids_to_ring(vertices: &[Coord<f64>], ids: &[u32]) -> LineString<f64> {
    let mut pts: Vec<Coord<f64>> = ids.iter().map(|&i| vertices[i as usize]).collect();
    pts.push(pts[0]);
    LineString::new(pts)
}

pub(crate) fn ids_to_multi_polygon(vertices: &[Coord<f64>], polys: &IdPolygons) -> MultiPolygon<f64> {
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
// ---------------------------------------------------------------------------
// Merging and chaining.

/// Angle (0, 2π] turned clockwise from direction `back` to direction `out`;
/// a straight reversal counts as a full turn.
pub(crate) fn clockwise_angle(back: Coord<f64>, out: Coord<f64>) -> f64 {
    let ccw = cross(back, out).atan2(dot(back, out));
    let cw = -ccw;
    if cw <= 0.0 { cw + std::f64::consts::TAU } else { cw }
}

/// Builds polygons from the directed boundary edges of one owner (its area
/// on the left of each edge).
pub(crate) fn assemble_polygons(vertices: &[Coord<f64>], edges: Vec<(u32, u32)>) -> MultiPolygon<f64> {
    ids_to_multi_polygon(vertices, &assemble_id_polygons(vertices, edges))
}

/// [`assemble_polygons`] as rings of vertex ids: per polygon its outer ring, then its holes.
pub(crate) fn assemble_id_polygons(vertices: &[Coord<f64>], edges: Vec<(u32, u32)>) -> IdPolygons {
    assemble_rings(vertices, edges)
        .into_iter()
        .map(|(outer, holes)| std::iter::once(outer).chain(holes).collect())
        .collect()
}

/// Chains directed boundary edges (area on the left) into simple rings:
/// returns (outer ring, holes) per polygon as open id rings, largest first;
/// rings under [`MIN_RING_AREA`] are dropped.
pub(crate) fn assemble_rings(vertices: &[Coord<f64>], mut edges: Vec<(u32, u32)>) -> Vec<(Vec<u32>, Vec<Vec<u32>>)> {
    edges.sort_unstable();
    let out_index = OutIndex::new(&edges);
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
        // Whether the walk met a vertex with several edges leaving it: only there can it
        // pass a vertex twice.
        let mut branched = false;
        loop {
            walk.push(cur);
            let (lo, hi) = out_index.range(&edges, cur);
            branched |= hi - lo > 1;
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
        if !branched {
            // One simple ring, closed on its first vertex (a set of vertex ids per walk
            // was a tenth of a large timeline export).
            if walk.len() > 3 {
                loops.push(walk[..walk.len() - 1].to_vec());
            }
            continue;
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
    // Outer rings by the cells of a coarse grid their boxes cover, so each hole tests only
    // the outers near it: a fragmented area has thousands of both.
    let index = BoxGrid::new(outers.iter().map(|o| o.bbox).collect());
    let mut candidates: Vec<usize> = Vec::new();
    for hole in holes {
        // The middle of a hole edge is on no other ring (no two rings share
        // an edge), so containment there is unambiguous.
        let (a, b) = (vertices[hole[0] as usize], vertices[hole[1] as usize]);
        let probe = Coord { x: (a.x + b.x) / 2.0, y: (a.y + b.y) / 2.0 };
        let mut best: Option<usize> = None;
        index.at(probe, &mut candidates);
        for &k in &candidates {
            let o = &outers[k];
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

/// Boxes bucketed by the cells of a grid of about one cell per box over their extent, to
/// find the boxes that may hold a point without testing them all.
struct BoxGrid {
    origin: Coord<f64>,
    cell: Coord<f64>,
    n: usize,
    buckets: Vec<Vec<usize>>,
}

impl BoxGrid {
    fn new(boxes: Vec<Rect<f64>>) -> BoxGrid {
        let extent = bbox_of(boxes.iter().flat_map(|b| [b.min(), b.max()]));
        let n = (boxes.len() as f64).sqrt().ceil().clamp(1.0, 256.0) as usize;
        let Some(extent) = extent.filter(|_| boxes.len() > 16) else {
            // Few boxes: one bucket holds them all.
            return BoxGrid {
                origin: Coord::zero(),
                cell: Coord { x: f64::INFINITY, y: f64::INFINITY },
                n: 1,
                buckets: vec![(0..boxes.len()).collect()],
            };
        };
        let cell = Coord {
            x: (extent.width() / n as f64).max(f64::MIN_POSITIVE),
            y: (extent.height() / n as f64).max(f64::MIN_POSITIVE),
        };
        let mut grid = BoxGrid { origin: extent.min(), cell, n, buckets: vec![Vec::new(); n * n] };
        for (k, b) in boxes.iter().enumerate() {
            let (i0, j0) = grid.cell_of(b.min());
            let (i1, j1) = grid.cell_of(b.max());
            for j in j0..=j1 {
                for i in i0..=i1 {
                    grid.buckets[j * n + i].push(k);
                }
            }
        }
        grid
    }

    fn cell_of(&self, c: Coord<f64>) -> (usize, usize) {
        let clamp = |v: f64| if v.is_finite() { (v.max(0.0) as usize).min(self.n - 1) } else { 0 };
        (clamp((c.x - self.origin.x) / self.cell.x), clamp((c.y - self.origin.y) / self.cell.y))
    }

    /// The boxes that may hold `c` (a superset), into `out`.
    fn at(&self, c: Coord<f64>, out: &mut Vec<usize>) {
        out.clear();
        let (i, j) = self.cell_of(c);
        out.extend_from_slice(&self.buckets[j * self.n + i]);
    }
}

/// Chains directed segments into as few polylines as possible: walks start
/// where more segments leave a vertex than arrive, go straight on at
/// junctions, and leftover loops are spliced into lines they touch.
pub(crate) fn chain_segments(vertices: &[Coord<f64>], mut edges: Vec<(u32, u32)>) -> MultiLineString<f64> {
    edges.sort_unstable();
    edges.dedup();
    let out_index = OutIndex::new(&edges);
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
            let (lo, hi) = out_index.range(&edges, cur);
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

    fn square(vertices: &mut Vec<Coord<f64>>, x: f64, y: f64) -> Vec<u32> {
        let first = vertices.len() as u32;
        vertices.extend([(x, y), (x + 10.0, y), (x + 10.0, y + 10.0), (x, y + 10.0)].map(|(x, y)| Coord { x, y }));
        (first..first + 4).collect()
    }

    fn edges_of(ring: &[u32]) -> Vec<(u32, u32)> {
        (0..ring.len()).map(|i| (ring[i], ring[(i + 1) % ring.len()])).collect()
    }

    #[test]
    fn a_simple_ring_comes_back_whole() {
        let mut vertices = Vec::new();
        let ring = square(&mut vertices, 0.0, 0.0);
        let polygons = assemble_rings(&vertices, edges_of(&ring));
        assert_eq!(polygons.len(), 1);
        let (outer, holes) = &polygons[0];
        assert!(holes.is_empty());
        let mut sorted = outer.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, ring);
        assert!((id_ring_area(&vertices, outer) - 100.0).abs() < 1e-9);
    }

    #[test]
    fn a_hole_touching_its_outer_ring_comes_apart_from_it() {
        // The outer ring passes (20, 0), and so does a triangular hole: walking the outer
        // ring, the left-most turn at (20, 0) goes round the hole and back, so the walk
        // passes that vertex twice and must be split into the outer ring and the hole.
        let vertices: Vec<Coord<f64>> =
            [(0.0, 0.0), (20.0, 0.0), (40.0, 0.0), (40.0, 40.0), (0.0, 40.0), (10.0, 10.0), (30.0, 10.0)]
                .map(|(x, y)| Coord { x, y })
                .to_vec();
        let mut edges = edges_of(&[0, 1, 2, 3, 4]);
        edges.extend(edges_of(&[1, 5, 6]));
        let polygons = assemble_rings(&vertices, edges);
        assert_eq!(polygons.len(), 1, "{polygons:?}");
        let (outer, holes) = &polygons[0];
        assert_eq!(outer.len(), 5, "{outer:?}");
        assert_eq!(holes.len(), 1, "{holes:?}");
        assert_eq!(holes[0].len(), 3);
        assert!((id_ring_area(&vertices, outer) - 1600.0).abs() < 1e-9);
        assert!((id_ring_area(&vertices, &holes[0]) + 100.0).abs() < 1e-9);
    }
}
