"""Value types of the geoparser: documents, statements, mentions, places and resolutions.

Everything here is a frozen dataclass.  Coordinates are kept as :class:`Coordinate` (lat, lon);
the one place that swaps to and from GeoJSON/shapely order (lon, lat) is :class:`Coordinate`
(:meth:`Coordinate.lonlat`, :meth:`Coordinate.from_lonlat`).  The words a field may hold are
``Literal`` types: :data:`Form`, :data:`Kind`, :data:`Role`, :data:`Direction`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

__all__ = [
    "DIRECTIONS",
    "FORMS",
    "GAZETTEER_KINDS",
    "KINDS",
    "ROLES",
    "Coordinate",
    "Direction",
    "Document",
    "Form",
    "GazetteerKind",
    "Kind",
    "Mention",
    "ParseResult",
    "Place",
    "Resolution",
    "Role",
    "Statement",
    "nearest_km",
]

#: Roles a resolved mention can play.  ``location`` is where something happens, ``dateline`` where
#: the report was filed, ``actor`` a place name that stands for who acts (a state, a government).
Role = Literal["location", "dateline", "actor"]
ROLES: tuple[Role, ...] = get_args(Role)

#: How a mention names a place (see :class:`Mention`).
Form = Literal[
    "name",
    "demonym",
    "province",
    "part",
    "suburbs",
    "border",
    "offset",
    "district",
    "feature",
    "organisation",
    "between",
]
FORMS: tuple[Form, ...] = get_args(Form)

#: Kinds of gazetteer entries, coarsest first (``gazetteer.KINDS`` holds the same words).
GazetteerKind = Literal["continent", "region", "country", "admin1", "admin2", "city", "other"]
GAZETTEER_KINDS: tuple[GazetteerKind, ...] = get_args(GazetteerKind)

#: Kinds of places as drawn: a gazetteer entry's kind, or a place derived from one.
Kind = Literal[
    "continent",
    "region",
    "country",
    "admin1",
    "admin2",
    "city",
    "other",
    "part",
    "suburbs",
    "offset",
    "district",
    "border",
    "between",
]
KINDS: tuple[Kind, ...] = get_args(Kind)

#: Compass directions of a part ("north Latakia") or an offset ("north of Baghdad").
Direction = Literal[
    "north", "northeast", "east", "southeast", "south", "southwest", "west", "northwest", "central"
]
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)


@dataclass(frozen=True, slots=True)
class Coordinate:
    """A WGS84 point, latitude first as geopy and folium expect."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0) or not (-180.0 <= self.lon <= 180.0):
            raise ValueError(f"coordinate out of range: lat={self.lat!r}, lon={self.lon!r}")

    def lonlat(self) -> tuple[float, float]:
        """(lon, lat): GeoJSON and shapely order.  With :meth:`from_lonlat`, the only place the order
        is swapped."""
        return (self.lon, self.lat)

    @classmethod
    def from_lonlat(cls, lon: float, lat: float) -> Coordinate:
        """The point of GeoJSON/shapely coordinates ``(x, y) = (lon, lat)``."""
        return cls(lat=lat, lon=lon)

    def km_to(self, other: Coordinate) -> float:
        """Great-circle distance in km (a sphere, not the ellipsoid: ranking needs 'within 250 km', not
        metres, and it is 20x faster).  geopy's ``great_circle`` formula and radius, to the same float,
        without its objects: a microsecond instead of twenty."""
        lat1, lat2 = math.radians(self.lat), math.radians(other.lat)
        delta = math.radians(other.lon) - math.radians(self.lon)
        sin1, cos1, sin2, cos2 = math.sin(lat1), math.cos(lat1), math.sin(lat2), math.cos(lat2)
        cos_d, sin_d = math.cos(delta), math.sin(delta)
        y = math.sqrt((cos2 * sin_d) ** 2 + (cos1 * sin2 - sin1 * cos2 * cos_d) ** 2)
        return EARTH_RADIUS_KM * math.atan2(y, sin1 * sin2 + cos1 * cos2 * cos_d)


#: The mean radius of the earth that geopy's ``great_circle`` uses, in km.
EARTH_RADIUS_KM = 6371.009


