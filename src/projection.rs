//! Map projection and the mapping from projected metres to image pixels.
//!
//! Everything that measures distance or area (the areas of control, the reach
//! radius, the frontline lengths) works in projected metres; longitude and
//! latitude are only the input and output format.

use geo::{Coord, LineString, MapCoords, MultiLineString, MultiPolygon, Polygon, Rect};

/// Radius of the sphere used by the projection: the mean Earth radius (IUGG),
/// in metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Lambert azimuthal equal-area projection on a sphere, centred on a point.
///
/// Why this projection: the areas of control are Voronoi cells, i.e. "land
/// nearer to this place than to any other", so distances in the plane have to
/// be close to distances on the ground, and the areas shown and summed have to
/// be true. LAEA is exactly equal-area, and over a region of ~800 km around its
/// centre (Syria from ~38.5°E 35°N) its scale error stays below ~0.2 %, which
/// is far smaller than the uncertainty of any front line. A sphere (rather
/// than the ellipsoid) is plenty at that accuracy and keeps the inverse exact.
///
/// Coordinates: input `x` = longitude, `y` = latitude in degrees; output `x`
/// metres east and `y` metres north of the centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    centre: Coord<f64>,
    lon0: f64,
    sin_lat0: f64,
    cos_lat0: f64,
}

impl Projection {
    /// A projection centred on `centre` (x = longitude, y = latitude, degrees).
    pub fn new(centre: Coord<f64>) -> Projection {
        let lat0 = centre.y.to_radians();
        Projection { centre, lon0: centre.x.to_radians(), sin_lat0: lat0.sin(), cos_lat0: lat0.cos() }
    }

    /// The centre the projection was made with (longitude, latitude).
    pub fn centre(&self) -> Coord<f64> {
        self.centre
    }

    /// Projects longitude/latitude (degrees) to metres east/north of the centre.
    ///
    /// The point opposite the centre on the globe has no image; it (and any
    /// non-finite input) gives non-finite coordinates rather than a panic.
    pub fn project(&self, lonlat: Coord<f64>) -> Coord<f64> {
        let lat = lonlat.y.to_radians();
        let dlon = lonlat.x.to_radians() - self.lon0;
        let (sin_lat, cos_lat) = lat.sin_cos();
        let (sin_dlon, cos_dlon) = dlon.sin_cos();
        let denom = 1.0 + self.sin_lat0 * sin_lat + self.cos_lat0 * cos_lat * cos_dlon;
        // At (and within rounding of) the antipode the scale blows up.
        if denom.is_nan() || denom <= 1e-12 {
            return Coord { x: f64::NAN, y: f64::NAN };
        }
        let k = (2.0 / denom).sqrt();
        Coord {
            x: EARTH_RADIUS_M * k * cos_lat * sin_dlon,
            y: EARTH_RADIUS_M * k * (self.cos_lat0 * sin_lat - self.sin_lat0 * cos_lat * cos_dlon),
        }
    }

    /// Inverse of [`Projection::project`]: metres back to longitude/latitude.
    ///
    /// Longitude is returned in -180..180 relative to nothing in particular
    /// (it is `centre.x + Δλ` with Δλ in -180..180). Points farther than 2R
    /// from the centre lie outside the projected disc and give non-finite
    /// coordinates.
    pub fn unproject(&self, xy: Coord<f64>) -> Coord<f64> {
        let rho = xy.x.hypot(xy.y);
        if rho == 0.0 {
            return self.centre;
        }
        let s = rho / (2.0 * EARTH_RADIUS_M);
        if s.is_nan() || s > 1.0 {
            return Coord { x: f64::NAN, y: f64::NAN };
        }
        let c = 2.0 * s.asin();
        let (sin_c, cos_c) = c.sin_cos();
        // Rounding can push the sine a hair past ±1 near the poles.
        let sin_lat = (cos_c * self.sin_lat0 + xy.y * sin_c * self.cos_lat0 / rho).clamp(-1.0, 1.0);
        let dlon = (xy.x * sin_c).atan2(rho * self.cos_lat0 * cos_c - xy.y * self.sin_lat0 * sin_c);
        Coord { x: (self.lon0 + dlon).to_degrees(), y: sin_lat.asin().to_degrees() }
    }

