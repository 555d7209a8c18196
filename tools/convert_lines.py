#!/usr/bin/env python3
"""Pick the rivers and lake centrelines of a region out of Natural Earth 1:10m.

Usage (from the project root):

    python3 tools/convert_lines.py INPUT.geojson OUTPUT.geojson --box W,S,E,N
        (--name NAME ... | --max-scalerank N) [--cost-km NAME=KM ...]

The Syria scenario's lines are made with

    python3 tools/convert_lines.py ../shared/data-sources/natural-earth-rivers-10m.geojson \\
        data/syria-2024/lines.geojson --box 35.5,32.2,42.5,37.4 \\
        --name "Al Furat" --name "Dicle"

Reads Natural Earth 1:10m rivers and lake centrelines as GeoJSON (a
FeatureCollection of LineString and MultiLineString features with the
properties name, name_en, featurecla, scalerank, min_zoom) and writes an
RFC 7946 GeoJSON FeatureCollection of "lines that are costly to cross", the
file a scenario's `[land] lines` names.

A feature is kept when some part of it lies in the box and

  * its name or name_en equals one of the --name values (ignoring case), or
  * with --max-scalerank N, its scalerank is N or less (1 is the most
    important river); --name and --max-scalerank may be combined.

Kept features are whole, not clipped: the program rasterises them itself.

Options
  --box          west,south,east,north in degrees. Write it with "=" when west
                 is negative (--box=-10,36,-6,42), or argparse takes it for an
                 option.
  --name         a name as in properties.name or properties.name_en; repeat it.
                 Natural Earth names a river differently along its course (the
                 Euphrates is "Firat" in Turkey, "Al Furat" in Syria and
                 "Euphrates" in Iraq), so give every name wanted. A --name that
                 matches nothing in the box stops the script and lists the
                 names that are there.
  --max-scalerank  keep every feature of at most this scalerank in the box.
  --cost-km      NAME=KM: write the property cost_km = KM (a number, 0 or more)
                 on the kept features of that name; repeat it. Without it the
                 scenario's default crossing cost applies.

Each feature has the properties name (name_en, else name), source, featurecla
and, when given, cost_km. Only the standard library is used and the output is
deterministic: features stay in the input's order, coordinates are rounded to
5 decimals (about 1 m) with repeated positions dropped, and the file is
written whole or not at all. Errors (unreadable input, a bad --box, a name
that matches nothing) exit with status 2 and a one-line message.
"""

import argparse
import difflib
import json
import math
import sys

from atomic_write import write_whole  # beside this script: Python puts its folder on the path
from convert_basemap import render  # the same one-feature-per-line layout

SOURCE = "Natural Earth 1:10m rivers and lake centerlines (public domain)"
DECIMALS = 5


class InputError(Exception):
    """A problem with the inputs or arguments, reported in one line, exit 2."""


def segment_meets_box(p, q, box):
    """True when the segment p-q has a point in the box (Liang–Barsky)."""
    west, south, east, north = box
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for step, room in ((-dx, p[0] - west), (dx, east - p[0]),
                       (-dy, p[1] - south), (dy, north - p[1])):
        if step == 0:
            if room < 0:
                return False  # parallel to this edge and outside it
            continue
        t = room / step
        if step < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def line_parts(geometry, where):
    """The parts of a LineString or MultiLineString, each a list of [lon, lat]."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coords = geometry.get("coordinates") if kind else None
    if kind == "LineString":
        parts = [coords]
    elif kind == "MultiLineString" and isinstance(coords, list):
        parts = coords
    else:
        raise InputError("%s: expected a LineString or MultiLineString geometry" % where)
    result = []
    for part in parts:
        try:
            points = [[float(p[0]), float(p[1])] for p in part]
        except (TypeError, ValueError, IndexError, KeyError):
            raise InputError("%s: coordinates are not [lon, lat] positions" % where)
        if any(not (math.isfinite(x) and math.isfinite(y)) for x, y in points):
            raise InputError("%s: coordinates are not finite numbers" % where)
        result.append(points)
    return result


def parts_meet_box(parts, box):
    """True when some position or segment of the parts lies in the box."""
    for points in parts:
        if len(points) == 1 and segment_meets_box(points[0], points[0], box):
            return True
        for p, q in zip(points, points[1:]):
            if segment_meets_box(p, q, box):
                return True
    return False


def tidy_parts(parts):
    """Round positions, drop repeats and parts with fewer than two positions."""
    result = []
    for points in parts:
        rounded = []
        for x, y in points:
            p = [round(x, DECIMALS), round(y, DECIMALS)]
            if not rounded or rounded[-1] != p:
                rounded.append(p)
        if len(rounded) >= 2:
            result.append(rounded)
    return result


def names_of(properties):
    """The feature's name and name_en, folded for matching (empty ones left out)."""
    return {str(properties.get(k)).casefold() for k in ("name", "name_en")
            if properties.get(k)}


def display_name(properties):
    """name_en, else name, else the empty string."""
    return str(properties.get("name_en") or properties.get("name") or "")


def read_features(collection, source):
    """(index, properties, parts) for every feature of the collection."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" \
            or not isinstance(collection.get("features"), list):
        raise InputError("%s: not a GeoJSON FeatureCollection" % source)
    features = []
    for i, feature in enumerate(collection["features"]):
        where = "%s: feature %d" % (source, i)
        if not isinstance(feature, dict):
            raise InputError("%s: not a GeoJSON Feature" % where)
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise InputError("%s: properties is not an object" % where)
        features.append((i, properties, line_parts(feature.get("geometry"), where)))
    return features


def scalerank_of(properties):
    """The feature's scalerank as a number, or None when it has none."""
    try:
        return float(properties.get("scalerank"))
    except (TypeError, ValueError):
        return None


