//! The scenario as the page needs it: one JSON document, geometry in Leaflet's
//! `[lat, lng]` order, simplified and rounded so that the page stays small.

use std::collections::HashMap;

use chrono::NaiveDate;
use geo::{Coord, LineString, MapCoords, MultiLineString, MultiPolygon, Polygon, Rect, Simplify};
use serde_json::{Value, json};

use crate::basemap::Role;
use crate::control::{ControlModel, PlaceState};
use crate::event::Target;
use crate::gazetteer::{CYRILLIC, TURKIC};
use crate::render::shapes::clip_polygons;
use crate::render::{Style, change_lines};
use crate::scenario::Scenario;
use crate::stats::FactionDay;
use crate::territory::{LandClass, Territory};

/// Simplification tolerance of areas and lines, in projected metres: well under a pixel at
/// the page's usual zooms, and it keeps the Syria page far below its size budget.
const AREA_TOLERANCE_M: f64 = 300.0;
/// Simplification tolerance of the base map, in degrees (about 300 m).
const BASEMAP_TOLERANCE_DEG: f64 = 0.003;

fn round(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

fn ring(line: &LineString<f64>) -> Value {
    Value::Array(line.0.iter().map(|c| json!([round(c.y), round(c.x)])).collect())
}

fn polygon(p: &Polygon<f64>) -> Value {
    Value::Array(std::iter::once(p.exterior()).chain(p.interiors()).map(ring).collect())
}

fn multi_polygon(mp: &MultiPolygon<f64>) -> Value {
    Value::Array(mp.0.iter().filter(|p| p.exterior().0.len() >= 4).map(polygon).collect())
}

fn multi_line(ml: &MultiLineString<f64>) -> Value {
    Value::Array(ml.0.iter().filter(|l| l.0.len() >= 2).map(ring).collect())
}

/// Everything the page shows, for the days `from` to `to`.
pub struct PageData<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// Its model (evidence only or assessed, as asked).
    pub model: &'a ControlModel,
    /// Its areas.
    pub territory: &'a Territory,
    /// The first day shown.
    pub from: NaiveDate,
    /// The last day shown.
    pub to: NaiveDate,
    /// The stats of those days.
    pub stats: &'a [FactionDay],
    /// The stats chart, as SVG.
    pub chart_svg: &'a str,
    /// Whether inference was left out.
    pub evidence_only: bool,
}

