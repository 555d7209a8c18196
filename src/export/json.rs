//! Writing GeoJSON geometry by hand: coordinates rounded to 6 decimals (about 10 cm),
//! longitude first, rings wound as RFC 7946 asks, streamed to any writer.

use std::io::{self, Write};

use geo::{Coord, LineString, MultiLineString, MultiPolygon};

/// Writes a number with at most six decimals and no trailing zeros. Done with integer
/// arithmetic into a stack buffer: exports write tens of millions of coordinates.
pub fn write_number<W: Write>(w: &mut W, v: f64) -> io::Result<()> {
    if !v.is_finite() {
        return w.write_all(b"null");
    }
    let scaled = (v * 1e6).round();
    if scaled.abs() >= 9.0e18 {
        return write!(w, "{v}");
    }
    let scaled = scaled as i64;
    let magnitude = scaled.unsigned_abs();
    let (whole, mut fraction) = (magnitude / 1_000_000, magnitude % 1_000_000);
    let mut buf = [0u8; 32];
    let mut end = buf.len();
    // The fraction, without trailing zeros.
    let mut digits = 6;
    while fraction != 0 && fraction % 10 == 0 {
        fraction /= 10;
        digits -= 1;
    }
    if fraction != 0 {
        for _ in 0..digits {
            end -= 1;
            buf[end] = b'0' + (fraction % 10) as u8;
            fraction /= 10;
        }
        end -= 1;
        buf[end] = b'.';
    }
    let mut whole = whole;
    loop {
        end -= 1;
        buf[end] = b'0' + (whole % 10) as u8;
        whole /= 10;
        if whole == 0 {
            break;
        }
    }
    if scaled < 0 {
        end -= 1;
        buf[end] = b'-';
    }
    w.write_all(&buf[end..])
}

fn write_position<W: Write>(w: &mut W, c: Coord<f64>) -> io::Result<()> {
    w.write_all(b"[")?;
    write_number(w, c.x)?;
    w.write_all(b",")?;
    write_number(w, c.y)?;
    w.write_all(b"]")
}

fn write_positions<W: Write>(w: &mut W, line: &LineString<f64>) -> io::Result<()> {
    write_positions_in(w, line.0.iter().copied())
}

fn write_positions_in<W: Write>(w: &mut W, coords: impl Iterator<Item = Coord<f64>>) -> io::Result<()> {
    w.write_all(b"[")?;
    let mut previous: Option<(i64, i64)> = None;
    let mut first = true;
    for c in coords {
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
        write_position(w, c)?;
    }
    w.write_all(b"]")
}

/// Twice the signed area of a ring: positive when counter-clockwise.
fn twice_signed_area(ring: &LineString<f64>) -> f64 {
    ring.0.windows(2).map(|p| p[0].x * p[1].y - p[1].x * p[0].y).sum()
}

/// Writes a ring wound counter-clockwise (`ccw`) or clockwise, reversing it on the fly
/// rather than copying it.
fn write_ring<W: Write>(w: &mut W, ring: &LineString<f64>, ccw: bool) -> io::Result<()> {
    if (twice_signed_area(ring) > 0.0) == ccw {
        write_positions_in(w, ring.0.iter().copied())
    } else {
        write_positions_in(w, ring.0.iter().rev().copied())
    }
}

/// Writes a MultiPolygon geometry object (lon/lat), exterior rings counter-clockwise and
/// holes clockwise.
pub fn write_multi_polygon<W: Write>(w: &mut W, shape: &MultiPolygon<f64>) -> io::Result<()> {
    w.write_all(br#"{"type":"MultiPolygon","coordinates":["#)?;
    for (i, polygon) in shape.0.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        w.write_all(b"[")?;
        write_ring(w, polygon.exterior(), true)?;
        for hole in polygon.interiors() {
            w.write_all(b",")?;
            write_ring(w, hole, false)?;
        }
        w.write_all(b"]")?;
    }
    w.write_all(b"]}")
}

/// Writes a MultiLineString geometry object (lon/lat).
pub fn write_multi_line_string<W: Write>(w: &mut W, lines: &MultiLineString<f64>) -> io::Result<()> {
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
        assert_eq!(text(|w| write_number(w, -35.5)), "-35.5");
        assert_eq!(text(|w| write_number(w, 0.000_001)), "0.000001");
        assert_eq!(text(|w| write_number(w, 120.100_200)), "120.1002");
        for v in [0.0, 1.0, -1.25, 36.2012345, 1e-7, -179.999_999_7, 12_345.000_05] {
            let parsed: f64 = text(|w| write_number(w, v)).parse().unwrap();
            assert!((parsed - v).abs() <= 5e-7, "{v} -> {parsed}");
        }
    }

    #[test]
    fn rings_are_wound_as_the_rfc_says() {
        // Given clockwise, written counter-clockwise.
        let cw = MultiPolygon(vec![polygon![(x: 0., y: 0.), (x: 0., y: 1.), (x: 1., y: 1.), (x: 1., y: 0.)]]);
        let json: serde_json::Value = serde_json::from_str(&text(|w| write_multi_polygon(w, &cw))).unwrap();
        let ring = json["coordinates"][0][0].as_array().unwrap();
        let pts: Vec<(f64, f64)> = ring.iter().map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap())).collect();
        let twice_area: f64 = pts.windows(2).map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1).sum();
        assert!(twice_area > 0.0, "{pts:?}");
    }
}
