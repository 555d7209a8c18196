//! The words of a frame's panel and its date format: English by default, or a scenario's
//! own from the `[text]` table of `scenario.toml`.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

/// The `[text]` table as written: every entry optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextEntry {
    /// strftime-style, e.g. `"%-d %B %Y"`; `%B` takes its name from `months`.
    pub date_format: Option<String>,
    /// The twelve month names for `%B`.
    pub months: Option<Vec<String>>,
    /// `{day}`, `{days}`.
    pub day_of: Option<String>,
    /// Legend entries.
    pub legend_contested: Option<String>,
    /// Overrides [`Text::legend_assessed`].
    pub legend_assessed: Option<String>,
    /// Overrides [`Text::legend_thin`].
    pub legend_thin: Option<String>,
    /// Overrides [`Text::legend_frontline`].
    pub legend_frontline: Option<String>,
    /// Overrides [`Text::legend_changed`].
    pub legend_changed: Option<String>,
    /// Overrides [`Text::legend_changed_since`].
    pub legend_changed_since: Option<String>,
    /// The heading of the day's changes.
    pub this_day: Option<String>,
    /// `{date}`: the heading of a frame's changes since the frame before (`render --every`).
    pub since_frame: Option<String>,
    /// `{n}`: changes that did not fit.
    pub more: Option<String>,
    /// `{n}`, `{file}`: changes that did not fit, and the file that lists them all.
    pub more_listed: Option<String>,
    /// `{region}`, `{n}`, `{faction}`: places of one region taken by one faction.
    pub group_taken: Option<String>,
    /// `{list}`: the outlets.
    pub sources: Option<String>,
    /// `{list}`: overrides [`Text::sources_since`].
    pub sources_since: Option<String>,
    /// The projection line under the credits.
    pub projection: Option<String>,
    /// `{place}`, `{faction}`.
    pub taken: Option<String>,
    /// Overrides [`Text::contested`].
    pub contested: Option<String>,
    /// Overrides [`Text::left`].
    pub left: Option<String>,
    /// Overrides [`Text::still_held`].
    pub still_held: Option<String>,
    /// Overrides [`Text::left_to`].
    pub left_to: Option<String>,
    /// Overrides [`Text::legend_claimed`].
    pub legend_claimed: Option<String>,
    /// `{faction}`.
    pub dissolved: Option<String>,
    /// `{faction}`, `{region}`.
    pub left_region: Option<String>,
    /// Overrides [`Text::region_taken`].
    pub region_taken: Option<String>,
    /// Overrides [`Text::region_entered`].
    pub region_entered: Option<String>,
    /// Overrides [`Text::region_left`].
    pub region_left: Option<String>,
    /// `{list}`: counts per faction.
    pub assessed: Option<String>,
    /// `{n}`, `{faction}`.
    pub assessed_one: Option<String>,
    /// Overrides [`Text::assessed_many`].
    pub assessed_many: Option<String>,
    /// Who holds a place nobody holds.
    pub nobody: Option<String>,
    /// A day without changes.
    pub no_change: Option<String>,
}

