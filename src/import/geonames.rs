//! GeoNames' own country dump (`XX.txt`: 19 tab-separated columns, no header) into
//! gazetteer rows, merged with a scenario's existing gazetteer.
//!
//! Columns: geonameid, name, asciiname, alternatenames (comma-separated), latitude,
//! longitude, feature class, feature code, country code, cc2, admin1 code, admin2, admin3,
//! admin4, population, elevation, dem, timezone, modification date. Region names come from
//! `admin1CodesASCII.txt` (`CC.code`, name, ascii name, geonameid).

use std::collections::{HashMap, HashSet};

use crate::error::{Error, Location, Result};
use crate::gazetteer::kind_from_population;

/// Feature codes left out by default: sections of a populated place (city districts, which
/// would otherwise come in as towns bigger than their city) and places that are gone.
pub const DROPPED_CODES: &[&str] = &["PPLX", "PPLH", "PPLQ", "PPLW", "PPLCH"];

/// One populated place of the dump.
#[derive(Debug, Clone, PartialEq)]
pub struct GeoName {
    /// GeoNames' id.
    pub geonameid: u64,
    /// Its name (as GeoNames writes it, with diacritics).
    pub name: String,
    /// Its ASCII name.
    pub ascii: String,
    /// Alternate names in Latin script.
    pub aliases: Vec<String>,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// GeoNames' feature code (PPL, PPLA, PPLC...).
    pub code: String,
    /// The first-level region's name, or its code when the table does not have it.
    pub admin1: String,
    /// Population (0 = unknown).
    pub population: u64,
}

/// What to keep of a dump.
#[derive(Debug, Clone)]
pub struct Filter {
    /// The least population kept (places with unknown population count as 0).
    pub min_population: u64,
    /// Keep the codes in [`DROPPED_CODES`] too.
    pub all_codes: bool,
}

/// Reads `admin1CodesASCII.txt` into `code → name` (e.g. `SY.13` → `Damascus`), `file`
/// naming it in errors. Every line must be GeoNames' four tab-separated columns (`CC.code`,
/// name, ASCII name, geonameid): a file of another format would otherwise turn raw codes
/// ("01") into region names without a word.
pub fn read_admin1(text: &str, file: &str) -> Result<HashMap<String, String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let at = Location::line(file, i as u64 + 1);
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 4 {
            return Err(Error::Data {
                at,
                message: format!(
                    "expected the 4 tab-separated columns of GeoNames' admin1CodesASCII.txt (code, name, ASCII name, geonameid), found {}",
                    f.len()
                ),
            });
        }
        let code = f[0].trim();
        let shaped = code.split_once('.').is_some_and(|(country, region)| {
            country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()) && !region.is_empty()
        });
        if !shaped {
            return Err(Error::Parse {
                at: at.field("code"),
                expected: "a code as CC.X, e.g. SY.13".into(),
                found: code.to_string(),
            });
        }
        if f[1].trim().is_empty() {
            return Err(Error::Parse {
                at: at.field("name"),
                expected: "the region's name".into(),
                found: String::new(),
            });
        }
        if f[3].trim().parse::<u64>().is_err() {
            return Err(Error::Parse {
                at: at.field("geonameid"),
                expected: "a whole number".into(),
                found: f[3].to_string(),
            });
        }
        out.insert(code.to_string(), f[1].trim().to_string());
    }
    if out.is_empty() {
        return Err(Error::Data {
            at: Location::file(file),
            message: "expected GeoNames' admin1CodesASCII.txt, found no rows".into(),
        });
    }
    Ok(out)
}

/// Whether a name is written in Latin script (letters up to Latin Extended Additional).
fn is_latin(name: &str) -> bool {
    name.chars().all(|c| !c.is_alphabetic() || (c as u32) < 0x250 || (0x1e00..0x1f00).contains(&(c as u32)))
}

/// Reads the populated places (feature class P) of a dump, `file` naming it in errors.
pub fn read_dump(text: &str, file: &str, admin1: &HashMap<String, String>, filter: &Filter) -> Result<Vec<GeoName>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let at = Location::line(file, i as u64 + 1);
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 19 {
            return Err(Error::Data {
                at,
                message: format!(
                    "expected the 19 tab-separated columns of a GeoNames dump (XX.txt), found {}",
                    f.len()
                ),
            });
        }
        if f[6] != "P" || (!filter.all_codes && DROPPED_CODES.contains(&f[7])) {
            continue;
        }
        let number = |k: usize, what: &str| -> Result<f64> {
            f[k].trim().parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| Error::Parse {
                at: at.field(what),
                expected: format!("a number ({what})"),
                found: f[k].to_string(),
            })
        };
        // A position `check` would refuse is refused here, before anything is written.
        let degrees = |k: usize, what: &str, limit: f64| -> Result<f64> {
            let v = number(k, what)?;
            if v.abs() <= limit {
                Ok(v)
            } else {
                Err(Error::Parse {
                    at: at.field(what),
                    expected: format!("a {what} in degrees, -{limit} to {limit}"),
                    found: f[k].to_string(),
                })
            }
        };
        let (lat, lon) = (degrees(4, "latitude", 90.0)?, degrees(5, "longitude", 180.0)?);
        let population = if f[14].trim().is_empty() { 0 } else { number(14, "population")?.max(0.0) as u64 };
        if population < filter.min_population {
            continue;
        }
        let code = format!("{}.{}", f[8], f[10]);
        let mut aliases: Vec<String> = f[3]
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty() && *a != f[1] && is_latin(a))
            // All-lowercase names in GeoNames are machine romanisations of other scripts.
            .filter(|a| a.chars().any(char::is_uppercase))
            .map(str::to_string)
            .collect();
        if f[2] != f[1] && !f[2].is_empty() {
            aliases.insert(0, f[2].to_string());
        }
        aliases.dedup();
        out.push(GeoName {
            geonameid: f[0].trim().parse().map_err(|_| Error::Parse {
                at: at.field("geonameid"),
                expected: "a whole number".into(),
                found: f[0].to_string(),
            })?,
            name: f[1].to_string(),
            ascii: f[2].to_string(),
            aliases,
            lat,
            lon,
            code: f[7].to_string(),
            admin1: admin1.get(&code).cloned().unwrap_or_else(|| f[10].to_string()),
            population,
        });
    }
    Ok(out)
}

