"""GeoJSON, GeoPackage and CSV written from the features model, read back with GIS tools."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import json
import math
import re
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import Point, Polygon, shape

sys.path.insert(0, str(Path(__file__).parent))
from browser_util import ALL_PLACES, sample_results

import maps
from maps import _export, _io
from maps._features import MentionRow

PROPERTIES = {
    "place_id",
    "name",
    "kind",
    "country_code",
    "geonameid",
    "precision",
    "role",
    "n_mentions",
    "n_statements",
    "first_date",
    "last_date",
    "categories",
    "statements",
}
STATEMENT_KEYS = {
    "doc",
    "index",
    "text",
    "date",
    "speaker",
    "categories",
    "source",
    "url",
    "title",
    "mentions",
}


@pytest.fixture(scope="module")
def fs() -> maps.FeatureSet:
    return maps.build_features(sample_results())


@pytest.fixture
def geojson(fs: maps.FeatureSet, tmp_path: Path) -> tuple[Path, dict]:
    path = tmp_path / "places.geojson"
    maps.write_geojson(fs, path)
    return path, json.loads(path.read_text(encoding="utf-8"))


# --- features model --------------------------------------------------------------------------------


def test_one_feature_per_place_in_place_id_order(fs: maps.FeatureSet) -> None:
    ids = [f.place_id for f in fs.features]
    assert ids == sorted(p.place_id for p in ALL_PLACES)


@pytest.mark.parametrize(
    ("place_id", "role", "n_mentions", "categories"),
    [
        ("geonames:2464470", "dateline", 1, ("armed clash",)),
        ("geonames:3017382", "actor", 1, ("diplomacy",)),
        ("geonames:88319", "location", 2, ("border crossing", "diplomacy", "weapons convoy")),
        ("border:LY-TN", "location", 1, ("border crossing", "weapons convoy")),
    ],
)
def test_feature_roles_counts_and_categories(
    fs: maps.FeatureSet, place_id: str, role: str, n_mentions: int, categories: tuple[str, ...]
) -> None:
    feature = next(f for f in fs.features if f.place_id == place_id)
    assert feature.role == role
    assert feature.n_mentions == n_mentions
    assert feature.categories == categories


def test_dominant_role_location_beats_actor() -> None:
    from maps._features import _dominant_role

    assert _dominant_role(["actor", "location", "dateline"]) == "location"
    assert _dominant_role(["actor", "dateline"]) == "dateline"
    assert _dominant_role(["actor", "actor"]) == "actor"


def test_statement_mentions_are_offsets_into_the_statement(fs: maps.FeatureSet) -> None:
    for feature in fs.features:
        assert feature.n_statements == len(feature.statements)
        for st in feature.statements:
            assert st.mentions, (feature.place_id, st.index)
            for start, end in st.mentions:
                assert st.text[start:end]  # a non-empty slice of the sentence
    ring = next(f for f in fs.features if f.kind == "ring")
    (st,) = ring.statements
    assert [st.text[s:e] for s, e in st.mentions] == ["the outskirts of Tripoli"]


def test_statements_table_links_back_to_every_place(fs: maps.FeatureSet) -> None:
    by_id = {s.id: s for s in fs.statements}
    assert set(by_id["wire-2019-04-08#1"].place_ids) == {"geonames:2214845", "part:geonames:2210554:S"}
    # The unresolved "Wadi Qattara" is kept as a span with no place.
    assert (82, 94, None) in by_id["wire-2019-04-08#1"].mentions
    assert [s.id for s in fs.statements] == sorted(s.id for s in fs.statements)


def test_dates_and_unresolved_mentions(fs: maps.FeatureSet) -> None:
    assert fs.dates() == ("2019-04-08", "2019-04-10")
    unresolved = [m for m in fs.mentions if m.place_id is None]
    assert [m.text for m in unresolved] == ["Wadi Qattara"]


def test_include_actors_false_drops_actor_places_and_their_mentions() -> None:
    fs = maps.build_features(sample_results(), include_actors=False)
    assert "geonames:3017382" not in {f.place_id for f in fs.features}
    assert all(m.place_id != "geonames:3017382" for m in fs.mentions)
    assert all("geonames:3017382" not in s.place_ids for s in fs.statements)


def test_duplicate_document_ids_are_refused() -> None:
    results = sample_results()
    with pytest.raises(ValueError, match="duplicate document id 'wire-2019-04-08'"):
        maps.build_features([results[0], results[0]])


def test_geo_interface_goes_into_shapely_and_geopandas(fs: maps.FeatureSet) -> None:
    frame = gpd.GeoDataFrame.from_features(fs, crs="EPSG:4326")
    assert len(frame) == len(fs.features)
    assert shape(fs.features[0].__geo_interface__["geometry"]).is_valid


def test_order_of_results_does_not_matter(fs: maps.FeatureSet) -> None:
    assert maps.build_features(list(reversed(sample_results()))) == fs


# --- GeoJSON -------------------------------------------------------------------------------------


def test_geojson_is_rfc7946(geojson: tuple[Path, dict]) -> None:
    path, data = geojson
    text = path.read_text(encoding="utf-8")
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data
    assert "NaN" not in text and "Infinity" not in text
    for feature in data["features"]:
        assert "crs" not in feature
        assert feature["id"] == feature["properties"]["place_id"]
        assert set(feature["properties"]) == PROPERTIES
        for st in feature["properties"]["statements"]:
            assert set(st) == STATEMENT_KEYS
        geom = shape(feature["geometry"])
        assert geom.is_valid
        xmin, ymin, xmax, ymax = geom.bounds
        assert -180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90
        polygons = []
        if geom.geom_type == "Polygon":
            polygons = [geom]
        elif geom.geom_type == "MultiPolygon":
            polygons = list(geom.geoms)
        for poly in polygons:
            assert poly.exterior.is_ccw, feature["id"]
            assert all(not ring.is_ccw for ring in poly.interiors), feature["id"]
    decimals = [
        len(m) for m in re.findall(r"-?\d+\.(\d+)", json.dumps([f["geometry"] for f in data["features"]]))
    ]
    assert max(decimals) <= 6


def test_geojson_lon_lat_order(geojson: tuple[Path, dict]) -> None:
    _, data = geojson
    tunis = next(f for f in data["features"] if f["id"] == "geonames:2464470")
    assert tunis["geometry"] == {"type": "Point", "coordinates": [10.1658, 36.819]}


def test_clockwise_input_is_turned_counter_clockwise(geojson: tuple[Path, dict]) -> None:
    from browser_util import LIBYA

    assert not LIBYA.geometry.exterior.is_ccw  # the fixture is clockwise on purpose
    _, data = geojson
    libya = next(f for f in data["features"] if f["id"] == LIBYA.place_id)
    assert shape(libya["geometry"]).exterior.is_ccw


def test_geojson_reads_back_with_geopandas(geojson: tuple[Path, dict], fs: maps.FeatureSet) -> None:
    path, data = geojson
    from_features = gpd.GeoDataFrame.from_features(data["features"], crs="EPSG:4326")
    read = gpd.read_file(path)
    assert len(from_features) == len(read) == len(fs.features)
    assert read.crs.to_epsg() == 4326
    assert sorted(read["place_id"]) == [f.place_id for f in fs.features]
    assert set(read.geom_type) == {"Point", "Polygon", "LineString"}
    assert set(from_features["role"]) == {"location", "dateline", "actor"}


def test_geojson_rounds_to_six_decimals(tmp_path: Path, fs: maps.FeatureSet) -> None:
    place = dataclasses.replace(fs.features[0], geometry=Point(13.123456789, 32.987654321))
    maps.write_geojson(dataclasses.replace(fs, features=(place,)), tmp_path / "r.geojson")
    data = json.loads((tmp_path / "r.geojson").read_text())
    assert data["features"][0]["geometry"]["coordinates"] == [13.123457, 32.987654]


def test_geojson_is_byte_identical_for_the_same_input(tmp_path: Path, fs: maps.FeatureSet) -> None:
    maps.write_geojson(fs, tmp_path / "a.geojson")
    maps.write_geojson(maps.build_features(sample_results()), tmp_path / "b.geojson")
    assert (tmp_path / "a.geojson").read_bytes() == (tmp_path / "b.geojson").read_bytes()


def test_streamed_geojson_is_the_bytes_of_the_whole_document(tmp_path: Path, fs: maps.FeatureSet) -> None:
    """Written feature by feature and statement by statement, the file is still exactly ``json.dumps``
    of the FeatureCollection, including text that JSON escapes and text it keeps (ensure_ascii off)."""
    odd = dataclasses.replace(
        fs.features[0],
        name='Gaza "City" \\ \u00e9\u0646 \u2028',
        statements=(
            *fs.features[0].statements,
            dataclasses.replace(fs.features[0].statements[0], text="</script>\n\t"),
        ),
    )
    for features in (fs.features, (odd, *fs.features[1:]), ()):
        case = dataclasses.replace(fs, features=features)
        path = tmp_path / "s.geojson"
        maps.write_geojson(case, path)
        whole = json.dumps(
            case.__geo_interface__, sort_keys=True, allow_nan=False, ensure_ascii=False, separators=(",", ":")
        )
        assert path.read_text(encoding="utf-8") == whole + "\n"


def test_geojson_refuses_nan_and_keeps_the_old_file(tmp_path: Path, fs: maps.FeatureSet) -> None:
    path = tmp_path / "places.geojson"
    path.write_text("old", encoding="utf-8")
    bad = dataclasses.replace(fs.features[0], geometry=Point(math.nan, 1.0))
    with pytest.raises(ValueError, match="non-finite"):
        maps.write_geojson(dataclasses.replace(fs, features=(bad,)), path)
    assert path.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [path]


def test_multipolygon_with_hole_is_oriented(tmp_path: Path, fs: maps.FeatureSet) -> None:
    outer_cw = [(0, 0), (0, 4), (4, 4), (4, 0)]
    hole_ccw = [(1, 1), (2, 1), (2, 2), (1, 2)]
    geom = shapely.MultiPolygon([Polygon(outer_cw, [hole_ccw]), Polygon([(5, 5), (5, 6), (6, 6)])])
    place = dataclasses.replace(fs.features[0], geometry=geom)
    maps.write_geojson(dataclasses.replace(fs, features=(place,)), tmp_path / "m.geojson")
    out = shape(json.loads((tmp_path / "m.geojson").read_text())["features"][0]["geometry"])
    for poly in out.geoms:
        assert poly.exterior.is_ccw
        assert all(not r.is_ccw for r in poly.interiors)


# --- GeoPackage ----------------------------------------------------------------------------------


def test_gpkg_layers_and_geometry_types(tmp_path: Path, fs: maps.FeatureSet) -> None:
    path = tmp_path / "places.gpkg"
    maps.write_gpkg(fs, path)
    layers = {name: gtype for name, gtype in pyogrio.list_layers(path)}
    assert layers == {
        "points": "MultiPoint",
        "lines": "MultiLineString",
        "polygons": "MultiPolygon",
        "statements": None,
        "mentions": "Point",
    }
    points = gpd.read_file(path, layer="points")
    lines = gpd.read_file(path, layer="lines")
    polygons = gpd.read_file(path, layer="polygons")
    assert points.crs.to_epsg() == 4326
    assert sorted(points["name"]) == ["Benghazi", "Tripoli", "Tunis"]
    assert list(lines["place_id"]) == ["border:LY-TN"]
    assert len(polygons) == 5
    assert set(points.geom_type) == {"MultiPoint"}
    assert set(polygons.geom_type) == {"MultiPolygon"}
    benghazi = points[points["name"] == "Benghazi"].iloc[0]
    assert benghazi["categories"] == "border crossing; diplomacy; weapons convoy"
    assert benghazi["statement_ids"] == "wire-2019-04-10#0; wire-2019-04-10#1"


def test_gpkg_tables_join_by_place_id(tmp_path: Path, fs: maps.FeatureSet) -> None:
    path = tmp_path / "places.gpkg"
    maps.write_gpkg(fs, path)
    statements = pyogrio.read_dataframe(path, layer="statements", read_geometry=False)
    mentions = pyogrio.read_dataframe(path, layer="mentions", read_geometry=False)
    assert {"doc", "index", "text", "date", "speaker", "categories", "source", "url"} <= set(
        statements.columns
    )
    assert len(statements) == len(fs.statements)
    assert len(mentions) == len(fs.mentions)
    place_ids = set()
    for layer in ("points", "lines", "polygons"):
        place_ids |= set(gpd.read_file(path, layer=layer)["place_id"])
    resolved = set(mentions["place_id"].dropna())
    assert resolved == place_ids
    linked = {p for ids in statements["place_ids"] for p in ids.split("; ") if p}
    assert linked == place_ids
    assert "<script>alert(1)</script>" in " ".join(statements["text"])


def test_gpkg_written_in_batches_reads_back_as_in_one(
    tmp_path: Path, fs: maps.FeatureSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long tables are written a batch of rows at a time (memory): the layers are the same."""
    maps.write_gpkg(fs, tmp_path / "one.gpkg")
    monkeypatch.setattr(_export, "GPKG_BATCH", 2)
    assert len(fs.mentions) > 2 * 2 and len(fs.statements) > 2 * 2  # several batches of each
    maps.write_gpkg(fs, tmp_path / "batched.gpkg")
    for layer, _ in pyogrio.list_layers(tmp_path / "one.gpkg"):
        one = gpd.read_file(tmp_path / "one.gpkg", layer=layer)
        batched = gpd.read_file(tmp_path / "batched.gpkg", layer=layer)
        assert list(one.dtypes) == list(batched.dtypes), layer
        assert one.equals(batched), layer


