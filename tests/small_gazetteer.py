"""A gazetteer of a few dozen rows, in memory: the second implementation of ``geo.PlaceSource``.

Rows are real GeoNames and Natural Earth entries (``tests/data/small_gazetteer.jsonl``, written by
``tests/data/make_small_gazetteer.py``), with simplified polygons.  It answers as the SQLite store does
(``tests/test_contract.py`` holds both to the same behaviour), so a test of geo's stages can run on it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

from gazetteer import normalize
from gazetteer._names import loose_key
from geo import GAZETTEER_KINDS, GazetteerKind

DATA = Path(__file__).with_name("data") / "small_gazetteer.jsonl"
_KIND_ORDER = {kind: i for i, kind in enumerate(GAZETTEER_KINDS)}
_REPORT_NAME_TYPES = frozenset({"name", "ascii", "alt", "demonym"})


def _loose_name(kind: str, name: str, name_type: str) -> bool:
    """True for the names that the looser key finds, as in the store (``LOOSE_NAMES`` of
    gazetteer/_schema.py): a town's own name, an administrative unit's alternate names too, written as
    proper names."""
    if kind == "city":
        return name_type in ("name", "ascii") and name[:1].isupper()
    return kind in ("admin1", "admin2") and name_type in ("name", "ascii", "alt") and name[:1].isupper()


@dataclass(frozen=True, slots=True)
class SmallCandidate:
    """A candidate of the small gazetteer (its own type: geo reads candidates structurally)."""

    id: int
    place_id: str
    geonameid: int | None
    name: str
    kind: GazetteerKind
    country_code: str | None
    admin1_code: str | None
    population: int
    lat: float
    lon: float
    feature_code: str | None
    matched: str
    name_type: str
    loose: bool = False


@dataclass(frozen=True, slots=True)
class _Row:
    id: int
    name: str
    kind: GazetteerKind
    country_code: str | None
    admin1_code: str | None
    population: int
    lat: float
    lon: float
    feature_code: str | None
    names: tuple[tuple[str, str], ...]
    geometry: BaseGeometry | None

    def candidate(self, matched: str, name_type: str, *, loose: bool = False) -> SmallCandidate:
        if self.id > 0:
            place_id = f"gn:{self.id}"
        elif self.kind == "region":
            place_id = "region:" + re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")
        else:
            place_id = f"fips:{-self.id:05d}"
        return SmallCandidate(
            id=self.id,
            place_id=place_id,
            geonameid=self.id if self.id > 0 else None,
            name=self.name,
            kind=self.kind,
            country_code=self.country_code,
            admin1_code=self.admin1_code,
            population=self.population,
            lat=self.lat,
            lon=self.lon,
            feature_code=self.feature_code,
            matched=matched,
            name_type=name_type,
            loose=loose,
        )


def _rank(cand: SmallCandidate, query: str) -> int:
    if cand.matched == query:
        return 0
    return 1 if cand.matched.casefold() == query.casefold() else 2


class SmallGazetteer:
    """The rows of ``small_gazetteer.jsonl``, looked up as the SQLite store looks them up."""

    def __init__(
        self,
        rows: Sequence[_Row],
        borders: dict[tuple[str, str], BaseGeometry],
        languages: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self._rows = {r.id: r for r in rows}
        self._borders = borders
        self._languages = languages or {}
        self._by_norm: dict[str, list[tuple[_Row, str, str]]] = {}
        self._by_loose: dict[str, list[tuple[_Row, str, str]]] = {}
        for r in rows:
            for name, name_type in r.names:
                norm = normalize(name)
                self._by_norm.setdefault(norm, []).append((r, name, name_type))
                if _loose_name(r.kind, name, name_type) and norm:
                    self._by_loose.setdefault(loose_key(norm), []).append((r, name, name_type))

    @classmethod
    def load(cls, path: Path = DATA) -> SmallGazetteer:
        rows, borders, languages = [], {}, {}
        for line in path.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            geom = None if d["wkt"] is None else shapely.from_wkt(d["wkt"])
            if "border" in d:
                a, b = sorted(d["border"])
                borders[(a, b)] = geom
                continue
            names = tuple((n, t) for n, t in d["names"])
            if "languages" in d:
                languages[d["country_code"]] = tuple(d["languages"])
            rows.append(
                _Row(
                    d["id"],
                    d["name"],
                    d["kind"],
                    d["country_code"],
                    d["admin1_code"],
                    d["population"],
                    d["lat"],
                    d["lon"],
                    d["feature_code"],
                    names,
                    geom,
                )
            )
        return cls(rows, borders, languages)

    # -- names (recognition) --
    def _hits(self, name: str, name_types: Iterable[str] = _REPORT_NAME_TYPES) -> list[tuple[_Row, str, str]]:
        types = frozenset(name_types)
        return [h for h in self._by_norm.get(normalize(name), []) if h[2] in types]

    def _loose_hits(self, name: str) -> list[tuple[_Row, str, str]]:
        """The names that share only the looser key of ``name``, not its own key."""
        norm = normalize(name)
        if not norm:
            return []
        return [h for h in self._by_loose.get(loose_key(norm), []) if normalize(h[1]) != norm]

    def name_kinds(self, name: str, *, loose: bool = False) -> frozenset[str]:
        if loose:
            return frozenset(r.kind for r, _, _ in self._loose_hits(name))
        return frozenset("demonym" if t == "demonym" else r.kind for r, _, t in self._hits(name))

    def max_population(self, name: str) -> int:
        return max((r.population for r, _, _ in self._hits(name)), default=0)

    def has_exact_name(self, name: str) -> bool:
        return any(n == name for _, n, _ in self._by_norm.get(normalize(name), []))

    # -- places (resolution) --
    def lookup(
        self,
        name: str,
        *,
        country: str | None = None,
        kinds: Iterable[str] | None = None,
        name_types: Iterable[str] | None = None,
        limit: int = 25,
        loose: bool = False,
    ) -> list[SmallCandidate]:
        wanted = None if kinds is None else frozenset(kinds)
        types = frozenset(name_types) if name_types is not None else None
        best: dict[int, SmallCandidate] = {}
        hits = self._loose_hits(name) if loose else self._by_norm.get(normalize(name), [])
        for row, matched, name_type in hits:
            if country and row.country_code != country.upper():
                continue
            if (wanted is not None and row.kind not in wanted) or (
                types is not None and name_type not in types
            ):
                continue
            cand = row.candidate(matched, name_type, loose=loose)
            prev = best.get(row.id)
            if prev is None or _rank(cand, name) < _rank(prev, name):
                best[row.id] = cand
        ranked = sorted(
            best.values(), key=lambda c: (_rank(c, name), _KIND_ORDER[c.kind], -c.population, c.id)
        )
        return ranked[:limit]

    def get(self, place_id: int) -> SmallCandidate | None:
        row = self._rows.get(place_id)
        return None if row is None else row.candidate(row.name, "name")

    def country(self, code: str) -> SmallCandidate | None:
        for row in self._rows.values():
            if row.kind == "country" and row.country_code == code.upper():
                return row.candidate(row.name, "name")
        return None

    def languages(self, country: str) -> tuple[str, ...]:
        return self._languages.get(country.upper(), ())

    def admin1(self, country: str, code: str) -> SmallCandidate | None:
        for row in self._rows.values():
            if row.kind == "admin1" and row.country_code == country.upper() and row.admin1_code == code:
                return row.candidate(row.name, "name")
        return None

    def names_of(self, place_id: int) -> list[tuple[str, str]]:
        row = self._rows.get(place_id)
        return [] if row is None else sorted(row.names, key=lambda nt: (nt[1], nt[0]))

    def geometry(self, place_id: int) -> BaseGeometry | None:
        row = self._rows.get(place_id)
        return None if row is None else row.geometry

    def border(self, a: str, b: str) -> BaseGeometry | None:
        lo, hi = sorted((a.upper(), b.upper()))
        return self._borders.get((lo, hi))

    def countries_geometries(self) -> list[tuple[str, BaseGeometry]]:
        countries = [r for r in self._rows.values() if r.kind == "country" and r.geometry is not None]
        return sorted(((str(r.country_code), r.geometry) for r in countries), key=lambda cg: cg[0])
