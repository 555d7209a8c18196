//! A population raster a user brings: a GeoTIFF of people per pixel (WorldPop's "ppp"
//! grids, GHSL, LandScan exports), in longitude/latitude degrees.
//!
//! The grid is read once when the scenario loads and summed into blocks of at most
//! [`MAX_LONG_SIDE`] pixels along its longer side, so a 100 m raster of a whole country
//! (tens of millions of pixels) costs a few megabytes; every person of the file is kept, at
//! the centre of its block. [`crate::population::spread`] then gives each place the people of
//! the land allocated to it (its cells in [`crate::territory`]).
//!
//! What is read: one band of any integer or floating-point sample type, stripped or tiled,
//! uncompressed, LZW or Deflate; placed by the GeoTIFF tags ModelPixelScale and
//! ModelTiepoint (north-up grids, as WorldPop publishes them). Pixels that are the file's
//! no-data value (GDAL's tag), negative, or not finite count as nobody. A rotated grid
//! (ModelTransformation) or one in metres is refused with a message saying how to convert it.

use std::io::Cursor;

use geo::Coord;
use tiff::decoder::{Decoder, DecodingResult, Limits};
use tiff::tags::Tag;

use crate::error::{Error, Location, Result};

/// The longest side of the summed grid kept in memory: 2,000 blocks is about 350 m across
/// Syria, finer than the land allocation's raster.
pub const MAX_LONG_SIDE: usize = 2000;

/// People on a north-up grid of longitude/latitude blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationRaster {
    /// Blocks across.
    pub width: usize,
    /// Blocks down.
    pub height: usize,
    /// The top-left corner (longitude, latitude) of the top-left block.
    pub origin: Coord<f64>,
    /// The size of a block in degrees (x: longitude, y: latitude, both positive).
    pub step: Coord<f64>,
    /// People per block, row by row from the north.
    pub people: Vec<f64>,
    /// The file's name as shown in messages.
    pub file: String,
}

impl PopulationRaster {
    /// Reads a GeoTIFF's bytes (see the module docs). `file` names it in errors.
    pub fn from_geotiff(bytes: &[u8], file: &str) -> Result<PopulationRaster> {
        let bad = |message: String| Error::Data { at: Location::file(file), message };
        let tiff = |e: tiff::TiffError| bad(format!("cannot read it as a GeoTIFF: {e}"));
        let mut limits = Limits::default();
        // A country at 100 m in 32-bit floats is a few hundred MB decoded; the input cap
        // (--max-input-mb) already bounds the file.
        limits.decoding_buffer_size = 2 << 30;
        let mut decoder = Decoder::new(Cursor::new(bytes)).map_err(tiff)?.with_limits(limits);
        let (width, height) = decoder.dimensions().map_err(tiff)?;
        let (width, height) = (width as usize, height as usize);
        if decoder.find_tag(Tag::ModelTransformationTag).map_err(tiff)?.is_some() {
            return Err(bad("the grid is rotated or sheared (ModelTransformation); warp it to a north-up \
                            longitude/latitude grid first, e.g. `gdalwarp -t_srs EPSG:4326 in.tif out.tif`"
                .into()));
        }
        let scale = decoder.find_tag(Tag::ModelPixelScaleTag).map_err(tiff)?;
        let tie = decoder.find_tag(Tag::ModelTiepointTag).map_err(tiff)?;
        let (Some(scale), Some(tie)) = (scale, tie) else {
            return Err(bad("it has no GeoTIFF placement (ModelPixelScale and ModelTiepoint tags); \
                            export it as a GeoTIFF in EPSG:4326"
                .into()));
        };
        let scale = scale.into_f64_vec().map_err(tiff)?;
        let tie = tie.into_f64_vec().map_err(tiff)?;
        if scale.len() < 2 || tie.len() < 6 || !(scale[0] > 0.0 && scale[1] > 0.0) {
            return Err(bad(format!(
                "expected a pixel scale of two positive numbers and a tie point, found {scale:?} and {tie:?}"
            )));
        }
        let (step, origin) = (
            Coord { x: scale[0], y: scale[1] },
            Coord { x: tie[3] - tie[0] * scale[0], y: tie[4] + tie[1] * scale[1] },
        );
        let degrees = |c: Coord<f64>| (-180.5..=360.5).contains(&c.x) && (-90.5..=90.5).contains(&c.y);
        let far = Coord { x: origin.x + step.x * width as f64, y: origin.y - step.y * height as f64 };
        if !degrees(origin) || !degrees(far) || step.x > 10.0 || step.y > 10.0 {
            return Err(bad(format!(
                "the grid runs from ({:.1}, {:.1}) to ({:.1}, {:.1}), which is not longitude/latitude; \
                 warp it first, e.g. `gdalwarp -t_srs EPSG:4326 in.tif out.tif`",
                origin.x, origin.y, far.x, far.y
            )));
        }
        let no_data = match decoder.find_tag(Tag::GdalNodata).map_err(tiff)? {
            Some(v) => v.into_string().ok().and_then(|s| s.trim().trim_end_matches('\0').parse::<f64>().ok()),
            None => None,
        };
        let samples = samples(decoder.read_image().map_err(tiff)?);
        if samples.len() < width * height {
            return Err(bad(format!(
                "expected one band of {width} x {height} samples, found {} values (several bands or a \
                 colour image?); give a single-band grid of people per pixel",
                samples.len()
            )));
        }
        let bands = samples.len() / (width * height);
        let people = |i: usize| {
            let v = samples[i * bands];
            if v.is_finite() && v > 0.0 && Some(v) != no_data { v } else { 0.0 }
        };
        Ok(PopulationRaster::summed(width, height, origin, step, people, file))
    }