/// The panel's words and the date format, checked. Templates fill `{name}` fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// strftime-style date format; `%B` is replaced by `months`.
    pub date_format: String,
    /// The month names, January first.
    pub months: [String; 12],
    /// "Day {day} of {days} · …".
    pub day_of: String,
    /// Legend: contested areas.
    pub legend_contested: String,
    /// Legend: assessed areas.
    pub legend_assessed: String,
    /// Legend: thinly held land (land no place settles).
    pub legend_thin: String,
    /// Legend: the front line.
    pub legend_frontline: String,
    /// Legend: the ring around places that changed hands.
    pub legend_changed: String,
    /// Legend: the ring, when frames skip days (`render --every N`).
    pub legend_changed_since: String,
    /// The heading of the day's changes.
    pub this_day: String,
    /// "Since {date}": the heading of a frame's changes when frames skip days (`render
    /// --every N`): what changed after the previous frame's day, up to this one.
    pub since_frame: String,
    /// "and {n} more".
    pub more: String,
    /// "and {n} more, listed in {file}": the panel's last line when the day's changes do
    /// not fit and a file beside the frame lists them all.
    pub more_listed: String,
    /// "{region}: {n} places taken by {faction}": a panel line for places of one region
    /// (the gazetteer's `admin1`) taken by one faction on one day.
    pub group_taken: String,
    /// "Sources this day: {list}".
    pub sources: String,
    /// "Sources: {list}": the sources line when a frame tells several days.
    pub sources_since: String,
    /// The projection line.
    pub projection: String,
    /// "{place}: taken by {faction}".
    pub taken: String,
    /// "{place}: contested, {faction} fighting inside".
    pub contested: String,
    /// "{place}: left by {faction}".
    pub left: String,
    /// "{place}: still held by {faction}": a denial (`held`), or a challenger gone.
    pub still_held: String,
    /// "{place}: left by {faction}, now held by {holder}": the holder withdrew and the
    /// side fighting inside has the place.
    pub left_to: String,
    /// Legend: a place held on claims alone (dashed marker edge).
    pub legend_claimed: String,
    /// "{faction} ceased to hold territory".
    pub dissolved: String,
    /// "{faction} left the region {region}".
    pub left_region: String,
    /// "Region {region}: taken by {faction} (region report)".
    pub region_taken: String,
    /// "Region {region}: entered by {faction} (region report)".
    pub region_entered: String,
    /// "Region {region}: left by {faction} (region report)".
    pub region_left: String,
    /// "Assessed (no direct report): {list}".
    pub assessed: String,
    /// "{n} place to {faction}".
    pub assessed_one: String,
    /// "{n} places to {faction}".
    pub assessed_many: String,
    /// "nobody".
    pub nobody: String,
    /// "No change of control reported."
    pub no_change: String,
}

impl Default for Text {
    fn default() -> Text {
        let months = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        Text {
            date_format: "%-d %B %Y".into(),
            months: months.map(String::from),
            day_of: "Day {day} of {days} · state at the end of the day".into(),
            legend_contested: "Contested: fighting inside (hatched)".into(),
            legend_assessed: "Assessed: no direct report (dotted)".into(),
            legend_thin: "Thinly held: no place near, given to the nearest (pale)".into(),
            legend_frontline: "Frontline".into(),
            legend_changed: "Changed hands this day".into(),
            legend_changed_since: "Changed hands since the frame before".into(),
            this_day: "This day".into(),
            since_frame: "Since {date}".into(),
            more: "and {n} more".into(),
            more_listed: "and {n} more, listed in {file}".into(),
            group_taken: "{region}: {n} places taken by {faction}".into(),
            sources: "Sources this day: {list}".into(),
            sources_since: "Sources: {list}".into(),
            projection: "Projection: Lambert azimuthal equal-area".into(),
            taken: "{place}: taken by {faction}".into(),
            contested: "{place}: contested, {faction} fighting inside".into(),
            left: "{place}: left by {faction}".into(),
            still_held: "{place}: still held by {faction}".into(),
            left_to: "{place}: left by {faction}, now held by {holder}".into(),
            legend_claimed: "Claimed only: no report confirms it (dashed edge)".into(),
            dissolved: "{faction} ceased to hold territory".into(),
            left_region: "{faction} left the region {region}".into(),
            region_taken: "Region {region}: taken by {faction} (region report)".into(),
            region_entered: "Region {region}: entered by {faction} (region report)".into(),
            region_left: "Region {region}: left by {faction} (region report)".into(),
            assessed: "Assessed (no direct report): {list}".into(),
            assessed_one: "{n} place to {faction}".into(),
            assessed_many: "{n} places to {faction}".into(),
            nobody: "nobody".into(),
            no_change: "No change of control reported.".into(),
        }
    }
}

