//! Importers that turn other people's data into a scenario's files.
//!
//! - [`geonames`]: GeoNames' country dump into gazetteer rows, merged with the user's.
//! - [`acled`]: ACLED exports into event rows (territory changes only).

pub mod acled;
pub mod geonames;

use std::collections::{BTreeMap, HashSet};

use crate::error::{Error, Location, Result};

/// Merges rows into a CSV table's text: keeps its columns and rows in order, adds any new
/// column at the end, drops the rows whose `key` column is in `replaced`, and appends
/// `rows` (column → value). An empty `existing` starts from `columns`.
pub fn merge_rows(
    existing: &str,
    file: &str,
    columns: &[&str],
    key: &str,
    replaced: &HashSet<String>,
    rows: &[BTreeMap<String, String>],
) -> Result<String> {
    let unreadable = |e: csv::Error| Error::Data { at: Location::file(file), message: format!("unreadable CSV: {e}") };
    let mut headers: Vec<String> = Vec::new();
    let mut kept: Vec<BTreeMap<String, String>> = Vec::new();
    let text = existing.strip_prefix('\u{feff}').unwrap_or(existing);
    if !text.trim().is_empty() {
        let mut reader = csv::ReaderBuilder::new().flexible(true).comment(Some(b'#')).from_reader(text.as_bytes());
        headers = reader.headers().map_err(unreadable)?.iter().map(|h| h.trim().to_string()).collect();
        for record in reader.records() {
            let record = record.map_err(unreadable)?;
            let row: BTreeMap<String, String> =
                headers.iter().cloned().zip(record.iter().map(str::to_string)).collect();
            if !row.get(key).is_some_and(|k| replaced.contains(k)) {
                kept.push(row);
            }
        }
    }
    for c in columns.iter().map(|c| c.to_string()).chain(rows.iter().flat_map(|r| r.keys().cloned())) {
        if !headers.contains(&c) {
            headers.push(c);
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers).map_err(unreadable)?;
    for row in kept.iter().chain(rows) {
        w.write_record(headers.iter().map(|h| row.get(h).map(String::as_str).unwrap_or(""))).map_err(unreadable)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Data { at: Location::file(file), message: e.to_string() })?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 fields"))
}
