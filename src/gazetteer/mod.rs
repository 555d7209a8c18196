//! The gazetteer: places, their spellings, and resolving a name to one place.

mod normalize;
mod place;

pub use normalize::{CYRILLIC, Folding, TURKIC, UnknownRule, normalize_name};
pub use place::{LabelRule, Place, PlaceId, PlaceKind};

use std::collections::HashMap;

use geo::Coord;

use crate::error::{Error, Location, Result};
use crate::problem::Problem;
use crate::table::{Row, Table};

/// How a name resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Exactly one place.
    Found(PlaceId),
    /// Several places share the name; each must be named by its id.
    Ambiguous(Vec<PlaceId>),
    /// No place has the name; the closest ones, best first.
    Unknown(Vec<PlaceId>),
}

/// A set of places with an index of every spelling.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    places: Vec<Place>,
    by_key: HashMap<String, PlaceId>,
    by_name: HashMap<String, Vec<PlaceId>>,
    by_alias: HashMap<String, Vec<PlaceId>>,
    folding: Folding,
    /// The line of the file each place was read from (indexed by place; empty when the
    /// places were built in code), so that later checks can cite it.
    lines: Vec<u64>,
}

impl Gazetteer {
    /// Builds a gazetteer; the places' ids are set to their positions in `places`.
    /// Duplicate keys are reported as problems against `file`, and the later place is
    /// dropped.
    pub fn new(places: Vec<Place>) -> Gazetteer {
        Gazetteer::with_folding(places, Folding::default())
    }

    /// Builds a gazetteer whose names match under `folding`.
    pub fn with_folding(places: Vec<Place>, folding: Folding) -> Gazetteer {
        let mut g = Gazetteer { folding, ..Gazetteer::default() };
        for mut place in places {
            if g.by_key.contains_key(&place.key.to_lowercase()) {
                continue;
            }
            let id = PlaceId(g.places.len() as u32);
            place.id = id;
            g.by_key.insert(place.key.to_lowercase(), id);
            let name_key = folding.key(&place.name);
            g.by_name.entry(name_key.clone()).or_default().push(id);
            for alias in &place.aliases {
                let k = folding.key(alias);
                if k != name_key && !k.is_empty() {
                    let ids = g.by_alias.entry(k).or_default();
                    if ids.last() != Some(&id) {
                        ids.push(id);
                    }
                }
            }
            g.places.push(place);
        }
        g
    }

    /// Reads a gazetteer CSV (`id,name,aliases,lat,lon,population,admin1,kind,source`;
    /// aliases separated by `|`). Rows that cannot be read are returned as problems and
    /// left out.
    pub fn from_csv(text: &str, file: &str) -> Result<(Gazetteer, Vec<Problem>)> {
        Gazetteer::from_csv_with_folding(text, file, Folding::default())
    }

    /// [`Gazetteer::from_csv`] with names matching under `folding`.
    pub fn from_csv_with_folding(text: &str, file: &str, folding: Folding) -> Result<(Gazetteer, Vec<Problem>)> {
        let table = Table::parse(text, file, &["id", "name", "lat", "lon"])?;
        let mut places = Vec::with_capacity(table.len());
        let mut problems = Vec::new();
        let mut seen: HashMap<String, u64> = HashMap::new();
        let mut lines = Vec::with_capacity(table.len());
        for row in table.rows() {
            match place_from_row(&row) {
                Ok(place) => {
                    if let Some(first) = seen.insert(place.key.to_lowercase(), row.line()) {
                        problems.push(Problem::error(
                            row.at(Some("id")),
                            format!("duplicate id {} (first on line {first})", crate::error::echo(&place.key)),
                        ));
                    } else {
                        places.push(place);
                        lines.push(row.line());
                    }
                }
                Err(e) => problems.push(e.into()),
            }
        }
        // Duplicates were left out above, so every place kept has its line.
        let mut g = Gazetteer::with_folding(places, folding);
        g.lines = lines;
        Ok((g, problems))
    }

    /// The line of the gazetteer file `id` was read from, when it was read from one.
    pub fn line(&self, id: PlaceId) -> Option<u64> {
        self.lines.get(id.index()).copied()
    }

    /// The folding rules its names match under.
    pub fn folding(&self) -> Folding {
        self.folding
    }

    /// The matching key of `name` under this gazetteer's folding rules.
    pub fn name_key(&self, name: &str) -> String {
        self.folding.key(name)
    }

    /// All places, in id order.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The number of places.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// Whether there are no places.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// The place with index `id`.
    pub fn get(&self, id: PlaceId) -> &Place {
        &self.places[id.index()]
    }

    /// The place with stable key `key` (case-insensitive).
    pub fn by_key(&self, key: &str) -> Option<&Place> {
        self.by_key.get(&key.trim().to_lowercase()).map(|id| self.get(*id))
    }

