//! Drawing one day's frame into any plotters drawing area.

use chrono::NaiveDate;
use geo::{Coord, LineString, MultiPolygon, Rect};
use plotters::coord::Shift;
use plotters::element::{Circle, PathElement, Polygon, Rectangle, Text};
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontDesc, FontFamily, FontStyle, RGBAColor, RGBColor, ShapeStyle, TextStyle};

use super::atlas::{AreaShapes, Atlas, DayMap};
use super::layout::{inset_title_box, marker_radius, scale_bar_box, view_layout};
use super::shapes::{dashed_ring, keyhole_ring};
use crate::basemap::Role;
use crate::control::{Status, claimed_only};
use crate::error::{Error, Result};
use crate::event::Colour;
use crate::gazetteer::PlaceKind;
use crate::raster::{Halo, HaloText, PaintedCells, TextHaloBackend, Weight};
use crate::scenario::Text as Words;
use crate::territory::CellKind;

fn colour(c: Colour) -> RGBColor {
    RGBColor(c.r, c.g, c.b)
}

fn fail<E: std::fmt::Debug>(e: E) -> Error {
    Error::Render(format!("{e:?}"))
}

/// Draws frames of one atlas into an area whose size may differ from the layout's (a
/// sub-pixel backend reports a multiple of it): `k` converts frame pixels to area units.
struct Painter<'p, 'a, DB: DrawingBackend> {
    area: &'p DrawingArea<DB, Shift>,
    atlas: &'p Atlas<'a>,
    k: f64,
}

impl<DB: TextHaloBackend> Painter<'_, '_, DB> {
    fn at(&self, c: Coord<f64>) -> (i32, i32) {
        ((c.x * self.k).round() as i32, (c.y * self.k).round() as i32)
    }

    /// A length in design pixels (of a 1080-high frame) in area units.
    fn units(&self, design: f64) -> f64 {
        design * self.atlas.layout.scale * self.k
    }

    fn stroke(&self, c: RGBAColor, width_design: f64) -> ShapeStyle {
        ShapeStyle { color: c, filled: false, stroke_width: self.units(width_design).round().max(1.0) as u32 }
    }

    fn font(&self, size_design: f64, weight: Weight, c: Colour, pos: Pos) -> TextStyle<'static> {
        let style = if weight == Weight::Bold { FontStyle::Bold } else { FontStyle::Normal };
        // plotters' font "size" is 1.24 em (see the raster backend's docs).
        TextStyle {
            font: FontDesc::new(FontFamily::SansSerif, self.units(size_design) * 1.24, style),
            color: colour(c).to_backend_color(),
            pos,
        }
    }

    /// Text width in frame pixels.
    fn measure(&self, text: &str, size_design: f64, weight: Weight) -> f64 {
        let px = (size_design * self.atlas.layout.scale) as f32;
        f64::from(self.atlas.fonts.measure(text, px, weight).width)
    }

    fn fill(&self, shape: &MultiPolygon<f64>, c: RGBAColor) -> Result<()> {
        for polygon in &shape.0 {
            let ring: Vec<(i32, i32)> = keyhole_ring(polygon).into_iter().map(|p| self.at(p)).collect();
            if ring.len() >= 3 {
                self.area.draw(&Polygon::new(ring, c.filled())).map_err(fail)?;
            }
        }
        Ok(())
    }

    /// Small square dots of `half_design` half-width (design pixels) centred on `at`.
    /// Square dots of about `2 * half_design` a side, centred on `at` (frame pixels). Each
    /// is the same whole number of pixels a side and lies on whole pixels, so a stipple
    /// reads as an even, crisp pattern and a raster backend sets its pixels directly
    /// rather than anti-aliasing thousands of tiny squares.
    fn dots(&self, at: &[Coord<f64>], c: RGBAColor, half_design: f64) -> Result<()> {
        let side = (2.0 * half_design * self.atlas.layout.scale).round().max(1.0);
        let corner = |v: f64| (v - side / 2.0).round();
        for d in at {
            let (left, top) = (corner(d.x), corner(d.y));
            let a = ((left * self.k).round() as i32, (top * self.k).round() as i32);
            let b = (((left + side) * self.k).round() as i32, ((top + side) * self.k).round() as i32);
            self.area.draw(&Rectangle::new([a, b], c.filled())).map_err(fail)?;
        }
        Ok(())
    }

    fn outline(&self, shape: &MultiPolygon<f64>, style: ShapeStyle) -> Result<()> {
        for polygon in &shape.0 {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                self.line(ring, style)?;
            }
        }
        Ok(())
    }

    fn line(&self, line: &LineString<f64>, style: ShapeStyle) -> Result<()> {
        let points: Vec<(i32, i32)> = line.0.iter().map(|p| self.at(*p)).collect();
        if points.len() >= 2 {
            self.area.draw(&PathElement::new(points, style)).map_err(fail)?;
        }
        Ok(())
    }

    fn text(&self, text: &str, at: Coord<f64>, size_design: f64, weight: Weight, c: Colour, pos: Pos) -> Result<()> {
        self.area
            .draw(&Text::new(text.to_string(), self.at(at), self.font(size_design, weight, c, pos)))
            .map_err(fail)?;
        Ok(())
    }

    fn halo_text(
        &self,
        text: &str,
        at: Coord<f64>,
        size_design: f64,
        weight: Weight,
        c: Colour,
        pos: Pos,
    ) -> Result<()> {
        let halo = Halo {
            width: self.units(2.2).round().max(1.0) as u32,
            color: RGBAColor(255, 255, 255, 0.85).to_backend_color(),
        };
        self.area
            .draw(&HaloText::new(text.to_string(), self.at(at), self.font(size_design, weight, c, pos), halo))
            .map_err(fail)?;
        Ok(())
    }

    /// Greedy word wrap to `width` frame pixels.
    fn wrap(&self, text: &str, size_design: f64, weight: Weight, width: f64) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if !line.is_empty() && self.measure(&candidate, size_design, weight) > width {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// Draws the frame of `day` into `area`. `map` must be the atlas's map of that day's state
/// ([`Atlas::day_map`] or one of [`Atlas::day_maps`]).
pub fn draw_frame<DB: TextHaloBackend>(
    area: &DrawingArea<DB, Shift>,
    atlas: &Atlas<'_>,
    day: NaiveDate,
    map: &DayMap,
) -> Result<()> {
    draw_layers(area, atlas, day, map, Layers::All)
}

/// Which parts of a frame to draw. The background (sea, neighbours, the country, title,
/// legend, credits) is the same every day, so raster frames draw it once and copy it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layers {
    /// Everything.
    All,
    /// Only what is the same every day.
    Background,
    /// Only what changes from day to day, to go over a copy of the background.
    Foreground,
}

