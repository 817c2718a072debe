"""The features model: one feature per resolved place, with the statements that mention it.

Pure: takes :class:`geo._types.ParseResult` values and returns a :class:`FeatureSet`.  It opens no
file, does no parsing and knows nothing of the gazetteer.  Every writer (GeoJSON, GeoPackage, CSV)
and the HTML map read this one model, so they agree with each other.

Coordinates: a :class:`geo._types.Place` keeps its ``point`` as (lat, lon) and its ``geometry`` as a
shapely geometry in (lon, lat).  The swap happens once, in ``Coordinate.lonlat()``; everything here
is GeoJSON order (lon, lat).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from geo._types import ParseResult, Place, Resolution, Statement

__all__ = [
    "ROLE_ORDER",
    "FeatureSet",
    "MentionRow",
    "PlaceFeature",
    "StatementRef",
    "StatementRow",
    "build_features",
    "geometry_to_geojson",
]

log = logging.getLogger(__name__)

#: Dominance of roles, strongest first: a place mentioned once as a location is a location.
ROLE_ORDER = ("location", "dateline", "actor")

#: Decimal places kept in output coordinates (RFC 7946 recommends no more than six).
COORD_DECIMALS = 6

#: Decimal places kept in a mention's score, as in ``geomap parse``.
SCORE_DECIMALS = 4


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _statement_id(doc: str, index: int) -> str:
    return f"{doc}#{index}"


@dataclass(frozen=True, slots=True)
class StatementRow:
    """A statement of the statements table, with the places it mentions.

    ``mentions`` holds ``(start, end, place_id)`` spans relative to ``text``; ``place_id`` is
    ``None`` for a mention that did not resolve.
    """

    id: str
    doc: str
    index: int
    text: str
    date: str | None
    speaker: str | None
    categories: tuple[str, ...]
    source: str | None
    url: str | None
    title: str | None
    place_ids: tuple[str, ...]
    mentions: tuple[tuple[int, int, str | None], ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "doc": self.doc,
            "index": self.index,
            "text": self.text,
            "date": self.date,
            "speaker": self.speaker,
            "categories": list(self.categories),
            "source": self.source,
            "url": self.url,
            "title": self.title,
            "place_ids": list(self.place_ids),
            "mentions": [list(m) for m in self.mentions],
        }


@dataclass(frozen=True, slots=True)
class StatementRef:
    """A statement as seen from one place: ``mentions`` are the spans of *that* place only."""

    doc: str
    index: int
    text: str
    date: str | None
    speaker: str | None
    categories: tuple[str, ...]
    source: str | None
    url: str | None
    title: str | None
    mentions: tuple[tuple[int, int], ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "index": self.index,
            "text": self.text,
            "date": self.date,
            "speaker": self.speaker,
            "categories": list(self.categories),
            "source": self.source,
            "url": self.url,
            "title": self.title,
            "mentions": [list(m) for m in self.mentions],
        }


@dataclass(frozen=True, slots=True)
class MentionRow:
    """One row of the mentions table: every mention, resolved or not, as ``geomap parse`` reports it.

    The fields and their names are those of the JSON Lines contract of ``geomap parse``, with
    ``lat``/``lon`` rounded to six decimals and ``score`` to four, as there.  ``date`` (ISO),
    ``speaker`` and ``categories`` are those of the statement the mention is in.  A place name inside
    an organisation's name (``form`` ``organisation``) is a row here although the map draws no
    place for it.
    """

    doc: str
    start: int
    end: int
    text: str
    sentence: int
    place_id: str | None
    name: str | None
    kind: str | None
    country_code: str | None
    lat: float | None
    lon: float | None
    role: str
    precision: int | None
    score: float
    geonameid: int | None = None
    admin1_code: str | None = None
    form: str = "name"
    head: str = ""
    source: str = "gazetteer"
    reasons: tuple[str, ...] = ()
    speaker: str | None = None
    date: str | None = None
    categories: tuple[str, ...] = ()

    FIELDS = (
        "doc",
        "start",
        "end",
        "text",
        "sentence",
        "place_id",
        "name",
        "kind",
        "country_code",
        "lat",
        "lon",
        "role",
        "precision",
        "score",
        "geonameid",
        "admin1_code",
        "form",
        "head",
        "source",
        "reasons",
        "speaker",
        "date",
        "categories",
    )

    def as_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data, shaped as a ``geomap parse`` record (lists for tuples)."""
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in ((name, getattr(self, name)) for name in self.FIELDS)
        }