    /// Resolves a name, alias or id.
    ///
    /// Order: an exact id wins; then places whose main name matches; then places with a
    /// matching alias. A match is unique or ambiguous within the first level that has any.
    pub fn resolve(&self, name: &str) -> Resolution {
        match self.find(name) {
            Resolution::Unknown(_) => Resolution::Unknown(self.closest(&self.folding.key(name), 3)),
            known => known,
        }
    }

    /// [`Gazetteer::resolve`] without the suggestions: an unknown name gives
    /// `Unknown` with no places. For callers that only ask whether a name is a place
    /// (the suggestions compare the name with every spelling in the gazetteer).
    pub fn find(&self, name: &str) -> Resolution {
        if let Some(id) = self.by_key.get(&name.trim().to_lowercase()) {
            return Resolution::Found(*id);
        }
        let key = self.folding.key(name);
        for index in [&self.by_name, &self.by_alias] {
            match index.get(&key).map(Vec::as_slice) {
                Some([one]) => return Resolution::Found(*one),
                Some(many) if !many.is_empty() => return Resolution::Ambiguous(many.to_vec()),
                _ => {}
            }
        }
        Resolution::Unknown(Vec::new())
    }

    /// Resolves a name to one place, or explains why not, citing `at`.
    pub fn lookup(&self, name: &str, at: &Location) -> Result<PlaceId> {
        match self.resolve(name) {
            Resolution::Found(id) => Ok(id),
            Resolution::Ambiguous(ids) => Err(Error::AmbiguousPlace {
                at: at.clone(),
                name: name.to_string(),
                candidates: ids.iter().map(|id| self.get(*id).describe()).collect(),
                qualified: self.qualified_forms(name, &ids),
            }),
            Resolution::Unknown(near) => Err(Error::UnknownPlace {
                at: at.clone(),
                name: name.to_string(),
                suggestions: near.iter().map(|id| self.get(*id).describe()).collect(),
            }),
        }
    }

    /// `name, admin1` for each of `ids` whose admin1 region no other of them shares: the
    /// form a row may use to say which of several same-named places it means.
    fn qualified_forms(&self, name: &str, ids: &[PlaceId]) -> Vec<String> {
        let key = |id: &PlaceId| self.folding.key(&self.get(*id).admin1);
        ids.iter()
            .filter(|id| !self.get(**id).admin1.trim().is_empty())
            .filter(|id| ids.iter().filter(|other| key(other) == key(id)).count() == 1)
            .map(|id| format!("{}, {}", name.trim(), self.get(*id).admin1.trim()))
            .take(3)
            .collect()
    }

    /// Places whose names or aliases contain the query (normalised), largest first; an
    /// empty query lists every place.
    pub fn search(&self, query: &str) -> Vec<PlaceId> {
        let key = self.folding.key(query);
        let mut hits: Vec<PlaceId> = self
            .places
            .iter()
            .filter(|p| {
                key.is_empty()
                    || p.key.contains(&query.trim().to_lowercase())
                    || self.folding.key(&p.name).contains(&key)
                    || p.aliases.iter().any(|a| self.folding.key(a).contains(&key))
            })
            .map(|p| p.id)
            .collect();
        hits.sort_by(|a, b| {
            let (pa, pb) = (self.get(*a), self.get(*b));
            pb.population.cmp(&pa.population).then_with(|| pa.key.cmp(&pb.key))
        });
        hits
    }

