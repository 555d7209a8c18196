#!/usr/bin/env python3
"""Tests for convert_basemap.py, convert_geonames.py, convert_lines.py and make_bank_area.py,
and check_dataset.py on the shipped data (standard library only).

Run from the project root:

    python3 -m unittest tools/test_tools.py -v

The scripts are run as a user runs them, in a subprocess, on tiny inputs written
into a temporary folder. The last tests re-make the shipped Syria files from
../shared/data-sources and compare bytes; they are skipped when it is missing.
"""
import csv
import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
SOURCES = ROOT.parent / "shared" / "data-sources"

# Three unit-free squares on a 0.01-degree grid: Alpha (lon 10..12) and Beta
# (lon 12..14) share their edge, arc 0, which Beta walks backwards (~0); Gamma
# lies far away at lon/lat 30..32. Arcs are delta-encoded as TopoJSON stores them.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.01, 0.01], "translate": [0, 0]},
    "arcs": [
        [[1200, 1000], [0, 200]],
        [[1200, 1200], [-200, 0], [0, -200], [200, 0]],
        [[1200, 1000], [200, 0], [0, 200], [-200, 0]],
        [[3000, 3000], [200, 0], [0, 200], [-200, 0], [0, -200]],
    ],
    "objects": {"countries": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0, 1]], "id": "001", "properties": {"name": "Alpha"}},
        {"type": "Polygon", "arcs": [[2, -1]], "id": "002", "properties": {"name": "Beta"}},
        {"type": "MultiPolygon", "arcs": [[[3]]], "id": "003", "properties": {"name": "Gamma"}},
    ]}},
}

# Two Springfields in one region, two Shelbyvilles in two regions, a name with
# diacritics, and Ogdenville, which an override moves and gives a population.
PLACES = {
    "source": "hand-made test extract",
    "admin1": {"01": "North Region", "02": "South Region"},
    "places": [
        {"geonameid": 102, "name": "Springfield", "latitude": 1.0, "longitude": 1.0,
         "population": 0, "admin1code": "01", "alternatenames": []},
        {"geonameid": 101, "name": "Springfield", "latitude": 1.5, "longitude": 1.5,
         "population": 5000, "admin1code": "01", "alternatenames": []},
        {"geonameid": 201, "name": "Shelbyville", "latitude": 2.0, "longitude": 2.0,
         "population": 12000, "admin1code": "01", "alternatenames": []},
        {"geonameid": 202, "name": "Shelbyville", "latitude": -2.0, "longitude": 2.0,
         "population": 0, "admin1code": "02", "alternatenames": []},
        {"geonameid": 301, "name": "Ḩamāh", "latitude": 3.0, "longitude": 3.0,
         "population": 800000, "admin1code": "02",
         "alternatenames": ["Hama", "hmh", "HMA", "Хама"]},
        {"geonameid": 401, "name": "Ogdenville", "latitude": 4.0, "longitude": 4.0,
         "population": 0, "admin1code": "02", "alternatenames": []},
    ],
}

EXTRA = (
    "id,name,aliases,lat,lon,population,admin1,kind,source\n"
    ",,Ogden,5.5,6.25,150000,,,GeoNames 401\n"
    "hama,Hama,Hamath,,,,,,GeoNames 301\n"
    "lake-x,Lake X,Lake Ex,-3,4,,South Region,zone,added: test point\n"
    "springfield-north-region-2,,Old Springfield,,,,,,\n"
)


