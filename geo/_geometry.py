"""Geometry of what is mapped: parts of regions, rings around cities, offsets from a place.

All shapes are shapely geometries in (lon, lat).  Distances are geodesic (on the WGS84 ellipsoid, through
pyproj's vectorised ``Geod``), so a ring around a city in Finland is as wide on the ground as one in Syria.
Shapes are cached per (centre, form, parameters): a report that names "the suburbs of Damascus" fifty
times builds the ring once.  Shapely geometries are immutable, so a cached one is shared, not copied.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Polygon, box
from shapely.geometry.base import BaseGeometry

from ._types import Coordinate

__all__ = [
    "LAND_GAP_DEG",
    "TOWN_REACH_DEG",
    "Land",
    "circle",
    "directional_part",
    "land_index",
    "land_joining",
    "offset_area",
    "representative",
    "ring_radii",
    "suburbs_ring",
]

_BEARINGS = {
    "north": 0.0,
    "northeast": 45.0,
    "east": 90.0,
    "southeast": 135.0,
    "south": 180.0,
    "southwest": 225.0,
    "west": 270.0,
    "northwest": 315.0,
}


#: How many shapes of each kind are kept (a ring is about 2 KB).
_CACHE_SIZE = 4096


def directional_part(geom: BaseGeometry, direction: str) -> BaseGeometry:
    """The part of a region on one side: "north" is the half north of the middle of its bounding box,
    "northeast" the quadrant, "central" the middle half in both directions.

    Cached per (geometry, direction) by the geometry's identity: the gazetteer hands out the same
    object for every mention of a province, so "northern Latakia" is cut once per report."""
    key = (id(geom), direction)
    hit = _PARTS.get(key)
    if hit is not None and hit[0] is geom:
        return hit[1]
    part = _directional_part(geom, direction)
    if len(_PARTS) >= _PARTS_SIZE:
        # another thread may change it meanwhile: then nothing is forgotten this time
        with contextlib.suppress(RuntimeError, StopIteration, KeyError):
            del _PARTS[next(iter(_PARTS))]
    _PARTS[key] = (geom, part)  # the geometry is kept, so its id stays its own
    return part


_PARTS: dict[tuple[int, str], tuple[BaseGeometry, BaseGeometry]] = {}
#: Parts kept (each keeps its province's polygon alive too: fewer than shapes).
_PARTS_SIZE = 512


def _directional_part(geom: BaseGeometry, direction: str) -> BaseGeometry:
    minx, miny, maxx, maxy = geom.bounds
    midx, midy = (minx + maxx) / 2, (miny + maxy) / 2
    w, h = maxx - minx, maxy - miny
    boxes = {
        "north": box(minx, midy, maxx, maxy),
        "south": box(minx, miny, maxx, midy),
        "east": box(midx, miny, maxx, maxy),
        "west": box(minx, miny, midx, maxy),
        "northeast": box(midx, midy, maxx, maxy),
        "northwest": box(minx, midy, midx, maxy),
        "southeast": box(midx, miny, maxx, midy),
        "southwest": box(minx, miny, midx, midy),
        "central": box(minx + w / 4, miny + h / 4, maxx - w / 4, maxy - h / 4),
    }
    part = shapely.make_valid(geom.intersection(boxes[direction]))
    polys = [g for g in getattr(part, "geoms", [part]) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else geom


@functools.cache
def _geod() -> Any:
    """The WGS84 ellipsoid's geodesic solver (imported on first use: pyproj is not needed to start)."""
    from pyproj import Geod

    return Geod(ellps="WGS84")


def _destinations(center: Coordinate, km: Any, bearings: Any) -> np.ndarray:
    """The (lon, lat) points ``km`` away from ``center`` at each of ``bearings`` (degrees), in one call."""
    bearings = np.asarray(bearings, dtype=float)
    dist = np.broadcast_to(np.asarray(km, dtype=float) * 1000.0, bearings.shape)
    lons, lats, _ = _geod().fwd(
        np.full(bearings.shape, center.lon), np.full(bearings.shape, center.lat), bearings, dist
    )
    return np.column_stack((lons, lats))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def circle(center: Coordinate, km: float, *, n: int = 64) -> Polygon:
    """A geodesic circle of radius ``km`` around ``center`` (cached: the same polygon for the same call)."""
    return Polygon(_destinations(center, km, 360.0 * np.arange(n) / n))


def ring_radii(population: int | None) -> tuple[float, float]:
    """Inner and outer radius (km) of the suburbs of a city of this population.

    The built-up core of a city grows about as the square root of its population; its suburbs are taken
    as the band from 0.35 to 1 of an outer radius of ``4 * (population / 100,000) ** 0.4`` km, between
    3 and 40 km: about 4-12 km for a city of 1.7 million.
    """
    pop = max(population or 0, 1_000)
    outer = min(max(4.0 * (pop / 100_000) ** 0.4, 3.0), 40.0)
    return (0.35 * outer, outer)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def suburbs_ring(center: Coordinate, population: int | None) -> Polygon:
    """A ring around the city: its suburbs, not its centre."""
    inner, outer = ring_radii(population)
    return Polygon(circle(center, outer).exterior.coords, [circle(center, inner).exterior.coords[::-1]])