impl Layers {
    fn background(self) -> bool {
        self != Layers::Foreground
    }

    fn foreground(self) -> bool {
        self != Layers::Background
    }
}

/// Draws some `layers` of the frame of `day`; see [`Layers`]. Drawing the background and
/// then the foreground gives exactly what [`draw_frame`] gives.
pub fn draw_layers<DB: TextHaloBackend>(
    area: &DrawingArea<DB, Shift>,
    atlas: &Atlas<'_>,
    day: NaiveDate,
    map: &DayMap,
    layers: Layers,
) -> Result<()> {
    let (w, _) = area.dim_in_pixel();
    let painter = Painter { area, atlas, k: f64::from(w) / f64::from(atlas.layout.width) };
    if layers.background() {
        area.fill(&colour(atlas.style.panel)).map_err(fail)?;
    }
    draw_map(&painter, day, map, layers)?;
    draw_panel(&painter, day, layers)?;
    Ok(())
}

fn draw_map<DB: TextHaloBackend>(p: &Painter<'_, '_, DB>, day: NaiveDate, map: &DayMap, layers: Layers) -> Result<()> {
    let atlas = p.atlas;
    if layers.background() {
        draw_base(p, true)?;
    }
    if !layers.foreground() {
        return Ok(());
    }
    draw_day(p, day, map)?;
    // Where each inset looks, outlined on the main map (over the areas, under nothing).
    for inset in atlas.insets.iter().filter_map(|a| a.inset.as_ref()) {
        p.line(&inset.locator, p.stroke(RGBAColor(255, 255, 255, 0.9), 3.5))?;
        p.line(&inset.locator, p.stroke(colour(atlas.style.text).to_rgba(), 1.4))?;
    }
    draw_scale_bar(p)?;
    // Insets change every day, so they are drawn whole over the day's map.
    for (inset, inset_map) in atlas.insets.iter().zip(&map.insets) {
        draw_inset(&Painter { area: p.area, atlas: inset, k: p.k }, day, inset_map)?;
    }
    Ok(())
}

/// What is the same every day: the sea, the neighbours, the focus country's land, and
/// (on the main map) the neighbours' names.
fn draw_base<DB: TextHaloBackend>(p: &Painter<'_, '_, DB>, country_names: bool) -> Result<()> {
    let atlas = p.atlas;
    let style = &atlas.style;
    let view = atlas.layout.map;
    p.area.draw(&Rectangle::new([p.at(view.min()), p.at(view.max())], colour(style.sea).filled())).map_err(fail)?;
    for c in atlas.countries.iter().filter(|c| c.role == Role::Neighbour) {
        p.fill(&c.shape, colour(style.neighbour).to_rgba())?;
    }
    for c in atlas.countries.iter().filter(|c| c.role == Role::Neighbour) {
        p.outline(&c.shape, p.stroke(colour(style.border).to_rgba(), 0.8))?;
    }
    for c in atlas.countries.iter().filter(|c| c.role == Role::Focus) {
        p.fill(&c.shape, colour(style.unheld).to_rgba())?;
    }
    // Country names sit outside the focus country, where nothing else is drawn.
    if country_names {
        for c in &atlas.countries {
            if let Some(at) = c.label_at {
                let centre = Pos::new(HPos::Center, VPos::Center);
                p.text(&c.name.to_uppercase(), at, 15.0, Weight::Regular, style.muted, centre)?;
            }
        }
    }
    Ok(())
}

