"""What geo needs of a gazetteer: the contract, as Protocols.

geo opens no gazetteer; it is handed one.  ``gazetteer.Gazetteer`` (the SQLite store) implements these
Protocols structurally, and so does the thirty-row gazetteer of the tests; ``tests/test_contract.py``
holds both to the same behaviour.  Names go in as written; candidates come out as :class:`Candidate`
values whose ids, kinds and codes geo reads but never decodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

from shapely.geometry.base import BaseGeometry

from ._types import Coordinate, GazetteerKind

__all__ = ["REPORT_NAME_TYPES", "Candidate", "NameIndex", "PlaceSource", "point_of"]

#: Name types of the names a report uses for a place (not codes or abbreviations).
REPORT_NAME_TYPES = ("name", "ascii", "alt", "demonym")


class Candidate(Protocol):
    """One gazetteer entry a name may refer to (``gazetteer.Candidate`` is one)."""

    @property
    def id(self) -> int:
        """The gazetteer's own id; pass it back to :meth:`PlaceSource.geometry` and the like."""
        ...

    @property
    def place_id(self) -> str:
        """A stable id to show: ``gn:<geonameid>``, ``fips:<code>``, ``region:<slug>``."""
        ...

    @property
    def geonameid(self) -> int | None:
        """The GeoNames id, ``None`` for a place GeoNames does not hold (a US county, a region)."""
        ...

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> GazetteerKind: ...
    @property
    def country_code(self) -> str | None: ...
    @property
    def admin1_code(self) -> str | None: ...
    @property
    def population(self) -> int: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...
    @property
    def feature_code(self) -> str | None: ...
    @property
    def matched(self) -> str:
        """The name of the entry that matched the query, as the gazetteer spells it."""
        ...

    @property
    def name_type(self) -> str:
        """What kind of name matched: ``name``, ``ascii``, ``alt``, ``demonym``, ``iso``, ``abbr``."""
        ...

    @property
    def loose(self) -> bool:
        """True if the name matched only by the gazetteer's looser, transliteration-aware key (a lookup
        with ``loose=True``), not by its own key."""
        ...


def point_of(cand: Candidate) -> Coordinate:
    """The candidate's point."""
    return Coordinate(lat=cand.lat, lon=cand.lon)


@runtime_checkable
class NameIndex(Protocol):
    """What recognition needs of a gazetteer: which spans are names, and of what."""

    def name_kinds(self, name: str, *, loose: bool = False) -> frozenset[str]:
        """Kinds of the places with this name ("country", "admin1", "city", "demonym", ...), or empty.
        With ``loose``, the kinds of the towns and administrative units that only the looser key finds
        (see :meth:`PlaceSource.lookup`)."""
        ...

    def max_population(self, name: str) -> int:
        """The largest population of the places with this name, 0 if none."""
        ...

    def has_exact_name(self, name: str) -> bool:
        """True if some place has exactly this name, as written ("Va.", "Calif.")."""
        ...


@runtime_checkable
class PlaceSource(NameIndex, Protocol):
    """What recognition and resolution need of a gazetteer (``gazetteer.Gazetteer`` is one)."""

    def lookup(
        self,
        name: str,
        *,
        country: str | None = None,
        kinds: Iterable[str] | None = None,
        name_types: Iterable[str] | None = None,
        limit: int = 25,
        loose: bool = False,
    ) -> Sequence[Candidate]:
        """Candidates whose names fold like ``name``: the same spelling first, then coarser kinds, then
        larger populations.

        With ``loose``, instead: the towns and administrative units whose names share only a looser key
        (vowels, y/j/w and word breaks folded: "Menbej" finds Manbij), marked ``loose``.  That key joins
        many English words to some village, so geo asks for it only when the name's own key finds
        nothing and the name passes :func:`geo._recognize.loose_name`."""
        ...

    def get(self, place_id: int) -> Candidate | None: ...

    def country(self, code: str) -> Candidate | None:
        """The country with ISO 3166-1 alpha-2 ``code``."""
        ...

    def languages(self, country: str) -> Sequence[str]:
        """The languages spoken in ``country`` (ISO alpha-2), as lower-case ISO 639 codes, the main one
        first ("CO" -> ``("es",)``, "CA" -> ``("en", "fr", "iu")``); empty when the gazetteer has none."""
        ...

    def admin1(self, country: str, code: str) -> Candidate | None:
        """The first-level unit of ``country`` with GeoNames admin-1 ``code``."""
        ...

    def names_of(self, place_id: int) -> Sequence[tuple[str, str]]:
        """All (name, name type) pairs of a place."""
        ...

    def geometry(self, place_id: int) -> BaseGeometry | None:
        """The polygon of an area (country, province, region), ``None`` for a point."""
        ...

    def border(self, a: str, b: str) -> BaseGeometry | None:
        """The land border of two countries (ISO alpha-2 codes, either order) as a line, or ``None``."""
        ...

    def countries_geometries(self) -> Sequence[tuple[str, BaseGeometry]]:
        """(ISO alpha-2 code, polygon) of every country that has one: the land, where a road could run."""
        ...
