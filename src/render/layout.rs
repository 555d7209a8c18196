//! Where a frame's rings and labels go, decided before anything is drawn, so that the
//! drawing and the tests read the same boxes.

use chrono::NaiveDate;
use geo::{Coord, Intersects, LineString, Rect};

use super::atlas::{Atlas, DayMap};
use super::frame::scale_bar;
use super::labels::{LabelRequest, OMIT_RINGED, PlacedLabel, Scene, SegmentIndex, place_labels};
use crate::control::Basis;
use crate::gazetteer::{LabelRule, PlaceId, PlaceKind};
use crate::raster::Weight;

/// A ring around a place that changed hands, in frame pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ring {
    /// The place.
    pub place: PlaceId,
    /// The centre.
    pub at: Coord<f64>,
    /// The radius of the ring's line.
    pub radius: f64,
    /// The radius of its outer edge, white casing included: what a label keeps clear of.
    pub outer: f64,
}

/// The rings and labels of one view (the main map or an inset).
#[derive(Debug, Clone, PartialEq)]
pub struct ViewLayout {
    /// The view's box.
    pub map: Rect<f64>,
    /// The rings drawn in it.
    pub rings: Vec<Ring>,
    /// The labels drawn in it; [`PlacedLabel::key`] is the place's index.
    pub labels: Vec<PlacedLabel>,
    /// The boxes labels keep off: insets, titles, the scale bar, the base map's names.
    pub reserved: Vec<Rect<f64>>,
    /// The lines labels keep off: where the insets look, outlined on the main map.
    pub outlines: Vec<LineString<f64>>,
}

/// The rings and labels of a frame: the main map's, then each inset's.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameLayout {
    /// The main map.
    pub main: ViewLayout,
    /// The insets, in the atlas's order.
    pub insets: Vec<ViewLayout>,
}

/// The layout of the frame of `day` (`map` is that day's [`DayMap`]).
pub fn frame_layout(atlas: &Atlas<'_>, day: NaiveDate, map: &DayMap) -> FrameLayout {
    FrameLayout {
        main: view_layout(atlas, day, map),
        insets: atlas.insets.iter().zip(&map.insets).map(|(a, m)| view_layout(a, day, m)).collect(),
    }
}

/// The marker radius of a place, in design pixels.
pub(crate) fn marker_radius(population: Option<u64>, kind: PlaceKind) -> f64 {
    if !kind.is_settlement() {
        return 4.5;
    }
    (2.0 + (population.unwrap_or(0) as f64).sqrt() / 170.0).clamp(2.0, 10.5)
}

/// The places a row names that changed hands on `day` (or, when frames skip days, since the
/// frame before: [`Atlas::span_start`]): they get a ring and a label. Changes by region
/// rows or inference are told in the panel instead, or a day of collapse would ring half
/// the map.
pub(crate) fn changed_today(atlas: &Atlas<'_>, day: NaiveDate) -> Vec<PlaceId> {
    // Against the day before the span; before the first day, the baseline.
    match atlas.span_start(day).pred_opt() {
        Some(prev) => atlas
            .model
            .changes(prev, day)
            .into_iter()
            .filter(|c| c.after.state.basis == Basis::Events)
            .map(|c| c.place)
            .collect(),
        None => Vec::new(),
    }
}

/// Whether a pixel falls in a view.
fn visible(view: Rect<f64>, c: Coord<f64>) -> bool {
    c.x >= view.min().x && c.x <= view.max().x && c.y >= view.min().y && c.y <= view.max().y
}

/// Whether `place` is shown close up in one of the main map's insets.
fn in_an_inset(atlas: &Atlas<'_>, place: PlaceId) -> bool {
    let s = atlas.scenario;
    atlas.insets.iter().any(|a| a.inset.is_some())
        && s.map.insets.iter().any(|i| i.extent.intersects(&s.gazetteer.get(place).position))
}

/// The box of an inset's title, in its top-left corner: its labels keep clear of it.
pub(crate) fn inset_title_box(atlas: &Atlas<'_>) -> Option<Rect<f64>> {
    let title = atlas.inset.as_ref()?.title.as_deref()?;
    let scale = atlas.layout.scale;
    let width = f64::from(atlas.fonts.measure(title, (16.0 * scale) as f32, Weight::Bold).width) + 16.0 * scale;
    let view = atlas.layout.map;
    Some(Rect::new(view.min(), Coord { x: view.min().x + width, y: view.min().y + 28.0 * scale }))
}

/// The white box behind a view's scale bar, and the bar: its left end and baseline.
pub(crate) fn scale_bar_box(atlas: &Atlas<'_>) -> Option<(Rect<f64>, super::frame::ScaleBar, Coord<f64>)> {
    let scale = atlas.layout.scale;
    // At most 200 design pixels, and never more than a third of the map.
    let max = (200.0 * scale).min(atlas.layout.map.width() / 3.0);
    let bar = scale_bar(atlas.pixels_per_metre(), max)?;
    let left = atlas.layout.map.min().x + 28.0 * scale;
    let base = atlas.layout.map.max().y - 30.0 * scale;
    let b = Rect::new(
        Coord { x: left - 12.0 * scale, y: base - 34.0 * scale },
        Coord { x: left + bar.pixels + 14.0 * scale, y: base + 12.0 * scale },
    );
    Some((b, bar, Coord { x: left, y: base }))
}