@dataclass(frozen=True, slots=True)
class PlaceFeature:
    """One resolved place with everything said about it."""

    place_id: str
    name: str
    kind: str
    country_code: str | None
    geonameid: int | None
    precision: int
    role: str
    n_mentions: int
    n_statements: int
    first_date: str | None
    last_date: str | None
    categories: tuple[str, ...]
    statements: tuple[StatementRef, ...]
    geometry: BaseGeometry = field(compare=False, repr=False)

    PROPERTY_NAMES = (
        "place_id",
        "name",
        "kind",
        "country_code",
        "geonameid",
        "precision",
        "role",
        "n_mentions",
        "n_statements",
        "first_date",
        "last_date",
        "categories",
        "statements",
    )

    @property
    def geometry_type(self) -> str:
        return str(self.geometry.geom_type)

    def properties(self) -> dict[str, Any]:
        props: dict[str, Any] = {name: getattr(self, name) for name in self.PROPERTY_NAMES}
        props["categories"] = list(self.categories)
        props["statements"] = [s.as_dict() for s in self.statements]
        return props

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {
            "type": "Feature",
            "id": self.place_id,
            "geometry": geometry_to_geojson(self.geometry),
            "properties": self.properties(),
        }


@dataclass(frozen=True, slots=True)
class FeatureSet:
    """Places, statements and mentions of one or more parsed documents, in a stable order."""

    features: tuple[PlaceFeature, ...]
    statements: tuple[StatementRow, ...]
    mentions: tuple[MentionRow, ...]

    def __len__(self) -> int:
        return len(self.features)

    def __iter__(self) -> Iterator[PlaceFeature]:
        return iter(self.features)

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {
            "type": "FeatureCollection",
            "features": [f.__geo_interface__ for f in self.features],
        }

    def dates(self) -> tuple[str, ...]:
        """Distinct statement dates, sorted."""
        return tuple(sorted({s.date for s in self.statements if s.date is not None}))


# --- geometry -------------------------------------------------------------------------------------


def _orient(geom: BaseGeometry) -> BaseGeometry:
    """Counter-clockwise exterior rings, clockwise holes (RFC 7946 section 3.1.6)."""
    if geom.geom_type == "Polygon":
        return orient(geom, sign=1.0)
    if geom.geom_type == "MultiPolygon":
        return type(geom)([orient(p, sign=1.0) for p in geom.geoms])
    if geom.geom_type == "GeometryCollection":
        return type(geom)([_orient(g) for g in geom.geoms])
    return geom


def geometry_to_geojson(geom: BaseGeometry, *, decimals: int = COORD_DECIMALS) -> dict[str, Any]:
    """An RFC 7946 geometry dict: (lon, lat), ccw exterior rings, ``decimals`` (at most six) kept.

    Raises
    ------
    ValueError
        For a NaN or infinite coordinate, or ``decimals`` out of range.
    """
    if not 0 <= decimals <= COORD_DECIMALS:
        raise ValueError(f"decimals must be between 0 and {COORD_DECIMALS}, got {decimals!r}")
    coords = shapely.get_coordinates(geom)
    if not np.isfinite(coords).all():
        raise ValueError(f"non-finite coordinate in geometry {geom.wkt[:80]!r}")
    # ``+ 0.0`` turns -0.0 into 0.0 so that equal inputs give equal bytes.
    rounded = shapely.transform(_orient(geom), lambda xy: np.round(xy, decimals) + 0.0)
    return dict(mapping(rounded))


# --- building -------------------------------------------------------------------------------------


def _dominant_role(roles: Iterable[str]) -> str:
    present = set(roles)
    for role in ROLE_ORDER:
        if role in present:
            return role
    # A role outside the known vocabulary: keep it rather than invent one.
    return sorted(present)[0] if present else "location"


