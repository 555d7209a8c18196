//! Everything a frame needs that does not change from day to day, computed once: the
//! layout, the base map in frame pixels, where each place sits, and the geometry of each
//! distinct state of control.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use geo::{
    Area, BoundingRect, Coord, InteriorPoint, LineString, MapCoords, MultiLineString, MultiPolygon, Rect, Simplify,
};
use rayon::prelude::*;

/// How far (frame pixels) borders, which are stroked, may be thinned before
/// they are drawn: under a stroke of at least a pixel, a third of one does not show, and a
/// stroke costs by the vertex. (The land's areas come thinned from the territory already.)
const PIXEL_TOLERANCE: f64 = 0.3;
/// How far (frame pixels) fronts may be thinned: they are drawn 2.2 px wide over a 5 px
/// casing, each point rounded to a whole pixel, so three quarters of one does not show
/// (frames compared side by side), and their pieces (drawn anew wherever the front moved)
/// were a tenth of the raster frames' work at 0.3 px, with twice the vertices.
const FRONT_TOLERANCE: f64 = 0.75;

use super::shapes::{clip_lines, clip_polygons, hatch, simplify_lines, stipple};
use super::style::Style;
use crate::basemap::Role;
use crate::control::{ControlModel, PlaceState};
use crate::error::{Error, Result};
use crate::event::FactionId;
use crate::projection::{DENSIFY_DEGREES, Margins, Viewport, densify_degrees};
use crate::raster::{CellRaster, FontSet};
use crate::scenario::Scenario;
use crate::scenario::{Corner, Inset};
use crate::territory::{StateMap, Territory, all_frontlines};

/// Where the parts of a frame go, in pixels.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Frame width.
    pub width: u32,
    /// Frame height.
    pub height: u32,
    /// Design pixels to frame pixels: sizes are designed for a 1080-pixel-high frame.
    pub scale: f64,
    /// The map.
    pub map: Rect<f64>,
    /// The side panel with title, date, legend, caption and credits.
    pub panel: Rect<f64>,
}

impl Layout {
    /// The layout of a `width` × `height` frame: the map on the left, the panel on the right.
    pub fn new(width: u32, height: u32, style: &Style) -> Layout {
        let (w, h) = (f64::from(width), f64::from(height));
        let scale = h / 1080.0;
        let panel_width = (w * style.panel_fraction).max(420.0 * scale).min(w * 0.5);
        let split = w - panel_width;
        Layout {
            width,
            height,
            scale,
            map: Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: split, y: h }),
            panel: Rect::new(Coord { x: split, y: 0.0 }, Coord { x: w, y: h }),
        }
    }
}

/// A country of the base map, in frame pixels, clipped to the map.
#[derive(Debug, Clone)]
pub struct MapCountry {
    /// Its name.
    pub name: String,
    /// Focus or neighbour.
    pub role: Role,
    /// Its shape.
    pub shape: MultiPolygon<f64>,
    /// Where to write its name, if it shows enough to be named.
    pub label_at: Option<Coord<f64>>,
}

/// The geometry of one state of control, in frame pixels, clipped to the map.
#[derive(Debug, Clone)]
pub struct DayMap {
    /// Every place's state.
    pub states: Vec<PlaceState>,
    /// Which areas the map carries as shapes.
    pub shapes: AreaShapes,
    /// One area per faction (none when [`DayMap::shapes`] is [`AreaShapes::AssessedOnly`]).
    pub areas: Vec<(FactionId, MultiPolygon<f64>)>,
    /// All frontlines.
    pub frontlines: MultiLineString<f64>,
    /// Hatching over contested places, in the challenger's colour.
    pub hatching: Vec<(FactionId, MultiLineString<f64>)>,
    /// The thinly held land (land no place settles) of places held on evidence, per
    /// faction: drawn a little paler than held land (none when [`DayMap::shapes`] is
    /// [`AreaShapes::AssessedOnly`]).
    pub thin: Vec<(FactionId, MultiPolygon<f64>)>,
    /// The areas a rule assessed (succession, enclaves), per faction: drawn pale, under
    /// [`DayMap::stipple`].
    pub assessed: Vec<(FactionId, MultiPolygon<f64>)>,
    /// The stipple dots over the areas a rule assessed (not thinly held land), per faction.
    pub stipple: Vec<(FactionId, Vec<Coord<f64>>)>,
    /// The same state in each of the atlas's insets, in their order.
    pub insets: Vec<DayMap>,
}