/// What is wrong with a `[text]` entry: the field, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextProblem {
    /// The field, e.g. `text.taken`.
    pub field: String,
    /// What was expected.
    pub message: String,
}

impl Text {
    /// The defaults with the entry's words in their place, each template checked for the
    /// fields it may use.
    pub fn from_entry(entry: &TextEntry) -> Result<Text, TextProblem> {
        let mut text = Text::default();
        let slots: [(&str, &Option<String>, &mut String, &[&str]); 32] = [
            ("day_of", &entry.day_of, &mut text.day_of, &["day", "days"]),
            ("legend_contested", &entry.legend_contested, &mut text.legend_contested, &[]),
            ("legend_assessed", &entry.legend_assessed, &mut text.legend_assessed, &[]),
            ("legend_thin", &entry.legend_thin, &mut text.legend_thin, &[]),
            ("legend_frontline", &entry.legend_frontline, &mut text.legend_frontline, &[]),
            ("legend_changed", &entry.legend_changed, &mut text.legend_changed, &[]),
            ("legend_changed_since", &entry.legend_changed_since, &mut text.legend_changed_since, &[]),
            ("this_day", &entry.this_day, &mut text.this_day, &[]),
            ("since_frame", &entry.since_frame, &mut text.since_frame, &["date"]),
            ("more", &entry.more, &mut text.more, &["n"]),
            ("more_listed", &entry.more_listed, &mut text.more_listed, &["n", "file"]),
            ("group_taken", &entry.group_taken, &mut text.group_taken, &["region", "n", "faction"]),
            ("sources", &entry.sources, &mut text.sources, &["list"]),
            ("sources_since", &entry.sources_since, &mut text.sources_since, &["list"]),
            ("projection", &entry.projection, &mut text.projection, &[]),
            ("taken", &entry.taken, &mut text.taken, &["place", "faction"]),
            ("contested", &entry.contested, &mut text.contested, &["place", "faction"]),
            ("left", &entry.left, &mut text.left, &["place", "faction"]),
            ("still_held", &entry.still_held, &mut text.still_held, &["place", "faction"]),
            ("left_to", &entry.left_to, &mut text.left_to, &["place", "faction", "holder"]),
            ("legend_claimed", &entry.legend_claimed, &mut text.legend_claimed, &[]),
            ("dissolved", &entry.dissolved, &mut text.dissolved, &["faction"]),
            ("left_region", &entry.left_region, &mut text.left_region, &["faction", "region"]),
            ("region_taken", &entry.region_taken, &mut text.region_taken, &["faction", "region"]),
            ("region_entered", &entry.region_entered, &mut text.region_entered, &["faction", "region"]),
            ("region_left", &entry.region_left, &mut text.region_left, &["faction", "region"]),
            ("assessed", &entry.assessed, &mut text.assessed, &["list"]),
            ("assessed_one", &entry.assessed_one, &mut text.assessed_one, &["n", "faction"]),
            ("assessed_many", &entry.assessed_many, &mut text.assessed_many, &["n", "faction"]),
            ("nobody", &entry.nobody, &mut text.nobody, &[]),
            ("no_change", &entry.no_change, &mut text.no_change, &[]),
            ("date_format", &entry.date_format, &mut text.date_format, &[]),
        ];
        for (name, given, slot, fields) in slots {
            let Some(given) = given else { continue };
            let problem = |message: String| TextProblem { field: format!("text.{name}"), message };
            if name == "date_format" {
                check_date_format(given).map_err(problem)?;
            } else {
                check_template(given, fields).map_err(problem)?;
            }
            *slot = given.clone();
        }
        if let Some(months) = &entry.months {
            text.months = months.clone().try_into().map_err(|m: Vec<String>| TextProblem {
                field: "text.months".into(),
                message: format!("expected the 12 month names, January first; found {}", m.len()),
            })?;
        }
        Ok(text)
    }

