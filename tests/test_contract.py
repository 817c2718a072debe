"""The gazetteer contract: the SQLite store and the small in-memory gazetteer answer alike.

Every test runs on both (``source`` is parametrized), so what geo relies on is written down once, as
behaviour, and a second implementation proves the Protocol is the whole of it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shapely
from small_gazetteer import SmallGazetteer

import gazetteer
import geo
from geo._gazetteer import REPORT_NAME_TYPES

ROOT = Path(__file__).resolve().parents[1]
SYRIA, ALEPPO_PROVINCE, ALEPPO, DAMASCUS = 163843, 170062, 170063, 170654


@pytest.fixture(scope="module")
def small() -> SmallGazetteer:
    return SmallGazetteer.load()


@pytest.fixture(params=["sqlite", "small"])
def source(request: pytest.FixtureRequest, gaz: gazetteer.Gazetteer, small: SmallGazetteer) -> Iterator[Any]:
    yield gaz if request.param == "sqlite" else small


def test_both_implement_the_protocol(source: Any) -> None:
    assert isinstance(source, geo.PlaceSource)
    assert isinstance(source, geo.NameIndex)


@pytest.mark.parametrize(
    ("name", "kwargs", "first_ids"),
    [
        # the same spelling first, then coarser kinds first: the province named Aleppo, then the city
        ("Aleppo", {"name_types": REPORT_NAME_TYPES}, [ALEPPO_PROVINCE, ALEPPO]),
        ("Idlib", {"name_types": REPORT_NAME_TYPES}, [169387, 169389]),
        ("Syria", {}, [SYRIA]),
        ("Georgia", {"kinds": ["admin1"]}, [4197000]),
        ("Georgia", {"kinds": ["country", "admin1"]}, [614540, 4197000]),
        ("Paris", {"country": "us", "name_types": REPORT_NAME_TYPES}, [4717560]),
        ("Syrian", {"name_types": ["demonym"]}, [SYRIA]),
        ("Moscow", {"limit": 1}, [524894]),
    ],
)
def test_lookup_orders_and_filters(
    source: Any, name: str, kwargs: dict[str, Any], first_ids: list[int]
) -> None:
    found = source.lookup(name, **kwargs)
    assert [c.id for c in found[: len(first_ids)]] == first_ids
    if "limit" in kwargs:
        assert len(found) <= kwargs["limit"]
    if "kinds" in kwargs:
        assert {c.kind for c in found} <= set(kwargs["kinds"])


def test_lookup_folds_case_and_reports_the_matched_name(source: Any) -> None:
    found = source.lookup("ALEPPO", kinds=["city"])
    assert found[0].id == ALEPPO
    assert (found[0].matched, found[0].name_type) == ("Aleppo", "name")
    demonym = source.lookup("Syrian", kinds=["country"])[0]
    assert (demonym.id, demonym.matched, demonym.name_type) == (SYRIA, "Syrian", "demonym")


def test_an_unknown_name_has_no_candidate(source: Any) -> None:
    assert list(source.lookup("Xyzzyville")) == []
    assert source.name_kinds("Xyzzyville") == frozenset()
    assert source.max_population("Xyzzyville") == 0


def test_candidates_carry_every_field_geo_reads(source: Any) -> None:
    cand = source.lookup("Damascus", kinds=["city"])[0]
    fields = [n for n in dir(geo.Candidate) if not n.startswith("_")]
    assert {f: getattr(cand, f) for f in fields} == {
        "id": DAMASCUS,
        "place_id": f"gn:{DAMASCUS}",
        "geonameid": DAMASCUS,
        "name": "Damascus",
        "kind": "city",
        "country_code": "SY",
        "admin1_code": "13",
        "population": 1569394,
        "lat": pytest.approx(33.5102, abs=1e-3),
        "lon": pytest.approx(36.2913, abs=1e-3),
        "feature_code": "PPLC",
        "matched": "Damascus",
        "name_type": "name",
        "loose": False,
    }


@pytest.mark.parametrize(
    ("spelling", "ids"),
    [("Sereqeb", [164816]), ("Edlib", [169387, 169389])],  # Saraqib; Idlib province, then the city
)
def test_the_looser_key_finds_spellings_that_differ_in_vowels(
    source: Any, spelling: str, ids: list[int]
) -> None:
    assert list(source.lookup(spelling)) == []
    found = source.lookup(spelling, loose=True, name_types=REPORT_NAME_TYPES)
    assert [c.id for c in found[: len(ids)]] == ids
    assert all(c.loose for c in found)
    assert {c.kind for c in source.lookup(spelling, loose=True, kinds=["city"])} == {"city"}
    assert source.name_kinds(spelling) == frozenset()
    assert "city" in source.name_kinds(spelling, loose=True)


def test_the_looser_key_leaves_out_what_the_key_finds_and_countries(source: Any) -> None:
    assert ALEPPO not in [c.id for c in source.lookup("Aleppo", loose=True)]
    assert SYRIA not in [c.id for c in source.lookup("Sirya", loose=True)]
    assert not source.lookup("Xyzzyville", loose=True)
    assert source.name_kinds("Xyzzyville", loose=True) == frozenset()


@pytest.mark.parametrize(
    ("place", "place_id", "geonameid"),
    [
        (SYRIA, "gn:163843", 163843),
        (-51137, "fips:51137", None),  # Orange County, Virginia: a US county GeoNames does not hold
        (-1000029, "region:european-union", None),
    ],
)
def test_place_ids_are_decoded_by_the_gazetteer(
    source: Any, place: int, place_id: str, geonameid: int | None
) -> None:
    cand = source.get(place)
    assert (cand.place_id, cand.geonameid) == (place_id, geonameid)


def test_get_country_and_admin1(source: Any) -> None:
    assert source.get(999_999_999) is None
    assert source.country("sy").id == SYRIA
    assert source.country("XX") is None
    assert source.admin1("SY", "02").id == 173578  # Latakia Governorate
    assert source.admin1("SY", "99") is None


def test_names_of_lists_names_with_their_types(source: Any) -> None:
    names = source.names_of(SYRIA)
    assert ("Syria", "name") in names
    assert ("Syrian", "demonym") in names
    assert ("Latakia Governorate", "alt") in source.names_of(173578)


def test_name_index(source: Any) -> None:
    assert source.name_kinds("Latakia") == {"admin1", "city"}
    assert "demonym" in source.name_kinds("Syrian")
    assert source.max_population("Aleppo") == 2098210
    assert source.has_exact_name("Va.")
    assert not source.has_exact_name("va.")


def test_areas_have_polygons_and_towns_none(source: Any) -> None:
    syria = source.geometry(SYRIA)
    assert syria.geom_type in ("Polygon", "MultiPolygon")
    assert syria.contains(shapely.Point(36.29, 33.51))  # (lon, lat) of Damascus
    assert source.geometry(DAMASCUS) is None


def test_borders_of_neighbours(source: Any) -> None:
    line = source.border("TR", "SY")
    assert line.geom_type in ("LineString", "MultiLineString")
    assert source.border("sy", "tr").equals(line)
    assert line.distance(source.geometry(SYRIA).boundary) < 0.3
    assert source.border("SY", "FR") is None


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Shelling hit the suburbs of Damascus and north Latakia near the Syrian-Turkish border.",
            [
                ("the suburbs of Damascus", "gn:170654:suburbs", "suburbs", "location"),
                ("north Latakia", "gn:173578:north", "part", "location"),
                ("Syrian-Turkish border", "border:SY-TR", "border", "location"),
            ],
        ),
        (
            "Russia said fighting went on in Aleppo province and between Saraqib and Idlib.",
            [
                ("Russia", "gn:2017370", "country", "actor"),
                ("Aleppo province", "gn:170062", "admin1", "location"),
                ("between Saraqib and Idlib", "between:gn:164816:gn:169389", "between", "location"),
                ("Saraqib", "gn:164816", "city", "location"),
                ("Idlib", "gn:169389", "city", "location"),
            ],
        ),
    ],
)
def test_the_stages_run_on_either_gazetteer(
    source: Any, sentence: str, expected: list[tuple[str, ...]]
) -> None:
    result = geo.Geoparser(source).parse(sentence)
    got = [
        (r.mention.text, r.place.place_id, r.place.kind, r.role)
        for r in result.resolutions
        if r.place is not None
    ]
    assert got == expected


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


@pytest.mark.parametrize("path", sorted((ROOT / "geo").glob("*.py")), ids=lambda p: p.name)
def test_geo_reaches_the_gazetteer_only_through_the_protocol(path: Path) -> None:
    """No module of geo probes the gazetteer with getattr, and only the default parser imports it."""
    source = path.read_text(encoding="utf-8")
    assert (
        "getattr(gaz" not in source
        and "getattr(index" not in source
        and "getattr(self.gazetteer" not in source
    )
    imports = _imports(path)
    assert "maps" not in imports and "geomap" not in imports
    if path.name != "_parser.py":
        assert "gazetteer" not in imports


@pytest.mark.parametrize(
    ("code", "first"),
    [("FR", ("fr",)), ("us", ("en", "es")), ("SY", ("ar",))],
)
def test_languages_main_one_first(source: Any, code: str, first: tuple[str, ...]) -> None:
    # ISO 639 codes, lower case, without GeoNames' regional tags ("en-US"), the main language first
    assert tuple(source.languages(code))[: len(first)] == first


def test_languages_of_an_unknown_country_are_none(source: Any) -> None:
    assert tuple(source.languages("XX")) == ()