/// Which of a day's areas a [`DayMap`] carries as shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaShapes {
    /// All of them: held, thinly held and assessed land (vector frames draw them).
    All,
    /// Only the assessed land, under which the stipple is laid: a raster frame paints the
    /// land from its cells ([`Atlas::cell_raster`]), so merging, projecting and clipping
    /// the other areas (a tenth of the render) would be work thrown away.
    AssessedOnly,
}

/// The geometry of each of a run of days ([`Atlas::day_maps`]), each made when first asked
/// for. The threads drawing frames make their own day's map (or wait for the thread already
/// making it), so drawing starts once the first map exists rather than once all do, and the
/// making of maps is spread over the same threads as the drawing.
pub struct DayMaps<'s, 'a> {
    atlas: &'s Atlas<'a>,
    /// The distinct states of the days.
    states: Vec<Vec<PlaceState>>,
    /// For each day, the index of its state in `states`.
    slots: Vec<usize>,
    /// The map of each distinct state, once made.
    maps: Vec<OnceLock<Arc<DayMap>>>,
    /// The areas the maps carry as shapes.
    shapes: AreaShapes,
}

impl DayMaps<'_, '_> {
    /// The number of days.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether there are no days.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// How many places' states on day `i` differ from day `i - 1` (0 for the first day):
    /// how much there is to ring, label and list, for scheduling.
    ///
    /// # Panics
    /// If `i` is not below [`DayMaps::len`].
    pub fn changes(&self, i: usize) -> usize {
        let Some(before) = i.checked_sub(1) else { return 0 };
        let (a, b) = (&self.states[self.slots[before]], &self.states[self.slots[i]]);
        a.iter().zip(b).filter(|(x, y)| x != y).count()
    }

    /// The map of day `i` (counted from 0 in the days asked for), made now if need be.
    ///
    /// # Panics
    /// If `i` is not below [`DayMaps::len`].
    pub fn get(&self, i: usize) -> Arc<DayMap> {
        let slot = self.slots[i];
        Arc::clone(self.maps[slot].get_or_init(|| Arc::new(self.atlas.map_of(self.states[slot].clone(), self.shapes))))
    }
}

/// What an inset draws around itself.
#[derive(Debug, Clone)]
pub struct InsetFrame {
    /// Written in its top-left corner.
    pub title: Option<String>,
    /// Its extent, outlined on the main map, in frame pixels.
    pub locator: LineString<f64>,
}

/// A scenario prepared for drawing frames of one size.
pub struct Atlas<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// Its control model.
    pub model: &'a ControlModel,
    /// Colours and proportions.
    pub style: Style,
    /// Where things go.
    pub layout: Layout,
    /// The fonts labels are measured with.
    pub fonts: &'static FontSet,
    territory: &'a Territory,
    viewport: Viewport,
    /// The base map in pixels.
    pub countries: Vec<MapCountry>,
    /// Each place's position in pixels (indexed by place).
    pub positions: Vec<Coord<f64>>,
    /// Places with at least this population get a label.
    pub label_population: u64,
    /// Close-ups in corners of the map (see [`crate::scenario::Inset`]): each an atlas
    /// whose map is its box in the frame.
    pub insets: Vec<Atlas<'a>>,
    /// For an inset: its title, and the outline of its extent on the main map (pixels).
    pub inset: Option<InsetFrame>,
    /// The raster background (what is the same every day), drawn on first use.
    pub(crate) background: std::sync::OnceLock<std::result::Result<tiny_skia::Pixmap, String>>,
    /// The days frames are drawn for when they skip days (`render --every N`), ascending;
    /// empty when every day has a frame. A frame's panel then tells what changed since the
    /// frame before it ([`Atlas::span_start`]).
    pub frame_days: Vec<NaiveDate>,
    /// The coverage of shapes drawn on earlier frames (markers, rings, fronts), reused.
    pub(crate) coverage: crate::raster::CoverageCache,
    /// The land's cells rasterised over the frame, clipped to the map, made on first use
    /// (see [`Atlas::cell_raster`]).
    cell_raster: OnceLock<CellRaster>,
}