    /// The day in the scenario's date format and month names.
    pub fn date(&self, day: NaiveDate) -> String {
        // The month name goes in as a literal, with any `%` in it escaped for strftime.
        let month = self.months[day.month0() as usize].replace('%', "%%");
        day.format(&self.date_format.replace("%B", &month)).to_string()
    }

    /// `template` with each `{name}` replaced by its value.
    pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
        let mut out = template.to_string();
        for (name, value) in values {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }
}

/// A template may use only the fields it is given, each written `{name}`.
fn check_template(template: &str, fields: &[&str]) -> Result<(), String> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(format!("a `{{` without its `}}` in {}", crate::error::echo(template)));
        };
        let name = &after[..close];
        if !fields.contains(&name) {
            let known: Vec<String> = fields.iter().map(|f| format!("{{{f}}}")).collect();
            return Err(if known.is_empty() {
                format!("{{{name}}} is not a field here: this text takes no fields")
            } else {
                format!("{{{name}}} is not a field here: expected {}", known.join(", "))
            });
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// A date format chrono can use: formatting a known day must not fail.
fn check_date_format(format: &str) -> Result<(), String> {
    use std::fmt::Write;
    let day = NaiveDate::from_ymd_opt(2024, 12, 8).expect("a real day");
    let mut out = String::new();
    match write!(out, "{}", day.format(&format.replace("%B", "December"))) {
        Ok(()) => Ok(()),
        Err(_) => Err(format!(
            "{} is not a date format: use strftime fields such as %-d %B %Y or %d.%m.%Y",
            crate::error::echo(format)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 12, 8).unwrap()
    }

    #[test]
    fn english_by_default() {
        let t = Text::default();
        assert_eq!(t.date(day()), "8 December 2024");
        assert_eq!(Text::fill(&t.taken, &[("place", "Hama"), ("faction", "HTS")]), "Hama: taken by HTS");
        assert_eq!(Text::from_entry(&TextEntry::default()), Ok(t));
    }

    #[test]
    fn a_scenario_writes_its_own_words_and_months() {
        let entry = TextEntry {
            date_format: Some("%-d %B %Y р.".into()),
            months: Some(
                [
                    "січня",
                    "лютого",
                    "березня",
                    "квітня",
                    "травня",
                    "червня",
                    "липня",
                    "серпня",
                    "вересня",
                    "жовтня",
                    "листопада",
                    "грудня",
                ]
                .map(String::from)
                .to_vec(),
            ),
            taken: Some("{place}: зайняли {faction}".into()),
            ..TextEntry::default()
        };
        let t = Text::from_entry(&entry).unwrap();
        assert_eq!(t.date(day()), "8 грудня 2024 р.");
        assert_eq!(Text::fill(&t.taken, &[("place", "Херсон"), ("faction", "ЗСУ")]), "Херсон: зайняли ЗСУ");
        assert_eq!(t.this_day, "This day", "what is not given stays English");
    }

    #[test]
    fn bad_entries_name_the_field_and_what_was_expected() {
        let bad = |entry: TextEntry| Text::from_entry(&entry).unwrap_err();
        let p = bad(TextEntry { taken: Some("{place} taken by {side}".into()), ..TextEntry::default() });
        assert_eq!(p.field, "text.taken");
        assert!(p.message.contains("{side}") && p.message.contains("{place}, {faction}"), "{}", p.message);
        let p = bad(TextEntry { months: Some(vec!["Jan".into()]), ..TextEntry::default() });
        assert!(p.field == "text.months" && p.message.contains("found 1"), "{p:?}");
        let p = bad(TextEntry { date_format: Some("%Q".into()), ..TextEntry::default() });
        assert_eq!(p.field, "text.date_format");
        let p = bad(TextEntry { more: Some("and {n more".into()), ..TextEntry::default() });
        assert!(p.message.contains("without its"), "{p:?}");
    }
}