def nearest_km(
    point: Coordinate, points: Sequence[Coordinate], *, excluding: Sequence[Coordinate] = ()
) -> float:
    """``min(point.km_to(p) for p in points if p not in excluding)`` (infinite for none), in time that
    grows with the *distinct* points: a report that names eight towns 3,000 times compares each
    candidate with eight.

    Over many distinct points the distances are computed at once with numpy and the nearest then
    measured again by :meth:`Coordinate.km_to`, so the value is the same float.  The distinct points of a
    sequence are prepared once and kept (by identity) while the same sequence keeps being asked about;
    ``excluding`` (a few points: a name's own anchors) is left out of that shared preparation, not
    copied out of the sequence, so each name measuring against "all but its own" costs no more than
    measuring against all.
    """
    if not points:
        return math.inf
    return _prepared(points).nearest(point, tuple(excluding))


class _Points:
    """Distinct points, and for many of them their unit vectors (a numpy array, one row each)."""

    #: Up to this many distinct points a plain loop is faster than numpy.
    LOOP = 12

    #: Answers kept per point (a report's candidates come back with every mention of their name).
    MEMO = 4096

    def __init__(self, points: Sequence[Coordinate]) -> None:
        self.points = list(dict.fromkeys(points))
        self.vectors: Any = None
        self.index: dict[Coordinate, int] | None = None
        self.memo: dict[tuple[Coordinate, tuple[Coordinate, ...]], float] = {}
        if len(self.points) > self.LOOP:
            self.vectors = _unit_vectors([p.lat for p in self.points], [p.lon for p in self.points])

    def nearest(self, point: Coordinate, excluding: tuple[Coordinate, ...] = ()) -> float:
        key = (point, excluding)
        km = self.memo.get(key)
        if km is None:
            km = self._nearest(point, excluding)
            if len(self.memo) < self.MEMO:
                self.memo[key] = km
        return km

    def _nearest(self, point: Coordinate, excluding: tuple[Coordinate, ...]) -> float:
        if self.vectors is None:
            return min((point.km_to(p) for p in self.points if p not in excluding), default=math.inf)
        import numpy as np

        # the nearest point has the largest dot product with ``point``; those within rounding of it are
        # measured again by km_to, so the answer is the same float as a loop over all of them
        lat, lon = math.radians(point.lat), math.radians(point.lon)
        dots = self.vectors @ (math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat))
        if excluding:
            if self.index is None:
                self.index = {p: i for i, p in enumerate(self.points)}
            left_out = {self.index[p] for p in excluding if p in self.index}
            if len(left_out) == len(self.points):
                return math.inf
            dots[list(left_out)] = -math.inf  # a fresh array: the prepared vectors are untouched
        close = np.flatnonzero(dots >= dots.max() - 1e-12)
        return min(point.km_to(self.points[i]) for i in close)


def _unit_vectors(lats: Sequence[float], lons: Sequence[float]) -> Any:
    import numpy as np

    lat, lon = np.radians(np.asarray(lats, dtype=float)), np.radians(np.asarray(lons, dtype=float))
    return np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))


#: Prepared point sets by the ``id`` of their sequence (the sequence is kept, so the id stays its own).
_PREPARED: dict[int, tuple[Sequence[Coordinate], _Points]] = {}


def _prepared(points: Sequence[Coordinate]) -> _Points:
    hit = _PREPARED.get(id(points))
    if hit is not None and hit[0] is points:
        return hit[1]
    prepared = _Points(points)
    if len(_PREPARED) >= 64:
        # another thread may change it meanwhile: then nothing is forgotten this time
        with contextlib.suppress(RuntimeError, StopIteration, KeyError):
            del _PREPARED[next(iter(_PREPARED))]
    _PREPARED[id(points)] = (points, prepared)
    return prepared


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
    (a street, river or building the gazetteer does not hold: "Royal Street"; a building named after
    its town, "Kano Market", resolves to the town), ``organisation`` (a
    place name inside an organisation's name: "Russian" in "Russian Foreign Ministry"; its role is
    always ``actor``).  ``head`` is the place name inside the span.
    """

    doc: str
    start: int
    end: int
    text: str
    sentence: int
    head: str
    form: Form = "name"
    direction: Direction | None = None
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
    kind: Kind
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
    """A mention with the place it resolved to (``None`` when unresolved), its role, score and reasons.

    ``score`` is on 0-1, the scale of ``geo.MIN_SCORE``: the sum of the amounts of the scoring weights
    that applied, clipped (for an unresolved mention, its best candidate's).  Each reason names what
    counted and how much ("population 1,569,394 +0.25", "document focus on SY (60%) +0.24").
    """

    mention: Mention
    place: Place | None
    role: Role
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
