#!/usr/bin/env python3
"""Writes data/syria-2024/zones.geojson: areas that are not towns, each tied to the
gazetteer place whose holder holds it. Both shapes are approximations, and say so.

Run: python3 tools/make_zones.py data/syria-2024/zones.geojson
"""
import json, math, sys

def circle(lon, lat, radius_km, n=72):
    # A geodesic circle is overkill at this size: a local equirectangular offset is
    # within a few hundred metres over 55 km.
    ring = []
    for i in range(n):
        a = 2 * math.pi * i / n
        dlat = radius_km / 111.32 * math.sin(a)
        dlon = radius_km / (111.32 * math.cos(math.radians(lat))) * math.cos(a)
        ring.append([round(lon + dlon, 5), round(lat + dlat, 5)])
    ring.append(ring[0])
    return ring  # counter-clockwise: angles increase anticlockwise

# The UNDOF Area of Separation on the Syrian side of the 1974 line, traced coarsely
# (about 2 km) from published UN maps: from the Mount Hermon massif south to the Yarmouk.
golan = [
    [35.775, 33.330], [35.800, 33.255], [35.800, 33.170], [35.790, 33.100], [35.800, 33.020],
    [35.830, 32.940], [35.850, 32.860], [35.830, 32.760], [35.860, 32.740], [35.890, 32.800],
    [35.880, 32.870], [35.860, 32.950], [35.840, 33.030], [35.830, 33.100], [35.850, 33.170],
    [35.860, 33.260], [35.850, 33.330], [35.820, 33.360], [35.775, 33.330],
]

def ccw(ring):
    area = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))
    return ring if area > 0 else list(reversed(ring))

features = [
    {"type": "Feature",
     "properties": {"place": "al-tanf", "note": "The 55 km deconfliction zone around the al-Tanf garrison, drawn as a 55 km circle (approximate; the real zone is agreed, not published as a shape)."},
     "geometry": {"type": "Polygon", "coordinates": [ccw(circle(38.62, 33.50, 55))]}},
    {"type": "Feature",
     "properties": {"place": "golan-buffer-zone", "note": "The UNDOF Area of Separation, traced coarsely (about 2 km) from UN maps: an approximation."},
     "geometry": {"type": "Polygon", "coordinates": [ccw(golan)]}},
]
out = sys.argv[1] if len(sys.argv) > 1 else "data/syria-2024/zones.geojson"
with open(out, "w", encoding="utf-8") as f:
    json.dump({"type": "FeatureCollection", "features": features}, f, separators=(",", ":"))
    f.write("\n")
