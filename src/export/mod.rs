//! Exports for GIS tools and spreadsheets: GeoJSON snapshots of a day, a time-enabled
//! GeoJSON history, the daily control table and the events as CSV. Every writer streams
//! to any `W: Write`; the caller owns files.
//!
//! GeoJSON follows RFC 7946: WGS84 longitude then latitude, exterior rings
//! counter-clockwise and holes clockwise, no `crs` member, 6 decimals, a `bbox` on the
//! collection. Property names are stable snake_case and listed in the README.

mod cell;
mod json;

use std::io::{self, Write};

use chrono::NaiveDate;
use geo::{Area, BoundingRect, Coord, Euclidean, Length, MapCoords, MultiLineString, Rect};
use rayon::prelude::*;
use serde_json::{Map, Value, json};

use crate::control::{ControlModel, PlaceState};
use crate::error::{Error, Result};
use crate::event::{EventId, FactionId, Target};
use crate::gazetteer::{Place, PlaceId};
use crate::scenario::Scenario;
use crate::territory::{LandClass, Territory, ids_to_multi_polygon};

pub use cell::spreadsheet_safe;
pub use json::{write_multi_line_string, write_multi_polygon, write_number, write_point};

fn io_error(e: io::Error) -> Error {
    Error::io("the export output", e)
}

/// A scenario with its model and territory, ready to export.
pub struct Exporter<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// Its control model.
    pub model: &'a ControlModel,
    /// Its areas.
    pub territory: &'a Territory,
}

/// When a feature is valid: one day (snapshot) or an interval (timeline).
#[derive(Debug, Clone, Copy)]
enum Validity {
    Day(NaiveDate),
    Interval { start: NaiveDate, end: Option<NaiveDate> },
}

impl Validity {
    fn add_to(self, p: &mut Map<String, Value>) {
        match self {
            Validity::Day(d) => {
                p.insert("date".into(), json!(d.to_string()));
            }
            Validity::Interval { start, end } => {
                p.insert("start".into(), json!(start.to_string()));
                p.insert("end".into(), json!(end.map(|d| d.to_string())));
                p.insert("start_ts".into(), json!(format!("{start}T00:00:00")));
                p.insert("end_ts".into(), json!(end.map(|d| format!("{d}T00:00:00"))));
            }
        }
    }
}

/// Streams a FeatureCollection: the header with its bbox, then features one at a time.
struct Collection<W: Write> {
    w: W,
    count: usize,
}