/// What changes from day to day: the areas, assessed stipple, hatching, outline, fronts,
/// places and labels.
fn draw_day<DB: TextHaloBackend>(p: &Painter<'_, '_, DB>, day: NaiveDate, map: &DayMap) -> Result<()> {
    let atlas = p.atlas;
    let style = &atlas.style;
    let s = atlas.scenario;
    // A raster frame paints the day's areas from the land's cells, rasterised once; other
    // backends (SVG) fill the merged areas.
    if !paint_cells(p, map) {
        if map.shapes != AreaShapes::All {
            return Err(Error::Render(
                "a map made for painting from cells, drawn by a backend that does not paint cells".into(),
            ));
        }
        for (faction, shape) in &map.areas {
            p.fill(shape, colour(style.area_colour(s.faction(*faction).colour)).to_rgba())?;
        }
        // Thinly held land a little paler; assessed areas paler still, under a stipple of
        // the faction's colour, so a reader tells at a glance what no source states directly.
        for (faction, shape) in &map.thin {
            p.fill(shape, colour(style.thin_colour(s.faction(*faction).colour)).to_rgba())?;
        }
        for (faction, shape) in &map.assessed {
            p.fill(shape, colour(style.assessed_colour(s.faction(*faction).colour)).to_rgba())?;
        }
    }
    for (faction, dots) in &map.stipple {
        p.dots(dots, colour(s.faction(*faction).colour).to_rgba(), 1.1)?;
    }
    for (challenger, lines) in &map.hatching {
        let stroke = p.stroke(colour(s.faction(*challenger).colour).to_rgba(), 3.0);
        for l in &lines.0 {
            p.line(l, stroke)?;
        }
    }
    for c in atlas.countries.iter().filter(|c| c.role == Role::Focus) {
        p.outline(&c.shape, p.stroke(colour(style.outline).to_rgba(), 1.6))?;
    }
    // Frontlines: a white casing under a dark line, so they read on any two colours. Both
    // opaque: a raster backend then draws long lines piece by piece, keeping the pieces
    // that do not move from day to day.
    for l in &map.frontlines.0 {
        p.line(l, p.stroke(RGBAColor(255, 255, 255, 1.0), 5.0))?;
    }
    for l in &map.frontlines.0 {
        p.line(l, p.stroke(colour(style.frontline).to_rgba(), 2.2))?;
    }
    draw_places(p, day, map)
}

/// Paints the day's areas cell by cell, each in the colour the areas would give it: held
/// land in its holder's area colour, thinly held land (of places held on evidence) paler,
/// land a rule assessed paler still, land of places nobody holds left as it is. Returns
/// false, painting nothing, when the backend does not paint cells (or fails to: the areas
/// are then drawn as shapes, which report the backend's error).
fn paint_cells<DB: TextHaloBackend>(p: &Painter<'_, '_, DB>, map: &DayMap) -> bool {
    if !DB::PAINTS_CELLS {
        return false;
    }
    let atlas = p.atlas;
    let style = &atlas.style;
    let colours: Vec<Option<[u8; 4]>> = atlas
        .land_cells()
        .iter()
        .map(|cell| {
            let state = map.states.get(cell.place)?;
            let faction = atlas.scenario.faction(state.holder?).colour;
            let fill = if state.basis.is_inferred() {
                style.assessed_colour(faction)
            } else if cell.kind == CellKind::Thin {
                style.thin_colour(faction)
            } else {
                style.area_colour(faction)
            };
            let c = colour(fill);
            Some([c.0, c.1, c.2, 255])
        })
        .collect();
    let cells = PaintedCells::new(atlas.cell_raster(), &colours);
    p.area.draw(&cells).is_ok() && cells.painted()
}

