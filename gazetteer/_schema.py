"""The SQLite schema of the gazetteer, shared by the package builder and the GeoNames dump importer.

Geometries are stored as WKB in (lon, lat), WGS84.  ``names.norm`` holds :func:`gazetteer.normalize`
of each name and is indexed; every lookup goes through it.  ``loose_names`` maps the looser key
(:func:`gazetteer._names.loose_key`) of each key of a populated place's or an administrative unit's
name (a town's own name, a unit's alternate names too) to that key: the second index, asked only by
``lookup(..., loose=True)``.
"""

from __future__ import annotations

import sqlite3

from ._names import loose_key

__all__ = [
    "LOOSE_NAMES",
    "SCHEMA",
    "SCHEMA_VERSION",
    "create_indexes",
    "create_schema",
    "is_gazetteer",
    "language_rows",
    "proper_name",
]

#: Bumped whenever the tables or the index key (:data:`gazetteer._names.KEY_VERSION`) change; a file
#: with another version is rebuilt (built from the packages) or must be imported again (a GeoNames dump).
SCHEMA_VERSION = 4

SCHEMA = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- One row per place.  id is the GeoNames geonameid.
-- kind: country | admin1 | admin2 | city (a populated place) | other
CREATE TABLE places (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    ascii_name    TEXT,
    kind          TEXT NOT NULL,
    feature_class TEXT,
    feature_code  TEXT,
    country_code  TEXT,
    admin1_code   TEXT,
    admin2_code   TEXT,
    iso_code      TEXT,
    population    INTEGER NOT NULL DEFAULT 0,
    lat           REAL NOT NULL,
    lon           REAL NOT NULL
);
-- Every name of a place.  name_type: name | ascii | alt | iso | demonym | abbr
CREATE TABLE names (
    norm      TEXT NOT NULL,
    name      TEXT NOT NULL,
    place_id  INTEGER NOT NULL REFERENCES places(id),
    name_type TEXT NOT NULL
);
-- The looser key of every distinct names.norm of a town or an administrative unit (name types name,
-- ascii, alt): filled from names when the indexes are made (see create_indexes).
CREATE TABLE loose_names (
    loose TEXT NOT NULL,
    norm  TEXT NOT NULL
);
CREATE TABLE geometries (
    place_id INTEGER PRIMARY KEY REFERENCES places(id),
    wkb      BLOB NOT NULL,
    source   TEXT NOT NULL
);
CREATE INDEX places_admin1 ON places(country_code, admin1_code);
-- The languages spoken in a country, GeoNames' countryInfo order (the main one first), as GeoNames tags
-- them: an ISO 639 code, with the country when it is a national variety ("es-CO", "fr-CF", "haw").
CREATE TABLE country_languages (
    country_code TEXT NOT NULL,
    rank         INTEGER NOT NULL,
    language     TEXT NOT NULL,
    PRIMARY KEY (country_code, rank)
);
-- The land border of two countries; a < b (ISO 3166-1 alpha-2).
CREATE TABLE borders (
    a   TEXT NOT NULL,
    b   TEXT NOT NULL,
    wkb BLOB NOT NULL,
    PRIMARY KEY (a, b)
);
-- Answers of an online geocoder, cached when the user asked for one by name.
CREATE TABLE geocoder_cache (
    provider TEXT NOT NULL,
    query    TEXT NOT NULL,
    answer   TEXT NOT NULL,
    PRIMARY KEY (provider, query)
);
"""

INDEXES = """
CREATE INDEX names_norm ON names(norm);
CREATE INDEX names_place ON names(place_id);
CREATE INDEX loose_names_loose ON loose_names(loose);
"""
#: The names that the looser key finds, as SQL over ``names n JOIN places p``: of towns and
#: administrative units; of a town only its own name, not its alternate names (exonyms in other
#: languages: "Buekres" for Bucharest and "Tiumene" for Tyumen took news spellings to those cities).
#: Only names written as proper names count (see :func:`proper_name`).
LOOSE_NAMES = (
    "p.kind IN ('city', 'admin1', 'admin2') AND n.name_type IN ('name', 'ascii', 'alt')"
    " AND (p.kind != 'city' OR n.name_type != 'alt')"
)


def language_rows(country_code: str, languages: str) -> list[tuple[str, int, str]]:
    """The ``country_languages`` rows of one country from GeoNames' ``languages`` field
    (``"es-CO"``, ``"fr-CF,sg,ln,kg"``): one a language, in the field's order; blanks left out."""
    tags = [tag.strip() for tag in languages.split(",") if tag.strip()]
    return [(country_code, rank, tag) for rank, tag in enumerate(tags)]


def create_schema(con: sqlite3.Connection) -> None:
    """Create the tables of an empty gazetteer (indexes come after bulk loading, see ``create_indexes``)."""
    con.executescript(SCHEMA)
    con.execute("INSERT INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))


def proper_name(name: str) -> bool:
    """True if ``name`` starts with a capital letter, as a place's name in a Latin script does.

    GeoNames' alternate names include machine romanisations of other scripts, all in lower case:
    Chinese pinyin ("bo ke la" for Pokhara, "shi wei te" for Schwerte), Korean ("bekeulli" for Beckley),
    Arabic and Persian ("munbai" for Mumbai).  Their vowels are guesses, so by the looser key they join
    news spellings to the wrong towns ("Menbej" to Mumbai): that key leaves them out."""
    return name[:1].isupper()


def create_indexes(con: sqlite3.Connection) -> None:
    """Fill ``loose_names`` from the loaded names, then index the tables (both builders call this once
    the names are in)."""
    con.create_function("loose_key", 1, loose_key, deterministic=True)
    con.create_function("proper_name", 1, proper_name, deterministic=True)
    con.execute(
        "INSERT INTO loose_names(loose, norm) SELECT loose_key(norm), norm FROM ("
        " SELECT DISTINCT n.norm FROM names n JOIN places p ON p.id = n.place_id"
        f" WHERE {LOOSE_NAMES} AND proper_name(n.name))"
    )
    con.executescript(INDEXES)


def is_gazetteer(con: sqlite3.Connection) -> bool:
    """True if ``con`` holds a geomap gazetteer of the current schema version."""
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.DatabaseError:
        return False
    return row is not None and row[0] == str(SCHEMA_VERSION)
