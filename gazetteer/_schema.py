"""The SQLite schema of the gazetteer, shared by the package builder and the GeoNames dump importer.

Geometries are stored as WKB in (lon, lat), WGS84.  ``names.norm`` holds :func:`gazetteer.normalize`
of each name and is indexed; every lookup goes through it.
"""

from __future__ import annotations

import sqlite3

__all__ = ["SCHEMA", "SCHEMA_VERSION", "create_indexes", "create_schema", "is_gazetteer"]

#: Bumped whenever the tables or the index key (:data:`gazetteer._names.KEY_VERSION`) change; a file
#: with another version is rebuilt (built from the packages) or must be imported again (a GeoNames dump).
SCHEMA_VERSION = 2

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
CREATE TABLE geometries (
    place_id INTEGER PRIMARY KEY REFERENCES places(id),
    wkb      BLOB NOT NULL,
    source   TEXT NOT NULL
);
CREATE INDEX places_admin1 ON places(country_code, admin1_code);
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
"""


def create_schema(con: sqlite3.Connection) -> None:
    """Create the tables of an empty gazetteer (indexes come after bulk loading, see ``create_indexes``)."""
    con.executescript(SCHEMA)
    con.execute("INSERT INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))


def create_indexes(con: sqlite3.Connection) -> None:
    con.executescript(INDEXES)


def is_gazetteer(con: sqlite3.Connection) -> bool:
    """True if ``con`` holds a geomap gazetteer of the current schema version."""
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.DatabaseError:
        return False
    return row is not None and row[0] == str(SCHEMA_VERSION)
