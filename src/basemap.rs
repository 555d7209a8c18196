//! The base map: country shapes, one of which is the focus whose outline bounds the areas
//! of control.

use geo::MultiPolygon;

use crate::error::{Error, Location, Result};

/// The part a shape plays on the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The country the scenario is about: areas of control are clipped to it.
    Focus,
    /// Anything else, drawn for context.
    Neighbour,
}

/// One country (or other land area) of the base map, in WGS84 lon/lat.
#[derive(Debug, Clone)]
pub struct Country {
    /// Its name, as the base map gives it.
    pub name: String,
    /// Focus or neighbour.
    pub role: Role,
    /// Its shape, lon/lat degrees.
    pub shape: MultiPolygon<f64>,
}

/// The countries of a base map.
#[derive(Debug, Clone, Default)]
pub struct Basemap {
    /// Every country, in file order.
    pub countries: Vec<Country>,
}

/// Parses a GeoJSON FeatureCollection, naming the file and line when it is not one.
pub(crate) fn read_feature_collection(text: &str, file: &str) -> Result<geojson::FeatureCollection> {
    serde_json::from_str(text).map_err(|e| Error::Data {
        at: Location { file: file.to_string(), line: Some(e.line() as u64), field: None },
        message: format!("expected a GeoJSON FeatureCollection: {e}"),
    })
}

/// Checks that every position of `geometry` is a longitude and a latitude in degrees:
/// two finite numbers, the first within -180..180 and the second within -90..90. The
/// geojson crate reads `[20.9]` as a position and then panics converting it, and a
/// position of `[1e300, 35]` is finite but lies on no map: the shape would silently vanish.
pub(crate) fn check_positions(geometry: &geojson::Geometry, at: &Location) -> Result<()> {
    use geojson::GeometryValue as V;
    let bad = |p: &&geojson::Position| {
        let v = p.as_slice();
        !(v.len() >= 2 && v.iter().all(|c| c.is_finite()) && v[0].abs() <= 180.0 && v[1].abs() <= 90.0)
    };
    let first_bad: Option<&geojson::Position> = match &geometry.value {
        V::Point { coordinates } => Some(coordinates).filter(bad),
        V::MultiPoint { coordinates } | V::LineString { coordinates } => coordinates.iter().find(bad),
        V::MultiLineString { coordinates } | V::Polygon { coordinates } => coordinates.iter().flatten().find(bad),
        V::MultiPolygon { coordinates } => coordinates.iter().flatten().flatten().find(bad),
        V::GeometryCollection { geometries } => {
            for g in geometries {
                check_positions(g, at)?;
            }
            None
        }
    };
    if let Some(p) = first_bad {
        let shown: Vec<String> = p.as_slice().iter().map(|v| format!("{v:?}")).collect();
        return Err(Error::Data {
            at: at.field("geometry"),
            message: format!(
                "expected every position as [longitude, latitude] in degrees: two finite numbers, longitude -180 to 180, latitude -90 to 90; found {}",
                crate::error::echo(&format!("[{}]", shown.join(", ")))
            ),
        });
    }
    Ok(())
}

/// The string property `key` of a feature, if it has one.
pub(crate) fn string_property(feature: &geojson::Feature, key: &str) -> Option<String> {
    feature.properties.as_ref().and_then(|p| p.get(key)).and_then(|v| v.as_str()).map(str::to_string)
}