impl<'a> Atlas<'a> {
    /// Frames drawn only for `days` (ascending; `render --every N`): each frame, and each
    /// inset's close-up, then tells what changed since the frame before.
    pub fn set_frame_days(&mut self, days: &[NaiveDate]) {
        self.frame_days = days.to_vec();
        for inset in &mut self.insets {
            inset.set_frame_days(days);
        }
    }

    /// The first day a frame of `day` tells: the day after the frame before it when frames
    /// skip days ([`Atlas::frame_days`]), else `day` itself.
    pub fn span_start(&self, day: NaiveDate) -> NaiveDate {
        match self.frame_days.iter().rev().find(|d| **d < day) {
            Some(before) => before.succ_opt().unwrap_or(day),
            None => day,
        }
    }

    /// Prepares `scenario` for `width` × `height` frames.
    pub fn new(
        scenario: &'a Scenario,
        model: &'a ControlModel,
        territory: &'a Territory,
        width: u32,
        height: u32,
        style: Style,
    ) -> Result<Atlas<'a>> {
        if width < 320 || height < 240 {
            return Err(Error::Render(format!("a frame of {width}x{height} is too small; the least is 320x240")));
        }
        let fonts = FontSet::embedded().map_err(|e| Error::Render(e.to_string()))?;
        let layout = Layout::new(width, height, &style);
        let extent = territory.project_extent(scenario.map.extent);
        let viewport = Viewport::fit(extent, layout.map.width().round() as u32, height, Margins::default());
        let mut atlas =
            Atlas::view(scenario, model, territory, style, layout, viewport, fonts, scenario.map.label_population);
        for inset in &scenario.map.insets {
            let child = atlas.inset_atlas(inset);
            atlas.insets.push(child);
        }
        Ok(atlas)
    }

    /// An atlas of one view: `viewport` maps projected metres into `layout.map`.
    #[allow(clippy::too_many_arguments)]
    fn view(
        scenario: &'a Scenario,
        model: &'a ControlModel,
        territory: &'a Territory,
        style: Style,
        layout: Layout,
        viewport: Viewport,
        fonts: &'static FontSet,
        label_population: u64,
    ) -> Atlas<'a> {
        let projection = territory.projection();
        // Densified like the land the areas are clipped to, so outlines and areas agree.
        let to_pixels = |shape: &MultiPolygon<f64>| -> MultiPolygon<f64> {
            densify_degrees(shape, DENSIFY_DEGREES).map_coords(|c| viewport.to_pixel(projection.project(c)))
        };
        let min_label_area = (90.0 * layout.scale).powi(2);
        // Countries in parallel: this runs before the first frame can start, and the
        // neighbours' detailed coasts take most of the set-up's time.
        let countries = scenario
            .basemap
            .countries
            .par_iter()
            .map(|c| {
                let shape = clip_polygons(&to_pixels(&c.shape).simplify(PIXEL_TOLERANCE), layout.map);
                let largest = shape.0.iter().max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()));
                let label_at = largest
                    .filter(|p| p.unsigned_area() > min_label_area && c.role == Role::Neighbour)
                    .and_then(|p| p.interior_point())
                    .map(|p| p.0);
                MapCountry { name: c.name.clone(), role: c.role, shape, label_at }
            })
            .filter(|c| !c.shape.0.is_empty())
            .collect();
        let positions =
            scenario.gazetteer.places().iter().map(|p| viewport.to_pixel(projection.project(p.position))).collect();
        Atlas {
            scenario,
            model,
            style,
            layout,
            fonts,
            territory,
            viewport,
            countries,
            positions,
            label_population,
            insets: Vec::new(),
            inset: None,
            background: std::sync::OnceLock::new(),
            frame_days: Vec::new(),
            coverage: crate::raster::CoverageCache::new(),
            cell_raster: OnceLock::new(),
        }
    }

    /// The atlas of an inset: its extent fitted into a box of `inset.width` of the map's
    /// width (at most 60 % of its height), in its corner, a margin from the edges.
    fn inset_atlas(&self, inset: &Inset) -> Atlas<'a> {
        let map = self.layout.map;
        let margin = 16.0 * self.layout.scale;
        let extent = self.territory.project_extent(inset.extent);
        let aspect = extent.height().max(1.0) / extent.width().max(1.0);
        let mut w = map.width() * inset.width;
        let mut h = w * aspect;
        if h > map.height() * 0.6 {
            h = map.height() * 0.6;
            w = h / aspect;
        }
        let x = match inset.corner {
            Corner::TopLeft | Corner::BottomLeft => map.min().x + margin,
            Corner::TopRight | Corner::BottomRight => map.max().x - margin - w,
        };
        let y = match inset.corner {
            Corner::TopLeft | Corner::TopRight => map.min().y + margin,
            Corner::BottomLeft | Corner::BottomRight => map.max().y - margin - h,
        };
        let viewport =
            Viewport::fit(extent, w.round() as u32, h.round() as u32, Margins::default()).shifted(Coord { x, y });
        let layout = Layout { map: viewport.placed(), ..self.layout };
        let mut child = Atlas::view(
            self.scenario,
            self.model,
            self.territory,
            self.style.clone(),
            layout,
            viewport,
            self.fonts,
            inset.label_population,
        );
        let projection = self.territory.projection();
        let outline = densify_degrees(&MultiPolygon(vec![inset.extent.to_polygon()]), DENSIFY_DEGREES);
        let locator = outline.0[0].exterior().map_coords(|c| self.viewport.to_pixel(projection.project(c)));
        child.inset = Some(InsetFrame { title: inset.title.clone(), locator });
        child
    }

    /// Frame pixels per metre on the ground (at the projection's centre).
    pub fn pixels_per_metre(&self) -> f64 {
        self.viewport.pixels_per_metre()
    }

    /// Where a lon/lat point falls on the frame, in pixels (it may be off the frame).
    pub fn pixel_of(&self, lonlat: Coord<f64>) -> Coord<f64> {
        self.viewport.to_pixel(self.territory.projection().project(lonlat))
    }

    /// A place's area (its cell) in frame pixels, unclipped.
    pub fn cell_in_pixels(&self, place: crate::gazetteer::PlaceId) -> MultiPolygon<f64> {
        self.territory.cell(place).map_coords(|c| self.viewport.to_pixel(c))
    }

    /// The territory's cells (as [`Territory::cells`] numbers them) rasterised over a frame
    /// of this atlas's size, clipped to its map: a raster frame paints a day's areas from
    /// them ([`crate::raster::CellRaster`]). Made once, on first use.
    pub fn cell_raster(&self) -> &CellRaster {
        self.cell_raster.get_or_init(|| {
            let view = self.layout.map;
            let px = |c: Coord<f64>| self.viewport.to_pixel(c);
            let shapes: Vec<MultiPolygon<f64>> = (0..self.territory.cells().len())
                .map(|c| clip_polygons(&self.territory.cell_shape(c).map_coords(px), view))
                .collect();
            CellRaster::new(self.layout.width, self.layout.height, &shapes)
        })
    }

    /// Makes the cell rasters of the map and its insets now ([`Atlas::cell_raster`]), so
    /// that a thread with nothing else to do can make them before the first frame needs them.
    pub fn prepare_cells(&self) {
        self.cell_raster();
        for inset in &self.insets {
            inset.prepare_cells();
        }
    }

    /// Each cell's place and kind, numbered as [`Atlas::cell_raster`] numbers them.
    pub fn land_cells(&self) -> &[crate::territory::LandCell] {
        self.territory.cells()
    }

    /// The geometry of the state of `day`.
    pub fn day_map(&self, day: NaiveDate) -> DayMap {
        self.map_of(self.model.states_on(day), AreaShapes::All)
    }

    /// The geometry for each of `days`, made when first asked for (see [`DayMaps`]), once
    /// per distinct state and shared between days with the same state, with the areas
    /// `shapes` asks for.
    pub fn day_maps<'s>(&'s self, days: &[NaiveDate], shapes: AreaShapes) -> DayMaps<'s, 'a> {
        let mut distinct: Vec<Vec<PlaceState>> = Vec::new();
        let mut index_of: HashMap<Vec<PlaceState>, usize> = HashMap::new();
        let slots = days
            .iter()
            .map(|d| {
                *index_of.entry(self.model.states_on(*d)).or_insert_with_key(|states| {
                    distinct.push(states.clone());
                    distinct.len() - 1
                })
            })
            .collect();
        let maps = distinct.iter().map(|_| OnceLock::new()).collect();
        DayMaps { atlas: self, states: distinct, slots, maps, shapes }
    }

    fn map_of(&self, states: Vec<PlaceState>, shapes: AreaShapes) -> DayMap {
        // The areas are merged once; each view (the map, its insets) projects and clips them.
        let (state_map, thin) = match shapes {
            AreaShapes::All => (self.territory.state_map(&states), self.territory.thin_areas(&states)),
            AreaShapes::AssessedOnly => (self.territory.frontlines(&states), Vec::new()),
        };
        let inferred = self.territory.inferred_areas(&states);
        let insets = self
            .insets
            .iter()
            .map(|a| a.geometry(&state_map, &thin, &inferred, states.clone(), shapes, Vec::new()))
            .collect();
        self.geometry(&state_map, &thin, &inferred, states, shapes, insets)
    }

    fn geometry(
        &self,
        state_map: &StateMap,
        thin: &[(FactionId, MultiPolygon<f64>)],
        inferred: &[(FactionId, MultiPolygon<f64>)],
        states: Vec<PlaceState>,
        shapes: AreaShapes,
        insets: Vec<DayMap>,
    ) -> DayMap {
        let view = self.layout.map;
        let px = |c: Coord<f64>| self.viewport.to_pixel(c);
        // The land's edges come thinned to a quarter of the raster's step (see
        // `territory::trace`), finer than a frame pixel: they are only projected and clipped.
        let on_frame = |shape: &MultiPolygon<f64>| clip_polygons(&shape.map_coords(px), view);
        let areas = state_map
            .areas
            .iter()
            .map(|(f, shape)| (*f, on_frame(shape)))
            .filter(|(_, shape)| !shape.0.is_empty())
            .collect();
        let frontlines = clip_lines(&simplify_lines(&all_frontlines(state_map).map_coords(px), FRONT_TOLERANCE), view);
        let spacing = 9.0 * self.layout.scale;
        let hatching = states
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let challenger = s.challenger?;
                // Clip first: the hatching of a whole cell at a street-level extent would be
                // millions of lines; the cost must follow what is drawn.
                let cell =
                    clip_polygons(&self.territory.cell(crate::gazetteer::PlaceId(i as u32)).map_coords(px), view);
                cell.bounding_rect()?;
                Some((challenger, hatch(&cell, spacing)))
            })
            .collect();
        let on_frame_all = |areas: &[(FactionId, MultiPolygon<f64>)]| -> Vec<(FactionId, MultiPolygon<f64>)> {
            areas.iter().map(|(f, shape)| (*f, on_frame(shape))).filter(|(_, shape)| !shape.0.is_empty()).collect()
        };
        let thin = on_frame_all(thin);
        let assessed = on_frame_all(inferred);
        let dot_spacing = 7.0 * self.layout.scale;
        // Dots only where a rule gave the land: thinly held land is pale without them (a
        // desert of dots would drown the map, and cost the GIF and PNG dearly).
        let stipple = assessed.iter().map(|(f, shape)| (*f, stipple(shape, dot_spacing))).collect();
        DayMap { states, shapes, areas, frontlines, hatching, thin, assessed, stipple, insets }
    }
}
