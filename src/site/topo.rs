//! The land for the page, stored once: each cell's boundary as arcs shared with the cell
//! on the other side, quantised and delta-encoded as TopoJSON stores them. The page then
//! derives each day's areas (cells grouped by owner) and fronts (arcs whose two sides
//! have different owners) itself, so the page grows with the changes, not with
//! days × geometry.
//!
//! The encoding, as the page reads it (`D.topo`):
//! - `scale`, `origin`: a quantised point `(x, y)` is at longitude `origin[0] + x * scale`,
//!   latitude `origin[1] + y * scale`;
//! - `arcs[i]`: `[x0, y0, dx1, dy1, ...]`, the first point then each next as a difference;
//! - `left[i]`, `right[i]`: the cell on each side of arc `i` walked forwards (`-1`: none);
//! - `rings[c]`: cell `c`'s rings, each a list of arc references (`i` forwards, `~i`
//!   backwards), outer rings counter-clockwise and holes clockwise, so that a path of many
//!   cells fills right under the non-zero rule;
//! - `place[c]`, `thin`: the place whose holder holds cell `c`, and the cells of thinly
//!   held land (land no place settles).

use std::collections::HashMap;

use geo::Coord;
use serde_json::{Value, json};

use crate::territory::{CellKind, Territory};

/// Quantisation step in degrees (about 11 m): far below the allocation's pixel, so
/// quantising moves no boundary visibly.
pub const SCALE_DEG: f64 = 1e-4;

/// A reference to an arc, TopoJSON style: `i` forwards, `!i` (that is `-i - 1`) backwards.
type ArcRef = i64;

/// Arcs and cells built from a territory's topology.
pub struct Topo {
    /// Each arc as vertex ids.
    arcs: Vec<Vec<u32>>,
    /// The cells on the left and right of each arc (`None`: outside every cell).
    sides: Vec<(u32, Option<u32>)>,
    /// Each cell's rings as arc references.
    rings: Vec<Vec<Vec<ArcRef>>>,
}

impl Topo {
    /// Cuts every cell ring of `territory` into arcs at the vertices where the cell on the
    /// other side changes or more than two boundaries meet, and keeps each arc once: the
    /// cell on its other side walks the same vertices backwards and refers to it reversed.
    pub fn new(territory: &Territory) -> Topo {
        let t = territory.tessellation();
        let cells = t.len();
        // Who is on the other side of each directed edge: the owner of its reverse.
        let mut owner: HashMap<(u32, u32), u32> = HashMap::new();
        let mut neighbours: HashMap<u32, Vec<u32>> = HashMap::new();
        for c in 0..cells {
            for ring in t.cell_rings(c).iter().flatten() {
                for k in 0..ring.len() {
                    let (a, b) = (ring[k], ring[(k + 1) % ring.len()]);
                    owner.insert((a, b), c as u32);
                    for (v, w) in [(a, b), (b, a)] {
                        let list = neighbours.entry(v).or_default();
                        if !list.contains(&w) {
                            list.push(w);
                        }
                    }
                }
            }
        }
        let junction = |v: u32| neighbours.get(&v).is_none_or(|n| n.len() != 2);
        let mut topo = Topo { arcs: Vec::new(), sides: Vec::new(), rings: Vec::with_capacity(cells) };
        let mut by_first_edge: HashMap<(u32, u32), ArcRef> = HashMap::new();
        for c in 0..cells {
            let mut cell_rings = Vec::new();
            for ring in t.cell_rings(c).iter().flatten() {
                let n = ring.len();
                if n < 3 {
                    continue;
                }
                let other = |k: usize| owner.get(&(ring[(k + 1) % n], ring[k])).copied();
                let cuts: Vec<usize> =
                    (0..n).filter(|&k| junction(ring[k]) || other((k + n - 1) % n) != other(k)).collect();
                // A ring with no cut (an island in one other cell) starts at its lowest
                // id, where the cell around it starts its hole too.
                let cuts = if cuts.is_empty() { vec![(0..n).min_by_key(|&k| ring[k]).unwrap_or(0)] } else { cuts };
                let mut refs = Vec::with_capacity(cuts.len());
                for (i, &from) in cuts.iter().enumerate() {
                    let to = cuts[(i + 1) % cuts.len()];
                    let length = if to > from { to - from } else { to + n - from };
                    let run: Vec<u32> = (0..=length).map(|j| ring[(from + j) % n]).collect();
                    let first = (run[0], run[1]);
                    let r = match by_first_edge.get(&first) {
                        Some(&r) => r,
                        None => {
                            let i = topo.arcs.len() as ArcRef;
                            let m = run.len();
                            by_first_edge.insert((run[m - 1], run[m - 2]), !i);
                            by_first_edge.insert(first, i);
                            topo.sides.push((c as u32, other(from)));
                            topo.arcs.push(run);
                            i
                        }
                    };
                    refs.push(r);
                }
                cell_rings.push(refs);
            }
            topo.rings.push(cell_rings);
        }
        topo
    }

