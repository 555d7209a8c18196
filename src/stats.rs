//! Who held how much, day by day: places, area (km², equal-area) and population per
//! faction, and the stacked-area chart of the area.

use crate::population::PopulationBasis;
use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use serde::Serialize;

use crate::control::{ControlModel, Status};
use crate::error::{Error, Result};
use crate::event::FactionId;
use crate::scenario::Scenario;
use crate::territory::{CellKind, Territory};

/// One faction (or the unheld land) on one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactionDay {
    /// The day (state at its end).
    pub date: NaiveDate,
    /// The faction; `None` for the row of land nobody holds.
    #[serde(skip)]
    pub faction: Option<FactionId>,
    /// The faction's key, as `control` and the exports write it; `(unheld)` for land nobody
    /// holds (a holder withdrew or dissolved and nobody took it, or no place reaches it).
    #[serde(rename = "faction")]
    pub faction_key: String,
    /// Places it holds (contested ones included).
    pub places: usize,
    /// The area of its land in km², in the same equal-area projection as the exports
    /// (the sum of the day's `area_km2` of its areas, before rounding).
    pub area_km2: f64,
    /// That area as a share of the focus country's land, %.
    pub share_pct: f64,
    /// Of `area_km2`, the land that rests on rows or the baseline, within a place's reach.
    pub held_km2: f64,
    /// Of `area_km2`, the land that is assessed: in land no place settles (thinly held),
    /// or the land of places held by inference (succession, enclaves).
    pub assessed_km2: f64,
    /// Of `area_km2`, the land of its places that another faction is fighting in.
    pub contested_km2: f64,
    /// The people of the places it holds: their shares of the scenario's sourced totals
    /// where a row covers them, else the people of their land in the scenario's population
    /// raster if it has one, else the gazetteer's figures (see [`crate::population`]).
    pub population: u64,
    /// Of `population`, the share that comes from sourced totals, %.
    pub population_from_totals_pct: f64,
    /// Of `population`, the share that comes from the population raster, % (the rest of
    /// the figure is the gazetteer's).
    pub population_from_raster_pct: f64,
    /// Of `places`, those whose population nobody gives (not counted in `population`,
    /// rather than silently 0).
    pub places_without_population: usize,
    /// Places it holds or fights in that are contested.
    pub contested: usize,
}

/// The people of a set of places, and where the figure comes from.
struct Headcount {
    population: u64,
    from_totals_pct: f64,
    from_raster_pct: f64,
    unknown: usize,
}