/// An inset, whole: a white mat, the base, the day, a border, its title and scale bar.
fn draw_inset<DB: TextHaloBackend>(p: &Painter<'_, '_, DB>, day: NaiveDate, map: &DayMap) -> Result<()> {
    let atlas = p.atlas;
    let scale = atlas.layout.scale;
    let view = atlas.layout.map;
    let mat = 4.0 * scale;
    let (a, b) = (
        Coord { x: view.min().x - mat, y: view.min().y - mat },
        Coord { x: view.max().x + mat, y: view.max().y + mat },
    );
    p.area.draw(&Rectangle::new([p.at(a), p.at(b)], RGBColor(255, 255, 255).filled())).map_err(fail)?;
    draw_base(p, false)?;
    draw_day(p, day, map)?;
    draw_scale_bar(p)?;
    p.area
        .draw(&Rectangle::new([p.at(view.min()), p.at(view.max())], p.stroke(colour(atlas.style.text).to_rgba(), 1.4)))
        .map_err(fail)?;
    if let Some(title) = inset_title_box(atlas) {
        p.area
            .draw(&Rectangle::new([p.at(title.min()), p.at(title.max())], RGBColor(255, 255, 255).filled()))
            .map_err(fail)?;
        p.area
            .draw(&Rectangle::new(
                [p.at(title.min()), p.at(title.max())],
                p.stroke(colour(atlas.style.text).to_rgba(), 1.4),
            ))
            .map_err(fail)?;
        let at = Coord { x: title.min().x + 8.0 * scale, y: title.min().y + 5.0 * scale };
        let text = atlas.inset.as_ref().and_then(|i| i.title.as_deref()).unwrap_or_default();
        p.text(text, at, 16.0, Weight::Bold, atlas.style.text, Pos::new(HPos::Left, VPos::Top))?;
    }
    Ok(())
}

/// The dashed edge of a marker (radius in design pixels) held on claims alone: dark
/// dashes on a white ring, readable over any fill.
fn draw_claimed_edge<DB: TextHaloBackend>(p: &Painter<'_, '_, DB>, at: Coord<f64>, radius: f64) -> Result<()> {
    let ring = p.units(radius + 2.5);
    p.area
        .draw(&Circle::new(p.at(at), ring.round() as i32, p.stroke(RGBAColor(255, 255, 255, 0.95), 3.0)))
        .map_err(fail)?;
    // The ring's radius in frame pixels, where `at` is (the painter scales both alike).
    for dash in dashed_ring(at, (radius + 2.5) * p.atlas.layout.scale, 8) {
        p.line(&dash, p.stroke(colour(p.atlas.style.text).to_rgba(), 1.8))?;
    }
    Ok(())
}

fn draw_places<DB: TextHaloBackend>(p: &Painter<'_, '_, DB>, day: NaiveDate, map: &DayMap) -> Result<()> {
    let atlas = p.atlas;
    let s = atlas.scenario;
    let scale = atlas.layout.scale;
    let layout = view_layout(atlas, day, map);
    // Only a scenario with claimed rows has places held on claims alone.
    let claims_only = s.events.iter().any(|e| e.confidence == crate::event::Confidence::Claimed);
    let view = atlas.layout.map;
    let visible =
        |c: Coord<f64>| c.x >= view.min().x && c.x <= view.max().x && c.y >= view.min().y && c.y <= view.max().y;
    let ink = colour(atlas.style.text).to_rgba();
    // Small places first so large ones sit on top.
    let mut order: Vec<&crate::gazetteer::Place> = s.gazetteer.places().iter().collect();
    order.sort_by_key(|pl| (pl.population.unwrap_or(0), pl.id));
    for place in &order {
        let at = atlas.positions[place.id.index()];
        if !visible(at) {
            continue;
        }
        let state = map.states[place.id.index()];
        let fill = state.holder.map_or(atlas.style.muted, |f| s.faction(f).colour);
        let r = p.units(marker_radius(place.population, place.kind));
        let white = p.stroke(RGBAColor(255, 255, 255, 1.0), 1.0);
        if let Some(ring) = layout.rings.iter().find(|r| r.place == place.id) {
            let radius = (ring.radius * p.k).round() as i32;
            p.area.draw(&Circle::new(p.at(at), radius, p.stroke(RGBAColor(255, 255, 255, 0.95), 5.0))).map_err(fail)?;
            p.area
                .draw(&Circle::new(p.at(at), radius, p.stroke(colour(atlas.style.frontline).to_rgba(), 2.5)))
                .map_err(fail)?;
        }
        if place.kind.is_settlement() {
            p.area.draw(&Circle::new(p.at(at), r.round() as i32, colour(fill).filled())).map_err(fail)?;
            p.area.draw(&Circle::new(p.at(at), r.round() as i32, white)).map_err(fail)?;
        } else if place.kind != PlaceKind::Zone {
            let (x, y) = p.at(at);
            let h = r.round() as i32;
            p.area.draw(&Rectangle::new([(x - h, y - h), (x + h, y + h)], colour(fill).filled())).map_err(fail)?;
            p.area.draw(&Rectangle::new([(x - h, y - h), (x + h, y + h)], white)).map_err(fail)?;
        }
        if state.holder.is_some() && claims_only {
            let control = atlas.model.control(place.id, day);
            if claimed_only(&control.state, &control.evidence, &s.events) {
                draw_claimed_edge(p, at, marker_radius(place.population, place.kind))?;
            }
        }
        if state.status() == Status::Contested
            && let Some(c) = state.challenger
        {
            draw_contested_marker(p, at, marker_radius(place.population, place.kind), colour(s.faction(c).colour))?;
        }
    }
    // Leader lines first, so the labels' haloes go over their ends.
    for label in layout.labels.iter().filter(|l| l.leader.is_some()) {
        let leader = label.leader.expect("filtered");
        let end = nearest_on_box(leader.end, &label.rect);
        let line = LineString(vec![leader.start, end]);
        p.line(&line, p.stroke(RGBAColor(255, 255, 255, 0.9), 3.2))?;
        p.line(&line, p.stroke(ink, 1.2))?;
    }
    for label in &layout.labels {
        let weight = if label.bold { Weight::Bold } else { Weight::Regular };
        p.halo_text(
            &label.text,
            label.rect.min(),
            label.size / scale,
            weight,
            atlas.style.text,
            Pos::new(HPos::Left, VPos::Top),
        )?;
    }
    Ok(())
}

