//! The scenario as the page needs it: one JSON document, the base map in Leaflet's
//! `[lat, lng]` order, simplified and rounded so that the page stays small, the land as a
//! topology ([`super::topo`]) and the days as changes ([`super::days`]).

use chrono::NaiveDate;
use geo::{Coord, LineString, MultiPolygon, Polygon, Rect, Simplify};
use serde_json::{Value, json};

use crate::basemap::Role;
use crate::control::ControlModel;
use crate::event::Target;
use crate::gazetteer::{CYRILLIC, TURKIC};
use crate::render::Style;
use crate::render::shapes::clip_polygons;
use crate::scenario::Scenario;
use crate::stats::FactionDay;
use crate::territory::Territory;

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
    /// The days shown.
    pub fn days(&self) -> Vec<NaiveDate> {
        self.from.iter_days().take_while(|d| *d <= self.to).collect()
    }

    /// The days' records and changes as chunks of at most `per_chunk` days (see
    /// [`super::days`]): the page's `D.chunks` when inlined, else one script file each.
    pub fn day_chunks(&self, per_chunk: usize) -> Vec<Value> {
        super::days::chunks(self.scenario, self.model, &self.days(), per_chunk)
    }

    /// The JSON document the page reads, everything but the days' chunks: `chunks` says
    /// where each chunk's days start (`chunkFirst`) and the page fills `D.chunks` itself,
    /// from the inlined chunks or from script files.
    pub fn to_json(&self, chunk_first: &[usize]) -> Value {
        let s = self.scenario;
        let style = Style::default();
        let days = self.days();
        let topo = super::topo::Topo::new(self.territory).to_json(self.territory);

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
            "topo": topo, "chunkFirst": chunk_first,
            "events": events, "sources": sources,
            "stats": stats, "chart": self.chart_svg,
            "folding": s.gazetteer.folding().names(),
            "cyrillic": CYRILLIC.iter().map(|(c, latin)| (c.to_string(), Value::from(*latin))).collect::<serde_json::Map<String, Value>>(),
            "turkic": TURKIC.iter().map(|(c, latin)| (c.to_string(), Value::from(*latin))).collect::<serde_json::Map<String, Value>>(),
        })
    }
}
