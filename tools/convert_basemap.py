#!/usr/bin/env python3
"""Cut a country and its neighbours out of the world-atlas 1:10m TopoJSON countries.

Usage (from the project root):

    python3 tools/convert_basemap.py INPUT.topojson OUTPUT.geojson
        [--country NAME_OR_ISO ...] [--box W,S,E,N | --margin DEG]

The shipped base map is made with

    python3 tools/convert_basemap.py ../shared/data-sources/natural-earth-countries-10m.topojson \\
        data/basemap/levant-10m.geojson --country Syria --box 30,28,46,41

Reads Natural Earth 1:10m admin-0 countries as packaged by world-atlas 2.0.2
(TopoJSON with quantized, delta-encoded arcs) and writes an RFC 7946
GeoJSON FeatureCollection holding

  * the focus: every feature picked with --country, whole, role "focus";
  * every other feature whose bounding box meets the clip box, role
    "neighbour", clipped to that box so the file stays small.

Options
  --country  a name as in the TopoJSON's properties.name (any case) or an
             ISO 3166-1 numeric code (760 or 076 style). Repeat it to make
             several features the focus, e.g. a country and a disputed area
             that Natural Earth keeps as a separate feature. An ISO code
             picks every feature that carries it.
  --box      the clip box for the neighbours: west,south,east,north degrees.
             Write it with "=" when west is negative (--box=-10,36,-6,42), or
             argparse takes it for an option.
  --margin   without --box, the clip box is the focus's bounding box grown by
             this many degrees on every side (default 3).
  With neither --country, --box nor --margin the script makes the shipped
  Levant map: Syria (760) in the box 30,28,46,41.

Each feature has the properties name, iso_n3 (null where the source has no
code) and role. Only the standard library is used, and the output is
deterministic: features are sorted (focus first, then by name), coordinates
are rounded to 5 decimals (about 1 m), outer rings are counter-clockwise and
holes clockwise. The output is written whole or not at all. Errors (unknown
country, unreadable input) exit with status 2 and a one-line message.
"""

import argparse
import difflib
import json
import sys

from atomic_write import write_whole  # beside this script: Python puts its folder on the path

# The shipped Levant map, made when no focus or box is asked for.
DEFAULT_COUNTRY = "760"  # ISO 3166-1 numeric code of Syria
DEFAULT_BOX = (30.0, 28.0, 46.0, 41.0)  # west, south, east, north (degrees)
DEFAULT_MARGIN = 3.0  # degrees around the focus when the box is derived
DECIMALS = 5


class InputError(Exception):
    """A problem with the inputs or arguments, reported in one line, exit 2."""


def decode_arcs(topology):
    """Return every arc as a list of [lon, lat] pairs.

    Quantized TopoJSON stores each arc as integer deltas from the previous
    position; the absolute position is the running sum, scaled and
    translated by the topology's transform.
    """
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([[float(p[0]), float(p[1])] for p in arc])
            continue
        sx, sy = transform["scale"]
        tx, ty = transform["translate"]
        x = y = 0
        points = []
        for p in arc:
            x += p[0]
            y += p[1]
            points.append([x * sx + tx, y * sy + ty])
        arcs.append(points)
    return arcs


def ring_from_arcs(indices, arcs):
    """Stitch arc references into one closed ring.

    A negative index ~i means arc i walked backwards. Consecutive arcs share
    their joining position, so it is dropped from every arc after the first.
    """
    ring = []
    for index in indices:
        if index >= 0:
            points = arcs[index]
        else:
            points = list(reversed(arcs[~index]))
        if ring:
            points = points[1:]
        ring.extend(points)
    return ring


def signed_area(ring):
    """Twice the shoelace area of a ring: positive when counter-clockwise."""
    total = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        total += x0 * y1 - x1 * y0
    return total


def bbox_of(polygons):
    """Bounding box (west, south, east, north) of a list of polygons."""
    xs = [p[0] for poly in polygons for ring in poly for p in ring]
    ys = [p[1] for poly in polygons for ring in poly for p in ring]
    return (min(xs), min(ys), max(xs), max(ys))