/// The base map's names on the main map (neighbouring countries): their boxes.
pub(crate) fn country_name_boxes(atlas: &Atlas<'_>) -> Vec<Rect<f64>> {
    let scale = atlas.layout.scale;
    let px = (15.0 * scale) as f32;
    atlas
        .countries
        .iter()
        .filter_map(|c| {
            let at = c.label_at?;
            let w = f64::from(atlas.fonts.measure(&c.name.to_uppercase(), px, Weight::Regular).width);
            let h = 15.0 * scale * 1.2;
            Some(Rect::new(
                Coord { x: at.x - w / 2.0 - 3.0 * scale, y: at.y - h / 2.0 },
                Coord { x: at.x + w / 2.0 + 3.0 * scale, y: at.y + h / 2.0 },
            ))
        })
        .collect()
}

/// The rings and labels of one view: `atlas` is the main map's atlas or an inset's.
pub fn view_layout(atlas: &Atlas<'_>, day: NaiveDate, map: &DayMap) -> ViewLayout {
    let s = atlas.scenario;
    let scale = atlas.layout.scale;
    let view = atlas.layout.map;
    let changed = changed_today(atlas, day);
    // The insets show their places close up: there, the main map keeps only the rings and
    // labels of cities of a million, and hands the rest to the inset.
    let handed = |place: &crate::gazetteer::Place| {
        in_an_inset(atlas, place.id) && place.population.unwrap_or(0) < 1_000_000 && place.label != LabelRule::Always
    };
    let mut rings = Vec::new();
    let mut requests = Vec::new();
    let mut markers = Vec::new();
    for place in s.gazetteer.places() {
        let at = atlas.positions[place.id.index()];
        if !visible(view, at) {
            continue;
        }
        let marker = marker_radius(place.population, place.kind) * scale;
        let is_changed = changed.contains(&place.id) && !handed(place);
        let ring = is_changed.then(|| {
            let radius = (marker_radius(place.population, place.kind) + 5.0) * scale;
            Ring { place: place.id, at, radius, outer: radius + 2.5 * scale }
        });
        rings.extend(ring);
        let population = place.population.unwrap_or(0);
        let wanted = match place.label {
            LabelRule::Never => false,
            LabelRule::Always => true,
            LabelRule::Auto if handed(place) => false,
            LabelRule::Auto => is_changed || population >= atlas.label_population,
        };
        if !wanted {
            if place.kind != PlaceKind::Zone {
                markers.push((at, ring.map_or(marker, |r| r.outer)));
            }
            continue;
        }
        let size = if is_changed || population >= 500_000 { 17.0 } else { 15.0 } * scale;
        // Cities of a million or more keep their labels first (a reader finds their way
        // by them), then the places that changed hands, then by size.
        let class = if population >= 1_000_000 || place.label == LabelRule::Always {
            0
        } else if is_changed {
            1
        } else {
            2
        };
        requests.push(LabelRequest {
            key: place.id.0,
            text: place.name.clone(),
            anchor: at,
            clearance: ring.map_or(marker + 2.0 * scale, |r| r.outer),
            size,
            bold: is_changed,
            priority: class * 1_000_000_000 + (u32::MAX as u64 - population.min(u32::MAX as u64)) / 8,
            ringed: is_changed,
            omit_cost: match class {
                _ if is_changed => OMIT_RINGED,
                0 => 700.0,
                _ => 40.0 + (population as f64).sqrt() / 20.0,
            },
        });
    }
    let mut reserved: Vec<Rect<f64>> = Vec::new();
    reserved.extend(inset_title_box(atlas));
    reserved.extend(scale_bar_box(atlas).map(|(b, ..)| b));
    if atlas.inset.is_none() {
        reserved.extend(country_name_boxes(atlas));
    }
    // The insets cover their corners: no main-map label may run under one.
    let mat = 8.0 * scale;
    reserved.extend(atlas.insets.iter().map(|a| {
        let r = a.layout.map;
        Rect::new(Coord { x: r.min().x - mat, y: r.min().y - mat }, Coord { x: r.max().x + mat, y: r.max().y + mat })
    }));
    let bounds = Rect::new(
        Coord { x: view.min().x + 4.0 * scale, y: view.min().y + 4.0 * scale },
        Coord { x: view.max().x - 4.0 * scale, y: view.max().y - 4.0 * scale },
    );
    let fonts = atlas.fonts;
    let measure = |text: &str, size: f64, bold: bool| {
        let e = fonts.measure(text, size as f32, if bold { Weight::Bold } else { Weight::Regular });
        (f64::from(e.width), size)
    };
    let fronts = SegmentIndex::new(&map.frontlines, 48.0 * scale);
    let outlines: Vec<LineString<f64>> =
        atlas.insets.iter().filter_map(|a| a.inset.as_ref()).map(|i| i.locator.clone()).collect();
    let scene = Scene { bounds, reserved: &reserved, markers: &markers, fronts: Some(&fronts), lines: &outlines };
    let labels = place_labels(&requests, measure, scene);
    ViewLayout { map: view, rings, labels, reserved, outlines }
}