/// Every faction on every day from `from` to `to`, in day then faction order, each day
/// followed by a row `(unheld)` for the land nobody holds.
pub fn daily(
    scenario: &Scenario,
    model: &ControlModel,
    territory: &Territory,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<FactionDay> {
    let cell_km2: Vec<f64> = territory.cell_areas().iter().map(|a| a / 1e6).collect();
    let land_km2 = territory.land_area() / 1e6;
    let share = |km2: f64| if land_km2 > 0.0 { (km2 / land_km2 * 1000.0).round() / 10.0 + 0.0 } else { 0.0 };
    let round = |km2: f64| (km2 * 10.0).round() / 10.0 + 0.0;
    let people = crate::population::spread(scenario, model, Some(territory));
    let headcount = |held: &[usize]| -> Headcount {
        let total: f64 = held.iter().filter_map(|&i| people.people[i]).sum();
        let from = |wanted: fn(&PopulationBasis) -> bool| -> f64 {
            let part: f64 = held.iter().filter(|&&i| wanted(&people.basis[i])).filter_map(|&i| people.people[i]).sum();
            if total > 0.0 { (part / total * 1000.0).round() / 10.0 + 0.0 } else { 0.0 }
        };
        Headcount {
            population: total.round() as u64,
            from_totals_pct: from(|b| matches!(b, PopulationBasis::Totals(_))),
            from_raster_pct: from(|b| matches!(b, PopulationBasis::Raster)),
            unknown: held.iter().filter(|&&i| people.people[i].is_none()).count(),
        }
    };
    let mut out = Vec::new();
    for date in from.iter_days().take_while(|d| *d <= to) {
        let states = model.states_on(date);
        let mut area = vec![0.0; scenario.factions.len()];
        let mut assessed = vec![0.0; scenario.factions.len()];
        let mut contested_area = vec![0.0; scenario.factions.len()];
        let mut unheld = territory.unreached_area() / 1e6;
        for (c, cell) in territory.cells().iter().enumerate() {
            let Some(state) = states.get(cell.place) else { continue };
            match state.holder {
                Some(f) if (f.0 as usize) < area.len() => {
                    area[f.0 as usize] += cell_km2[c];
                    if state.basis.is_inferred() || cell.kind == CellKind::Thin {
                        assessed[f.0 as usize] += cell_km2[c];
                    }
                    if state.challenger.is_some() && cell.kind != CellKind::Thin {
                        contested_area[f.0 as usize] += cell_km2[c];
                    }
                }
                _ => unheld += cell_km2[c],
            }
        }
        for f in &scenario.factions {
            let held: Vec<usize> = (0..states.len()).filter(|&i| states[i].holder == Some(f.id)).collect();
            let i = f.id.0 as usize;
            let people = headcount(&held);
            out.push(FactionDay {
                date,
                faction: Some(f.id),
                faction_key: f.key.clone(),
                places: held.len(),
                area_km2: round(area[i]),
                share_pct: share(area[i]),
                held_km2: round(area[i] - assessed[i]),
                assessed_km2: round(assessed[i]),
                contested_km2: round(contested_area[i]),
                population: people.population,
                population_from_totals_pct: people.from_totals_pct,
                population_from_raster_pct: people.from_raster_pct,
                places_without_population: people.unknown,
                contested: states
                    .iter()
                    .filter(|s| s.status() == Status::Contested)
                    .filter(|s| s.holder == Some(f.id) || s.challenger == Some(f.id))
                    .count(),
            });
        }
        let nobody: Vec<usize> = (0..states.len()).filter(|&i| states[i].holder.is_none()).collect();
        let people = headcount(&nobody);
        out.push(FactionDay {
            date,
            faction: None,
            faction_key: UNHELD.into(),
            places: nobody.len(),
            area_km2: round(unheld),
            share_pct: share(unheld),
            held_km2: 0.0,
            assessed_km2: 0.0,
            contested_km2: 0.0,
            population: people.population,
            population_from_totals_pct: people.from_totals_pct,
            population_from_raster_pct: people.from_raster_pct,
            places_without_population: people.unknown,
            contested: 0,
        });
    }
    out
}

/// The `faction` of the row for land nobody holds.
pub const UNHELD: &str = "(unheld)";

fn fail<E: std::fmt::Debug>(e: E) -> Error {
    Error::Render(format!("drawing the chart: {e:?}"))
}

/// Draws the stacked area of km² per faction over the days of `rows` into `area`, with
/// labelled axes, a title, a legend in the faction colours and the scenario's credits.
pub fn draw_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scenario: &Scenario,
    rows: &[FactionDay],
) -> Result<()> {
    let mut days: Vec<NaiveDate> = rows.iter().map(|r| r.date).collect();
    days.dedup();
    if days.is_empty() {
        return Err(Error::Render("no day to chart".into()));
    }
    let (plot, footer) = chart_and_footer(area, scenario)?;
    let totals: Vec<f64> = days
        .iter()
        .map(|d| rows.iter().filter(|r| r.date == *d && r.faction.is_some()).map(|r| r.area_km2).sum())
        .collect();
    // Head room above the stack for the legend.
    let top = totals.iter().copied().fold(0.0, f64::max).max(1.0) * (1.0 + 0.06 * scenario.factions.len() as f64);
    let mut chart = day_chart(
        &plot,
        &format!("{}: area held per faction", scenario.title),
        &days,
        0f64..top,
        ("Area held, thousand km²", &|v| format!("{:.0}", v / 1000.0)),
    )?;
    for (f, ring) in stacked_bands(scenario, rows, &days) {
        let colour = RGBColor(f.colour.r, f.colour.g, f.colour.b);
        chart
            .draw_series(std::iter::once(Polygon::new(ring, colour.filled())))
            .map_err(fail)?
            .label(f.name.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], colour.filled()));
    }
    draw_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    draw_credits(&footer, scenario)
}