# Natural Earth style rivers around the box 10,10,20,20: Big River crosses it
# (named "Grand" in name, "Big River" in name_en), Lake Line lies inside it, Far
# River is outside it, Edge River only passes through it between two positions
# that are both outside (a segment across the box's corner), and Miss River's
# bounding box meets the box but its line passes by the corner.
RIVERS = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature",
         "properties": {"name": "Grand", "name_en": "Big River", "featurecla": "River",
                        "scalerank": 3.0, "min_zoom": 3.0},
         "geometry": {"type": "MultiLineString", "coordinates": [
             [[5.0, 15.0], [12.123456, 15.000004], [12.123459, 15.0], [25.0, 15.0]],
             [[30.0, 30.0], [31.0, 31.0]]]}},
        {"type": "Feature",
         "properties": {"name": "Lake Line", "name_en": None, "featurecla": "Lake Centerline",
                        "scalerank": 6.0, "min_zoom": 5.0},
         "geometry": {"type": "LineString", "coordinates": [[11.0, 11.0], [12.0, 12.0]]}},
        {"type": "Feature",
         "properties": {"name": "Far River", "name_en": "Far River", "featurecla": "River",
                        "scalerank": 1.0, "min_zoom": 1.0},
         "geometry": {"type": "LineString", "coordinates": [[40.0, 40.0], [41.0, 41.0]]}},
        {"type": "Feature",
         "properties": {"name": "Edge River", "name_en": "Edge River", "featurecla": "River",
                        "scalerank": 9.0, "min_zoom": 7.0},
         "geometry": {"type": "LineString", "coordinates": [[8.0, 17.0], [12.0, 21.0]]}},
        {"type": "Feature",
         "properties": {"name": "Miss River", "name_en": "Miss River", "featurecla": "River",
                        "scalerank": 1.0, "min_zoom": 1.0},
         "geometry": {"type": "LineString", "coordinates": [[8.0, 19.0], [11.0, 22.0]]}},
    ],
}