    /// Projects every coordinate of a geometry (any geo type with `MapCoords`).
    pub fn project_geometry<G: MapCoords<f64, f64>>(&self, geometry: &G) -> G::Output {
        geometry.map_coords(|c| self.project(c))
    }

    /// Unprojects every coordinate of a geometry (any geo type with `MapCoords`).
    pub fn unproject_geometry<G: MapCoords<f64, f64>>(&self, geometry: &G) -> G::Output {
        geometry.map_coords(|c| self.unproject(c))
    }

    /// Projects a multipolygon (e.g. a country outline) to metres.
    pub fn project_multi_polygon(&self, mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
        self.project_geometry(mp)
    }

    /// Unprojects a multipolygon (e.g. an area of control) to longitude/latitude.
    pub fn unproject_multi_polygon(&self, mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
        self.unproject_geometry(mp)
    }

    /// Projects a multilinestring to metres.
    pub fn project_multi_line_string(&self, ml: &MultiLineString<f64>) -> MultiLineString<f64> {
        self.project_geometry(ml)
    }

    /// Unprojects a multilinestring (e.g. a frontline) to longitude/latitude.
    pub fn unproject_multi_line_string(&self, ml: &MultiLineString<f64>) -> MultiLineString<f64> {
        self.unproject_geometry(ml)
    }
}

/// Blank space around the map inside the image, in pixels (e.g. for a title
/// bar or a legend).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Margins {
    /// Pixels kept free above the map.
    pub top: f64,
    /// Pixels kept free right of the map.
    pub right: f64,
    /// Pixels kept free below the map.
    pub bottom: f64,
    /// Pixels kept free left of the map.
    pub left: f64,
}

impl Margins {
    /// The same margin on all four sides.
    pub fn uniform(pixels: f64) -> Margins {
        Margins { top: pixels, right: pixels, bottom: pixels, left: pixels }
    }
}

/// Maps projected metres (x east, y north) to image pixels (x right, y down)
/// with one scale for both axes, so shapes are not distorted.
///
/// Pixel coordinates are continuous: pixel (0, 0) covers the square from
/// (0.0, 0.0) to (1.0, 1.0), and the image spans (0, 0)..(width, height).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    width: u32,
    height: u32,
    /// Pixels per metre.
    scale: f64,
    /// The map coordinate that lands on pixel (0, 0): the top-left corner of
    /// the image.
    origin: Coord<f64>,
    /// Where the fitted map rectangle lands in the image, in pixels.
    placed: Rect<f64>,
}

impl Viewport {
    /// Fits `map` (projected metres) into a `width` × `height` image, inside
    /// `margin`, as large as possible without changing its aspect ratio; the
    /// space left over on one axis is split evenly on both sides.
    ///
    /// Degenerate input does not panic: a map of zero width or height is
    /// treated as 1 m across, and margins that leave no room leave 1 pixel.
    pub fn fit(map: Rect<f64>, width: u32, height: u32, margin: Margins) -> Viewport {
        let map_w = map.width().max(1.0);
        let map_h = map.height().max(1.0);
        let avail_w = (width as f64 - margin.left - margin.right).max(1.0);
        let avail_h = (height as f64 - margin.top - margin.bottom).max(1.0);
        let scale = (avail_w / map_w).min(avail_h / map_h);
        let used_w = map_w * scale;
        let used_h = map_h * scale;
        let left = margin.left + (avail_w - used_w) / 2.0;
        let top = margin.top + (avail_h - used_h) / 2.0;
        // The map's centre stays the centre even when a zero extent was widened.
        let centre = map.center();
        let map_min_x = centre.x - map_w / 2.0;
        let map_max_y = centre.y + map_h / 2.0;
        let origin = Coord { x: map_min_x - left / scale, y: map_max_y + top / scale };
        let placed = Rect::new(Coord { x: left, y: top }, Coord { x: left + used_w, y: top + used_h });
        Viewport { width, height, scale, origin, placed }
    }