def _place_geometry(place: Place) -> BaseGeometry:
    if place.geometry is not None:
        return place.geometry
    return Point(place.point.lonlat())


def _find_statement(
    by_index: Mapping[tuple[str, int], Statement],
    by_doc: Mapping[str, Sequence[Statement]],
    doc: str,
    sentence: int,
    start: int,
    end: int,
) -> Statement | None:
    st = by_index.get((doc, sentence))
    if st is not None and st.start <= start and end <= st.end:
        return st
    # The sentence index disagrees with the offsets: trust the offsets.
    for cand in by_doc.get(doc, ()):
        if cand.start <= start and end <= cand.end:
            return cand
    return st


def _relative_span(st: Statement, start: int, end: int) -> tuple[int, int] | None:
    rel_start, rel_end = start - st.start, end - st.start
    if 0 <= rel_start <= rel_end <= len(st.text):
        return (rel_start, rel_end)
    log.warning(
        "mention %d-%d lies outside statement %s#%d (%d-%d); not marked",
        start,
        end,
        st.doc,
        st.index,
        st.start,
        st.end,
    )
    return None


def _mapped(res: Resolution) -> bool:
    """A place name inside an organisation's name ("International Syria Support Group", form
    ``organisation``) is reported by ``geomap parse`` but neither drawn nor linked: the statement does
    not talk about the place."""
    return res.mention.form != "organisation"


def _int_or_none(value: Any) -> int | None:
    """``geonameid`` is an integer in every output, whatever numeric type the gazetteer gave."""
    return None if value is None else int(value)


def _mention_row(res: Resolution, home: Statement | None, doc_date: dt.date | None) -> MentionRow:
    m, place = res.mention, res.place
    date = home.date if home is not None and home.date is not None else doc_date
    return MentionRow(
        doc=m.doc,
        start=m.start,
        end=m.end,
        text=m.text,
        sentence=m.sentence,
        place_id=place.place_id if place else None,
        name=place.name if place else None,
        kind=place.kind if place else None,
        country_code=place.country_code if place else None,
        lat=round(place.point.lat, COORD_DECIMALS) if place else None,
        lon=round(place.point.lon, COORD_DECIMALS) if place else None,
        role=res.role,
        precision=place.precision if place else None,
        score=round(float(res.score), SCORE_DECIMALS),
        geonameid=_int_or_none(place.geonameid) if place else None,
        admin1_code=place.admin1_code if place else None,
        form=m.form,
        head=m.head,
        source=m.source,
        reasons=tuple(res.reasons),
        speaker=home.speaker if home else None,
        date=_iso(date),
        categories=tuple(home.categories) if home else (),
    )


