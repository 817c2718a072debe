"""The features model: one feature per resolved place, with the statements that mention it.

Pure: takes :class:`geo._types.ParseResult` values and returns a :class:`FeatureSet`.  It opens no
file, does no parsing and knows nothing of the gazetteer.  Every writer (GeoJSON, GeoPackage, CSV)
and the HTML map read this one model, so they agree with each other.

Coordinates: a :class:`geo._types.Place` keeps its ``point`` as (lat, lon) and its ``geometry`` as a
shapely geometry in (lon, lat).  The swap happens once, in ``Coordinate.lonlat()``; everything here
is GeoJSON order (lon, lat).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np
import shapely
from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from geo._types import ParseResult, Place, Resolution, Statement

__all__ = [
    "ROLE_ORDER",
    "DocumentPart",
    "FeatureBuilder",
    "FeatureSet",
    "MentionRow",
    "PlaceFeature",
    "PlaceRow",
    "PlaceStatements",
    "StatementRef",
    "StatementRow",
    "build_features",
    "document_part",
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


_GETTERS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _values(row: Any) -> tuple[Any, ...]:
    """A dataclass's field values, in order: what its constructor takes back."""
    getter = _GETTERS.get(type(row))
    if getter is None:
        getter = _GETTERS[type(row)] = operator.attrgetter(*(f.name for f in dataclasses.fields(row)))
    return getter(row)


@dataclass(frozen=True, slots=True)
class StatementRow:
    """A statement of the statements table, with the places it mentions.

    ``mentions`` holds ``(start, end, place_id)`` spans relative to ``text``; ``place_id`` is
    ``None`` for a mention that did not resolve.  ``id`` (``doc#index``) is made when asked for, not
    kept: a map of many reports holds tens of thousands of rows.
    """

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

    @property
    def id(self) -> str:
        return _statement_id(self.doc, self.index)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # The class and its values: a tenth of the time of the default pickling of a frozen, slotted
        # dataclass, which matters for the rows every worker sends back.
        return (StatementRow, _values(self))

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


