//! A new scenario from nothing: the country and its neighbours cut from the Natural Earth
//! 1:10m countries built into the binary, a manifest fitted to them, and empty tables with
//! their headers and a commented example row.

use geo::{BoundingRect, Coord, Intersects, LineString, MultiPolygon, Polygon, Rect};
use serde_json::{Value, json};

use crate::error::{Error, Location, Result};
use crate::gazetteer::Folding;
use crate::render::shapes::clip_polygons;
use crate::scenario::Memory;

/// Natural Earth 1:10m admin-0 countries as packaged by world-atlas 2.0.2 (TopoJSON).
/// Natural Earth is public domain; the packaging is ISC (`data/basemap/world-atlas.LICENSE`).
const WORLD: &str = include_str!("../data/basemap/natural-earth-countries-10m.topojson");

/// Where the built-in countries come from, for messages and credits.
pub const WORLD_CREDIT: &str = "Borders: Natural Earth 1:10m (public domain), via world-atlas 2.0.2 (ISC)";

/// A country of the built-in world.
#[derive(Debug, Clone)]
pub struct Country {
    /// Its Natural Earth name, e.g. "Ukraine".
    pub name: String,
    /// Its outline, lon/lat.
    pub shape: MultiPolygon<f64>,
}

/// Every country of the built-in Natural Earth 1:10m world.
pub fn world() -> Result<Vec<Country>> {
    let at = || Location::file("the built-in Natural Earth countries");
    let topo: Value = serde_json::from_str(WORLD).map_err(|e| Error::Data { at: at(), message: e.to_string() })?;
    let bad = |what: &str| Error::Data { at: at(), message: format!("unexpected TopoJSON: {what}") };
    let scale = &topo["transform"]["scale"];
    let translate = &topo["transform"]["translate"];
    let (sx, sy) = (scale[0].as_f64().ok_or_else(|| bad("scale"))?, scale[1].as_f64().ok_or_else(|| bad("scale"))?);
    let (tx, ty) = (
        translate[0].as_f64().ok_or_else(|| bad("translate"))?,
        translate[1].as_f64().ok_or_else(|| bad("translate"))?,
    );
    // Arcs are quantized and delta-encoded: positions are running sums.
    let arcs: Vec<Vec<Coord<f64>>> = topo["arcs"]
        .as_array()
        .ok_or_else(|| bad("arcs"))?
        .iter()
        .map(|arc| {
            let (mut x, mut y) = (0i64, 0i64);
            arc.as_array()
                .map(|points| {
                    points
                        .iter()
                        .map(|p| {
                            x += p[0].as_i64().unwrap_or(0);
                            y += p[1].as_i64().unwrap_or(0);
                            Coord { x: x as f64 * sx + tx, y: y as f64 * sy + ty }
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    // A ring is a list of arc indices; ~i is arc i reversed. Consecutive arcs share an end.
    let ring = |indices: &Value| -> LineString<f64> {
        let mut out: Vec<Coord<f64>> = Vec::new();
        for i in indices.as_array().into_iter().flatten().filter_map(Value::as_i64) {
            let (arc, reversed) = if i < 0 { ((!i) as usize, true) } else { (i as usize, false) };
            let Some(points) = arcs.get(arc) else { continue };
            let mut points = points.clone();
            if reversed {
                points.reverse();
            }
            if !out.is_empty() {
                points.remove(0);
            }
            out.extend(points);
        }
        LineString(out)
    };
    let polygon = |rings: &Value| -> Option<Polygon<f64>> {
        let mut rings = rings.as_array()?.iter().map(ring);
        Some(Polygon::new(rings.next()?, rings.collect()))
    };
    let geometries = topo["objects"]["countries"]["geometries"].as_array().ok_or_else(|| bad("countries"))?;
    Ok(geometries
        .iter()
        .filter_map(|g| {
            let name = g["properties"]["name"].as_str()?.to_string();
            let polygons: Vec<Polygon<f64>> = match g["type"].as_str()? {
                "Polygon" => polygon(&g["arcs"]).into_iter().collect(),
                "MultiPolygon" => g["arcs"].as_array()?.iter().filter_map(polygon).collect(),
                _ => return None,
            };
            Some(Country { name, shape: MultiPolygon(polygons) })
        })
        .collect())
}

/// The built-in country named `name` (any case), or an error suggesting the closest names.
pub fn find_country<'w>(world: &'w [Country], name: &str) -> Result<&'w Country> {
    if let Some(c) = world.iter().find(|c| c.name.eq_ignore_ascii_case(name.trim())) {
        return Ok(c);
    }
    let mut near: Vec<(f64, &str)> = world
        .iter()
        .map(|c| (strsim::jaro_winkler(&c.name.to_lowercase(), &name.to_lowercase()), c.name.as_str()))
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0));
    Err(Error::Parse {
        at: Location::file("--country"),
        expected: format!(
            "a country of Natural Earth, e.g. {}",
            near.iter().take(3).map(|(_, n)| format!("{n:?}")).collect::<Vec<_>>().join(", ")
        ),
        found: name.to_string(),
    })
}

fn ring_json(line: &LineString<f64>) -> Value {
    Value::Array(line.0.iter().map(|c| json!([(c.x * 1e5).round() / 1e5, (c.y * 1e5).round() / 1e5])).collect())
}

fn multi_polygon_json(mp: &MultiPolygon<f64>) -> Value {
    let mut mp = mp.clone();
    use geo::orient::{Direction, Orient};
    mp = mp.orient(Direction::Default);
    Value::Array(
        mp.0.iter()
            .map(|p| Value::Array(std::iter::once(p.exterior()).chain(p.interiors()).map(ring_json).collect()))
            .collect(),
    )
}

/// The land of `shape` that a frame can show: all of it, unless the country lies across
/// the antimeridian (Russia's Chukotka, the Aleutians, Fiji, New Zealand's Chatham Islands),
/// when only its land on the side of ±180° that holds more of it.
///
/// A country lies across the antimeridian when the widest stretch of longitude without any
/// of its points is not the one through ±180°: its shortest span then wraps around, and no
/// `[west, east]` within -180..180 holds it. A country whose land circles the globe (no
/// stretch wider than [`GLOBE_GAP_DEG`] without it: Antarctica) keeps all of it.
fn framed_land(shape: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    use geo::Area;
    let mut lons: Vec<f64> = shape.0.iter().flat_map(|p| p.exterior().0.iter().map(|c| c.x)).collect();
    lons.sort_by(f64::total_cmp);
    lons.dedup();
    let (Some(&first), Some(&last)) = (lons.first(), lons.last()) else { return shape.clone() };
    let through_antimeridian = first + 360.0 - last;
    // The widest stretch without land between two of the country's longitudes.
    let (gap, from, to) = lons
        .windows(2)
        .map(|w| (w[1] - w[0], w[0], w[1]))
        .fold((0.0, first, first), |best, g| if g.0 > best.0 { g } else { best });
    if through_antimeridian >= gap || gap < GLOBE_GAP_DEG {
        return shape.clone();
    }
    let side =
        |west: f64, east: f64| clip_polygons(shape, Rect::new(Coord { x: west, y: -90.0 }, Coord { x: east, y: 90.0 }));
    let (west_of_gap, east_of_gap) = (side(-180.0, from), side(to, 180.0));
    if east_of_gap.unsigned_area() >= west_of_gap.unsigned_area() { east_of_gap } else { west_of_gap }
}

/// A country with no stretch of longitude this wide without its land circles the globe.
const GLOBE_GAP_DEG: f64 = 10.0;

/// The land `init` frames by default: the country's largest polygon and, step by step,
/// every polygon near what is already in (islands off its coast, an archipelago's chain),
/// except exclaves: a polygon the straight way to the main body from crosses another
/// country's land (Azerbaijan's Nakhchivan, Angola's Cabinda, Oman's Musandam). With
/// `with_exclaves`, all of the country's land (see [`framed_land`]).
pub fn main_body(world: &[Country], country: &Country, with_exclaves: bool) -> MultiPolygon<f64> {
    use geo::{Area, ClosestPoint, InteriorPoint, Line};
    let land = framed_land(&country.shape);
    if with_exclaves || land.0.len() < 2 {
        return land;
    }
    let Some((main_index, main)) =
        land.0.iter().enumerate().max_by(|a, b| a.1.unsigned_area().total_cmp(&b.1.unsigned_area()))
    else {
        return land;
    };
    let Some(main_box) = main.bounding_rect() else { return land };
    let reach = (main_box.width().max(main_box.height()) * 0.25).max(0.5);
    let grow = |r: Rect<f64>| {
        Rect::new(
            Coord { x: r.min().x - reach, y: r.min().y - reach },
            Coord { x: r.max().x + reach, y: r.max().y + reach },
        )
    };
    let others: Vec<&Country> = world.iter().filter(|c| c.name != country.name).collect();
    let is_exclave = |p: &Polygon<f64>| -> bool {
        let Some(from) = p.interior_point() else { return false };
        let to = match main.exterior().closest_point(&from) {
            geo::Closest::Intersection(q) | geo::Closest::SinglePoint(q) => q,
            geo::Closest::Indeterminate => return false,
        };
        // Stop just short of the main body: its own border with a neighbour is not a crossing.
        let end = Coord { x: to.x() - (to.x() - from.x()) * 0.01, y: to.y() - (to.y() - from.y()) * 0.01 };
        let way = Line::new(from.0, end);
        let way_box = way.bounding_rect();
        others
            .iter()
            .any(|c| c.shape.bounding_rect().is_some_and(|b| b.intersects(&way_box)) && c.shape.intersects(&way))
    };
    let mut included = vec![false; land.0.len()];
    included[main_index] = true;
    let mut boxes: Vec<Rect<f64>> = vec![grow(main_box)];
    let mut rejected = vec![false; land.0.len()];
    loop {
        let mut added = false;
        for (i, p) in land.0.iter().enumerate() {
            if included[i] || rejected[i] {
                continue;
            }
            let Some(b) = p.bounding_rect() else { continue };
            if !boxes.iter().any(|near| near.intersects(&b)) {
                continue;
            }
            if is_exclave(p) {
                rejected[i] = true;
                continue;
            }
            included[i] = true;
            boxes.push(grow(b));
            added = true;
        }
        if !added {
            break;
        }
    }
    MultiPolygon(land.0.iter().zip(&included).filter(|(_, k)| **k).map(|(p, _)| p.clone()).collect())
}

/// The frame `init` gives a country: the bounding box of its main body (see
/// [`main_body`]) with a margin of 8% of its longer side (at least 0.3°), cut to
/// longitudes -180..180 and latitudes -90..90, so that `check` accepts it for every
/// country of the built-in map.
pub fn default_extent(world: &[Country], country: &Country, with_exclaves: bool) -> Option<Rect<f64>> {
    let bbox = main_body(world, country, with_exclaves).bounding_rect()?;
    let m = (bbox.width().max(bbox.height()) * 0.08).max(0.3);
    Some(Rect::new(
        Coord { x: (bbox.min().x - m).max(-180.0), y: (bbox.min().y - m).max(-90.0) },
        Coord { x: (bbox.max().x + m).min(180.0), y: (bbox.max().y + m).min(90.0) },
    ))
}

/// How `init` fits a new scenario.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// What the frames show (default: the country's main body and a margin, see
    /// [`default_extent`]).
    pub extent: Option<Rect<f64>>,
    /// The war's first and last day; without them the manifest holds placeholders that
    /// `check` refuses, saying how to set them.
    pub days: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    /// Frame the country's exclaves too.
    pub with_exclaves: bool,
}

/// The files of a new scenario for `country` (see [`Options`]).
pub fn scaffold(country: &str, options: &Options) -> Result<Memory> {
    scaffold_in(&world()?, country, options)
}

/// [`scaffold`] with the countries of `world`, decoded once by the caller.
pub fn scaffold_in(world: &[Country], country: &str, options: &Options) -> Result<Memory> {
    let focus = find_country(world, country)?;
    let framed = default_extent(world, focus, options.with_exclaves).ok_or_else(|| Error::Data {
        at: Location::file("--country"),
        message: format!("{} has no outline in the built-in base map", focus.name),
    })?;
    let extent = options.extent.unwrap_or(framed);
    // Neighbours within a wider box, clipped to it so the file stays small.
    let w = extent.width().max(extent.height()) * 0.5;
    let around = Rect::new(
        Coord { x: extent.min().x - w, y: extent.min().y - w },
        Coord { x: extent.max().x + w, y: extent.max().y + w },
    );
    let mut features = vec![json!({
        "type": "Feature",
        "properties": {"name": focus.name, "role": "focus"},
        "geometry": {"type": "MultiPolygon", "coordinates": multi_polygon_json(&focus.shape)},
    })];
    for c in world.iter().filter(|c| c.name != focus.name && c.shape.intersects(&around.to_polygon())) {
        let clipped = clip_polygons(&c.shape, around);
        if !clipped.0.is_empty() {
            features.push(json!({
                "type": "Feature",
                "properties": {"name": c.name, "role": "neighbour"},
                "geometry": {"type": "MultiPolygon", "coordinates": multi_polygon_json(&clipped)},
            }));
        }
    }
    let basemap = serde_json::to_string(&json!({"type": "FeatureCollection", "features": features}))
        .map_err(|e| Error::Render(e.to_string()))?;
    let unset = crate::scenario::UNSET_DAY;
    let (first, last, example_day) = match options.days {
        Some((from, to)) => (from.to_string(), to.to_string(), from.to_string()),
        None => (unset.to_string(), unset.to_string(), unset.to_string()),
    };
    let days_note = match options.days {
        Some(_) => "# The war's days, as given to init (--from, --to).".to_string(),
        None => format!(
            "# Set the war's days: `check` refuses the placeholders {unset} until you do (or run init with\n\
             # --from YYYY-MM-DD --to YYYY-MM-DD)."
        ),
    };
    let subtitle = match options.days {
        Some((from, to)) => format!("Day by day, {} to {}", from.format("%-d %B %Y"), to.format("%-d %B %Y")),
        None => "Day by day".to_string(),
    };
    let r = |v: f64| (v * 100.0).round() / 100.0;
    let manifest = format!(
        r##"# A new scenario for {name}, made by `frontline init`. Paths are relative to this file.
# Next: add places (frontline import geonames XX.txt --scenario .), then events and the baseline,
# then `frontline check --scenario DIR`. See the README's "Your own conflict".
title = "{name}: who held what"
subtitle = "{subtitle}"
{days_note}
first_day = "{first}"
last_day = "{last}"
# The first day's panel says where the starting lines come from: write it here.
first_day_note = "Starting lines: the baseline (say where it comes from)."
gazetteer = "gazetteer.csv"
baseline = "baseline.csv"
events = "events.csv"
sources = "sources.csv"
basemap = "basemap.geojson"
# Shares of land or people others published (day,factions,published_pct,tolerance_pts,
# measure,figure_date,publisher,url): `frontline stats --published` sets ours beside them,
# and the page lists them. See the README's "Set beside published figures".
# published = ["published.csv"]
# Printed on every frame, page and chart: add the sources of your places and rows.
credits = [
  "{credit}",
]

[map]
# focus may list several names: a country and territory Natural Earth assigns elsewhere.
focus = ["{name}"]
# The country's main body and a margin{exclaves}.
extent = [{w}, {s}, {e}, {n}]
# "auto" labels the {count} most populous places in view (all of them when fewer have a
# population), so a war of villages names its villages; or a number of people.
label_population = "auto"

# How the land between places is allocated (see the README, "Land between places").
# Rivers that were lines of control make it truer: cut them from Natural Earth with
#   python3 tools/convert_lines.py natural-earth-rivers-10m.geojson lines.geojson --box W,S,E,N --name RIVER
# and uncomment `lines`.
[land]
# lines = "lines.geojson"
crossing_km = 60
reach_km = 60

[names]
# Which spelling variants of a name meet when rows name places:
{rules}
fold = [{fold}]

[[factions]]
id = "side-a"
name = "Side A (rename me)"
colour = "#c0392b"

[[factions]]
id = "side-b"
name = "Side B (rename me)"
colour = "#2f6db5"
"##,
        name = focus.name,
        credit = WORLD_CREDIT,
        exclaves = if options.extent.is_some() {
            " as given to init (--extent)"
        } else if options.with_exclaves {
            ", exclaves included (--with-exclaves)"
        } else {
            "; its exclaves are left out (init --with-exclaves frames them)"
        },
        count = crate::scenario::LabelPopulation::AUTO_COUNT,
        rules = Folding::RULES.iter().map(|(name, what)| format!("#   {name}: {what}")).collect::<Vec<_>>().join("\n"),
        fold = folding_for(&focus.name).iter().map(|r| format!("\"{r}\"")).collect::<Vec<_>>().join(", "),
        w = r(extent.min().x),
        s = r(extent.min().y),
        e = r(extent.max().x),
        n = r(extent.max().y),
    );
    let mut files = Memory::default();
    files.insert("scenario.toml", manifest);
    files.insert("basemap.geojson", basemap);
    files.insert(
        "gazetteer.csv",
        "id,name,aliases,lat,lon,population,admin1,kind,source,label\n\
         # capital,Capital City,Other Spelling|Another,50.45,30.52,2900000,Capital Region,city,GeoNames 0 (an example),always\n",
    );
    files.insert(
        "events.csv",
        format!(
            "date,place,faction,action,confidence,source,quote,note\n\
             # {example_day},Capital City,side-b,captured,reported,r1,,\"What the page reports, in your own words.\"\n"
        ),
    );
    files.insert(
        "baseline.csv",
        "scope,target,faction,note\ndefault,,side-a,\"Who held everything not listed below, before the first day.\"\n\
         # place,capital,side-b,\"A place held by the other side at the start.\"\n",
    );
    files.insert(
        "sources.csv",
        "id,file,outlet,title,published,url,kind\n\
         # r1,,An outlet,What the page is about,2024-01-01,https://example.org/page,page\n",
    );
    Ok(files)
}

/// Countries whose place names are mostly romanised from Cyrillic, and from Arabic, as
/// Natural Earth names them: a new scenario starts with the matching folding rules.
const CYRILLIC_COUNTRIES: &[&str] = &[
    "Ukraine",
    "Russia",
    "Belarus",
    "Bulgaria",
    "Serbia",
    "North Macedonia",
    "Macedonia",
    "Kazakhstan",
    "Kyrgyzstan",
    "Tajikistan",
    "Mongolia",
];
const ARABIC_COUNTRIES: &[&str] = &[
    "Syria",
    "Iraq",
    "Lebanon",
    "Jordan",
    "Palestine",
    "Yemen",
    "Saudi Arabia",
    "Oman",
    "United Arab Emirates",
    "Qatar",
    "Kuwait",
    "Bahrain",
    "Egypt",
    "Libya",
    "Sudan",
    "Tunisia",
    "Algeria",
    "Morocco",
    "W. Sahara",
    "Mauritania",
];

/// The folding rules a new scenario of `country` starts with.
fn folding_for(country: &str) -> &'static [&'static str] {
    if CYRILLIC_COUNTRIES.iter().any(|c| c.eq_ignore_ascii_case(country)) {
        &["cyrillic"]
    } else if ARABIC_COUNTRIES.iter().any(|c| c.eq_ignore_ascii_case(country)) {
        &["arabic-article", "arabic-ending", "double-letters"]
    } else {
        &["double-letters"]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Area;

    #[test]
    fn the_world_decodes_and_countries_have_their_shapes() {
        let world = world().unwrap();
        assert!(world.len() > 200);
        let syria = find_country(&world, "syria").unwrap();
        let b = syria.shape.bounding_rect().unwrap();
        assert!((35.5..36.0).contains(&b.min().x) && (42.0..42.5).contains(&b.max().x), "{b:?}");
        // About 185,000 km² (1° ≈ 111 km × cos(lat) east-west).
        let approx_km2 = syria.shape.unsigned_area() * 111.0 * 111.0 * 35f64.to_radians().cos();
        assert!((160_000.0..210_000.0).contains(&approx_km2), "{approx_km2}");
        let err = find_country(&world, "Ukrane").unwrap_err().to_string();
        assert!(err.contains("\"Ukraine\""), "{err}");
    }
}