    /// The same view moved `by` pixels: what landed on pixel p lands on p + `by`. An
    /// inset fits its extent into a box of its own size, then moves into its corner.
    pub fn shifted(&self, by: Coord<f64>) -> Viewport {
        let origin = Coord { x: self.origin.x - by.x / self.scale, y: self.origin.y + by.y / self.scale };
        let placed = Rect::new(self.placed.min() + by, self.placed.max() + by);
        Viewport { origin, placed, ..*self }
    }

    /// Where the fitted map lands in the image, in pixels.
    pub fn placed(&self) -> Rect<f64> {
        self.placed
    }

    /// Image width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Image height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Pixel position of a projected point (x right, y down).
    pub fn to_pixel(&self, map: Coord<f64>) -> Coord<f64> {
        Coord { x: (map.x - self.origin.x) * self.scale, y: (self.origin.y - map.y) * self.scale }
    }

    /// Projected point at a pixel position; the inverse of [`Viewport::to_pixel`].
    pub fn to_map(&self, pixel: Coord<f64>) -> Coord<f64> {
        Coord { x: self.origin.x + pixel.x / self.scale, y: self.origin.y - pixel.y / self.scale }
    }

    /// Ground distance covered by one pixel, in metres.
    pub fn metres_per_pixel(&self) -> f64 {
        1.0 / self.scale
    }

    /// Pixels per metre (the inverse of [`Viewport::metres_per_pixel`]).
    pub fn pixels_per_metre(&self) -> f64 {
        self.scale
    }

    /// Where the fitted map rectangle lands in the image, in pixels.
    pub fn pixel_rect(&self) -> Rect<f64> {
        self.placed
    }

    /// The part of the projected plane that the whole image shows (the map
    /// rectangle plus margins and centring space), in metres.
    pub fn visible_map_rect(&self) -> Rect<f64> {
        let a = self.to_map(Coord { x: 0.0, y: 0.0 });
        let b = self.to_map(Coord { x: self.width as f64, y: self.height as f64 });
        Rect::new(a, b)
    }

    /// Maps every coordinate of a projected geometry to pixels.
    pub fn to_pixel_geometry<G: MapCoords<f64, f64>>(&self, geometry: &G) -> G::Output {
        geometry.map_coords(|c| self.to_pixel(c))
    }
}

/// The longest edge, in degrees, that [`densify_degrees`] leaves: about 5 km, short enough
/// that a straight edge in lon/lat and the curve it becomes in the projection part by
/// under a metre.
pub const DENSIFY_DEGREES: f64 = 0.05;