def run(script, *args):
    """Run a tool; returns the CompletedProcess with text stdout and stderr."""
    return subprocess.run([sys.executable, str(TOOLS / script), *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8")


def read_rows(path):
    """The gazetteer rows of path by id, each a dict of its columns."""
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


class TempDirTest(unittest.TestCase):
    """A test with a fresh temporary folder, self.dir."""

    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = Path(tmp.name)

    def write(self, name, text):
        """Write text into the temporary folder; returns its path."""
        path = self.dir / name
        path.write_text(text, encoding="utf-8")
        return path


class BasemapTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.topo = self.write("countries.topojson", json.dumps(TOPOLOGY))
        self.out = self.dir / "out.geojson"

    def convert(self, *args):
        """Run convert_basemap on the tiny topology; returns the features."""
        result = run("convert_basemap.py", self.topo, self.out, *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(self.out, encoding="utf-8") as fh:
            return json.load(fh)["features"]

    def summary(self, features):
        """(role, name, iso_n3) of each feature, in file order."""
        return [(f["properties"]["role"], f["properties"]["name"], f["properties"]["iso_n3"])
                for f in features]

    def test_country_by_name_in_any_case_with_the_default_margin(self):
        features = self.convert("--country", "aLPHA")
        # The box is Alpha's grown by 3 degrees: Beta is in, Gamma is not.
        self.assertEqual(self.summary(features),
                         [("focus", "Alpha", "001"), ("neighbour", "Beta", "002")])
        self.assertEqual(features[0]["geometry"], {
            "type": "Polygon",
            "coordinates": [[[12.0, 10.0], [12.0, 12.0], [10.0, 12.0], [10.0, 10.0], [12.0, 10.0]]],
        })

    def test_country_by_iso_code_clips_neighbours_to_the_box(self):
        features = self.convert("--country", "2", "--box", "11,9,13,13")
        self.assertEqual(self.summary(features),
                         [("focus", "Beta", "002"), ("neighbour", "Alpha", "001")])
        beta, alpha = (f["geometry"]["coordinates"][0] for f in features)
        self.assertEqual({p[0] for p in beta}, {12.0, 14.0}, "the focus is never clipped")
        self.assertEqual({p[0] for p in alpha}, {11.0, 12.0}, "Alpha is cut at lon 11")

    def test_several_countries_form_the_focus(self):
        features = self.convert("--country", "Gamma", "--country", "001", "--margin", "0")
        self.assertEqual(self.summary(features), [
            ("focus", "Alpha", "001"), ("focus", "Gamma", "003"), ("neighbour", "Beta", "002"),
        ])
        self.assertEqual(features[1]["geometry"]["type"], "Polygon",
                         "a MultiPolygon of one part is written as a Polygon")

    def test_unknown_country_exits_2_naming_the_file_and_close_names(self):
        result = run("convert_basemap.py", self.topo, self.out, "--country", "Alpah")
        self.assertEqual(result.returncode, 2)
        self.assertIn(str(self.topo), result.stderr)
        self.assertIn("close names: Alpha", result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertFalse(self.out.exists(), "nothing is written on an error")

    def test_without_arguments_the_focus_is_syria(self):
        result = run("convert_basemap.py", self.topo, self.out)
        self.assertEqual(result.returncode, 2)
        self.assertIn("760", result.stderr)

    def test_a_bad_box_is_a_usage_error(self):
        result = run("convert_basemap.py", self.topo, self.out, "--box", "14,9,11,13")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--box", result.stderr)


class GeonamesTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.json = self.write("places.json", json.dumps(PLACES, ensure_ascii=False))
        self.out = self.dir / "gazetteer.csv"

    def convert(self, extra_text=EXTRA):
        """Run convert_geonames with extra_text as EXTRA.csv; returns rows by id."""
        extra = self.write("extra.csv", extra_text)
        result = run("convert_geonames.py", self.json, extra, self.out)
        self.assertEqual(result.returncode, 0, result.stderr)
        return read_rows(self.out)

    def fails(self, extra_text):
        """Run with a bad EXTRA.csv; checks exit 2 and returns stderr."""
        self.out.write_text("old\n", encoding="utf-8")
        extra = self.write("extra.csv", extra_text)
        result = run("convert_geonames.py", self.json, extra, self.out)
        self.assertEqual(result.returncode, 2, result.stdout)
        self.assertIn(str(extra), result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertEqual(self.out.read_text(encoding="utf-8"), "old\n",
                         "the old output is left as it was")
        return result.stderr

    def test_same_names_get_region_then_number_ids(self):
        rows = self.convert()
        # In one region: the lower geonameid keeps the plain form.
        self.assertEqual(rows["springfield-north-region"]["source"], "GeoNames 101")
        self.assertEqual(rows["springfield-north-region-2"]["source"], "GeoNames 102")
        self.assertEqual(rows["shelbyville-north-region"]["source"], "GeoNames 201")
        self.assertEqual(rows["shelbyville-south-region"]["source"], "GeoNames 202")
        self.assertNotIn("springfield", rows)
        self.assertEqual(rows["springfield-north-region-2"]["aliases"], "Old Springfield")

    def test_override_moves_a_place_and_sets_its_population(self):
        row = self.convert()["ogdenville"]
        self.assertEqual((row["lat"], row["lon"]), ("5.50000", "6.25000"))
        self.assertEqual(row["population"], "150000")
        self.assertEqual(row["kind"], "city", "kind follows the new population")
        self.assertEqual(row["aliases"], "Ogden")
        self.assertEqual(row["source"], "GeoNames 401")

    def test_names_aliases_and_added_places(self):
        rows = self.convert()
        self.assertEqual(rows["hama"]["name"], "Hama")
        self.assertEqual(rows["hama"]["aliases"], "Hamath|Ḩamāh",
                         "codes, romanisations and other scripts are dropped")
        self.assertEqual(rows["hama"]["kind"], "city")
        self.assertEqual(rows["lake-x"]["source"], "added: test point")
        self.assertEqual(rows["lake-x"]["lat"], "-3.00000")
        self.assertEqual(len(rows), 7)

    def test_extra_file_is_optional(self):
        result = run("convert_geonames.py", self.json, self.out)
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = read_rows(self.out)
        self.assertEqual(rows["hamah"]["name"], "Hamah")
        self.assertEqual(rows["ogdenville"]["lat"], "4.00000")

    def test_the_same_inputs_give_the_same_bytes(self):
        self.convert()
        first = self.out.read_bytes()
        self.convert()
        self.assertEqual(self.out.read_bytes(), first)

    def test_bad_rows_exit_2_naming_file_and_line(self):
        header = EXTRA.splitlines()[0] + "\n"
        stderr = self.fails(header + ",,,,,,,,GeoNames 401\nx,X,,abc,2,,North Region,village,added\n")
        self.assertIn("line 3", stderr)
        self.assertIn("'abc'", stderr)
        stderr = self.fails(header + ",,,,,,,,GeoNames 999\n")
        self.assertIn("line 2", stderr)
        self.assertIn("GeoNames 999", stderr)
        stderr = self.fails(header + ",,,1,,,,,GeoNames 401\n")
        self.assertIn("lat and lon", stderr)
        stderr = self.fails(header + "y,Y,,1,2,,North Region,castle,added\n")
        self.assertIn("castle", stderr)
        stderr = self.fails(header + "ogdenville,Dup,,1,2,,North Region,village,added\n"
                            "ogdenville,,,,,,,,GeoNames 401\n")
        self.assertIn("line 3", stderr)

    def test_a_bad_extract_names_the_place(self):
        broken = dict(PLACES, places=PLACES["places"] + [{"geonameid": 9, "name": "X"}])
        path = self.write("broken.json", json.dumps(broken))
        result = run("convert_geonames.py", path, self.out)
        self.assertEqual(result.returncode, 2)
        self.assertIn("places[6]", result.stderr)
        self.assertIn("latitude", result.stderr)


class LinesTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.rivers = self.write("rivers.geojson", json.dumps(RIVERS))
        self.out = self.dir / "lines.geojson"

    def convert(self, *args):
        """Run convert_lines on the tiny rivers; returns the features."""
        result = run("convert_lines.py", self.rivers, self.out, "--box", "10,10,20,20", *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(self.out, encoding="utf-8") as fh:
            collection = json.load(fh)
        self.assertEqual(set(collection), {"type", "features"}, "RFC 7946: no crs")
        return collection["features"]

    def fails(self, *args):
        """Run with bad arguments or input; checks exit 2, nothing written, returns stderr."""
        result = run("convert_lines.py", *args)
        self.assertEqual(result.returncode, 2, result.stdout)
        self.assertNotIn("Traceback", result.stderr)
        self.assertFalse(self.out.exists(), "nothing is written on an error")
        return result.stderr

    def test_names_match_name_or_name_en_in_any_case_inside_the_box(self):
        features = self.convert("--name", "GRAND", "--name", "lake line", "--name", "edge river")
        self.assertEqual([f["properties"]["name"] for f in features],
                         ["Big River", "Lake Line", "Edge River"],
                         "input order; the name is name_en, else name")
        big = features[0]
        self.assertEqual(big["properties"], {
            "name": "Big River",
            "source": "Natural Earth 1:10m rivers and lake centerlines (public domain)",
            "featurecla": "River",
        })
        self.assertEqual(big["geometry"], {"type": "MultiLineString", "coordinates": [
            [[5.0, 15.0], [12.12346, 15.0], [25.0, 15.0]], [[30.0, 30.0], [31.0, 31.0]],
        ]}, "whole, not clipped; rounded to 5 decimals, repeats dropped")
        self.assertEqual(features[1]["geometry"]["type"], "LineString")

    def test_features_outside_the_box_are_left_out(self):
        stderr = self.fails(self.rivers, self.out, "--box", "10,10,20,20", "--name", "Far River")
        self.assertIn("'Far River'", stderr)
        self.assertIn(str(self.rivers), stderr)
        stderr = self.fails(self.rivers, self.out, "--box", "10,10,20,20", "--name", "Miss River")
        self.assertIn("'Miss River'", stderr, "a bounding box that meets the box is not enough")
        features = self.convert("--box", "35,35,45,45", "--name", "far river")
        self.assertEqual([f["properties"]["name"] for f in features], ["Far River"])

    def test_max_scalerank_keeps_every_important_feature_in_the_box(self):
        features = self.convert("--max-scalerank", "6")
        self.assertEqual([f["properties"]["name"] for f in features], ["Big River", "Lake Line"])
        features = self.convert("--max-scalerank", "3", "--name", "Edge River")
        self.assertEqual([f["properties"]["name"] for f in features], ["Big River", "Edge River"])

    def test_cost_km_is_written_on_the_named_features(self):
        features = self.convert("--name", "Big River", "--name", "Lake Line",
                                "--cost-km", "grand=25", "--cost-km", "Lake Line=7.5")
        self.assertEqual([f["properties"].get("cost_km") for f in features], [25, 7.5])
        text = self.out.read_text(encoding="utf-8")
        self.assertIn('"cost_km":25}', text)
        self.assertNotIn("Far River", text)

    def test_the_same_inputs_give_the_same_bytes(self):
        self.convert("--max-scalerank", "9", "--cost-km", "Edge River=3")
        first = self.out.read_bytes()
        self.out.unlink()
        self.convert("--max-scalerank", "9", "--cost-km", "Edge River=3")
        self.assertEqual(self.out.read_bytes(), first)
        self.assertEqual(first.count(b"\n"), 5, "one line per feature")

    def test_bad_arguments_and_input_exit_2(self):
        stderr = self.fails(self.rivers, self.out, "--box", "20,10,10,20", "--name", "Grand")
        self.assertIn("--box", stderr)
        stderr = self.fails(self.rivers, self.out, "--box", "10,10,20", "--name", "Grand")
        self.assertIn("--box", stderr)
        stderr = self.fails(self.rivers, self.out, "--box", "10,10,20,20")
        self.assertIn("--name", stderr)
        stderr = self.fails(self.rivers, self.out, "--box", "10,10,20,20", "--name", "Grand",
                            "--cost-km", "Grand=-1")
        self.assertIn("--cost-km", stderr)
        stderr = self.fails(self.rivers, self.out, "--box", "10,10,20,20", "--name", "Grand",
                            "--cost-km", "Lake Line=3")
        self.assertIn("Lake Line", stderr)
        missing = self.dir / "missing.geojson"
        stderr = self.fails(missing, self.out, "--box", "10,10,20,20", "--name", "Grand")
        self.assertIn(str(missing), stderr)
        broken = self.write("broken.geojson", "{not json")
        stderr = self.fails(broken, self.out, "--box", "10,10,20,20", "--name", "Grand")
        self.assertIn(str(broken), stderr)
        self.assertIn("not JSON", stderr)
        point = dict(RIVERS, features=[{"type": "Feature", "properties": {},
                                        "geometry": {"type": "Point", "coordinates": [1, 1]}}])
        odd = self.write("point.geojson", json.dumps(point))
        stderr = self.fails(odd, self.out, "--box", "10,10,20,20", "--name", "Grand")
        self.assertIn("feature 0", stderr)


def point_in_ring(lon, lat, ring):
    """Even-odd test of a point against a closed ring of [lon, lat] positions."""
    inside = False
    for (ax, ay), (bx, by) in zip(ring, ring[1:]):
        if (ay > lat) != (by > lat) and lon < ax + (lat - ay) * (bx - ax) / (by - ay):
            inside = not inside
    return inside


class BankAreaTest(TempDirTest):
    """A river flowing east along lat 35 with one meander; its right bank is the south."""

    RIVER = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Big"}, "geometry": {"type": "LineString",
         "coordinates": [[39.0, 35.0], [39.5, 35.0], [39.6, 35.05], [39.7, 35.0], [41.0, 35.0]]}},
        {"type": "Feature", "properties": {"name": "Other"}, "geometry": {"type": "LineString",
         "coordinates": [[39.0, 36.0], [41.0, 36.0]]}},
    ]}
    AREAS = '{"type":"FeatureCollection","features":[\n{"type":"Feature","properties":{"name":"kept"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}\n]}\n'

    def setUp(self):
        super().setUp()
        self.lines = self.write("lines.geojson", json.dumps(self.RIVER))
        self.areas = self.write("areas.geojson", self.AREAS)

    def make(self, *extra):
        return run("make_bank_area.py", self.lines, self.areas, "--river", "Big", "--from-lon", "39.2",
                   "--to-lon", "40.8", "--side", "right", "--depth-km", "20", "--name", "south bank", *extra)

    def test_the_right_bank_holds_the_near_south_and_not_the_north_or_far_south(self):
        result = self.make("--aliases", "the south|S bank")
        self.assertEqual(result.returncode, 0, result.stderr)
        features = json.loads(self.areas.read_text(encoding="utf-8"))["features"]
        self.assertEqual([f["properties"]["name"] for f in features], ["kept", "south bank"])
        self.assertEqual(features[1]["properties"]["aliases"], "the south|S bank")
        ring = features[1]["geometry"]["coordinates"][0]
        self.assertEqual(ring[0], ring[-1])
        self.assertTrue(point_in_ring(40.0, 34.95, ring), "5 km south of the river is inside")
        self.assertTrue(point_in_ring(39.6, 35.03, ring), "inside the meander, south of the water")
        self.assertFalse(point_in_ring(40.0, 35.05, ring), "the north bank is outside")
        self.assertFalse(point_in_ring(40.0, 34.6, ring), "45 km south is outside")
        self.assertFalse(point_in_ring(39.1, 34.95, ring), "west of --from-lon is outside")

    def test_running_again_replaces_the_feature_and_gives_the_same_bytes(self):
        self.assertEqual(self.make().returncode, 0)
        first = self.areas.read_bytes()
        self.assertEqual(self.make().returncode, 0)
        self.assertEqual(self.areas.read_bytes(), first)

    def test_a_river_in_two_features_meeting_end_to_end_is_one_bank(self):
        # The river split at lon 40.0 into two features (as a river and the lake it crosses
        # are in Natural Earth), the second written upstream: the bank still runs on.
        river = json.loads(json.dumps(self.RIVER))
        river["features"][0]["geometry"]["coordinates"] = [[39.0, 35.0], [39.5, 35.0], [40.0, 35.0]]
        river["features"].append({"type": "Feature", "properties": {"name": "big"},
                                  "geometry": {"type": "LineString", "coordinates": [[41.0, 35.0], [40.0, 35.0]]}})
        self.lines.write_text(json.dumps(river), encoding="utf-8")
        self.assertEqual(self.make().returncode, 0)
        ring = json.loads(self.areas.read_text(encoding="utf-8"))["features"][1]["geometry"]["coordinates"][0]
        self.assertTrue(point_in_ring(39.5, 34.95, ring) and point_in_ring(40.5, 34.95, ring))

    def test_a_depth_that_folds_the_outline_exits_2_and_writes_nothing(self):
        # A hairpin bend: 30 km out from both arms, the outline would fold over itself.
        hairpin = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Big"},
                   "geometry": {"type": "LineString", "coordinates": [[39.0, 35.0], [40.0, 35.0], [40.05, 35.05],
                                                                      [40.0, 35.1], [39.0, 35.1]]}}]}
        self.lines.write_text(json.dumps(hairpin), encoding="utf-8")
        result = run("make_bank_area.py", self.lines, self.areas, "--river", "Big", "--from-lon", "39.0",
                     "--to-lon", "41.0", "--side", "left", "--depth-km", "30", "--name", "x")
        self.assertEqual(result.returncode, 2, result.stdout)
        self.assertIn("--depth-km", result.stderr)
        self.assertEqual(self.areas.read_text(encoding="utf-8"), self.AREAS)

    def test_an_unknown_river_or_bad_depth_exits_2_and_writes_nothing(self):
        for args in (["--river", "Nile"], ["--depth-km", "0"]):
            result = run("make_bank_area.py", self.lines, self.areas, "--river", "Big", "--from-lon", "39.2",
                         "--to-lon", "40.8", "--side", "right", "--depth-km", "20", "--name", "x", *args)
            self.assertEqual(result.returncode, 2, result.stdout)
            self.assertNotIn("Traceback", result.stderr)
            self.assertEqual(self.areas.read_text(encoding="utf-8"), self.AREAS)


