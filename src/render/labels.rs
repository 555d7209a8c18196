//! Placing place-name labels so that none overlaps another.

use geo::{Coord, Rect};

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
        if let Some(rect) = spots
            .iter()
            .map(|&(x0, y0)| Rect::new(Coord { x: x0, y: y0 }, Coord { x: x0 + w, y: y0 + h }))
            .find(|r| free(r))
        {
            placed.push(PlacedLabel { text: request.text.clone(), rect, size: request.size, bold: request.bold });
        }
    }
    placed
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
