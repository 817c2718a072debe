"""Value types and errors of the gazetteer."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

__all__ = [
    "KINDS",
    "Candidate",
    "DumpFormatError",
    "GazetteerError",
    "GazetteerNotBuiltError",
    "InvalidGazetteerError",
]

#: Kinds of places, coarsest first.
KINDS = ("continent", "region", "country", "admin1", "admin2", "city", "other")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer entry that a name may refer to.

    ``matched`` is the name of the entry that matched the query and ``name_type`` what kind of
    name it is (``name``, ``ascii``, ``alt``, ``iso``, ``demonym``, ``abbr``).
    """

    id: int
    name: str
    kind: str
    country_code: str | None
    admin1_code: str | None
    population: int
    lat: float
    lon: float
    feature_code: str | None = None
    iso_code: str | None = None
    matched: str = ""
    name_type: str = "name"


class GazetteerError(Exception):
    """Root of the gazetteer's errors."""


class InvalidGazetteerError(GazetteerError, sqlite3.DatabaseError):
    """The file is not a geomap gazetteer (corrupt, foreign or of an older schema)."""


class GazetteerNotBuiltError(GazetteerError, FileNotFoundError):
    """No gazetteer file exists where one was asked for."""


class DumpFormatError(GazetteerError, ValueError):
    """A row of a GeoNames dump cannot be read; the message names ``path:line`` and the row."""
