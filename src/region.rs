//! Regions: sets of places an event row can name instead of one place.
//!
//! Two kinds exist. Every distinct `admin1` value of the gazetteer is a region, named the
//! way reports name provinces and districts ("Latakia Governorate", "Latakia province",
//! "the province of Latakia", "Kalbajar District", "Lachin rayon", "Kharkiv oblast", "the
//! Lachin area"). A scenario may add named areas in `areas.geojson` (polygons with a `name`,
//! e.g. "Eastern Ghouta"): an area holds the places inside its polygon.

use std::collections::HashMap;

use geo::{Contains, MultiPolygon};
use serde::Serialize;

use crate::error::{Error, Location, Result};
use crate::gazetteer::{Folding, Gazetteer, PlaceId, Resolution};

/// Index of a region in its scenario's region list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct RegionId(pub u32);

impl RegionId {
    /// The index as a `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where a region comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RegionKind {
    /// A first-level administrative region of the gazetteer (a governorate, a province).
    Admin1,
    /// A named area drawn in the scenario's `areas.geojson`.
    Area,
}

impl RegionKind {
    /// The word used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            RegionKind::Admin1 => "admin1",
            RegionKind::Area => "area",
        }
    }
}

/// A named set of places.
#[derive(Debug, Clone)]
pub struct Region {
    /// Its index.
    pub id: RegionId,
    /// Its name: the admin1 value, or the area's `name`.
    pub name: String,
    /// Admin1 region or named area.
    pub kind: RegionKind,
    /// The places it holds, in place order.
    pub members: Vec<PlaceId>,
    /// The area's outline (lon/lat), for named areas.
    pub shape: Option<MultiPolygon<f64>>,
    /// Where the area's outline comes from (named areas), or empty.
    pub note: String,
}

/// A named area as read from `areas.geojson`.
#[derive(Debug, Clone)]
pub struct AreaInput {
    /// The name rows use.
    pub name: String,
    /// Other spellings.
    pub aliases: Vec<String>,
    /// The outline, lon/lat.
    pub shape: MultiPolygon<f64>,
    /// Where the outline comes from.
    pub note: String,
}

/// How a name read as a region resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionMatch {
    /// The text is not written as a region ("X Governorate", "X province", an area name).
    NotARegion,
    /// A region.
    Found(RegionId),
    /// Written as a province, but no admin1 region has that name; the known names.
    UnknownAdmin1 {
        /// The name inside the province form, e.g. "Latakkia".
        name: String,
        /// Every admin1 name of the gazetteer.
        known: Vec<String>,
    },
}

/// Every region of a scenario, with their spellings.
#[derive(Debug, Clone, Default)]
pub struct Regions {
    regions: Vec<Region>,
    admin1_by_key: HashMap<String, RegionId>,
    area_by_key: HashMap<String, RegionId>,
    folding: Folding,
}

/// The words that mark a name as an admin1 region, after or before the name: the English
/// words reports use for a first-level region or district in any country, and the local
/// words GeoNames keeps in admin1 names (muhafazah, wilayah, rayonu, oblast).
const SUFFIXES: &[&str] = &[
    " governorate",
    " governate",
    " province",
    " region",
    " district",
    " rayon",
    " raion",
    " rayonu",
    " oblast",
    " oblast'",
    " county",
    " state",
    " municipality",
    " area",
    " muhafazah",
    " wilayah",
];
const PREFIXES: &[&str] =
    &["governorate of ", "province of ", "region of ", "district of ", "county of ", "state of ", "municipality of "];

/// Whether `text` is written as a region ("Kalbajar District", "the Lachin area"), whether or
/// not a region of that name exists.
pub fn is_region_form(text: &str) -> bool {
    province_form(text).is_some()
}

/// The name inside a province form ("the province of Latakia" → "Latakia"), if the text
/// has that form.
fn province_form(text: &str) -> Option<&str> {
    let t = text.trim();
    let lower = t.to_lowercase();
    let (t, lower) = match lower.strip_prefix("the ") {
        Some(rest) => (&t[t.len() - rest.len()..], rest.to_string()),
        None => (t, lower),
    };
    for suffix in SUFFIXES {
        if lower.ends_with(suffix) && lower.len() > suffix.len() {
            return Some(t[..t.len() - suffix.len()].trim());
        }
    }
    for prefix in PREFIXES {
        if lower.starts_with(prefix) && lower.len() > prefix.len() {
            return Some(t[prefix.len()..].trim());
        }
    }
    None
}

/// The ways `text` may split into a place name and the region qualifying it: at its last
/// comma ("Fuzuli, Fuzuli District") or its last " in " ("Fuzuli in Fuzuli District").
fn qualified_parts(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    if let Some(i) = text.rfind(',') {
        out.push((text[..i].trim(), text[i + 1..].trim()));
    }
    let lower = text.to_ascii_lowercase();
    if let Some(i) = lower.rfind(" in ") {
        out.push((text[..i].trim(), text[i + 4..].trim()));
    }
    out.retain(|(name, qualifier)| !name.is_empty() && !qualifier.is_empty());
    out
}

