//! Placing place-name labels: each next to its marker, or tied to it by a leader line,
//! never nearer another ring than its own, clear of other labels, of reserved boxes (insets,
//! titles, scale bars, the base map's own names) and of markers. The choice among candidate
//! spots is made by simulated annealing ([`super::anneal`]) with a fixed seed, so the same
//! frame always gets the same labels.

use std::collections::HashMap;

use geo::{Coord, Intersects, Line, LineString, MultiLineString, Rect};

use super::anneal::Problem;

/// A label that would like a place on the map.
#[derive(Debug, Clone)]
pub struct LabelRequest {
    /// The caller's key for the label (e.g. the place's index), returned with it.
    pub key: u32,
    /// The text.
    pub text: String,
    /// The centre of the place's marker, in pixels.
    pub anchor: Coord<f64>,
    /// The radius around the anchor the label keeps clear of (the marker, or its ring), in
    /// pixels.
    pub clearance: f64,
    /// The text's em size, in pixels.
    pub size: f64,
    /// Bold (places that changed hands that day).
    pub bold: bool,
    /// Lower goes first and so gets the better spot.
    pub priority: u64,
    /// The place is ringed (changed hands): its label must be shown and must not be read
    /// as another ring's, so it may move away on a leader line.
    pub ringed: bool,
    /// What leaving the label out costs, against the costs of [`Weights`].
    pub omit_cost: f64,
}

/// A label with its place decided.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedLabel {
    /// The request's key.
    pub key: u32,
    /// The text.
    pub text: String,
    /// The box the text occupies, in pixels; the text is drawn from its top-left corner.
    pub rect: Rect<f64>,
    /// The text's em size, in pixels.
    pub size: f64,
    /// Bold.
    pub bold: bool,
    /// The marker's centre.
    pub anchor: Coord<f64>,
    /// The line from the edge of the marker's clearance to the box, when the box stands away.
    pub leader: Option<Line<f64>>,
    /// Whether the place is ringed.
    pub ringed: bool,
}

/// What labels must keep clear of, besides each other.
#[derive(Debug, Clone, Copy)]
pub struct Scene<'a> {
    /// Labels stay inside.
    pub bounds: Rect<f64>,
    /// Boxes no label may touch: insets, titles, scale bars, the base map's names.
    pub reserved: &'a [Rect<f64>],
    /// Markers without a label of their own (centre, radius): better not covered.
    pub markers: &'a [(Coord<f64>, f64)],
    /// Fronts: a label across one from its place reads as the other side's.
    pub fronts: Option<&'a SegmentIndex>,
    /// Lines no label may cross: the outlines of where the insets look, which a label
    /// across them would seem to point into or out of.
    pub lines: &'a [LineString<f64>],
}

/// The costs the optimiser weighs: overlaps are all but forbidden, ambiguity nearly so, a
/// leader line or a worse side merely less good.
struct Weights;

impl Weights {
    const LABEL_OVERLAP: f64 = 900.0;
    const RESERVED: f64 = 1200.0;
    const ON_RING: f64 = 400.0;
    const ON_MARKER: f64 = 160.0;
    const ON_SMALL_MARKER: f64 = 6.0;
    const AMBIGUOUS: f64 = 300.0;
    const NEAR_OTHER_RING: f64 = 90.0;
    const LEADER: f64 = 20.0;
    const LEADER_PER_PIXEL: f64 = 0.25;
    const LEADER_CROSSES: f64 = 250.0;
    const ACROSS_FRONT: f64 = 12.0;
}

/// What leaving a ringed place's label out costs: more than any overlap.
pub const OMIT_RINGED: f64 = 4000.0;

/// A candidate spot of one label.
#[derive(Debug, Clone)]
struct Spot {
    rect: Rect<f64>,
    leader: Option<Line<f64>>,
}

/// The directions candidate spots lie in around a marker, best first: right, left, above,
/// below, then the diagonals.
const DIRECTIONS: [(f64, f64); 8] =
    [(1.0, 0.0), (-1.0, 0.0), (0.0, -1.0), (0.0, 1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, -1.0), (-1.0, 1.0)];

/// The box of a `w` × `h` label whose nearest edge (or corner, diagonally) touches `p`,
/// lying in direction `d` from it.
fn box_at(p: Coord<f64>, d: (f64, f64), w: f64, h: f64) -> Rect<f64> {
    let x0 = p.x - w / 2.0 + d.0 * w / 2.0;
    let y0 = p.y - h / 2.0 + d.1 * h / 2.0;
    Rect::new(Coord { x: x0, y: y0 }, Coord { x: x0 + w, y: y0 + h })
}