def build_features(results: Sequence[ParseResult], *, include_actors: bool = True) -> FeatureSet:
    """Build the features model from parsed documents.

    Parameters
    ----------
    results
        One :class:`~geo._types.ParseResult` per document.  Document ids must be unique.
    include_actors
        Keep places whose dominant role is ``actor`` (and their mentions, and the mentions of
        place names inside organisations' names).  They are kept by default: a GIS user may want
        them; the map draws them in a layer that starts hidden.

    Returns
    -------
    FeatureSet
        One feature per place (ordered by ``place_id``), the statements table (by document, then
        index) and the mentions table (by document, then offset).  The mentions table holds every
        mention, resolved or not, including place names inside organisations' names (form
        ``organisation``), which are neither features nor linked from the statements.

    Raises
    ------
    ValueError
        If two results share a document id.
    """
    docs: dict[str, ParseResult] = {}
    for res in results:
        doc_id = res.document.id
        if doc_id in docs:
            raise ValueError(f"duplicate document id {doc_id!r} in the parse results")
        docs[doc_id] = res

    places: dict[str, Place] = {}
    roles: dict[str, list[str]] = {}
    statement_of: dict[tuple[str, int], Statement] = {}
    for doc_id in sorted(docs):
        res = docs[doc_id]
        for st in res.statements:
            statement_of[(st.doc, st.index)] = st
        for r in res.resolutions:
            if r.place is not None and _mapped(r):
                places.setdefault(r.place.place_id, r.place)
                roles.setdefault(r.place.place_id, []).append(r.role)

    dropped = set() if include_actors else {pid for pid, rs in roles.items() if _dominant_role(rs) == "actor"}

    # (doc, statement index) -> spans (start, end, place_id or None) relative to the statement.
    spans: dict[tuple[str, int], list[tuple[int, int, str | None]]] = {}
    mention_rows: list[MentionRow] = []
    for doc_id in sorted(docs):
        res = docs[doc_id]
        by_index = {(st.doc, st.index): st for st in res.statements}
        by_doc: dict[str, list[Statement]] = {}
        for st in res.statements:
            by_doc.setdefault(st.doc, []).append(st)
        for r in res.resolutions:
            m, place = r.mention, r.place
            pid = place.place_id if place is not None else None
            mapped = _mapped(r)
            # Without actors, a place name inside an organisation's name (always an actor) goes too.
            if pid in dropped or (not mapped and not include_actors):
                continue
            home = _find_statement(by_index, by_doc, m.doc, m.sentence, m.start, m.end)
            mention_rows.append(_mention_row(r, home, res.document.date))
            if not mapped:
                continue
            if home is None:
                log.warning("mention %r of %s has no statement", m.text, m.doc)
                continue
            span = _relative_span(home, m.start, m.end)
            # A span outside its statement still links the place to it, unmarked (-1, -1).
            rel = span if span is not None else (-1, -1)
            spans.setdefault((home.doc, home.index), []).append((rel[0], rel[1], pid))

    mention_rows.sort(key=lambda row: (row.doc, row.start, row.end, row.place_id or ""))

    statement_rows: list[StatementRow] = []
    place_statements: dict[str, list[StatementRow]] = {}
    for key in sorted(statement_of):
        st = statement_of[key]
        doc = docs[st.doc].document if st.doc in docs else None
        date = st.date if st.date is not None else (doc.date if doc else None)
        st_spans = sorted(set(spans.get(key, ())), key=lambda s: (s[0], s[1], s[2] or ""))
        place_ids = tuple(sorted({pid for _, _, pid in st_spans if pid is not None}))
        row = StatementRow(
            id=_statement_id(st.doc, st.index),
            doc=st.doc,
            index=st.index,
            text=st.text,
            date=_iso(date),
            speaker=st.speaker,
            categories=tuple(sorted(set(st.categories))),
            source=doc.source if doc else None,
            url=doc.url if doc else None,
            title=doc.title if doc else None,
            place_ids=place_ids,
            mentions=tuple(s for s in st_spans if s[0] >= 0),
        )
        statement_rows.append(row)
        for pid in place_ids:
            place_statements.setdefault(pid, []).append(row)

    features: list[PlaceFeature] = []
    for pid in sorted(places):
        if pid in dropped:
            continue
        place = places[pid]
        rows = place_statements.get(pid, [])
        refs = tuple(
            StatementRef(
                doc=row.doc,
                index=row.index,
                text=row.text,
                date=row.date,
                speaker=row.speaker,
                categories=row.categories,
                source=row.source,
                url=row.url,
                title=row.title,
                mentions=tuple((s, e) for s, e, p in row.mentions if p == pid),
            )
            for row in rows
        )
        dates = sorted(row.date for row in rows if row.date is not None)
        features.append(
            PlaceFeature(
                place_id=pid,
                name=place.name,
                kind=place.kind,
                country_code=place.country_code,
                geonameid=_int_or_none(place.geonameid),
                precision=place.precision,
                role=_dominant_role(roles[pid]),
                n_mentions=len(roles[pid]),
                n_statements=len(rows),
                first_date=dates[0] if dates else None,
                last_date=dates[-1] if dates else None,
                categories=tuple(sorted({c for row in rows for c in row.categories})),
                statements=refs,
                geometry=_place_geometry(place),
            )
        )

    return FeatureSet(
        features=tuple(features), statements=tuple(statement_rows), mentions=tuple(mention_rows)
    )