impl PageData<'_> {
    /// The JSON document the page reads.
    pub fn to_json(&self) -> Value {
        let s = self.scenario;
        let style = Style::default();
        let days: Vec<NaiveDate> = self.from.iter_days().take_while(|d| *d <= self.to).collect();
        let projection = self.territory.projection();
        let to_latlng = |mp: &MultiPolygon<f64>| -> MultiPolygon<f64> {
            mp.simplify(AREA_TOLERANCE_M).map_coords(|c| projection.unproject(c))
        };

        // Distinct states, shared between days.
        let mut index_of: HashMap<Vec<PlaceState>, usize> = HashMap::new();
        let mut distinct: Vec<Vec<PlaceState>> = Vec::new();
        let day_state: Vec<usize> = days
            .iter()
            .map(|d| {
                let states = self.model.states_on(*d);
                *index_of.entry(states.clone()).or_insert_with(|| {
                    distinct.push(states);
                    distinct.len() - 1
                })
            })
            .collect();
        let mut contested_cells: Vec<usize> = Vec::new();
        let states: Vec<Value> = distinct
            .iter()
            .map(|states| {
                let map = self.territory.state_map(states);
                let areas = self.territory.areas_by(|cell| {
                    let st = states.get(cell.place)?;
                    Some((st.holder?, st.basis, LandClass::of(cell.kind)))
                });
                let areas: Vec<Value> = areas
                    .iter()
                    .map(|((f, basis, land), shape)| {
                        json!({"f": f.0, "basis": basis.as_str(), "rule": basis.inferred_by().map(|r| r.as_str()),
                               "land": land.as_str(),
                               "g": multi_polygon(&to_latlng(shape))})
                    })
                    .collect();
                let fronts = crate::territory::all_frontlines(&map)
                    .simplify(AREA_TOLERANCE_M)
                    .map_coords(|c| projection.unproject(c));
                let hatch: Vec<Value> = states
                    .iter()
                    .enumerate()
                    .filter_map(|(i, st)| {
                        let c = st.challenger?;
                        if !contested_cells.contains(&i) {
                            contested_cells.push(i);
                        }
                        Some(json!({"p": i, "c": c.0}))
                    })
                    .collect();
                json!({"areas": areas, "fronts": multi_line(&fronts), "hatch": hatch})
            })
            .collect();
        let cells: serde_json::Map<String, Value> = contested_cells
            .iter()
            .map(|&i| (i.to_string(), multi_polygon(&to_latlng(&self.territory.cell(crate::PlaceId(i as u32))))))
            .collect();

        // Who held what each day, with the rows behind it.
        let control: Vec<Value> = days
            .iter()
            .map(|d| {
                Value::Array(
                    self.model
                        .controls_on(*d)
                        .iter()
                        .map(|c| {
                            let st = c.state;
                            json!([
                                st.holder.map(|f| f.0),
                                st.challenger.map(|f| f.0),
                                st.since().map(|d| d.to_string()),
                                st.basis.as_str(),
                                st.basis.inferred_by().map(|r| r.as_str()),
                                c.evidence.iter().map(|e| e.0).collect::<Vec<_>>(),
                                c.disputed_by.iter().map(|e| e.0).collect::<Vec<_>>(),
                                crate::control::strength(&st, &c.evidence, &s.events).map(|c| c.as_str()),
                            ])
                        })
                        .collect(),
                )
            })
            .collect();
        let changes: Vec<Value> = days
            .iter()
            .map(|d| {
                Value::Array(
                    change_lines(s, self.model, *d)
                        .into_iter()
                        .map(|c| json!({"text": c.text, "p": c.place.map(|p| p.0)}))
                        .collect(),
                )
            })
            .collect();

        let extent = s.map.extent;
        let margin = 1.0;
        let around = Rect::new(
            Coord { x: extent.min().x - margin, y: extent.min().y - margin },
            Coord { x: extent.max().x + margin, y: extent.max().y + margin },
        );
        let countries: Vec<Value> = s
            .basemap
            .countries
            .iter()
            .map(|c| {
                let shape = clip_polygons(&c.shape, around).simplify(BASEMAP_TOLERANCE_DEG);
                json!({"name": c.name, "focus": c.role == Role::Focus, "g": multi_polygon(&shape)})
            })
            .filter(|c| c["g"].as_array().is_some_and(|a| !a.is_empty()))
            .collect();
        let zones: Vec<Value> =
            s.zones.iter().map(|z| json!({"p": z.place.0, "note": z.note, "g": polygon(&z.shape)})).collect();
        let places: Vec<Value> = s
            .gazetteer
            .places()
            .iter()
            .map(|p| {
                let mut keys: Vec<String> =
                    std::iter::once(&p.name).chain(&p.aliases).map(|n| s.gazetteer.name_key(n)).collect();
                keys.sort();
                keys.dedup();
                json!({"id": p.key, "name": p.name, "aliases": p.aliases, "keys": keys, "lat": round(p.lat()),
                       "lng": round(p.lon()), "pop": p.population, "kind": p.kind.as_str(), "admin1": p.admin1})
            })
            .collect();
        let factions: Vec<Value> = s
            .factions
            .iter()
            .map(|f| {
                json!({"key": f.key, "name": f.name, "colour": f.colour.to_string(),
                       "tint": style.area_colour(f.colour).to_string(), "pale": style.assessed_colour(f.colour).to_string()})
            })
            .collect();
        let events: Vec<Value> = s
            .events
            .iter()
            .map(|e| {
                let applies = match e.target {
                    Target::Everywhere => "everywhere".to_string(),
                    _ => e.place_text.clone(),
                };
                json!({"date": e.date.to_string(), "applies": applies, "f": e.faction.0, "action": e.action.as_str(),
                       "confidence": e.confidence.as_str(), "source": e.source, "quote": e.quote, "note": e.note, "line": e.line})
            })
            .collect();
        let sources: Vec<Value> = s
            .sources
            .iter()
            .map(|src| json!({"id": src.id, "file": src.file, "url": src.url, "outlet": src.outlet, "title": src.title, "published": src.published}))
            .collect();
        let stats: Vec<Value> = self
            .stats
            .iter()
            .filter_map(|r| Some((r, r.faction?)))
            .map(|(r, f)| {
                json!({"date": r.date.to_string(), "f": f.0, "share": r.share_pct, "assessed": r.assessed_km2, "places": r.places, "km2": r.area_km2,
                            "population": r.population, "contested": r.contested})
            })
            .collect();
        let unheld = style.unheld.to_string();
        json!({
            "title": s.title, "subtitle": s.subtitle, "credits": s.credits,
            "days": days.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            "dayLabels": days.iter().map(|d| s.text.date(*d)).collect::<Vec<_>>(),
            "dayOf": s.text.day_of,
            "extent": [[extent.min().y, extent.min().x], [extent.max().y, extent.max().x]],
            "evidenceOnly": self.evidence_only,
            "colours": {"sea": style.sea.to_string(), "neighbour": style.neighbour.to_string(), "land": unheld,
                        "border": style.border.to_string(), "outline": style.outline.to_string(), "front": style.frontline.to_string()},
            "factions": factions, "places": places, "countries": countries, "zones": zones,
            "states": states, "dayState": day_state, "cells": cells,
            "control": control, "changes": changes, "events": events, "sources": sources,
            "stats": stats, "chart": self.chart_svg,
            "folding": s.gazetteer.folding().names(),
            "cyrillic": CYRILLIC.iter().map(|(c, latin)| (c.to_string(), Value::from(*latin))).collect::<serde_json::Map<String, Value>>(),
            "turkic": TURKIC.iter().map(|(c, latin)| (c.to_string(), Value::from(*latin))).collect::<serde_json::Map<String, Value>>(),
        })
    }
}
