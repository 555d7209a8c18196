//! One offline page for the browser: a map to scrub through the days, each place's
//! evidence one click away, the day's changes, a search box and the area chart.
//!
//! The page is a single HTML file: Leaflet (pinned, its licence shipped beside it in
//! `assets/leaflet/`), the page's own script and style, and the scenario's data are all
//! inlined, because browsers refuse `fetch()` of local files. It needs no server and no
//! network.
//!
//! ```no_run
//! use frontline::{Scenario, territory::Territory};
//! let s = Scenario::syria_2024()?;
//! let model = s.model();
//! let territory = Territory::new(&s);
//! let html = frontline::site::page(&s, &model, &territory, s.first_day, s.last_day, false)?;
//! assert!(html.starts_with("<!doctype html>"));
//! # Ok::<(), frontline::Error>(())
//! ```

mod chart;
mod data;
mod days;
pub mod embed;
mod topo;

pub use data::PageData;

use chrono::NaiveDate;
use serde_json::Value;

use crate::control::ControlModel;
use crate::error::Result;
use crate::scenario::Scenario;
use crate::stats::{chart_svg, daily};
use crate::territory::Territory;

/// Leaflet's version, as fetched from the npm registry into `assets/leaflet/`.
pub const LEAFLET_VERSION: &str = "1.9.4";

const LEAFLET_JS: &str = include_str!("assets/leaflet/leaflet.js");
const LEAFLET_CSS: &str = include_str!("assets/leaflet/leaflet.css");
/// Leaflet's licence (BSD-2-Clause), shipped with every page.
pub const LEAFLET_LICENSE: &str = include_str!("assets/leaflet/LICENSE");
const PAGE_JS: &str = include_str!("assets/page.js");
const PAGE_CSS: &str = include_str!("assets/page.css");
const PAGE_HTML: &str = include_str!("assets/page.html");

/// Text that may stand inside a `<script>` element: `</` cannot close it early.
fn script_safe(text: &str) -> String {
    text.replace("</", "<\\/")
}

/// JSON that may stand inside a `<script>` element whatever its strings hold: every `<` is
/// written as the JSON escape `\u003c`, so no `</script>` or `<!--` in a place name can end
/// the element early or switch the HTML parser into another state. (serde_json only emits
/// `<` inside strings, where the escape means the same character.)
fn json_in_script(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// Minimal HTML escaping for text content.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Fills `{{name}}` placeholders of `template` in one pass, so that text put in never has
/// its own braces read as placeholders.
fn fill<'a>(template: &str, value: impl Fn(&str) -> Option<&'a str>) -> Result<String> {
    let mut out = String::with_capacity(template.len() * 4);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("}}")
            .map(|e| start + e)
            .ok_or_else(|| crate::Error::Render("an unclosed {{ in the page template".into()))?;
        let name = &rest[start + 2..end];
        out.push_str(
            value(name)
                .ok_or_else(|| crate::Error::Render(format!("no value for {{{{{name}}}}} in the page template")))?,
        );
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Day data up to this size (bytes of JSON) is inlined: the page is one file.
pub const INLINE_LIMIT: usize = 4_000_000;
/// Days per chunk file when the day data is not inlined (four weeks).
pub const DAYS_PER_CHUNK: usize = 28;
/// `frontline site` warns before writing a page whose files add up to more than this.
pub const SIZE_WARNING: usize = 60_000_000;

/// A page and the files it loads beside it.
#[derive(Debug, Clone)]
pub struct Site {
    /// `index.html`.
    pub index: String,
    /// Script files of days, `(path relative to index.html, text)`; empty when the page
    /// holds everything itself.
    pub chunks: Vec<(String, String)>,
}

impl Site {
    /// The bytes of all its files.
    pub fn size(&self) -> usize {
        self.index.len() + self.chunks.iter().map(|(_, text)| text.len()).sum::<usize>()
    }
}

/// How the days are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// All in the page, whatever their size.
    OneFile,
    /// In the page when their data is under [`INLINE_LIMIT`], else in files of
    /// [`DAYS_PER_CHUNK`] days.
    Auto,
    /// In files of this many days beside the page.
    Split(usize),
}

/// The page for the days `from` to `to` of `scenario`, its days stored as `layout` says:
/// one self-contained file, or the page and day files that it loads with `<script>` tags
/// (browsers refuse `fetch()` of local files, but load scripts beside a page).
pub fn site(
    scenario: &Scenario,
    model: &ControlModel,
    territory: &Territory,
    (from, to): (NaiveDate, NaiveDate),
    evidence_only: bool,
    layout: Layout,
) -> Result<Site> {
    build(scenario, model, territory, from, to, evidence_only, layout)
}