@unittest.skipUnless(SOURCES.is_dir(), "no ../shared/data-sources")
class ShippedFilesTest(TempDirTest):
    """Re-running the documented commands gives the shipped files byte for byte."""

    def check_same(self, made, shipped):
        self.assertTrue(made.read_bytes() == shipped.read_bytes(),
                        f"{made} differs from {shipped}")

    def test_basemap(self):
        for extra in ([], ["--country", "Syria", "--box", "30,28,46,41"]):
            out = self.dir / "levant.geojson"
            result = run("convert_basemap.py", SOURCES / "natural-earth-countries-10m.topojson",
                         out, *extra)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.check_same(out, ROOT / "data" / "basemap" / "levant-10m.geojson")

    def test_lines(self):
        out = self.dir / "lines.geojson"
        result = run("convert_lines.py", SOURCES / "natural-earth-rivers-10m.geojson", out,
                     "--box", "35.5,32.2,42.5,37.4", "--name", "Al Furat", "--name", "Dicle")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.check_same(out, ROOT / "data" / "syria-2024" / "lines.geojson")

    def test_deir_ez_zor_west_bank(self):
        out = self.dir / "areas.geojson"
        shipped = ROOT / "data" / "syria-2024" / "areas.geojson"
        out.write_bytes(shipped.read_bytes())
        result = run("make_bank_area.py", ROOT / "data" / "syria-2024" / "lines.geojson", out,
                     "--river", "Al Furat", "--from-lon", "39.75", "--to-lon", "41.05", "--side", "right",
                     "--depth-km", "20", "--name", "Deir ez-Zor west bank",
                     "--aliases", "west of the Euphrates in Deir ez-Zor|the Shamiyah bank of Deir ez-Zor")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.check_same(out, shipped)

    def test_the_shipped_dataset_checks_clean(self):
        result = run("check_dataset.py", ROOT / "data" / "syria-2024", SOURCES / "geonames-syria.json")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("0 problems", result.stdout)

    def test_gazetteer(self):
        out = self.dir / "gazetteer.csv"
        result = run("convert_geonames.py", SOURCES / "geonames-syria.json",
                     TOOLS / "extra-places.csv", out)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.check_same(out, ROOT / "data" / "syria-2024" / "gazetteer.csv")


if __name__ == "__main__":
    unittest.main()
