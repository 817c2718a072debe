"""Value types and errors of the gazetteer."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Literal, get_args

__all__ = [
    "KINDS",
    "Candidate",
    "DumpFormatError",
    "GazetteerError",
    "GazetteerNotBuiltError",
    "GazetteerNotReadableError",
    "InvalidGazetteerError",
]

#: Kinds of places, coarsest first.
Kind = Literal["continent", "region", "country", "admin1", "admin2", "city", "other"]
KINDS: tuple[Kind, ...] = get_args(Kind)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer entry that a name may refer to.

    ``matched`` is the name of the entry that matched the query and ``name_type`` what kind of
    name it is (``name``, ``ascii``, ``alt``, ``iso``, ``demonym``, ``abbr``); ``loose`` is true when
    it matched only by the looser key (:func:`gazetteer._names.loose_key`), not by the name's own key.
    """

    id: int
    name: str
    kind: Kind
    country_code: str | None
    admin1_code: str | None
    population: int
    lat: float
    lon: float
    feature_code: str | None = None
    iso_code: str | None = None
    matched: str = ""
    name_type: str = "name"
    loose: bool = False

    @property
    def geonameid(self) -> int | None:
        """The GeoNames id; ``None`` for places GeoNames does not hold, whose ids are below zero in the
        store (US counties and regions)."""
        return self.id if self.id > 0 else None

    @property
    def place_id(self) -> str:
        """A stable id to show: ``gn:<geonameid>``, ``fips:<code>`` (a US county) or ``region:<slug>``."""
        if self.id > 0:
            return f"gn:{self.id}"
        if self.kind == "region":
            return "region:" + re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")
        return f"fips:{-self.id:05d}"


class GazetteerError(Exception):
    """Root of the gazetteer's errors."""


class InvalidGazetteerError(GazetteerError, sqlite3.DatabaseError):
    """The file cannot be used as a gazetteer: not a SQLite database, foreign, of another schema version,
    missing a table, column or index, truncated, or with corrupt pages (found when it is opened, or by a
    query later).  The message names the file, what is wrong and what to do."""


class GazetteerNotReadableError(InvalidGazetteerError, PermissionError):
    """The file, or a directory above it, cannot be read: a matter of permissions, never rebuilt."""


class GazetteerNotBuiltError(GazetteerError, FileNotFoundError):
    """No gazetteer file exists where one was asked for."""


class DumpFormatError(GazetteerError, ValueError):
    """A row of a GeoNames dump cannot be read; the message names ``path:line`` and the row."""