impl Basemap {
    /// Reads a GeoJSON FeatureCollection of (Multi)Polygons with `name` and `role`
    /// (`focus` or `neighbour`) properties; `focus`, when not empty, overrides the file's
    /// roles, naming the features to focus on (a country, and territory Natural Earth
    /// assigns to a neighbour); their land is merged.
    pub fn from_geojson(text: &str, file: &str, focus: &[String]) -> Result<Basemap> {
        let collection = read_feature_collection(text, file)?;
        let mut countries = Vec::new();
        for (i, feature) in collection.features.iter().enumerate() {
            let at = || Location::file(format!("{file} (feature {i})"));
            let property = |key: &str| string_property(feature, key);
            let name = property("name").unwrap_or_else(|| format!("feature {i}"));
            let role = if !focus.is_empty() {
                if focus.iter().any(|f| name.eq_ignore_ascii_case(f)) { Role::Focus } else { Role::Neighbour }
            } else if property("role").as_deref() == Some("focus") {
                Role::Focus
            } else {
                Role::Neighbour
            };
            let Some(geometry) = &feature.geometry else {
                continue;
            };
            check_positions(geometry, &at())?;
            let shape: geo::Geometry<f64> = geo::Geometry::try_from(geometry).map_err(|e| Error::Data {
                at: at().field("geometry"),
                message: format!("expected a Polygon or MultiPolygon: {e}"),
            })?;
            let shape = match shape {
                geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
                geo::Geometry::MultiPolygon(m) => m,
                other => {
                    return Err(Error::Data {
                        at: at().field("geometry"),
                        message: format!("expected a Polygon or MultiPolygon, found {other:?}")
                            .chars()
                            .take(120)
                            .collect(),
                    });
                }
            };
            countries.push(Country { name, role, shape });
        }
        if let Some(missing) = focus.iter().find(|f| !countries.iter().any(|c| c.name.eq_ignore_ascii_case(f))) {
            return Err(Error::Data {
                at: Location::file(file),
                message: format!("expected a feature named {} to focus on", crate::error::echo(missing)),
            });
        }
        if !countries.iter().any(|c| c.role == Role::Focus) {
            return Err(Error::Data {
                at: Location::file(file),
                message: "expected one feature with \"role\": \"focus\"".to_string(),
            });
        }
        Ok(Basemap { countries })
    }

    /// The focus country's land, merged into one MultiPolygon (lon/lat).
    pub fn focus_land(&self) -> MultiPolygon<f64> {
        MultiPolygon(
            self.countries.iter().filter(|c| c.role == Role::Focus).flat_map(|c| c.shape.0.iter().cloned()).collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"name":"A","role":"focus"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
      {"type":"Feature","properties":{"name":"B"},"geometry":{"type":"MultiPolygon","coordinates":[[[[2,0],[3,0],[3,1],[2,0]]]]}}]}"#;

    #[test]
    fn reads_roles_and_shapes() {
        let m = Basemap::from_geojson(TWO, "m.geojson", &[]).unwrap();
        assert_eq!(m.countries.len(), 2);
        assert_eq!(m.countries[0].role, Role::Focus);
        assert_eq!(m.focus_land().0.len(), 1);
        let m = Basemap::from_geojson(TWO, "m.geojson", &["b".to_string()]).unwrap();
        assert_eq!(m.countries[1].role, Role::Focus);
    }

    #[test]
    fn bad_files_say_what_was_expected() {
        let err = Basemap::from_geojson("{", "m.geojson", &[]).err().unwrap().to_string();
        assert!(err.starts_with("m.geojson:1: expected a GeoJSON FeatureCollection"), "{err}");
        let err = Basemap::from_geojson(TWO, "m.geojson", &["Atlantis".to_string()]).err().unwrap().to_string();
        assert!(err.contains("\"Atlantis\""), "{err}");
    }

    #[test]
    fn positions_off_the_globe_are_refused_with_the_feature() {
        let far = TWO.replace("[[[2,0],[3,0]", "[[[1e300,0],[3,0]");
        let err = Basemap::from_geojson(&far, "m.geojson", &[]).err().unwrap().to_string();
        assert!(err.starts_with("m.geojson (feature 1): field `geometry`: expected every position"), "{err}");
        assert!(err.contains("found \"[1e300, 0.0]\""), "{err}");
        let south = TWO.replace("[1,1],[0,0]]", "[1,-91],[0,0]]");
        assert!(Basemap::from_geojson(&south, "m.geojson", &[]).is_err());
    }
}
