//! Reading CSV tables with errors that name the file, line and column.

use crate::error::{Error, Location, Result};

/// A CSV file read into memory with its header, ready to be walked row by row.
pub struct Table {
    file: String,
    headers: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    /// Parses CSV text. `file` is the name used in error messages. Every column in
    /// `required` must be present in the header.
    pub fn parse(text: &str, file: &str, required: &[&str]) -> Result<Table> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // Lines starting with `#` are comments (the examples `frontline init` writes).
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .trim(csv::Trim::None)
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        // The csv crate's own line count skips blank lines, so lines are counted from the
        // byte offset instead, incrementally as rows come in order.
        let mut counted = (0usize, 1u64);
        let mut line_at = |byte: usize| {
            let (from, line) = counted;
            // A record's position can point at blank lines before it: skip them.
            let mut byte = byte.min(text.len());
            while byte < text.len() && matches!(text.as_bytes()[byte], b'\n' | b'\r') {
                byte += 1;
            }
            let line = line + text.as_bytes()[from.min(byte)..byte].iter().filter(|b| **b == b'\n').count() as u64;
            counted = (byte, line);
            line
        };
        let headers: Vec<String> =
            reader.headers().map_err(|e| csv_error(file, e))?.iter().map(|h| h.trim().to_string()).collect();
        let missing: Vec<&str> = required.iter().copied().filter(|c| !headers.iter().any(|h| h == c)).collect();
        if let Some(first) = missing.first() {
            // Name what is missing; never echo the line itself, which may not be ours.
            return Err(Error::Data {
                at: Location::line(file, 1).field(*first),
                message: format!(
                    "expected a header line with the columns {}; missing: {} (is this the right file?)",
                    required.join(","),
                    missing.join(", ")
                ),
            });
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(file, e))?;
            let line = record.position().map_or(0, |p| line_at(p.byte() as usize));
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            rows.push((line, record));
        }
        Ok(Table { file: file.to_string(), headers, rows })
    }

    /// The rows, in file order.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|(line, record)| Row { table: self, line: *line, record })
    }

    /// The number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }
}

fn csv_error(file: &str, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line());
    let at = Location { file: file.to_string(), line, field: None };
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("expected {expected_len} fields, found {len} (a stray comma or an unquoted field?)")
        }
        csv::ErrorKind::Utf8 { .. } => {
            "expected UTF-8 text: the file is probably Latin-1 or Windows-1252; save it as UTF-8".to_string()
        }
        _ => format!("unreadable CSV: {e}"),
    };
    Error::Data { at, message }
}

/// One data row of a [`Table`].
pub struct Row<'a> {
    table: &'a Table,
    line: u64,
    record: &'a csv::StringRecord,
}

impl<'a> Row<'a> {
    /// The 1-based line number of the row.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The location of the row, or of one of its fields.
    pub fn at(&self, field: Option<&str>) -> Location {
        let at = Location::line(self.table.file.clone(), self.line);
        match field {
            Some(f) => at.field(f),
            None => at,
        }
    }

    /// The trimmed value of a column, or `""` when the column is absent.
    pub fn get(&self, column: &str) -> &'a str {
        self.table
            .headers
            .iter()
            .position(|h| h == column)
            .and_then(|i| self.record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    /// The value of a column that must not be empty.
    pub fn required(&self, column: &str) -> Result<&'a str> {
        let value = self.get(column);
        if value.is_empty() {
            Err(Error::Parse { at: self.at(Some(column)), expected: "a value".into(), found: String::new() })
        } else {
            Ok(value)
        }
    }

    /// The value of a column, or `None` when empty.
    pub fn optional(&self, column: &str) -> Option<&'a str> {
        Some(self.get(column)).filter(|v| !v.is_empty())
    }

    /// Parses a required column with `FromStr`; `expected` describes a valid value.
    pub fn parse<T: std::str::FromStr>(&self, column: &str, expected: &str) -> Result<T> {
        let value = self.required(column)?;
        value.parse().map_err(|_| Error::Parse {
            at: self.at(Some(column)),
            expected: expected.to_string(),
            found: value.to_string(),
        })
    }

    /// Parses an optional column with `FromStr`.
    pub fn parse_optional<T: std::str::FromStr>(&self, column: &str, expected: &str) -> Result<Option<T>> {
        match self.optional(column) {
            None => Ok(None),
            Some(value) => value.parse().map(Some).map_err(|_| Error::Parse {
                at: self.at(Some(column)),
                expected: expected.to_string(),
                found: value.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_columns_and_ragged_rows_are_named() {
        let err = Table::parse("a,b\n1,2\n", "t.csv", &["a", "c"]).err().unwrap();
        assert!(err.to_string().contains("t.csv:1: field `c`"), "{err}");
        let err = Table::parse("a,b\n1,2\n3\n", "t.csv", &["a"]).err().unwrap();
        assert!(err.to_string().starts_with("t.csv:3: expected 2 fields, found 1"), "{err}");
    }

    #[test]
    fn rows_report_their_lines_and_fields() {
        let t = Table::parse("\u{feff}a,b\n1, x \n\n\"multi\nline\",2\n", "t.csv", &["a"]).unwrap();
        let rows: Vec<_> = t.rows().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].get("b"), "x");
        assert_eq!(rows[1].line(), 4);
        let err = rows[0].parse::<u32>("b", "a whole number").err().unwrap();
        assert_eq!(err.to_string(), "t.csv:2: field `b`: expected a whole number, found \"x\"");
    }
}