def boxes_meet(a, b):
    """True when two (west, south, east, north) boxes overlap or touch."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def clip_ring(ring, box):
    """Clip one ring to an axis-aligned box (Sutherland–Hodgman).

    The ring is given open (last position not repeated). The result may
    contain zero-width spurs along the box edges where a concave shape
    leaves and re-enters the box; they are harmless for drawing and
    filling, and a rectangle is all this tool clips against.
    """
    west, south, east, north = box

    def clip_edge(points, inside, cross):
        out = []
        if not points:
            return out
        prev = points[-1]
        for cur in points:
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
            prev = cur
        return out

    def at_x(x):
        def cross(p, q):
            t = (x - p[0]) / (q[0] - p[0])
            return [x, p[1] + t * (q[1] - p[1])]
        return cross

    def at_y(y):
        def cross(p, q):
            t = (y - p[1]) / (q[1] - p[1])
            return [p[0] + t * (q[0] - p[0]), y]
        return cross

    points = ring
    points = clip_edge(points, lambda p: p[0] >= west, at_x(west))
    points = clip_edge(points, lambda p: p[0] <= east, at_x(east))
    points = clip_edge(points, lambda p: p[1] >= south, at_y(south))
    points = clip_edge(points, lambda p: p[1] <= north, at_y(north))
    return points


def tidy_ring(ring, outer):
    """Round, drop repeated positions, orient and close a ring.

    Returns None when too little is left to enclose any area.
    """
    rounded = []
    for x, y in ring:
        p = [round(x, DECIMALS), round(y, DECIMALS)]
        if not rounded or rounded[-1] != p:
            rounded.append(p)
    while len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    if len(rounded) < 3:
        return None
    area = signed_area(rounded)
    if area == 0.0:
        return None
    # RFC 7946: exterior rings counter-clockwise, holes clockwise.
    if (area > 0) != outer:
        rounded.reverse()
    rounded.append(list(rounded[0]))
    return rounded


def geometry_polygons(geometry, arcs):
    """The geometry's polygons, each a list of open rings (outer first)."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [[ring_from_arcs(r, arcs) for r in geometry["arcs"]]]
    if kind == "MultiPolygon":
        return [[ring_from_arcs(r, arcs) for r in poly] for poly in geometry["arcs"]]
    return []


def finish_polygons(polygons, box):
    """Clip to box (unless None), tidy and orient polygons; drop the empty ones."""
    result = []
    for poly in polygons:
        rings = []
        for i, ring in enumerate(poly):
            if box is not None:
                ring = clip_ring(ring, box)
            tidy = tidy_ring(ring, outer=(i == 0))
            if tidy is None:
                if i == 0:
                    break  # no outer ring left: the holes go with it
                continue
            rings.append(tidy)
        if rings:
            result.append(rings)
    return result


def read_countries(topology):
    """The countries with an area, as (name, iso_n3, open polygons) tuples."""
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry_polygons(geometry, arcs)
        if polygons:
            name = geometry.get("properties", {}).get("name", "")
            countries.append((name, geometry.get("id"), polygons))
    return countries


def pick_focus(countries, wanted, source):
    """Indices into countries of the features that the --country values name.

    A value of digits is an ISO 3166-1 numeric code (zero-padded to three, as
    world-atlas writes them); anything else is a name, compared ignoring case.
    Raises InputError naming the source and the closest names when a value
    matches nothing.
    """
    picked = []
    for value in wanted:
        key = value.strip()
        if key.isdigit():
            hits = [i for i, (_, iso, _) in enumerate(countries) if iso == key.zfill(3)]
        else:
            hits = [i for i, (name, _, _) in enumerate(countries)
                    if name.casefold() == key.casefold()]
        if not hits and key.isdigit():
            raise InputError("%s: no country with ISO 3166-1 numeric code %s in "
                             "objects.countries" % (source, key.zfill(3)))
        if not hits:
            raise InputError("%s: no country %r in objects.countries%s"
                             % (source, value, close_names(countries, key)))
        picked.extend(i for i in hits if i not in picked)
    return picked


def close_names(countries, key):
    """'; close names: A, B' for the names nearest to key, or '' when none are."""
    names = {name.casefold(): name for name, _, _ in countries if name}
    near = difflib.get_close_matches(key.casefold(), sorted(names), n=5, cutoff=0.6)
    if not near:
        return " and no close names (give properties.name or an ISO numeric code)"
    return "; close names: " + ", ".join(names[n] for n in near)


def grown_box(boxes, margin):
    """The union of boxes grown by margin degrees, kept inside the world."""
    west = min(b[0] for b in boxes) - margin
    south = min(b[1] for b in boxes) - margin
    east = max(b[2] for b in boxes) + margin
    north = max(b[3] for b in boxes) + margin
    return (max(west, -180.0), max(south, -90.0), min(east, 180.0), min(north, 90.0))


def make_feature(name, iso, parts, role):
    """A GeoJSON Feature: Polygon for one part, MultiPolygon for several."""
    if len(parts) == 1:
        geom = {"type": "Polygon", "coordinates": parts[0]}
    else:
        geom = {"type": "MultiPolygon", "coordinates": parts}
    return {
        "type": "Feature",
        "properties": {"name": name, "iso_n3": iso, "role": role},
        "geometry": geom,
    }