class PlaceStatements(Sequence[StatementRef]):
    """The statements that mention one place, each made a :class:`StatementRef` when it is read.

    A place of a map of many reports is in thousands of statements: the rows are kept once, in the
    statements table, and seen from each place they mention through this sequence.
    """

    __slots__ = ("_place_id", "_rows")

    def __init__(self, place_id: str, rows: Sequence[StatementRow]) -> None:
        self._place_id = place_id
        self._rows = rows

    @property
    def rows(self) -> Sequence[StatementRow]:
        """The statements' rows as kept: for a reader of their document, index or categories, which
        need no :class:`StatementRef` (and its mentions of this place) made for each."""
        return self._rows

    def _ref(self, row: StatementRow) -> StatementRef:
        pid = self._place_id
        return StatementRef(
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

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> StatementRef: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[StatementRef, ...]: ...

    def __getitem__(self, index: int | slice) -> StatementRef | tuple[StatementRef, ...]:
        if isinstance(index, slice):
            return tuple(self._ref(row) for row in self._rows[index])
        return self._ref(self._rows[index])

    def __iter__(self) -> Iterator[StatementRef]:
        return (self._ref(row) for row in self._rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PlaceStatements):
            return self._place_id == other._place_id and list(self._rows) == list(other._rows)
        if isinstance(other, (tuple, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"PlaceStatements({self._place_id!r}, {len(self)} statements)"


def statement_rows_of(statements: Sequence[StatementRef]) -> Sequence[StatementRow | StatementRef]:
    """``statements`` as rows where they are kept as rows (:class:`PlaceStatements`), else as they are:
    what a writer reads when it needs a statement's ``doc``, ``index`` or ``categories`` only."""
    return statements.rows if isinstance(statements, PlaceStatements) else statements


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

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (MentionRow, _values(self))

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
    statements: Sequence[StatementRef]
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

    def properties(self, *, statements: bool = True) -> dict[str, Any]:
        """The GeoJSON properties (without ``statements`` if not ``statements``: a writer that streams
        them one by one)."""
        props: dict[str, Any] = {
            name: getattr(self, name) for name in self.PROPERTY_NAMES if name != "statements"
        }
        props["categories"] = list(self.categories)
        if statements:
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


@dataclass(frozen=True, slots=True)
class PlaceRow:
    """A resolved place as the features need it: what a :class:`PlaceFeature` shows of it, and its shape.

    ``geometry`` is ``None`` for a point-only place, drawn at ``lonlat``.
    """

    place_id: str
    name: str
    kind: str
    country_code: str | None
    geonameid: int | None
    precision: int
    lonlat: tuple[float, float]
    geometry: BaseGeometry | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, place: Place) -> PlaceRow:
        return cls(
            place_id=place.place_id,
            name=place.name,
            kind=place.kind,
            country_code=place.country_code,
            geonameid=_int_or_none(place.geonameid),
            precision=place.precision,
            lonlat=place.point.lonlat(),
            geometry=place.geometry,
        )

    def shape(self) -> BaseGeometry:
        return self.geometry if self.geometry is not None else Point(self.lonlat)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (PlaceRow, _values(self))


@dataclass(frozen=True, slots=True)
class DocumentPart:
    """One document's share of a :class:`FeatureSet`: its statement and mention rows and its places.

    Small and quick to pickle, so that a worker process can build it where the document was parsed and
    send only it (parts sent together share each geometry: pickle writes an object once).  ``places``
    holds each place the document maps once; ``roles`` one ``(place_id, role)`` per mapped mention of
    a place.
    """

    doc: str
    statements: tuple[StatementRow, ...]
    mentions: tuple[MentionRow, ...]
    places: tuple[PlaceRow, ...]
    roles: tuple[tuple[str, str], ...]

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (DocumentPart, _values(self))


def document_part(result: ParseResult) -> DocumentPart:
    """The rows and places of one parsed document (a module-level function: it runs in workers)."""
    document = result.document
    by_index = {(st.doc, st.index): st for st in result.statements}
    by_doc: dict[str, list[Statement]] = {}
    for st in result.statements:
        by_doc.setdefault(st.doc, []).append(st)

    places: dict[str, PlaceRow] = {}
    roles: list[tuple[str, str]] = []
    # (doc, statement index) -> spans (start, end, place_id or None) relative to the statement.
    spans: dict[tuple[str, int], list[tuple[int, int, str | None]]] = {}
    mention_rows: list[MentionRow] = []
    for r in result.resolutions:
        m, place = r.mention, r.place
        pid = place.place_id if place is not None else None
        mapped = _mapped(r)
        if place is not None and pid is not None and mapped:
            if pid not in places:
                places[pid] = PlaceRow.of(place)
            roles.append((pid, r.role))
        home = _find_statement(by_index, by_doc, m.doc, m.sentence, m.start, m.end)
        mention_rows.append(_mention_row(r, home, document.date))
        if not mapped:
            continue
        if home is None:
            log.warning("mention %r of %s has no statement", m.text, m.doc)
            continue
        span = _relative_span(home, m.start, m.end)
        # A span outside its statement still links the place to it, unmarked (-1, -1).
        rel = span if span is not None else (-1, -1)
        spans.setdefault((home.doc, home.index), []).append((rel[0], rel[1], pid))
    mention_rows.sort(key=_mention_key)

    statement_rows: list[StatementRow] = []
    for st in sorted(result.statements, key=lambda st: (st.doc, st.index)):
        doc = document if st.doc == document.id else None
        date = st.date if st.date is not None else (doc.date if doc else None)
        st_spans = sorted(set(spans.get((st.doc, st.index), ())), key=lambda s: (s[0], s[1], s[2] or ""))
        statement_rows.append(
            StatementRow(
                doc=st.doc,
                index=st.index,
                text=st.text,
                date=_iso(date),
                speaker=st.speaker,
                categories=tuple(sorted(set(st.categories))),
                source=doc.source if doc else None,
                url=doc.url if doc else None,
                title=doc.title if doc else None,
                place_ids=tuple(sorted({pid for _, _, pid in st_spans if pid is not None})),
                mentions=tuple(s for s in st_spans if s[0] >= 0),
            )
        )
    return DocumentPart(
        doc=document.id,
        statements=tuple(statement_rows),
        mentions=tuple(mention_rows),
        places=tuple(places.values()),
        roles=tuple(roles),
    )


def _mention_key(row: MentionRow) -> tuple[str, int, int, str]:
    return (row.doc, row.start, row.end, row.place_id or "")


class FeatureBuilder:
    """Builds a :class:`FeatureSet` from documents fed one at a time, keeping only what the set needs.

    Each place is kept once (one geometry, however many mentions), with the statement and mention
    rows; the parse results themselves are not kept, so memory grows with the rows, not with the
    places' geometries.  The set built is the same whatever the order the documents came in.

    Parameters
    ----------
    include_actors
        As for :func:`build_features`.
    """

    def __init__(self, *, include_actors: bool = True) -> None:
        self.include_actors = include_actors
        self._statements: dict[str, tuple[StatementRow, ...]] = {}
        self._mentions: dict[str, tuple[MentionRow, ...]] = {}
        # place_id -> (the document it is taken from: the first by id, the place)
        self._places: dict[str, tuple[str, PlaceRow]] = {}
        self._roles: dict[str, dict[str, int]] = {}
        # One copy of each repeated value of the rows (names, kinds, reasons, dates, a place's
        # coordinates ...): they make up half of a row, and a place's repeat with each of its mentions.
        self._values: dict[Any, Any] = {}

    def __len__(self) -> int:
        """Documents added so far."""
        return len(self._statements)

    def add(self, item: ParseResult | DocumentPart) -> None:
        """Add one document, parsed (a :class:`ParseResult`) or already made a :func:`document_part`.

        Raises
        ------
        ValueError
            If a document of that id was added before.
        """
        part = item if isinstance(item, DocumentPart) else document_part(item)
        if part.doc in self._statements:
            raise ValueError(f"duplicate document id {part.doc!r} in the parse results")
        self._statements[part.doc] = tuple(self._shared_statement(row) for row in part.statements)
        self._mentions[part.doc] = tuple(self._shared_mention(row) for row in part.mentions)
        for place in part.places:
            kept = self._places.get(place.place_id)
            if kept is None or part.doc < kept[0]:
                self._places[place.place_id] = (part.doc, place)
        for pid, role in part.roles:
            counts = self._roles.setdefault(pid, {})
            counts[role] = counts.get(role, 0) + 1

    def _tuple(self, value: tuple[str, ...]) -> tuple[str, ...]:
        """The one copy kept of a tuple of strings, itself made of kept strings."""
        kept: tuple[str, ...] | None = self._values.get(value)
        if kept is None:
            keep = self._values.setdefault
            kept = self._values[value] = tuple(keep(v, v) for v in value)
        return kept

    def _number(self, value: float | None) -> float | None:
        """The one copy kept of a float (0.0 and -0.0 apart: they print differently)."""
        if value is None:
            return None
        return self._values.setdefault((float, value, math.copysign(1.0, value)), value)

    def _shared_statement(self, row: StatementRow) -> StatementRow:
        keep, keep_tuple = self._values.setdefault, self._tuple
        return StatementRow(
            keep(row.doc, row.doc),
            row.index,
            row.text,
            keep(row.date, row.date),
            keep(row.speaker, row.speaker),
            keep_tuple(row.categories),
            keep(row.source, row.source),
            keep(row.url, row.url),
            keep(row.title, row.title),
            keep_tuple(row.place_ids),
            tuple((s, e, keep(pid, pid)) for s, e, pid in row.mentions),
        )

    def _shared_mention(self, row: MentionRow) -> MentionRow:
        # Positional, in the order of MentionRow.FIELDS: this runs for every mention of every report.
        keep, keep_tuple, number = self._values.setdefault, self._tuple, self._number
        return MentionRow(
            keep(row.doc, row.doc),
            row.start,
            row.end,
            keep(row.text, row.text),
            row.sentence,
            keep(row.place_id, row.place_id),
            keep(row.name, row.name),
            keep(row.kind, row.kind),
            keep(row.country_code, row.country_code),
            number(row.lat),
            number(row.lon),
            keep(row.role, row.role),
            row.precision,
            row.score,
            row.geonameid,
            keep(row.admin1_code, row.admin1_code),
            keep(row.form, row.form),
            keep(row.head, row.head),
            keep(row.source, row.source),
            keep_tuple(row.reasons),
            keep(row.speaker, row.speaker),
            keep(row.date, row.date),
            keep_tuple(row.categories),
        )

    def build(self) -> FeatureSet:
        """The features set of every document added so far."""
        docs = sorted(self._statements)
        dropped = (
            set()
            if self.include_actors
            else {pid for pid, rs in self._roles.items() if _dominant_role(rs) == "actor"}
        )
        mention_rows = [
            row
            for doc in docs
            for row in self._mentions[doc]
            # Without actors, a place name inside an organisation's name (always an actor) goes too.
            if row.place_id not in dropped and (self.include_actors or row.form != "organisation")
        ]
        statement_rows: list[StatementRow] = []
        place_statements: dict[str, list[StatementRow]] = {}
        for doc in docs:
            for row in self._statements[doc]:
                if dropped:
                    row = _without(row, dropped)
                statement_rows.append(row)
                for pid in row.place_ids:
                    place_statements.setdefault(pid, []).append(row)

        features: list[PlaceFeature] = []
        for pid in sorted(self._places):
            if pid in dropped:
                continue
            place = self._places[pid][1]
            rows = place_statements.get(pid, [])
            dates = sorted(row.date for row in rows if row.date is not None)
            features.append(
                PlaceFeature(
                    place_id=pid,
                    name=place.name,
                    kind=place.kind,
                    country_code=place.country_code,
                    geonameid=place.geonameid,
                    precision=place.precision,
                    role=_dominant_role(self._roles[pid]),
                    n_mentions=sum(self._roles[pid].values()),
                    n_statements=len(rows),
                    first_date=dates[0] if dates else None,
                    last_date=dates[-1] if dates else None,
                    categories=tuple(sorted({c for row in rows for c in row.categories})),
                    statements=PlaceStatements(pid, rows),
                    geometry=place.shape(),
                )
            )
        return FeatureSet(
            features=tuple(features), statements=tuple(statement_rows), mentions=tuple(mention_rows)
        )


def _without(row: StatementRow, dropped: set[str]) -> StatementRow:
    """``row`` without the places in ``dropped`` (actors left out of the map)."""
    return dataclasses.replace(
        row,
        place_ids=tuple(pid for pid in row.place_ids if pid not in dropped),
        mentions=tuple(s for s in row.mentions if s[2] not in dropped),
    )


def build_features(
    results: Iterable[ParseResult | DocumentPart], *, include_actors: bool = True
) -> FeatureSet:
    """Build the features model from parsed documents.

    Parameters
    ----------
    results
        One :class:`~geo._types.ParseResult` (or :class:`DocumentPart`) per document, any iterable:
        each is reduced to its rows as it comes, so a generator keeps memory flat.  Document ids must
        be unique.
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
    builder = FeatureBuilder(include_actors=include_actors)
    for res in results:
        builder.add(res)
    return builder.build()