impl<W: Write> Collection<W> {
    fn start(mut w: W, bbox: Option<Rect<f64>>, name: &str) -> io::Result<Collection<W>> {
        w.write_all(br#"{"type":"FeatureCollection","name":"#)?;
        serde_json::to_writer(&mut w, name)?;
        if let Some(b) = bbox {
            w.write_all(br#","bbox":["#)?;
            for (i, v) in [b.min().x, b.min().y, b.max().x, b.max().y].into_iter().enumerate() {
                if i > 0 {
                    w.write_all(b",")?;
                }
                write_number(&mut w, v)?;
            }
            w.write_all(b"]")?;
        }
        w.write_all(b",\"features\":[\n")?;
        Ok(Collection { w, count: 0 })
    }

    fn feature(
        &mut self,
        properties: &Map<String, Value>,
        geometry: impl FnOnce(&mut W) -> io::Result<()>,
    ) -> io::Result<()> {
        if self.count > 0 {
            self.w.write_all(b",\n")?;
        }
        self.count += 1;
        self.w.write_all(br#"{"type":"Feature","properties":"#)?;
        serde_json::to_writer(&mut self.w, properties)?;
        self.w.write_all(br#","geometry":"#)?;
        geometry(&mut self.w)?;
        self.w.write_all(b"}")
    }

    /// Writes a feature serialised beforehand (see [`feature_bytes`]).
    fn feature_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.count > 0 {
            self.w.write_all(b",\n")?;
        }
        self.count += 1;
        self.w.write_all(bytes)
    }

    fn finish(mut self) -> io::Result<(W, usize)> {
        self.w.write_all(b"\n]}\n")?;
        self.w.flush()?;
        Ok((self.w, self.count))
    }
}

/// Serialises one feature into its own buffer, so features can be made in parallel and
/// written in order.
fn feature_bytes(
    properties: &Map<String, Value>,
    geometry: impl FnOnce(&mut Vec<u8>) -> io::Result<()>,
) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(br#"{"type":"Feature","properties":"#);
    serde_json::to_writer(&mut out, properties)?;
    out.extend_from_slice(br#","geometry":"#);
    geometry(&mut out)?;
    out.push(b'}');
    Ok(out)
}

impl Exporter<'_> {
    /// The lon/lat box around the land and every place.
    fn bbox(&self) -> Option<Rect<f64>> {
        let land = self.territory.projection().unproject_multi_polygon(self.territory.land());
        let mut rect = land.bounding_rect();
        for p in self.scenario.gazetteer.places() {
            let c = p.position;
            rect = Some(match rect {
                None => Rect::new(c, c),
                Some(r) => Rect::new(
                    Coord { x: r.min().x.min(c.x), y: r.min().y.min(c.y) },
                    Coord { x: r.max().x.max(c.x), y: r.max().y.max(c.y) },
                ),
            });
        }
        rect
    }

    fn faction_key(&self, f: Option<FactionId>) -> Value {
        f.map_or(Value::Null, |f| json!(self.scenario.faction(f).key))
    }

    fn sources(&self, ids: &[EventId]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for id in ids {
            let s = &self.scenario.events[id.0 as usize].source;
            if !out.contains(s) {
                out.push(s.clone());
            }
        }
        out
    }

    fn place_properties(
        &self,
        place: &Place,
        state: &PlaceState,
        evidence: &[EventId],
        when: Validity,
    ) -> Map<String, Value> {
        let sources = self.sources(evidence);
        let mut p = Map::new();
        p.insert("layer".into(), json!("place"));
        p.insert("id".into(), json!(place.key));
        p.insert("name".into(), json!(place.name));
        p.insert("admin1".into(), json!(place.admin1));
        p.insert("place_kind".into(), json!(place.kind.as_str()));
        p.insert("population".into(), json!(place.population));
        p.insert("faction".into(), self.faction_key(state.holder));
        p.insert("faction_name".into(), json!(state.holder.map(|f| self.scenario.faction(f).name.clone())));
        p.insert("colour".into(), json!(state.holder.map(|f| self.scenario.faction(f).colour.to_string())));
        p.insert("status".into(), json!(state.status().as_str()));
        p.insert("challenger".into(), self.faction_key(state.challenger));
        p.insert("since".into(), json!(state.since().map(|d| d.to_string())));
        p.insert("basis".into(), json!(state.basis.as_str()));
        p.insert("inferred_by".into(), json!(state.basis.inferred_by().map(|r| r.as_str())));
        // How strong the rows behind it are, so a map made from the export can draw
        // claimed-only control apart as the frames do.
        let strength = crate::control::strength(state, evidence, &self.scenario.events);
        p.insert("strength".into(), json!(strength.map(|c| c.to_string())));
        p.insert("claimed_only".into(), json!(strength == Some(crate::event::Confidence::Claimed)));
        p.insert("sources".into(), json!(sources.join("; ")));
        p.insert("source_count".into(), json!(sources.len()));
        when.add_to(&mut p);
        p
    }

    /// The faction areas (one per faction and basis) and frontlines of one state, each
    /// serialised.
    fn state_features(&self, states: &[PlaceState], when: Validity) -> io::Result<Vec<Vec<u8>>> {
        let map = self.territory.frontlines(states);
        let areas = self.territory.area_ids_by(|cell| {
            let s = states.get(cell.place)?;
            Some((s.holder?, s.basis, LandClass::of(cell.kind)))
        });
        let projection = self.territory.projection();
        // Each vertex is unprojected once per export, not once per day it is drawn.
        let (projected, lonlat_vertices) = (self.territory.vertices(), self.territory.lonlat_vertices());
        let mut out = Vec::with_capacity(areas.len() + map.frontlines.len());
        for ((faction, basis, land), polygons) in &areas {
            let shape = ids_to_multi_polygon(projected, polygons);
            let f = self.scenario.faction(*faction);
            let mut p = Map::new();
            p.insert("layer".into(), json!("area"));
            p.insert("faction".into(), json!(f.key));
            p.insert("faction_name".into(), json!(f.name));
            p.insert("colour".into(), json!(f.colour.to_string()));
            p.insert("basis".into(), json!(basis.as_str()));
            p.insert("inferred_by".into(), json!(basis.inferred_by().map(|r| r.as_str())));
            p.insert("land".into(), json!(land.as_str()));
            p.insert("area_km2".into(), json!((shape.unsigned_area() / 1e6 * 10.0).round() / 10.0));
            when.add_to(&mut p);
            let lonlat = ids_to_multi_polygon(lonlat_vertices, polygons);
            out.push(feature_bytes(&p, |w| write_multi_polygon(w, &lonlat))?);
        }
        for line in &map.frontlines {
            let (a, b) = (self.scenario.faction(line.sides.0), self.scenario.faction(line.sides.1));
            let mut p = Map::new();
            p.insert("layer".into(), json!("frontline"));
            p.insert("faction_a".into(), json!(a.key));
            p.insert("faction_b".into(), json!(b.key));
            p.insert("name".into(), json!(format!("{} / {}", a.name, b.name)));
            p.insert(
                "length_km".into(),
                json!((line.line.0.iter().map(|l| Euclidean.length(l)).sum::<f64>() / 100.0).round() / 10.0),
            );
            when.add_to(&mut p);
            let lonlat: MultiLineString<f64> = line.line.map_coords(|c| projection.unproject(c));
            out.push(feature_bytes(&p, |w| write_multi_line_string(w, &lonlat))?);
        }
        Ok(out)
    }

    /// Writes the GeoJSON snapshot of `day`: one (Multi)Polygon per faction, the
    /// frontlines, and one Point per place with its holder, status, since and sources.
    /// Returns the writer and the number of features.
    pub fn snapshot<W: Write>(&self, day: NaiveDate, w: W) -> Result<(W, usize)> {
        let mut out = Collection::start(w, self.bbox(), &format!("frontline_{day}")).map_err(io_error)?;
        let controls = self.model.controls_on(day);
        let states: Vec<PlaceState> = controls.iter().map(|c| c.state).collect();
        for feature in self.state_features(&states, Validity::Day(day)).map_err(io_error)? {
            out.feature_raw(&feature).map_err(io_error)?;
        }
        for c in &controls {
            let place = self.scenario.gazetteer.get(c.place);
            let p = self.place_properties(place, &c.state, &c.evidence, Validity::Day(day));
            out.feature(&p, |w| write_point(w, place.position)).map_err(io_error)?;
        }
        out.finish().map_err(io_error)
    }

    /// The intervals of unchanged state over the scenario: `(start, end exclusive)`.
    pub fn state_intervals(&self) -> Vec<(NaiveDate, Option<NaiveDate>)> {
        let s = self.scenario;
        let mut starts = vec![s.first_day];
        starts.extend(self.model.state_change_days().into_iter().filter(|d| *d > s.first_day && *d <= s.last_day));
        starts.iter().enumerate().map(|(i, start)| (*start, starts.get(i + 1).copied())).collect()
    }

    /// Writes the time-enabled history: one feature per faction area and frontline per
    /// distinct state, and one Point per place and control interval, each with `start`,
    /// `end` (exclusive, null while ongoing), `start_ts` and `end_ts`. Streams: only one
    /// state's geometry is in memory at a time. Returns the writer and the feature count.
    pub fn timeline<W: Write>(&self, w: W) -> Result<(W, usize)> {
        let s = self.scenario;
        let mut out = Collection::start(w, self.bbox(), "frontline_timeline").map_err(io_error)?;
        // States are computed and serialised a few at a time in parallel, then written in
        // order: bounded memory, and the same bytes whatever the number of threads.
        let intervals = self.state_intervals();
        let batch = rayon::current_num_threads().max(1) * 2;
        for chunk in intervals.chunks(batch) {
            let serialised: Vec<io::Result<Vec<Vec<u8>>>> = chunk
                .par_iter()
                .map(|(start, end)| {
                    let when = Validity::Interval { start: *start, end: *end };
                    self.state_features(&self.model.states_on(*start), when)
                })
                .collect();
            for features in serialised {
                for feature in features.map_err(io_error)? {
                    out.feature_raw(&feature).map_err(io_error)?;
                }
            }
        }
        for place in s.gazetteer.places() {
            for period in self.model.timeline(place.id) {
                let start = period.start.unwrap_or(s.first_day).max(s.first_day);
                let when = Validity::Interval { start, end: period.end };
                let p = self.place_properties(place, &period.state, &period.evidence, when);
                out.feature(&p, |w| write_point(w, place.position)).map_err(io_error)?;
            }
        }
        out.finish().map_err(io_error)
    }
}

/// A text cell from data, as a spreadsheet should read it (see [`spreadsheet_safe`]).
fn safe(text: &str) -> String {
    spreadsheet_safe(text).into_owned()
}

/// Writes the daily control table: one row per place and day.
pub fn control_csv<W: Write>(s: &Scenario, model: &ControlModel, w: W) -> Result<W> {
    let mut csv = csv::Writer::from_writer(w);
    let header = [
        "date",
        "place_id",
        "name",
        "admin1",
        "lat",
        "lon",
        "faction",
        "status",
        "challenger",
        "since",
        "basis",
        "inferred_by",
    ];
    csv.write_record(header).map_err(csv_error)?;
    for day in s.days() {
        for (i, state) in model.states_on(day).iter().enumerate() {
            let place = s.gazetteer.get(PlaceId(i as u32));
            let key = |f: Option<FactionId>| f.map_or(String::new(), |f| safe(&s.faction(f).key));
            csv.write_record([
                day.to_string(),
                safe(&place.key),
                safe(&place.name),
                safe(&place.admin1),
                format!("{:.6}", place.lat()),
                format!("{:.6}", place.lon()),
                key(state.holder),
                state.status().as_str().to_string(),
                key(state.challenger),
                state.since().map_or(String::new(), |d| d.to_string()),
                state.basis.as_str().to_string(),
                state.basis.inferred_by().map_or(String::new(), |r| r.as_str().to_string()),
            ])
            .map_err(csv_error)?;
        }
    }
    csv.into_inner().map_err(|e| io_error(e.into_error()))
}

/// Writes the validated events with their resolved place ids.
pub fn events_csv<W: Write>(s: &Scenario, w: W) -> Result<W> {
    let mut csv = csv::Writer::from_writer(w);
    let header = [
        "date",
        "scope",
        "region",
        "place_id",
        "place_name",
        "place_as_written",
        "admin1",
        "lat",
        "lon",
        "faction",
        "action",
        "confidence",
        "source",
        "url",
        "quote",
        "note",
        "line",
    ];
    csv.write_record(header).map_err(csv_error)?;
    for e in &s.events {
        let (scope, region) = match e.target {
            Target::Place(_) => ("place", String::new()),
            Target::Region(r) => ("region", safe(&s.regions.get(r).name)),
            Target::Everywhere => ("everywhere", String::new()),
        };
        let place = e.place().map(|p| s.gazetteer.get(p));
        let text = |f: fn(&Place) -> String| place.map(f).unwrap_or_default();
        csv.write_record([
            e.date.to_string(),
            scope.to_string(),
            region,
            text(|p| safe(&p.key)),
            text(|p| safe(&p.name)),
            safe(&e.place_text),
            text(|p| safe(&p.admin1)),
            text(|p| format!("{:.6}", p.lat())),
            text(|p| format!("{:.6}", p.lon())),
            safe(&s.faction(e.faction).key),
            e.action.to_string(),
            e.confidence.to_string(),
            safe(&e.source),
            s.source(&e.source).map(|src| safe(&src.url)).unwrap_or_default(),
            safe(&e.quote),
            e.note.as_deref().map(safe).unwrap_or_default(),
            e.line.to_string(),
        ])
        .map_err(csv_error)?;
    }
    csv.into_inner().map_err(|e| io_error(e.into_error()))
}

fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io_error(io),
        other => Error::Encode(format!("CSV: {other:?}")),
    }
}