/// The point of `rect` nearest `p`.
fn nearest_on_box(p: Coord<f64>, rect: &Rect<f64>) -> Coord<f64> {
    Coord { x: p.x.clamp(rect.min().x, rect.max().x), y: p.y.clamp(rect.min().y, rect.max().y) }
}

/// A contested place's marker: stripes of the challenger's colour across the holder's disc,
/// inside a ring of the challenger's colour, so the hatching shows at the marker itself
/// (under a plain marker, a contested city read as simply held).
fn draw_contested_marker<DB: TextHaloBackend>(
    p: &Painter<'_, '_, DB>,
    at: Coord<f64>,
    radius_design: f64,
    challenger: RGBColor,
) -> Result<()> {
    let r = p.units(radius_design) / p.k;
    let stripe = p.stroke(challenger.to_rgba(), (radius_design * 0.32).clamp(1.2, 2.6));
    // Chords at 45°, a third of the radius apart.
    let step = (r * 0.55).max(1.5);
    let mut offset = -r + step / 2.0;
    while offset < r {
        // The chord of the circle at distance `offset` from the centre along (1, 1)/√2.
        let half = (r * r - offset * offset).max(0.0).sqrt();
        let (u, v) = (std::f64::consts::FRAC_1_SQRT_2, std::f64::consts::FRAC_1_SQRT_2);
        let centre = Coord { x: at.x + offset * u, y: at.y - offset * v };
        let chord = LineString(vec![
            Coord { x: centre.x - half * v, y: centre.y - half * u },
            Coord { x: centre.x + half * v, y: centre.y + half * u },
        ]);
        p.line(&chord, stripe)?;
        offset += step;
    }
    let ring = (p.units(radius_design + 1.6)).round() as i32;
    p.area.draw(&Circle::new(p.at(at), ring, p.stroke(challenger.to_rgba(), 1.8))).map_err(fail)?;
    Ok(())
}

/// A scale bar: its length in pixels and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct ScaleBar {
    /// The distance it stands for, in metres.
    pub metres: f64,
    /// Its length in pixels.
    pub pixels: f64,
    /// "50 km", "500 m".
    pub label: String,
}

/// The longest round distance (1, 2, 2.5 or 5 times a power of ten, from 1 m to 10,000 km)
/// whose bar is at most `max_pixels` long at `pixels_per_metre`; `None` when even 1 m is
/// longer.
pub fn scale_bar(pixels_per_metre: f64, max_pixels: f64) -> Option<ScaleBar> {
    let mut best = None;
    for exponent in 0..=7 {
        for step in [1.0, 2.0, 2.5, 5.0] {
            let metres = step * 10f64.powi(exponent);
            let pixels = metres * pixels_per_metre;
            if pixels.is_finite() && pixels <= max_pixels {
                let label = if metres >= 1000.0 { format!("{} km", metres / 1000.0) } else { format!("{metres} m") };
                best = Some(ScaleBar { metres, pixels, label });
            }
        }
    }
    best
}

fn draw_scale_bar<DB: TextHaloBackend>(p: &Painter<'_, '_, DB>) -> Result<()> {
    let atlas = p.atlas;
    let scale = atlas.layout.scale;
    let Some((backing, scale_bar, Coord { x: left, y: base })) = scale_bar_box(atlas) else { return Ok(()) };
    let length = scale_bar.pixels;
    p.area
        .draw(&Rectangle::new([p.at(backing.min()), p.at(backing.max())], RGBAColor(255, 255, 255, 0.8).filled()))
        .map_err(fail)?;
    let ink = colour(atlas.style.text).to_rgba();
    let bar = LineString(vec![
        Coord { x: left, y: base - 6.0 * scale },
        Coord { x: left, y: base },
        Coord { x: left + length, y: base },
        Coord { x: left + length, y: base - 6.0 * scale },
    ]);
    p.line(&bar, p.stroke(ink, 2.0))?;
    p.text(
        &scale_bar.label,
        Coord { x: left + length / 2.0, y: base - 10.0 * scale },
        14.0,
        Weight::Regular,
        atlas.style.text,
        Pos::new(HPos::Center, VPos::Bottom),
    )
}

