//! Drawing frames: one publishable map per day, into any plotters drawing area.
//!
//! ```no_run
//! use frontline::render::{Atlas, Style, draw_frame, render_png};
//! use frontline::{ControlModel, Scenario, territory::Territory};
//! let scenario = Scenario::syria_2024()?;
//! let model = scenario.model();
//! let territory = Territory::new(&scenario);
//! let atlas = Atlas::new(&scenario, &model, &territory, 1920, 1080, Style::default())?;
//! let day = chrono::NaiveDate::from_ymd_opt(2024, 12, 6).unwrap();
//! let png: Vec<u8> = render_png(&atlas, day, &atlas.day_map(day))?;
//! # Ok::<(), frontline::Error>(())
//! ```

mod anneal;
mod atlas;
mod changes;
mod frame;
pub mod labels;
mod layout;
pub mod shapes;
mod style;

pub use atlas::{AreaShapes, Atlas, DayMap, DayMaps, InsetFrame, Layout, MapCountry};
pub use changes::{
    DayChange, changes_heading, day_changes as change_lines, day_summary, panel_changes, panel_span_changes,
    span_changes, span_summary,
};
pub use frame::{
    Layers, ScaleBar, day_changes, day_sources, draw_frame, draw_layers, draw_title_card, scale_bar, summary_file_name,
};
pub use layout::{FrameLayout, Ring, ViewLayout, frame_layout, view_layout};
pub use style::Style;

use chrono::NaiveDate;
use plotters::prelude::IntoDrawingArea;

use crate::error::{Error, Result};
use crate::raster::{SkiaBackend, encode_png};

/// Sub-pixel factor of raster frames: coordinates reach the rasteriser in quarter pixels.
pub const SUBPIXELS: u32 = 4;

/// Draws `layers` of the frame of `day` onto `pixmap`.
fn draw_onto(
    pixmap: &mut tiny_skia::Pixmap,
    atlas: &Atlas<'_>,
    day: NaiveDate,
    map: &DayMap,
    layers: Layers,
) -> Result<()> {
    // Shapes drawn on an earlier day at the same place take their coverage from then.
    let backend = SkiaBackend::new(pixmap, SUBPIXELS)?.with_coverage_cache(&atlas.coverage);
    let area = backend.into_drawing_area();
    draw_layers(&area, atlas, day, map, layers)?;
    area.present().map_err(|e| Error::Render(format!("{e:?}")))
}

/// Draws the frame of `day` into a new pixmap of the atlas's size. The background, the
/// same every day, is drawn once per atlas and copied.
pub fn render_pixmap(atlas: &Atlas<'_>, day: NaiveDate, map: &DayMap) -> Result<tiny_skia::Pixmap> {
    let (w, h) = (atlas.layout.width, atlas.layout.height);
    let mut pixmap =
        tiny_skia::Pixmap::new(w, h).ok_or_else(|| Error::Render(format!("cannot allocate a {w}x{h} image")))?;
    render_pixmap_into(atlas, day, map, &mut pixmap)?;
    Ok(pixmap)
}

/// Draws the frame of `day` into `pixmap`, which must be of the atlas's size: the same
/// pixels as [`render_pixmap`], without allocating a frame (a renderer drawing many frames
/// keeps one per thread; a new 8 MB frame each time cost the kernel's zeroing of its pages).
pub fn render_pixmap_into(
    atlas: &Atlas<'_>,
    day: NaiveDate,
    map: &DayMap,
    pixmap: &mut tiny_skia::Pixmap,
) -> Result<()> {
    let (w, h) = (atlas.layout.width, atlas.layout.height);
    if (pixmap.width(), pixmap.height()) != (w, h) {
        return Err(Error::Render(format!("a {}x{} pixmap for a {w}x{h} frame", pixmap.width(), pixmap.height())));
    }
    let background = atlas.background.get_or_init(|| {
        let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or_else(|| format!("cannot allocate a {w}x{h} image"))?;
        draw_onto(&mut pixmap, atlas, day, map, Layers::Background).map_err(|e| e.to_string())?;
        Ok(pixmap)
    });
    let background = background.as_ref().map_err(|e| Error::Render(e.clone()))?;
    pixmap.data_mut().copy_from_slice(background.data());
    draw_onto(pixmap, atlas, day, map, Layers::Foreground)
}

/// The title card of an animation: the frame of `day` (its first) under a veil, with the
/// title, subtitle and span of days (see [`draw_title_card`]).
pub fn render_title_card(atlas: &Atlas<'_>, day: NaiveDate, map: &DayMap) -> Result<tiny_skia::Pixmap> {
    title_card_over(atlas, render_pixmap(atlas, day, map)?)
}

/// The title card drawn over `first`, the animation's first frame as [`render_pixmap`] drew
/// it: what [`render_title_card`] makes, without drawing that frame again.
pub fn title_card_over(atlas: &Atlas<'_>, mut first: tiny_skia::Pixmap) -> Result<tiny_skia::Pixmap> {
    {
        let backend = SkiaBackend::new(&mut first, SUBPIXELS)?;
        let area = backend.into_drawing_area();
        draw_title_card(&area, atlas)?;
        area.present().map_err(|e| Error::Render(format!("{e:?}")))?;
    }
    Ok(first)
}

/// Draws the frame of `day` and encodes it as PNG.
pub fn render_png(atlas: &Atlas<'_>, day: NaiveDate, map: &DayMap) -> Result<Vec<u8>> {
    let pixmap = render_pixmap(atlas, day, map)?;
    encode_png(&pixmap).map_err(|e| Error::Encode(e.to_string()))
}

/// Draws the frame of `day` as an SVG document.
pub fn render_svg(atlas: &Atlas<'_>, day: NaiveDate, map: &DayMap) -> Result<String> {
    let mut svg = String::new();
    {
        let backend = plotters::backend::SVGBackend::with_string(&mut svg, (atlas.layout.width, atlas.layout.height));
        let area = backend.into_drawing_area();
        draw_frame(&area, atlas, day, map)?;
        area.present().map_err(|e| Error::Render(format!("{e:?}")))?;
    }
    Ok(svg)
}