/// The matching key of an admin1 name, without any "Governorate" it carries
/// ("Damascus Governorate" and "Damascus province" meet).
fn admin1_key(name: &str, folding: Folding) -> String {
    folding.key(province_form(name).unwrap_or(name))
}

impl Regions {
    /// The admin1 regions of `gazetteer` (in order of first appearance) followed by the
    /// named `areas` (each holding the places inside its outline).
    pub fn new(gazetteer: &Gazetteer, areas: Vec<AreaInput>) -> Regions {
        let mut r = Regions { folding: gazetteer.folding(), ..Regions::default() };
        for place in gazetteer.places() {
            if place.admin1.trim().is_empty() {
                continue;
            }
            let key = admin1_key(&place.admin1, r.folding);
            let id = *r.admin1_by_key.entry(key).or_insert_with(|| {
                let id = RegionId(r.regions.len() as u32);
                r.regions.push(Region {
                    id,
                    name: place.admin1.clone(),
                    kind: RegionKind::Admin1,
                    members: Vec::new(),
                    shape: None,
                    note: String::new(),
                });
                id
            });
            r.regions[id.index()].members.push(place.id);
        }
        for area in areas {
            let id = RegionId(r.regions.len() as u32);
            let members =
                gazetteer.places().iter().filter(|p| area.shape.contains(&p.position)).map(|p| p.id).collect();
            for spelling in std::iter::once(&area.name).chain(&area.aliases) {
                r.area_by_key.entry(r.folding.key(spelling)).or_insert(id);
            }
            r.regions.push(Region {
                id,
                name: area.name,
                kind: RegionKind::Area,
                members,
                shape: Some(area.shape),
                note: area.note,
            });
        }
        r
    }

    /// Every region, admin1 regions first.
    pub fn all(&self) -> &[Region] {
        &self.regions
    }

    /// The region with index `id`.
    pub fn get(&self, id: RegionId) -> &Region {
        &self.regions[id.index()]
    }

    /// Reads `text` as a region: a named area's name or alias, or an admin1 name in a
    /// province form ("Latakia Governorate", "Latakia province", "the province of
    /// Latakia"). A bare admin1 name ("Latakia") is not a region: it is usually also a
    /// town.
    pub fn resolve(&self, text: &str) -> RegionMatch {
        if let Some(id) = self.area_by_key.get(&self.folding.key(text)) {
            return RegionMatch::Found(*id);
        }
        let Some(name) = province_form(text) else {
            return RegionMatch::NotARegion;
        };
        match self.admin1_by_key.get(&self.folding.key(name)) {
            Some(id) => RegionMatch::Found(*id),
            None => RegionMatch::UnknownAdmin1 {
                name: name.to_string(),
                known: self.regions.iter().filter(|r| r.kind == RegionKind::Admin1).map(|r| r.name.clone()).collect(),
            },
        }
    }

    /// A region named as a qualifier may be ("Fuzuli District", "Fuzuli", an area's name).
    fn qualifier(&self, text: &str) -> Option<RegionId> {
        match self.resolve(text) {
            RegionMatch::Found(id) => Some(id),
            _ => self.admin1_by_key.get(&self.folding.key(text)).copied(),
        }
    }

    /// Resolves a place name as rows write it: a name, alias or id, or a name qualified by
    /// the region it is in ("Fuzuli, Fuzuli District", "Fuzuli in Fuzuli District",
    /// "Suran, Hama"), which picks one of several same-named places. Errors as
    /// [`Gazetteer::lookup`] does, citing `at`.
    pub fn lookup_place(&self, gazetteer: &Gazetteer, text: &str, at: &Location) -> Result<PlaceId> {
        if let Resolution::Found(id) = gazetteer.find(text) {
            return Ok(id);
        }
        for (name, qualifier) in qualified_parts(text) {
            let Some(region) = self.qualifier(qualifier) else { continue };
            let members = &self.get(region).members;
            let candidates = match gazetteer.find(name) {
                Resolution::Found(id) => vec![id],
                Resolution::Ambiguous(ids) => ids,
                Resolution::Unknown(_) => continue,
            };
            let inside: Vec<PlaceId> = candidates.iter().copied().filter(|id| members.contains(id)).collect();
            match inside.as_slice() {
                [one] => return Ok(*one),
                [] => {
                    return Err(Error::Parse {
                        at: at.clone(),
                        expected: format!(
                            "a place {} in the region {}: the places of that name are {}",
                            crate::error::echo(name),
                            crate::error::echo(&self.get(region).name),
                            candidates.iter().map(|id| gazetteer.get(*id).describe()).collect::<Vec<_>>().join(", ")
                        ),
                        found: text.to_string(),
                    });
                }
                many => {
                    return Err(Error::AmbiguousPlace {
                        at: at.clone(),
                        name: text.to_string(),
                        candidates: many.iter().map(|id| gazetteer.get(*id).describe()).collect(),
                        qualified: Vec::new(),
                    });
                }
            }
        }
        // The error for the whole text, with its suggestions.
        gazetteer.lookup(text, at)
    }