fn draw_panel<DB: TextHaloBackend>(p: &Painter<'_, '_, DB>, day: NaiveDate, layers: Layers) -> Result<()> {
    let (bg, fg) = (layers.background(), layers.foreground());
    let atlas = p.atlas;
    let s = atlas.scenario;
    let style = &atlas.style;
    let scale = atlas.layout.scale;
    let panel = atlas.layout.panel;
    let left = panel.min().x + 36.0 * scale;
    let width = panel.width() - 64.0 * scale;
    let top_left = Pos::new(HPos::Left, VPos::Top);
    let mut y = panel.min().y + 34.0 * scale;
    let write = |p: &Painter<'_, '_, DB>,
                 text: &str,
                 size: f64,
                 weight: Weight,
                 c: Colour,
                 y: &mut f64,
                 gap: f64,
                 visible: bool|
     -> Result<()> {
        // Invisible text still takes its room, so both layers agree on where things go.
        for line in p.wrap(text, size, weight, width) {
            if visible {
                p.text(&line, Coord { x: left, y: *y }, size, weight, c, top_left)?;
            }
            *y += size * 1.3 * scale;
        }
        *y += gap * scale;
        Ok(())
    };
    write(p, &s.title, 27.0, Weight::Bold, style.text, &mut y, 4.0, bg)?;
    if let Some(sub) = &s.subtitle {
        write(p, sub, 17.0, Weight::Regular, style.muted, &mut y, 14.0, bg)?;
    }
    let t = &s.text;
    write(p, &t.date(day), 50.0, Weight::Bold, style.text, &mut y, 0.0, fg)?;
    let total = s.day_number(s.last_day);
    write(
        p,
        &Words::fill(&t.day_of, &[("day", &s.day_number(day).to_string()), ("days", &total.to_string())]),
        17.0,
        Weight::Regular,
        style.muted,
        &mut y,
        4.0,
        fg,
    )?;
    if fg {
        draw_progress(p, Coord { x: left, y }, width, s.day_number(day), total)?;
    }
    y += 12.0 * scale;

    // Legend.
    let legend_top = y;
    let has_claims = s.events.iter().any(|e| e.confidence == crate::event::Confidence::Claimed);
    if bg {
        let mut y = legend_top;
        let swatch = |p: &Painter<'_, '_, DB>, y: f64, fill: RGBAColor| -> Result<()> {
            let a = Coord { x: left, y: y + 2.0 * scale };
            let b = Coord { x: left + 30.0 * scale, y: y + 20.0 * scale };
            p.area.draw(&Rectangle::new([p.at(a), p.at(b)], fill.filled())).map_err(fail)?;
            p.area
                .draw(&Rectangle::new([p.at(a), p.at(b)], p.stroke(RGBAColor(90, 90, 90, 1.0), 0.8)))
                .map_err(fail)?;
            Ok(())
        };
        let legend_text = |p: &Painter<'_, '_, DB>, text: &str, y: f64| {
            p.text(
                text,
                Coord { x: left + 44.0 * scale, y: y + 2.0 * scale },
                17.0,
                Weight::Regular,
                style.text,
                top_left,
            )
        };
        for f in &s.factions {
            swatch(p, y, colour(style.area_colour(f.colour)).to_rgba())?;
            let dot = Coord { x: left + 15.0 * scale, y: y + 11.0 * scale };
            p.area
                .draw(&Circle::new(p.at(dot), p.units(4.5).round() as i32, colour(f.colour).filled()))
                .map_err(fail)?;
            legend_text(p, &f.name, y)?;
            y += 27.0 * scale;
        }
        // Contested, frontline, changed today.
        swatch(p, y, colour(style.unheld).to_rgba())?;
        for i in 0..4 {
            let x0 = left + (i as f64) * 9.0 * scale;
            let seg = LineString(vec![
                Coord { x: x0, y: y + 20.0 * scale },
                Coord { x: x0 + 12.0 * scale, y: y + 4.0 * scale },
            ]);
            p.line(&seg, p.stroke(colour(style.muted).to_rgba(), 2.5))?;
        }
        legend_text(p, &t.legend_contested, y)?;
        y += 27.0 * scale;
        swatch(p, y, colour(style.assessed_colour(style.muted)).to_rgba())?;
        let dots: Vec<Coord<f64>> = (0..4)
            .flat_map(|i| (0..2).map(move |j| (i, j)))
            .map(|(i, j)| Coord {
                x: left + (4.0 + 7.0 * i as f64 + if j == 1 { 3.5 } else { 0.0 }) * scale,
                y: y + (7.0 + 7.0 * j as f64) * scale,
            })
            .collect();
        p.dots(&dots, colour(style.muted).to_rgba(), 1.1)?;
        legend_text(p, &t.legend_assessed, y)?;
        y += 27.0 * scale;
        swatch(p, y, colour(style.thin_colour(style.muted)).to_rgba())?;
        legend_text(p, &t.legend_thin, y)?;
        y += 27.0 * scale;
        let seg = LineString(vec![
            Coord { x: left, y: y + 11.0 * scale },
            Coord { x: left + 30.0 * scale, y: y + 11.0 * scale },
        ]);
        p.line(&seg, p.stroke(RGBAColor(255, 255, 255, 1.0), 5.0))?;
        p.line(&seg, p.stroke(colour(style.frontline).to_rgba(), 2.2))?;
        legend_text(p, &t.legend_frontline, y)?;
        y += 27.0 * scale;
        let ring_at = Coord { x: left + 15.0 * scale, y: y + 11.0 * scale };
        p.area
            .draw(&Circle::new(
                p.at(ring_at),
                p.units(8.0).round() as i32,
                p.stroke(colour(style.frontline).to_rgba(), 2.5),
            ))
            .map_err(fail)?;
        legend_text(p, if atlas.frame_days.is_empty() { &t.legend_changed } else { &t.legend_changed_since }, y)?;
        if has_claims {
            y += 27.0 * scale;
            let at = Coord { x: left + 15.0 * scale, y: y + 11.0 * scale };
            p.area
                .draw(&Circle::new(p.at(at), p.units(4.5).round() as i32, colour(style.muted).filled()))
                .map_err(fail)?;
            draw_claimed_edge(p, at, 4.5)?;
            legend_text(p, &t.legend_claimed, y)?;
        }
    }
    let entries = s.factions.len() + 4 + usize::from(has_claims);
    y = legend_top + (entries as f64 * 27.0 + 40.0) * scale;

    // The day's changes.
    // The credits take the lines they wrap to (a long credit wraps on a narrow panel), so
    // the last one always ends inside the frame.
    let credit_lines: usize = s
        .credits
        .iter()
        .chain(std::iter::once(&t.projection))
        .map(|c| p.wrap(c, 13.0, Weight::Regular, width).len())
        .sum();
    let credits_height = (s.credits.len() as f64 * 19.0 + 30.0).max(credit_lines as f64 * 13.0 * 1.3 + 12.0);
    let credits_top = panel.max().y - credits_height * scale;
    let first = atlas.span_start(day);
    let changes = super::changes::panel_span_changes(s, atlas.model, first, day, atlas.label_population);
    // The heading is the same on every frame (background) unless frames skip days: then
    // it names the day of the frame before.
    let heading_layer = if atlas.frame_days.is_empty() { bg } else { fg };
    let heading = super::changes::changes_heading(s, first, day);
    write(p, &heading, 19.0, Weight::Bold, style.text, &mut y, 2.0, heading_layer)?;
    let sources_block = 80.0 * scale;
    let mut shown = 0;
    for line in &changes {
        let wrapped = p.wrap(line, 16.0, Weight::Regular, width);
        // Keep a line free for "and N more", so it never runs into the sources.
        if y + (wrapped.len() + 1) as f64 * 21.0 * scale > credits_top - sources_block {
            break;
        }
        write(p, line, 16.0, Weight::Regular, style.text, &mut y, 2.0, fg)?;
        shown += 1;
    }
    if shown < changes.len() {
        write(
            p,
            &Words::fill(
                &t.more_listed,
                &[("n", &(changes.len() - shown).to_string()), ("file", &summary_file_name(day))],
            ),
            16.0,
            Weight::Regular,
            style.muted,
            &mut y,
            2.0,
            fg,
        )?;
    }
    y += 8.0 * scale;
    let sources = day_sources(atlas, day);
    if !sources.is_empty() {
        y = y.max(credits_top - sources_block);
        // As many outlets as fit in three lines; the rest are counted (every one is in
        // the exports and `frontline control`).
        let mut shown = sources.len();
        let text = |n: usize| {
            let rest = sources.len() - n;
            let more = if rest > 0 {
                format!(" {}", Words::fill(&t.more, &[("n", &rest.to_string())]))
            } else {
                String::new()
            };
            let template = if first < day { &t.sources_since } else { &t.sources };
            Words::fill(template, &[("list", &format!("{}{more}", sources[..n].join("; ")))])
        };
        while shown > 1 && p.wrap(&text(shown), 14.0, Weight::Regular, width).len() > 3 {
            shown -= 1;
        }
        write(p, &text(shown), 14.0, Weight::Regular, style.muted, &mut y, 0.0, fg)?;
    }
    let mut y = credits_top;
    for credit in &s.credits {
        write(p, credit, 13.0, Weight::Regular, style.muted, &mut y, 0.0, bg)?;
    }
    write(p, &t.projection, 13.0, Weight::Regular, style.muted, &mut y, 0.0, bg)?;
    Ok(())
}

