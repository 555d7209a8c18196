#!/usr/bin/env python3
"""Consistency checks for a frontline scenario folder (default: data/syria-2024).

Usage: python3 tools/check_dataset.py [SCENARIO_DIR] [GEONAMES_JSON]

Checks
  gazetteer.csv  exact columns; ids unique, lowercase ASCII slugs; lat/lon numbers inside
                 Syria plus a margin (32..37.5 N, 35..42.5 E); population integer or
                 empty; kind and admin1 from the allowed lists; every GeoNames id of
                 GEONAMES_JSON (default ../shared/data-sources/geonames-syria.json) present.
  events.csv     exact columns; dates YYYY-MM-DD within 2024-11-26..2024-12-10; rows
                 sorted by date; faction, action, confidence from the allowed lists;
                 source a report file or a page id of sources.csv; a report row quotes it
                 (quote not empty), a page row copies nothing (quote empty); place resolves
                 to exactly one gazetteer row, or names a governorate ("Daraa Governorate")
                 or an area of areas.geojson by name or alias; a `dissolved` row names no
                 place, and its successors are factions.
  baseline.csv   exact columns; one default row; governorate targets are admin1 names;
                 place targets resolve to one row; every place row has a note.
  sources.csv    exact columns; ids unique; each row a report (`file`) or a page (`url`).

Place names resolve the way the Rust code does (src/gazetteer): an exact id (case-
insensitive) first, then a unique match among main names, then among aliases, comparing
normalised keys. normalise() mirrors src/gazetteer/normalize.rs; deunicode is imitated with
NFKD plus a small table, which agrees for the Latin-script spellings used here.

Prints every problem and a summary; exit 0 when there are none, 1 otherwise.
Python 3 standard library only.
"""
import csv
import json
import os
import re
import sys
import unicodedata
from datetime import date

FIRST_DAY, LAST_DAY = date(2024, 11, 26), date(2024, 12, 10)
FACTIONS = {"gov", "hts", "sna", "sdf", "south", "fsa", "isr"}
ACTIONS = {"captured", "entered", "withdrew", "held", "dissolved"}
CONFIDENCE = {"confirmed", "reported", "claimed"}
KINDS = {"city", "town", "village", "base", "airport", "prison", "crossing", "zone", "mountain"}
ADMIN1 = {"Tartus", "Damascus Governorate", "Idlib", "Homs", "Hama", "Aleppo", "Rif-dimashq",
          "Deir ez-Zor", "Daraa", "Suwayda", "Raqqa", "Quneitra", "Latakia", "Al-Hasakah"}
ARTICLES = {"al", "el", "ad", "ar", "as", "ash", "az", "ez", "at", "ath", "adh", "an", "ed",
            "er", "es", "et", "en", "ul"}
COLS = {
    "gazetteer.csv": ["id", "name", "aliases", "lat", "lon", "population", "admin1", "kind", "source"],
    "events.csv": ["date", "place", "faction", "action", "confidence", "source", "quote", "note", "successor"],
    "baseline.csv": ["scope", "target", "faction", "note"],
    "sources.csv": ["id", "file", "outlet", "title", "published", "url"],
}
DROP = "\u02bf\u02be\u02bb\u02bc\u2018\u2019\u201c\u201d`\u00b4'\""
EXTRA_FOLD = {
    "ı": "i", "ə": "e", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe",
    "þ": "th", "ð": "d", "ħ": "h",
}


def to_ascii(s):
    out = []
    for ch in unicodedata.normalize("NFKD", s):
        if unicodedata.combining(ch) or ch in DROP:
            continue
        ch = EXTRA_FOLD.get(ch.lower(), ch)
        out.append(ch if ch.isascii() else " ")
    return "".join(out)


def fold_token(t):
    out = []
    for c in t:
        if not out or out[-1] != c:
            out.append(c)
    t = "".join(out)
    if len(t) > 3 and (t.endswith("ah") or t.endswith("eh")):
        t = t[:-1]
    return t


def normalise(s):
    s = to_ascii(s).lower()
    s = "".join(c for c in s if c not in "'\"`")
    s = "".join(c if (c.isascii() and c.isalnum()) else " " for c in s)
    tokens = s.split()
    keep_articles = all(t in ARTICLES for t in tokens)
    return "".join(fold_token(t) for t in tokens if keep_articles or t not in ARTICLES)