fn spots(r: &LabelRequest, w: f64, h: f64) -> Vec<(Spot, f64)> {
    let gap = r.clearance + r.size * 0.25;
    let mut out = Vec::new();
    for (i, &d) in DIRECTIONS.iter().enumerate() {
        let len = (d.0 * d.0 + d.1 * d.1).sqrt();
        let unit = Coord { x: d.0 / len, y: d.1 / len };
        let p = Coord { x: r.anchor.x + unit.x * gap, y: r.anchor.y + unit.y * gap };
        out.push((Spot { rect: box_at(p, d, w, h), leader: None }, i as f64 * 0.6));
    }
    if !r.ringed {
        return out;
    }
    // Farther out on a leader line, in sixteen directions, for where the near spots are
    // all taken.
    for i in 0..16 {
        let angle = i as f64 * std::f64::consts::PI / 8.0;
        let unit = Coord { x: angle.cos(), y: -angle.sin() };
        let d = (unit.x / unit.x.abs().max(unit.y.abs()), unit.y / unit.x.abs().max(unit.y.abs()));
        for reach in [1.6, 3.2, 5.0] {
            let dist = gap + reach * h;
            let p = Coord { x: r.anchor.x + unit.x * dist, y: r.anchor.y + unit.y * dist };
            let from = Coord { x: r.anchor.x + unit.x * r.clearance, y: r.anchor.y + unit.y * r.clearance };
            let cost = Weights::LEADER + Weights::LEADER_PER_PIXEL * (dist - gap) + (i % 4) as f64 * 0.6;
            out.push((Spot { rect: box_at(p, d, w, h), leader: Some(Line::new(from, p)) }, cost));
        }
    }
    out
}

/// The distance from a point to a box (0 inside it).
pub fn distance_to_box(p: Coord<f64>, r: &Rect<f64>) -> f64 {
    let dx = (r.min().x - p.x).max(0.0).max(p.x - r.max().x);
    let dy = (r.min().y - p.y).max(0.0).max(p.y - r.max().y);
    (dx * dx + dy * dy).sqrt()
}