/// The name of the file beside a day's frame that lists all its changes
/// ([`super::changes::day_summary`]): `YYYY-MM-DD.txt`. The panel names it when its list
/// is cut.
pub fn summary_file_name(day: NaiveDate) -> String {
    format!("{day}.txt")
}

/// The days of the story as a bar under the date: one segment per day (a plain bar past
/// 60 days), those up to `day_number` dark.
fn draw_progress<DB: TextHaloBackend>(
    p: &Painter<'_, '_, DB>,
    at: Coord<f64>,
    width: f64,
    day_number: i64,
    total: i64,
) -> Result<()> {
    let scale = p.atlas.layout.scale;
    let style = &p.atlas.style;
    let height = 6.0 * scale;
    let total = total.max(1);
    let (segments, gap) = if total <= 60 { (total, 3.0 * scale) } else { (1, 0.0) };
    let step = (width + gap) / segments as f64;
    for i in 0..segments {
        let (a, b) = (
            Coord { x: at.x + i as f64 * step, y: at.y },
            Coord { x: at.x + (i + 1) as f64 * step - gap, y: at.y + height },
        );
        let done = if segments == 1 { 0.0 } else { ((i + 1) <= day_number) as u8 as f64 };
        let fill = if done > 0.0 { colour(style.text).to_rgba() } else { colour(style.border).to_rgba() };
        p.area.draw(&Rectangle::new([p.at(a), p.at(b)], fill.filled())).map_err(fail)?;
    }
    if segments == 1 {
        let share = (day_number as f64 / total as f64).clamp(0.0, 1.0);
        let b = Coord { x: at.x + width * share, y: at.y + height };
        p.area.draw(&Rectangle::new([p.at(at), p.at(b)], colour(style.text).filled())).map_err(fail)?;
    }
    Ok(())
}