/// The bands of a stacked-area chart of km² per faction over `days` (the `stats` chart and
/// the page's): for each faction with any land, in the scenario's order, the ring of points
/// (day index, km²) between the total of the factions below it and that total with its own.
pub(crate) fn stacked_bands<'s>(
    scenario: &'s Scenario,
    rows: &[FactionDay],
    days: &[NaiveDate],
) -> Vec<(&'s crate::event::Faction, Vec<(f64, f64)>)> {
    let mut below = vec![0.0; days.len()];
    let mut bands = Vec::new();
    for f in &scenario.factions {
        let values: Vec<f64> = days
            .iter()
            .map(|d| rows.iter().filter(|r| r.date == *d && r.faction == Some(f.id)).map(|r| r.area_km2).sum())
            .collect();
        if values.iter().all(|v| *v <= 0.0) {
            continue;
        }
        let above: Vec<f64> = below.iter().zip(&values).map(|(b, v)| b + v).collect();
        let mut ring: Vec<(f64, f64)> = above.iter().enumerate().map(|(i, y)| (i as f64, *y)).collect();
        ring.extend(below.iter().enumerate().rev().map(|(i, y)| (i as f64, *y)));
        bands.push((f, ring));
        below = above;
    }
    bands
}

/// A chart over the days, on the paper colour: the plot above, the credits' footer below.
#[allow(clippy::type_complexity)]
fn chart_and_footer<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scenario: &Scenario,
) -> Result<(DrawingArea<DB, Shift>, DrawingArea<DB, Shift>)> {
    area.fill(&RGBColor(0xfb, 0xfa, 0xf7)).map_err(fail)?;
    let (_, height) = area.dim_in_pixel();
    let credit_lines = scenario.credits.len() as u32 + 1;
    Ok(area.split_vertically(height.saturating_sub(18 * credit_lines + 16)))
}

/// The axes of a chart over `days` (x: day indexes labelled "6 Dec") and `y`, with its
/// caption, the y axis's description and label format, and a light grid.
fn day_chart<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    caption: &str,
    days: &[NaiveDate],
    y: std::ops::Range<f64>,
    (y_desc, y_format): (&str, &dyn Fn(&f64) -> String),
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    let last = (days.len() - 1).max(1) as f64;
    let mut chart = ChartBuilder::on(plot)
        .caption(caption, ("sans-serif", 24).into_font())
        .margin(16)
        .margin_right(40)
        .x_label_area_size(48)
        .y_label_area_size(84)
        .build_cartesian_2d(0f64..last, y)
        .map_err(fail)?;
    let label = |x: &f64| day_tick(days, *x, 1);
    chart
        .configure_mesh()
        .x_labels(days.len().min(16))
        .x_label_formatter(&label)
        .y_label_formatter(y_format)
        .x_desc("Day (state at the end of the day)")
        .y_desc(y_desc)
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 15))
        .light_line_style(RGBColor(0xe4, 0xe2, 0xdc))
        .max_light_lines(1)
        .draw()
        .map_err(fail)?;
    Ok(chart)
}

/// The legend of a chart's series, on a white ground at `position`.
fn draw_legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    position: SeriesLabelPosition,
) -> Result<()> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(RGBColor(255, 255, 255).mix(0.85))
        .border_style(RGBColor(0x90, 0x90, 0x90))
        .label_font(("sans-serif", 14))
        .draw()
        .map_err(fail)
}

/// The credits under a chart: the scenario's, then how areas are measured.
fn draw_credits<DB: DrawingBackend>(footer: &DrawingArea<DB, Shift>, scenario: &Scenario) -> Result<()> {
    let mut y = 4;
    for line in scenario.credits.iter().map(String::as_str).chain(std::iter::once(
        "Areas: land allocated to the nearest place by travel cost (rivers costly to cross), equal-area projection",
    )) {
        footer
            .draw(&Text::new(
                line.to_string(),
                (16, y),
                ("sans-serif", 13).into_font().color(&RGBColor(0x6b, 0x6b, 0x70)),
            ))
            .map_err(fail)?;
        y += 18;
    }
    Ok(())
}

/// What a chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChartOf {
    /// The area each faction holds, stacked: the whole country.
    #[default]
    Held,
    /// Each faction's gain or loss of area since the first charted day: in a war that moves
    /// a small part of a country, the land that changed hands, at a readable scale.
    Change,
}

/// Each faction's area on each day minus its area on the first day of `rows`, km².
pub fn change_since_first_day(scenario: &Scenario, rows: &[FactionDay]) -> Vec<(FactionId, Vec<(NaiveDate, f64)>)> {
    let mut days: Vec<NaiveDate> = rows.iter().map(|r| r.date).collect();
    days.dedup();
    let area = |f: FactionId, d: NaiveDate| -> f64 {
        rows.iter().filter(|r| r.date == d && r.faction == Some(f)).map(|r| r.area_km2).sum()
    };
    scenario
        .factions
        .iter()
        .map(|f| {
            let start = days.first().map_or(0.0, |d| area(f.id, *d));
            (f.id, days.iter().map(|d| (*d, area(f.id, *d) - start)).collect())
        })
        .collect()
}

