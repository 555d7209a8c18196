//! Places that lie far from the country the scenario is about: a mistyped or swapped
//! position draws a town in the wrong country, and nothing else would say so.

use geo::{BoundingRect, Contains, Coord, Distance, Euclidean, MapCoords, MultiPolygon, Point, Rect};

use super::inside::InsideIndex;
use crate::basemap::{Basemap, Role};
use crate::error::{Location, shorten};
use crate::gazetteer::Gazetteer;
use crate::problem::Problem;

/// How far outside the focus's outline a place may lie before `check` asks about it, km.
/// Border crossings, bases and towns split by a border sit on or just over the line; a
/// position off by a digit or two lands much farther away.
pub const FOCUS_MARGIN_KM: f64 = 25.0;

/// Kilometres in one degree of latitude.
const KM_PER_DEGREE: f64 = 111.32;

/// Every place of `gazetteer` farther than [`FOCUS_MARGIN_KM`] from the base map's focus:
///
/// - an error when swapping its latitude and longitude would put it inside the focus
///   (they look swapped);
/// - an error when it lies outside the map's `extent` too (no frame shows it, so it is
///   almost surely a wrong position: a town of Syria at Sydney);
/// - a warning otherwise (a town across the border may be meant).
pub(crate) fn places_far_from_focus(
    gazetteer: &Gazetteer,
    basemap: &Basemap,
    extent: Rect<f64>,
    file: &str,
) -> Vec<Problem> {
    let focus = basemap.focus_land();
    let Some(bounds) = focus.bounding_rect() else {
        return Vec::new();
    };
    let name = shorten(
        &basemap
            .countries
            .iter()
            .filter(|c| c.role == Role::Focus)
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(" and "),
    );
    // Distances are measured on the focus's own scale: a degree of longitude shrinks with
    // the cosine of the latitude, taken at the focus's middle (good to a few per cent over
    // a country, which is all a margin needs).
    let k = ((bounds.min().y + bounds.max().y) / 2.0).to_radians().cos().max(0.01);
    let scaled: MultiPolygon<f64> = focus.map_coords(|c| Coord { x: c.x * k, y: c.y });
    let margin = FOCUS_MARGIN_KM / KM_PER_DEGREE;
    let near_box = Rect::new(
        Coord { x: bounds.min().x - margin / k, y: bounds.min().y - margin },
        Coord { x: bounds.max().x + margin / k, y: bounds.max().y + margin },
    );
    let km_away = |c: Coord<f64>| Euclidean.distance(&scaled, &Point::new(c.x * k, c.y)) * KM_PER_DEGREE;
    let index = InsideIndex::new(&focus);
    let in_focus = |p: &Coord<f64>| match &index {
        Some(index) => index.contains(&focus, p),
        None => focus.contains(p),
    };
    let mut problems = Vec::new();
    for place in gazetteer.places() {
        let at = |field: &str| match gazetteer.line(place.id) {
            Some(line) => Location::line(file, line).field(field),
            None => Location::file(format!("{file} (place {})", shorten(&place.key))).field(field),
        };
        let p = place.position;
        if near_box.contains(&p) && (in_focus(&p) || km_away(p) <= FOCUS_MARGIN_KM) {
            continue;
        }
        let away = km_away(p);
        let (lat, lon) = (place.lat(), place.lon());
        let swapped = Coord { x: lat, y: lon };
        let shown = shorten(&place.name);
        if swapped.y.abs() <= 90.0 && focus.contains(&swapped) {
            problems.push(Problem::error(
                at("lat"),
                format!(
                    "{shown} at lat {lat}, lon {lon} lies {away:.0} km outside {name}: latitude and longitude look swapped \
                     (lat {lon}, lon {lat} is inside {name})"
                ),
            ));
        } else if !extent.contains(&p) {
            problems.push(Problem::error(
                at("lat"),
                format!(
                    "{shown} at lat {lat}, lon {lon} lies {away:.0} km outside {name} and outside the map's extent: \
                     expected a position in or near {name}"
                ),
            ));
        } else {
            problems.push(Problem::warning(
                at("lat"),
                format!(
                    "{shown} at lat {lat}, lon {lon} lies {away:.0} km outside {name} (more than {FOCUS_MARGIN_KM} km): \
                     check its position"
                ),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAP: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"name":"Testland","role":"focus"},"geometry":{"type":"Polygon","coordinates":[[[36,33],[38,33],[38,35],[36,35],[36,33]]]}}]}"#;

    fn problems(rows: &str) -> Vec<Problem> {
        let csv = format!("id,name,lat,lon\n{rows}");
        let (g, _) = Gazetteer::from_csv(&csv, "g.csv").unwrap();
        let map = Basemap::from_geojson(MAP, "m.geojson", &[]).unwrap();
        let extent = Rect::new(Coord { x: 35.0, y: 32.0 }, Coord { x: 39.5, y: 37.5 });
        places_far_from_focus(&g, &map, extent, "g.csv")
    }

    #[test]
    fn places_inside_or_near_the_focus_pass() {
        // Inside; 11 km east of the border at 34 N.
        assert!(problems("a,A,34,37\nb,B,34,38.12\n").is_empty());
    }

    #[test]
    fn far_swapped_and_lost_places_are_named_with_their_line() {
        let p = problems("a,A,34,37\nswap,Swapped,36.8,34.2\nsyd,Sydney,-33.87,151.21\nnear,Near,36.5,37\n");
        let text: Vec<String> = p.iter().map(|p| p.to_string()).collect();
        assert_eq!(text.len(), 3, "{text:?}");
        assert!(
            text[0].starts_with("error: g.csv:3: field `lat`: Swapped") && text[0].contains("look swapped"),
            "{text:?}"
        );
        assert!(
            text[1].starts_with("error: g.csv:4: field `lat`: Sydney") && text[1].contains("outside the map's extent")
        );
        assert!(
            text[2].starts_with("warning: g.csv:5: field `lat`: Near") && text[2].contains("167 km outside Testland")
        );
    }
}
