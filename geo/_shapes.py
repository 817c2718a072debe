"""Shapes: the place a resolved mention is drawn as, for its form.

Input: a mention and its chosen candidate (or a :class:`~geo._borders.Border`, or an online answer);
output: a :class:`~geo._types.Place` with its point, precision and geometry: a province's polygon, the
northern half of it ("north Latakia"), a ring around a city ("the suburbs of Damascus"), a wedge beside
it ("north of Baghdad"), two countries' border line, or a corridor between two towns that a road could
join ("between Saraqib and Idlib").
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
import weakref
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from . import _lang as lang
from ._borders import Border
from ._gazetteer import Candidate, PlaceSource, point_of
from ._geometry import (
    Land,
    circle,
    directional_part,
    land_index,
    land_joining,
    offset_area,
    representative,
    ring_radii,
    suburbs_ring,
)
from ._types import Coordinate, Kind, Mention, Place, Resolution, Statement

__all__ = ["MAX_CORRIDOR_KM", "OnlineAnswer", "border_place", "corridors", "online_place", "place_of"]

log = logging.getLogger(__name__)


def place_of(m: Mention, cand: Candidate, gaz: PlaceSource) -> Place:
    """The place as it is drawn, for the mention's form."""
    point = point_of(cand)
    display = _display_name(cand, gaz)

    def made(
        suffix: str,
        name: str,
        kind: Kind,
        precision: int,
        geometry: BaseGeometry | None,
        population: int | None,
        *,
        at: Coordinate | None = None,
    ) -> Place:
        """A place from this candidate; ``at`` moves its point off the candidate's, kept as anchor."""
        return Place(
            place_id=cand.place_id + suffix,
            name=name,
            kind=kind,
            country_code=cand.country_code,
            point=at or point,
            anchor=point if at is not None else None,
            precision=precision,
            geonameid=cand.geonameid,
            admin1_code=cand.admin1_code,
            population=population,
            geometry=geometry,
        )

    if m.form == "part" and m.direction:
        geom = gaz.geometry(cand.id)
        if geom is None:  # a town: that side of its built-up disc
            geom = circle(point, ring_radii(cand.population)[1])
        part = directional_part(geom, m.direction)
        return made(
            f":{m.direction}", f"{m.direction} {display}", "part", 2, part, None, at=representative(part)
        )
    if m.form == "suburbs":
        ring = suburbs_ring(point, cand.population)
        return made(":suburbs", f"suburbs of {display}", "suburbs", 2, ring, cand.population)
    if m.form == "offset" and m.direction:
        wedge = offset_area(point, m.direction, cand.population)
        name = f"{m.direction} of {display}"
        return made(f":{m.direction}-of", name, "offset", 2, wedge, cand.population, at=representative(wedge))
    if m.form == "district":
        name = f"{display} ({m.text.split()[-1].lower()})"
        return made(":district", name, "district", 2, None, cand.population or None)
    if cand.kind in ("country", "admin1", "admin2", "continent", "region"):
        return made("", display, cand.kind, 3, gaz.geometry(cand.id), cand.population or None)
    return made("", display, cand.kind, 1, None, cand.population or None)


_ADMIN_SUFFIX = re.compile(rf"\b{lang.pattern('admin_name_suffixes')}$")


def _display_name(cand: Candidate, gaz: PlaceSource) -> str:
    """An English name for the map: "Latakia Governorate" rather than "Al Lādhiqīyah"."""
    if cand.kind != "admin1":
        return cand.name
    for name, name_type in gaz.names_of(cand.id):
        if name_type == "alt" and name.isascii() and _ADMIN_SUFFIX.search(name):
            return name
    return cand.name


def border_place(border: Border, gaz: PlaceSource) -> Place:
    """Two countries' land border as a line, named after them."""
    a, b = border.a, border.b
    ca, cb = gaz.country(a), gaz.country(b)
    return Place(
        place_id=f"border:{a}-{b}",
        name=f"{ca.name if ca else a}–{cb.name if cb else b} border",
        kind="border",
        country_code=f"{a};{b}",
        point=representative_on_line(border.line),
        precision=2,
        geometry=border.line,
    )


def representative_on_line(line: BaseGeometry) -> Coordinate:
    """The point half way along a line."""
    mid = line.interpolate(0.5, normalized=True)
    return Coordinate.from_lonlat(mid.x, mid.y)


class OnlineAnswer(Protocol):
    """What an online geocoder answers (``gazetteer.OnlineAnswer`` is one)."""

    @property
    def name(self) -> str: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...
    @property
    def country_code(self) -> str | None: ...
    @property
    def raw(self) -> Mapping[str, Any] | None: ...


def online_place(answer: OnlineAnswer) -> Place:
    """The point the online geocoder answered, as a city-like place (Nominatim's ids, not GeoNames')."""
    raw = answer.raw or {}
    osm_type, osm_id = raw.get("osm_type"), raw.get("osm_id")
    place_id = f"osm:{osm_type}:{osm_id}" if osm_type and osm_id else f"nominatim:{answer.lat},{answer.lon}"
    return Place(
        place_id=place_id,
        name=answer.name,
        kind="city",
        country_code=answer.country_code,
        point=Coordinate(answer.lat, answer.lon),
        precision=1,
    )