class Gazetteer:
    def __init__(self, rows):
        self.rows = rows
        self.by_id, self.by_name, self.by_alias = {}, {}, {}
        for i, r in enumerate(rows):
            self.by_id.setdefault(r["id"].strip().lower(), i)
            nk = normalise(r["name"])
            self.by_name.setdefault(nk, []).append(i)
            for a in r["aliases"].split("|"):
                k = normalise(a)
                if k and k != nk:
                    lst = self.by_alias.setdefault(k, [])
                    if not lst or lst[-1] != i:
                        lst.append(i)

    def resolve(self, text):
        """(index or None, candidates) the way src/gazetteer/mod.rs resolves."""
        if text.strip().lower() in self.by_id:
            return self.by_id[text.strip().lower()], []
        k = normalise(text)
        for index in (self.by_name, self.by_alias):
            hits = index.get(k, [])
            if len(hits) == 1:
                return hits[0], []
            if hits:
                return None, hits
        return None, []


def read(path, problems):
    name = os.path.basename(path)
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            if reader.fieldnames != COLS[name]:
                problems.append(f"{name}: columns {reader.fieldnames} should be {COLS[name]}")
            return rows
    except OSError as e:
        problems.append(f"{name}: {e}")
        return []


def main(argv):
    folder = argv[1] if len(argv) > 1 else "data/syria-2024"
    gn_json = argv[2] if len(argv) > 2 else os.path.join("..", "shared", "data-sources", "geonames-syria.json")
    problems, notes = [], []
    p = lambda f: os.path.join(folder, f)

    gaz_rows = read(p("gazetteer.csv"), problems)
    seen = set()
    for n, r in enumerate(gaz_rows, start=2):
        at = f"gazetteer.csv:{n}"
        if r["id"] in seen:
            problems.append(f"{at}: duplicate id {r['id']!r}")
        seen.add(r["id"])
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r["id"]):
            problems.append(f"{at}: id {r['id']!r} is not a lowercase ASCII slug")
        if not r["name"].strip():
            problems.append(f"{at}: empty name")
        try:
            lat, lon = float(r["lat"]), float(r["lon"])
            if not (32.0 <= lat <= 37.5 and 35.0 <= lon <= 42.5):
                problems.append(f"{at}: {r['id']} at {lat},{lon} is outside Syria's box")
            if not re.fullmatch(r"-?\d+\.\d{5}", r["lat"]) or not re.fullmatch(r"-?\d+\.\d{5}", r["lon"]):
                problems.append(f"{at}: lat/lon should have 5 decimals")
        except ValueError:
            problems.append(f"{at}: lat/lon not numbers")
        if r["population"] and not r["population"].isdigit():
            problems.append(f"{at}: population {r['population']!r} is not an integer")
        if r["kind"] not in KINDS:
            problems.append(f"{at}: kind {r['kind']!r}")
        if r["admin1"] not in ADMIN1:
            problems.append(f"{at}: admin1 {r['admin1']!r}")
        if not r["source"].strip():
            problems.append(f"{at}: empty source")
        if r["source"].startswith("GeoNames ") and r["population"]:
            pop = int(r["population"])
            want = "city" if pop >= 100000 else "town" if pop >= 10000 else "village"
            if r["kind"] != want:
                notes.append(f"{at}: {r['id']} kind {r['kind']} differs from population rule ({want})")
    if [r["id"] for r in gaz_rows] != sorted(r["id"] for r in gaz_rows):
        problems.append("gazetteer.csv: rows not sorted by id")
    gaz = Gazetteer(gaz_rows)

    try:
        with open(gn_json, encoding="utf-8") as fh:
            gn_ids = {int(pl["geonameid"]) for pl in json.load(fh)["places"]}
        have = {int(m.group(1)) for r in gaz_rows for m in [re.fullmatch(r"GeoNames (\d+)", r["source"])] if m}
        missing = gn_ids - have
        if missing:
            problems.append(f"gazetteer.csv: {len(missing)} GeoNames ids missing, e.g. {sorted(missing)[:5]}")
        notes.append(f"GeoNames places: {len(have & gn_ids)} of {len(gn_ids)}")
    except OSError as e:
        problems.append(f"cannot read {gn_json}: {e}")

    src_rows = read(p("sources.csv"), problems)
    files = {r["file"] for r in src_rows if r["file"]}
    pages = {r["id"] for r in src_rows if not r["file"]}
    ids = [r["id"] for r in src_rows]
    if len(set(ids)) != len(ids):
        problems.append("sources.csv: duplicate ids")
    for n, r in enumerate(src_rows, start=2):
        if not r["file"] and not r["url"].startswith(("https://", "http://")):
            problems.append(f"sources.csv:{n}: neither a report file nor a page address")

    region_keys = {normalise(a) for a in ADMIN1} | {normalise(a.replace(" Governorate", "")) for a in ADMIN1}
    try:
        with open(p("areas.geojson"), encoding="utf-8") as fh:
            for f in json.load(fh).get("features", []):
                props = f.get("properties") or {}
                for name in [props.get("name", "")] + (props.get("aliases") or "").split("|"):
                    if name.strip():
                        region_keys.add(normalise(name))
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as e:
        problems.append(f"areas.geojson: {e}")

    def names_region(text):
        """A governorate written as one ("Daraa Governorate") or a named area."""
        t = text.strip()
        for suffix in (" Governorate", " governorate", " province"):
            if t.endswith(suffix):
                return normalise(t[: -len(suffix)]) in region_keys
        return normalise(t) in region_keys and gaz.resolve(t)[0] is None

    def check_place(text, at):
        i, cands = gaz.resolve(text)
        if i is None:
            if cands:
                problems.append(f"{at}: {text!r} is ambiguous: {[gaz.rows[c]['id'] for c in cands]}")
            else:
                problems.append(f"{at}: {text!r} names no place")
        return i

    ev_rows = read(p("events.csv"), problems)
    last = None
    used = set()
    for n, r in enumerate(ev_rows, start=2):
        at = f"events.csv:{n}"
        try:
            d = date.fromisoformat(r["date"])
            if not (FIRST_DAY <= d <= LAST_DAY):
                problems.append(f"{at}: date {d} outside {FIRST_DAY}..{LAST_DAY}")
        except ValueError:
            problems.append(f"{at}: bad date {r['date']!r}")
            d = None
        if last and r["date"] < last:
            problems.append(f"{at}: not sorted by date")
        last = r["date"]
        if r["action"] == "dissolved":
            if r["place"].strip():
                problems.append(f"{at}: a dissolved row names no place")
            for heir in filter(None, r["successor"].split("|")):
                if heir not in FACTIONS:
                    problems.append(f"{at}: successor {heir!r} not in {sorted(FACTIONS)}")
        elif r["successor"].strip():
            problems.append(f"{at}: only a dissolved row names a successor")
        elif not names_region(r["place"]):
            i = check_place(r["place"], at)
            if i is not None:
                used.add(gaz.rows[i]["id"])
        for col, allowed in (("faction", FACTIONS), ("action", ACTIONS), ("confidence", CONFIDENCE)):
            if r[col] not in allowed:
                problems.append(f"{at}: {col} {r[col]!r} not in {sorted(allowed)}")
        if r["source"] in files:
            if not r["quote"].strip():
                problems.append(f"{at}: a report row without a quote")
        elif r["source"] in pages:
            if r["quote"].strip():
                problems.append(f"{at}: a page row quotes its page (state the fact in `note`)")
            if not r["note"].strip():
                problems.append(f"{at}: a page row without a note")
        else:
            problems.append(f"{at}: source {r['source']!r} not in sources.csv")

    bl_rows = read(p("baseline.csv"), problems)
    defaults = 0
    targets = set()
    for n, r in enumerate(bl_rows, start=2):
        at = f"baseline.csv:{n}"
        if r["faction"] not in FACTIONS and r["faction"] not in ("", "none"):
            problems.append(f"{at}: faction {r['faction']!r}")
        scope = r["scope"]
        if scope == "default":
            defaults += 1
            if r["target"]:
                problems.append(f"{at}: default row with a target")
        elif scope == "governorate":
            if r["target"] not in ADMIN1:
                problems.append(f"{at}: governorate {r['target']!r} unknown")
        elif scope == "place":
            i = check_place(r["target"], at)
            if i is not None:
                pid = gaz.rows[i]["id"]
                if pid in targets:
                    problems.append(f"{at}: {pid} set twice")
                targets.add(pid)
            if not r["note"].strip():
                problems.append(f"{at}: place row without a note")
        else:
            problems.append(f"{at}: scope {scope!r}")
    if defaults != 1:
        problems.append(f"baseline.csv: {defaults} default rows (want 1)")

    # Required news spellings must resolve (to a unique place).
    for name in ["Hama", "Ḩamāh", "Deir el-Zor", "Deir ez-Zor", "Dayr az Zawr", "Qusayr", "Al-Qusayr",
                 "Al Quşayr", "Sednaya", "Saydnaya", "Şaydnāyā", "Daraa", "Deraa", "Dar‘ā", "Tartous",
                 "Ţarţūs", "Palmyra", "Tadmur", "Sweida", "As-Suwayda", "Kobani", "Tall Abyad", "Manbij",
                 "Homs", "Latakia", "Quneitra", "Aleppo", "Damascus"]:
        check_place(name, f"required spelling")

    ambiguous = sum(1 for d in (gaz.by_name, gaz.by_alias) for v in d.values() if len(v) > 1)
    notes.append(f"{len(gaz_rows)} places, {len(ev_rows)} events ({len(used)} places), "
                 f"{len(bl_rows)} baseline rows, {len(src_rows)} sources; {ambiguous} ambiguous keys")
    for line in notes:
        print("note:", line)
    for line in problems:
        print("problem:", line)
    print(f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
