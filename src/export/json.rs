//! Writing GeoJSON geometry by hand: coordinates rounded to 6 decimals (about 10 cm),
//! longitude first, rings wound as RFC 7946 asks, streamed to any writer.

use std::io::{self, Write};

use geo::orient::{Direction, Orient};
use geo::{Coord, LineString, MultiLineString, MultiPolygon, Polygon};

/// Writes a number with at most six decimals and no trailing zeros.
pub fn write_number<W: Write>(w: &mut W, v: f64) -> io::Result<()> {
    let rounded = (v * 1e6).round() / 1e6;
    let text = format!("{rounded:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    w.write_all(if text == "-0" { b"0" } else { text.as_bytes() })
}

fn write_position<W: Write>(w: &mut W, c: Coord<f64>) -> io::Result<()> {
    w.write_all(b"[")?;
    write_number(w, c.x)?;
    w.write_all(b",")?;
    write_number(w, c.y)?;
    w.write_all(b"]")
}

fn write_positions<W: Write>(w: &mut W, line: &LineString<f64>) -> io::Result<()> {
    w.write_all(b"[")?;
    let mut previous: Option<(i64, i64)> = None;
    let mut first = true;
    for c in &line.0 {
        // Rounding can make neighbours equal: repeated positions are dropped.
        let key = ((c.x * 1e6).round() as i64, (c.y * 1e6).round() as i64);
        if previous == Some(key) {
            continue;
        }
        previous = Some(key);
        if !first {
            w.write_all(b",")?;
        }
        first = false;
        write_position(w, *c)?;
    }
    w.write_all(b"]")
}

fn write_polygon_rings<W: Write>(w: &mut W, polygon: &Polygon<f64>) -> io::Result<()> {
    w.write_all(b"[")?;
    write_positions(w, polygon.exterior())?;
    for hole in polygon.interiors() {
        w.write_all(b",")?;
        write_positions(w, hole)?;
    }
    w.write_all(b"]")
}

/// Writes a MultiPolygon geometry object (lon/lat), exterior rings counter-clockwise and
/// holes clockwise.
pub fn write_multi_polygon<W: Write>(w: &mut W, shape: &MultiPolygon<f64>) -> io::Result<()> {
    let oriented = shape.orient(Direction::Default);
    w.write_all(br#"{"type":"MultiPolygon","coordinates":["#)?;
    for (i, polygon) in oriented.0.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        write_polygon_rings(w, polygon)?;
    }
    w.write_all(b"]}")
}

/// Writes a MultiLineString geometry object (lon/lat).
pub fn write_multi_line_string<W: Write>(
    w: &mut W,
    lines: &MultiLineString<f64>,
) -> io::Result<()> {
    w.write_all(br#"{"type":"MultiLineString","coordinates":["#)?;
    for (i, line) in lines.0.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        write_positions(w, line)?;
    }
    w.write_all(b"]}")
}

/// Writes a Point geometry object (lon/lat).
pub fn write_point<W: Write>(w: &mut W, c: Coord<f64>) -> io::Result<()> {
    w.write_all(br#"{"type":"Point","coordinates":"#)?;
    write_position(w, c)?;
    w.write_all(b"}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn text(f: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        f(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_have_at_most_six_decimals() {
        assert_eq!(text(|w| write_number(w, 36.123_456_789)), "36.123457");
        assert_eq!(text(|w| write_number(w, 35.0)), "35");
        assert_eq!(text(|w| write_number(w, -0.000_000_1)), "0");
    }

    #[test]
    fn rings_are_wound_as_the_rfc_says() {
        // Given clockwise, written counter-clockwise.
        let cw = MultiPolygon(vec![
            polygon![(x: 0., y: 0.), (x: 0., y: 1.), (x: 1., y: 1.), (x: 1., y: 0.)],
        ]);
        let json: serde_json::Value =
            serde_json::from_str(&text(|w| write_multi_polygon(w, &cw))).unwrap();
        let ring = json["coordinates"][0][0].as_array().unwrap();
        let pts: Vec<(f64, f64)> = ring
            .iter()
            .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
            .collect();
        let twice_area: f64 = pts
            .windows(2)
            .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
            .sum();
        assert!(twice_area > 0.0, "{pts:?}");
    }
}
