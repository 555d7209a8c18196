//! Raster output: a plotters backend over tiny-skia, the embedded fonts, and the PNG, GIF
//! and MP4 encoders.

mod cells;
mod coverage;
pub mod encode;
pub mod error;
pub mod fonts;
mod glyphs;
mod lzw;
pub mod skia_backend;

pub use cells::CellRaster;
pub use coverage::CoverageCache;
pub use encode::{GifFrameEncoder, GifWriter, Mp4Writer, PreparedGifFrame, encode_png};
pub use error::RasterError;
pub use fonts::{FontSet, TextExtent, Weight};
pub(crate) use skia_backend::clip_polyline;
pub use skia_backend::{Halo, HaloText, PaintedCells, SkiaBackend, TextHaloBackend, text_size_for_px};