def test_gpkg_with_no_lines_still_has_the_layer(tmp_path: Path, fs: maps.FeatureSet) -> None:
    only_points = dataclasses.replace(
        fs, features=tuple(f for f in fs.features if f.geometry_type == "Point")
    )
    path = tmp_path / "p.gpkg"
    maps.write_gpkg(only_points, path)
    assert len(gpd.read_file(path, layer="lines")) == 0
    assert len(gpd.read_file(path, layer="points")) == 3


def declared_types(path: Path, table: str) -> dict[str, str]:
    """The column types as SQLite declares them: what QGIS and ogrinfo see."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return {row[1]: row[2] for row in db.execute(f'PRAGMA table_info("{table}")')}


def test_gpkg_column_types(tmp_path: Path, fs: maps.FeatureSet) -> None:
    path = tmp_path / "places.gpkg"
    maps.write_gpkg(fs, path)
    for layer in ("points", "lines", "polygons"):
        types = declared_types(path, layer)
        assert types["geonameid"] == "INTEGER", layer  # the border has no geonameid: all null
        assert types["first_date"] == types["last_date"] == "DATE", layer
        assert types["n_mentions"] == types["precision"] == "INTEGER", layer
    statements = declared_types(path, "statements")
    assert statements["date"] == "DATE" and statements["index"] == "INTEGER"
    mentions = declared_types(path, "mentions")
    assert mentions["date"] == "DATE"
    assert mentions["geonameid"] == mentions["start"] == mentions["precision"] == "INTEGER"
    assert mentions["lat"] == mentions["lon"] == mentions["score"] == "REAL"
    assert mentions["geom"] == "POINT"
    info = pyogrio.read_info(path, layer="mentions")
    assert list(info["fields"]) == PARSE_FIELDS
    dtypes = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert dtypes["geonameid"] == dtypes["start"] == "int64" and dtypes["date"] == "datetime64[D]"
    for layer in ("points", "lines", "polygons"):
        info = pyogrio.read_info(path, layer=layer)
        dtypes = dict(zip(info["fields"], info["dtypes"], strict=True))
        assert dtypes["geonameid"] == "int64" and dtypes["first_date"] == "datetime64[D]", layer
    dates = pyogrio.read_dataframe(path, layer="statements", read_geometry=False)["date"]
    assert sorted({d.date().isoformat() for d in dates}) == ["2019-04-08", "2019-04-10"]


def test_gpkg_types_do_not_depend_on_the_data(tmp_path: Path) -> None:
    """Empty layers and layers whose ids are all null get the same column types as full ones."""
    path = tmp_path / "empty.gpkg"
    maps.write_gpkg(maps.build_features([]), path)
    for layer in ("points", "lines", "polygons", "mentions"):
        types = declared_types(path, layer)
        assert types["geonameid"] == "INTEGER", layer
        assert types.get("date", types.get("first_date")) == "DATE", layer
        assert pyogrio.read_info(path, layer=layer)["crs"] == "EPSG:4326"
    assert declared_types(path, "statements")["date"] == "DATE"


def test_gpkg_mentions_are_points_at_their_place(tmp_path: Path, fs: maps.FeatureSet) -> None:
    path = tmp_path / "places.gpkg"
    maps.write_gpkg(fs, path)
    mentions = gpd.read_file(path, layer="mentions")
    assert mentions.crs.to_epsg() == 4326
    assert len(mentions) == len(fs.mentions)
    for row in mentions.itertuples():
        if pd.isna(row.place_id):
            assert row.geometry is None, row.text
        else:
            assert row.geometry.geom_type == "Point"
            assert (row.geometry.x, row.geometry.y) == (row.lon, row.lat)
    tunis = mentions[mentions["text"] == "TUNIS"].iloc[0]
    assert (tunis.geometry.x, tunis.geometry.y) == (10.1658, 36.819)
    assert tunis["date"].date().isoformat() == "2019-04-08"
    csv_path = tmp_path / "m.csv"
    maps.write_csv(fs, csv_path)
    rows = read_csv(csv_path)
    assert [r["text"] for r in rows] == list(mentions["text"])
    assert [r["place_id"] for r in rows] == ["" if pd.isna(p) else p for p in mentions["place_id"]]


def run_child(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter that can import the test helpers."""
    prelude = f"import sys\nsys.path.insert(0, {str(Path(__file__).parent)!r})\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


