//! Placing place-name labels so that none overlaps another, and each stays on its
//! place's side of the front when it can.

use std::collections::HashMap;

use geo::{Coord, Intersects, Line, MultiLineString, Rect};

/// A label that would like a place on the map.
#[derive(Debug, Clone)]
pub struct LabelRequest {
    /// The text.
    pub text: String,
    /// The centre of the place's marker, in pixels.
    pub anchor: Coord<f64>,
    /// The marker's radius, in pixels: the label keeps clear of it.
    pub clearance: f64,
    /// The text's em size, in pixels.
    pub size: f64,
    /// Bold (places that changed hands that day).
    pub bold: bool,
    /// Lower goes first and so gets the better spot.
    pub priority: u64,
}

/// A label with its place decided.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedLabel {
    /// The text.
    pub text: String,
    /// The box the text occupies, in pixels; the text is drawn from its top-left corner.
    pub rect: Rect<f64>,
    /// The text's em size, in pixels.
    pub size: f64,
    /// Bold.
    pub bold: bool,
}

/// Places labels in priority order, each at the first of eight spots around its marker
/// (right, left, above, below, then the diagonals) that stays inside `bounds` and clear
/// of every label already placed and of every `obstacle`. A label with no free spot is
/// left out: a missing small-town label beats an unreadable pile.
///
/// `measure(text, size, bold)` gives the text's width and height in pixels.
pub fn place_labels(
    requests: &[LabelRequest],
    measure: impl Fn(&str, f64, bool) -> (f64, f64),
    bounds: Rect<f64>,
    obstacles: &[Rect<f64>],
) -> Vec<PlacedLabel> {
    place_labels_preferring(requests, measure, bounds, obstacles, |_, _| true)
}

/// [`place_labels`], taking the first free spot that `prefer(request, spot)` accepts, and
/// the first free spot only when none is preferred. Frames prefer spots on the place's
/// side of the front (see [`SegmentIndex::separates`]), so that a town's name does not
/// sit on the other side's ground.
pub fn place_labels_preferring(
    requests: &[LabelRequest],
    measure: impl Fn(&str, f64, bool) -> (f64, f64),
    bounds: Rect<f64>,
    obstacles: &[Rect<f64>],
    prefer: impl Fn(&LabelRequest, &Rect<f64>) -> bool,
) -> Vec<PlacedLabel> {
    let mut order: Vec<&LabelRequest> = requests.iter().collect();
    order.sort_by(|a, b| a.priority.cmp(&b.priority).then(a.text.cmp(&b.text)));
    let mut placed: Vec<PlacedLabel> = Vec::new();
    for request in order {
        let (w, h) = measure(&request.text, request.size, request.bold);
        let gap = request.clearance + request.size * 0.25;
        let Coord { x, y } = request.anchor;
        let spots = [
            (x + gap, y - h / 2.0),
            (x - gap - w, y - h / 2.0),
            (x - w / 2.0, y - gap - h),
            (x - w / 2.0, y + gap),
            (x + gap * 0.7, y - gap * 0.7 - h),
            (x + gap * 0.7, y + gap * 0.7),
            (x - gap * 0.7 - w, y - gap * 0.7 - h),
            (x - gap * 0.7 - w, y + gap * 0.7),
        ];
        let pad = request.size * 0.15;
        let free = |r: &Rect<f64>| {
            contains(bounds, r)
                && !placed.iter().any(|p| intersects(&grow(&p.rect, pad), r))
                && !obstacles.iter().any(|o| intersects(o, r))
        };
        let free_spots: Vec<Rect<f64>> = spots
            .iter()
            .map(|&(x0, y0)| Rect::new(Coord { x: x0, y: y0 }, Coord { x: x0 + w, y: y0 + h }))
            .filter(|r| free(r))
            .collect();
        if let Some(rect) = free_spots.iter().find(|r| prefer(request, r)).or(free_spots.first()).copied() {
            placed.push(PlacedLabel { text: request.text.clone(), rect, size: request.size, bold: request.bold });
        }
    }
    placed
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
        LabelRequest { text: text.into(), anchor: Coord { x, y }, clearance: 4.0, size: 16.0, bold: false, priority }
    }

    fn measure(text: &str, size: f64, _bold: bool) -> (f64, f64) {
        (text.len() as f64 * size * 0.6, size * 1.2)
    }

    fn bounds() -> Rect<f64> {
        Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 500.0, y: 500.0 })
    }

    #[test]
    fn crowded_labels_never_overlap() {
        // A dense grid of places: many labels must move or drop, none may overlap.
        let requests: Vec<LabelRequest> = (0..100)
            .map(|i| request(&format!("Place {i}"), 50.0 + (i % 10) as f64 * 40.0, 50.0 + (i / 10) as f64 * 40.0, i))
            .collect();
        let placed = place_labels(&requests, measure, bounds(), &[]);
        assert!(placed.len() > 10 && placed.len() < 100, "{}", placed.len());
        for (i, a) in placed.iter().enumerate() {
            assert!(contains(bounds(), &a.rect));
            for b in &placed[i + 1..] {
                assert!(!intersects(&a.rect, &b.rect), "{} overlaps {}", a.text, b.text);
            }
        }
    }

    #[test]
    fn labels_stay_on_their_side_of_a_front_when_they_can() {
        // A front runs down x = 110; a place just west of it would label to the east first.
        let front = MultiLineString(vec![geo::LineString::from(vec![(110.0, 0.0), (110.0, 500.0)])]);
        let fronts = SegmentIndex::new(&front, 32.0);
        let requests = [request("Westtown", 100.0, 200.0, 0)];
        let sided = |r: &LabelRequest, spot: &Rect<f64>| !fronts.separates(r.anchor, spot);
        let placed = place_labels_preferring(&requests, measure, bounds(), &[], sided);
        assert!(placed[0].rect.max().x <= 110.0, "the label crossed the front: {:?}", placed[0].rect);
        let unsided = place_labels(&requests, measure, bounds(), &[]);
        assert!(unsided[0].rect.max().x > 110.0, "without the preference it takes the first spot");
        // With no room on its own side, the label still goes somewhere.
        let wall = Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 99.0, y: 500.0 });
        let placed = place_labels_preferring(&requests, measure, bounds(), &[wall], sided);
        assert_eq!(placed.len(), 1);
        // A label beyond the front, not touching it, is still across it.
        assert!(fronts.separates(
            Coord { x: 100.0, y: 200.0 },
            &Rect::new(Coord { x: 130.0, y: 190.0 }, Coord { x: 180.0, y: 210.0 })
        ));
        assert!(!fronts.separates(
            Coord { x: 100.0, y: 200.0 },
            &Rect::new(Coord { x: 20.0, y: 190.0 }, Coord { x: 90.0, y: 210.0 })
        ));
    }

    #[test]
    fn priority_wins_the_spot_and_labels_avoid_obstacles() {
        let requests = [request("Minor", 100.0, 100.0, 5), request("Capital", 100.0, 100.0, 0)];
        let placed = place_labels(&requests, measure, bounds(), &[]);
        assert_eq!(placed[0].text, "Capital");
        assert!(placed[0].rect.min().x > 100.0, "the first choice is to the right");
        let wall = Rect::new(Coord { x: 100.0, y: 0.0 }, Coord { x: 500.0, y: 500.0 });
        let placed = place_labels(&requests[1..], measure, bounds(), &[wall]);
        assert!(placed[0].rect.max().x <= 100.0, "{:?}", placed[0].rect);
    }
}