_BETWEEN_BEFORE = re.compile(r"\bbetween\s+(?:the\s+)?$", re.I)
_AND_BETWEEN = re.compile(r"^\s+and\s+(?:the\s+)?$", re.I)
#: Kinds of place that "between X and Y" joins into a corridor (not countries: "talks between Russia
#: and Ukraine" are not a place).
_CORRIDOR_KINDS = frozenset({"city", "district"})
#: The longest corridor (km).  "Between X and Y" in a report on a war joins two towns of one theatre: a
#: road or a front line (Aleppo-Damascus 309 km, Kyiv-Kharkiv 412, Kharkiv-Kherson 460, Moscow-Saint
#: Petersburg 636).  The band is a fifth of the distance wide, so at 1,000 km it is 200 km across, wider
#: than most provinces: beyond that it is no longer a place a report points at, and the two towns, which
#: keep their own mentions, say more.
MAX_CORRIDOR_KM = 1_000.0


def corridors(
    resolutions: Sequence[Resolution], statements: Mapping[int, Statement], gaz: PlaceSource
) -> list[Resolution]:
    """ "Fighting between Saraqib and Idlib": the area between two towns, as a derived place.

    Both towns keep their own mentions; the corridor is an extra mention over the whole phrase
    (``form="between"``, ``source="derived"``): a band along the line joining them, as wide as a
    fifth of their distance (at least 2 km), precision 2, cut to the land in it.  It is drawn only where
    a road could join the towns: at most :data:`MAX_CORRIDOR_KM` apart, and joined by land inside the
    band (see :func:`~geo._geometry.land_joining`; the land is the gazetteer's country polygons).  Two
    towns across a sea or a strait, or too far apart, get no corridor: only their own two places.
    """
    out = []
    # a long report names the same two towns again: their band, land and middle are made once
    joined: dict[tuple[Coordinate, Coordinate], tuple[BaseGeometry, BaseGeometry, Coordinate] | None] = {}
    for first, second in itertools.pairwise(resolutions):
        a, b = first.place, second.place
        if a is None or b is None or a.kind not in _CORRIDOR_KINDS or b.kind not in _CORRIDOR_KINDS:
            continue
        if first.mention.sentence != second.mention.sentence:
            continue
        st = statements[first.mention.sentence]
        start_1, end_1 = first.mention.start - st.start, first.mention.end - st.start
        lead = _BETWEEN_BEFORE.search(st.text[max(0, start_1 - 20) : start_1])
        if not lead or not _AND_BETWEEN.match(st.text[end_1 : second.mention.start - st.start]):
            continue
        km = a.point.km_to(b.point)
        if (a.point, b.point) not in joined:
            band = _band(a.point, b.point, km)
            land = _corridor_land(band, a, b, km, gaz)
            joined[a.point, b.point] = None if land is None else (band, land, _middle(land))
        found = joined[a.point, b.point]
        if found is None:
            continue
        band, land, middle = found
        start = first.mention.start - len(lead.group(0))
        mention = Mention(
            doc=first.mention.doc,
            start=start,
            end=second.mention.end,
            text=st.text[start - st.start : second.mention.end - st.start],
            sentence=first.mention.sentence,
            head=first.mention.head,
            form="between",
            other=second.mention.head,
            source="derived",
        )
        ids = sorted((a.place_id, b.place_id))
        place = Place(
            place_id=f"between:{ids[0]}:{ids[1]}",
            name=f"between {a.name} and {b.name}",
            kind="between",
            country_code=";".join(sorted({str(a.country_code), str(b.country_code)})),
            point=middle,
            precision=2,
            geometry=land,
        )
        score = round(min(first.score, second.score), 4)
        reasons = (
            f"between two towns {km:.0f} km apart",
            f"joined by land inside the band ({land.area / band.area:.0%} of it land)",
        )
        out.append(Resolution(mention, place, "location", score, reasons))
    return out


def _band(a: Coordinate, b: Coordinate, km: float) -> BaseGeometry:
    """The band along the line from ``a`` to ``b``, a fifth of their distance wide (at least 2 km)."""
    width_deg = max(km / 5, 2.0) / 2 / 111.0
    return LineString([a.lonlat(), b.lonlat()]).buffer(width_deg, cap_style="round")


def _corridor_land(
    band: BaseGeometry, a: Place, b: Place, km: float, gaz: PlaceSource
) -> BaseGeometry | None:
    """The band's land joining the two places, or ``None`` (logged) when a road could not join them."""
    if km > MAX_CORRIDOR_KM:
        why = f"{km:.0f} km apart, more than {MAX_CORRIDOR_KM:.0f}"
    elif abs(a.point.lon - b.point.lon) > 180:
        why = "the line between them would go round the world the long way (antimeridian)"
    else:
        land = land_joining(band, a.point, b.point, _land_of(gaz))
        if land is not None:
            return land
        why = "no land joins them inside the band (a sea or a strait between them)"
    log.debug("no corridor between %s and %s: %s", a.name, b.name, why)
    return None


def _middle(geom: BaseGeometry) -> Coordinate:
    """The centroid of a corridor (its middle), or a point inside it when the centroid is off it."""
    c = geom.centroid
    return Coordinate.from_lonlat(c.x, c.y) if geom.covers(c) else representative(geom)


#: The land of each gazetteer, indexed once and kept for the gazetteer's life (country polygons are read
#: only when a first corridor is asked for: about 60 ms).
_LANDS: weakref.WeakKeyDictionary[PlaceSource, Land] = weakref.WeakKeyDictionary()
_LANDS_LOCK = threading.Lock()


def _land_of(gaz: PlaceSource) -> Land:
    """The gazetteer's land, indexed (see :func:`~geo._geometry.land_index`)."""
    with _LANDS_LOCK:
        try:
            land = _LANDS.get(gaz)
        except TypeError:  # a gazetteer that takes no weak reference: indexed on each call
            return land_index(geom for _, geom in gaz.countries_geometries())
        if land is None:
            land = _LANDS[gaz] = land_index(geom for _, geom in gaz.countries_geometries())
        return land