    /// The `n` places whose spellings are closest to `key`, best first.
    fn closest(&self, key: &str, n: usize) -> Vec<PlaceId> {
        if key.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(f64, PlaceId)> = Vec::new();
        for (spelling, ids) in self.by_name.iter().chain(self.by_alias.iter()) {
            let score = strsim::jaro_winkler(key, spelling);
            for id in ids {
                scored.push((score, *id));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut out: Vec<PlaceId> = Vec::new();
        for (score, id) in scored {
            if score < 0.75 || out.len() == n {
                break;
            }
            if !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }
}

fn place_from_row(row: &Row<'_>) -> Result<Place> {
    let key = row.required("id")?.to_string();
    if key.contains(char::is_whitespace) {
        return Err(Error::Parse { at: row.at(Some("id")), expected: "an id without spaces".into(), found: key });
    }
    let lat: f64 = row.parse("lat", "a latitude in degrees, -90 to 90")?;
    let lon: f64 = row.parse("lon", "a longitude in degrees, -180 to 180")?;
    if !(-90.0..=90.0).contains(&lat) {
        return Err(Error::Parse {
            at: row.at(Some("lat")),
            expected: "a latitude from -90 to 90".into(),
            found: row.get("lat").into(),
        });
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(Error::Parse {
            at: row.at(Some("lon")),
            expected: "a longitude from -180 to 180".into(),
            found: row.get("lon").into(),
        });
    }
    let population = row.parse_optional::<u64>("population", "a whole number of people, or nothing")?;
    let kind = match row.optional("kind") {
        Some(_) => row.parse("kind", "one of city, town, village, base, airport, prison, crossing, zone, mountain")?,
        None => kind_from_population(population),
    };
    Ok(Place {
        id: PlaceId(0),
        key,
        name: row.required("name")?.to_string(),
        aliases: row.get("aliases").split('|').map(str::trim).filter(|a| !a.is_empty()).map(str::to_string).collect(),
        position: Coord { x: lon, y: lat },
        population,
        admin1: row.get("admin1").to_string(),
        kind,
        source: row.get("source").to_string(),
        label: row.parse_optional::<LabelRule>("label", "one of always, never, auto")?.unwrap_or_default(),
    })
}

/// The kind of a settlement when the gazetteer does not say: by population.
pub fn kind_from_population(population: Option<u64>) -> PlaceKind {
    match population.unwrap_or(0) {
        p if p >= 100_000 => PlaceKind::City,
        p if p >= 10_000 => PlaceKind::Town,
        _ => PlaceKind::Village,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "id,name,aliases,lat,lon,population,admin1,kind,source
hama,Hama,Ḩamāh|Hamah,35.13,36.75,696863,Hama,city,t
suran-hama,Şūrān,Suran,35.29,36.74,10000,Hama,town,t
suran-aleppo,Şūrān,Suran,36.47,37.05,,Aleppo,,t
deir-ez-zor,Deir ez-Zor,Dayr az Zawr|Deir el-Zor,35.33,40.14,242565,Deir ez-Zor,city,t
";

    fn gazetteer() -> Gazetteer {
        let (g, problems) = Gazetteer::from_csv(CSV, "g.csv").unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        g
    }

    #[test]
    fn names_aliases_and_ids_resolve() {
        let g = gazetteer();
        let hama = g.by_key("hama").unwrap().id;
        for name in ["Hama", "HAMA", "Ḩamāh", "hama"] {
            assert_eq!(g.resolve(name), Resolution::Found(hama), "{name}");
        }
        let dez = g.by_key("deir-ez-zor").unwrap().id;
        for name in ["Deir el-Zor", "Deir ez-Zor", "Dayr az Zawr", "deir-ez-zor"] {
            assert_eq!(g.resolve(name), Resolution::Found(dez), "{name}");
        }
    }

    #[test]
    fn shared_names_are_ambiguous_but_ids_work() {
        let g = gazetteer();
        match g.resolve("Suran") {
            Resolution::Ambiguous(ids) => assert_eq!(ids.len(), 2),
            other => panic!("expected ambiguity, got {other:?}"),
        }
        let err = g.lookup("Şūrān", &Location::line("e.csv", 7)).err().unwrap().to_string();
        assert!(
            err.contains("e.csv:7") && err.contains("suran-hama (Şūrān, Hama)") && err.contains("suran-aleppo"),
            "{err}"
        );
        assert_eq!(g.resolve("suran-aleppo"), Resolution::Found(g.by_key("suran-aleppo").unwrap().id));
    }

    #[test]
    fn unknown_names_suggest_the_closest() {
        let g = gazetteer();
        let err = g.lookup("Hamma town", &Location::line("e.csv", 3)).err().unwrap().to_string();
        assert!(err.contains("unknown place \"Hamma town\""), "{err}");
        let err = g.lookup("Dier ez-Zor", &Location::line("e.csv", 3)).err().unwrap().to_string();
        assert!(err.contains("did you mean deir-ez-zor"), "{err}");
    }

    #[test]
    fn bad_rows_are_problems_with_their_line_and_field() {
        let csv = "id,name,lat,lon,population\na,A,91,36,\nb,B,35,36,many\nb,B2,35,36,\nb,B3,35,36,\n";
        let (g, problems) = Gazetteer::from_csv(csv, "g.csv").unwrap();
        assert_eq!(g.len(), 1);
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(text[0].starts_with("error: g.csv:2: field `lat`"), "{text:?}");
        assert!(text[1].starts_with("error: g.csv:3: field `population`"), "{text:?}");
        assert!(text[2].contains("g.csv:5: field `id`") && text[2].contains("duplicate id"), "{text:?}");
        assert_eq!(g.get(PlaceId(0)).kind, PlaceKind::Village);
    }

    #[test]
    fn search_finds_by_part_of_a_name() {
        let g = gazetteer();
        let hits = g.search("deir");
        assert_eq!(g.get(hits[0]).key, "deir-ez-zor");
        assert_eq!(g.search("").len(), 4);
    }
}