    /// The grid summed into blocks of `factor` × `factor` pixels, `factor` the smallest that
    /// keeps the longer side within [`MAX_LONG_SIDE`].
    fn summed(
        width: usize,
        height: usize,
        origin: Coord<f64>,
        step: Coord<f64>,
        people: impl Fn(usize) -> f64,
        file: &str,
    ) -> PopulationRaster {
        let factor = width.max(height).div_ceil(MAX_LONG_SIDE).max(1);
        let (w, h) = (width.div_ceil(factor), height.div_ceil(factor));
        let mut blocks = vec![0.0; w * h];
        for y in 0..height {
            let row = (y / factor) * w;
            for x in 0..width {
                blocks[row + x / factor] += people(y * width + x);
            }
        }
        PopulationRaster {
            width: w,
            height: h,
            origin,
            step: Coord { x: step.x * factor as f64, y: step.y * factor as f64 },
            people: blocks,
            file: file.to_string(),
        }
    }

    /// Every block that holds people: its centre (longitude, latitude) and its people.
    pub fn blocks(&self) -> impl Iterator<Item = (Coord<f64>, f64)> + '_ {
        self.people.iter().enumerate().filter(|(_, p)| **p > 0.0).map(|(i, &p)| {
            let (x, y) = ((i % self.width) as f64 + 0.5, (i / self.width) as f64 + 0.5);
            (Coord { x: self.origin.x + x * self.step.x, y: self.origin.y - y * self.step.y }, p)
        })
    }

    /// Everyone in the file.
    pub fn total(&self) -> f64 {
        self.people.iter().sum()
    }
}

