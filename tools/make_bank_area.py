#!/usr/bin/env python3
"""Adds (or replaces) a named area that is one bank of a river to an areas file.

The area runs along a river of a lines file (as `convert_lines.py` writes it) between
two longitudes, on one side of the river, from just off the water out to a depth in
km. Sources often speak of "the west bank" or "west of the Euphrates" rather than of
villages; such an area lets an event row name that bank.

Run from the project's root (the shipped Deir ez-Zor west bank):

    python3 tools/make_bank_area.py data/syria-2024/lines.geojson data/syria-2024/areas.geojson \\
        --river "Al Furat" --from-lon 39.75 --to-lon 41.05 --side right --depth-km 20 \\
        --name "Deir ez-Zor west bank" \\
        --aliases "west of the Euphrates in Deir ez-Zor|the Shamiyah bank of Deir ez-Zor"

`right` is the river's right bank looking downstream (the Euphrates' south-west bank in
Syria). The inner edge is the centreline itself (an offset of it folds over itself in
tight meanders); the outer edge follows the river smoothed over about the depth, so its
bends do not fold the outline. Standard library only; the same inputs always
write the same bytes; bad input stops with exit status 2 and leaves the file untouched.
"""
import argparse
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atomic_write import write_whole  # noqa: E402

KM_PER_DEGREE = 111.32


def fail(message):
    print(f"make_bank_area: {message}", file=sys.stderr)
    sys.exit(2)


def river_positions(lines, name, from_lon, to_lon):
    """The named river (any case) between the two longitudes, cut exactly at them (a
    position is interpolated where the river crosses one). Stretches of several features
    or parts that meet end to end (a river and the lake centreline it flows through) are
    joined; the longest chain is kept."""
    runs = []
    for feature in lines.get("features", []):
        if str((feature.get("properties") or {}).get("name", "")).casefold() != name.casefold():
            continue
        geometry = feature.get("geometry") or {}
        parts = geometry.get("coordinates", [])
        if geometry.get("type") == "LineString":
            parts = [parts]
        for part in parts:
            runs.extend(stretches_between(part, from_lon, to_lon))
    best = max(chains(runs), key=len, default=[])
    if len(best) < 2:
        fail(f"no stretch of the river {name!r} lies between longitudes {from_lon} and {to_lon}")
    return best


def chains(runs, reach=0.01):
    """The runs joined wherever one ends within `reach` degrees of where another starts
    (either may be turned round to fit), each chain a list of positions."""
    near = lambda a, b: abs(a[0] - b[0]) <= reach and abs(a[1] - b[1]) <= reach
    left = [list(r) for r in runs]
    out = []
    while left:
        chain = left.pop(0)
        grown = True
        while grown:
            grown = False
            for i, run in enumerate(left):
                if near(chain[-1], run[0]):
                    chain += run[1:]
                elif near(chain[-1], run[-1]):
                    chain += run[::-1][1:]
                elif near(chain[0], run[-1]):
                    chain = run[:-1] + chain
                elif near(chain[0], run[0]):
                    chain = run[::-1][:-1] + chain
                else:
                    continue
                left.pop(i)
                grown = True
                break
        out.append(chain)
    return out


def stretches_between(part, from_lon, to_lon):
    """The runs of a line inside from_lon <= lon <= to_lon, each cut at the boundaries."""
    runs, run = [], []
    for (ax, ay), (bx, by) in zip(part, part[1:]):
        # The part of the segment a->b inside the band, as parameters t0..t1 along it.
        if ax == bx:
            t0, t1 = (0.0, 1.0) if from_lon <= ax <= to_lon else (1.0, 0.0)
        else:
            ta, tb = (from_lon - ax) / (bx - ax), (to_lon - ax) / (bx - ax)
            t0, t1 = max(0.0, min(ta, tb)), min(1.0, max(ta, tb))
        if t0 > t1:
            if run:
                runs.append(run)
                run = []
            continue
        start = (ax + t0 * (bx - ax), ay + t0 * (by - ay))
        end = (ax + t1 * (bx - ax), ay + t1 * (by - ay))
        if not run:
            run.append(start)
        run.append(end)
        if t1 < 1.0:
            runs.append(run)
            run = []
    runs.append(run)
    return [r for r in runs if len(r) >= 2]


def to_km(lon, lat, lat0):
    return (lon * KM_PER_DEGREE * math.cos(math.radians(lat0)), lat * KM_PER_DEGREE)


def to_degrees(x, y, lat0):
    return (x / (KM_PER_DEGREE * math.cos(math.radians(lat0))), y / KM_PER_DEGREE)