    /// Regions whose names contain `query` (normalised); all regions for an empty query.
    pub fn search(&self, query: &str) -> Vec<RegionId> {
        let key = admin1_key(query, self.folding);
        self.regions
            .iter()
            .filter(|r| key.is_empty() || admin1_key(&r.name, self.folding).contains(&key))
            .map(|r| r.id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Coord, Rect};

    fn gazetteer() -> Gazetteer {
        let csv = "id,name,aliases,lat,lon,population,admin1,kind,source
latakia,Latakia,,35.52,35.79,383786,Latakia,city,t
jableh,Jableh,,35.36,35.93,65915,Latakia,town,t
damascus,Damascus,,33.51,36.29,1569394,Damascus Governorate,city,t
douma,Douma,,33.57,36.40,110893,Rif-dimashq,city,t
";
        Gazetteer::from_csv(csv, "g.csv").unwrap().0
    }

    #[test]
    fn province_forms_resolve_and_bare_names_do_not() {
        let g = gazetteer();
        let r = Regions::new(&g, Vec::new());
        let latakia = RegionMatch::Found(RegionId(0));
        for text in ["Latakia Governorate", "Latakia province", "the province of Latakia", "LATAKIA PROVINCE"] {
            assert_eq!(r.resolve(text), latakia, "{text}");
        }
        assert_eq!(r.resolve("Latakia"), RegionMatch::NotARegion);
        assert_eq!(r.resolve("Damascus Governorate"), RegionMatch::Found(RegionId(1)));
        assert_eq!(r.resolve("Rif Dimashq Governorate"), RegionMatch::Found(RegionId(2)));
        assert!(matches!(r.resolve("Aleppo province"), RegionMatch::UnknownAdmin1 { .. }));
        assert_eq!(r.get(RegionId(0)).members, vec![PlaceId(0), PlaceId(1)]);
    }

    #[test]
    fn district_words_in_every_form_name_regions() {
        let g = gazetteer();
        let r = Regions::new(&g, Vec::new());
        let latakia = RegionMatch::Found(RegionId(0));
        for text in [
            "Latakia District",
            "Latakia rayon",
            "Latakia Raion",
            "Latakia oblast",
            "Latakia County",
            "Latakia State",
            "Latakia Municipality",
            "the Latakia area",
            "the district of Latakia",
        ] {
            assert_eq!(r.resolve(text), latakia, "{text}");
        }
    }

    #[test]
    fn a_name_qualified_by_its_region_picks_one_of_several_places() {
        let csv = "id,name,aliases,lat,lon,population,admin1,kind,source
fuzuli-town,Fuzuli,,39.60,47.14,17000,Fuzuli,town,t
fuzuli-village,Fuzuli,,40.10,46.90,800,Tartar,village,t
";
        let g = Gazetteer::from_csv(csv, "g.csv").unwrap().0;
        let r = Regions::new(&g, Vec::new());
        let at = Location::line("e.csv", 4);
        let err = r.lookup_place(&g, "Fuzuli", &at).unwrap_err().to_string();
        assert!(err.contains("name it with its region (\"Fuzuli, Fuzuli\" or \"Fuzuli, Tartar\")"), "{err}");
        for text in ["Fuzuli, Fuzuli District", "Fuzuli in Fuzuli District", "Fuzuli, Fuzuli", "fuzuli-town"] {
            assert_eq!(r.lookup_place(&g, text, &at).unwrap(), PlaceId(0), "{text}");
        }
        assert_eq!(r.lookup_place(&g, "Fuzuli in Tartar rayon", &at).unwrap(), PlaceId(1));
        let err = r.lookup_place(&g, "Fuzuli, Latakia", &at).unwrap_err().to_string();
        assert!(err.contains("e.csv:4") && err.contains("did you mean fuzuli-town"), "{err}");
    }

    #[test]
    fn named_areas_hold_the_places_inside_them() {
        let g = gazetteer();
        let ghouta = Rect::new(Coord { x: 36.33, y: 33.45 }, Coord { x: 36.6, y: 33.7 }).to_polygon();
        let area = AreaInput {
            name: "Eastern Ghouta".into(),
            aliases: vec!["East Ghouta".into()],
            shape: MultiPolygon(vec![ghouta]),
            note: String::new(),
        };
        let r = Regions::new(&g, vec![area]);
        let RegionMatch::Found(id) = r.resolve("east ghouta") else { panic!("not found") };
        assert_eq!(r.get(id).kind, RegionKind::Area);
        assert_eq!(r.get(id).members, vec![PlaceId(3)]);
    }
}