def convert(collection, box, names=(), max_scalerank=None, costs=(), source="input"):
    """Build the lines FeatureCollection from a decoded Natural Earth collection.

    names are the --name values, max_scalerank the --max-scalerank value or
    None, costs a list of (name, km) pairs. Raises InputError when a name or
    a cost's name matches no feature in the box.
    """
    wanted = {n.casefold(): n for n in names}
    cost_by_name = {}
    for name, km in costs:
        cost_by_name[name.casefold()] = km  # the last one given wins
    in_box = [(i, props, parts) for i, props, parts in read_features(collection, source)
              if parts_meet_box(parts, box)]
    box_names = sorted({display_name(p) for _, p, _ in in_box if display_name(p)})
    for key, name in wanted.items():
        if not any(key in names_of(p) for _, p, _ in in_box):
            raise InputError("%s: no feature named %r in the box%s"
                             % (source, name, close_names(box_names, name)))
    features = []
    used_costs = set()
    for i, props, parts in in_box:
        folded = names_of(props)
        rank = scalerank_of(props)
        by_name = bool(folded & wanted.keys())
        by_rank = max_scalerank is not None and rank is not None and rank <= max_scalerank
        if not (by_name or by_rank):
            continue
        parts = tidy_parts(parts)
        if not parts:
            continue
        properties = {
            "name": display_name(props),
            "source": SOURCE,
            "featurecla": props.get("featurecla"),
        }
        for key in sorted(folded & cost_by_name.keys()):
            properties["cost_km"] = cost_by_name[key]
            used_costs.add(key)
        if len(parts) == 1:
            geometry = {"type": "LineString", "coordinates": parts[0]}
        else:
            geometry = {"type": "MultiLineString", "coordinates": parts}
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    for name, _ in costs:
        if name.casefold() not in used_costs:
            raise InputError("--cost-km: no kept feature is named %r%s"
                             % (name, close_names(sorted({f["properties"]["name"]
                                                          for f in features}), name)))
    return {"type": "FeatureCollection", "features": features}


def close_names(names, key):
    """'; close names: A, B' (or the names in the box) for an unmatched name."""
    folded = {n.casefold(): n for n in names}
    near = difflib.get_close_matches(key.casefold(), sorted(folded), n=5, cutoff=0.6)
    if near:
        return "; close names: " + ", ".join(folded[n] for n in near)
    if names:
        return "; names there: " + ", ".join(names[:20]) + (" …" if len(names) > 20 else "")
    return " (the box holds no named feature)"


def load_collection(path):
    """The JSON document at path."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except OSError as e:
        raise InputError("%s: cannot read: %s" % (path, e.strerror or e))
    except ValueError as e:
        raise InputError("%s: not JSON: %s" % (path, e))


def parse_box(text):
    """argparse type for W,S,E,N: four numbers with west < east, south < north."""
    try:
        box = tuple(float(v) for v in text.split(","))
    except ValueError:
        box = ()
    if len(box) != 4 or not all(math.isfinite(v) for v in box) \
            or not (box[0] < box[2] and box[1] < box[3]):
        raise argparse.ArgumentTypeError(
            "expected W,S,E,N in degrees with W < E and S < N, got %r" % text)
    return box


def parse_cost(text):
    """argparse type for NAME=KM: a name and a distance in km, 0 or more."""
    name, sep, km = text.rpartition("=")
    try:
        value = float(km)
    except ValueError:
        value = -1.0
    if not sep or not name.strip() or not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(
            "expected NAME=KM with a distance of 0 km or more, got %r" % text)
    return name.strip(), int(value) if value.is_integer() else value


def parse_args(argv):
    """Parse the command line (argv without the program name)."""
    parser = argparse.ArgumentParser(
        description="Pick rivers and lake centrelines of a box out of Natural Earth GeoJSON.")
    parser.add_argument("input", metavar="INPUT.geojson")
    parser.add_argument("output", metavar="OUTPUT.geojson")
    parser.add_argument("--box", type=parse_box, required=True, metavar="W,S,E,N",
                        help="keep features with a part in this box; write "
                        "--box=-10,36,-6,42 when it starts with a minus sign")
    parser.add_argument("--name", action="append", default=[], metavar="NAME",
                        help="keep features with this name or name_en (any case); repeatable")
    parser.add_argument("--max-scalerank", type=float, metavar="N",
                        help="keep every feature of scalerank N or less in the box")
    parser.add_argument("--cost-km", type=parse_cost, action="append", default=[],
                        metavar="NAME=KM", help="write cost_km=KM on features of that name; "
                        "repeatable")
    args = parser.parse_args(argv)
    if not args.name and args.max_scalerank is None:
        parser.error("give --name (one or more) or --max-scalerank")
    return args


def main(argv=None):
    """Run the conversion; returns the exit status."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        collection = convert(load_collection(args.input), args.box, args.name,
                             args.max_scalerank, args.cost_km, source=args.input)
        write_whole(args.output, render(collection))
    except InputError as e:
        sys.stderr.write("convert_lines: %s\n" % e)
        return 2
    except OSError as e:
        sys.stderr.write("convert_lines: %s: cannot write: %s\n"
                         % (args.output, e.strerror or e))
        return 2
    total = 0
    for feature in collection["features"]:
        p = feature["properties"]
        g = feature["geometry"]
        parts = [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"]
        points = sum(len(part) for part in parts)
        total += points
        cost = " cost_km=%g" % p["cost_km"] if "cost_km" in p else ""
        print("%-16s %-16s %5d points%s" % (p["featurecla"], p["name"], points, cost))
    print("%d features, %d points" % (len(collection["features"]), total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