@functools.lru_cache(maxsize=_CACHE_SIZE)
def offset_area(
    center: Coordinate, direction: str, population: int | None, *, km: float | None = None
) -> Polygon:
    """ "North of Baghdad": a wedge of 60 degrees on that side, from the city's edge outwards.

    With ``km`` ("20 km north of") the wedge is centred on that distance; otherwise it reaches from the
    edge of the city (see :func:`ring_radii`) to three times as far.
    """
    if direction == "central":
        return circle(center, ring_radii(population)[1])
    bearing = _BEARINGS[direction]
    _, edge = ring_radii(population)
    near, far = (max(km * 0.6, 0.5), km * 1.4) if km else (edge, 3 * edge + 10)
    i = np.arange(13)
    # the far arc one way, the near arc back, in one call
    bearings = np.concatenate((bearing - 30 + 60 * i / 12, bearing + 30 - 60 * i / 12))
    return Polygon(_destinations(center, np.repeat((far, near), 13), bearings))


def representative(geom: BaseGeometry) -> Coordinate:
    """A point inside the geometry, as a Coordinate."""
    p = geom.representative_point()
    return Coordinate.from_lonlat(p.x, p.y)


#: Water narrower than this (degrees, about 2.2 km north-south) counts as land when two places are
#: tested for a land path: each side is widened by half of it.  It covers what the land polygons lose,
#: not real sea: the gazetteer simplifies country polygons at 0.01 degrees, so two neighbours' borders
#: may part by up to 0.02.  Straits with no road stay water: Messina (3 km), Gibraltar (14 km), Dover
#: (33 km).  Lakes and rivers are inside the countries' polygons already.
LAND_GAP_DEG = 0.02
#: A town this far (degrees, about 3.3 km) off the widened land still stands on it, tied to it by a
#: strip: a port's GeoNames point may lie off the simplified coast.  Of the gazetteer's 27,479 towns of
#: 20,000 people or more, 84 lie over 0.01 degrees off the countries' polygons, 18 over 0.02, 3 over 0.05
#: (islands the 10m polygons lack, and Abyei, which has no ISO code and so no polygon).
TOWN_REACH_DEG = 0.03


class Land:
    """Land polygons, spatially indexed: each part of each country's polygon, in an STRtree.

    Built by :func:`land_index`; the constructor only stores what it is given."""

    __slots__ = ("parts", "tree")

    def __init__(self, parts: np.ndarray, tree: shapely.STRtree) -> None:
        self.parts = parts
        self.tree = tree


def land_index(polygons: Iterable[BaseGeometry]) -> Land:
    """The land made of these (multi)polygons, split into parts so that the index holds one small
    box per island rather than one box over a country and its overseas territories."""
    parts = shapely.get_parts(np.array(list(polygons), dtype=object))
    parts = parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON]
    return Land(parts, shapely.STRtree(parts))


def land_joining(area: BaseGeometry, a: Coordinate, b: Coordinate, land: Land) -> BaseGeometry | None:
    """The land inside ``area`` over which ``a`` and ``b`` are joined, or ``None`` when none joins them.

    The land is the parts of :class:`Land` that ``area`` meets (the index's query tests them against the
    prepared ``area``), clipped to its box and widened by half of :data:`LAND_GAP_DEG`; a place off it by
    at most :data:`TOWN_REACH_DEG` is tied to it by a strip as wide.  The answer is the one piece of that
    land, cut to ``area``, that holds both places.  Two towns across a sea, a strait or a bay deeper than
    ``area`` is wide have their land in separate pieces: no answer.
    """
    hits = land.tree.query(area, predicate="intersects")
    if len(hits) == 0:
        return None
    near = shapely.union_all(
        shapely.buffer(shapely.clip_by_rect(land.parts[hits], *area.bounds), LAND_GAP_DEG / 2)
    )
    ends = shapely.points([a.lonlat(), b.lonlat()])
    off = ends[~shapely.covers(near, ends) & (shapely.distance(near, ends) <= TOWN_REACH_DEG)]
    if len(off):
        ties = shapely.buffer(shapely.shortest_line(off, near), LAND_GAP_DEG / 2)
        near = shapely.union_all(np.concatenate(([near], ties)))
    for piece in shapely.get_parts(shapely.intersection(area, near)):
        if piece.geom_type == "Polygon" and all(piece.covers(end) for end in ends):
            return piece
    return None