def convert(topology, wanted, box=None, margin=DEFAULT_MARGIN, source="input"):
    """Build the base-map FeatureCollection from a decoded topology.

    wanted lists the --country values; box is the neighbours' clip box, or
    None to derive it from the focus and margin. Returns (collection, box).
    """
    countries = read_countries(topology)
    focus = set(pick_focus(countries, wanted, source))
    if box is None:
        box = grown_box([bbox_of(countries[i][2]) for i in focus], margin)
    features = []
    for i, (name, iso, polygons) in enumerate(countries):
        if i in focus:
            parts, role = finish_polygons(polygons, None), "focus"
        elif boxes_meet(bbox_of(polygons), box):
            parts, role = finish_polygons(polygons, box), "neighbour"
        else:
            continue
        if parts:  # a neighbour's bbox may touch the box with no land inside it
            features.append(make_feature(name, iso, parts, role))
    features.sort(key=lambda f: (f["properties"]["role"] != "focus",
                                 f["properties"]["name"]))
    return {"type": "FeatureCollection", "features": features}, box


def render(collection):
    """The collection as text, one feature per line.

    One feature per line keeps diffs of the file readable yet compact.
    """
    features = collection["features"]
    lines = ['{"type":"FeatureCollection","features":[']
    for i, feature in enumerate(features):
        text = json.dumps(feature, separators=(",", ":"), ensure_ascii=False)
        lines.append(text + ("," if i + 1 < len(features) else ""))
    lines.append("]}")
    return "\n".join(lines) + "\n"


def load_topology(path):
    """The TopoJSON at path, checked to have arcs and objects.countries."""
    try:
        with open(path, encoding="utf-8") as fh:
            topology = json.load(fh)
    except OSError as e:
        raise InputError("%s: cannot read: %s" % (path, e.strerror or e))
    except ValueError as e:
        raise InputError("%s: not JSON: %s" % (path, e))
    if (not isinstance(topology, dict) or "arcs" not in topology
            or "geometries" not in topology.get("objects", {}).get("countries", {})):
        raise InputError("%s: not a TopoJSON topology with objects.countries" % path)
    return topology


def parse_box(text):
    """argparse type for W,S,E,N: four numbers with west < east, south < north."""
    try:
        box = tuple(float(v) for v in text.split(","))
    except ValueError:
        box = ()
    if len(box) != 4 or not (box[0] < box[2] and box[1] < box[3]):
        raise argparse.ArgumentTypeError(
            "expected W,S,E,N in degrees with W < E and S < N, got %r" % text)
    return box


def parse_args(argv):
    """Parse the command line (argv without the program name)."""
    parser = argparse.ArgumentParser(
        description="Cut a country and its neighbours out of Natural Earth TopoJSON.",
        epilog="With no --country, --box or --margin: Syria in the box 30,28,46,41.")
    parser.add_argument("input", metavar="INPUT.topojson")
    parser.add_argument("output", metavar="OUTPUT.geojson")
    parser.add_argument("--country", action="append", metavar="NAME_OR_ISO",
                        help="focus feature by name or ISO numeric code; repeatable")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--box", type=parse_box, metavar="W,S,E,N",
                       help="clip box for the neighbours; write --box=-10,36,-6,42 "
                       "when it starts with a minus sign")
    group.add_argument("--margin", type=float, metavar="DEG",
                       help="degrees around the focus for the clip box (default %g)"
                       % DEFAULT_MARGIN)
    args = parser.parse_args(argv)
    if args.margin is not None and args.margin < 0:
        parser.error("--margin must not be negative")
    return args


def main(argv=None):
    """Run the conversion; returns the exit status."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    box, margin = args.box, args.margin
    if not args.country and box is None and margin is None:
        box = DEFAULT_BOX  # the shipped Levant map, for the historic invocation
    try:
        topology = load_topology(args.input)
        collection, box = convert(topology, args.country or [DEFAULT_COUNTRY], box,
                                  DEFAULT_MARGIN if margin is None else margin,
                                  source=args.input)
        write_whole(args.output, render(collection))
    except InputError as e:
        sys.stderr.write("convert_basemap: %s\n" % e)
        return 2
    except OSError as e:
        sys.stderr.write("convert_basemap: %s: cannot write: %s\n"
                         % (args.output, e.strerror or e))
        return 2
    print("box        %s" % ",".join("%g" % v for v in box))
    for feature in collection["features"]:
        p = feature["properties"]
        print("%-10s %-5s %s" % (p["role"], p["iso_n3"], p["name"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