def offset(points, distance_km, side, lat0):
    """Each point moved distance_km across the line's local direction (right or left)."""
    km = [to_km(lon, lat, lat0) for lon, lat in points]
    out = []
    for i, (x, y) in enumerate(km):
        ax, ay = km[max(i - 1, 0)]
        bx, by = km[min(i + 1, len(km) - 1)]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy) or 1.0
        # The right-hand normal of (dx, dy) is (dy, -dx).
        nx, ny = (dy / length, -dx / length) if side == "right" else (-dy / length, dx / length)
        out.append(to_degrees(x + nx * distance_km, y + ny * distance_km, lat0))
    return out


def resampled_km(km, step_km):
    """Positions every step_km along a polyline given in km, with their distance along it."""
    out = [(km[0], 0.0)]
    walked, next_at = 0.0, step_km
    for (ax, ay), (bx, by) in zip(km, km[1:]):
        length = math.hypot(bx - ax, by - ay)
        while length > 0 and next_at <= walked + length:
            t = (next_at - walked) / length
            out.append(((ax + t * (bx - ax), ay + t * (by - ay)), next_at))
            next_at += step_km
        walked += length
    out.append((km[-1], walked))
    return out, walked


def smoothed(points, window_km, lat0):
    """The line averaged over window_km, every window_km/2 along it."""
    km = [to_km(lon, lat, lat0) for lon, lat in points]
    samples, total = resampled_km(km, 1.0)
    step = max(window_km / 2, 1.0)
    out = []
    s = 0.0
    while True:
        near = [p for p, d in samples if abs(d - s) <= window_km / 2]
        x = sum(p[0] for p in near) / len(near)
        y = sum(p[1] for p in near) / len(near)
        out.append(to_degrees(x, y, lat0))
        if s >= total:
            break
        s = min(s + step, total)
    # Keep the ends on the river so the outline closes square across the bank.
    out[0], out[-1] = points[0], points[-1]
    return out


def first_crossing(ring):
    """The position where two edges of a closed ring cross, or None."""
    def side(a, b, c):
        v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (v > 0) - (v < 0)
    n = len(ring) - 1
    for i in range(n):
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue
            a, b, c, d = ring[i], ring[i + 1], ring[j], ring[j + 1]
            if side(a, b, c) != side(a, b, d) and side(c, d, a) != side(c, d, b):
                return a
    return None


def ring_of(points):
    ring = [[round(lon, 4), round(lat, 4)] for lon, lat in points]
    ring.append(ring[0])
    area = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))
    return ring if area > 0 else list(reversed(ring))


def feature_collection(features):
    """The areas file as the project keeps it: one compact feature per line."""
    rows = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features)
    return '{"type":"FeatureCollection","features":[\n' + rows + "\n]}\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lines")
    parser.add_argument("areas")
    parser.add_argument("--river", required=True)
    parser.add_argument("--from-lon", type=float, required=True)
    parser.add_argument("--to-lon", type=float, required=True)
    parser.add_argument("--side", choices=["left", "right"], required=True)
    parser.add_argument("--depth-km", type=float, required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--aliases", default="")
    args = parser.parse_args()
    if not args.depth_km > 0:
        fail("--depth-km must be more than 0")
    try:
        with open(args.lines, encoding="utf-8") as fh:
            lines = json.load(fh)
        with open(args.areas, encoding="utf-8") as fh:
            areas = json.load(fh)
    except (OSError, ValueError) as e:
        fail(str(e))
    river = river_positions(lines, args.river, args.from_lon, args.to_lon)
    lat0 = sum(lat for _, lat in river) / len(river)
    outer = offset(smoothed(river, args.depth_km, lat0), args.depth_km, args.side, lat0)
    note = (
        f"Outline made by tools/make_bank_area.py, not an administrative boundary: the "
        f"{args.side} bank of {args.river} (Natural Earth 1:10m centreline) between longitudes "
        f"{args.from_lon} and {args.to_lon}, from the centreline out to about "
        f"{args.depth_km:g} km (the outer edge follows the river smoothed over that distance). "
        f"Approximate: the centreline is generalised by a few hundred metres, so a place right "
        f"on the water may fall on the wrong side; check with `frontline places`."
    )
    ring = ring_of(river + list(reversed(outer)))
    crossing = first_crossing(ring)
    if crossing is not None:
        fail(f"the outline folds over itself near {crossing[0]}, {crossing[1]} (a sharp bend of the river "
             f"against a {args.depth_km:g} km depth): give a smaller --depth-km or a narrower longitude range")
    feature = {
        "type": "Feature",
        "properties": {"name": args.name, "aliases": args.aliases, "note": note},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    features = [f for f in areas.get("features", []) if (f.get("properties") or {}).get("name") != args.name]
    features.append(feature)
    write_whole(args.areas, feature_collection(features))


if __name__ == "__main__":
    main()