/// Draws each faction's change of area since the first day as a line, around a zero line.
pub fn draw_change_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scenario: &Scenario,
    rows: &[FactionDay],
) -> Result<()> {
    let series = change_since_first_day(scenario, rows);
    let days: Vec<NaiveDate> = series.first().map(|(_, s)| s.iter().map(|(d, _)| *d).collect()).unwrap_or_default();
    if days.is_empty() {
        return Err(Error::Render("no day to chart".into()));
    }
    let (plot, footer) = chart_and_footer(area, scenario)?;
    let reach = series.iter().flat_map(|(_, s)| s.iter().map(|(_, v)| v.abs())).fold(0.0, f64::max).max(1.0) * 1.15;
    let last = (days.len() - 1).max(1) as f64;
    let mut chart = day_chart(
        &plot,
        &format!("{}: area gained or lost since {}", scenario.title, days[0].format("%-d %b %Y")),
        &days,
        -reach..reach,
        ("Change of area held, km²", &|v| format!("{v:+.0}")),
    )?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (last, 0.0)],
            RGBColor(0x60, 0x60, 0x60).stroke_width(1),
        )))
        .map_err(fail)?;
    for (f, values) in &series {
        let f = scenario.faction(*f);
        let colour = RGBColor(f.colour.r, f.colour.g, f.colour.b);
        chart
            .draw_series(std::iter::once(PathElement::new(
                values.iter().enumerate().map(|(i, (_, v))| (i as f64, *v)).collect::<Vec<_>>(),
                colour.stroke_width(3),
            )))
            .map_err(fail)?
            .label(f.name.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 3), (x + 14, y + 3)], colour.filled()));
    }
    draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
    draw_credits(&footer, scenario)
}

fn draw_of<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scenario: &Scenario,
    rows: &[FactionDay],
    of: ChartOf,
) -> Result<()> {
    match of {
        ChartOf::Held => draw_chart(area, scenario, rows),
        ChartOf::Change => draw_change_chart(area, scenario, rows),
    }
}

/// The chart as an SVG document of `width` × `height`.
pub fn chart_svg(scenario: &Scenario, rows: &[FactionDay], width: u32, height: u32) -> Result<String> {
    chart_svg_of(scenario, rows, width, height, ChartOf::Held)
}

/// The chart of `of` as an SVG document of `width` × `height`.
pub fn chart_svg_of(scenario: &Scenario, rows: &[FactionDay], width: u32, height: u32, of: ChartOf) -> Result<String> {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        draw_of(&area, scenario, rows, of)?;
        area.present().map_err(fail)?;
    }
    Ok(svg)
}

/// The chart as a PNG of `width` × `height`.
pub fn chart_png(scenario: &Scenario, rows: &[FactionDay], width: u32, height: u32) -> Result<Vec<u8>> {
    chart_png_of(scenario, rows, width, height, ChartOf::Held)
}

/// The chart of `of` as a PNG of `width` × `height`.
pub fn chart_png_of(scenario: &Scenario, rows: &[FactionDay], width: u32, height: u32, of: ChartOf) -> Result<Vec<u8>> {
    let mut pixmap = tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| Error::Render(format!("cannot allocate a {width}x{height} image")))?;
    {
        let backend = crate::raster::SkiaBackend::new(&mut pixmap, 1)?;
        let area = backend.into_drawing_area();
        draw_of(&area, scenario, rows, of)?;
        area.present().map_err(fail)?;
    }
    crate::raster::encode_png(&pixmap).map_err(|e| Error::Encode(e.to_string()))
}

/// The label of a chart's tick at `x` (a day's index): "6 Dec" on whole days that are a
/// multiple of `every`, nothing between days or past the last.
pub(crate) fn day_tick(days: &[NaiveDate], x: f64, every: usize) -> String {
    let i = x.round() as usize;
    if (x - x.round()).abs() < 1e-6 && i < days.len() && i % every.max(1) == 0 {
        days[i].format("%-d %b").to_string()
    } else {
        String::new()
    }
}
