"""Tests of gazetteer._import: loading GeoNames dump files written here into tmp_path."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import json
import os
import re
import sqlite3
import warnings
from pathlib import Path

import pytest

import gazetteer
import gazetteer._import as importer
from gazetteer._import import (
    DumpEncodingError,
    DumpUnreadableError,
    GeoNamesDumpWarning,
    ImportReport,
    OutputNotWritableError,
    import_geonames,
)
from gazetteer._names import normalize
from gazetteer._schema import SCHEMA_VERSION
from gazetteer._types import DumpFormatError, GazetteerError

# --- the dumps ------------------------------------------------------------------------------------


def _place(gid, name, ascii_name, alts, lat, lon, fclass, fcode, admin1="", admin2="", pop=0, cc="SY"):
    cols = [gid, name, ascii_name, ",".join(alts), lat, lon, fclass, fcode, cc, "", admin1, admin2, "", "",
            pop, "", "0", "Asia/Damascus", "2024-01-01"]  # fmt: skip
    assert len(cols) == 19
    return "\t".join(map(str, cols))


ALL_COUNTRIES = [
    _place(163843, "Syria", "Syria", ["Sirija", "Siria", "Syrie", "Syrien", "سوريا", "Сирия"],
           35.0, 38.0, "A", "PCLI", "00", pop=22933531),
    _place(170063, "Aleppo", "Aleppo", ["Alep", "Aleppo", "Halab", "Ḩalab", "حلب", "Халеб"],
           36.20124, 37.16117, "P", "PPLA", "09", pop=1602264),
    _place(170062, "Aleppo Governorate", "Aleppo Governorate", ["Muhafazat Halab", "Muḩāfaz̧at Ḩalab"],
           36.25, 37.5, "A", "ADM1", "09", pop=4868000),
    _place(173579, "Latakia", "Latakia", ["Al-Lādhiqīyah", "Laodicea", "Lattakia", "Латакия", "اللاذقية"],
           35.53168, 35.79011, "P", "PPLA", "02", pop=340181),
    _place(173576, "Latakia Governorate", "Latakia Governorate", ["Muhafazat al Ladhiqiyah"],
           35.6, 36.0, "A", "ADM1", "02", pop=1008000),
    _place(170654, "Damascus", "Damascus", ["Dimashq", "Damas", "Damasco", "دمشق"],
           33.5102, 36.29128, "P", "PPLC", "13", pop=1569394),
    _place(7910345, "Mantiqat Jablah", "Mantiqat Jablah", ["Jableh District"],
           35.35, 35.95, "A", "ADM2", "02", "SY0202"),
    _place(11789912, "Sanjak of Latakia", "Sanjak of Latakia", [], 35.5, 35.8, "A", "ADM1H", "02"),
    _place(171018, "Jabal an Nuşayrīyah", "Jabal an Nusayriyah", ["Jebel Ansariye"],
           35.3, 36.2, "T", "MTS", "02"),
    _place(8299999, "United Arab Republic", "United Arab Republic", [], 30.0, 31.0, "A", "PCLH"),
    _place(170017, "Ḩamāh", "Hamah", ["Hama", "Hamath", "حماة"], 35.13179, 36.75783, "P", "PPLA", "10",
           pop=460602),
]  # fmt: skip

ALTERNATE_NAMES = [
    "1001\t173579\tfr\tLattaquié\t1\t\t\t\t\t",
    "1002\t173579\tla\tLaodicea ad Mare\t\t\t\t1\t\t",
    "1003\t173579\tlink\thttps://en.wikipedia.org/wiki/Latakia\t\t\t\t\t\t",
    "1004\t173579\tpost\t2222\t\t\t\t\t\t",
    "1005\t173579\tiata\tLTK\t\t\t\t\t\t",
    "1006\t173579\tar\tاللاذقية\t1\t\t\t\t\t",
    "1007\t163843\tabbr\tSAR\t\t\t\t\t\t",
    "1008\t170063\ten\tBeroea\t\t\t\t1\t\t",
    "1009\t170063\tde\tAleppo\t\t\t\t\t\t",
    "1010\t99999999\ten\tNowhere Town\t\t\t\t\t\t",
    "1011\t170654\twkdt\tQ3766\t\t\t\t\t\t",
    "1012\t170654\t\tAsh Sham\t\t\t1\t\t\t",
    "1013\t163843\tfr_1793\tSyrie revolutionnaire\t\t\t\t\t\t",
    "1014\t170063\tunlc\tSYALP\t\t\t\t\t\t",
    "1015\t170063\ticao\tOSAP\t\t\t\t\t\t",
    "1016\t170063\tfaac\tXALP\t\t\t\t\t\t",
    "1017\t170017\ten\tHamath-on-Orontes\t\t\t\t\t1900\t1950",
]

ADMIN1_CODES = [
    "SY.09\tAleppo\tAleppo\t170062",
    "SY.02\tLatakia\tLatakia\t173576",
    "SY.13\tDimashq\tDimashq\t170652",
]

COUNTRY_INFO = [
    "# GeoNames.org Country Information",
    "# ================================",
    "#ISO\tISO3\tISO-Numeric\tfips\tCountry\tCapital\tArea(in sq km)\tPopulation\tContinent\ttld\t"
    "CurrencyCode\tCurrencyName\tPhone\tPostal Code Format\tPostal Code Regex\tLanguages\tgeonameid\t"
    "neighbours\tEquivalentFipsCode",
    "LB\tLBN\t422\tLE\tLebanon\tBeirut\t10400\t6848925\tAS\t.lb\tLBP\tPound\t961\t#### ####"
    "\t^(\\d{4}(\\d{4})?)$\tar-LB,fr-LB,en,hy\t272103\tSY,IL\t",
    "SY\tSYR\t760\tSY\tSyria\tDamascus\t185180\t22933531\tAS\t.sy\tSYP\tPound\t963\t\t\tar-SY,ku,hy,arc,fr,en"
    "\t163843\tIQ,JO,IL,TR,LB\t",
]

FILES = {
    "all_countries": ("allCountries.txt", ALL_COUNTRIES),
    "alternate_names": ("alternateNamesV2.txt", ALTERNATE_NAMES),
    "admin1_codes": ("admin1CodesASCII.txt", ADMIN1_CODES),
    "country_info": ("countryInfo.txt", COUNTRY_INFO),
}


def write_dumps(directory: Path, extra: dict[str, list[str]] | None = None, newline: str = "\n") -> dict:
    """Write the four dumps (plus ``extra`` lines appended to some) and return import_geonames kwargs."""
    directory.mkdir(parents=True, exist_ok=True)
    kwargs = {}
    for role, (name, lines) in FILES.items():
        path = directory / name
        path.write_bytes("".join(line + newline for line in [*lines, *(extra or {}).get(role, [])]).encode())
        kwargs[role] = path
    return kwargs


@pytest.fixture
def dumps(tmp_path: Path) -> dict:
    return write_dumps(tmp_path / "dumps")


@pytest.fixture
def imported(tmp_path: Path, dumps: dict) -> tuple[ImportReport, sqlite3.Connection]:
    report = import_geonames(**dumps, out=tmp_path / "gaz.sqlite", geometries=False)
    con = sqlite3.connect(report.out)
    yield report, con
    con.close()


def place_ids(con: sqlite3.Connection, query: str) -> set[int]:
    return {r[0] for r in con.execute("SELECT place_id FROM names WHERE norm = ?", (normalize(query),))}


# --- a good import --------------------------------------------------------------------------------


def test_report_counts_match_the_database(imported) -> None:
    report, con = imported
    assert report.places == len(ALL_COUNTRIES) == con.execute("SELECT count(*) FROM places").fetchone()[0]
    assert report.names == con.execute("SELECT count(*) FROM names").fetchone()[0]
    assert report.skipped == 0
    assert report.warnings == ()


@pytest.mark.parametrize(
    ("place_id", "kind", "iso_code"),
    [
        (163843, "country", "SY"),
        (170062, "admin1", None),
        (173576, "admin1", None),
        (7910345, "admin2", None),
        (170063, "city", None),
        (170654, "city", None),
        (11789912, "other", None),  # ADM1H: a historical admin-1 is not an admin-1
        (8299999, "other", None),  # PCLH: a historical country is not a country
        (171018, "other", None),
    ],
)
def test_kinds_and_iso_codes(imported, place_id: int, kind: str, iso_code: str | None) -> None:
    _, con = imported
    assert con.execute("SELECT kind, iso_code FROM places WHERE id = ?", (place_id,)).fetchone() == (
        kind,
        iso_code,
    )


def test_place_columns(imported) -> None:
    _, con = imported
    row = con.execute(
        "SELECT name, ascii_name, feature_class, feature_code, country_code, admin1_code, admin2_code,"
        " population, lat, lon FROM places WHERE id IN (170017, 7910345) ORDER BY id"
    ).fetchall()
    assert row == [
        ("Ḩamāh", "Hamah", "P", "PPLA", "SY", "10", None, 460602, 35.13179, 36.75783),
        ("Mantiqat Jablah", "Mantiqat Jablah", "A", "ADM2", "SY", "02", "SY0202", 0, 35.35, 35.95),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Lattakia", {173579, 173576}),  # the city's alternate name, the governorate's admin1CodesASCII name
        ("Latakia", {173579, 173576}),
        ("Al Lādhiqīyah", {173579}),
        ("Lattaquié", {173579}),  # alternateNamesV2, fr
        ("Halab", {170063}),
        ("Ḩalab", {170063}),
        ("Aleppo", {170063, 170062}),
        ("Hamah", {170017}),
        ("Hamath-on-Orontes", {170017}),  # has from/to but is not historic
        ("Dimashq", {170654}),  # admin1CodesASCII's SY.13 points at a place not in allCountries
        ("Ash Sham", {170654}),
        ("Syria", {163843}),
        ("SY", {163843}),
        ("SYR", {163843}),
        ("SAR", {163843}),
        ("Lebanon", set()),  # in countryInfo only
        ("Beroea", set()),  # historic
        ("Laodicea ad Mare", set()),  # historic
        ("https://en.wikipedia.org/wiki/Latakia", set()),
        ("2222", set()),
        ("LTK", set()),
        ("Q3766", set()),
        ("SYALP", set()),
        ("OSAP", set()),
        ("XALP", set()),
        ("Syrie revolutionnaire", set()),
        ("Nowhere Town", set()),  # its geonameid is not in allCountries
    ],
)
def test_normalised_lookups(imported, query: str, expected: set[int]) -> None:
    _, con = imported
    assert place_ids(con, query) == expected


@pytest.mark.parametrize(
    ("place_id", "name", "name_type"),
    [
        (163843, "Syria", "name"),  # also countryInfo's name and an alternate: the best type wins
        (163843, "SY", "iso"),
        (163843, "SYR", "iso"),
        (163843, "SAR", "abbr"),
        (170063, "Aleppo", "name"),  # also in the alternatenames column and alternateNamesV2
        (170017, "Hamah", "ascii"),
        (170017, "Hama", "alt"),
        (173579, "Lattaquié", "alt"),
        (173576, "Latakia", "alt"),
    ],
)
def test_name_types(imported, place_id: int, name: str, name_type: str) -> None:
    _, con = imported
    rows = con.execute(
        "SELECT name_type FROM names WHERE place_id = ? AND name = ?", (place_id, name)
    ).fetchall()
    assert rows == [(name_type,)]


def test_names_are_normalised_distinct_and_point_at_places(imported) -> None:
    _, con = imported
    rows = con.execute("SELECT norm, name, place_id FROM names").fetchall()
    assert all(norm == normalize(name) and norm for norm, name, _ in rows)
    assert len(rows) == len(set(rows))
    assert con.execute(
        "SELECT count(*) FROM names WHERE place_id NOT IN (SELECT id FROM places)"
    ).fetchone() == (0,)
    # names in Arabic and Cyrillic script fold to an empty key and are not stored
    assert con.execute("SELECT count(*) FROM names WHERE name IN ('حلب', 'Халеб')").fetchone() == (0,)


def test_country_languages_from_country_info(imported) -> None:
    # GeoNames' tags in countryInfo's order, the main language first; read back as ISO 639 codes
    report, con = imported
    rows = con.execute(
        "SELECT rank, language FROM country_languages WHERE country_code = 'LB' ORDER BY rank"
    ).fetchall()
    assert rows == [(0, "ar-LB"), (1, "fr-LB"), (2, "en"), (3, "hy")]
    with gazetteer.open_gazetteer(report.out) as gaz:
        assert gaz.languages("lb") == ("ar", "fr", "en", "hy")


def test_meta(imported, dumps) -> None:
    report, con = imported
    meta = dict(con.execute("SELECT key, value FROM meta"))
    assert meta["source"] == "geonames-dump"
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    built = dt.datetime.fromisoformat(meta["built_at"])
    assert built.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - built) < dt.timedelta(minutes=5)
    inputs = json.loads(meta["inputs"])
    assert [(i["role"], i["name"], i["size"]) for i in inputs] == [
        (role, path.name, path.stat().st_size) for role, path in dumps.items()
    ]
    assert all(dt.datetime.fromisoformat(i["mtime"]).utcoffset() == dt.timedelta(0) for i in inputs)
    assert (meta["count_places"], meta["count_names"], meta["count_skipped"]) == (
        str(report.places),
        str(report.names),
        "0",
    )


def test_indexes_are_created(imported) -> None:
    _, con = imported
    indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"names_norm", "names_place", "places_admin1"} <= indexes


def test_all_countries_alone_is_enough(tmp_path: Path, dumps: dict) -> None:
    report = import_geonames(
        all_countries=dumps["all_countries"], out=tmp_path / "g.sqlite", geometries=False
    )
    con = sqlite3.connect(report.out)
    # without countryInfo a country has no ISO code and no ISO names
    assert con.execute("SELECT kind, iso_code FROM places WHERE id = 163843").fetchone() == ("country", None)
    assert place_ids(con, "SYR") == set()
    assert place_ids(con, "Lattakia") == {173579}
    # nor languages: a report's language tells nothing of its places' country
    assert con.execute("SELECT count(*) FROM country_languages").fetchone() == (0,)
    con.close()


def test_crlf_line_endings(tmp_path: Path) -> None:
    kwargs = write_dumps(tmp_path / "dumps", newline="\r\n")
    report = import_geonames(**kwargs, out=tmp_path / "g.sqlite", geometries=False)
    con = sqlite3.connect(report.out)
    assert report.places == len(ALL_COUNTRIES)
    assert con.execute("SELECT count(*) FROM names WHERE name LIKE '%' || char(13) || '%'").fetchone() == (0,)
    assert place_ids(con, "SYR") == {163843}
    con.close()


def test_replaces_an_existing_file(tmp_path: Path, dumps: dict) -> None:
    out = tmp_path / "g.sqlite"
    out.write_bytes(b"an older gazetteer")
    import_geonames(**dumps, out=out, geometries=False)
    with contextlib.closing(sqlite3.connect(out)) as con:
        assert con.execute("SELECT count(*) FROM places").fetchone() == (len(ALL_COUNTRIES),)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dumps", "g.sqlite"]


def test_progress_bar_on_stderr(tmp_path: Path, dumps: dict, capsys: pytest.CaptureFixture[str]) -> None:
    import_geonames(**dumps, out=tmp_path / "g.sqlite", geometries=False, progress=True)
    captured = capsys.readouterr()
    assert "GeoNames import" in captured.err and "100%" in captured.err
    assert captured.out == ""


def test_geometries_calls_attach_geometries_on_the_loaded_db(
    tmp_path: Path, dumps: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real attach_geometries reads packaged Natural Earth data; this checks the wiring only.
    seen = []

    def fake_attach(con: sqlite3.Connection) -> None:
        seen.append(
            con.execute("SELECT id FROM places WHERE kind IN ('country', 'admin1') ORDER BY id").fetchall()
        )
        con.execute("INSERT INTO geometries VALUES (163843, x'00', 'test')")

    monkeypatch.setattr("gazetteer._build.attach_geometries", fake_attach)
    report = import_geonames(**dumps, out=tmp_path / "g.sqlite")
    assert seen == [[(163843,), (170062,), (173576,)]]
    with contextlib.closing(sqlite3.connect(report.out)) as con:
        assert con.execute("SELECT place_id, source FROM geometries").fetchall() == [(163843, "test")]
        assert con.execute("SELECT value FROM meta WHERE key = 'count_geometries'").fetchone() == ("1",)


# --- malformed rows -----------------------------------------------------------------------------


def _bad(gid="999001", name="Badplace", lat="10.0", lon="10.0", pop="0", alts=()) -> str:
    return _place(gid, name, "Badplace", alts, lat, lon, "P", "PPL", pop=pop)


def _country(iso2: str, gid: str) -> str:
    return "\t".join([iso2, "IRQ", *["x"] * 14, gid, "", ""])


BAD_ROWS = [
    ("all_countries", "170099\tOnly three\tcolumns", "wrong column count: expected 19 .*found 3"),
    ("all_countries", _bad(gid="12ab"), "geonameid '12ab' is not an integer"),
    ("all_countries", _bad(gid="-5"), "geonameid '-5' is not positive"),
    ("all_countries", _bad(lat="north"), "latitude 'north' is not a number"),
    ("all_countries", _bad(lat="95.5"), r"latitude '95.5' is out of range \[-90, 90\]"),
    ("all_countries", _bad(lat="nan"), r"latitude 'nan' is out of range"),
    ("all_countries", _bad(lon="-180.5"), r"longitude '-180.5' is out of range \[-180, 180\]"),
    ("all_countries", _bad(lon="east"), "longitude 'east' is not a number"),
    ("all_countries", _bad(pop="many"), "population 'many' is not an integer"),
    ("all_countries", _bad(name=""), "empty name"),
    ("all_countries", ALL_COUNTRIES[3].replace("Latakia\tLatakia", "Latakia dup\tLatakia dup"),
     "duplicate geonameid 173579"),
    ("alternate_names", "2001\t173579\ten\tToo few", "wrong column count: expected 10 or 8 .*found 4"),
    ("alternate_names", "2002\tabc\ten\tLatakia\t\t\t\t\t\t", "geonameid 'abc' is not an integer"),
    ("alternate_names", "x\t173579\ten\tLatakia\t\t\t\t\t\t", "alternateNameId 'x' is not an integer"),
    ("admin1_codes", "SY.04\tAr Raqqah\tAr Raqqah", "wrong column count: expected 4 .*found 3"),
    ("admin1_codes", "SY04\tAr Raqqah\tAr Raqqah\t172955", "code 'SY04' is not of the form CC.code"),
    ("admin1_codes", "SY.04\tAr Raqqah\tAr Raqqah\t?", r"geonameid '\?' is not an integer"),
    ("country_info", "IQ\tIRQ\t368\tIZ\tIraq", "wrong column count: expected 19 .*found 5"),
    ("country_info", _country("iq", "99237"), "ISO code 'iq' is not two capital letters"),
    ("country_info", _country("IQ", ""), "geonameid '' is not an integer"),
]  # fmt: skip
BAD_IDS = [f"{role}-{reason.split()[0]}-{i}" for i, (role, _, reason) in enumerate(BAD_ROWS)]


def _expected_message(path: Path, lineno: int, reason: str, line: str) -> str:
    return re.escape(f"{path}:{lineno}: ") + reason + ".*: " + re.escape(repr(line)) + "$"


@pytest.mark.parametrize(("role", "line", "reason"), BAD_ROWS, ids=BAD_IDS)
def test_bad_row_raises_with_path_line_and_row(tmp_path: Path, role: str, line: str, reason: str) -> None:
    kwargs = write_dumps(tmp_path / "dumps", extra={role: [line]})
    lineno = len(FILES[role][1]) + 1
    with pytest.raises(DumpFormatError, match=_expected_message(kwargs[role], lineno, reason, line)):
        import_geonames(**kwargs, out=tmp_path / "g.sqlite", geometries=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dumps"]


@pytest.mark.parametrize(("role", "line", "reason"), BAD_ROWS, ids=BAD_IDS)
def test_bad_row_warns_and_is_skipped(tmp_path: Path, role: str, line: str, reason: str) -> None:
    kwargs = write_dumps(tmp_path / "dumps", extra={role: [line]})
    lineno = len(FILES[role][1]) + 1
    message = _expected_message(kwargs[role], lineno, reason, line)
    with pytest.warns(GeoNamesDumpWarning, match=message) as record:
        report = import_geonames(**kwargs, out=tmp_path / "g.sqlite", geometries=False, on_invalid="warn")
    assert len(record) == 1
    assert record[0].filename == __file__  # the warning points at the caller of import_geonames
    assert report.skipped == 1
    assert len(report.warnings) == 1 and re.match(message, report.warnings[0])
    assert report.places == len(ALL_COUNTRIES)


def test_skip_policy_counts_silently(tmp_path: Path) -> None:
    extra = {role: [line] for role, line, _ in BAD_ROWS}
    extra["all_countries"] = [line for role, line, _ in BAD_ROWS if role == "all_countries"]
    kwargs = write_dumps(tmp_path / "dumps", extra=extra)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = import_geonames(**kwargs, out=tmp_path / "g.sqlite", geometries=False, on_invalid="skip")
    expected = len(extra["all_countries"]) + 3  # one bad row in each of the three other files
    assert report.skipped == expected
    assert report.warnings == ()
    assert report.places == len(ALL_COUNTRIES)
    with contextlib.closing(sqlite3.connect(report.out)) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'count_skipped'").fetchone() == (
            str(expected),
        )
        # the duplicate row's names did not leak onto the first Latakia
        assert place_ids(con, "Latakia dup") == set()
        assert con.execute("SELECT name FROM places WHERE id = 173579").fetchone() == ("Latakia",)


def test_duplicates_inside_and_across_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "BATCH_SIZE", 4)
    dup_first = ALL_COUNTRIES[0].replace("Syria\tSyria", "Dup A\tDup A")  # lands in a later batch
    dup_second = ALL_COUNTRIES[5].replace("Damascus\tDamascus", "Dup B\tDup B")  # in the same batch
    lines = [*ALL_COUNTRIES[:6], dup_second, dup_first, *ALL_COUNTRIES[6:]]
    monkeypatch.setitem(FILES, "all_countries", ("allCountries.txt", lines))
    kwargs = write_dumps(tmp_path / "dumps")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = import_geonames(**kwargs, out=tmp_path / "g.sqlite", geometries=False, on_invalid="skip")
    assert (report.places, report.skipped) == (len(ALL_COUNTRIES), 2)
    with contextlib.closing(sqlite3.connect(report.out)) as con:
        assert place_ids(con, "Dup A") == place_ids(con, "Dup B") == set()
        assert place_ids(con, "Hamah") == {170017}  # rows after the duplicates are in


def test_long_row_is_truncated_in_the_message(tmp_path: Path) -> None:
    line = _bad(lat="99", alts=["x" * 5000])
    kwargs = write_dumps(tmp_path / "dumps", extra={"all_countries": [line]})
    with pytest.raises(DumpFormatError, match=r"latitude '99' is out of range") as info:
        import_geonames(**kwargs, out=tmp_path / "g.sqlite", geometries=False)
    message = str(info.value)
    assert message.endswith(repr(line[:200] + "..."))
    assert len(message) < 500


def test_unknown_policy_is_refused(tmp_path: Path, dumps: dict) -> None:
    with pytest.raises(ValueError, match="on_invalid must be 'raise', 'warn' or 'skip', not 'ignore'"):
        import_geonames(**dumps, out=tmp_path / "g.sqlite", on_invalid="ignore")  # type: ignore[arg-type]


def test_no_valid_place_is_an_error(tmp_path: Path, dumps: dict) -> None:
    dumps["all_countries"].write_text("# nothing here\n\n")
    with pytest.raises(DumpFormatError, match=re.escape(f"{dumps['all_countries']}:1: wrong column count")):
        import_geonames(**dumps, out=tmp_path / "g.sqlite", geometries=False)
    dumps["all_countries"].write_text("")
    with pytest.raises(DumpFormatError, match=re.escape(f"{dumps['all_countries']}: no valid place rows")):
        import_geonames(**dumps, out=tmp_path / "g.sqlite", geometries=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dumps"]


# --- unreadable inputs --------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(FILES))
@pytest.mark.parametrize(
    ("make", "error", "reason"),
    [
        (lambda p: p.unlink(), DumpUnreadableError, "No such file or directory"),
        (lambda p: (p.unlink(), p.mkdir()), DumpUnreadableError, "Is a directory"),
        (lambda p: p.write_bytes(bytes(range(256)) * 4), DumpEncodingError, "1: NUL byte: not a text file"),
        (lambda p: p.write_bytes("Alép\tHalab\n".encode("latin-1")), DumpEncodingError, "1: not UTF-8 text"),
        (lambda p: p.write_bytes(gzip.compress("\n".join(ALL_COUNTRIES).encode())),
         DumpEncodingError, r"1: (NUL byte: not a text file|not UTF-8 text) \(it looks zip- or gzip-"),
    ],
    ids=["missing", "directory", "binary", "latin-1", "gzip"],
)  # fmt: skip
def test_unreadable_file(tmp_path: Path, role: str, make, error: type[Exception], reason: str) -> None:
    kwargs = write_dumps(tmp_path / "dumps")
    make(kwargs[role])
    with pytest.raises(error, match=re.escape(str(kwargs[role])) + ".*" + reason) as info:
        import_geonames(**kwargs, out=tmp_path / "g.sqlite", geometries=False)
    assert isinstance(info.value, DumpFormatError) and isinstance(info.value, GazetteerError)
    if error is DumpUnreadableError:
        assert isinstance(info.value, OSError)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dumps"]


# --- the output ---------------------------------------------------------------------------------


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file()}


def test_failed_import_leaves_existing_gazetteer_intact(tmp_path: Path, dumps: dict) -> None:
    out = tmp_path / "out" / "g.sqlite"
    out.parent.mkdir()
    import_geonames(**dumps, out=out, geometries=False)
    before = _snapshot(out.parent)
    bad = write_dumps(tmp_path / "bad", extra={"alternate_names": ["1\t2\t3"]})
    with pytest.raises(
        DumpFormatError, match=re.escape(f"{bad['alternate_names']}:{len(ALTERNATE_NAMES) + 1}:")
    ):
        import_geonames(**bad, out=out, geometries=False)
    assert _snapshot(out.parent) == before  # byte-identical, and no temporary file left behind


def test_failure_after_loading_leaves_existing_gazetteer_intact(
    tmp_path: Path, dumps: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out" / "g.sqlite"
    out.parent.mkdir()
    import_geonames(**dumps, out=out, geometries=False)
    before = _snapshot(out.parent)

    def broken(con: sqlite3.Connection) -> None:
        raise RuntimeError("no Natural Earth data")

    monkeypatch.setattr("gazetteer._build.attach_geometries", broken)
    with pytest.raises(RuntimeError, match="no Natural Earth data"):
        import_geonames(**dumps, out=out, geometries=True)
    assert _snapshot(out.parent) == before


def test_out_under_a_regular_file_is_not_writable(tmp_path: Path, dumps: dict) -> None:
    # As root, chmod does not stop writes; a parent that is a regular file fails for everyone.
    parent = tmp_path / "not-a-directory"
    parent.write_text("x")
    with pytest.raises(
        OutputNotWritableError, match=re.escape(f"cannot write the gazetteer into {parent}")
    ) as info:
        import_geonames(**dumps, out=parent / "g.sqlite", geometries=False)
    assert isinstance(info.value, PermissionError) and isinstance(info.value, GazetteerError)
    assert isinstance(info.value.__cause__, NotADirectoryError)


def test_directory_that_refuses_new_files_even_to_root(dumps: dict) -> None:
    # sysfs refuses to create regular files, whoever asks (EACCES, or EROFS where /sys is mounted read-only).
    directory = Path("/sys")
    with pytest.raises(OSError):  # the premise of this test, checked rather than assumed
        os.close(os.open(directory / "geomap-probe.tmp", os.O_WRONLY | os.O_CREAT | os.O_EXCL))
    with pytest.raises(
        OutputNotWritableError, match=re.escape(f"cannot write the gazetteer into {directory}:")
    ):
        import_geonames(**dumps, out=directory / "geomap-test.sqlite", geometries=False)


def test_out_that_is_a_directory(tmp_path: Path, dumps: dict) -> None:
    (tmp_path / "g.sqlite").mkdir()
    with pytest.raises(OutputNotWritableError, match="it is a directory"):
        import_geonames(**dumps, out=tmp_path / "g.sqlite", geometries=False)


def test_options_are_keyword_only(tmp_path: Path, dumps: dict) -> None:
    with pytest.raises(TypeError):
        import_geonames(dumps["all_countries"], tmp_path / "g.sqlite")  # type: ignore[misc]


# --- the documented path for users who need every village (issue 10, failure class 6) ------------------


def test_a_village_only_the_dump_holds_is_mapped_through_the_imported_gazetteer(tmp_path: Path) -> None:
    """The README's path: ``geomap gazetteer import`` a dump, then parse with that gazetteer.  A hamlet
    that the packaged gazetteer lacks is found under its alternate name and mapped at its GeoNames point."""
    import gazetteer
    import geo

    hamlet = _place(
        9_900_001, "Tall Khanzir", "Tall Khanzir", ["Tell Khanzir"], 36.61, 37.02, "P", "PPL", "09"
    )
    kwargs = write_dumps(tmp_path / "dumps", {"all_countries": [hamlet]})
    report = import_geonames(**kwargs, out=tmp_path / "gaz.sqlite", geometries=False)
    with gazetteer.open_gazetteer(report.out) as gaz:
        result = geo.Geoparser(gaz, nlp=geo.load_model()).parse(
            "Artillery shells hit the village of Tell Khanzir, north of Aleppo, on Friday."
        )
    found = {r.mention.text: r.place for r in result.resolutions if r.place is not None}
    assert found["Tell Khanzir"].geonameid == 9_900_001
    assert (found["Tell Khanzir"].point.lat, found["Tell Khanzir"].point.lon) == (36.61, 37.02)
    assert any("Aleppo" in text for text in found)  # "north of Aleppo": the town's surroundings
