//! Figures others published (a side's share of the land or of the people on a day, with
//! who said it and when), set beside ours: the check to make before quoting a map's
//! shares, and the table a methods note shows.
//!
//! A table of published figures is a CSV with the columns `day` (the day of ours to
//! compare with, `YYYY-MM-DD`), `factions` (faction keys joined by `|`, or `(unheld)`: their
//! shares are added), `published_pct` (0 to 100), and optionally `measure` (`land`, the
//! default, or `population`), `tolerance_pts` (how far ours may be, in percentage points,
//! for the figure to count as agreeing; empty: shown, not judged), `figure_date`,
//! `publisher`, `url` and `note`.

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Error, Location, Result};
use crate::stats::FactionDay;
use crate::table::Table;

/// What a published share is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// The focus country's land (our `area_km2`).
    Land,
    /// Its people (our `population`).
    Population,
}

/// One published figure, as read from a table.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedFigure {
    /// Where it was read from (file and line), for messages.
    pub at: Location,
    /// The day of ours it is compared with.
    pub day: NaiveDate,
    /// The faction keys (or `(unheld)`) whose shares are added.
    pub factions: Vec<String>,
    /// Land or people.
    pub measure: Measure,
    /// The published share, %.
    pub published_pct: f64,
    /// How far ours may be, in points, to agree; `None`: shown, not judged.
    pub tolerance_pts: Option<f64>,
    /// When the publisher dated its figure.
    pub figure_date: String,
    /// Who published it.
    pub publisher: String,
    /// Where.
    pub url: String,
}

/// The key of the row `stats` gives the land nobody holds.
const UNHELD: &str = "(unheld)";

/// Reads a table of published figures (`file` names it in errors). Faction keys must be
/// among `known` (a scenario's faction keys; matched without regard to case).
pub fn parse(text: &str, file: &str, known: &[&str]) -> Result<Vec<PublishedFigure>> {
    let table = Table::parse(text, file, &["day", "factions", "published_pct"])?;
    let mut figures = Vec::with_capacity(table.len());
    for row in table.rows() {
        let day = row.parse::<NaiveDate>("day", "a day as YYYY-MM-DD")?;
        let mut factions = Vec::new();
        for key in row.required("factions")?.split('|').map(str::trim) {
            let canonical =
                if key == UNHELD { Some(UNHELD) } else { known.iter().copied().find(|k| k.eq_ignore_ascii_case(key)) };
            let Some(canonical) = canonical else {
                return Err(Error::Parse {
                    at: row.at(Some("factions")),
                    expected: format!("faction keys of the scenario joined by |: {} or {UNHELD}", known.join(", ")),
                    found: key.to_string(),
                });
            };
            factions.push(canonical.to_string());
        }
        let published_pct = percentage(&row, "published_pct", row.parse::<f64>("published_pct", "a share in %")?)?;
        let tolerance_pts = match row.parse_optional::<f64>("tolerance_pts", "a number of percentage points")? {
            Some(t) => Some(percentage(&row, "tolerance_pts", t)?),
            None => None,
        };
        let measure = match row.optional("measure").map(str::to_ascii_lowercase).as_deref() {
            None | Some("land") => Measure::Land,
            Some("population") => Measure::Population,
            Some(_) => {
                return Err(Error::Parse {
                    at: row.at(Some("measure")),
                    expected: "land or population".into(),
                    found: row.get("measure").to_string(),
                });
            }
        };
        figures.push(PublishedFigure {
            at: row.at(None),
            day,
            factions,
            measure,
            published_pct,
            tolerance_pts,
            figure_date: row.get("figure_date").to_string(),
            publisher: row.get("publisher").to_string(),
            url: row.get("url").to_string(),
        });
    }
    Ok(figures)
}

/// A number between 0 and 100, or an error at `column` of `row`.
fn percentage(row: &crate::table::Row<'_>, column: &str, value: f64) -> Result<f64> {
    if (0.0..=100.0).contains(&value) {
        Ok(value)
    } else {
        Err(Error::Parse {
            at: row.at(Some(column)),
            expected: "a number from 0 to 100".into(),
            found: value.to_string(),
        })
    }
}

/// Whether ours agrees with a published figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Within the figure's tolerance.
    Within,
    /// Farther than its tolerance.
    Outside,
    /// The figure has no tolerance: shown beside ours, not judged.
    Shown,
}

/// A published figure beside ours.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The day of ours.
    pub day: NaiveDate,
    /// The factions, joined by `|` as in the table.
    pub factions: String,
    /// Land or people.
    pub measure: Measure,
    /// Our share, %, to one decimal.
    pub ours_pct: f64,
    /// The published share, %.
    pub published_pct: f64,
    /// Ours minus theirs, in points, to one decimal.
    pub difference_pts: f64,
    /// The figure's tolerance, in points.
    pub tolerance_pts: Option<f64>,
    /// Within, outside, or shown only.
    pub verdict: Verdict,
    /// Who published it.
    pub publisher: String,
    /// When they dated it.
    pub figure_date: String,
    /// Where.
    pub url: String,
}

