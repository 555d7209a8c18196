#!/usr/bin/env python3
"""Convert the world-atlas 1:10m TopoJSON countries into the Levant base map.

Usage:
    python3 tools/convert_basemap.py INPUT.topojson OUTPUT.geojson

Reads Natural Earth 1:10m admin-0 countries as packaged by world-atlas 2.0.2
(TopoJSON with quantized, delta-encoded arcs) and writes an RFC 7946
GeoJSON FeatureCollection holding Syria (whole, role "focus") and every
country whose bounding box meets the box lon 30..46, lat 28..41 (role
"neighbour"), the neighbours clipped to that box so the file stays small.

Only the standard library is used, and the output is deterministic: features
are sorted (Syria first, then by name), coordinates are rounded to 5
decimals (about 1 m), outer rings are counter-clockwise and holes clockwise.
"""

import json
import sys

FOCUS_ID = "760"  # ISO 3166-1 numeric code of Syria
BOX = (30.0, 28.0, 46.0, 41.0)  # west, south, east, north (degrees)
DECIMALS = 5


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


def finish_polygons(polygons, clip):
    """Clip (optionally), tidy and orient polygons; drop the empty ones."""
    result = []
    for poly in polygons:
        rings = []
        for i, ring in enumerate(poly):
            if clip:
                ring = clip_ring(ring, BOX)
            tidy = tidy_ring(ring, outer=(i == 0))
            if tidy is None:
                if i == 0:
                    break  # no outer ring left: the holes go with it
                continue
            rings.append(tidy)
        if rings:
            result.append(rings)
    return result


def convert(topology):
    """Build the base-map FeatureCollection from a decoded topology."""
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry_polygons(geometry, arcs)
        if not polygons:
            continue
        iso = geometry.get("id")
        name = geometry.get("properties", {}).get("name", "")
        focus = iso == FOCUS_ID
        if not focus and not boxes_meet(bbox_of(polygons), BOX):
            continue
        parts = finish_polygons(polygons, clip=not focus)
        if not parts:
            continue  # the bbox touched the box, but no land lies inside it
        if len(parts) == 1:
            geom = {"type": "Polygon", "coordinates": parts[0]}
        else:
            geom = {"type": "MultiPolygon", "coordinates": parts}
        features.append({
            "type": "Feature",
            "properties": {
                "name": name,
                "iso_n3": iso,
                "role": "focus" if focus else "neighbour",
            },
            "geometry": geom,
        })
    features.sort(key=lambda f: (f["properties"]["role"] != "focus",
                                 f["properties"]["name"]))
    return {"type": "FeatureCollection", "features": features}


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        topology = json.load(f)
    collection = convert(topology)
    if not any(f["properties"]["role"] == "focus" for f in collection["features"]):
        sys.stderr.write("no feature with id %s in %s\n" % (FOCUS_ID, argv[1]))
        return 1
    # One feature per line keeps diffs of the file readable yet compact.
    lines = ['{"type":"FeatureCollection","features":[']
    for i, feature in enumerate(collection["features"]):
        text = json.dumps(feature, separators=(",", ":"), ensure_ascii=False)
        lines.append(text + ("," if i + 1 < len(collection["features"]) else ""))
    lines.append("]}")
    with open(argv[2], "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    for feature in collection["features"]:
        p = feature["properties"]
        print("%-10s %-5s %s" % (p["role"], p["iso_n3"], p["name"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