/// Places labels by annealing over candidate spots; see [`Scene`] for what they avoid. A
/// label that finds no acceptable spot is left out when leaving it out costs less than its
/// best spot (never a ringed one: see [`OMIT_RINGED`]).
///
/// `measure(text, size, bold)` gives the text's width and height in pixels.
pub fn place_labels(
    requests: &[LabelRequest],
    measure: impl Fn(&str, f64, bool) -> (f64, f64),
    scene: Scene<'_>,
) -> Vec<PlacedLabel> {
    let pad = |r: &LabelRequest| r.size * 0.15;
    // Candidates per request within the bounds, and the box they all fall in.
    let candidates: Vec<Vec<(Spot, f64)>> = requests
        .iter()
        .map(|r| {
            let (w, h) = measure(&r.text, r.size, r.bold);
            spots(r, w, h).into_iter().filter(|(s, _)| contains(scene.bounds, &s.rect)).collect()
        })
        .collect();
    let reach: Vec<Rect<f64>> = candidates
        .iter()
        .zip(requests)
        .map(|(spots, r)| spots.iter().fold(Rect::new(r.anchor, r.anchor), |acc, (s, _)| union(&acc, &s.rect)))
        .collect();
    // Each candidate's own cost, against only what lies within its request's reach.
    let mut problem = Problem::default();
    let mut options: Vec<Vec<Option<Spot>>> = Vec::with_capacity(requests.len());
    let mut firsts = Vec::with_capacity(requests.len());
    for (i, r) in requests.iter().enumerate() {
        let area = grow(&reach[i], r.size);
        let markers: Vec<(Coord<f64>, f64)> =
            scene.markers.iter().copied().filter(|(at, radius)| distance_to_box(*at, &area) < *radius).collect();
        let others: Vec<&LabelRequest> = requests
            .iter()
            .enumerate()
            .filter(|(j, o)| *j != i && distance_to_box(o.anchor, &grow(&area, r.size * 2.0)) < o.clearance)
            .map(|(_, o)| o)
            .collect();
        let near = Scene { markers: &markers, ..scene };
        // `None` is leaving the label out.
        let mut spots_of: Vec<Option<Spot>> = vec![None];
        let mut costs = vec![r.omit_cost];
        for (spot, base) in &candidates[i] {
            costs.push(base + own_cost(r, spot, &others, near));
            spots_of.push(Some(spot.clone()));
        }
        firsts.push(problem.add_item(&costs));
        options.push(spots_of);
    }
    // Pairs: only requests near enough for their candidates to meet, and of those only
    // spots whose extents meet (most do not: on a busy day a million pairs of spots were
    // weighed, nearly all apart).
    let extents: Vec<Vec<Option<Rect<f64>>>> =
        options.iter().map(|spots| spots.iter().map(|s| s.as_ref().map(extent)).collect()).collect();
    for i in 0..requests.len() {
        let pad_i = pad(&requests[i]);
        for j in i + 1..requests.len() {
            if !intersects(&grow(&reach[i], pad_i), &reach[j]) {
                continue;
            }
            for (a, (sa, ea)) in options[i].iter().zip(&extents[i]).enumerate() {
                let (Some(sa), Some(ea)) = (sa, ea) else { continue };
                let near_a = grow(ea, pad_i + 1.0);
                for (b, (sb, eb)) in options[j].iter().zip(&extents[j]).enumerate() {
                    let (Some(sb), Some(eb)) = (sb, eb) else { continue };
                    if !intersects(&near_a, eb) {
                        continue;
                    }
                    let cost = pair_cost(sa, sb, pad_i);
                    if cost > 0.0 {
                        problem.add_pair(firsts[i] + a, firsts[j] + b, cost);
                    }
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..requests.len()).collect();
    order.sort_by(|&a, &b| {
        requests[a].priority.cmp(&requests[b].priority).then(requests[a].text.cmp(&requests[b].text))
    });
    let chosen = problem.solve(&order, 600, 0x5eed_1abe1);
    requests
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let spot = options[i][chosen[i] - firsts[i]].as_ref()?;
            Some(PlacedLabel {
                key: r.key,
                text: r.text.clone(),
                rect: spot.rect,
                size: r.size,
                bold: r.bold,
                anchor: r.anchor,
                leader: spot.leader,
                ringed: r.ringed,
            })
        })
        .collect()
}

/// What a spot costs whatever the other labels do.
fn own_cost(r: &LabelRequest, spot: &Spot, others: &[&LabelRequest], scene: Scene<'_>) -> f64 {
    let rect = &spot.rect;
    let mut cost = 0.0;
    let padded = grow(rect, r.size * 0.15);
    cost += Weights::RESERVED * scene.reserved.iter().filter(|o| intersects(o, &padded)).count() as f64;
    cost += Weights::RESERVED * scene.lines.iter().filter(|l| crosses(l, &padded)).count() as f64;
    for &(at, radius) in scene.markers {
        if distance_to_box(at, rect) < radius {
            cost += Weights::ON_SMALL_MARKER;
        }
    }
    let own = distance_to_box(r.anchor, rect) - r.clearance;
    for other in others {
        if (other.anchor.x - r.anchor.x).abs() + (other.anchor.y - r.anchor.y).abs() < 0.5 {
            continue;
        }
        let d = distance_to_box(other.anchor, rect) - other.clearance;
        if d < 0.0 {
            cost += if other.ringed { Weights::ON_RING } else { Weights::ON_MARKER };
        }
        if let Some(leader) = &spot.leader
            && point_line_distance(other.anchor, leader) < other.clearance
        {
            cost += Weights::LEADER_CROSSES;
        }
        // A box nearer another ring than its own reads as that ring's label; with a leader
        // line, it must at least not sit against another ring.
        if other.ringed {
            let ambiguous = match spot.leader {
                None => d < own + r.size * 0.6,
                Some(_) => d < r.size * 0.6,
            };
            if ambiguous {
                cost += if r.ringed { Weights::AMBIGUOUS } else { Weights::NEAR_OTHER_RING };
            }
        }
    }
    if let Some(fronts) = scene.fronts
        && fronts.separates(r.anchor, rect)
    {
        cost += Weights::ACROSS_FRONT;
    }
    cost
}

/// Whether `line` runs through `rect`.
pub fn crosses(line: &LineString<f64>, rect: &Rect<f64>) -> bool {
    line.lines().any(|segment| segment.intersects(rect))
}

/// A spot's box with its leader line, if any.
fn extent(s: &Spot) -> Rect<f64> {
    s.leader.map_or(s.rect, |l| union(&s.rect, &Rect::new(l.start, l.end)))
}

/// What two spots of different labels cost together, for spots whose extents meet, `a`'s
/// grown by `pad + 1` (the caller checks: most spots lie apart).
fn pair_cost(a: &Spot, b: &Spot, pad: f64) -> f64 {
    let mut cost = 0.0;
    if intersects(&grow(&a.rect, pad), &b.rect) {
        cost += Weights::LABEL_OVERLAP;
    }
    for (leader, other) in [(&a.leader, &b.rect), (&b.leader, &a.rect)] {
        if let Some(l) = leader
            && l.intersects(other)
        {
            cost += Weights::LEADER_CROSSES;
        }
    }
    if let (Some(l), Some(m)) = (&a.leader, &b.leader)
        && l.intersects(m)
    {
        cost += Weights::LEADER_CROSSES;
    }
    cost
}

/// The distance from a point to a segment.
pub fn point_line_distance(p: Coord<f64>, l: &Line<f64>) -> f64 {
    let d = l.end - l.start;
    let len2 = d.x * d.x + d.y * d.y;
    let t = if len2 > 0.0 { (((p - l.start).x * d.x + (p - l.start).y * d.y) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let q = l.start + d * t;
    ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt()
}

/// Line segments (a frame's fronts) bucketed on a square grid, to ask quickly whether a
/// label's box is cut off from its place by one.
#[derive(Debug, Clone, Default)]
pub struct SegmentIndex {
    cell: f64,
    segments: Vec<Line<f64>>,
    buckets: HashMap<(i64, i64), Vec<u32>>,
}

impl SegmentIndex {
    /// Indexes every segment of `lines` in square buckets of `cell` pixels.
    pub fn new(lines: &MultiLineString<f64>, cell: f64) -> SegmentIndex {
        let mut index = SegmentIndex { cell: cell.max(1.0), ..SegmentIndex::default() };
        for line in lines.0.iter().flat_map(|l| l.lines()) {
            let i = index.segments.len() as u32;
            let (lo, hi) = index.range(Rect::new(line.start, line.end));
            for bx in lo.0..=hi.0 {
                for by in lo.1..=hi.1 {
                    index.buckets.entry((bx, by)).or_default().push(i);
                }
            }
            index.segments.push(line);
        }
        index
    }

    fn range(&self, r: Rect<f64>) -> ((i64, i64), (i64, i64)) {
        let b = |v: f64| (v / self.cell).floor() as i64;
        ((b(r.min().x), b(r.min().y)), (b(r.max().x), b(r.max().y)))
    }

    /// Whether a segment crosses `rect` or the straight way from `from` to its centre:
    /// then a label there is not on the same side as a place at `from`.
    pub fn separates(&self, from: Coord<f64>, rect: &Rect<f64>) -> bool {
        let path = Line::new(from, rect.center());
        let reach = Rect::new(
            Coord { x: rect.min().x.min(from.x), y: rect.min().y.min(from.y) },
            Coord { x: rect.max().x.max(from.x), y: rect.max().y.max(from.y) },
        );
        let (lo, hi) = self.range(reach);
        (lo.0..=hi.0).any(|bx| {
            (lo.1..=hi.1).any(|by| {
                self.buckets.get(&(bx, by)).is_some_and(|ids| {
                    ids.iter().any(|&i| {
                        let s = &self.segments[i as usize];
                        s.intersects(rect) || s.intersects(&path)
                    })
                })
            })
        })
    }
}

fn union(a: &Rect<f64>, b: &Rect<f64>) -> Rect<f64> {
    Rect::new(
        Coord { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
        Coord { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
    )
}

fn grow(r: &Rect<f64>, by: f64) -> Rect<f64> {
    Rect::new(Coord { x: r.min().x - by, y: r.min().y - by }, Coord { x: r.max().x + by, y: r.max().y + by })
}

fn contains(outer: Rect<f64>, r: &Rect<f64>) -> bool {
    r.min().x >= outer.min().x && r.min().y >= outer.min().y && r.max().x <= outer.max().x && r.max().y <= outer.max().y
}

/// Whether two boxes overlap (touching edges do not count).
pub fn intersects(a: &Rect<f64>, b: &Rect<f64>) -> bool {
    a.min().x < b.max().x && b.min().x < a.max().x && a.min().y < b.max().y && b.min().y < a.max().y
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(text: &str, x: f64, y: f64, priority: u64) -> LabelRequest {
        LabelRequest {
            key: priority as u32,
            text: text.into(),
            anchor: Coord { x, y },
            clearance: 4.0,
            size: 16.0,
            bold: false,
            priority,
            ringed: false,
            omit_cost: 60.0,
        }
    }

    fn ringed(text: &str, x: f64, y: f64, priority: u64) -> LabelRequest {
        LabelRequest { clearance: 12.0, ringed: true, omit_cost: OMIT_RINGED, ..request(text, x, y, priority) }
    }

    fn measure(text: &str, size: f64, _bold: bool) -> (f64, f64) {
        (text.len() as f64 * size * 0.6, size * 1.2)
    }

    fn bounds() -> Rect<f64> {
        Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 500.0, y: 500.0 })
    }

    fn scene(reserved: &[Rect<f64>]) -> Scene<'_> {
        Scene { bounds: bounds(), reserved, markers: &[], fronts: None, lines: &[] }
    }

    fn assert_apart(placed: &[PlacedLabel]) {
        for (i, a) in placed.iter().enumerate() {
            assert!(contains(bounds(), &a.rect));
            for b in &placed[i + 1..] {
                assert!(!intersects(&a.rect, &b.rect), "{} overlaps {}", a.text, b.text);
            }
        }
    }

    #[test]
    fn crowded_labels_never_overlap() {
        // A dense grid of places: many labels must move or drop, none may overlap.
        let requests: Vec<LabelRequest> = (0..100)
            .map(|i| request(&format!("Place {i}"), 50.0 + (i % 10) as f64 * 40.0, 50.0 + (i / 10) as f64 * 40.0, i))
            .collect();
        let placed = place_labels(&requests, measure, scene(&[]));
        assert!(placed.len() > 10 && placed.len() < 100, "{}", placed.len());
        assert_apart(&placed);
    }

    #[test]
    fn a_cluster_of_rings_gets_labels_nearer_their_own_ring_than_any_other() {
        // Nine rings 30 px apart: no room for every label beside its ring.
        let requests: Vec<LabelRequest> = (0..9)
            .map(|i| ringed(&format!("Town {i}"), 200.0 + (i % 3) as f64 * 30.0, 200.0 + (i / 3) as f64 * 30.0, i))
            .collect();
        let placed = place_labels(&requests, measure, scene(&[]));
        assert_eq!(placed.len(), 9, "every ringed place keeps its label");
        assert_apart(&placed);
        for label in &placed {
            let own = distance_to_box(label.anchor, &label.rect);
            for other in requests.iter().filter(|r| r.anchor != label.anchor) {
                let d = distance_to_box(other.anchor, &label.rect);
                assert!(d > other.clearance, "{} touches the ring of {}", label.text, other.text);
                if label.leader.is_none() {
                    assert!(d > own, "{} is nearer {} than its own ring", label.text, other.text);
                }
            }
        }
        assert!(placed.iter().any(|l| l.leader.is_some()), "the crowd needs leader lines");
    }

    #[test]
    fn labels_keep_off_reserved_boxes_and_stay_on_their_side_of_a_front() {
        let wall = Rect::new(Coord { x: 100.0, y: 0.0 }, Coord { x: 500.0, y: 500.0 });
        let placed = place_labels(&[request("Capital", 95.0, 100.0, 0)], measure, scene(&[wall]));
        assert!(placed[0].rect.max().x <= 100.0, "{:?}", placed[0].rect);
        // A front runs down x = 110; a place just west of it labels to the west.
        let front = MultiLineString(vec![geo::LineString::from(vec![(110.0, 0.0), (110.0, 500.0)])]);
        let fronts = SegmentIndex::new(&front, 32.0);
        let sided = Scene { fronts: Some(&fronts), ..scene(&[]) };
        let placed = place_labels(&[request("Westtown", 100.0, 200.0, 0)], measure, sided);
        assert!(placed[0].rect.max().x <= 110.0, "the label crossed the front: {:?}", placed[0].rect);
        let unsided = place_labels(&[request("Westtown", 100.0, 200.0, 0)], measure, scene(&[]));
        assert!(unsided[0].rect.min().x > 100.0, "without a front it takes the first spot, the right");
        // A label beyond the front, not touching it, is still across it.
        assert!(fronts.separates(
            Coord { x: 100.0, y: 200.0 },
            &Rect::new(Coord { x: 130.0, y: 190.0 }, Coord { x: 180.0, y: 210.0 })
        ));
    }

    #[test]
    fn the_same_requests_give_the_same_labels() {
        let requests: Vec<LabelRequest> = (0..40)
            .map(|i| ringed(&format!("P{i}"), 60.0 + (i * 37 % 380) as f64, 60.0 + (i * 53 % 380) as f64, i))
            .collect();
        assert_eq!(place_labels(&requests, measure, scene(&[])), place_labels(&requests, measure, scene(&[])));
    }
}