/// Sets each figure beside our share on its day: the sum of the factions' `area_km2` (land)
/// or `population` among all of that day's rows of `rows` (the unheld row included), as
/// `stats` gives them. A day `rows` does not cover is an error naming the figure's line.
pub fn compare(rows: &[FactionDay], figures: &[PublishedFigure]) -> Result<Vec<Comparison>> {
    figures
        .iter()
        .map(|figure| {
            let day: Vec<&FactionDay> = rows.iter().filter(|r| r.date == figure.day).collect();
            if day.is_empty() {
                return Err(Error::Data {
                    at: figure.at.clone().field("day"),
                    message: format!("{} is not among the days compared (the scenario's, or --from/--to)", figure.day),
                });
            }
            let value = |r: &FactionDay| match figure.measure {
                Measure::Land => r.area_km2,
                Measure::Population => r.population as f64,
            };
            let total: f64 = day.iter().map(|r| value(r)).sum();
            let part: f64 = day.iter().filter(|r| figure.factions.contains(&r.faction_key)).map(|r| value(r)).sum();
            let ours = if total > 0.0 { part / total * 100.0 } else { 0.0 };
            let difference = ours - figure.published_pct;
            let verdict = match figure.tolerance_pts {
                Some(t) if difference.abs() <= t => Verdict::Within,
                Some(_) => Verdict::Outside,
                None => Verdict::Shown,
            };
            Ok(Comparison {
                day: figure.day,
                factions: figure.factions.join("|"),
                measure: figure.measure,
                ours_pct: tenth(ours),
                published_pct: figure.published_pct,
                difference_pts: tenth(difference),
                tolerance_pts: figure.tolerance_pts,
                verdict,
                publisher: figure.publisher.clone(),
                figure_date: figure.figure_date.clone(),
                url: figure.url.clone(),
            })
        })
        .collect()
}

/// `v` rounded to one decimal, as the comparison prints shares.
fn tenth(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::FactionId;

    fn row(date: &str, key: &str, area_km2: f64, population: u64) -> FactionDay {
        FactionDay {
            date: date.parse().unwrap(),
            faction: (key != UNHELD).then_some(FactionId(0)),
            faction_key: key.to_string(),
            places: 0,
            area_km2,
            share_pct: 0.0,
            held_km2: area_km2,
            assessed_km2: 0.0,
            contested_km2: 0.0,
            population,
            population_from_totals_pct: 0.0,
            population_from_raster_pct: 0.0,
            places_without_population: 0,
            contested: 0,
        }
    }

    fn figure(
        day: &str,
        factions: &[&str],
        measure: Measure,
        published_pct: f64,
        tolerance_pts: Option<f64>,
    ) -> PublishedFigure {
        PublishedFigure {
            at: Location::line("p.csv", 2),
            day: day.parse().unwrap(),
            factions: factions.iter().map(|f| f.to_string()).collect(),
            measure,
            published_pct,
            tolerance_pts,
            figure_date: String::new(),
            publisher: "A publisher".into(),
            url: String::new(),
        }
    }

    #[test]
    fn shares_are_summed_over_the_factions_among_all_of_the_days_rows() {
        let rows = vec![
            row("2024-12-02", "gov", 600.0, 50),
            row("2024-12-02", "hts", 250.0, 30),
            row("2024-12-02", "sna", 100.0, 20),
            row("2024-12-02", UNHELD, 50.0, 0),
            row("2024-12-03", "gov", 10.0, 1),
        ];
        let figures = [
            figure("2024-12-02", &["hts", "sna"], Measure::Land, 30.0, Some(4.0)),
            figure("2024-12-02", &["gov"], Measure::Land, 50.0, Some(4.0)),
            figure("2024-12-02", &["hts"], Measure::Population, 25.0, None),
        ];
        let c = compare(&rows, &figures).unwrap();
        assert_eq!((c[0].ours_pct, c[0].difference_pts, c[0].verdict), (35.0, 5.0, Verdict::Outside));
        assert_eq!(c[0].factions, "hts|sna");
        assert_eq!((c[1].ours_pct, c[1].difference_pts, c[1].verdict), (60.0, 10.0, Verdict::Outside));
        assert_eq!((c[2].ours_pct, c[2].difference_pts, c[2].verdict), (30.0, 5.0, Verdict::Shown));
        let near = [figure("2024-12-02", &["hts", "sna"], Measure::Land, 31.5, Some(4.0))];
        assert_eq!(compare(&rows, &near).unwrap()[0].verdict, Verdict::Within);
    }

    #[test]
    fn a_day_not_compared_is_an_error_naming_the_line() {
        let rows = vec![row("2024-12-02", "gov", 1.0, 1)];
        let err = compare(&rows, &[figure("2024-12-09", &["gov"], Measure::Land, 1.0, None)]).unwrap_err();
        assert!(err.to_string().starts_with("p.csv:2: field `day`: 2024-12-09 is not among"), "{err}");
    }

    #[test]
    fn tables_are_read_with_their_faults_named() {
        let scenario = crate::Scenario::syria_2024().unwrap();
        let keys = scenario.faction_keys();
        let s = keys.as_slice();
        let text = "day,factions,published_pct,tolerance_pts,measure,publisher\n\
                    2024-11-26,gov,63.4,4,,Jusoor\n\
                    2024-11-26,HTS|sna,26,,population,Someone\n";
        let figures = parse(text, "p.csv", s).unwrap();
        assert_eq!(figures.len(), 2);
        assert_eq!((figures[0].measure, figures[0].tolerance_pts), (Measure::Land, Some(4.0)));
        assert_eq!(figures[1].factions, ["hts", "sna"]);
        assert_eq!((figures[1].measure, figures[1].tolerance_pts), (Measure::Population, None));
        let bad = |line: &str| {
            parse(&format!("day,factions,published_pct,measure\n{line}\n"), "p.csv", s).unwrap_err().to_string()
        };
        assert!(
            bad("2024-11-26,rebels,10,").starts_with("p.csv:2: field `factions`: expected faction keys"),
            "{}",
            bad("2024-11-26,rebels,10,")
        );
        assert!(bad("26/11/2024,gov,10,").contains("field `day`"));
        assert!(bad("2024-11-26,gov,120,").contains("field `published_pct`: expected a number from 0 to 100"));
        assert!(bad("2024-11-26,gov,10,people").contains("field `measure`: expected land or population"));
    }
}