FILE_SIZE_LIMIT = """
    import errno, resource, signal
    from browser_util import sample_results
    import maps
    fs = maps.build_features(sample_results())
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
    try:
        maps.{writer}(fs, {name!r})
    except OSError as exc:
        print(type(exc).__name__, errno.errorcode[exc.errno])
        print(exc)
    # The next output is still written.
    maps.write_csv(maps.build_features([]), "next.csv")
"""


def test_gpkg_over_the_file_size_limit_is_an_output_error(tmp_path: Path) -> None:
    """GDAL's "Failed to commit transaction" becomes OutputError (an OSError) naming path and reason."""
    (tmp_path / "places.gpkg").write_bytes(b"previous")
    proc = run_child(FILE_SIZE_LIMIT.format(limit=100_000, writer="write_gpkg", name="places.gpkg"), tmp_path)
    assert proc.returncode == 0, proc.stderr
    kind, message = proc.stdout.splitlines()
    assert kind == "OutputError EFBIG"
    assert "places.gpkg" in message and "File too large" in message and "GeoPackage layer" in message
    assert (tmp_path / "places.gpkg").read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["next.csv", "places.gpkg"]
    assert (tmp_path / "next.csv").read_text(encoding="utf-8").startswith("doc,start,end,")


def test_csv_over_the_file_size_limit_leaves_the_old_file(tmp_path: Path) -> None:
    (tmp_path / "mentions.csv").write_text("old\n", encoding="utf-8")
    proc = run_child(FILE_SIZE_LIMIT.format(limit=1000, writer="write_csv", name="mentions.csv"), tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "OSError EFBIG"
    assert (tmp_path / "mentions.csv").read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mentions.csv", "next.csv"]


def test_output_error_is_exported_and_an_oserror() -> None:
    assert "OutputError" in maps.__all__
    assert issubclass(maps.OutputError, OSError)


# --- CSV -----------------------------------------------------------------------------------------


#: The fields of a ``geomap parse`` record, in order: the CSV header and the ``mentions`` columns.
PARSE_FIELDS = [
    "doc",
    "start",
    "end",
    "text",
    "sentence",
    "place_id",
    "name",
    "kind",
    "country_code",
    "lat",
    "lon",
    "role",
    "precision",
    "score",
    "geonameid",
    "admin1_code",
    "form",
    "head",
    "source",
    "reasons",
    "speaker",
    "date",
    "categories",
]


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_is_the_mentions_table(tmp_path: Path, fs: maps.FeatureSet) -> None:
    path = tmp_path / "mentions.csv"
    maps.write_csv(fs, path)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == MentionRow.FIELDS
    assert rows[0] == PARSE_FIELDS
    assert len(rows) == 1 + len(fs.mentions)
    wadi = next(r for r in rows[1:] if r[3] == "Wadi Qattara")
    assert wadi[5] == "" and wadi[11] == "location"


def test_csv_carries_the_parse_records_field_for_field(tmp_path: Path, fs: maps.FeatureSet) -> None:
    """Every CSV row is the ``geomap parse`` record of the mention: same names, same rounding."""
    from geomap._commands import mention_records

    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        return str(value)

    records = [rec for res in sample_results() for rec in mention_records(res)]
    assert list(records[0]) == PARSE_FIELDS
    expected = sorted(
        ({k: cell(v) for k, v in rec.items()} for rec in records), key=lambda r: (r["doc"], int(r["start"]))
    )
    maps.write_csv(fs, tmp_path / "m.csv")
    assert read_csv(tmp_path / "m.csv") == expected


def test_csv_integers_and_dates(tmp_path: Path, fs: maps.FeatureSet) -> None:
    # A gazetteer id that arrives as a float (from pandas, say) is still written as an integer.
    tripoli = next(m for m in fs.mentions if m.name == "Tripoli")
    floated = dataclasses.replace(tripoli, geonameid=2210247.0)  # type: ignore[arg-type]
    maps.write_csv(dataclasses.replace(fs, mentions=(floated, *fs.mentions)), tmp_path / "m.csv")
    rows = read_csv(tmp_path / "m.csv")
    for row in rows:
        for name in ("start", "end", "sentence", "geonameid", "precision"):
            assert re.fullmatch(r"\d*", row[name]), (name, row[name])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date"])
        for name in ("lat", "lon"):
            assert len(row[name].partition(".")[2]) <= 6
    assert rows[0]["geonameid"] == "2210247"
    assert {r["geonameid"] for r in rows if r["name"] == "Tripoli"} == {"2210247"}


def test_geonameid_from_a_float_is_an_integer_everywhere() -> None:
    import datetime as dt

    from geo._types import Coordinate, Document, Mention, ParseResult, Place, Resolution, Statement

    text = "Shelling hit Tripoli."
    doc = Document(id="f", text=text, date=dt.date(2026, 2, 1))
    st = Statement(doc="f", index=0, start=0, end=len(text), text=text, date=dt.date(2026, 2, 1))
    place = Place("geonames:2210247", "Tripoli", "city", "LY", Coordinate(32.8925, 13.18), 1, 2210247.0)  # type: ignore[arg-type]
    result = ParseResult(
        doc, (st,), (Resolution(Mention("f", 13, 20, "Tripoli", 0, "Tripoli"), place, "location", 0.9),)
    )
    fs = maps.build_features([result])
    assert type(fs.features[0].geonameid) is int
    assert type(fs.mentions[0].geonameid) is int
    assert '"geonameid":2210247,' in json.dumps(fs.__geo_interface__, separators=(",", ":"))


def test_csv_failing_midway_leaves_the_old_file(tmp_path: Path, fs: maps.FeatureSet) -> None:
    class Exploding:
        def __str__(self) -> str:
            raise RuntimeError("bad value (simulated)")

    path = tmp_path / "mentions.csv"
    path.write_text("old\n", encoding="utf-8")
    bad = dataclasses.replace(fs.mentions[-1], text=Exploding())  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="bad value"):
        maps.write_csv(dataclasses.replace(fs, mentions=(*fs.mentions, bad)), path)
    assert path.read_text(encoding="utf-8") == "old\n"
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize(
    ("writer", "name"),
    [
        (maps.write_geojson, "out.geojson"),
        (maps.write_csv, "out.csv"),
        (maps.write_gpkg, "out.gpkg"),
        (maps.write_map, "out.html"),
    ],
)
def test_every_writer_is_atomic(
    tmp_path: Path, fs: maps.FeatureSet, monkeypatch: pytest.MonkeyPatch, writer, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(b"previous")

    def refuse(src: object, dst: object) -> None:
        raise OSError("replace refused (simulated)")

    monkeypatch.setattr(_io.os, "replace", refuse)
    with pytest.raises(OSError, match="replace refused"):
        writer(fs, path)
    assert path.read_bytes() == b"previous"
    assert list(tmp_path.iterdir()) == [path]


def test_written_files_have_ordinary_permissions(tmp_path: Path, fs: maps.FeatureSet) -> None:
    path = tmp_path / "p.geojson"
    maps.write_geojson(fs, path)
    assert path.stat().st_mode & 0o777 == 0o644


def test_place_names_inside_organisations_are_listed_but_not_mapped(tmp_path: Path) -> None:
    """ "the International Syria Support Group" names Syria but says nothing of where: no place, no
    link from the statement; the mention is still a row of the mentions table, as in ``geomap parse``."""
    import datetime as dt

    from geo._types import Coordinate, Document, Mention, ParseResult, Place, Resolution, Statement

    text = "The International Syria Support Group met in Vienna."
    doc = Document(id="org", text=text, date=dt.date(2026, 1, 5))
    st = Statement(doc="org", index=0, start=0, end=len(text), text=text, date=dt.date(2026, 1, 5))
    syria = Place("gn:163843", "Syria", "country", "SY", Coordinate(35.0, 38.0), 3, geonameid=163843)
    vienna = Place("gn:2761369", "Vienna", "city", "AT", Coordinate(48.2, 16.37), 1, geonameid=2761369)
    org = Mention("org", 18, 23, "Syria", 0, "Syria", form="organisation")
    city = Mention("org", 45, 51, "Vienna", 0, "Vienna")
    result = ParseResult(
        doc, (st,), (Resolution(org, syria, "actor", 0.7), Resolution(city, vienna, "location", 0.9))
    )
    fs = maps.build_features([result])
    assert [f.place_id for f in fs.features] == ["gn:2761369"]
    assert fs.statements[0].place_ids == ("gn:2761369",)
    assert [(m.text, m.form, m.role, m.place_id) for m in fs.mentions] == [
        ("Syria", "organisation", "actor", "gn:163843"),
        ("Vienna", "name", "location", "gn:2761369"),
    ]
    maps.write_csv(fs, tmp_path / "m.csv")
    maps.write_gpkg(fs, tmp_path / "m.gpkg")
    assert [(r["text"], r["form"]) for r in read_csv(tmp_path / "m.csv")] == [
        ("Syria", "organisation"),
        ("Vienna", "name"),
    ]
    layer = gpd.read_file(tmp_path / "m.gpkg", layer="mentions")
    assert list(layer["form"]) == ["organisation", "name"]
    assert list(gpd.read_file(tmp_path / "m.gpkg", layer="points")["place_id"]) == ["gn:2761369"]
    # Without actors the organisation's place name goes too.
    without = maps.build_features([result], include_actors=False)
    assert [m.text for m in without.mentions] == ["Vienna"]