/// A lowercase ASCII id from a name: `Deir ez-Zor` → `deir-ez-zor`.
pub fn slug(name: &str) -> String {
    let ascii = deunicode::deunicode(name).to_lowercase();
    let mut out = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

use super::GAZETTEER_COLUMNS as COLUMNS;

/// What a merge did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Merged {
    /// Places added.
    pub added: usize,
    /// Places already in the gazetteer (by GeoNames id), left as they were.
    pub kept: usize,
}

/// Merges `places` into the gazetteer CSV `existing` (may be empty) and returns the new
/// CSV. A place whose GeoNames id is already there (`source` = `GeoNames <id>`) is left
/// exactly as it is, so edits to its position, population or name survive a re-import.
/// New places get unique ids: the name's slug; then with the region's; then a number.
pub fn merge(existing: &str, file: &str, places: &[GeoName]) -> Result<(String, Merged)> {
    let mut headers: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    let mut rows: Vec<HashMap<String, String>> = Vec::new();
    if !existing.trim().is_empty() {
        // Comment lines (`init`'s example row among them) are never places.
        let mut reader = csv::ReaderBuilder::new().flexible(true).comment(Some(b'#')).from_reader(existing.as_bytes());
        let h: Vec<String> = reader
            .headers()
            .map_err(|e| Error::Data { at: Location::file(file), message: format!("unreadable CSV: {e}") })?
            .iter()
            .map(|s| s.trim().to_string())
            .collect();
        let extras: Vec<String> = h.iter().filter(|c| !headers.contains(c)).cloned().collect();
        headers.extend(extras);
        for (i, record) in reader.records().enumerate() {
            let record = record.map_err(|e| Error::Data {
                at: Location::line(file, e.position().map_or(i as u64 + 2, |p| p.line())),
                message: format!("unreadable CSV: {e}"),
            })?;
            rows.push(h.iter().cloned().zip(record.iter().map(str::to_string)).collect());
        }
    }
    let known: HashSet<String> =
        rows.iter().filter_map(|r| r.get("source")).filter(|s| s.starts_with("GeoNames ")).cloned().collect();
    let mut ids: HashSet<String> = rows.iter().filter_map(|r| r.get("id")).map(|s| s.to_lowercase()).collect();
    // Names shared within the new places decide whether the region goes into the id.
    let mut name_count: HashMap<String, usize> = HashMap::new();
    for p in places {
        *name_count.entry(slug(&p.name)).or_default() += 1;
    }
    let mut merged = Merged::default();
    let mut fresh: Vec<&GeoName> =
        places.iter().filter(|p| !known.contains(&format!("GeoNames {}", p.geonameid))).collect();
    merged.kept = places.len() - fresh.len();
    fresh.sort_by(|a, b| b.population.cmp(&a.population).then(a.geonameid.cmp(&b.geonameid)));
    for p in fresh {
        let base = if slug(&p.name).is_empty() { format!("place-{}", p.geonameid) } else { slug(&p.name) };
        let mut id = if name_count[&slug(&p.name)] > 1 || ids.contains(&base) {
            format!("{base}-{}", slug(&p.admin1))
        } else {
            base.clone()
        };
        let mut n = 2;
        while ids.contains(&id) {
            id = format!("{base}-{}-{n}", slug(&p.admin1));
            n += 1;
        }
        ids.insert(id.clone());
        let population = (p.population > 0).then_some(p.population);
        let row: HashMap<String, String> = [
            ("id", id),
            ("name", p.name.clone()),
            ("aliases", p.aliases.join("|")),
            ("lat", format!("{:.5}", p.lat)),
            ("lon", format!("{:.5}", p.lon)),
            ("population", population.map(|v| v.to_string()).unwrap_or_default()),
            ("admin1", p.admin1.clone()),
            ("kind", kind_from_population(population).as_str().to_string()),
            ("source", format!("GeoNames {}", p.geonameid)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        rows.push(row);
        merged.added += 1;
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let write_error = |e: csv::Error| Error::Data { at: Location::file(file), message: e.to_string() };
    w.write_record(&headers).map_err(write_error)?;
    for r in &rows {
        w.write_record(headers.iter().map(|h| r.get(h).map(String::as_str).unwrap_or(""))).map_err(write_error)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Data { at: Location::file(file), message: e.to_string() })?;
    let csv =
        super::with_comments(String::from_utf8(bytes).expect("CSV of UTF-8 fields"), &super::comment_lines(existing));
    Ok((csv, merged))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: u64, name: &str, ascii: &str, alt: &str, code: &str, admin: &str, pop: u64) -> String {
        format!(
            "{id}\t{name}\t{ascii}\t{alt}\t50.45\t30.52\tP\t{code}\tUA\t\t{admin}\t\t\t\t{pop}\t\t179\tEurope/Kyiv\t2024-01-01"
        )
    }

    #[test]
    fn sections_and_lost_places_are_dropped_and_same_names_get_region_ids() {
        let dump = [
            line(1, "Kyiv", "Kyiv", "Kiev,Kijów,Киев,kyiv", "PPLC", "12", 2_900_000),
            line(2, "Podil", "Podil", "", "PPLX", "12", 200_000),
            line(3, "Pokrovsk", "Pokrovsk", "", "PPL", "05", 60_000),
            line(4, "Pokrovsk", "Pokrovsk", "", "PPL", "13", 3_000),
            line(5, "Old Town", "Old Town", "", "PPLQ", "13", 0),
        ]
        .join("\n");
        let admin1 = read_admin1(
            "UA.12\tKyiv City\tKyiv City\t1\nUA.05\tDonetsk\tDonetsk\t2\nUA.13\tDnipropetrovsk\tDnipropetrovsk\t3\n",
            "admin1.txt",
        )
        .unwrap();
        let places = read_dump(&dump, "UA.txt", &admin1, &Filter { min_population: 0, all_codes: false }).unwrap();
        assert_eq!(places.iter().map(|p| p.geonameid).collect::<Vec<_>>(), vec![1, 3, 4]);
        assert_eq!(places[0].aliases, vec!["Kiev", "Kijów"], "Latin names only, no machine romanisation");
        let (csv, merged) = merge("", "gazetteer.csv", &places).unwrap();
        assert_eq!(merged, Merged { added: 3, kept: 0 });
        assert!(
            csv.contains("\npokrovsk-donetsk,Pokrovsk,") && csv.contains("\npokrovsk-dnipropetrovsk,Pokrovsk,"),
            "{csv}"
        );
        assert!(csv.contains("\nkyiv,Kyiv,Kiev|Kijów,50.45000,30.52000,2900000,Kyiv City,city,GeoNames 1"), "{csv}");
        // A re-import keeps the user's edits and adds only what is new.
        let edited = csv.replace("50.45000,30.52000,2900000", "50.40000,30.60000,3000000");
        let (again, merged) = merge(&edited, "gazetteer.csv", &places).unwrap();
        assert_eq!(merged, Merged { added: 0, kept: 3 });
        assert_eq!(again, edited);
    }

    #[test]
    fn a_file_of_another_format_is_an_error_with_its_line() {
        let err =
            read_dump("id,name\n1,Kyiv\n", "UA.txt", &HashMap::new(), &Filter { min_population: 0, all_codes: false })
                .unwrap_err()
                .to_string();
        assert!(err.contains("UA.txt:1") && err.contains("19 tab-separated columns"), "{err}");
    }

    #[test]
    fn positions_off_the_globe_are_errors_naming_line_and_field() {
        let filter = Filter { min_population: 0, all_codes: false };
        for (lat, lon, field) in [
            ("91", "30.52", "latitude"),
            ("999", "30.52", "latitude"),
            ("50.4", "-180.5", "longitude"),
            ("NaN", "30", "latitude"),
            ("50", "inf", "longitude"),
        ] {
            let bad = line(2, "B", "B", "", "PPL", "12", 1).replace("50.45\t30.52", &format!("{lat}\t{lon}"));
            let dump = format!("{}\n{bad}", line(1, "Kyiv", "Kyiv", "", "PPLC", "12", 1));
            let err = read_dump(&dump, "UA.txt", &HashMap::new(), &filter).unwrap_err().to_string();
            assert!(err.starts_with(&format!("UA.txt:2: field `{field}`")), "{lat},{lon}: {err}");
        }
    }

    #[test]
    fn an_admin1_table_of_another_format_is_an_error_with_its_line() {
        let err = read_admin1("UA.12\tKyiv City\tKyiv City\t1\n01,Kyiv\n", "admin1.txt").unwrap_err().to_string();
        assert!(err.starts_with("admin1.txt:2: expected the 4 tab-separated columns"), "{err}");
        let err = read_admin1("01\tKyiv\tKyiv\t1\n", "admin1.txt").unwrap_err().to_string();
        assert!(err.starts_with("admin1.txt:1: field `code`"), "{err}");
        assert!(read_admin1("\n", "admin1.txt").is_err());
    }
}