/// The samples of a decoded image as numbers.
fn samples(image: DecodingResult) -> Vec<f64> {
    match image {
        DecodingResult::U8(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::U16(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::U32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::U64(v) => v.into_iter().map(|x| x as f64).collect(),
        DecodingResult::F16(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::F32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::F64(v) => v,
        DecodingResult::I8(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::I16(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::I32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::I64(v) => v.into_iter().map(|x| x as f64).collect(),
    }
}

/// Writes a single-band 32-bit float GeoTIFF in longitude/latitude with its top-left corner
/// at `origin` and square pixels of `step` degrees (for tests and for making small rasters).
pub fn write_geotiff(
    width: u32,
    height: u32,
    origin: Coord<f64>,
    step: f64,
    values: &[f32],
    no_data: Option<f32>,
) -> std::result::Result<Vec<u8>, tiff::TiffError> {
    let mut out = Cursor::new(Vec::new());
    let mut encoder = tiff::encoder::TiffEncoder::new(&mut out)?;
    let mut image = encoder.new_image::<tiff::encoder::colortype::Gray32Float>(width, height)?;
    image.encoder().write_tag(Tag::ModelPixelScaleTag, &[step, step, 0.0][..])?;
    image.encoder().write_tag(Tag::ModelTiepointTag, &[0.0, 0.0, 0.0, origin.x, origin.y, 0.0][..])?;
    if let Some(v) = no_data {
        image.encoder().write_tag(Tag::GdalNodata, &*v.to_string())?;
    }
    image.write_data(values)?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_grid_reads_back_with_its_people_and_place() {
        let values = [1.0, 2.0, -9999.0, 4.0, f32::NAN, 6.0];
        let bytes = write_geotiff(3, 2, Coord { x: 36.0, y: 35.0 }, 0.5, &values, Some(-9999.0)).unwrap();
        let r = PopulationRaster::from_geotiff(&bytes, "t.tif").unwrap();
        assert_eq!((r.width, r.height), (3, 2));
        assert_eq!(r.total(), 13.0);
        let blocks: Vec<_> = r.blocks().collect();
        assert_eq!(blocks[0], (Coord { x: 36.25, y: 34.75 }, 1.0));
        assert_eq!(blocks.last().copied(), Some((Coord { x: 37.25, y: 34.25 }, 6.0)));
    }

    #[test]
    fn a_large_grid_is_summed_into_blocks_keeping_everyone() {
        let (w, h) = (MAX_LONG_SIDE * 2 + 1, 3);
        let r = PopulationRaster::summed(w, h, Coord { x: 0.0, y: 10.0 }, Coord { x: 0.001, y: 0.001 }, |_| 1.0, "t");
        assert!(r.width <= MAX_LONG_SIDE);
        assert_eq!(r.total(), (w * h) as f64);
        assert!((r.step.x - 0.003).abs() < 1e-12);
    }

    #[test]
    fn a_cut_or_garbled_file_is_an_error_not_a_panic() {
        let bytes = write_geotiff(40, 40, Coord { x: 36.0, y: 35.0 }, 0.01, &[3.0; 1600], None).unwrap();
        for cut in [8, 64, bytes.len() / 2, bytes.len() - 1] {
            assert!(PopulationRaster::from_geotiff(&bytes[..cut], "cut.tif").is_err(), "cut at {cut}");
        }
        // Every byte of the header and of the directory (written after the pixels) flipped
        // in turn: an answer, never a panic.
        for i in (0..16).chain(bytes.len().saturating_sub(400)..bytes.len()) {
            let mut garbled = bytes.clone();
            garbled[i] ^= 0xff;
            let _ = PopulationRaster::from_geotiff(&garbled, "garbled.tif");
        }
    }

    #[test]
    fn a_file_that_is_not_a_placed_grid_says_so() {
        let err = PopulationRaster::from_geotiff(b"not a tiff", "x.tif").unwrap_err().to_string();
        assert!(err.contains("x.tif") && err.contains("GeoTIFF"), "{err}");
        // Metres, not degrees: a tie point far outside longitude/latitude.
        let bytes = write_geotiff(2, 2, Coord { x: 500_000.0, y: 4_000_000.0 }, 100.0, &[1.0; 4], None).unwrap();
        let err = PopulationRaster::from_geotiff(&bytes, "m.tif").unwrap_err().to_string();
        assert!(err.contains("not longitude/latitude") && err.contains("gdalwarp"), "{err}");
    }
}