/// The whole page for the days `from` to `to` of `scenario` as one file, whatever its size.
pub fn page(
    scenario: &Scenario,
    model: &ControlModel,
    territory: &Territory,
    from: NaiveDate,
    to: NaiveDate,
    evidence_only: bool,
) -> Result<String> {
    Ok(build(scenario, model, territory, from, to, evidence_only, Layout::OneFile)?.index)
}

fn to_text(value: &Value) -> Result<String> {
    serde_json::to_string(value).map_err(|e| crate::Error::Render(e.to_string()))
}

fn build(
    scenario: &Scenario,
    model: &ControlModel,
    territory: &Territory,
    from: NaiveDate,
    to: NaiveDate,
    evidence_only: bool,
    layout: Layout,
) -> Result<Site> {
    let stats = daily(scenario, model, territory, from, to);
    let chart = chart_svg(scenario, &stats, 900, 560)?;
    let data = PageData { scenario, model, territory, from, to, stats: &stats, chart_svg: &chart, evidence_only };
    let days = data.days().len();
    let (inline, parts) = match layout {
        Layout::OneFile => (true, data.day_chunks(days)),
        Layout::Split(n) => (false, data.day_chunks(n)),
        Layout::Auto => {
            let whole = data.day_chunks(days);
            if to_text(&Value::Array(whole.clone()))?.len() <= INLINE_LIMIT {
                (true, whole)
            } else {
                (false, data.day_chunks(DAYS_PER_CHUNK))
            }
        }
    };
    let firsts: Vec<usize> = parts.iter().map(|c| c["first"].as_u64().unwrap_or(0) as usize).collect();
    let mut json = data.to_json(&firsts);
    json["chartNarrow"] = Value::from(chart::narrow_chart_svg(scenario, &stats)?);
    // The scenario's published figures beside ours, for the days the page shows (a figure
    // for a day outside them is left out, not an error: a page may show part of a war).
    let shown: Vec<crate::published::PublishedFigure> =
        scenario.published.iter().filter(|f| (from..=to).contains(&f.day)).cloned().collect();
    json["published"] = serde_json::to_value(crate::published::compare(&stats, &shown)?)
        .map_err(|e| crate::Error::Render(e.to_string()))?;
    let mut chunks = Vec::new();
    if inline {
        json["chunks"] = Value::Array(parts);
    } else {
        let day_list = data.days();
        let mut files = Vec::new();
        for part in &parts {
            let name = format!("days/{}.js", day_list[part["first"].as_u64().unwrap_or(0) as usize]);
            // A JSON text is a JavaScript expression; every `<` is escaped all the same.
            let text = format!("frontlineDays({});\n", json_in_script(&to_text(part)?));
            files.push(Value::from(name.clone()));
            chunks.push((name, text));
        }
        json["chunkFiles"] = Value::Array(files);
    }
    let json = to_text(&json)?;
    let licence_comment = format!("/* Leaflet {LEAFLET_VERSION}: {} */", LEAFLET_LICENSE.replace("*/", "* /"));
    let leaflet = script_safe(&format!("{licence_comment}\n{LEAFLET_JS}"));
    let title = escape(&scenario.title);
    let search = escape(&search_hint(scenario));
    let (data, script) = (json_in_script(&json), script_safe(PAGE_JS));
    let index = fill(PAGE_HTML, |name| match name {
        "title" => Some(title.as_str()),
        "search_hint" => Some(search.as_str()),
        "leaflet_css" => Some(LEAFLET_CSS),
        "page_css" => Some(PAGE_CSS),
        "leaflet_js" => Some(leaflet.as_str()),
        "data" => Some(data.as_str()),
        "page_js" => Some(script.as_str()),
        _ => None,
    })?;
    Ok(Site { index, chunks })
}

/// The search box's hint: an example from the scenario's own places (the most populous in
/// view, else the first one the frames always label, else the first), never another war's.
pub fn search_hint(scenario: &Scenario) -> String {
    let places = scenario.gazetteer.places();
    let in_view: Vec<_> =
        places.iter().filter(|p| geo::Intersects::intersects(&scenario.map.extent, &p.position)).collect();
    let example = in_view
        .iter()
        .filter(|p| p.population.is_some_and(|n| n > 0))
        .max_by_key(|p| p.population)
        .or_else(|| in_view.iter().find(|p| p.label == crate::gazetteer::LabelRule::Always))
        .or_else(|| in_view.first());
    match example {
        Some(p) => format!("Name or alias, e.g. {}", p.name),
        None => "Name or alias".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_in_a_script_cannot_close_it_and_reads_back_the_same() {
        let hostile = "</script><script>alert(1)</script><!--<script>";
        let json = serde_json::to_string(&serde_json::json!({ "name": hostile })).unwrap();
        let inlined = json_in_script(&json);
        assert!(!inlined.contains('<'), "{inlined}");
        let back: serde_json::Value = serde_json::from_str(&inlined).unwrap();
        assert_eq!(back["name"], hostile);
    }
}