/// `shape` (lon/lat) with points added so that no edge is longer than `max_degrees`.
/// A border drawn straight in lon/lat (the Syria–Iraq line, say) is a curve once
/// projected; projecting only its ends would cut the corner by kilometres.
pub fn densify_degrees(shape: &MultiPolygon<f64>, max_degrees: f64) -> MultiPolygon<f64> {
    let ring = |line: &LineString<f64>| -> LineString<f64> {
        let mut out: Vec<Coord<f64>> = Vec::with_capacity(line.0.len());
        for pair in line.0.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let length = ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
            let steps = if max_degrees > 0.0 && length.is_finite() {
                ((length / max_degrees).ceil() as usize).clamp(1, 100_000)
            } else {
                1
            };
            for k in 0..steps {
                let t = k as f64 / steps as f64;
                out.push(Coord { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });
            }
        }
        if let Some(last) = line.0.last() {
            out.push(*last);
        }
        LineString(out)
    };
    MultiPolygon(
        shape.0.iter().map(|p| Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect())).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syria() -> Projection {
        Projection::new(Coord { x: 38.5, y: 35.0 })
    }

    /// Great-circle distance on the projection's sphere, for comparison.
    fn haversine(a: Coord<f64>, b: Coord<f64>) -> f64 {
        let (la, lb) = (a.y.to_radians(), b.y.to_radians());
        let dlat = lb - la;
        let dlon = (b.x - a.x).to_radians();
        let h = (dlat / 2.0).sin().powi(2) + la.cos() * lb.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * h.sqrt().asin()
    }

    #[test]
    fn centre_maps_to_origin() {
        let p = syria();
        let o = p.project(Coord { x: 38.5, y: 35.0 });
        assert!(o.x.abs() < 1e-9 && o.y.abs() < 1e-9);
        assert_eq!(p.unproject(Coord { x: 0.0, y: 0.0 }), Coord { x: 38.5, y: 35.0 });
    }

    #[test]
    fn round_trip_is_exact_to_1e9_degrees() {
        let p = syria();
        for i in 0..=20 {
            for j in 0..=20 {
                let ll = Coord { x: 28.0 + i as f64 * 1.0, y: 25.0 + j as f64 * 1.0 };
                let back = p.unproject(p.project(ll));
                assert!((back.x - ll.x).abs() < 1e-9, "{ll:?} -> {back:?}");
                assert!((back.y - ll.y).abs() < 1e-9, "{ll:?} -> {back:?}");
            }
        }
    }

    #[test]
    fn axes_point_east_and_north() {
        let p = syria();
        let east = p.project(Coord { x: 39.5, y: 35.0 });
        let north = p.project(Coord { x: 38.5, y: 36.0 });
        assert!(east.x > 90_000.0 && east.y.abs() < 1_000.0);
        assert!(north.y > 110_000.0 && north.x.abs() < 1e-6);
    }

    #[test]
    fn damascus_aleppo_distance() {
        let p = syria();
        let damascus = Coord { x: 36.29128, y: 33.5102 };
        let aleppo = Coord { x: 37.16117, y: 36.20124 };
        let a = p.project(damascus);
        let b = p.project(aleppo);
        let planar = (a.x - b.x).hypot(a.y - b.y);
        assert!((planar - 310_000.0).abs() < 2_000.0, "{planar}");
        // And the projection barely distorts it compared with the sphere.
        let sphere = haversine(damascus, aleppo);
        assert!((planar - sphere).abs() < 500.0, "{planar} vs {sphere}");
    }

    #[test]
    fn equal_area_small_square() {
        // A 0.01° square far from the centre keeps its spherical area.
        let p = syria();
        let (lon, lat, d) = (42.0_f64, 37.0_f64, 0.01_f64);
        let corners = [(lon, lat), (lon + d, lat), (lon + d, lat + d), (lon, lat + d)];
        let pts: Vec<Coord<f64>> = corners.iter().map(|&(x, y)| p.project(Coord { x, y })).collect();
        let mut planar = 0.0;
        for k in 0..4 {
            let (a, b) = (pts[k], pts[(k + 1) % 4]);
            planar += a.x * b.y - b.x * a.y;
        }
        planar /= 2.0;
        let r = EARTH_RADIUS_M;
        let sphere = r * r * d.to_radians() * ((lat + d).to_radians().sin() - lat.to_radians().sin());
        assert!((planar / sphere - 1.0).abs() < 1e-6, "{planar} vs {sphere}");
    }

    #[test]
    fn antipode_and_far_points_do_not_panic() {
        let p = syria();
        let anti = p.project(Coord { x: 38.5 - 180.0, y: -35.0 });
        assert!(anti.x.is_nan() && anti.y.is_nan());
        let far = p.unproject(Coord { x: 3.0 * EARTH_RADIUS_M, y: 0.0 });
        assert!(far.x.is_nan());
        let nan = p.project(Coord { x: f64::NAN, y: 0.0 });
        assert!(nan.x.is_nan());
    }

    #[test]
    fn geometry_helpers_round_trip() {
        let p = syria();
        let mp: MultiPolygon<f64> = MultiPolygon::new(vec![geo::Polygon::new(
            vec![(36.0, 33.0), (37.0, 33.0), (37.0, 34.0), (36.0, 33.0)].into(),
            vec![],
        )]);
        let back = p.unproject_multi_polygon(&p.project_multi_polygon(&mp));
        for (a, b) in back.0[0].exterior().coords().zip(mp.0[0].exterior().coords()) {
            assert!((a.x - b.x).abs() < 1e-9 && (a.y - b.y).abs() < 1e-9);
        }
        let ml = MultiLineString::new(vec![vec![(36.0, 33.0), (40.0, 36.0)].into()]);
        let back = p.unproject_multi_line_string(&p.project_multi_line_string(&ml));
        assert!((back.0[0].0[1].x - 40.0).abs() < 1e-9);
    }

    #[test]
    fn viewport_corners_wide_map() {
        // A map twice as wide as tall in a square image: letterboxed top and bottom.
        let map = Rect::new(Coord { x: -1000.0, y: -500.0 }, Coord { x: 1000.0, y: 500.0 });
        let vp = Viewport::fit(map, 220, 220, Margins::uniform(10.0));
        assert!((vp.metres_per_pixel() - 10.0).abs() < 1e-12);
        let tl = vp.to_pixel(Coord { x: -1000.0, y: 500.0 });
        let br = vp.to_pixel(Coord { x: 1000.0, y: -500.0 });
        assert!((tl.x - 10.0).abs() < 1e-9 && (tl.y - 60.0).abs() < 1e-9, "{tl:?}");
        assert!((br.x - 210.0).abs() < 1e-9 && (br.y - 160.0).abs() < 1e-9, "{br:?}");
        let pr = vp.pixel_rect();
        assert_eq!(pr.min(), Coord { x: 10.0, y: 60.0 });
        assert_eq!(pr.max(), Coord { x: 210.0, y: 160.0 });
        let vis = vp.visible_map_rect();
        assert!((vis.min().x + 1100.0).abs() < 1e-9 && (vis.max().x - 1100.0).abs() < 1e-9);
        assert!((vis.min().y + 1100.0).abs() < 1e-9 && (vis.max().y - 1100.0).abs() < 1e-9);
        let c = vp.to_map(vp.to_pixel(Coord { x: 123.0, y: -45.0 }));
        assert!((c.x - 123.0).abs() < 1e-9 && (c.y + 45.0).abs() < 1e-9);
    }

    #[test]
    fn viewport_tall_map_and_asymmetric_margins() {
        let map = Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 100.0, y: 400.0 });
        let margin = Margins { top: 40.0, right: 0.0, bottom: 0.0, left: 0.0 };
        let vp = Viewport::fit(map, 300, 240, margin);
        // 200 px of height for 400 m: 0.5 px per metre; 50 px wide, centred in 300.
        assert!((vp.pixels_per_metre() - 0.5).abs() < 1e-12);
        let tl = vp.to_pixel(Coord { x: 0.0, y: 400.0 });
        let br = vp.to_pixel(Coord { x: 100.0, y: 0.0 });
        assert!((tl.x - 125.0).abs() < 1e-9 && (tl.y - 40.0).abs() < 1e-9, "{tl:?}");
        assert!((br.x - 175.0).abs() < 1e-9 && (br.y - 240.0).abs() < 1e-9, "{br:?}");
    }

    #[test]
    fn viewport_degenerate_input() {
        let point = Rect::new(Coord { x: 5.0, y: 5.0 }, Coord { x: 5.0, y: 5.0 });
        let vp = Viewport::fit(point, 0, 0, Margins::uniform(50.0));
        let px = vp.to_pixel(Coord { x: 5.0, y: 5.0 });
        assert!(px.x.is_finite() && px.y.is_finite());
        assert!(vp.metres_per_pixel().is_finite() && vp.metres_per_pixel() > 0.0);
    }
}
