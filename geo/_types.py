"""Value types of the geoparser: documents, statements, mentions, places and resolutions.

Everything here is a frozen dataclass.  Coordinates are kept as :class:`Coordinate` (lat, lon);
the one place that swaps to GeoJSON/shapely order (lon, lat) is :meth:`Coordinate.lonlat`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ROLES",
    "Coordinate",
    "Document",
    "Mention",
    "ParseResult",
    "Place",
    "Resolution",
    "Statement",
]

#: Roles a resolved mention can play.  ``location`` is where something happens, ``dateline`` where
#: the report was filed, ``actor`` a place name that stands for who acts (a state, a government).
ROLES = ("location", "dateline", "actor")


@dataclass(frozen=True, slots=True)
class Coordinate:
    """A WGS84 point, latitude first as geopy and folium expect."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0) or not (-180.0 <= self.lon <= 180.0):
            raise ValueError(f"coordinate out of range: lat={self.lat!r}, lon={self.lon!r}")

    def lonlat(self) -> tuple[float, float]:
        """(lon, lat): GeoJSON and shapely order.  The only place the order is swapped."""
        return (self.lon, self.lat)


@dataclass(frozen=True, slots=True)
class Document:
    """One input report."""

    id: str
    text: str
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    """A sentence (quoted speech kept whole) of a document, with who said it and when."""

    doc: str
    index: int
    start: int
    end: int
    text: str
    speaker: str | None = None
    date: dt.date | None = None
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of text that names a place.

    ``form`` says how the place is named: ``name`` (plain), ``demonym`` ("Syrian"), ``province``
    ("Aleppo province"), ``part`` ("north Latakia", with ``direction``), ``suburbs`` ("the suburbs of
    Damascus"), ``border`` ("the Syrian-Turkish border", with ``other`` naming the second country),
    ``offset`` ("north of Baghdad", with ``direction``), ``district`` ("Orange County"), ``feature``
    (a street, river or building the gazetteer does not hold: "Royal Street"), ``organisation`` (a
    place name inside an organisation's name: "Russian" in "Russian Foreign Ministry"; its role is
    always ``actor``).  ``head`` is the place name inside the span.
    """

    doc: str
    start: int
    end: int
    text: str
    sentence: int
    head: str
    form: str = "name"
    direction: str | None = None
    other: str | None = None
    source: str = "gazetteer"


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place as it is drawn: a gazetteer entry, or a part, ring or border derived from one.

    ``geometry`` is a shapely geometry in (lon, lat) or ``None`` for a point-only place; ``point`` is a
    representative point (for an area, the gazetteer's GeoNames coordinate where it has one).
    ``precision`` follows ACLED's ``geo_precision``: 1 exact place, 2 near a place or part of a region,
    3 a whole region.  ``anchor`` is, for a place derived from another (the northern part of a
    province, an area north of a town), the gazetteer's point of the place it derives from.
    """

    place_id: str
    name: str
    kind: str
    country_code: str | None
    point: Coordinate
    precision: int
    geonameid: int | None = None
    admin1_code: str | None = None
    population: int | None = None
    geometry: Any = field(default=None, compare=False, hash=False, repr=False)
    anchor: Coordinate | None = None


@dataclass(frozen=True, slots=True)
class Resolution:
    """A mention with the place it resolved to (``None`` when unresolved), its role, score and reasons."""

    mention: Mention
    place: Place | None
    role: str
    score: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What :func:`geo.parse` returns for one document."""

    document: Document
    statements: tuple[Statement, ...]
    resolutions: tuple[Resolution, ...]

    @property
    def places(self) -> tuple[Place, ...]:
        """Distinct resolved places, in order of first mention."""
        seen: dict[str, Place] = {}
        for res in self.resolutions:
            if res.place is not None and res.place.place_id not in seen:
                seen[res.place.place_id] = res.place
        return tuple(seen.values())

    @property
    def mentions(self) -> tuple[Mention, ...]:
        return tuple(res.mention for res in self.resolutions)
