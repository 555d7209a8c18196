//! Printing records as an aligned table, CSV or JSON.

use std::io::Write;

use serde::Serialize;
use serde_json::Value;

/// How a command prints its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    Table,
    /// A JSON array of objects.
    Json,
    /// CSV with a header row.
    Csv,
}

/// Renders records (structs serialised as flat JSON objects) in `format`.
/// In table and CSV form, list values are joined with "; " and nested objects are left out.
pub fn render<T: Serialize>(records: &[T], format: Format) -> anyhow::Result<String> {
    let values: Vec<Value> = records.iter().map(serde_json::to_value).collect::<Result<_, _>>()?;
    Ok(match format {
        Format::Json => serde_json::to_string_pretty(&values)? + "\n",
        Format::Csv => {
            let (headers, rows) = flatten(&values);
            // Text from data must not become a spreadsheet formula; numbers stay numbers.
            let rows = values.iter().zip(rows).map(|(v, row)| {
                headers.iter().zip(row).map(|(h, c)| match v.get(h) {
                    Some(Value::Number(_)) => c,
                    _ => frontline::export::spreadsheet_safe(&c).into_owned(),
                })
            });
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&headers)?;
            for row in rows {
                w.write_record(row)?;
            }
            String::from_utf8(w.into_inner()?)?
        }
        Format::Table => {
            let (headers, rows) = flatten(&values);
            table(&headers, &rows)
        }
    })
}

/// Fields that hold lists of claims: too deep for a table or CSV cell, printed in JSON only.
const NESTED: &[&str] = &["evidence", "disputed_by"];

fn flatten(values: &[Value]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut headers: Vec<String> = Vec::new();
    for v in values {
        if let Value::Object(map) = v {
            for (k, field) in map {
                let nested = NESTED.contains(&k.as_str()) || field.is_object() || is_list_of_objects(field);
                if !nested && !headers.contains(k) {
                    headers.push(k.clone());
                }
            }
        }
    }
    let rows =
        values.iter().map(|v| headers.iter().map(|h| cell(v.get(h).unwrap_or(&Value::Null))).collect()).collect();
    (headers, rows)
}

fn is_list_of_objects(v: &Value) -> bool {
    v.as_array().is_some_and(|a| a.iter().any(Value::is_object))
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

/// Aligns columns with two spaces between them. On a terminal, long cells are shortened
/// with "…" so rows fit; into a file or a pipe nothing is cut.
pub fn table(headers: &[String], rows: &[Vec<String>]) -> String {
    use std::io::IsTerminal;
    let max = if std::io::stdout().is_terminal() { 60 } else { usize::MAX };
    let shorten = |s: &str| -> String {
        if s.chars().count() > max { s.chars().take(max - 1).collect::<String>() + "…" } else { s.to_string() }
    };
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| shorten(c)).collect()).collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let mut out = String::new();
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            out.push_str(c);
            if i + 1 < cells.len() {
                out.push_str(&" ".repeat(w - c.chars().count() + 2));
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(headers);
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}

/// Fails when standard output was closed (`>&-`): what is written would be lost without a
/// word. Rust's runtime reopens a closed standard stream on `/dev/null`, read-write, before
/// `main`; a shell's `> /dev/null` opens it write-only. So on Linux, `/dev/null` open
/// read-write on descriptor 1 means the caller closed it.
pub fn check_stdout() -> anyhow::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let target = std::fs::read_link("/proc/self/fd/1").ok();
        let read_write = std::fs::read_to_string("/proc/self/fdinfo/1").ok().and_then(|info| {
            let flags = info.lines().find_map(|l| l.strip_prefix("flags:"))?.trim().to_string();
            u32::from_str_radix(&flags, 8).ok().map(|f| f & 0o3 == 0o2)
        });
        if target.as_deref() == Some(std::path::Path::new("/dev/null")) && read_write == Some(true) {
            anyhow::bail!("standard output is closed: nothing could be written (redirect it to a file, or use --out)");
        }
    }
    Ok(())
}

/// Writes to stdout; a closed pipe (`| head`) is not an error, a closed stdout is.
pub fn print(text: &str) -> anyhow::Result<()> {
    check_stdout()?;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct R {
        name: &'static str,
        n: u32,
        tags: Vec<&'static str>,
    }

    #[test]
    fn records_print_in_every_format() {
        let rs = [R { name: "Hama", n: 1, tags: vec!["a", "b"] }, R { name: "Homs, city", n: 22, tags: vec![] }];
        assert_eq!(render(&rs, Format::Table).unwrap(), "name        n   tags\nHama        1   a; b\nHoms, city  22\n");
        assert_eq!(render(&rs, Format::Csv).unwrap(), "name,n,tags\nHama,1,a; b\n\"Homs, city\",22,\n");
        let json: Value = serde_json::from_str(&render(&rs, Format::Json).unwrap()).unwrap();
        assert_eq!(json[1]["n"], 22);
    }

    #[derive(Serialize)]
    struct Signed {
        name: &'static str,
        lon: f64,
    }

    #[test]
    fn csv_text_cannot_be_a_formula_and_numbers_stay_numbers() {
        let rs = [Signed { name: "=HYPERLINK(\"http://x\")", lon: -70.5 }, Signed { name: "@SUM(A1)", lon: 1.0 }];
        assert_eq!(
            render(&rs, Format::Csv).unwrap(),
            "name,lon\n\"'=HYPERLINK(\"\"http://x\"\")\",-70.5\n'@SUM(A1),1.0\n"
        );
    }
}