/// One line per change on `day` (see [`super::changes::day_changes`]).
pub fn day_changes(atlas: &Atlas<'_>, day: NaiveDate) -> Vec<String> {
    super::changes::day_changes(atlas.scenario, atlas.model, day).into_iter().map(|c| c.text).collect()
}

/// The outlets of the reports behind the events the frame of `day` tells (that day's, or
/// the days' since the frame before, see [`Atlas::span_start`]).
pub fn day_sources(atlas: &Atlas<'_>, day: NaiveDate) -> Vec<String> {
    let s = atlas.scenario;
    let first = atlas.span_start(day);
    let mut out: Vec<String> = Vec::new();
    for e in s.events.iter().filter(|e| e.date >= first && e.date <= day) {
        let name = s
            .source(&e.source)
            .map_or(e.source.clone(), |src| if src.outlet.is_empty() { src.file.clone() } else { src.outlet.clone() });
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Draws a title card over what `area` holds (the first frame): a pale veil, then the
/// scenario's title, subtitle and span of days, centred, for the start of an animation.
pub fn draw_title_card<DB: TextHaloBackend>(area: &DrawingArea<DB, Shift>, atlas: &Atlas<'_>) -> Result<()> {
    let (w, _) = area.dim_in_pixel();
    let p = Painter { area, atlas, k: f64::from(w) / f64::from(atlas.layout.width) };
    let s = atlas.scenario;
    let style = &atlas.style;
    let (width, height) = (f64::from(atlas.layout.width), f64::from(atlas.layout.height));
    p.area
        .draw(&Rectangle::new(
            [p.at(Coord { x: 0.0, y: 0.0 }), p.at(Coord { x: width, y: height })],
            RGBAColor(255, 255, 255, 0.86).filled(),
        ))
        .map_err(fail)?;
    let scale = atlas.layout.scale;
    let centre = Pos::new(HPos::Center, VPos::Top);
    let mut y = height * 0.36;
    for line in p.wrap(&s.title, 54.0, Weight::Bold, width * 0.8) {
        p.text(&line, Coord { x: width / 2.0, y }, 54.0, Weight::Bold, style.text, centre)?;
        y += 54.0 * 1.25 * scale;
    }
    y += 14.0 * scale;
    if let Some(sub) = &s.subtitle {
        for line in p.wrap(sub, 28.0, Weight::Regular, width * 0.8) {
            p.text(&line, Coord { x: width / 2.0, y }, 28.0, Weight::Regular, style.muted, centre)?;
            y += 28.0 * 1.3 * scale;
        }
    }
    y += 14.0 * scale;
    let span = format!("{} – {}", s.text.date(s.first_day), s.text.date(s.last_day));
    p.text(&span, Coord { x: width / 2.0, y }, 24.0, Weight::Regular, style.text, centre)?;
    Ok(())
}