    /// The number of arcs.
    #[cfg(test)]
    fn arc_count(&self) -> usize {
        self.arcs.len()
    }

    /// The JSON the page reads (see the module docs), in longitude and latitude.
    pub fn to_json(&self, territory: &Territory) -> Value {
        let projection = territory.projection();
        let vertices: Vec<Coord<f64>> =
            territory.tessellation().vertices().iter().map(|&v| projection.unproject(v)).collect();
        let origin = vertices
            .iter()
            .fold(Coord { x: f64::INFINITY, y: f64::INFINITY }, |m, v| Coord { x: m.x.min(v.x), y: m.y.min(v.y) });
        let origin = if origin.x.is_finite() { origin } else { Coord { x: 0.0, y: 0.0 } };
        let q = |v: Coord<f64>| {
            (((v.x - origin.x) / SCALE_DEG).round() as i64, ((v.y - origin.y) / SCALE_DEG).round() as i64)
        };
        let arcs: Vec<Value> = self
            .arcs
            .iter()
            .map(|arc| {
                let mut out = Vec::with_capacity(arc.len() * 2);
                let mut last = (0, 0);
                for (k, &v) in arc.iter().enumerate() {
                    let p = q(vertices[v as usize]);
                    if k == 0 {
                        out.extend([p.0, p.1]);
                    } else if p != last {
                        out.extend([p.0 - last.0, p.1 - last.1]);
                    }
                    last = p;
                }
                json!(out)
            })
            .collect();
        let cells = territory.cells();
        let thin: Vec<usize> = (0..cells.len()).filter(|&c| cells[c].kind == CellKind::Thin).collect();
        json!({
            "scale": SCALE_DEG,
            "origin": [origin.x, origin.y],
            "arcs": arcs,
            "left": self.sides.iter().map(|s| s.0).collect::<Vec<_>>(),
            "right": self.sides.iter().map(|s| s.1.map_or(-1, i64::from)).collect::<Vec<_>>(),
            "rings": self.rings,
            "place": cells.iter().map(|c| c.place).collect::<Vec<_>>(),
            "thin": thin,
        })
    }

    /// A cell's rings rebuilt from the arcs, as vertex ids (each ring open): what the page
    /// decodes, for tests.
    #[cfg(test)]
    fn ring_ids(&self, cell: usize) -> Vec<Vec<u32>> {
        self.rings[cell]
            .iter()
            .map(|refs| {
                let mut ids: Vec<u32> = Vec::new();
                for &r in refs {
                    let arc = if r >= 0 {
                        self.arcs[r as usize].clone()
                    } else {
                        self.arcs[!r as usize].iter().rev().copied().collect()
                    };
                    if ids.is_empty() {
                        ids.extend(arc);
                    } else {
                        ids.extend(&arc[1..]);
                    }
                }
                ids.pop();
                ids
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;

    #[test]
    fn arcs_rebuild_every_cell_ring_and_each_inner_arc_is_stored_once() {
        let s = Scenario::syria_2024().unwrap();
        let territory = Territory::with_cache(&s, None);
        let topo = Topo::new(&territory);
        let t = territory.tessellation();
        let mut references = vec![0usize; topo.arc_count()];
        for c in 0..t.len() {
            let expected: Vec<Vec<u32>> = t.cell_rings(c).iter().flatten().filter(|r| r.len() >= 3).cloned().collect();
            let rebuilt = topo.ring_ids(c);
            assert_eq!(rebuilt.len(), expected.len(), "cell {c}");
            for (got, want) in rebuilt.iter().zip(&expected) {
                // The same cycle, perhaps from another vertex.
                let start = want.iter().position(|v| *v == got[0]).expect("the start is on the ring");
                let rotated: Vec<u32> = want[start..].iter().chain(&want[..start]).copied().collect();
                assert_eq!(got, &rotated, "cell {c}");
            }
            for r in topo.rings[c].iter().flatten() {
                references[if *r >= 0 { *r as usize } else { !*r as usize }] += 1;
            }
        }
        // An arc with a cell on each side is used by both, one with none by its own cell.
        for (i, (count, (_, right))) in references.iter().zip(&topo.sides).enumerate() {
            assert_eq!(*count, if right.is_some() { 2 } else { 1 }, "arc {i}");
        }
        assert!(topo.arc_count() > 100);
        // Outer rings counter-clockwise, holes clockwise: a path of many cells fills right
        // under the non-zero rule.
        let v = t.vertices();
        let area = |ring: &[u32]| -> f64 {
            (0..ring.len())
                .map(|k| {
                    let (a, b) = (v[ring[k] as usize], v[ring[(k + 1) % ring.len()] as usize]);
                    a.x * b.y - b.x * a.y
                })
                .sum::<f64>()
        };
        for c in 0..t.len() {
            for poly in t.cell_rings(c) {
                for (k, ring) in poly.iter().enumerate().filter(|(_, r)| r.len() >= 3) {
                    assert_eq!(area(ring) > 0.0, k == 0, "cell {c}: ring {k} turns the wrong way");
                }
            }
        }
    }
}
