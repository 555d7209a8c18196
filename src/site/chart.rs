//! The area chart as a phone shows it: drawn at 340 px wide with words at their full size
//! and nothing the panel already says (the title, the legend, the credits), so it reads
//! at 360 px instead of shrinking the 900 px chart to a third.

use chrono::NaiveDate;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::scenario::Scenario;
use crate::stats::FactionDay;

/// The narrow chart's width and the height of its plot in pixels: it is drawn 1:1 in a
/// 360 px panel, with one line of legend per faction under the plot.
pub const NARROW: (u32, u32) = (340, 300);
/// The height of a legend line.
const LEGEND_LINE: u32 = 20;

fn fail<E: std::fmt::Debug>(e: E) -> Error {
    Error::Render(format!("drawing the narrow chart: {e:?}"))
}

/// The stacked area of thousand km² per faction over the days of `rows`, as SVG.
pub fn narrow_chart_svg(scenario: &Scenario, rows: &[FactionDay]) -> Result<String> {
    let mut days: Vec<NaiveDate> = rows.iter().map(|r| r.date).collect();
    days.dedup();
    if days.is_empty() {
        return Err(Error::Render("no day to chart".into()));
    }
    let mut svg = String::new();
    {
        let km2_of = |f: crate::event::FactionId| rows.iter().any(|r| r.faction == Some(f) && r.area_km2 > 0.0);
        let shown: Vec<&crate::event::Faction> = scenario.factions.iter().filter(|f| km2_of(f.id)).collect();
        let height = NARROW.1 + 8 + LEGEND_LINE * shown.len() as u32;
        let whole = SVGBackend::with_string(&mut svg, (NARROW.0, height)).into_drawing_area();
        whole.fill(&RGBColor(0xfb, 0xfa, 0xf7)).map_err(fail)?;
        let (area, legend) = whole.split_vertically(NARROW.1);
        // The legend: the plot's colours, each with its faction's name.
        for (i, f) in shown.iter().enumerate() {
            let y = 8 + LEGEND_LINE as i32 * i as i32;
            let colour = RGBColor(f.colour.r, f.colour.g, f.colour.b);
            legend.draw(&Rectangle::new([(12, y + 3), (26, y + 15)], colour.filled())).map_err(fail)?;
            legend.draw(&Text::new(f.name.clone(), (34, y + 2), ("sans-serif", 13))).map_err(fail)?;
        }
        let km2 = |d: &NaiveDate, f: Option<crate::event::FactionId>| -> f64 {
            rows.iter()
                .filter(|r| r.date == *d && r.faction.is_some() && (f.is_none() || r.faction == f))
                .map(|r| r.area_km2)
                .sum()
        };
        let top = days.iter().map(|d| km2(d, None)).fold(0.0, f64::max).max(1.0) * 1.05;
        let last = (days.len() - 1).max(1) as f64;
        let mut chart = ChartBuilder::on(&area)
            .margin(8)
            .margin_right(16)
            .x_label_area_size(30)
            .y_label_area_size(44)
            .build_cartesian_2d(0f64..last, 0f64..top)
            .map_err(fail)?;
        // At most five dates fit under the chart at this width.
        let every = days.len().div_ceil(5).max(1);
        let label = |x: &f64| crate::stats::day_tick(&days, *x, every);
        chart
            .configure_mesh()
            .x_labels(days.len().min(40))
            .x_label_formatter(&label)
            .y_labels(5)
            .y_label_formatter(&|v| format!("{:.0}k", v / 1000.0))
            .label_style(("sans-serif", 13))
            .light_line_style(RGBColor(0xe4, 0xe2, 0xdc))
            .max_light_lines(1)
            .draw()
            .map_err(fail)?;
        for (f, ring) in crate::stats::stacked_bands(scenario, rows, &days) {
            let colour = RGBColor(f.colour.r, f.colour.g, f.colour.b);
            chart.draw_series(std::iter::once(Polygon::new(ring, colour.filled()))).map_err(fail)?;
        }
        whole.present().map_err(fail)?;
    }
    Ok(svg)
}
