//! Where each vertex's edges start in a list of directed edges sorted by their start: the
//! lookup the walks that chain boundary edges into rings and lines make at every step.

use std::collections::HashMap;

use super::geometry::FxBuild;

/// How many ids per edge the dense table may span: a table entry costs 4 bytes to clear
/// and sum once, a hash map entry a hash and a probe at every lookup.
const DENSE_SPREAD: usize = 32;

/// Where each vertex's edges lie in a list of edges sorted by their start. A binary search
/// over the whole list was most of the time spent assembling rings in a large timeline
/// export (cache misses on lists of 100,000 edges). A dense table over the range of start
/// ids is used when that range is not much wider than the list (one area's boundary
/// mostly uses a band of ids), else a hash map.
pub(crate) struct OutIndex {
    lookup: OutLookup,
}

enum OutLookup {
    /// `starts[v - first]` is the first edge starting at `v` or later.
    Dense { first: u32, starts: Vec<u32> },
    /// The first edge of each start vertex.
    Sparse(HashMap<u32, u32, FxBuild>),
}

impl OutIndex {
    /// The index of `edges`, which must be sorted.
    pub(crate) fn new(edges: &[(u32, u32)]) -> OutIndex {
        let (Some(first), Some(last)) = (edges.first(), edges.last()) else {
            return OutIndex { lookup: OutLookup::Sparse(HashMap::default()) };
        };
        let (first, last) = (first.0, last.0);
        let range = (last - first) as usize + 1;
        if range <= DENSE_SPREAD * edges.len() + 4096 {
            let mut starts = vec![0u32; range + 1];
            // Count the edges of each start, then turn counts into offsets.
            for e in edges {
                starts[(e.0 - first) as usize + 1] += 1;
            }
            for i in 1..starts.len() {
                starts[i] += starts[i - 1];
            }
            OutIndex { lookup: OutLookup::Dense { first, starts } }
        } else {
            let mut map: HashMap<u32, u32, FxBuild> =
                HashMap::with_capacity_and_hasher(edges.len(), FxBuild::default());
            for (k, e) in edges.iter().enumerate().rev() {
                map.insert(e.0, k as u32);
            }
            OutIndex { lookup: OutLookup::Sparse(map) }
        }
    }

    /// First index in `edges` (the list the index was built from) whose start is `v`, and
    /// one past the last; an empty range when no edge starts there.
    pub(crate) fn range(&self, edges: &[(u32, u32)], v: u32) -> (usize, usize) {
        match &self.lookup {
            OutLookup::Dense { first, starts } => match v.checked_sub(*first) {
                Some(i) if (i as usize) + 1 < starts.len() => {
                    (starts[i as usize] as usize, starts[i as usize + 1] as usize)
                }
                _ => (0, 0),
            },
            OutLookup::Sparse(map) => match map.get(&v) {
                Some(&lo) => {
                    let lo = lo as usize;
                    let hi = lo + edges[lo..].iter().take_while(|e| e.0 == v).count();
                    (lo, hi)
                }
                None => (0, 0),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: two binary searches over the sorted list.
    fn searched(edges: &[(u32, u32)], v: u32) -> (usize, usize) {
        let lo = edges.partition_point(|e| e.0 < v);
        let hi = lo + edges[lo..].partition_point(|e| e.0 == v);
        if lo == hi { (0, 0) } else { (lo, hi) }
    }

    fn agrees(edges: &[(u32, u32)], probes: impl Iterator<Item = u32>) {
        let index = OutIndex::new(edges);
        for v in probes {
            let (lo, hi) = index.range(edges, v);
            let got = if lo == hi { (0, 0) } else { (lo, hi) };
            assert_eq!(got, searched(edges, v), "vertex {v}");
        }
    }

    #[test]
    fn a_dense_table_finds_each_vertexs_edges() {
        let mut edges = vec![(5, 6), (6, 7), (6, 9), (7, 5), (9, 6), (12, 5), (12, 6), (12, 7)];
        edges.sort_unstable();
        assert!(matches!(OutIndex::new(&edges).lookup, OutLookup::Dense { .. }));
        agrees(&edges, 0..20);
    }

    #[test]
    fn ids_spread_far_apart_use_a_map_and_find_the_same() {
        let mut edges =
            vec![(3, 4_000_000), (4_000_000, 3), (4_000_000, 9_000_000), (9_000_000, 3), (9_000_000, 4_000_000)];
        edges.sort_unstable();
        assert!(matches!(OutIndex::new(&edges).lookup, OutLookup::Sparse(_)));
        agrees(&edges, [0, 3, 4, 3_999_999, 4_000_000, 4_000_001, 9_000_000, u32::MAX].into_iter());
    }

    #[test]
    fn no_edges_no_ranges() {
        agrees(&[], [0, 1, u32::MAX].into_iter());
    }
}
