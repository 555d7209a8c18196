//! Importers that turn other people's data into a scenario's files.
//!
//! - [`geonames`]: GeoNames' country dump into gazetteer rows, merged with the user's.
//! - [`acled`]: ACLED exports into event rows (territory changes only).
//! - [`wikimap`]: Wikipedia's detailed-map modules into places, a baseline and dated rows.

pub mod acled;
pub mod geonames;
pub mod wikimap;

use std::collections::{BTreeMap, HashSet};

use crate::error::{Error, Location, Result};

/// The comment lines of a CSV table's text (lines starting with `#` where a row starts, as
/// the loaders read them: `init`'s examples, the user's notes), in order. Quotes are
/// followed so that a `#` at the start of a line inside a quoted field is not taken for one.
fn comment_lines(text: &str) -> Vec<&str> {
    let mut in_quotes = false;
    let mut out = Vec::new();
    for line in text.split_inclusive('\n') {
        if !in_quotes && line.starts_with('#') {
            out.push(line.trim_end_matches(['\n', '\r']));
            continue;
        }
        in_quotes ^= line.bytes().filter(|b| *b == b'"').count() % 2 == 1;
    }
    out
}

/// `csv` (a header line, then rows) with `comments` put back right under the header: an
/// import never reads a comment as a row, and never drops one.
fn with_comments(csv: String, comments: &[&str]) -> String {
    if comments.is_empty() {
        return csv;
    }
    let (head, rows) = csv.split_once('\n').unwrap_or((csv.as_str(), ""));
    let mut out = String::with_capacity(csv.len() + comments.iter().map(|c| c.len() + 1).sum::<usize>());
    out.push_str(head);
    out.push('\n');
    for c in comments {
        out.push_str(c);
        out.push('\n');
    }
    out.push_str(rows);
    out
}

/// The columns of a gazetteer the importers write (an existing file's extra columns are
/// kept after them).
pub const GAZETTEER_COLUMNS: [&str; 9] =
    ["id", "name", "aliases", "lat", "lon", "population", "admin1", "kind", "source"];

/// Merges rows into a CSV table's text: keeps its columns, rows and comment lines in order, adds any new
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
    Ok(with_comments(String::from_utf8(bytes).expect("CSV of UTF-8 fields"), &comment_lines(text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_kept_under_the_header_and_never_read_as_rows() {
        let text = "id,note\n# an example,row\na,\"two\n# lines\"\n# a note\n";
        assert_eq!(comment_lines(text), ["# an example,row", "# a note"]);
        let merged = merge_rows(text, "t.csv", &["id", "note"], "id", &HashSet::new(), &[]).unwrap();
        assert_eq!(merged, "id,note\n# an example,row\n# a note\na,\"two\n# lines\"\n");
    }
}
